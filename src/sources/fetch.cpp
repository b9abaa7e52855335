#include "sources/fetch.h"

#include <optional>
#include <utility>

namespace paizi::sources {

namespace {

// A confirmation alone (a 304, or the same bytes and validators again) is
// written to the cache at most this often: a feed polled every minute would
// otherwise cost the SD card a write a minute with nothing new. After a
// restart the stored copy's age may therefore read up to this much too old.
constexpr int64_t kConfirmWriteEveryS = 3600;

Fetched from_entry(const CacheEntry& e) {
  Fetched f;
  f.has_body = true;
  f.body = e.body;
  f.content_type = e.content_type;
  f.effective_url = e.effective_url;
  f.from_cache = true;
  f.fetched_at = e.fetched_at;
  return f;
}

// The attempt failed: the last good copy if there is one, else the error alone.
Fetched fall_back(const std::optional<CacheEntry>& cached, long status, std::string error) {
  Fetched f = cached ? from_entry(*cached) : Fetched{};
  f.stale = cached.has_value();
  f.status = status;
  f.error = std::move(error);
  return f;
}

}  // namespace

Fetched fetch_source(net::HttpClient& client, SourceCache* cache, const std::string& url,
                     const AcceptFn& accept, int64_t now) {
  const bool cacheable = cache && net::is_http_url(url);
  const std::optional<CacheEntry> cached = cacheable ? cache->load(url) : std::nullopt;
  net::HttpRequest req;
  req.url = url;
  if (cached) {
    req.etag = cached->etag;
    req.last_modified = cached->last_modified;
  }
  net::HttpResult r = client.fetch(req);
  if (r.not_modified()) {
    if (!cached) return fall_back(cached, r.status, "304 Not Modified without a cached copy");
    if (now - cached->fetched_at >= kConfirmWriteEveryS) cache->touch(url, now);
    Fetched f = from_entry(*cached);
    f.fetched_at = now;
    f.status = r.status;
    return f;
  }
  if (!r.ok()) return fall_back(cached, r.status, r.error);

  Fetched f;
  f.has_body = true;
  f.body = std::move(r.body);
  f.content_type = std::move(r.content_type);
  f.effective_url = r.effective_url.empty() ? url : r.effective_url;
  f.fetched_at = now;
  f.status = r.status;
  Verdict verdict;
  if (accept) verdict = accept(f);
  if (!verdict.error.empty()) return fall_back(cached, r.status, std::move(verdict.error));
  const bool same_as_cached =
      cached && cached->body == f.body && cached->etag == r.etag &&
      cached->last_modified == r.last_modified && cached->content_type == f.content_type &&
      cached->effective_url == f.effective_url && now - cached->fetched_at < kConfirmWriteEveryS;
  if (cacheable && verdict.store && !same_as_cached) {
    CacheEntry e{url, f.body, f.content_type, r.etag, r.last_modified, f.effective_url, now};
    cache->store(e);  // a full disk costs the fallback copy, not this fetch
  }
  return f;
}

}  // namespace paizi::sources
