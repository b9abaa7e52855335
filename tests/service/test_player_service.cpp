// `paizi play --headless --realtime` under a fake service manager: the test
// owns NOTIFY_SOCKET and checks readiness, status, watchdog, reload and stop.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "notify_socket.h"

using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// Generous: under qemu-user the first frame (fontconfig, ICU, shaping) takes
// seconds; natively it is ~0.2 s. Only failures wait this long.
constexpr auto kStartup = 60s;
constexpr auto kWatchdogUsec = 400000;  // ping period 100 ms

struct Player {
  paizi::test::NotifySocket sock;
  paizi::test::Child child;
  explicit Player(std::vector<std::string> extra_env = {},
                  std::string playlist = std::string(PAIZI_TEST_DATA) + "/service/data/one-slide.json")
      : child({PAIZI_BINARY, "play", "--headless", "--realtime", "--config",
               std::string(PAIZI_TEST_DATA) + "/service/data/test.conf", playlist},
              env(sock, std::move(extra_env))) {}
  static std::vector<std::string> env(const paizi::test::NotifySocket& s, std::vector<std::string> extra) {
    extra.push_back("NOTIFY_SOCKET=" + s.address());
    extra.push_back("WATCHDOG_USEC=" + std::to_string(kWatchdogUsec));
    return extra;
  }
  // Reads messages until one equals (or starts with) `want`; collects all.
  bool wait_for(const std::string& want, steady_clock::duration timeout,
                std::vector<std::string>* seen = nullptr) {
    const auto until = steady_clock::now() + timeout;
    while (steady_clock::now() < until) {
      auto m = sock.receive(duration_cast<milliseconds>(until - steady_clock::now()) + 1ms);
      if (!m) continue;
      if (seen) seen->push_back(*m);
      if (m->rfind(want, 0) == 0) return true;
    }
    return false;
  }
  // Counts WATCHDOG=1 messages received during `d`.
  int count_pings(steady_clock::duration d) {
    int n = 0;
    const auto until = steady_clock::now() + d;
    while (steady_clock::now() < until) {
      auto m = sock.receive(duration_cast<milliseconds>(until - steady_clock::now()) + 1ms);
      if (m && *m == "WATCHDOG=1") ++n;
    }
    return n;
  }
};

}  // namespace

TEST_CASE("play under a service manager: READY, STATUS, WATCHDOG, reload, stop", "[service]") {
  Player p;
  REQUIRE(p.sock.ok());
  std::vector<std::string> seen;
  REQUIRE(p.wait_for("READY=1", kStartup, &seen));
  bool status = false;
  for (const auto& m : seen)
    if (m.rfind("STATUS=", 0) == 0 && m.find("service-test") != std::string::npos &&
        m.find("hold-still") != std::string::npos)
      status = true;
  CHECK(status);

  // Pings every ~100 ms while the slide is held: at least 5 in 1.2 s.
  CHECK(p.count_pings(1200ms) >= 5);

  REQUIRE(p.child.signal(SIGHUP));
  std::vector<std::string> after_hup;
  REQUIRE(p.wait_for("RELOADING=1", 10s, &after_hup));
  CHECK(p.wait_for("READY=1", kStartup));
  CHECK(p.count_pings(600ms) >= 2);

  REQUIRE(p.child.signal(SIGTERM));
  CHECK(p.wait_for("STOPPING=1", 10s));
  const auto st = p.child.wait(30s);
  REQUIRE(st);
  CHECK(WIFEXITED(*st));
  CHECK(WEXITSTATUS(*st) == 0);
}

TEST_CASE("a stalled render loop stops the watchdog pings", "[service]") {
  Player p({"PAIZI_TEST_STALL_AFTER_MS=300"});
  REQUIRE(p.sock.ok());
  REQUIRE(p.wait_for("READY=1", kStartup));
  // Feeding before the stall, then silence: nothing in 1.5 s (15 ping
  // periods, ~4 watchdog intervals) while the process is still alive.
  CHECK(p.wait_for("WATCHDOG=1", 2s));
  std::this_thread::sleep_for(700ms);  // well past the stall point, even on a loaded machine
  while (p.sock.receive(0ms)) {
  }
  CHECK(p.count_pings(1500ms) == 0);
  CHECK(p.child.running());
}

TEST_CASE("STATUS names the playlist on screen after an update, not the first one", "[service]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("paizi-status-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "lobby.json").string();
  const auto write = [&](const std::string& name, const std::string& slide) {
    std::ofstream(file + ".tmp") << R"({"version": 1, "name": ")" << name << R"(", "slides": [{"id": ")"
                                 << slide << R"(", "type": "slogan", "duration": "1s", "lines": ["牌子"]}]})";
    std::filesystem::rename(file + ".tmp", file);
  };
  write("old-name", "first");
  Player p({}, file);
  REQUIRE(p.sock.ok());
  std::vector<std::string> seen;
  REQUIRE(p.wait_for("READY=1", kStartup, &seen));
  write("new-name", "second");
  REQUIRE(p.child.signal(SIGHUP));
  // Adopted at the next slide boundary (1 s); STATUS then names it.
  std::vector<std::string> later;
  const bool named = p.wait_for(R"(STATUS=playing "new-name": slide second)", 20s, &later);
  INFO([&] {
    std::string all;
    for (const auto& m : later)
      if (m.rfind("STATUS=", 0) == 0) all += m + "\n";
    return all;
  }());
  CHECK(named);
  REQUIRE(p.child.signal(SIGTERM));
  CHECK(p.child.wait(30s));
  std::filesystem::remove_all(dir);
}
