#include "content/number_text.h"

#include <cmath>
#include <cstdio>

namespace paizi::content {

std::string number_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char b[64];
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(b, sizeof b, "%.0f", v);
  } else if (std::fabs(v) < 1e15) {
    std::snprintf(b, sizeof b, "%.6f", v);
  } else {
    std::snprintf(b, sizeof b, "%.0f", v);  // exact digits of a huge value, still no exponent
    return b;
  }
  std::string s = b;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace paizi::content
