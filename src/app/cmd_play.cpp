// `paizi play`: show a playlist on a display (or headless).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <unistd.h>

#include "app/cli.h"
#include "app/config.h"
#include "app/metrics.h"
#include "app/play_updates.h"
#include "app/service_link.h"
#include "app/status_file.h"
#include "content/playlist.h"
#include "content/timezone.h"
#include "net/http_client.h"
#include "platform/atomic_file.h"
#include "platform/tone.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

namespace paizi::app {

namespace {
// The headless real-clock loop's pace while something moves, ms (about
// 60 frames a second; a screen is paced by its vsync'd present).
constexpr int64_t kHeadlessFrameMs = 16;
}  // namespace

int cmd_play(Args& args) {
  using namespace std::chrono;
  const auto begun = steady_clock::now();
  const bool headless = args.flag("--headless");
  const bool realtime = args.flag("--realtime");  // headless on the real clock (service tests)
  const bool verbose = args.flag("--verbose");
  const auto window = args.value("--window");
  // [service] configuration: defaults < /etc/paizi/paizi.conf (or --config) < flags.
  PlayUpdateOptions update_options = read_play_update_options(args);  // [updates] --poll, --pubkey, ...
  const auto config_flag = args.value("--config");
  const std::string config_path = config_flag.value_or(kDefaultConfigPath);
  ConfigResult conf = load_config(config_path, config_flag.has_value());
  Config& cfg = conf.config;
  const std::set<std::string> given = apply_flags(args, cfg);  // flags, and their synonyms
  if (cfg.token.empty()) cfg.token = default_token_path();
  // Absolute once, here: every path into the state directory (assets,
  // pictures) is then absolute and never joined to a playlist's directory.
  if (std::error_code ec; !cfg.state_dir.empty())
    if (const auto abs = std::filesystem::absolute(cfg.state_dir, ec); !ec)
      cfg.state_dir = abs.lexically_normal().string();
  platform::Logger::Options lopt;
  lopt.level = verbose ? platform::Level::debug : cfg.log_level;
  platform::Logger log(lopt);
  for (const auto& pb : conf.problems) {
    std::string where = config_path;
    if (pb.line) where += ':' + std::to_string(pb.line);
    log.warning(where + ": " + pb.message);
  }
  const int rotate = cfg.rotation;
  const auto dur_arg = args.value("--duration");
  const auto shots = args.value("--screenshots");
  const auto atlas_arg = args.value("--atlas-mb");
  const auto pos = args.positionals();
  if (pos.size() > 1) throw UsageError{"play takes at most one PLAYLIST"};
  milliseconds total{0};
  if (dur_arg) {
    auto d = content::parse_duration(*dur_arg);
    if (!d) throw UsageError{"--duration must look like 60s, 5m or 1h"};
    total = *d;
  }
  if (headless && !realtime && total.count() == 0)
    throw UsageError{"--headless needs --duration (e.g. --duration 60s) or --realtime"};
  const std::string file = !pos.empty()            ? pos[0]
                           : !cfg.playlist.empty() ? cfg.playlist
                                                   : data_dir() + "/playlists/demo.json";

  // [updates] Remote URLs and watched files, the durable last-known-good,
  // status.json, heartbeat, display-off commands. Settings from the config
  // file fill in what the flags did not say.
  if (given.count("state_dir") || std::filesystem::exists(config_path))
    update_options.state_dir = cfg.state_dir;
  if (!cfg.public_key.empty() &&
      !platform::read_whole_file(cfg.public_key, update_options.updater.public_key))
    throw UsageError{"cannot read the public key " + cfg.public_key};
  // A token named by a flag must be readable; the configured or default one
  // (systemd's credential) only when it is there.
  if (!cfg.token.empty() && (given.count("token") || ::access(cfg.token.c_str(), R_OK) == 0)) {
    std::string tok;
    if (!platform::read_whole_file(cfg.token, tok))
      throw UsageError{"cannot read the token file " + cfg.token};
    while (!tok.empty() && std::isspace(static_cast<unsigned char>(tok.back()))) tok.pop_back();
    update_options.updater.token = tok;
  }
  update_options.heartbeat_url = cfg.heartbeat_url;
  update_options.updater.allow_unpinned = cfg.allow_unpinned_assets;
  update_options.updater.require_https = cfg.require_https;
  // The disk budget of downloaded content: 3/4 the playlist's assets, 1/8
  // copies of its sources, 1/8 the pictures they name.
  const size_t budget = static_cast<size_t>(cfg.cache_mib) << 20;
  update_options.updater.cache_budget_bytes = budget - budget / 4;
  net::HttpLimits source_limits;  // --fetch-timeout applies to feeds and articles too
  source_limits.total_timeout_ms = update_options.updater.limits.total_timeout_ms;
  source_limits.connect_timeout_ms = update_options.updater.limits.connect_timeout_ms;
  source_limits.https_only = cfg.require_https;  // feeds, articles, CAP: also after redirects
  update_options.log = &log;
  update_options.metrics_dir = metrics_dir(cfg.metrics_dir);
  update_options.started = begun;
  update_options.started_unix = static_cast<int64_t>(std::time(nullptr));
  PlayUpdates updates(std::move(update_options), file);
  content::Playlist pl = updates.initial();
  log.debug("config: state_dir=" + cfg.state_dir + " cache_dir=" + cfg.cache_dir +
            " driver=" + cfg.display_driver + " token=" + cfg.token + " public_key=" + cfg.public_key +
            " heartbeat_url=" + cfg.heartbeat_url);

  present::DisplayOptions dopt;
  dopt.rotate = rotate;
  if (window) {
    std::tie(dopt.width, dopt.height) = parse_size(*window, "--window");
  } else if (!headless) {
    dopt.fullscreen = true;
  }
  std::string err, note;
  auto display = headless ? present::open_headless(dopt, err)
                          : present::open_screen(dopt, cfg.display_driver, err, note);
  if (!display) {
    log.error(err);
    return kExitFailure;
  }
  if (!note.empty()) log.warning(note);
  log.info("playing " + file + " on " + display->name());
  ServiceLink link(log);  // [service] READY/STATUS/WATCHDOG, SIGHUP/SIGTERM
  if (shots) std::filesystem::create_directories(*shots);
  text::FontLibrary fonts;
  if (!fonts.emoji())
    log.warning(
        "no colour emoji font (install fonts-noto-color-emoji): emoji are drawn by the text fonts that "
        "have them, else as one box each");
  text::Shaper shaper(fonts);
  const int atlas_mb = parse_int(atlas_arg.value_or("32"), "--atlas-mb", 4, 1024);
  render::Painter painter(display->renderer(), static_cast<size_t>(atlas_mb) << 20);
  // Feeds/articles refresh on a worker thread; frames never wait for them.
  // Last good copies go to the state directory when it is usable.
  const bool state_ok = ::access(cfg.state_dir.c_str(), W_OK) == 0;
  sources::SourceData data(pl, state_ok ? cfg.state_dir : "");
  net::PictureLimits picture_limits;
  picture_limits.max_total_bytes = budget / 8;
  picture_limits.https_only = cfg.require_https;
  data.set_limits(source_limits, sources::CacheLimits{budget / 8}, picture_limits);
  data.set_require_https(cfg.require_https);
  data.set_location(content::parse_geo_point(cfg.location));
  // Failures are logged once per change of error state (not per retry);
  // the logger's rate limit still bounds a server that flaps every poll.
  ErrorStates error_states;
  auto log_errors = [&] {
    std::map<std::string, std::string> failing;
    if (std::string e = updates.sync_error(); !e.empty()) failing["playlist"] = e;
    if (std::string e = updates.incomplete(); !e.empty()) failing["playlist assets"] = e;
    for (auto& [id, e] : data.errors()) failing["source " + id] = e;
    for (auto& [url, e] : updates.integrity_incidents()) failing["integrity " + url] = e;
    error_states.update(failing, [&](const std::string& key, const std::string& e, bool changed_reason) {
      if (key.rfind("integrity ", 0) == 0) {  // one warning per incident: other bad bytes are a new one
        if (e.empty())
          log.info(key.substr(10) +
                   ": integrity failure over (its pinned bytes came back, or it is no longer named)");
        else
          log.warning(e + " (not kept; counted once until the pinned bytes come back)");
        return;
      }
      if (e.empty())
        log.info(key + ": fetched again");
      else if (changed_reason)
        log.debug(key + ": still failing: " + e);
      else if (key == "playlist")
        log.warning(e + " (the playlist on screen stays)");
      else if (key == "playlist assets")
        log.warning("playlist adopted without an asset: " + e);
      else if (key.size() > 8 && key.compare(key.size() - 8, 8, " picture") == 0)
        log.warning(key + ": " + e + " (its slide is shown without it)");
      else
        log.warning(key + ": " + e + " (showing its last good copy)");
    });
  };
  // Every CAP alert shown and cleared is logged once (journald under systemd).
  std::map<std::string, content::AlertNotice> alerts_on;
  platform::AttentionTone tone(log);
  content::ToneLedger toned;
  auto log_alerts = [&](const std::vector<content::AlertNotice>& now_on, int64_t unix_s) {
    for (auto it = alerts_on.begin(); it != alerts_on.end();) {
      const bool still =
          std::any_of(now_on.begin(), now_on.end(), [&](const auto& a) { return a.key == it->first; });
      if (still) {
        ++it;
        continue;
      }
      log.info("alert cleared: " + it->first + " (" +
               (it->second.until <= unix_s ? "expired" : "cancelled, updated or withdrawn") + ")");
      it = alerts_on.erase(it);
    }
    for (const content::AlertNotice& a : now_on) {
      if (!alerts_on.emplace(a.key, a).second) continue;
      log.warning("alert shown: " + a.key + ": " + content::to_string(a.severity) + " " + a.event + ": " +
                  a.headline +
                  (a.until == std::numeric_limits<int64_t>::max() ? "" : " until " + rfc3339_utc(a.until)));
      if (toned.wants(a) && tone.play()) log.info("alert tone: " + a.key);
    }
  };
  const bool simulated = headless && !realtime;
  if (simulated)
    data.refresh_now(static_cast<int64_t>(std::time(nullptr)));  // deterministic runs
  else
    data.start();
  // The configured zone was checked when the configuration was read.
  std::string zone_err;
  const std::optional<content::TimeZone> configured =
      cfg.timezone.empty() ? std::nullopt : content::TimeZone::load(cfg.timezone, zone_err);
  show::Player player(*display, shaper, painter, pl, &data,
                      configured ? *configured : content::TimeZone::system());
  // Dropped frames are counted on the real clock only: against the
  // headless loop's pace, or the screen's refresh period.
  int64_t frame_ms = kHeadlessFrameMs;
  if (!simulated) {
    SDL_DisplayMode mode{};
    const bool known = !headless && SDL_GetCurrentDisplayMode(0, &mode) == 0 && mode.refresh_rate > 0;
    if (known) frame_ms = std::max(1, 1000 / mode.refresh_rate);
    player.set_frame_interval(frame_ms);
  }
  // A present that waits for the panel's refresh (vsync, a page flip) paces
  // moving frames by itself; any other (SDL's software renderer in a window,
  // headless) is paced here, at the refresh rate: without it the software
  // window drew a ticker at 500 frames a second.
  int64_t last_drawn = -1;  // real-clock ms of the last frame presented
  uint64_t data_generation = data.generation();
  updates.start();
  uint64_t playing = player.adoptions();

  const auto start = steady_clock::now();
  const int64_t unix0 = static_cast<int64_t>(std::time(nullptr));
  const int64_t total_ms = total.count();
  int64_t t = 0;
  size_t shown_slide = SIZE_MAX, shown_page = SIZE_MAX;
  uint64_t shown_replaced = 0;
  std::set<std::string> warned;  // composition warnings already logged (slide id + message)
  const content::Playlist* shown_playlist = nullptr;
  bool quit = false;
  while (!quit) {
    if (!simulated) t = duration_cast<milliseconds>(steady_clock::now() - start).count();
    if (total_ms && t >= total_ms) break;
    const int64_t unix_s = simulated ? unix0 + t / 1000 : static_cast<int64_t>(std::time(nullptr));
    // The simulated clock does the worker's job itself, on its own time:
    // each source is fetched again when its refresh interval has passed.
    if (simulated) data.refresh_due(unix_s);
    if (data.generation() != data_generation) {
      data_generation = data.generation();
      if (!player.playlist().ticker.source.empty())
        player.set_ticker_items(data.headlines(player.playlist().ticker.source));
      player.data_changed(unix_s);  // a placeholder on screen is replaced at once
    }
    // Screen switched off by the schedule: nothing is drawn (the first
    // frame always is: READY=1 waits for it); the schedule still follows
    // the clock and switches it on again.
    const bool dark = updates.display_off() && player.stats().frames > 0;
    const bool drew = dark ? (player.rest(unix_s), false) : player.tick(t, unix_s);
    if (drew) last_drawn = t;
    // An image the painter cannot open (gone from the store, unreadable):
    // said once per failed load; its image slide is skipped (show/player.h),
    // a news slide is laid out without it (show::ComposeContext::can_draw).
    for (const std::string& e : painter.take_image_errors())
      log.warning(e + " (left out: an image slide is skipped, a news slide shown without its picture)");
    updates.step(player, painter, *display, unix_s,
                 data.health(unix_s));  // [updates] adoption, status, display power
    if (dark && !updates.display_off()) player.wake(t);
    log_errors();
    log_alerts(player.active_alerts(unix_s), unix_s);
    if (player.adoptions() != playing) {  // a new playlist is on screen: its sources
      playing = player.adoptions();
      data.update(player.playlist());
    }
    if (drew && (verbose || !headless) && player.stats().frames == 1) {
      // On a screen always (which presenter and renderer a board ended up
      // with is the first thing to know about it). steady_clock is
      // CLOCK_MONOTONIC, the clock of systemd's *TimestampMonotonic: a
      // harness can measure from exec, and check that READY=1 came after.
      const auto now = steady_clock::now();
      SDL_RendererInfo ri{};
      SDL_GetRendererInfo(display->renderer(), &ri);
      char line[256];
      std::snprintf(line, sizeof line, "first frame after %.1f ms on %s/%s (monotonic %.3f ms)",
                    duration<double, std::milli>(now - begun).count(), display->name().c_str(),
                    ri.name ? ri.name : "?", duration<double, std::milli>(now.time_since_epoch()).count());
      log.info(line);
      if (verbose)
        log.debug(std::string("frames assembled ") + (player.direct_pixels()
                                                          ? "in the software canvas's memory"
                                                          : "with render-target textures"));
    }
    if (player.stats().frames > 0)  // [service] READY=1 after the first frame, STATUS=, watchdog
      // The playlist on screen, which an update replaces (not the first one's name).
      link.frame_presented(player.playlist().name.empty() ? file : player.playlist().name, player.slide().id,
                           player.slide_index(), player.playlist().slides.size());
    // A new slide or page, the same one with new data, or a new playlist
    // (whose first slide may have the index of the one it replaced).
    const bool changed = !player.in_transition() &&
                         (player.slide_index() != shown_slide || player.page() != shown_page ||
                          player.replaced() != shown_replaced || &player.playlist() != shown_playlist);
    if (changed) {
      shown_playlist = &player.playlist();
      shown_slide = player.slide_index();
      shown_page = player.page();
      shown_replaced = player.replaced();
      const std::string& id = player.slide().id;
      if (verbose) {
        const auto& st = painter.atlas().stats();
        char line[256];
        std::snprintf(line, sizeof line,
                      "%lld ms: slide %s page %zu/%zu; atlas hits=%llu misses=%llu evictions=%llu bytes=%zu; "
                      "frames=%llu",
                      static_cast<long long>(t), id.c_str(), shown_page + 1, player.page_count(),
                      static_cast<unsigned long long>(st.hits), static_cast<unsigned long long>(st.misses),
                      static_cast<unsigned long long>(st.evictions), st.bytes,
                      static_cast<unsigned long long>(player.stats().frames));
        log.debug(line);
      }
      for (const auto& w : player.warnings())  // once per slide and message, not at every turn
        if (warned.insert(id + "\n" + w).second) log.warning("slide " + id + ": " + w);
      if (player.stats().last_missing > 0)
        log.warning("slide " + id + ": " + std::to_string(player.stats().last_missing) +
                    " code points have no glyph in any installed font (drawn as boxes)");
      if (shots) {
        char name[160];
        std::snprintf(name, sizeof name, "%08lld-%s-p%zu.png", static_cast<long long>(t), id.c_str(),
                      shown_page);
        auto img = display->snapshot(err);
        const std::string path = (std::filesystem::path(*shots) / name).string();
        if (img && render::write_png(img.get(), path, err))
          std::printf("%s\n", path.c_str());
        else
          log.error(err);
      }
    }
    // [service] SIGTERM/SIGINT stop cleanly; SIGHUP re-reads the playlist: a
    // good one is adopted at the next slide boundary, a broken one is
    // reported and the current one keeps playing.
    const platform::SignalRequests req = link.take_requests();
    if (req.stop) {
      log.info(std::string("stopping on ") + (req.stop_signal == SIGINT ? "SIGINT" : "SIGTERM"));
      link.stopping();
      break;
    }
    if (req.reload) {
      // Check the playlist now; a good new one is adopted at the next slide
      // boundary, a broken one is reported and the current one keeps playing.
      link.reloading();
      updates.force_check();
      player.request_redraw();
    }
    if (simulated) {
      // Simulated clock: jump to the next discrete change (the screen off:
      // a second, the schedule's resolution).
      link.tick();
      t = dark ? t + 1000 : std::max(t + 1, player.next_change_ms());
      continue;
    }
    // Real clock: sleep until the next change (in watchdog-sized slices);
    // while something moves, the vsync'd present paces the loop.
    const int64_t now = duration_cast<milliseconds>(steady_clock::now() - start).count();
    const int64_t next_frame = display->paced() || last_drawn < 0 ? now + 1 : last_drawn + frame_ms;
    int64_t wait = dark                 ? 1000
                   : player.animating() ? std::max<int64_t>(1, next_frame - now)
                                        : std::max<int64_t>(1, player.next_event_ms() - now);
    wait = std::min<int64_t>(wait, link.max_slice().count());
    if (headless) {
      link.sleep(milliseconds(wait));
    } else {
      SDL_Event ev;
      if (SDL_WaitEventTimeout(&ev, static_cast<int>(wait))) {
        if (ev.type == SDL_QUIT ||
            (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)))
          quit = true;
        // The window system lost what was shown (uncovered on X11, surfaces
        // made again by KMSDRM): draw the frame again, even a still one.
        if (ev.type == SDL_WINDOWEVENT &&
            (ev.window.event == SDL_WINDOWEVENT_EXPOSED || ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
          player.request_redraw();
      }
      link.tick();
    }
  }
  return kExitOk;
}

}  // namespace paizi::app
