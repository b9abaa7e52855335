// The player's side of running as a systemd service: readiness, status,
// watchdog and signals, behind four calls the render loop makes.
//
//   frame_presented(...)  after every present(): READY=1 after the first one
//                         (and after a reload), STATUS= when the slide changes,
//                         a watchdog ping
//   sleep(d) / tick()     waiting between frames: sleeps in slices of at most
//                         max_slice() and pings the watchdog after each, so a
//                         loop that waits keeps the watchdog fed and a loop
//                         that hangs stops feeding it
//   take_requests()       SIGHUP -> reload, SIGTERM/SIGINT -> stop
//   reloading()/stopping() RELOADING=1 / STOPPING=1 around those
//
// Test-only fault: PAIZI_TEST_STALL_AFTER_MS=N makes tick() hang forever
// (ignoring signals, like a wedged loop) once N ms have passed since the first
// READY=1. The watchdog test uses it to see the pings stop.
//
// Contract: created and used on the render (main) thread only; one at a time
// (it owns the process's SignalWatcher). Without NOTIFY_SOCKET the
// notifications are no-ops; the signal handling still applies.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "platform/log.h"
#include "platform/notify.h"
#include "platform/signals.h"

namespace paizi::app {

class ServiceLink {
 public:
  using Clock = std::chrono::steady_clock;
  // Longest sleep between watchdog checks without a watchdog, and the most a
  // SIGTERM waits for an SDL event wait to end in window mode.
  static constexpr std::chrono::milliseconds kMaxSlice{100};

  explicit ServiceLink(platform::Logger& log);

  // Call after each present(). `playlist` names the show, `slide` the slide
  // on screen, `index`/`count` its place in the playlist (0-based index).
  void frame_presented(std::string_view playlist, std::string_view slide, size_t index, size_t count);
  // Pings the watchdog if due; see the stall fault above.
  void tick();
  // Sleeps up to `d`, in slices of max_slice(), ticking after each; returns
  // early when a signal arrived.
  void sleep(std::chrono::milliseconds d);
  // Longest single wait the loop may do: min(kMaxSlice, watchdog ping period).
  std::chrono::milliseconds max_slice() const;

  platform::SignalRequests take_requests() { return signals_.take(); }
  // A signal is waiting for take_requests().
  bool interrupted() { return signals_.wait_for(std::chrono::milliseconds(0)); }

  // RELOADING=1; the next frame_presented() sends READY=1 again.
  void reloading();
  void stopping();

 private:
  void check_stall();

  platform::Logger& log_;
  platform::Notifier notifier_;
  platform::SignalWatcher signals_;
  Clock::time_point ready_at_{};   // first READY=1; zero before
  long long stall_after_ms_ = -1;  // test fault; -1 = off
  bool ready_sent_ = false;
  std::string last_status_;
};

}  // namespace paizi::app
