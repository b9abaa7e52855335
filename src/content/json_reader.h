// Internal to content/: walks a parsed JSON document and reports problems
// with their JSON pointer and line:column (the playlist parsers share it).
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "content/json_locate.h"
#include "content/number_text.h"
#include "content/playlist.h"

namespace paizi::content {

using nlohmann::json;

// Walks a parsed document, reporting problems with positions.
class Reader {
 public:
  Reader(std::string_view text, std::vector<Problem>& out)
      : text_(text), out_(out), loc_(locate_values(text)) {}

  void problem(const std::string& ptr, std::string msg, bool warning = false) {
    Problem p;
    p.pointer = ptr;
    p.message = std::move(msg);
    p.warning = warning;
    std::string q = ptr;
    // Nearest located ancestor (a missing key points at its object).
    while (!loc_.count(q) && !q.empty()) q = q.substr(0, q.rfind('/'));
    const TextPos pos = position_of(text_, loc_.count(q) ? loc_.at(q) : 0);
    p.line = pos.line;
    p.column = pos.column;
    out_.push_back(std::move(p));
  }
  void known_keys(const json& obj, const std::string& ptr, std::initializer_list<const char*> keys) {
    if (!obj.is_object()) return;
    for (const auto& kv : obj.items()) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
      const std::string& k = kv.key();
      if (std::find_if(keys.begin(), keys.end(), [&](const char* x) { return k == x; }) != keys.end())
        continue;
      // A typo's value would be ignored without a word: name the key meant.
      std::string msg = "unknown key \"" + k + "\"";
      if (const char* near = nearest_key(k, keys)) msg += std::string(" (did you mean \"") + near + "\"?)";
      problem(ptr + "/" + k, msg, true);
    }
  }
  // The object under `key` of `parent` (at pointer `ptr`), its keys checked
  // against `keys`; null when it is absent, or not an object (said).
  const json* object(const json& parent, const std::string& ptr, const char* key,
                     std::initializer_list<const char*> keys) {
    if (!parent.contains(key)) return nullptr;
    const json& o = parent[key];
    const std::string at = ptr + "/" + key;
    if (!o.is_object()) {
      problem(at, std::string("\"") + key + "\" must be an object");
      return nullptr;
    }
    known_keys(o, at, keys);
    return &o;
  }
  // The known key `k` is most likely a misspelling of: differing only in
  // case, or within 2 edits (1 for keys of up to 4 letters); null if none.
  static const char* nearest_key(const std::string& k, std::initializer_list<const char*> keys) {
    const char* best = nullptr;
    size_t best_d = 3;
    for (const char* x : keys) {
      const std::string key = x;
      const size_t limit = key.size() <= 4 ? 1 : 2;
      size_t d = edit_distance(k, key);
      if (d > 0 && std::equal(k.begin(), k.end(), key.begin(), key.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        d = 0;  // only the case differs
      if (d <= limit && d < best_d) best = x, best_d = d;
    }
    return best;
  }
  // Levenshtein distance in bytes (keys are ASCII); stops counting at 3.
  static size_t edit_distance(const std::string& a, const std::string& b) {
    if (a.size() > b.size() + 2 || b.size() > a.size() + 2) return 3;
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return std::min<size_t>(row[b.size()], 3);
  }
  bool string(const json& obj, const std::string& ptr, const char* key, std::string& out,
              bool required = false) {
    if (!obj.contains(key)) {
      if (required) problem(ptr, std::string("missing required key \"") + key + "\"");
      return false;
    }
    const json& v = obj[key];
    if (!v.is_string()) {
      problem(ptr + "/" + key, std::string("\"") + key + "\" must be a string");
      return false;
    }
    out = v.get<std::string>();
    return true;
  }
  template <typename T>
  bool number(const json& obj, const std::string& ptr, const char* key, T& out, double lo, double hi) {
    if (!obj.contains(key)) return false;
    const json& v = obj[key];
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi) {
      problem(ptr + "/" + key,
              std::string("\"") + key + "\" must be a number from " + fmt(lo) + " to " + fmt(hi));
      return false;
    }
    out = static_cast<T>(v.get<double>());
    return true;
  }
  bool boolean(const json& obj, const std::string& ptr, const char* key, bool& out) {
    if (!obj.contains(key)) return false;
    if (!obj[key].is_boolean()) {
      problem(ptr + "/" + key, std::string("\"") + key + "\" must be true or false");
      return false;
    }
    out = obj[key].get<bool>();
    return true;
  }
  void duration(const json& obj, const std::string& ptr, const char* key, std::chrono::milliseconds& out) {
    std::string s;
    if (!string(obj, ptr, key, s)) return;
    if (auto d = parse_duration(s))
      out = *d;
    else
      problem(ptr + "/" + key, "invalid duration \"" + s + "\" (use e.g. \"15s\", \"2m\", \"1h\")");
  }
  void strings(const json& obj, const std::string& ptr, const char* key, std::vector<std::string>& out) {
    if (!obj.contains(key)) return;
    const json& v = obj[key];
    if (!v.is_array()) {
      problem(ptr + "/" + key, std::string("\"") + key + "\" must be an array of strings");
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].is_string())
        out.push_back(v[i].get<std::string>());
      else
        problem(ptr + "/" + key + "/" + std::to_string(i), "must be a string");
    }
  }
  void color(const json& obj, const std::string& ptr, const char* key, Color& out) {
    std::string s;
    if (!string(obj, ptr, key, s)) return;
    if (auto c = parse_color(s))
      out = *c;
    else
      problem(ptr + "/" + key, "invalid colour \"" + s + "\" (use #RRGGBB or #RRGGBBAA)");
  }

 private:
  static std::string fmt(double v) { return number_text(v); }
  std::string_view text_;
  std::vector<Problem>& out_;
  std::unordered_map<std::string, size_t> loc_;
};

}  // namespace paizi::content
