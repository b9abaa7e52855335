// Fetch a source through the cache: conditional GET with the stored
// validators, fall back to the last good copy when anything goes wrong.
//
// Documented results (what a caller sees):
//   200 + body the caller accepts  -> fresh body, stored in the cache
//                                     (unless the verdict says not to)
//   304                            -> stored body, fetched_at refreshed (written
//                                     to the cache at most once an hour, as is
//                                     a 200 with the same bytes: no steady-state
//                                     writes)
//   200 + body the caller rejects,
//   4xx/5xx, timeout, redirect loop,
//   body over the cap, no network  -> stored body with `error` set and its
//                                     age (stale = true); without a stored
//                                     copy: no body, `error` set
// Local sources (paths, file://) bypass the cache.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "net/http_client.h"
#include "sources/cache.h"

namespace paizi::sources {

struct Fetched {
  bool has_body = false;  // body/content_type/effective_url are usable
  std::string body;
  std::string content_type;
  std::string effective_url;  // base URL for relative links
  bool from_cache = false;    // body came from the state directory
  bool stale = false;         // the fetch failed; body is the last good copy
  int64_t fetched_at = 0;     // Unix seconds UTC the body was last confirmed by the server
  long status = 0;            // HTTP status of this attempt (0: none, 200 for files)
  std::string error;          // why this attempt failed; empty when fresh

  // Seconds since the body was last confirmed (for "updated 12 minutes ago").
  int64_t age_s(int64_t now) const { return now > fetched_at ? now - fetched_at : 0; }
};

// The caller's judgement of a freshly downloaded body.
struct Verdict {
  std::string error;  // non-empty: bad content, fall back to the cache
  bool store = true;  // usable but not worth keeping (e.g. truncated): not cached
};
using AcceptFn = std::function<Verdict(const Fetched&)>;

// `cache` may be null (no state directory). `now` is Unix seconds UTC.
Fetched fetch_source(net::HttpClient& client, SourceCache* cache, const std::string& url,
                     const AcceptFn& accept, int64_t now);

}  // namespace paizi::sources
