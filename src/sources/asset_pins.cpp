#include "sources/asset_pins.h"

#include "net/http_client.h"

namespace paizi::sources {

std::map<std::string, std::string> asset_pins(const content::Playlist& pl) {
  std::map<std::string, std::string> pins;
  const auto add = [&pins](const std::string& ref, const std::string& pin) {
    if (ref.empty()) return;
    std::string& p = pins[ref];
    if (p.empty()) p = pin;
  };
  for (const auto& s : pl.slides)
    content::for_each_image(s, [&](const std::string& ref, const std::string& pin, bool) { add(ref, pin); });
  for (const auto& s : pl.slides)
    content::for_each_video(s, [&](const std::string& ref, const std::string& pin) { add(ref, pin); });
  return pins;
}

std::set<std::string> video_assets(const content::Playlist& pl) {
  std::set<std::string> refs;
  for (const auto& s : pl.slides)
    content::for_each_video(s, [&](const std::string& ref, const std::string&) {
      if (!ref.empty()) refs.insert(ref);
    });
  return refs;
}

std::string refusal(const std::string& url, const std::string& pin, const AssetPolicy& policy) {
  if (!pin.empty()) return {};
  if (policy.signed_playlists && !policy.allow_unpinned)
    return "asset " + url +
           " has no \"image_sha256\" pin: refused while playlists are signed (paizi sign pins it; "
           "allow_unpinned_assets = true accepts it)";
  if (policy.require_https && net::is_plain_http_url(url))
    return "asset " + url + " is plain http:// and not pinned: refused with require_https";
  return {};
}

std::string integrity_failure(const std::string& url, const std::string& pin, const std::string& actual) {
  return std::string(kIntegrityFailure) + "asset " + url + " has SHA-256 " + actual + ", the playlist pins " +
         pin;
}

std::string first_integrity_failure(const std::map<std::string, std::string>& missing) {
  for (const auto& [ref, why] : missing)
    if (why.rfind(kIntegrityFailure, 0) == 0) return why;
  return {};
}

}  // namespace paizi::sources
