#include "show/compositor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

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

// Pictures as pixels, the frame in the canvas's memory.
class PixelFrame final : public FrameTarget {
 public:
  explicit PixelFrame(SDL_Surface* c) : c_(c), w_(static_cast<size_t>(c->w)) {}
  int width() const override { return c_->w; }
  void place(const Picture& pic, int x) override {
    const size_t skip = x < 0 ? static_cast<size_t>(-x) : 0, at = x > 0 ? static_cast<size_t>(x) : 0;
    if (skip >= w_ || at >= w_) return;
    const size_t n = w_ - skip - at;
    for (int y = 0; y < c_->h; ++y) std::memcpy(surface_row(c_, y) + at, row(pic, y) + skip, n * 4);
  }
  void mix(const Picture& a, const Picture& b, float p) override {
    const int t = render::crossfade_weight(p);
    for (int y = 0; y < c_->h; ++y) render::crossfade_row(row(a, y), row(b, y), surface_row(c_, y), w_, t);
  }

 private:
  const uint32_t* row(const Picture& p, int y) const { return p.px.data() + w_ * static_cast<size_t>(y); }
  SDL_Surface* c_;
  size_t w_;
};

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
      const int dx = std::min(w, static_cast<int>(std::lround(p * static_cast<float>(w))));
      f.place(cur, -dx);
      f.place(next, w - dx);
      return;
    }
  }
}

Compositor::Compositor(present::Display& display, render::Painter& painter, text::Shaper& shaper,
                       std::function<const render::DisplayList*(Slot)> page_of)
    : display_(display), painter_(painter), shaper_(shaper), page_of_(std::move(page_of)) {
  // On a software canvas the slides are kept as pixels and frames are
  // assembled in the canvas memory: SDL's software blitter has no fast path
  // for an alpha-modulated copy of a 32-bit texture, which made a 1080p
  // crossfade cost ~24 ms of CPU per frame.
  direct_ = display_.canvas() != nullptr;
  // Text painted into the canvas is blended there by the atlas from its
  // coverage pages (a quarter of the memory of texture pages, no SDL blit).
  painter_.atlas().set_canvas([&d = display_] { return d.canvas(); });
}

Compositor::~Compositor() { painter_.atlas().set_canvas(nullptr); }

void Compositor::force_texture_path() {
  direct_ = false;
  cur_.px.reset();
  next_.px.reset();
}

void Compositor::paint(Slot slot, const render::DisplayList& dl) {
  paint_page(pic(slot), dl);
  // The page's glyphs are in the atlas now: the font files' pages may go
  // until the next slide needs some (text::FontLibrary::release_file_pages).
  shaper_.fonts().release_file_pages();
}

void Compositor::paint_page(Picture& pic, const render::DisplayList& dl) {
  SDL_Renderer* r = display_.renderer();
  if (direct_) {
    // Painted in the canvas itself (every frame redraws the whole canvas
    // before it is presented), then kept as pixels: one copy per slide page.
    if (SDL_Surface* c = display_.canvas()) {
      painter_.paint(dl);
      SDL_RenderFlush(r);
      canvas_clobbered_ = true;
      const size_t w = static_cast<size_t>(c->w);
      const size_t n = w * static_cast<size_t>(c->h);
      if (pic.px.size() != n) pic.px = render::PixelBuffer(n);  // allocated once, then reused
      for (int y = 0; y < c->h; ++y)
        std::memcpy(pic.px.data() + w * static_cast<size_t>(y), surface_row(c, y), w * 4);
      return;
    }
    leave_direct();
  }
  if (!pic.tex) pic.tex = make_target(r, display_.width(), display_.height());
  SDL_Texture* prev = SDL_GetRenderTarget(r);
  SDL_SetRenderTarget(r, pic.tex.get());
  painter_.paint(dl);
  SDL_SetRenderTarget(r, prev);
}

void Compositor::repaint(Slot slot) {
  if (const render::DisplayList* dl = page_of_(slot)) paint(slot, *dl);
}

// The canvas went away (a window whose surface no longer matches): the
// slides on hand are painted again as textures.
void Compositor::leave_direct() {
  direct_ = false;
  cur_.px.reset();
  next_.px.reset();
  repaint(Slot::current);
  repaint(Slot::next);
}

bool Compositor::paint_straight(const render::DisplayList& dl) {
  if (direct_ && display_.canvas()) {
    painter_.paint(dl);
    return true;
  }
  if (direct_) leave_direct();
  return false;
}

bool Compositor::draw_direct(TransitionKind kind, float p) {
  SDL_Surface* c = display_.canvas();
  if (!c) return false;
  const size_t n = static_cast<size_t>(c->w) * static_cast<size_t>(c->h);
  const bool two = kind != TransitionKind::Cut;
  // Pictures are missing after a still (painted straight to the canvas).
  if (cur_.px.size() != n) repaint(Slot::current);
  if (two && next_.px.size() != n) repaint(Slot::next);
  if (!direct_ || cur_.px.size() != n || (two && next_.px.size() != n)) return false;
  SDL_RenderFlush(display_.renderer());  // nothing queued may land on top of what is written here
  PixelFrame frame(c);
  draw_transition(frame, kind, p, cur_, next_);
  return true;
}

void Compositor::draw(TransitionKind kind, float p) {
  canvas_clobbered_ = false;
  if (direct_) {
    if (draw_direct(kind, p)) return;
    leave_direct();
  }
  TextureFrame frame(display_.renderer(), display_.width(), display_.height());
  draw_transition(frame, kind, p, cur_, next_);
}

}  // namespace paizi::show
