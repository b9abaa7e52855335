// `paizi feed SRC`, `paizi article SRC` and `paizi kpi SRC`: fetch (with the
// state-directory cache), parse, print JSON. One object per line per feed
// item or KPI record; one object for an article.
#include <cstdio>
#include <string>
#include <string_view>

#include "app/cli.h"
#include "content/dates.h"
#include "net/http_client.h"
#include "sources/cache.h"
#include "sources/news_source.h"

namespace paizi::app {

namespace {

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
  if (auto m = args.value("--max-items"))
    s.max_items = static_cast<size_t>(parse_int(*m, "--max-items", 1, 1000000));
  if (auto tz = args.value("--tz")) {
    s.dates.local_utc_offset_min = content::parse_utc_offset(*tz);
    if (!s.dates.local_utc_offset_min) throw UsageError{"--tz must be an offset like +08:00 or UTC"};
  }
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{std::string(cmd) + " needs exactly one SRC (URL or file)"};
  s.src = pos.front();
  return s;
}

// JSON output written directly: one line per item for feeds of thousands of
// items (a generic JSON value per item costs more than the parsing). Strings
// are valid UTF-8 (the parsers guarantee it); only quotes, backslashes and
// control characters need escaping.
void put_string(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  out.append(s, run, s.size() - run);
  out.push_back('"');
}

void put_field(std::string& out, const char* key, std::string_view value) {
  out += out.back() == '{' ? "\"" : ",\"";
  out += key;
  out += "\":";
  put_string(out, value);
}

void put_date(std::string& out, const char* key, const std::optional<int64_t>& t) {
  if (t) return put_field(out, key, content::format_rfc3339_utc(*t));
  out += out.back() == '{' ? "\"" : ",\"";
  out += key;
  out += "\":null";
}

// Warnings about where the content came from; "" when it is fresh.
void report_freshness(const char* cmd, const sources::Freshness& f) {
  if (f.stale) {
    const int64_t age_min = (sources::unix_now() - f.fetched_at) / 60;
    std::fprintf(stderr, "paizi %s: warning: %s; showing the copy fetched %lld min ago\n", cmd,
                 f.error.c_str(), static_cast<long long>(age_min));
  }
  if (!f.warning.empty()) std::fprintf(stderr, "paizi %s: warning: %s\n", cmd, f.warning.c_str());
}

// Fetches and parses SRC with the command's limits, zone and cache;
// `load` is sources::load_feed or sources::load_article.
template <typename Loaded, typename Options>
Loaded load_source(const SourceArgs& s, Options o,
                   Loaded (*load)(net::HttpClient&, sources::SourceCache*, const std::string&, Options,
                                  int64_t)) {
  net::HttpClient client(s.limits);
  std::optional<sources::SourceCache> cache;
  if (s.state_dir) cache.emplace(*s.state_dir + "/cache");
  o.dates = s.dates;
  return load(client, cache ? &*cache : nullptr, s.src, std::move(o), sources::unix_now());
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
  const sources::LoadedFeed r = load_source(s, o, &sources::load_feed);
  if (!r.feed) return fail("feed", r.error);
  std::string out;
  for (const content::NewsItem& it : r.feed->items) {
    out += '{';
    put_field(out, "title", it.title);
    put_field(out, "link", it.link);
    put_date(out, "published", it.published);
    put_field(out, "summary", it.summary);
    put_field(out, "image", it.image);
    put_field(out, "source", it.source);
    out += "}\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  report_freshness("feed", r);
  return kExitOk;
}

int cmd_article(Args& args) {
  const SourceArgs s = source_args(args, "article");
  const sources::LoadedArticle r = load_source(s, content::ArticleOptions{}, &sources::load_article);
  if (!r.article) return fail("article", r.error);
  const content::NewsItem& a = *r.article;
  std::string out = "{";
  put_field(out, "title", a.title);
  put_date(out, "published", a.published);
  put_field(out, "source", a.source);
  put_field(out, "summary", a.summary);
  out += ",\"paragraphs\":[";
  for (size_t i = 0; i < a.paragraphs.size(); ++i) {
    if (i) out += ',';
    put_string(out, a.paragraphs[i]);
  }
  out += "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  report_freshness("article", r);
  return kExitOk;
}

int cmd_kpi(Args& args) {
  const SourceArgs s = source_args(args, "kpi");
  const sources::LoadedKpi r = load_source(s, content::KpiOptions{}, &sources::load_kpi);
  if (!r.data) return fail("kpi", r.error);
  std::string out;
  auto put_figure = [&](const char* key, const std::optional<double>& v) {
    out += ",\"";
    out += key;
    out += "\":";
    if (!v) {
      out += "null";
      return;
    }
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", *v);
    out += b;
  };
  for (const content::KpiRecord& rec : r.data->records) {
    out += '{';
    put_field(out, "key", rec.key);
    put_field(out, "label", rec.label);
    put_figure("value", rec.value);
    put_figure("previous", rec.previous);
    put_figure("target", rec.target);
    put_field(out, "unit", rec.unit);
    out += rec.percent ? ",\"percent\":true" : ",\"percent\":false";
    out += "}\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (r.data->updated)
    std::fprintf(stderr, "paizi kpi: the data says it was updated %s\n",
                 content::format_rfc3339_utc(*r.data->updated).c_str());
  report_freshness("kpi", r);
  return kExitOk;
}

}  // namespace paizi::app
