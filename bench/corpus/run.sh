#!/bin/sh
# The corpus benchmark (issue 25): every slide of bench/corpus/make.py
# rendered by `paizi render ... -o x.png` (whole process, PNG included) side
# by side with pango-view rendering the same page's text at the same sizes to
# PNG; wall time and CPU time (medians of interleaved rounds, the order
# rotating, bench/player/measure.py's method) and peak RSS (/usr/bin/time -v,
# median of MEMRUNS runs). Rewrites the table in docs/bench-corpus.md between
# the bench-corpus markers. Method and analysis: docs/bench-corpus.md.
#
# Usage: bench/corpus/run.sh
# Env:   ROUNDS   timed rounds per slide (default 10, after 2 warm-ups)
#        MEMRUNS  peak-RSS runs per command (default 3)
#        JOBS     build parallelism (default 2)
#        KEEP     directory to keep playlists, PNGs and raw results in (default: a temp dir, removed)
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/corpus"
build="$root/build"
doc="$root/docs/bench-corpus.md"
rounds=${ROUNDS:-10}
memruns=${MEMRUNS:-3}

cd "$root"
"$root/tools/install-deps.sh" bench peer
cmake --preset ci >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target paizi player_bench

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
log() { echo "bench-corpus: $*" >&2; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

/usr/bin/python3 "$here/make.py" "$out" >"$out/slides.txt"
# Start-up alone (load the program and its libraries, print the version,
# exit), the same way: the part of every slide's time and memory that does
# not depend on the slide.
log "start-up (--version)"
python3 "$root/bench/player/measure.py" wall --rounds "$rounds" --warmup 2 "paizi=$build/paizi --version" \
  "pango=pango-view --version" >"$out/startup.wall.json"
for i in $(seq "$memruns"); do
  /usr/bin/time -f %M "$build/paizi" --version 2>>"$out/startup.paizi.rss" >/dev/null
  /usr/bin/time -f %M pango-view --version 2>>"$out/startup.pango.rss" >/dev/null
done
while read -r name playlist size; do
  log "$name ($size)"
  opts=$("$build/bench/player/player_bench" markup --playlist "$playlist" --slide 0 --size "$size" \
    --markup "$out/$name.txt" 2>"$out/$name.peer.txt")
  paizi_cmd="$build/paizi render $playlist --slide 0 --size $size -o $out/$name.paizi.png"
  pango_cmd="pango-view -q --dpi=72 --markup --language=zh-cn --wrap=word-char $opts -o $out/$name.pango.png $out/$name.txt"
  python3 "$root/bench/player/measure.py" wall --rounds "$rounds" --warmup 2 "paizi=$paizi_cmd" "pango=$pango_cmd" \
    >"$out/$name.wall.json"
  for i in $(seq "$memruns"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f %M $paizi_cmd 2>>"$out/$name.paizi.rss" >/dev/null
    # shellcheck disable=SC2086
    /usr/bin/time -f %M $pango_cmd 2>>"$out/$name.pango.rss" >/dev/null
  done
  echo "$pango_cmd" >"$out/$name.pango.cmd"
done <"$out/slides.txt"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
versions="paizi $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+changes');"
versions="$versions pango-view $(dpkg-query -W -f='${Version}' pango1.0-tools)"
python3 "$here/table.py" "$out" \
  "Measured $started on ${cpu:-an unknown CPU}, $(nproc) cores shared with other jobs; load average $load_before before, $load_after after the run; $rounds rounds; $versions." \
  "$doc"
log "table written to $doc"
