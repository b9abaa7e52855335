#include "app/play_updates.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_config.h"
#include "media/video.h"
#include "platform/atomic_file.h"
#include "platform/clock.h"
#include "platform/contract.h"
#include "platform/paths.h"
#include "render/image.h"
#include "sources/cache.h"

extern char** environ;

namespace paizi::app {

namespace fs = std::filesystem;

namespace {

std::chrono::milliseconds parse_interval(const std::string& flag, const std::string& v) {
  if (v == "0") return std::chrono::milliseconds(0);
  const auto d = content::parse_duration(v);
  if (!d) throw UsageError{flag + " must look like 200ms, 60s or 5m"};
  return *d;
}

// The updater's flags (play_updates.h), applied in one pass.
constexpr FlagOption<PlayUpdateOptions> kUpdateFlags[] = {
    {"--poll", "",
     [](PlayUpdateOptions& o, const std::string& f, const std::string& v) {
       o.updater.poll = parse_interval(f, v);
     }},
    {"--fetch-timeout", "",
     [](PlayUpdateOptions& o, const std::string& f, const std::string& v) {
       o.updater.limits.total_timeout_ms = parse_interval(f, v).count();
     }},
    {"--max-playlist-bytes", "",
     [](PlayUpdateOptions& o, const std::string& f, const std::string& v) {
       o.updater.max_playlist_bytes = static_cast<size_t>(parse_int(v, f, 1024, 64 << 20));
     }},
    {"--asset-root", "",  // repeatable: each one is a root
     [](PlayUpdateOptions& o, const std::string&, const std::string& v) {
       o.updater.asset_roots.push_back(v);
     }},
    {"--status-every", "",
     [](PlayUpdateOptions& o, const std::string& f, const std::string& v) {
       o.status_every = parse_interval(f, v);
     }},
    {"--metrics-every", "",
     [](PlayUpdateOptions& o, const std::string& f, const std::string& v) {
       o.metrics_every = parse_interval(f, v);
     }},
    {"--runtime-dir", "",
     [](PlayUpdateOptions& o, const std::string&, const std::string& v) { o.runtime_dir = v; }},
};

bool writable_dir(const std::string& d) {
  std::error_code ec;
  fs::create_directories(d, ec);
  return fs::is_directory(d, ec) && ::access(d.c_str(), W_OK) == 0;
}

std::string default_state_dir() {
  if (const char* s = std::getenv("STATE_DIRECTORY"); s && *s) return s;  // systemd StateDirectory=
  return "/var/lib/paizi";
}

// What a lobby sees before the first good playlist. The reason (a parser
// error, a path, a server's address) goes to the log and status.json, not
// onto the public screen.
content::Playlist waiting_playlist() {
  content::Playlist pl;
  content::Slide s;
  s.id = "paizi-waiting";
  content::SloganSlide waiting;
  waiting.lines = {"正在获取节目单", "Waiting for the playlist"};
  waiting.subtitle = "稍后自动重试 · Retrying automatically";
  s.body = std::move(waiting);
  s.duration = std::chrono::seconds(30);
  pl.slides.push_back(std::move(s));
  return pl;
}

}  // namespace

void ErrorStates::update(const std::map<std::string, std::string>& failing, const Report& report) {
  for (auto it = failing_.begin(); it != failing_.end();) {
    if (auto f = failing.find(it->first); f != failing.end() && !f->second.empty()) {
      ++it;
      continue;
    }
    report(it->first, "", false);
    it = failing_.erase(it);
  }
  for (const auto& [key, error] : failing) {
    if (error.empty()) continue;
    auto [it, fresh] = failing_.try_emplace(key, error);
    if (fresh) {
      report(key, error, false);
    } else if (it->second != error) {
      it->second = error;
      report(key, error, true);
    }
  }
}

PlayUpdateOptions read_play_update_options(Args& args) {
  PlayUpdateOptions po;
  po.updater.poll = std::chrono::seconds(60);
  po.updater.limits.total_timeout_ms = 30000;
  apply_flag_table<PlayUpdateOptions>(args, kUpdateFlags, po);
  auto& limits = po.updater.limits;
  limits.connect_timeout_ms = std::min<long>(limits.connect_timeout_ms, limits.total_timeout_ms);
  if (!po.runtime_dir) {
    if (const char* r = std::getenv("RUNTIME_DIRECTORY"); r && *r)
      po.runtime_dir = r;  // systemd RuntimeDirectory=
  }
  return po;
}

// A warning through the player's logger (stderr without one: tests).
void PlayUpdates::warn(const std::string& text) const {
  if (log_)
    log_->warning(text);
  else
    std::fprintf(stderr, "paizi play: %s\n", text.c_str());
}

PlayUpdates::PlayUpdates(PlayUpdateOptions po, std::string source)
    : source_(std::move(source)),
      started_(po.started),
      started_unix_(po.started_unix),
      heartbeat_url_(po.heartbeat_url),
      log_(po.log) {
  sources::UpdaterOptions o = std::move(po.updater);
  asset_budget_ = o.cache_budget_bytes;
  o.source = source_;
  // An asset the painter would refuse is missing from the start: its slide is
  // left out (and the reason logged) rather than shown as an empty frame.
  o.check_asset = [](std::string_view bytes) { return render::image_problem(bytes); };
  // A clip is adopted only when FFmpeg finds a playable video stream in it
  // (loaded only now: a playlist without video never gets here).
  o.check_video = [](const std::string& path) { return media::video_file_problem(path); };
  // A local file is its own durable copy: without --state-dir its state
  // lives in a temporary directory. A URL needs a real one.
  state_dir_ = po.state_dir.value_or(net::is_http_url(source_) ? default_state_dir() : "");
  if (state_dir_.empty() || !writable_dir(state_dir_)) {
    std::string tmpl = (fs::temp_directory_path() / "paizi-state-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw UsageError{"no writable state directory (use --state-dir)"};
    if (!state_dir_.empty())
      warn(state_dir_ + " is not writable; no durable last-known-good (use --state-dir)");
    state_dir_ = temp_dir_ = tmpl;
  }
  state_dir_ = platform::absolute_path(state_dir_);
  o.state_dir = state_dir_;
  updater_ = std::make_unique<sources::PlaylistUpdater>(std::move(o));
  // status.json changes with the slides: on tmpfs (/run) when there is a
  // runtime directory, so the steady state writes nothing to the SD card.
  runtime_dir_ = po.runtime_dir && writable_dir(*po.runtime_dir) ? *po.runtime_dir : state_dir_;
  status_ = std::make_unique<StatusFile>((fs::path(runtime_dir_) / "status.json").string(), po.status_every);
  if (!po.metrics_dir.empty()) {
    // DIR/paizi.prom may be a link into the runtime directory (app/metrics.h),
    // whose directory is used as it is, never created.
    const std::string file = metrics_file_path(po.metrics_dir);
    const std::string file_dir = fs::path(file).parent_path().string();
    const bool linked = fs::path(file).parent_path() != fs::path(po.metrics_dir);
    std::error_code ec;
    if (linked ? fs::is_directory(file_dir, ec) && ::access(file_dir.c_str(), W_OK) == 0
               : writable_dir(file_dir))
      metrics_ = std::make_unique<MetricsFile>(po.metrics_dir, po.metrics_every);
    else
      warn("metrics directory " + file_dir + " is not writable; no metrics");
  }
  if (!heartbeat_url_.empty()) {
    net::HttpLimits hl;
    hl.connect_timeout_ms = 5000;
    hl.total_timeout_ms = 10000;
    heartbeat_client_ = std::make_unique<net::HttpClient>(hl);
  }
}

void PlayUpdates::force_check() { updater_->force_check(); }

PlayUpdates::~PlayUpdates() {
  // A display command started just before the player stops still gets its
  // failure said (for up to 2 s).
  for (int i = 0; i < 40 && !commands_.empty(); ++i) {
    reap_commands();
    if (!commands_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  reap_heartbeat();
  updater_.reset();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

content::Playlist PlayUpdates::initial() {
  std::string err;
  // A durable copy plays at once when the network is slow or down.
  if (net::is_http_url(source_)) {
    if (auto lkg = updater_->load_last_good(err)) return std::move(lkg->playlist);
  }
  updater_->check_once();
  if (auto fresh = updater_->take()) return std::move(fresh->playlist);
  const std::string fetch_err = updater_->status().error;
  if (auto lkg = updater_->load_last_good(err)) {
    warn(fetch_err + "; playing the last good playlist");
    return std::move(lkg->playlist);
  }
  warn(fetch_err);
  return waiting_playlist();
}

void PlayUpdates::start() { updater_->start(); }

void PlayUpdates::display_power(const show::ScheduleState& st, const content::Playlist& pl) {
  reap_commands();
  if (st.display_off == display_off_) return;
  display_off_ = st.display_off;
  const std::vector<std::string>& argv = display_off_ ? pl.schedule.off_command : pl.schedule.on_command;
  const std::string what = display_off_ ? "display off" : "display on";
  if (argv.empty()) {
    if (log_) log_->notice(what + " (schedule); no command configured");
    return;
  }
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  if (log_) log_->notice(what + " (schedule): running " + line);
  std::vector<char*> a;
  a.reserve(argv.size() + 1);
  for (const auto& arg : argv) a.push_back(const_cast<char*>(arg.c_str()));
  a.push_back(nullptr);
  pid_t pid = 0;
  if (const int e = posix_spawnp(&pid, a[0], nullptr, nullptr, a.data(), environ); e != 0) {
    if (log_) log_->warning(what + " command " + argv[0] + ": cannot run: " + std::strerror(e));
    return;
  }
  commands_.emplace_back(pid, what + " command " + argv[0]);
}

// A display command that fails (the TV did not answer CEC, a typo) is said,
// once, when it ends; not a silent screen that stays on or off.
void PlayUpdates::reap_commands() {
  for (auto it = commands_.begin(); it != commands_.end();) {
    int status = 0;
    const pid_t r = ::waitpid(it->first, &status, WNOHANG);
    if (r == 0) {
      ++it;
      continue;
    }
    if (log_ && r == it->first) {
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        log_->warning(it->second + " failed: exit status " + std::to_string(WEXITSTATUS(status)));
      else if (WIFSIGNALED(status))
        log_->warning(it->second + " failed: killed by signal " + std::to_string(WTERMSIG(status)));
    }
    it = commands_.erase(it);
  }
}

StatusSnapshot PlayUpdates::snapshot(const show::Player& player, render::Painter& painter,
                                     const show::ScheduleState& st, int64_t unix_s) const {
  StatusSnapshot s;
  s.sync = updater_->status();
  s.slide_id = player.slide().id;
  s.page = player.page();
  s.display_off = st.display_off;
  s.fallback = st.fallback;
  s.clock_trusted = show::clock_trusted(unix_s, PAIZI_BUILD_UNIX, ntp_unsynced_);
  s.atlas = painter.atlas().stats();
  s.player = player.stats();
  s.alerts = player.active_alerts(unix_s);
  s.image_failures = painter.image_failures();
  s.images = painter.image_cache_stats();
  s.contract_violations = platform::contract_violations();
  s.image_error = painter.last_error();
  s.video_decoder = player.video_decoder();
  s.video_fallback = player.video_fallback();
  s.audio_output = player.audio_output();
  return s;
}

void PlayUpdates::stop(const show::Player& player, render::Painter& painter, int64_t unix_s) {
  // The last status.json: the counters the show ended with, whenever they
  // changed since the last write.
  std::string err;
  if (!status_->update(snapshot(player, painter, player.schedule_state(), unix_s), err, true))
    warn("status: " + err);
}

void PlayUpdates::step(show::Player& player, render::Painter& painter, present::Display& display,
                       int64_t unix_s, const sources::SourceHealth& sources) {
  const auto now = std::chrono::steady_clock::now();
  reap_heartbeat();
  if (first_frame_s_ < 0 && player.stats().frames > 0)  // step() follows the tick that presented it
    first_frame_s_ = std::chrono::duration<double>(now - started_).count();
  if (now - ntp_checked_ > std::chrono::seconds(10)) {
    ntp_unsynced_ = platform::ntp_unsynchronised();
    ntp_checked_ = now;
  }
  player.set_clock_trusted(show::clock_trusted(unix_s, PAIZI_BUILD_UNIX, ntp_unsynced_));
  if (auto a = updater_->take()) player.adopt(a->playlist);
  const show::ScheduleState st = player.schedule_state();
  display_power(st, player.playlist());
  StatusSnapshot s = snapshot(player, painter, st, unix_s);
  const std::string before = status_->last();
  std::string err;
  if (!status_->update(s, err) && err != warned_) {
    warn("status: " + err);
    warned_ = err;
  }
  if (heartbeat_client_ && status_->last() != before) heartbeat(status_->last(), display);
  if (metrics_) write_metrics(s, player, unix_s, sources, now);
}

void PlayUpdates::write_metrics(StatusSnapshot& s, const show::Player& player, int64_t unix_s,
                                const sources::SourceHealth& sources,
                                std::chrono::steady_clock::time_point now) {
  const std::string important = metrics_important(s);
  if (!metrics_->due(important, now)) return;
  s.unix_now = unix_s;
  s.started_unix = started_unix_;
  s.remote = net::is_http_url(source_);
  s.first_frame_s = first_frame_s_;
  s.slide_age_s = static_cast<double>(player.slide_age_ms()) / 1000.0;
  s.asset_budget = asset_budget_;
  s.sources = sources;
  s.resident_bytes = resident_bytes();
  std::string err;
  if (!metrics_->write(metrics_text(s), important, now, err)) {
    if (err != metrics_warned_) warn("metrics: " + err);
    metrics_warned_ = err;
  }
}

// POSTs the status with a small PNG thumbnail of the current frame (base64
// in "thumbnail_png") from a helper thread; skipped while one is in flight.
void PlayUpdates::heartbeat(const std::string& status, present::Display& display) {
  if (heartbeat_busy_) return;
  reap_heartbeat();
  std::string err, png;
  if (auto img = display.snapshot(err)) {
    const int w = 160, h = std::max(1, img->h * 160 / std::max(1, img->w));
    render::SurfacePtr small(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32));
    const fs::path dir = runtime_dir_ != state_dir_ ? fs::path(runtime_dir_) : fs::temp_directory_path();
    const std::string tmp = (dir / ("paizi-thumbnail-" + std::to_string(::getpid()) + ".png")).string();
    if (small && SDL_BlitScaled(img.get(), nullptr, small.get(), nullptr) == 0 &&
        render::write_png(small.get(), tmp, err))
      platform::read_whole_file(tmp, png);
  }
  auto doc = nlohmann::json::parse(status, nullptr, false);
  if (doc.is_discarded()) return;
  if (!png.empty() && sodium_init() >= 0) {
    std::string b64(sodium_base64_ENCODED_LEN(png.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(png.data()), png.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.pop_back();
    doc["thumbnail_png"] = b64;
  }
  net::HttpRequest rq;
  rq.url = heartbeat_url_;
  rq.post_type = "application/json";
  rq.post_body = doc.dump();
  heartbeat_busy_ = true;
  heartbeat_thread_ = std::thread([this, rq = std::move(rq)] {
    const net::HttpResult r = heartbeat_client_->fetch(rq);
    // Read by the main thread only once heartbeat_busy_ is false (reap_heartbeat).
    heartbeat_error_ = r.ok() ? "" : r.error;
    heartbeat_kind_ = r.ok() ? "" : std::to_string(r.status) + "/" + std::to_string(r.transport_code);
    heartbeat_busy_ = false;
  });
}

// The main thread takes the finished POST's outcome: this thread may not use
// the logger, so a failure is said here, once per change of its kind (HTTP
// status and libcurl code: the message itself varies between tries).
void PlayUpdates::reap_heartbeat() {
  if (heartbeat_busy_ || !heartbeat_thread_.joinable()) return;
  heartbeat_thread_.join();
  if (heartbeat_kind_ == heartbeat_said_) return;
  if (!heartbeat_error_.empty()) warn("heartbeat: " + heartbeat_error_);
  heartbeat_said_ = heartbeat_kind_;
}

}  // namespace paizi::app
