// `paizi check FILE`: validate a playlist, report every problem with its
// JSON pointer and line:column. `paizi keygen` and `paizi sign`: Ed25519
// keys and detached signatures for playlists.
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "app/cli.h"
#include "app/pins.h"
#include "app/video.h"
#include "content/playlist.h"
#include "net/http_client.h"
#include "net/signature.h"
#include "platform/atomic_file.h"
#include "platform/paths.h"
#include "present/display.h"
#include "render/image.h"
#include "render/painter.h"
#include "show/player.h"

namespace paizi::app {

namespace {

std::string read_or_fail(const std::string& path, const char* what) {
  std::string s;
  if (!platform::read_whole_file(path, s)) throw UsageError{std::string("cannot read ") + what + " " + path};
  return s;
}

// Local images that the player could not read or show: it would leave their
// slides out (sources/playlist_updater.h), so say so before the playlist is
// published.
// Remote images are not fetched here.
size_t check_local_images(const std::string& file, const content::Playlist& pl) {
  namespace fs = std::filesystem;
  size_t warnings = 0;
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::absolute(pl.base_dir.empty() ? "." : pl.base_dir), ec);
  for (const AssetRef& img : asset_refs(pl)) {
    if (img.clip) continue;  // (check_videos reads clips)
    const std::string& ref = img.ref;
    const std::string at = img.pointer + "/image";
    if (!is_local_ref(ref)) continue;  // remote (or refused by the format check)
    const fs::path p = platform::resolve_ref(root.string(), net::local_path(ref));
    const fs::path canon = fs::weakly_canonical(p, ec);
    const std::string what = img.slide ? "the slide is left out" : "the article is shown without it";
    std::string problem;
    if (!fs::is_regular_file(canon, ec))
      problem = "no such file: " + canon.string() + "; " + what + " until it exists";
    else if (!platform::is_within(canon.string(), root.string()))
      problem = "outside the playlist's directory; " + what + " unless paizi play --asset-root allows it";
    else if (fs::file_size(canon, ec) > render::kMaxImageFileBytes)
      problem = "is larger than " + std::to_string(render::kMaxImageFileBytes >> 20) + " MiB; " + what;
    else if (std::string bytes; !platform::read_whole_file(canon.string(), bytes))
      problem = "cannot be read; " + what + " until it can";
    else if (std::string why = render::image_problem(bytes); !why.empty())
      problem = why + "; " + what;
    if (problem.empty()) continue;
    std::printf("%s: warning: image \"%s\": %s (at %s)\n", file.c_str(), ref.c_str(), problem.c_str(),
                at.c_str());
    ++warnings;
  }
  return warnings;
}

// Local feed, article and KPI files that do not exist: the player would
// show their slides' placeholders (and an empty feed ticker) until they do.
size_t check_local_sources(const std::string& file, const content::Playlist& pl) {
  namespace fs = std::filesystem;
  size_t warnings = 0;
  std::error_code ec;
  for (const content::Source& src : pl.sources) {
    if (src.url.empty() || src.url.find("://") != std::string::npos)
      continue;  // remote: fetched by the player
    const fs::path p = platform::resolve_ref(pl.base_dir, src.url);
    if (fs::is_regular_file(p, ec)) continue;
    std::string users;
    for (const content::Slide& sl : pl.slides)
      if (content::source_of(sl) == src.id)
        users +=
            (users.empty() ? "" : ", ") + (sl.id.empty() ? std::string(content::type_name(sl.body)) : sl.id);
    if (pl.ticker.enabled && pl.ticker.source == src.id)
      users += std::string(users.empty() ? "" : ", ") + "the ticker";
    const std::string effect =
        users.empty() ? "no slide uses it" : "until it exists, a placeholder is shown on: " + users;
    std::printf("%s: warning: %s source \"%s\": no such file: %s; %s (at /sources/%s/url)\n", file.c_str(),
                content::kind_name(src.kind), src.id.c_str(), p.lexically_normal().string().c_str(),
                effect.c_str(), src.id.c_str());
    ++warnings;
  }
  return warnings;
}

// Text that will be cut or set below the theme's readable minimum, QR codes
// left out: each slide whose content is in the playlist composed as the
// player would on a w x h screen (slides fed by sources are composed when
// their data arrives: the player logs theirs).
size_t check_composition(const std::string& file, const content::Playlist& pl, int w, int h) {
  present::DisplayOptions dopt;
  dopt.width = w;
  dopt.height = h;
  std::string err;
  auto display = present::open_headless(dopt, err);
  if (!display) {
    std::printf("%s: warning: slides not composed (%s)\n", file.c_str(), err.c_str());
    return 1;
  }
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  render::Painter painter(display->renderer());
  show::Player player(*display, shaper, painter, pl);
  size_t warnings = 0;
  for (size_t i = 0; i < pl.slides.size(); ++i) {
    if (!content::source_of(pl.slides[i]).empty()) continue;
    player.show_still(i, 0, static_cast<int64_t>(std::time(nullptr)));
    player.take_video_problems();  // said by check_videos
    for (const auto& wn : player.warnings()) {
      std::printf("%s: warning: slide %s at %dx%d: %s (at /slides/%zu)\n", file.c_str(),
                  pl.slides[i].id.empty() ? ("#" + std::to_string(i + 1)).c_str() : pl.slides[i].id.c_str(),
                  w, h, wn.c_str(), i);
      ++warnings;
    }
  }
  return warnings;
}

// With a public key: each image's and clip's pin verified where its bytes
// can be had (a mismatch is an error: the player would refuse it), an
// unpinned one said (refused unless allow_unpinned_assets), and plain
// http:// sources, images and clips said (a signed playlist does not cover
// what they send). Returns the errors; adds to `warnings`.
size_t check_pins(const std::string& file, const content::Playlist& pl, size_t& warnings) {
  size_t errors = 0;
  for (const AssetRef& a : asset_refs(pl)) {
    const char *ref = a.ref.c_str(), *kind = a.kind(), *key = a.key(), *pin_key = a.pin_key();
    if (net::is_plain_http_url(a.ref)) {
      std::printf(
          "%s: warning: %s \"%s\" is served over plain http://%s (at %s/%s)\n", file.c_str(), kind, ref,
          a.pin.empty() ? ": anyone on the way can replace it; pin it (paizi sign) or serve it over https"
                        : "; its pin still decides which bytes are shown",
          a.pointer.c_str(), key);
      ++warnings;
    }
    if (a.pin.empty()) {
      std::printf(
          "%s: warning: %s \"%s\" is not pinned: a player with this key refuses it unless "
          "allow_unpinned_assets = true (paizi sign pins it) (at %s/%s)\n",
          file.c_str(), kind, ref, a.pointer.c_str(), key);
      ++warnings;
      continue;
    }
    std::string actual, err;
    if (!asset_sha256(a, pl.base_dir, false, actual, err)) {
      std::printf("%s: warning: %s \"%s\": pin not verified: %s (at %s/%s)\n", file.c_str(), kind, ref,
                  err.c_str(), a.pointer.c_str(), pin_key);
      ++warnings;
    } else if (actual != a.pin) {
      std::printf(
          "%s: error: %s \"%s\" has SHA-256 %s, the playlist pins %s: the player refuses it (at %s/%s)\n",
          file.c_str(), kind, ref, actual.c_str(), a.pin.c_str(), a.pointer.c_str(), pin_key);
      ++errors;
    }
  }
  for (const content::Source& src : pl.sources)
    if (net::is_plain_http_url(src.url)) {
      std::printf(
          "%s: warning: %s source \"%s\" is plain http://: its content is not covered by the signature "
          "and anyone on the way can change it; serve it over https (at /sources/%s/url)\n",
          file.c_str(), content::kind_name(src.kind), src.id.c_str(), src.id.c_str());
      ++warnings;
    }
  return errors;
}

}  // namespace

