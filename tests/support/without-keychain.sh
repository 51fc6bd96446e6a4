#!/usr/bin/env bash
# Usage: without-keychain.sh no-bus|no-service COMMAND [ARGS...]
# Runs COMMAND with throwaway HOME/XDG directories (exported as DCR_TEST_SCRATCH so the test can
# scan them) and either no D-Bus session at all, or a private session in which no Secret Service
# exists and none can be activated.
set -euo pipefail
mode=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dcr-nokeychain.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/run"
chmod 700 "$scratch/run"
export DCR_TEST_SCRATCH="$scratch" HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" \
    XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
status=0
case "$mode" in
    no-bus) env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY "$@" || status=$? ;;
    no-service) dbus-run-session --config-file="$here/session-without-services.conf" -- "$@" || status=$? ;;
    *) echo "without-keychain.sh: unknown mode $mode" >&2; exit 2 ;;
esac
exit "$status"
