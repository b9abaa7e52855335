// Time zones from the system's TZ database (TZif files under
// /usr/share/zoneinfo, or $TZDIR), read once into a value: no process-wide
// state, no setenv("TZ"), safe to use from any thread once loaded.
// (libstdc++ 12 has no std::chrono::tzdb.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paizi::content {

// A broken-down local time.
struct LocalTime {
  int year = 1970, month = 1, day = 1;  // civil date
  int weekday = 3;                      // 0 = Monday ... 6 = Sunday
  int minute_of_day = 0;                // 0..1439
  int second_of_day = 0;                // 0..86399
  int32_t utc_offset_s = 0;             // local = UTC + offset, s
  int32_t ymd() const { return year * 10000 + month * 100 + day; }
};

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back.
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int& y, int& m, int& d);

class TimeZone {
 public:
  // An IANA zone ("Asia/Shanghai", "Europe/Berlin", "UTC"). nullopt with a
  // one-line reason for unknown names, names that try to leave the zone
  // directory, and unreadable or malformed files.
  static std::optional<TimeZone> load(const std::string& name, std::string& err);
  // The system's zone: $TZ if it names a zone, else /etc/localtime; UTC when
  // neither can be read.
  static TimeZone system();
  static TimeZone utc();

  // UTC offset in effect at `unix_s` (Unix seconds, UTC), seconds.
  int32_t offset_at(int64_t unix_s) const;
  LocalTime local(int64_t unix_s) const;
  const std::string& name() const { return name_; }

  // Parses a TZif (v1..v4) image; `name` is only for messages.
  static std::optional<TimeZone> from_tzif(const std::string& data, const std::string& name,
                                           std::string& err);

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // Unix s, ascending
  std::vector<int32_t> offsets_;      // offset after each transition, s
  int32_t initial_offset_ = 0;        // before the first transition
  // Footer rule: standard and daylight offsets and the switch dates.
  bool has_rule_ = false;
  int32_t std_off_ = 0, dst_off_ = 0;
  bool rule_dst_ = false;
  int start_m_ = 0, start_w_ = 0, start_d_ = 0, end_m_ = 0, end_w_ = 0, end_d_ = 0;
  int32_t start_time_ = 7200, end_time_ = 7200;  // local seconds after midnight
  bool parse_rule(const std::string& s);
  int32_t rule_offset(int64_t unix_s) const;
};

}  // namespace paizi::content
