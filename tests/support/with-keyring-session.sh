#!/usr/bin/env bash
# Usage: with-keyring-session.sh COMMAND [ARGS...]
# Runs COMMAND inside a private D-Bus session that has a real, unlocked gnome-keyring Secret Service,
# with throwaway HOME and XDG directories, so tests never touch the user's own keychain or files.
set -euo pipefail

if [ -z "${DCR_KEYRING_SESSION:-}" ]; then
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/dcr-keyring.XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/run"
    chmod 700 "$scratch/run"
    status=0
    DCR_KEYRING_SESSION=1 HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
        XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run" \
        dbus-run-session -- "$0" "$@" || status=$?
    exit "$status"
fi

# Inside the private session: start the keyring unlocked with a throwaway password. A fresh HOME
# makes gnome-keyring create a new "login" collection with that password.
printf 'dcr-wizard-tests' | gnome-keyring-daemon --unlock --components=secrets >/dev/null

bus_has_secrets() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
# The name appears before the collection is ready: a write right away fails with "Cannot create an
# item in a locked collection". Wait for the name, then for a probe item to be stored and removed.
for _ in $(seq 1 100); do bus_has_secrets && break; sleep 0.1; done
bus_has_secrets || { echo "with-keyring-session: org.freedesktop.secrets never appeared on the bus" >&2; exit 1; }
ready=0
for _ in $(seq 1 100); do
    if printf 'probe' | secret-tool store --label='dcr-wizard test probe' dcr-wizard-probe ready 2>/dev/null; then
        secret-tool clear dcr-wizard-probe ready
        ready=1
        break
    fi
    sleep 0.1
done
[ "$ready" = 1 ] || { echo "with-keyring-session: the keyring never accepted a write" >&2; exit 1; }

"$@"
