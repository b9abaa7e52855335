// Per-source storage of fetched documents in the state directory, so a
// failed fetch can fall back to the last good copy with a known age.
//
// Layout: DIR/<key>.body (bytes as received, decoded) and DIR/<key>.meta
// (JSON: url, validators, content type, fetch time). Both are written
// atomically (temp file, fsync, rename; body before meta), so a crash leaves
// either the old or the new entry. The directory is created on first store.
// Budget: the sum of body sizes stays under max_total_bytes; the entries
// fetched longest ago are evicted first, those named by keep() (the sources
// of the playlist on screen) only after all others; evictions are counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace paizi::sources {

struct CacheEntry {
  std::string url;  // the source URL as configured (the key)
  std::string body;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string effective_url;  // after redirects; base for relative links
  int64_t fetched_at = 0;     // Unix seconds UTC when the server last confirmed this body
};

struct CacheLimits {
  size_t max_total_bytes = 64u << 20;  // sum of stored bodies, bytes
};

class SourceCache {
 public:
  explicit SourceCache(std::string dir, CacheLimits limits = {});

  // The stored entry for `url`, or nullopt (none, unreadable or torn).
  std::optional<CacheEntry> load(const std::string& url) const;
  // Stores/replaces the entry, then enforces the budget. On failure returns
  // false with a one-line reason in `error`; the old entry stays intact.
  bool store(const CacheEntry& entry, std::string* error = nullptr);
  // Rewrites only the fetch time (a 304 confirmed the stored body).
  bool touch(const std::string& url, int64_t fetched_at);

  // URLs whose entries are evicted last (see Budget above).
  void keep(std::set<std::string> urls) { keep_ = std::move(urls); }

  const std::string& dir() const { return dir_; }
  size_t evictions() const { return evictions_; }

 private:
  std::string path_for(const std::string& url, const char* ext) const;
  bool write_meta(const CacheEntry& entry, std::string* error) const;
  void enforce_budget(const std::string& keep_url);

  std::string dir_;
  CacheLimits limits_;
  std::set<std::string> keep_;
  size_t evictions_ = 0;
};

// Current time, Unix seconds UTC.
int64_t unix_now();

}  // namespace paizi::sources