int cmd_check(Args& args) {
  const auto size = parse_size(args.value("--size").value_or("1920x1080"), "--size");
  const auto pubkey = args.value("--pubkey");
  // The board whose hardware decoders the clips are checked against: the
  // flag, else the configuration's.
  const std::string board_name =
      args.value("--board").value_or(load_config(kDefaultConfigPath, false).config.board);
  const auto board = media::board_from_name(board_name);
  if (!board) throw UsageError{"--board must be generic, pi4 or pi5"};
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"check takes one PLAYLIST file"};
  const std::string& file = pos[0];
  const content::ParseResult pr = content::load_playlist(file);
  size_t errors = 0, warnings = 0;
  for (const auto& p : pr.problems) {
    (p.warning ? warnings : errors)++;
    std::string where = file;
    if (p.line > 0) where += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    std::printf("%s: %s: %s", where.c_str(), p.warning ? "warning" : "error", p.message.c_str());
    if (!p.pointer.empty())
      std::printf(" (at %s)", p.pointer.c_str());
    else if (p.message.rfind("invalid JSON", 0) != 0 && p.line > 0)
      std::printf(" (at the top level)");
    std::printf("\n");
  }
  if (pr.playlist)
    warnings += check_local_images(file, *pr.playlist) + check_local_sources(file, *pr.playlist) +
                check_videos(file, *pr.playlist, *board) +
                check_composition(file, *pr.playlist, size.first, size.second);
  if (pubkey && pr.playlist) {
    std::string sig, body, err;
    if (!platform::read_whole_file(file + ".sig", sig)) {
      std::printf("%s: error: no signature file %s.sig\n", file.c_str(), file.c_str());
      ++errors;
    } else if (platform::read_whole_file(file, body) &&
               !net::verify_detached(body, sig, read_or_fail(*pubkey, "public key"), err)) {
      std::printf("%s: error: %s\n", file.c_str(), err.c_str());
      ++errors;
    }
    errors += check_pins(file, *pr.playlist, warnings);
  }
  std::printf("%s: %s (%zu error%s, %zu warning%s)\n", file.c_str(), errors ? "invalid" : "ok", errors,
              errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return errors ? kExitFailure : kExitOk;
}

