// Scheduling on a simulated clock: windows across midnight, time zones
// (including DST from the TZif table and from its POSIX footer rule), date
// ranges, priorities, urgent notices and an untrusted clock.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "content/playlist.h"
#include "content/time.h"
#include "content/timezone.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "show/schedule.h"

using namespace paizi;

namespace {

int64_t at(const char* rfc3339) {
  auto t = content::parse_rfc3339(rfc3339);
  REQUIRE(t);
  return *t;
}

content::Playlist parse(const std::string& json) {
  auto pr = content::parse_playlist(json, ".");
  INFO(pr.first_error("test.json"));
  REQUIRE(pr.playlist);
  return *pr.playlist;
}

std::vector<size_t> eligible(const show::Schedule& s, const char* when, bool trusted = true) {
  return s.at(at(when), trusted).eligible;
}

using V = std::vector<size_t>;

content::TimeZone zone(const char* name) {
  std::string err;
  auto z = content::TimeZone::load(name, err);
  INFO(err);
  REQUIRE(z);
  return *z;
}

}  // namespace

TEST_CASE("time zones: offsets, DST from the table and from the footer rule, weekdays") {
  const auto sh = zone("Asia/Shanghai"), ber = zone("Europe/Berlin"), ny = zone("America/New_York");
  CHECK(sh.offset_at(at("2026-07-01T00:00:00Z")) == 8 * 3600);
  CHECK(ber.offset_at(at("2026-01-15T12:00:00Z")) == 3600);
  CHECK(ber.offset_at(at("2026-07-15T12:00:00Z")) == 7200);
  // 2026-03-29 01:00 UTC: Berlin springs forward.
  CHECK(ber.offset_at(at("2026-03-29T00:59:59Z")) == 3600);
  CHECK(ber.offset_at(at("2026-03-29T01:00:00Z")) == 7200);
  // Far beyond the table: the POSIX rule in the footer.
  CHECK(ber.offset_at(at("2045-07-15T12:00:00Z")) == 7200);
  CHECK(ber.offset_at(at("2045-12-15T12:00:00Z")) == 3600);
  CHECK(ny.offset_at(at("2045-07-15T12:00:00Z")) == -4 * 3600);
  const auto t = sh.local(at("2026-04-24T16:30:00Z"));  // Saturday 00:30 in Shanghai
  CHECK(t.ymd() == 20260425);
  CHECK(t.weekday == 5);
  CHECK(t.minute_of_day == 30);
  std::string err;
  CHECK_FALSE(content::TimeZone::load("../../etc/passwd", err));
  CHECK_FALSE(content::TimeZone::load("Nowhere/City", err));
}

TEST_CASE("windows across midnight belong to the day they open") {
  const auto pl = parse(R"({"version":1,"schedule":{"timezone":"Asia/Shanghai"},"slides":[
    {"id":"night","type":"slogan","lines":["夜"],"when":{"days":["fri"],"from":"22:00","to":"06:00"}},
    {"id":"day","type":"slogan","lines":["日"],"fallback":true}]})");
  const show::Schedule s(pl, content::TimeZone::utc());
  // 2026-04-24 is a Friday.
  CHECK(eligible(s, "2026-04-24T21:59:00+08:00") == V{1});
  CHECK(eligible(s, "2026-04-24T22:00:00+08:00") == V{0});
  CHECK(eligible(s, "2026-04-25T05:59:00+08:00") == V{0});  // Saturday morning: Friday's window
  CHECK(eligible(s, "2026-04-25T06:00:00+08:00") == V{1});
  CHECK(eligible(s, "2026-04-25T23:00:00+08:00") == V{1});  // Saturday evening: no window
  CHECK(eligible(s, "2026-04-24T05:00:00+08:00") == V{1});  // Friday morning: Thursday's, not listed
  CHECK(s.at(at("2026-04-24T12:00:00+08:00"), true).fallback);
}

