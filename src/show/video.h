// A video slide's clip on screen: its frames decoded (media/video.h) and
// shown by their timestamps against the player's clock, each into the
// picture of the slot the slide holds (show/compositor.h), so that
// transitions and overlays treat a video like any other slide.
//
// Frames go into the software canvas's pixels (converted by libswscale) or,
// on GPU renderers, up as an I420/NV12 texture (SDL_UpdateYUVTexture,
// SDL_UpdateNVTexture) drawn into the slot's render target: the GPU does
// the colour conversion and the scaling.
//
// Sound: an unmuted clip started with DecoderOptions::audio set has its
// audio decoded on the same thread (a little ahead of its video) and
// queued into the player's audio output by feed_audio(), in step with the
// clock its frames are shown by.
//
// Threading: a VideoPlayback is used by the main thread (SDL textures);
// its decoding thread hands frames and sound over through short queues.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <SDL.h>

#include "content/playlist.h"
#include "media/video.h"
#include "platform/audio_out.h"
#include "render/image.h"
#include "render/pixels.h"

namespace paizi::show {

struct Picture;

class VideoPlayback {
 public:
  // Starts the clip of `v` at `path` on a decoding thread of its own, which
  // opens it and then decodes a few frames ahead of the clock (the frame
  // loop never decodes). `slide_ms`: the slide's `duration`. Its sound is
  // decoded when `options.audio` asks for it (the caller decides: the
  // slide unmuted, an output open).
  static std::unique_ptr<VideoPlayback> start(const content::VideoSlide& v, std::string path,
                                              int64_t slide_ms, const media::DecoderOptions& options);
  // start() and opened(true): the clip with its first frame decoded (so
  // the transition into the slide shows it, never a black frame); nullptr
  // with the reason in `err`.
  static std::unique_ptr<VideoPlayback> open(const content::VideoSlide& v, std::string path, int64_t slide_ms,
                                             const media::DecoderOptions& options, std::string& err);
  ~VideoPlayback();  // stops the thread and waits for it (one frame's decoding at most)
  VideoPlayback(const VideoPlayback&) = delete;
  VideoPlayback& operator=(const VideoPlayback&) = delete;

  // Whether the clip's first frame is decoded, or it failed to open
  // (open_error()); `wait`: blocks until one or the other.
  bool opened(bool wait) const;
  // Why the clip cannot be played ("" when it opened, or not yet known).
  std::string open_error() const;

  // Once opened: how long the slide plays, ms: the slide's duration when it
  // sets one, else the clip's length times `loops` (the slide's duration
  // when the clip does not say how long it is).
  int64_t hold_ms() const { return hold_ms_; }
  // Once opened: see media::Decoder.
  const std::string& decoder_name() const { return decoder_name_; }
  const std::string& fallback_reason() const { return fallback_; }
  bool fill() const { return fill_; }

  // Moves to `clip_ms` (ms since the slide began): the frame due then, if it
  // is not the one shown, is drawn by `show` (frames overtaken by a later
  // one are not drawn: dropped). `wait` (the simulated clock): waits for
  // the decoder to have the frames due; else (the real clock) draws what is
  // decoded and never waits. Returns true when a frame was drawn. Loops the
  // clip while the slide lasts.
  bool advance(int64_t clip_ms, bool wait, const std::function<void(const media::Frame&)>& show);
  // Takes the frames up to the one `poster_s` into the clip (a still):
  // current() then; false when the clip has none.
  bool seek_poster(double poster_s);
  // The frame drawn last (or the poster).
  const media::Frame& current() const { return current_; }
  // The clip time of the next frame, ms (INT64_MAX: none, or not decoded
  // yet when not `wait`).
  int64_t next_due_ms(bool wait) const;
  // The clip has no frame left: it ended (or failed: failure()) at
  // end_ms() of clip time.
  bool ended() const;
  int64_t end_ms() const;
  // Its decoder is still there (not yet at the clip's end, or its slide's).
  bool decoding() const;
  std::string failure() const;
  uint64_t shown() const { return shown_; }
  uint64_t dropped() const { return dropped_; }

  // Once opened: whether its sound is decoded (asked for, and the clip has
  // a stream that decodes), and why not when it was asked for ("has no
  // audio stream"; a stream that fails later says so here too).
  bool has_audio() const;
  std::string audio_problem() const;
  // Queues the sound due from now to a short lead ahead into `out` (the
  // real clock only), scaled by the slide's volume, so that what is heard
  // is the clip's sound at `clip_ms`: the queue's end is kept where the
  // device's latency says it must be. More than kAudioSlack behind (the
  // device ran dry, or plays slower than the clock) skips ahead; more
  // than kAudioSlack ahead (it plays faster) waits with silence. The first
  // call starts the sound at `clip_ms` (a clip joined late starts mid-way).
  void feed_audio(platform::AudioOut& out, int64_t clip_ms);
  // Skips and silences feed_audio() made to stay in step.
  uint64_t audio_corrections() const { return audio_corrections_; }
  static constexpr int64_t kAudioSlack = 40'000;  // µs the sound may be off before it is corrected

