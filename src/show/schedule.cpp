#include "show/schedule.h"

#include <algorithm>
#include <limits>

namespace paizi::show {

using content::LocalTime;
using content::TimeWindow;

namespace {

bool day_matches(const TimeWindow& w, int weekday, int32_t ymd) {
  if (!(w.days & (1u << weekday))) return false;
  if (w.start_date && ymd < w.start_date) return false;
  if (w.end_date && ymd > w.end_date) return false;
  return true;
}

bool any_contains(const std::vector<TimeWindow>& ws, const LocalTime& t) {
  return std::any_of(ws.begin(), ws.end(), [&](const TimeWindow& w) { return window_contains(w, t); });
}

}  // namespace

bool window_contains(const TimeWindow& w, const LocalTime& t) {
  const int m = t.minute_of_day;
  if (w.from_min == w.to_min) return day_matches(w, t.weekday, t.ymd());
  if (w.from_min < w.to_min) return m >= w.from_min && m < w.to_min && day_matches(w, t.weekday, t.ymd());
  // Across midnight: the evening part belongs to today, the morning part to
  // the window that opened yesterday.
  if (m >= w.from_min) return day_matches(w, t.weekday, t.ymd());
  if (m < w.to_min) {
    int y = 0, mo = 0, d = 0;
    content::civil_from_days(content::days_from_civil(t.year, t.month, t.day) - 1, y, mo, d);
    return day_matches(w, (t.weekday + 6) % 7, y * 10000 + mo * 100 + d);
  }
  return false;
}

bool clock_trusted(int64_t unix_s, int64_t build_unix_s, bool ntp_unsynced) {
  return unix_s >= build_unix_s && !ntp_unsynced;
}

Schedule::Schedule(const content::Playlist& playlist, content::TimeZone zone)
    : pl_(playlist), zone_(std::move(zone)) {
  std::string err;
  if (!pl_.schedule.timezone.empty())
    if (auto z = content::TimeZone::load(pl_.schedule.timezone, err)) zone_ = *z;
  const auto& sl = pl_.slides;
  for (size_t i = 0; i < sl.size(); ++i)
    if (sl[i].schedule.fallback) fallback_.push_back(i);
  if (fallback_.empty())
    for (size_t i = 0; i < sl.size(); ++i)
      if (sl[i].schedule.windows.empty() && !sl[i].schedule.urgent) fallback_.push_back(i);
  if (fallback_.empty())
    for (size_t i = 0; i < sl.size(); ++i)
      if (!sl[i].schedule.urgent) fallback_.push_back(i);
  if (fallback_.empty())
    for (size_t i = 0; i < sl.size(); ++i) fallback_.push_back(i);
  timed_ =
      !pl_.schedule.active.empty() || !pl_.schedule.display_off.empty() ||
      std::any_of(sl.begin(), sl.end(), [](const content::Slide& s) { return !s.schedule.windows.empty(); });
}

ScheduleState Schedule::at(int64_t unix_s, bool trusted) const {
  ScheduleState st;
  const auto& sl = pl_.slides;
  if (!trusted) {
    st.eligible = fallback_;
    st.fallback = true;
    return st;
  }
  for (size_t i = 0; i < sl.size(); ++i) {
    const auto& u = sl[i].schedule.urgent;
    if (u && unix_s >= u->from && unix_s < u->until) st.eligible.push_back(i);
  }
  if (!st.eligible.empty()) {
    st.urgent = true;
    return st;
  }
  const LocalTime t = zone_.local(unix_s);
  st.display_off = any_contains(pl_.schedule.display_off, t);
  if (pl_.schedule.active.empty() || any_contains(pl_.schedule.active, t)) {
    int best = std::numeric_limits<int>::min();
    for (size_t i = 0; i < sl.size(); ++i) {
      const auto& s = sl[i].schedule;
      if (s.fallback || s.urgent || (!s.windows.empty() && !any_contains(s.windows, t))) continue;
      if (s.priority > best) {
        best = s.priority;
        st.eligible.clear();
      }
      if (s.priority == best) st.eligible.push_back(i);
    }
  }
  if (st.eligible.empty()) {
    st.eligible = fallback_;
    st.fallback = true;
  }
  return st;
}

int64_t Schedule::next_check(int64_t unix_s) const {
  int64_t next = std::numeric_limits<int64_t>::max();
  if (timed_) next = unix_s - ((unix_s % 60) + 60) % 60 + 60;
  for (const auto& s : pl_.slides) {
    if (!s.schedule.urgent) continue;
    if (s.schedule.urgent->from > unix_s) next = std::min(next, s.schedule.urgent->from);
    if (s.schedule.urgent->until > unix_s) next = std::min(next, s.schedule.urgent->until);
  }
  return next;
}

size_t Schedule::next_slide(const ScheduleState& s, size_t current, bool from_start) {
  if (s.eligible.empty()) return 0;
  if (from_start) return s.eligible.front();
  const auto it = std::upper_bound(s.eligible.begin(), s.eligible.end(), current);
  return it == s.eligible.end() ? s.eligible.front() : *it;
}

}  // namespace paizi::show
