#include "content/timezone.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace paizi::content {

int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t be(const std::string& s, size_t off, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[off + static_cast<size_t>(i)]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool read_all(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string zone_dir() {
  const char* d = std::getenv("TZDIR");
  return d && *d ? d : "/usr/share/zoneinfo";
}

// Day of month of the w-th (5 = last) weekday d (0 = Sunday) of month m in year y.
int nth_weekday(int y, int m, int w, int d) {
  const int64_t first = days_from_civil(y, m, 1);
  const int wd_first = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday (4)
  int day = 1 + ((d - wd_first + 7) % 7) + (w - 1) * 7;
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int mlen = len[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) mlen = 29;
  while (day > mlen) day -= 7;
  return day;
}

// POSIX TZ string pieces: names, [+-]hh[:mm[:ss]] and Mm.w.d[/time].
struct Cursor {
  const std::string& s;
  size_t i = 0;
  bool name() {
    if (i < s.size() && s[i] == '<') {
      const size_t e = s.find('>', i);
      if (e == std::string::npos) return false;
      i = e + 1;
      return true;
    }
    const size_t b = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return i - b >= 3;
  }
  bool time(int32_t& out) {  // seconds, sign allowed
    int sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    int32_t parts[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      if (k > 0) {
        if (i >= s.size() || s[i] != ':') break;
        ++i;
      }
      const size_t b = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        parts[k] = parts[k] * 10 + (s[i++] - '0');
      if (i == b) return false;
    }
    out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
  }
  bool date(int& m, int& w, int& d, int32_t& t) {
    if (i >= s.size() || s[i] != 'M') return false;  // Jn / n forms: not used by the TZ database
    ++i;
    int v[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      if (k > 0 && (i >= s.size() || s[i++] != '.')) return false;
      const size_t b = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        v[k] = v[k] * 10 + (s[i++] - '0');
      if (i == b) return false;
    }
    m = v[0], w = v[1], d = v[2];
    if (m < 1 || m > 12 || w < 1 || w > 5 || d > 6) return false;
    t = 7200;
    if (i < s.size() && s[i] == '/') {
      ++i;
      return time(t);
    }
    return true;
  }
};

}  // namespace

bool TimeZone::parse_rule(const std::string& s) {
  Cursor c{s};
  int32_t off = 0;
  if (!c.name() || !c.time(off)) return false;
  std_off_ = -off;
  has_rule_ = true;
  rule_dst_ = false;
  if (c.i >= s.size()) return true;
  if (!c.name()) return false;
  dst_off_ = std_off_ + 3600;
  if (c.i < s.size() && s[c.i] != ',') {
    if (!c.time(off)) return false;
    dst_off_ = -off;
  }
  if (c.i >= s.size() || s[c.i++] != ',') return false;
  if (!c.date(start_m_, start_w_, start_d_, start_time_)) return false;
  if (c.i >= s.size() || s[c.i++] != ',') return false;
  if (!c.date(end_m_, end_w_, end_d_, end_time_)) return false;
  rule_dst_ = true;
  return true;
}

int32_t TimeZone::rule_offset(int64_t unix_s) const {
  if (!rule_dst_) return std_off_;
  int y = 0, m = 0, d = 0;
  civil_from_days(floor_div(unix_s + std_off_, 86400), y, m, d);
  const int64_t start = days_from_civil(y, start_m_, nth_weekday(y, start_m_, start_w_, start_d_)) * 86400 +
                        start_time_ - std_off_;
  const int64_t end =
      days_from_civil(y, end_m_, nth_weekday(y, end_m_, end_w_, end_d_)) * 86400 + end_time_ - dst_off_;
  const bool dst = start < end ? (unix_s >= start && unix_s < end) : !(unix_s >= end && unix_s < start);
  return dst ? dst_off_ : std_off_;
}

std::optional<TimeZone> TimeZone::from_tzif(const std::string& data, const std::string& name,
                                            std::string& err) {
  auto bad = [&](const char* why) {
    err = "time zone \"" + name + "\": " + why;
    return std::nullopt;
  };
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad("not a TZif file");
  const char version = data[4];
  auto counts = [&](size_t off, int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = be(data, off + 20 + static_cast<size_t>(k) * 4, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  auto sane = [&] {
    for (int64_t k : c)
      if (k < 0 || k > (1 << 20)) return false;
    return true;
  };
  counts(0, c);
  if (!sane()) return bad("implausible counts");
  size_t off = 0;
  int tsize = 4;
  if (version >= '2') {
    // Skip the v1 block; the v2 block has 64-bit times.
    off = 44 + static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[0] + c[1]);
    if (data.size() < off + 44 || data.compare(off, 4, "TZif") != 0) return bad("truncated");
    counts(off, c);
    if (!sane()) return bad("implausible counts");
    tsize = 8;
  }
  const size_t body = off + 44;
  const size_t need =
      static_cast<size_t>(c[3] * tsize + c[3] + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[0] + c[1]);
  if (c[4] < 1 || data.size() < body + need) return bad("truncated");
  TimeZone z;
  z.name_ = name;
  const size_t types = body + static_cast<size_t>(c[3] * tsize + c[3]);
  auto type_off = [&](size_t k) { return static_cast<int32_t>(be(data, types + k * 6, 4)); };
  for (int64_t k = 0; k < c[3]; ++k) {
    z.transitions_.push_back(be(data, body + static_cast<size_t>(k * tsize), tsize));
    const auto idx = static_cast<unsigned char>(data[body + static_cast<size_t>(c[3] * tsize + k)]);
    if (idx >= c[4]) return bad("bad type index");
    z.offsets_.push_back(type_off(idx));
  }
  z.initial_offset_ = type_off(0);
  if (version >= '2') {
    const size_t foot = body + need;
    if (foot < data.size() && data[foot] == '\n') {
      const size_t e = data.find('\n', foot + 1);
      const std::string rule =
          data.substr(foot + 1, e == std::string::npos ? std::string::npos : e - foot - 1);
      if (!rule.empty() && !z.parse_rule(rule)) z.has_rule_ = false;
    }
  }
  return z;
}

std::optional<TimeZone> TimeZone::load(const std::string& name, std::string& err) {
  if (name.empty() || name[0] == '/' || name.find("..") != std::string::npos) {
    err = "unknown time zone \"" + name + "\"";
    return std::nullopt;
  }
  std::string data;
  if (!read_all(zone_dir() + "/" + name, data)) {
    err = "unknown time zone \"" + name + "\" (not in " + zone_dir() + ")";
    return std::nullopt;
  }
  return from_tzif(data, name, err);
}

TimeZone TimeZone::utc() { return TimeZone{}; }

TimeZone TimeZone::system() {
  std::string err;
  if (const char* tz = std::getenv("TZ"); tz && *tz) {
    std::string n = tz[0] == ':' ? tz + 1 : tz;
    if (auto z = load(n, err)) return *z;
  }
  std::string data;
  if (read_all("/etc/localtime", data))
    if (auto z = from_tzif(data, "localtime", err)) return *z;
  return utc();
}

int32_t TimeZone::offset_at(int64_t unix_s) const {
  if (transitions_.empty() || unix_s < transitions_.front())
    return transitions_.empty() && has_rule_ ? rule_offset(unix_s) : initial_offset_;
  if (unix_s >= transitions_.back() && has_rule_) return rule_offset(unix_s);
  size_t lo = 0, hi = transitions_.size();
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (transitions_[mid] <= unix_s)
      lo = mid;
    else
      hi = mid;
  }
  return offsets_[lo];
}

LocalTime TimeZone::local(int64_t unix_s) const {
  LocalTime t;
  t.utc_offset_s = offset_at(unix_s);
  const int64_t l = unix_s + t.utc_offset_s;
  const int64_t days = floor_div(l, 86400);
  civil_from_days(days, t.year, t.month, t.day);
  t.second_of_day = static_cast<int>(l - days * 86400);
  t.minute_of_day = t.second_of_day / 60;
  t.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3 from Monday)
  return t;
}

}  // namespace paizi::content