  // Draws `f` into the render target of `pic` in `box`, as an I420/NV12
  // texture of renderer `r` (the texture path).
  void draw(const media::Frame& f, Picture& pic, SDL_Renderer* r, const media::Box& box);
  // Converts `f` into 32-bit pixels (`stride` bytes a row) in `box` (the
  // pixel path: the software canvas, or the compositor's spare page).
  bool convert(const media::Frame& f, uint8_t* dst, int stride, const media::Box& box,
               media::PixelOrder order) {
    return scaler_.convert(f, dst, stride, box, fill_, order);
  }

 private:
  VideoPlayback() = default;
  // The decoding thread: opens the clip, then decodes ahead of the clock.
  void run(const std::string& path, const media::DecoderOptions& options, int loops, bool duration_set,
           int64_t slide_ms);
  // Decodes the next frame into `out` (its time in clip time), looping
  // while the slide goes on; false at the end (`why`: a failure, or "").
  bool decode_next(media::Decoder& d, media::Frame& out, std::string& why);
  // The next decoded frame, waiting for it when `wait`; empty when none.
  media::Frame pop(bool wait);
  // Moves the decoder's sound into audio_ (in clip time); `progressed`:
  // whether it reached further than before (else the thread stops asking
  // until the next frame is decoded).
  void move_audio(media::Decoder& d, bool progressed);
  // Whether the thread should decode sound although the frames are ahead (under m_).
  bool audio_short() const { return audio_on_ && !audio_blocked_ && audio_buffered_us_ < kAudioAhead; }
  // The next chunk of sound for feed_audio(); false when none is decoded.
  bool pop_audio(media::AudioChunk& out);
  int64_t frames_us(size_t frames) const { return static_cast<int64_t>(frames) * 1'000'000 / audio_.rate; }
  size_t us_frames(int64_t us) const {
    return us > 0 ? static_cast<size_t>(us * audio_.rate / 1'000'000) : 0;
  }

  static constexpr size_t kAhead = 3;              // frames decoded ahead of the clock
  static constexpr int64_t kAudioAhead = 500'000;  // µs of sound decoded ahead of feed_audio()
  static constexpr int64_t kAudioLead = 150'000;   // µs of sound queued in the device ahead of the clock

  // Shared with the decoding thread, under m_.
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::deque<media::Frame> ahead_;  // decoded, not yet taken; times in clip time
  bool opened_ = false;             // the first frame is decoded, or open_error_ says why not
  bool done_ = false;               // the thread decodes nothing more
  bool stop_ = false;
  std::string open_error_, failure_;
  int64_t end_us_ = 0;                   // clip time after the last frame decoded
  std::deque<media::AudioChunk> sound_;  // decoded sound, not yet queued; times in clip time
  int64_t audio_buffered_us_ = 0;        // the length of sound_
  bool audio_on_ = false;                // its sound is decoded
  bool audio_blocked_ = false;           // the decoder could not read more sound ahead
  std::string audio_problem_;

  // Set by the thread before opened_ (read once opened).
  int64_t hold_ms_ = 0;
  std::string decoder_name_, fallback_;
  bool fill_ = false;
  media::AudioFormat audio_;  // the sound's format (rate 0: none asked for)
  float volume_ = 1.0f;

  // The decoding thread's own.
  int loops_left_ = 0;  // rewinds still allowed (loops - 1, or unbounded with a duration)
  bool loop_forever_ = false;
  int64_t offset_us_ = 0;     // clip time at which the current pass began
  bool shown_first_ = false;  // the first frame is decoded

  // The main thread's own.
  media::Frame current_;
  media::Scaler scaler_;
  uint64_t shown_ = 0, dropped_ = 0;
  bool audio_started_ = false;
  int64_t written_end_us_ = 0;  // clip time of the end of the sound queued
  media::AudioChunk pending_;   // the chunk being queued, from frame pending_at_
  size_t pending_at_ = 0;
  uint64_t audio_corrections_ = 0;
  render::TexturePtr tex_;  // the GPU path's YUV texture
  Uint32 tex_format_ = 0;
  int tex_w_ = 0, tex_h_ = 0;

  std::thread thread_;  // last: started once the rest is made, joined first
};

// The pixel order of a 32-bit SDL surface format, for the decoder.
media::PixelOrder pixel_order(Uint32 sdl_format);

}  // namespace paizi::show
