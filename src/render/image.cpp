#include "render/image.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <SDL_image.h>
#include <dlfcn.h>
#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

namespace paizi::render {

std::string image_problem(std::string_view bytes) {
  if (bytes.size() > kMaxImageFileBytes)
    return "is larger than " + std::to_string(kMaxImageFileBytes >> 20) + " MiB";
  const ImageHeader declared = read_image_header(bytes);
  // Only formats whose size can be checked before decoding are decoded:
  // SDL2_image would also take TGA, TIFF, SVG, XCF and more, sized by
  // whatever their headers say.
  if (declared.w == 0 && declared.h == 0)
    return "is not a PNG, JPEG, GIF, BMP or WebP file, or its header is cut short";
  if (declared.w > kMaxImagePixels || declared.h > kMaxImagePixels ||
      declared.w * declared.h > kMaxImagePixels)
    return "is too large: " + std::to_string(declared.w) + "x" + std::to_string(declared.h) + " px (limit " +
           std::to_string(kMaxImagePixels / 1'000'000) + " MP)";
  return {};
}

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
    const Uint8* row =
        static_cast<const Uint8*>(surface->pixels) + static_cast<ptrdiff_t>(y) * surface->pitch;
    Uint8 all = 0xFF;
    for (int x = 0; x < surface->w; ++x) all &= row[4 * x + index];
    if (all != 0xFF) return false;
  }
  return true;
}

}  // namespace

namespace {

void put32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

// One PNG chunk written to `f`: length, type, the data (its pieces one
// after the other, never joined in memory), CRC of type and data. False
// when a write failed.
bool put_chunk(std::FILE* f, const char* type, std::initializer_list<std::string_view> pieces) {
  size_t len = 0;
  for (const std::string_view p : pieces) len += p.size();
  std::string head;
  put32(head, static_cast<uint32_t>(len));
  head.append(type, 4);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(type), 4);
  for (const std::string_view p : pieces)  // (zlib takes a null buffer as "start again")
    if (!p.empty()) crc = crc32_z(crc, reinterpret_cast<const Bytef*>(p.data()), p.size());
  std::string tail;
  put32(tail, static_cast<uint32_t>(crc));
  bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
  for (const std::string_view p : pieces)  // (an empty piece may have no data pointer: fwrite takes none)
    if (!p.empty()) ok = ok && std::fwrite(p.data(), 1, p.size(), f) == p.size();
  return ok && std::fwrite(tail.data(), 1, tail.size(), f) == tail.size();
}

// A band of rows as PNG scanlines (filter byte 0, then R,G,B[,A]), raw
// deflate at level 1. A band that is not the last ends with a sync flush
// (byte-aligned, not final), so the bands' outputs concatenate into one
// deflate stream, each band starting with an empty window (as pigz does).
struct Band {
  int y0 = 0, y1 = 0;
  std::string out;
  uLong adler = 1;
  size_t raw = 0;
  bool ok = false;
};

// One row of 32-bit pixels to R,G,B[,A] bytes; ARGB8888 is B,G,R,A in memory
// (little endian), RGBA32 is R,G,B,A.
static_assert(SDL_BYTEORDER == SDL_LIL_ENDIAN, "ARGB8888 rows are read as B,G,R,A bytes");

template <bool kArgb, bool kOpaque>
unsigned char* scanline(const unsigned char* px, int w, unsigned char* o) {
  for (int x = 0; x < w; ++x, px += 4) {
    *o++ = kArgb ? px[2] : px[0];
    *o++ = px[1];
    *o++ = kArgb ? px[0] : px[2];
    if constexpr (!kOpaque) *o++ = px[3];
  }
  return o;
}

void deflate_band_or_throw(const SDL_Surface* s, bool opaque, bool last, Band& band) {
  const int w = s->w;
  const size_t bpp = opaque ? 3 : 4;
  const bool argb = s->format->format == SDL_PIXELFORMAT_ARGB8888;
  const auto convert = argb ? (opaque ? scanline<true, true> : scanline<true, false>)
                            : (opaque ? scanline<false, true> : scanline<false, false>);
  std::vector<unsigned char> line(1 + static_cast<size_t>(w) * bpp);
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return;
  struct End {
    z_stream* z;
    ~End() { deflateEnd(z); }
  } closer{&z};
  // Output through a small buffer: the band's string grows to the
  // compressed size only (~1/25 of the scanlines on a slide), instead of a
  // zero-filled deflateBound() of megabytes.
  unsigned char buf[1 << 16];
  bool ok = true;
  for (int y = band.y0; y < band.y1 && ok; ++y) {
    const auto* px = static_cast<const unsigned char*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch;
    line[0] = 0;  // filter NONE
    convert(px, w, line.data() + 1);
    band.adler = adler32(band.adler, line.data(), static_cast<uInt>(line.size()));
    band.raw += line.size();
    z.next_in = line.data();
    z.avail_in = static_cast<uInt>(line.size());
    const bool end = y + 1 == band.y1;
    const int flush = end ? (last ? Z_FINISH : Z_SYNC_FLUSH) : Z_NO_FLUSH;
    int rc = Z_OK;
    do {  // until deflate leaves room in the buffer: all input taken, the flush complete
      z.next_out = buf;
      z.avail_out = sizeof buf;
      rc = deflate(&z, flush);
      band.out.append(reinterpret_cast<const char*>(buf), sizeof buf - z.avail_out);
    } while (z.avail_out == 0 && (rc == Z_OK || rc == Z_BUF_ERROR));
    // Z_BUF_ERROR: nothing left to do after a call that filled the buffer exactly.
    ok = z.avail_in == 0 && (end && last ? rc == Z_STREAM_END : rc == Z_OK || rc == Z_BUF_ERROR);
  }
  band.ok = ok;
}

