#include "net/asset_store.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "net/signature.h"
#include "platform/atomic_file.h"

namespace paizi::net {

namespace fs = std::filesystem;

namespace {

bool is_sha_name(const std::string& n) {
  return n.size() == 64 && std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

AssetStore::AssetStore(std::string dir, size_t max_total_bytes)
    : dir_(std::move(dir)), max_total_bytes_(max_total_bytes) {}

std::string AssetStore::path_of(const std::string& sha) const { return (fs::path(dir_) / sha).string(); }

std::optional<std::string> AssetStore::put(const std::string& bytes, std::string& err) {
  const std::string sha = net::sha256_hex(bytes);
  std::error_code ec;
  const std::string path = path_of(sha);
  if (verify(sha)) {                                                  // stored and intact: no second write
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
    ++reuses_;
    return sha;
  }
  fs::create_directories(dir_, ec);
  if (!platform::write_file_atomic(path, bytes, &err)) return std::nullopt;
  ++stores_;
  return sha;
}

std::string AssetStore::incoming_path() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  // NAME.tmp.PID: remove_leftover_temporaries() knows it (collect() calls it).
  return platform::temporary_name((fs::path(dir_) / ("incoming-" + std::to_string(++incoming_))).string());
}

std::optional<std::string> AssetStore::adopt(const std::string& incoming, const std::string& sha,
                                             std::string& err) {
  std::error_code ec;
  const std::string path = path_of(sha);
  if (!is_sha_name(sha)) {
    err = "not a SHA-256: " + sha;
    fs::remove(incoming, ec);
    return std::nullopt;
  }
  if (verify(sha)) {  // stored and intact: no second copy
    fs::remove(incoming, ec);
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
    ++reuses_;
    return sha;
  }
  if (!platform::commit_file(incoming, path, &err)) {
    fs::remove(incoming, ec);
    return std::nullopt;
  }
  ++stores_;
  return sha;
}

bool AssetStore::verify(const std::string& sha) const {
  // Streamed: a stored clip (up to hundreds of MB) is not read whole.
  return is_sha_name(sha) && net::sha256_file_hex(path_of(sha)) == sha;
}

void AssetStore::collect(const std::set<std::string>& referenced) {
  struct Entry {
    fs::path path;
    size_t size;
    fs::file_time_type used;
    bool keep;
  };
  platform::remove_leftover_temporaries(dir_);
  std::vector<Entry> entries;
  size_t total = 0;
  std::error_code ec;
  std::error_code walk;  // a failing increment ends the walk instead of throwing
  for (fs::directory_iterator it(dir_, walk), end; !walk && it != end; it.increment(walk)) {
    const fs::directory_entry& de = *it;
    const std::string name = de.path().filename().string();
    if (!is_sha_name(name)) continue;  // a crash's temporaries: remove_leftover_temporaries
    const size_t size = static_cast<size_t>(de.file_size(ec));
    entries.push_back({de.path(), size, de.last_write_time(ec), referenced.count(name) > 0});
    total += size;
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const auto& e : entries) {
    if (total <= max_total_bytes_) break;
    if (e.keep) continue;
    if (fs::remove(e.path, ec)) {
      total -= e.size;
      ++evictions_;
    }
  }
}

AssetStoreStats AssetStore::stats() const {
  AssetStoreStats s;
  std::error_code ec;
  std::error_code walk;
  for (fs::directory_iterator it(dir_, walk), end; !walk && it != end; it.increment(walk)) {
    const fs::directory_entry& de = *it;
    if (!is_sha_name(de.path().filename().string())) continue;
    ++s.entries;
    s.bytes += static_cast<size_t>(de.file_size(ec));
  }
  s.stores = stores_;
  s.reuses = reuses_;
  s.evictions = evictions_;
  return s;
}

}  // namespace paizi::net
