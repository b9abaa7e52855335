// Content-addressed store for everything a playlist references (images,
// feed and data snapshots): DIR/<sha256 hex> holds the bytes whose SHA-256
// is the name. Names never come from a playlist, so no playlist can make a
// path outside DIR. Files are written atomically (platform/atomic_file.h)
// and only once per content: repeated fetches of the same bytes cost no
// write (SD cards wear out).
//
// Budget: `collect()` removes unreferenced entries, least recently used
// first, until the total is under `max_total_bytes`; referenced entries are
// never removed. Evictions are counted. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace paizi::net {

struct AssetStoreStats {
  size_t entries = 0;
  size_t bytes = 0;        // sum of stored file sizes
  uint64_t stores = 0;     // new files written
  uint64_t reuses = 0;     // puts whose content was already stored
  uint64_t evictions = 0;  // files removed by collect()
};

class AssetStore {
 public:
  AssetStore(std::string dir, size_t max_total_bytes);

  // Stores `bytes`; returns its sha256 hex, or nullopt with `err` set.
  std::optional<std::string> put(const std::string& bytes, std::string& err);
  // A file in the store's directory for bytes on their way in (a clip
  // streamed to disk): a temporary name that a later start removes if this
  // process dies before adopt().
  std::string incoming_path();
  // Stores the file at `incoming` (from incoming_path()), whose SHA-256 is
  // `sha` (net::sha256_file_hex): moved into place, or removed when the
  // entry is already there and intact. Returns `sha`, or nullopt with `err`.
  std::optional<std::string> adopt(const std::string& incoming, const std::string& sha, std::string& err);
  // Path of an entry (whether or not it exists).
  std::string path_of(const std::string& sha) const;
  // True when the entry exists and its bytes still hash to `sha`.
  bool verify(const std::string& sha) const;
  // Enforces the budget, keeping everything in `referenced`.
  void collect(const std::set<std::string>& referenced);
  AssetStoreStats stats() const;

 private:
  std::string dir_;
  size_t max_total_bytes_;
  uint64_t stores_ = 0, reuses_ = 0, evictions_ = 0;
  uint64_t incoming_ = 0;  // incoming_path() names given
};

}  // namespace paizi::net
