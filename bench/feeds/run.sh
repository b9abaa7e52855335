#!/bin/sh
# Feed benchmark: the whole `paizi feed` process on a generated 5,000-item
# RSS feed (UTF-8, HTML descriptions), output discarded. Median of runs via
# hyperfine. usage: bench/feeds/run.sh [BUILD_DIR] [ITEMS]
set -eu
"$(dirname "$0")/../../tools/install-deps.sh" peer
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build"}
items=${2:-5000}
paizi="$build/paizi"
[ -x "$paizi" ] || { echo "no paizi binary in $build (cmake --build $build --target paizi)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_feed.py" "$work/feed.xml" "$items"
echo "feed: $items items, $(wc -c < "$work/feed.xml") bytes"
"$paizi" feed "$work/feed.xml" | wc -l | sed 's/^/items printed: /'
/usr/bin/time -f "peak RSS: %M KiB" "$paizi" feed --max-bytes 1000000000 --max-items 1000000 "$work/feed.xml" > /dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
# The second command is the floor: process start-up (98 shared libraries) and nothing else.
hyperfine --warmup 3 --runs "${RUNS:-30}" --export-json "$work/result.json" \
  "\"$paizi\" feed \"$work/feed.xml\" > /dev/null" \
  "\"$paizi\" version > /dev/null"
python3 - "$work/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command'].split()[1]:8} median {r['median'] * 1000:6.1f} ms  mean {r['mean'] * 1000:6.1f} ms  "
          f"min {r['min'] * 1000:6.1f} ms  user {r['user'] * 1000:6.1f} ms  system {r['system'] * 1000:5.1f} ms  "
          f"({len(r['times'])} runs)")
PY
