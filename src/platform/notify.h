// Service-manager notifications: the sd_notify(3) protocol, spoken directly
// over the NOTIFY_SOCKET datagram socket (no libsystemd).
//
// Contract:
//  - from_environment() reads NOTIFY_SOCKET ("/path" or "@abstract"),
//    WATCHDOG_USEC and WATCHDOG_PID once; the variables are left in place.
//    Without NOTIFY_SOCKET every call is a no-op that succeeds, so the player
//    behaves the same under systemd, in a terminal and in tests.
//  - Every method is called from the main (render) thread only; none blocks
//    (datagrams are sent with MSG_DONTWAIT; a full socket drops the message).
//  - watchdog() is meant to be called on every loop iteration: it sends
//    WATCHDOG=1 at most once per ping_period(), so callers need no timer.
//    The loop must wake at least once per ping_period() for the pings to be
//    regular; a loop that stops calling it gets restarted by systemd after
//    WatchdogSec.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "platform/handle.h"

namespace paizi::platform {

class Notifier {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads the environment (see above). Never fails: a malformed
  // NOTIFY_SOCKET leaves the notifier disabled and error() says why.
  static Notifier from_environment();
  Notifier() = default;
  Notifier(Notifier&& o) noexcept = default;
  Notifier& operator=(Notifier&& o) noexcept = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  ~Notifier() = default;

  bool enabled() const { return fd_.valid(); }
  // Why the notifier is disabled despite NOTIFY_SOCKET being set ("" if not).
  const std::string& error() const { return error_; }

  // Sends one datagram of newline-separated KEY=VALUE assignments. Returns
  // false if the send failed (the caller logs; nothing is retried).
  bool send(std::string_view state);

  bool ready() { return send("READY=1"); }
  // RELOADING=1 plus MONOTONIC_USEC, as systemd >= 253 expects for
  // Type=notify-reload; older managers ignore the extra field.
  bool reloading();
  bool stopping() { return send("STOPPING=1"); }
  // STATUS=TEXT; newlines in text are replaced by spaces.
  bool status(std::string_view text);
  // WATCHDOG=1, throttled to one per ping_period() (see contract).
  bool watchdog(Clock::time_point now = Clock::now());

  // WATCHDOG_USEC when it applies to this process (WATCHDOG_PID unset or
  // equal to getpid()), else zero: no watchdog requested.
  std::chrono::microseconds watchdog_interval() const { return interval_; }
  // A quarter of the watchdog interval (zero without a watchdog): pings are
  // at most this far apart plus one loop iteration, well inside the
  // interval/2 that sd_watchdog_enabled(3) recommends.
  std::chrono::microseconds ping_period() const { return interval_ / 4; }

 private:
  UniqueFd fd_;          // the datagram socket to NOTIFY_SOCKET
  std::string address_;  // sockaddr_un sun_path bytes (leading NUL if abstract)
  std::string error_;
  std::chrono::microseconds interval_{0};
  Clock::time_point last_ping_{};
  bool pinged_ = false;
};

}  // namespace paizi::platform
