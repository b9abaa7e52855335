// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1).
#include <nlohmann/json.hpp>

#include "content/encoding.h"
#include "content/feed.h"
#include "content/html_text.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

using nlohmann::json;

std::string str(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool is_json_feed(const json& top) {
  return str(top, "version").find("jsonfeed.org/version/") != std::string::npos;
}

std::string url_field(const json& o, const char* key, const std::string& base, const FeedOptions& opt) {
  std::string u = resolve_url(str(o, key), base);
  return u.size() > opt.max_url_bytes ? std::string{} : u;
}

NewsItem json_item(const json& j, const std::string& feed_title, const std::string& base,
                   const FeedOptions& o, std::vector<ItemMarkup>& markup) {
  NewsItem it;
  it.title = normalize_space(str(j, "title"), o.max_title_bytes);
  it.link = url_field(j, "url", base, o);
  if (it.link.empty()) it.link = url_field(j, "external_url", base, o);
  it.published = parse_date(str(j, "date_published"), o.dates);
  if (!it.published) it.published = parse_date(str(j, "date_modified"), o.dates);
  it.image = url_field(j, "image", base, o);
  if (it.image.empty()) it.image = url_field(j, "banner_image", base, o);
  if (const auto att = j.find("attachments"); it.image.empty() && att != j.end() && att->is_array())
    for (const json& a : *att)
      if (a.is_object() && str(a, "mime_type").rfind("image/", 0) == 0) {
        it.image = url_field(a, "url", base, o);
        break;
      }
  it.source = feed_title;
  std::string content = str(j, "content_html");
  if (content.empty()) {  // content_text is plain: escape the two characters HTML would eat
    for (char ch : str(j, "content_text")) {
      if (ch == '<')
        content += "&lt;";
      else if (ch == '&')
        content += "&amp;";
      else
        content.push_back(ch);
    }
  }
  markup.push_back({str(j, "summary"), std::move(content), base});
  return it;
}

// A cut-off document: collect the items that were complete and the top-level strings.
json salvage(std::string_view utf8, std::vector<json>& items) {
  json top = json::object();
  std::string top_key;
  bool in_items = false;
  json::parser_callback_t cb = [&](int depth, json::parse_event_t ev, json& parsed) {
    if (ev == json::parse_event_t::key && depth == 1) {
      top_key = parsed.get<std::string>();
      in_items = top_key == "items";
    } else if (ev == json::parse_event_t::value && depth == 1 && parsed.is_string()) {
      top[top_key] = parsed;
    } else if (ev == json::parse_event_t::object_end && depth == 2 && in_items) {
      items.push_back(parsed);
    }
    return true;
  };
  const json partial = json::parse(utf8.begin(), utf8.end(), cb, false);  // discarded: invalid
  (void)partial;
  return top;
}

}  // namespace

FeedResult parse_json_feed(std::string_view utf8, const FeedOptions& o) {
  FeedResult r;
  json doc = json::parse(utf8.begin(), utf8.end(), nullptr, false);
  std::vector<json> salvaged;
  bool truncated = false;
  if (doc.is_discarded()) {
    doc = salvage(utf8, salvaged);
    truncated = true;
  }
  if (!doc.is_object() || !is_json_feed(doc)) {
    r.error = truncated ? "not a feed: invalid JSON" : "not a feed: JSON without a jsonfeed.org version";
    return r;
  }
  r.format = "json";
  Feed feed;
  feed.truncated = truncated;
  feed.title = normalize_space(str(doc, "title"), o.max_title_bytes);
  // Relative URLs: against where the feed came from, or its own feed_url when read from a file.
  const bool web = o.url.rfind("http://", 0) == 0 || o.url.rfind("https://", 0) == 0;
  const std::string base = web ? o.url : str(doc, "feed_url");
  feed.link = url_field(doc, "home_page_url", base, o);
  const json* items = nullptr;
  if (!truncated) {
    const auto it = doc.find("items");
    if (it != doc.end() && it->is_array()) items = &*it;
  }
  std::vector<ItemMarkup> markup;
  auto add = [&](const json& j) {
    if (feed.items.size() < o.max_items && j.is_object())
      feed.items.push_back(json_item(j, feed.title, base, o, markup));
  };
  if (items)
    for (const json& j : *items) add(j);
  for (const json& j : salvaged) add(j);
  fill_items_text(feed.items, markup, o);
  r.feed = std::move(feed);
  return r;
}

}  // namespace paizi::content
