// CAP alerts taking over the screen, on a simulated clock with a loopback
// server (tests/feeds/fault_server.py): the player and its SourceData as
// `paizi play --headless --duration` drives them.
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "../playlists/pl_support.h"
#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

using namespace paizi;

namespace {

constexpr int64_t kMorning = 1787191200;        // 2026-08-20T10:00:00+08:00: the orange alert is in force
constexpr int64_t kOrangeExpires = 1787275800;  // 2026-08-21T09:30:00+08:00
constexpr const char* kOrangeKey = "szmb@weather.sz.example.cn,44030041600000_20260820093000";
constexpr const char* kRedKey = "szmb@weather.sz.example.cn,44030041600000_20260820150000";
constexpr int64_t kPollS = 30;

std::string fixture(const std::string& name) { return feeds_test::fixture("cap/" + name); }

// An Atom feed embedding the given CAP documents (their XML declarations dropped).
std::string feed_of(const std::vector<std::string>& docs) {
  std::string f =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed "
      "xmlns=\"http://www.w3.org/2005/Atom\"><title>预警</title>";
  for (const std::string& d : docs) {
    const size_t at = d.find("<alert");
    f += "<entry><title>预警</title><content type=\"application/cap+xml\">" + d.substr(at) +
         "</content></entry>";
  }
  return f + "</feed>";
}

// Player + SourceData on a simulated clock; `filters` are the cap source's JSON keys.
struct Screen {
  feeds_test::FaultServer& server;
  std::unique_ptr<present::Display> display;
  std::unique_ptr<render::Painter> painter;
  std::unique_ptr<sources::SourceData> data;
  std::unique_ptr<show::Player> player;
  int64_t t = 0, unix0;
  uint64_t generation = 0;
  std::set<std::string> shown;  // slide ids seen on screen since the last clear
  std::string loop_slide;       // the last loop (not alert) slide on screen

  static text::Shaper& shaper() {
    static text::FontLibrary fonts;
    static text::Shaper s(fonts);
    return s;
  }
  // `state_dir`: the sources' last good copies and validators ("" = none).
  Screen(feeds_test::FaultServer& s, const std::string& filters, int64_t start,
         const std::string& state_dir = "", bool require_https = false)
      : server(s), unix0(start) {
    const std::string json = R"({"version":1,"transition":{"type":"fade","duration":"500ms"},
      "sources":{"warn":{"type":"cap","url":")" +
                             server.url("/files/warn.xml") + R"(","refresh":"30s")" + filters + R"(}},
      "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]},
                {"id":"b","type":"slogan","duration":"5s","lines":["第二"]},
                {"id":"c","type":"slogan","duration":"5s","lines":["第三"]}]})";
    auto pr = content::parse_playlist(json, ".");
    INFO(pr.first_error("test.json"));
    REQUIRE(pr.playlist);
    std::string err;
    present::DisplayOptions o;
    o.width = 480;
    o.height = 270;
    display = present::open_headless(o, err);
    REQUIRE(display);
    painter = std::make_unique<render::Painter>(display->renderer());
    data = std::make_unique<sources::SourceData>(*pr.playlist, state_dir);
    data->set_require_https(require_https);
    std::string zerr;
    auto zone = content::TimeZone::load("Asia/Shanghai", zerr);
    REQUIRE(zone);
    player = std::make_unique<show::Player>(*display, shaper(), *painter, *pr.playlist, data.get(), *zone);
  }
  int64_t unix_now() const { return unix0 + t / 1000; }
  // Runs `seconds` of simulated time in 100 ms steps, as cmd_play does.
  void run(double seconds) {
    const int64_t end = t + static_cast<int64_t>(seconds * 1000);
    for (; t <= end; t += 100) {
      data->refresh_due(unix_now());
      if (data->generation() != generation) {
        generation = data->generation();
        player->data_changed(unix_now());
      }
      player->tick(t, unix_now());
      shown.insert(player->slide().id);
      if (!player->slide().as<content::AlertSlide>()) loop_slide = player->slide().id;
    }
  }
  // The slide on screen (the one a transition leaves until it ends) is an alert.
  bool alert_on() const { return player->slide().as<content::AlertSlide>() != nullptr; }
  std::string alert_key() const {
    const auto* a = player->slide().as<content::AlertSlide>();
    return a ? a->alert.key : "";
  }
  // Runs until an alert is on screen (or not), at most `limit` s; returns the time taken, s (-1: never).
  double until_alert(bool on, double limit) {
    const int64_t from = t;
    while (t - from <= static_cast<int64_t>(limit * 1000)) {
      run(0.1);
      if (alert_on() == on) return static_cast<double>(t - from) / 1000.0;
    }
    return -1;
  }
};

}  // namespace

