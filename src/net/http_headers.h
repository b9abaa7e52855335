// The response headers paizi reads itself; libcurl parses the rest (status,
// Content-Type, Location, chunking). These are the validators of
// conditional GET: kept in the source cache and sent back verbatim as
// If-None-Match / If-Modified-Since, so a value a server made up (a bare CR,
// control bytes, 80 KB) would otherwise go into every later request for that
// source and, if the server then refused those requests, pin the cached copy
// for good.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace paizi::net {

constexpr size_t kMaxEtagBytes = 512;         // real ETags are a few dozen bytes
constexpr size_t kMaxLastModifiedBytes = 64;  // an HTTP-date is 29

// ASCII case-insensitive prefix test; `prefix` in lower case (header names,
// URL schemes).
bool starts_with_nocase(std::string_view s, std::string_view prefix);

// True when `v` can be sent as a header value: 1..max bytes, no control
// characters (so no CR or LF), not starting or ending with white space.
bool usable_validator(std::string_view v, size_t max);

// Validators of the final response, fed one header line at a time as
// libcurl's header callback hands them over (every redirect hop and interim
// response starts with its status line, which forgets the values before).
// An unusable value is dropped: the next request is then unconditional.
struct ResponseValidators {
  std::string etag, last_modified;
  void on_header_line(std::string_view line);
};

}  // namespace paizi::net
