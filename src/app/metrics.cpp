#include "app/metrics.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <utility>

#include <unistd.h>

#include "build_config.h"
#include "platform/atomic_file.h"

namespace paizi::app {

namespace fs = std::filesystem;

namespace {

// Debian's name of the architecture paizi was built for.
constexpr const char* kArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#elif defined(__arm__)
    "armhf";
#elif defined(__i386__)
    "i386";
#else
    "unknown";
#endif

// Every slide type a playlist names (content::type_name; "alert" slides,
// made by the player, appear when one is shown): their counters are written
// from the start, so rate() sees them begin at 0.
constexpr const char* kSlideTypes[] = {"slogan", "news", "kpi", "image"};

using Labels = std::initializer_list<std::pair<const char*, std::string>>;

// Builds the text one family at a time: HELP and TYPE, then its samples.
class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;  // plain text without backslashes or newlines
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const std::string& name, Labels labels, double v) {
    char num[40];
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15)
      std::snprintf(num, sizeof num, "%.0f", v);  // integers as integers
    else
      std::snprintf(num, sizeof num, "%.9g", v);
    line(name, labels, num);
  }
  void sample(const std::string& name, Labels labels, uint64_t v) {
    char num[24];
    std::snprintf(num, sizeof num, "%" PRIu64, v);
    line(name, labels, num);
  }
  // A family with a single unlabelled sample.
  void gauge(const char* name, const char* help, double v) {
    family(name, "gauge", help);
    sample(name, {}, v);
  }
  void counter(const char* name, const char* help, uint64_t v) {
    family(name, "counter", help);
    sample(name, {}, v);
  }
  std::string take() { return std::move(out_); }

 private:
  void line(const std::string& name, Labels labels, const char* value) {
    out_ += name;
    if (labels.size()) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        for (char c : v) {  // the exposition format's three escapes
          if (c == '\\')
            out_ += "\\\\";
          else if (c == '"')
            out_ += "\\\"";
          else if (c == '\n')
            out_ += "\\n";
          else
            out_ += c;
        }
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  std::string out_;
};

void playlist_metrics(Exposition& e, const StatusSnapshot& s) {
  const sources::UpdaterStatus& y = s.sync;
  e.family("paizi_playlist_info", "gauge", "The playlist on screen, by the sha256 of its bytes; always 1.");
  e.sample("paizi_playlist_info", {{"sha256", y.sha256}}, uint64_t{1});
  e.gauge("paizi_playlist_adopted_timestamp_seconds",
          "When the playlist on screen was adopted, Unix time; 0: none (the waiting slide).",
          static_cast<double>(y.adopted_at));
  e.gauge("paizi_playlist_last_check_timestamp_seconds",
          "When the last check of the playlist ended, Unix time; 0: none yet.",
          static_cast<double>(y.last_check));
  e.gauge("paizi_playlist_last_success_timestamp_seconds",
          "When the last successful check of the playlist ended (adopted, unchanged or 304), Unix time; 0: "
          "none yet.",
          static_cast<double>(y.last_ok));
  e.counter("paizi_playlist_checks_total", "Checks of the playlist source.", y.checks);
  e.counter("paizi_playlist_not_modified_total", "Checks answered 304 Not Modified.", y.not_modified);
  e.counter("paizi_playlist_adoptions_total", "Playlists adopted (new, or again with assets that arrived).",
            y.adopted);
  e.family("paizi_playlist_check_failures_total", "counter",
           "Failed checks of the playlist by reason: network, http, signature, invalid, assets, storage.");
  for (size_t i = 0; i < sources::kCheckFailureKinds; ++i)
    e.sample("paizi_playlist_check_failures_total",
             {{"reason", sources::check_failure_name(static_cast<sources::CheckFailure>(i))}}, y.failures[i]);
  e.counter("paizi_playlist_signature_rejections_total",
            "Playlists refused because their signature was missing or did not verify.",
            y.failures[static_cast<size_t>(sources::CheckFailure::signature)]);
  e.gauge("paizi_playlist_incomplete",
          "1 while the playlist on screen lacks assets (slides left out), else 0.",
          y.incomplete.empty() ? 0 : 1);
  e.gauge("paizi_offline",
          "1 while the last check of a remote playlist failed (the last good playlist plays), else 0.",
          s.remote && y.last_check != 0 && !y.ok ? 1 : 0);
}

void source_metrics(Exposition& e, const StatusSnapshot& s) {
  const sources::SourceHealth& h = s.sources;
  e.gauge("paizi_sources", "Feeds, articles and KPI data of the playlist on screen.",
          static_cast<double>(h.sources));
  e.gauge("paizi_sources_failing", "Sources whose last fetch failed (their last good copy is shown).",
          static_cast<double>(h.failing));
  e.gauge("paizi_sources_stale", "Sources with no data yet or data older than their max_age.",
          static_cast<double>(h.stale));
  e.counter("paizi_source_fetch_failures_total", "Fetches of sources that failed.", h.failures);
}

