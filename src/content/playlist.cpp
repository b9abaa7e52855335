#include "content/playlist.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "content/dates.h"
#include "content/json_reader.h"
#include "content/playlist_schedule.h"
#include "content/timezone.h"
#include "platform/contract.h"

namespace paizi::content {

// JSON names of the closed sets, in enum order (content/playlist.h).
constexpr const char* kKpiFormats[] = {"auto", "wan", "group", "percent", "plain"};
constexpr const char* kFits[] = {"fit", "fill"};
constexpr const char* kTransitions[] = {"cut", "fade", "push"};
constexpr const char* kSourceKinds[] = {"feed", "article", "kpi", "image", "cap"};
// Slide types a playlist may name, each with its SlideBody alternative
// (read_slide); "alert" is the player's.
constexpr const char* kSlideTypes[] = {"slogan", "news", "kpi", "image", "video"};

using nlohmann::json;

std::optional<Color> parse_color(std::string_view s) {
  if (s.size() != 7 && s.size() != 9) return std::nullopt;
  if (s[0] != '#') return std::nullopt;
  unsigned v[4] = {0, 0, 0, 255};
  for (size_t k = 0; k * 2 + 1 < s.size(); ++k) {
    unsigned x = 0;
    for (size_t j = 1 + k * 2; j < 3 + k * 2; ++j) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[j])));
      if (c >= '0' && c <= '9')
        x = x * 16 + static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        x = x * 16 + static_cast<unsigned>(c - 'a' + 10);
      else
        return std::nullopt;
    }
    v[k] = x;
  }
  return Color{static_cast<uint8_t>(v[0]), static_cast<uint8_t>(v[1]), static_cast<uint8_t>(v[2]),
               static_cast<uint8_t>(v[3])};
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  using namespace std::chrono;
  if (s.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i || j - i > 12) return std::nullopt;
    // from_chars, not stod: "." or "1.2.3" must be a bad duration, not an exception.
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data() + i, s.data() + j, v);
    if (ec != std::errc{} || end != s.data() + j) return std::nullopt;
    size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    const std::string_view unit = s.substr(j, k - j);
    if (unit == "ms")
      total += v;
    else if (unit == "s")
      total += v * 1e3;
    else if (unit == "m" || unit == "min")
      total += v * 60e3;
    else if (unit == "h")
      total += v * 3600e3;
    else if (unit == "d")
      total += v * 86400e3;
    else
      return std::nullopt;
    i = k;
  }
  if (total <= 0 || total > 366.0 * 86400e3) return std::nullopt;
  return milliseconds(static_cast<int64_t>(total));
}

std::optional<Theme> builtin_theme(std::string_view name) {
  // Theme's defaults are "dark"; the others change its colours (and face).
  static const Theme kThemes[] = {
      Theme{},
      Theme{.name = "red-gold",
            .background = {0xA3, 0x10, 0x17},
            .background2 = {0x7A, 0x0B, 0x10},
            .foreground = {0xFF, 0xF3, 0xD6},
            .accent = {0xF7, 0xC9, 0x48},
            .muted = {0xF0, 0xC8, 0xA8},
            .up = {0xFF, 0xE0, 0x82},
            .down = {0xB9, 0xF6, 0xCA},
            .display_font = "paizi-serif"},
      Theme{.name = "light",
            .background = {0xF7, 0xF5, 0xF0},
            .background2 = {0xFF, 0xFF, 0xFF},
            .foreground = {0x1A, 0x1C, 0x20},
            .accent = {0xC6, 0x28, 0x28},
            .muted = {0x5F, 0x66, 0x70}},
  };
  for (const Theme& t : kThemes)
    if (t.name == name) return t;
  return std::nullopt;
}

const char* type_name(const SlideBody& body) {
  struct Name {
    const char* operator()(const SloganSlide&) const { return "slogan"; }
    const char* operator()(const NewsSlide&) const { return "news"; }
    const char* operator()(const KpiSlide&) const { return "kpi"; }
    const char* operator()(const ImageSlide&) const { return "image"; }
    const char* operator()(const AlertSlide&) const { return "alert"; }
    const char* operator()(const VideoSlide&) const { return "video"; }
  };
  return std::visit(Name{}, body);
}

