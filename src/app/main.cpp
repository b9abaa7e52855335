// paizi: digital-signage player. Entry point and subcommand dispatch.
#ifdef PAIZI_MIMALLOC
#include <mimalloc.h>
#endif
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/cli.h"
#include "build_config.h"

namespace {

constexpr const char* kUsage = R"(paizi )" PAIZI_VERSION R"( - signage player for lobby displays

usage: paizi COMMAND [OPTIONS]

commands:
  play [PLAYLIST|URL]   show a playlist (default: the bundled demo)
      --window WxH        in a window of this size (default: fullscreen)
      --rotate DEG        0, 90, 180 or 270 (portrait screens)
      --headless          no display: compose frames in memory
      --duration TIME     stop after TIME (e.g. 60s); headless runs on a simulated clock
      --realtime          headless on the real clock (runs until SIGTERM without --duration)
      --config FILE       settings file (default /etc/paizi/paizi.conf; flags override it)
      --driver NAME       auto, kmsdrm, x11, wayland, offscreen (SDL video drivers) or drm
      --state-dir DIR --cache-dir DIR --public-key FILE --token FILE
      --heartbeat-url URL --log-level err|warning|notice|info|debug --timezone ZONE
      --screenshots DIR   write a PNG at every slide and page change
      --verbose           log glyph-atlas counters and timings (log level debug)
      --atlas-mb N        glyph atlas budget in MiB (default 32)
      --poll TIME         check the playlist for changes every TIME (default 60s)
      --pubkey KEY.pub    accept only playlists with a valid PLAYLIST.sig (= --public-key)
      --token-file FILE   bearer token for the playlist server, never logged (= --token)
      --asset-root DIR    allow local asset paths under DIR (repeatable)
      --heartbeat URL     POST status.json and a thumbnail after each change (= --heartbeat-url)
      --cache-mib N       disk budget of downloaded content (default 256); --fetch-timeout TIME (30s)
      --runtime-dir DIR   where status.json goes (default $RUNTIME_DIRECTORY, else the state dir)
      --metrics-dir DIR   write Prometheus metrics to DIR/paizi.prom, or where it links (default
                          /var/lib/prometheus/node-exporter if it exists; off: none)
      --metrics-every TIME  rewrite them at least this often (default 5s)
      --allow-unpinned-assets true|false  with a key, accept images without "image_sha256" (default false)
      --require-https true|false          only https:// for the playlist, sources, unpinned images
      --location LAT,LON  where the screen stands: CAP alerts with a polygon or circle show only around it
      --board NAME        generic, pi4 or pi5 (its hardware video decoders); --video-decoder auto|software|hardware
    signals: SIGHUP checks the playlist now, SIGTERM/SIGINT stop; sd_notify under systemd
  render PLAYLIST         render one slide to a PNG file
      --slide N           slide index (0-based)      --page K   page of a news slide
      --size WxH          canvas size (default 1920x1080)
      --rotate DEG        lay out for a rotated screen
      -o OUT.png          output file
      --all -o DIR        render every slide and page into DIR
      --at TIME           wall-clock time shown (RFC 3339), default now
  layout                  lay out UTF-8 text from stdin (one paragraph per line), print JSON
      --size PX --width PX --lang TAG --font FAMILY --line-break none|basic|strict
      --justify --indent EM --vertical --height PX --max-lines N --bold
  feed SRC                fetch and parse a feed (URL or file), print one JSON object per item
      --state-dir DIR     cache fetched sources in DIR/cache (last good copy on failure)
      --timeout S --connect-timeout S --max-bytes N --max-items N --tz +08:00
  article SRC             extract the article of a web page (URL or file), print one JSON object
      --state-dir DIR --timeout S --connect-timeout S --max-bytes N --tz +08:00
  kpi SRC                 read KPI data (JSON or CSV, URL or file), print one JSON object per figure
      --state-dir DIR --timeout S --connect-timeout S --max-bytes N --tz +08:00
  check PLAYLIST          validate; every problem with its JSON pointer and line:column; slides
                          composed to report text cut or set too small, QR codes left out
      --pubkey KEY.pub    also verify PLAYLIST.sig and the images' pins it can reach; warn about http://
      --size WxH          the screen the slides are composed for (default 1920x1080)
      --board NAME        generic, pi4 or pi5: warn about clips it cannot decode in hardware
                          (default: the configuration's board)
  keygen PREFIX           write an Ed25519 key pair PREFIX.key (secret) and PREFIX.pub
  sign FILE --key K.key   pin the images it can reach ("image_sha256", FILE rewritten), then write
                          the detached signature FILE.sig
  version                 print the version

  paizi COMMAND --help    details; exit status: 0 ok, 1 bad input or failure, 2 usage error
)";

// `paizi COMMAND --help`: the command's own part of the usage text (its line
// and the indented lines under it), not the whole of it.
std::string command_help(const std::string& cmd) {
  const std::string text = kUsage;
  std::string out;
  bool in = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    const bool command_line = line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ';
    if (command_line) {
      const std::string name = line.substr(2, line.find(' ', 2) - 2);
      in = name == cmd;
    } else if (line.empty()) {
      in = false;
    }
    if (in) out += line + "\n";
  }
  if (out.empty()) return out;
  return "usage: paizi " + out.substr(2) + "\nexit status: 0 ok, 1 bad input or failure, 2 usage error\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return paizi::app::kExitUsage;
  }
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
#ifdef PAIZI_MIMALLOC
    const int mi = mi_version();  // 209 = 2.0.9
    std::printf("paizi %s (mimalloc %d.%d.%d)\n", PAIZI_VERSION, mi / 100, mi / 10 % 10, mi % 10);
#else
    std::printf("paizi %s\n", PAIZI_VERSION);
#endif
    return 0;
  }
  try {
    paizi::app::Args a(args);
    if (a.flag("--help") || a.flag("-h")) {
      const std::string help = command_help(cmd);
      if (help.empty()) {
        std::fprintf(stderr, "paizi: unknown command \"%s\" (see paizi --help)\n", cmd.c_str());
        return paizi::app::kExitUsage;
      }
      std::fputs(help.c_str(), stdout);
      return 0;
    }
    if (cmd == "render") return paizi::app::cmd_render(a);
    if (cmd == "play") return paizi::app::cmd_play(a);
    if (cmd == "layout") return paizi::app::cmd_layout(a);
    if (cmd == "feed") return paizi::app::cmd_feed(a);
    if (cmd == "article") return paizi::app::cmd_article(a);
    if (cmd == "kpi") return paizi::app::cmd_kpi(a);
    if (cmd == "check") return paizi::app::cmd_check(a);
    if (cmd == "keygen") return paizi::app::cmd_keygen(a);
    if (cmd == "sign") return paizi::app::cmd_sign(a);
    std::fprintf(stderr, "paizi: unknown command \"%s\" (see paizi --help)\n", cmd.c_str());
    return paizi::app::kExitUsage;
  } catch (const paizi::app::UsageError& e) {
    std::fprintf(stderr, "paizi %s: %s\n", cmd.c_str(), e.message.c_str());
    return paizi::app::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paizi %s: %s\n", cmd.c_str(), e.what());
    return paizi::app::kExitFailure;
  }
}