// On a helper thread an exception would end the process: out of memory is a
// failed band (write_png reports it) instead.
void deflate_band(const SDL_Surface* s, bool opaque, bool last, Band& band) noexcept {
  try {
    deflate_band_or_throw(s, opaque, last, band);
  } catch (const std::exception&) {
    band.ok = false;
  }
}

bool write_png_or_throw(SDL_Surface* surface, const std::string& path, std::string& err) {
  // paizi writes its PNGs itself, with zlib: libpng deflates on one thread,
  // and the deflate of a 1080p slide (6 MB of scanlines) was the largest
  // part of `paizi render` after start-up. The rows are cut into bands
  // deflated in parallel and joined into one zlib stream (Adler-32s
  // combined). Level 1, filter NONE: on a slide (flat colours, text) that
  // was both faster and smaller than the SUB filter; Z_RLE was larger and
  // slower. An opaque frame is written as RGB.
  const Uint32 fmt = surface->format->format;
  if (fmt != SDL_PIXELFORMAT_RGBA32 && fmt != SDL_PIXELFORMAT_ARGB8888) {
    err = "cannot write " + path + ": unsupported pixel format";
    return false;
  }
  if (surface->w <= 0 || surface->h <= 0) {
    err = "cannot write " + path + ": empty image";
    return false;
  }
  const bool opaque = is_opaque(surface);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int bands_n =
      static_cast<int>(std::min<unsigned>({cores, 4u, static_cast<unsigned>(surface->h + 63) / 64}));
  std::vector<Band> bands(static_cast<size_t>(bands_n));
  for (int i = 0; i < bands_n; ++i) {
    bands[static_cast<size_t>(i)].y0 = surface->h * i / bands_n;
    bands[static_cast<size_t>(i)].y1 = surface->h * (i + 1) / bands_n;
  }
  std::vector<std::thread> helpers;
  helpers.reserve(bands.size());  // from here on only thread creation may throw, and that is caught
  for (size_t i = 1; i < bands.size(); ++i) {
    try {
      helpers.emplace_back(deflate_band, surface, opaque, i + 1 == bands.size(), std::ref(bands[i]));
    } catch (const std::system_error&) {
      deflate_band(surface, opaque, i + 1 == bands.size(), bands[i]);  // no thread: do it here
    }
  }
  deflate_band(surface, opaque, bands.size() == 1, bands[0]);
  for (auto& t : helpers) t.join();
  uLong adler = 1;
  for (const Band& b : bands) {
    if (!b.ok) {
      err = "cannot write " + path + ": PNG encoding failed";
      return false;
    }
    adler = adler32_combine(adler, b.adler, static_cast<z_off_t>(b.raw));
  }

  std::string ihdr;
  put32(ihdr, static_cast<uint32_t>(surface->w));
  put32(ihdr, static_cast<uint32_t>(surface->h));
  ihdr += {8, static_cast<char>(opaque ? 2 : 6), 0, 0,
           0};  // 8 bits, RGB or RGBA, deflate, no filter set, no interlace
  std::string trailer;
  put32(trailer, static_cast<uint32_t>(adler));

  platform::FilePtr f(std::fopen(path.c_str(), "wb"));
  if (!f) {
    err = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  // The zlib stream goes out in IDAT chunks of at most 1 MiB of a band each
  // (its header in the first, the Adler-32 in the last), each band's output
  // freed once written: the compressed image is held once, not joined into a
  // stream and then into a file image (three copies, 1.5 MB at 4K).
  bool written = std::fwrite("\x89PNG\r\n\x1a\n", 1, 8, f.get()) == 8 && put_chunk(f.get(), "IHDR", {ihdr});
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t i = 0; i < bands.size() && written; ++i) {
    const std::string_view out = bands[i].out;
    for (size_t at = 0; (at == 0 || at < out.size()) && written; at += kChunk) {
      const bool first = i == 0 && at == 0, last = i + 1 == bands.size() && at + kChunk >= out.size();
      written = put_chunk(f.get(), "IDAT",
                          {first ? std::string_view("\x78\x01", 2) : std::string_view(),  // deflate, fastest
                           out.substr(at, kChunk), last ? std::string_view(trailer) : std::string_view()});
    }
    std::string().swap(bands[i].out);
  }
  written = written && put_chunk(f.get(), "IEND", {});
  if (std::fclose(f.release()) != 0 || !written) {  // a write error may show only when closing
    err = "cannot write " + path + ": " + std::strerror(errno);
    std::remove(path.c_str());
    return false;
  }
  return true;
}

}  // namespace

