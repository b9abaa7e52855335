// `paizi render`: one slide (or all) composed headless and written as PNG.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "app/cli.h"
#include "content/playlist.h"
#include "content/time.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "sources/source_data.h"

namespace paizi::app {

int cmd_render(Args& args) {
  const bool all = args.flag("--all");
  const auto slide_arg = args.value("--slide");
  const auto page_arg = args.value("--page");
  const auto size = parse_size(args.value("--size").value_or("1920x1080"), "--size");
  const int rotate = parse_int(args.value("--rotate").value_or("0"), "--rotate", 0, 270);
  if (rotate % 90) throw UsageError{"--rotate must be 0, 90, 180 or 270"};
  auto out = args.value("-o");
  if (!out) out = args.value("--output");
  int64_t at = static_cast<int64_t>(std::time(nullptr));
  if (const auto at_arg = args.value("--at")) {
    // Strict: a time without its offset would be read in the board's zone
    // (the lenient feed parser takes one), not the one the user meant.
    const auto t = content::parse_rfc3339(*at_arg);
    if (!t) throw UsageError{"--at must be an RFC 3339 time, e.g. 2026-04-21T14:05:00+08:00"};
    at = *t;
  }
  const std::string state_dir = args.value("--state-dir").value_or("");
  const auto atlas_arg = args.value("--atlas-mb");
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"render needs exactly one PLAYLIST file"};
  if (!out) throw UsageError{"render needs -o OUT.png (or -o DIR with --all)"};
  if (!all && !slide_arg) throw UsageError{"render needs --slide N (or --all)"};
  const int slide_index = slide_arg ? parse_int(*slide_arg, "--slide", 0, 1 << 20) : 0;
  const int page = page_arg ? parse_int(*page_arg, "--page", 0, 1 << 20) : 0;

  const std::string& file = pos[0];
  content::ParseResult pr = content::load_playlist(file);
  if (!pr.playlist) {
    std::fprintf(stderr, "paizi render: %s\n", pr.first_error(file).c_str());
    return kExitFailure;
  }
  content::Playlist& pl = *pr.playlist;
  if (!all && static_cast<size_t>(slide_index) >= pl.slides.size()) {
    std::fprintf(stderr, "paizi render: %s: slide %d out of range (the playlist has %zu slides)\n",
                 file.c_str(), slide_index, pl.slides.size());
    return kExitFailure;
  }

  present::DisplayOptions dopt;
  dopt.width = size.first;
  dopt.height = size.second;
  dopt.rotate = rotate;
  std::string err;
  auto display = present::open_headless(dopt, err);
  if (!display) {
    std::fprintf(stderr, "paizi render: %s\n", err.c_str());
    return kExitFailure;
  }
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  const int atlas_mb = parse_int(atlas_arg.value_or("32"), "--atlas-mb", 4, 1024);
  render::Painter painter(display->renderer(), static_cast<size_t>(atlas_mb) << 20);
  // Feeds and article pages: the state directory's last good copies, or fetched now.
  sources::SourceData data(pl, state_dir);
  // Pictures the playlist names by http(s) URL (play has them from the
  // updater's asset store); a missing one is said, its article shown without it.
  std::vector<std::string> picture_problems;
  data.fetch_pictures(pl, static_cast<int64_t>(std::time(nullptr)), picture_problems);
  for (const auto& p : picture_problems)
    std::fprintf(stderr, "paizi render: warning: picture %s\n", p.c_str());
  data.refresh_now(static_cast<int64_t>(std::time(nullptr)));
  for (const auto& [id, e] : data.errors())
    std::fprintf(stderr, "paizi render: source %s: %s\n", id.c_str(), e.c_str());
  show::Player player(*display, shaper, painter, pl, &data);

  auto render_one = [&](size_t si, int pg, const std::string& path) -> bool {
    if (player.show_still(si, static_cast<size_t>(pg), at) == 0) {
      std::fprintf(stderr, "paizi render: %s: slide %zu has no page %d\n", file.c_str(), si, pg);
      return false;
    }
    for (const auto& w : player.warnings())
      std::fprintf(stderr, "paizi render: warning: slide %zu (%s): %s\n", si, pl.slides[si].id.c_str(),
                   w.c_str());
    if (player.stats().last_missing > 0)
      std::fprintf(stderr,
                   "paizi render: warning: slide %zu: %d code points have no glyph in any installed font "
                   "(drawn as boxes)%s\n",
                   si, player.stats().last_missing,
                   fonts.emoji() ? "" : "; no colour emoji font (install fonts-noto-color-emoji)");
    auto shot = display->snapshot(err);
    if (!shot || !render::write_png(shot.get(), path, err)) {
      std::fprintf(stderr, "paizi render: %s\n", err.c_str());
      return false;
    }
    return true;
  };

  if (!all) return render_one(static_cast<size_t>(slide_index), page, *out) ? kExitOk : kExitFailure;

  std::error_code ec;
  std::filesystem::create_directories(*out, ec);
  if (ec) {
    std::fprintf(stderr, "paizi render: cannot create %s: %s\n", out->c_str(), ec.message().c_str());
    return kExitFailure;
  }
  for (size_t si = 0; si < pl.slides.size(); ++si) {
    const content::Slide& s = pl.slides[si];
    const size_t pages = player.show_still(si, 0, at);
    for (size_t pg = 0; pg < pages; ++pg) {
      char name[64];
      std::snprintf(name, sizeof name, "%02zu-%zu-", si, pg);
      const std::string path = (std::filesystem::path(*out) / (name + s.id + ".png")).string();
      if (!render_one(si, static_cast<int>(pg), path)) return kExitFailure;
      std::printf("%s\n", path.c_str());
    }
  }
  return kExitOk;
}

}  // namespace paizi::app
