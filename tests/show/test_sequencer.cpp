// The sequencer alone (no display, no fonts): a fake host composes each
// slide into as many empty pages as the test asks and records what it is
// asked to paint. Time is simulated; every check names the time it expects.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "show/sequencer.h"

using namespace paizi;
using namespace std::chrono_literals;
using show::Slot;

namespace {

constexpr int64_t kUnix = 1776585600;

struct FakeHost : show::SequencerHost {
  std::map<std::string, size_t> pages;  // slide id -> page count (default 1)
  std::set<std::string> broken;         // slides whose page cannot be drawn
  std::vector<std::string> painted;     // "slot:id#page" in order
  std::vector<std::string> came;        // ids of slides that came on
  int swaps = 0, playlist_changes = 0, skipped = 0;
  int warm_calls = 0;   // page_warm() asked
  int warm_slices = 0;  // how many calls it takes until a page is warm (0: at once)
  int warm_left = 0;
  int warm_firsts = 0;       // page_warm() calls that said `first`
  int warm_first_wrong = 0;  // calls for a new page that did not

  show::Composition compose(const content::Playlist& pl, size_t slide, int64_t, double,
                            const content::TimeZone&) override {
    const std::string& id = pl.slides[slide].id;
    show::Composition c;
    c.pages.resize(pages.count(id) ? pages[id] : 1);
    for (size_t i = 0; i < c.pages.size(); ++i) c.pages[i].width = static_cast<int>(i);
    return c;
  }
  bool page_ready(Slot slot, const show::Showing& s) override {
    const std::string& id = s.pl->slides[s.slide].id;
    painted.push_back((slot == Slot::current ? "cur:" : "next:") + id + "#" + std::to_string(s.page));
    return !broken.count(id);
  }
  bool page_warm(const show::Showing&, bool first) override {
    ++warm_calls;
    // A new page starts from its first glyph (a page painted before its
    // glyphs were all in leaves a count behind, as the real one does).
    if (first) {
      ++warm_firsts;
      warm_left = warm_slices + 1;
    } else if (warm_left == 0) {
      ++warm_first_wrong;  // a new page not said to be one
    }
    return --warm_left == 0;
  }
  void swapped() override { ++swaps; }
  void playlist_changed() override { ++playlist_changes; }
  void came_on(const content::Slide& s) override { came.push_back(s.id); }
  void skipped_unpaintable() override { ++skipped; }
};

content::Slide slide(const std::string& id, std::chrono::milliseconds d) {
  content::Slide s;
  s.id = id;
  s.body = content::SloganSlide{{id}, false, {}, {}};
  s.duration = d;
  return s;
}

content::Playlist playlist(std::vector<content::Slide> slides,
                           content::TransitionKind transition = content::TransitionKind::Fade,
                           std::chrono::milliseconds trans = 500ms) {
  content::Playlist p;
  p.transition.kind = transition;
  p.transition.duration = trans;
  p.slides = std::move(slides);
  return p;
}

// What is on screen: "id#page", or "id#page>id#page" during a transition.
std::string screen(const show::Sequencer& s) {
  std::string out = s.slide().id + "#" + std::to_string(s.current().page);
  if (s.in_transition())
    out += ">" + s.next().pl->slides[s.next().slide].id + "#" + std::to_string(s.next().page);
  return out;
}

// Advances in `step` ms steps from `from` to `to` (inclusive), the wall
// clock moving along; returns each change of screen() as "t:screen".
std::vector<std::string> run(show::Sequencer& s, int64_t from, int64_t to, int64_t step = 50) {
  std::vector<std::string> changes;
  std::string last;
  for (int64_t t = from; t <= to; t += step) {
    s.advance(t, kUnix + t / 1000, true);
    if (screen(s) != last) changes.push_back(std::to_string(t) + ":" + (last = screen(s)));
  }
  return changes;
}

}  // namespace

