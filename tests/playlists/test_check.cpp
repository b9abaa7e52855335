// `paizi check`: every problem with its JSON pointer and line:column, exit
// 0 only when valid, unknown keys as warnings; the examples are valid.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "content/playlist.h"
#include "pl_support.h"

namespace {

std::string fixture(const std::string& name) {
  return std::string(PAIZI_TEST_DATA) + "/playlists/fixtures/" + name;
}

// Runs `paizi check` from the fixtures directory so file names are short.
feeds_test::RunResult check(const std::string& name) {
  return feeds_test::run_paizi({"check", fixture(name)});
}

std::vector<std::string> lines_of(const std::string& out, const std::string& strip) {
  std::vector<std::string> v;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind(strip, 0) == 0) l = l.substr(strip.size());
    v.push_back(l);
  }
  return v;
}

}  // namespace

TEST_CASE("check: scheduling errors name pointer and line:column; unknown keys are warnings") {
  const auto r = check("broken-schedule.json");
  CHECK(r.status == 1);
  const auto l = lines_of(r.out, fixture(""));
  REQUIRE(l.size() == 7);
  CHECK(l[0] == R"(broken-schedule.json:3:12: warning: unknown key "bogus" (at /bogus))");
  CHECK(l[1].rfind(R"(broken-schedule.json:4:28: error: unknown time zone "Mars/Base")", 0) == 0);
  CHECK(l[1].find("(at /schedule/timezone)") != std::string::npos);
  CHECK(
      l[2] ==
      R"(broken-schedule.json:4:67: error: unknown day (mon, tue, wed, thu, fri, sat, sun) (at /schedule/active/days/1))");
  CHECK(
      l[3] ==
      R"(broken-schedule.json:4:83: error: invalid time "25:00" (use HH:MM, 00:00 to 23:59) (at /schedule/active/from))");
  CHECK(l[4].rfind(R"(broken-schedule.json:6:113: error: invalid time "nope")", 0) == 0);
  CHECK(l[4].find("(at /slides/0/urgent/until)") != std::string::npos);
  CHECK(
      l[5] ==
      R"(broken-schedule.json:7:47: error: invalid duration "5q" (use e.g. "15s", "2m", "1h") (at /slides/1/duration))");
  CHECK(l[6] == "broken-schedule.json: invalid (5 errors, 1 warning)");
}

TEST_CASE("check: slide, theme and transition errors, all of them, in document order") {
  const auto r = check("broken-slides.json");
  CHECK(r.status == 1);
  const auto l = lines_of(r.out, fixture(""));
  const std::vector<std::string> want{
      R"(broken-slides.json:3:39: error: invalid colour "red" (use #RRGGBB or #RRGGBBAA) (at /theme/accent))",
      R"(broken-slides.json:4:26: error: transition type must be cut, fade or push (at /transition/type))",
      R"(broken-slides.json:6:61: warning: unknown key "colour" (at /slides/0/colour))",
      R"(broken-slides.json:7:43: error: unknown source "nope" (at /slides/1/source))",
      R"(broken-slides.json:7:12: error: duplicate slide id "a" (at /slides/1/id))",
      R"(broken-slides.json:8:30: error: a KPI slide shows 1 to 6 tiles (at /slides/2/tiles))",
      R"(broken-slides.json:9:5: error: missing required key "type" (at /slides/3))",
      R"(broken-slides.json:10:106: error: invalid date "2026-02-30" (use YYYY-MM-DD) (at /slides/4/when/start_date))",
      R"(broken-slides.json:10:133: error: "priority" must be a number from -1000 to 1000 (at /slides/4/priority))",
      "broken-slides.json: invalid (8 errors, 1 warning)"};
  CHECK(l == want);
}

TEST_CASE("check: a syntax error points at the offending token") {
  const auto r = check("broken-syntax.json");
  CHECK(r.status == 1);
  const auto l = lines_of(r.out, fixture(""));
  REQUIRE(l.size() == 2);
  CHECK(l[0].rfind("broken-syntax.json:5:3: error: invalid JSON: ", 0) == 0);
}

