// The compositor: slide pages painted once into pictures, and each frame
// assembled from them, a transition between two when one is running.
//
// A picture is either pixels (a software canvas: frames are assembled in
// the canvas's memory by paizi's own loops) or a render-target texture
// (frames are assembled by the SDL renderer). Each transition (cut, fade,
// push) is written once, over a FrameTarget that places and mixes pictures
// the one way or the other.
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

// A slide page painted once: a render-target texture, or (on a software
// canvas) its pixels read back from the canvas.
struct Picture {
  render::TexturePtr tex;
  render::PixelBuffer px;  // width * height, tightly packed
};

// How one slide gives way to the next (the playlist's transition): Cut (the
// next one at once), Fade (a crossfade), Push (the next slides in from the
// right, pushing the current one out to the left).
using content::TransitionKind;
// The transition that runs for `duration_ms` ms: nothing runs for 0 ms (a cut).
TransitionKind transition_kind(TransitionKind kind, int64_t duration_ms);

// One frame being assembled from pictures.
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
  // Paints `dl` into the picture of `slot`, then lets the font files' pages go.
  void paint(Slot slot, const render::DisplayList& dl);
  // The next picture becomes the current one (the end of a transition).
  void swap() { std::swap(cur_, next_); }
  // Draws the slide area of a frame: the current picture, or transition
  // `kind` to the next at progress `p` (the overlays are drawn after it).
  void draw(TransitionKind kind, float p);
  // Paints `dl` straight into the canvas when there is one on the pixel
  // path (a still: no picture at all); false: not done.
  bool paint_straight(const render::DisplayList& dl);
  // The canvas holds a picture being painted, not the frame on screen.
  bool canvas_clobbered() const { return canvas_clobbered_; }
  // The picture of `slot`, for what is drawn into it after its page (a
  // video's frames, show/video.h); the next draw() shows it.
  Picture& picture(Slot slot) { return pic(slot); }
  // The canvas on the pixel path (null: textures).
  SDL_Surface* canvas() const { return direct_ ? display_.canvas() : nullptr; }

 private:
  Picture& pic(Slot slot) { return slot == Slot::current ? cur_ : next_; }
  void paint_page(Picture& pic, const render::DisplayList& dl);
  void repaint(Slot slot);                         // from page_of, when it holds a page
  bool draw_direct(TransitionKind kind, float p);  // false: no canvas this frame
  void leave_direct();

  present::Display& display_;
  render::Painter& painter_;
  text::Shaper& shaper_;
  std::function<const render::DisplayList*(Slot)> page_of_;
  Picture cur_, next_;
  bool direct_ = false;
  bool canvas_clobbered_ = false;
};

}  // namespace paizi::show