bool write_png(SDL_Surface* surface, const std::string& path, std::string& err) {
  try {
    return write_png_or_throw(surface, path, err);
  } catch (const std::exception& e) {  // out of memory, no thread
    err = "cannot write " + path + ": " + e.what();
    return false;
  }
}

namespace {

uint32_t be16(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 8 |
         static_cast<unsigned char>(b[at + 1]);
}
uint32_t be32(std::string_view b, size_t at) { return be16(b, at) << 16 | be16(b, at + 2); }
uint32_t le16(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<unsigned char>(b[at]);
}
uint32_t le24(std::string_view b, size_t at) {
  return le16(b, at) | static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16;
}
uint32_t le32(std::string_view b, size_t at) { return le16(b, at) | le16(b, at + 2) << 16; }

// EXIF in a JPEG APP1 segment ("Exif\0\0", then a TIFF header): the
// Orientation tag (0x0112) of the first IFD, 1 when absent or malformed.
int exif_orientation(std::string_view seg) {
  if (seg.size() < 14 || seg.substr(0, 6) != std::string_view("Exif\0\0", 6)) return 1;
  const std::string_view t = seg.substr(6);
  const bool le = t.substr(0, 2) == "II";
  if (!le && t.substr(0, 2) != "MM") return 1;
  auto u16 = [&](size_t at) { return le ? le16(t, at) : be16(t, at); };
  auto u32 = [&](size_t at) { return le ? le32(t, at) : be32(t, at); };
  if (u16(2) != 42) return 1;
  const size_t ifd = u32(4);
  if (ifd > t.size() || t.size() - ifd < 2) return 1;
  const size_t n = u16(ifd);
  for (size_t k = 0; k < n; ++k) {
    const size_t e = ifd + 2 + 12 * k;
    if (e > t.size() || t.size() - e < 12) return 1;
    if (u16(e) == 0x0112 && u16(e + 2) == 3) {  // SHORT, value in the entry
      const uint32_t v = u16(e + 8);
      return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
    }
  }
  return 1;
}

// JPEG: the frame header (SOFn) gives the size; markers before it are skipped
// by their lengths, EXIF (APP1) read on the way.
ImageHeader jpeg_size(std::string_view b) {
  int orientation = 1;
  size_t at = 2;
  while (at + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[at]) != 0xFF) return {};
    const unsigned m = static_cast<unsigned char>(b[at + 1]);
    if (m == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    const size_t len = be16(b, at + 2);
    if (len < 2) return {};
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (at + 9 > b.size()) return {};
      return {be16(b, at + 7), be16(b, at + 5), orientation};
    }
    if (m == 0xE1 && at + 2 + len <= b.size()) orientation = exif_orientation(b.substr(at + 4, len - 2));
    at += 2 + len;
  }
  return {};
}

