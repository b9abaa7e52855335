#include "net/picture_store.h"

#include <filesystem>
#include <utility>

namespace paizi::net {

namespace fs = std::filesystem;

PictureStore::PictureStore(std::string dir, PictureLimits limits,
                           std::function<std::string(std::string_view)> check)
    : dir_(std::move(dir)),
      limits_(limits),
      check_(std::move(check)),
      store_(dir_, limits.max_total_bytes),
      index_((fs::path(dir_) / "index.json").string()) {}

std::string PictureStore::get(HttpClient& client, const std::string& url, int64_t now, std::string& err) {
  if (limits_.https_only && is_plain_http_url(url)) {
    err = url + ": plain http:// refused with require_https";
    return {};
  }
  // A stored copy whose file is still there (the budget may have taken it).
  const UrlIndex::Entry* stored = index_.find(url, store_);
  // Local files are read again every time (no request to save).
  if (stored && is_http_url(url) && now - stored->confirmed < limits_.recheck_s && now >= stored->confirmed)
    return store_.path_of(stored->sha256);
  const std::string stored_sha = stored ? stored->sha256 : "";

  HttpRequest rq;
  rq.url = url;
  rq.https_only = limits_.https_only;  // also refuses a redirect to http://
  UrlIndex::set_validators(rq, stored);
  const HttpResult r = client.fetch(rq);
  if (stored && r.not_modified()) {
    index_.confirm(url, now);
    index_.save();
    return store_.path_of(stored_sha);
  }
  std::string why = r.error;
  if (why.empty() && !r.ok()) why = "HTTP " + std::to_string(r.status);
  if (why.empty() && check_) why = check_(r.body);
  if (why.empty()) {
    const auto sha = store_.put(r.body, why);
    if (sha) {
      index_.remember(url, *sha, r, now);
      store_.collect({*sha});
      index_.save();
      return store_.path_of(*sha);
    }
  }
  if (stored) return store_.path_of(stored_sha);  // the last good copy
  err = why;
  return {};
}

}  // namespace paizi::net
