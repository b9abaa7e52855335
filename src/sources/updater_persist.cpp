// PlaylistUpdater: the durable last-known-good (see playlist_updater.h for
// the layout). current.json is the commit point: everything it names is
// written and fsynced before it, so a crash at any instant leaves either the
// old or the new LKG complete.
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "net/signature.h"
#include "platform/atomic_file.h"
#include "sources/cache.h"
#include "sources/playlist_updater.h"

namespace paizi::sources {

namespace fs = std::filesystem;
using nlohmann::json;

bool PlaylistUpdater::persist(const std::string& body, const std::string& sha, const AssetMap& assets,
                              std::string& err) {
  const fs::path dir = fs::path(opt_.state_dir) / "playlists";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string file = (dir / (sha + ".json")).string();
  if (!platform::write_file_atomic(file, body, &err)) return false;
  if (!signature_.empty() && !platform::write_file_atomic(file + ".sig", signature_, &err)) return false;
  json a = json::object();
  for (const auto& [ref, r] : assets) a[ref] = {{"url", r.url}, {"sha256", r.sha256}};
  const json manifest = {{"source", opt_.source},    {"sha256", sha},
                         {"etag", fetched_.etag},    {"last_modified", fetched_.last_modified},
                         {"adopted_at", unix_now()}, {"assets", a}};
  if (!platform::write_file_atomic((fs::path(opt_.state_dir) / "current.json").string(), manifest.dump(1),
                                   &err))
    return false;
  // Older playlists are no longer referenced; temporary files are from crashes.
  std::error_code walk;  // a failing increment ends the walk instead of throwing
  for (fs::directory_iterator it(dir, walk), end; !walk && it != end; it.increment(walk)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(sha, 0) != 0) fs::remove(it->path(), ec);
  }
  return true;
}

std::optional<AdoptedPlaylist> PlaylistUpdater::load_last_good(std::string& err) {
  const fs::path state(opt_.state_dir);
  // What a killed writer left: current.json's and the playlists' temporaries.
  platform::remove_leftover_temporaries(state.string());
  platform::remove_leftover_temporaries((state / "playlists").string());
  std::string text, body;
  if (!platform::read_whole_file((state / "current.json").string(), text)) {
    err = "no last-known-good playlist in " + opt_.state_dir;
    return std::nullopt;
  }
  const json m = json::parse(text, nullptr, false);
  if (!m.is_object() || !m.contains("sha256") || !m["sha256"].is_string()) {
    err = "last-known-good manifest is damaged";
    return std::nullopt;
  }
  const std::string sha = m["sha256"].get<std::string>();
  const std::string file = (state / "playlists" / (sha + ".json")).string();
  if (!platform::read_whole_file(file, body) || net::sha256_hex(body) != sha) {
    err = "last-known-good playlist " + file + " is missing or damaged";
    return std::nullopt;
  }
  if (!opt_.public_key.empty()) {
    std::string sig;
    if (!platform::read_whole_file(file + ".sig", sig) ||
        !net::verify_detached(body, sig, opt_.public_key, err)) {
      err = "last-known-good playlist is not signed by the configured key";
      return std::nullopt;
    }
  }
  const std::string source = m.value("source", std::string());
  const std::string base = net::is_http_url(source)
                               ? store_.path_of("")
                               : fs::path(net::local_path(source)).parent_path().string();
  content::ParseResult pr = content::parse_playlist(body, base);
  if (!pr.playlist) {
    err = "last-known-good playlist: " + pr.first_error(file);
    return std::nullopt;
  }
  // An asset that was missing when the playlist was adopted, or is missing
  // or damaged now (a bad sector, a hand-cleaned directory), leaves out the
  // slides that need it, as on adoption; the rest of the playlist plays.
  AssetMap assets;
  Missing missing;
  // The pins come from the (verified) playlist itself: a stored copy is
  // kept only with the pinned bytes, and the pin rules apply as on adoption.
  const std::map<std::string, std::string> pins = asset_pins(*pr.playlist);
  const AssetPolicy policy = asset_policy(opt_);
  const json listed = m.contains("assets") && m["assets"].is_object() ? m["assets"] : json::object();
  for (const auto& [ref, a] : listed.items()) {
    if (!a.is_object()) continue;
    AssetRef r{a.value("url", std::string()), a.value("sha256", std::string())};
    const auto pin = pins.find(ref);
    if (pin == pins.end()) {  // not an image (older manifests list sources too)
      if (store_.verify(r.sha256)) assets[ref] = r;
      continue;
    }
    if (std::string why = refusal(r.url, pin->second, policy); !why.empty())
      missing[ref] = why;
    else if (!pin->second.empty() && r.sha256 != pin->second)
      missing[ref] = integrity_failure(r.url, pin->second, r.sha256);
    else if (store_.verify(r.sha256))
      assets[ref] = r;
    else
      missing[ref] = "last-known-good asset " + r.url + " is missing or damaged";
  }
  for (const auto& [ref, pin] : pins)
    if (!assets.count(ref) && !missing.count(ref))
      missing[ref] = "asset \"" + ref + "\" was not fetched before the restart";
  apply_assets(*pr.playlist, assets, store_);
  const std::vector<std::string> dropped = drop_missing(*pr.playlist, missing);
  if (pr.playlist->slides.empty()) {
    err = "last-known-good playlist: no slide can be shown without a missing " +
          (missing.empty() ? std::string("asset") : missing.begin()->second);
    return std::nullopt;
  }
  if (!resolve_sources(*pr.playlist, net::is_http_url(source) ? source : pr.playlist->base_dir, err)) {
    err = "last-known-good playlist: " + err;
    return std::nullopt;
  }
  if (source == opt_.source) {  // same source: conditional GETs can start from it
    current_sha_ = sha;
    validators_ = {m.value("etag", std::string()), m.value("last_modified", std::string())};
    // ... and the missing assets are tried again by the next check.
    current_body_ = missing.empty() ? std::string() : body;
    current_assets_ = assets;
    missing_ = missing;
    dropped_ = dropped;
  }
  {
    std::lock_guard lock(mu_);
    status_.sha256 = sha;
    status_.version = pr.playlist->version;
    status_.name = pr.playlist->name;
    describe_locked(missing, dropped);
    const json& at = m.contains("adopted_at") ? m["adopted_at"] : json();
    status_.adopted_at = at.is_number_integer() ? at.get<int64_t>() : 0;
  }
  return AdoptedPlaylist{std::move(*pr.playlist), sha, source};
}

}  // namespace paizi::sources
