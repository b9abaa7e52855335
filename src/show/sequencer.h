// The sequencer: which slide and page of which playlist is on screen at a
// given time, which comes next, and when a transition between them starts
// and ends. Time and the schedule go in; the current and next showing and
// the transition state come out. No SDL: composing and painting a page are
// asked of a SequencerHost (the player), so tests drive it with a fake host.
//
// Time is passed in (ms since start, monotonic; wall-clock Unix seconds for
// the schedule), so the same code runs on the real and a simulated clock.
//
// Threading: one thread (the player's).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "content/playlist.h"
#include "content/timezone.h"
#include "render/display_list.h"
#include "show/schedule.h"

namespace paizi::show {

// A slide of a playlist, composed into pages, and the page shown.
struct Showing {
  std::shared_ptr<const content::Playlist> pl;
  size_t slide = 0, page = 0;
  std::vector<render::DisplayList> pages;
  int64_t start = 0;                  // ms when its transition began
  double anim = 0;                    // animation length, s
  bool sourced = false;               // its content comes from the data provider
  bool had_data = false;              // composed with the provider's data (not the placeholder)
  bool stale = false;                 // the data changed since it was composed
  std::vector<std::string> warnings;  // from composition (ComposeContext::warnings)
  int64_t hold = 0;                   // ms it holds (a video's clip); 0: the slide's duration
};

// What composing one slide gave (SequencerHost::compose).
struct Composition {
  std::vector<render::DisplayList> pages;  // never empty
  std::vector<std::string> warnings;
  bool sourced = false;   // the slide's content comes from the data provider
  bool had_data = false;  // the provider had data for it
  int64_t hold = 0;       // ms the slide holds when not its duration (a video: its clip); 0: the duration
  // Part of it is still being made off the frame loop (a video's clip is
  // opened on its own thread): SequencerHost::composition_ready says when
  // it is done, and gives `hold` then.
  bool pending = false;
};

// The two showings the sequencer holds: the one on screen and the next.
enum class Slot { current, next };

// What the sequencer asks of whoever composes and paints.
class SequencerHost {
 public:
  virtual ~SequencerHost() = default;
  // Slide `slide` of `pl` composed at `unix_s`, dates in `zone`, with its
  // entry animation at `anim_t` s.
  virtual Composition compose(const content::Playlist& pl, size_t slide, int64_t unix_s, double anim_t,
                              const content::TimeZone& zone) = 0;
  // The last composition was pending: whether it is done now (`wait`:
  // blocks until it is), with the slide's `hold` then; `waited_ms`: the
  // real time spent waiting (the real clock's transition starts that much
  // later).
  virtual bool composition_ready(bool wait, int64_t& hold, int64_t& waited_ms) {
    (void)wait;
    (void)hold;
    waited_ms = 0;
    return true;
  }
  // The page of the showing in `slot` is new: paint it. Returns false when
  // it cannot be drawn (an image slide whose image failed): the sequencer
  // then skips to the slide after it.
  virtual bool page_ready(Slot slot, const Showing& s) = 0;
  // The page of the next showing is about to be painted: prepares what it
  // needs a slice at a time (its glyphs). `first`: the first call for this
  // page (it was composed since the last call). True: paint it now; false:
  // ask again on the next advance (the real clock only).
  virtual bool page_warm(const Showing& s, bool first) {
    (void)s;
    (void)first;
    return true;
  }
  // The next showing became the current one (the end of a transition).
  virtual void swapped() = 0;
  // The playlist on screen was replaced by another (adopted).
  virtual void playlist_changed() = 0;
  // A slide came on screen (its first page).
  virtual void came_on(const content::Slide& slide) = 0;
  // An image slide was skipped because its image cannot be drawn.
  virtual void skipped_unpaintable() = 0;
};

class Sequencer {
 public:
  // `zone`: the player's (a playlist's schedule.timezone overrides it).
  Sequencer(SequencerHost& host, content::Playlist playlist, content::TimeZone zone);

  // Advances to `t_ms` (earlier values count as the last time) at wall time
  // `unix_s`: starts the first slide, applies alerts, pre-empts for urgent
  // notices, crosses every boundary due and prepares the next slide (only
  // when `may_prepare`: the first frame goes out before the next slide is
  // composed). Returns true when the picture changed (or a redraw was asked).
  bool advance(int64_t t_ms, int64_t unix_s, bool may_prepare);
  // The time of the last advance() before the current one (ms; -1: none).
  int64_t previous_ms() const { return prev_t_; }
  int64_t now_ms() const { return last_t_; }

  void rest(int64_t unix_s) { last_unix_ = unix_s; }
  // Resumes at `t_ms` where it stopped (Player::wake); false: nothing to resume.
  bool wake(int64_t t_ms);
  // The slide on screen ends at `t_ms` (a clip that ended early or stalled):
  // the boundary is then, the next slide follows. Not during a transition.
  void cut_short(int64_t t_ms);
  void request_redraw() { redraw_ = true; }
  // The next slide may be prepared over several advances, its pending part
  // (Composition::pending) finishing off the frame loop (the real clock).
  // Off (the default, the simulated clock): prepared in one go.
  void set_prepare_async(bool async) { async_ = async; }
  // See Player::data_changed (the provider's alerts go to set_alerts first).
  void data_changed(int64_t unix_s);
  void set_alerts(std::vector<content::AlertNotice> alerts);
  std::vector<content::AlertNotice> active_alerts(int64_t unix_s) const;
  void adopt(const content::Playlist& playlist);
  void set_clock_trusted(bool trusted) { clock_trusted_ = trusted; }
  ScheduleState schedule_state() const { return sched_->at(last_unix_, clock_trusted_); }
  // Composes slide `slide` as the current showing at page `page`, settled,
  // at time 0 (a still). Returns its page count (0: no such slide or page).
  size_t still(size_t slide, size_t page, int64_t unix_s);

