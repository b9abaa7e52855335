// Decoded frames and their conversion into pixels or planes (media/video.h:
// Frame, Scaler).
#include <algorithm>
#include <cmath>
#include <utility>

#include "media/av.h"

namespace paizi::media {

namespace {

// The part of a `fw` x `fh` frame (pixel aspect `sar`) shown in a `box`,
// and where in the box: fit shows it all, letterboxed; fill covers the box.
struct Placement {
  int sx = 0, sy = 0, sw = 0, sh = 0;  // source crop
  Box dst;                             // in the destination
};

Placement place(int fw, int fh, AVRational sar, Box box, bool fill, const AVPixFmtDescriptor* desc) {
  Placement p{0, 0, fw, fh, box};
  const double par = sar.num > 0 && sar.den > 0 ? static_cast<double>(sar.num) / sar.den : 1.0;
  const double frame_aspect = fw * par / fh, box_aspect = static_cast<double>(box.w) / box.h;
  if (!fill) {
    if (frame_aspect > box_aspect) {
      p.dst.h = std::max(1, static_cast<int>(std::lround(box.w / frame_aspect)));
      p.dst.y = box.y + (box.h - p.dst.h) / 2;
    } else {
      p.dst.w = std::max(1, static_cast<int>(std::lround(box.h * frame_aspect)));
      p.dst.x = box.x + (box.w - p.dst.w) / 2;
    }
    return p;
  }
  const int ax = desc ? 1 << desc->log2_chroma_w : 2, ay = desc ? 1 << desc->log2_chroma_h : 2;
  if (frame_aspect > box_aspect) {
    p.sw = std::max(ax, static_cast<int>(std::lround(fh * box_aspect / par)) / ax * ax);
    p.sx = (fw - p.sw) / 2 / ax * ax;
  } else {
    p.sh = std::max(ay, static_cast<int>(std::lround(fw * par / box_aspect)) / ay * ay);
    p.sy = (fh - p.sh) / 2 / ay * ay;
  }
  return p;
}

// The frame's planes with the crop applied.
void crop_planes(const AVFrame* f, const AVPixFmtDescriptor* desc, int sx, int sy, const uint8_t* out[4]) {
  for (int i = 0; i < 4; ++i) {
    out[i] = f->data[i];
    if (!f->data[i] || !desc || (desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) continue;
    int step = 0;
    for (int c = 0; c < desc->nb_components; ++c)
      if (desc->comp[c].plane == i) step = std::max(step, desc->comp[c].step);
    const bool chroma = (i == 1 || i == 2) && !(desc->flags & AV_PIX_FMT_FLAG_RGB);
    const int x = chroma ? sx >> desc->log2_chroma_w : sx, y = chroma ? sy >> desc->log2_chroma_h : sy;
    out[i] = f->data[i] + static_cast<ptrdiff_t>(y) * f->linesize[i] + static_cast<ptrdiff_t>(x) * step;
  }
}

}  // namespace

Frame::~Frame() {
  if (f_) loaded_av()->frame_free(&f_);
}

Frame::Frame(Frame&& o) noexcept
    : pts_us(o.pts_us), duration_us(o.duration_us), f_(std::exchange(o.f_, nullptr)) {}

Frame& Frame::operator=(Frame&& o) noexcept {
  if (this != &o) {
    if (f_) loaded_av()->frame_free(&f_);
    f_ = std::exchange(o.f_, nullptr);
    pts_us = o.pts_us;
    duration_us = o.duration_us;
  }
  return *this;
}

Frame Decoder::take() {
  Frame out;
  State& s = *s_;
  out.f_ = s.av.frame_alloc();
  if (!out.f_) return out;
  s.av.frame_move_ref(out.f_, s.frame);
  out.pts_us = pts_us_;
  out.duration_us = frame_dur_us_;
  return out;
}

Scaler::Scaler() = default;

Scaler::~Scaler() {
  if (const AvApi* av = loaded_av()) {
    if (sws_) av->sws_free_context(sws_);
    if (sws_yuv_) av->sws_free_context(sws_yuv_);
  }
}

bool Scaler::convert(const Frame& frame, uint8_t* dst, int stride, Box box, bool fill, PixelOrder order) {
  const AVFrame* f = frame.f_;
  const AvApi* av = loaded_av();
  if (!av || !f || f->width <= 0 || box.w <= 0 || box.h <= 0) return false;
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  const AVPixFmtDescriptor* desc = av->pix_fmt_desc_get(fmt);
  const Placement p = place(f->width, f->height, f->sample_aspect_ratio, box, fill, desc);
  sws_ = av->sws_get_cached_context(sws_, p.sw, p.sh, fmt, p.dst.w, p.dst.h,
                                    order == PixelOrder::bgra ? AV_PIX_FMT_BGRA : AV_PIX_FMT_RGBA,
                                    SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!sws_) return false;
  const uint8_t* src[4];
  crop_planes(f, desc, p.sx, p.sy, src);
  uint8_t* out[4] = {dst + static_cast<ptrdiff_t>(p.dst.y) * stride + static_cast<ptrdiff_t>(p.dst.x) * 4,
                     nullptr, nullptr, nullptr};
  const int out_stride[4] = {stride, 0, 0, 0};
  av->scale(sws_, src, f->linesize, 0, p.sh, out, out_stride);
  return true;
}

Planes Scaler::planes(const Frame& frame, Box box, bool fill) {
  Planes out;
  const AVFrame* f = frame.f_;
  const AvApi* av = loaded_av();
  if (!av || !f || f->width <= 0 || box.w <= 0 || box.h <= 0) return out;
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  const AVPixFmtDescriptor* desc = av->pix_fmt_desc_get(fmt);
  const Placement p = place(f->width, f->height, f->sample_aspect_ratio, box, fill, desc);
  const uint8_t* src[4];
  crop_planes(f, desc, p.sx, p.sy, src);
  if (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_NV12) {
    for (int i = 0; i < 4; ++i) {
      out.data[i] = src[i];
      out.linesize[i] = f->linesize[i];
    }
    out.width = p.sw;
    out.height = p.sh;
    out.layout = fmt == AV_PIX_FMT_NV12 ? Planes::Layout::nv12 : Planes::Layout::i420;
    return out;
  }
  // Anything else (4:2:2, 10-bit, ...) to 8-bit I420 at the crop's size.
  const int w = (p.sw + 1) & ~1, h = (p.sh + 1) & ~1;
  sws_yuv_ = av->sws_get_cached_context(sws_yuv_, p.sw, p.sh, fmt, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR,
                                        nullptr, nullptr, nullptr);
  if (!sws_yuv_) return out;
  const size_t y_size = static_cast<size_t>(w) * h, c_size = y_size / 4;
  yuv_.resize(y_size + 2 * c_size);
  uint8_t* dst[4] = {yuv_.data(), yuv_.data() + y_size, yuv_.data() + y_size + c_size, nullptr};
  const int dst_stride[4] = {w, w / 2, w / 2, 0};
  av->scale(sws_yuv_, src, f->linesize, 0, p.sh, dst, dst_stride);
  for (int i = 0; i < 3; ++i) {
    out.data[i] = dst[i];
    out.linesize[i] = dst_stride[i];
  }
  out.width = w;
  out.height = h;
  out.layout = Planes::Layout::i420;
  return out;
}

}  // namespace paizi::media
