#!/bin/sh
# Builds and runs the text engine benchmark, then rewrites the results
# table in docs/bench-text.md (between the bench-text markers).
#
# Usage: bench/run-text-bench.sh [ITERATIONS [WARMUP]]   (defaults 50 5)
# Env:   JOBS (build parallelism, default 2)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
iterations=${1:-50}
warmup=${2:-5}
doc="$root/docs/bench-text.md"
build="$root/build"

cd "$root"
cmake --preset ci >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target text_bench

table=$(mktemp)
trap 'rm -f "$table" "$doc.new"' EXIT
load=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
"$build/bench/text/text_bench" --iterations "$iterations" --warmup "$warmup" --markdown "$table" || status=$?
if [ ! -s "$table" ]; then
  echo "run-text-bench: the benchmark failed (status $status)" >&2
  exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD)" \
       "on ${cpu:-an unknown CPU}, $(nproc) cores, load average $load before the run;" \
       "Debian packages: SDL2_ttf $(pkg-config --modversion SDL2_ttf), Pango $(pkg-config --modversion pangoft2)," \
       "HarfBuzz $(pkg-config --modversion harfbuzz), FreeType $(pkg-config --modversion freetype2)" \
       "(libtool version), ICU $(pkg-config --modversion icu-uc)."
} >>"$table"

awk -v f="$table" '
  /<!-- bench-text:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-text:end -->/   { skip = 0 }
  !skip                       { print }' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
echo "run-text-bench: table written to $doc"
exit "$status"
