#include "present/display.h"

#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <utility>

#include "platform/sdl_subsystem.h"
#include "render/pixels.h"

namespace paizi::present {
namespace {

class HeadlessDisplay final : public Display {
 public:
  HeadlessDisplay(render::PixelBuffer px, render::SurfacePtr surface, render::RendererPtr r)
      : px_(std::move(px)), surface_(std::move(surface)), r_(std::move(r)) {}
  SDL_Renderer* renderer() override { return r_.get(); }
  int width() const override { return surface_->w; }
  int height() const override { return surface_->h; }
  void present() override { SDL_RenderFlush(r_.get()); }
  render::SurfacePtr snapshot(std::string& err) override {
    SDL_RenderFlush(r_.get());
    // A view of the canvas itself, no copy: valid until the next drawing.
    render::SurfacePtr view(SDL_CreateRGBSurfaceWithFormatFrom(surface_->pixels, surface_->w, surface_->h, 32,
                                                               surface_->pitch, surface_->format->format));
    if (!view) err = std::string("cannot read frame: ") + SDL_GetError();
    return view;
  }
  std::string name() const override { return "headless"; }
  SDL_Surface* canvas() override { return surface_.get(); }

 private:
  // Destroyed in reverse: the renderer, the surface it draws on, the memory.
  render::PixelBuffer px_;  // the canvas memory (surface_ is a view of it)
  render::SurfacePtr surface_;
  render::RendererPtr r_;
};

class WindowDisplay final : public Display {
 public:
  WindowDisplay(platform::SdlSubsystem video, render::WindowPtr w, render::RendererPtr r,
                render::TexturePtr target, int lw, int lh, int rotate)
      : video_(std::move(video)),
        win_(std::move(w)),
        r_(std::move(r)),
        target_(std::move(target)),
        w_(lw),
        h_(lh),
        rotate_(rotate) {
    if (target_) SDL_SetRenderTarget(r_.get(), target_.get());
    SDL_RendererInfo info{};
    const bool known = SDL_GetRendererInfo(r_.get(), &info) == 0;
    software_ = known && (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    vsync_ = known && !software_ && (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
  }
  SDL_Renderer* renderer() override { return r_.get(); }
  int width() const override { return w_; }
  int height() const override { return h_; }
  void present() override {
    SDL_Renderer* r = r_.get();
    if (target_) {
      SDL_SetRenderTarget(r, nullptr);
      int ow = 0, oh = 0;
      SDL_GetRendererOutputSize(r, &ow, &oh);
      // The logical canvas, turned and centred on the panel.
      const SDL_Rect dst{(ow - w_) / 2, (oh - h_) / 2, w_, h_};
      SDL_RenderCopyEx(r, target_.get(), nullptr, &dst, rotate_, nullptr, SDL_FLIP_NONE);
      SDL_RenderPresent(r);
      SDL_SetRenderTarget(r, target_.get());
    } else {
      SDL_RenderPresent(r);
    }
  }
  void present_area(const SDL_Rect& area) override {
    // SDL's software renderer presents by copying its whole window surface to
    // the window system (SDL_UpdateWindowSurface): 8 MB a frame at 1080p for
    // a ticker strip of a few hundred kB.
    if (target_ || !software_) return present();
    SDL_RenderFlush(r_.get());
    if (SDL_UpdateWindowSurfaceRects(win_.get(), &area, 1) != 0) SDL_RenderPresent(r_.get());
  }
  render::SurfacePtr snapshot(std::string& err) override {
    return render::read_pixels(r_.get(), w_, h_, err);
  }
  bool paced() const override { return vsync_; }
  SDL_Surface* canvas() override {
    if (target_ || !software_) return nullptr;
    // What SDL's software renderer draws into (it asks for the same surface).
    SDL_Surface* s = SDL_GetWindowSurface(win_.get());
    if (!s || s->format->BytesPerPixel != 4 || s->w != w_ || s->h != h_ || SDL_MUSTLOCK(s)) return nullptr;
    return s;
  }
  std::string name() const override {
    const char* d = SDL_GetCurrentVideoDriver();
    return d ? d : "window";
  }

 private:
  // Destroyed in reverse: the rotation target, the renderer, the window,
  // then SDL's video subsystem is given back.
  platform::SdlSubsystem video_;
  render::WindowPtr win_;
  render::RendererPtr r_;
  render::TexturePtr target_;  // the logical canvas when rotated, else empty
  int w_, h_, rotate_;
  bool software_ = false;
  bool vsync_ = false;
};

}  // namespace

std::unique_ptr<Display> open_headless(const DisplayOptions& opt, std::string& err) {
  const bool turned = opt.rotate == 90 || opt.rotate == 270;
  const int w = turned ? opt.height : opt.width, h = turned ? opt.width : opt.height;
  render::PixelBuffer px;
  try {
    px = render::PixelBuffer(static_cast<size_t>(w) * static_cast<size_t>(h));
  } catch (const std::bad_alloc&) {
    err = "cannot allocate a " + std::to_string(w) + "x" + std::to_string(h) + " canvas: out of memory";
    return nullptr;
  }
  render::SurfacePtr s(
      SDL_CreateRGBSurfaceWithFormatFrom(px.data(), w, h, 32, w * 4, SDL_PIXELFORMAT_ARGB8888));
  if (!s) {
    err = std::string("cannot allocate a ") + std::to_string(w) + "x" + std::to_string(h) +
          " canvas: " + SDL_GetError();
    return nullptr;
  }
  render::RendererPtr r(SDL_CreateSoftwareRenderer(s.get()));
  if (!r) {
    err = std::string("cannot create the software renderer: ") + SDL_GetError();
    return nullptr;
  }
  return std::make_unique<HeadlessDisplay>(std::move(px), std::move(s), std::move(r));
}

static bool gpu_device_present() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/dri", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("card", 0) == 0 || name.rfind("renderD", 0) == 0) return true;
  }
  return false;
}

std::unique_ptr<Display> open_window(const DisplayOptions& opt, std::string& err) {
  // Without a GPU device (/dev/dri), an "accelerated" renderer is Mesa's
  // llvmpipe: software rasterising through LLVM, which under Xvfb took the
  // first frame from 185 to 416 ms and peak RSS from 86 to 179 MiB against
  // SDL's own software renderer, with which the player blends straight in
  // the window's memory. So without one, the software renderer is used, and
  // SDL is told not to back the window surface with GL either (on X11 it
  // would create a GL context just to decide). SDL_RENDER_DRIVER or
  // SDL_FRAMEBUFFER_ACCELERATION in the environment still decide.
  const bool software = opt.software || (!SDL_getenv("SDL_RENDER_DRIVER") && !gpu_device_present());
  if (software) SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  platform::SdlSubsystem video(SDL_INIT_VIDEO);
  if (!video.ok()) {
    err = std::string("no display: ") + SDL_GetError();
    return nullptr;
  }
  // SDL's KMSDRM backend sets its window up for OpenGL ES. On the emulated
  // board (tests/board) its desktop "opengl" renderer, SDL's first choice,
  // and its software renderer (whose window framebuffer is a texture of the
  // first accelerated renderer: "opengl" again) presented only black, while
  // "opengles2" showed the slides. GLES 2 is also what board GPUs serve best
  // (v3d, vc4). A KMSDRM window without a GLES renderer is refused rather
  // than shown black: open_screen then uses paizi's DRM presenter.
  const char* driver = SDL_GetCurrentVideoDriver();
  const bool kms = driver && SDL_strcasecmp(driver, "KMSDRM") == 0;
  if (kms) {
    if (opt.software) {
      err = "the software renderer cannot present on KMSDRM (use --driver drm)";
      return nullptr;
    }
    if (!SDL_getenv("SDL_RENDER_DRIVER")) SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengles2");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "opengles2");
  }
  Uint32 flags = SDL_WINDOW_SHOWN;
  if (opt.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  // Declared in the order they are made: an early return frees them in
  // reverse (rotation target, renderer, window, video subsystem).
  render::WindowPtr win(SDL_CreateWindow("paizi", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, opt.width,
                                         opt.height, flags));
  if (!win) {
    err = std::string("cannot open a window: ") + SDL_GetError();
    return nullptr;
  }
  render::RendererPtr r;
  if (!software) {
    r.reset(SDL_CreateRenderer(win.get(), -1,
                               SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE |
                                   (opt.vsync ? static_cast<Uint32>(SDL_RENDERER_PRESENTVSYNC) : 0u)));
  }
  if (!r && kms) {
    err = std::string("no OpenGL ES renderer on KMSDRM: ") + SDL_GetError();
    return nullptr;
  }
  if (!r) r.reset(SDL_CreateRenderer(win.get(), -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE));
  if (!r) {
    err = std::string("cannot create a renderer: ") + SDL_GetError();
    return nullptr;
  }
  int pw = 0, ph = 0;
  SDL_GetRendererOutputSize(r.get(), &pw, &ph);
  const bool turned = opt.rotate == 90 || opt.rotate == 270;
  const int lw = turned ? ph : pw, lh = turned ? pw : ph;
  render::TexturePtr target;
  if (opt.rotate != 0) {
    target.reset(SDL_CreateTexture(r.get(), SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, lw, lh));
    if (!target) {
      err = std::string("cannot create the rotation target: ") + SDL_GetError();
      return nullptr;
    }
  }
  SDL_ShowCursor(SDL_DISABLE);
  // SDL's KMSDRM backend creates the window's GBM/EGL surfaces again on the
  // first swap after the window is made (its surfaces are marked dirty at
  // creation): whatever was drawn before that swap is thrown away and an
  // empty buffer goes to the panel. A player that draws a still slide once
  // showed black for good. One blank present here takes that swap, so the
  // first frame the player draws is the one shown (seen on the emulated
  // board: tests/board/board_test.py; harmless on X11 and Wayland).
  SDL_SetRenderDrawColor(r.get(), 0, 0, 0, 255);
  SDL_RenderClear(r.get());
  SDL_RenderPresent(r.get());
  return std::make_unique<WindowDisplay>(std::move(video), std::move(win), std::move(r), std::move(target),
                                         lw, lh, opt.rotate);
}

std::unique_ptr<Display> open_screen(const DisplayOptions& opt, const std::string& driver, std::string& err,
                                     std::string& note) {
  note.clear();
  if (driver == "drm") return open_drm(opt, err);
  if (driver != "auto") {
    setenv("SDL_VIDEODRIVER", driver.c_str(), 1);
    return open_window(opt, err);
  }
  std::string why;
  if (auto d = open_window(opt, why)) {
    const std::string name = d->name();
    if (name != "offscreen" && name != "dummy") return d;
    // SDL fell through every real driver to one that draws into memory: a
    // service that says "ready" while the panel shows the console.
    d.reset();
    why = "SDL found no display (it fell back to its " + name + " driver)";
  }
  if (auto d = open_drm(opt, err)) {
    note = why + "; showing the slides with paizi's DRM presenter (software rendering)";
    return d;
  }
  err = why + "; " + err;
  return nullptr;
}

}  // namespace paizi::present
