// The playlist model: what to show, in what order, for how long, in which
// look. Parsed from versioned JSON (playlists/schema.json documents it).
// A Playlist is a plain value; parsing never throws on bad content, it
// returns an error naming file, line:column and JSON pointer.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "content/cap.h"
#include "content/news.h"
#include "render/color.h"

namespace paizi::content {

using render::Color;
// "#RRGGBB" or "#RRGGBBAA"; nullopt otherwise.
std::optional<Color> parse_color(std::string_view s);

// "15s", "2m", "1h", "500ms", "1m30s"; nullopt on anything else or <= 0.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

struct Theme {
  std::string name = "dark";
  Color background{0x10, 0x14, 0x1C};
  Color background2{0x1C, 0x24, 0x34};  // gradient end / tile background
  Color foreground{0xF2, 0xF4, 0xF8};
  Color accent{0xF5, 0xB7, 0x31};
  Color muted{0x9A, 0xA4, 0xB5};
  Color up{0xE5, 0x39, 0x35};               // rising figures (red in Chinese convention)
  Color down{0x43, 0xA0, 0x47};             // falling figures
  std::string font = "paizi-sans";          // body text family (fonts/paizi-fonts.conf)
  std::string display_font = "paizi-sans";  // headlines, slogans, figures
  std::string lang = "zh-Hans";
  float margin = 0.06f;      // fraction of the shorter screen side
  float body_size = 0.036f;  // body text size as a fraction of the screen height
  float line_height = 1.6f;  // body line pitch, multiple of the size
  // Text set smaller than this is reported (paizi check, render, the log):
  // a fraction of the screen height (of 1.2 x its width in portrait, as
  // body_size); 0.022 is 24 px at 1080p, readable from about 5 m.
  float min_text = 0.022f;
  // A QR code's smallest module: a fraction of the shorter screen side
  // (0.0055 is 6 px at 1080p, about 3 mm on a 55" panel: a phone reads the
  // code from 1.5 m). Without room for it the code is left out, and said.
  float qr_module = 0.0055f;
};

// Built-in themes: "dark", "red-gold" (institutional), "light".
std::optional<Theme> builtin_theme(std::string_view name);

// How a KPI figure is written (show/format.h).
enum class KpiFormat { Auto, Wan, Group, Percent, Plain };  // wan: 万/亿

struct KpiTile {
  std::string label;
  std::string key;                 // the figure's name in the slide's KPI source ("" = the label)
  double value = 0;                // NaN: none yet (a tile waiting for its source's data)
  std::optional<double> previous;  // for the change arrow
  std::optional<double> target;    // for the progress bar
  std::string unit;
  KpiFormat format = KpiFormat::Auto;
  int decimals = -1;  // -1 = automatic
};

// A recurring window in the playlist's time zone (local wall-clock time).
// `from` < `to`: [from, to) on each listed day. `from` > `to`: across
// midnight, [from, 24:00) on a listed day and [00:00, to) on the next day;
// the day the window opens is the one matched against `days` and the dates.
// `from` == `to`: the whole day.
struct TimeWindow {
  uint8_t days = 0x7f;     // bit 0 = Monday ... bit 6 = Sunday
  int from_min = 0;        // minutes after local midnight, 0..1439
  int to_min = 0;          // minutes after local midnight, 0..1440
  int32_t start_date = 0;  // first day, YYYYMMDD local; 0 = open
  int32_t end_date = 0;    // last day (inclusive), YYYYMMDD local; 0 = open
};

// An urgent notice: preempts the loop from `from` until `until` (Unix s, UTC).
struct Urgent {
  int64_t from = 0;
  int64_t until = 0;
};

// When a slide may play (show/schedule.h evaluates it).
struct SlideSchedule {
  std::vector<TimeWindow> windows;  // empty = always; otherwise any of them
  int priority = 0;                 // only the highest eligible priority plays
  bool fallback = false;            // plays only when nothing else is scheduled
  std::optional<Urgent> urgent;     // an urgent notice (plays only in its interval)
};

// Playlist-wide schedule.
struct PlaylistSchedule {
  std::string timezone;                  // IANA name; empty = the system's
  std::vector<TimeWindow> active;        // empty = always; outside: fallback slides
  std::vector<TimeWindow> display_off;   // the screen is switched off inside these
  std::vector<std::string> off_command;  // argv run when a display-off window begins
  std::vector<std::string> on_command;   // argv run when it ends
};

// The body of each slide type. A Slide holds exactly one (Slide::body); the
// stages that treat types differently dispatch with std::visit, so a new
// type does not compile until each of them handles it.
struct SloganSlide {
  std::vector<std::string> lines;
  bool vertical = false;  // couplet / vertical slogan
  std::string banner;     // couplet cross-banner (横批)
  std::string subtitle;
};

struct NewsSlide {
  std::optional<NewsItem> news;  // inline article
  std::string source;            // or: a feed/article source id
  int item = 0;                  // item index in a feed source
  std::chrono::milliseconds page_duration{12000};
  bool qr = false;
};

struct KpiSlide {
  std::string title;
  std::vector<KpiTile> tiles;
  std::string source;  // a kpi source id: its figures fill the tiles
};

enum class ImageFit { Fit, Fill };

struct ImageSlide {
  std::string image;
  // Its pin ("image_sha256"): SHA-256 of the bytes, 64 lower-case hex
  // digits; empty: not pinned. A pinned image is shown only with those bytes.
  std::string image_sha256;
  ImageFit fit = ImageFit::Fit;
};

// A video clip (media/video.h decodes it): a file or an http(s) URL,
// fetched into the asset store like an image. The slide lasts the clip's
// length, `loops` times over, unless the slide's `duration` says otherwise
// (then the clip loops until it is over, or is cut off).
struct VideoSlide {
  std::string src;
  // Its pin ("src_sha256"), as an image's "image_sha256"; empty: not pinned.
  std::string src_sha256;
  bool duration_set = false;  // the slide's own "duration" decides how long it plays
  int loops = 1;              // times the clip plays (without "duration")
  bool muted = true;
  float volume = 1.0f;  // 0..1, when not muted
  double poster = 0;    // s into the clip: the frame `paizi render` draws
  ImageFit fit = ImageFit::Fit;
};

// A CAP alert's takeover: never read from JSON; the player makes it
// (show/player.h, Player::set_alerts).
struct AlertSlide {
  AlertNotice alert;
  size_t alerts_beside = 0;  // the other alerts in force (the takeover leaves them the ticker strip)
};

using SlideBody = std::variant<SloganSlide, NewsSlide, KpiSlide, ImageSlide, AlertSlide, VideoSlide>;

struct Slide {
  std::string id;
  std::chrono::milliseconds duration{10000};
  std::optional<Theme> theme;  // overrides the playlist theme
  SlideSchedule schedule;
  SlideBody body;

