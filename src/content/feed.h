// Feed parsing: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.0/1.1
// from raw bytes to a content::Feed. Pure functions over bytes: no I/O, no
// globals touched beyond libxml2's one-time setup (see markup.h).
//
// Per item: title (plain text), link (Atom rel=alternate; resolved against
// xml:base and the feed URL), published (fallback: updated) in Unix seconds
// UTC, summary and paragraphs as plain text (HTML stripped, entities
// decoded, whitespace normalised), image (enclosure, media:thumbnail,
// media:content, or the first <img> of the HTML), source (the item's
// <source> or the feed title).
//
// Errors are values: a document that is not a feed gives `feed` = nullopt
// and a one-line `error`. A document cut off in the middle gives the items
// that were complete and `feed->truncated` = true. Items beyond max_items
// are dropped (not an error).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "content/dates.h"
#include "content/html_text.h"
#include "content/news.h"

namespace paizi::content {

struct FeedOptions {
  std::string url;           // where the bytes came from (after redirects): base for relative links
  std::string content_type;  // HTTP Content-Type, for its charset; may be empty
  DateOptions dates;         // zone for dates written without one
  size_t max_items = 10000;
  size_t max_title_bytes = 1024;    // UTF-8 bytes
  size_t max_summary_bytes = 4096;  // UTF-8 bytes
  size_t max_url_bytes = 4096;
  TextLimits body;  // item paragraphs
  // XML is parsed this many bytes at a time; complete items are converted
  // (and freed) between chunks while the rest is parsed. The result does not
  // depend on it (tests vary it).
  size_t xml_chunk_bytes = size_t{64} * 1024;
};

struct FeedResult {
  std::optional<Feed> feed;  // set when the document is a feed
  std::string error;         // one line, set when it is not
  std::string format;        // "rss", "rdf", "atom", "json" (set with feed)
  std::string charset;       // decoder used, e.g. "GB18030"
};

FeedResult parse_feed(std::string_view bytes, const FeedOptions& options);

// JSON Feed from UTF-8 text (called by parse_feed; exposed for fuzzing).
FeedResult parse_json_feed(std::string_view utf8, const FeedOptions& options);

// An item's HTML (or plain text) description and body, waiting to be
// converted together with those of the other items. Either may be empty.
struct ItemMarkup {
  std::string description;
  std::string content;
  std::string base_url;  // for the first <img>
};

// Shared by the parsers: fills summary, paragraphs and image of every
// items[i] from markup[i], keeping fields the parser already set (Atom
// XHTML, enclosures). One HTML parse for the whole feed (html_text.h).
void fill_items_text(std::vector<NewsItem>& items, const std::vector<ItemMarkup>& markup,
                     const FeedOptions& options);

}  // namespace paizi::content
