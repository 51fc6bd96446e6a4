#!/usr/bin/env bash
# dcr-wizard's speed figures, each a median over repeated runs on this machine. Prints a table and
# writes them as one JSON file. Not a test: nothing here asserts on a figure.
#
#   1. Cold start: from process start (tests/perf/perf_launch takes CLOCK_MONOTONIC just before
#      execve) to the first paint of the first page under Xvfb (DCR_WIZARD_STARTUP_PROBE=1 prints
#      CLOCK_MONOTONIC and VmHWM at that paint event and quits), and the peak RSS until then; the
#      same for the floor, a bare two-page QWizard (floor_wizard.cpp), measured alternately with it.
#   2. End to end: `dcr-wizard --unattended --sandbox-url` with sandbox-demo.json against a
#      dcr-sandbox that adds 50 ms to every request to the services (/login, /graph, /konnect,
#      /portal, /gateway; not to the benchmark's own /_sandbox control requests): wall time from
#      launch to exit, the requests it sent (GET /_sandbox/requests), repeated GETs, and the
#      critical path (below). The same for curl_manual.sh, the seeds' manual steps with curl.
#   2b. Replication delay: the same unattended run, without the DCR round trip and without added
#      latency, against a dcr-sandbox where every object created is invisible to the next request
#      for 3 s, then 7 s (PUT /_sandbox/replication-delay), against the wait no implementation can
#      avoid (the chain app -> service principal -> consent meets the delay twice: 2 x the delay),
#      and against curl_manual.sh --poll 1 --no-round-trip (the seeds' steps polling every second).
#   3. Responsiveness: perf_apply_watchdog drives the real wizard to Review, clicks Apply and
#      records the largest gap between ticks of a 1 ms timer on the GUI thread until Apply is done,
#      and the GUI thread's own CPU time within its largest gap (on a loaded machine a gap also
#      holds time other processes ran; the CPU part is the work that blocked the event loop).
#
# Timings depend on the machine's load: run it on a quiet machine, and read the load printed
# under the table.
#
# The critical path. perf_plan_graph prints the blueprint's steps and dependsOn from the real plan
# (kongDcrAzurePlan). Each step is weighed with the number of requests it must make one after
# another on a first run on a fresh tenant (table WEIGHTS below): a request counts only when it
# needs the answer of the one before it (an id, a cookie, or whether to create at all: every step
# is find-or-create, so its lookup precedes its create); lookups that need nothing from each other
# count once. The admin sign-in (authorize, then token) is a step before every azure.* step that
# has no other dependency. The critical path is the heaviest path through that graph, in requests;
# times 50 ms it is the least time any implementation of this plan can take at that latency. It is
# cross-checked against the request log: "observed chain" is the longest chain of logged requests
# in which each started after the one before it had been answered (started_ms >= finished_ms); an
# implementation that never waits needlessly has observed chain = critical path.
#
# Usage: benchmark.sh [--runs N] [--output FILE] [--build-dir DIR] [--no-build] [--smoke]
#   --runs N      repetitions of each figure (default 7); the median is reported
#   --output      where the JSON goes (default BUILD_DIR/perf/figures.json)
#   --build-dir   the CMake build tree to use (default build/perf, configured if missing)
#   --no-build    use the binaries as they are
#   --smoke       one repetition, no build: checks that every figure can be taken
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
runs=7
build_dir="$source_dir/build/perf"
output=""
build=1
smoke=0
latency_ms=50

while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --smoke) runs=1; build=0; smoke=1; shift ;;
    --phase) phase=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--output FILE] [--build-dir DIR] [--no-build] [--smoke]" >&2; exit 2 ;;
    esac
done
output=${output:-$build_dir/perf/figures.json}
bin="$build_dir/bin"
profile="$source_dir/resources/profiles/sandbox-demo.json"

# ---- helpers ---------------------------------------------------------------------------------------

now_ns() { date +%s%N; }
median() {  # median of the numbers on stdin
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "null"; exit } if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
field() { sed -n "s/.*$1=\([0-9-]*\).*/\1/p" <<<"$2" | head -n 1; }

