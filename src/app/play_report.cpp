#include "app/play_report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "app/status_file.h"

namespace paizi::app {

PlayReport::PlayReport(platform::Logger& log, bool verbose, std::optional<std::string> shots)
    : log_(log), verbose_(verbose), shots_(std::move(shots)), tone_(log) {
  if (shots_) std::filesystem::create_directories(*shots_);
}

// Failures are logged once per change of error state (not per retry); the
// logger's rate limit still bounds a server that flaps every poll.
void PlayReport::errors(const PlayUpdates& updates, const sources::SourceData& data) {
  std::map<std::string, std::string> failing;
  if (std::string e = updates.sync_error(); !e.empty()) failing["playlist"] = e;
  if (std::string e = updates.incomplete(); !e.empty()) failing["playlist assets"] = e;
  for (auto& [id, e] : data.errors()) failing["source " + id] = e;
  for (auto& [url, e] : updates.integrity_incidents()) failing["integrity " + url] = e;
  error_states_.update(failing, [&](const std::string& key, const std::string& e, bool changed_reason) {
    if (key.rfind("integrity ", 0) == 0) {  // one warning per incident: other bad bytes are a new one
      if (e.empty())
        log_.info(key.substr(10) +
                  ": integrity failure over (its pinned bytes came back, or it is no longer named)");
      else
        log_.warning(e + " (not kept; counted once until the pinned bytes come back)");
      return;
    }
    if (e.empty())
      log_.info(key + ": fetched again");
    else if (changed_reason)
      log_.debug(key + ": still failing: " + e);
    else if (key == "playlist")
      log_.warning(e + " (the playlist on screen stays)");
    else if (key == "playlist assets")
      log_.warning("playlist adopted without an asset: " + e);
    else if (key.size() > 8 && key.compare(key.size() - 8, 8, " picture") == 0)
      log_.warning(key + ": " + e + " (its slide is shown without it)");
    else
      log_.warning(key + ": " + e + " (showing its last good copy)");
  });
}

// Every CAP alert shown and cleared is logged once (journald under systemd).
void PlayReport::alerts(const std::vector<content::AlertNotice>& now_on, int64_t unix_s) {
  for (auto it = alerts_on_.begin(); it != alerts_on_.end();) {
    const bool still =
        std::any_of(now_on.begin(), now_on.end(), [&](const auto& a) { return a.key == it->first; });
    if (still) {
      ++it;
      continue;
    }
    log_.info("alert cleared: " + it->first + " (" +
              (it->second.until <= unix_s ? "expired" : "cancelled, updated or withdrawn") + ")");
    it = alerts_on_.erase(it);
  }
  for (const content::AlertNotice& a : now_on) {
    if (!alerts_on_.emplace(a.key, a).second) continue;
    log_.warning("alert shown: " + a.key + ": " + content::to_string(a.severity) + " " + a.event + ": " +
                 a.headline +
                 (a.until == std::numeric_limits<int64_t>::max() ? "" : " until " + rfc3339_utc(a.until)));
    if (toned_.wants(a) && tone_.play()) log_.info("alert tone: " + a.key);
  }
}

// An image the painter cannot open (gone from the store, unreadable): said
// once per failed load; its image slide is skipped (show/player.h), a news
// slide is laid out without it (show::ComposeContext::can_draw).
void PlayReport::image_errors(render::Painter& painter) {
  for (const std::string& e : painter.take_image_errors())
    log_.warning(e + " (left out: an image slide is skipped, a news slide shown without its picture)");
}

// On a screen always (which presenter and renderer a board ended up with is
// the first thing to know about it). steady_clock is CLOCK_MONOTONIC, the
// clock of systemd's *TimestampMonotonic: a harness can measure from exec,
// and check that READY=1 came after.
void PlayReport::first_frame(present::Display& display, const show::Player& player,
                             std::chrono::steady_clock::time_point begun) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  SDL_RendererInfo ri{};
  SDL_GetRendererInfo(display.renderer(), &ri);
  char line[256];
  std::snprintf(line, sizeof line, "first frame after %.1f ms on %s/%s (monotonic %.3f ms)",
                duration<double, std::milli>(now - begun).count(), display.name().c_str(),
                ri.name ? ri.name : "?", duration<double, std::milli>(now.time_since_epoch()).count());
  log_.info(line);
  if (verbose_)
    log_.debug(std::string("frames assembled ") +
               (player.direct_pixels() ? "in the software canvas's memory" : "with render-target textures"));
}

void PlayReport::videos(show::Player& player) {
  for (const std::string& m : player.take_video_problems())
    if (warned_.insert("video\n" + m).second) log_.warning(m);
  if (const std::string out = player.audio_output(); !out.empty() && out != audio_output_) {
    audio_output_ = out;
    if (out.rfind("none", 0) != 0) log_.info("video: sound through " + out);
  }
  const std::string said = player.video_decoder() + "\n" + player.video_fallback();
  if (player.video_decoder().empty() || said == video_decoder_) return;
  video_decoder_ = said;
  if (player.video_fallback().empty())
    log_.info("video: decoding with " + player.video_decoder());
  else
    log_.warning("video: decoding with " + player.video_decoder() +
                 ", not in hardware: " + player.video_fallback());
}

void PlayReport::frame(int64_t t, const show::Player& player, render::Painter& painter,
                       present::Display& display) {
  // A new slide or page, the same one with new data, or a new playlist
  // (whose first slide may have the index of the one it replaced).
  const bool changed = !player.in_transition() &&
                       (player.slide_index() != shown_slide_ || player.page() != shown_page_ ||
                        player.replaced() != shown_replaced_ || &player.playlist() != shown_playlist_);
  if (!changed) return;
  shown_playlist_ = &player.playlist();
  shown_slide_ = player.slide_index();
  shown_page_ = player.page();
  shown_replaced_ = player.replaced();
  slide_shown(t, player, painter, display);
}

void PlayReport::slide_shown(int64_t t, const show::Player& player, render::Painter& painter,
                             present::Display& display) {
  const std::string& id = player.slide().id;
  if (verbose_) {
    const auto& st = painter.atlas().stats();
    char line[256];
    std::snprintf(line, sizeof line,
                  "%lld ms: slide %s page %zu/%zu; atlas hits=%llu misses=%llu evictions=%llu bytes=%zu; "
                  "frames=%llu",
                  static_cast<long long>(t), id.c_str(), shown_page_ + 1, player.page_count(),
                  static_cast<unsigned long long>(st.hits), static_cast<unsigned long long>(st.misses),
                  static_cast<unsigned long long>(st.evictions), st.bytes,
                  static_cast<unsigned long long>(player.stats().frames));
    log_.debug(line);
  }
  for (const auto& w : player.warnings())  // once per slide and message, not at every turn
    if (warned_.insert(id + "\n" + w).second) log_.warning("slide " + id + ": " + w);
  if (player.stats().last_missing > 0)
    log_.warning("slide " + id + ": " + std::to_string(player.stats().last_missing) +
                 " code points have no glyph in any installed font (drawn as boxes)");
  if (!shots_) return;
  char name[160];
  std::snprintf(name, sizeof name, "%08lld-%s-p%zu.png", static_cast<long long>(t), id.c_str(), shown_page_);
  std::string err;
  auto img = display.snapshot(err);
  const std::string path = (std::filesystem::path(*shots_) / name).string();
  if (img && render::write_png(img.get(), path, err))
    std::printf("%s\n", path.c_str());
  else
    log_.error(err);
}

}  // namespace paizi::app