// WebP: RIFF container, first chunk VP8 (lossy), VP8L (lossless) or VP8X (extended).
ImageHeader webp_size(std::string_view b) {
  if (b.size() < 30) return {};
  const std::string_view fourcc = b.substr(12, 4);
  if (fourcc == "VP8X") return {int64_t{le24(b, 24)} + 1, int64_t{le24(b, 27)} + 1};
  if (fourcc == "VP8L") {
    if (static_cast<unsigned char>(b[20]) != 0x2F) return {};
    const uint32_t v = le32(b, 21);
    return {int64_t{v & 0x3FFF} + 1, int64_t{(v >> 14) & 0x3FFF} + 1};
  }
  if (fourcc == "VP8 ") return {le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
  return {};
}

// GIF: the logical screen says one size, but SDL2_image allocates the
// first frame at the size its image descriptor gives, whatever the screen
// says (a 10 x 10 screen may hold a 30000 x 30000 frame). So the size is
// the larger of the two in each direction, and unknown until the first
// image descriptor is read. Extensions before it are skipped by their
// sub-block lengths; stray bytes are skipped one by one, as SDL2_image does.
ImageHeader gif_size(std::string_view b) {
  if (b.size() < 13) return {};
  const int64_t screen_w = le16(b, 6), screen_h = le16(b, 8);
  const unsigned flags = static_cast<unsigned char>(b[10]);
  size_t at = 13;
  if (flags & 0x80) at += 3 * (size_t{2} << (flags & 7));  // global colour table
  while (at < b.size()) {
    const unsigned c = static_cast<unsigned char>(b[at]);
    if (c == 0x2C) {  // image descriptor: left, top, width, height
      if (b.size() - at < 10) return {};
      return {std::max<int64_t>(screen_w, le16(b, at + 5)), std::max<int64_t>(screen_h, le16(b, at + 7))};
    }
    if (c == 0x3B) return {};  // trailer before any image: nothing to show
    if (c != 0x21) {
      ++at;
      continue;
    }
    at += 2;  // introducer and label, then data sub-blocks up to an empty one
    while (true) {
      if (at >= b.size()) return {};
      const size_t n = static_cast<unsigned char>(b[at]);
      at += 1 + n;
      if (n == 0) break;
    }
  }
  return {};
}

// Halves a 24- or 32-bit surface in both directions, each pixel the mean of
// a 2x2 block, byte by byte (so whatever the channel order); odd edges
// repeat.
SurfacePtr halve(const SDL_Surface* s) {
  const int w = std::max(1, s->w / 2), h = std::max(1, s->h / 2);
  const int n = s->format->BytesPerPixel;
  SurfacePtr d(SDL_CreateRGBSurfaceWithFormat(0, w, h, s->format->BitsPerPixel, s->format->format));
  if (!d) return nullptr;
  for (int y = 0; y < h; ++y) {
    const auto* r0 =
        static_cast<const Uint8*>(s->pixels) + static_cast<ptrdiff_t>(std::min(2 * y, s->h - 1)) * s->pitch;
    const auto* r1 = static_cast<const Uint8*>(s->pixels) +
                     static_cast<ptrdiff_t>(std::min(2 * y + 1, s->h - 1)) * s->pitch;
    auto* out = static_cast<Uint8*>(d->pixels) + static_cast<ptrdiff_t>(y) * d->pitch;
    for (int x = 0; x < w; ++x) {
      const int x0 = n * std::min(2 * x, s->w - 1), x1 = n * std::min(2 * x + 1, s->w - 1);
      for (int c = 0; c < n; ++c)
        out[n * x + c] = static_cast<Uint8>((r0[x0 + c] + r0[x1 + c] + r1[x0 + c] + r1[x1 + c] + 2) / 4);
    }
  }
  return d;
}

SurfacePtr to_32bit(SurfacePtr s, std::string& err) {
  if (s->format->BytesPerPixel == 4) return s;
  s.reset(SDL_ConvertSurfaceFormat(s.get(), SDL_PIXELFORMAT_ARGB8888, 0));
  if (!s) err = std::string("cannot convert image: ") + SDL_GetError();
  return s;
}

// Scales a surface down to a 32-bit w x h: halvings while at least twice as
// large, then a bilinear step (bilinear alone over a large factor skips
// pixels and aliases fine detail). The halvings work on the decoded pixels
// (24 or 32 bits, 8 a channel): a photo is not widened to 32 bits at full
// size first (the same pixels, a full-size buffer less at the peak).
SurfacePtr shrink(SurfacePtr s, int w, int h, std::string& err) {
  const Uint32 fmt = s->format->format;
  const bool byte_channels = fmt == SDL_PIXELFORMAT_RGB24 || fmt == SDL_PIXELFORMAT_BGR24 ||
                             (s->format->BytesPerPixel == 4 && fmt != SDL_PIXELFORMAT_ARGB2101010);
  if (!byte_channels) {
    s = to_32bit(std::move(s), err);
    if (!s) return nullptr;
  }
  while (s->w >= 2 * w && s->h >= 2 * h) {
    s = halve(s.get());
    if (!s) {
      err = std::string("cannot scale image: ") + SDL_GetError();
      return nullptr;
    }
  }
  s = to_32bit(std::move(s), err);
  if (!s) return nullptr;
  if (s->w == w && s->h == h) return s;
  SurfacePtr d(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, s->format->format));
  if (!d || SDL_SoftStretchLinear(s.get(), nullptr, d.get(), nullptr) != 0) {
    err = std::string("cannot scale image: ") + SDL_GetError();
    return nullptr;
  }
  return d;
}

// Turns a 32-bit surface as EXIF orientation `o` (2..8) asks. Each is a
// transpose (5..8, which swap width and height) followed by mirroring
// across either axis: destination (x, y) reads source (u, v) = (y, x) when
// transposed, else (x, y), mirrored as W-1-u and H-1-v where flagged.
SurfacePtr orient(const SDL_Surface* s, int o) {
  struct Turn {
    bool transpose, mirror_x, mirror_y;
  };
  static constexpr Turn kTurns[9] = {{},
                                     {},                    // 1: as stored
                                     {false, true, false},  // 2: mirrored horizontally
                                     {false, true, true},   // 3: rotated 180
                                     {false, false, true},  // 4: mirrored vertically
                                     {true, false, false},  // 5: transposed
                                     {true, false, true},   // 6: rotated 90 clockwise
                                     {true, true, true},    // 7: transversed
                                     {true, true, false}};  // 8: rotated 90 counter-clockwise
  const Turn t = o >= 2 && o <= 8 ? kTurns[o] : Turn{};     // another value: as stored
  const int W = s->w, H = s->h;
  SurfacePtr d(
      SDL_CreateRGBSurfaceWithFormat(0, t.transpose ? H : W, t.transpose ? W : H, 32, s->format->format));
  if (!d) return nullptr;
  for (int y = 0; y < d->h; ++y) {
    auto* out = static_cast<Uint8*>(d->pixels) + static_cast<ptrdiff_t>(y) * d->pitch;
    for (int x = 0; x < d->w; ++x) {
      const int u = t.transpose ? y : x, v = t.transpose ? x : y;
      const int sx = t.mirror_x ? W - 1 - u : u, sy = t.mirror_y ? H - 1 - v : v;
      std::memcpy(
          out + ptrdiff_t{4} * x,
          static_cast<const Uint8*>(s->pixels) + static_cast<ptrdiff_t>(sy) * s->pitch + ptrdiff_t{4} * sx,
          4);
    }
  }
  return d;
}

}  // namespace

