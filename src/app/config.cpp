#include "app/config.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/cli.h"
#include "content/cap_geo.h"
#include "content/timezone.h"

namespace paizi::app {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool valid_rotation(std::string_view v, int& out) {
  if (v == "0")
    out = 0;
  else if (v == "90")
    out = 90;
  else if (v == "180")
    out = 180;
  else if (v == "270")
    out = 270;
  else
    return false;
  return true;
}

bool valid_driver(std::string_view v) {
  return v == "auto" || v == "kmsdrm" || v == "x11" || v == "wayland" || v == "offscreen" || v == "drm";
}

// Sets one key; returns an error message or "".
std::string assign(Config& c, std::string_view key, std::string_view value) {
  const Config defaults;
  const bool reset = value.empty();
  const std::string v(value);
  if (key == "playlist")
    c.playlist = reset ? defaults.playlist : v;
  else if (key == "state_dir")
    c.state_dir = reset ? defaults.state_dir : v;
  else if (key == "cache_dir")
    c.cache_dir = reset ? defaults.cache_dir : v;
  else if (key == "public_key")
    c.public_key = reset ? defaults.public_key : v;
  else if (key == "token")
    c.token = reset ? defaults.token : v;
  else if (key == "metrics_dir")
    c.metrics_dir = reset ? defaults.metrics_dir : v;
  else if (key == "heartbeat_url")
    c.heartbeat_url = reset ? defaults.heartbeat_url : v;
  else if (key == "location") {
    if (!reset && !content::parse_geo_point(v)) return "location must be \"lat,lon\" in degrees, e.g. 22.5431,113.9298";
    c.location = reset ? defaults.location : v;
  }
  else if (key == "timezone") {
    std::string err;
    if (!reset && !content::TimeZone::load(v, err)) return "timezone: " + err;
    c.timezone = reset ? defaults.timezone : v;
  }
  else if (key == "display_driver") {
    if (reset)
      c.display_driver = defaults.display_driver;
    else if (valid_driver(value))
      c.display_driver = v;
    else
      return "display_driver must be auto, kmsdrm, x11, wayland, offscreen or drm";
  } else if (key == "rotation") {
    if (reset)
      c.rotation = defaults.rotation;
    else if (!valid_rotation(value, c.rotation))
      return "rotation must be 0, 90, 180 or 270";
  } else if (key == "cache_mib") {
    int n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (reset)
      c.cache_mib = defaults.cache_mib;
    else if (ec != std::errc{} || end != v.data() + v.size() || n < 1 || n > (1 << 20))
      return "cache_mib must be a whole number of MiB from 1 to 1048576";
    else
      c.cache_mib = n;
  } else if (key == "allow_unpinned_assets" || key == "require_https") {
    bool& flag = key == "require_https" ? c.require_https : c.allow_unpinned_assets;
    if (reset)
      flag = false;
    else if (v == "true" || v == "yes" || v == "1")
      flag = true;
    else if (v == "false" || v == "no" || v == "0")
      flag = false;
    else
      return std::string(key) + " must be true or false";
  } else if (key == "log_level") {
    if (reset)
      c.log_level = defaults.log_level;
    else if (auto l = platform::parse_level(value))
      c.log_level = *l;
    else
      return "log_level must be err, warning, notice, info or debug";
  } else {
    return "unknown key \"" + std::string(key) + "\"";
  }
  return {};
}

}  // namespace

ConfigResult parse_config(std::string_view text, Config base) {
  ConfigResult r{std::move(base), {}};
  int lineno = 0;
  while (!text.empty()) {
    ++lineno;
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      r.problems.push_back({lineno, "expected key = value"});
      continue;
    }
    const auto key = trim(line.substr(0, eq));
    if (key.empty()) {
      r.problems.push_back({lineno, "missing key before '='"});
      continue;
    }
    if (auto err = assign(r.config, key, trim(line.substr(eq + 1))); !err.empty())
      r.problems.push_back({lineno, std::move(err)});
  }
  return r;
}

ConfigResult load_config(const std::string& path, bool required) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    ConfigResult r;
    if (required) r.problems.push_back({0, "cannot read config file (no such file)"});
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigResult r;
    r.problems.push_back({0, "cannot read config file"});
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str());
}

std::string default_token_path() {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (!dir || !*dir) return {};
  return (std::filesystem::path(dir) / "token").string();
}

std::set<std::string> apply_flags(Args& args, Config& cfg) {
  std::set<std::string> given;
  // Each key, its flag and the flag's older synonym (one parser for both,
  // so the debug dump and the rest of the player see either).
  struct Flag {
    const char* key;
    std::string_view flag, synonym;
  };
  static constexpr Flag kFlags[] = {
      {"state_dir", "--state-dir", ""},         {"cache_dir", "--cache-dir", ""},
      {"display_driver", "--driver", ""},       {"rotation", "--rotate", ""},
      {"public_key", "--public-key", "--pubkey"}, {"token", "--token", "--token-file"},
      {"heartbeat_url", "--heartbeat-url", "--heartbeat"}, {"log_level", "--log-level", ""},
      {"cache_mib", "--cache-mib", ""},          {"timezone", "--timezone", ""},
      {"metrics_dir", "--metrics-dir", ""},      {"location", "--location", ""},
      {"allow_unpinned_assets", "--allow-unpinned-assets", ""}, {"require_https", "--require-https", ""},
  };
  for (const Flag& f : kFlags)
    for (std::string_view flag : {f.flag, f.synonym}) {
      if (flag.empty()) continue;
      while (auto v = args.value(flag)) {  // repeated: the last one counts
        if (auto err = assign(cfg, f.key, *v); !err.empty()) throw UsageError{std::string(flag) + ": " + err};
        given.insert(f.key);
      }
    }
  return given;
}

}  // namespace paizi::app
