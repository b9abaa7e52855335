// The metrics file of a real player, and writers killed mid-write: the
// collector (a reader of DIR/*.prom) never sees a torn file.
#include <csignal>
#include <filesystem>
#include <random>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "../playlists/pl_support.h"
#include "app/metrics.h"
#include "metrics_support.h"
#include "platform/atomic_file.h"

using namespace pl_test;
namespace fs = std::filesystem;

namespace {

// The value of sample `name` (no labels) in `text`; -1 when absent.
double sample(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

// Waits until `path` exists and `pred` holds for its text (up to 60 s).
std::string wait_file(const std::string& path, const std::function<bool(const std::string&)>& pred) {
  std::string text;
  for (int i = 0; i < 600; ++i) {
    if (paizi::platform::read_whole_file(path, text) && pred(text)) return text;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return text;
}

}  // namespace

TEST_CASE("play --headless --realtime writes a metrics file promtool accepts", "[metrics]") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/metrics", file = dir + "/paizi.prom";
  fs::create_directories(dir);
  Proc p({"play", std::string(PAIZI_TEST_DATA) + "/../playlists/demo.json", "--headless", "--realtime",
          "--window", "320x180", "--state-dir", tmp.path() + "/state", "--metrics-dir", dir,
          "--metrics-every", "200ms"},
         tmp.path() + "/p");
  // Two slides have come on (the first one and the next) and frames move.
  const std::string text = wait_file(file, [](const std::string& t) {
    double shown = 0;
    for (const char* type : {"slogan", "news", "kpi", "image"}) {
      const auto at = t.find(std::string("paizi_slides_shown_total{type=\"") + type + "\"} ");
      if (at != std::string::npos) shown += std::stod(t.substr(t.find("} ", at) + 2));
    }
    return shown >= 2 && sample(t, "paizi_frames_presented_total") > 10;
  });
  INFO(text);
  REQUIRE(!text.empty());
  std::string out;
  const std::string copy = tmp.path() + "/copy.prom";
  REQUIRE(paizi::platform::write_file_atomic(copy, text, nullptr));
  CHECK(metrics_test::promtool("check metrics", out, copy) == 0);
  INFO(out);
  CHECK(out.empty());
  CHECK(text.find("paizi_build_info{version=") != std::string::npos);
  CHECK(sample(text, "paizi_first_frame_seconds") > 0);
  CHECK(sample(text, "paizi_first_frame_seconds") < 60);
  CHECK(sample(text, "paizi_resident_memory_bytes") > 1 << 20);
  CHECK(sample(text, "paizi_display_on") == 1);
  CHECK(sample(text, "paizi_offline") == 0);  // a local file: never offline
  CHECK(sample(text, "paizi_playlist_adopted_timestamp_seconds") > 1.7e9);
  CHECK(sample(text, "paizi_frame_time_seconds_count") == sample(text, "paizi_frames_presented_total"));
  CHECK(sample(text, "paizi_sources") >= 1);                      // the demo's feed and KPI data
  CHECK(sample(text, "paizi_cache_bytes{cache=\"atlas\"}") > 0);  // glyphs were drawn
  CHECK(sample(text, "paizi_cache_entries{cache=\"atlas\"}") > 0);
  // No temporaries left beside it while it runs (only at a kill).
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename() == "paizi.prom");
}

TEST_CASE("play without a metrics directory writes none; off turns the default off", "[metrics]") {
  TempDir tmp;
  Proc p({"play", std::string(PAIZI_TEST_DATA) + "/service/data/one-slide.json", "--headless", "--duration",
          "2s", "--state-dir", tmp.path() + "/state", "--metrics-dir", "off", "--runtime-dir",
          tmp.path() + "/run"},
         tmp.path() + "/p");
  CHECK(p.wait() == 0);
  for (const auto& e : fs::recursive_directory_iterator(tmp.path())) CHECK(e.path().extension() != ".prom");
}

namespace {

// A snapshot whose text is about 1 MiB (many slide types), so a write
// takes long enough for kills to land in the middle of it; `n` tells the
// versions apart.
paizi::app::StatusSnapshot big_snapshot(uint64_t n) {
  paizi::app::StatusSnapshot s;
  s.player.frames = n;
  for (int i = 0; i < 20000; ++i)
    s.player.shown_by_type["type" + std::to_string(i)] = n + static_cast<uint64_t>(i);
  return s;
}

// A text the reader saw: whole (exactly what the writer wrote for its
// version) or torn.
bool whole(const std::string& text) {
  const double n = sample(text, "paizi_frames_presented_total");
  return n >= 0 && text == paizi::app::metrics_text(big_snapshot(static_cast<uint64_t>(n)));
}

// Forks a writer that rewrites DIR/paizi.prom with version 1, 2, ... until
// killed; `naive` writes in place (open, truncate, write) instead.
pid_t start_writer(const std::string& dir, uint64_t first, bool naive) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The child: the parent has no other threads (fork-safe).
  paizi::app::MetricsFile f(dir, milliseconds(0));
  for (uint64_t n = first;; ++n) {
    const std::string text = paizi::app::metrics_text(big_snapshot(n));
    std::string err;
    if (naive) {
      FILE* out = std::fopen(f.path().c_str(), "w");
      if (out) {
        std::fwrite(text.data(), 1, text.size(), out);
        std::fclose(out);
      }
    } else {
      f.write(text, "", steady_clock::now(), err);
    }
  }
}

struct KillRun {
  int reads = 0, torn = 0, versions = 0, killed_mid_write = 0;
};

