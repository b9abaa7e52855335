// The play command's configuration: one table of keys, flags and synonyms;
// defaults < config file < flags, whatever the order of the flags.
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/config.h"
#include "app/play_updates.h"
#include "platform/contract.h"

using namespace paizi;
using namespace paizi::app;

namespace {

Config from_flags(std::vector<std::string> argv, Config base = {}) {
  Args args(std::move(argv));
  apply_flags(args, base);
  return base;
}

std::string usage_error(std::vector<std::string> argv) {
  try {
    from_flags(std::move(argv));
  } catch (const UsageError& e) {
    return e.message;
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("config flags: the same flags in two orders give the same configuration") {
  const std::vector<std::string> a = {"--state-dir", "/s",      "--driver=x11", "--rotate", "90",
                                      "--pubkey",    "/k",      "--cache-mib",  "64",       "--require-https",
                                      "true",        "PLAYLIST"};
  const std::vector<std::string> b = {
      "PLAYLIST", "--require-https=true", "--cache-mib", "64", "--pubkey", "/k", "--rotate", "90", "--driver",
      "x11",      "--state-dir",          "/s"};
  const Config ca = from_flags(a), cb = from_flags(b);
  CHECK(ca.state_dir == "/s");
  CHECK(ca.display_driver == "x11");
  CHECK(ca.rotation == 90);
  CHECK(ca.public_key == "/k");
  CHECK(ca.cache_mib == 64);
  CHECK(ca.require_https);
  CHECK(ca.state_dir == cb.state_dir);
  CHECK(ca.display_driver == cb.display_driver);
  CHECK(ca.rotation == cb.rotation);
  CHECK(ca.public_key == cb.public_key);
  CHECK(ca.cache_mib == cb.cache_mib);
  CHECK(ca.require_https == cb.require_https);
  // The flags are taken, the positional stays.
  Args args(a);
  Config c;
  const auto given = apply_flags(args, c);
  CHECK(args.positionals() == std::vector<std::string>{"PLAYLIST"});
  CHECK(given == std::set<std::string>{"state_dir", "display_driver", "rotation", "public_key", "cache_mib",
                                       "require_https"});
}

TEST_CASE("config flags: synonyms set the same key; the last one given counts") {
  CHECK(from_flags({"--pubkey", "/a"}).public_key == "/a");
  CHECK(from_flags({"--token-file", "/t"}).token == "/t");
  CHECK(from_flags({"--heartbeat", "http://h/"}).heartbeat_url == "http://h/");
  CHECK(from_flags({"--public-key", "/a", "--pubkey", "/b"}).public_key == "/b");
  CHECK(from_flags({"--pubkey", "/b", "--public-key", "/a"}).public_key == "/a");
  CHECK(from_flags({"--token", "/1", "--token-file=/2"}).token == "/2");
  CHECK(from_flags({"--token-file=/2", "--token", "/1"}).token == "/1");
}

TEST_CASE(
    "play's other flags: one pass, any order; repeated --asset-root collects; bad values name the flag") {
  const std::vector<std::string> a = {"--poll",
                                      "5s",
                                      "--asset-root",
                                      "/r1",
                                      "PLAYLIST",
                                      "--status-every",
                                      "2s",
                                      "--asset-root=/r2",
                                      "--fetch-timeout",
                                      "3s",
                                      "--runtime-dir",
                                      "/run/x"};
  const std::vector<std::string> b = {"--runtime-dir=/run/x",
                                      "--fetch-timeout",
                                      "3s",
                                      "--asset-root",
                                      "/r2",
                                      "--status-every",
                                      "2s",
                                      "PLAYLIST",
                                      "--asset-root=/r1",
                                      "--poll",
                                      "5s"};
  for (const auto& argv : {a, b}) {
    Args args(argv);
    const PlayUpdateOptions o = read_play_update_options(args);
    CHECK(o.updater.poll == std::chrono::seconds(5));
    CHECK(o.status_every == std::chrono::seconds(2));
    CHECK(o.updater.limits.total_timeout_ms == 3000);
    CHECK(o.updater.limits.connect_timeout_ms <= 3000);
    CHECK(o.runtime_dir == std::optional<std::string>("/run/x"));
    CHECK(o.updater.asset_roots.size() == 2);
    CHECK(args.positionals() == std::vector<std::string>{"PLAYLIST"});
  }
  Args defaults(std::vector<std::string>{});
  const PlayUpdateOptions d = read_play_update_options(defaults);
  CHECK(d.updater.poll == std::chrono::seconds(60));
  CHECK(d.updater.limits.total_timeout_ms == 30000);
  Args bad(std::vector<std::string>{"--poll", "soon"});
  try {
    read_play_update_options(bad);
    FAIL("no error for --poll soon");
  } catch (const UsageError& e) {
    CHECK(e.message.find("--poll") != std::string::npos);
  }
}

TEST_CASE("config: defaults < file < flags") {
  const Config defaults;
  ConfigResult file = parse_config("state_dir = /from-file\nrotation = 180\ncache_mib = 8\n");
  REQUIRE(file.problems.empty());
  CHECK(file.config.log_level == defaults.log_level);  // not in the file: the default
  CHECK(file.config.rotation == 180);
  const Config c = from_flags({"--rotate", "270"}, file.config);
  CHECK(c.rotation == 270);            // the flag over the file
  CHECK(c.state_dir == "/from-file");  // the file over the default
  CHECK(c.cache_mib == 8);
  CHECK(c.display_driver == defaults.display_driver);
  // An empty value resets the key to its default, in the file and as a flag.
  CHECK(parse_config("rotation =\n", file.config).config.rotation == defaults.rotation);
  CHECK(from_flags({"--state-dir="}, file.config).state_dir == defaults.state_dir);
}

TEST_CASE("config: every key of the table is read from the file and its flag") {
  for (const ConfigOption& o : config_options()) {
    INFO(o.key);
    CHECK(o.help[0] != '\0');
    // An unknown value is refused or kept; either way the key is known.
    const ConfigResult r = parse_config(std::string(o.key) + " =\n");
    CHECK(r.problems.empty());
    if (*o.flag) {
      Args args({std::string(o.flag) + "="});
      Config c;
      CHECK(apply_flags(args, c) == std::set<std::string>{o.key});
    }
  }
}

TEST_CASE("config: bad values and unknown keys give one error naming the flag or key") {
  CHECK(usage_error({"--rotate", "45"}) == "--rotate must be 0, 90, 180 or 270");
  CHECK(usage_error({"--pubkey"}) == "--pubkey needs a value");
  CHECK(usage_error({"--cache-mib", "0"}).rfind("--cache-mib must be", 0) == 0);
  CHECK(usage_error({"--require-https", "maybe"}) == "--require-https must be true or false");
  CHECK(usage_error({"--log-level=loud"}).rfind("--log-level must be", 0) == 0);
  CHECK(usage_error({"--driver", "vga"}).rfind("--driver must be", 0) == 0);
  const ConfigResult r = parse_config("rotation = 45\ncolour = red\nstate_dir = /ok\n");
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].line == 1);
  CHECK(r.problems[0].message == "rotation must be 0, 90, 180 or 270");
  CHECK(r.problems[1].line == 2);
  CHECK(r.problems[1].message == "unknown key \"colour\"");
  CHECK(r.config.state_dir == "/ok");  // the rest still applies
  // An unknown flag is left for positionals(), which names it.
  Args args({"--rotate", "90", "--colour", "red"});
  Config c;
  apply_flags(args, c);
  try {
    args.positionals();
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(e.message == "unknown option --colour");
  }
}

TEST_CASE("PAIZI_ASSERT: aborts with file:line in tests, logs once and counts when told to continue") {
  REQUIRE(platform::contract_mode() == platform::ContractMode::Abort);  // set by tests/test_main.cpp
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], 2);
    std::signal(SIGABRT, SIG_DFL);  // not Catch's handler: the parent sees the abort
    const int one = 1;
    PAIZI_ASSERT(one == 2, "one is two");
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string err;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) err.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT));
  CHECK(err.find("test_config.cpp:") != std::string::npos);
  CHECK(err.find("one is two (one == 2)") != std::string::npos);

  platform::set_contract_mode(platform::ContractMode::Log);
  const uint64_t before = platform::contract_violations();
  int after = 0;
  for (int i = 0; i < 3; ++i) {
    PAIZI_ASSERT(i < 0, "counted, not fatal");
    ++after;
  }
  PAIZI_ASSERT(true, "never");
  platform::set_contract_mode(platform::ContractMode::Abort);
  CHECK(after == 3);
  CHECK(platform::contract_violations() - before == 3);
}
