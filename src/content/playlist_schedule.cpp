#include "content/playlist_schedule.h"

#include <cctype>

#include "content/time.h"
#include "content/timezone.h"

namespace paizi::content {

int parse_clock_time(std::string_view s, bool end) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end))) return -1;
  return h * 60 + m;
}

int32_t parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return 0;
  int32_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return 0;
    v = v * 10 + (s[i] - '0');
  }
  const int y = v / 10000, m = v / 100 % 100, d = v % 100;
  if (y < 1970 || m < 1 || m > 12 || d < 1) return 0;
  int yy = 0, mm = 0, dd = 0;
  civil_from_days(days_from_civil(y, m, d), yy, mm, dd);  // rejects 02-30 and the like
  return (yy == y && mm == m && dd == d) ? v : 0;
}

namespace {

constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void read_days(Reader& r, const json& v, const std::string& ptr, uint8_t& days) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "daily")
      days = 0x7f;
    else if (s == "weekdays")
      days = 0x1f;
    else if (s == "weekends")
      days = 0x60;
    else
      r.problem(ptr, "\"days\" must be \"daily\", \"weekdays\", \"weekends\" or an array of mon..sun");
    return;
  }
  if (!v.is_array() || v.empty()) {
    r.problem(ptr, "\"days\" must be a non-empty array of mon, tue, wed, thu, fri, sat, sun");
    return;
  }
  days = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    int bit = -1;
    if (v[i].is_string())
      for (int k = 0; k < 7; ++k)
        if (v[i].get<std::string>() == kDayNames[k]) bit = k;
    if (bit < 0)
      r.problem(ptr + "/" + std::to_string(i), "unknown day (mon, tue, wed, thu, fri, sat, sun)");
    else
      days = static_cast<uint8_t>(days | (1u << bit));
  }
}

void read_window(Reader& r, const json& v, const std::string& ptr, TimeWindow& w) {
  if (!v.is_object()) {
    r.problem(
        ptr, "a time window must be an object with \"days\", \"from\", \"to\", \"start_date\", \"end_date\"");
    return;
  }
  r.known_keys(v, ptr, {"days", "from", "to", "start_date", "end_date"});
  if (v.contains("days")) read_days(r, v["days"], ptr + "/days", w.days);
  std::string s;
  if (r.string(v, ptr, "from", s) && (w.from_min = parse_clock_time(s, false)) < 0)
    r.problem(ptr + "/from", "invalid time \"" + s + "\" (use HH:MM, 00:00 to 23:59)");
  if (r.string(v, ptr, "to", s) && (w.to_min = parse_clock_time(s, true)) < 0)
    r.problem(ptr + "/to", "invalid time \"" + s + "\" (use HH:MM, 00:00 to 24:00)");
  if (w.to_min == 1440 && w.from_min == 0) w.to_min = 0;  // whole day
  if (r.string(v, ptr, "start_date", s) && !(w.start_date = parse_date(s)))
    r.problem(ptr + "/start_date", "invalid date \"" + s + "\" (use YYYY-MM-DD)");
  if (r.string(v, ptr, "end_date", s) && !(w.end_date = parse_date(s)))
    r.problem(ptr + "/end_date", "invalid date \"" + s + "\" (use YYYY-MM-DD)");
  if (w.start_date && w.end_date && w.end_date < w.start_date)
    r.problem(ptr + "/end_date", "\"end_date\" is before \"start_date\"");
}

// One window or an array of them.
void read_windows(Reader& r, const json& v, const std::string& ptr, std::vector<TimeWindow>& out) {
  if (v.is_object()) {
    out.emplace_back();
    read_window(r, v, ptr, out.back());
    return;
  }
  if (!v.is_array()) {
    r.problem(ptr, "must be a time window or an array of time windows");
    return;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    out.emplace_back();
    read_window(r, v[i], ptr + "/" + std::to_string(i), out.back());
  }
}

void read_instant(Reader& r, const json& v, const std::string& ptr, const char* key, int64_t& out,
                  bool required) {
  std::string s;
  if (!r.string(v, ptr, key, s, required)) return;
  if (auto t = parse_rfc3339(s))
    out = *t;
  else
    r.problem(ptr + "/" + key, "invalid time \"" + s + "\" (use RFC 3339, e.g. 2026-04-25T09:00:00+08:00)");
}

void read_command(Reader& r, const json& v, const std::string& ptr, const char* key,
                  std::vector<std::string>& out) {
  if (!v.contains(key)) return;
  r.strings(v, ptr, key, out);
  if (out.empty())
    r.problem(ptr + "/" + key,
              std::string("\"") + key + "\" must be a non-empty array (program and arguments)");
}

}  // namespace

void read_slide_schedule(Reader& r, const json& v, const std::string& ptr, SlideSchedule& out) {
  if (v.contains("when")) read_windows(r, v["when"], ptr + "/when", out.windows);
  r.number(v, ptr, "priority", out.priority, -1000, 1000);
  r.boolean(v, ptr, "fallback", out.fallback);
  if (v.contains("urgent")) {
    const json& u = v["urgent"];
    const std::string up = ptr + "/urgent";
    if (!u.is_object()) {
      r.problem(up, "\"urgent\" must be an object with \"until\" (and optionally \"from\")");
      return;
    }
    r.known_keys(u, up, {"from", "until"});
    Urgent g;
    read_instant(r, u, up, "from", g.from, false);
    read_instant(r, u, up, "until", g.until, true);
    if (g.until && g.until <= g.from) r.problem(up + "/until", "\"until\" must be after \"from\"");
    out.urgent = g;
    if (out.fallback) r.problem(ptr + "/fallback", "an urgent notice cannot be a fallback slide");
  }
}

void read_playlist_schedule(Reader& r, const json& v, const std::string& ptr, PlaylistSchedule& out) {
  if (!v.is_object()) {
    r.problem(ptr, "\"schedule\" must be an object");
    return;
  }
  r.known_keys(v, ptr, {"timezone", "active", "display_off", "display_off_command", "display_on_command"});
  if (r.string(v, ptr, "timezone", out.timezone)) {
    std::string err;
    if (!TimeZone::load(out.timezone, err)) r.problem(ptr + "/timezone", err);
  }
  if (v.contains("active")) read_windows(r, v["active"], ptr + "/active", out.active);
  if (v.contains("display_off")) read_windows(r, v["display_off"], ptr + "/display_off", out.display_off);
  read_command(r, v, ptr, "display_off_command", out.off_command);
  read_command(r, v, ptr, "display_on_command", out.on_command);
}

}  // namespace paizi::content
