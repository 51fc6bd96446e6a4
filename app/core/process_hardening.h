#pragma once

// What both binaries do first, before any thread exists: the process holds access tokens and
// client secrets in memory, so it must not leave them in a core file, let another process of the
// same user read its memory or environment, or hand a token in the environment to its children.

#include <QByteArray>
#include <QString>

#include <cstdlib>
#include <cstring>

#if defined(Q_OS_LINUX) || defined(__linux__)
#include <sys/prctl.h>
#endif
#if defined(Q_OS_UNIX) || defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#endif

namespace dcr {

// No core dumps (RLIMIT_CORE 0, also for children) and, on Linux, not dumpable: no core file even
// where a core handler ignores the limit, /proc/<pid>/{mem,environ,maps} owned by root, and no
// ptrace from the same user. Returns false if any of it was refused.
inline bool hardenProcess() {
    bool ok = true;
#if defined(Q_OS_UNIX) || defined(__unix__) || defined(__APPLE__)
    const rlimit none{0, 0};
    ok = setrlimit(RLIMIT_CORE, &none) == 0 && ok;
#endif
#if defined(Q_OS_LINUX) || defined(__linux__)
    ok = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && ok;
#endif
    return ok;
}

// Reads a secret from the environment and removes it: from the environment children inherit
// (unsetenv) and, where it still sits in the process's original environment block (what
// /proc/<pid>/environ shows), its bytes are overwritten first. Call before any thread starts:
// the environment has no lock. Returns the value, trimmed; empty when unset.
inline QString takeEnvironmentSecret(const char* name) {
    char* value = std::getenv(name);
    if (!value)
        return {};
    const QString taken = QString::fromLocal8Bit(value).trimmed();
    std::memset(value, 0, std::strlen(value));
    unsetenv(name);
    return taken;
}

}  // namespace dcr
