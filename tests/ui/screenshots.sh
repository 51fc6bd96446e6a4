#!/usr/bin/env bash
# Usage: tests/ui/screenshots.sh OUTPUT_DIR [BUILD_DIR]
# Saves a PNG of every page of the wizard, walked through the embedded sandbox's happy path under a
# virtual X server, into OUTPUT_DIR (for the README and for reviewing the layout). BUILD_DIR
# defaults to build/default; the tool is built there if missing. The pages are in the language of
# the session (LANG=ja_JP.UTF-8 for the Japanese ones).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTPUT_DIR [BUILD_DIR]" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
build="${2:-$root/build/default}"
tool="$build/bin/dcr-wizard-screenshots"
if [ ! -x "$tool" ]; then
    cmake --build "$build" --target dcr-wizard-screenshots
fi
# A private keyring session keeps the run away from the user's own keychain and settings.
exec "$root/tests/support/with-keyring-session.sh" xvfb-run -a -s "-screen 0 1280x1024x24" "$tool" "$out"
