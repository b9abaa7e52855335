// `paizi feed SRC` and `paizi article SRC`: fetch (with the state-directory
// cache), parse, print JSON. One object per line per feed item; one object
// for an article.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "content/dates.h"
#include "content/news_source.h"
#include "net/cache.h"
#include "net/http_client.h"

namespace paizi::app {

namespace {

using nlohmann::json;

struct SourceArgs {
  std::string src;
  std::optional<std::string> state_dir;
  net::HttpLimits limits;
  content::DateOptions dates;
  size_t max_items = 10000;
};

SourceArgs source_args(Args& args, const char* cmd) {
  SourceArgs s;
  s.state_dir = args.value("--state-dir");
  if (auto t = args.value("--timeout"))
    s.limits.total_timeout_ms = static_cast<long>(parse_double(*t, "--timeout", 0.1, 3600) * 1000);
  if (auto t = args.value("--connect-timeout"))
    s.limits.connect_timeout_ms = static_cast<long>(parse_double(*t, "--connect-timeout", 0.1, 3600) * 1000);
  if (auto m = args.value("--max-bytes"))
    s.limits.max_body_bytes = static_cast<size_t>(parse_int(*m, "--max-bytes", 1, 1 << 30));
  if (auto m = args.value("--max-items")) s.max_items = static_cast<size_t>(parse_int(*m, "--max-items", 1, 1000000));
  if (auto tz = args.value("--tz")) {
    s.dates.local_utc_offset_min = content::parse_utc_offset(*tz);
    if (!s.dates.local_utc_offset_min) throw UsageError{"--tz must be an offset like +08:00 or UTC"};
  }
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{std::string(cmd) + " needs exactly one SRC (URL or file)"};
  s.src = pos.front();
  return s;
}

json date_or_null(const std::optional<int64_t>& t) {
  return t ? json(content::format_rfc3339_utc(*t)) : json(nullptr);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Warnings about where the content came from; "" when it is fresh.
void report_freshness(const char* cmd, const content::Freshness& f) {
  if (f.stale) {
    const int64_t age_min = (net::unix_now() - f.fetched_at) / 60;
    std::fprintf(stderr, "paizi %s: warning: %s; showing the copy fetched %lld min ago\n", cmd, f.error.c_str(),
                 static_cast<long long>(age_min));
  }
  if (!f.warning.empty()) std::fprintf(stderr, "paizi %s: warning: %s\n", cmd, f.warning.c_str());
}

// Fetches and parses SRC with the command's limits, zone and cache;
// `load` is content::load_feed or content::load_article.
template <typename Loaded, typename Options>
Loaded load_source(const SourceArgs& s, Options o,
                   Loaded (*load)(net::HttpClient&, net::SourceCache*, const std::string&, Options, int64_t)) {
  net::HttpClient client(s.limits);
  std::optional<net::SourceCache> cache;
  if (s.state_dir) cache.emplace(*s.state_dir + "/cache");
  o.dates = s.dates;
  return load(client, cache ? &*cache : nullptr, s.src, std::move(o), net::unix_now());
}

int fail(const char* cmd, const std::string& error) {
  std::fprintf(stderr, "paizi %s: %s\n", cmd, error.c_str());
  return kExitFailure;
}

}  // namespace

int cmd_feed(Args& args) {
  const SourceArgs s = source_args(args, "feed");
  content::FeedOptions o;
  o.max_items = s.max_items;
  const content::LoadedFeed r = load_source(s, o, &content::load_feed);
  if (!r.feed) return fail("feed", r.error);
  std::string out;
  for (const content::NewsItem& it : r.feed->items) {
    const json j = {{"title", it.title}, {"link", it.link},   {"published", date_or_null(it.published)},
                    {"summary", it.summary}, {"image", it.image}, {"source", it.source}};
    out += dump(j);
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  report_freshness("feed", r);
  return kExitOk;
}

int cmd_article(Args& args) {
  const SourceArgs s = source_args(args, "article");
  const content::LoadedArticle r = load_source(s, content::ArticleOptions{}, &content::load_article);
  if (!r.article) return fail("article", r.error);
  const content::NewsItem& a = *r.article;
  const json j = {{"title", a.title},     {"published", date_or_null(a.published)}, {"source", a.source},
                  {"summary", a.summary}, {"paragraphs", a.paragraphs}};
  std::printf("%s\n", dump(j).c_str());
  report_freshness("article", r);
  return kExitOk;
}

}  // namespace paizi::app
