// Image pins ("image_sha256") for `paizi sign` and `paizi check`: which
// images a playlist names and where in its JSON, their bytes as the player
// would fetch them, and writing pins into the playlist's text without
// reformatting it (sources/asset_pins.h is the player's side).
#pragma once

#include <string>
#include <vector>

#include "content/playlist.h"

namespace paizi::app {

// One image reference of a playlist.
struct ImageRef {
  std::string ref;      // "image" as written
  std::string pin;      // its "image_sha256"; "" when none
  std::string pointer;  // JSON pointer of the object holding both: /slides/N or /slides/N/article
  bool slide = false;   // an image slide's image (false: an inline article's picture)
};
std::vector<ImageRef> image_refs(const content::Playlist& pl);

// Whether `ref` is a local file reference (a path or file:// URL).
bool is_local_ref(const std::string& ref);

// The bytes of image `ref` as the player would fetch them: an http(s) URL
// (one GET, the player's caps and timeouts), or a file relative to
// `base_dir`, at most render::kMaxImageFileBytes. False with `err` set.
bool image_bytes(const std::string& ref, const std::string& base_dir, std::string& bytes, std::string& err);

// `json` with "image_sha256": PIN set in each object named by `pins`
// (pointer -> pin): an existing value is replaced, else the member is
// inserted right after that object's "image" member, on the same line.
// The rest of the text is kept byte for byte. `json` must parse.
std::string with_pins(const std::string& json, const std::vector<std::pair<std::string, std::string>>& pins);

}  // namespace paizi::app
