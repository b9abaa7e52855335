#include "platform/signals.h"

#include <atomic>
#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "platform/contract.h"

namespace paizi::platform {
namespace {

// Handler state (see the header's contract). sig_atomic_t-sized lock-free
// atomics are safe to touch from a signal handler.
std::atomic<int> g_reload{0};
std::atomic<int> g_stop{0};
std::atomic<int> g_pipe_write{-1};
int g_pipe_read = -1;
bool g_installed = false;
struct sigaction g_old_hup, g_old_term, g_old_int;

void on_signal(int sig) {
  const int saved = errno;
  if (sig == SIGHUP)
    g_reload.store(1);
  else
    g_stop.store(sig);
  const int fd = g_pipe_write.load();
  if (fd >= 0) {
    const char b = 1;
    [[maybe_unused]] ssize_t n = ::write(fd, &b, 1);  // full pipe: a wake-up is pending anyway
  }
  errno = saved;
}

void drain_pipe() {
  char buf[64];
  while (::read(g_pipe_read, buf, sizeof buf) > 0) {
  }
}

}  // namespace

SignalWatcher::SignalWatcher() {
  PAIZI_ASSERT(!g_installed, "one SignalWatcher at a time");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    pipe_read_.reset(fds[0]);
    pipe_write_.reset(fds[1]);
    g_pipe_read = fds[0];
    g_pipe_write.store(fds[1]);
  }
  g_reload.store(0);
  g_stop.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, &g_old_hup);
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGINT, &sa, &g_old_int);
  g_installed = true;
}

SignalWatcher::~SignalWatcher() {
  sigaction(SIGHUP, &g_old_hup, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGINT, &g_old_int, nullptr);
  // The handlers are gone and no longer see the pipe; the members close it.
  g_pipe_write.store(-1);
  g_pipe_read = -1;
  g_installed = false;
}

SignalRequests SignalWatcher::take() {
  if (g_pipe_read >= 0) drain_pipe();
  SignalRequests r;
  r.reload = g_reload.exchange(0) != 0;
  r.stop_signal = g_stop.exchange(0);
  r.stop = r.stop_signal != 0;
  return r;
}

bool SignalWatcher::wait_for(std::chrono::milliseconds timeout) {
  if (g_reload.load() || g_stop.load()) return true;
  if (g_pipe_read < 0) {  // no pipe (fd exhaustion): plain sleep
    ::usleep(static_cast<useconds_t>(timeout.count()) * 1000);
    return g_reload.load() || g_stop.load();
  }
  pollfd p{g_pipe_read, POLLIN, 0};
  const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  return n > 0 || g_reload.load() || g_stop.load();
}

}  // namespace paizi::platform
