#include "sources/cache.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "platform/atomic_file.h"

namespace paizi::sources {

namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bit: file names stay short and safe whatever the URL holds.
std::string key_of(const std::string& url) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : url) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// A .meta file as write_meta() writes it. Anything else (a damaged file,
// one edited by hand) is no entry: json::value() would throw on a field of
// another type.
bool valid_meta(const nlohmann::json& m) {
  if (!m.is_object()) return false;
  for (const char* k : {"url", "content_type", "etag", "last_modified", "effective_url"})
    if (m.contains(k) && !m[k].is_string()) return false;
  for (const char* k : {"body_size", "fetched_at"})
    if (m.contains(k) && !m[k].is_number_integer()) return false;
  return m.contains("url") && (!m.contains("body_size") || m["body_size"].is_number_unsigned());
}

}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SourceCache::SourceCache(std::string dir, CacheLimits limits) : dir_(std::move(dir)), limits_(limits) {}

std::string SourceCache::path_for(const std::string& url, const char* ext) const {
  return (fs::path(dir_) / (key_of(url) + ext)).string();
}

std::optional<CacheEntry> SourceCache::load(const std::string& url) const {
  std::string meta_text, body;
  if (!platform::read_whole_file(path_for(url, ".meta"), meta_text) ||
      !platform::read_whole_file(path_for(url, ".body"), body))
    return std::nullopt;
  const auto meta = nlohmann::json::parse(meta_text, nullptr, false);
  if (!valid_meta(meta)) return std::nullopt;
  CacheEntry e;
  e.url = meta.value("url", "");
  // A different URL with the same hash, or a body from another write: no entry.
  if (e.url != url || meta.value("body_size", uint64_t{0}) != body.size()) return std::nullopt;
  e.body = std::move(body);
  e.content_type = meta.value("content_type", "");
  e.etag = meta.value("etag", "");
  e.last_modified = meta.value("last_modified", "");
  e.effective_url = meta.value("effective_url", url);
  e.fetched_at = meta.value("fetched_at", int64_t{0});
  return e;
}

bool SourceCache::write_meta(const CacheEntry& e, std::string* error) const {
  const nlohmann::json meta = {{"url", e.url},
                               {"body_size", e.body.size()},
                               {"content_type", e.content_type},
                               {"etag", e.etag},
                               {"last_modified", e.last_modified},
                               {"effective_url", e.effective_url},
                               {"fetched_at", e.fetched_at}};
  return platform::write_file_atomic(
      path_for(e.url, ".meta"), meta.dump(1, ' ', false, nlohmann::json::error_handler_t::replace), error);
}

bool SourceCache::store(const CacheEntry& e, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    if (error) *error = "cannot create " + dir_ + ": " + ec.message();
    return false;
  }
  if (e.body.size() > limits_.max_total_bytes) {
    if (error) *error = "body of " + e.url + " exceeds the cache budget";
    return false;
  }
  if (!platform::write_file_atomic(path_for(e.url, ".body"), e.body, error)) return false;
  if (!write_meta(e, error)) return false;
  enforce_budget(e.url);
  return true;
}

bool SourceCache::touch(const std::string& url, int64_t fetched_at) {
  auto e = load(url);
  if (!e) return false;
  e->fetched_at = fetched_at;
  return write_meta(*e, nullptr);
}

void SourceCache::enforce_budget(const std::string& keep_url) {
  struct Item {
    fs::path meta, body;
    int64_t fetched_at;
    uintmax_t size;
    bool kept;  // named by keep(): evicted last
  };
  std::vector<Item> items;
  uintmax_t total = 0;
  std::error_code ec;
  // What a crash or power cut leaves behind is removed once it cannot be a
  // write in progress (by another paizi process on the same directory):
  // temporary files of atomic writes, a body whose .meta was never written,
  // and a .meta that is damaged. Otherwise they would weigh on the disk for
  // good, outside the budget.
  const auto settled = fs::file_time_type::clock::now() - std::chrono::minutes(1);
  auto old = [&](const fs::path& p) {
    const auto t = fs::last_write_time(p, ec);
    return !ec && t < settled;
  };
  const fs::path keep_body = path_for(keep_url, ".body");
  std::error_code walk;  // increments that fail end the walk instead of throwing
  for (fs::directory_iterator it(dir_, walk), end; !walk && it != end; it.increment(walk)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.find(".tmp.") != std::string::npos) {
      if (old(p)) fs::remove(p, ec);
      continue;
    }
    if (p.extension() == ".body") {
      fs::path meta = p;
      const bool has_meta = fs::exists(meta.replace_extension(".meta"), ec);
      if (!has_meta && !ec && p != keep_body && old(p)) fs::remove(p, ec);
      continue;
    }
    if (p.extension() != ".meta") continue;
    std::string text;
    if (!platform::read_whole_file(p.string(), text)) continue;
    const auto meta = nlohmann::json::parse(text, nullptr, false);
    fs::path body = p;
    body.replace_extension(".body");
    if (!valid_meta(meta)) {
      fs::remove(p, ec);
      fs::remove(body, ec);
      continue;
    }
    if (meta.value("url", "") == keep_url) continue;
    const uintmax_t size = fs::file_size(body, ec);
    if (ec) continue;
    items.push_back(
        {p, body, meta.value("fetched_at", int64_t{0}), size, keep_.count(meta.value("url", "")) > 0});
    total += size;
  }
  if (auto kept = fs::file_size(keep_body, ec); !ec) total += kept;
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.kept != b.kept ? b.kept : a.fetched_at < b.fetched_at;
  });
  for (const Item& it : items) {
    if (total <= limits_.max_total_bytes) break;
    fs::remove(it.meta, ec);
    fs::remove(it.body, ec);
    total -= it.size;
    ++evictions_;
  }
}

}  // namespace paizi::sources
