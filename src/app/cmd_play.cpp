// `paizi play`: show a playlist on a display (or headless).
//
// In three parts: setup (read_setup, fill_update_options, the objects made
// in cmd_play), the loop (PlayLoop: one iteration per frame or wait) and
// reporting (app/play_report.h: everything said while it plays).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include <unistd.h>

#include "app/cli.h"
#include "app/config.h"
#include "app/metrics.h"
#include "app/play_report.h"
#include "app/play_updates.h"
#include "app/service_link.h"
#include "app/video.h"
#include "content/playlist.h"
#include "content/timezone.h"
#include "net/http_client.h"
#include "platform/atomic_file.h"
#include "platform/paths.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

namespace paizi::app {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The headless real-clock loop's pace while something moves, ms (about
// 60 frames a second; a screen is paced by its vsync'd present).
constexpr int64_t kHeadlessFrameMs = 16;

// `play`'s own flags, which are not configuration keys.
struct PlayFlags {
  bool headless = false;
  bool realtime = false;  // headless on the real clock (service tests)
  bool verbose = false;
  std::optional<std::string> window;  // WIDTHxHEIGHT
  std::optional<std::string> shots;   // --screenshots DIR
  int64_t total_ms = 0;               // --duration; 0 = until stopped
  int atlas_mb = 32;
  // The simulated clock: headless runs jump from one change to the next.
  bool simulated() const { return headless && !realtime; }
};

constexpr FlagOption<PlayFlags> kPlayFlags[] = {
    {"--window", "", [](PlayFlags& f, const std::string&, const std::string& v) { f.window = v; }},
    {"--screenshots", "", [](PlayFlags& f, const std::string&, const std::string& v) { f.shots = v; }},
    {"--duration", "",
     [](PlayFlags& f, const std::string&, const std::string& v) {
       const auto d = content::parse_duration(v);
       if (!d) throw UsageError{"--duration must look like 60s, 5m or 1h"};
       f.total_ms = d->count();
     }},
    {"--atlas-mb", "",
     [](PlayFlags& f, const std::string& flag, const std::string& v) {
       f.atlas_mb = parse_int(v, flag, 4, 1024);
     }},
};

// Everything `play` was told: defaults < the config file < the flags.
struct PlaySetup {
  PlayFlags flags;
  PlayUpdateOptions updates;  // [updates] --poll, --asset-root, ...
  std::string config_path;
  ConfigResult conf;
  std::set<std::string> given;  // configuration keys set by a flag
  std::string file;             // the playlist: path or URL
};

PlaySetup read_setup(Args& args) {
  PlaySetup s;
  s.flags.headless = args.flag("--headless");
  s.flags.realtime = args.flag("--realtime");
  s.flags.verbose = args.flag("--verbose");
  apply_flag_table<PlayFlags>(args, kPlayFlags, s.flags);
  s.updates = read_play_update_options(args);
  const auto config_flag = args.value("--config");
  s.config_path = config_flag.value_or(kDefaultConfigPath);
  s.conf = load_config(s.config_path, config_flag.has_value());
  Config& cfg = s.conf.config;
  s.given = apply_flags(args, cfg);  // flags, and their synonyms
  if (cfg.token.empty()) cfg.token = default_token_path();
  // Absolute once, here: every path into the state directory (assets,
  // pictures) is then absolute and never joined to a playlist's directory.
  if (!cfg.state_dir.empty()) cfg.state_dir = platform::absolute_path(cfg.state_dir);
  const auto pos = args.positionals();
  if (pos.size() > 1) throw UsageError{"play takes at most one PLAYLIST"};
  if (s.flags.simulated() && s.flags.total_ms == 0)
    throw UsageError{"--headless needs --duration (e.g. --duration 60s) or --realtime"};
  s.file = !pos.empty() ? pos[0] : !cfg.playlist.empty() ? cfg.playlist : data_dir() + "/playlists/demo.json";
  return s;
}

// [updates] Remote URLs and watched files, the durable last-known-good,
// status.json, heartbeat, display-off commands: the settings of the config
// file fill in what the flags did not say.
void fill_update_options(PlaySetup& s) {
  const Config& cfg = s.conf.config;
  PlayUpdateOptions& u = s.updates;
  if (s.given.count("state_dir") || std::filesystem::exists(s.config_path)) u.state_dir = cfg.state_dir;
  if (!cfg.public_key.empty() && !platform::read_whole_file(cfg.public_key, u.updater.public_key))
    throw UsageError{"cannot read the public key " + cfg.public_key};
  // A token named by a flag must be readable; the configured or default one
  // (systemd's credential) only when it is there.
  if (!cfg.token.empty() && (s.given.count("token") || ::access(cfg.token.c_str(), R_OK) == 0)) {
    std::string tok;
    if (!platform::read_whole_file(cfg.token, tok))
      throw UsageError{"cannot read the token file " + cfg.token};
    while (!tok.empty() && std::isspace(static_cast<unsigned char>(tok.back()))) tok.pop_back();
    u.updater.token = tok;
  }
  u.heartbeat_url = cfg.heartbeat_url;
  u.updater.allow_unpinned = cfg.allow_unpinned_assets;
  u.updater.require_https = cfg.require_https;
  // The disk budget of downloaded content: 3/4 the playlist's assets, 1/8
  // copies of its sources, 1/8 the pictures they name.
  const size_t budget = static_cast<size_t>(cfg.cache_mib) << 20;
  u.updater.cache_budget_bytes = budget - budget / 4;
  u.metrics_dir = metrics_dir(cfg.metrics_dir);
  u.started_unix = static_cast<int64_t>(std::time(nullptr));
}

// Feeds, articles and CAP refresh on a worker thread (frames never wait for
// them), within 1/8 of the disk budget each for their copies and pictures,
// with --fetch-timeout and require_https. Last good copies go to the state
// directory when it is usable.
void configure_sources(sources::SourceData& data, const Config& cfg, const net::HttpLimits& updater_limits) {
  const size_t budget = static_cast<size_t>(cfg.cache_mib) << 20;
  net::HttpLimits limits;
  limits.total_timeout_ms = updater_limits.total_timeout_ms;
  limits.connect_timeout_ms = updater_limits.connect_timeout_ms;
  limits.https_only = cfg.require_https;  // feeds, articles, CAP: also after redirects
  net::PictureLimits picture_limits;
  picture_limits.max_total_bytes = budget / 8;
  picture_limits.https_only = cfg.require_https;
  data.set_limits(limits, sources::CacheLimits{budget / 8}, picture_limits);
  data.set_require_https(cfg.require_https);
  data.set_location(content::parse_geo_point(cfg.location));
}

std::unique_ptr<present::Display> open_display(const PlaySetup& s, platform::Logger& log) {
  present::DisplayOptions dopt;
  dopt.rotate = s.conf.config.rotation;
  if (s.flags.window)
    std::tie(dopt.width, dopt.height) = parse_size(*s.flags.window, "--window");
  else if (!s.flags.headless)
    dopt.fullscreen = true;
  std::string err, note;
  auto display = s.flags.headless ? present::open_headless(dopt, err)
                                  : present::open_screen(dopt, s.conf.config.display_driver, err, note);
  if (!display) log.error(err);
  if (!note.empty()) log.warning(note);
  return display;
}

// The loop of `paizi play`: on the simulated clock it jumps from one change
// to the next; on the real clock it sleeps until the next change, paced by
// the present while something moves.
class PlayLoop {
 public:
  struct Parts {
    const PlayFlags& flags;
    const std::string& file;
    steady_clock::time_point begun;
    present::Display& display;
    render::Painter& painter;
    show::Player& player;
    sources::SourceData& data;
    PlayUpdates& updates;
    ServiceLink& link;
    PlayReport& report;
  };
  explicit PlayLoop(Parts p);
  void run();

