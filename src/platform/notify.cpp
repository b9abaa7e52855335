#include "platform/notify.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

namespace paizi::platform {
namespace {

// Parses a decimal unsigned integer that fills the whole string.
bool parse_u64(const char* s, unsigned long long& out) {
  if (!s || !*s) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(s, &end, 10);
  return errno == 0 && *end == '\0' && s[0] != '-';
}

std::chrono::microseconds watchdog_from_env() {
  unsigned long long usec = 0;
  if (!parse_u64(std::getenv("WATCHDOG_USEC"), usec) || usec == 0) return {};
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid) {
    unsigned long long p = 0;
    if (!parse_u64(pid, p) || p != static_cast<unsigned long long>(getpid())) return {};
  }
  return std::chrono::microseconds(usec);
}

}  // namespace

Notifier Notifier::from_environment() {
  Notifier n;
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path) return n;
  const size_t len = std::strlen(path);
  sockaddr_un sa{};
  if ((path[0] != '/' && path[0] != '@') || len >= sizeof sa.sun_path) {
    n.error_ = std::string("unusable NOTIFY_SOCKET \"") + path + "\"";
    return n;
  }
  n.address_.assign(path, len);
  if (path[0] == '@') n.address_[0] = '\0';  // abstract namespace
  n.fd_.reset(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!n.fd_.valid()) {
    n.error_ = std::string("NOTIFY_SOCKET: socket: ") + std::strerror(errno);
    return n;
  }
  n.interval_ = watchdog_from_env();
  return n;
}

bool Notifier::send(std::string_view state) {
  if (!fd_.valid()) return true;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, address_.data(), address_.size());
  const auto salen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size() +
                                            (address_[0] == '\0' ? 0 : 1));
  const ssize_t n = ::sendto(fd_.get(), state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                             reinterpret_cast<const sockaddr*>(&sa), salen);
  return n == static_cast<ssize_t>(state.size());
}

bool Notifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool Notifier::status(std::string_view text) {
  std::string msg = "STATUS=";
  for (char c : text) msg += (c == '\n') ? ' ' : c;
  return send(msg);
}

bool Notifier::watchdog(Clock::time_point now) {
  if (!fd_.valid() || interval_.count() == 0) return true;
  if (pinged_ && now - last_ping_ < ping_period()) return true;
  pinged_ = true;
  last_ping_ = now;
  return send("WATCHDOG=1");
}

}  // namespace paizi::platform
