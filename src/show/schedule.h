// Which slides may play at a wall-clock instant: a pure function of the
// playlist's scheduling keys, the time zone, the instant and whether the
// clock can be trusted. The player consults it at every slide boundary and
// whenever `next_check()` says the answer may have changed.
//
// Rules, in order:
//  1. Clock not trusted (before the build date, NTP not synchronised):
//     the fallback slides, display on. Nothing else depends on the time.
//  2. An urgent notice in its interval [from, until): only the urgent
//     slides (they preempt the current slide immediately).
//  3. Inside a display-off window: `display_off` is set (the caller runs
//     the off command); the slides below still rotate.
//  4. Outside the playlist's `active` windows: the fallback slides.
//  5. Otherwise the non-fallback slides whose `when` matches; of those only
//     the highest priority. None: the fallback slides.
// Fallback slides are those marked `"fallback": true`; without any, the
// slides without `when`; without those, every non-urgent slide (never
// nothing: a lit screen with old content beats a black one).
#pragma once

#include <cstdint>
#include <vector>

#include "content/playlist.h"
#include "content/timezone.h"

namespace paizi::show {

struct ScheduleState {
  std::vector<size_t> eligible;  // slide indices, ascending; never empty for a non-empty playlist
  bool urgent = false;           // an urgent notice is preempting
  bool display_off = false;      // inside a display-off window
  bool fallback = false;         // showing fallback content
  bool operator==(const ScheduleState&) const = default;
};

// True when `w` contains local time `t`.
bool window_contains(const content::TimeWindow& w, const content::LocalTime& t);

// The clock is trusted when it is not before `build_unix_s` and the system
// does not report an unsynchronised NTP state (`ntp_unsynced`).
bool clock_trusted(int64_t unix_s, int64_t build_unix_s, bool ntp_unsynced);

class Schedule {
 public:
  // `zone` is used when the playlist names none (normally the system's).
  // `playlist` must outlive the Schedule.
  Schedule(const content::Playlist& playlist, content::TimeZone zone);
  ScheduleState at(int64_t unix_s, bool trusted) const;
  // Earliest instant (Unix s) after `unix_s` at which `at()` may change:
  // the next minute boundary when anything is time-dependent (local windows
  // open and close on whole minutes), an urgent notice's edges, else
  // INT64_MAX.
  int64_t next_check(int64_t unix_s) const;
  // The next eligible slide after `current` (round robin), or the first
  // eligible one when `current` is not eligible any more.
  static size_t next_slide(const ScheduleState& s, size_t current, bool from_start);
  const content::TimeZone& zone() const { return zone_; }

 private:
  const content::Playlist& pl_;
  content::TimeZone zone_;
  std::vector<size_t> fallback_;
  bool timed_ = false;  // any local window at all
};

}  // namespace paizi::show
