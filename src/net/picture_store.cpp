#include "net/picture_store.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/atomic_file.h"

namespace paizi::net {

namespace fs = std::filesystem;
using json = nlohmann::json;

PictureStore::PictureStore(std::string dir, PictureLimits limits, std::function<std::string(std::string_view)> check)
    : dir_(std::move(dir)), limits_(limits), check_(std::move(check)), store_(dir_, limits.max_total_bytes) {}

void PictureStore::load_index() {
  loaded_ = true;
  std::string text;
  if (!platform::read_whole_file((fs::path(dir_) / "index.json").string(), text)) return;
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return;  // torn or foreign: the pictures are fetched again
  for (const auto& [url, e] : doc.items()) {
    if (!e.is_object() || !e.value("sha256", json()).is_string()) continue;
    Entry en;
    en.sha256 = e["sha256"].get<std::string>();
    en.etag = e.value("etag", "");
    en.last_modified = e.value("last_modified", "");
    en.confirmed = e.value("confirmed", int64_t{0});
    index_[url] = std::move(en);
  }
}

void PictureStore::save_index() {
  if (index_.size() > kMaxIndexed) {  // forget the URLs confirmed longest ago
    std::vector<std::pair<int64_t, std::string>> by_age;
    for (const auto& [url, e] : index_) by_age.emplace_back(e.confirmed, url);
    std::sort(by_age.begin(), by_age.end());
    for (size_t i = 0; i < index_.size() - kMaxIndexed; ++i) index_.erase(by_age[i].second);
  }
  json doc = json::object();
  for (const auto& [url, e] : index_)
    doc[url] = {{"sha256", e.sha256}, {"etag", e.etag}, {"last_modified", e.last_modified}, {"confirmed", e.confirmed}};
  std::error_code ec;
  fs::create_directories(dir_, ec);
  // A lost index costs a fetch, nothing more: failures are not reported.
  platform::write_file_atomic((fs::path(dir_) / "index.json").string(), doc.dump(), nullptr);
}

std::string PictureStore::get(HttpClient& client, const std::string& url, int64_t now, std::string& err) {
  if (limits_.https_only && is_plain_http_url(url)) {
    err = url + ": plain http:// refused with require_https";
    return {};
  }
  if (!loaded_) load_index();
  std::error_code ec;
  auto it = index_.find(url);
  // A stored copy: its file must still be there (the budget may have taken it).
  const bool stored = it != index_.end() && fs::exists(store_.path_of(it->second.sha256), ec);
  // Local files are read again every time (no request to save).
  if (stored && is_http_url(url) && now - it->second.confirmed < limits_.recheck_s && now >= it->second.confirmed)
    return store_.path_of(it->second.sha256);

  HttpRequest rq;
  rq.url = url;
  if (stored) {
    rq.etag = it->second.etag;
    rq.last_modified = it->second.last_modified;
  }
  const HttpResult r = client.fetch(rq);
  if (stored && r.not_modified()) {
    it->second.confirmed = now;
    save_index();
    return store_.path_of(it->second.sha256);
  }
  std::string why = r.error;
  if (why.empty() && !r.ok()) why = "HTTP " + std::to_string(r.status);
  if (why.empty() && check_) why = check_(r.body);
  if (why.empty()) {
    const auto sha = store_.put(r.body, why);
    if (sha) {
      index_[url] = Entry{*sha, r.etag, r.last_modified, now};
      store_.collect({*sha});
      save_index();
      return store_.path_of(*sha);
    }
  }
  if (stored) return store_.path_of(it->second.sha256);  // the last good copy
  err = why;
  return {};
}

}  // namespace paizi::net