int cmd_keygen(Args& args) {
  const bool force = args.flag("--force");
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"keygen takes one PREFIX (writes PREFIX.key and PREFIX.pub)"};
  const std::string key = pos[0] + ".key", pub = pos[0] + ".pub";
  if (!force && (std::filesystem::exists(key) || std::filesystem::exists(pub))) {
    std::fprintf(stderr, "paizi keygen: %s or %s exists (use --force to replace)\n", key.c_str(),
                 pub.c_str());
    return kExitFailure;
  }
  const auto kp = net::generate_keypair();
  std::string err;
  if (!kp || !platform::write_file_atomic(key, kp->secret_key, &err, 0600) ||
      !platform::write_file_atomic(pub, kp->public_key, &err, 0644)) {
    std::fprintf(stderr, "paizi keygen: %s\n", kp ? err.c_str() : "libsodium cannot initialise");
    return kExitFailure;
  }
  std::printf("%s\n%s\n", key.c_str(), pub.c_str());
  return kExitOk;
}

// Pins every image and clip of the playlist `path` (text `body`) whose bytes
// can be had and that the player would show; what cannot be pinned is said
// on stderr. Returns the text with the pins.
std::string pin_assets(const std::string& path, const std::string& body) {
  namespace fs = std::filesystem;
  const content::ParseResult pr = content::parse_playlist(body, fs::absolute(path).parent_path().string());
  if (!pr.playlist) {
    std::fprintf(stderr, "paizi sign: %s: images and clips not pinned: %s\n", path.c_str(),
                 pr.first_error(path).c_str());
    return body;
  }
  std::vector<std::pair<AssetRef, std::string>> pins;  // (the asset, its sha256)
  for (const AssetRef& a : asset_refs(*pr.playlist)) {
    std::string sha, err;
    if (!asset_sha256(a, pr.playlist->base_dir, true, sha, err)) {
      std::fprintf(stderr, "paizi sign: %s: %s \"%s\" not pinned: %s (at %s/%s)\n", path.c_str(), a.kind(),
                   a.ref.c_str(), err.c_str(), a.pointer.c_str(), a.key());
      continue;
    }
    if (!a.pin.empty() && a.pin != sha)
      std::fprintf(stderr, "paizi sign: %s: %s \"%s\" pinned again: it has changed since (at %s/%s)\n",
                   path.c_str(), a.kind(), a.ref.c_str(), a.pointer.c_str(), a.pin_key());
    if (a.pin != sha) pins.emplace_back(a, sha);
  }
  return pins.empty() ? body : with_pins(body, pins);
}

int cmd_sign(Args& args) {
  const auto key = args.value("--key");
  const auto pos = args.positionals();
  if (pos.size() != 1 || !key) throw UsageError{"usage: paizi sign FILE --key PREFIX.key (writes FILE.sig)"};
  std::string body, err;
  if (!platform::read_whole_file(pos[0], body)) {
    std::fprintf(stderr, "paizi sign: cannot read %s\n", pos[0].c_str());
    return kExitFailure;
  }
  const std::string secret = read_or_fail(*key, "secret key");
  // The pins first, so that the signature covers every byte put on screen.
  const std::string pinned = pin_assets(pos[0], body);
  if (pinned != body && !platform::write_file_atomic(pos[0], pinned, &err)) {
    std::fprintf(stderr, "paizi sign: %s\n", err.c_str());
    return kExitFailure;
  }
  const auto sig = net::sign_detached(pinned, secret, err);
  if (!sig || !platform::write_file_atomic(pos[0] + ".sig", *sig, &err)) {
    std::fprintf(stderr, "paizi sign: %s\n", err.c_str());
    return kExitFailure;
  }
  std::printf("%s.sig\n", pos[0].c_str());
  return kExitOk;
}

}  // namespace paizi::app
