// paizi's own presenter for boards whose GPU stack cannot present: the
// software canvas copied into a DRM dumb buffer and flipped onto the CRTC with
// libdrm (display.h, open_drm). No EGL, GBM or Mesa; only the kernel's KMS.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "platform/handle.h"
#include "present/display.h"
#include "render/pixels.h"

namespace paizi::present {
namespace {

using platform::UniqueFd;
using ResourcesPtr = platform::CPtr<drmModeRes, drmModeFreeResources>;
using ConnectorPtr = platform::CPtr<drmModeConnector, drmModeFreeConnector>;
using EncoderPtr = platform::CPtr<drmModeEncoder, drmModeFreeEncoder>;
using CrtcPtr = platform::CPtr<drmModeCrtc, drmModeFreeCrtc>;

// One scanout buffer: a dumb buffer, its framebuffer object and its mapping.
// The buffer and the framebuffer are ids on the device `fd` (which outlives
// the buffer), freed by the destructor; the mapping is a platform::Mapping.
struct ScanoutBuffer {
  int fd = -1;
  uint32_t handle = 0, fb = 0, pitch = 0;
  uint64_t size = 0;
  uint8_t* map = nullptr;  // the start of `mapping`

  ScanoutBuffer() = default;
  ScanoutBuffer(const ScanoutBuffer&) = delete;
  ScanoutBuffer& operator=(const ScanoutBuffer&) = delete;
  ~ScanoutBuffer() {
    mapping.reset();
    if (fb) drmModeRmFB(fd, fb);
    if (handle) drmModeDestroyDumbBuffer(fd, handle);
  }

  bool create(int drm, uint32_t w, uint32_t h, std::string& err) {
    fd = drm;
    if (drmModeCreateDumbBuffer(fd, w, h, 32, 0, &handle, &pitch, &size) != 0) {
      err = std::string("cannot create a dumb buffer: ") + std::strerror(errno);
      return false;
    }
    if (drmModeAddFB(fd, w, h, 24, 32, pitch, handle, &fb) != 0) {
      err = std::string("cannot add a framebuffer: ") + std::strerror(errno);
      return false;
    }
    uint64_t offset = 0;
    if (drmModeMapDumbBuffer(fd, handle, &offset) != 0) {
      err = std::string("cannot map the dumb buffer: ") + std::strerror(errno);
      return false;
    }
    // mmap64: the fake offset DRM hands out need not fit a 32-bit off_t (armhf).
    void* p = ::mmap64(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off64_t>(offset));
    if (p == MAP_FAILED) {
      err = std::string("cannot map the dumb buffer: ") + std::strerror(errno);
      return false;
    }
    mapping = platform::Mapping(p, static_cast<size_t>(size));
    map = static_cast<uint8_t*>(p);
    std::memset(map, 0, size);
    return true;
  }

 private:
  platform::Mapping mapping;
};

// What the panel is driven by: a connected connector, its mode and a CRTC.
struct Output {
  uint32_t connector = 0, crtc = 0;
  drmModeModeInfo mode{};
};

bool find_output(int fd, Output& out, std::string& err) {
  const ResourcesPtr res(drmModeGetResources(fd));
  if (!res) {
    err = std::string("not a KMS device: ") + std::strerror(errno);
    return false;
  }
  bool found = false;
  for (int i = 0; i < res->count_connectors && !found; ++i) {
    const ConnectorPtr c(drmModeGetConnector(fd, res->connectors[i]));
    if (!c) continue;
    if (c->connection == DRM_MODE_CONNECTED && c->count_modes > 0) {
      int pick = 0;  // the preferred mode, else the first (the largest)
      for (int m = 0; m < c->count_modes; ++m)
        if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
          pick = m;
          break;
        }
      out.mode = c->modes[pick];
      out.connector = c->connector_id;
      // The CRTC that drives it now, else the first one an encoder allows.
      if (c->encoder_id) {
        if (const EncoderPtr e(drmModeGetEncoder(fd, c->encoder_id)); e) out.crtc = e->crtc_id;
      }
      for (int k = 0; k < c->count_encoders && !out.crtc; ++k) {
        const EncoderPtr e(drmModeGetEncoder(fd, c->encoders[k]));
        if (!e) continue;
        for (int j = 0; j < res->count_crtcs; ++j)
          if (e->possible_crtcs & (1u << j)) {
            out.crtc = res->crtcs[j];
            break;
          }
      }
      found = out.crtc != 0;
    }
  }
  if (!found) err = "no connected display with a mode and a free CRTC";
  return found;
}

class DrmDisplay final : public Display {
 public:
  DrmDisplay(UniqueFd fd, std::string device, const Output& out, int rotate)
      : fd_(std::move(fd)), device_(std::move(device)), out_(out), rotate_(rotate) {}

