#!/usr/bin/env bash
# Usage: package_test.sh BUILD_DIR SOURCE_DIR
#
# Builds the .deb and .tar.gz with CPack from BUILD_DIR, checks their metadata and contents,
# validates the desktop entry and AppStream metainfo (the sources and the shipped copies), then
# installs the .deb and runs the *installed* wizard: --version and an unattended sandbox run.
# As root (CI) it installs with dpkg -i and removes the package again, checking nothing is left;
# otherwise, or with DCR_PACKAGE_TEST_EXTRACT_ONLY=1, it unpacks the .deb into a temporary root.
# Run it inside tests/support/with-keyring-session.sh so the run can store its client secret.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
app_id=io.github.dcr_wizard.DcrWizard
package=dcr-wizard

work=$(mktemp -d "${TMPDIR:-/tmp}/dcr-package-test.XXXXXX")
installed=0
cleanup() {
    # A failed run must not leave the package on the machine.
    if [ "$installed" = 1 ]; then
        echo "package_test: removing the package after a failure" >&2
        dpkg -P "$package" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

expected_version=$("$build/bin/dcr-wizard" --version | sed -n 's/^dcr-wizard \([^ ]*\)$/\1/p')
[ -n "$expected_version" ] || fail "the built dcr-wizard did not print its version"

validate_desktop() {
    local out
    out=$(desktop-file-validate "$1" 2>&1) || fail "desktop-file-validate rejects $1: $out"
    # Hints are advice; warnings are what desktops may act on, so they fail the test too.
    if grep -Eq ': (error|warning): ' <<<"$out"; then fail "desktop-file-validate on $1: $out"; fi
}
validate_metainfo() {
    local out
    out=$(appstreamcli validate --no-net --strict "$1" 2>&1) || fail "appstreamcli validate rejects $1: $out"
}

step "validating the desktop entry and the AppStream metainfo in installer/linux"
validate_desktop "$src/installer/linux/$app_id.desktop"
validate_metainfo "$src/installer/linux/$app_id.metainfo.xml"
# Software centres show the newest <release> as the installed version's notes.
newest_release=$(grep -m1 -o '<release version="[^"]*"' "$src/installer/linux/$app_id.metainfo.xml" | cut -d'"' -f2)
[ "$newest_release" = "$expected_version" ] ||
    fail "the metainfo's newest release is '$newest_release' but the project version is $expected_version: add its release notes"

step "building the packages with cpack"
if ! (cd "$build" && cpack -G "DEB;TGZ" -B "$work/out" --config CPackConfig.cmake) >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    fail "cpack failed"
fi
debs=("$work"/out/"${package}"_*.deb)
tgzs=("$work"/out/"${package}"-*.tar.gz)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in $work/out: $(ls "$work/out")"
[ ${#tgzs[@]} -eq 1 ] && [ -f "${tgzs[0]}" ] || fail "expected one .tar.gz in $work/out: $(ls "$work/out")"
deb=${debs[0]}
tgz=${tgzs[0]}
echo "built $(basename "$deb") and $(basename "$tgz")"

step "checking the .deb's control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = "$package" ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$expected_version" ] || fail "Version is '$(field Version)', the binary says $expected_version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
echo "Depends: $depends"
# What dpkg-shlibdeps must have found in the binaries, and what it cannot see (Qt's SVG plugin).
tr ',|' '\n\n' <<<"$depends" | sed 's/^ *//; s/ .*//' >"$work/depends"
for dep in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6httpserver6 libqt6keychain1 libssl3 libstdc++6 libqt6svg6; do
    grep -qxF "$dep" "$work/depends" || fail "Depends lacks $dep"
done
grep -Eq '\(>= ' <<<"$depends" || fail "Depends has no version constraints: dpkg-shlibdeps did not run"
recommends=$(field Recommends)
grep -q 'gnome-keyring' <<<"$recommends" || fail "Recommends names no Secret Service provider: '$recommends'"
[ -n "$(field Description)" ] && [ -n "$(field Maintainer)" ] || fail "Description or Maintainer is empty"

step "checking the .deb's contents"
# Lists go to files first: with pipefail, grep -q ending a pipeline early would fail its writer.
dpkg-deb -c "$deb" >"$work/contents"
awk '{print $6}' "$work/contents" | sed 's|^\./|/|' >"$work/paths"
required=(
    /usr/bin/dcr-wizard
    /usr/bin/dcr-sandbox
    "/usr/share/applications/$app_id.desktop"
    "/usr/share/metainfo/$app_id.metainfo.xml"
    "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
    /usr/share/man/man1/dcr-wizard.1.gz
    /usr/share/man/man1/dcr-sandbox.1.gz
    /usr/share/dcr-wizard/profiles/sandbox-demo.json
)
for size in 16 22 24 32 48 64 128 256; do
    required+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${required[@]}"; do
    grep -qxF "$path" "$work/paths" || fail "the .deb lacks $path"
done
outside=$(grep -v '^/usr/' "$work/paths" | grep -vx '/' || true)
[ -z "$outside" ] || fail "files outside /usr: $outside"
not_root=$(awk '$2 != "root/root"' "$work/contents")
[ -z "$not_root" ] || fail "files not owned by root:root: $not_root"

step "inspecting the unpacked .deb"
root="$work/root"
dpkg-deb -x "$deb" "$root"
validate_desktop "$root/usr/share/applications/$app_id.desktop"
validate_metainfo "$root/usr/share/metainfo/$app_id.metainfo.xml"
# The tree as a whole: the metainfo's launchable names a desktop file that is there, with an icon.
out=$(appstreamcli validate-tree --no-net --strict "$root" 2>&1) || fail "appstreamcli validate-tree rejects the package: $out"
grep -qx "Icon=$app_id" "$root/usr/share/applications/$app_id.desktop" || fail "the desktop entry's Icon is not $app_id"
grep -qx 'Exec=dcr-wizard' "$root/usr/share/applications/$app_id.desktop" || fail "the desktop entry does not start dcr-wizard"
for size in 16 22 24 32 48 64 128 256; do
    png="$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
    # The PNG signature, then the IHDR chunk's big-endian width and height.
    [ "$(od -An -tx1 -N8 "$png" | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$png is not a PNG"
    read -r w1 w2 w3 w4 h1 h2 h3 h4 < <(od -An -tu1 -j16 -N8 "$png")
    [ $(((w1 << 24) + (w2 << 16) + (w3 << 8) + w4)) -eq "$size" ] && [ $(((h1 << 24) + (h2 << 16) + (h3 << 8) + h4)) -eq "$size" ] ||
        fail "$png is not ${size}x${size}"
done
for tool in dcr-wizard dcr-sandbox; do
    page=$(gzip -dc "$root/usr/share/man/man1/$tool.1.gz")
    upper=$(tr '[:lower:]' '[:upper:]' <<<"$tool")
    grep -q "^\.TH $upper \"1\"" <<<"$page" || fail "$tool.1 has no .TH header"
    grep -qF "$expected_version" <<<"$page" || fail "$tool.1 does not carry version $expected_version"
    grep -qF -- '\-\-help' <<<"$page" || fail "$tool.1 does not document the options from --help"
    # help2man only finds an OPTIONS section in English help: a translated --help means the build
    # picked up the build machine's language.
    grep -qx '\.SH OPTIONS' <<<"$page" || fail "$tool.1 has no OPTIONS section (was --help translated?)"
done
page=$(gzip -dc "$root/usr/share/man/man1/dcr-wizard.1.gz")
for text in '\-\-unattended' '\-\-profile' 'EXIT STATUS' 'DCR_WIZARD_KONNECT_TOKEN'; do
    grep -qF -- "$text" <<<"$page" || fail "dcr-wizard.1 lacks '$text'"
done
for bin in dcr-wizard dcr-sandbox; do
    if readelf -S "$root/usr/bin/$bin" | grep '\.debug_info' >/dev/null; then fail "/usr/bin/$bin is not stripped"; fi
done

step "checking the .tar.gz's contents"
tar -tzf "$tgz" >"$work/tgz-contents"
top=$(basename "$tgz" .tar.gz)
for path in bin/dcr-wizard bin/dcr-sandbox "share/applications/$app_id.desktop" share/man/man1/dcr-wizard.1.gz \
    "share/icons/hicolor/256x256/apps/$app_id.png" share/dcr-wizard/profiles/sandbox-demo.json; do
    grep -qxF "$top/$path" "$work/tgz-contents" || fail "the .tar.gz lacks $top/$path"
done

# Runs an installed wizard as an admin would, but with throwaway HOME and XDG directories so it
# neither reads nor changes the state of whoever runs the tests.
run_installed() {
    local bin=$1 sandbox_bin=$2 profile=$3
    local home="$work/user"
    rm -rf "$home"
    mkdir -p "$home/home" "$home/data" "$home/config" "$home/cache"
    local env=(env -u LD_LIBRARY_PATH -u QT_PLUGIN_PATH HOME="$home/home" XDG_DATA_HOME="$home/data"
        XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" LC_ALL=C.UTF-8)

    [ "$("${env[@]}" "$bin" --version)" = "dcr-wizard $expected_version" ] || fail "$bin --version says '$("${env[@]}" "$bin" --version)'"
    [ "$("${env[@]}" "$sandbox_bin" --version)" = "dcr-sandbox $expected_version" ] || fail "$sandbox_bin --version is wrong"

    # The translations are compiled into the binary: installed, it must speak Japanese exactly as the
    # build tree's does. The usage line names the binary's path, so it is left out.
    local ja=(LANGUAGE=ja LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8)
    [ "$("${env[@]}" "${ja[@]}" "$bin" --help | sed 1d)" = "$(env "${ja[@]}" "$build/bin/dcr-wizard" --help | sed 1d)" ] ||
        fail "$bin --help in Japanese differs from the build tree's"

    local rc=0
    "${env[@]}" "$bin" --unattended --sandbox --json --profile "$profile" >"$work/run.out" 2>"$work/run.err" || rc=$?
    if [ "$rc" -ne 0 ]; then
        cat "$work/run.err" >&2
        fail "the installed wizard's unattended sandbox run exited with $rc"
    fi
    sed 's/^/    /' "$work/run.err"
    jq -e '.ok == true and .profile == "sandbox-demo"' "$work/run.out" >/dev/null || fail "the summary does not say ok: $(cat "$work/run.out")"
    jq -e '(.steps | length) >= 5 and all(.steps[]; .status == "done")' "$work/run.out" >/dev/null ||
        fail "not every step is done: $(jq -c '[.steps[] | {id, status}]' "$work/run.out")"
    [ -n "$(find "$home/data" -path '*dcr-wizard/state/sandbox-demo@sandbox.json' -size +0)" ] ||
        fail "the run saved no progress under its XDG_DATA_HOME"
    if [ -n "${DCR_KEYRING_SESSION:-}" ]; then
        local tenant app entry
        tenant=$(jq -r '.ids.tenant_id' "$work/run.out")
        app=$(jq -r '.ids.app_id' "$work/run.out")
        entry="sandbox-demo/initial-client-secret/$tenant/$app"
        [ "$(secret-tool lookup server dcr-wizard user "$entry" | wc -c)" -ge 16 ] ||
            fail "the installed wizard did not keep the client secret in the keychain"
        secret-tool clear server dcr-wizard user "$entry"
    fi
    echo "the installed wizard's unattended sandbox run succeeded"
}

if [ "$(id -u)" -eq 0 ] && [ -z "${DCR_PACKAGE_TEST_EXTRACT_ONLY:-}" ]; then
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [ -n "$status" ] && [ "$status" != "not-installed" ]; then
        fail "a $package package is already on this machine ($status); remove it (dpkg -P $package) or set DCR_PACKAGE_TEST_EXTRACT_ONLY=1"
    fi
    step "installing the .deb with dpkg -i"
    # Another apt or dpkg run may hold the lock for a while; anything else fails at once.
    for attempt in $(seq 1 30); do
        if dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then break; fi
        if ! grep -q 'lock' "$work/dpkg.log" || [ "$attempt" -eq 30 ]; then
            cat "$work/dpkg.log" >&2
            installed=1
            fail "dpkg -i failed"
        fi
        sleep 2
    done
    installed=1
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$package")" = installed ] || fail "dpkg does not list $package as installed"
    [ "$(command -v dcr-wizard)" = /usr/bin/dcr-wizard ] || echo "note: dcr-wizard on PATH is $(command -v dcr-wizard), the test runs /usr/bin/dcr-wizard"
    run_installed /usr/bin/dcr-wizard /usr/bin/dcr-sandbox /usr/share/dcr-wizard/profiles/sandbox-demo.json

    step "removing the package with dpkg -r"
    dpkg -r "$package" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r failed"; }
    left=()
    while IFS= read -r path; do
        [ -d "$path" ] && [ ! -L "$path" ] && continue  # directories are shared with other packages
        if [ -e "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
    done <"$work/paths"
    [ ${#left[@]} -eq 0 ] || fail "dpkg -r left files behind: ${left[*]}"
    for dir in /usr/share/dcr-wizard /usr/share/doc/dcr-wizard; do
        [ ! -e "$dir" ] || fail "dpkg -r left $dir behind"
    done
    dpkg -P "$package" >/dev/null 2>&1 || true
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ -z "$status" ] || [ "$status" = "not-installed" ] || fail "after removal dpkg still lists $package as '$status'"
    installed=0
    echo "removed cleanly"
else
    step "running the wizard from the unpacked .deb (not root: no dpkg -i)"
    run_installed "$root/usr/bin/dcr-wizard" "$root/usr/bin/dcr-sandbox" "$root/usr/share/dcr-wizard/profiles/sandbox-demo.json"
fi
echo "package_test: OK"