  // The next discrete change (boundary, end of transition or count-up,
  // schedule change) and the next schedule check, ms.
  int64_t next_change_ms() const;
  int64_t schedule_change_ms() const;
  // A transition or a count-up is in progress.
  bool moving() const;

  bool started() const { return started_; }
  const Showing& current() const { return cur_; }
  const Showing& next() const { return next_; }
  bool next_ready() const { return next_ready_; }
  bool next_pending() const { return next_pending_; }
  // The next slide is being prepared over several advances (its pending
  // part, its page's glyphs, or not begun on the frame that ended a
  // transition): the frame loop comes back on the next frame.
  bool next_in_progress() const {
    return next_pending_ || next_warming_ || (async_ && started_ && !next_ready_ && trans_start_ < 0);
  }
  const content::Slide& slide() const { return cur_.pl->slides[cur_.slide]; }
  const content::Playlist& playlist() const { return *playlist_; }
  const Schedule& schedule() const { return *sched_; }
  bool in_transition() const { return trans_start_ >= 0; }
  // Transition progress at `t_ms`, 0..1 (only while in_transition()).
  float transition_progress(int64_t t_ms) const;
  // Transition length, ms (0 for a cut).
  int64_t trans_ms() const;
  // An alert slide is on screen, no transition: it owns the whole screen.
  bool takeover() const { return started_ && slide().as<content::AlertSlide>() && trans_start_ < 0; }
  int64_t slide_age_ms() const { return started_ ? last_t_ - slide_began_ : 0; }
  uint64_t replaced() const { return replaced_; }
  uint64_t adoptions() const { return adoptions_; }
  // apply_alerts() calls: a new value means a new set of alerts on screen.
  uint64_t alerts_version() const { return alerts_version_; }
  const std::vector<content::AlertNotice>& alerts() const { return alerts_; }
  int64_t last_unix() const { return last_unix_; }

 private:
  // Composes slide `slide` of `pl` into `s`; false when its pending part is
  // not done and `wait` is false.
  bool compose(Showing& s, std::shared_ptr<const content::Playlist> pl, size_t slide, int64_t unix_s,
               double anim_t, bool wait = true);
  void start(int64_t t_ms, int64_t unix_s);
  // Crosses the boundaries and transition ends due by `t_ms`; true if any.
  bool cross(int64_t t_ms, int64_t unix_s);
  void finish_transition();
  bool count_up(int64_t t_ms, int64_t unix_s);
  int64_t hold_ms(const Showing& s) const;
  void next_of(const Showing& s, size_t& slide, size_t& page) const;
  // Prepares the next slide; its pending part is waited for when `wait`,
  // else the next call goes on with it (next_pending_).
  void prepare_next(int64_t unix_s, bool wait);
  // Forgets the next slide prepared (or being prepared): it is made again.
  void unprepare_next() { next_ready_ = next_pending_ = next_warming_ = false; }
  // While `s` (page 0, in `slot`) cannot be drawn, composes and offers the
  // slide after it in `st` instead, at most once round the playlist.
  void skip_unpaintable(Showing& s, Slot slot, bool drawable, const ScheduleState& st, int64_t unix_s);
  void preempt_if_urgent(int64_t t_ms, int64_t unix_s);
  // `p` without its alert slides, with alerts_ appended (see set_alerts).
  std::shared_ptr<const content::Playlist> with_alerts(const content::Playlist& p) const;
  void apply_alerts();
  void slide_came_on(int64_t t_ms);

  SequencerHost& host_;
  std::shared_ptr<const content::Playlist> playlist_;  // the one on screen
  std::shared_ptr<const content::Playlist> pending_;   // adopted at the next slide boundary
  // Schedules of playlist_ and pending_ (they refer to those playlists).
  std::shared_ptr<const Schedule> sched_, pending_sched_;
  content::TimeZone zone_;
  bool clock_trusted_ = true;
  std::vector<content::AlertNotice> alerts_;
  bool alerts_dirty_ = false;  // alerts_ not yet in playlist_ (set during a transition)
  uint64_t alerts_version_ = 0;
  uint64_t adoptions_ = 0;
  std::optional<size_t> resume_;  // the loop slide an urgent notice interrupted
  Showing cur_, next_;
  bool next_ready_ = false;
  bool next_pending_ = false;     // next_ is composed, its pending part not yet done
  bool next_warming_ = false;     // next_ is composed, its page not yet painted (page_warm)
  bool next_warm_first_ = false;  // page_warm() not yet asked about next_
  bool next_new_slide_ = false;   // next_ is another slide (not a page of this one)
  bool async_ = false;            // see set_prepare_async()
  int64_t waited_ms_ = 0;         // real time the last wait for a composition took
  int64_t trans_start_ = -1;
  int64_t last_t_ = -1, prev_t_ = -1;
  int64_t last_unix_ = 0;
  int64_t slide_began_ = 0;  // ms: when the slide on screen came on (its first page)
  uint64_t replaced_ = 0;
  bool started_ = false;
  bool redraw_ = false;
};

}  // namespace paizi::show
