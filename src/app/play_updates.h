// `paizi play` with a playlist that can change: remote URLs and watched
// local files (sources/playlist_updater.h), the durable last-known-good,
// status.json, the optional heartbeat, display-off commands and SIGHUP.
// cmd_play.cpp creates one and calls `step()` from its loop.
//
// Options it takes from the command line: --poll TIME (60s), --asset-root
// DIR (repeatable), --status-every TIME (60s; slide-only status changes),
// --fetch-timeout TIME (30s; also for feeds and articles), --max-playlist-bytes N
// (1 MiB), --runtime-dir DIR (where status.json goes: default
// $RUNTIME_DIRECTORY, i.e. /run/paizi under the unit, else the state
// directory), --metrics-every TIME (5s; how often the metrics file is
// rewritten while only counters and gauges move). The state directory,
// public key, token, heartbeat URL, metrics directory and disk budget are
// in Config (app/config.h, apply_flags): cmd_play fills them in from there.
//
// SIGHUP is taken by the play loop (ServiceLink) and forwarded to force_check().
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "app/cli.h"
#include "app/metrics.h"
#include "app/status_file.h"
#include "content/playlist.h"
#include "platform/log.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/playlist_updater.h"
#include "sources/source_data.h"

namespace paizi::app {

// The options above, taken out of `args` (throws UsageError); the rest
// (state_dir, heartbeat_url, the updater's key and token) is filled in from
// the Config.
struct PlayUpdateOptions {
  sources::UpdaterOptions updater;  // source filled in by PlayUpdates
  std::optional<std::string> state_dir;
  std::optional<std::string> runtime_dir;
  std::string heartbeat_url;
  std::chrono::milliseconds status_every{60000};
  std::string metrics_dir;  // where paizi.prom goes (app/metrics.h metrics_dir()); "" = no metrics
  std::chrono::milliseconds metrics_every{5000};
  // When `paizi play` started (for the first-frame time and
  // paizi_start_time_seconds): steady clock and Unix s UTC.
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int64_t started_unix = 0;
  platform::Logger* log = nullptr;  // display power changes and their commands' failures (none: not logged)
};
PlayUpdateOptions read_play_update_options(Args& args);

// Logs each failing thing (the playlist, a source) once per change of its
// error state: once with the reason when it starts failing, once when it
// recovers; never once per retry. A different reason while it keeps failing
// (a hostile server's answers vary: byte counts, zlib messages) is not a new
// state: it is in status.json's "errors" list and reported at debug level.
class ErrorStates {
 public:
  using Report = std::function<void(const std::string& key, const std::string& error, bool changed_reason)>;
  // `failing`: every key failing now with its reason (absent = fine). Calls
  // `report` for each key whose state changed (an empty error = recovered),
  // and with `changed_reason` set when only the reason of a failing key did.
  void update(const std::map<std::string, std::string>& failing, const Report& report);

 private:
  std::map<std::string, std::string> failing_;  // key -> last reason
};

class PlayUpdates {
 public:
  PlayUpdates(PlayUpdateOptions options, std::string source);
  ~PlayUpdates();
  PlayUpdates(const PlayUpdates&) = delete;
  PlayUpdates& operator=(const PlayUpdates&) = delete;

  // What to show first: the source itself when it can be had now and is
  // valid (local files, reachable servers), else the last-known-good, else
  // a built-in "waiting for the playlist" slide. Never fails.
  content::Playlist initial();
  // Starts the background checks.
  void start();
  // Checks the playlist source now (SIGHUP; see platform/signals via ServiceLink).
  void force_check();
  // Once per loop iteration: hands an adopted playlist to the player (it
  // switches at the next slide boundary), forwards SIGHUP, runs the
  // display-off/on commands, rewrites status.json and sends the heartbeat.
  // `unix_s`: wall-clock time of this frame (Unix s, UTC), also used to
  // decide whether the clock can be trusted for scheduling.
  // `sources`: how the playlist's sources are doing (for the metrics).
  void step(show::Player& player, render::Painter& painter, present::Display& display, int64_t unix_s,
            const sources::SourceHealth& sources);
  // The player stops: status.json gets the show's last counters.
  void stop(const show::Player& player, render::Painter& painter, int64_t unix_s);
  // Whether the schedule has the screen switched off now (display_power).
  bool display_off() const { return display_off_; }
  // Why the last check of the playlist failed; empty when it succeeded.
  std::string sync_error() const { return updater_->status().error; }
  // The assets the playlist on screen lacks, and the slides left out for
  // them; empty when it is complete.
  std::string incomplete() const { return updater_->status().incomplete; }
  // The open integrity incidents: asset URL -> its integrity failure
  // (sources::UpdaterStatus::integrity_incidents).
  std::map<std::string, std::string> integrity_incidents() const {
    return updater_->status().integrity_incidents;
  }

 private:
  void display_power(const show::ScheduleState& st, const content::Playlist& pl);
  StatusSnapshot snapshot(const show::Player& player, render::Painter& painter, const show::ScheduleState& st,
                          int64_t unix_s) const;
  void heartbeat(const std::string& status, present::Display& display);
  // Rewrites the metrics file when due, with the fields only it has.
  void write_metrics(StatusSnapshot& s, const show::Player& player, int64_t unix_s,
                     const sources::SourceHealth& sources, std::chrono::steady_clock::time_point now);

  std::string source_;
  std::string state_dir_, temp_dir_;  // temp_dir_: when no state dir is writable
  std::string runtime_dir_;           // status.json, thumbnails: tmpfs when there is one
  std::unique_ptr<sources::PlaylistUpdater> updater_;
  std::unique_ptr<StatusFile> status_;
  std::unique_ptr<MetricsFile> metrics_;  // null: no metrics directory
  std::chrono::steady_clock::time_point started_;
  int64_t started_unix_ = 0;
  size_t asset_budget_ = 0;
  double first_frame_s_ = -1;
  std::string metrics_warned_;  // last metrics write error reported
  std::string heartbeat_url_;
  std::unique_ptr<net::HttpClient> heartbeat_client_;
  std::string heartbeat_said_;    // the kind of the last failure said ("" = none)
  std::string heartbeat_error_;   // the last POST's error ("" = sent); written by its thread
  std::string heartbeat_kind_;    // its kind: "status/libcurl code" ("" = sent); ditto
  std::thread heartbeat_thread_;  // one POST at a time, off the main thread
  std::atomic<bool> heartbeat_busy_{false};
  void reap_commands();
  void reap_heartbeat();
  bool display_off_ = false;
  platform::Logger* log_ = nullptr;
  void warn(const std::string& text) const;
  std::vector<std::pair<pid_t, std::string>> commands_;  // display commands still running: pid, what

  bool ntp_unsynced_ = false;
  std::chrono::steady_clock::time_point ntp_checked_{};
  std::string warned_;
};

}  // namespace paizi::app
