// Asset pins ("image_sha256" of images, "src_sha256" of video clips) for
// `paizi sign` and `paizi check`: which assets a playlist names and where
// in its JSON, their SHA-256 as the player would fetch them, and writing
// pins into the playlist's text without reformatting it
// (sources/asset_pins.h is the player's side).
#pragma once

#include <string>
#include <vector>

#include "content/playlist.h"

namespace paizi::app {

// One asset reference of a playlist: an image or a clip.
struct AssetRef {
  std::string ref;      // "image" or "src" as written
  std::string pin;      // its "image_sha256" or "src_sha256"; "" when none
  std::string pointer;  // JSON pointer of the object holding both: /slides/N or /slides/N/article
  bool clip = false;    // a video slide's clip (false: an image)
  bool slide = false;   // an image slide's image or a clip (false: an inline article's picture)
  // The member names: "image" / "image_sha256", or "src" / "src_sha256".
  const char* key() const { return clip ? "src" : "image"; }
  const char* pin_key() const { return clip ? "src_sha256" : "image_sha256"; }
  const char* kind() const { return clip ? "video" : "image"; }
};
// Every image and clip of `pl`, in slide order.
std::vector<AssetRef> asset_refs(const content::Playlist& pl);

// Whether `ref` is a local file reference (a path or file:// URL).
bool is_local_ref(const std::string& ref);

// The SHA-256 (hex) of asset `a` as the player would fetch it: an http(s)
// URL (one GET, the player's caps and timeouts; a clip goes to a temporary
// file, never whole into memory), or a file relative to `base_dir`. With
// `check`, what the player would refuse is refused here too (an image it
// cannot draw, a clip it cannot play). False with `err` set.
bool asset_sha256(const AssetRef& a, const std::string& base_dir, bool check, std::string& sha,
                  std::string& err);

// `json` with each asset of `pins` pinned (its pin_key(): the SHA-256):
// an existing value is replaced, else the member is inserted right after
// the asset's key(), on the same line. The rest of the text is kept byte
// for byte. `json` must parse.
std::string with_pins(const std::string& json, const std::vector<std::pair<AssetRef, std::string>>& pins);

}  // namespace paizi::app
