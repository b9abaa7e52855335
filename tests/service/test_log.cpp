// platform::Logger and RateLimiter: priority prefixes, levels, rate limiting.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "platform/log.h"

using namespace std::chrono_literals;
using paizi::platform::Level;
using paizi::platform::Logger;
using paizi::platform::RateLimit;
using paizi::platform::RateLimiter;

namespace {

struct Captured {
  std::vector<std::string> lines;
  Logger make(Level level, RateLimit limit = {}, bool prefix = true) {
    Logger::Options o;
    o.level = level;
    o.prefix = prefix;
    o.limit = limit;
    return Logger(o, [this](std::string_view l) { lines.emplace_back(l); });
  }
};

}  // namespace

TEST_CASE("log lines carry journald priority prefixes", "[log]") {
  Captured c;
  Logger log = c.make(Level::debug);
  log.error("disk on fire");
  log.warning("w");
  log.info("two\nlines");
  log.debug("d");
  REQUIRE(c.lines.size() == 4);
  CHECK(c.lines[0] == "<3>paizi: disk on fire\n");
  CHECK(c.lines[1] == "<4>paizi: w\n");
  CHECK(c.lines[2] == "<6>paizi: two lines\n");
  CHECK(c.lines[3] == "<7>paizi: d\n");
}

TEST_CASE("the level drops less severe messages; no prefix on request", "[log]") {
  Captured c;
  Logger log = c.make(Level::warning, {}, false);
  log.info("hidden");
  log.debug("hidden");
  log.warning("shown");
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0] == "paizi: shown\n");
}

TEST_CASE("parse_level accepts syslog names", "[log]") {
  CHECK(paizi::platform::parse_level("error") == Level::err);
  CHECK(paizi::platform::parse_level("warn") == Level::warning);
  CHECK(paizi::platform::parse_level("notice") == Level::notice);
  CHECK_FALSE(paizi::platform::parse_level("loud"));
}

TEST_CASE("repeated messages are rate-limited and counted", "[log]") {
  Captured c;
  RateLimit lim;
  lim.window = 60s;
  lim.burst = 3;
  Logger log = c.make(Level::info, lim);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 100; ++i) log.log_keyed(Level::err, "fetch", "download failed", t0 + i * 100ms);
  log.log_keyed(Level::err, "other", "different failure", t0 + 1s);
  CHECK(c.lines.size() == 4);  // 3 of the repeated one + the other
  // The window ends: the next line reports what was dropped.
  log.log_keyed(Level::err, "fetch", "download failed", t0 + 61s);
  REQUIRE(c.lines.size() == 5);
  CHECK(c.lines.back() == "<3>paizi: download failed (97 similar messages suppressed)\n");
  log.log_keyed(Level::err, "fetch", "download failed", t0 + 62s);
  CHECK(c.lines.back() == "<3>paizi: download failed\n");
}

TEST_CASE("the rate limiter's key table has a budget", "[log]") {
  RateLimit lim;
  lim.max_keys = 4;
  RateLimiter rl(lim);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 10; ++i) CHECK(rl.check("key" + std::to_string(i), t0 + i * 1ms).emit);
  CHECK(rl.keys() == 4);
  CHECK(rl.evictions() == 6);
}
