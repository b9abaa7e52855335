// Fuzz target: dates as feeds and pages write them (RFC 822, RFC 3339, the
// zone-less and Chinese forms), UTC offsets, and the RFC 3339 formatter.
// A parsed date written back as RFC 3339 must parse to the same instant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "content/dates.h"
#include "fuzz_input.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;  // dates are short; longer inputs add nothing
  fuzz::Input in(data, size);
  const uint8_t zone = in.byte();
  content::DateOptions opt;
  if (zone & 1) opt.local_utc_offset_min = (static_cast<int>(zone) - 128) * 15;
  const std::string_view text = in.rest();
  (void)content::parse_utc_offset(text);
  const auto t = content::parse_date(text, opt);
  if (t) {
    const auto again = content::parse_date(content::format_rfc3339_utc(*t));
    if (!again || *again != *t) __builtin_trap();
  }
  return 0;
}
