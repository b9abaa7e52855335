#include "sources/playlist_updater.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "net/signature.h"
#include "platform/contract.h"
#include "platform/paths.h"
#include "sources/cache.h"

namespace paizi::sources {

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {

constexpr size_t kErrorsKept = 10;
// A file written or moved in, a directory made (on the way to an awaited
// file). Not IN_CREATE of a file: it is read at its IN_CLOSE_WRITE, whole.
constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;

// The state directory made absolute, once: every path into the asset store
// is then absolute, and never joined to a playlist's directory again (a
// relative --state-dir made the painter open STATE/assets//STATE/assets/SHA).
UpdaterOptions absolute_state(UpdaterOptions o) {
  o.state_dir = platform::absolute_path(o.state_dir);
  return o;
}

net::HttpLimits capped(net::HttpLimits l, size_t cap) {
  l.max_body_bytes = cap;
  return l;
}

net::HttpLimits tls(net::HttpLimits l, bool https_only) {
  l.https_only = l.https_only || https_only;
  return l;
}

// "http://host:port" of an http(s) URL; empty otherwise.
std::string origin_of(const std::string& url) {
  if (!net::is_http_url(url)) return {};
  const size_t s = url.find("://") + 3;
  return url.substr(0, url.find_first_of("/?#", s));
}

}  // namespace

// Every asset (image) a playlist references, as written. Sources (feeds,
// articles, KPI data) are not assets: they change on their own schedule and
// are fetched, cached and kept as last good copies by the player's source
// worker; a feed that is down must not hold back a new playlist.
std::set<std::string> asset_references(const content::Playlist& pl) {
  std::set<std::string> refs;
  for (const auto& [ref, pin] : asset_pins(pl)) refs.insert(ref);
  return refs;
}

AssetPolicy asset_policy(const UpdaterOptions& o) {
  return AssetPolicy{!o.public_key.empty(), o.allow_unpinned, o.require_https};
}

std::string describe_missing(const std::map<std::string, std::string>& missing,
                             const std::vector<std::string>& dropped) {
  if (missing.empty()) return {};
  // An integrity failure is said first: it is what an operator must see.
  std::string out = first_integrity_failure(missing);
  if (out.empty()) out = missing.begin()->second;
  if (missing.size() > 1) out += " (and " + std::to_string(missing.size() - 1) + " more)";
  if (!dropped.empty()) {
    out += "; left out until it can be fetched: slide";
    out += dropped.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < dropped.size() && i < 5; ++i) out += (i ? ", " : "") + dropped[i];
    if (dropped.size() > 5) out += ", ...";
  }
  return out;
}

std::vector<std::string> drop_missing(content::Playlist& pl,
                                      const std::map<std::string, std::string>& missing) {
  std::vector<std::string> dropped;
  if (missing.empty()) return dropped;
  std::vector<content::Slide> kept;
  kept.reserve(pl.slides.size());
  for (size_t i = 0; i < pl.slides.size(); ++i) {
    content::Slide& s = pl.slides[i];
    bool drop = false;
    content::for_each_image(s, [&](std::string& image, std::string&, bool own) {
      if (!missing.count(image)) return;
      if (own)
        drop = true;  // an image slide without its image is left out
      else
        image.clear();  // the article without its picture
    });
    content::for_each_video(s, [&](std::string& src, std::string&) {
      if (missing.count(src)) drop = true;  // a video slide without its clip is left out
    });
    if (drop)
      dropped.push_back(s.id.empty() ? "#" + std::to_string(i + 1) : s.id);
    else
      kept.push_back(std::move(s));
  }
  pl.slides = std::move(kept);
  return dropped;
}

void apply_assets(content::Playlist& pl, const AssetMap& assets, const net::AssetStore& store) {
  auto file_of = [&](std::string& ref) {
    if (auto it = assets.find(ref); it != assets.end()) ref = store.path_of(it->second.sha256);
  };
  for (auto& s : pl.slides)
    content::for_each_image(s, [&](std::string& image, std::string&, bool) { file_of(image); });
  for (auto& s : pl.slides) content::for_each_video(s, [&](std::string& src, std::string&) { file_of(src); });
  for (auto& src : pl.sources)
    if (auto it = assets.find(src.url); it != assets.end()) src.url = it->second.url;  // older snapshots
}

