#include "app/cli.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "build_config.h"
#include "content/number_text.h"

namespace paizi::app {

bool Args::flag(std::string_view name) {
  for (auto it = a_.begin(); it != a_.end(); ++it) {
    if (*it == name) {
      a_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<std::string> Args::value(std::string_view name) {
  for (auto it = a_.begin(); it != a_.end(); ++it) {
    if (*it == name) {
      if (it + 1 == a_.end()) throw UsageError{std::string(name) + " needs a value"};
      std::string v = *(it + 1);
      a_.erase(it, it + 2);
      return v;
    }
    if (it->size() > name.size() && it->compare(0, name.size(), name) == 0 && (*it)[name.size()] == '=') {
      std::string v = it->substr(name.size() + 1);
      a_.erase(it);
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Args::take_values(
    const std::vector<std::string_view>& names) {
  std::vector<std::pair<std::string, std::string>> taken;
  std::vector<std::string> rest;
  for (size_t i = 0; i < a_.size(); ++i) {
    const std::string& s = a_[i];
    const auto eq = s.find('=');
    const std::string_view name = std::string_view(s).substr(0, eq);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      rest.push_back(s);
      continue;
    }
    if (eq != std::string::npos) {
      taken.emplace_back(std::string(name), s.substr(eq + 1));
    } else {
      if (i + 1 == a_.size()) throw UsageError{s + " needs a value"};
      taken.emplace_back(s, a_[++i]);
    }
  }
  a_ = std::move(rest);
  return taken;
}

std::vector<std::string> Args::positionals() {
  for (const auto& s : a_)
    if (s.size() > 1 && s[0] == '-') throw UsageError{"unknown option " + s};
  return a_;
}

std::pair<int, int> parse_size(const std::string& s, std::string_view what) {
  const auto x = s.find('x');
  if (x == std::string::npos) throw UsageError{std::string(what) + " must be WIDTHxHEIGHT, e.g. 1920x1080"};
  return {parse_int(s.substr(0, x), what, 16, 16384), parse_int(s.substr(x + 1), what, 16, 16384)};
}

int parse_int(const std::string& s, std::string_view what, int lo, int hi) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v < lo || v > hi)
    throw UsageError{std::string(what) + " must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + ", not \"" + s + "\""};
  return static_cast<int>(v);
}

double parse_double(const std::string& s, std::string_view what, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || v < lo || v > hi)
    throw UsageError{std::string(what) + " must be a number from " + content::number_text(lo) + " to " +
                     content::number_text(hi) + ", not \"" + s + "\""};
  return v;
}

std::string data_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("PAIZI_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  if (fs::exists(fs::path(PAIZI_SOURCE_DATADIR) / "playlists", ec)) return PAIZI_SOURCE_DATADIR;
  return PAIZI_INSTALLED_DATADIR;
}

}  // namespace paizi::app
