// Pinned images (a playlist's "image_sha256"): which references carry a
// pin, when an image is refused before it is fetched (no pin while
// playlists are signed, plain http:// while HTTPS is required), and how an
// integrity failure is worded. Pure functions; any thread.
//
// A pin makes a signed playlist cover the image's bytes: the updater keeps
// an image only when its SHA-256 equals the pin (sources/playlist_updater.h),
// whatever server or network delivered it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "content/playlist.h"

namespace paizi::sources {

// Every asset (image) a playlist references, as written, with its pin:
// 64 lower-case hex digits, "" when not pinned. The parser guarantees one
// pin per reference (content/playlist.h).
std::map<std::string, std::string> asset_pins(const content::Playlist& pl);
// The references of those that are video clips (content::for_each_video).
std::set<std::string> video_assets(const content::Playlist& pl);

struct AssetPolicy {
  bool signed_playlists = false;  // a public key is configured
  bool allow_unpinned = false;    // config allow_unpinned_assets
  bool require_https = false;     // config require_https
};

// Why the image at `url` (resolved: an http(s) URL or an absolute path)
// with pin `pin` ("" = none) may not be used at all; "" when it may be
// fetched. A pinned image is never refused for its transport.
std::string refusal(const std::string& url, const std::string& pin, const AssetPolicy& policy);

// Every integrity failure's reason starts with this.
inline constexpr std::string_view kIntegrityFailure = "integrity failure: ";
// "integrity failure: asset URL has SHA-256 ACTUAL, the playlist pins PIN".
std::string integrity_failure(const std::string& url, const std::string& pin, const std::string& actual);
// The first integrity failure among the reasons in `missing` (reference ->
// why it is missing); "" when there is none.
std::string first_integrity_failure(const std::map<std::string, std::string>& missing);

}  // namespace paizi::sources
