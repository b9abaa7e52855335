// Test helpers: a NOTIFY_SOCKET the test owns, and a child process started
// with extra environment variables (through the cross emulator if any).
#pragma once

#include <chrono>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace paizi::test {

// A bound AF_UNIX datagram socket; receive() returns one message or nullopt
// after the timeout. An empty name binds in the abstract namespace.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract = false) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    const std::string tag = "paizi-notify-" + std::to_string(getpid()) + "-" + std::to_string(counter()++);
    socklen_t len = 0;
    if (abstract) {
      address_ = "@" + tag;
      std::memcpy(sa.sun_path + 1, tag.data(), tag.size());
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + tag.size());
    } else {
      const char* tmp = std::getenv("TMPDIR");
      address_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + tag + ".sock";
      unlink(address_.c_str());
      std::memcpy(sa.sun_path, address_.c_str(), address_.size() + 1);
      len = sizeof sa;
    }
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    if (address_[0] == '/') unlink(address_.c_str());
  }
  bool ok() const { return ok_; }
  const std::string& address() const { return address_; }
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  int fd_ = -1;
  bool ok_ = false;
  std::string address_;
};

// A child process; killed with SIGKILL if still running at destruction.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::vector<std::string>& extra_env) {
    std::vector<std::string> full;
    std::istringstream emu(PAIZI_EMULATOR);
    for (std::string w; emu >> w;) full.push_back(w);
    full.insert(full.end(), argv.begin(), argv.end());
    std::vector<std::string> env(extra_env);
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<char*> av, ev;
    for (auto& s : full) av.push_back(s.data());
    av.push_back(nullptr);
    for (auto& s : env) ev.push_back(s.data());
    ev.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      execve(av[0], av.data(), ev.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  bool signal(int sig) { return kill(pid_, sig) == 0; }
  bool running() {
    if (exited_) return false;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      exited_ = true;
      status_ = st;
    }
    return !exited_;
  }
  // Waits for the exit; returns the wait status or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > until) return std::nullopt;
      usleep(10000);
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace paizi::test
