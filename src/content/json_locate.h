// Source positions for JSON documents: maps every value's JSON pointer to
// its byte offset, so validation errors can name line:column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace paizi::content {

struct TextPos {
  int line = 1, column = 1;  // 1-based; column counts code points
};

// Position of byte `offset` in `text`.
TextPos position_of(std::string_view text, size_t offset);

// Scans a syntactically valid JSON document; returns pointer -> byte offset
// of the value. Keys are escaped per RFC 6901 (~0, ~1).
std::unordered_map<std::string, size_t> locate_values(std::string_view json);

}  // namespace paizi::content
