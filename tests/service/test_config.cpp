// app::parse_config / apply_flags: the key=value file and flag precedence.
#include <catch2/catch.hpp>

#include "app/cli.h"
#include "app/config.h"

using paizi::app::Args;
using paizi::app::Config;
using paizi::app::parse_config;
using paizi::platform::Level;

TEST_CASE("config file: every key, comments, whitespace", "[config]") {
  const auto r = parse_config(R"(# paizi.conf
; also a comment
playlist = https://signage.example/lobby.json#frag
  state_dir=/srv/paizi/state
cache_dir =   /srv/paizi/cache
display_driver = kmsdrm
rotation = 90
public_key = /etc/paizi/signing.pub
token = /run/credentials/paizi.service/token
heartbeat_url = https://signage.example/hb
log_level = warning
timezone = Asia/Shanghai
location = 22.5431, 113.9298
)");
  CHECK(r.problems.empty());
  const Config& c = r.config;
  CHECK(c.playlist == "https://signage.example/lobby.json#frag");
  CHECK(c.state_dir == "/srv/paizi/state");
  CHECK(c.cache_dir == "/srv/paizi/cache");
  CHECK(c.display_driver == "kmsdrm");
  CHECK(c.rotation == 90);
  CHECK(c.public_key == "/etc/paizi/signing.pub");
  CHECK(c.token == "/run/credentials/paizi.service/token");
  CHECK(c.heartbeat_url == "https://signage.example/hb");
  CHECK(c.log_level == Level::warning);
  CHECK(c.timezone == "Asia/Shanghai");
  const auto bad = parse_config("timezone = Asia/Beijing\n");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].message.find("Asia/Beijing") != std::string::npos);
  CHECK(c.location == "22.5431, 113.9298");
  const auto far = parse_config("location = 113.9298,22.5431\n");  // swapped: latitude beyond 90
  REQUIRE(far.problems.size() == 1);
  CHECK(far.problems[0].message == "location must be \"lat,lon\" in degrees, e.g. 22.5431,113.9298");
  CHECK(far.config.location.empty());
}

TEST_CASE("config file: bad lines are reported with line numbers and skipped", "[config]") {
  const auto r =
      parse_config("rotation = 45\nnonsense\ncolour = red\n= x\nlog_level = loud\ncache_dir = /c\r\n");
  REQUIRE(r.problems.size() == 5);
  CHECK(r.problems[0].line == 1);
  CHECK(r.problems[1].line == 2);
  CHECK(r.problems[2].message.find("colour") != std::string::npos);
  CHECK(r.problems[3].line == 4);
  CHECK(r.problems[4].line == 5);
  CHECK(r.config.rotation == 0);
  CHECK(r.config.log_level == Level::info);
  CHECK(r.config.cache_dir == "/c");  // CRLF tolerated, good lines still apply
}

TEST_CASE("config file: an empty value resets to the default", "[config]") {
  Config base;
  base.state_dir = "/elsewhere";
  const auto r = parse_config("state_dir =\n", base);
  CHECK(r.problems.empty());
  CHECK(r.config.state_dir == Config{}.state_dir);
}

TEST_CASE("flags override the file", "[config]") {
  auto r = parse_config("rotation = 90\ncache_dir = /file\nlog_level = err\n");
  Args a({"--rotate", "180", "--cache-dir=/flag", "--log-level", "debug", "--token", "/t", "playlist.json"});
  paizi::app::apply_flags(a, r.config);
  CHECK(r.config.rotation == 180);
  CHECK(r.config.cache_dir == "/flag");
  CHECK(r.config.log_level == Level::debug);
  CHECK(r.config.token == "/t");
  CHECK(a.positionals() == std::vector<std::string>{"playlist.json"});

  Args bad({"--driver", "vga"});
  CHECK_THROWS_AS(paizi::app::apply_flags(bad, r.config), paizi::app::UsageError);
}

TEST_CASE("config: the pin and transport rules are booleans, off by default, flags override", "[config]") {
  CHECK_FALSE(Config{}.allow_unpinned_assets);
  CHECK_FALSE(Config{}.require_https);
  auto r = parse_config("allow_unpinned_assets = true\nrequire_https = yes\n");
  CHECK(r.problems.empty());
  CHECK(r.config.allow_unpinned_assets);
  CHECK(r.config.require_https);
  Args a({"--allow-unpinned-assets", "false"});
  paizi::app::apply_flags(a, r.config);
  CHECK_FALSE(r.config.allow_unpinned_assets);
  CHECK(r.config.require_https);
  const auto bad = parse_config("require_https = maybe\n");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].message.find("true or false") != std::string::npos);
}

TEST_CASE("load_config: a missing file matters only when asked for", "[config]") {
  CHECK(paizi::app::load_config("/nonexistent/paizi.conf", false).problems.empty());
  CHECK(paizi::app::load_config("/nonexistent/paizi.conf", true).problems.size() == 1);
}

TEST_CASE("the shipped example config parses cleanly", "[config]") {
  const auto r = paizi::app::load_config(std::string(PAIZI_TEST_DATA) + "/../systemd/paizi.conf", true);
  for (const auto& p : r.problems) UNSCOPED_INFO(p.line << ": " << p.message);
  CHECK(r.problems.empty());
}
