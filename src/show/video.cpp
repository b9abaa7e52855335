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
  p->volume_ = v.volume;
  p->audio_ = options.audio;  // (the player asks for sound only for an unmuted slide)
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
  {
    std::lock_guard<std::mutex> lock(m_);
    audio_on_ = dec->audio();
    audio_problem_ = dec->audio_problem();
  }
  const int64_t clip_us = dec->info().duration_us;
  if (duration_set || clip_us <= 0) {
    hold_ms_ = slide_ms;
    loop_forever_ = true;
  } else {
    hold_ms_ = std::max<int64_t>(1, clip_us * loops / 1000);
    loops_left_ = loops - 1;
  }
  for (;;) {
    bool sound_only = false;
    {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait(lock, [&] { return stop_ || ahead_.size() < kAhead || audio_short(); });
      if (stop_) return;
      sound_only = ahead_.size() >= kAhead;
    }
    if (sound_only) {
      // The frames are ahead, the sound is not: read on for it (the video
      // packets read on the way wait in the decoder).
      const int64_t before = dec->audio_end_us();
      dec->read_audio_ahead(std::max<int64_t>(before, 0) + kAudioAhead / 2);
      move_audio(*dec, dec->audio_end_us() > before);
      continue;
    }
    media::Frame f;
    std::string why;
    const bool got = decode_next(*dec, f, why);
    // With the first frame, the sound that starts with it (its packets may
    // come after a second of video's): the clip is heard from its start.
    if (got && shown_first_ == false) {
      shown_first_ = true;
      dec->read_audio_ahead(kAudioAhead / 2);
    }
    move_audio(*dec, true);
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
    move_audio(d, true);  // the pass's last sound, in its time
    offset_us_ = end_us;
    if (!d.rewind()) {
      why = d.error();
      return false;
    }
  }
  return false;
}

void VideoPlayback::move_audio(media::Decoder& d, bool progressed) {
  if (audio_.rate <= 0) return;
  std::vector<media::AudioChunk> chunks = d.take_audio();
  std::lock_guard<std::mutex> lock(m_);
  if (audio_on_ && !d.audio()) {
    audio_on_ = false;  // it failed mid-way
    audio_problem_ = d.audio_problem();
  }
  for (media::AudioChunk& c : chunks) {
    c.pts_us += offset_us_;
    audio_buffered_us_ += frames_us(c.samples.size() / static_cast<size_t>(audio_.channels));
    sound_.push_back(std::move(c));
  }
  audio_blocked_ = !progressed;
}

bool VideoPlayback::pop_audio(media::AudioChunk& out) {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (sound_.empty()) return false;
    out = std::move(sound_.front());
    sound_.pop_front();
    audio_buffered_us_ -= frames_us(out.samples.size() / static_cast<size_t>(audio_.channels));
  }
  cv_.notify_all();  // the thread may read on
  return true;
}

bool VideoPlayback::has_audio() const {
  std::lock_guard<std::mutex> lock(m_);
  return audio_on_;
}

std::string VideoPlayback::audio_problem() const {
  std::lock_guard<std::mutex> lock(m_);
  return audio_problem_;
}

void VideoPlayback::feed_audio(platform::AudioOut& out, int64_t clip_ms) {
  if (audio_.rate <= 0 || !out.is_open() || out.rate() != audio_.rate || out.channels() != audio_.channels)
    return;
  const int64_t clip_us = clip_ms * 1000, hold_us = hold_ms_ * 1000;
  if (!audio_started_) {
    // What is queued now is heard after the device's latency.
    written_end_us_ = clip_us + out.latency_us();
    audio_started_ = true;
  } else {
    // Heard now: the end of the queue less what is still to play.
    const int64_t off = written_end_us_ - out.latency_us() - clip_us;
    if (off < -kAudioSlack) {
      written_end_us_ = clip_us + out.latency_us();  // behind: skip ahead
      ++audio_corrections_;
    } else if (off > kAudioSlack) {
      out.queue_silence(us_frames(off));  // ahead: wait
      ++audio_corrections_;
    }
  }
  const size_t ch = static_cast<size_t>(audio_.channels);
  int64_t need_us = kAudioLead - out.latency_us();
  while (need_us > 0 && written_end_us_ < hold_us) {
    const size_t total = pending_.samples.size() / ch;
    if (pending_at_ >= total) {
      if (!pop_audio(pending_)) break;  // nothing decoded yet (or the end)
      pending_at_ = 0;
      continue;
    }
    const int64_t start = pending_.pts_us + frames_us(pending_at_), end = pending_.pts_us + frames_us(total);
    if (end <= written_end_us_) {  // already past
      pending_at_ = total;
      continue;
    }
    if (start > written_end_us_ + frames_us(1)) {  // a gap in the sound: silence
      const int64_t gap = std::min(start - written_end_us_, need_us);
      const size_t n = std::max<size_t>(1, us_frames(gap));
      out.queue_silence(n);
      written_end_us_ += frames_us(n);
      need_us -= frames_us(n);
      continue;
    }
    if (start < written_end_us_)
      pending_at_ = std::min(total, pending_at_ + us_frames(written_end_us_ - start));
    const size_t n = std::min({total - pending_at_, std::max<size_t>(1, us_frames(need_us)),
                               std::max<size_t>(1, us_frames(hold_us - written_end_us_))});
    if (n == 0) continue;
    out.queue(pending_.samples.data() + pending_at_ * ch, n, volume_);
    pending_at_ += n;
    written_end_us_ += frames_us(n);
    need_us -= frames_us(n);
  }
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

void VideoPlayback::draw(const media::Frame& f, Picture& pic, SDL_Renderer* r, const media::Box& box) {
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
