// Fuzz target: the response header lines paizi reads itself, the validators
// of conditional GET (ETag, Last-Modified), which are cached and sent back
// verbatim. The input is a header block as libcurl's header callback hands
// it over: each LF ends a line (status lines of redirect hops and interim
// responses included). Contract: a kept validator is usable (within its cap,
// no control characters, so the request header built from it stays one
// line), and usable_validator agrees with what was kept.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_headers.h"

using namespace paizi;

namespace {

void check(const std::string& v, size_t max) {
  if (v.empty()) return;
  if (v.size() > max || !net::usable_validator(v, max)) __builtin_trap();
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;  // libcurl refuses far longer header blocks anyway
  std::string_view in(reinterpret_cast<const char*>(data), size);
  net::ResponseValidators v;
  while (!in.empty()) {
    const size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl == std::string_view::npos ? in.size() : nl + 1);
    v.on_header_line(line);
    in.remove_prefix(line.size());
  }
  check(v.etag, net::kMaxEtagBytes);
  check(v.last_modified, net::kMaxLastModifiedBytes);
  const std::string header = "If-None-Match: " + v.etag;
  if (header.find_first_of("\r\n", 0) != std::string::npos) __builtin_trap();
  return 0;
}