 private:
  // One iteration at `t` ms of the show; false when the show is to stop.
  bool step(int64_t t);
  void follow_data(int64_t unix_s);
  // After a frame: READY=1 and STATUS= once it is the first, the slide's report.
  void frame_done(bool drew, int64_t t);
  // SIGTERM/SIGINT: false (stop); SIGHUP: the playlist checked now.
  bool follow_signals();
  // Real clock: waits for the next change or frame; false when the window
  // was closed (or Esc or q).
  bool wait(bool dark);

  Parts p_;
  steady_clock::time_point start_;
  int64_t unix0_ = 0;
  int64_t frame_ms_ = kHeadlessFrameMs;
  int64_t last_drawn_ = -1;     // real-clock ms of the last frame presented
  bool clock_started_ = false;  // the first frame is on screen (the real clock runs from then)
  bool dark_ = false;           // the schedule has the screen off
  uint64_t data_generation_ = 0;
  uint64_t playing_ = 0;  // adoptions of the playlist whose sources are fetched
};

PlayLoop::PlayLoop(Parts p) : p_(p) {
  // Dropped frames are counted on the real clock only: against the
  // headless loop's pace, or the screen's refresh period.
  if (!p_.flags.simulated()) {
    SDL_DisplayMode mode{};
    const bool known =
        !p_.flags.headless && SDL_GetCurrentDisplayMode(0, &mode) == 0 && mode.refresh_rate > 0;
    if (known) frame_ms_ = std::max(1, 1000 / mode.refresh_rate);
    p_.player.set_frame_interval(frame_ms_);
  }
  data_generation_ = p_.data.generation();
  p_.updates.start();
  playing_ = p_.player.adoptions();
}

void PlayLoop::run() {
  start_ = steady_clock::now();
  unix0_ = static_cast<int64_t>(std::time(nullptr));
  int64_t t = 0;
  for (;;) {
    if (!p_.flags.simulated()) t = duration_cast<milliseconds>(steady_clock::now() - start_).count();
    if (p_.flags.total_ms && t >= p_.flags.total_ms) break;
    if (!step(t) || !follow_signals()) break;
    // The real clock starts when the first frame is on screen: making it
    // (fonts, the first slide, a clip's first frame) is not time the show
    // has spent, and a clip counted from before would start with its first
    // frames already overdue (dropped).
    if (!p_.flags.simulated() && !clock_started_ && p_.player.stats().frames > 0) {
      clock_started_ = true;
      start_ = steady_clock::now() - milliseconds(t);
    }
    if (p_.flags.simulated()) {
      // Simulated clock: jump to the next discrete change (the screen off:
      // a second, the schedule's resolution).
      p_.link.tick();
      t = dark_ ? t + 1000 : std::max(t + 1, p_.player.next_change_ms());
    } else if (!wait(dark_)) {
      break;
    }
  }
  p_.updates.stop(p_.player, p_.painter,
                  p_.flags.simulated() ? unix0_ + t / 1000 : static_cast<int64_t>(std::time(nullptr)));
}

bool PlayLoop::step(int64_t t) {
  const int64_t unix_s = p_.flags.simulated() ? unix0_ + t / 1000 : static_cast<int64_t>(std::time(nullptr));
  follow_data(unix_s);
  // Screen switched off by the schedule: nothing is drawn (the first frame
  // always is: READY=1 waits for it); the schedule still follows the clock
  // and switches it on again.
  dark_ = p_.updates.display_off() && p_.player.stats().frames > 0;
  const bool drew = dark_ ? (p_.player.rest(unix_s), false) : p_.player.tick(t, unix_s);
  if (drew) last_drawn_ = t;
  p_.report.image_errors(p_.painter);
  p_.report.videos(p_.player);
  p_.updates.step(p_.player, p_.painter, p_.display, unix_s,
                  p_.data.health(unix_s));  // [updates] adoption, status, display power
  if (dark_ && !p_.updates.display_off()) p_.player.wake(t);
  p_.report.errors(p_.updates, p_.data);
  p_.report.alerts(p_.player.active_alerts(unix_s), unix_s);
  if (p_.player.adoptions() != playing_) {  // a new playlist is on screen: its sources
    playing_ = p_.player.adoptions();
    p_.data.update(p_.player.playlist());
  }
  frame_done(drew, t);
  return true;
}

void PlayLoop::follow_data(int64_t unix_s) {
  // The simulated clock does the worker's job itself, on its own time: each
  // source is fetched again when its refresh interval has passed.
  if (p_.flags.simulated()) p_.data.refresh_due(unix_s);
  if (p_.data.generation() == data_generation_) return;
  data_generation_ = p_.data.generation();
  if (!p_.player.playlist().ticker.source.empty())
    p_.player.set_ticker_items(p_.data.headlines(p_.player.playlist().ticker.source));
  p_.player.data_changed(unix_s);  // a placeholder on screen is replaced at once
}

void PlayLoop::frame_done(bool drew, int64_t t) {
  show::Player& player = p_.player;
  if (drew && (p_.flags.verbose || !p_.flags.headless) && player.stats().frames == 1)
    p_.report.first_frame(p_.display, player, p_.begun);
  if (player.stats().frames > 0)  // [service] READY=1 after the first frame, STATUS=, watchdog
    // The playlist on screen, which an update replaces (not the first one's name).
    p_.link.frame_presented(player.playlist().name.empty() ? p_.file : player.playlist().name,
                            player.slide().id, player.slide_index(), player.playlist().slides.size());
  p_.report.frame(t, player, p_.painter, p_.display);
}

bool PlayLoop::follow_signals() {
  // [service] SIGTERM/SIGINT stop cleanly; SIGHUP re-reads the playlist: a
  // good one is adopted at the next slide boundary, a broken one is
  // reported and the current one keeps playing.
  const platform::SignalRequests req = p_.link.take_requests();
  if (req.stop) {
    p_.report.stopping(req.stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
    p_.link.stopping();
    return false;
  }
  if (req.reload) {
    p_.link.reloading();
    p_.updates.force_check();
    p_.player.request_redraw();
  }
  return true;
}

bool PlayLoop::wait(bool dark) {
  // Sleep until the next change (in watchdog-sized slices); while something
  // moves, a present that waits for the panel's refresh (vsync, a page
  // flip) paces the loop by itself; any other (SDL's software renderer in a
  // window, headless) is paced here, at the refresh rate: without it the
  // software window drew a ticker at 500 frames a second.
  const int64_t now = duration_cast<milliseconds>(steady_clock::now() - start_).count();
  const int64_t next_frame = p_.display.paced() || last_drawn_ < 0 ? now + 1 : last_drawn_ + frame_ms_;
  int64_t wait = dark                    ? 1000
                 : p_.player.animating() ? std::max<int64_t>(1, next_frame - now)
                                         : std::max<int64_t>(1, p_.player.next_event_ms() - now);
  wait = std::min<int64_t>(wait, p_.link.max_slice().count());
  if (p_.flags.headless) {
    p_.link.sleep(milliseconds(wait));
    return true;
  }
  bool quit = false;
  SDL_Event ev;
  if (SDL_WaitEventTimeout(&ev, static_cast<int>(wait))) {
    if (ev.type == SDL_QUIT ||
        (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)))
      quit = true;
    // The window system lost what was shown (uncovered on X11, surfaces made
    // again by KMSDRM): draw the frame again, even a still one.
    if (ev.type == SDL_WINDOWEVENT &&
        (ev.window.event == SDL_WINDOWEVENT_EXPOSED || ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
      p_.player.request_redraw();
  }
  p_.link.tick();
  return !quit;
}

}  // namespace

int cmd_play(Args& args) {
  const auto begun = steady_clock::now();
  PlaySetup setup = read_setup(args);
  const Config& cfg = setup.conf.config;
  platform::Logger::Options lopt;
  lopt.level = setup.flags.verbose ? platform::Level::debug : cfg.log_level;
  platform::Logger log(lopt);
  for (const auto& pb : setup.conf.problems)
    log.warning(setup.config_path + (pb.line ? ':' + std::to_string(pb.line) : "") + ": " + pb.message);
  fill_update_options(setup);
  const net::HttpLimits updater_limits = setup.updates.updater.limits;
  setup.updates.log = &log;
  setup.updates.started = begun;
  PlayUpdates updates(std::move(setup.updates), setup.file);
  content::Playlist pl = updates.initial();
  log.debug("config: state_dir=" + cfg.state_dir + " cache_dir=" + cfg.cache_dir +
            " driver=" + cfg.display_driver + " token=" + cfg.token + " public_key=" + cfg.public_key +
            " heartbeat_url=" + cfg.heartbeat_url);

  auto display = open_display(setup, log);
  if (!display) return kExitFailure;
  log.info("playing " + setup.file + " on " + display->name());
  ServiceLink link(log);  // [service] READY/STATUS/WATCHDOG, SIGHUP/SIGTERM
  PlayReport report(log, setup.flags.verbose, setup.flags.shots);
  text::FontLibrary fonts;
  if (!fonts.emoji())
    log.warning(
        "no colour emoji font (install fonts-noto-color-emoji): emoji are drawn by the text fonts that "
        "have them, else as one box each");
  text::Shaper shaper(fonts);
  render::Painter painter(display->renderer(), static_cast<size_t>(setup.flags.atlas_mb) << 20);
  const bool state_ok = ::access(cfg.state_dir.c_str(), W_OK) == 0;
  sources::SourceData data(pl, state_ok ? cfg.state_dir : "");
  configure_sources(data, cfg, updater_limits);
  if (setup.flags.simulated())
    data.refresh_now(static_cast<int64_t>(std::time(nullptr)));  // deterministic runs
  else
    data.start();
  // The configured zone was checked when the configuration was read.
  std::string zone_err;
  const std::optional<content::TimeZone> configured =
      cfg.timezone.empty() ? std::nullopt : content::TimeZone::load(cfg.timezone, zone_err);
  show::Player player(*display, shaper, painter, pl, &data,
                      configured ? *configured : content::TimeZone::system());
  player.set_video_options(video_options(cfg));
  PlayLoop({setup.flags, setup.file, begun, *display, painter, player, data, updates, link, report}).run();
  return kExitOk;
}

}  // namespace paizi::app
