// The Prometheus metrics formatter (app/metrics.h): exact samples for a
// known snapshot, the naming rules, and promtool's linter on the text.
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "../feeds/feeds_test_support.h"
#include "app/config.h"
#include "app/metrics.h"
#include "build_config.h"
#include "metrics_support.h"
#include "platform/atomic_file.h"

using paizi::app::StatusSnapshot;

namespace {

StatusSnapshot known_snapshot() {
  StatusSnapshot s;
  s.sync.sha256 = "ab12";
  s.sync.adopted_at = 1777000000;
  s.sync.last_check = 1777000600;
  s.sync.last_ok = 1777000500;
  s.sync.ok = false;
  s.sync.checks = 11;
  s.sync.not_modified = 7;
  s.sync.adopted = 2;
  s.sync.failures[static_cast<size_t>(paizi::sources::CheckFailure::http)] = 3;
  s.sync.failures[static_cast<size_t>(paizi::sources::CheckFailure::signature)] = 1;
  s.sync.assets.bytes = 4096;
  s.sync.assets.entries = 3;
  s.sync.assets.evictions = 5;
  s.remote = true;
  s.display_off = false;
  s.atlas.bytes = 1 << 22;
  s.atlas.budget = 32 << 20;
  s.atlas.glyphs = 812;
  s.atlas.evictions = 9;
  s.atlas.hits = 1000;
  s.atlas.misses = 40;
  s.player.frames = 1234;
  s.player.dropped = 6;
  s.player.compositions = 77;
  s.player.video_frames = 1799;
  s.player.video_dropped = 2;
  s.player.video_failed = 1;
  s.video_decoder = "h264 (software)";
  s.video_fallback = "a Pi 5 has no hardware H.264 decoder";
  s.player.shown_by_type = {{"news", 4}, {"kpi", 2}};
  s.player.frame_time_counts[0] = 10;     // <= 1 ms
  s.player.frame_time_counts[4] = 5;      // (8, 16] ms
  s.player.frame_time_counts.back() = 1;  // > 266 ms
  s.player.frame_time_sum = 0.5;
  s.started_unix = 1776990000;
  s.first_frame_s = 0.25;
  s.slide_age_s = 3.5;
  s.asset_budget = 192u << 20;
  s.sources = {3, 1, 2, 17};
  s.resident_bytes = 52428800;
  return s;
}

// Sample lines by "name{labels}" -> value text.
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("metrics text: the samples of a known snapshot", "[metrics]") {
  const std::string text = paizi::app::metrics_text(known_snapshot());
  const auto m = samples(text);
#if defined(__x86_64__)
  CHECK(m.at("paizi_build_info{version=\"" PAIZI_VERSION "\",arch=\"amd64\"}") == "1");
#endif
  CHECK(m.at("paizi_playlist_info{sha256=\"ab12\"}") == "1");
  CHECK(m.at("paizi_playlist_adopted_timestamp_seconds") == "1777000000");
  CHECK(m.at("paizi_playlist_last_success_timestamp_seconds") == "1777000500");
  CHECK(m.at("paizi_playlist_last_check_timestamp_seconds") == "1777000600");
  CHECK(m.at("paizi_playlist_checks_total") == "11");
  CHECK(m.at("paizi_playlist_not_modified_total") == "7");
  CHECK(m.at("paizi_playlist_check_failures_total{reason=\"http\"}") == "3");
  CHECK(m.at("paizi_playlist_check_failures_total{reason=\"signature\"}") == "1");
  CHECK(m.at("paizi_playlist_check_failures_total{reason=\"network\"}") == "0");
  CHECK(m.at("paizi_playlist_signature_rejections_total") == "1");
  CHECK(m.at("paizi_offline") == "1");  // remote, checked, last check failed
  CHECK(m.at("paizi_sources") == "3");
  CHECK(m.at("paizi_sources_failing") == "1");
  CHECK(m.at("paizi_sources_stale") == "2");
  CHECK(m.at("paizi_source_fetch_failures_total") == "17");
  CHECK(m.at("paizi_slides_shown_total{type=\"news\"}") == "4");
  CHECK(m.at("paizi_slides_shown_total{type=\"kpi\"}") == "2");
  CHECK(m.at("paizi_slides_shown_total{type=\"slogan\"}") == "0");
  CHECK(m.at("paizi_frames_presented_total") == "1234");
  CHECK(m.at("paizi_frames_dropped_total") == "6");
  CHECK(m.at("paizi_video_frames_total") == "1799");
  CHECK(m.at("paizi_video_frames_dropped_total") == "2");
  CHECK(m.at("paizi_video_failures_total") == "1");
  CHECK(m.at("paizi_video_decoder_info{decoder=\"h264 (software)\",fallback=\"a Pi 5 has no hardware H.264 "
             "decoder\"}") == "1");
  // Histogram buckets are cumulative; +Inf equals _count.
  CHECK(m.at("paizi_frame_time_seconds_bucket{le=\"0.001\"}") == "10");
  CHECK(m.at("paizi_frame_time_seconds_bucket{le=\"0.008\"}") == "10");
  CHECK(m.at("paizi_frame_time_seconds_bucket{le=\"0.016\"}") == "15");
  CHECK(m.at("paizi_frame_time_seconds_bucket{le=\"0.266\"}") == "15");
  CHECK(m.at("paizi_frame_time_seconds_bucket{le=\"+Inf\"}") == "16");
  CHECK(m.at("paizi_frame_time_seconds_count") == "16");
  CHECK(m.at("paizi_frame_time_seconds_sum") == "0.5");
  CHECK(m.at("paizi_first_frame_seconds") == "0.25");
  CHECK(m.at("paizi_slide_age_seconds") == "3.5");
  CHECK(m.at("paizi_display_on") == "1");
  CHECK(m.at("paizi_cache_bytes{cache=\"assets\"}") == "4096");
  CHECK(m.at("paizi_cache_bytes{cache=\"atlas\"}") == "4194304");
  CHECK(m.at("paizi_cache_budget_bytes{cache=\"assets\"}") == "201326592");
  CHECK(m.at("paizi_cache_entries{cache=\"atlas\"}") == "812");
  CHECK(m.at("paizi_cache_evictions_total{cache=\"assets\"}") == "5");
  CHECK(m.at("paizi_cache_evictions_total{cache=\"atlas\"}") == "9");
  CHECK(m.at("paizi_resident_memory_bytes") == "52428800");
  CHECK(m.at("paizi_start_time_seconds") == "1776990000");
}

TEST_CASE("metrics text: naming rules, HELP and TYPE, no timestamps; promtool agrees", "[metrics]") {
  StatusSnapshot s = known_snapshot();
  s.player.shown_by_type["video"] = 1;             // a type the formatter does not list
  s.sync.sha256 = "quote\" back\\slash\nnewline";  // escaped, never breaks the format
  const std::string text = paizi::app::metrics_text(s);
  std::map<std::string, std::string> type;  // family -> TYPE
  std::set<std::string> help;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO(line);
    if (line.rfind("# HELP ", 0) == 0) {
      help.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      const auto sp = line.find(' ', 7);
      const std::string fam = line.substr(7, sp - 7), t = line.substr(sp + 1);
      CHECK(type.emplace(fam, t).second);  // each family once
      CHECK(fam.rfind("paizi_", 0) == 0);
      CHECK(fam.find("paizi_", 1) == std::string::npos);
      if (t == "counter") CHECK(fam.size() > 6);
      if (t == "counter") CHECK(fam.compare(fam.size() - 6, 6, "_total") == 0);
      if (t != "counter") CHECK(fam.find("_total") == std::string::npos);
      CHECK(fam.find("millis") == std::string::npos);  // base units only
      CHECK(fam.find("_kb") == std::string::npos);
      continue;
    }
    REQUIRE(line[0] != '#');
    // name{labels} value: exactly one value, no timestamp after it.
    const auto close = line.rfind('}');
    const std::string tail = line.substr(close == std::string::npos ? line.find(' ') : close + 1);
    CHECK(tail.find(' ', 1) == std::string::npos);
    std::string name = line.substr(0, std::min(line.find('{'), line.find(' ')));
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!type.count(name) && name.size() > std::strlen(suffix) &&
          name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        name.resize(name.size() - std::strlen(suffix));
    CHECK(type.count(name) == 1);  // TYPE came before its samples
    CHECK(help.count(name) == 1);
    CHECK((line.find("http") == std::string::npos ||
           line.find("reason=\"http\"") != std::string::npos));  // no URLs
  }
  CHECK(type.at("paizi_frame_time_seconds") == "histogram");
  CHECK(text.find("paizi_playlist_info{sha256=\"quote\\\" back\\\\slash\\nnewline\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("paizi_slides_shown_total{type=\"video\"} 1\n") != std::string::npos);

  feeds_test::TempDir tmp;
  const std::string file = tmp.path() + "/m.prom";
  std::ofstream(file) << text;
  std::string out;
  INFO(out);
  CHECK(metrics_test::promtool("check metrics", out, file) == 0);
  CHECK(out.empty());
  // The linter is not a rubber stamp: a counter without _total is reported.
  std::ofstream(file) << "# HELP paizi_x_count X.\n# TYPE paizi_x_count counter\npaizi_x_count 1\n";
  CHECK(metrics_test::promtool("check metrics", out, file) != 0);
}

TEST_CASE("metrics file: atomic, in the given directory, temporaries of a killed writer removed",
          "[metrics]") {
  feeds_test::TempDir tmp;
  std::ofstream(tmp.path() + "/paizi.prom.tmp.99999") << "# HELP paizi_";  // a writer killed mid-write
  std::ofstream(tmp.path() + "/other.prom") << "node_x 1\n";               // not ours: kept
  paizi::app::MetricsFile f(tmp.path(), std::chrono::seconds(5));
  CHECK(!std::filesystem::exists(tmp.path() + "/paizi.prom.tmp.99999"));
  CHECK(std::filesystem::exists(tmp.path() + "/other.prom"));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(f.due("a", t0));
  std::string err;
  REQUIRE(f.write("x 1\n", "a", t0, err));
  CHECK(f.path() == tmp.path() + "/paizi.prom");
  CHECK(!f.due("a", t0 + std::chrono::seconds(1)));  // nothing important changed, too soon
  CHECK(f.due("b", t0 + std::chrono::seconds(1)));   // the display went off: at once
  CHECK(f.due("a", t0 + std::chrono::seconds(5)));   // the interval passed
  std::string back;
  REQUIRE(paizi::platform::read_whole_file(f.path(), back));
  CHECK(back == "x 1\n");
  // Readable by node_exporter's user even under the unit's UMask=0077.
  const mode_t old_mask = ::umask(0077);
  REQUIRE(f.write("x 2\n", "a", t0, err));
  ::umask(old_mask);
  CHECK((std::filesystem::status(f.path()).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::others_read);
  CHECK(!paizi::app::MetricsFile(tmp.path() + "/missing/dir", std::chrono::seconds(1))
             .write("x 1\n", "a", t0, err));
  CHECK(!err.empty());
}

TEST_CASE("metrics file: a link named paizi.prom is followed, the link stays", "[metrics]") {
  // Debian's package links the collector's paizi.prom into /run/paizi.
  namespace fs = std::filesystem;
  feeds_test::TempDir tmp;
  const std::string collector = tmp.path() + "/node-exporter", run = tmp.path() + "/run";
  fs::create_directories(collector);
  fs::create_directories(run);
  fs::create_symlink(run + "/paizi.prom", collector + "/paizi.prom");
  std::ofstream(run + "/paizi.prom.tmp.99999") << "# HELP paizi_";  // a writer killed mid-write, there
  CHECK(paizi::app::metrics_file_path(collector) == run + "/paizi.prom");
  paizi::app::MetricsFile f(collector, std::chrono::seconds(5));
  CHECK(f.path() == run + "/paizi.prom");
  CHECK(!fs::exists(run + "/paizi.prom.tmp.99999"));
  std::string err, back;
  REQUIRE(f.write("x 1\n", "a", std::chrono::steady_clock::now(), err));
  CHECK(fs::is_symlink(fs::symlink_status(collector + "/paizi.prom")));
  REQUIRE(paizi::platform::read_whole_file(collector + "/paizi.prom", back));  // read through the link
  CHECK(back == "x 1\n");
  // A relative target is taken from the link's directory.
  const std::string rel = tmp.path() + "/rel";
  fs::create_directories(rel);
  fs::create_symlink("../run/paizi.prom", rel + "/paizi.prom");
  CHECK(paizi::app::metrics_file_path(rel) == run + "/paizi.prom");
  // No link: the directory's own file.
  CHECK(paizi::app::metrics_file_path(run) == run + "/paizi.prom");
}

TEST_CASE("metrics directory: configured, off, or Debian's when it exists", "[metrics]") {
  CHECK(paizi::app::metrics_dir("/srv/m") == "/srv/m");
  CHECK(paizi::app::metrics_dir("off").empty());
  CHECK(
      paizi::app::metrics_dir("") ==
      (std::filesystem::is_directory(paizi::app::kDefaultMetricsDir) ? paizi::app::kDefaultMetricsDir : ""));
  const auto r = paizi::app::parse_config("metrics_dir = /var/lib/node-exporter\n");
  CHECK(r.problems.empty());
  CHECK(r.config.metrics_dir == "/var/lib/node-exporter");
}

TEST_CASE("resident memory from /proc/self/statm", "[metrics]") {
  const uint64_t before = paizi::app::resident_bytes();
  CHECK(before > 1u << 20);         // a C++ test binary holds more than 1 MiB
  std::string big(64u << 20, 'x');  // touched: resident
  CHECK(paizi::app::resident_bytes() >= before + (60u << 20));
  CHECK(big[12345] == 'x');
}
