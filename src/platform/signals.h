// Process signals the player reacts to, turned into polled requests.
//
//   SIGHUP          -> reload (re-read configuration and playlist)
//   SIGTERM, SIGINT -> stop (finish the frame, exit 0)
//
// Contract:
//  - At most one SignalWatcher exists at a time (asserted); it installs its
//    handlers in the constructor and restores the previous ones in the
//    destructor. The handlers only store a flag and write one byte to a
//    non-blocking self-pipe: async-signal-safe, and correct whichever thread
//    the kernel picks to run them.
//  - take() and wait_for() are called from the main thread only.
//  - The handler state is the one process-wide mutable object in paizi; it is
//    unavoidable for signal handlers and private to signals.cpp.
#pragma once

#include <chrono>

#include "platform/handle.h"

namespace paizi::platform {

struct SignalRequests {
  bool reload = false;  // SIGHUP arrived
  bool stop = false;    // SIGTERM or SIGINT arrived
  int stop_signal = 0;  // which one, for the log
  bool any() const { return reload || stop; }
};

class SignalWatcher {
 public:
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Requests that arrived since the last call, and clears them.
  SignalRequests take();
  // Sleeps until a signal arrives or `timeout` passes; true if one arrived
  // (it stays pending until take()). Returns at once if one is pending.
  bool wait_for(std::chrono::milliseconds timeout);

 private:
  // The self-pipe; the handler state in signals.cpp holds their numbers.
  UniqueFd pipe_read_, pipe_write_;
};

}  // namespace paizi::platform
