#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, preset `fuzz`) and runs
# each for SECONDS (default 60).
#   tools/fuzz.sh [SECONDS] [TARGET...]     TARGET: playlist layout feed ...
# Environment: FUZZ_JOBS  targets run at once (default 2)
#              FUZZ_RUNS  stop each target after this many executions
#                         (SECONDS is then only the upper bound)
#              FUZZ_RSS_MB  libFuzzer's memory limit per target (default 2048)
#              FUZZ_SUMMARY where the per-target table goes
#                         (default build-fuzz/fuzz-summary.tsv)
# The working corpus of each target grows in build-fuzz/corpus/<target>/,
# seeded from tests/fuzz/corpus/<target>/. A crash, leak, timeout (> 25 s on
# one input) or memory blow-up is written to tests/fuzz/findings/ and makes
# the command fail. Per-target numbers (executions, seconds, corpus size)
# go to the summary table and are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
all=(playlist layout feed json_feed article html_text encoding dates http_headers image_header image_decode kpi cap video_probe)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
jobs=${FUZZ_JOBS:-2}
summary=${FUZZ_SUMMARY:-build-fuzz/fuzz-summary.tsv}

cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"

mkdir -p tests/fuzz/findings build-fuzz/logs
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 secs=$2
  local work=build-fuzz/corpus/$t log=build-fuzz/logs/$t.log seeds=tests/fuzz/corpus/$t
  mkdir -p "$work"
  # video_probe's seeds are clips made with ffmpeg, never committed.
  if [ "$t" = video_probe ]; then
    seeds=build-fuzz/seeds/$t
    tests/fuzz/make_video_corpus.sh "$seeds" >/dev/null
  fi
  local rc=0 t0 runs=()
  [ -z "${FUZZ_RUNS:-}" ] || runs=(-runs="$FUZZ_RUNS")
  t0=$(date +%s)
  build-fuzz/fuzz/fuzz_"$t" "$work" "$seeds" "${runs[@]}" \
    -max_total_time="$secs" -timeout=25 -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -print_final_stats=1 \
    -artifact_prefix="tests/fuzz/findings/$t-" >"$log" 2>&1 || rc=$?
  local execs rate files
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "$work" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-0}" "$(($(date +%s) - t0))" "$files" "$rc"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz_$t: FINDING (exit $rc); log: $log" >&2
    grep -m5 -E '^==[0-9]+==ERROR|runtime error|SUMMARY|Test unit written' "$log" >&2 || true
  fi
}
export -f run_one

printf 'target\texecutions\tseconds\tcorpus_files\texit\n' >"$summary"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$secs" \
  >>"$summary"
column -t "$summary"
# Any non-zero exit in the last column is a finding.
awk -F'\t' 'NR > 1 && $5 != 0 { bad = 1 } END { exit bad }' "$summary"