TEST_CASE("check: the bundled demo and every example are valid; a missing file fails") {
  // Every example is complete: what it names beside it (poster, KPI data) is there.
  for (const std::string f :
       {"/../playlists/demo.json", "/../playlists/examples/lobby-scheduled.json",
        "/../playlists/examples/remote-with-assets.json", "/../playlists/examples/cap-alerts.json"}) {
    const auto r = feeds_test::run_paizi({"check", std::string(PAIZI_TEST_DATA) + f});
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find("ok (0 errors, 0 warnings)") != std::string::npos);
  }
  CHECK(feeds_test::run_paizi({"check", fixture("no-such.json")}).status == 1);
  CHECK(feeds_test::run_paizi({"check"}).status == 2);
}

TEST_CASE("check: local images that cannot be read are warnings naming the slide that would be left out") {
  feeds_test::TempDir tmp;
  const std::string dir = tmp.path() + "/site";
  std::filesystem::create_directories(dir + "/img");
  std::filesystem::copy_file(std::string(PAIZI_TEST_DATA) + "/show/golden/chart.png", dir + "/img/here.png");
  std::ofstream(dir + "/img/page.png") << "<html>404 Not Found</html>";  // saved from a browser
  std::ofstream(tmp.path() + "/outside.png") << "bytes";
  std::ofstream(dir + "/pl.json") << R"({"version": 1, "slides": [
    {"id": "a", "type": "image", "image": "img/here.png"},
    {"id": "b", "type": "image", "image": "img/gone.png"},
    {"id": "c", "type": "news", "article": {"title": "标题", "paragraphs": ["正文"], "image": "../outside.png"}},
    {"id": "d", "type": "image", "image": "https://example.org/remote.png"},
    {"id": "e", "type": "image", "image": "img/page.png"}]})";
  const auto r = feeds_test::run_paizi({"check", dir + "/pl.json"});
  CHECK(r.status == 0);  // the player plays the rest
  const auto l = lines_of(r.out, dir + "/pl.json: ");
  REQUIRE(l.size() == 4);
  CHECK(l[0].rfind(R"(warning: image "img/gone.png": no such file: )", 0) == 0);
  CHECK(l[0].find("the slide is left out until it exists (at /slides/1/image)") != std::string::npos);
  CHECK(l[1] == R"(warning: image "../outside.png": outside the playlist's directory; the article is shown )"
                R"(without it unless paizi play --asset-root allows it (at /slides/2/article/image))");
  CHECK(l[2] ==
        R"(warning: image "img/page.png": is not a PNG, JPEG, GIF, BMP or WebP file, or its header is )"
        R"(cut short; the slide is left out (at /slides/4/image))");
  CHECK(l[3] == "ok (0 errors, 3 warnings)");
}

TEST_CASE(
    "check: local feed, article and KPI files that do not exist are warnings naming who shows a "
    "placeholder") {
  feeds_test::TempDir tmp;
  const std::string dir = tmp.path() + "/site";
  std::filesystem::create_directories(dir + "/data");
  std::ofstream(dir + "/data/here.csv") << "指标,本期\n在孵企业,36\n";
  std::ofstream(dir + "/pl.json") << R"({"version": 1,
    "ticker": {"source": "news"},
    "sources": {"news": {"type": "feed", "url": "data/news.xml"},
                "figures": {"type": "kpi", "url": "data/here.csv"},
                "page": {"type": "article", "url": "/nonexistent/page.html"},
                "remote": {"type": "feed", "url": "https://example.org/rss.xml"}},
    "slides": [{"id": "headline", "type": "news", "source": "news"},
               {"id": "kpi", "type": "kpi", "source": "figures"},
               {"id": "story", "type": "news", "source": "page"}]})";
  const auto r = feeds_test::run_paizi({"check", dir + "/pl.json"});
  INFO(r.out);
  CHECK(r.status == 0);  // the player plays; the slides show placeholders
  const auto l = lines_of(r.out, dir + "/pl.json: ");
  REQUIRE(l.size() == 3);
  CHECK(l[0] == "warning: feed source \"news\": no such file: " + dir +
                    "/data/news.xml; until it exists, a placeholder is shown on: headline, the ticker (at "
                    "/sources/news/url)");
  CHECK(l[1] ==
        "warning: article source \"page\": no such file: /nonexistent/page.html; until it exists, a "
        "placeholder is shown on: story (at /sources/page/url)");
  CHECK(l[2] == "ok (0 errors, 2 warnings)");
}