# ---- phase: cold start (runs under xvfb-run) -----------------------------------------------------

# One start of PROGRAM under the launcher: "<microseconds from exec to first paint> <peak RSS in KiB>".
one_start() {
    local out launch paint rss
    out=$(DCR_WIZARD_STARTUP_PROBE=1 timeout 60 "$bin/perf_launch" "$@" 2>/dev/null) || true
    launch=$(field launch_monotonic_ns "$out")
    paint=$(field first_paint_monotonic_ns "$out")
    rss=$(field vmhwm_kib "$out")
    if [ -z "$launch" ] || [ -z "$paint" ] || [ -z "$rss" ]; then
        echo "benchmark: no startup probe line from $*" >&2
        return 1
    fi
    echo "$(( (paint - launch) / 1000 ))" "$rss"  # microseconds, KiB
}

phase_coldstart() {
    local out=$1 i
    # Warm the page cache and font caches once: the figures are for a program that is on disk and
    # has run before, the way a user starts it the second time.
    one_start "$bin/perf_floor_wizard" >/dev/null
    one_start "$bin/dcr-wizard" --sandbox >/dev/null
    : >"$out"
    local floor wizard
    for i in $(seq 1 "$runs"); do
        floor=$(one_start "$bin/perf_floor_wizard")
        wizard=$(one_start "$bin/dcr-wizard" --sandbox)
        printf 'floor %s\nwizard %s\n' "$floor" "$wizard" >>"$out"
    done
}

# ---- phase: responsiveness (runs under xvfb-run, in a keyring session) ----------------------------

phase_watchdog() {
    local out=$1 i
    : >"$out"
    for i in $(seq 1 "$runs"); do
        timeout 600 "$bin/perf_apply_watchdog" >>"$out"
    done
}

case ${phase:-} in
coldstart) phase_coldstart "$DCR_PERF_OUT"; exit 0 ;;
watchdog) phase_watchdog "$DCR_PERF_OUT"; exit 0 ;;
esac

# ---- the main run --------------------------------------------------------------------------------

for tool in xvfb-run curl jq openssl; do
    command -v "$tool" >/dev/null || { echo "benchmark: $tool is needed (apt-get install xvfb curl jq openssl)" >&2; exit 2; }
done

# Everything runs in a private D-Bus session with an unlocked throwaway keyring and throwaway HOME
# and XDG folders, as on a desktop, without touching the user's own keychain, settings or progress.
if [ -z "${DCR_KEYRING_SESSION:-}" ]; then
    args=(--runs "$runs" --output "$(realpath -m "$output")" --build-dir "$(realpath -m "$build_dir")")
    [ "$build" = 1 ] || args+=(--no-build)
    [ "$smoke" = 0 ] || args+=(--smoke)
    exec "$source_dir/tests/support/with-keyring-session.sh" bash "$0" "${args[@]}"
fi

if [ "$build" = 1 ]; then
    [ -f "$build_dir/CMakeCache.txt" ] || cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build_dir" -j2 --target perf >/dev/null
