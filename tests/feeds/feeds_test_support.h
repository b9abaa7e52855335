// Test support for the feeds tests: fixtures, temporary directories, the
// fault server on 127.0.0.1 and running the paizi binary.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace feeds_test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string fixture_path(const std::string& name) {
  return std::string(PAIZI_TEST_DATA) + "/feeds/fixtures/" + name;
}
inline std::string fixture(const std::string& name) { return read_file(fixture_path(name)); }

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "paizi-feeds-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `argv` and waits; returns the exit status (-1 on a signal).
inline int spawn_wait(const std::vector<std::string>& argv, const std::string& out_file,
                      const std::string& err_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -2;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct RunResult {
  int status = 0;
  std::string out, err;
};

// Runs the paizi binary with `args`.
inline RunResult run_paizi(const std::vector<std::string>& args) {
  TempDir tmp;
  std::vector<std::string> argv{PAIZI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r;
  r.status = spawn_wait(argv, tmp.path() + "/out", tmp.path() + "/err");
  r.out = read_file(tmp.path() + "/out");
  r.err = read_file(tmp.path() + "/err");
  return r;
}

// tests/feeds/fault_server.py on a free port of 127.0.0.1; killed on destruction.
class FaultServer {
 public:
  FaultServer() {
    const std::string port_file = dir_.path() + "/port";
    const std::string script = std::string(PAIZI_TEST_DATA) + "/feeds/fault_server.py";
    std::vector<std::string> argv{"python3", script, port_file};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", nullptr, nullptr, args.data(), environ) != 0)
      throw std::runtime_error("cannot start python3");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("fault server did not start");
  }
  ~FaultServer() { stop(); }
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
    }
  }
  TempDir dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace feeds_test
