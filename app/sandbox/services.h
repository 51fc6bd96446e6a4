#pragma once

#include "sandbox/router.h"
#include "sandbox/state.h"

#include <functional>

namespace dcr::sandbox {

// Each emulated service registers its routes under its own path prefix:
//   /login/…     Microsoft identity platform (v2.0 sign-in, v1 client credentials, discovery, JWKS)
//   /graph/…     Microsoft Graph (/graph/v1.0/…)
//   /konnect/…   Kong Konnect's regional and global APIs (/konnect/v2/…, /konnect/v3/…)
//   /portal/…    a portal's Portal API (/portal/<portalId>/api/v3/…)
//   /gateway/…   the data plane serving the published APIs
//   /_sandbox/…  inspection and control
void registerEntra(Router& router, SandboxState& state);
void registerGraph(Router& router, SandboxState& state);
void registerKonnect(Router& router, SandboxState& state);
void registerPortal(Router& router, SandboxState& state);
void registerGateway(Router& router, SandboxState& state);
void registerInspection(Router& router, SandboxState& state);

// Hooks of the services that own parts of the state: create the seeded objects, and describe
// what exists for GET /_sandbox/state.
void seedKonnect(SandboxState& state);
QJsonObject inspectKonnect(const SandboxState& state);

// Base URLs of each service and the seeded, sandbox-only credentials (GET /_sandbox/info).
QJsonObject sandboxInfo(const SandboxState& state);

}  // namespace dcr::sandbox
