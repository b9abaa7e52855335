// News content as the player consumes it: items of a feed or an extracted
// article. Produced by the feed parser and the article extractor (fetch ->
// parse stages), consumed by news slides and the ticker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paizi::content {

struct NewsItem {
  std::string title;    // plain text, entities decoded
  std::string source;   // feed title / site / author line
  std::string link;     // absolute URL
  std::string summary;  // plain text
  std::string image;    // absolute URL or path, may be empty
  // SHA-256 of the image's bytes, 64 lower-case hex digits, as pinned by a
  // playlist's inline article ("image_sha256"); empty: not pinned (feeds
  // and article pages never pin).
  std::string image_sha256;
  std::optional<int64_t> published;     // Unix seconds, UTC
  std::vector<std::string> paragraphs;  // body, plain text, one entry per paragraph
};

struct Feed {
  std::string title;  // feed/channel title
  std::string link;
  std::vector<NewsItem> items;
  bool truncated = false;  // the document ended early; items are the complete ones
};

// What a news item is headed by, on its slide and in the ticker: its title;
// an item without one (JSON Feed allows them, as microblog-style posts) its
// first sentence: up to the first 。！？!? within 60 characters, else its
// first 40 characters and an ellipsis. "" when it has no text at all.
std::string headline_of(const NewsItem& item);

}  // namespace paizi::content