const char* kind_name(SourceKind k) {
  const auto i = static_cast<size_t>(k);
  PAIZI_ASSERT(i < std::size(kSourceKinds), "a SourceKind has a JSON name");
  return i < std::size(kSourceKinds) ? kSourceKinds[i] : "?";
}

const char* transition_name(TransitionKind k) {
  const auto i = static_cast<size_t>(k);
  PAIZI_ASSERT(i < std::size(kTransitions), "a TransitionKind has a JSON name");
  return i < std::size(kTransitions) ? kTransitions[i] : "?";
}

const std::string& source_of(const Slide& s) {
  static const std::string kNone;
  return std::visit(
      [](const auto& b) -> const std::string& {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, NewsSlide> || std::is_same_v<B, KpiSlide>) {
          return b.source;
        } else {
          static_assert(std::is_same_v<B, SloganSlide> || std::is_same_v<B, ImageSlide> ||
                            std::is_same_v<B, AlertSlide> || std::is_same_v<B, VideoSlide>,
                        "a new slide type: say here which source it reads");
          return kNone;
        }
      },
      s.body);
}

const Source* Playlist::find_source(std::string_view id) const {
  for (const auto& s : sources)
    if (s.id == id) return &s;
  return nullptr;
}

std::string ParseResult::first_error(const std::string& file) const {
  for (const auto& p : problems) {
    if (p.warning) continue;
    std::string s =
        p.line > 0 ? file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message
                   : file + ": " + p.message;
    if (!p.pointer.empty()) s += " (at " + p.pointer + ")";
    return s;
  }
  return {};
}

