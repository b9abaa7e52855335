// Video clips: probing a container and decoding its video stream (and, when
// asked, its audio) with FFmpeg (libavformat, libavcodec, libswscale,
// libswresample from Debian), opened with
// dlopen on the first video (media/video.cpp): a playlist without video
// never loads them (docs/video.md says why FFmpeg and not libmpv).
//
// Every clip is hostile until proven otherwise: the probe reads at most
// `Limits::probe_bytes` and `analyze_us` of it, refuses a frame larger than
// `max_width` x `max_height`, more than `max_streams` streams, and every
// read or decode step runs under a wall-clock watchdog (FFmpeg's interrupt
// callback and a budget per frame). A refusal is a reason in `err`, never a
// crash or an exception.
//
// Threading: a Decoder, and a Scaler, is used by one thread at a time (the
// player decodes on a thread of its own and draws on the main thread: a
// Frame moves between them); probes may run on any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct AVFrame;
struct SwsContext;

namespace paizi::media {

struct Limits {
  int max_width = 4096, max_height = 2304;           // a frame larger than this is refused
  int max_streams = 16;                              // streams of every kind in the container
  int64_t probe_bytes = 8 << 20;                     // what the probe may read to find the streams
  int64_t analyze_us = 5'000'000;                    // media time the probe may analyse
  int64_t io_timeout_ms = 3000;                      // one open, read or seek, wall clock
  int64_t frame_timeout_ms = 2000;                   // decoding one frame, wall clock
  int max_packets_per_frame = 600;                   // packets read without a picture: a stall
  int64_t max_duration_us = 6LL * 3600 * 1'000'000;  // a longer clip (or a lie) is refused
};

// What `paizi check` says of a clip, and what the player plans with.
struct StreamInfo {
  std::string container;     // "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", ...
  std::string codec;         // "h264", "hevc", "vp9", ...
  std::string profile;       // "High", "Main 10", "" when unknown
  std::string pixel_format;  // "yuv420p", ...
  int width = 0, height = 0;
  double fps = 0;            // average frame rate, 0 when unknown
  int64_t duration_us = -1;  // -1: unknown (a stream without an index)
  int streams = 0;           // every stream in the container
  bool audio = false;        // has an audio stream
  int64_t bit_rate = 0;      // bit/s, 0 when unknown
};

// The boards paizi knows the hardware decoders of (config key `board`).
enum class Board { generic, pi4, pi5 };
// "generic", "pi4", "pi5"; nullopt for another name.
std::optional<Board> board_from_name(std::string_view name);
const char* board_name(Board b);
// Why `board` cannot decode this clip in hardware ("" when it can, or when
// the board has no known hardware decoder: generic).
std::string hardware_gap(const StreamInfo& info, Board board);

// How to choose the decoder (config key `video_decoder`): auto tries the
// board's hardware decoder when the board has one (or a V4L2 memory-to-
// memory decoder device exists) and the clip suits it; software never does;
// hardware insists (falls back to software with a warning).
enum class DecoderChoice { automatic, software, hardware };
std::optional<DecoderChoice> decoder_choice_from_name(std::string_view name);

// Loads the libraries (once per process); false with the reason when they
// are missing (packages libavformat59, libavcodec59, libavutil57, libswscale6,
// libswresample4).
bool available(std::string& err);
// Whether this process has loaded them (for the start-up cost test).
bool loaded();

std::optional<StreamInfo> probe_file(const std::string& path, const Limits& limits, std::string& err);
// The same for bytes in memory (an asset before it is stored; the fuzz target).
std::optional<StreamInfo> probe_bytes(std::string_view bytes, const Limits& limits, std::string& err);
// "" when `bytes` hold a clip paizi can play; the reason otherwise (for the
// asset store: a clip is adopted only when it probes and its first frame decodes).
std::string video_problem(std::string_view bytes, const Limits& limits = {});
// The same for a file (a clip fetched to disk).
std::string video_file_problem(const std::string& path, const Limits& limits = {});

// Pixel layouts a frame is converted to (a 32-bit canvas in memory order).
enum class PixelOrder { bgra, rgba };

// A box in a destination, px.
struct Box {
  int x = 0, y = 0, w = 0, h = 0;
};

// The planes of a decoded frame (valid until the next decode call).
struct Planes {
  const uint8_t* data[4] = {};
  int linesize[4] = {};
  int width = 0, height = 0;
  enum class Layout { i420, nv12, other } layout = Layout::other;
};

// The sound a clip's audio is decoded into: 32-bit float samples,
// interleaved, `channels` per frame at `rate` Hz (an output device's).
struct AudioFormat {
  int rate = 0;  // 0: no audio is decoded
  int channels = 2;
};

// Decoded sound: `frames` x channels samples, the first at `pts_us` (the
// clip's time, on the video's clock: the video's first frame is 0).
struct AudioChunk {
  int64_t pts_us = 0;
  std::vector<float> samples;
};

struct DecoderOptions {
  Limits limits;
  DecoderChoice choice = DecoderChoice::automatic;
  Board board = Board::generic;
  int threads = 0;    // software decoding threads (0: every core but one, at least one)
  AudioFormat audio;  // rate > 0: the clip's audio stream is decoded too, into this
};

// A decoded picture, owned: handed from the thread that decodes it to the
// one that draws it. Empty when default-made (or moved from).
class Frame {
 public:
  Frame() = default;
  ~Frame();
  Frame(Frame&& o) noexcept;
  Frame& operator=(Frame&& o) noexcept;
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  explicit operator bool() const { return f_ != nullptr; }

