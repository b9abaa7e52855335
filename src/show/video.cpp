#include "show/video.h"

#include <chrono>
#include <climits>

#include "show/compositor.h"

namespace paizi::show {

media::PixelOrder pixel_order(Uint32 sdl_format) {
  // In memory order: RGBA32 is R, G, B, A whatever the byte order; ARGB8888
  // (the canvas's on a little-endian board) is B, G, R, A.
  return sdl_format == SDL_PIXELFORMAT_RGBA32 ||
                 (SDL_BYTEORDER == SDL_LIL_ENDIAN && sdl_format == SDL_PIXELFORMAT_XBGR8888)
             ? media::PixelOrder::rgba
             : media::PixelOrder::bgra;
}

std::unique_ptr<VideoPlayback> VideoPlayback::open(const content::VideoSlide& v, const std::string& path,
                                                   int64_t slide_ms, const media::DecoderOptions& options,
                                                   std::string& err) {
  std::unique_ptr<VideoPlayback> p(new VideoPlayback());
  p->dec_ = media::Decoder::open(path, options, err);
  if (!p->dec_) return nullptr;
  p->fill_ = v.fit == content::ImageFit::Fill;
  const int64_t clip_us = p->dec_->info().duration_us;
  if (v.duration_set || clip_us <= 0) {
    p->hold_ms_ = slide_ms;
    p->loop_forever_ = true;
  } else {
    p->hold_ms_ = std::max<int64_t>(1, clip_us * v.loops / 1000);
    p->loops_left_ = v.loops - 1;
  }
  if (!p->decode_next()) {
    err = p->failure_.empty() ? "has no picture" : p->failure_;
    return nullptr;
  }
  return p;
}

VideoPlayback::~VideoPlayback() = default;

bool VideoPlayback::decode_next() {
  for (int pass = 0; pass < 2; ++pass) {
    if (dec_->next()) {
      pending_ = true;
      pending_us_ = offset_us_ + dec_->frame_pts_us();
      end_us_ = std::max(end_us_, pending_us_ + std::max<int64_t>(dec_->frame_duration_us(), 1));
      return true;
    }
    pending_ = false;
    if (!dec_->error().empty()) {
      failure_ = dec_->error();
      return false;
    }
    // The end of a pass: again from the start while the slide lasts.
    const bool again = loop_forever_ ? end_us_ < hold_ms_ * 1000 : loops_left_ > 0;
    if (!again || end_us_ <= offset_us_) return false;  // (a pass without a frame: no loop)
    if (!loop_forever_) --loops_left_;
    offset_us_ = end_us_;
    if (!dec_->rewind()) {
      failure_ = dec_->error();
      return false;
    }
  }
  return false;
}

bool VideoPlayback::advance(int64_t clip_ms, const std::function<void(media::Decoder&)>& show) {
  const int64_t clip_us = clip_ms * 1000;
  bool drew = false;
  const auto began = std::chrono::steady_clock::now();
  while (pending_ && pending_us_ <= clip_us) {
    // A frame whose successor is due as well is overtaken: decoded, not
    // drawn (the real clock fell behind; never on the simulated clock,
    // which stops at every frame).
    const int64_t dur = dec_->frame_duration_us();
    if (dur > 0 && pending_us_ + dur <= clip_us && shown_ > 0) {
      ++dropped_;
    } else {
      show(*dec_);
      ++shown_;
      drew = true;
    }
    decode_next();
    // Catching up may not hold the frame loop for long: what is still late
    // is shown late, or the clip is given up as stalled.
    if (std::chrono::steady_clock::now() - began > std::chrono::seconds(2)) {
      failure_ = "cannot keep up: decoding fell more than 2 s behind";
      pending_ = false;
    }
  }
  return drew;
}

bool VideoPlayback::seek_poster(double poster_s) {
  const auto at = static_cast<int64_t>(poster_s * 1e6);
  while (pending_) {
    const int64_t dur = std::max<int64_t>(dec_->frame_duration_us(), 1);
    if (pending_us_ + dur > at) return true;
    if (!dec_->next()) return true;  // past the end: the last frame decoded stays
    pending_us_ = offset_us_ + dec_->frame_pts_us();
  }
  return false;
}

int64_t VideoPlayback::next_due_ms() const {
  if (!pending_) return INT64_MAX;
  return (pending_us_ + 999) / 1000;
}

void VideoPlayback::draw(media::Decoder& d, Picture& pic, SDL_Renderer* r, int canvas_w,
                         media::PixelOrder order, const media::Box& box) {
  if (pic.px.size() > 0 && canvas_w > 0) {
    d.convert(reinterpret_cast<uint8_t*>(pic.px.data()), canvas_w * 4, box, fill_, order);
    return;
  }
  if (!pic.tex || !r) return;
  const media::Planes p = d.planes(box, fill_);
  if (!p.data[0] || p.width <= 0 || p.height <= 0) return;
  const Uint32 format = p.layout == media::Planes::Layout::nv12 ? SDL_PIXELFORMAT_NV12 : SDL_PIXELFORMAT_IYUV;
  if (!tex_ || tex_format_ != format || tex_w_ != p.width || tex_h_ != p.height) {
    tex_.reset(SDL_CreateTexture(r, format, SDL_TEXTUREACCESS_STREAMING, p.width, p.height));
    tex_format_ = format;
    tex_w_ = p.width;
    tex_h_ = p.height;
    if (!tex_) return;
  }
  const SDL_Rect whole{0, 0, p.width, p.height};
  if (format == SDL_PIXELFORMAT_NV12)
    SDL_UpdateNVTexture(tex_.get(), &whole, p.data[0], p.linesize[0], p.data[1], p.linesize[1]);
  else
    SDL_UpdateYUVTexture(tex_.get(), &whole, p.data[0], p.linesize[0], p.data[1], p.linesize[1], p.data[2],
                         p.linesize[2]);
  // Where in the box: letterboxed (fit) or covering it (fill, the planes cropped).
  SDL_Rect dst{box.x, box.y, box.w, box.h};
  if (!fill_) {
    const double a = static_cast<double>(p.width) / p.height, b = static_cast<double>(box.w) / box.h;
    if (a > b) {
      dst.h = static_cast<int>(box.w / a);
      dst.y = box.y + (box.h - dst.h) / 2;
    } else {
      dst.w = static_cast<int>(box.h * a);
      dst.x = box.x + (box.w - dst.w) / 2;
    }
  }
  SDL_Texture* prev = SDL_GetRenderTarget(r);
  SDL_SetRenderTarget(r, pic.tex.get());
  SDL_RenderCopy(r, tex_.get(), nullptr, &dst);
  SDL_SetRenderTarget(r, prev);
}

}  // namespace paizi::show