PlaylistUpdater::PlaylistUpdater(UpdaterOptions options)
    : opt_(absolute_state(std::move(options))),
      playlist_client_(tls(capped(opt_.limits, opt_.max_playlist_bytes), opt_.require_https)),
      client_(opt_.limits),
      store_((fs::path(opt_.state_dir) / "assets").string(), opt_.cache_budget_bytes),
      asset_index_((fs::path(opt_.state_dir) / "assets" / "index.json").string()) {
  status_.source = opt_.source;
  wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!net::is_http_url(opt_.source)) {
    const fs::path file = fs::absolute(net::local_path(opt_.source));
    if (opt_.asset_roots.empty()) opt_.asset_roots.push_back(file.parent_path().string());
    inotify_fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    // The directory, so editors that write a new file and rename it are seen.
    if (inotify_fd_.valid())
      playlist_wd_ = ::inotify_add_watch(inotify_fd_.get(), file.parent_path().c_str(), kWatchMask);
  }
}

PlaylistUpdater::~PlaylistUpdater() {
  stop_ = true;
  force_check();
  if (thread_.joinable()) thread_.join();
}  // the eventfd and the inotify descriptor close after the thread has stopped

void PlaylistUpdater::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void PlaylistUpdater::force_check() {
  const uint64_t one = 1;
  if (wake_fd_.valid()) [[maybe_unused]]
    auto n = ::write(wake_fd_.get(), &one, sizeof one);
}

std::optional<AdoptedPlaylist> PlaylistUpdater::take() {
  std::lock_guard lock(mu_);
  std::optional<AdoptedPlaylist> r = std::move(ready_);
  ready_.reset();
  return r;
}

UpdaterStatus PlaylistUpdater::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

bool PlaylistUpdater::same_origin(const std::string& url) const {
  const std::string o = origin_of(opt_.source);
  return !o.empty() && origin_of(url) == o;
}

std::string PlaylistUpdater::token_for(const std::string& url) const {
  return same_origin(url) ? opt_.token : std::string();
}

milliseconds PlaylistUpdater::next_delay() {
  // A rejected playlist (signature, parse) is tried once more soon (its
  // .sig may be uploaded just after it), then at the poll interval: the
  // server works, and the same bytes will be refused again until someone
  // publishes new ones.
  static thread_local std::minstd_rand rng{std::random_device{}()};
  // Steady polls are spread over the last 15 % of the interval: screens
  // that started together (a site's power came back) drift apart instead
  // of hitting the server in the same second for ever.
  if (failures_ == 0 && rejections_ != 1)
    return milliseconds(static_cast<int64_t>(static_cast<double>(opt_.poll.count()) *
                                             std::uniform_real_distribution<double>(0.85, 1.0)(rng)));
  const milliseconds first = std::max(opt_.poll / 16, milliseconds(50));
  milliseconds d = first * (int64_t{1} << std::min(std::max(failures_, 1) - 1, 20));
  d = std::min(d, opt_.poll);
  const double jitter = 0.8 + 0.2 * std::uniform_real_distribution<double>(0, 1)(rng);
  return milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * jitter));
}

bool PlaylistUpdater::watch_awaited() {
  if (!inotify_fd_.valid()) return false;
  // The nearest directory of each awaited file that exists: making the
  // ones below it is an event there.
  auto nearest = [this] {
    std::set<std::string> dirs;
    for (const std::string& file : awaited_) {
      std::error_code ec;
      fs::path d = fs::path(file).parent_path();
      while (d.has_relative_path() && !fs::is_directory(d, ec)) d = d.parent_path();
      dirs.insert(d.string());
    }
    return dirs;
  };
  const std::set<std::string> dirs = nearest();
  std::set<std::string> fresh = dirs;
  for (auto it = asset_watches_.begin(); it != asset_watches_.end();) {
    if (fresh.erase(it->second)) {  // still wanted, already watched
      ++it;
      continue;
    }
    if (it->first != playlist_wd_) ::inotify_rm_watch(inotify_fd_.get(), it->first);
    it = asset_watches_.erase(it);
  }
  for (const std::string& d : fresh) {
    // The playlist's directory returns its own descriptor (same mask).
    const int wd = ::inotify_add_watch(inotify_fd_.get(), d.c_str(), kWatchMask);
    if (wd >= 0) asset_watches_[wd] = d;
  }
  // What happened before a new watch was in place is not an event: a
  // directory made meanwhile (cp -r), or a file already written into a
  // directory watched only now. Each calls for one more check, no more
  // (the next call finds the same directories already watched).
  if (nearest() != dirs) return true;
  for (const std::string& file : awaited_) {
    std::error_code ec;
    if (fresh.count(fs::path(file).parent_path().string()) && fs::exists(file, ec)) return true;
  }
  return false;
}

