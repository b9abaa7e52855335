// `paizi feed`, `paizi article` and `paizi kpi` as a user runs them.
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "feeds_test_support.h"

using feeds_test::fixture_path;
using feeds_test::run_paizi;
using nlohmann::json;

namespace {

std::vector<json> lines_as_json(const std::string& out) {
  std::vector<json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(json::parse(line));
  return v;
}

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("paizi feed prints one JSON object per item", "[feeds][cli]") {
  const auto r = run_paizi({"feed", fixture_path("rss2.xml")});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  const auto items = lines_as_json(r.out);
  REQUIRE(items.size() == 4);
  for (const json& j : items) {
    CHECK(j.size() == 6);
    for (const char* k : {"title", "link", "published", "summary", "image", "source"}) CHECK(j.contains(k));
  }
  CHECK(items[1]["published"] == "2022-04-19T00:30:00Z");
  CHECK(items[2]["published"].is_null());
  CHECK(items[0]["title"] == "江城市科技局推动服务窗口与企业需求无缝对接");
}

TEST_CASE("paizi feed reads legacy encodings and JSON Feed", "[feeds][cli]") {
  const auto big5 = run_paizi({"feed", fixture_path("big5.xml")});
  REQUIRE(big5.status == 0);
  CHECK(lines_as_json(big5.out).at(0)["title"] == "科學園區擴建計畫");
  const auto jf = run_paizi({"feed", "file://" + fixture_path("jsonfeed11.json")});
  REQUIRE(jf.status == 0);
  CHECK(lines_as_json(jf.out).size() == 2);
}

TEST_CASE("paizi feed: truncated warns and succeeds, non-feeds fail", "[feeds][cli]") {
  const auto t = run_paizi({"feed", fixture_path("truncated-rss.xml")});
  CHECK(t.status == 0);
  CHECK(lines_as_json(t.out).size() == 2);
  CHECK(t.err == "paizi feed: warning: feed truncated: showing the 2 complete items\n");
  for (const char* f : {"notfeed.html", "notfeed.json", "billion-laughs.xml"}) {
    INFO(f);
    const auto r = run_paizi({"feed", fixture_path(f)});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.rfind("paizi feed: not a feed", 0) == 0);
  }
  const auto missing = run_paizi({"feed", "/no/such/feed.xml"});
  CHECK(missing.status == 1);
  CHECK(count_lines(missing.err) == 1);
  CHECK(run_paizi({"feed"}).status == 2);
  CHECK(run_paizi({"feed", "a", "b"}).status == 2);
  CHECK(run_paizi({"feed", "--tz", "Mars", fixture_path("rss2.xml")}).status == 2);
}

TEST_CASE("paizi article prints one JSON object", "[feeds][cli][article]") {
  const auto r = run_paizi({"article", "--tz", "+08:00", fixture_path("article-portal.html")});
  REQUIRE(r.status == 0);
  CHECK(count_lines(r.out) == 1);
  const json j = json::parse(r.out);
  CHECK(j.size() == 5);
  CHECK(j["title"] == "江城科技局打造“科技特派员”服务品牌");
  CHECK(j["published"] == "2022-05-12T01:12:00Z");
  CHECK(j["source"] == "江城日报");
  CHECK(j["summary"].get<std::string>().rfind("江城市科技局", 0) == 0);
  CHECK(j["paragraphs"].size() == 6);  // the credit line （责任编辑：李明） is furniture
  const auto home = run_paizi({"article", fixture_path("notarticle-home.html")});
  CHECK(home.status == 1);
  CHECK(home.out.empty());
  CHECK(home.err == "paizi article: not an article: no body text found\n");
  CHECK(run_paizi({"article", fixture_path("rss2.xml")}).status == 1);
}

TEST_CASE("paizi kpi prints one JSON object per figure; data without figures fails with the reason",
          "[feeds][cli][kpi]") {
  const auto r = run_paizi({"kpi", std::string(PAIZI_TEST_DATA) + "/../playlists/demo-figures.csv"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  const auto figures = lines_as_json(r.out);
  REQUIRE(figures.size() == 6);
  CHECK(figures[0]["key"] == "园区用电量");
  CHECK(figures[0]["value"] == 12865000.0);
  CHECK(figures[0]["target"].is_null());
  CHECK(figures[2]["target"] == 100.0);
  CHECK(figures[5]["percent"] == true);
  const auto bad = run_paizi({"kpi", fixture_path("article-gov.html")});
  CHECK(bad.status == 1);
  CHECK(bad.out.empty());
  CHECK(bad.err == "paizi kpi: not KPI data: the document is HTML or XML\n");
}