namespace {

std::optional<Theme> read_theme(Reader& r, const json& v, const std::string& ptr, const Theme& base) {
  if (v.is_string()) {
    auto t = builtin_theme(v.get<std::string>());
    if (!t) r.problem(ptr, "unknown theme \"" + v.get<std::string>() + "\" (dark, red-gold, light)");
    return t;
  }
  if (!v.is_object()) {
    r.problem(ptr, "theme must be a name or an object");
    return std::nullopt;
  }
  r.known_keys(v, ptr,
               {"base", "background", "background2", "foreground", "accent", "muted", "up", "down", "font",
                "display_font", "lang", "margin", "body_size", "line_height", "min_text", "qr_module"});
  Theme t = base;
  std::string b;
  if (r.string(v, ptr, "base", b)) {
    if (auto bt = builtin_theme(b))
      t = *bt;
    else
      r.problem(ptr + "/base", "unknown theme \"" + b + "\"");
  }
  r.color(v, ptr, "background", t.background);
  r.color(v, ptr, "background2", t.background2);
  r.color(v, ptr, "foreground", t.foreground);
  r.color(v, ptr, "accent", t.accent);
  r.color(v, ptr, "muted", t.muted);
  r.color(v, ptr, "up", t.up);
  r.color(v, ptr, "down", t.down);
  r.string(v, ptr, "font", t.font);
  r.string(v, ptr, "display_font", t.display_font);
  r.string(v, ptr, "lang", t.lang);
  r.number(v, ptr, "margin", t.margin, 0.0, 0.3);
  r.number(v, ptr, "body_size", t.body_size, 0.01, 0.2);
  r.number(v, ptr, "line_height", t.line_height, 1.0, 3.0);
  r.number(v, ptr, "min_text", t.min_text, 0.0, 0.2);
  r.number(v, ptr, "qr_module", t.qr_module, 0.001, 0.05);
  return t;
}

// `published`: Unix seconds, or a date as people write it: "2022-04-21"
// (midnight) or RFC 3339; without an offset it is read in `zone_name` (the
// playlist's zone; empty = the system's).
std::optional<int64_t> read_published(Reader& r, const json& v, const std::string& ptr,
                                      const std::string& zone_name) {
  if (!v.contains("published")) return std::nullopt;
  if (!v["published"].is_string()) {
    double t = 0;
    if (r.number(v, ptr, "published", t, 0, 4102444800.0)) return static_cast<int64_t>(t);
    return std::nullopt;
  }
  const std::string text = v["published"].get<std::string>();
  std::string err;
  const std::optional<TimeZone> named = zone_name.empty() ? std::nullopt : TimeZone::load(zone_name, err);
  const TimeZone zone = named ? *named : TimeZone::system();
  // The zone's offset at that local time: read it as UTC first, then shift.
  std::optional<int64_t> t = parse_date(text, DateOptions{0});
  if (t) t = parse_date(text, DateOptions{zone.offset_at(*t - zone.offset_at(*t)) / 60});
  if (!t)
    r.problem(ptr + "/published", "invalid date \"" + text +
                                      "\" for \"published\" (use \"2022-04-21\", "
                                      "\"2022-04-21T09:30:00+08:00\" or Unix seconds)");
  return t;
}

// An image's pin, "image_sha256" beside "image": 64 lower-case hex digits
// (what sha256sum prints). Without an "image" it pins nothing: an error.
// A clip's is "src_sha256" beside "src" (`key`, `what`).
void read_pin(Reader& r, const json& v, const std::string& ptr, const std::string& image, std::string& out,
              const std::string& key = "image", const char* what = "image") {
  const std::string pin_key = key + "_sha256";
  if (!r.string(v, ptr, pin_key.c_str(), out)) return;
  const bool hex = out.size() == 64 && std::all_of(out.begin(), out.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex)
    r.problem(ptr + "/" + pin_key,
              "\"" + pin_key + "\" must be 64 lower-case hex digits (the SHA-256 of the " + what + ")");
  else if (image.empty())
    r.problem(ptr + "/" + pin_key, "\"" + pin_key + "\" pins " + (key == "image" ? "an image" : "a clip") +
                                       ", but there is no \"" + key + "\"");
  if (!hex || image.empty()) out.clear();
}

void read_news(Reader& r, const json& v, const std::string& ptr, NewsItem& n, const std::string& zone_name) {
  if (!v.is_object()) {
    r.problem(ptr, "\"article\" must be an object");
    return;
  }
  r.known_keys(v, ptr,
               {"title", "source", "link", "summary", "image", "image_sha256", "published", "paragraphs"});
  r.string(v, ptr, "title", n.title, true);
  r.string(v, ptr, "source", n.source);
  r.string(v, ptr, "link", n.link);
  r.string(v, ptr, "summary", n.summary);
  r.string(v, ptr, "image", n.image);
  read_pin(r, v, ptr, n.image, n.image_sha256);
  r.strings(v, ptr, "paragraphs", n.paragraphs);
  n.published = read_published(r, v, ptr, zone_name);
}

// A string key that names one of a closed set: `names[i]` maps to E(i).
// Absent: `out` is left alone (false). Anything else: a problem listing
// the names ("unknown <what> "x" (a, b, c)") unless `message` says it.
template <typename E, size_t N>
bool read_choice(Reader& r, const json& v, const std::string& ptr, const char* key,
                 const char* const (&names)[N], E& out, const char* what, bool required = false,
                 const char* message = nullptr) {
  std::string s;
  if (!r.string(v, ptr, key, s, required)) return false;
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) {
      out = static_cast<E>(i);
      return true;
    }
  std::string list;
  for (size_t i = 0; i < N; ++i) list += std::string(i ? ", " : "") + names[i];
  r.problem(ptr + "/" + key, message ? std::string(message)
                                     : "unknown " + std::string(what) + " \"" + s + "\" (" + list + ")");
  return false;
}