bool PlaylistUpdater::event_matters(int wd, const std::string& name, uint32_t mask) const {
  if (wd == playlist_wd_ && (mask & (IN_CLOSE_WRITE | IN_MOVED_TO))) {
    const std::string playlist = fs::path(net::local_path(opt_.source)).filename().string();
    if (name == playlist || name == playlist + ".sig") return true;
  }
  const bool whole = (mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) || ((mask & IN_CREATE) && (mask & IN_ISDIR));
  const auto dir = asset_watches_.find(wd);
  if (!whole || dir == asset_watches_.end() || name.empty()) return false;
  // The file itself, or a directory on the way to it.
  const fs::path got = fs::path(dir->second) / name;
  return std::any_of(awaited_.begin(), awaited_.end(),
                     [&](const std::string& file) { return platform::is_within(file, got.string()); });
}

void PlaylistUpdater::run() {
  // A check made just before start() (the player's first, blocking one)
  // counts as this loop's first: it waits its interval, or its backoff,
  // instead of asking the server again at once.
  bool checked = checked_;
  while (!stop_) {
    if (!checked) check_once();
    checked = false;
    bool again = watch_awaited();
    const auto deadline = steady_clock::now() + next_delay();
    while (!stop_ && !again) {
      const auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
      if (left <= 0) break;
      pollfd fds[2] = {{wake_fd_.get(), POLLIN, 0}, {inotify_fd_.get(), POLLIN, 0}};
      if (::poll(fds, inotify_fd_.valid() ? 2 : 1, static_cast<int>(std::min<int64_t>(left, 1000))) <= 0)
        continue;
      if (fds[0].revents & POLLIN) {
        uint64_t v = 0;
        [[maybe_unused]] auto n = ::read(wake_fd_.get(), &v, sizeof v);
        again = true;
      }
      if (inotify_fd_.valid() && (fds[1].revents & POLLIN)) {
        alignas(inotify_event) char buf[4096];
        ssize_t n = 0;
        while ((n = ::read(inotify_fd_.get(), buf, sizeof buf)) > 0) {
          for (const char* p = buf; p + sizeof(inotify_event) <= buf + n;) {
            // Copied out rather than cast: no alignment assumption (armhf -Wcast-align).
            inotify_event ev;
            std::memcpy(&ev, p, sizeof ev);
            const char* ev_name = p + sizeof(inotify_event);
            const std::string got = ev.len ? std::string(ev_name, ::strnlen(ev_name, ev.len)) : "";
            if (event_matters(ev.wd, got, ev.mask)) again = true;
            p += sizeof(inotify_event) + ev.len;
          }
        }
      }
    }
  }
}

const char* check_failure_name(CheckFailure f) {
  switch (f) {
    case CheckFailure::network:
      return "network";
    case CheckFailure::http:
      return "http";
    case CheckFailure::signature:
      return "signature";
    case CheckFailure::invalid:
      return "invalid";
    case CheckFailure::assets:
      return "assets";
    case CheckFailure::storage:
      return "storage";
  }
  return "network";  // not reached: every enumerator is listed
}

void PlaylistUpdater::report(bool ok, const std::string& err, bool rejected, CheckFailure why) {
  failures_ = ok || rejected ? 0 : failures_ + 1;
  rejections_ = rejected ? rejections_ + 1 : 0;
  const net::AssetStoreStats st = store_.stats();
  std::lock_guard lock(mu_);
  status_.last_check = unix_now();
  status_.ok = ok;
  status_.error = err;
  status_.assets = st;
  if (ok) {
    status_.last_ok = status_.last_check;
    return;
  }
  (rejected ? status_.rejected : status_.failed)++;
  ++status_.failures[static_cast<size_t>(why)];
  if (!status_.errors.empty() && status_.errors.back().second == err)
    status_.errors.back().first = status_.last_check;
  else
    status_.errors.emplace_back(status_.last_check, err);
  while (status_.errors.size() > kErrorsKept) status_.errors.pop_front();
}

