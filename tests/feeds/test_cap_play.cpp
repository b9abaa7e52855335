// `paizi play` with a cap source, end to end on the simulated clock: the
// alert shown and cleared in the log, its screenshot, status.json.
#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "feeds_test_support.h"

namespace {

// RFC 3339 with a numeric zone, as CAP wants it.
std::string cap_time(std::time_t t) {
  char b[40];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return b;
}

}  // namespace

TEST_CASE("paizi play: a CAP alert is shown, logged, in status.json, and cleared at its expiry") {
  feeds_test::TempDir tmp;
  const std::time_t now = std::time(nullptr);
  std::string doc = feeds_test::fixture("cap/typhoon_orange.xml");
  // In force from a minute ago until 20 s after the start.
  const auto replace_all = [&doc](const std::string& from, const std::string& to) {
    for (size_t at = doc.find(from); at != std::string::npos; at = doc.find(from, at + to.size()))
      doc.replace(at, from.size(), to);
  };
  replace_all("2026-08-20T09:30:00+08:00", cap_time(now - 60));  // sent, effective
  replace_all("2026-08-21T09:30:00+08:00", cap_time(now + 20));  // expires
  std::ofstream(tmp.path() + "/warn.xml") << doc;
  std::ofstream(tmp.path() + "/pl.json") << R"({"version":1,"header":{"logo":"大厅"},
    "sources":{"warn":{"type":"cap","url":"warn.xml","refresh":"10s"}},
    "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]},
              {"id":"b","type":"slogan","duration":"5s","lines":["第二"]}]})";
  std::filesystem::create_directories(tmp.path() + "/state");
  std::filesystem::create_directories(tmp.path() + "/shots");
  const auto r = feeds_test::run_paizi({"play", tmp.path() + "/pl.json", "--headless", "--duration", "40s",
                                        "--state-dir", tmp.path() + "/state", "--screenshots", tmp.path() + "/shots"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string key = "szmb@weather.sz.example.cn,44030041600000_20260820093000";
  const size_t shown = r.err.find("alert shown: " + key + ": Severe 台风橙色预警: 深圳市气象台发布台风橙色预警信号");
  const size_t cleared = r.err.find("alert cleared: " + key + " (expired)");
  CHECK(shown != std::string::npos);
  CHECK(cleared != std::string::npos);
  CHECK(shown < cleared);
  // On screen first, the loop after its expiry.
  std::vector<std::string> shots;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() + "/shots")) shots.push_back(e.path().filename());
  std::sort(shots.begin(), shots.end());
  REQUIRE(shots.size() >= 3);
  CHECK(shots.front() == "00000000-alert-44030041600000_20260820093000-p0.png");
  CHECK(shots.back().find("alert") == std::string::npos);
  // status.json at the end: no alert any more.
  const auto status = nlohmann::json::parse(feeds_test::read_file(tmp.path() + "/state/status.json"));
  REQUIRE(status.contains("alerts"));
  CHECK(status["alerts"].empty());
}