ImageHeader read_image_header(std::string_view b) {
  auto read = [](ImageHeader h, ImageFormat f) {
    if (h.w > 0 || h.h > 0) h.format = f;
    return h;
  };
  if (b.size() >= 24 && b.substr(0, 8) == "\x89PNG\r\n\x1a\n" && b.substr(12, 4) == "IHDR")
    return read({be32(b, 16), be32(b, 20)}, ImageFormat::png);
  if (b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8)
    return read(jpeg_size(b), ImageFormat::jpeg);
  if (b.size() >= 10 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a"))
    return read(gif_size(b), ImageFormat::gif);
  if (b.size() >= 26 && b.substr(0, 2) == "BM") {
    if (le32(b, 14) == 12)
      return read({le16(b, 18), le16(b, 20)}, ImageFormat::bmp);  // OS/2 1.x: 16-bit sizes
    const auto w = static_cast<int32_t>(le32(b, 18));
    const auto h = static_cast<int32_t>(le32(b, 22));  // negative: rows top-down
    if (w < 0) return {};
    return read({w, h < 0 ? -int64_t{h} : int64_t{h}}, ImageFormat::bmp);
  }
  if (b.size() >= 16 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP")
    return read(webp_size(b), ImageFormat::webp);
  return {};
}

namespace {

// libjpeg reports a fatal error through error_exit, which must not return:
// it jumps back to decode_jpeg_c with the message.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_fail(j_common_ptr c) {
  auto* e = static_cast<JpegError*>(c->client_data);  // (not cast from c->err: jmp_buf is more aligned)
  (*c->err->format_message)(c, e->message);
  std::longjmp(e->jump, 1);
}

void jpeg_quiet(j_common_ptr /*c*/) {}  // warnings (corrupt data, a cut file) as SDL_image: not said

// A row of libjpeg's CMYK output, four bytes a pixel, turned in place into
// ARGB8888 (B, G, R, 0xFF in memory). Without colour management, as browsers
// do for a CMYK JPEG without a profile: each channel is its colour's share
// times black's, ink inverted. Adobe's files (an APP14 marker, Photoshop's
// and most others) store the inks inverted, 255 meaning none; files without
// the marker store them as they are, 255 meaning full ink.
void cmyk_row_to_argb(unsigned char* row, unsigned w, bool adobe_inverted) {
  for (unsigned x = 0; x < w; ++x) {
    unsigned char* p = row + 4 * static_cast<size_t>(x);
    unsigned c = p[0], m = p[1], y = p[2], k = p[3];
    if (!adobe_inverted) {
      c = 255 - c;
      m = 255 - m;
      y = 255 - y;
      k = 255 - k;
    }
    p[0] = static_cast<unsigned char>((y * k + 127) / 255);
    p[1] = static_cast<unsigned char>((m * k + 127) / 255);
    p[2] = static_cast<unsigned char>((c * k + 127) / 255);
    p[3] = 0xFF;
  }
}

// C only between setjmp and longjmp (no destructor to skip): the surface is
// freed by hand. Returns the surface, or null with `message` set (a broken
// file, a colour space that has no RGB).
SDL_Surface* decode_jpeg_c(const unsigned char* data, size_t len, int cover_w, int cover_h, char* message) {
  jpeg_decompress_struct cinfo{};
  JpegError jerr{};
  SDL_Surface* volatile out = nullptr;
  cinfo.err = jpeg_std_error(&jerr.mgr);
  cinfo.client_data = &jerr;
  jerr.mgr.error_exit = jpeg_fail;
  jerr.mgr.output_message = jpeg_quiet;
  if (setjmp(jerr.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    SDL_FreeSurface(out);
    std::memcpy(message, jerr.message, sizeof jerr.message);
    return nullptr;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(len));
  jpeg_read_header(&cinfo, TRUE);
  // Print work (a poster from the designers) is often CMYK; libjpeg gives
  // it as CMYK (YCCK converted), turned into RGB row by row below.
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGRA;  // BGRA: ARGB8888 in a little-endian word, 0xFF
  cinfo.scale_num = 1;
  cinfo.scale_denom = 1;
  for (const unsigned d : {8u, 4u, 2u}) {
    if ((cinfo.image_width + d - 1) / d >= static_cast<unsigned>(cover_w) &&
        (cinfo.image_height + d - 1) / d >= static_cast<unsigned>(cover_h)) {
      cinfo.scale_denom = d;
      break;
    }
  }
  jpeg_start_decompress(&cinfo);
  out = SDL_CreateRGBSurfaceWithFormat(0, static_cast<int>(cinfo.output_width),
                                       static_cast<int>(cinfo.output_height), 32, SDL_PIXELFORMAT_ARGB8888);
  if (out == nullptr) {
    std::snprintf(message, JMSG_LENGTH_MAX, "%s", SDL_GetError());
    jpeg_destroy_decompress(&cinfo);
    return nullptr;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row =
        static_cast<JSAMPLE*>(out->pixels) + static_cast<ptrdiff_t>(cinfo.output_scanline) * out->pitch;
    jpeg_read_scanlines(&cinfo, &row, 1);
    if (cmyk) cmyk_row_to_argb(row, cinfo.output_width, cinfo.saw_Adobe_marker != 0);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return out;
}

// libpng reports a fatal error through its error function, which must not
// return: the message is kept and libpng's jump taken back to decode_png_c.
struct PngRead {
  const unsigned char* data;
  size_t len, at;
  char message[160];
};

[[noreturn]] void png_fail(png_structp p, png_const_charp msg) {
  auto* r = static_cast<PngRead*>(png_get_error_ptr(p));
  std::snprintf(r->message, sizeof r->message, "%s", msg);
  png_longjmp(p, 1);
}

void png_quiet(png_structp /*p*/, png_const_charp /*msg*/) {}  // warnings (a bad CRC in an ancillary chunk)

void png_read_bytes(png_structp p, png_bytep out, size_t n) {
  auto* r = static_cast<PngRead*>(png_get_io_ptr(p));
  if (n > r->len - r->at) png_error(p, "the file is cut short");
  std::memcpy(out, r->data + r->at, n);
  r->at += n;
}

// Two 4-byte-pixel rows of width w into one of width w / 2, each byte the
// mean of a 2x2 block (halve()'s arithmetic).
void halve_rows(const unsigned char* r0, const unsigned char* r1, int w, unsigned char* out, int out_w) {
  for (int x = 0; x < out_w; ++x) {
    const int x0 = 4 * std::min(2 * x, w - 1), x1 = 4 * std::min(2 * x + 1, w - 1);
    for (int c = 0; c < 4; ++c)
      out[4 * x + c] =
          static_cast<unsigned char>((r0[x0 + c] + r0[x1 + c] + r1[x0 + c] + r1[x1 + c] + 2) / 4);
  }
}

constexpr int kMaxHalvings = 30;

// C only between setjmp and longjmp (no destructor to skip): the surface and
// the rows' surface are freed by hand. Rows are decoded one at a time and
// pushed through `halvings` levels of 2x2 averaging, each level holding one
// row until its pair arrives: the image never exists at full size. Returns
// the surface; null with `message` set (a broken file) or `interlaced` set
// (Adam7 rows arrive in passes, not in order: SDL_image decodes those).
SDL_Surface* decode_png_c(PngRead& r, int halvings, bool& interlaced) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, png_fail, png_quiet);
  if (png == nullptr) {
    std::snprintf(r.message, sizeof r.message, "cannot start libpng");
    return nullptr;
  }
  png_infop info = png_create_info_struct(png);
  SDL_Surface* volatile out = nullptr;
  SDL_Surface* volatile rows = nullptr;  // the decoded row, and each level's held and halved rows
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &info, nullptr);
    SDL_FreeSurface(out);
    SDL_FreeSurface(rows);
    return nullptr;
  }
  if (info == nullptr) png_error(png, "cannot start libpng");
  png_set_read_fn(png, &r, png_read_bytes);
  png_read_info(png, info);
  if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) {
    interlaced = true;
    png_destroy_read_struct(&png, &info, nullptr);
    return nullptr;
  }
  const int type = png_get_color_type(png, info);
  const bool alpha = (type & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  png_set_expand(png);  // palette and low-bit grey to 8 bits a channel, tRNS to alpha
  png_set_strip_16(png);
  png_set_gray_to_rgb(png);
  png_set_bgr(png);  // B, G, R, A bytes: ARGB8888 (XRGB8888 when opaque) in a little-endian word
  if (!alpha) png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  png_read_update_info(png, info);
  const int w = static_cast<int>(png_get_image_width(png, info));
  const int h = static_cast<int>(png_get_image_height(png, info));
  if (png_get_rowbytes(png, info) != 4 * static_cast<size_t>(w)) png_error(png, "unexpected row layout");
  // Level l takes rows of widths[l] and gives rows of widths[l + 1].
  int widths[kMaxHalvings + 2], heights[kMaxHalvings + 2];
  size_t at[kMaxHalvings + 1];  // where level l's held row and its halved row start in `rows`
  bool held[kMaxHalvings + 1] = {};
  widths[0] = w;
  heights[0] = h;
  size_t bytes = 4 * static_cast<size_t>(w);  // the decoded row
  for (int l = 0; l < halvings; ++l) {
    widths[l + 1] = std::max(1, widths[l] / 2);
    heights[l + 1] = std::max(1, heights[l] / 2);
    at[l] = bytes;
    bytes += 4 * static_cast<size_t>(widths[l]) + 4 * static_cast<size_t>(widths[l + 1]);
  }
  out = SDL_CreateRGBSurfaceWithFormat(0, widths[halvings], heights[halvings], 32,
                                       alpha ? SDL_PIXELFORMAT_ARGB8888 : SDL_PIXELFORMAT_RGB888);
  if (out == nullptr) png_error(png, SDL_GetError());
  rows = SDL_CreateRGBSurfaceWithFormat(0, static_cast<int>(bytes / 4), 1, 32, SDL_PIXELFORMAT_ARGB8888);
  if (rows == nullptr) png_error(png, SDL_GetError());
  auto* const buffer = static_cast<unsigned char*>(rows->pixels);
  int out_y = 0;
  for (int y = 0; y < h; ++y) {
    auto* const row = halvings == 0
                          ? static_cast<unsigned char*>(out->pixels) + static_cast<ptrdiff_t>(y) * out->pitch
                          : buffer;
    png_read_row(png, row, nullptr);
    const unsigned char* cur = row;
    for (int l = 0; l < halvings && cur != nullptr; ++l) {
      unsigned char* const kept = buffer + at[l];
      unsigned char* const halved = kept + 4 * static_cast<size_t>(widths[l]);
      if (!held[l]) {
        std::memcpy(kept, cur, 4 * static_cast<size_t>(widths[l]));
        cur = nullptr;
      } else {
        halve_rows(kept, cur, widths[l], halved, widths[l + 1]);
        cur = halved;
      }
      held[l] = !held[l];
    }
    if (halvings > 0 && cur != nullptr && out_y < out->h)
      std::memcpy(static_cast<unsigned char*>(out->pixels) + static_cast<ptrdiff_t>(out_y++) * out->pitch,
                  cur, 4 * static_cast<size_t>(out->w));
  }
  png_destroy_read_struct(&png, &info, nullptr);
  SDL_FreeSurface(rows);
  return out;
}

