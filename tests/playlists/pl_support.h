// Test support for the playlist tests: the fault server (tests/feeds), the
// paizi binary in the background, status.json and playlists by version.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../feeds/feeds_test_support.h"
#include "net/http_client.h"
#include "platform/atomic_file.h"
#include "sources/playlist_updater.h"

namespace pl_test {

using feeds_test::TempDir;
using nlohmann::json;
using namespace std::chrono;

// The paizi binary running in the background; SIGKILLed on destruction.
class Proc {
 public:
  explicit Proc(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> argv{PAIZI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (log + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (log + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    if (posix_spawn(&pid_, a[0], &fa, nullptr, a.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Proc() { kill_now(); }
  Proc(const Proc&) = delete;
  Proc& operator=(const Proc&) = delete;
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = 0;
  }
  // Exit status after waiting (-1: killed by a signal).
  int wait() {
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
};

inline paizi::net::HttpResult http_result(const std::string& url, const std::string& post = "",
                                          bool is_post = false) {
  paizi::net::HttpClient c;
  paizi::net::HttpRequest rq;
  rq.url = url;
  if (is_post) {
    rq.post_type = "application/octet-stream";
    rq.post_body = post;
  }
  return c.fetch(rq);
}
inline std::string http(const std::string& url, const std::string& post = "", bool is_post = false) {
  return http_result(url, post, is_post).body;
}

// Server-side file NAME := body (empty body deletes).
inline void put(const feeds_test::FaultServer& s, const std::string& name, const std::string& body) {
  REQUIRE(http_result(s.url("/files/" + name), body, true).status == 200);
}
inline void fault(const feeds_test::FaultServer& s, const std::string& f) {
  REQUIRE(http_result(s.url("/control?fault=" + f)).status == 200);
}

// A small valid playlist whose slide ids start with "vN-".
inline std::string playlist_v(int n, const std::string& extra = "") {
  const std::string v = "v" + std::to_string(n);
  return R"({"version":1,"name":")" + v + R"(","transition":{"type":"cut"},)" + extra + R"("slides":[
  {"id":")" +
         v + R"(-a","type":"slogan","duration":"400ms","lines":["版本 )" + std::to_string(n) + R"("]},
  {"id":")" +
         v + R"(-b","type":"slogan","duration":"400ms","lines":["第二页 )" + std::to_string(n) + R"("]}]})";
}

inline void write(const std::string& path, const std::string& data) {
  std::string err;
  REQUIRE(paizi::platform::write_file_atomic(path, data, &err));
}

inline std::vector<std::string> slide_ids(const paizi::content::Playlist& pl) {
  std::vector<std::string> ids;
  for (const auto& s : pl.slides) ids.push_back(s.id);
  return ids;
}

// One check by `u`; the slide ids of the playlist it adopted (REQUIRE'd).
inline std::vector<std::string> adopted_slides(paizi::sources::PlaylistUpdater& u) {
  u.check_once();
  auto adopted = u.take();
  REQUIRE(adopted);
  return slide_ids(adopted->playlist);
}

// The slide ids of the last-known-good playlist that an updater started
// afresh with `o` (a restart) loads from the state directory.
inline std::vector<std::string> last_good_slides(const paizi::sources::UpdaterOptions& o) {
  paizi::sources::PlaylistUpdater restarted(o);
  std::string err;
  auto lkg = restarted.load_last_good(err);
  INFO(err);
  REQUIRE(lkg);
  return slide_ids(lkg->playlist);
}

inline json read_status(const std::string& state_dir) {
  std::ifstream in(state_dir + "/status.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str(), nullptr, false);
}

// Polls status.json until `pred` holds; returns the elapsed time, or -1 ms.
inline milliseconds wait_status(const std::string& state_dir, const std::function<bool(const json&)>& pred,
                                milliseconds limit = milliseconds(8000)) {
  const auto t0 = steady_clock::now();
  while (steady_clock::now() - t0 < limit) {
    const json s = read_status(state_dir);
    if (s.is_object() && pred(s)) return duration_cast<milliseconds>(steady_clock::now() - t0);
    std::this_thread::sleep_for(milliseconds(10));
  }
  return milliseconds(-1);
}

inline std::string slide_of(const json& s) { return s["slide"]["id"].get<std::string>(); }
// The slide on screen belongs to playlist_v(n).
inline bool starts_with_v(const json& s, int n) {
  return slide_of(s).rfind("v" + std::to_string(n) + "-", 0) == 0;
}
inline std::string sha_of(const json& s) { return s["playlist"]["sha256"].get<std::string>(); }

}  // namespace pl_test