void player_metrics(Exposition& e, const StatusSnapshot& s) {
  const show::PlayerStats& p = s.player;
  e.family("paizi_slides_shown_total", "counter", "Slides that came on screen, by slide type.");
  for (const char* t : kSlideTypes) {
    const auto it = p.shown_by_type.find(t);
    e.sample("paizi_slides_shown_total", {{"type", t}},
             it == p.shown_by_type.end() ? uint64_t{0} : it->second);
  }
  for (const auto& [t, n] : p.shown_by_type) {  // a type the list above lacks (the model grew)
    bool listed = false;
    for (const char* k : kSlideTypes) listed = listed || t == k;
    if (!listed) e.sample("paizi_slides_shown_total", {{"type", t}}, n);
  }
  e.counter("paizi_frames_presented_total", "Frames presented.", p.frames);
  e.counter("paizi_frames_dropped_total",
            "Frames of continuous motion (ticker, transition, count-up) that were due and not presented.",
            p.dropped);
  e.counter("paizi_compositions_total", "Slide pages composed.", p.compositions);
  e.counter("paizi_video_frames_total", "Video frames drawn.", p.video_frames);
  e.counter("paizi_video_frames_dropped_total",
            "Video frames decoded and not drawn: a later one was due as well (the real clock fell behind).",
            p.video_dropped);
  e.counter("paizi_video_failures_total",
            "Video slides left out or cut short because their clip could not be played.", p.video_failed);
  e.counter(
      "paizi_audio_corrections_total",
      "Skips and silences that kept a clip's sound in step with its frames (the sound device ran dry or "
      "drifted).",
      p.audio_corrections);
  if (!s.audio_output.empty()) {
    e.family("paizi_audio_output_info", "gauge",
             "The sound output of unmuted clips (\"none: why\" without one); always 1.");
    e.sample("paizi_audio_output_info", {{"output", s.audio_output}}, uint64_t{1});
  }
  if (!s.video_decoder.empty()) {
    e.family(
        "paizi_video_decoder_info", "gauge",
        "The decoder of the last clip opened, and why not a hardware one (empty: none wanted, or it was); "
        "always 1.");
    e.sample("paizi_video_decoder_info", {{"decoder", s.video_decoder}, {"fallback", s.video_fallback}},
             uint64_t{1});
  }
  e.family("paizi_frame_time_seconds", "histogram", "Wall time to draw and present a frame.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < show::PlayerStats::kFrameTimeBounds.size(); ++i) {
    cumulative += p.frame_time_counts[i];
    char le[24];
    std::snprintf(le, sizeof le, "%g", show::PlayerStats::kFrameTimeBounds[i]);
    e.sample("paizi_frame_time_seconds_bucket", {{"le", le}}, cumulative);
  }
  cumulative += p.frame_time_counts.back();
  e.sample("paizi_frame_time_seconds_bucket", {{"le", "+Inf"}}, cumulative);
  e.sample("paizi_frame_time_seconds_sum", {}, p.frame_time_sum);
  e.sample("paizi_frame_time_seconds_count", {}, cumulative);
  if (s.first_frame_s >= 0)
    e.gauge("paizi_first_frame_seconds",
            "From the start of paizi play (the program loaded) to its first frame presented.",
            s.first_frame_s);
  e.gauge("paizi_slide_age_seconds",
          "How long the slide on screen has been there (its player clock stops while the display is off).",
          s.slide_age_s);
  e.gauge("paizi_display_on", "1 while the schedule has the display on, 0 while it is switched off.",
          s.display_off ? 0 : 1);
  e.gauge("paizi_schedule_fallback",
          "1 while only fallback slides play (nothing scheduled, or the clock untrusted).",
          s.fallback ? 1 : 0);
  e.gauge("paizi_clock_trusted", "1 when the wall clock can be trusted for scheduling (NTP synchronised).",
          s.clock_trusted ? 1 : 0);
}

