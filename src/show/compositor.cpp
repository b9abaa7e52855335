#include "show/compositor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "render/blend.h"

namespace paizi::show {
namespace {

// Slide textures are opaque (every slide paints its whole background), so
// they are copied without blending; only a fading-in slide blends.
render::TexturePtr make_target(SDL_Renderer* r, int w, int h) {
  render::TexturePtr t(SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h));
  if (t) SDL_SetTextureBlendMode(t.get(), SDL_BLENDMODE_NONE);
  return t;
}

// Rows of a 32-bit surface. SDL rows are 4-byte aligned (pitch of a 32-bit
// surface); through void* so that armhf's -Wcast-align accepts it.
uint32_t* surface_row(SDL_Surface* c, int y) {
  return static_cast<uint32_t*>(
      static_cast<void*>(static_cast<uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y) * c->pitch));
}

// The columns a push has moved at progress `p` on a `w` px wide frame (both paths).
int push_columns(float p, int w) {
  return std::min(w, static_cast<int>(std::lround(p * static_cast<float>(w))));
}

// Pictures as textures, the frame assembled by the renderer.
class TextureFrame final : public FrameTarget {
 public:
  TextureFrame(SDL_Renderer* r, int w, int h) : r_(r), w_(w), h_(h) {}
  int width() const override { return w_; }
  void place(const Picture& pic, int x) override {
    const SDL_Rect at{x, 0, w_, h_};
    SDL_RenderCopy(r_, pic.tex.get(), nullptr, x == 0 ? nullptr : &at);
  }
  void mix(const Picture& a, const Picture& b, float p) override {
    SDL_Texture* next = b.tex.get();
    SDL_RenderCopy(r_, a.tex.get(), nullptr, nullptr);
    SDL_SetTextureBlendMode(next, SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(next, static_cast<Uint8>(std::lround(p * 255.f)));
    SDL_RenderCopy(r_, next, nullptr, nullptr);
    SDL_SetTextureAlphaMod(next, 255);
    SDL_SetTextureBlendMode(next, SDL_BLENDMODE_NONE);
  }

 private:
  SDL_Renderer* r_;
  int w_, h_;
};

}  // namespace

TransitionKind transition_kind(TransitionKind kind, int64_t duration_ms) {
  return duration_ms <= 0 ? TransitionKind::Cut : kind;
}

void draw_transition(FrameTarget& f, TransitionKind kind, float p, const Picture& cur, const Picture& next) {
  switch (kind) {
    case TransitionKind::Cut:
      f.place(cur, 0);
      return;
    case TransitionKind::Fade:
      f.mix(cur, next, p);
      return;
    case TransitionKind::Push: {
      const int w = f.width();
      const int dx = push_columns(p, w);
      f.place(cur, -dx);
      f.place(next, w - dx);
      return;
    }
  }
}

Compositor::Compositor(present::Display& display, render::Painter& painter, text::Shaper& shaper,
                       std::function<const render::DisplayList*(Slot)> page_of)
    : display_(display), painter_(painter), shaper_(shaper), page_of_(std::move(page_of)) {
  // On a software canvas frames are assembled in the canvas memory: SDL's
  // software blitter has no fast path for an alpha-modulated copy of a
  // 32-bit texture, which made a 1080p crossfade cost ~24 ms of CPU per frame.
  direct_ = display_.canvas() != nullptr;
  // Text painted into the canvas is blended there by the atlas from its
  // coverage pages (a quarter of the memory of texture pages, no SDL blit).
  painter_.atlas().set_canvas([&d = display_] { return d.canvas(); });
}

Compositor::~Compositor() { painter_.atlas().set_canvas(nullptr); }

void Compositor::force_texture_path() {
  direct_ = false;
  spare_.reset();
  spare_ready_ = false;
  holds_current_ = false;
}

void Compositor::paint(Slot slot, const render::DisplayList& dl) {
  if (direct_) {
    if (SDL_Surface* c = display_.canvas()) {
      if (slot == Slot::current) {
        // The current page is the canvas: painted there, the frame's
        // overlays are drawn over it next.
        painter_.paint(dl);
        SDL_RenderFlush(display_.renderer());
        holds_current_ = true;
        moved_ = 0;
      } else if (!paint_spare(c, dl)) {
        leave_direct();
        paint_page(next_, dl);
      }
      shaper_.fonts().release_file_pages();
      return;
    }
    leave_direct();
  }
  paint_page(pic(slot), dl);
  // The page's glyphs are in the atlas now: the font files' pages may go
  // until the next slide needs some (text::FontLibrary::release_file_pages).
  shaper_.fonts().release_file_pages();
}

bool Compositor::warm(const render::DisplayList& dl, bool first) {
  if (first) {
    warm_cursor_ = {};
    warmed_ = false;
  }
  if (warmed_) return true;
  const bool into_canvas = direct_ && display_.canvas() != nullptr;
  warmed_ = painter_.warm(dl, warm_cursor_, into_canvas,
                          std::chrono::steady_clock::now() + std::chrono::milliseconds(kWarmSliceMs));
  shaper_.fonts().release_file_pages();
  return false;
}

