#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build dcr-wizard and run its test suite.
# Idempotent: installs only what is missing, and says what it installs. Uses apt-get directly
# when run as root, sudo otherwise. With --list it only prints the package names.
set -euo pipefail

packages=(
    # build
    cmake g++ make pkg-config
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools
    qtkeychain-qt6-dev libxkbcommon-dev libssl-dev libgl-dev
    googletest libgtest-dev libgmock-dev
    # run: a Secret Service provider so secrets reach a keychain, and the SVG icon plugin
    gnome-keyring libsecret-tools libqt6svg6
    # run: Qt's own translations (the wizard's standard buttons and dialogs in Japanese; optional)
    qt6-translations-l10n
    # tests: private D-Bus sessions, a virtual X server, curl, jq and openssl for the sandbox walk-through
    dbus dbus-bin dbus-daemon xvfb xauth curl jq openssl
    # tests: the parsers' libFuzzer targets (tests/fuzz/), built with clang and its fuzzer runtime
    clang libclang-rt-14-dev
    # tests: real clients judge the sandbox: Microsoft's MSAL for Python (tests/msal/), and Chromium
    # driven headless through Selenium (tests/browser/)
    python3-msal python3-requests chromium chromium-driver python3-selenium
    # packaging: man pages from --help, the .deb's computed Depends (dpkg-shlibdeps, and file, which
    # CPack uses to find the ELF files), and the desktop entry and AppStream validators
    help2man dpkg-dev file desktop-file-utils appstream
)

if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages are already installed."
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt_get=(apt-get)
else
    apt_get=(sudo apt-get)
fi
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -q
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q --no-install-recommends "${missing[@]}"
