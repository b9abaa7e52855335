#include "app/video.h"

#include <cstdio>
#include <filesystem>

#include "net/http_client.h"
#include "platform/paths.h"

namespace paizi::app {

media::DecoderOptions video_options(const Config& cfg) {
  media::DecoderOptions o;
  o.board = media::board_from_name(cfg.board).value_or(media::Board::generic);
  o.choice = media::decoder_choice_from_name(cfg.video_decoder).value_or(media::DecoderChoice::automatic);
  return o;
}

namespace {

std::string describe(const media::StreamInfo& v) {
  char line[400];
  std::snprintf(line, sizeof line, "%s, %s%s%s, %dx%d, %.3g fps, %s, %s", v.container.c_str(),
                v.codec.c_str(), v.profile.empty() ? "" : " ", v.profile.c_str(), v.width, v.height, v.fps,
                v.duration_us < 0 ? "length unknown"
                                  : (std::to_string(v.duration_us / 1000 / 1000) + "." +
                                     std::to_string(v.duration_us / 100000 % 10) + " s")
                                        .c_str(),
                v.audio ? "with audio" : "no audio");
  return line;
}

}  // namespace

size_t check_videos(const std::string& file, const content::Playlist& pl, media::Board board) {
  size_t warnings = 0;
  for (size_t i = 0; i < pl.slides.size(); ++i) {
    const std::string at = "/slides/" + std::to_string(i) + "/src";
    content::for_each_video(pl.slides[i], [&](const std::string& src, const std::string&) {
      if (net::is_http_url(src)) {
        std::printf("%s: video \"%s\": remote, read when the player fetches it (at %s)\n", file.c_str(),
                    src.c_str(), at.c_str());
        return;
      }
      const std::string path = platform::resolve_ref(pl.base_dir, net::local_path(src));
      std::string err;
      const auto info = media::probe_file(path, {}, err);
      if (!info) {
        std::printf("%s: warning: video \"%s\": %s; the slide is left out (at %s)\n", file.c_str(),
                    src.c_str(), err.c_str(), at.c_str());
        ++warnings;
        return;
      }
      std::printf("%s: video \"%s\": %s (at %s)\n", file.c_str(), src.c_str(), describe(*info).c_str(),
                  at.c_str());
      const auto* slide = pl.slides[i].as<content::VideoSlide>();
      if (slide && !slide->muted && !info->audio) {
        std::printf("%s: warning: video \"%s\": \"muted\": false, but the clip has no sound (at %s)\n",
                    file.c_str(), src.c_str(), at.c_str());
        ++warnings;
      }
      if (const std::string gap = media::hardware_gap(*info, board); !gap.empty()) {
        std::printf("%s: warning: video \"%s\": board %s: %s (at %s)\n", file.c_str(), src.c_str(),
                    media::board_name(board), gap.c_str(), at.c_str());
        ++warnings;
      }
    });
  }
  return warnings;
}

}  // namespace paizi::app
