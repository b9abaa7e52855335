// Numbers in messages a person reads (playlist problems, flag and config
// errors): written the way people write them, never in exponent notation
// nor with padding zeros: 4102444800, 0.3, -1000, 1.5.
#pragma once

#include <string>

namespace paizi::content {

// Whole numbers (|v| < 1e15) without a fraction; others with up to six
// decimals, trailing zeros dropped. Non-finite values: "inf", "-inf", "nan".
std::string number_text(double v);

}  // namespace paizi::content
