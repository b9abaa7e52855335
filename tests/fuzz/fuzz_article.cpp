// Fuzz target: article extraction from a whole HTML page (charset, libxml2's
// HTML parser, meta/JSON-LD, chrome removal, byline and summary box).
// Byte 0 picks the Content-Type, byte 1 the minimum body size.
#include <cstddef>
#include <cstdint>

#include "content/article.h"
#include "fuzz_content_type.h"
#include "fuzz_input.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  content::ArticleOptions opt;
  opt.content_type = fuzz::content_type(in.byte());
  opt.min_body_bytes = in.byte();
  opt.url = "http://www.example.gov.cn/xwdt/2024/art_1.html";
  opt.dates.local_utc_offset_min = 480;
  const auto r = content::extract_article(in.rest(), opt);
  if (r.article && r.article->title.size() > opt.max_title_bytes) __builtin_trap();
  return 0;
}
