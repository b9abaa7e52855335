// Number and date formatting for slides (Chinese conventions).
#pragma once

#include <cstdint>
#include <string>

#include "content/playlist.h"
#include "content/timezone.h"

namespace paizi::show {

// A figure split for display: big digits plus a magnitude word (万/亿) that
// is set smaller in front of the unit.
struct Figure {
  std::string digits;     // "40", "1,234", "18.5"
  std::string magnitude;  // "", "万", "亿"
};

// decimals -1 = automatic. Auto = 万/亿 from 100,000 up, grouped digits below.
Figure format_figure(double value, content::KpiFormat format, int decimals);

// "2022年4月21日 星期四 14:05" for a Unix time (s, UTC) as the clock on the
// wall in `zone` reads it (the playlist's zone: see Schedule::zone()).
std::string chinese_datetime(int64_t unix_seconds, const content::TimeZone& zone, bool with_time = true);
// "2022年4月21日", the date in `zone`.
std::string chinese_date(int64_t unix_seconds, const content::TimeZone& zone);
// "12分钟前" / "3小时前" / "2天前" for an age in seconds (>= 60).
std::string chinese_age(int64_t seconds);

}  // namespace paizi::show
