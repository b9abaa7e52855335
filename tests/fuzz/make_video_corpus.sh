#!/usr/bin/env bash
# Writes the seeds of fuzz_video_probe into DIR (default
# build/fuzz-corpus/video_probe): tiny clips made with Debian's ffmpeg in the
# containers and codecs paizi opens, and cut copies of them. Generated, never
# committed (binary clips stay out of the repository).
set -euo pipefail
dir=${1:-build/fuzz-corpus/video_probe}
mkdir -p "$dir"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
src=(-f lavfi -i testsrc2=size=64x48:rate=10 -t 0.3)
ff "${src[@]}" -c:v libx264 -preset ultrafast "$dir/h264.mp4"
ff "${src[@]}" -c:v libx264 -preset ultrafast -movflags +faststart "$dir/h264-fast.mp4"
ff "${src[@]}" -c:v libx265 -preset ultrafast -x265-params log-level=error "$dir/hevc.mkv"
ff "${src[@]}" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 "$dir/vp9.webm"
ff "${src[@]}" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -f ivf "$dir/vp9.ivf"
ff "${src[@]}" -c:v mpeg2video "$dir/mpeg2.ts"
ff "${src[@]}" -c:v mpeg4 "$dir/mpeg4.avi"
ff "${src[@]}" -c:v flv "$dir/flv.flv"
ff "${src[@]}" -c:v libx264 -preset ultrafast -f h264 "$dir/raw.h264"
ff "${src[@]}" -f lavfi -i anullsrc -t 0.3 -map 0:v -map 1:a -map 1:a -c:v libx264 -preset ultrafast \
  -c:a pcm_u8 -ar 8000 "$dir/streams.mkv"
for f in "$dir"/h264-fast.mp4 "$dir"/hevc.mkv "$dir"/mpeg2.ts; do
  head -c "$(($(stat -c %s "$f") / 2))" "$f" >"$f.cut"
done
ls "$dir" | wc -l