TEST_CASE(
    "cap takeover: arrives within one poll, is replaced by its update, cleared by a cancel; the loop "
    "resumes") {
  feeds_test::FaultServer server;
  pl_test::put(server, "warn.xml", feed_of({}));
  Screen s(server, "", kMorning);
  s.run(7);  // slide b is on screen
  CHECK_FALSE(s.alert_on());
  CHECK(s.player->active_alerts(s.unix_now()).empty());
  CHECK(s.player->slide().id == "b");

  pl_test::put(server, "warn.xml", feed_of({fixture("typhoon_orange.xml")}));
  const double took = s.until_alert(true, kPollS + 1);
  INFO("took " << took << " s");
  CHECK(took >= 0);
  CHECK(took <= kPollS + 1);  // within one poll (and the fade)
  const std::string interrupted = s.loop_slide;
  CHECK(s.alert_key() == kOrangeKey);
  CHECK(s.player->slide().as<content::AlertSlide>()->alert.headline ==
        "深圳市气象台发布台风橙色预警信号");  // zh first
  REQUIRE(s.player->active_alerts(s.unix_now()).size() == 1);
  s.run(45);  // it holds the screen: nothing else is shown meanwhile
  CHECK(s.alert_on());
  CHECK(s.alert_key() == kOrangeKey);

  // The feed lists the alert and its update: the update replaces it.
  pl_test::put(server, "warn.xml",
               feed_of({fixture("typhoon_orange.xml"), fixture("typhoon_red_update.xml")}));
  const int64_t from = s.t;
  while (s.t - from < (kPollS + 2) * 1000 && s.alert_key() != kRedKey) s.run(0.1);
  CHECK(s.alert_key() == kRedKey);
  CHECK(s.player->slide().as<content::AlertSlide>()->alert.severity == content::CapSeverity::Extreme);
  s.run(1);
  CHECK(s.alert_on());
  REQUIRE(s.player->active_alerts(s.unix_now()).size() == 1);

  // The cancel ends both; the loop goes on with the slide the alert interrupted.
  pl_test::put(server, "warn.xml", feed_of({fixture("typhoon_cancel.xml")}));
  CHECK(s.until_alert(false, kPollS + 1) >= 0);
  CHECK(s.player->slide().id == interrupted);
  CHECK(s.player->active_alerts(s.unix_now()).empty());

  // Replayed: the old documents come back; they stay ended.
  pl_test::put(server, "warn.xml",
               feed_of({fixture("typhoon_orange.xml"), fixture("typhoon_red_update.xml")}));
  s.shown.clear();
  s.run(2 * kPollS);
  CHECK(s.until_alert(true, 0.5) < 0);
  CHECK(s.shown.size() >= 3);  // the loop kept turning
}

TEST_CASE("cap takeover: the server going away keeps the alert until it expires; expiry clears it") {
  feeds_test::FaultServer server;
  pl_test::put(server, "warn.xml", fixture("typhoon_orange.xml"));  // a single CAP document
  Screen s(server, "", kOrangeExpires - 90);
  CHECK(s.until_alert(true, 2) >= 0);
  pl_test::fault(server, "500");
  s.run(60);
  CHECK(s.alert_on());
  CHECK(s.alert_key() == kOrangeKey);
  const double left = s.until_alert(false, 40);
  CHECK(left >= 0);
  CHECK(s.unix_now() >= kOrangeExpires);
  CHECK(s.unix_now() <= kOrangeExpires + 1);  // at its expiry, not a poll later
  CHECK(s.player->active_alerts(s.unix_now()).empty());
}

