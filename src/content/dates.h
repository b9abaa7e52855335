// Dates as feeds and article pages write them, parsed to Unix seconds UTC.
//
// Accepted: RFC 822/1123 ("Tue, 19 Apr 2022 08:30:00 +0800", day name and
// seconds optional, 2- or 4-digit years, zones +hhmm, GMT, UT, UTC, Z and the
// US zones EST..PDT); RFC 3339/ISO 8601 ("2022-04-19T00:30:00.123Z",
// "+08:00", fractions ignored); zone-less "2022-04-19 08:30[:00]",
// "2022/04/19 08:30", "2022年4月19日 08:30" and bare dates, taken in the
// configured local zone. Anything else, or out-of-range fields: nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paizi::content {

struct DateOptions {
  // Zone for dates written without one, minutes east of UTC (China: +480).
  // Unset: the process's local zone (TZ) at that date.
  std::optional<int> local_utc_offset_min;
};

std::optional<int64_t> parse_date(std::string_view text, const DateOptions& options = {});

// "2022-04-19T00:30:00Z" (RFC 3339, UTC, whole seconds).
std::string format_rfc3339_utc(int64_t unix_s);

// Days since 1970-01-01 of a proleptic Gregorian date (no range checks).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// "+08:00", "-0530", "Z", "UTC" -> minutes east of UTC; nullopt otherwise.
std::optional<int> parse_utc_offset(std::string_view text);

}  // namespace paizi::content
