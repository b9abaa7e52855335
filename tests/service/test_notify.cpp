// platform::Notifier against a socket the test owns (no systemd needed).
#include <chrono>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "notify_socket.h"
#include "platform/notify.h"

using namespace std::chrono_literals;
using paizi::platform::Notifier;

namespace {

// Sets environment variables for one scope, restoring the old values.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("Notifier without NOTIFY_SOCKET is a silent no-op", "[notify]") {
  unsetenv("NOTIFY_SOCKET");
  Notifier n = Notifier::from_environment();
  CHECK_FALSE(n.enabled());
  CHECK(n.error().empty());
  CHECK(n.ready());
  CHECK(n.watchdog());
}

TEST_CASE("Notifier sends to a socket path and to the abstract namespace", "[notify]") {
  for (bool abstract : {false, true}) {
    paizi::test::NotifySocket sock(abstract);
    REQUIRE(sock.ok());
    ScopedEnv env("NOTIFY_SOCKET", sock.address());
    Notifier n = Notifier::from_environment();
    REQUIRE(n.enabled());
    CHECK(n.ready());
    CHECK(sock.receive(1s) == "READY=1");
    CHECK(n.status("slide a\nb"));
    CHECK(sock.receive(1s) == "STATUS=slide a b");
    CHECK(n.reloading());
    const auto r = sock.receive(1s);
    REQUIRE(r);
    CHECK(r->rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
  }
}

TEST_CASE("Notifier rejects a relative NOTIFY_SOCKET", "[notify]") {
  ScopedEnv env("NOTIFY_SOCKET", "relative/path");
  Notifier n = Notifier::from_environment();
  CHECK_FALSE(n.enabled());
  CHECK_FALSE(n.error().empty());
}

TEST_CASE("Watchdog pings follow WATCHDOG_USEC/WATCHDOG_PID and are throttled", "[notify]") {
  paizi::test::NotifySocket sock;
  REQUIRE(sock.ok());
  ScopedEnv env("NOTIFY_SOCKET", sock.address());
  ScopedEnv usec("WATCHDOG_USEC", "400000");

  SECTION("another process's watchdog is not ours") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid() + 1));
    CHECK(Notifier::from_environment().watchdog_interval().count() == 0);
  }
  SECTION("our own: one ping per quarter interval") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid()));
    Notifier n = Notifier::from_environment();
    CHECK(n.watchdog_interval() == 400ms);
    CHECK(n.ping_period() == 100ms);
    const auto t0 = Notifier::Clock::now();
    CHECK(n.watchdog(t0));
    CHECK(n.watchdog(t0 + 50ms));   // throttled: not sent
    CHECK(n.watchdog(t0 + 100ms));  // due again
    CHECK(sock.receive(1s) == "WATCHDOG=1");
    CHECK(sock.receive(1s) == "WATCHDOG=1");
    CHECK_FALSE(sock.receive(50ms));
  }
}
