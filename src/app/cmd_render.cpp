// `paizi render`: one slide (or all) composed headless and written as PNG.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/cli.h"
#include "content/playlist.h"
#include "content/time.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

namespace paizi::app {

namespace {

// The flags of `paizi render`.
struct RenderFlags {
  bool all = false;
  std::optional<int> slide;
  int page = 0;
  std::pair<int, int> size{1920, 1080};
  int rotate = 0;
  std::optional<std::string> out;
  int64_t at = 0;  // the time shown (clocks, schedules, relative dates); Unix s
  std::string state_dir;
  int atlas_mb = 32;
};

constexpr FlagOption<RenderFlags> kRenderFlags[] = {
    {"--slide", "",
     [](RenderFlags& f, const std::string& flag, const std::string& v) {
       f.slide = parse_int(v, flag, 0, 1 << 20);
     }},
    {"--page", "",
     [](RenderFlags& f, const std::string& flag, const std::string& v) {
       f.page = parse_int(v, flag, 0, 1 << 20);
     }},
    {"--size", "",
     [](RenderFlags& f, const std::string& flag, const std::string& v) { f.size = parse_size(v, flag); }},
    {"--rotate", "",
     [](RenderFlags& f, const std::string& flag, const std::string& v) {
       f.rotate = parse_int(v, flag, 0, 270);
       if (f.rotate % 90) throw UsageError{"--rotate must be 0, 90, 180 or 270"};
     }},
    {"--output", "-o", [](RenderFlags& f, const std::string&, const std::string& v) { f.out = v; }},
    {"--at", "",
     [](RenderFlags& f, const std::string&, const std::string& v) {
       // Strict: a time without its offset would be read in the board's zone
       // (the lenient feed parser takes one), not the one the user meant.
       const auto t = content::parse_rfc3339(v);
       if (!t) throw UsageError{"--at must be an RFC 3339 time, e.g. 2026-04-21T14:05:00+08:00"};
       f.at = *t;
     }},
    {"--state-dir", "", [](RenderFlags& f, const std::string&, const std::string& v) { f.state_dir = v; }},
    {"--atlas-mb", "",
     [](RenderFlags& f, const std::string& flag, const std::string& v) {
       f.atlas_mb = parse_int(v, flag, 4, 1024);
     }},
};

// Composes slides as stills on a headless display and writes them as PNG;
// what it cannot show (a missing page, glyphs, pictures) is said on stderr.
class StillRenderer {
 public:
  StillRenderer(const std::string& file, content::Playlist& pl, const RenderFlags& flags,
                present::Display& display)
      : file_(file),
        pl_(pl),
        at_(flags.at),
        display_(display),
        shaper_(fonts_),
        painter_(display.renderer(), static_cast<size_t>(flags.atlas_mb) << 20),
        data_(pl, flags.state_dir) {
    // Pictures the playlist names by http(s) URL (play has them from the
    // updater's asset store); a missing one is said, its article shown without it.
    std::vector<std::string> picture_problems;
    data_.fetch_pictures(pl, static_cast<int64_t>(std::time(nullptr)), picture_problems);
    for (const auto& p : picture_problems)
      std::fprintf(stderr, "paizi render: warning: picture %s\n", p.c_str());
    // Feeds and article pages: the state directory's last good copies, or fetched now.
    data_.refresh_now(static_cast<int64_t>(std::time(nullptr)));
    for (const auto& [id, e] : data_.errors())
      std::fprintf(stderr, "paizi render: source %s: %s\n", id.c_str(), e.c_str());
    player_.emplace(display_, shaper_, painter_, pl_, &data_);
  }

  // What became of a page asked for.
  enum class Still {
    written,
    skipped,  // an image slide whose image cannot be drawn: play skips it, no file is written
    failed,   // no such page, or the PNG could not be written
  };
  // Page `pg` of slide `si` into `path`.
  Still one(size_t si, int pg, const std::string& path);
  // Every page of every slide into `dir`, each path printed; a slide play
  // would skip is said and left out, and the others are still written.
  bool all(const std::string& dir);

