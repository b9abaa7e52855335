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
#include "media/video.h"
#include "platform/contract.h"

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

// One setter per kind of value. Each gets the trimmed value ("" never: the
// caller resets the key to its default) and returns an error or "".
template <std::string Config::*M>
std::string set_text(Config& c, std::string_view v) {
  c.*M = std::string(v);
  return {};
}

std::string set_location(Config& c, std::string_view v) {
  if (!content::parse_geo_point(std::string(v)))
    return "must be \"lat,lon\" in degrees, e.g. 22.5431,113.9298";
  c.location = std::string(v);
  return {};
}

std::string set_timezone(Config& c, std::string_view v) {
  std::string err;
  if (!content::TimeZone::load(std::string(v), err)) return err;
  c.timezone = std::string(v);
  return {};
}

std::string set_board(Config& c, std::string_view v) {
  if (!media::board_from_name(v)) return "must be generic, pi4 or pi5";
  c.board = std::string(v);
  return {};
}

std::string set_video_decoder(Config& c, std::string_view v) {
  if (!media::decoder_choice_from_name(v)) return "must be auto, software or hardware";
  c.video_decoder = std::string(v);
  return {};
}

std::string set_driver(Config& c, std::string_view v) {
  if (!valid_driver(v)) return "must be auto, kmsdrm, x11, wayland, offscreen or drm";
  c.display_driver = std::string(v);
  return {};
}

std::string set_rotation(Config& c, std::string_view v) {
  return valid_rotation(v, c.rotation) ? "" : "must be 0, 90, 180 or 270";
}

std::string set_cache_mib(Config& c, std::string_view v) {
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < 1 || n > (1 << 20))
    return "must be a whole number of MiB from 1 to 1048576";
  c.cache_mib = n;
  return {};
}

template <bool Config::*M>
std::string set_bool(Config& c, std::string_view v) {
  if (v == "true" || v == "yes" || v == "1")
    c.*M = true;
  else if (v == "false" || v == "no" || v == "0")
    c.*M = false;
  else
    return "must be true or false";
  return {};
}

std::string set_log_level(Config& c, std::string_view v) {
  const auto l = platform::parse_level(v);
  if (!l) return "must be err, warning, notice, info or debug";
  c.log_level = *l;
  return {};
}

// Resets one key to its built-in default (an empty value in the file or on
// the command line).
template <auto M>
void reset_member(Config& c) {
  c.*M = Config{}.*M;
}

// The configuration keys: the one table that the file parser, the flag
// parser and the help text read. Keep in step with systemd/paizi.conf and
// README.md.
constexpr ConfigOption kOptions[] = {
    {"playlist", "", "", &set_text<&Config::playlist>, &reset_member<&Config::playlist>,
     "playlist path or http(s) URL (the PLAYLIST argument on the command line)"},
    {"state_dir", "--state-dir", "", &set_text<&Config::state_dir>, &reset_member<&Config::state_dir>,
     "DIR: last good content, enrolment"},
    {"cache_dir", "--cache-dir", "", &set_text<&Config::cache_dir>, &reset_member<&Config::cache_dir>,
     "DIR: fontconfig's cache"},
    {"display_driver", "--driver", "", &set_driver, &reset_member<&Config::display_driver>,
     "NAME: auto, kmsdrm, x11, wayland, offscreen or drm"},
    {"rotation", "--rotate", "", &set_rotation, &reset_member<&Config::rotation>, "DEG: 0, 90, 180 or 270"},
    {"public_key", "--public-key", "--pubkey", &set_text<&Config::public_key>,
     &reset_member<&Config::public_key>, "FILE: playlist signing key"},
    {"token", "--token", "--token-file", &set_text<&Config::token>, &reset_member<&Config::token>,
     "FILE: device token"},
    {"heartbeat_url", "--heartbeat-url", "--heartbeat", &set_text<&Config::heartbeat_url>,
     &reset_member<&Config::heartbeat_url>, "URL: POSTed to periodically"},
    {"log_level", "--log-level", "", &set_log_level, &reset_member<&Config::log_level>,
     "LEVEL: err, warning, notice, info or debug"},
    {"cache_mib", "--cache-mib", "", &set_cache_mib, &reset_member<&Config::cache_mib>,
     "N: disk budget of downloaded content, MiB"},
    {"timezone", "--timezone", "", &set_timezone, &reset_member<&Config::timezone>,
     "ZONE: IANA zone when the playlist names none"},
    {"metrics_dir", "--metrics-dir", "", &set_text<&Config::metrics_dir>, &reset_member<&Config::metrics_dir>,
     "DIR: where paizi.prom goes (off = none)"},
    {"location", "--location", "", &set_location, &reset_member<&Config::location>,
     "LAT,LON: the screen's location for CAP sources"},
    {"allow_unpinned_assets", "--allow-unpinned-assets", "", &set_bool<&Config::allow_unpinned_assets>,
     &reset_member<&Config::allow_unpinned_assets>, "BOOL: accept images without image_sha256 when signed"},
    {"require_https", "--require-https", "", &set_bool<&Config::require_https>,
     &reset_member<&Config::require_https>, "BOOL: only https:// for playlist, sources, images"},
    {"board", "--board", "", &set_board, &reset_member<&Config::board>,
     "NAME: generic, pi4 or pi5 (its hardware video decoders)"},
    {"video_decoder", "--video-decoder", "", &set_video_decoder, &reset_member<&Config::video_decoder>,
     "auto, software or hardware (video slides)"},
};

const ConfigOption* find_key(std::string_view key) {
  for (const ConfigOption& o : kOptions)
    if (key == o.key) return &o;
  return nullptr;
}

// Sets one key from the file or a flag; an empty value resets it. Returns an
// error message or "".
std::string assign(Config& c, const ConfigOption& o, std::string_view value) {
  if (value.empty()) {
    o.reset(c);
    return {};
  }
  return o.set(c, value);
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
    const ConfigOption* opt = find_key(key);
    if (!opt) {
      r.problems.push_back({lineno, "unknown key \"" + std::string(key) + "\""});
      continue;
    }
    if (auto err = assign(r.config, *opt, trim(line.substr(eq + 1))); !err.empty())
      r.problems.push_back({lineno, std::string(key) + " " + err});
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

std::span<const ConfigOption> config_options() { return kOptions; }

std::set<std::string> apply_flags(Args& args, Config& cfg) {
  // Every flag and synonym of the table in one pass over the command line,
  // in the order given: repeated or synonym flags, the last one counts.
  std::vector<std::string_view> names;
  for (const ConfigOption& o : kOptions)
    for (std::string_view flag : {o.flag, o.synonym})
      if (!flag.empty()) names.push_back(flag);
  std::set<std::string> given;
  for (const auto& [flag, value] : args.take_values(names)) {
    const ConfigOption* opt = nullptr;
    for (const ConfigOption& o : kOptions)
      if (flag == o.flag || flag == o.synonym) opt = &o;
    PAIZI_ASSERT(opt, "take_values returned a flag that is not in the table");
    if (!opt) continue;
    if (auto err = assign(cfg, *opt, value); !err.empty()) throw UsageError{flag + " " + err};
    given.insert(opt->key);
  }
  return given;
}

}  // namespace paizi::app