// `from_source`: the slide has a KPI source, so a tile may leave its value
// to the data (shown as a dash until the data arrives).
void read_tile(Reader& r, const json& v, const std::string& ptr, KpiTile& k, bool from_source) {
  if (!v.is_object()) {
    r.problem(ptr, "a KPI tile must be an object");
    return;
  }
  r.known_keys(v, ptr, {"label", "key", "value", "previous", "target", "unit", "format", "decimals"});
  r.string(v, ptr, "label", k.label, true);
  r.string(v, ptr, "key", k.key);
  if (!v.contains("value")) {
    if (!from_source) r.problem(ptr, "missing required key \"value\" (or a \"source\" on the slide)");
    k.value = std::numeric_limits<double>::quiet_NaN();
  }
  r.number(v, ptr, "value", k.value, -1e18, 1e18);
  double d = 0;
  if (r.number(v, ptr, "previous", d, -1e18, 1e18)) k.previous = d;
  if (r.number(v, ptr, "target", d, -1e18, 1e18)) k.target = d;
  r.string(v, ptr, "unit", k.unit);
  read_choice(r, v, ptr, "format", kKpiFormats, k.format, "format", false,
              "format must be auto, wan, group, percent or plain");
  r.number(v, ptr, "decimals", k.decimals, 0, 6);
}

void read_slogan(Reader& r, const json& v, const std::string& ptr, SloganSlide& b) {
  r.strings(v, ptr, "lines", b.lines);
  if (b.lines.empty())
    r.problem(ptr + (v.contains("lines") ? "/lines" : ""), "a slogan needs at least one line in \"lines\"");
  r.boolean(v, ptr, "vertical", b.vertical);
  r.string(v, ptr, "banner", b.banner);
  r.string(v, ptr, "subtitle", b.subtitle);
}

void read_news_slide(Reader& r, const json& v, const std::string& ptr, const Playlist& pl, NewsSlide& b) {
  if (v.contains("article")) {
    b.news.emplace();
    read_news(r, v["article"], ptr + "/article", *b.news, pl.schedule.timezone);
  }
  r.string(v, ptr, "source", b.source);
  r.number(v, ptr, "item", b.item, 0, 10000);
  r.duration(v, ptr, "page_duration", b.page_duration);
  r.boolean(v, ptr, "qr", b.qr);
  if (!b.news && b.source.empty()) r.problem(ptr, "a news slide needs \"article\" or \"source\"");
}

void read_kpi_slide(Reader& r, const json& v, const std::string& ptr, KpiSlide& b) {
  r.string(v, ptr, "title", b.title);
  r.string(v, ptr, "source", b.source);
  const bool from_source = !b.source.empty();
  if (!v.contains("tiles") && from_source) return;  // the tiles come from the source: its first six figures
  if (!v.contains("tiles") || !v["tiles"].is_array()) {
    r.problem(ptr + (v.contains("tiles") ? "/tiles" : ""),
              "a KPI slide needs \"tiles\" (an array of 1 to 6) or a \"source\"");
    return;
  }
  const json& t = v["tiles"];
  if (t.empty() || t.size() > 6) r.problem(ptr + "/tiles", "a KPI slide shows 1 to 6 tiles");
  for (size_t i = 0; i < t.size() && i < 6; ++i) {
    b.tiles.emplace_back();
    read_tile(r, t[i], ptr + "/tiles/" + std::to_string(i), b.tiles.back(), from_source);
  }
}

void read_image_slide(Reader& r, const json& v, const std::string& ptr, ImageSlide& b) {
  r.string(v, ptr, "image", b.image, true);
  read_pin(r, v, ptr, b.image, b.image_sha256);
  read_choice(r, v, ptr, "fit", kFits, b.fit, "fit", false, "fit must be \"fit\" or \"fill\"");
}

void read_video_slide(Reader& r, const json& v, const std::string& ptr, VideoSlide& b) {
  r.string(v, ptr, "src", b.src, true);
  read_pin(r, v, ptr, b.src, b.src_sha256, "src", "clip");
  b.duration_set = v.contains("duration");
  r.number(v, ptr, "loops", b.loops, 1, 10000);
  r.boolean(v, ptr, "muted", b.muted);
  r.number(v, ptr, "volume", b.volume, 0.0, 1.0);
  r.number(v, ptr, "poster", b.poster, 0.0, 86400.0);
  read_choice(r, v, ptr, "fit", kFits, b.fit, "fit", false, "fit must be \"fit\" or \"fill\"");
  if (b.duration_set && v.contains("loops"))
    r.problem(ptr + "/loops",
              "\"loops\" is left alone: the slide's \"duration\" says how long the clip plays", true);
}