TEST_CASE(
    "check: an inline article's published date is a date, RFC 3339 or Unix seconds; numbers read as "
    "written") {
  auto with = [](const std::string& published, const std::string& extra = "") {
    return paizi::content::parse_playlist(
        R"({"version": 1, )" + extra +
            R"("slides": [{"type": "news", "article": {"title": "t", "published": )" + published + "}}]}",
        ".");
  };
  const std::string shanghai = R"("schedule": {"timezone": "Asia/Shanghai"}, )";
  auto published = [&](const std::string& p, const std::string& extra) -> std::optional<int64_t> {
    const auto r = with(p, extra);
    if (!r.playlist) return std::nullopt;
    return std::get<paizi::content::NewsSlide>(r.playlist->slides.at(0).body).news->published;
  };
  CHECK(published(R"("2022-04-21")", shanghai) == 1650470400);  // midnight in the playlist's zone
  CHECK(published(R"("2022-04-21")", R"("schedule": {"timezone": "UTC"}, )") == 1650499200);
  CHECK(published(R"("2022-04-21T09:30:00+08:00")", "") == 1650504600);
  CHECK(published(R"("2022-04-21T01:30:00Z")", shanghai) == 1650504600);
  CHECK(published("1650504600", "") == 1650504600);
  const auto bad = with(R"("April 21st")");
  REQUIRE(bad.problems.size() == 1);
  CHECK(
      bad.problems[0].message ==
      R"(invalid date "April 21st" for "published" (use "2022-04-21", "2022-04-21T09:30:00+08:00" or Unix seconds))");
  // Numbers in messages are written as people write them: no 4.10244e+09, no 1.000000.
  const auto big = with("5000000000");
  REQUIRE(big.problems.size() == 1);
  CHECK(big.problems[0].message == R"("published" must be a number from 0 to 4102444800)");
  const auto margin = paizi::content::parse_playlist(R"({"version": 1, "theme": {"margin": 0.5},
      "slides": [{"type": "slogan", "lines": ["x"]}]})",
                                                     ".");
  REQUIRE(margin.problems.size() == 1);
  CHECK(margin.problems[0].message == R"("margin" must be a number from 0 to 0.3)");
}

TEST_CASE("check: a misspelt key is a warning that names the key meant; its value would be ignored") {
  feeds_test::TempDir tmp;
  const std::string file = tmp.path() + "/pl.json";
  std::ofstream(file) << R"({"version": 1, "Theme": "light", "slides": [
    {"id": "a", "type": "slogan", "lines": ["园区"], "duraton": "30s", "subtitel": "欢迎"},
    {"id": "b", "type": "slogan", "lines": ["园区"], "colour": "#FF0000"}]})";
  const auto r = feeds_test::run_paizi({"check", file});
  CHECK(r.status == 0);
  const auto l = lines_of(r.out, file + ":");
  REQUIRE(l.size() == 5);
  CHECK(l[0].find(R"(warning: unknown key "Theme" (did you mean "theme"?) (at /Theme))") !=
        std::string::npos);
  CHECK(l[1].find(R"(warning: unknown key "duraton" (did you mean "duration"?) (at /slides/0/duraton))") !=
        std::string::npos);
  CHECK(l[2].find(R"(warning: unknown key "subtitel" (did you mean "subtitle"?))") != std::string::npos);
  CHECK(l[3].find(R"(warning: unknown key "colour" (at /slides/1/colour))") !=
        std::string::npos);  // nothing near
  CHECK(l[4].find("ok (0 errors, 4 warnings)") != std::string::npos);
}
