#include "render/image.h"

#include <csetjmp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <SDL_image.h>
#include <png.h>

namespace paizi::render {

SurfacePtr read_pixels(SDL_Renderer* renderer, int w, int h, std::string& err) {
  SurfacePtr s(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32));
  if (!s) {
    err = std::string("cannot allocate frame: ") + SDL_GetError();
    return nullptr;
  }
  if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_RGBA32, s->pixels, s->pitch) != 0) {
    err = std::string("cannot read frame: ") + SDL_GetError();
    return nullptr;
  }
  return s;
}

namespace {

// True when every pixel's alpha is 255 (RGBA32 and ARGB8888 alike).
bool is_opaque(const SDL_Surface* surface) {
  const int shift = surface->format->Ashift;
  const int index = SDL_BYTEORDER == SDL_LIL_ENDIAN ? shift / 8 : 3 - shift / 8;
  for (int y = 0; y < surface->h; ++y) {
    const Uint8* row = static_cast<const Uint8*>(surface->pixels) + static_cast<ptrdiff_t>(y) * surface->pitch;
    Uint8 all = 0xFF;
    for (int x = 0; x < surface->w; ++x) all &= row[4 * x + index];
    if (all != 0xFF) return false;
  }
  return true;
}

}  // namespace

bool write_png(SDL_Surface* surface, const std::string& path, std::string& err) {
  // libpng directly (not IMG_SavePNG): fast compression (level 1, no
  // filter) because encoding dominated `paizi render`; and both RGBA32 and
  // ARGB8888 rows are written without converting the frame first.
  const Uint32 fmt = surface->format->format;
  if (fmt != SDL_PIXELFORMAT_RGBA32 && fmt != SDL_PIXELFORMAT_ARGB8888) {
    err = "cannot write " + path + ": unsupported pixel format";
    return false;
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    err = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
    std::remove(path.c_str());
    err = "cannot write " + path + ": PNG encoding failed";
    return false;
  }
  // A slide is opaque: then the alpha byte is dropped (RGB, a quarter less
  // to filter and compress).
  const bool opaque = is_opaque(surface);
  png_init_io(png, f);
  // Filter NONE: on a slide (flat colours, text) it was both faster and
  // smaller than SUB (bench news slide: 260 KB against 343 KB, ~10 ms less
  // CPU); Z_RLE made it larger and slower.
  png_set_compression_level(png, 1);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_IHDR(png, info, static_cast<png_uint_32>(surface->w), static_cast<png_uint_32>(surface->h), 8,
               opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  if (fmt == SDL_PIXELFORMAT_ARGB8888) png_set_bgr(png);  // B,G,R,A bytes in memory (little endian)
  if (opaque) png_set_filler(png, 0, PNG_FILLER_AFTER);   // rows carry a 4th byte that is not written
  auto* px = static_cast<png_bytep>(surface->pixels);
  for (int y = 0; y < surface->h; ++y) png_write_row(png, px + static_cast<ptrdiff_t>(y) * surface->pitch);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  if (std::fclose(f) != 0) {
    err = "cannot write " + path + ": " + std::strerror(errno);
    std::remove(path.c_str());
    return false;
  }
  return true;
}

TexturePtr load_texture(SDL_Renderer* renderer, const std::string& path, int& w, int& h,
                        std::string& err) {
  SurfacePtr s(IMG_Load(path.c_str()));
  if (!s) {
    err = "cannot load image " + path + ": " + IMG_GetError();
    return nullptr;
  }
  w = s->w;
  h = s->h;
  TexturePtr t(SDL_CreateTextureFromSurface(renderer, s.get()));
  if (!t) err = "cannot upload image " + path + ": " + SDL_GetError();
  return t;
}

}  // namespace paizi::render
