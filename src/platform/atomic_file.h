// Durable file writes: a reader (or a restart after power loss or SIGKILL)
// sees either the old or the new contents, never a mix or a torn file.
#pragma once

#include <cstddef>
#include <string>

namespace paizi::platform {

// What a write promises beyond atomicity for readers.
enum class Durability {
  synced,   // survives power loss: the file and the directory are fsynced
  visible,  // readers see the old or the new contents; after power loss either
            // may be lost (no fsync: state that is made again, on an SD card)
};

// Writes `data` to a temporary file in the same directory (PATH.tmp.PID),
// renames it over `path` (fsyncing the file before and the directory after,
// when `durability` is synced). On failure returns false with a one-line
// reason in `error` (if non-null); `path` is untouched. `mode` is the new
// file's permission bits (e.g. 0600 for secrets), less the process's umask
// unless `exact_mode` (a file another user must read, such as node_exporter
// reading the metrics of a service that runs with UMask=0077).
bool write_file_atomic(const std::string& path, const std::string& data, std::string* error,
                       unsigned mode = 0644, Durability durability = Durability::synced,
                       bool exact_mode = false);

// Writes all `len` bytes of `data` to `fd` (retrying short writes and
// EINTR); false with errno set.
bool write_all(int fd, const void* data, size_t len);

// The temporary name write_file_atomic uses for `path` (PATH.tmp.PID), for
// a file written another way (streamed) and then committed.
std::string temporary_name(const std::string& path);
// Makes the file `tmp` (written and closed by the caller) `path`: fsync,
// rename, fsync of the directory. False with a reason in `error`; `tmp` is
// then left for the caller to remove.
bool commit_file(const std::string& tmp, const std::string& path, std::string* error);

// Removes what a killed writer left in `dir`: write_file_atomic's temporary
// files (NAME.tmp.PID) of any process but this one. Returns how many.
size_t remove_leftover_temporaries(const std::string& dir);

// Reads a whole file; false when it cannot be opened or read.
bool read_whole_file(const std::string& path, std::string& out);

}  // namespace paizi::platform
