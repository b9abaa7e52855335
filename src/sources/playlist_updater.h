// Remote and local playlist updates, offline-safe and optionally signed.
//
// A background thread checks the playlist source (http(s) URL, file:// URL
// or path) every `poll` (each wait drawn from 85-100 % of it, so a fleet
// started together spreads out) with a conditional GET; local files are
// also watched with inotify. A new playlist is adopted only when
//   1. it was received completely (no timeout, no truncation, under the cap),
//   2. its detached signature SOURCE.sig verifies (when a public key is set),
//   3. it parses and validates (content/playlist.h),
//   4. every source it references is allowed (http(s), only https with
//      require_https, or a file under one of `asset_roots`), and every asset
//      (image) it references has been tried: fetched into the
//      content-addressed net::AssetStore, or found missing (not allowed, not
//      found, unreachable, not pinned while signed, bytes that do not hash
//      to its pin: sources/asset_pins.h),
//   5. at least one of its slides can be shown without a missing asset,
//   6. it has been persisted as the durable last-known-good (LKG).
// Anything else is an error value: reported in status(), the previous
// playlist keeps playing. Image references in an adopted playlist point at
// files in the store; source URLs stay as they are (fetched live, with a
// snapshot in the store).
//
// A missing asset does not hold the whole playlist back (one mistyped image
// URL would otherwise keep every new slogan and notice off the screen, or a
// first start on "waiting for the playlist" for good): the playlist is
// adopted without the slides that need it (an image slide is left out, an
// inline article loses its picture), status().incomplete says which and
// why, and every later check tries the missing assets again; once more of
// them arrive, the playlist is adopted again with its slides restored. A
// missing local file is also watched for (inotify on its directory, or on
// the nearest one that exists): copying it in is a check at once, not at
// the next poll.
//
// Failures are retried sooner than the poll interval with exponential
// backoff and jitter (poll/16, poll/8, ... capped at poll, each minus up to
// 20 %), so a repaired server is picked up within one poll interval and a
// broken one sees at most the normal poll rate. A playlist that arrives and
// is refused (its signature, its content) is tried again once after
// poll/16 (a .sig uploaded just after its playlist), then at the poll
// interval.
//
// State directory layout (every file written atomically; current.json is
// the commit point and is written last):
//   STATE/current.json          manifest: source, sha256, validators, asset map
//   STATE/playlists/SHA.json    the adopted playlist's bytes (SHA = sha256)
//   STATE/playlists/SHA.json.sig its signature, when one was checked
//   STATE/assets/SHA            referenced assets (net/asset_store.h)
//
// Threading: construct, start(), take(), status() and force_check() from
// one thread (the main loop); the checks run on the updater's own thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "content/playlist.h"
#include "net/asset_store.h"
#include "net/http_client.h"
#include "net/url_index.h"
#include "platform/handle.h"
#include "sources/asset_pins.h"

