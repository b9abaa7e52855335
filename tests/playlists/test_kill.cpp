// SIGKILL during persistence, many times over: every restart finds a
// complete, verified last-known-good (playlist bytes and every asset).
#include <atomic>
#include <filesystem>
#include <fstream>
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
  // The committed LKG (current.json is the commit point), as a restart sees it.
  const auto committed = [&] {
    std::string text;
    if (!paizi::platform::read_whole_file(state + "/current.json", text)) return std::string();
    const json m = json::parse(text, nullptr, false);
    return m.is_object() ? m.value("sha256", std::string()) : std::string();
  };
  std::minstd_rand rng(42);
  int restarts = 0, loaded = 0;
  std::set<std::string> seen;
  for (int i = 0; i < 24; ++i) {
    {
      // The kill lands at a random instant after this process has committed
      // once (no fixed delay: a slow disk's fsyncs outlast any), while it
      // keeps adopting a new version every poll, so often mid-persist.
      const std::string before = committed();
      Proc p(args, tmp.path() + "/p");
      const auto t0 = steady_clock::now();
      while (committed() == before && steady_clock::now() - t0 < seconds(20))
        std::this_thread::sleep_for(milliseconds(5));
      INFO("iteration " << i << ": the restarted player committed nothing new within 20 s");
      REQUIRE(committed() != before);
      std::this_thread::sleep_for(milliseconds(rng() % 400));
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

TEST_CASE("a killed writer's temporaries are removed at the next start; a running writer's are kept") {
  TempDir tmp;
  const std::string state = tmp.path() + "/state";
  fs::create_directories(state + "/playlists");
  const std::string sha(64, 'a');
  std::string err;
  REQUIRE(paizi::platform::write_file_atomic(state + "/playlists/" + sha + ".json", "{}", &err));
  const auto touch = [](const std::string& path) { std::ofstream(path) << "torn"; };
  const std::string mine = ".tmp." + std::to_string(::getpid());
  touch(state + "/current.json.tmp.4242");                // killed mid-commit
  touch(state + "/playlists/" + sha + ".json.tmp.4243");  // killed mid-persist, same playlist
  touch(state + "/playlists/" + std::string(64, 'b') + ".json.tmp.4244");  // ... a newer one
  touch(state + "/playlists/" + sha + ".json" + mine);                     // this process, writing now
  touch(state + "/playlists/notes.tmp.txt");                               // not a temporary of ours
  CHECK(paizi::platform::remove_leftover_temporaries(state) == 1);
  CHECK(paizi::platform::remove_leftover_temporaries(state + "/playlists") == 2);
  CHECK_FALSE(fs::exists(state + "/current.json.tmp.4242"));
  CHECK(fs::exists(state + "/playlists/" + sha + ".json"));
  CHECK(fs::exists(state + "/playlists/" + sha + ".json" + mine));
  CHECK(fs::exists(state + "/playlists/notes.tmp.txt"));
  // A start with no LKG still removes them (load_last_good runs first thing).
  touch(state + "/playlists/" + sha + ".json.tmp.4245");
  paizi::sources::UpdaterOptions o;
  o.source = "http://127.0.0.1:9/pl.json";
  o.state_dir = state;
  paizi::sources::PlaylistUpdater u(o);
  CHECK_FALSE(u.load_last_good(err));
  CHECK_FALSE(fs::exists(state + "/playlists/" + sha + ".json.tmp.4245"));
}