  // The body if it is a T, else nullptr.
  template <typename T>
  T* as() {
    return std::get_if<T>(&body);
  }
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
};

// The JSON name of a slide's type ("slogan", "news", "kpi", "image",
// "video", "alert"), for messages and metrics.
const char* type_name(const SlideBody& body);
// The id of the source a slide reads ("" for none).
const std::string& source_of(const Slide& s);
// The images a slide shows, the one place that knows which slides have
// them: f(path, pin, own) for an image slide's picture (own = true) and an
// inline article's picture (own = false; only when it names one). `path`
// and `pin` ("image_sha256", "" = not pinned) are references into the slide,
// writable when `S` is a non-const Slide.
template <typename S, typename F>
void for_each_image(S& s, F&& f) {
  std::visit(
      [&f](auto& b) {
        using B = std::remove_cv_t<std::remove_reference_t<decltype(b)>>;
        if constexpr (std::is_same_v<B, ImageSlide>) {
          f(b.image, b.image_sha256, true);
        } else if constexpr (std::is_same_v<B, NewsSlide>) {
          if (b.news && !b.news->image.empty()) f(b.news->image, b.news->image_sha256, false);
        } else {
          static_assert(std::is_same_v<B, SloganSlide> || std::is_same_v<B, KpiSlide> ||
                            std::is_same_v<B, AlertSlide> || std::is_same_v<B, VideoSlide>,
                        "a new slide type: say here which images it shows");
        }
      },
      s.body);
}
// The clips a slide plays, the one place that knows which slides have
// them: f(src, pin) for a video slide's clip (references into the slide,
// writable when `S` is a non-const Slide).
template <typename S, typename F>
void for_each_video(S& s, F&& f) {
  std::visit(
      [&f](auto& b) {
        using B = std::remove_cv_t<std::remove_reference_t<decltype(b)>>;
        if constexpr (std::is_same_v<B, VideoSlide>) {
          f(b.src, b.src_sha256);
        } else {
          static_assert(std::is_same_v<B, SloganSlide> || std::is_same_v<B, NewsSlide> ||
                            std::is_same_v<B, KpiSlide> || std::is_same_v<B, ImageSlide> ||
                            std::is_same_v<B, AlertSlide>,
                        "a new slide type: say here which clips it plays");
        }
      },
      s.body);
}

enum class SourceKind { Feed, Article, Kpi, Image, Cap };
// The JSON name of a source kind ("feed", ...).
const char* kind_name(SourceKind k);

struct Source {
  std::string id;
  SourceKind kind = SourceKind::Feed;
  std::string url;    // http(s) URL or path (relative to the playlist)
  CapFilter cap;      // cap: which alerts take over the screen (language: the theme's)
  bool tone = false;  // cap: an attention tone when a new alert takes over (platform/tone.h)
  std::chrono::milliseconds refresh{600000};
  std::chrono::milliseconds max_age{0};  // older data is marked stale (0 = never)
};

struct Ticker {
  bool enabled = false;
  std::string source;  // feed source id; or fixed items below
  std::vector<std::string> items;
  float speed = 120;  // px/s at 1080p, scaled with the screen height
  std::string separator = "◆";
};

struct Header {
  bool enabled = false;
  std::string logo;  // logo text
  bool clock = true;
};

enum class TransitionKind { Cut, Fade, Push };

// The JSON name of a transition ("cut", "fade", "push").
const char* transition_name(TransitionKind k);

struct Transition {
  TransitionKind kind = TransitionKind::Fade;
  std::chrono::milliseconds duration{600};
};

struct Playlist {
  int version = 1;
  Transition transition;
  std::string name;
  std::string base_dir;  // directory for relative paths
  Theme theme;
  Header header;
  Ticker ticker;
  std::vector<Source> sources;
  std::vector<Slide> slides;
  PlaylistSchedule schedule;
  const Source* find_source(std::string_view id) const;
};

struct Problem {
  std::string pointer;  // JSON pointer, e.g. /slides/2/duration
  int line = 0, column = 0;
  std::string message;
  bool warning = false;
};

struct ParseResult {
  std::optional<Playlist> playlist;  // set when there are no errors
  std::vector<Problem> problems;     // errors and warnings, in document order
  // First error as one line: "FILE:LINE:COL: MESSAGE (at POINTER)".
  std::string first_error(const std::string& file) const;
};

ParseResult parse_playlist(std::string_view json, const std::string& base_dir);

// Reads and parses a playlist file. A missing/unreadable file is one error.
ParseResult load_playlist(const std::string& path);

}  // namespace paizi::content