// SDL2_image is opened with dlopen on the first picture that is neither a
// PNG nor a JPEG (those paizi decodes itself, above), not linked: linking it
// loads libtiff, libwebp, libLerc, libjbig and libdeflate into every paizi
// process, about 0.7 MB of resident pages and their relocations at each
// start, for GIF, BMP and WebP pictures most slides never have. The
// pointer has SDL_image's own prototype. The package depends on
// libsdl2-image-2.0-0 explicitly (deps.txt, role run).
using ImgLoad = decltype(&(IMG_Load_RW));

// IMG_Load_RW, or null with the reason (kept for every later call).
ImgLoad img_load(std::string& err) {
  static std::once_flag once;
  static ImgLoad load = nullptr;
  static std::string why;
  std::call_once(once, [] {
    void* lib = dlopen("libSDL2_image-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* e = dlerror();
      why = std::string("cannot load SDL2_image (package libsdl2-image-2.0-0): ") + (e ? e : "not found");
      return;
    }
    load = reinterpret_cast<ImgLoad>(dlsym(lib, "IMG_Load_RW"));
    if (load == nullptr) {
      const char* e = dlerror();
      why = std::string("cannot use SDL2_image (package libsdl2-image-2.0-0): ") +
            (e ? e : "no IMG_Load_RW in libSDL2_image-2.0.so.0");
    }
  });
  if (load == nullptr) err = why;
  return load;
}

}  // namespace

