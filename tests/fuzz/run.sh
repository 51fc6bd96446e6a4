#!/usr/bin/env bash
# Usage: run.sh FUZZER CORPUS SECONDS FINDINGS
# Runs one libFuzzer target for SECONDS on a scratch copy of its committed seed corpus (never on the
# corpus itself), with a 5 s limit per input and 2 GB of memory. Fails on any crash, sanitizer
# report, leak, per-input timeout or out-of-memory; the input that caused it is kept in FINDINGS.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3 findings=$4
name=$(basename "$fuzzer")
work=$(mktemp -d "${TMPDIR:-/tmp}/dcr-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp -R "$corpus"/. "$work/corpus/"
seeds=$(find "$work/corpus" -type f | wc -l)

status=0
"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
final=$(find "$work/corpus" -type f | wc -l)
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
    tail -n 80 "$work/log"
    mkdir -p "$findings"
    cp -R "$work/artifacts"/. "$findings/"
    echo "$name: FAILED (exit $status) after ${runs:-?} runs; reproduce with: $fuzzer $findings/<file>" >&2
    ls -l "$findings" >&2
    exit 1
fi
echo "$name: ${runs:-?} runs in ${seconds} s, no crash, leak or timeout; corpus $seeds -> $final inputs"
