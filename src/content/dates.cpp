#include "content/dates.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace paizi::content {

namespace {

// Fields of a wall-clock time before the zone is applied.
struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// A tiny cursor over the text; every reader returns false without consuming on mismatch.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  void skip_spaces() {
    while (!done() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool eat(std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
  }
  // 1..max_digits decimal digits.
  bool number(int& out, size_t min_digits, size_t max_digits) {
    size_t k = 0;
    int v = 0;
    while (k < max_digits && i + k < s.size() && std::isdigit(static_cast<unsigned char>(s[i + k]))) {
      v = v * 10 + (s[i + k] - '0');
      ++k;
    }
    if (k < min_digits) return false;
    i += k;
    out = v;
    return true;
  }
  std::string_view word() {
    const size_t start = i;
    while (!done() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(start, i - start);
  }
};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid(const Civil& c) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (c.year < 1900 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1) return false;
  const int dim = kDays[static_cast<size_t>(c.month - 1)] + (c.month == 2 && leap(c.year) ? 1 : 0);
  return c.day <= dim && c.hour >= 0 && c.hour <= 23 && c.minute >= 0 && c.minute <= 59 && c.second >= 0 &&
         c.second <= 60;
}

int64_t to_unix(const Civil& c, int offset_min) {
  const int sec = c.second == 60 ? 59 : c.second;  // leap second: clamp
  return days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) * 86400 +
         int64_t{c.hour} * 3600 + int64_t{c.minute} * 60 + sec - int64_t{offset_min} * 60;
}

int64_t local_to_unix(const Civil& c, const DateOptions& o) {
  if (o.local_utc_offset_min) return to_unix(c, *o.local_utc_offset_min);
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second == 60 ? 59 : c.second;
  tm.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&tm));
}

int month_from_name(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  char m[3];
  for (size_t k = 0; k < 3; ++k) m[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(w[k])));
  for (size_t k = 0; k < kMonths.size(); ++k)
    if (std::string_view(m, 3) == kMonths[k]) return static_cast<int>(k) + 1;
  return 0;
}

std::optional<int> named_zone(std::string_view w) {
  std::string z;
  for (char ch : w) z.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  if (z == "GMT" || z == "UT" || z == "UTC" || z == "Z") return 0;
  if (z == "EST") return -300;
  if (z == "EDT") return -240;
  if (z == "CST") return -360;
  if (z == "CDT") return -300;
  if (z == "MST") return -420;
  if (z == "MDT") return -360;
  if (z == "PST") return -480;
  if (z == "PDT") return -420;
  return std::nullopt;
}

// "+0800", "+08:00", "+08", "-0530".
std::optional<int> numeric_zone(Cursor& c) {
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  Cursor t = c;
  ++t.i;
  int hh = 0, mm = 0;
  if (!t.number(hh, 2, 2)) return std::nullopt;
  t.eat(':');
  if (!t.number(mm, 2, 2)) mm = 0;
  if (hh > 23 || mm > 59) return std::nullopt;
  c = t;
  return (sign == '-' ? -1 : 1) * (hh * 60 + mm);
}

bool time_of_day(Cursor& c, Civil& out) {
  if (!c.number(out.hour, 1, 2) || !c.eat(':') || !c.number(out.minute, 2, 2)) return false;
  if (c.eat(':') && !c.number(out.second, 2, 2)) return false;
  if (c.eat('.') || c.eat(',')) {  // fraction of a second: ignored
    int ignored = 0;
    if (!c.number(ignored, 1, 9)) return false;
    while (std::isdigit(static_cast<unsigned char>(c.peek()))) ++c.i;
  }
  return true;
}

std::optional<int64_t> parse_rfc822(std::string_view text) {
  Cursor c{text};
  c.skip_spaces();
  Cursor save = c;
  if (!c.word().empty()) {  // optional day name
    c.skip_spaces();
  } else {
    c = save;
  }
  Civil v;
  if (!c.number(v.day, 1, 2)) return std::nullopt;
  c.skip_spaces();
  c.eat('-');
  v.month = month_from_name(c.word());
  if (v.month == 0) return std::nullopt;
  c.skip_spaces();
  c.eat('-');
  const size_t year_start = c.i;
  if (!c.number(v.year, 2, 4)) return std::nullopt;
  if (c.i - year_start == 2) v.year += v.year < 50 ? 2000 : 1900;
  c.skip_spaces();
  if (!time_of_day(c, v)) return std::nullopt;
  c.skip_spaces();
  std::optional<int> zone = numeric_zone(c);
  if (!zone) {
    const std::string_view w = c.word();
    zone = w.empty() ? std::optional<int>(0) : named_zone(w);  // no zone at all: treat as UTC
  }
  c.skip_spaces();
  if (c.eat('(')) c.i = text.size();  // "(CST)" comments
  if (!zone || !c.done() || !valid(v)) return std::nullopt;
  return to_unix(v, *zone);
}

// ISO-style: Y-M-D, Y/M/D, Y.M.D or Y年M月D日, then optional time and zone.
std::optional<int64_t> parse_iso_like(std::string_view text, const DateOptions& o) {
  Cursor c{text};
  c.skip_spaces();
  Civil v;
  if (!c.number(v.year, 4, 4)) return std::nullopt;
  const bool cjk = c.eat("年");
  const char sep = cjk ? '\0' : c.peek();
  if (!cjk && sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  if (!cjk) ++c.i;
  if (!c.number(v.month, 1, 2)) return std::nullopt;
  if (cjk ? !c.eat("月") : !c.eat(sep)) return std::nullopt;
  if (!c.number(v.day, 1, 2)) return std::nullopt;
  if (cjk) c.eat("日");
  bool has_time = false;
  if (c.eat('T') || c.eat('t') || c.eat(' ') || cjk) {
    while (c.eat(' ')) {
    }
    if (!c.done()) {
      if (!time_of_day(c, v)) return std::nullopt;
      has_time = true;
    }
  }
  while (c.eat(' ')) {
  }
  std::optional<int> zone;
  if (has_time && !c.done()) {
    zone = numeric_zone(c);
    if (!zone) zone = named_zone(c.word());
    if (!zone) return std::nullopt;
  }
  while (c.eat(' ')) {
  }
  if (!c.done() || !valid(v)) return std::nullopt;
  return zone ? to_unix(v, *zone) : local_to_unix(v, o);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int> parse_utc_offset(std::string_view text) {
  Cursor c{text};
  std::optional<int> z = numeric_zone(c);
  if (!z) z = named_zone(c.word());
  return z && c.done() ? z : std::nullopt;
}

std::optional<int64_t> parse_date(std::string_view text, const DateOptions& options) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty() || text.size() > 100) return std::nullopt;
  std::optional<int64_t> t = parse_iso_like(text, options);
  if (!t) t = parse_rfc822(text);
  // The range is that of the instant, not of the written fields: "1 Jan 1900
  // 00:00 +0700" is 1899-12-31T17:00Z, outside it, so every date returned
  // can be written as RFC 3339 and read back (found by fuzz_dates).
  static const int64_t kFirst = days_from_civil(1900, 1, 1) * 86400;
  static const int64_t kLast = days_from_civil(9999, 12, 31) * 86400 + 86399;
  if (t && (*t < kFirst || *t > kLast)) return std::nullopt;
  return t;
}

std::string format_rfc3339_utc(int64_t unix_s) {
  // Own calendar arithmetic (inverse of days_from_civil), not gmtime_r: a
  // 32-bit time_t (armhf) cannot hold dates past 2038.
  int64_t days = unix_s / 86400, secs = unix_s % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace paizi::content
