#include "net/http_headers.h"

namespace paizi::net {

namespace {

// Header field value: optional white space around it, and the line end.
std::string_view field_value(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string kept(std::string_view v, size_t max) {
  return usable_validator(v, max) ? std::string(v) : std::string();
}

}  // namespace

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool usable_validator(std::string_view v, size_t max) {
  if (v.empty() || v.size() > max || v.front() == ' ' || v.back() == ' ') return false;
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

void ResponseValidators::on_header_line(std::string_view line) {
  if (starts_with_nocase(line, "http/")) {  // a new response (redirect hop, 100 Continue): forget the old one
    etag.clear();
    last_modified.clear();
  } else if (starts_with_nocase(line, "etag:")) {
    etag = kept(field_value(line.substr(5)), kMaxEtagBytes);
  } else if (starts_with_nocase(line, "last-modified:")) {
    last_modified = kept(field_value(line.substr(14)), kMaxLastModifiedBytes);
  }
}

}  // namespace paizi::net