// `rounds` writers, each killed by SIGKILL at a random moment, while this
// thread reads the file as node_exporter does (open, read, close).
KillRun kill_writers(const std::string& dir, int rounds, bool naive) {
  KillRun r;
  std::minstd_rand rng(24);
  uint64_t first = 1;
  std::set<double> seen;
  for (int i = 0; i < rounds; ++i) {
    const pid_t pid = start_writer(dir, first, naive);
    REQUIRE(pid > 0);
    std::string text;
    // One read as node_exporter does: the version seen, or -1 (none, torn).
    const auto read_once = [&]() -> double {
      if (!paizi::platform::read_whole_file(dir + "/paizi.prom", text) || text.empty()) return -1;
      ++r.reads;
      if (!whole(text)) {
        ++r.torn;
        return -1;
      }
      const double v = sample(text, "paizi_frames_presented_total");
      seen.insert(v);
      return v;
    };
    // The kill comes at a random moment after this writer's first version
    // is there, however long the build takes to get there (a sanitized
    // build's first write took longer than the whole window).
    const auto started = steady_clock::now();
    while (read_once() < static_cast<double>(first) && steady_clock::now() - started < seconds(20)) {
    }
    const auto temp_files = [&dir] {
      std::set<std::string> names;
      for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("paizi.prom.tmp.", 0) == 0) names.insert(e.path().filename());
      return names;
    };
    const std::set<std::string> before = temp_files();
    const auto fresh_temp = [&] {
      for (const auto& n : temp_files())
        if (!before.count(n)) return true;
      return false;
    };
    if (i % 10 == 0) {
      // Every tenth writer is killed while its temporary file exists: a kill
      // between create and rename by construction, however fast or slow the
      // build makes the write (at random moments a sanitized writer was
      // caught mid-write only once in 150).
      const auto t0 = steady_clock::now();
      while (!fresh_temp() && steady_clock::now() - t0 < seconds(10)) read_once();
    } else {
      const auto until = steady_clock::now() + microseconds(20000 + rng() % 60000);
      while (steady_clock::now() < until) read_once();
    }
    ::kill(pid, SIGKILL);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (fresh_temp()) ++r.killed_mid_write;
    // The file a killed writer left is read too: whole.
    if (paizi::platform::read_whole_file(dir + "/paizi.prom", text) && !text.empty()) {
      ++r.reads;
      if (!whole(text)) ++r.torn;
    }
    first += 1000000;  // the next writer's versions differ from this one's
  }
  r.versions = static_cast<int>(seen.size());
  return r;
}

}  // namespace

TEST_CASE("writers SIGKILLed mid-write never leave or show a torn metrics file", "[metrics][writers]") {
  TempDir tmp;
  const KillRun r = kill_writers(tmp.path(), 150, false);
  INFO("reads " << r.reads << ", versions " << r.versions << ", killed mid-write " << r.killed_mid_write);
  CHECK(r.torn == 0);
  CHECK(r.reads > 300);
  CHECK(r.versions > 150);         // the file kept changing under the reader
  CHECK(r.killed_mid_write >= 2);  // kills landed between create and rename (7 to 18 of 150 here)
  // Control: the same reader catches torn files of a writer that writes in place.
  TempDir naive;
  const KillRun n = kill_writers(naive.path(), 40, true);
  INFO("naive: reads " << n.reads << ", torn " << n.torn);
  CHECK(n.torn > 0);
}

TEST_CASE("a player SIGKILLed at random moments leaves a whole metrics file each time", "[metrics]") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/metrics", file = dir + "/paizi.prom";
  fs::create_directories(dir);
  // --metrics-every 0: rewritten at every loop turn (about 60 a second with the ticker).
  const std::vector<std::string> args{"play",
                                      std::string(PAIZI_TEST_DATA) + "/../playlists/demo.json",
                                      "--headless",
                                      "--realtime",
                                      "--window",
                                      "320x180",
                                      "--state-dir",
                                      tmp.path() + "/state",
                                      "--metrics-dir",
                                      dir,
                                      "--metrics-every",
                                      "0"};
  std::minstd_rand rng(7);
  int checked = 0;
  std::set<std::string> texts;
  for (int i = 0; i < 12; ++i) {
    // Each run starts without a file: what is there after the kill is its
    // own. It is killed at a random moment once it has written (on a loaded
    // machine, or under the sanitizers, start-up alone can take a second).
    fs::remove(file);
    {
      Proc p(args, tmp.path() + "/p");
      for (int waited = 0; waited < 10000 && !fs::exists(file); waited += 10)
        std::this_thread::sleep_for(milliseconds(10));
      std::this_thread::sleep_for(milliseconds(rng() % 1500));
    }  // SIGKILL
    std::string text, out;
    if (!paizi::platform::read_whole_file(file, text)) continue;
    texts.insert(text);
    INFO("kill " << i << ":\n" << text);
    // Complete: its last family is the last the formatter writes.
    REQUIRE(text.size() > 100);
    CHECK(text.back() == '\n');
    const std::string last = "\npaizi_atlas_lookups_total{result=\"miss\"} ";
    CHECK(text.find(last) == text.rfind('\n', text.size() - 2));
    CHECK(sample(text, "paizi_resident_memory_bytes") > 1 << 20);
    CHECK(metrics_test::promtool("check metrics", out, file) == 0);
    ++checked;
  }
  CHECK(checked >= 10);
  CHECK(texts.size() == static_cast<size_t>(checked));  // each run wrote its own
}
