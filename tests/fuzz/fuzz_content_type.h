// Shared by the document fuzz targets: a Content-Type chosen by one input
// byte, so the charset paths (header charset vs. sniffed) are all reached.
#pragma once

#include <cstdint>

namespace paizi::fuzz {

inline const char* content_type(uint8_t b) {
  static const char* const kTypes[] = {
      "",
      "application/rss+xml; charset=utf-8",
      "text/xml; charset=GBK",
      "text/html; charset=big5",
      "text/html; charset=\"shift_jis\"",
      "application/json",
      "text/html; charset=utf-16le",
      "text/plain; charset=no-such-charset",
  };
  return kTypes[b % 8];
}

}  // namespace paizi::fuzz
