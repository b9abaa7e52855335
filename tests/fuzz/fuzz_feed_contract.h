// Shared by fuzz_feed and fuzz_json_feed: what a parsed feed promises the
// player. At most max_items items; titles and summaries within their byte
// caps; titles, summaries and paragraphs clean UTF-8 (sanitize_utf8 changes
// nothing: no invalid sequences, no control characters but tab, LF, CR).
// A broken promise is a trap, i.e. a finding.
#pragma once

#include <string>

#include "content/encoding.h"
#include "content/feed.h"

namespace paizi::fuzz {

inline bool clean_utf8(const std::string& s) {
  std::string out;
  return !content::sanitize_utf8(s, out);
}

inline void check_feed_contract(const content::FeedResult& r, const content::FeedOptions& opt) {
  if (!r.feed) return;
  if (r.feed->items.size() > opt.max_items) __builtin_trap();
  if (r.feed->title.size() > opt.max_title_bytes || !clean_utf8(r.feed->title)) __builtin_trap();
  for (const auto& item : r.feed->items) {
    if (item.title.size() > opt.max_title_bytes || !clean_utf8(item.title)) __builtin_trap();
    if (item.summary.size() > opt.max_summary_bytes || !clean_utf8(item.summary)) __builtin_trap();
    for (const auto& p : item.paragraphs)
      if (!clean_utf8(p)) __builtin_trap();
  }
}

}  // namespace paizi::fuzz
