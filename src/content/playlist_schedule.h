// Internal to content/: reading the scheduling keys of a playlist
// (playlists/schema.json, "schedule" and the per-slide "when", "priority",
// "fallback", "urgent"). Problems are reported through the shared Reader.
#pragma once

#include <string>

#include "content/json_reader.h"

namespace paizi::content {

// The per-slide keys (only those present are read).
void read_slide_schedule(Reader& r, const json& slide, const std::string& ptr, SlideSchedule& out);
// The playlist's "schedule" object.
void read_playlist_schedule(Reader& r, const json& v, const std::string& ptr, PlaylistSchedule& out);

// "HH:MM" -> minutes after midnight (24:00 allowed when `end`); -1 otherwise.
int parse_clock_time(std::string_view s, bool end);
// "YYYY-MM-DD" -> YYYYMMDD; 0 otherwise.
int32_t parse_date(std::string_view s);

}  // namespace paizi::content
