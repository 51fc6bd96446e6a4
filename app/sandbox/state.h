#pragma once

#include "sandbox/directory.h"
#include "sandbox/entra_state.h"
#include "sandbox/faults.h"
#include "sandbox/konnect_state.h"
#include "sandbox/request_log.h"
#include "sandbox/seed.h"
#include "sandbox/token_issuer.h"

namespace dcr::sandbox {

// Everything the emulated services share. Lives on the sandbox's own thread; only the fault
// rules and the request log are touched from elsewhere, and they lock themselves.
struct SandboxState {
    Seed seed;
    QString baseUrl;  // "http://127.0.0.1:<port>", known once listening
    TokenIssuer tokens;
    Directory directory;
    EntraState entra;
    KonnectState konnect;
    FaultInjector faults;
    RequestLog log;

    // (Re)creates the directory and Konnect objects from the seed. Keys and logs are kept.
    void applySeed();
};

}  // namespace dcr::sandbox
