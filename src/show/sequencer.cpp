#include "show/sequencer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>

#include "platform/contract.h"
#include "show/compose.h"
#include "show/grid.h"

namespace paizi::show {

Sequencer::Sequencer(SequencerHost& host, content::Playlist playlist, content::TimeZone zone)
    : host_(host),
      playlist_(std::make_shared<const content::Playlist>(std::move(playlist))),
      zone_(std::move(zone)) {
  sched_ = std::make_shared<const Schedule>(*playlist_, zone_);
}

bool Sequencer::compose(Showing& s, std::shared_ptr<const content::Playlist> pl, size_t slide, int64_t unix_s,
                        double anim_t, bool wait) {
  const content::TimeZone& zone = pl == pending_ && pending_sched_ ? pending_sched_->zone() : sched_->zone();
  Composition c = host_.compose(*pl, slide, unix_s, anim_t, zone);
  s.slide = slide;
  s.sourced = c.sourced;
  s.had_data = c.had_data;
  s.stale = false;
  s.pages = std::move(c.pages);
  s.warnings = std::move(c.warnings);
  s.hold = c.hold;
  s.anim = animation_length(pl->slides[slide]);
  s.pl = std::move(pl);
  if (!c.pending) return true;
  if (!wait) return false;
  int64_t waited = 0;
  host_.composition_ready(true, s.hold, waited);
  waited_ms_ += waited;
  return true;
}

int64_t Sequencer::trans_ms() const {
  return playlist_->transition.kind == content::TransitionKind::Cut ? 0
                                                                    : playlist_->transition.duration.count();
}

float Sequencer::transition_progress(int64_t t_ms) const {
  const int64_t len = trans_ms();
  if (trans_start_ < 0 || len <= 0) return 0.f;
  return std::clamp(static_cast<float>(t_ms - trans_start_) / static_cast<float>(len), 0.f, 1.f);
}

int64_t Sequencer::hold_ms(const Showing& s) const {
  const content::Slide& sl = s.pl->slides[s.slide];
  if (s.hold > 0) return std::max<int64_t>(grid::kMinHoldMs, s.hold);
  const auto* news = sl.as<content::NewsSlide>();  // only articles have pages
  return std::max<int64_t>(grid::kMinHoldMs,
                           (s.pages.size() > 1 && news ? news->page_duration : sl.duration).count());
}

void Sequencer::next_of(const Showing& s, size_t& slide, size_t& page) const {
  if (s.page + 1 < s.pages.size()) {
    slide = s.slide;
    page = s.page + 1;
  } else {
    const ScheduleState st = sched_->at(last_unix_, clock_trusted_);
    slide = Schedule::next_slide(st, s.slide, false);
    const bool leaving_urgent = s.pl->slides[s.slide].schedule.urgent && !st.urgent;
    if (leaving_urgent && resume_ && std::binary_search(st.eligible.begin(), st.eligible.end(), *resume_))
      slide = *resume_;
    page = 0;
  }
}

void Sequencer::prepare_next(int64_t unix_s, bool wait) {
  if (next_warming_) {
    // Composed on an earlier advance: its glyphs go on.
  } else if (next_pending_) {
    int64_t waited = 0;
    if (!host_.composition_ready(wait, next_.hold, waited)) return;
    waited_ms_ += waited;
    next_pending_ = false;
  } else {
    size_t slide = 0, page = 0;
    next_of(cur_, slide, page);
    // A new slide comes from the playlist on screen (cur_.pl may be the one
    // before the alerts changed); a next page from the slide's own.
    std::shared_ptr<const content::Playlist> pl = page == 0 ? playlist_ : cur_.pl;
    if (page == 0 && pending_) {
      // A new playlist takes over at a slide boundary; it shows from its
      // first slide once the transition to it completes.
      pl = pending_;
      slide = Schedule::next_slide(pending_sched_->at(unix_s, clock_trusted_), 0, true);
    }
    bool done = true;
    if (page > 0 && !cur_.stale) {
      next_.pl = cur_.pl;
      next_.slide = cur_.slide;
      next_.pages = cur_.pages;  // layouts are shared, not copied
      next_.hold = cur_.hold;
      next_.anim = 0;
      next_.sourced = cur_.sourced;
      next_.had_data = cur_.had_data;
      next_.stale = false;
    } else if (page > 0) {
      // The data changed during this slide: its next page comes from the new
      // data (the article may have fewer pages now).
      done = compose(next_, pl, cur_.slide, unix_s, 0.0, wait);
      next_.anim = 0;
    } else {
      done = compose(next_, pl, slide, unix_s, 0.0, wait);
    }
    next_.page = std::min(page, next_.pages.size() - 1);
    next_new_slide_ = page == 0;
    if (!done) {
      next_pending_ = true;  // the next advance goes on with it
      return;
    }
  }
  // On the real clock a slide is prepared over several frames, none of
  // them long: composed on one, its glyphs rasterised a slice at a time on
  // the next ones, painted on one of its own (a moving ticker keeps its pace).
  if (!wait && !next_warming_) {
    next_warming_ = next_warm_first_ = true;
    return;
  }
  if (!wait) {
    const bool first = next_warm_first_;
    next_warm_first_ = false;
    if (!host_.page_warm(next_, first)) return;
  }
  next_warming_ = false;
  const bool drawable = host_.page_ready(Slot::next, next_);
  if (next_new_slide_) {
    const Schedule& sched = next_.pl == pending_ && pending_sched_ ? *pending_sched_ : *sched_;
    skip_unpaintable(next_, Slot::next, drawable, sched.at(unix_s, clock_trusted_), unix_s);
  }
  next_ready_ = true;
}

void Sequencer::skip_unpaintable(Showing& s, Slot slot, bool drawable, const ScheduleState& st,
                                 int64_t unix_s) {
  // At most once round the playlist: when no slide can be drawn, the last
  // one tried stays (its background), never a busy loop.
  for (size_t tries = 0; !drawable && tries < s.pl->slides.size(); ++tries) {
    host_.skipped_unpaintable();
    const size_t after = Schedule::next_slide(st, s.slide, false);
    if (after == s.slide) break;
    compose(s, s.pl, after, unix_s, 0.0);
    s.page = 0;
    drawable = host_.page_ready(slot, s);
  }
}

bool Sequencer::wake(int64_t t_ms) {
  if (!started_ || t_ms <= last_t_) return false;
  const int64_t off = t_ms - last_t_;  // the time the screen was off
  cur_.start += off;
  slide_began_ += off;
  if (trans_start_ >= 0) {
    trans_start_ += off;
    next_.start += off;
  }
  last_t_ = t_ms;
  redraw_ = true;
  return true;
}

void Sequencer::cut_short(int64_t t_ms) {
  if (!started_ || trans_start_ >= 0 || cur_.start + hold_ms(cur_) <= t_ms) return;
  cur_.hold = std::max<int64_t>(1, t_ms - cur_.start);
  cur_.page = cur_.pages.size() - 1;  // leave the slide, not just the page
}

void Sequencer::data_changed(int64_t unix_s) {
  if (!started_) return;  // the first advance composes with whatever there is
  if (cur_.sourced && trans_start_ < 0) {
    if (!cur_.had_data) {
      // The first data: the slide starts again, so its first page (or its
      // count-up) gets its full time.
      compose(cur_, cur_.pl, cur_.slide, unix_s, 0.0);
      cur_.page = 0;
      cur_.start = last_t_;
      ++replaced_;
      host_.page_ready(Slot::current, cur_);
      redraw_ = true;
    } else {
      cur_.stale = true;
    }
  }
  // What comes next was prepared ahead from the old data: which page or
  // slide follows (the placeholder had one page, the article may have
  // several) and what it shows. It is prepared again.
  if (trans_start_ < 0) unprepare_next();
}

void Sequencer::start(int64_t t_ms, int64_t unix_s) {
  compose(cur_, playlist_, Schedule::next_slide(sched_->at(unix_s, clock_trusted_), 0, true), unix_s, 0.0);
  cur_.page = 0;
  cur_.start = t_ms;
  started_ = true;
  slide_came_on(t_ms);
  const bool drawable = host_.page_ready(Slot::current, cur_);
  skip_unpaintable(cur_, Slot::current, drawable, sched_->at(unix_s, clock_trusted_), unix_s);
}

void Sequencer::finish_transition() {
  host_.swapped();
  cur_ = std::move(next_);
  next_ = Showing{};
  if (cur_.pl != playlist_) {
    if (cur_.pl == pending_) {
      pending_.reset();
      sched_ = std::move(pending_sched_);
    } else {  // a newer playlist arrived during the transition; it waits
      sched_ = std::make_shared<const Schedule>(*cur_.pl, zone_);
    }
    playlist_ = cur_.pl;
    ++adoptions_;
    host_.playlist_changed();
  }
  trans_start_ = -1;
  unprepare_next();
  if (cur_.page == 0) slide_came_on(cur_.start);
  if (!slide().schedule.urgent) resume_.reset();  // back in the loop
  if (alerts_dirty_) apply_alerts();
}

bool Sequencer::cross(int64_t t_ms, int64_t unix_s) {
  bool changed = false;
  for (int guard = 0; guard < 100000; ++guard) {
    if (trans_start_ < 0) {
      const int64_t boundary = cur_.start + hold_ms(cur_);
      if (t_ms < boundary) break;
      waited_ms_ = 0;
      if (!next_ready_) prepare_next(unix_s, true);
      // On the real clock a wait for the next slide (a clip still opening)
      // delays the transition, so it starts with the slide ready.
      const int64_t start = boundary + (async_ ? waited_ms_ : 0);
      trans_start_ = start;
      next_.start = start;
      changed = true;
    }
    if (t_ms < trans_start_ + trans_ms()) break;
    finish_transition();
    changed = true;
  }
  return changed;
}

// Count-up on entry: recomposed every frame until it settles.
bool Sequencer::count_up(int64_t t_ms, int64_t unix_s) {
  const double anim_t = static_cast<double>(t_ms - cur_.start) / 1000.0;
  const bool settling = anim_t < cur_.anim || last_t_ < cur_.start + static_cast<int64_t>(cur_.anim * 1000);
  if (cur_.anim <= 0 || trans_start_ >= 0 || !settling) return false;
  const size_t page = cur_.page;
  compose(cur_, cur_.pl, cur_.slide, unix_s, anim_t);
  cur_.page = std::min(page, cur_.pages.size() - 1);
  host_.page_ready(Slot::current, cur_);
  return true;
}

bool Sequencer::advance(int64_t t_ms, int64_t unix_s, bool may_prepare) {
  bool need = redraw_;
  redraw_ = false;
  last_unix_ = unix_s;
  if (!started_) {
    start(t_ms, unix_s);
    need = true;
  }
  t_ms = std::max(t_ms, last_t_);
  if (alerts_dirty_ && trans_start_ < 0) apply_alerts();
  preempt_if_urgent(t_ms, unix_s);
  const bool crossed = cross(t_ms, unix_s);
  need |= crossed;
  need |= trans_start_ >= 0;
  need |= count_up(t_ms, unix_s);
  // The next slide is composed ahead of its turn, while this one holds (on
  // the real clock not on the frame that ended a transition, a full one).
  if (!next_ready_ && trans_start_ < 0 && may_prepare && !(async_ && crossed)) prepare_next(unix_s, !async_);
  prev_t_ = last_t_;
  last_t_ = t_ms;
  return need;
}

size_t Sequencer::still(size_t slide, size_t page, int64_t unix_s) {
  if (slide >= playlist_->slides.size()) return 0;
  compose(cur_, playlist_, slide, unix_s, 1e9);
  if (page >= cur_.pages.size()) return 0;
  cur_.page = page;
  cur_.start = 0;
  cur_.anim = 0;
  started_ = true;
  last_t_ = 0;
  return cur_.pages.size();
}

void Sequencer::slide_came_on(int64_t t_ms) {
  PAIZI_ASSERT(cur_.pl && cur_.slide < cur_.pl->slides.size(), "a slide is composed before it comes on");
  slide_began_ = t_ms;
  if (!cur_.pl || cur_.slide >= cur_.pl->slides.size()) return;
  host_.came_on(cur_.pl->slides[cur_.slide]);
}

// An urgent notice starting or ending cuts the current slide short: the
// boundary is now, and the slide after it is chosen by the schedule.
void Sequencer::preempt_if_urgent(int64_t t_ms, int64_t unix_s) {
  if (!started_ || trans_start_ >= 0) return;
  const ScheduleState st = sched_->at(unix_s, clock_trusted_);
  const bool showing_urgent = cur_.pl == playlist_ && slide().schedule.urgent.has_value();
  // An alert slide from before the alerts changed (updated, cancelled).
  const bool stale_alert = slide().as<content::AlertSlide>() && cur_.pl != playlist_;
  if (st.urgent == showing_urgent && !stale_alert) return;
  if (st.urgent && !slide().schedule.urgent && !resume_) resume_ = cur_.slide;
  if (cur_.start + hold_ms(cur_) <= t_ms) return;  // a boundary is due anyway
  cur_.start = t_ms - hold_ms(cur_);
  cur_.page = cur_.pages.size() - 1;  // leave the slide, not just the page
  unprepare_next();
}

void Sequencer::adopt(const content::Playlist& playlist) {
  pending_ = with_alerts(playlist);
  resume_.reset();  // slide indices of the new playlist
  pending_sched_ = std::make_shared<const Schedule>(*pending_, zone_);
  // Re-prepare the next slide from the new playlist if it was made already.
  if (trans_start_ < 0 && cur_.page + 1 >= cur_.pages.size()) unprepare_next();
}

bool Sequencer::moving() const {
  if (trans_start_ >= 0) return true;
  return cur_.anim > 0 && static_cast<double>(last_t_ - cur_.start) / 1000.0 < cur_.anim;
}

int64_t Sequencer::schedule_change_ms() const {
  const int64_t at = sched_->next_check(last_unix_);
  if (at == std::numeric_limits<int64_t>::max()) return at;
  return last_t_ + (at - last_unix_) * 1000;
}

int64_t Sequencer::next_change_ms() const {
  if (trans_start_ >= 0) return trans_start_ + trans_ms();
  const int64_t sched = schedule_change_ms();
  if (sched < cur_.start + hold_ms(cur_) && sched > last_t_) return sched;
  const int64_t anim_end = cur_.start + static_cast<int64_t>(cur_.anim * 1000);
  if (cur_.anim > 0 && last_t_ < anim_end) return anim_end;
  return cur_.start + hold_ms(cur_);
}

std::shared_ptr<const content::Playlist> Sequencer::with_alerts(const content::Playlist& p) const {
  auto out = std::make_shared<content::Playlist>(p);
  auto& slides = out->slides;
  slides.erase(std::remove_if(slides.begin(), slides.end(),
                              [](const content::Slide& s) { return s.as<content::AlertSlide>() != nullptr; }),
               slides.end());
  for (const content::AlertNotice& a : alerts_) {
    content::Slide s;
    // The id names the alert in logs, status.json and screenshot file names:
    // a server's identifier, so only [A-Za-z0-9._-], at most 64 of them.
    s.id = "alert-";
    for (const char c : a.key.substr(a.key.find(',') + 1, grid::kAlertIdChars))
      s.id.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_');
    s.duration = grid::kAlertSlide;  // several alerts take turns; one alone stays
    s.body = content::AlertSlide{a, alerts_.size() - 1};
    s.schedule.urgent = content::Urgent{a.from, a.until};
    slides.push_back(std::move(s));
  }
  return out;
}

void Sequencer::set_alerts(std::vector<content::AlertNotice> alerts) {
  if (alerts == alerts_) return;
  alerts_ = std::move(alerts);
  alerts_dirty_ = true;
  if (trans_start_ < 0) apply_alerts();
}

// Base slides keep their indices (alert slides are appended), so a base
// slide on screen moves to the new playlist; an alert slide on screen stays
// with its old playlist until preempt_if_urgent leaves it.
void Sequencer::apply_alerts() {
  alerts_dirty_ = false;
  ++alerts_version_;
  const std::shared_ptr<const content::Playlist> old = playlist_;
  playlist_ = with_alerts(*playlist_);
  sched_ = std::make_shared<const Schedule>(*playlist_, zone_);
  if (pending_) {
    pending_ = with_alerts(*pending_);
    pending_sched_ = std::make_shared<const Schedule>(*pending_, zone_);
  }
  if (started_ && cur_.pl == old && !slide().as<content::AlertSlide>()) cur_.pl = playlist_;
  if (trans_start_ < 0) unprepare_next();
  redraw_ = true;
}

std::vector<content::AlertNotice> Sequencer::active_alerts(int64_t unix_s) const {
  std::vector<content::AlertNotice> out;
  for (const content::AlertNotice& a : alerts_)
    if (a.from <= unix_s && unix_s < a.until) out.push_back(a);
  return out;
}

}  // namespace paizi::show