// The kinds of source a slide type may read.
bool source_fits(const SlideBody& body, SourceKind k) {
  if (std::holds_alternative<KpiSlide>(body)) return k == SourceKind::Kpi;
  if (std::holds_alternative<NewsSlide>(body)) return k == SourceKind::Feed || k == SourceKind::Article;
  return true;
}

void read_slide(Reader& r, const json& v, const std::string& ptr, const Playlist& pl, Slide& s,
                size_t index) {
  if (!v.is_object()) {
    r.problem(ptr, "a slide must be an object");
    return;
  }
  r.known_keys(v, ptr,
               {"id",       "type",    "duration",     "theme", "lines",         "vertical", "banner",
                "subtitle", "article", "source",       "item",  "page_duration", "qr",       "title",
                "tiles",    "image",   "image_sha256", "fit",   "when",          "priority", "fallback",
                "urgent",   "src",     "src_sha256",   "loops", "muted",         "volume",   "poster"});
  if (!r.string(v, ptr, "id", s.id)) s.id = "slide-" + std::to_string(index);
  size_t type = 0;
  if (!read_choice(r, v, ptr, "type", kSlideTypes, type, "slide type", true)) return;
  r.duration(v, ptr, "duration", s.duration);
  read_slide_schedule(r, v, ptr, s.schedule);
  if (v.contains("theme")) s.theme = read_theme(r, v["theme"], ptr + "/theme", pl.theme);
  switch (type) {
    case 0:
      read_slogan(r, v, ptr, s.body.emplace<SloganSlide>());
      break;
    case 1:
      read_news_slide(r, v, ptr, pl, s.body.emplace<NewsSlide>());
      break;
    case 2:
      read_kpi_slide(r, v, ptr, s.body.emplace<KpiSlide>());
      break;
    case 3:
      read_image_slide(r, v, ptr, s.body.emplace<ImageSlide>());
      break;
    default:
      read_video_slide(r, v, ptr, s.body.emplace<VideoSlide>());
      break;
  }
  const std::string& id = source_of(s);
  if (const Source* src = id.empty() ? nullptr : pl.find_source(id); !id.empty() && !src) {
    r.problem(ptr + "/source", "unknown source \"" + id + "\"");
  } else if (src && !source_fits(s.body, src->kind)) {
    r.problem(ptr + "/source", std::string(std::holds_alternative<KpiSlide>(s.body)
                                               ? "a KPI slide needs a source of type kpi; \""
                                               : "a news slide needs a feed or article source; \"") +
                                   id + "\" is " + kind_name(src->kind));
  }
}

// A cap source's filters (content/cap.h CapFilter); other sources may not have them.
template <typename E, size_t N>
void read_level(Reader& r, const json& v, const std::string& ptr, const char* key,
                const char* const (&names)[N], E& out) {
  std::string s;
  if (!r.string(v, ptr, key, s)) return;
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) {
      out = static_cast<E>(i);
      return;
    }
  std::string list;
  for (size_t i = 1; i < N; ++i) list += std::string(list.empty() ? "" : ", ") + names[i];
  r.problem(ptr + "/" + key, "unknown " + std::string(key) + " \"" + s + "\" (" + list + ")");
}

