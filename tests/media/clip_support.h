// What the video and audio tests share: clips made with Debian's ffmpeg
// (deps.txt, role test), never committed.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace media_test {

// Runs ffmpeg quietly; true when it made `out`.
inline bool ffmpeg(const std::string& args, const std::string& out) {
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args + " '" + out + "'";
  return std::system(cmd.c_str()) == 0 && std::filesystem::exists(out);
}

}  // namespace media_test
