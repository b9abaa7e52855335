// The display backend: one narrow interface over where frames go.
//
//  - Headless: an SDL software renderer drawing into a memory surface; no
//    video driver, no X server. Used by `paizi render`, `play --headless`
//    and the tests.
//  - Window: an SDL window (KMSDRM on a board without X, X11 or Wayland on a
//    desktop), accelerated renderer with vsync when available, software
//    otherwise; fullscreen or --window WxH.
//  - DRM: paizi's own presenter for a board whose GPU stack cannot present
//    (no EGL/GBM/Mesa, a broken driver): the software canvas copied into a
//    DRM dumb buffer and page-flipped with libdrm; panel size, no window.
//
// Rotation (0/90/180/270) is handled here: slides are composed for the
// logical (rotated) size into an offscreen target and turned when presented.
//
// Contract: every method is called from the main thread only. renderer() is
// valid for the Display's lifetime. The logical size never changes.
#pragma once

#include <memory>
#include <string>

#include <SDL.h>

#include "render/image.h"

namespace paizi::present {

class Display {
 public:
  virtual ~Display() = default;
  // Renderer to compose frames with; its target is the logical canvas.
  virtual SDL_Renderer* renderer() = 0;
  // Logical size, px (after rotation: a 1920x1080 panel at 90 is 1080x1920).
  virtual int width() const = 0;
  virtual int height() const = 0;
  // Shows the composed frame.
  virtual void present() = 0;
  // Shows the composed frame of which only `area` (logical px) changed since
  // the last present: a scrolling ticker over a still slide. Displays that
  // can send part of a frame (a software window, the DRM presenter) send
  // that part; the others present the whole frame.
  virtual void present_area(const SDL_Rect& area) {
    (void)area;
    present();
  }
  // The composed frame (RGBA32 or ARGB8888, logical size). Headless: a view
  // of the canvas, valid until the next drawing; window: a copy.
  virtual render::SurfacePtr snapshot(std::string& err) = 0;
  // present() waits for the panel's refresh (vsync, a page flip), so moving
  // frames need no other pacing.
  virtual bool paced() const { return false; }
  // Name of the backend for logs ("headless", "KMSDRM", "x11", ...).
  virtual std::string name() const = 0;
  // The memory the renderer draws into when it is SDL's software renderer
  // drawing straight to a surface (headless; a window with the software
  // renderer and no rotation): 32 bits per pixel, logical size. Pixels may be
  // read and written directly after SDL_RenderFlush(renderer()), until the
  // next present(). nullptr otherwise (an accelerated renderer, or a
  // rotation target texture). Valid until the next present().
  virtual SDL_Surface* canvas() { return nullptr; }
};

struct DisplayOptions {
  int width = 1920, height = 1080;  // window size or headless canvas, px
  bool fullscreen = false;
  int rotate = 0;  // degrees clockwise: 0, 90, 180, 270
  bool vsync = true;
  bool software = false;  // force the software renderer
};

std::unique_ptr<Display> open_headless(const DisplayOptions& opt, std::string& err);
std::unique_ptr<Display> open_window(const DisplayOptions& opt, std::string& err);
std::unique_ptr<Display> open_drm(const DisplayOptions& opt, std::string& err);

// The screen as `display_driver` names it: "drm" is open_drm; an SDL driver
// name (kmsdrm, x11, wayland, offscreen) is open_window with that driver;
// "auto" is open_window with SDL's own choice, then open_drm when SDL cannot
// open a window (KMSDRM without a working EGL/GBM stack) or finds only its
// offscreen or dummy driver, which show nothing. `note` says why the
// fallback was taken (empty otherwise); `err` why nothing could be opened.
std::unique_ptr<Display> open_screen(const DisplayOptions& opt, const std::string& driver, std::string& err,
                                     std::string& note);

}  // namespace paizi::present
