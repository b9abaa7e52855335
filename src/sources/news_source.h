// Sources to news: fetch (through the cache) and parse a feed or an
// article page. This is what the player calls for a playlist Source.
//
// Results: `feed`/`article` is set whenever there is something to show:
// fresh content, or the last good copy when the fetch or the new content
// failed (then `stale` and `error` are set and `fetched_at` says how old it
// is). Unset only when there is neither (error says why). Bad content is
// never cached; a truncated feed is shown but not cached.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "content/article.h"
#include "content/cap.h"
#include "content/feed.h"
#include "content/kpi_data.h"
#include "content/news.h"
#include "net/http_client.h"
#include "sources/cache.h"

namespace paizi::sources {

struct Freshness {
  bool from_cache = false;  // body read from the state directory
  bool stale = false;       // this attempt failed; showing the last good copy
  int64_t fetched_at = 0;   // Unix seconds UTC the body was last confirmed
  std::string error;        // why this attempt failed (also set when stale)
  std::string warning;      // e.g. "feed truncated: showing the 12 complete items"
};

struct LoadedFeed : Freshness {
  std::optional<content::Feed> feed;
};

// `cache` may be null; `now` is Unix seconds UTC. `options.url` and
// `options.content_type` are filled in from the fetch.
LoadedFeed load_feed(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                     content::FeedOptions options, int64_t now);

}  // namespace paizi::sources

namespace paizi::sources {

struct LoadedArticle : Freshness {
  std::optional<content::NewsItem> article;
};

// Same contract as load_feed, for an article page.
LoadedArticle load_article(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                           content::ArticleOptions options, int64_t now);

struct LoadedKpi : Freshness {
  std::optional<content::KpiData> data;
};

// Same contract as load_feed, for KPI data (JSON or CSV): a document without
// a usable figure never replaces the last good copy.
LoadedKpi load_kpi(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                   content::KpiOptions options, int64_t now);

struct LoadedCap : Freshness {
  std::optional<content::CapResult> cap;  // set when a CAP document (possibly with no alerts) was read
  std::vector<std::string> link_errors;   // "URL: reason" for each linked document not read fresh
};

struct CapLinkOptions {
  size_t max_documents = 8;  // linked CAP documents fetched per poll; the rest wait (and are reported)
  bool https_only = false;   // plain http:// links are refused (config require_https)
};

// Same contract as load_feed, for CAP alerts: an alert or a feed of them.
// A document with no alerts is content (all clear); one that is not CAP
// (malformed, hostile, an error page) never replaces the last good copy.
// The documents a feed's entries link (content::CapResult::links) are fetched
// through the same client and cache, each like a source of its own:
// conditional GET, the last good copy when the server fails or sends
// something that is not one CAP alert. Their alerts are appended to
// `cap->alerts`; a link that is not http(s), or plain http with
// `https_only`, is refused; each failure is in `link_errors` (with the
// last good copy's alerts still used when there is one).
LoadedCap load_cap(net::HttpClient& client, sources::SourceCache* cache, const std::string& url, int64_t now,
                   const CapLinkOptions& links = {});

}  // namespace paizi::sources
