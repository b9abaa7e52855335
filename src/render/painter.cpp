#include "render/painter.h"

#include <algorithm>
#include <cmath>

namespace paizi::render {
namespace {

Rgba rgba(Color c) { return Rgba{c.r, c.g, c.b, c.a}; }

// An opaque colour is drawn without blending: SDL's software renderer
// otherwise blends every pixel even at alpha 255.
void set_draw_color(SDL_Renderer* r, uint8_t cr, uint8_t cg, uint8_t cb, uint8_t ca) {
  SDL_SetRenderDrawBlendMode(r, ca == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(r, cr, cg, cb, ca);
}

// Whether `op` paints every pixel of a w x h target opaquely (a slide's
// background): then clearing first is wasted work.
bool covers(const DrawOp& op, int w, int h) {
  const auto all = [w, h](float x, float y, float ow, float oh) {
    return x <= 0 && y <= 0 && x + ow >= static_cast<float>(w) && y + oh >= static_cast<float>(h);
  };
  if (const auto* r = std::get_if<RectOp>(&op)) return r->color.a == 255 && all(r->x, r->y, r->w, r->h);
  if (const auto* g = std::get_if<GradientOp>(&op))
    return g->top.a == 255 && g->bottom.a == 255 && std::lround(g->h) == static_cast<long>(std::ceil(g->h)) &&
           all(g->x, g->y, g->w, g->h);
  return false;
}

}  // namespace

Painter::Painter(SDL_Renderer* r, size_t atlas_budget_bytes, size_t image_budget_bytes)
    : r_(r), atlas_(r, atlas_budget_bytes), image_budget_(image_budget_bytes) {
  SDL_SetRenderDrawBlendMode(r_, SDL_BLENDMODE_BLEND);
}

const Painter::Img& Painter::cached_image(const std::string& path, int box_w, int box_h) {
  if (box_w <= 0 || box_h <= 0) SDL_GetRendererOutputSize(r_, &box_w, &box_h);
  auto it = images_.find(path);
  const bool larger =
      it != images_.end() && it->second.reduced && (box_w > it->second.box_w || box_h > it->second.box_h);
  if (it != images_.end() && !larger) {
    it->second.used = ++image_tick_;
    return it->second;
  }
  Img img;
  std::string err;
  if (larger) {  // reduced for a smaller box: loaded again for the larger of both
    box_w = std::max(box_w, it->second.box_w);
    box_h = std::max(box_h, it->second.box_h);
  }
  img.box_w = box_w;
  img.box_h = box_h;
  img.tex = load_texture(r_, path, box_w, box_h, img.w, img.h, err, &img.reduced);
  if (larger) {
    if (!img.tex) {
      // The file is gone or changed: the smaller copy stays and is drawn,
      // and this box does not try again.
      it->second.box_w = box_w;
      it->second.box_h = box_h;
      it->second.used = ++image_tick_;
      return it->second;
    }
    image_bytes_ -= it->second.bytes;
    images_.erase(it);
  }
  if (!img.tex) {  // said once: the failed load stays in images_
    last_error_ = err;
    image_errors_.push_back(err);  // names the path
    ++image_failures_;
  } else {
    img.bytes = static_cast<size_t>(img.w) * static_cast<size_t>(img.h) * 4;
  }
  while (!images_.empty() && image_bytes_ + img.bytes > image_budget_) {
    const auto lru = std::min_element(images_.begin(), images_.end(), [](const auto& a, const auto& b) {
      return a.second.used < b.second.used;
    });
    image_bytes_ -= lru->second.bytes;
    images_.erase(lru);
    ++image_evictions_;
  }
  if (images_.size() >= 256) {  // failed loads weigh nothing; a playlist of them still ends
    image_evictions_ += images_.size();
    images_.clear();
    image_bytes_ = 0;
  }
  image_bytes_ += img.bytes;
  it = images_.emplace(path, std::move(img)).first;
  it->second.used = ++image_tick_;
  return it->second;
}

bool Painter::load_image(const std::string& path, int box_w, int box_h) {
  const Img& img = cached_image(path, box_w, box_h);
  return img.tex && img.w > 0 && img.h > 0;
}

void Painter::paint_image(const ImageOp& op, Color letterbox) {
  const Img& img =
      cached_image(op.path, static_cast<int>(std::ceil(op.w)), static_cast<int>(std::ceil(op.h)));
  SDL_SetRenderDrawColor(r_, letterbox.r, letterbox.g, letterbox.b, 255);
  SDL_FRect box{op.x, op.y, op.w, op.h};
  SDL_RenderFillRectF(r_, &box);
  if (!img.tex || img.w <= 0 || img.h <= 0) return;
  const float sx = op.w / static_cast<float>(img.w), sy = op.h / static_cast<float>(img.h);
  const float s = op.fill ? std::max(sx, sy) : std::min(sx, sy);
  const float w = static_cast<float>(img.w) * s, h = static_cast<float>(img.h) * s;
  SDL_FRect dst{op.x + (op.w - w) / 2, op.y + (op.h - h) / 2, w, h};
  const SDL_Rect clip{static_cast<int>(op.x), static_cast<int>(op.y), static_cast<int>(std::ceil(op.w)),
                      static_cast<int>(std::ceil(op.h))};
  SDL_RenderSetClipRect(r_, &clip);
  SDL_RenderCopyF(r_, img.tex.get(), nullptr, &dst);
  SDL_RenderSetClipRect(r_, nullptr);
}

bool Painter::image_failed(const std::string& path) const {
  const auto it = images_.find(path);
  return it != images_.end() && !it->second.tex;
}

void Painter::forget_failed_images() {
  for (auto it = images_.begin(); it != images_.end();)
    it = it->second.tex ? std::next(it) : images_.erase(it);
}

void Painter::paint_rect(float x, float y, float w, float h, Color c) {
  set_draw_color(r_, c.r, c.g, c.b, c.a);
  SDL_FRect f{x, y, w, h};
  SDL_RenderFillRectF(r_, &f);
}

void Painter::paint_text(const text::TextLayout& l, float x, float y, Color c, Color bg, size_t begin,
                         size_t end) {
  atlas_.draw(l, begin, end, x, y, rgba(c), rgba(bg));
}

bool Painter::warm(const DisplayList& list, WarmCursor& cursor, bool into_canvas,
                   std::chrono::steady_clock::time_point deadline) {
  for (; cursor.op < list.ops.size(); ++cursor.op, cursor.glyph = 0) {
    const auto* t = std::get_if<TextOp>(&list.ops[cursor.op]);
    if (!t || !t->layout) continue;
    const size_t end = std::min(t->glyph_end, t->layout->glyphs.size());
    cursor.glyph = atlas_.warm(*t->layout, std::max(cursor.glyph, t->glyph_begin), end, t->x, t->y,
                               rgba(t->color), rgba(t->background), into_canvas, deadline);
    if (cursor.glyph < end) return false;  // (the deadline passed)
  }
  return true;
}

void Painter::paint(const DisplayList& list) {
  atlas_.begin_frame();
  int w = 0, h = 0;
  if (SDL_Texture* t = SDL_GetRenderTarget(r_))
    SDL_QueryTexture(t, nullptr, nullptr, &w, &h);
  else
    SDL_GetRendererOutputSize(r_, &w, &h);
  if (list.ops.empty() || w <= 0 || !covers(list.ops.front(), w, h)) {
    SDL_SetRenderDrawColor(r_, list.clear.r, list.clear.g, list.clear.b, 255);
    SDL_RenderClear(r_);
  }
  for (const DrawOp& op : list.ops) {
    if (const auto* rect = std::get_if<RectOp>(&op)) {
      set_draw_color(r_, rect->color.r, rect->color.g, rect->color.b, rect->color.a);
      SDL_FRect f{rect->x, rect->y, rect->w, rect->h};
      SDL_RenderFillRectF(r_, &f);
    } else if (const auto* g = std::get_if<GradientOp>(&op)) {
      const int rows = std::max(1, static_cast<int>(std::lround(g->h)));
      for (int y = 0; y < rows; ++y) {
        const float t = rows > 1 ? static_cast<float>(y) / static_cast<float>(rows - 1) : 0.f;
        auto mix = [t](uint8_t a, uint8_t b) {
          return static_cast<uint8_t>(
              std::lround(static_cast<float>(a) + (static_cast<float>(b) - static_cast<float>(a)) * t));
        };
        set_draw_color(r_, mix(g->top.r, g->bottom.r), mix(g->top.g, g->bottom.g), mix(g->top.b, g->bottom.b),
                       mix(g->top.a, g->bottom.a));
        SDL_RenderDrawLineF(r_, g->x, g->y + static_cast<float>(y), g->x + g->w - 1,
                            g->y + static_cast<float>(y));
      }
    } else if (const auto* t = std::get_if<TextOp>(&op)) {
      if (t->layout)
        atlas_.draw(*t->layout, t->glyph_begin, t->glyph_end, t->x, t->y, rgba(t->color),
                    rgba(t->background));
    } else if (const auto* im = std::get_if<ImageOp>(&op)) {
      paint_image(*im, list.clear);
    } else if (const auto* q = std::get_if<QrOp>(&op)) {
      const float quiet = 2 * q->module;
      SDL_SetRenderDrawColor(r_, q->light.r, q->light.g, q->light.b, 255);
      SDL_FRect bg{q->x - quiet, q->y - quiet, q->module * static_cast<float>(q->size) + 2 * quiet,
                   q->module * static_cast<float>(q->size) + 2 * quiet};
      SDL_RenderFillRectF(r_, &bg);
      SDL_SetRenderDrawColor(r_, q->dark.r, q->dark.g, q->dark.b, 255);
      for (int y = 0; y < q->size; ++y)
        for (int x = 0; x < q->size; ++x)
          if (q->modules[static_cast<size_t>(y) * static_cast<size_t>(q->size) + static_cast<size_t>(x)]) {
            SDL_FRect m{q->x + static_cast<float>(x) * q->module, q->y + static_cast<float>(y) * q->module,
                        q->module, q->module};
            SDL_RenderFillRectF(r_, &m);
          }
    }
  }
}

}  // namespace paizi::render