bool Compositor::paint_spare(SDL_Surface* c, const render::DisplayList& dl) {
  const size_t w = static_cast<size_t>(c->w), h = static_cast<size_t>(c->h);
  if (spare_.size() != w * h) {
    spare_.reset();
    try {
      spare_ = render::PixelBuffer(w * h);  // allocated once, then reused
    } catch (const std::bad_alloc&) {
      return false;
    }
  }
  SDL_Renderer* r = display_.renderer();
  SDL_RenderFlush(r);
  // The canvas is kept in the spare while the page is painted in the canvas;
  // then the two are exchanged: the canvas shows what it showed, the spare
  // holds the page.
  for (size_t y = 0; y < h; ++y)
    std::memcpy(spare_.data() + w * y, surface_row(c, static_cast<int>(y)), w * 4);
  painter_.paint(dl);
  SDL_RenderFlush(r);
  std::vector<uint32_t> tmp(w);  // a row at a time: three memcpy in cache
  for (size_t y = 0; y < h; ++y) {
    uint32_t* row = surface_row(c, static_cast<int>(y));
    uint32_t* keep = spare_.data() + w * y;
    std::memcpy(tmp.data(), row, w * 4);
    std::memcpy(row, keep, w * 4);
    std::memcpy(keep, tmp.data(), w * 4);
  }
  spare_ready_ = true;
  return true;
}

void Compositor::paint_page(Picture& pic, const render::DisplayList& dl) {
  SDL_Renderer* r = display_.renderer();
  if (!pic.tex) pic.tex = make_target(r, display_.width(), display_.height());
  SDL_Texture* prev = SDL_GetRenderTarget(r);
  SDL_SetRenderTarget(r, pic.tex.get());
  painter_.paint(dl);
  SDL_SetRenderTarget(r, prev);
}

void Compositor::swap() {
  std::swap(cur_, next_);
  if (!direct_) return;
  // The next page comes on whole (a transition that ended short of its last
  // frame, or a cut).
  SDL_Surface* c = display_.canvas();
  if (c && spare_ready_ && spare_.size() == static_cast<size_t>(c->w) * static_cast<size_t>(c->h)) {
    SDL_RenderFlush(display_.renderer());
    const size_t w = static_cast<size_t>(c->w);
    for (int y = 0; y < c->h; ++y)
      std::memcpy(surface_row(c, y), spare_.data() + w * static_cast<size_t>(y), w * 4);
    holds_current_ = true;
  } else {
    holds_current_ = false;  // painted again at the next frame (page_of)
  }
  spare_ready_ = false;
  moved_ = 0;
}

void Compositor::repaint(Slot slot) {
  if (const render::DisplayList* dl = page_of_(slot)) paint(slot, *dl);
}

// The canvas went away (a window whose surface no longer matches): the
// slides on hand are painted again as textures.
void Compositor::leave_direct() {
  direct_ = false;
  spare_.reset();
  spare_ready_ = false;
  holds_current_ = false;
  moved_ = 0;
  repaint(Slot::current);
  repaint(Slot::next);
}

bool Compositor::paint_straight(const render::DisplayList& dl) {
  if (direct_ && display_.canvas()) {
    painter_.paint(dl);
    holds_current_ = true;
    moved_ = 0;
    return true;
  }
  if (direct_) leave_direct();
  return false;
}

uint8_t* Compositor::pixels(Slot slot, int& pitch) {
  SDL_Surface* c = direct_ ? display_.canvas() : nullptr;
  if (!c) return nullptr;
  SDL_RenderFlush(display_.renderer());
  if (slot == Slot::current) {
    if (!holds_current_ || moved_ != 0) return nullptr;
    pitch = c->pitch;
    return static_cast<uint8_t*>(c->pixels);
  }
  if (!spare_ready_ || spare_.size() != static_cast<size_t>(c->w) * static_cast<size_t>(c->h)) return nullptr;
  pitch = c->w * 4;
  return reinterpret_cast<uint8_t*>(spare_.data());
}

bool Compositor::draw_direct(TransitionKind kind, float p) {
  SDL_Surface* c = display_.canvas();
  if (!c) return false;
  const size_t w = static_cast<size_t>(c->w), n = w * static_cast<size_t>(c->h);
  if (!holds_current_) repaint(Slot::current);
  if (kind != TransitionKind::Cut && (!spare_ready_ || spare_.size() != n)) repaint(Slot::next);
  if (!direct_ || !holds_current_) return false;
  if (kind == TransitionKind::Cut) return true;  // the canvas is the current page
  if (!spare_ready_ || spare_.size() != n) return false;
  SDL_RenderFlush(display_.renderer());  // nothing queued may land on top of what is written here
  if (kind == TransitionKind::Fade) {
    // The canvas holds the next page at weight moved_ / 256; it is moved the
    // rest of the way to the weight for `p`: by (t - moved_) / (256 - moved_)
    // of what is left. The last frame (t = 256) is the next page exactly.
    const int t = render::crossfade_weight(p);
    if (t <= moved_) return true;
    const int step = static_cast<int>(std::lround(256.0 * (t - moved_) / (256 - moved_)));
    for (int y = 0; y < c->h; ++y)
      render::crossfade_row_inplace(surface_row(c, y), spare_.data() + w * static_cast<size_t>(y), w, step);
    moved_ = t;
    return true;
  }
  // A push: what is on the canvas moves left by the columns gained, and the
  // next page's first `dx` columns fill the right edge.
  const int dx = push_columns(p, c->w);
  if (dx <= moved_) return true;
  const size_t by = static_cast<size_t>(dx - moved_), keep = w - static_cast<size_t>(dx);
  for (int y = 0; y < c->h; ++y) {
    uint32_t* row = surface_row(c, y);
    if (keep) std::memmove(row, row + by, keep * 4);
    std::memcpy(row + keep, spare_.data() + w * static_cast<size_t>(y), static_cast<size_t>(dx) * 4);
  }
  moved_ = dx;
  return true;
}

void Compositor::draw(TransitionKind kind, float p) {
  if (direct_) {
    if (draw_direct(kind, p)) return;
    if (direct_) leave_direct();
  }
  TextureFrame frame(display_.renderer(), display_.width(), display_.height());
  draw_transition(frame, kind, p, cur_, next_);
}

}  // namespace paizi::show
