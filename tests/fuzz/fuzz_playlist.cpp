// Fuzz target: the playlist parser (JSON -> Playlist or problems), which also
// covers inline KPI tiles, durations, colours, themes and json_locate's
// pointer -> line:column mapping for every problem reported.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "content/playlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  const auto result = paizi::content::parse_playlist(json, "/nonexistent-fuzz-dir");
  if (!result.problems.empty()) (void)result.first_error("fuzz.json");
  // The small value parsers on their own, with the same bytes.
  (void)paizi::content::parse_duration(json);
  (void)paizi::content::parse_color(json);
  (void)paizi::content::builtin_theme(json);
  return 0;
}
