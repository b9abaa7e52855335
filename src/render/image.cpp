#include "render/image.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <SDL_image.h>

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

bool write_png(SDL_Surface* surface, const std::string& path, std::string& err) {
  // Probe writability first so the error names the OS reason.
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    err = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  std::fclose(f);
  if (IMG_SavePNG(surface, path.c_str()) != 0) {
    err = "cannot write " + path + ": " + IMG_GetError();
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