namespace paizi::sources {

struct UpdaterOptions {
  std::string source;                      // playlist URL or path
  std::string state_dir;                   // required
  std::chrono::milliseconds poll{60000};   // check interval
  std::string public_key;                  // key text (net/signature.h); empty: no signatures needed
  std::string token;                       // bearer token, sent only to the playlist's origin
  std::vector<std::string> asset_roots;    // local directories assets may be read from
  size_t max_playlist_bytes = 1u << 20;    // playlist body cap, bytes
  size_t cache_budget_bytes = 256u << 20;  // asset store budget, bytes
  net::HttpLimits limits;                  // for the playlist and its assets
  // Judges a fetched asset (an image): "" to store it, else why it cannot be
  // shown (an HTML error page served with 200, a cut or oversized file); it
  // is then missing like one that could not be fetched. Unset: any bytes.
  std::function<std::string(std::string_view bytes)> check_asset;
  // The same for a video slide's clip, in the file it was fetched into
  // (media/video.h video_file_problem); unset: any bytes.
  std::function<std::string(const std::string& path)> check_video;
  // A clip's caps: its size (at most half the asset budget as well) and the
  // time its transfer may take.
  size_t max_video_bytes = 256u << 20;
  long video_timeout_ms = 600000;
  // With a public key, an image without a pin ("image_sha256") is refused
  // (missing, with the reason) unless this is set (config
  // allow_unpinned_assets). Without a key every image is accepted; a pin
  // is always enforced.
  bool allow_unpinned = false;
  // Only https:// for the playlist, its sources and its unpinned images
  // (config require_https); a pinned image may come over http://, its
  // bytes are checked against the pin.
  bool require_https = false;
};

// Why a check of the playlist failed: a closed set, small enough to be a
// metric label (app/metrics.h).
enum class CheckFailure {
  network,    // no HTTP answer: DNS, connect, timeout, body over the cap, unreadable file
  http,       // an HTTP status other than 2xx/304
  signature,  // the .sig is missing or does not verify
  invalid,    // does not parse or validate, or names a source that is not allowed
  assets,     // no slide can be shown without a missing asset
  storage,    // the last-known-good could not be persisted
};
constexpr size_t kCheckFailureKinds = 6;
// "network", "http", ... (the enumerator's name).
const char* check_failure_name(CheckFailure f);

// A playlist ready to show.
struct AdoptedPlaylist {
  content::Playlist playlist;
  std::string sha256;  // of the playlist's bytes, hex
  std::string source;
};

struct UpdaterStatus {
  std::string source;
  std::string sha256;      // of the playlist on screen (adopted or LKG); empty: none
  int version = 0;         // format version of that playlist
  std::string name;        // its "name"
  int64_t last_check = 0;  // Unix s UTC of the last completed check; 0: none yet
  int64_t last_ok = 0;     // Unix s UTC of the last successful check; 0: none yet
  // Unix s UTC when the playlist on screen was adopted (for the last-known-good
  // loaded at start: when it was persisted); 0: none (the built-in waiting slide).
  int64_t adopted_at = 0;
  bool ok = false;         // the last check succeeded (200 adopted/unchanged or 304)
  std::string error;       // why the last check failed
  std::string incomplete;  // assets the playlist on screen lacks, and the slides left out; empty: none
  std::deque<std::pair<int64_t, std::string>>
      errors;  // recent distinct errors (last time, message), oldest first
  uint64_t checks = 0, not_modified = 0, adopted = 0, rejected = 0, failed = 0;
  // Failed checks (rejected + failed) by reason, indexed by CheckFailure.
  std::array<uint64_t, kCheckFailureKinds> failures{};
  // Integrity failures: incidents of a pinned image whose bytes did not hash
  // to its pin, each counted once however often it is fetched again: an
  // incident is one (asset URL, pin, SHA-256 of the bytes served); it ends
  // when the pinned bytes come back, and other bad bytes are a new one.
  uint64_t integrity_failures = 0;
  std::string integrity;  // the integrity failure of the playlist on screen; empty: none
  // The open incidents: asset URL -> its failure (integrity_failure()), for
  // a log line each (app/cmd_play.cpp logs one per incident, not per check).
  std::map<std::string, std::string> integrity_incidents;
  net::AssetStoreStats assets;
};

// Where each reference in a playlist (as written) was fetched from and the
// sha256 of what came back.
struct AssetRef {
  std::string url;     // resolved URL or absolute path
  std::string sha256;  // in the net::AssetStore
};
using AssetMap = std::map<std::string, AssetRef>;

// Points image references at their files in `store` and source URLs at
// their resolved form. Pure; used on adoption and on loading the LKG.
void apply_assets(content::Playlist& pl, const AssetMap& assets, const net::AssetStore& store);
// Every asset (image) a playlist references, as written.
std::set<std::string> asset_references(const content::Playlist& pl);
// The pin rules `o` asks for (sources/asset_pins.h).
AssetPolicy asset_policy(const UpdaterOptions& o);
// "REASON (and N more); left out until it can be fetched: slide(s) A, B"; "" when nothing is missing.
std::string describe_missing(const std::map<std::string, std::string>& missing,
                             const std::vector<std::string>& dropped);
// Leaves out what needs an asset in `missing` (references as written): image
// slides, and the picture of an inline article. Returns the ids of the
// slides left out.
std::vector<std::string> drop_missing(content::Playlist& pl,
                                      const std::map<std::string, std::string>& missing);

class PlaylistUpdater {
 public:
  explicit PlaylistUpdater(UpdaterOptions options);
  ~PlaylistUpdater();  // stops and joins the thread
  PlaylistUpdater(const PlaylistUpdater&) = delete;
  PlaylistUpdater& operator=(const PlaylistUpdater&) = delete;

  // The durable last-known-good from the state directory, verified (sha256
  // of the playlist and of every asset), or nullopt with `err` set.
  std::optional<AdoptedPlaylist> load_last_good(std::string& err);
  // Starts the background checks (the first one immediately).
  void start();
  // Asks for a check now (SIGHUP). Async-signal-safe: writes to an eventfd.
  void force_check();
  // A playlist adopted since the last call, if any.
  std::optional<AdoptedPlaylist> take();
  UpdaterStatus status() const;
  // One check on the calling thread (the thread's body; for tests).
  void check_once();

