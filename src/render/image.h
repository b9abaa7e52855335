// Reading back rendered frames and writing them as PNG files.
#pragma once

#include <memory>
#include <string>

#include <SDL.h>

namespace paizi::render {

struct SurfaceDeleter {
  void operator()(SDL_Surface* s) const { SDL_FreeSurface(s); }
};
using SurfacePtr = std::unique_ptr<SDL_Surface, SurfaceDeleter>;

struct TextureDeleter {
  void operator()(SDL_Texture* t) const { SDL_DestroyTexture(t); }
};
using TexturePtr = std::unique_ptr<SDL_Texture, TextureDeleter>;

// Reads the renderer's current target (w x h px) into an RGBA32 surface.
SurfacePtr read_pixels(SDL_Renderer* renderer, int w, int h, std::string& err);

// Writes a surface as PNG. On failure returns false and sets `err` to a
// one-line reason naming the path.
bool write_png(SDL_Surface* surface, const std::string& path, std::string& err);

// Loads an image file (PNG/JPEG via SDL2_image) into a texture.
TexturePtr load_texture(SDL_Renderer* renderer, const std::string& path, int& w, int& h,
                        std::string& err);

}  // namespace paizi::render
