#include "content/json_locate.h"

#include <cctype>
#include <cstring>

namespace paizi::content {

TextPos position_of(std::string_view text, size_t offset) {
  TextPos p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

namespace {

class Scanner {
 public:
  Scanner(std::string_view s, std::unordered_map<std::string, size_t>& out) : s_(s), out_(out) {}
  void value(const std::string& ptr, int depth) {
    ws();
    if (i_ >= s_.size()) return;
    if (depth > 512) return skip();  // consumed, not recorded (it used to stay put: an endless loop)
    out_.emplace(ptr, i_);
    const char c = s_[i_];
    if (c == '{') {
      ++i_;
      while (true) {
        ws();
        if (i_ >= s_.size() || s_[i_] == '}') break;
        const size_t before = i_;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        const std::string key = string();
        ws();
        if (i_ < s_.size() && s_[i_] == ':') ++i_;
        value(ptr + "/" + escape(key), depth + 1);
        if (i_ == before) ++i_;  // malformed: never stay put
      }
      ++i_;
    } else if (c == '[') {
      ++i_;
      size_t idx = 0;
      while (true) {
        ws();
        if (i_ >= s_.size() || s_[i_] == ']') break;
        const size_t before = i_;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        value(ptr + "/" + std::to_string(idx++), depth + 1);
        if (i_ == before) ++i_;  // malformed: never stay put
      }
      ++i_;
    } else if (c == '"') {
      string();
    } else {
      while (i_ < s_.size() && !std::strchr(",]} \t\r\n", s_[i_])) ++i_;
    }
  }

 private:
  // One value past the depth cap, skipped without recursion or pointers.
  void skip() {
    size_t nest = 0;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        string();
      } else if (c == '[' || c == '{') {
        ++nest;
        ++i_;
      } else if (c == ']' || c == '}') {
        if (nest == 0) return;  // the end of the enclosing container
        --nest;
        ++i_;
      } else if (nest == 0 && (c == ',' || std::isspace(static_cast<unsigned char>(c)))) {
        return;
      } else {
        ++i_;
      }
      if (nest == 0 && (c == '"' || c == ']' || c == '}')) return;
    }
  }
  void ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  // Raw key text (escapes kept except \" and \\, enough for pointers).
  std::string string() {
    std::string r;
    if (i_ >= s_.size() || s_[i_] != '"') return r;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      r += s_[i_++];
    }
    ++i_;
    return r;
  }
  static std::string escape(const std::string& k) {
    std::string r;
    for (char c : k) {
      if (c == '~')
        r += "~0";
      else if (c == '/')
        r += "~1";
      else
        r += c;
    }
    return r;
  }
  std::string_view s_;
  std::unordered_map<std::string, size_t>& out_;
  size_t i_ = 0;
};

}  // namespace

std::unordered_map<std::string, size_t> locate_values(std::string_view json) {
  std::unordered_map<std::string, size_t> out;
  Scanner(json, out).value("", 0);
  return out;
}

}  // namespace paizi::content
