#include "app/service_link.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace paizi::app {

using namespace std::chrono;

ServiceLink::ServiceLink(platform::Logger& log)
    : log_(log), notifier_(platform::Notifier::from_environment()) {
  if (!notifier_.error().empty()) log_.warning(notifier_.error());
  if (notifier_.watchdog_interval().count())
    log_.debug("watchdog every " +
               std::to_string(duration_cast<milliseconds>(notifier_.watchdog_interval()).count()) + " ms");
  if (const char* s = std::getenv("PAIZI_TEST_STALL_AFTER_MS"); s && *s) {
    char* end = nullptr;
    const long long v = std::strtoll(s, &end, 10);
    if (*end == '\0' && v >= 0) stall_after_ms_ = v;
  }
}

milliseconds ServiceLink::max_slice() const {
  const auto ping = duration_cast<milliseconds>(notifier_.ping_period());
  return ping.count() > 0 ? std::clamp(ping, milliseconds(1), kMaxSlice) : kMaxSlice;
}

void ServiceLink::check_stall() {
  if (stall_after_ms_ < 0 || !ready_sent_ || Clock::now() - ready_at_ < milliseconds(stall_after_ms_)) return;
  log_.warning("PAIZI_TEST_STALL_AFTER_MS: stalling the render loop (test fault)");
  for (;;) ::pause();  // wedged: signals run their handler, nothing else happens
}

void ServiceLink::tick() {
  check_stall();
  if (!notifier_.watchdog()) log_.warning("sd_notify: WATCHDOG=1 not delivered");
}

void ServiceLink::sleep(milliseconds d) {
  const auto until = Clock::now() + d;
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    const auto left = duration_cast<milliseconds>(until - now) + milliseconds(1);
    if (signals_.wait_for(std::min(left, max_slice()))) break;
    tick();
  }
  tick();
}

void ServiceLink::frame_presented(std::string_view playlist, std::string_view slide, size_t index,
                                  size_t count) {
  std::string status = "playing \"" + std::string(playlist) + "\": slide " + std::string(slide) + " (" +
                       std::to_string(index + 1) + "/" + std::to_string(count) + ")";
  if (status != last_status_) {
    if (!notifier_.status(status)) log_.warning("sd_notify: STATUS not delivered");
    log_.debug(status);
    last_status_ = std::move(status);
  }
  if (!ready_sent_) {
    if (notifier_.ready())
      log_.info("ready: first frame on screen");
    else
      log_.warning("sd_notify: READY=1 not delivered");
    if (ready_at_ == Clock::time_point{}) ready_at_ = Clock::now();
    ready_sent_ = true;
  }
  tick();
}

void ServiceLink::reloading() {
  if (!notifier_.reloading()) log_.warning("sd_notify: RELOADING=1 not delivered");
  ready_sent_ = false;
  last_status_.clear();
}

void ServiceLink::stopping() { notifier_.stopping(); }

}  // namespace paizi::app
