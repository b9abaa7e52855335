// `paizi play` with a cap source, end to end on the simulated clock: the
// alert shown and cleared in the log, its screenshot, status.json.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
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

// The typhoon warning, in force from a minute before `now` for an hour;
// `id` replaces its identifier, `type` its msgType (an Update names the
// original in references).
std::string typhoon(std::time_t now, const std::string& id = "", const std::string& type = "Alert") {
  std::string doc = feeds_test::fixture("cap/typhoon_orange.xml");
  const auto replace_all = [&doc](const std::string& from, const std::string& to) {
    for (size_t at = doc.find(from); at != std::string::npos; at = doc.find(from, at + to.size()))
      doc.replace(at, from.size(), to);
  };
  replace_all("2026-08-20T09:30:00+08:00", cap_time(now - 60));
  replace_all("2026-08-21T09:30:00+08:00", cap_time(now + 3600));
  if (!id.empty()) {
    const std::string original = "44030041600000_20260820093000";
    replace_all("<identifier>" + original + "</identifier>",
                "<identifier>" + id + "</identifier><references>szmb@weather.sz.example.cn," + original +
                    "," + cap_time(now - 60) + "</references>");
    replace_all("<msgType>Alert</msgType>", "<msgType>" + type + "</msgType>");
  }
  return doc;
}

// Non-zero 16-bit samples in what SDL's disk audio driver wrote (none: no file).
size_t sounding_samples(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  const std::string raw = feeds_test::read_file(path);
  size_t n = 0;
  for (size_t i = 0; i + 1 < raw.size(); i += 2) n += raw[i] != 0 || raw[i + 1] != 0;
  return n;
}

}  // namespace

TEST_CASE("paizi play: the attention tone sounds once for a new alert, not for an update, not when off") {
  feeds_test::TempDir tmp;
  const std::time_t now = std::time(nullptr);
  const std::string audio = tmp.path() + "/tone.raw";
  // SDL's disk audio driver writes the samples to a file (for the children; unset when the case ends).
  struct Env {
    explicit Env(const std::string& file) {
      ::setenv("SDL_AUDIODRIVER", "disk", 1);
      ::setenv("SDL_DISKAUDIOFILE", file.c_str(), 1);
    }
    ~Env() {
      ::unsetenv("SDL_AUDIODRIVER");
      ::unsetenv("SDL_DISKAUDIOFILE");
    }
  } env(audio);
  // 20 s on the simulated clock, the source polled every 5 s.
  const auto play = [&](const std::string& doc, const std::string& tone) {
    std::ofstream(tmp.path() + "/warn.xml") << doc;
    std::ofstream(tmp.path() + "/pl.json") << R"({"version":1,
      "sources":{"warn":{"type":"cap","url":"warn.xml","refresh":"5s")" +
                                                  tone + R"(}},
      "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]}]})";
    std::filesystem::remove(audio);
    return feeds_test::run_paizi({"play", tmp.path() + "/pl.json", "--headless", "--duration", "20s"});
  };
  const size_t tone_samples = 2 * 48000 / 4;  // two notes of 250 ms at 48 kHz
  SECTION("on: exactly one tone over four polls") {
    const auto r = play(typhoon(now), R"(,"tone":true)");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.find("alert tone: szmb@weather.sz.example.cn,44030041600000_20260820093000") !=
          std::string::npos);
    const size_t n = sounding_samples(audio);
    // Zero crossings leave a few samples at 0; a second tone would double it.
    CHECK(n > tone_samples * 19 / 20);
    CHECK(n <= tone_samples);
  }
  SECTION("on: an update (which ends its original) does not sound") {
    std::string feed = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>预警</title>";
    for (const std::string& d : {typhoon(now), typhoon(now, "44030041600000_20260820100000", "Update")})
      feed += "<entry><title>预警</title><content type=\"application/cap+xml\">" +
              d.substr(d.find("<alert")) + "</content></entry>";
    const auto r = play(feed + "</feed>", R"(,"tone":true)");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.find("alert shown: szmb@weather.sz.example.cn,44030041600000_20260820100000") !=
          std::string::npos);
    CHECK(r.err.find("alert tone:") == std::string::npos);
    CHECK(sounding_samples(audio) == 0);
  }
  SECTION("off (the default)") {
    const auto r = play(typhoon(now), "");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.find("alert shown:") != std::string::npos);
    CHECK(sounding_samples(audio) == 0);
  }
}
