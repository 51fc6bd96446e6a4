#!/usr/bin/env bash
# The whole test suite, build included: installs missing Debian packages, configures, builds, and
# runs ctest inside a private D-Bus session with a throwaway, unlocked keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/install-deps.sh
cmake --preset default
cmake --build --preset default
export QT_QPA_PLATFORM=offscreen
tests/support/with-keyring-session.sh ctest --preset default "$@"