TEST_CASE("the playlist's zone decides, not the system's or UTC") {
  const auto pl = parse(R"({"version":1,"schedule":{"timezone":"America/New_York"},"slides":[
    {"id":"open","type":"slogan","lines":["营业"],"when":{"days":"weekdays","from":"09:00","to":"17:00"}},
    {"id":"closed","type":"slogan","lines":["休息"],"fallback":true}]})");
  const show::Schedule s(pl, zone("Asia/Shanghai"));
  CHECK(eligible(s, "2026-04-24T13:00:00Z") == V{0});  // Fri 09:00 EDT
  CHECK(eligible(s, "2026-04-24T12:59:00Z") == V{1});
  CHECK(eligible(s, "2026-04-24T21:00:00Z") == V{1});  // 17:00 EDT
  CHECK(eligible(s, "2026-04-25T14:00:00Z") == V{1});  // Saturday
  // Without a zone in the playlist, the default passed in is used.
  const auto pl2 = parse(R"({"version":1,"slides":[
    {"id":"a","type":"slogan","lines":["甲"],"when":{"from":"09:00","to":"10:00"}},
    {"id":"b","type":"slogan","lines":["乙"]}]})");
  const show::Schedule s2(pl2, zone("Asia/Shanghai"));
  CHECK(eligible(s2, "2026-04-24T01:30:00Z") == V{0, 1});
  CHECK(eligible(s2, "2026-04-24T09:30:00Z") == V{1});
}

TEST_CASE("date ranges are inclusive local days; priorities pick the highest eligible") {
  const auto pl = parse(R"({"version":1,"schedule":{"timezone":"Asia/Shanghai"},"slides":[
    {"id":"base","type":"slogan","lines":["常规"]},
    {"id":"holiday","type":"slogan","lines":["五一快乐"],"priority":5,
     "when":{"start_date":"2026-05-01","end_date":"2026-05-05"}},
    {"id":"holiday2","type":"slogan","lines":["假期"],"priority":5,
     "when":[{"start_date":"2026-05-01","end_date":"2026-05-01"},{"start_date":"2026-05-05"}]}]})");
  const show::Schedule s(pl, content::TimeZone::utc());
  CHECK(eligible(s, "2026-04-30T23:59:00+08:00") == V{0});
  CHECK(eligible(s, "2026-05-01T00:00:00+08:00") == V{1, 2});
  CHECK(eligible(s, "2026-05-03T12:00:00+08:00") == V{1});
  CHECK(eligible(s, "2026-05-05T23:59:00+08:00") == V{1, 2});
  CHECK(eligible(s, "2026-05-06T00:00:00+08:00") == V{2});  // open-ended range outranks "base"
}

TEST_CASE("an urgent notice preempts until it expires; display-off windows and active windows") {
  const auto pl = parse(R"({"version":1,"schedule":{"timezone":"UTC",
      "active":{"from":"07:00","to":"23:00"},
      "display_off":{"from":"01:00","to":"05:00"},
      "display_off_command":["true"],"display_on_command":["true"]},
    "slides":[
    {"id":"a","type":"slogan","lines":["甲"]},
    {"id":"fire","type":"slogan","lines":["紧急通知"],
     "urgent":{"from":"2026-04-24T10:00:00Z","until":"2026-04-24T10:15:00Z"}},
    {"id":"night","type":"slogan","lines":["夜间"],"fallback":true}]})");
  const show::Schedule s(pl, content::TimeZone::utc());
  CHECK(eligible(s, "2026-04-24T09:59:59Z") == V{0});
  const auto u = s.at(at("2026-04-24T10:00:00Z"), true);
  CHECK(u.urgent);
  CHECK(u.eligible == V{1});
  CHECK(eligible(s, "2026-04-24T10:15:00Z") == V{0});
  CHECK(s.next_check(at("2026-04-24T09:59:30Z")) == at("2026-04-24T10:00:00Z"));
  CHECK(eligible(s, "2026-04-24T23:30:00Z") == V{2});  // outside "active"
  const auto off = s.at(at("2026-04-25T02:00:00Z"), true);
  CHECK(off.display_off);
  CHECK(off.eligible == V{2});
  CHECK_FALSE(s.at(at("2026-04-25T05:00:00Z"), true).display_off);
}

