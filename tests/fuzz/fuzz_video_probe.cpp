// Fuzz target: media::probe_bytes, the container and stream probe every
// clip goes through before it is stored or played (FFmpeg's demuxers and
// stream analysis behind paizi's limits, media/video.h).
// Contract: no crash or read outside the input (ASan, in paizi's code; FFmpeg
// itself is Debian's, uninstrumented), a refusal always has a reason, and
// what is accepted is within the limits: size, streams, duration.
// Seeds: tiny clips that tests/fuzz/make_video_corpus.sh makes with ffmpeg
// (binary clips are never committed).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "media/video.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  media::Limits l;
  l.max_width = 640;
  l.max_height = 480;
  l.max_streams = 4;
  l.probe_bytes = 65536;
  l.analyze_us = 1'000'000;
  l.io_timeout_ms = 2000;
  l.max_duration_us = 3600LL * 1'000'000;
  std::string err;
  const auto info = media::probe_bytes(in, l, err);
  if (!info) {
    if (err.empty()) __builtin_trap();
    return 0;
  }
  if (info->width <= 0 || info->height <= 0 || info->width > l.max_width || info->height > l.max_height ||
      info->streams < 1 || info->streams > l.max_streams || info->duration_us > l.max_duration_us ||
      info->codec.empty())
    __builtin_trap();
  return 0;
}
