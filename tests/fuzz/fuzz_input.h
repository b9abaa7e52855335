// Shared by the fuzz targets: a cursor over the fuzzer's bytes that hands
// out option bytes first and the rest as the document. Running out of bytes
// yields zeros (never reads past the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

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

}  // namespace paizi::fuzz
