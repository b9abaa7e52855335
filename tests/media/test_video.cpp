// Video slides: clips generated here with Debian's ffmpeg (never committed),
// decoded by FFmpeg through media/video.h and played by the real player on
// a headless SDL canvas on the simulated clock. Each clip carries its frame
// index as ten black/white squares (bit k of the index in square k), read
// back from the canvas: the frames must come in order, none skipped or
// repeated. Hostile clips (cut, garbage, oversized, hundreds of streams)
// are refused or cut short with a reason, and the show goes on.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../feeds/feeds_test_support.h"
#include "../show/player_rig.h"
#include "clip_support.h"
#include "content/playlist.h"
#include "media/video.h"
#include "present/display.h"
#include "render/image.h"
#include "render/painter.h"
#include "show/player.h"

using namespace paizi;
using media_test::ffmpeg;

namespace {

constexpr int64_t kUnix = 1776585600;
constexpr int kBits = 10;

// The squares: bit k of the frame index at (16 + 40k, 16), 32 px wide, in
// a clip `w` px wide (scaled with it).
std::string counter_filter(int w) {
  const double s = w / 1280.0;
  std::string f;
  for (int k = 0; k < kBits; ++k) {
    const int x = static_cast<int>(std::lround((16 + 40 * k) * s)), y = static_cast<int>(std::lround(16 * s)),
              d = static_cast<int>(std::lround(32 * s));
    const std::string box = "drawbox=x=" + std::to_string(x) + ":y=" + std::to_string(y) +
                            ":w=" + std::to_string(d) + ":h=" + std::to_string(d) + ":t=fill:color=";
    f += (f.empty() ? "" : ",") + box + "black," + box + "white:enable='mod(floor(n/" +
         std::to_string(1 << k) + "),2)'";
  }
  return f;
}

// A testsrc2 clip with the counter: `codec` "libx264", "libx265" or "libvpx-vp9".
std::string make_clip(const std::string& dir, const std::string& name, int w, int h, double seconds,
                      const std::string& codec, int fps = 30) {
  const std::string out = dir + "/" + name;
  const std::string speed = codec == "libvpx-vp9" ? " -deadline realtime -cpu-used 8 -b:v 1M"
                            : codec == "libx265"  ? " -preset ultrafast -x265-params log-level=error"
                                                  : " -preset ultrafast";
  REQUIRE(ffmpeg("-f lavfi -i testsrc2=size=" + std::to_string(w) + "x" + std::to_string(h) +
                     ":rate=" + std::to_string(fps) + " -t " + std::to_string(seconds) + " -vf \"" +
                     counter_filter(w) + "\" -c:v " + codec + speed + " -pix_fmt yuv420p",
                 out));
  return out;
}

// The clips are named by absolute paths.
struct Rig : show_test::Rig {
  Rig(const std::string& json, int w, int h) : show_test::Rig(json, w, h, "/") {}
};

// The frame index the canvas shows (-1: no counter there), for a clip
// `clip_w` wide shown 1:1 at the canvas's top-left.
int read_counter(present::Display& d, int clip_w) {
  std::string err;
  auto shot = d.snapshot(err);
  REQUIRE(shot);
  SDL_Surface* s = shot.get();
  const double sc = clip_w / 1280.0;
  int n = 0;
  for (int k = 0; k < kBits; ++k) {
    const int x = static_cast<int>(std::lround((32 + 40 * k) * sc)),
              y = static_cast<int>(std::lround(32 * sc));
    Uint32 px = 0;
    std::memcpy(&px, static_cast<const uint8_t*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch + x * 4,
                4);
    Uint8 r = 0, g = 0, b = 0;
    SDL_GetRGB(px, s->format, &r, &g, &b);
    const int lum = (r + g + b) / 3;
    if (lum > 90 && lum < 165) return -1;  // neither black nor white: not a counter square
    if (lum >= 165) n |= 1 << k;
  }
  return n;
}

std::string playlist_json(const std::string& clip, const std::string& extra = "",
                          const std::string& transition = R"({"type":"cut"})") {
  return R"({"version":1,"transition":)" + transition + R"(,"slides":[{"id":"v","type":"video","src":")" +
         clip + "\"" + extra + R"(},{"id":"after","type":"slogan","duration":"1s","lines":["之后"]}]})";
}

struct Played {
  std::vector<int> frames;    // the counter at each presented frame of the video slide
  int64_t video_end_ms = -1;  // when the next slide came on
  std::vector<std::string> problems;
};

