// Durable file writes: a reader (or a restart after power loss or SIGKILL)
// sees either the old or the new contents, never a mix or a torn file.
#pragma once

#include <string>

namespace paizi::platform {

// Writes `data` to a temporary file in the same directory, fsyncs it,
// renames it over `path` and fsyncs the directory. On failure returns false
// with a one-line reason in `error` (if non-null); `path` is untouched.
// `mode` is the new file's permission bits (e.g. 0600 for secrets).
bool write_file_atomic(const std::string& path, const std::string& data, std::string* error,
                       unsigned mode = 0644);

// Reads a whole file; false when it cannot be opened or read.
bool read_whole_file(const std::string& path, std::string& out);

}  // namespace paizi::platform
