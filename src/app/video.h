// Video slides in the commands: the decoder options from the configuration
// (`board`, `video_decoder`) and what `paizi check` says of each clip.
#pragma once

#include <cstddef>
#include <string>

#include "app/config.h"
#include "content/playlist.h"
#include "media/video.h"

namespace paizi::app {

// The configuration's board and decoder choice (checked when read).
media::DecoderOptions video_options(const Config& cfg);

// For each video slide with a local clip, one line naming its container,
// codec, profile, size, frame rate and length, and a warning when the clip
// cannot be played (its slide is left out) or `board` cannot decode it in
// hardware. Returns the warnings.
size_t check_videos(const std::string& file, const content::Playlist& pl, media::Board board);

}  // namespace paizi::app
