// Paths as paizi uses them: references written in a playlist (relative to
// its directory), roots an asset must stay under, the state directory. One
// implementation each, used by the parser's checks, the updater, the
// sources, composition and the command line.
#pragma once

#include <string>

namespace paizi::platform {

// `ref` as a file path seen from `base_dir` (a playlist's directory): a
// relative path is joined to it; an absolute path, an empty one, a URL
// ("scheme://...") and any path when `base_dir` is empty (the working
// directory) are returned as they are.
std::string resolve_ref(const std::string& base_dir, const std::string& ref);

// True when `path` is `root` itself or lies beneath it, compared as written
// (lexically, after normalising "." and ".."): callers that must not be
// fooled by symbolic links canonicalise both first.
bool is_within(const std::string& path, const std::string& root);

// `path` made absolute against the working directory and normalised; itself
// when that fails (or when it is empty).
std::string absolute_path(const std::string& path);

}  // namespace paizi::platform
