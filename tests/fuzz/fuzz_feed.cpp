// Fuzz target: the feed parser from raw bytes (charset sniffing and
// decoding, RSS/RDF/Atom via libxml2, JSON Feed, HTML descriptions, dates,
// URL resolution). Byte 0 picks the Content-Type, byte 1 the item cap (low 6
// bits) and the XML chunk size (top 2 bits: 16, 128, 1024 or 8192 bytes, so
// that small inputs are streamed too).
#include <cstddef>
#include <cstdint>

#include "content/encoding.h"
#include "content/feed.h"
#include "fuzz_content_type.h"
#include "fuzz_input.h"

using namespace paizi;

namespace {

bool valid_utf8(const std::string& s) {
  std::string clean;
  return !content::sanitize_utf8(s, clean);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  content::FeedOptions opt;
  opt.content_type = fuzz::content_type(in.byte());
  const uint8_t caps = in.byte();
  opt.max_items = 1 + caps % 64;
  opt.xml_chunk_bytes = size_t{16} << (3 * (caps >> 6));
  opt.url = "http://example.test/feeds/news.xml";
  opt.dates.local_utc_offset_min = 480;
  opt.max_title_bytes = 256;
  opt.max_summary_bytes = 512;
  const auto r = content::parse_feed(in.rest(), opt);
  if (r.feed) {
    // Contract: everything the parser hands on is valid UTF-8 within its limits.
    if (r.feed->items.size() > opt.max_items) __builtin_trap();
    for (const auto& item : r.feed->items) {
      if (item.title.size() > opt.max_title_bytes || !valid_utf8(item.title)) __builtin_trap();
      if (item.summary.size() > opt.max_summary_bytes || !valid_utf8(item.summary)) __builtin_trap();
      for (const auto& p : item.paragraphs)
        if (!valid_utf8(p)) __builtin_trap();
    }
  }
  return 0;
}
