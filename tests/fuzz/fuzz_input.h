// Shared by the fuzz targets: a cursor over the fuzzer's bytes that hands
// out option bytes first and the rest as the document. Running out of bytes
// yields zeros (never reads past the input). Also the checks several
// targets' contracts share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "content/encoding.h"

namespace paizi::fuzz {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(reinterpret_cast<const char*>(data)), n_(size) {}
  // Next byte as an option selector; 0 once the input is used up.
  uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return static_cast<uint8_t>(*p_++);
  }
  // Everything not consumed yet.
  std::string_view rest() const { return {p_, n_}; }

 private:
  const char* p_;
  size_t n_;
};

// Traps unless `s` is valid UTF-8 of at most `cap` bytes.
inline void require_text(const std::string& s, size_t cap) {
  std::string clean;
  if (s.size() > cap || content::sanitize_utf8(s, clean)) __builtin_trap();
}

}  // namespace paizi::fuzz
