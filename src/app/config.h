// Player configuration: /etc/paizi/paizi.conf, overridden by flags.
//
// File format (documented example: systemd/paizi.conf): UTF-8 lines of
// `key = value`; blank lines and lines starting with '#' or ';' are ignored;
// whitespace around key and value is trimmed; an empty value resets the key
// to its default. There are no trailing comments (URLs contain '#'). Unknown
// keys and bad values are reported as problems with their line number and
// skipped: the rest of the file still applies.
//
// Precedence: built-in defaults < config file < command-line flags.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/log.h"

namespace paizi::app {

class Args;

struct Config {
  std::string playlist;                        // path or http(s) URL; "" = bundled demo
  std::string state_dir = "/var/lib/paizi";    // last good content, enrolment
  std::string cache_dir = "/var/cache/paizi";  // fontconfig's cache (XDG_CACHE_HOME in the unit)
  int cache_mib =
      256;  // disk budget of downloaded content in state_dir: 3/4 assets, 1/8 source copies, 1/8 pictures
  std::string display_driver = "auto";  // auto | kmsdrm | x11 | wayland | offscreen
  int rotation = 0;                     // degrees clockwise: 0, 90, 180, 270
  std::string public_key;               // playlist signing key (path)
  // With a public key: accept images without an "image_sha256" pin (they
  // are refused otherwise). true | false.
  bool allow_unpinned_assets = false;
  // Only https:// for the playlist, its sources and its unpinned images. true | false.
  bool require_https = false;
  std::string token;          // device token (path); see default_token_path()
  std::string heartbeat_url;  // POSTed to periodically; "" = off
  // Directory for the Prometheus metrics file paizi.prom (app/metrics.h):
  // "" = /var/lib/prometheus/node-exporter when it exists, else none; "off" = none.
  std::string metrics_dir;
  // The screen's location, "lat,lon" (WGS 84 degrees, as CAP writes
  // points): the point of cap sources that name none (content/cap.h
  // CapFilter::point); "" = none.
  std::string location;
  std::string timezone;  // IANA zone of the screen's clock and schedule when the playlist names none; "" =
                         // the system's
  platform::Level log_level = platform::Level::info;
  // The board, for its hardware video decoders (media/video.h): generic |
  // pi4 (H.264 up to 1080p) | pi5 (HEVC only).
  std::string board = "generic";
  std::string video_decoder = "auto";  // auto | software | hardware
};

struct ConfigProblem {
  int line = 0;  // 1-based; 0 = the file as a whole
  std::string message;
};

struct ConfigResult {
  Config config;
  std::vector<ConfigProblem> problems;
};

constexpr const char* kDefaultConfigPath = "/etc/paizi/paizi.conf";

// Applies the assignments in `text` on top of `base`.
ConfigResult parse_config(std::string_view text, Config base = {});

// Reads `path` on top of the defaults. A missing file is no problem unless
// `required` (an explicit --config); an unreadable one is.
ConfigResult load_config(const std::string& path, bool required);

// Token path when none is configured: $CREDENTIALS_DIRECTORY/token (the
// unit's LoadCredential=token:...), else "".
std::string default_token_path();

// One configuration key: its name in the file, its flag and the flag's
// older synonym ("" = none), how a value is checked and set, how the key is
// reset to its default (an empty value), and the help text.
struct ConfigOption {
  const char* key;
  const char* flag;
  const char* synonym;
  std::string (*set)(Config&, std::string_view value);  // error ("must be ...") or ""
  void (*reset)(Config&);
  const char* help;
};

// The table, in the order of systemd/paizi.conf.
std::span<const ConfigOption> config_options();

// The play command's configuration flags, applied on top of `cfg`:
//   --state-dir DIR --cache-dir DIR --driver NAME --rotate DEG
//   --public-key FILE (= --pubkey) --token FILE (= --token-file)
//   --heartbeat-url URL (= --heartbeat) --log-level LEVEL --cache-mib N
//   --timezone ZONE --metrics-dir DIR --location LAT,LON --allow-unpinned-assets BOOL --require-https BOOL
// All are read in one pass in command-line order (a synonym given after its
// long name wins, and the reverse). Returns the keys the flags set. Throws
// UsageError naming the flag on a bad value.
std::set<std::string> apply_flags(Args& args, Config& cfg);

}  // namespace paizi::app