bool PlaylistUpdater::fetch_playlist(std::string& body, bool& unchanged, std::string& err,
                                     CheckFailure& why) {
  if (opt_.require_https && net::is_plain_http_url(opt_.source)) {
    err = "playlist " + opt_.source + ": plain http:// refused with require_https";
    why = CheckFailure::invalid;
    return false;
  }
  net::HttpRequest rq;
  rq.url = opt_.source;
  if (!current_sha_.empty()) {
    rq.etag = validators_.etag;
    rq.last_modified = validators_.last_modified;
  }
  rq.bearer_token = token_for(rq.url);
  net::HttpResult r = playlist_client_.fetch(rq);
  if (r.not_modified()) {
    unchanged = true;
    return true;
  }
  if (!r.ok()) {
    err = "playlist " + opt_.source + ": " + r.error;
    why = r.status == 0 ? CheckFailure::network : CheckFailure::http;
    return false;
  }
  body = std::move(r.body);
  fetched_ = {r.etag, r.last_modified};
  return true;
}

bool PlaylistUpdater::verify_signature(const std::string& body, std::string& err) {
  signature_.clear();
  if (opt_.public_key.empty()) return true;
  net::HttpRequest rq;
  rq.url = opt_.source + ".sig";
  rq.bearer_token = token_for(rq.url);
  net::HttpResult r = playlist_client_.fetch(rq);
  if (!r.ok()) {
    err = "signature " + rq.url + " missing: " + r.error;
    return false;
  }
  if (!net::verify_detached(body, r.body, opt_.public_key, err)) {
    err = "signature " + rq.url + ": " + err;
    return false;
  }
  signature_ = std::move(r.body);
  return true;
}

bool PlaylistUpdater::resolve(const std::string& ref, const std::string& base, std::string& out,
                              std::string& err) const {
  if (net::is_http_url(ref)) {
    out = ref;
    return true;
  }
  const bool file_url = ref.rfind("file://", 0) == 0;
  if (!file_url && ref.find("://") != std::string::npos) {
    err = "asset \"" + ref + "\": only http(s) URLs and files under the asset roots are allowed";
    return false;
  }
  if (net::is_http_url(base) && !file_url) {  // relative to the playlist's URL
    const std::string o = origin_of(base);
    if (ref.rfind("//", 0) == 0)
      out = base.substr(0, base.find("://") + 1) + ref;
    else if (!ref.empty() && ref[0] == '/')
      out = o + ref;
    else {
      const std::string path = base.substr(0, base.find_first_of("?#"));
      out = path.substr(0, path.rfind('/') + 1) + ref;
    }
    return true;
  }
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(platform::resolve_ref(base, net::local_path(ref)), ec);
  for (const auto& root : opt_.asset_roots) {
    if (platform::is_within(canon.string(), fs::weakly_canonical(root, ec).string())) {
      out = canon.string();
      return true;
    }
  }
  err = "asset \"" + ref + "\" is outside the allowed asset roots";
  return false;
}

