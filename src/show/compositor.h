// The compositor: slide pages painted once into pictures, and each frame
// assembled from them, a transition between two when one is running.
//
// Two ways, chosen by the display:
// - textures (GPU renderers, and when forced): each slot's page is a
//   render-target texture and every frame is assembled by the renderer
//   (draw_transition over a FrameTarget);
// - pixels (a software canvas): the canvas itself holds the current page
//   (the header and ticker zones are the overlays', which paint their own
//   backgrounds), and one spare buffer holds the next page. The next page is
//   painted in the canvas and exchanged with what the canvas held, so the
//   canvas is never left showing it. A transition is advanced in place: a
//   fade moves the canvas toward the next page by what the progress gained
//   since the last frame, a push moves the canvas left and copies in the
//   next page's new columns. Two full-screen buffers in all (the canvas and
//   the spare), where a copy of the current page would make three: at
//   3840x2160 each is 32 MiB.
//
// Threading: main thread only (it owns SDL textures through the Display).
#pragma once

#include <functional>
#include <string>

#include "present/display.h"
#include "render/display_list.h"
#include "render/painter.h"
#include "render/pixels.h"
#include "show/sequencer.h"
#include "text/shaper.h"

namespace paizi::show {

// A slide page painted once into a render-target texture (the texture path).
struct Picture {
  render::TexturePtr tex;
};

// How one slide gives way to the next (the playlist's transition): Cut (the
// next one at once), Fade (a crossfade), Push (the next slides in from the
// right, pushing the current one out to the left).
using content::TransitionKind;
// The transition that runs for `duration_ms` ms: nothing runs for 0 ms (a cut).
TransitionKind transition_kind(TransitionKind kind, int64_t duration_ms);

// One frame being assembled from pictures (the texture path).
class FrameTarget {
 public:
  virtual ~FrameTarget() = default;
  virtual int width() const = 0;
  // `pic` whole, its left edge at `x` px (what falls outside the frame is cut).
  virtual void place(const Picture& pic, int x) = 0;
  // `a` and `b` over the whole frame, `b` with weight `p` (0..1).
  virtual void mix(const Picture& a, const Picture& b, float p) = 0;
};

// The frame of transition `kind` from `cur` to `next` at progress `p`
// (0..1); a cut shows `cur` alone.
void draw_transition(FrameTarget& f, TransitionKind kind, float p, const Picture& cur, const Picture& next);

class Compositor {
 public:
  // `page_of(slot)`: the page the slot holds now (null: none), painted
  // again when the pictures have to be made afresh.
  Compositor(present::Display& display, render::Painter& painter, text::Shaper& shaper,
             std::function<const render::DisplayList*(Slot)> page_of);
  ~Compositor();
  Compositor(const Compositor&) = delete;
  Compositor& operator=(const Compositor&) = delete;

  // Whether frames are assembled in the software canvas's memory.
  bool direct() const { return direct_; }
  // Uses textures even on a software canvas (before the first frame).
  void force_texture_path();
  // Paints `dl` into the picture of `slot` (on the pixel path: the current
  // page into the canvas, the next into the spare buffer), then lets the
  // font files' pages go.
  void paint(Slot slot, const render::DisplayList& dl);
  // Rasterises the glyphs of `dl`, the page about to be painted into the
  // next slot, for about kWarmSliceMs; true once a call finds them all in
  // (the page is then painted on a frame of its own). A page's new glyphs
  // cost the frame loop 5 to 15 ms at 1080p here, several frames of a
  // moving ticker on a board's core.
  // `first`: a new page (its glyphs are looked up from the first).
  bool warm(const render::DisplayList& dl, bool first);
  static constexpr int kWarmSliceMs = 4;
  // The next picture becomes the current one (the end of a transition).
  void swap();
  // Draws the slide area of a frame: the current picture, or transition
  // `kind` to the next at progress `p` (the overlays are drawn after it).
  // On the pixel path `p` only grows during one transition.
  void draw(TransitionKind kind, float p);
  // Paints `dl` straight into the canvas when there is one on the pixel
  // path (a still); false: not done.
  bool paint_straight(const render::DisplayList& dl);
  // Where a video frame of `slot` is written on the pixel path: the first
  // pixel (and row pitch) of the slot's page, or null: the texture path
  // (draw into picture(slot)), or the current page while a transition moves
  // it (its clip holds its last frame until the next page has come on).
  uint8_t* pixels(Slot slot, int& pitch);
  // The picture of `slot` on the texture path, for what is drawn into it
  // after its page (a video's frames, show/video.h); the next draw() shows it.
  Picture& picture(Slot slot) { return pic(slot); }
  // The canvas on the pixel path (null: textures).
  SDL_Surface* canvas() const { return direct_ ? display_.canvas() : nullptr; }

 private:
  Picture& pic(Slot slot) { return slot == Slot::current ? cur_ : next_; }
  void paint_page(Picture& pic, const render::DisplayList& dl);
  void repaint(Slot slot);                         // from page_of, when it holds a page
  bool draw_direct(TransitionKind kind, float p);  // false: no canvas this frame
  void leave_direct();
  // The pixel path: `dl` painted into the spare buffer, the canvas left as it was.
  bool paint_spare(SDL_Surface* c, const render::DisplayList& dl);

  present::Display& display_;
  render::Painter& painter_;
  text::Shaper& shaper_;
  std::function<const render::DisplayList*(Slot)> page_of_;
  Picture cur_, next_;  // the texture path
  bool direct_ = false;
  // The pixel path: the next page (width * height, tightly packed), and how
  // far the canvas has been moved toward it: the weight of the next page in
  // it (0..256, a fade) or the columns pushed (a push); 0 while the canvas
  // holds the current page as painted. `holds_current_`: the canvas has the
  // current page (false before the first, and after leaving the texture path).
  render::PixelBuffer spare_;
  bool spare_ready_ = false;
  int moved_ = 0;
  bool holds_current_ = false;
  // warm(): how far it got in the page being warmed, and whether it is done.
  render::Painter::WarmCursor warm_cursor_;
  bool warmed_ = false;
};

}  // namespace paizi::show