 private:
  const std::string& file_;
  content::Playlist& pl_;
  int64_t at_;
  present::Display& display_;
  text::FontLibrary fonts_;
  text::Shaper shaper_;
  render::Painter painter_;
  sources::SourceData data_;
  std::optional<show::Player> player_;
};

StillRenderer::Still StillRenderer::one(size_t si, int pg, const std::string& path) {
  show::Player& player = *player_;
  if (player.show_still(si, static_cast<size_t>(pg), at_) == 0) {
    std::fprintf(stderr, "paizi render: %s: slide %zu has no page %d\n", file_.c_str(), si, pg);
    return Still::failed;
  }
  const char* id = pl_.slides[si].id.c_str();
  for (const auto& w : player.warnings())
    std::fprintf(stderr, "paizi render: warning: slide %zu (%s): %s\n", si, id, w.c_str());
  // Pictures that could not be decoded (corrupt, cut short, a format whose
  // decoder is missing), each said once: a news slide is drawn without its
  // picture, as play draws it; an image slide is not drawn at all.
  for (const std::string& e : painter_.take_image_errors())
    std::fprintf(stderr, "paizi render: warning: slide %zu (%s): %s\n", si, id, e.c_str());
  if (player.still_unpaintable()) {
    std::fprintf(stderr,
                 "paizi render: slide %zu (%s): its image cannot be drawn; play skips this slide, so no PNG "
                 "is written for it\n",
                 si, id);
    return Still::skipped;
  }
  if (player.stats().last_missing > 0)
    std::fprintf(stderr,
                 "paizi render: warning: slide %zu: %d code points have no glyph in any installed font "
                 "(drawn as boxes)%s\n",
                 si, player.stats().last_missing,
                 fonts_.emoji() ? "" : "; no colour emoji font (install fonts-noto-color-emoji)");
  std::string err;
  auto shot = display_.snapshot(err);
  if (!shot || !render::write_png(shot.get(), path, err)) {
    std::fprintf(stderr, "paizi render: %s\n", err.c_str());
    return Still::failed;
  }
  return Still::written;
}

bool StillRenderer::all(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "paizi render: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return false;
  }
  bool all_written = true;
  for (size_t si = 0; si < pl_.slides.size(); ++si) {
    const content::Slide& s = pl_.slides[si];
    const size_t pages = player_->show_still(si, 0, at_);
    for (size_t pg = 0; pg < pages; ++pg) {
      char name[64];
      std::snprintf(name, sizeof name, "%02zu-%zu-", si, pg);
      const std::string path = (std::filesystem::path(dir) / (name + s.id + ".png")).string();
      const Still done = one(si, static_cast<int>(pg), path);
      if (done == Still::failed) return false;
      if (done == Still::skipped) {
        all_written = false;
        break;  // (an image slide has one page)
      }
      std::printf("%s\n", path.c_str());
    }
  }
  return all_written;
}

}  // namespace

int cmd_render(Args& args) {
  RenderFlags flags;
  flags.all = args.flag("--all");
  flags.at = static_cast<int64_t>(std::time(nullptr));
  apply_flag_table<RenderFlags>(args, kRenderFlags, flags);
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"render needs exactly one PLAYLIST file"};
  if (!flags.out) throw UsageError{"render needs -o OUT.png (or -o DIR with --all)"};
  if (!flags.all && !flags.slide) throw UsageError{"render needs --slide N (or --all)"};

  const std::string& file = pos[0];
  content::ParseResult pr = content::load_playlist(file);
  if (!pr.playlist) {
    std::fprintf(stderr, "paizi render: %s\n", pr.first_error(file).c_str());
    return kExitFailure;
  }
  content::Playlist& pl = *pr.playlist;
  const size_t slide = static_cast<size_t>(flags.slide.value_or(0));
  if (!flags.all && slide >= pl.slides.size()) {
    std::fprintf(stderr, "paizi render: %s: slide %zu out of range (the playlist has %zu slides)\n",
                 file.c_str(), slide, pl.slides.size());
    return kExitFailure;
  }
  present::DisplayOptions dopt;
  std::tie(dopt.width, dopt.height) = flags.size;
  dopt.rotate = flags.rotate;
  std::string err;
  auto display = present::open_headless(dopt, err);
  if (!display) {
    std::fprintf(stderr, "paizi render: %s\n", err.c_str());
    return kExitFailure;
  }
  StillRenderer still(file, pl, flags, *display);
  const bool ok = flags.all ? still.all(*flags.out)
                            : still.one(slide, flags.page, *flags.out) == StillRenderer::Still::written;
  return ok ? kExitOk : kExitFailure;
}

}  // namespace paizi::app