void cache_metrics(Exposition& e, const StatusSnapshot& s) {
  const auto& a = s.sync.assets;
  e.family("paizi_cache_bytes", "gauge",
           "Bytes held by a cache: assets on disk, glyph atlas and decoded images in texture memory.");
  e.sample("paizi_cache_bytes", {{"cache", "assets"}}, static_cast<uint64_t>(a.bytes));
  e.sample("paizi_cache_bytes", {{"cache", "atlas"}}, static_cast<uint64_t>(s.atlas.bytes));
  e.sample("paizi_cache_bytes", {{"cache", "images"}}, static_cast<uint64_t>(s.images.bytes));
  e.family("paizi_cache_budget_bytes", "gauge", "The configured limit of a cache.");
  e.sample("paizi_cache_budget_bytes", {{"cache", "assets"}}, static_cast<uint64_t>(s.asset_budget));
  e.sample("paizi_cache_budget_bytes", {{"cache", "atlas"}}, static_cast<uint64_t>(s.atlas.budget));
  e.sample("paizi_cache_budget_bytes", {{"cache", "images"}}, static_cast<uint64_t>(s.images.budget));
  e.family("paizi_cache_entries", "gauge",
           "Entries in a cache: asset files, glyphs resident in the atlas, decoded images.");
  e.sample("paizi_cache_entries", {{"cache", "assets"}}, static_cast<uint64_t>(a.entries));
  e.sample("paizi_cache_entries", {{"cache", "atlas"}}, static_cast<uint64_t>(s.atlas.glyphs));
  e.sample("paizi_cache_entries", {{"cache", "images"}}, static_cast<uint64_t>(s.images.entries));
  e.family("paizi_cache_evictions_total", "counter", "Entries a cache evicted to stay within its budget.");
  e.sample("paizi_cache_evictions_total", {{"cache", "assets"}}, a.evictions);
  e.sample("paizi_cache_evictions_total", {{"cache", "atlas"}}, s.atlas.evictions);
  e.sample("paizi_cache_evictions_total", {{"cache", "images"}}, s.images.evictions);
  e.sample("paizi_cache_evictions_total", {{"cache", "sources"}}, s.sources.cache_evictions);
  e.family("paizi_atlas_lookups_total", "counter", "Glyph atlas lookups by result (hit, miss).");
  e.sample("paizi_atlas_lookups_total", {{"result", "hit"}}, s.atlas.hits);
  e.sample("paizi_atlas_lookups_total", {{"result", "miss"}}, s.atlas.misses);
}

}  // namespace

std::string metrics_dir(const std::string& configured) {
  if (configured == "off") return {};
  if (!configured.empty()) return configured;
  std::error_code ec;
  return fs::is_directory(kDefaultMetricsDir, ec) ? kDefaultMetricsDir : "";
}

std::string metrics_file_path(const std::string& dir) {
  const fs::path name = fs::path(dir) / kMetricsFileName;
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(name, ec))) return name.string();
  const fs::path target = fs::read_symlink(name, ec);
  if (ec) return name.string();
  return (target.is_absolute() ? target : fs::path(dir) / target).lexically_normal().string();
}

std::string metrics_text(const StatusSnapshot& s) {
  Exposition e;
  e.family("paizi_build_info", "gauge", "The paizi build; always 1.");
  e.sample("paizi_build_info", {{"version", PAIZI_VERSION}, {"arch", kArch}}, uint64_t{1});
  e.gauge("paizi_start_time_seconds", "When this player process started, Unix time.",
          static_cast<double>(s.started_unix));
  if (s.resident_bytes)
    e.gauge("paizi_resident_memory_bytes", "Resident memory of the player process.",
            static_cast<double>(s.resident_bytes));
  e.counter(
      "paizi_contract_violations_total",
      "Broken internal invariants the player logged and survived (platform/contract.h): a bug to report.",
      s.contract_violations);
  playlist_metrics(e, s);
  source_metrics(e, s);
  player_metrics(e, s);
  cache_metrics(e, s);  // the last family: paizi_atlas_lookups_total
  return e.take();
}

std::string metrics_important(const StatusSnapshot& s) {
  return s.sync.sha256 + (s.display_off ? " off" : " on") + (s.sync.ok ? " ok" : " failing") +
         (s.fallback ? " fallback" : "") + (s.player.frames ? " drawn" : "");
}

uint64_t resident_bytes() {
  // "size resident shared text lib data dt", in pages. A proc file has no
  // size to read up to: it is read as a stream.
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  return page > 0 ? resident * static_cast<uint64_t>(page) : 0;
}

MetricsFile::MetricsFile(const std::string& dir, std::chrono::milliseconds min_interval)
    : path_(metrics_file_path(dir)), min_interval_(min_interval) {
  // platform::write_file_atomic's temporaries are PATH.tmp.PID: a writer
  // killed mid-write leaves one (never read: the collector reads *.prom).
  std::error_code ec;
  const fs::path file(path_);
  const std::string prefix = file.filename().string() + ".tmp.";
  for (const auto& entry : fs::directory_iterator(file.parent_path(), ec))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
}

bool MetricsFile::due(const std::string& important, std::chrono::steady_clock::time_point now) const {
  if (!written_ || important != last_important_) return true;
  return now - last_write_ >= min_interval_;
}

bool MetricsFile::write(const std::string& text, const std::string& important,
                        std::chrono::steady_clock::time_point now, std::string& err) {
  // 0644 whatever the umask: node_exporter runs as another user.
  if (!platform::write_file_atomic(path_, text, &err, 0644, platform::Durability::visible, true))
    return false;
  written_ = true;
  last_important_ = important;
  last_write_ = now;
  return true;
}

}  // namespace paizi::app
