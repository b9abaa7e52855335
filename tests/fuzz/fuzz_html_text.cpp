// Fuzz target: HTML fragments to plain paragraphs (feed descriptions), one
// line titles and whitespace normalisation. The input is made valid UTF-8
// first, as html_to_text's contract requires. Byte 0 scales the limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "content/encoding.h"
#include "content/html_text.h"
#include "fuzz_input.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t scale = in.byte();
  std::string utf8;
  content::sanitize_utf8(in.rest(), utf8);
  content::TextLimits limits;
  limits.max_paragraph_bytes = 16 + (scale & 15) * 64;
  limits.max_total_bytes = limits.max_paragraph_bytes * 4;
  limits.max_paragraphs = 1 + (scale >> 4);
  const auto t = content::html_to_text(utf8, "http://example.test/a/b.html", limits);
  if (t.paragraphs.size() > limits.max_paragraphs) __builtin_trap();
  size_t total = 0;
  for (const auto& p : t.paragraphs) {
    if (p.empty() || p.size() > limits.max_paragraph_bytes) __builtin_trap();
    total += p.size();
  }
  if (total > limits.max_total_bytes) __builtin_trap();
  const auto line = content::html_to_line(utf8, 200);
  if (line.size() > 200) __builtin_trap();
  const auto norm = content::normalize_space(utf8, 300);
  if (norm.size() > 300) __builtin_trap();
  return 0;
}