  ~DrmDisplay() override {
    renderer_.reset();
    if (saved_)  // give the panel back (the console's framebuffer)
      drmModeSetCrtc(fd_.get(), saved_->crtc_id, saved_->buffer_id, saved_->x, saved_->y, &out_.connector, 1,
                     &saved_->mode);
  }

  bool open(std::string& err) {
    const uint32_t w = out_.mode.hdisplay, h = out_.mode.vdisplay;
    for (auto& b : buf_)
      if (!b.create(fd_.get(), w, h, err)) return false;
    const bool turned = rotate_ == 90 || rotate_ == 270;
    lw_ = turned ? static_cast<int>(h) : static_cast<int>(w);
    lh_ = turned ? static_cast<int>(w) : static_cast<int>(h);
    try {
      px_ = render::PixelBuffer(static_cast<size_t>(lw_) * static_cast<size_t>(lh_));
    } catch (const std::bad_alloc&) {
      err = "cannot allocate the canvas: out of memory";
      return false;
    }
    canvas_.reset(
        SDL_CreateRGBSurfaceWithFormatFrom(px_.data(), lw_, lh_, 32, lw_ * 4, SDL_PIXELFORMAT_ARGB8888));
    if (!canvas_) {
      err = std::string("cannot create the canvas: ") + SDL_GetError();
      return false;
    }
    renderer_.reset(SDL_CreateSoftwareRenderer(canvas_.get()));
    if (!renderer_) {
      err = std::string("cannot create the software renderer: ") + SDL_GetError();
      return false;
    }
    saved_.reset(drmModeGetCrtc(fd_.get(), out_.crtc));
    // Black on the panel until the first frame; also proves we may set modes
    // (DRM master: no X server, Wayland compositor or other player holds it).
    if (drmModeSetCrtc(fd_.get(), out_.crtc, buf_[0].fb, 0, 0, &out_.connector, 1, &out_.mode) != 0) {
      err = std::string("cannot set the display mode on ") + device_ + ": " + std::strerror(errno) +
            (errno == EACCES || errno == EPERM ? " (another program holds the display)" : "");
      return false;
    }
    front_ = 0;
    return true;
  }

  SDL_Renderer* renderer() override { return renderer_.get(); }
  int width() const override { return lw_; }
  int height() const override { return lh_; }
  SDL_Surface* canvas() override { return canvas_.get(); }
  std::string name() const override { return "drm"; }
  // present() waits for the previous page flip; drivers without flips set
  // the CRTC at once and are paced by the caller.
  bool paced() const override { return !flip_failed_; }

  render::SurfacePtr snapshot(std::string& err) override {
    SDL_RenderFlush(renderer_.get());
    render::SurfacePtr view(
        SDL_CreateRGBSurfaceWithFormatFrom(px_.data(), lw_, lh_, 32, lw_ * 4, SDL_PIXELFORMAT_ARGB8888));
    if (!view) err = std::string("cannot read frame: ") + SDL_GetError();
    return view;
  }

  void present() override { present_area(SDL_Rect{0, 0, lw_, lh_}); }

  // Two scanout buffers take turns: the one drawn into next missed what
  // changed in the frame before too, so it gets both areas (stale_). Dumb
  // buffers are uncached memory on most boards: a ticker strip costs a
  // twelfth of a 1080p frame to write.
  void present_area(const SDL_Rect& area) override {
    SDL_RenderFlush(renderer_.get());
    wait_flip(1000);  // the back buffer may still be on screen until then
    const int back = 1 - front_;
    const SDL_Rect whole{0, 0, lw_, lh_};
    SDL_Rect changed{};
    if (rotate_ != 0 || !SDL_IntersectRect(&area, &whole, &changed)) changed = whole;
    SDL_Rect copy = changed;
    if (!SDL_RectEmpty(&stale_[back])) SDL_UnionRect(&changed, &stale_[back], &copy);
    copy_to(buf_[back], copy);
    stale_[back] = SDL_Rect{};
    if (SDL_RectEmpty(&stale_[front_]))
      stale_[front_] = changed;
    else
      SDL_UnionRect(&stale_[front_], &changed, &stale_[front_]);
    if (!flip_failed_ &&
        drmModePageFlip(fd_.get(), out_.crtc, buf_[back].fb, DRM_MODE_PAGE_FLIP_EVENT, this) == 0) {
      flip_pending_ = true;
    } else {
      // Drivers without page flips (or a flip refused once): set the CRTC.
      flip_failed_ = true;
      drmModeSetCrtc(fd_.get(), out_.crtc, buf_[back].fb, 0, 0, &out_.connector, 1, &out_.mode);
    }
    front_ = back;
  }