TEST_CASE("sequencer: slides in playlist order, each for its duration, then a transition of its length") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 5s), slide("b", 7s), slide("c", 3s)}),
                    content::TimeZone::utc());
  const auto changes = run(s, 0, 16000);
  const std::vector<std::string> want = {"0:a#0",     "5000:a#0>b#0",  "5500:b#0", "12000:b#0>c#0",
                                         "12500:c#0", "15000:c#0>a#0", "15500:a#0"};
  CHECK(changes == want);
  CHECK(host.swaps == 3);
  CHECK(host.came == std::vector<std::string>{"a", "b", "c", "a"});
}

TEST_CASE("sequencer: transition progress runs from its start to its end") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 2s), slide("b", 2s)}, content::TransitionKind::Push, 400ms),
                    content::TimeZone::utc());
  s.advance(0, kUnix, true);
  CHECK_FALSE(s.in_transition());
  CHECK(s.next_change_ms() == 2000);  // the boundary
  s.advance(2100, kUnix + 2, true);
  REQUIRE(s.in_transition());
  CHECK(s.transition_progress(2100) == Approx(0.25f));
  CHECK(s.transition_progress(2300) == Approx(0.75f));
  CHECK(s.next_change_ms() == 2400);  // the transition's end
  CHECK(s.moving());
  s.advance(2400, kUnix + 2, true);
  CHECK_FALSE(s.in_transition());
  CHECK(s.slide().id == "b");
  CHECK(s.current().start == 2000);  // its time counts from the transition's start
  CHECK(s.next_change_ms() == 4000);
}

TEST_CASE("sequencer: a cut changes slides at the boundary, with no transition") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 3s), slide("b", 4s)}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  const auto changes = run(s, 0, 7100);
  CHECK(changes == std::vector<std::string>{"0:a#0", "3000:b#0", "7000:a#0"});
  CHECK(s.trans_ms() == 0);
}

TEST_CASE("sequencer: a slide of several pages holds each for page_duration, then the next slide") {
  FakeHost host;
  host.pages["n"] = 3;
  content::Slide n = slide("n", 20s);
  n.body = content::NewsSlide{};
  std::get<content::NewsSlide>(n.body).page_duration = 2s;
  show::Sequencer s(host, playlist({n, slide("z", 1s)}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  const auto changes = run(s, 0, 7000);
  CHECK(changes == std::vector<std::string>{"0:n#0", "2000:n#1", "4000:n#2", "6000:z#0", "7000:n#0"});
  // Pages of the slide on screen are not composed again: painted as they come.
  CHECK(host.came == std::vector<std::string>{"n", "z", "n"});
}

TEST_CASE("sequencer: the next page is prepared ahead, not before the first frame went out") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 5s), slide("b", 5s)}), content::TimeZone::utc());
  CHECK(s.advance(0, kUnix, false));  // the first picture: a frame is due
  CHECK(host.painted == std::vector<std::string>{"cur:a#0"});
  CHECK_FALSE(s.next_ready());
  CHECK_FALSE(s.advance(16, kUnix, true));  // nothing changed on screen
  CHECK(host.painted == std::vector<std::string>{"cur:a#0", "next:b#0"});
  CHECK(s.next_ready());
  CHECK(s.advance(5000, kUnix + 5, true));  // the transition starts
}

