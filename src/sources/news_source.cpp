#include "sources/news_source.h"

#include "sources/fetch.h"

namespace paizi::sources {

namespace {

void copy_freshness(const sources::Fetched& f, Freshness& out) {
  out.from_cache = f.from_cache;
  out.stale = f.stale;
  out.fetched_at = f.fetched_at;
  out.error = f.error;
}

// Fetch through the cache, judge fresh bodies with `parse`, parse the cached
// copy when that is what the fetch returned. `Result` has `error` and an
// optional member selected by `content`.
template <typename Result, typename Parse, typename Content>
std::optional<Result> fetch_and_parse(net::HttpClient& client, sources::SourceCache* cache,
                                      const std::string& url, int64_t now, Freshness& out, Parse parse,
                                      Content content, bool (*storable)(const Result&)) {
  std::optional<Result> fresh;
  const sources::Fetched f = sources::fetch_source(
      client, cache, url,
      [&](const sources::Fetched& got) {
        fresh = parse(got);
        sources::Verdict v;
        if (!content(*fresh))
          v.error = fresh->error;
        else
          v.store = storable(*fresh);
        return v;
      },
      now);
  copy_freshness(f, out);
  if (!f.has_body) return std::nullopt;
  Result r = f.from_cache || !fresh ? parse(f) : std::move(*fresh);
  if (!content(r)) {
    if (out.error.empty()) out.error = r.error;
    return std::nullopt;
  }
  return r;
}

// Parser options for a fetched body: its URL (after redirects) and charset header.
template <typename Options>
const Options& with_origin(Options& o, const sources::Fetched& f, const std::string& url) {
  o.url = f.effective_url.empty() ? url : f.effective_url;
  o.content_type = f.content_type;
  return o;
}

}  // namespace

LoadedFeed load_feed(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                     content::FeedOptions options, int64_t now) {
  LoadedFeed out;
  // A feed with no items is not content: a CMS between publishes or a
  // broken export would otherwise blank the news slides and overwrite the
  // last good copy with nothing.
  auto parse = [&](const sources::Fetched& f) {
    content::FeedResult r = content::parse_feed(f.body, with_origin(options, f, url));
    if (r.feed && r.feed->items.empty()) {
      r.feed.reset();
      r.error = "the feed has no items";
    }
    return r;
  };
  auto content = [](const content::FeedResult& r) { return r.feed.has_value(); };
  auto storable = [](const content::FeedResult& r) { return !r.feed->truncated; };
  std::optional<content::FeedResult> r =
      fetch_and_parse<content::FeedResult>(client, cache, url, now, out, parse, content, +storable);
  if (!r) return out;
  if (r->feed->truncated)
    out.warning = "feed truncated: showing the " + std::to_string(r->feed->items.size()) + " complete items";
  out.feed = std::move(r->feed);
  return out;
}

LoadedArticle load_article(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                           content::ArticleOptions options, int64_t now) {
  LoadedArticle out;
  auto parse = [&](const sources::Fetched& f) {
    return content::extract_article(f.body, with_origin(options, f, url));
  };
  auto content = [](const content::ArticleResult& r) { return r.article.has_value(); };
  auto storable = [](const content::ArticleResult&) { return true; };
  std::optional<content::ArticleResult> r =
      fetch_and_parse<content::ArticleResult>(client, cache, url, now, out, parse, content, +storable);
  if (r) out.article = std::move(r->article);
  return out;
}

LoadedKpi load_kpi(net::HttpClient& client, sources::SourceCache* cache, const std::string& url,
                   content::KpiOptions options, int64_t now) {
  LoadedKpi out;
  auto parse = [&](const sources::Fetched& f) {
    options.content_type = f.content_type;
    return content::parse_kpi_data(f.body, options);
  };
  auto content = [](const content::KpiResult& r) { return r.data.has_value(); };
  auto storable = [](const content::KpiResult&) { return true; };
  std::optional<content::KpiResult> r =
      fetch_and_parse<content::KpiResult>(client, cache, url, now, out, parse, content, +storable);
  if (r) out.data = std::move(r->data);
  return out;
}

namespace {

// One linked CAP document into `into` (see load_cap).
void follow_cap_link(net::HttpClient& client, sources::SourceCache* cache, const std::string& link,
                     int64_t now, const CapLinkOptions& o, content::CapResult& into,
                     std::vector<std::string>& errors) {
  if (!net::is_http_url(link)) {
    errors.push_back(link + ": not an http(s) link: refused");
    return;
  }
  if (o.https_only && net::is_plain_http_url(link)) {
    errors.push_back(link + ": plain http:// refused with require_https");
    return;
  }
  Freshness got;
  auto parse = [&](const sources::Fetched& f) {
    content::CapOptions opts;
    opts.url = f.effective_url.empty() ? link : f.effective_url;
    opts.alert_only = true;
    return content::parse_cap(f.body, opts);
  };
  auto content = [](const content::CapResult& r) { return r.ok; };
  auto storable = [](const content::CapResult&) { return true; };
  std::optional<content::CapResult> doc =
      fetch_and_parse<content::CapResult>(client, cache, link, now, got, parse, content, +storable);
  if (!got.error.empty()) errors.push_back(link + ": " + got.error);
  if (!doc) return;
  const content::CapOptions limits;
  for (content::CapAlert& a : doc->alerts)
    if (into.alerts.size() < limits.max_alerts) into.alerts.push_back(std::move(a));
  into.rejected += doc->rejected;
  if (doc->bad_shapes && !into.bad_shapes) into.shape_error = doc->shape_error;
  into.bad_shapes += doc->bad_shapes;
}

}  // namespace

LoadedCap load_cap(net::HttpClient& client, sources::SourceCache* cache, const std::string& url, int64_t now,
                   const CapLinkOptions& links) {
  LoadedCap out;
  auto parse = [&url](const sources::Fetched& f) {
    content::CapOptions opts;
    opts.url = f.effective_url.empty() ? url : f.effective_url;
    return content::parse_cap(f.body, opts);
  };
  auto content = [](const content::CapResult& r) { return r.ok; };
  auto storable = [](const content::CapResult&) { return true; };
  out.cap = fetch_and_parse<content::CapResult>(client, cache, url, now, out, parse, content, +storable);
  if (!out.cap) return out;
  const std::vector<std::string> linked = out.cap->links;
  for (size_t i = 0; i < linked.size(); ++i) {
    if (i == links.max_documents) {
      out.link_errors.push_back(std::to_string(linked.size() - i) +
                                " more linked document(s) not fetched: at most " +
                                std::to_string(links.max_documents) + " per poll");
      break;
    }
    follow_cap_link(client, cache, linked[i], now, links, *out.cap, out.link_errors);
  }
  return out;
}

}  // namespace paizi::sources