TEST_CASE("cap takeover: area and severity filters") {
  feeds_test::FaultServer server;
  pl_test::put(server, "warn.xml", feed_of({fixture("typhoon_orange.xml")}));
  SECTION("another district") {
    Screen s(server, R"(,"areas":["罗湖区"])", kMorning);
    CHECK(s.until_alert(true, 2 * kPollS) < 0);
  }
  SECTION("a screen outside the alert's polygon (Longgang), even with a matching areaDesc filter") {
    Screen s(server, R"(,"point":"22.72,114.25","areas":["南山区"])", kMorning);
    CHECK(s.until_alert(true, 3 * kPollS) < 0);
    CHECK(s.shown.count("c"));  // the loop went on
  }
  SECTION("a screen inside it (Nanshan), even with an areaDesc filter that does not match") {
    Screen s(server, R"(,"point":"22.54,113.93","areas":["罗湖区"])", kMorning);
    CHECK(s.until_alert(true, 2) >= 0);
  }
  SECTION("the config's location when the source names no point; the source's own point wins") {
    Screen s(server, "", kMorning);
    s.data->set_location(content::GeoPoint{22.72, 114.25});
    CHECK(s.until_alert(true, 3 * kPollS) < 0);
    Screen inside(server, R"(,"point":"22.54,113.93")", kMorning);
    inside.data->set_location(content::GeoPoint{22.72, 114.25});
    CHECK(inside.until_alert(true, 2) >= 0);
  }
  SECTION("this district by geocode") {
    Screen s(server, R"(,"geocodes":["440305"])", kMorning);
    CHECK(s.until_alert(true, 2) >= 0);
  }
  SECTION("only Extreme: the orange stays off, its red update shows") {
    Screen s(server, R"(,"severity":"Extreme","areas":["南山区"])", kMorning);
    CHECK(s.until_alert(true, 2 * kPollS) < 0);
    pl_test::put(server, "warn.xml", feed_of({fixture("typhoon_red_update.xml")}));
    CHECK(s.until_alert(true, kPollS + 1) >= 0);
    CHECK(s.alert_key() == kRedKey);
  }
}

TEST_CASE(
    "cap takeover: a feed linking its CAP documents; a 404 and a malformed one are reported, the good one "
    "shows") {
  feeds_test::FaultServer server;
  feeds_test::TempDir state;
  const std::string feed = R"(<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>预警</title>
    <entry><title>缺</title><link rel="alternate" type="application/cap+xml" href="missing.xml"/></entry>
    <entry><title>坏</title><link rel="alternate" type="application/cap+xml" href="broken.xml"/></entry>
    <entry><title>橙</title><link rel="alternate" type="application/cap+xml" href=")" +
                           server.url("/files/orange.xml") + R"("/></entry></feed>)";
  pl_test::put(server, "warn.xml", feed);
  pl_test::put(server, "orange.xml", fixture("typhoon_orange.xml"));
  pl_test::put(server, "broken.xml", fixture("typhoon_orange.xml").substr(0, 600));
  SECTION("followed through the cache: the good one takes over within a poll, conditional GETs after") {
    Screen s(server, "", kMorning, state.path());
    CHECK(s.until_alert(true, 2) >= 0);
    CHECK(s.alert_key() == kOrangeKey);
    const std::string err = s.data->errors()["warn"];
    INFO(err);
    CHECK(err.find(server.url("/files/missing.xml") + ": HTTP status 404") != std::string::npos);
    CHECK(err.find(server.url("/files/broken.xml") + ": not a CAP document: unreadable XML") !=
          std::string::npos);
    s.run(3 * kPollS);
    CHECK(s.alert_on());  // nothing blanked, the loop never came back
    CHECK(s.loop_slide.empty());
    // Every poll asked for the linked document again, with its validator after the first.
    std::istringstream log(pl_test::http(server.url("/log")));
    std::vector<std::string> asks;
    for (std::string line; std::getline(log, line);)
      if (line.rfind("/files/orange.xml ", 0) == 0) asks.push_back(line.substr(18));
    REQUIRE(asks.size() >= 3);
    CHECK(asks[0] == "-");
    for (size_t i = 1; i < asks.size(); ++i) CHECK(asks[i] != "-");
  }
  SECTION("plain http:// links are refused with require_https") {
    Screen s(server, "", kMorning, state.path(), true);
    CHECK(s.until_alert(true, kPollS + 1) < 0);
    CHECK(s.data->errors()["warn"].find(server.url("/files/orange.xml") +
                                        ": plain http:// refused with require_https") != std::string::npos);
  }
}

