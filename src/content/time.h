// Instants in playlists: strict RFC 3339 timestamps (schedules, urgent
// notices). Feeds use the lenient parse_date() in content/dates.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace paizi::content {

// "2026-04-21T14:05:00Z", "...+08:00", fractions allowed -> Unix seconds (UTC).
std::optional<int64_t> parse_rfc3339(std::string_view s);

}  // namespace paizi::content
