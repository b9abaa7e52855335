// Reading back rendered frames and writing them as PNG files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <SDL.h>

#include "platform/handle.h"

namespace paizi::render {

// Owners of SDL objects (a renderer outlives its textures; a window its renderer).
using SurfacePtr = platform::CPtr<SDL_Surface, SDL_FreeSurface>;
using TexturePtr = platform::CPtr<SDL_Texture, SDL_DestroyTexture>;
using RendererPtr = platform::CPtr<SDL_Renderer, SDL_DestroyRenderer>;
using WindowPtr = platform::CPtr<SDL_Window, SDL_DestroyWindow>;

// Reads the renderer's current target (w x h px) into an RGBA32 surface.
SurfacePtr read_pixels(SDL_Renderer* renderer, int w, int h, std::string& err);

// Writes a surface as PNG. On failure returns false and sets `err` to a
// one-line reason naming the path.
bool write_png(SDL_Surface* surface, const std::string& path, std::string& err);

// Images are refused above this many pixels before they are decoded: a
// 16 MB PNG can declare 30 000 x 30 000 and decode to 3.6 GB. 50 MP is a
// camera's full-resolution photo; it decodes to 200 MB.
constexpr int64_t kMaxImagePixels = 50'000'000;
constexpr size_t kMaxImageFileBytes = 64u << 20;

// What an image file's first bytes declare: its pixel size as stored (PNG,
// JPEG, GIF, BMP, WebP; {0, 0} when the format is not one of those or the
// header is cut short or malformed) and, for a JPEG with EXIF, the
// orientation the camera recorded (1 = as stored; 2..8 as in EXIF: 6 = turn
// 90 degrees clockwise to view, as phones do for portrait photos). For a
// GIF the size is the larger of its screen and its first frame (the frame
// is what gets decoded). `format`: which of those it is, set only with a
// size (a file paizi would not decode stays `unknown`). Reads nothing
// beyond `head`.
enum class ImageFormat { unknown, png, jpeg, gif, bmp, webp };
struct ImageHeader {
  int64_t w = 0, h = 0;
  int orientation = 1;
  ImageFormat format = ImageFormat::unknown;  // set when the size was read
};
ImageHeader read_image_header(std::string_view head);

// Why a whole image file would not be shown (load_texture refuses it before
// decoding): larger than kMaxImageFileBytes, not one of the formats above or
// cut short, more than kMaxImagePixels. "" when it would be decoded.
std::string image_problem(std::string_view bytes);

// Loads an image file (a PNG with decode_png, a JPEG with decode_jpeg,
// both below; others and interlaced PNGs with SDL2_image), turned as its
// EXIF orientation says, into a texture just large enough to cover
// max_w x max_h (the box it is drawn in): a larger image is scaled down,
// keeping its aspect, with a box filter (halvings, then bilinear; a PNG is
// halved row by row as it is decoded, a JPEG first scaled in libjpeg's
// DCT), so a 12 MP photo costs a screen's worth of texture memory and
// still fits GPUs whose textures stop at 2048 or 4096 px (also enforced).
// Refuses files whose header declares more than kMaxImagePixels, files
// over kMaxImageFileBytes, and files whose size cannot be read first
// (other formats, cut-short headers). `w`, `h`: the texture's size;
// `reduced` (when given): whether it is smaller than the image (a larger
// box would get more of it).
TexturePtr load_texture(SDL_Renderer* renderer, const std::string& path, int max_w, int max_h, int& w, int& h,
                        std::string& err, bool* reduced = nullptr);

// Decodes a JPEG (libjpeg-turbo) to ARGB8888 at the smallest of 1/8, 1/4,
// 1/2 or all of its size that is at least cover_w x cover_h. CMYK and YCCK
// files are turned into RGB without colour management (inks inverted in
// files with Adobe's marker, as Photoshop writes them). Null with `err` for
// a broken file.
SurfacePtr decode_jpeg(std::string_view bytes, int cover_w, int cover_h, std::string& err);

// Decodes a non-interlaced PNG (libpng) halved `halvings` times (each pixel
// the rounded mean of a 2x2 block; a trailing odd row or column dropped), a
// row at a time, so the full-size image is never held. ARGB8888 when the
// PNG has alpha (an alpha channel or tRNS), else RGB888; 16-bit channels
// are cut to 8, palettes and grey expanded. Null with `err` for a broken
// or cut-short file; null with `err` empty for an interlaced one (SDL_image
// decodes those).
SurfacePtr decode_png(std::string_view bytes, int halvings, std::string& err);

}  // namespace paizi::render