void read_cap_filter(Reader& r, const json& v, const std::string& ptr, CapFilter& f) {
  // Index = enum value (content/cap.h): Unknown first.
  static const char* const kSeverity[] = {"Unknown", "Minor", "Moderate", "Severe", "Extreme"};
  static const char* const kUrgency[] = {"Unknown", "Past", "Future", "Expected", "Immediate"};
  static const char* const kCertainty[] = {"Unknown", "Unlikely", "Possible", "Likely", "Observed"};
  read_level(r, v, ptr, "severity", kSeverity, f.min_severity);
  read_level(r, v, ptr, "urgency", kUrgency, f.min_urgency);
  read_level(r, v, ptr, "certainty", kCertainty, f.min_certainty);
  r.boolean(v, ptr, "test", f.test);
  r.strings(v, ptr, "areas", f.areas);
  r.strings(v, ptr, "geocodes", f.geocodes);
  if (std::string point; r.string(v, ptr, "point", point)) {
    f.point = parse_geo_point(point);
    if (!f.point)
      r.problem(ptr + "/point", "point \"" + point + "\" is not \"lat,lon\" in degrees (as CAP writes it)");
  }
  std::string type;
  if (v.contains("type") && v["type"].is_string()) type = v["type"].get<std::string>();
  if (type != "cap")
    for (const char* k : {"severity", "urgency", "certainty", "test", "areas", "geocodes", "point", "tone"})
      if (v.contains(k)) r.problem(ptr + "/" + k, "\"" + std::string(k) + "\" is for cap sources only");
}

}  // namespace