TEST_CASE("cap takeover: two alerts at once take turns, most severe first") {
  feeds_test::FaultServer server;
  std::string drill = fixture("typhoon_orange.xml");
  // A building's fire drill, Moderate, beside the typhoon warning.
  drill.replace(drill.find("44030041600000_20260820093000"), 29, "BLDG-A-DRILL-0820");
  drill.replace(drill.find("<severity>Severe"), 16, "<severity>Moderate");
  pl_test::put(server, "warn.xml", feed_of({drill, fixture("typhoon_orange.xml")}));
  Screen s(server, "", kMorning);
  CHECK(s.until_alert(true, 2) >= 0);
  CHECK(s.alert_key() == kOrangeKey);
  CHECK(s.player->active_alerts(s.unix_now()).size() == 2);
  std::set<std::string> keys;
  for (int i = 0; i < 60; ++i) {
    s.run(1);
    if (s.alert_on()) keys.insert(s.alert_key());
    CHECK(s.player->slide().as<content::AlertSlide>());  // no loop slide in between
  }
  CHECK(keys.size() == 2);
}

TEST_CASE(
    "cap takeover: malformed, hostile, expired and test alerts never raise a notice nor stop the loop") {
  feeds_test::FaultServer server;
  const std::string orange = fixture("typhoon_orange.xml");
  std::string no_identity = orange;
  no_identity.replace(no_identity.find("<identifier>"), 12, "<ident>");
  no_identity.replace(no_identity.find("</identifier>"), 13, "</ident>");
  std::string drill = orange;
  drill.replace(drill.find("<status>Actual"), 14, "<status>Exercise");
  std::string bomb =
      "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"台风台风台风台风台风台风台风台风\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>" +
      orange.substr(orange.find("<alert"));
  bomb.replace(bomb.find("<headline>") + 10, 0, "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;");
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"garbage", "\x89PNG\r\n\x1a\n not a CAP document"},
      {"an HTML error page", "<html><body>502 Bad Gateway</body></html>"},
      {"cut off", orange.substr(0, orange.size() / 2)},
      {"without identifier", no_identity},
      {"an exercise", drill},
      {"expired on arrival", orange},  // the clock is a day after its expiry
  };
  Screen s(server, "", kOrangeExpires + 86400);
  for (const auto& [what, body] : docs) {
    INFO(what);
    pl_test::put(server, "warn.xml", body);
    s.shown.clear();
    const uint64_t frames = s.player->stats().frames;
    s.run(kPollS + 2);
    CHECK_FALSE(s.alert_on());
    CHECK(s.player->active_alerts(s.unix_now()).empty());
    CHECK(s.shown.size() >= 3);                    // the loop turns
    CHECK(s.player->stats().frames > frames + 5);  // and is drawn
  }
  // Entity expansion while an alert is on: the alert stays (last good copy), nothing new appears.
  Screen on(server, "", kMorning);
  pl_test::put(server, "warn.xml", orange);
  CHECK(on.until_alert(true, kPollS + 1) >= 0);
  pl_test::put(server, "warn.xml", bomb);
  on.run(kPollS + 2);
  CHECK(on.alert_on());
  CHECK(on.alert_key() == kOrangeKey);
  CHECK(on.player->slide().as<content::AlertSlide>()->alert.headline == "深圳市气象台发布台风橙色预警信号");
}
