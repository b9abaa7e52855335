#include "app/status_file.h"

#include <limits>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "build_config.h"
#include "content/timezone.h"
#include "platform/atomic_file.h"

namespace paizi::app {

using nlohmann::json;

namespace {

// Which screen this is, for a fleet's heartbeat receiver: host name, the
// machine id (systemd's, stable across reinstalls of paizi) and version.
const json& screen_identity() {
  static const json id = [] {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::string machine;
    if (platform::read_whole_file("/etc/machine-id", machine))
      while (!machine.empty() && (machine.back() == '\n' || machine.back() == ' ')) machine.pop_back();
    return json{{"host", host},
                {"machine_id", machine.empty() ? json(nullptr) : json(machine)},
                {"version", PAIZI_VERSION}};
  }();
  return id;
}

}  // namespace

std::string rfc3339_utc(int64_t unix_s) {
  const content::LocalTime t = content::TimeZone::utc().local(unix_s);
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.second_of_day / 3600,
                t.second_of_day / 60 % 60, t.second_of_day % 60);
  return b;
}

std::string status_json(const StatusSnapshot& s, std::string* important) {
  const auto& y = s.sync;
  json errors = json::array();
  for (const auto& [t, m] : y.errors) errors.push_back({{"time", rfc3339_utc(t)}, {"message", m}});
  json doc = {
      {"playlist",
       {{"source", y.source},
        {"version", y.version},
        {"name", y.name},
        {"sha256", y.sha256},
        {"incomplete", y.incomplete.empty() ? json(nullptr) : json(y.incomplete)},
        // A pinned image whose bytes did not match (sources/asset_pins.h), while
        // it lasts; and the last image the painter could not draw.
        {"integrity", y.integrity.empty() ? json(nullptr) : json(y.integrity)},
        {"unpaintable", s.image_error.empty() ? json(nullptr) : json(s.image_error)}}},
      {"sync",
       {{"time", y.last_check ? json(rfc3339_utc(y.last_check)) : json(nullptr)},
        {"ok", y.ok},
        {"error", y.error.empty() ? json(nullptr) : json(y.error)}}},
      {"errors", errors},
  };
  doc["screen"] = screen_identity();
  // What is on screen is important too: a slide change is written (and
  // sent with its thumbnail) at once, not up to a minute later.
  doc["slide"] = {{"id", s.slide_id}, {"page", s.page}};
  doc["display"] = {{"off", s.display_off}, {"fallback", s.fallback}, {"clock_trusted", s.clock_trusted}};
  json alerts = json::array();
  for (const content::AlertNotice& a : s.alerts)
    alerts.push_back(
        {{"id", a.key},
         {"severity", content::to_string(a.severity)},
         {"event", a.event},
         {"headline", a.headline},
         {"from", rfc3339_utc(a.from)},
         {"until",
          a.until == std::numeric_limits<int64_t>::max() ? json(nullptr) : json(rfc3339_utc(a.until))}});
  doc["alerts"] = std::move(alerts);  // important: an alert shown or cleared is written (and sent) at once
  // How clips are decoded, never silent (docs/video.md); only once one was.
  if (!s.video_decoder.empty())
    doc["video"] = {{"decoder", s.video_decoder},
                    {"fallback", s.video_fallback.empty() ? json(nullptr) : json(s.video_fallback)},
                    {"audio", s.audio_output.empty() ? json(nullptr) : json(s.audio_output)}};
  if (important) *important = doc.dump();
  doc["counters"] = {{"checks", y.checks},
                     {"not_modified", y.not_modified},
                     {"adopted", y.adopted},
                     {"rejected", y.rejected},
                     {"failed", y.failed},
                     {"integrity_failures", y.integrity_failures},
                     {"image_failures", s.image_failures},
                     {"unpaintable_slides", s.player.unpaintable},
                     {"frames", s.player.frames},
                     {"compositions", s.player.compositions},
                     {"atlas_hits", s.atlas.hits},
                     {"atlas_misses", s.atlas.misses},
                     {"atlas_evictions", s.atlas.evictions},
                     {"atlas_bytes", s.atlas.bytes},
                     {"atlas_budget", s.atlas.budget},
                     {"image_cache_bytes", s.images.bytes},
                     {"image_evictions", s.images.evictions},
                     {"source_cache_evictions", s.sources.cache_evictions},
                     {"contract_violations", s.contract_violations},
                     {"asset_entries", y.assets.entries},
                     {"asset_bytes", y.assets.bytes},
                     {"asset_stores", y.assets.stores},
                     {"asset_evictions", y.assets.evictions}};
  if (!s.video_decoder.empty()) {
    doc["counters"]["video_frames"] = s.player.video_frames;
    doc["counters"]["video_dropped"] = s.player.video_dropped;
    doc["counters"]["video_failed"] = s.player.video_failed;
    doc["counters"]["audio_corrections"] = s.player.audio_corrections;
  }
  return doc.dump(1);
}

StatusFile::StatusFile(std::string path, std::chrono::milliseconds min_interval)
    : path_(std::move(path)), min_interval_(min_interval) {}

bool StatusFile::update(const StatusSnapshot& s, std::string& err, bool now_anyway) {
  // Time of the last check alone is not worth a write; the rest of the
  // important part is.
  StatusSnapshot q = s;
  std::string important;
  const std::string doc = status_json(s, nullptr);
  q.sync.last_check = 0;
  status_json(q, &important);
  if (doc == last_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (!now_anyway && important == last_important_ && now - last_write_ < min_interval_) return true;
  if (!platform::write_file_atomic(path_, doc, &err, 0644, platform::Durability::visible)) return false;
  last_ = doc;
  last_important_ = important;
  last_write_ = now;
  return true;
}

}  // namespace paizi::app