  int64_t pts_us = 0;       // its time from the start of the clip
  int64_t duration_us = 0;  // its nominal length (0: unknown)

 private:
  friend class Decoder;
  friend class Scaler;
  AVFrame* f_ = nullptr;
};

// Frames into pixels: libswscale's contexts, kept between frames of the
// same size. One per drawing thread.
class Scaler {
 public:
  Scaler();
  ~Scaler();
  Scaler(const Scaler&) = delete;
  Scaler& operator=(const Scaler&) = delete;

  // `frame` scaled into `box` of a 32-bit `dst` (`stride` bytes a row),
  // letterboxed (`fill` false: the box is left alone around it) or cropped
  // to cover the box (`fill` true).
  bool convert(const Frame& frame, uint8_t* dst, int stride, Box box, bool fill, PixelOrder order);
  // Its planes for a YUV texture: I420 or NV12 as decoded, anything else
  // converted to I420 first (`fill` crops as convert does; `box` gives the
  // aspect it covers). Valid while `frame` and this scaler are.
  Planes planes(const Frame& frame, Box box, bool fill);

 private:
  SwsContext* sws_ = nullptr;
  SwsContext* sws_yuv_ = nullptr;
  std::vector<uint8_t> yuv_;  // a frame converted to I420 (planes)
};

class Decoder {
 public:
  // Opens and probes `path`, picks and opens a decoder; nullptr with `err`.
  static std::unique_ptr<Decoder> open(const std::string& path, const DecoderOptions& options,
                                       std::string& err);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const StreamInfo& info() const { return info_; }
  // "h264_v4l2m2m (hardware)", "h264 (software)".
  const std::string& decoder_name() const { return decoder_name_; }
  bool hardware() const { return hardware_; }
  // Why a hardware decoder was not used ("" when none was wanted or it was).
  const std::string& fallback_reason() const { return fallback_; }
  // Audio (DecoderOptions::audio): whether the clip's audio is decoded, and
  // why not when it was asked for ("has no audio stream", a codec missing,
  // a stream that failed mid-way: the video goes on without it).
  bool audio() const;
  const std::string& audio_problem() const { return audio_problem_; }
  // "aac 44100 Hz 2 ch" (the stream as decoded; "" without audio).
  const std::string& audio_name() const { return audio_name_; }

  // Decodes the next frame: true with frame_pts_us() set; false at the end
  // of the clip (error() empty) or on a failure (error() says which). The
  // audio packets read on the way are decoded into take_audio()'s chunks.
  bool next();
  // Reads on until the audio decoded reaches `until_us` of clip time (or
  // the end), keeping the video packets read on the way for next(): audio
  // is muxed near its video but not with it, and a player decoding a few
  // frames ahead would starve its sound. Stops early (false) once the
  // packets kept reach Limits::max_packets_per_frame (a clip whose audio is
  // far from its video: the audio then waits for the video). No-op without
  // audio.
  bool read_audio_ahead(int64_t until_us);
  // The clip time up to which audio is decoded (-1: none yet).
  int64_t audio_end_us() const;
  // The audio decoded so far, moved out, in order.
  std::vector<AudioChunk> take_audio();
  // The frame next() decoded, moved out (with its time and length).
  Frame take();
  // The frame's time from the start of the clip, µs.
  int64_t frame_pts_us() const { return pts_us_; }
  // Its nominal length, µs (from the frame, else the frame rate; 0 unknown).
  int64_t frame_duration_us() const { return frame_dur_us_; }
  const std::string& error() const { return error_; }
  // Back to the start (a loop); false with error() when it cannot seek.
  bool rewind();
  // Decodes up to the first frame at or after `us` (a poster frame).
  bool seek_to(int64_t us);

  struct State;  // FFmpeg's objects (media/video.cpp)

 private:
  Decoder();
  std::unique_ptr<State> s_;
  StreamInfo info_;
  std::string decoder_name_, fallback_, error_, audio_problem_, audio_name_;
  bool hardware_ = false;
  int64_t pts_us_ = 0, frame_dur_us_ = 0;
};

}  // namespace paizi::media