// Plays `json` on the simulated clock (from one change to the next, as
// `paizi play --headless` does) until `until_ms`.
Played play(Rig& rig, int clip_w, int64_t until_ms) {
  show::Player& p = *rig.player;
  Played out;
  for (int64_t t = 0; t < until_ms;) {
    const bool drew = p.tick(t, kUnix + t / 1000);
    for (auto& m : p.take_video_problems()) out.problems.push_back(m);
    if (p.slide().id == "v" && drew && !p.in_transition() && out.video_end_ms < 0)
      out.frames.push_back(read_counter(*rig.display, clip_w));
    if (p.slide().id == "after" && out.video_end_ms < 0) out.video_end_ms = t;
    t = std::max(t + 1, p.next_change_ms());
  }
  return out;
}

// The frames 0, 1, ..., n - 1 each once, in order.
void check_in_order(const std::vector<int>& frames, int n) {
  std::vector<int> want(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) want[static_cast<size_t>(i)] = i;
  CHECK(frames == want);
}

}  // namespace

TEST_CASE("FFmpeg is loaded only when a video is opened") {
  // A player without video never loads it.
  Rig rig(R"({"version":1,"slides":[{"type":"slogan","lines":["没有视频"]}]})", 320, 180);
  rig.player->tick(0, kUnix);
  rig.player->tick(20000, kUnix + 20);
  CHECK_FALSE(media::loaded());
  // Whole processes, as the dynamic loader reports what it opens: `paizi
  // render` of a playlist without video opens no libav* library (its
  // start-up cost is what it was), one with a video opens them.
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "c.mp4", 320, 180, 0.2, "libx264");
  const std::string plain = dir.path() + "/plain.json", video = dir.path() + "/video.json";
  std::ofstream(plain) << R"({"version":1,"slides":[{"type":"slogan","lines":["没有视频"]}]})";
  std::ofstream(video) << playlist_json(clip);
  setenv("LD_DEBUG", "files", 1);
  const auto without = feeds_test::run_paizi(
      {"render", plain, "--slide", "0", "--size", "320x180", "-o", dir.path() + "/a.png"});
  const auto with = feeds_test::run_paizi(
      {"render", video, "--slide", "0", "--size", "320x180", "-o", dir.path() + "/b.png"});
  unsetenv("LD_DEBUG");
  CHECK(without.status == 0);
  CHECK(with.status == 0);
  CHECK(without.err.find("libavcodec.so") == std::string::npos);
  CHECK(without.err.find("libavformat.so") == std::string::npos);
  CHECK(with.err.find("libavcodec.so.59") != std::string::npos);
}

TEST_CASE("an H.264 720p clip plays every frame in order by its timestamps, then the next slide") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "h264.mp4", 1280, 720, 3, "libx264");
  SECTION("software canvas (frames converted into the canvas)") {
    Rig rig(playlist_json(clip), 1280, 720);
    const Played p = play(rig, 1280, 4500);
    check_in_order(p.frames, 90);
    CHECK(p.video_end_ms == 3000);  // the clip's length: no "duration"
    CHECK(p.problems.empty());
    CHECK(rig.player->stats().video_dropped == 0);
    CHECK(rig.player->video_decoder() == "h264 (software)");
  }
  SECTION("texture path (frames up as I420 textures)") {
    Rig rig(playlist_json(clip), 1280, 720);
    rig.player->force_texture_path();
    const Played p = play(rig, 1280, 4500);
    check_in_order(p.frames, 90);
    CHECK(p.video_end_ms == 3000);
  }
}

TEST_CASE("HEVC and VP9 clips play in order too") {
  feeds_test::TempDir dir;
  for (const char* codec : {"libx265", "libvpx-vp9"}) {
    INFO(codec);
    const std::string clip = make_clip(dir.path(), std::string(codec) + ".mkv", 640, 360, 1, codec);
    Rig rig(playlist_json(clip), 640, 360);
    const Played p = play(rig, 640, 2000);
    check_in_order(p.frames, 30);
    CHECK(p.video_end_ms == 1000);
  }
}

TEST_CASE("loops and duration decide how long a clip plays") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "one.mp4", 320, 180, 1, "libx264");
  SECTION("loops: 2 plays it twice") {
    Rig rig(playlist_json(clip, R"(,"loops":2)"), 320, 180);
    const Played p = play(rig, 320, 3000);
    std::vector<int> want;
    for (int pass = 0; pass < 2; ++pass)
      for (int i = 0; i < 30; ++i) want.push_back(i);
    CHECK(p.frames == want);
    CHECK(p.video_end_ms == 2000);
  }
  SECTION("a duration shorter than the clip cuts it off") {
    Rig rig(playlist_json(clip, R"(,"duration":"500ms")"), 320, 180);
    const Played p = play(rig, 320, 2000);
    check_in_order(p.frames, 15);
    CHECK(p.video_end_ms == 500);
  }
}