SurfacePtr decode_jpeg(std::string_view bytes, int cover_w, int cover_h, std::string& err) {
  char message[JMSG_LENGTH_MAX] = {};
  SurfacePtr s(decode_jpeg_c(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                             std::max(1, cover_w), std::max(1, cover_h), message));
  if (!s) err = message[0] != 0 ? message : "cannot decode JPEG";
  return s;
}

SurfacePtr decode_png(std::string_view bytes, int halvings, std::string& err) {
  PngRead r{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), 0, {}};
  bool interlaced = false;
  SurfacePtr s(decode_png_c(r, std::clamp(halvings, 0, kMaxHalvings), interlaced));
  if (!s && !interlaced) err = r.message[0] != 0 ? r.message : "cannot decode PNG";
  return s;
}

TexturePtr load_texture(SDL_Renderer* renderer, const std::string& path, int max_w, int max_h, int& w, int& h,
                        std::string& err, bool* reduced) {
  // Read once; the header's size is checked before anything is decoded.
  std::string bytes;
  {
    const platform::FilePtr f(std::fopen(path.c_str(), "rb"));
    if (!f) {
      err = "cannot load image " + path + ": " + std::strerror(errno);
      return nullptr;
    }
    char buf[1 << 16];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0 && bytes.size() <= kMaxImageFileBytes)
      bytes.append(buf, n);
  }
  if (std::string why = image_problem(bytes); !why.empty()) {
    err = "image " + path + " " + why;
    return nullptr;
  }
  const ImageHeader declared = read_image_header(bytes);
  const bool swap = declared.orientation >= 5;
  // The scale that makes sw x sh just large enough to cover max_w x max_h
  // once turned upright, within the GPU's texture limit (either way round),
  // and the size it gives.
  SDL_RendererInfo info{};
  int max_tex_w = INT32_MAX, max_tex_h = INT32_MAX;
  if (SDL_GetRendererInfo(renderer, &info) == 0 && info.max_texture_width > 0 &&
      info.max_texture_height > 0) {
    max_tex_w = swap ? info.max_texture_height : info.max_texture_width;
    max_tex_h = swap ? info.max_texture_width : info.max_texture_height;
  }
  struct Fit {
    double scale;
    int w, h;
  };
  auto fit = [&](int sw, int sh) {
    double scale = 1;
    if (max_w > 0 && max_h > 0)
      scale = std::min(1.0, std::max(static_cast<double>(swap ? max_h : max_w) / sw,
                                     static_cast<double>(swap ? max_w : max_h) / sh));
    scale = std::min({scale, static_cast<double>(max_tex_w) / sw, static_cast<double>(max_tex_h) / sh});
    return Fit{scale, std::clamp(static_cast<int>(std::lround(sw * scale)), 1, max_tex_w),
               std::clamp(static_cast<int>(std::lround(sh * scale)), 1, max_tex_h)};
  };
  SurfacePtr s;
  Fit target{1, 0, 0};
  bool decoded_smaller = false;
  if (declared.format == ImageFormat::png) {
    // Halved as the rows are decoded, as often as shrink() would halve the
    // whole image: a 1600 x 1000 picture for a 500 px box never exists at
    // full size in memory, and the pixels are shrink()'s.
    target = fit(static_cast<int>(declared.w), static_cast<int>(declared.h));
    int halvings = 0;
    for (int cw = static_cast<int>(declared.w), ch = static_cast<int>(declared.h);
         target.scale < 1 && cw >= 2 * target.w && ch >= 2 * target.h; cw /= 2, ch /= 2)
      ++halvings;
    std::string why;
    s = decode_png(bytes, halvings, why);
    if (!s && !why.empty()) {
      err = "cannot load image " + path + ": " + why;
      return nullptr;
    }
    if (s)
      decoded_smaller = halvings > 0;
    else
      target = Fit{1, 0, 0};  // interlaced: SDL_image below
  } else if (declared.format == ImageFormat::jpeg) {
    // A photo is decoded at the smallest eighth, quarter or half of its size
    // that still covers the box (libjpeg scales in its DCT): a 12 MP photo
    // for a 1080p screen never exists at full size in memory.
    int cover_w = 0, cover_h = 0;
    if (max_w > 0 && max_h > 0 && declared.w > 0 && declared.h > 0) {
      const double sw = static_cast<double>(declared.w), sh = static_cast<double>(declared.h);
      const double c = std::min(1.0, std::max((swap ? max_h : max_w) / sw, (swap ? max_w : max_h) / sh));
      cover_w = static_cast<int>(std::ceil(sw * c));
      cover_h = static_cast<int>(std::ceil(sh * c));
    }
    std::string why;
    s = decode_jpeg(bytes, cover_w > 0 ? cover_w : INT32_MAX, cover_h > 0 ? cover_h : INT32_MAX, why);
    if (!s) {  // (every colour space is paizi's: nothing left for SDL_image)
      err = "cannot load image " + path + ": " + why;
      return nullptr;
    }
    decoded_smaller = declared.w > 0 && s->w < declared.w;
  }
  if (!s) {
    std::string why;
    const ImgLoad load = img_load(why);
    if (load != nullptr) {
      s.reset(load(SDL_RWFromConstMem(bytes.data(), static_cast<int>(bytes.size())), 1));
      if (!s) why = SDL_GetError();  // (IMG_GetError is SDL_GetError)
    }
    if (!s) {
      err = "cannot load image " + path + ": " + why;
      return nullptr;
    }
  }
  bytes = std::string();
  if (target.w == 0) target = fit(s->w, s->h);  // from what was decoded (a JPEG: its DCT-scaled size)
  if (reduced) *reduced = target.scale < 1 || decoded_smaller;
  if (s->w != target.w || s->h != target.h) {
    s = shrink(std::move(s), target.w, target.h, err);
    if (!s) return nullptr;
  }
  if (declared.orientation != 1) {
    s = to_32bit(std::move(s), err);
    if (!s) return nullptr;
    s = orient(s.get(), declared.orientation);
    if (!s) {
      err = "cannot turn image " + path + ": " + SDL_GetError();
      return nullptr;
    }
  }
  w = s->w;
  h = s->h;
  TexturePtr t(SDL_CreateTextureFromSurface(renderer, s.get()));
  if (!t) err = "cannot upload image " + path + ": " + SDL_GetError();
  return t;
}

}  // namespace paizi::render