fi
for b in dcr-wizard dcr-sandbox perf_launch perf_floor_wizard perf_plan_graph perf_apply_watchdog; do
    [ -x "$bin/$b" ] || { echo "benchmark: $bin/$b is missing; build the 'perf' target" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dcr-perf.XXXXXX")
sandbox_pid=""
cleanup() {
    [ -z "$sandbox_pid" ] || kill "$sandbox_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$(dirname "$output")"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. Cold start.
echo "cold start: $runs runs of the floor and of dcr-wizard, alternately, under Xvfb…" >&2
# xcb whatever the caller chose (ctest runs everything offscreen): the figures are for an X display.
DCR_PERF_OUT="$work/coldstart.txt" QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" bash "$0" --phase coldstart --runs "$runs" --build-dir "$build_dir"
floor_ms=$(awk '$1 == "floor" { print $2 / 1000 }' "$work/coldstart.txt" | median)
floor_mib=$(awk '$1 == "floor" { print $3 / 1024 }' "$work/coldstart.txt" | median)
wizard_ms=$(awk '$1 == "wizard" { print $2 / 1000 }' "$work/coldstart.txt" | median)
wizard_mib=$(awk '$1 == "wizard" { print $3 / 1024 }' "$work/coldstart.txt" | median)

# 2. End to end against dcr-sandbox with 50 ms per request.
printf '{"auto_approve_sign_in": true}' >"$work/seed.json"
"$bin/dcr-sandbox" --port 0 --seed "$work/seed.json" >"$work/sandbox.json" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 200); do [ -s "$work/sandbox.json" ] && break; sleep 0.05; done
base=$(head -n 1 "$work/sandbox.json" | jq -r .base_url)
[ -n "$base" ] && [ "$base" != null ] || { echo "benchmark: dcr-sandbox did not start" >&2; cat "$work/sandbox.log" >&2; exit 1; }
latency=$(jq -cn --argjson ms "$latency_ms" '[{kind: "latency", ms: $ms, path: "^/(login|graph|konnect|portal|gateway)/"}]')

fresh_sandbox() {  # the seed's state, an empty request log, and only the latency fault
    curl -sS --fail -X POST "$base/_sandbox/reset" -o /dev/null
    curl -sS --fail -X POST -H 'Content-Type: application/json' "$base/_sandbox/faults" -d "$latency" -o /dev/null
}
service_requests() {  # the request log without the control endpoints
    curl -sS --fail "$base/_sandbox/requests" | jq '[.requests[] | select(.path | startswith("/_sandbox/") | not)]'
}

# The longest chain of logged requests in which each one started after the previous one was
# answered (see the top of this file).
observed_chain() {
    jq 'sort_by(.started_ms) as $r
        | reduce range(0; $r | length) as $i ([];
            . as $depth
            | . + [1 + ([range(0; $i) | select($r[.].finished_ms <= $r[$i].started_ms) | $depth[.]] | max // 0)])
        | max // 0'
}

echo "end to end: $runs unattended runs and $runs curl runs against dcr-sandbox with ${latency_ms} ms per request…" >&2
: >"$work/e2e.txt"
for i in $(seq 1 "$runs"); do
    fresh_sandbox
    start=$(now_ns)
    if ! "$bin/dcr-wizard" --unattended --json --profile "$profile" --sandbox-url "$base" \
        --state-file "$work/state-$i.json" >"$work/unattended-$i.json" 2>"$work/unattended-$i.log"; then
        echo "benchmark: the unattended run failed:" >&2
        cat "$work/unattended-$i.log" >&2
        exit 1
    fi
    end=$(now_ns)
    service_requests >"$work/wizard-requests-$i.json"
    fresh_sandbox
    cstart=$(now_ns)
    bash "$here/curl_manual.sh" "$base" >/dev/null 2>"$work/curl-$i.log" || { cat "$work/curl-$i.log" >&2; exit 1; }
    cend=$(now_ns)
    service_requests >"$work/curl-requests-$i.json"
    echo "$(( (end - start) / 1000000 )) $(jq length "$work/wizard-requests-$i.json") \
$(observed_chain <"$work/wizard-requests-$i.json") $(( (cend - cstart) / 1000000 )) $(jq length "$work/curl-requests-$i.json") \
$(observed_chain <"$work/curl-requests-$i.json")" >>"$work/e2e.txt"
done

# 2b. Replication delay.
jq '.validation.dcr_round_trip = false' "$profile" >"$work/no-round-trip.json"
: >"$work/replication.txt"
for delay in 3000 7000; do
    echo "replication delay ${delay} ms: $runs unattended runs and $runs curl runs…" >&2
    for i in $(seq 1 "$runs"); do
        curl -sS --fail -X POST "$base/_sandbox/reset" -o /dev/null
        curl -sS --fail -X PUT -H 'Content-Type: application/json' "$base/_sandbox/replication-delay" -d "{\"ms\": $delay}" -o /dev/null
        start=$(now_ns)
        "$bin/dcr-wizard" --unattended --profile "$work/no-round-trip.json" --sandbox-url "$base" \
            --state-file "$work/replication-state-$delay-$i.json" >/dev/null 2>"$work/replication-$delay-$i.log" ||
            { echo "benchmark: the unattended run with replication delay failed:" >&2; cat "$work/replication-$delay-$i.log" >&2; exit 1; }
        end=$(now_ns)
        curl -sS --fail -X POST "$base/_sandbox/reset" -o /dev/null
        curl -sS --fail -X PUT -H 'Content-Type: application/json' "$base/_sandbox/replication-delay" -d "{\"ms\": $delay}" -o /dev/null
        cstart=$(now_ns)
        bash "$here/curl_manual.sh" "$base" --poll 1 --no-round-trip >/dev/null 2>"$work/replication-curl-$delay-$i.log" ||
            { cat "$work/replication-curl-$delay-$i.log" >&2; exit 1; }
        cend=$(now_ns)
        echo "$delay $(( (end - start) / 1000000 )) $(( (cend - cstart) / 1000000 ))" >>"$work/replication.txt"
    done
done
curl -sS --fail -X PUT -H 'Content-Type: application/json' "$base/_sandbox/replication-delay" -d '{"ms": 0}' -o /dev/null
replication_json=$(for delay in 3000 7000; do
    w=$(awk -v d="$delay" '$1 == d { print $2 }' "$work/replication.txt" | median)
    c=$(awk -v d="$delay" '$1 == d { print $3 }' "$work/replication.txt" | median)
    jq -n --argjson d "$delay" --argjson w "$w" --argjson c "$c" \
        '{delay_ms: $d, wall_ms: $w, unavoidable_ms: (2 * $d), wall_over_unavoidable: (($w / (2 * $d)) * 100 | round / 100),
          curl_poll_1s_wall_ms: $c, wall_over_curl: (($w / $c) * 100 | round / 100)}'
done | jq -s .)

kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true
sandbox_pid=""

wall_ms=$(awk '{ print $1 }' "$work/e2e.txt" | median)
requests=$(awk '{ print $2 }' "$work/e2e.txt" | median)
chain=$(awk '{ print $3 }' "$work/e2e.txt" | median)
curl_ms=$(awk '{ print $4 }' "$work/e2e.txt" | median)
curl_requests=$(awk '{ print $5 }' "$work/e2e.txt" | median)
curl_chain=$(awk '{ print $6 }' "$work/e2e.txt" | median)
# GETs sent more than once with the same path, query and kind of credentials: repeated GETs
# (retries would show here too; with only the latency fault there are none).
repeated_gets=$(jq '[.[] | select(.method == "GET") | [.path, .query // "", .authorization // ""]] | group_by(.) | map(length - 1) | add // 0' \
    "$work/wizard-requests-1.json")
by_path=$(jq -c '[.[] | "\(.method) \(.path | gsub("[0-9a-f]{8}-[0-9a-f-]{27}"; "{id}"))"] | group_by(.) | map({(.[0]): length}) | add' \
    "$work/wizard-requests-1.json")

# Per step: "chain", the requests that must follow one another, and "requests", how many the step
# needs at all, on a first run on a fresh tenant with the sandbox-demo profile.
WEIGHTS='{
  "entra.sign-in":            {"chain": 2, "requests": 2, "how": "GET authorize -> POST token (needs the code)"},
  "azure.tenant":             {"chain": 1, "requests": 1, "how": "GET organization"},
  "azure.graph-permissions":  {"chain": 1, "requests": 1, "how": "GET Graph service principal"},
  "azure.app":                {"chain": 2, "requests": 2, "how": "GET applications by name -> POST application"},
  "azure.service-principal":  {"chain": 2, "requests": 2, "how": "GET service principal by appId -> POST"},
  "azure.consent-application":{"chain": 2, "requests": 2, "how": "GET appRoleAssignments -> POST one per missing role (1 in the minimal preset)"},
  "azure.consent-delegated":  {"chain": 2, "requests": 2, "how": "GET oauth2PermissionGrants -> POST"},
  "azure.client-secret":      {"chain": 2, "requests": 2, "how": "GET application (its credentials) -> POST addPassword; the keychain is not HTTP"},
  "konnect.organization":     {"chain": 1, "requests": 1, "how": "GET organization"},
  "konnect.dcr-provider":     {"chain": 2, "requests": 2, "how": "GET providers by name -> POST provider"},
  "konnect.verify-provider":  {"chain": 1, "requests": 1, "how": "POST verify (succeeds at once: no replication delay)"},
  "konnect.auth-strategy":    {"chain": 2, "requests": 2, "how": "GET strategies by name -> POST strategy"},
  "konnect.publish":          {"chain": 3, "requests": 4, "how": "GET API by name | GET portals -> GET publication (needs both ids) -> PUT publication"},
  "validate.token":           {"chain": 2, "requests": 3, "how": "POST token | GET openid-configuration -> GET JWKS"},
  "validate.dcr-round-trip":  {"chain": 5, "requests": 8, "how": "POST authenticate -> POST application -> POST registration | POST token (keys known) -> 3 gateway GETs at once -> DELETE application"}
}'
"$bin/perf_plan_graph" >"$work/plan.json"
critical=$(jq --argjson w "$WEIGHTS" '
    (map(.id) | sort) as $ids
    | if ($ids != ($w | keys | map(select(. != "entra.sign-in")) | sort))
      then error("the plan has steps the benchmark does not weigh, or the other way round: \($ids)") else . end
    | (map(if (.id | startswith("azure.")) and (.dependsOn | length) == 0 then .dependsOn = ["entra.sign-in"] else . end)
       + [{id: "entra.sign-in", dependsOn: []}]) as $steps
    | ($steps | map({(.id): .dependsOn}) | add) as $deps
    | def finish($id): $w[$id].chain + ([$deps[$id][] | finish(.)] | max // 0);
      {critical_path_requests: ([$steps[].id | finish(.)] | max),
       needed_requests: ([$w[].requests] | add)}' "$work/plan.json")
critical_requests=$(jq .critical_path_requests <<<"$critical")
needed_requests=$(jq .needed_requests <<<"$critical")
critical_ms=$((critical_requests * latency_ms))

# 3. Responsiveness during Apply.
echo "responsiveness: $runs full Applies in the wizard under Xvfb…" >&2
DCR_PERF_OUT="$work/watchdog.txt" QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" bash "$0" --phase watchdog --runs "$runs" --build-dir "$build_dir"
blocked_ms=$(jq -r .max_blocked_ms "$work/watchdog.txt" | median)
blocked_cpu_ms=$(jq -r .max_gap_gui_cpu_ms "$work/watchdog.txt" | median)
gui_cpu_ms=$(jq -r .gui_cpu_ms "$work/watchdog.txt" | median)
apply_ms=$(jq -r .apply_ms "$work/watchdog.txt" | median)

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "null" || b == "null") print "null"; else printf "%.2f", a / b }'; }

jq -n \
    --argjson runs "$runs" --arg load_before "$load_before" --arg load_after "$load_after" --arg cpus "$(nproc)" \
    --argjson floor_ms "$floor_ms" --argjson floor_mib "$floor_mib" --argjson wizard_ms "$wizard_ms" --argjson wizard_mib "$wizard_mib" \
    --argjson first_paint_ratio "$(ratio "$wizard_ms" "$floor_ms")" --argjson rss_ratio "$(ratio "$wizard_mib" "$floor_mib")" \
    --argjson latency_ms "$latency_ms" --argjson wall_ms "$wall_ms" --argjson requests "$requests" --argjson needed "$needed_requests" \
    --argjson repeated_gets "$repeated_gets" --argjson by_path "$by_path" \
    --argjson critical_requests "$critical_requests" --argjson critical_ms "$critical_ms" --argjson chain "$chain" \
    --argjson wall_ratio "$(ratio "$wall_ms" "$critical_ms")" \
    --argjson curl_ms "$curl_ms" --argjson curl_requests "$curl_requests" --argjson curl_chain "$curl_chain" \
    --argjson curl_ratio "$(ratio "$wall_ms" "$curl_ms")" \
    --argjson blocked_ms "$blocked_ms" --argjson apply_ms "$apply_ms" --argjson blocked_cpu_ms "$blocked_cpu_ms" --argjson gui_cpu_ms "$gui_cpu_ms" \
    --argjson replication "$replication_json" \
    '{machine: {cpus: ($cpus | tonumber), load_before: $load_before, load_after: $load_after, runs: $runs, statistic: "median"},
      cold_start: {first_paint_ms: $wizard_ms, floor_first_paint_ms: $floor_ms, first_paint_ratio: $first_paint_ratio,
                   peak_rss_mib: $wizard_mib, floor_peak_rss_mib: $floor_mib, peak_rss_ratio: $rss_ratio},
      end_to_end: {latency_per_request_ms: $latency_ms, wall_ms: $wall_ms, requests: $requests, requests_needed: $needed,
                   repeated_gets: $repeated_gets, critical_path_requests: $critical_requests, critical_path_ms: $critical_ms,
                   observed_chain_requests: $chain, wall_over_critical_path: $wall_ratio,
                   curl_wall_ms: $curl_ms, curl_requests: $curl_requests, curl_observed_chain_requests: $curl_chain,
                   wall_over_curl: $curl_ratio, requests_by_path: $by_path},
      replication: $replication,
      responsiveness: {max_gui_blocked_ms: $blocked_ms, max_gui_blocked_own_cpu_ms: $blocked_cpu_ms, gui_cpu_during_apply_ms: $gui_cpu_ms,
                       apply_ms: $apply_ms, watchdog_period_ms: 1}}' >"$output"

jq -r '
  def r(x): if x == null then "n/a" else (x * 100 | round / 100 | tostring) end;
  "figure                                   dcr-wizard   reference          ratio   target",
  "first paint (ms)                         \(r(.cold_start.first_paint_ms))\t floor \(r(.cold_start.floor_first_paint_ms))\t    \(r(.cold_start.first_paint_ratio))\t<= 1.5",
  "peak RSS at first paint (MiB)            \(r(.cold_start.peak_rss_mib))\t floor \(r(.cold_start.floor_peak_rss_mib))\t    \(r(.cold_start.peak_rss_ratio))\t<= 1.6",
  "setup wall time, 50 ms/request (ms)      \(r(.end_to_end.wall_ms))\t critical path \(r(.end_to_end.critical_path_ms))\t    \(r(.end_to_end.wall_over_critical_path))\t<= 1.2",
  "setup wall time vs curl script (ms)      \(r(.end_to_end.wall_ms))\t curl \(r(.end_to_end.curl_wall_ms))\t    \(r(.end_to_end.wall_over_curl))\t< 1",
  "requests sent                            \(.end_to_end.requests)\t needed \(.end_to_end.requests_needed); repeated GETs \(.end_to_end.repeated_gets)",
  (.replication[] | "setup, replication \(.delay_ms / 1000) s (ms)           \(r(.wall_ms))\t unavoidable \(r(.unavoidable_ms))\t    \(r(.wall_over_unavoidable))\t<= 1.1",
                    "  vs curl polling every 1 s (ms)         \(r(.wall_ms))\t curl \(r(.curl_poll_1s_wall_ms))\t    \(r(.wall_over_curl))\t< 1"),
  "sequential chain (requests)              \(.end_to_end.observed_chain_requests)\t critical path \(.end_to_end.critical_path_requests); curl \(.end_to_end.curl_observed_chain_requests)",
  "GUI thread blocked during Apply (ms)     \(r(.responsiveness.max_gui_blocked_ms))\t Apply took \(r(.responsiveness.apply_ms)) ms\t\t<= 16",
  "  of which GUI thread CPU (ms)           \(r(.responsiveness.max_gui_blocked_own_cpu_ms))\t GUI CPU in Apply \(r(.responsiveness.gui_cpu_during_apply_ms)) ms",
  "(\(.machine.runs) runs each, medians; \(.machine.cpus) CPUs, load \(.machine.load_before) before, \(.machine.load_after) after)"
' "$output"
echo "figures written to $output" >&2
# The smoke test checks that every figure could be taken, never what it is.
if [ "$smoke" = 1 ] && ! jq -e '[paths(. == null)] | length == 0' "$output" >/dev/null; then
    echo "benchmark: figures are missing: $(jq -c '[paths(. == null) | join(".")]' "$output")" >&2
    exit 1
fi