TEST_CASE("the first frame is on screen when the transition into the clip starts") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "fade.mp4", 320, 180, 1, "libx264");
  const std::string json = R"({"version":1,"transition":{"type":"push","duration":"400ms"},"slides":[
      {"id":"before","type":"slogan","duration":"1s","lines":["之前"]},
      {"id":"v","type":"video","src":")" +
                           clip + R"("}]})";
  Rig rig(json, 320, 180);
  show::Player& p = *rig.player;
  p.tick(0, kUnix);
  p.tick(500, kUnix);  // the next slide (the clip) is prepared
  // Halfway through the push the clip's left half is on screen, its first
  // frame (counter 0) or the frames after it: never black.
  p.tick(1200, kUnix + 1);
  REQUIRE(p.in_transition());
  std::string err;
  auto shot = rig.display->snapshot(err);
  REQUIRE(shot);
  SDL_Surface* s = shot.get();
  // The clip's picture starts at x = 160 now; its testsrc2 background below the squares.
  Uint32 px = 0;
  std::memcpy(&px, static_cast<const uint8_t*>(s->pixels) + 120 * s->pitch + 200 * 4, 4);
  Uint8 r = 0, g = 0, b = 0;
  SDL_GetRGB(px, s->format, &r, &g, &b);
  CHECK(r + g + b > 60);
}

TEST_CASE("on the real clock clips decode on their own thread, one decoder at a time") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "a.mp4", 320, 180, 1, "libx264");
  const std::string json = R"({"version":1,"transition":{"type":"cut"},"slides":[
      {"id":"before","type":"slogan","duration":"1s","lines":["之前"]},
      {"id":"v","type":"video","src":")" +
                           clip + R"("},
      {"id":"w","type":"video","src":")" +
                           clip + R"("},
      {"id":"after","type":"slogan","duration":"1s","lines":["之后"]}]})";
  Rig rig(json, 320, 180);
  show::Player& p = *rig.player;
  p.set_frame_interval(16);  // the real clock: the frame loop never waits for a decoder
  const auto began = std::chrono::steady_clock::now();
  size_t most = 0;
  std::vector<int> v_frames, w_frames;
  std::vector<std::string> problems;
  for (;;) {
    const int64_t t =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began)
            .count();
    if (t > 20000) break;  // (it takes about 4 s)
    p.tick(t, kUnix + t / 1000);
    for (auto& m : p.take_video_problems()) problems.push_back(m);
    most = std::max(most, p.clips_decoding());
    if (p.slide().id == "v" && !p.in_transition()) v_frames.push_back(read_counter(*rig.display, 320));
    if (p.slide().id == "w" && !p.in_transition()) w_frames.push_back(read_counter(*rig.display, 320));
    if (p.slide().id == "after") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
  }
  CHECK(p.slide().id == "after");
  CHECK(problems.empty());
  // The second clip opened only once the first had decoded its last frame.
  CHECK(most == 1);
  // Each clip, after a still slide or after a clip, starts from its first
  // frame (the cut into it waited for it, if need be) and plays in order
  // (frames may be dropped on a busy machine, never reordered).
  for (const std::vector<int>* frames : {&v_frames, &w_frames}) {
    REQUIRE_FALSE(frames->empty());
    CHECK(frames->front() <= 1);
    CHECK(std::is_sorted(frames->begin(), frames->end()));
    CHECK(frames->back() >= 20);
  }
}

TEST_CASE("probe: container, codec, profile, size, frame rate, duration") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "p.mp4", 640, 360, 2, "libx264", 25);
  std::string err;
  const auto info = media::probe_file(clip, {}, err);
  REQUIRE(info);
  CHECK(info->container.find("mp4") != std::string::npos);
  CHECK(info->codec == "h264");
  CHECK(!info->profile.empty());
  CHECK(info->width == 640);
  CHECK(info->height == 360);
  CHECK(info->fps == Approx(25));
  CHECK(info->duration_us == Approx(2'000'000).margin(50'000));
  CHECK(media::hardware_gap(*info, media::Board::pi4).empty());
  CHECK(media::hardware_gap(*info, media::Board::pi5).find("only HEVC") != std::string::npos);
}

TEST_CASE("paizi check reads every clip and warns of what the board or the slide will miss") {
  feeds_test::TempDir dir;
  const std::string clip = make_clip(dir.path(), "p.mp4", 640, 360, 1, "libx264", 25);
  const std::string pl = dir.path() + "/pl.json";
  std::ofstream(pl) << R"({"version":1,"slides":[{"id":"a","type":"video","src":"p.mp4"},
      {"id":"b","type":"video","src":"p.mp4","muted":false}]})";
  const auto r = feeds_test::run_paizi({"check", pl, "--board", "pi5"});
  INFO(r.out << r.err);
  // Both clips described; the Pi 5 has no H.264 decoder; the unmuted one has no sound.
  CHECK(r.out.find("video \"p.mp4\": mov,mp4,m4a,3gp,3g2,mj2, h264 ") != std::string::npos);
  CHECK(r.out.find(", 640x360, 25 fps, 1.0 s, no audio (at /slides/0/src)") != std::string::npos);
  CHECK(r.out.find("board pi5: a Pi 5 decodes only HEVC in hardware; this clip is h264") !=
        std::string::npos);
  CHECK(r.out.find(
            "warning: video \"p.mp4\": \"muted\": false, but the clip has no sound (at /slides/1/src)") !=
        std::string::npos);
  CHECK(r.out.find("no sound (at /slides/0/src)") == std::string::npos);
}

