// Character sets: find what a document is encoded in and turn it into UTF-8.
//
// Sniffing order (first match wins): byte-order mark; UTF-16 without a BOM
// recognised from "<" next to NUL bytes; the charset parameter of the HTTP
// Content-Type; the XML declaration; an HTML <meta charset> or
// <meta http-equiv="Content-Type" content="...charset=...">; else UTF-8.
// decode_to_utf8 then checks the declaration against the bytes: a document
// declared in a legacy charset that is well-formed UTF-8 throughout (with at
// least four non-ASCII sequences) is read as UTF-8; one read as UTF-8
// (declared so, or declared nowhere) whose bytes are mostly not UTF-8 (at
// least as many bad bytes as good sequences) is read as GB18030 when that
// decodes every byte.
// Legacy Chinese names (GB2312, GBK, CP936, ...) decode as GB18030, their
// superset; Big5 as Windows-950, EUC-KR as Windows-949, Latin-1 as
// Windows-1252 (what browsers do).
//
// Decoding is never fatal: undecodable bytes and C0 controls other than tab,
// LF and CR become U+FFFD, and an unknown charset name is read as UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace paizi::content {

struct Decoded {
  std::string utf8;       // valid UTF-8, no BOM
  std::string charset;    // canonical name actually used, e.g. "GB18030", "UTF-8"
  bool replaced = false;  // some bytes were undecodable
};

// The charset parameter of a Content-Type header value ("" if none), lowercase.
std::string charset_from_content_type(std::string_view content_type);

// Canonical decoder name for a declared charset ("gbk" -> "GB18030").
std::string canonical_charset(std::string_view declared);

// Sniffs as above; returns the canonical name.
std::string sniff_charset(std::string_view bytes, std::string_view content_type);

Decoded decode_to_utf8(std::string_view bytes, std::string_view content_type = {});

// Converts from a canonical charset name; see the file comment for errors.
Decoded convert_to_utf8(std::string_view bytes, const std::string& charset);

// Replaces invalid UTF-8 sequences and unwanted C0 controls with U+FFFD.
// Returns true when anything was replaced.
bool sanitize_utf8(std::string_view in, std::string& out);

// Cuts `s` to at most `max_bytes` on a code point boundary (units: bytes).
void truncate_utf8(std::string& s, size_t max_bytes);

}  // namespace paizi::content