 private:
  void wait_flip(int timeout_ms) {
    while (flip_pending_) {
      pollfd p{fd_.get(), POLLIN, 0};
      const int r = ::poll(&p, 1, timeout_ms);
      if (r <= 0) {  // no event in time: do not wait for ever on a broken driver
        flip_pending_ = false;
        return;
      }
      drmEventContext ev{};
      ev.version = 2;
      ev.page_flip_handler = [](int, unsigned, unsigned, unsigned, void* data) {
        static_cast<DrmDisplay*>(data)->flip_pending_ = false;
      };
      if (drmHandleEvent(fd_.get(), &ev) != 0) flip_pending_ = false;
    }
  }

  // The logical canvas into a scanout buffer, turned by the rotation; only
  // `area` when not turned (a turned canvas is copied whole).
  void copy_to(ScanoutBuffer& b, const SDL_Rect& area) {
    const int pw = out_.mode.hdisplay, ph = out_.mode.vdisplay;
    const uint32_t* src = px_.data();
    if (rotate_ == 0) {
      const int x0 = std::clamp(area.x, 0, pw), x1 = std::clamp(area.x + area.w, x0, pw);
      const int y0 = std::clamp(area.y, 0, ph), y1 = std::clamp(area.y + area.h, y0, ph);
      for (int y = y0; y < y1; ++y)
        std::memcpy(b.map + static_cast<size_t>(y) * b.pitch + static_cast<size_t>(x0) * 4,
                    src + static_cast<size_t>(y) * lw_ + x0, static_cast<size_t>(x1 - x0) * 4);
      return;
    }
    for (int y = 0; y < ph; ++y) {
      // Rows are 4-byte aligned (a page-aligned mapping, a pitch of whole
      // pixels); through void* so that armhf's -Wcast-align accepts it.
      auto* row = static_cast<uint32_t*>(static_cast<void*>(b.map + static_cast<size_t>(y) * b.pitch));
      for (int x = 0; x < pw; ++x) {
        int sx = x, sy = y;  // the canvas pixel shown at panel (x, y), turned clockwise
        if (rotate_ == 90) {
          sx = y;
          sy = lh_ - 1 - x;
        } else if (rotate_ == 180) {
          sx = lw_ - 1 - x;
          sy = lh_ - 1 - y;
        } else {  // 270
          sx = lw_ - 1 - y;
          sy = x;
        }
        row[x] = src[static_cast<size_t>(sy) * lw_ + sx];
      }
    }
  }

  // Destroyed in reverse after the destructor's body (which frees the
  // renderer first and gives the CRTC back): the canvas, the scanout
  // buffers, then the device.
  UniqueFd fd_;
  std::string device_;
  Output out_;
  int rotate_;
  int lw_ = 0, lh_ = 0;
  ScanoutBuffer buf_[2];
  int front_ = 0;
  SDL_Rect stale_[2] = {{0, 0, 1 << 15, 1 << 15}, {0, 0, 1 << 15, 1 << 15}};  // what each buffer lacks
  bool flip_pending_ = false, flip_failed_ = false;
  render::PixelBuffer px_;
  render::SurfacePtr canvas_;
  render::RendererPtr renderer_;
  CrtcPtr saved_;  // the CRTC as it was before open()
};

}  // namespace

std::unique_ptr<Display> open_drm(const DisplayOptions& opt, std::string& err) {
  std::string reasons;
  for (int i = 0; i < 16; ++i) {
    const std::string dev = "/dev/dri/card" + std::to_string(i);
    UniqueFd fd(::open(dev.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno != ENOENT) reasons += (reasons.empty() ? "" : "; ") + dev + ": " + std::strerror(errno);
      continue;
    }
    uint64_t dumb = 0;
    if (drmGetCap(fd.get(), DRM_CAP_DUMB_BUFFER, &dumb) != 0 || !dumb) {
      reasons += (reasons.empty() ? "" : "; ") + dev + ": no dumb buffers";
      continue;
    }
    Output out;
    std::string e;
    if (!find_output(fd.get(), out, e)) {
      reasons += (reasons.empty() ? "" : "; ") + dev + ": " + e;
      continue;
    }
    auto d = std::make_unique<DrmDisplay>(std::move(fd), dev, out, opt.rotate);
    if (!d->open(e)) {
      reasons += (reasons.empty() ? "" : "; ") + e;
      continue;
    }
    return d;
  }
  err = "no DRM display: " + (reasons.empty() ? std::string("no /dev/dri/card* device") : reasons);
  return nullptr;
}

}  // namespace paizi::present