TEST_CASE("sequencer: on the real clock the next slide is prepared over several advances, none long") {
  FakeHost host;
  host.warm_slices = 3;  // its glyphs take three slices
  show::Sequencer s(host, playlist({slide("a", 5s), slide("b", 5s), slide("c", 5s)}),
                    content::TimeZone::utc());
  s.set_prepare_async(true);
  s.advance(0, kUnix, false);
  REQUIRE(host.painted == std::vector<std::string>{"cur:a#0"});
  // Composed on one advance, warmed on the next three, painted on one of its own.
  s.advance(16, kUnix, true);
  CHECK(host.warm_calls == 0);
  CHECK(s.next_in_progress());
  for (int i = 0; i < 3; ++i) {
    s.advance(32 + 16 * i, kUnix, true);
    CHECK(host.warm_calls == i + 1);
    CHECK(host.painted.size() == 1);
    CHECK_FALSE(s.next_ready());
  }
  s.advance(80, kUnix, true);
  CHECK(host.warm_calls == 4);
  CHECK(host.warm_firsts == 1);
  CHECK(host.painted == std::vector<std::string>{"cur:a#0", "next:b#0"});
  CHECK(s.next_ready());
  CHECK_FALSE(s.next_in_progress());
  // The frame that ends the transition into b prepares nothing; c begins on the next.
  s.advance(5000, kUnix + 5, true);
  s.advance(5500, kUnix + 5, true);
  CHECK(screen(s) == "b#0");
  CHECK(host.swaps == 1);
  CHECK_FALSE(s.next_ready());
  CHECK(s.next_in_progress());
  CHECK(host.painted.size() == 2);
  for (int64_t t = 5516; t <= 5600; t += 16) s.advance(t, kUnix + 5, true);
  CHECK(host.painted == std::vector<std::string>{"cur:a#0", "next:b#0", "next:c#0"});
  // A boundary that comes while the next slide is being warmed does not wait
  // for more slices: it is painted then.
  host.warm_slices = 1000;
  s.advance(10500, kUnix + 10, true);  // c on screen; a composed on the next advance
  s.advance(10516, kUnix + 10, true);
  s.advance(10532, kUnix + 10, true);  // a slice
  CHECK_FALSE(s.next_ready());
  s.advance(15000, kUnix + 15, true);
  CHECK(host.painted.back() == "next:a#0");
  CHECK(s.in_transition());
  // Each page's first call said so (b, c, a), and only that one.
  CHECK(host.warm_firsts == 3);
  CHECK(host.warm_first_wrong == 0);
}

TEST_CASE("sequencer: the simulated clock prepares the next slide in one go") {
  FakeHost host;
  host.warm_slices = 3;
  show::Sequencer s(host, playlist({slide("a", 5s), slide("b", 5s)}), content::TimeZone::utc());
  s.advance(0, kUnix, false);
  s.advance(16, kUnix, true);
  CHECK(host.painted == std::vector<std::string>{"cur:a#0", "next:b#0"});
  CHECK(host.warm_calls == 0);
}

TEST_CASE("sequencer: an urgent notice pre-empts the loop for its interval, then the loop resumes") {
  FakeHost host;
  content::Slide u = slide("u", 4s);
  u.schedule.urgent = content::Urgent{kUnix + 13, kUnix + 19};
  show::Sequencer s(host, playlist({slide("a", 10s), slide("b", 10s), u}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  const auto changes = run(s, 0, 30000, 100);
  // u does not play before its interval; b is cut short at 13 s; u plays
  // (twice: alone in its interval) until 19 s; then the loop resumes with b,
  // the slide it interrupted, from its start (not with a, the one after u).
  CHECK(changes == std::vector<std::string>{"0:a#0", "10000:b#0", "13000:u#0", "19000:b#0", "29000:a#0"});
}

TEST_CASE("sequencer: a CAP alert becomes an urgent slide that takes over, until it expires") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 10s), slide("b", 10s)}), content::TimeZone::utc());
  s.advance(0, kUnix, true);
  s.advance(1000, kUnix + 1, true);
  content::AlertNotice alert;
  alert.key = "sender,ID 1";
  alert.headline = "暴雨";
  alert.from = kUnix + 2;
  alert.until = kUnix + 8;
  s.set_alerts({alert});
  REQUIRE(s.playlist().slides.size() == 3);
  CHECK(s.playlist().slides[2].id == "alert-ID_1");
  CHECK(s.active_alerts(kUnix + 1).empty());
  CHECK(s.active_alerts(kUnix + 2).size() == 1);
  const auto changes = run(s, 1100, 12000, 100);
  CHECK(changes == std::vector<std::string>{"1100:a#0", "2000:a#0>alert-ID_1#0", "2500:alert-ID_1#0",
                                            "8000:alert-ID_1#0>a#0", "8500:a#0"});
  s.advance(3000, kUnix + 3, true);  // a time before the last counts as the last
  CHECK(s.now_ms() == 12000);
  CHECK_FALSE(s.takeover());
}

