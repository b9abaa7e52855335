#include "net/url_index.h"

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/atomic_file.h"

namespace paizi::net {

namespace fs = std::filesystem;
using json = nlohmann::json;

void UrlIndex::load() {
  loaded_ = true;
  std::string text;
  if (!platform::read_whole_file(path_, text)) return;
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return;  // torn or foreign: everything is fetched again
  for (const auto& [url, e] : doc.items()) {
    if (!e.is_object() || !e.value("sha256", json()).is_string()) continue;
    Entry en;
    en.sha256 = e["sha256"].get<std::string>();
    en.etag = e.value("etag", "");
    en.last_modified = e.value("last_modified", "");
    en.confirmed = e.value("confirmed", int64_t{0});
    entries_[url] = std::move(en);
  }
}

const UrlIndex::Entry* UrlIndex::find(const std::string& url, const AssetStore& store) {
  if (!loaded_) load();
  const auto it = entries_.find(url);
  std::error_code ec;
  if (it == entries_.end() || !fs::exists(store.path_of(it->second.sha256), ec)) return nullptr;
  return &it->second;
}

void UrlIndex::set_validators(HttpRequest& rq, const Entry* known) {
  if (!known) return;
  rq.etag = known->etag;
  rq.last_modified = known->last_modified;
}

void UrlIndex::confirm(const std::string& url, int64_t now) {
  if (!loaded_) load();
  if (const auto it = entries_.find(url); it != entries_.end()) it->second.confirmed = now;
}

void UrlIndex::remember(const std::string& url, const std::string& sha256, const HttpResult& r, int64_t now) {
  if (!loaded_) load();
  entries_[url] = Entry{sha256, r.etag, r.last_modified, now};
}

void UrlIndex::save() {
  if (entries_.size() > kMaxIndexed) {  // forget the URLs confirmed longest ago
    std::vector<std::pair<int64_t, std::string>> by_age;
    for (const auto& [url, e] : entries_) by_age.emplace_back(e.confirmed, url);
    std::sort(by_age.begin(), by_age.end());
    const size_t excess = entries_.size() - kMaxIndexed;
    for (size_t i = 0; i < excess; ++i) entries_.erase(by_age[i].second);
  }
  json doc = json::object();
  for (const auto& [url, e] : entries_)
    doc[url] = {{"sha256", e.sha256},
                {"etag", e.etag},
                {"last_modified", e.last_modified},
                {"confirmed", e.confirmed}};
  std::error_code ec;
  fs::create_directories(fs::path(path_).parent_path(), ec);
  platform::write_file_atomic(path_, doc.dump(), nullptr);
}

}  // namespace paizi::net
