#include "content/news_source.h"

#include "net/fetch.h"

namespace paizi::content {

namespace {

void copy_freshness(const net::Fetched& f, Freshness& out) {
  out.from_cache = f.from_cache;
  out.stale = f.stale;
  out.fetched_at = f.fetched_at;
  out.error = f.error;
}

}  // namespace

LoadedFeed load_feed(net::HttpClient& client, net::SourceCache* cache, const std::string& url,
                     FeedOptions options, int64_t now) {
  LoadedFeed out;
  std::optional<FeedResult> fresh;
  auto parse = [&](const net::Fetched& f) {
    options.url = f.effective_url.empty() ? url : f.effective_url;
    options.content_type = f.content_type;
    return parse_feed(f.body, options);
  };
  const net::Fetched f = net::fetch_source(
      client, cache, url,
      [&](const net::Fetched& got) {
        fresh = parse(got);
        net::Verdict v;
        if (!fresh->feed) v.error = fresh->error;
        else v.store = !fresh->feed->truncated;
        return v;
      },
      now);
  copy_freshness(f, out);
  if (!f.has_body) return out;
  FeedResult r = f.from_cache || !fresh ? parse(f) : std::move(*fresh);
  if (!r.feed) {
    out.error = out.error.empty() ? r.error : out.error;
    return out;
  }
  if (r.feed->truncated)
    out.warning = "feed truncated: showing the " + std::to_string(r.feed->items.size()) + " complete items";
  out.feed = std::move(r.feed);
  return out;
}

}  // namespace paizi::content