void PlaylistUpdater::fetch_assets(const content::Playlist& pl, const std::string& base, AssetMap& assets,
                                   Missing& missing) {
  awaited_.clear();  // what this attempt still lacks, for watch_awaited
  const AssetPolicy policy = asset_policy(opt_);
  bool index_changed = false;
  const std::set<std::string> videos = video_assets(pl);
  for (const auto& [ref, pin] : asset_pins(pl)) {
    if (assets.count(ref)) continue;
    const bool video = videos.count(ref) > 0;
    AssetRef a;
    std::string err;
    if (!resolve(ref, base, a.url, err)) {
      missing[ref] = err;
      continue;
    }
    if (std::string why = refusal(a.url, pin, policy); !why.empty()) {
      missing[ref] = why;
      continue;
    }
    const bool local = !net::is_http_url(a.url);
    if (!pin.empty() && store_.verify(pin)) {  // the pinned bytes are on hand: no fetch
      integrity_incident(a.url, pin, "");
      a.sha256 = pin;
      assets[ref] = a;
      missing.erase(ref);
      continue;
    }
    // An image fetched before is asked for conditionally (304: its stored
    // file stands, no bytes sent). Not for a pinned one: its stored copy, if
    // any, is not the pinned bytes (that case returned above).
    const net::UrlIndex::Entry* known = !local && pin.empty() ? asset_index_.find(a.url, store_) : nullptr;
    net::HttpRequest rq;
    rq.url = a.url;
    rq.bearer_token = token_for(a.url);
    rq.https_only = opt_.require_https && pin.empty();  // pinned bytes are checked: any transport
    net::UrlIndex::set_validators(rq, known);
    // A clip is larger and slower than an image: its own caps, and it goes
    // straight to a file in the store (hashed and checked there, then moved
    // into place), never held whole in memory.
    net::HttpLimits video_limits = opt_.limits;
    video_limits.max_body_bytes = std::min(opt_.max_video_bytes, opt_.cache_budget_bytes / 2);
    video_limits.total_timeout_ms = std::max(video_limits.total_timeout_ms, opt_.video_timeout_ms);
    struct Incoming {  // removed unless adopted
      std::string path;
      ~Incoming() {
        std::error_code ec;
        if (!path.empty()) fs::remove(path, ec);
      }
    } incoming;
    if (video) rq.body_file = incoming.path = store_.incoming_path();
    const net::HttpResult r = video ? net::HttpClient(video_limits).fetch(rq) : client_.fetch(rq);
    if (known && r.not_modified()) {
      a.sha256 = known->sha256;
      asset_index_.confirm(a.url, unix_now());
      index_changed = true;
      assets[ref] = a;
      missing.erase(ref);
      continue;
    }
    if (!r.ok()) {
      missing[ref] = "asset " + a.url + ": " + r.error;
      if (local) awaited_.insert(net::local_path(a.url));
      continue;
    }
    // (An image's hash is taken by the store; a clip's here, from its file.)
    const std::string actual = video         ? net::sha256_file_hex(incoming.path)
                               : pin.empty() ? std::string()
                                             : net::sha256_hex(r.body);
    if (video && actual.empty()) {
      missing[ref] = "asset " + a.url + ": cannot read it back from " + incoming.path;
      continue;
    }
    if (!pin.empty()) {
      if (actual != pin) {
        missing[ref] = integrity_failure(a.url, pin, actual);
        if (local) awaited_.insert(net::local_path(a.url));  // being replaced, perhaps
        integrity_incident(a.url, pin, actual);
        continue;
      }
      integrity_incident(a.url, pin, "");
    }
    std::string why;
    if (video && opt_.check_video)
      why = opt_.check_video(incoming.path);
    else if (!video && opt_.check_asset)
      why = opt_.check_asset(r.body);
    if (!why.empty()) {
      missing[ref] = "asset " + a.url + " " + why;
      if (local) awaited_.insert(net::local_path(a.url));  // half-copied, perhaps
      continue;
    }
    auto sha = video ? store_.adopt(std::exchange(incoming.path, {}), actual, err) : store_.put(r.body, err);
    if (!sha) {
      missing[ref] = "asset " + a.url + ": " + err;
      continue;
    }
    a.sha256 = *sha;
    if (!local) {
      asset_index_.remember(a.url, a.sha256, r, unix_now());
      index_changed = true;
    }
    assets[ref] = a;
    missing.erase(ref);
  }
  if (index_changed) asset_index_.save();
}

void PlaylistUpdater::integrity_incident(const std::string& url, const std::string& pin,
                                         const std::string& actual) {
  std::lock_guard lock(mu_);
  auto& open = status_.integrity_incidents;
  if (actual.empty()) {
    open.erase(url);
    return;
  }
  std::string failure = integrity_failure(url, pin, actual);
  const auto it = open.find(url);
  if (it != open.end() && it->second == failure) return;  // the same incident, fetched again
  ++status_.integrity_failures;
  open[url] = std::move(failure);
}

void PlaylistUpdater::describe_locked(const Missing& missing, const std::vector<std::string>& dropped) {
  status_.incomplete = describe_missing(missing, dropped);
  status_.integrity = first_integrity_failure(missing);
  // Incidents the playlist on screen no longer has (it names other assets
  // now) are over too: the set stays as large as its asset list.
  auto& open = status_.integrity_incidents;
  for (auto it = open.begin(); it != open.end();) {
    const bool current =
        std::any_of(missing.begin(), missing.end(), [&](const auto& m) { return m.second == it->second; });
    it = current ? std::next(it) : open.erase(it);
  }
}

bool PlaylistUpdater::resolve_sources(content::Playlist& pl, const std::string& base,
                                      std::string& err) const {
  // Resolved against the playlist and held to the allowed roots; not fetched.
  for (auto& src : pl.sources) {
    std::string url;
    if (!resolve(src.url, base, url, err)) return false;
    if (opt_.require_https && net::is_plain_http_url(url)) {
      err = "source \"" + src.id + "\" " + url + " is plain http://: refused with require_https";
      return false;
    }
    src.url = url;
  }
  return true;
}

