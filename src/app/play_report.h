// What `paizi play` says while it plays (the reporting part of cmd_play):
// failures once per change of state, CAP alerts shown and cleared, the
// first frame, each new slide or page (its composition warnings once,
// missing glyphs, the verbose atlas line) and the --screenshots files.
// Everything goes through the logger; only the screenshot paths are printed
// on stdout, one a line, for scripts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/play_updates.h"
#include "content/cap.h"
#include "platform/log.h"
#include "platform/tone.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

namespace paizi::app {

class PlayReport {
 public:
  // `shots`: the --screenshots directory (created here), or none.
  PlayReport(platform::Logger& log, bool verbose, std::optional<std::string> shots);

  // Each failing thing (the playlist, its assets, a source, an integrity
  // incident) logged once when it starts failing and once when it recovers.
  void errors(const PlayUpdates& updates, const sources::SourceData& data);
  // Every CAP alert logged once when shown and once when cleared; the
  // attention tone for the alerts that want one.
  void alerts(const std::vector<content::AlertNotice>& now_on, int64_t unix_s);
  // Images the painter could not open since the last call.
  void image_errors(render::Painter& painter);
  // Video slides: the decoder of each clip when it changes (info; the
  // fallback from hardware a warning), and clips left out or cut short,
  // each reason once.
  void videos(show::Player& player);
  // The first frame: after how long, on which presenter and renderer.
  void first_frame(present::Display& display, const show::Player& player,
                   std::chrono::steady_clock::time_point begun);
  // A clean stop on `signal` (SIGTERM, SIGINT).
  void stopping(const char* signal) { log_.info(std::string("stopping on ") + signal); }
  // After each frame at simulated or real time `t` (ms): when a new slide,
  // page, data or playlist is on screen, its warnings and the screenshot.
  void frame(int64_t t, const show::Player& player, render::Painter& painter, present::Display& display);

 private:
  void slide_shown(int64_t t, const show::Player& player, render::Painter& painter,
                   present::Display& display);

  platform::Logger& log_;
  bool verbose_;
  std::optional<std::string> shots_;
  ErrorStates error_states_;
  std::map<std::string, content::AlertNotice> alerts_on_;
  platform::AttentionTone tone_;
  content::ToneLedger toned_;
  // What is on screen: slide, page, data version and playlist.
  size_t shown_slide_ = SIZE_MAX, shown_page_ = SIZE_MAX;
  uint64_t shown_replaced_ = 0;
  const content::Playlist* shown_playlist_ = nullptr;
  std::set<std::string> warned_;  // composition warnings already logged (slide id + message)
  std::string video_decoder_;     // the last said
  std::string audio_output_;      // the sound output last said
};

}  // namespace paizi::app