TEST_CASE("sequencer: an alert on screen owns it (takeover) once its transition is over") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 10s)}), content::TimeZone::utc());
  content::AlertNotice alert;
  alert.key = "x,1";
  alert.from = kUnix;
  alert.until = kUnix + 100;
  s.set_alerts({alert});
  s.advance(0, kUnix, true);
  CHECK(s.slide().as<content::AlertSlide>());
  CHECK(s.takeover());
}

TEST_CASE("sequencer: with the clock untrusted only fallback slides play") {
  FakeHost host;
  content::Slide f = slide("f", 2s);
  f.schedule.fallback = true;
  show::Sequencer s(host, playlist({slide("a", 2s), f, slide("b", 2s)}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  s.set_clock_trusted(false);
  const auto changes = run(s, 0, 5000);
  CHECK(changes == std::vector<std::string>{"0:f#0"});
  CHECK(s.current().start == 4000);  // it follows itself at each boundary
  s.set_clock_trusted(true);
  const auto later = run(s, 5100, 10000);
  // The slide after 6 s was prepared ahead (f again, under the untrusted
  // clock); from then on the whole loop plays.
  CHECK(later == std::vector<std::string>{"5100:f#0", "8000:b#0", "10000:a#0"});
}

TEST_CASE("sequencer: a slide that cannot be drawn is skipped for the one after it") {
  FakeHost host;
  host.broken = {"b"};
  show::Sequencer s(host,
                    playlist({slide("a", 2s), slide("b", 2s), slide("c", 2s)}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  const auto changes = run(s, 0, 6000);
  CHECK(changes == std::vector<std::string>{"0:a#0", "2000:c#0", "4000:a#0", "6000:c#0"});
  CHECK(host.skipped == 2);
}

TEST_CASE("sequencer: an adopted playlist comes on at the next slide boundary, from its first slide") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 3s), slide("b", 3s)}), content::TimeZone::utc());
  run(s, 0, 1000);
  s.adopt(playlist({slide("x", 4s), slide("y", 4s)}, content::TransitionKind::Cut));
  CHECK(s.playlist().slides[0].id == "a");  // not yet
  const auto changes = run(s, 1050, 8000);
  // The old playlist's transition (fade, 500 ms) leads to the new one's first slide.
  CHECK(changes == std::vector<std::string>{"1050:a#0", "3000:a#0>x#0", "3500:x#0", "7000:y#0"});
  CHECK(s.adoptions() == 1);
  CHECK(host.playlist_changes == 1);
}

TEST_CASE("sequencer: the screen switched off stops the clock; waking resumes the slide where it was") {
  FakeHost host;
  show::Sequencer s(host, playlist({slide("a", 5s), slide("b", 5s)}, content::TransitionKind::Cut),
                    content::TimeZone::utc());
  run(s, 0, 3000);
  CHECK(s.slide_age_ms() == 3000);
  s.rest(kUnix + 60);
  CHECK(s.wake(63000));  // off for 60 s
  CHECK(s.slide_age_ms() == 3000);
  CHECK(s.next_change_ms() == 65000);  // a's remaining 2 s
  s.advance(64900, kUnix + 64, true);
  CHECK(s.slide().id == "a");
  s.advance(65000, kUnix + 65, true);
  CHECK(s.slide().id == "b");
  CHECK_FALSE(s.wake(1000));  // before now: nothing to resume
}
