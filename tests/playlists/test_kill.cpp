// SIGKILL during persistence, many times over: every restart finds a
// complete, verified last-known-good (playlist bytes and every asset).
#include <atomic>
#include <filesystem>
#include <random>

#include "net/signature.h"
#include "pl_support.h"
#include "platform/atomic_file.h"
#include "sources/playlist_updater.h"

using namespace pl_test;
namespace fs = std::filesystem;

TEST_CASE("SIGKILL while a new playlist and its assets are being persisted never leaves a broken LKG") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string state = tmp.path() + "/state";
  // Each version references its own 256 KiB data snapshot, so every
  // adoption writes and fsyncs a few hundred KiB: kills land mid-write.
  auto publish = [&](int n) {
    put(server, "blob-" + std::to_string(n), std::string(256 * 1024, static_cast<char>('a' + n % 26)));
    put(server, "pl.json",
        playlist_v(n, R"("sources":{"data":{"type":"kpi","url":"blob-)" + std::to_string(n) + R"("}},)"));
  };
  publish(1);
  std::atomic<bool> stop{false};
  std::atomic<int> version{1};
  std::thread publisher([&] {
    while (!stop) {
      publish(++version);
      std::this_thread::sleep_for(milliseconds(15));
    }
  });
  const std::vector<std::string> args{"play",        server.url("/files/pl.json"),
                                      "--headless",  "--realtime",
                                      "--duration",  "30s",
                                      "--poll",      "20ms",
                                      "--state-dir", state,
                                      "--window",    "160x90"};
  {
    Proc first(args, tmp.path() + "/p");
    REQUIRE(wait_status(state, [](const json& s) { return !sha_of(s).empty(); }).count() >= 0);
  }
  std::minstd_rand rng(42);
  int restarts = 0, loaded = 0;
  std::set<std::string> seen;
  for (int i = 0; i < 24; ++i) {
    {
      Proc p(args, tmp.path() + "/p");
      std::this_thread::sleep_for(milliseconds(150 + rng() % 400));
    }  // SIGKILL
    paizi::sources::UpdaterOptions o;
    o.source = server.url("/files/pl.json");
    o.state_dir = state;
    paizi::sources::PlaylistUpdater u(o);
    std::string err;
    const auto lkg = u.load_last_good(err);
    INFO("iteration " << i << ": " << err);
    REQUIRE(lkg);
    ++loaded;
    seen.insert(lkg->sha256);
    REQUIRE(lkg->playlist.sources.size() == 1);
    if (i % 8 == 7) {  // a real cold start with the server unreachable plays it
      ++restarts;
      const auto r =
          feeds_test::run_paizi({"play", "http://127.0.0.1:9/pl.json", "--headless", "--duration", "2s",
                                 "--state-dir", state, "--status-every", "0", "--window", "160x90"});
      CHECK(r.status == 0);
      const json s = read_status(state);
      CHECK(sha_of(s) == lkg->sha256);
      CHECK(slide_of(s).rfind("v", 0) == 0);
    }
  }
  stop = true;
  publisher.join();
  WARN(loaded << " kills, every LKG verified; " << seen.size() << " distinct LKGs seen; " << restarts
              << " cold starts offline");
  CHECK(seen.size() > 3);  // kills really landed between different adoptions
  // No debris accumulates: one playlist (+ at most a signature) and a bounded asset store.
  size_t playlists = 0;
  for (const auto& de : fs::directory_iterator(state + "/playlists")) playlists += de.is_regular_file();
  CHECK(playlists <= 2);
}
