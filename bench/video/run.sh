#!/bin/sh
# The video benchmark (issue 22): 60 s of 1080p30 H.264 shown at 1920x1080
# on the software path, paizi beside Debian's `mpv --hwdec=no`, both under a
# private X server (Xvfb, no GPU: SDL's software renderer and mpv's x11
# output each convert and scale every frame on the CPU). Measures CPU time
# (user + sys), peak RSS and paizi's dropped frames (status.json counters,
# written as the player stops);
# prints one table row per program. Method and results: docs/video.md.
#
# Usage: bench/video/run.sh        Env: SECONDS_ (default 60), KEEP (a directory to keep files in)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${SECONDS_:-60}
# Xvfb, mpv and the ffmpeg CLI (deps.txt roles peer and test).
"$root/tools/install-deps.sh" peer test
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
clip="$out/clip.mp4"
# A promotional-film-like clip: testsrc2 (moving patterns) in H.264 High, 8 Mbit/s.
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" -t "$secs" \
  -c:v libx264 -preset veryfast -profile:v high -b:v 8M -pix_fmt yuv420p "$clip"
printf '{"version":1,"transition":{"type":"cut"},"slides":[{"id":"v","type":"video","src":"clip.mp4"}]}\n' \
  >"$out/pl.json"
xvfb() { xvfb-run -a -s "-screen 0 1920x1080x24" "$@"; }
row() {  # NAME TIMEFILE
  awk -v n="$1" -F': ' '
    /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
    END {printf "| %s | %.1f | %.0f%% | %.1f |", n, u+s, 100*(u+s)/'"$secs"', r/1024}' "$2"
}
# paizi: the clip as its only slide, for the clip's length (a window on Xvfb).
xvfb /usr/bin/time -v -o "$out/paizi.time" "$root/build/paizi" play "$out/pl.json" --window 1920x1080 \
  --duration "${secs}s" --state-dir "$out/state" --runtime-dir "$out/run" --config /dev/null \
  >"$out/paizi.log" 2>&1 || true
dropped=$(python3 -c "import json,sys; c=json.load(open('$out/run/status.json'))['counters']; print(c.get('video_dropped','?'), '/', c.get('video_frames','?'))")
echo "| program | CPU s | CPU % of one core | peak RSS MiB | dropped / drawn |"
echo "|---|---|---|---|---|"
echo "$(row paizi "$out/paizi.time") $dropped |"
xvfb /usr/bin/time -v -o "$out/mpv.time" mpv --no-config --hwdec=no --vo=x11 --no-audio --fs \
  --geometry=1920x1080 --really-quiet "$clip" >"$out/mpv.log" 2>&1 || true
echo "$(row 'mpv --hwdec=no --vo=x11' "$out/mpv.time") (not counted) |"
