// Fuzz target: the feed parser from raw bytes (charset sniffing and
// decoding, RSS/RDF/Atom via libxml2, JSON Feed, HTML descriptions, dates,
// URL resolution). Byte 0 picks the Content-Type, byte 1 the item cap (low 6
// bits) and the XML chunk size (top 2 bits: 16, 128, 1024 or 8192 bytes, so
// that small inputs are streamed too).
#include <cstddef>
#include <cstdint>

#include "content/feed.h"
#include "fuzz_content_type.h"
#include "fuzz_feed_contract.h"
#include "fuzz_input.h"

using namespace paizi;

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
  fuzz::check_feed_contract(r, opt);
  return 0;
}
