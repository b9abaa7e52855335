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
// Threading: main thread only (SDL textures).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <SDL.h>

#include "content/playlist.h"
#include "media/video.h"
#include "render/image.h"
#include "render/pixels.h"

namespace paizi::show {

struct Picture;

class VideoPlayback {
 public:
  // Opens the clip of `v` at `path` and decodes its first frame (so the
  // transition into the slide shows it, never a black frame); nullptr with
  // the reason in `err`. `slide_ms`: the slide's `duration`.
  static std::unique_ptr<VideoPlayback> open(const content::VideoSlide& v, const std::string& path,
                                             int64_t slide_ms, const media::DecoderOptions& options,
                                             std::string& err);
  ~VideoPlayback();
  VideoPlayback(const VideoPlayback&) = delete;
  VideoPlayback& operator=(const VideoPlayback&) = delete;

  // How long the slide plays, ms: the slide's duration when it sets one,
  // else the clip's length times `loops` (the slide's duration when the
  // clip does not say how long it is).
  int64_t hold_ms() const { return hold_ms_; }
  const media::Decoder& decoder() const { return *dec_; }
  media::Decoder& decoder() { return *dec_; }
  bool fill() const { return fill_; }

  // Moves to `clip_ms` (ms since the slide began): the frame due then, if it
  // is not the one shown, is drawn by `show` (frames overtaken by a later
  // one are decoded and not drawn: dropped). Returns true when a frame was
  // drawn. Loops the clip while the slide lasts.
  bool advance(int64_t clip_ms, const std::function<void(media::Decoder&)>& show);
  // Decodes on to the frame `poster_s` into the clip (a still).
  bool seek_poster(double poster_s);
  // The clip time of the next frame, ms (INT64_MAX: none).
  int64_t next_due_ms() const;
  // The clip has no frame left: it ended (or failed: failure()) at
  // end_ms() of clip time.
  bool ended() const { return !pending_; }
  int64_t end_ms() const { return end_us_ / 1000; }
  const std::string& failure() const { return failure_; }
  uint64_t shown() const { return shown_; }
  uint64_t dropped() const { return dropped_; }

  // Draws the decoder's frame into `pic` in `box`: its pixels (a software
  // canvas `canvas_w` wide, `order`) or its render target (`r`).
  void draw(media::Decoder& d, Picture& pic, SDL_Renderer* r, int canvas_w, media::PixelOrder order,
            const media::Box& box);

 private:
  VideoPlayback() = default;
  // Decodes the next frame, looping when the slide goes on; false: none.
  bool decode_next();

  std::unique_ptr<media::Decoder> dec_;
  bool fill_ = false;
  int loops_left_ = 0;  // rewinds still allowed (loops - 1, or unbounded with a duration)
  bool loop_forever_ = false;
  int64_t hold_ms_ = 0;
  int64_t offset_us_ = 0;   // clip time at which the current pass began
  int64_t pending_us_ = 0;  // clip time of the decoded frame not yet shown
  bool pending_ = false;
  int64_t end_us_ = 0;  // clip time after the last frame decoded
  std::string failure_;
  uint64_t shown_ = 0, dropped_ = 0;
  render::TexturePtr tex_;  // the GPU path's YUV texture
  Uint32 tex_format_ = 0;
  int tex_w_ = 0, tex_h_ = 0;
};

// The pixel order of a 32-bit SDL surface format, for the decoder.
media::PixelOrder pixel_order(Uint32 sdl_format);

}  // namespace paizi::show
