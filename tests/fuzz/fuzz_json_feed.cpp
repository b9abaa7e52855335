// Fuzz target: JSON Feed 1.0/1.1 from UTF-8 text (nlohmann-json underneath;
// deep nesting, huge numbers, wrong types). Byte 0 picks the item cap.
// The result must keep the feed contract (fuzz_feed_contract.h).
#include <cstddef>
#include <cstdint>

#include "content/feed.h"
#include "fuzz_feed_contract.h"
#include "fuzz_input.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  content::FeedOptions opt;
  opt.max_items = 1 + in.byte() % 64;
  opt.url = "https://example.test/feed.json";
  opt.dates.local_utc_offset_min = 480;
  const auto r = content::parse_json_feed(in.rest(), opt);
  fuzz::check_feed_contract(r, opt);
  return 0;
}