TEST_CASE("an untrusted clock plays the unscheduled fallback, never nothing") {
  const auto pl = parse(R"({"version":1,"slides":[
    {"id":"a","type":"slogan","lines":["甲"],"when":{"from":"09:00","to":"10:00"}},
    {"id":"b","type":"slogan","lines":["乙"]},
    {"id":"u","type":"slogan","lines":["急"],"urgent":{"until":"2099-01-01T00:00:00Z"}}]})");
  const show::Schedule s(pl, content::TimeZone::utc());
  const auto st = s.at(at("1970-01-01T00:05:00Z"), false);
  CHECK(st.eligible == V{1});
  CHECK(st.fallback);
  CHECK_FALSE(st.urgent);
  const int64_t build = at("2026-01-01T00:00:00Z");
  CHECK_FALSE(show::clock_trusted(at("1970-01-01T00:05:00Z"), build, false));
  CHECK_FALSE(show::clock_trusted(at("2026-06-01T00:00:00Z"), build, true));
  CHECK(show::clock_trusted(at("2026-06-01T00:00:00Z"), build, false));
  // Everything scheduled and nothing eligible: still something on screen.
  const auto pl2 = parse(R"({"version":1,"slides":[
    {"id":"a","type":"slogan","lines":["甲"],"when":{"from":"09:00","to":"10:00"}}]})");
  const show::Schedule s2(pl2, content::TimeZone::utc());
  CHECK(eligible(s2, "2026-04-24T12:00:00Z") == V{0});
}

TEST_CASE("the player follows the schedule and cuts in for an urgent notice on a simulated clock") {
  const int64_t t0 = at("2026-04-24T09:59:50Z");
  const auto pl = parse(R"({"version":1,"transition":{"type":"cut"},"schedule":{"timezone":"UTC"},"slides":[
    {"id":"a","type":"slogan","duration":"8s","lines":["甲"]},
    {"id":"morning","type":"slogan","duration":"8s","lines":["早"],"when":{"from":"06:00","to":"09:00"}},
    {"id":"b","type":"slogan","duration":"8s","lines":["乙"]},
    {"id":"fire","type":"slogan","duration":"8s","lines":["紧急"],
     "urgent":{"from":"2026-04-24T10:00:03Z","until":"2026-04-24T10:00:30Z"}}]})");
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  std::string err;
  present::DisplayOptions o;
  o.width = 320;
  o.height = 180;
  auto display = present::open_headless(o, err);
  REQUIRE(display);
  render::Painter painter(display->renderer());
  show::Player p(*display, shaper, painter, pl);
  std::vector<std::pair<int64_t, std::string>> seen;
  int64_t t = 0;
  while (t <= 60000) {
    p.tick(t, t0 + t / 1000);
    if (!p.in_transition() && (seen.empty() || seen.back().second != p.slide().id))
      seen.emplace_back(t, p.slide().id);
    t = std::max(t + 1, p.next_change_ms());
  }
  // The notice starts at 10:00:03, i.e. t = 13 s, in the middle of "b".
  REQUIRE(seen.size() >= 4);
  CHECK(seen[0] == std::pair<int64_t, std::string>{0, "a"});
  CHECK(seen[1] == std::pair<int64_t, std::string>{8000, "b"});      // "morning" is out of its window
  CHECK(seen[2] == std::pair<int64_t, std::string>{13000, "fire"});  // preempts mid-slide
  // The notice repeats until 10:00:30 (t = 40 s), then the loop resumes.
  CHECK(seen[3].first == 40000);
  CHECK(seen[3].second != "fire");
  for (const auto& [when, id] : seen)
    if (id == "fire") CHECK(when < 40000);
  // Untrusted clock: fallback (unscheduled slides) only.
  show::Player q(*display, shaper, painter, pl);
  q.set_clock_trusted(false);
  for (int64_t u = 0; u <= 40000; u = std::max(u + 1, q.next_change_ms())) {
    q.tick(u, 5 * 60);
    CHECK((q.slide().id == "a" || q.slide().id == "b"));
  }
}

TEST_CASE("a truncated or corrupted TZif file is an error, never a crash") {
  std::string data, err;
  {
    std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    data = ss.str();
  }
  REQUIRE(data.size() > 100);
  REQUIRE(content::TimeZone::from_tzif(data, "Berlin", err));
  for (size_t n = 0; n < data.size(); n += 7)
    (void)content::TimeZone::from_tzif(data.substr(0, n), "cut", err);
  for (size_t i = 4; i < 120; ++i) {
    std::string bad = data;
    bad[i] = static_cast<char>(0xFF);
    if (auto z = content::TimeZone::from_tzif(bad, "flipped", err)) (void)z->local(1776585600);
  }
  CHECK_FALSE(content::TimeZone::from_tzif("TZif2", "short", err));
}
