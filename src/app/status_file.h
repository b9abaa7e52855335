// STATE_DIR/status.json: what is on screen and how syncing goes, for
// monitoring and proof of display. Rewritten atomically (renamed into place,
// not fsynced: it is the state of the moment, written again from the start,
// and an fsync on the frame loop stalled frames), and only on change:
// immediately when the playlist, the sync result or the errors change; at
// most once per `min_interval` for changes of the slide or counters alone
// (a slide changes every few seconds; SD cards wear out).
//
// Fields: {"playlist":{"source","version","name","sha256"},
//          "sync":{"time","ok","error"},            time: RFC 3339 UTC or null
//          "slide":{"id","page"}, "display":{"off","fallback","clock_trusted"},
//          "alerts":[{"id","severity","event","headline","from","until"}...],
//                                                   CAP alerts on screen; times RFC 3339 UTC, until null =
//                                                   none
//          "video":{"decoder","fallback","audio"},  the last clip's decoder and why it is not the
//                                                   hardware one (null: it is, or none wanted);
//                                                   the sound output of unmuted clips (null
//                                                   until one played; "none: why" without one);
//                                                   only once a video slide played
//          "errors":[{"time","message"}...],
//          "counters":{"checks","not_modified","adopted","rejected","failed",
//                      "frames","compositions","atlas_hits","atlas_misses",
//                      "atlas_evictions","atlas_bytes","atlas_budget",
//                      "asset_entries","asset_bytes","asset_stores",
//                      "asset_evictions", and with video "video_frames",
//                      "video_dropped", "video_failed", "audio_corrections"}}
#pragma once

#include <chrono>
#include <string>

#include "render/glyph_atlas.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/playlist_updater.h"
#include "sources/source_data.h"

namespace paizi::app {

struct StatusSnapshot {
  sources::UpdaterStatus sync;
  std::string slide_id;
  size_t page = 0;
  bool display_off = false, fallback = false, clock_trusted = true;
  render::AtlasStats atlas;
  show::PlayerStats player;
  // Only in the metrics (app/metrics.h), not in status.json:
  int64_t unix_now = 0;           // wall clock of this snapshot, Unix s UTC
  int64_t started_unix = 0;       // when this process started, Unix s UTC
  bool remote = false;            // the playlist source is an http(s) URL
  double first_frame_s = -1;      // start of `paizi play` to the first frame presented, s; < 0: none yet
  double slide_age_s = 0;         // how long the slide on screen has been there, s (Player::slide_age_ms)
  size_t asset_budget = 0;        // disk budget of the playlist's assets, bytes
  sources::SourceHealth sources;  // the playlist's feeds, articles and KPI data
  uint64_t resident_bytes = 0;    // resident memory, bytes; 0: unknown
  std::vector<content::AlertNotice> alerts;  // Player::active_alerts
  uint64_t image_failures = 0;  // images the painter could not draw (render::Painter::image_failures)
  render::Painter::ImageCacheStats images;  // the painter's decoded-image cache
  uint64_t contract_violations = 0;         // broken invariants logged and survived (platform/contract.h)
  std::string image_error;                  // the last of them, naming its path; empty: none
  std::string video_decoder;                // show::Player::video_decoder(); empty: no clip opened yet
  std::string video_fallback;               // show::Player::video_fallback()
  std::string audio_output;                 // show::Player::audio_output()
};

// RFC 3339 UTC ("2026-04-24T10:00:00Z") of Unix seconds.
std::string rfc3339_utc(int64_t unix_s);

// The document. `important` receives the part whose changes are written at
// once (playlist, sync result, errors, the slide on screen, the display).
std::string status_json(const StatusSnapshot& s, std::string* important = nullptr);

class StatusFile {
 public:
  StatusFile(std::string path, std::chrono::milliseconds min_interval);
  // Writes when due (see above), or whenever it changed when `now_anyway`
  // (the last status, as the player stops). Returns false with `err` when a
  // write failed.
  bool update(const StatusSnapshot& s, std::string& err, bool now_anyway = false);
  const std::string& path() const { return path_; }
  const std::string& last() const { return last_; }  // last document written

 private:
  std::string path_;
  std::chrono::milliseconds min_interval_;
  std::string last_, last_important_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace paizi::app
