// Fuzz target: charset sniffing and decoding to UTF-8 (BOMs, UTF-16
// without BOM, HTTP charset, XML declaration, <meta charset>; ICU
// converters), sanitising and cutting UTF-8. Byte 0 picks the Content-Type,
// byte 1 the cut length. Checks the contract: the output is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "content/encoding.h"
#include "fuzz_content_type.h"
#include "fuzz_input.h"

using namespace paizi;

namespace {

void require_valid(const std::string& s) {
  std::string clean;
  if (content::sanitize_utf8(s, clean)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const char* ctype = fuzz::content_type(in.byte());
  const size_t cut = in.byte();
  const std::string_view bytes = in.rest();
  (void)content::charset_from_content_type(bytes.substr(0, 256));
  (void)content::canonical_charset(bytes.substr(0, 64));
  const auto d = content::decode_to_utf8(bytes, ctype);
  require_valid(d.utf8);
  std::string clean;
  content::sanitize_utf8(bytes, clean);
  require_valid(clean);
  content::truncate_utf8(clean, cut);
  if (clean.size() > cut) __builtin_trap();
  require_valid(clean);
  return 0;
}