void PlaylistUpdater::check_once() {
  checked_ = true;
  {
    std::lock_guard lock(mu_);
    ++status_.checks;
  }
  std::string body, err;
  bool unchanged = false;
  CheckFailure why = CheckFailure::network;
  if (!fetch_playlist(body, unchanged, err, why)) return report(false, err, false, why);
  if (unchanged) {
    std::lock_guard lock(mu_);
    ++status_.not_modified;
  }
  const std::string sha = unchanged ? current_sha_ : net::sha256_hex(body);
  if (sha == current_sha_) {
    if (!unchanged) validators_ = fetched_;
    if (!missing_.empty()) return retry_missing();
    return report(true, "", false);
  }
  if (sha == rejected_sha_) return report(false, rejected_error_, true, rejected_why_);
  if (!verify_signature(body, err))
    return report(false, err, true, CheckFailure::signature);  // the .sig may still be on its way
  const std::string base = net::is_http_url(opt_.source)
                               ? store_.path_of("")
                               : fs::absolute(net::local_path(opt_.source)).parent_path().string();
  content::ParseResult pr = content::parse_playlist(body, base);
  if (!pr.playlist) {
    rejected_sha_ = sha;
    rejected_error_ = "rejected: " + pr.first_error(opt_.source);
    rejected_why_ = CheckFailure::invalid;
    return report(false, rejected_error_, true, rejected_why_);
  }
  AssetMap assets;
  Missing missing;
  const std::string asset_base = net::is_http_url(opt_.source) ? opt_.source : pr.playlist->base_dir;
  fetch_assets(*pr.playlist, asset_base, assets, missing);
  adopt(body, sha, std::move(*pr.playlist), std::move(assets), std::move(missing), asset_base);
}

void PlaylistUpdater::adopt(const std::string& body, const std::string& sha, content::Playlist pl,
                            AssetMap assets, Missing missing, const std::string& base) {
  std::string err;
  apply_assets(pl, assets, store_);
  const std::vector<std::string> dropped = drop_missing(pl, missing);
  if (pl.slides.empty())  // nothing to show: the playlist on screen stays
    return report(false,
                  "not adopted: no slide can be shown without a missing " +
                      (missing.empty() ? std::string("asset") : missing.begin()->second),
                  true, CheckFailure::assets);
  if (!resolve_sources(pl, base, err))
    return report(false, "not adopted: " + err, true, CheckFailure::invalid);
  if (!persist(body, sha, assets, err))
    return report(false, "not adopted: " + err, false, CheckFailure::storage);
  current_sha_ = sha;
  validators_ = fetched_;
  rejected_sha_.clear();
  std::set<std::string> keep;
  for (const auto& [ref, a] : assets) keep.insert(a.sha256);
  store_.collect(keep);
  current_body_ = missing.empty() ? std::string() : body;
  current_assets_ = std::move(assets);
  missing_ = std::move(missing);
  dropped_ = dropped;
  {
    std::lock_guard lock(mu_);
    status_.sha256 = sha;
    status_.version = pl.version;
    status_.name = pl.name;
    describe_locked(missing_, dropped);
    status_.adopted_at = unix_now();
    ++status_.adopted;
    ready_ = AdoptedPlaylist{std::move(pl), sha, opt_.source};
  }
  report(true, "", false);
}

void PlaylistUpdater::retry_missing() {
  const std::string base = net::is_http_url(opt_.source)
                               ? store_.path_of("")
                               : fs::absolute(net::local_path(opt_.source)).parent_path().string();
  content::ParseResult pr = content::parse_playlist(current_body_, base);
  PAIZI_ASSERT(pr.playlist, "the adopted playlist parses again");
  if (!pr.playlist) return report(false, pr.first_error(opt_.source), false, CheckFailure::invalid);
  const std::string asset_base = net::is_http_url(opt_.source) ? opt_.source : pr.playlist->base_dir;
  AssetMap assets = current_assets_;
  Missing missing = missing_;
  fetch_assets(*pr.playlist, asset_base, assets, missing);
  if (assets.size() == current_assets_.size()) {  // nothing new; the reasons may have changed
    missing_ = std::move(missing);
    {
      std::lock_guard lock(mu_);
      describe_locked(missing_, dropped_);
    }
    return report(true, "", false);
  }
  // The same bytes again: their signature file and validators stay as they
  // are (signature_ and fetched_ may be of a newer body that was rejected).
  signature_.clear();
  fetched_ = validators_;
  const std::string body = current_body_;
  adopt(body, current_sha_, std::move(*pr.playlist), std::move(assets), std::move(missing), asset_base);
}

}  // namespace paizi::sources
