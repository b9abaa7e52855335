#!/bin/sh
# The player benchmark (issue 5, acceptance line 3), in one run: builds
# paizi and player_bench, installs the peers (deps.txt role `bench`), measures
# everything and rewrites the results table in docs/bench-player.md (between
# the bench-player markers). Method: docs/bench-player.md.
#
# Usage: bench/player/run.sh
# Env:   ROUNDS   wall-time rounds per command (default 10, after 2 warm-ups)
#        MEMRUNS  peak-memory runs per command (default 3)
#        LONG     seconds of the long demo run for peak RSS (default 600; 0 skips it)
#        SHORT    seconds of the short demo run for peak RSS (default 60)
#        JOBS     build parallelism (default 2)
#        KEEP     directory to keep the PNGs and raw results in (default: a temp dir, removed)
# Nothing is fetched from the network: the peers read local files only.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/player"
build="$root/build"
doc="$root/docs/bench-player.md"
rounds=${ROUNDS:-10}
memruns=${MEMRUNS:-3}
long=${LONG:-600}
short=${SHORT:-60}

cd "$root"
"$root/tools/install-deps.sh" bench peer
cmake --preset ci >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target paizi player_bench

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
measure="python3 $here/measure.py"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log() { echo "bench-player: $*" >&2; }
# A private X server (1920x1080, 24 bit) for the commands that open a window.
xvfb() { xvfb-run -a -s "-screen 0 1920x1080x24" "$@"; }
# paizi's own choice under Xvfb (no /dev/dri: SDL's software renderer), and
# for comparison the GL renderer forced, which is Mesa's llvmpipe here.
forced_gl="SDL_RENDER_DRIVER=opengl"

# 1. The peers' inputs: the same page (slide 0, page 1) as HTML and as Pango markup.
pango_opts=$("$build/bench/player/player_bench" peers --playlist "$here/news.json" \
  --html "$out/page.html" --markup "$out/page.txt")
paizi_cmd="$build/paizi render $here/news.json --slide 0 --size 1920x1080 -o $out/paizi.png"
chromium_cmd="chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir={tmp}
  --hide-scrollbars --window-size=1920,1080 --screenshot=$out/chromium.png file://$out/page.html"
pango_cmd="pango-view -q --dpi=72 --markup --language=zh-cn --wrap=word-char --justify $pango_opts
  -o $out/pango.png $out/page.txt"
chromium_cmd=$(echo $chromium_cmd)
pango_cmd=$(echo $pango_cmd)

log "wall time, $rounds interleaved rounds"
$measure wall --rounds "$rounds" --warmup 2 "paizi=$paizi_cmd" "chromium=$chromium_cmd" "pango=$pango_cmd" \
  >"$out/wall.json"
log "peak memory of the process trees, $memruns runs each"
$measure treemem --runs "$memruns" --interval-ms 5 "paizi=$paizi_cmd" "chromium=$chromium_cmd" "pango=$pango_cmd" \
  >"$out/treemem.json"
for name in paizi chromium pango; do
  eval "cmd=\$${name}_cmd"
  dir=$(mktemp -d)
  # shellcheck disable=SC2086
  /usr/bin/time -v $(echo "$cmd" | sed "s|{tmp}|$dir|") 2>"$out/time-$name.txt" >/dev/null
  rm -rf "$dir"
done

# 2. Start to first frame: headless, and in an X window under Xvfb.
log "start to first frame"
$measure startup --runs 7 "$build/paizi" play "$here/news.json" --headless --duration 1s --verbose \
  >"$out/startup-headless.json"
xvfb $measure startup --runs 7 "$build/paizi" play "$here/news.json" --window 1920x1080 --duration 1s \
  --verbose >"$out/startup-x11.json"
xvfb env $forced_gl $measure startup --runs 7 "$build/paizi" play "$here/news.json" \
  --window 1920x1080 --duration 1s --verbose >"$out/startup-x11-gl.json"

# 3. Crossfade frame times on the headless software renderer.
log "crossfade frame times"
"$build/bench/player/player_bench" crossfade --playlist "$here/news.json" --transitions 10 >"$out/fade-news.txt"
"$build/bench/player/player_bench" crossfade --playlist "$root/playlists/demo.json" --transitions 10 \
  >"$out/fade-demo.txt"

# 4. CPU over 60 s on a static slide, in an X window under Xvfb.
log "CPU over 60 s on a static slide"
xvfb $measure cpu --settle 5 --window 60 "$build/paizi" play "$here/static.json" --window 1920x1080 \
  >"$out/cpu.json"

# 4b. CPU over 60 s on the demo (ticker, clock, transitions) at 1920x1080 in
# an X window under Xvfb (SDL's software renderer), and the frames it
# dropped, from its Prometheus metrics (issue 25).
log "CPU over 60 s on the demo with its ticker"
mkdir -p "$out/metrics-ticker"
xvfb $measure cpu --settle 5 --window 60 "$build/paizi" play "$root/playlists/demo.json" --window 1920x1080 \
  --metrics-dir "$out/metrics-ticker" --metrics-every 1s >"$out/cpu-ticker.json"
cp "$out/metrics-ticker/paizi.prom" "$out/ticker.prom"

# 5. Peak RSS of the demo (ticker, clock, every slide type): headless on the
# simulated clock, and on the real clock in an X window under Xvfb, with
# paizi's default renderer and with GL forced. The two long
# window runs run side by side (peak RSS does not depend on the CPU share).
/usr/bin/time -v "$build/paizi" play "$root/playlists/demo.json" --headless --duration 600s \
  2>"$out/time-demo-headless.txt" >/dev/null
log "peak RSS over ${short} s of the demo"
demo() { # OUTFILE SECONDS [ENV...]
  f=$1 s=$2
  shift 2
  xvfb env "$@" /usr/bin/time -v "$build/paizi" play "$root/playlists/demo.json" --window 1920x1080 \
    --duration "${s}s" 2>"$out/$f"
}
demo time-demo-short.txt "$short"
demo time-demo-short-gl.txt "$short" $forced_gl
if [ "$long" -gt 0 ]; then
  log "peak RSS over ${long} s of the demo (two runs side by side)"
  demo time-demo-long.txt "$long" &
  demo time-demo-long-gl.txt "$long" $forced_gl &
  wait
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
versions="paizi $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+changes');"
versions="$versions $(chromium --version 2>/dev/null | head -n 1); pango-view $(dpkg-query -W -f='${Version}' pango1.0-tools);"
versions="$versions SDL2 $(pkg-config --modversion sdl2); Xvfb $(dpkg-query -W -f='${Version}' xvfb)"
python3 "$here/table.py" "$out" "$short" "$long" \
  "Measured $started on ${cpu:-an unknown CPU}, $(nproc) cores; load average $load_before before, $load_after after the run; $versions." \
  "$doc"
log "table written to $doc"