ParseResult parse_playlist(std::string_view text, const std::string& base_dir) {
  ParseResult res;
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    Problem p;
    // nlohmann reports the last byte read; point at the start of that token.
    size_t off = e.byte > 0 ? std::min<size_t>(e.byte - 1, text.size() ? text.size() - 1 : 0) : 0;
    if (off < text.size() && text[off] == '"' && off > 0) {
      size_t k = off;
      while (k > 0) {
        --k;
        if (text[k] == '"' && (k == 0 || text[k - 1] != '\\')) break;
      }
      off = k;
    } else {
      while (off > 0 &&
             (std::isalnum(static_cast<unsigned char>(text[off - 1])) || text[off - 1] == '.' ||
              text[off - 1] == '-' || text[off - 1] == '+') &&
             std::isalnum(static_cast<unsigned char>(text[off])))
        --off;
    }
    const TextPos pos = position_of(text, off);
    p.line = pos.line;
    p.column = pos.column;
    std::string msg = e.what();
    if (auto k = msg.find(": "); k != std::string::npos) msg = msg.substr(k + 2);
    p.message = "invalid JSON: " + msg;
    res.problems.push_back(std::move(p));
    return res;
  } catch (const json::exception& e) {
    // Not a syntax error but still bad content, e.g. out_of_range for a
    // number beyond double ("4e4444"; found by fuzz_playlist).
    Problem p;
    std::string msg = e.what();
    if (auto k = msg.find("] "); k != std::string::npos) msg = msg.substr(k + 2);
    p.message = "invalid JSON: " + msg;
    res.problems.push_back(std::move(p));
    return res;
  }
  Reader r(text, res.problems);
  Playlist pl;
  pl.base_dir = base_dir;
  if (!doc.is_object()) {
    r.problem("", "a playlist must be a JSON object");
    return res;
  }
  r.known_keys(doc, "",
               {"$schema", "version", "name", "theme", "header", "ticker", "sources", "slides", "transition",
                "schedule"});
  if (!doc.contains("version"))
    r.problem("", "missing required key \"version\"");
  else if (r.number(doc, "", "version", pl.version, 1, 1000) && pl.version != 1)
    r.problem("/version",
              "unsupported playlist version " + std::to_string(pl.version) + " (this paizi reads version 1)");
  r.string(doc, "", "name", pl.name);
  if (doc.contains("theme")) {
    if (auto t = read_theme(r, doc["theme"], "/theme", pl.theme)) pl.theme = *t;
  }
  if (doc.contains("schedule")) read_playlist_schedule(r, doc["schedule"], "/schedule", pl.schedule);
  if (const json* h = r.object(doc, "", "header", {"logo", "clock"})) {
    pl.header.enabled = true;
    r.string(*h, "/header", "logo", pl.header.logo);
    r.boolean(*h, "/header", "clock", pl.header.clock);
  }
  if (const json* t = r.object(doc, "", "transition", {"type", "duration"})) {
    read_choice(r, *t, "/transition", "type", kTransitions, pl.transition.kind, "transition", false,
                "transition type must be cut, fade or push");
    r.duration(*t, "/transition", "duration", pl.transition.duration);
  }
  if (doc.contains("sources")) {
    const json& ss = doc["sources"];
    if (!ss.is_object()) {
      r.problem("/sources", "\"sources\" must be an object of id -> source");
    } else {
      for (const auto& [id, v] : ss.items()) {
        const std::string ptr = "/sources/" + id;
        Source s;
        s.id = id;
        if (!v.is_object()) {
          r.problem(ptr, "a source must be an object");
          continue;
        }
        r.known_keys(v, ptr,
                     {"type", "url", "refresh", "max_age", "severity", "urgency", "certainty", "test",
                      "areas", "geocodes", "point", "tone"});
        read_choice(r, v, ptr, "type", kSourceKinds, s.kind, "source type", true);
        r.string(v, ptr, "url", s.url, true);
        r.duration(v, ptr, "refresh", s.refresh);
        r.duration(v, ptr, "max_age", s.max_age);
        read_cap_filter(r, v, ptr, s.cap);
        r.boolean(v, ptr, "tone", s.tone);
        s.cap.language = pl.theme.lang;
        pl.sources.push_back(std::move(s));
      }
    }
  }
  if (const json* t = r.object(doc, "", "ticker", {"source", "items", "speed", "separator"})) {
    pl.ticker.enabled = true;
    r.string(*t, "/ticker", "source", pl.ticker.source);
    r.strings(*t, "/ticker", "items", pl.ticker.items);
    r.number(*t, "/ticker", "speed", pl.ticker.speed, 10, 2000);
    r.string(*t, "/ticker", "separator", pl.ticker.separator);
    if (!pl.ticker.source.empty() && !pl.find_source(pl.ticker.source))
      r.problem("/ticker/source", "unknown source \"" + pl.ticker.source + "\"");
  }
  if (!doc.contains("slides") || !doc["slides"].is_array() || doc["slides"].empty()) {
    r.problem(doc.contains("slides") ? "/slides" : "", "\"slides\" must be a non-empty array");
  } else {
    const json& sl = doc["slides"];
    std::set<std::string> ids;
    std::map<std::string, std::string> pins;  // image as written -> its first pin
    for (size_t i = 0; i < sl.size(); ++i) {
      Slide s;
      const std::string ptr = "/slides/" + std::to_string(i);
      read_slide(r, sl[i], ptr, pl, s, i);
      if (!ids.insert(s.id).second) r.problem(ptr + "/id", "duplicate slide id \"" + s.id + "\"");
      // One image, one content: the same reference pinned to two hashes
      // cannot be satisfied by any bytes.
      const auto same_pin = [&](const std::string& image, const std::string& pin, const std::string& at) {
        if (pin.empty()) return;
        const auto [it, fresh] = pins.emplace(image, pin);
        if (!fresh && it->second != pin)
          r.problem(at, "image \"" + image + "\" is pinned to two different SHA-256 values");
      };
      for_each_image(s, [&](const std::string& image, const std::string& pin, bool own) {
        same_pin(image, pin, ptr + (own ? "/image_sha256" : "/article/image_sha256"));
      });
      for_each_video(s, [&](const std::string& src, const std::string& pin) {
        same_pin(src, pin, ptr + "/src_sha256");
      });
      pl.slides.push_back(std::move(s));
    }
  }
  const bool ok =
      std::none_of(res.problems.begin(), res.problems.end(), [](const Problem& p) { return !p.warning; });
  if (ok) res.playlist = std::move(pl);
  return res;
}

ParseResult load_playlist(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParseResult r;
    Problem p;
    p.line = p.column = 0;
    p.message = std::string("cannot read playlist: ") +
                (std::filesystem::exists(path) ? "permission denied or not a file" : "no such file");
    r.problems.push_back(p);
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    ParseResult r;
    r.problems.push_back(Problem{"", 0, 0, "cannot read playlist: read error", false});
    return r;
  }
  const std::filesystem::path base = std::filesystem::absolute(path).parent_path();
  return parse_playlist(ss.str(), base.string());
}

}  // namespace paizi::content
