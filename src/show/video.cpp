#include "show/video.h"

#include <algorithm>
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

std::unique_ptr<VideoPlayback> VideoPlayback::start(const content::VideoSlide& v, std::string path,
                                                    int64_t slide_ms, const media::DecoderOptions& options) {
  std::unique_ptr<VideoPlayback> p(new VideoPlayback());
  p->fill_ = v.fit == content::ImageFit::Fill;
  p->thread_ =
      std::thread(&VideoPlayback::run, p.get(), std::move(path), options, v.loops, v.duration_set, slide_ms);
  return p;
}

std::unique_ptr<VideoPlayback> VideoPlayback::open(const content::VideoSlide& v, std::string path,
                                                   int64_t slide_ms, const media::DecoderOptions& options,
                                                   std::string& err) {
  auto p = start(v, std::move(path), slide_ms, options);
  p->opened(true);
  err = p->open_error();
  if (!err.empty()) return nullptr;
  return p;
}

VideoPlayback::~VideoPlayback() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void VideoPlayback::run(const std::string& path, const media::DecoderOptions& options, int loops,
                        bool duration_set, int64_t slide_ms) {
  std::string err;
  std::unique_ptr<media::Decoder> dec = media::Decoder::open(path, options, err);
  if (!dec) {
    {
      std::lock_guard<std::mutex> lock(m_);
      open_error_ = err;
      opened_ = done_ = true;
    }
    cv_.notify_all();
    return;
  }
  decoder_name_ = dec->decoder_name();
  fallback_ = dec->fallback_reason();
  const int64_t clip_us = dec->info().duration_us;
  if (duration_set || clip_us <= 0) {
    hold_ms_ = slide_ms;
    loop_forever_ = true;
  } else {
    hold_ms_ = std::max<int64_t>(1, clip_us * loops / 1000);
    loops_left_ = loops - 1;
  }
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait(lock, [&] { return stop_ || ahead_.size() < kAhead; });
      if (stop_) return;
    }
    media::Frame f;
    std::string why;
    const bool got = decode_next(*dec, f, why);
    {
      std::lock_guard<std::mutex> lock(m_);
      if (stop_) return;  // (given up by advance())
      if (got) {
        end_us_ = std::max(end_us_, f.pts_us + std::max<int64_t>(f.duration_us, 1));
        ahead_.push_back(std::move(f));
      } else {
        failure_ = why;
        done_ = true;
        if (!opened_) open_error_ = why.empty() ? "has no picture" : why;
      }
      opened_ = true;
    }
    cv_.notify_all();
    // At the end the decoder (and its threads and frame pool) goes at once,
    // while its last frames are still shown.
    if (!got) return;
  }
}

bool VideoPlayback::decode_next(media::Decoder& d, media::Frame& out, std::string& why) {
  for (int pass = 0; pass < 2; ++pass) {
    if (d.next()) {
      out = d.take();
      if (!out) {
        why = "out of memory";
        return false;
      }
      out.pts_us += offset_us_;
      // Nothing past the slide's end is shown: the clip ends there (and its
      // decoder goes, for the next clip's).
      if (out.pts_us >= hold_ms_ * 1000) {
        out = media::Frame();
        return false;
      }
      return true;
    }
    if (!d.error().empty()) {
      why = d.error();
      return false;
    }
    // The end of a pass: again from the start while the slide lasts.
    int64_t end_us = 0;
    {
      std::lock_guard<std::mutex> lock(m_);
      end_us = end_us_;
    }
    const bool again = loop_forever_ ? end_us < hold_ms_ * 1000 : loops_left_ > 0;
    if (!again || end_us <= offset_us_) return false;  // (a pass without a frame: no loop)
    if (!loop_forever_) --loops_left_;
    offset_us_ = end_us;
    if (!d.rewind()) {
      why = d.error();
      return false;
    }
  }
  return false;
}

bool VideoPlayback::opened(bool wait) const {
  std::unique_lock<std::mutex> lock(m_);
  if (wait) cv_.wait(lock, [&] { return opened_; });
  return opened_;
}

std::string VideoPlayback::open_error() const {
  std::lock_guard<std::mutex> lock(m_);
  return open_error_;
}

media::Frame VideoPlayback::pop(bool wait) {
  media::Frame f;
  {
    std::unique_lock<std::mutex> lock(m_);
    if (wait) cv_.wait(lock, [&] { return !ahead_.empty() || done_; });
    if (ahead_.empty()) return f;
    f = std::move(ahead_.front());
    ahead_.pop_front();
  }
  cv_.notify_all();  // room for the decoder
  return f;
}

bool VideoPlayback::advance(int64_t clip_ms, bool wait,
                            const std::function<void(const media::Frame&)>& show) {
  const int64_t clip_us = clip_ms * 1000;
  bool drew = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(m_);
      if (wait) cv_.wait(lock, [&] { return !ahead_.empty() || done_; });
      if (ahead_.empty() || ahead_.front().pts_us > clip_us) break;
    }
    media::Frame f = pop(false);
    // A frame whose successor is due as well is overtaken: not drawn (the
    // real clock fell behind; never on the simulated clock, which stops at
    // every frame).
    if (f.duration_us > 0 && f.pts_us + f.duration_us <= clip_us && shown_ > 0) {
      ++dropped_;
      // Decoding that cannot keep up with the clock gives the clip up
      // rather than show a still picture with the clip's time running on.
      if (clip_us - f.pts_us > 2'000'000) {
        std::lock_guard<std::mutex> lock(m_);
        failure_ = "cannot keep up: decoding fell more than 2 s behind";
        end_us_ = std::min(end_us_, clip_us);
        ahead_.clear();
        stop_ = done_ = true;
        break;
      }
      continue;
    }
    show(f);
    ++shown_;
    drew = true;
    current_ = std::move(f);
  }
  return drew;
}

bool VideoPlayback::seek_poster(double poster_s) {
  const auto at = static_cast<int64_t>(poster_s * 1e6);
  for (;;) {
    if (current_ && current_.pts_us + std::max<int64_t>(current_.duration_us, 1) > at) return true;
    media::Frame f = pop(true);
    if (!f) return static_cast<bool>(current_);  // past the end: the last frame stays
    current_ = std::move(f);
  }
}

int64_t VideoPlayback::next_due_ms(bool wait) const {
  std::unique_lock<std::mutex> lock(m_);
  if (wait) cv_.wait(lock, [&] { return !ahead_.empty() || done_; });
  if (ahead_.empty()) return INT64_MAX;
  return (ahead_.front().pts_us + 999) / 1000;
}

bool VideoPlayback::ended() const {
  std::lock_guard<std::mutex> lock(m_);
  return done_ && ahead_.empty();
}

bool VideoPlayback::decoding() const {
  std::lock_guard<std::mutex> lock(m_);
  return !done_;
}

int64_t VideoPlayback::end_ms() const {
  std::lock_guard<std::mutex> lock(m_);
  return end_us_ / 1000;
}

std::string VideoPlayback::failure() const {
  std::lock_guard<std::mutex> lock(m_);
  return failure_;
}

void VideoPlayback::draw(const media::Frame& f, Picture& pic, SDL_Renderer* r, int canvas_w,
                         media::PixelOrder order, const media::Box& box) {
  if (pic.px.size() > 0 && canvas_w > 0) {
    scaler_.convert(f, reinterpret_cast<uint8_t*>(pic.px.data()), canvas_w * 4, box, fill_, order);
    return;
  }
  if (!pic.tex || !r) return;
  const media::Planes p = scaler_.planes(f, box, fill_);
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