 private:
  struct Validators {
    std::string etag, last_modified;
  };
  void run();
  bool fetch_playlist(std::string& body, bool& unchanged, std::string& err, CheckFailure& why);
  bool verify_signature(const std::string& body, std::string& err);
  using Missing = std::map<std::string, std::string>;  // asset reference -> why it is missing
  // Fetches each asset `pl` references that `assets` does not hold yet;
  // what cannot be had goes to `missing`.
  // A pinned image is taken from the store without a fetch when its copy
  // there is intact, and kept only when its bytes hash to the pin (else an
  // integrity failure, counted). Refused without a fetch: see refusal().
  void fetch_assets(const content::Playlist& pl, const std::string& base, AssetMap& assets, Missing& missing);
  // The bytes of pinned asset `url` hash to `actual`, not `pin`: counted
  // unless that is the incident already open for `url`. An empty `actual`:
  // the pinned bytes arrived, the incident (if any) is over. mu_ not held.
  void integrity_incident(const std::string& url, const std::string& pin, const std::string& actual);
  // status_.incomplete and status_.integrity for the playlist on screen; mu_ held.
  void describe_locked(const Missing& missing, const std::vector<std::string>& dropped);
  // Adopts the playlist `body` (sha256 `sha`, parsed as `pl`) with the
  // assets it has; the slides that need a missing one are left out.
  void adopt(const std::string& body, const std::string& sha, content::Playlist pl, AssetMap assets,
             Missing missing, const std::string& base);
  // The playlist on screen lacks assets: try them again.
  void retry_missing();
  bool resolve_sources(content::Playlist& pl, const std::string& base, std::string& err) const;
  bool resolve(const std::string& ref, const std::string& base, std::string& out, std::string& err) const;
  bool persist(const std::string& body, const std::string& sha, const AssetMap& assets, std::string& err);
  // One completed check: ok, or failed for `why` (rejected: a playlist was
  // received and refused).
  void report(bool ok, const std::string& err, bool rejected, CheckFailure why = CheckFailure::network);
  std::chrono::milliseconds next_delay();
  bool same_origin(const std::string& url) const;
  std::string token_for(const std::string& url) const;

  UpdaterOptions opt_;
  net::HttpClient playlist_client_;  // capped at max_playlist_bytes
  net::HttpClient client_;           // assets and sources
  net::AssetStore store_;
  net::UrlIndex asset_index_;         // STATE/assets/index.json: validators of fetched images
  Validators validators_;             // of the playlist on screen
  Validators fetched_;                // of the body just fetched
  std::string signature_;             // of the body just fetched, when checked
  std::string current_sha_;           // sha256 of the playlist on screen
  std::string current_body_;          // its bytes, while it lacks assets (for retry_missing)
  AssetMap current_assets_;           // its assets
  Missing missing_;                   // the assets it lacks
  std::vector<std::string> dropped_;  // the slides left out for them
  std::string rejected_sha_;          // last rejected body, not re-validated
  std::string rejected_error_;
  CheckFailure rejected_why_ = CheckFailure::invalid;
  int failures_ = 0;       // consecutive failed checks (no playlist received)
  int rejections_ = 0;     // consecutive checks that received a playlist and refused it
  bool checked_ = false;   // check_once() ran (before start(): run() does not repeat it)
  mutable std::mutex mu_;  // guards status_ and ready_
  UpdaterStatus status_;
  std::optional<AdoptedPlaylist> ready_;
  platform::UniqueFd wake_fd_;     // eventfd: force_check() and stop
  platform::UniqueFd inotify_fd_;  // local playlist sources only
  int playlist_wd_ = -1;           // the watch on the playlist's directory
  // Local files the last check found missing (absolute paths), and the
  // directories watched for them: watch descriptor -> directory.
  std::set<std::string> awaited_;
  std::map<int, std::string> asset_watches_;
  // Watches the directory of each awaited file (or its nearest existing
  // ancestor), drops watches no longer needed; true when something may
  // have arrived before its watch was in place (check again now).
  bool watch_awaited();
  // An inotify event for `name` in the directory of watch `wd`: does it
  // call for a check?
  bool event_matters(int wd, const std::string& name, uint32_t mask) const;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace paizi::sources
