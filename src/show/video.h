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
// Threading: a VideoPlayback is used by the main thread (SDL textures);
// its decoding thread hands frames over through a short queue.
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
#include "render/image.h"
#include "render/pixels.h"

namespace paizi::show {

struct Picture;

class VideoPlayback {
 public:
  // Starts the clip of `v` at `path` on a decoding thread of its own, which
  // opens it and then decodes a few frames ahead of the clock (the frame
  // loop never decodes). `slide_ms`: the slide's `duration`.
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

  // Draws `f` into `pic` in `box`: its pixels (a software canvas `canvas_w`
  // wide, `order`) or its render target (`r`).
  void draw(const media::Frame& f, Picture& pic, SDL_Renderer* r, int canvas_w, media::PixelOrder order,
            const media::Box& box);
  // Converts `f` into 32-bit pixels (`stride` bytes a row) in `box`.
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

  static constexpr size_t kAhead = 3;  // frames decoded ahead of the clock

  // Shared with the decoding thread, under m_.
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::deque<media::Frame> ahead_;  // decoded, not yet taken; times in clip time
  bool opened_ = false;             // the first frame is decoded, or open_error_ says why not
  bool done_ = false;               // the thread decodes nothing more
  bool stop_ = false;
  std::string open_error_, failure_;
  int64_t end_us_ = 0;  // clip time after the last frame decoded

  // Set by the thread before opened_ (read once opened).
  int64_t hold_ms_ = 0;
  std::string decoder_name_, fallback_;
  bool fill_ = false;

  // The decoding thread's own.
  int loops_left_ = 0;  // rewinds still allowed (loops - 1, or unbounded with a duration)
  bool loop_forever_ = false;
  int64_t offset_us_ = 0;  // clip time at which the current pass began

  // The main thread's own.
  media::Frame current_;
  media::Scaler scaler_;
  uint64_t shown_ = 0, dropped_ = 0;
  render::TexturePtr tex_;  // the GPU path's YUV texture
  Uint32 tex_format_ = 0;
  int tex_w_ = 0, tex_h_ = 0;

  std::thread thread_;  // last: started once the rest is made, joined first
};

// The pixel order of a 32-bit SDL surface format, for the decoder.
media::PixelOrder pixel_order(Uint32 sdl_format);

}  // namespace paizi::show