TEST_CASE("hostile clips are refused or cut short with a reason; the show goes on") {
  feeds_test::TempDir dir;
  const std::string good = make_clip(dir.path(), "good.mp4", 320, 180, 2, "libx264");
  std::string err;
  SECTION("garbage with a video's name") {
    const std::string bad = dir.path() + "/garbage.mp4";
    std::ofstream(bad) << std::string(100000, 'x') << "<html>not a video</html>";
    CHECK_FALSE(media::probe_file(bad, {}, err));
    CHECK(err.find("not a video") != std::string::npos);
    CHECK(media::video_problem(feeds_test::read_file(bad)).find("is not a video") == 0);
    Rig rig(playlist_json(bad), 320, 180);
    const Played p = play(rig, 320, 3000);
    CHECK(p.frames.empty());
    REQUIRE(!p.problems.empty());
    CHECK(p.problems[0].find("slide v: video " + bad + ": not a video") == 0);
    CHECK(rig.player->slide().id == "after");  // the show goes on
  }
  SECTION("a cut file plays what it has, then hands over") {
    // The index at the front (faststart), the frames cut off halfway.
    const std::string fast = dir.path() + "/fast.mp4";
    REQUIRE(ffmpeg("-i '" + good + "' -c copy -movflags +faststart", fast));
    const std::string bytes = feeds_test::read_file(fast);
    const std::string cut = dir.path() + "/cut.mp4";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    Rig rig(playlist_json(cut), 320, 180);
    const Played p = play(rig, 320, 4000);
    REQUIRE(!p.frames.empty());
    CHECK(p.frames.size() < 60);
    check_in_order(p.frames, static_cast<int>(p.frames.size()));
    CHECK(p.video_end_ms > 0);
    CHECK(p.video_end_ms < 2000);  // before the 2 s the index promises
  }
  SECTION("a cut file without its index is refused") {
    const std::string bytes = feeds_test::read_file(good);  // moov at the end
    const std::string cut = dir.path() + "/noindex.mp4";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    CHECK_FALSE(media::probe_file(cut, {}, err));
    CHECK(!err.empty());
  }
  SECTION("a frame larger than the limit") {
    const std::string big = dir.path() + "/big.mkv";
    REQUIRE(ffmpeg("-f lavfi -i color=size=4112x64:rate=1 -t 1 -c:v libx264 -preset ultrafast", big));
    CHECK_FALSE(media::probe_file(big, {}, err));
    CHECK(err == "is 4112x64 (at most 4096x2304)");
    media::Limits small;
    small.max_width = 320;
    small.max_height = 180;
    CHECK(media::probe_file(good, small, err));
    CHECK_FALSE(media::probe_bytes(feeds_test::read_file(big), small, err));
  }
  SECTION("hundreds of streams") {
    const std::string many = dir.path() + "/many.mkv";
    std::string maps = "-map 0:v";
    for (int i = 0; i < 200; ++i) maps += " -map 1:a";
    REQUIRE(ffmpeg("-f lavfi -i color=size=64x64:rate=5 -f lavfi -i anullsrc -t 1 " + maps +
                       " -c:v libx264 -preset ultrafast -c:a pcm_s16le",
                   many));
    CHECK_FALSE(media::probe_file(many, {}, err));
    CHECK(!err.empty());
    Rig rig(playlist_json(many), 320, 180);
    const Played p = play(rig, 320, 2000);
    CHECK(p.frames.empty());
    CHECK(rig.player->slide().id == "after");
  }
  SECTION("a clip that says it lasts for ever is refused") {
    media::Limits l;
    l.max_duration_us = 1'000'000;
    CHECK_FALSE(media::probe_file(good, l, err));
    CHECK(err.find("says it lasts 2 s") == 0);
  }
  SECTION("a decoder that makes no picture is given up") {
    media::DecoderOptions o;
    o.limits.max_packets_per_frame = 0;
    auto d = media::Decoder::open(good, o, err);
    REQUIRE(d);
    CHECK_FALSE(d->next());
    CHECK(d->error().find("no picture in 0 packets") == 0);
  }
}
