// Images as lobbies get them: phone photos larger than the screen (scaled
// down to cover it, averaged rather than sampled), files whose header
// declares a size too large to decode, and a cache held to a byte budget.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <SDL_image.h>
#include <catch2/catch.hpp>
#include <jpeglib.h>
#include <png.h>

#include "platform/atomic_file.h"
#include "present/display.h"
#include "render/image.h"
#include "render/painter.h"

using namespace paizi;

namespace {

// A 32-bit opaque surface filled by f(x, y) -> 0xRRGGBB.
template <typename F>
render::SurfacePtr make(int w, int h, F f) {
  render::SurfacePtr s(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888));
  REQUIRE(s);
  for (int y = 0; y < h; ++y) {
    auto* row = static_cast<Uint32*>(
        static_cast<void*>(static_cast<unsigned char*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch));
    for (int x = 0; x < w; ++x) row[x] = 0xFF000000u | f(x, y);
  }
  return s;
}

std::string save(const render::SurfacePtr& s, const std::string& name) {
  std::string err;
  REQUIRE(render::write_png(s.get(), name, err));
  return name;
}

// A GIF of a screen_w x screen_h screen whose first frame is frame_w x
// frame_h: left half palette entry 0 (red), right half 1 (blue), with at
// most `rows` rows of pixel data (the rest of a large frame is left out).
// The LZW stream holds 7-bit codes at a fixed 8-bit width: a clear code
// before every 126 pixels keeps the code table from growing a bit.
std::string gif_file(int screen_w, int screen_h, int frame_w, int frame_h, int rows = -1) {
  auto le16 = [](int v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF)};
  };
  std::string g = "GIF89a" + le16(screen_w) + le16(screen_h) + std::string("\xF6\0\0", 3);  // 128-entry table
  std::string table(3 * 128, '\0');
  table[0] = '\xFF';  // 0: red
  table[5] = '\xFF';  // 1: blue
  g += table;
  g += "\x2C" + le16(0) + le16(0) + le16(frame_w) + le16(frame_h) + std::string(1, '\0');
  g += '\x07';  // LZW minimum code size: 7 (codes 0..127, clear 128, end 129)
  std::string codes;
  const int n = frame_w * (rows < 0 ? frame_h : std::min(rows, frame_h));
  for (int i = 0; i < n; ++i) {
    if (i % 126 == 0) codes += '\x80';
    codes += static_cast<char>(i % frame_w < frame_w / 2 ? 0 : 1);
  }
  codes += '\x81';
  for (size_t at = 0; at < codes.size(); at += 255) {
    const std::string part = codes.substr(at, 255);
    g += static_cast<char>(part.size());
    g += part;
  }
  g += std::string("\0\x3B", 2);
  return g;
}

std::unique_ptr<present::Display> screen(int w, int h) {
  present::DisplayOptions o;
  o.width = w;
  o.height = h;
  std::string err;
  auto d = present::open_headless(o, err);
  REQUIRE(d);
  return d;
}

// The frame as RGBA32 and one pixel of it as 0xRRGGBB.
struct Shot {
  render::SurfacePtr s;
  uint32_t rgb(int x, int y) const {
    const auto* p = static_cast<const Uint8*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch + 4 * x;
    return static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
  }
};
Shot shoot(present::Display& d) {
  std::string err;
  auto view = d.snapshot(err);
  REQUIRE(view);
  Shot s{render::SurfacePtr(SDL_ConvertSurfaceFormat(view.get(), SDL_PIXELFORMAT_RGBA32, 0))};
  REQUIRE(s.s);
  return s;
}

// A PNG written with libpng: colour type, bit depth and interlacing as
// given; pixel (x, y) channel c is f(x, y, c) (0..255, or 0..65535 at 16
// bits); `palette`/`trns` as given for palette images.
template <typename F>
std::string png_bytes(int w, int h, int type, int depth, bool interlaced, F f,
                      const std::vector<png_color>& palette = {}, const std::vector<png_byte>& trns = {}) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  REQUIRE((png && info));
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<const char*>(data), n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), depth, type,
               interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  if (!trns.empty()) png_set_tRNS(png, info, trns.data(), static_cast<int>(trns.size()), nullptr);
  png_write_info(png, info);
  const int channels = png_get_channels(png, info);
  const int bits = channels * depth;  // a pixel's; below 8, pixels are packed from the high bit
  std::vector<std::vector<png_byte>> rows(static_cast<size_t>(h));
  std::vector<png_bytep> ptrs;
  for (int y = 0; y < h; ++y) {
    auto& row = rows[static_cast<size_t>(y)];
    row.resize(static_cast<size_t>((w * bits + 7) / 8));
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c) {
        const int v = f(x, y, c);
        const int bit = x * bits + c * depth;
        auto* at = &row[static_cast<size_t>(bit / 8)];
        if (depth == 16) {
          at[0] = static_cast<png_byte>(v >> 8);
          at[1] = static_cast<png_byte>(v & 0xFF);
        } else {
          at[0] = static_cast<png_byte>(at[0] | v << (8 - depth - bit % 8));
        }
      }
    ptrs.push_back(row.data());
  }
  png_write_image(png, ptrs.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

// A surface's pixel (x, y) as 0xAARRGGBB, whatever its 32-bit format.
uint32_t argb(const SDL_Surface* s, int x, int y) {
  Uint32 px = 0;
  std::memcpy(&px, static_cast<const Uint8*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch + 4 * x, 4);
  Uint8 r = 0, g = 0, b = 0, a = 0;
  SDL_GetRGBA(px, s->format, &r, &g, &b, &a);
  return static_cast<uint32_t>(a) << 24 | static_cast<uint32_t>(r) << 16 | static_cast<uint32_t>(g) << 8 | b;
}

}  // namespace

TEST_CASE("a photo larger than the screen becomes a texture that just covers it, colours kept") {
  const auto path = save(make(4000, 3000, [](int x, int) { return x < 2000 ? 0xFF0000u : 0x0000FFu; }),
                         "photo_4000x3000.png");
  auto d = screen(1920, 1080);
  std::string err;
  int w = 0, h = 0;
  auto tex = render::load_texture(d->renderer(), path, 1920, 1080, w, h, err);
  REQUIRE(tex);
  CHECK(err.empty());
  CHECK(w == 1920);  // 4:3 covering 16:9: the width decides
  CHECK(h == 1440);
  int tw = 0, th = 0;
  SDL_QueryTexture(tex.get(), nullptr, nullptr, &tw, &th);
  CHECK((tw == 1920 && th == 1440));

  render::Painter painter(d->renderer());
  render::DisplayList list;
  list.width = 1920;
  list.height = 1080;
  list.clear = render::Color{0x10, 0x20, 0x30, 255};
  list.ops.push_back(render::ImageOp{path, 0, 0, 1920, 1080, false});  // fit: 1440 x 1080 at x = 240
  painter.paint(list);
  CHECK(painter.last_error().empty());
  const Shot shot = shoot(*d);
  CHECK(shot.rgb(100, 540) == 0x102030u);   // letterbox
  CHECK(shot.rgb(600, 540) == 0xFF0000u);   // left half of the photo
  CHECK(shot.rgb(1320, 540) == 0x0000FFu);  // right half
  CHECK(shot.rgb(1820, 540) == 0x102030u);
  std::remove(path.c_str());
}

TEST_CASE("scaling down averages fine detail instead of sampling it") {
  // Black and white noise, scaled by 4: a box filter averages 16 pixels
  // (almost never all alike); sampling one or two would leave black, white
  // or exactly mid-grey pixels everywhere.
  std::mt19937 rng(7);
  const auto path =
      save(make(4000, 3000, [&](int, int) { return (rng() & 1) ? 0xFFFFFFu : 0u; }), "noise_4000x3000.png");
  auto d = screen(1000, 750);
  std::string err;
  int w = 0, h = 0;
  auto tex = render::load_texture(d->renderer(), path, 1000, 750, w, h, err);
  REQUIRE(tex);
  REQUIRE((w == 1000 && h == 750));
  SDL_RenderCopy(d->renderer(), tex.get(), nullptr, nullptr);
  const Shot shot = shoot(*d);
  // Means of 16 pixels: mid-grey with a spread of ~32 levels; pure black or
  // white about once in 2 000. Means of 2 (bilinear): half of them pure.
  size_t extreme = 0, n = 0;
  double sum = 0, sq = 0;
  for (int y = 0; y < 750; y += 3)
    for (int x = 0; x < 1000; x += 3) {
      const uint32_t g = shot.rgb(x, y) & 0xFF;
      extreme += g < 32 || g > 223;
      sum += g;
      sq += static_cast<double>(g) * g;
      ++n;
    }
  const double mean = sum / static_cast<double>(n);
  CHECK(static_cast<double>(extreme) / static_cast<double>(n) < 0.01);
  CHECK(mean == Approx(127.5).margin(4));
  CHECK(std::sqrt(sq / static_cast<double>(n) - mean * mean) < 45);
  std::remove(path.c_str());
}

TEST_CASE("an image whose header declares too many pixels is refused before it is decoded") {
  // A PNG header for 30000 x 30000 (3.6 GB decoded); the rest does not matter.
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0\0\0\0\0", 33);
  png += std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12);
  const std::string path = "bomb.png";
  std::ofstream(path, std::ios::binary) << png;
  auto d = screen(320, 240);
  std::string err;
  int w = 0, h = 0;
  CHECK_FALSE(render::load_texture(d->renderer(), path, 320, 240, w, h, err));
  CHECK(err == "image bomb.png is too large: 30000x30000 px (limit 50 MP)");
  // The painter draws the box and reports it once; the show goes on.
  render::Painter painter(d->renderer());
  render::DisplayList list;
  list.clear = render::Color{0x10, 0x20, 0x30, 255};
  list.ops.push_back(render::ImageOp{path, 0, 0, 320, 240, false});
  painter.paint(list);
  CHECK(painter.last_error() == err);
  CHECK(shoot(*d).rgb(160, 120) == 0x102030u);
  std::remove(path.c_str());
}

TEST_CASE("a GIF whose first frame is larger than its screen is refused by the frame's size") {
  // SDL2_image decodes the first frame at its own size: this file says
  // 10 x 10 on its screen and 12000 x 12000 (144 MP) on its frame.
  const std::string path = "frame-bomb.gif";
  std::ofstream(path, std::ios::binary) << gif_file(10, 10, 12000, 12000, 64);
  auto d = screen(320, 240);
  std::string err;
  int w = 0, h = 0;
  CHECK_FALSE(render::load_texture(d->renderer(), path, 320, 240, w, h, err));
  CHECK(err == "image frame-bomb.gif is too large: 12000x12000 px (limit 50 MP)");
  std::remove(path.c_str());
}

TEST_CASE("a GIF is decoded: its first frame, drawn with its colours") {
  const std::string path = "frames.gif";
  std::ofstream(path, std::ios::binary) << gif_file(40, 30, 40, 30);
  auto d = screen(40, 30);
  std::string err;
  int w = 0, h = 0;
  auto t = render::load_texture(d->renderer(), path, 40, 30, w, h, err);
  REQUIRE(t);
  CHECK(err.empty());
  CHECK((w == 40 && h == 30));
  REQUIRE(SDL_RenderCopy(d->renderer(), t.get(), nullptr, nullptr) == 0);
  const Shot shot = shoot(*d);
  CHECK(shot.rgb(5, 15) == 0xFF0000u);   // left half: palette entry 0
  CHECK(shot.rgb(35, 15) == 0x0000FFu);  // right half: palette entry 1
  std::remove(path.c_str());
}

TEST_CASE("an image in a format whose size cannot be read first is refused with a reason") {
  // An SVG (which SDL2_image would render at whatever size it declares:
  // 9000 x 9000 is 324 MB) and a PNG cut off before its size.
  const std::string svg(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9000\" height=\"9000\">"
      "<rect width=\"10\" height=\"10\" fill=\"red\"/></svg>");
  const std::string cut("\x89PNG\r\n\x1a\n\0\0\0\x0dIH", 14);
  auto d = screen(320, 240);
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"bomb.svg", svg}, {"cut.png", cut}}) {
    std::ofstream(name, std::ios::binary) << bytes;
    std::string err;
    int w = 0, h = 0;
    CHECK_FALSE(render::load_texture(d->renderer(), name, 320, 240, w, h, err));
    CHECK(err == "image " + name + " is not a PNG, JPEG, GIF, BMP or WebP file, or its header is cut short");
    std::remove(name.c_str());
  }
}

TEST_CASE("read_image_header reads PNG, JPEG, BMP, GIF and WebP headers") {
  const auto s = make(123, 45, [](int x, int y) { return static_cast<uint32_t>(x * 2 + y); });
  auto read = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream o;
    o << f.rdbuf();
    return o.str();
  };
  const std::string png = read(save(s, "size.png"));
  REQUIRE(IMG_SaveJPG(s.get(), "size.jpg", 80) == 0);
  const std::string jpg = read("size.jpg");
  REQUIRE(SDL_SaveBMP(s.get(), "size.bmp") == 0);
  const std::string bmp = read("size.bmp");
  for (const auto* f : {"size.png", "size.jpg", "size.bmp"}) std::remove(f);
  using F = render::ImageFormat;
  for (const auto& [b, format] :
       {std::pair{&png, F::png}, std::pair{&jpg, F::jpeg}, std::pair{&bmp, F::bmp}}) {
    const auto z = render::read_image_header(*b);
    CHECK(z.w == 123);
    CHECK(z.h == 45);
    CHECK(z.format == format);
    // Cut short anywhere before the size: unknown, never a wrong size.
    for (size_t n = 0; n < std::min<size_t>(b->size(), 700); ++n) {
      const auto c = render::read_image_header(std::string_view(*b).substr(0, n));
      CHECK(((c.w == 0 && c.h == 0 && c.format == F::unknown) ||
             (c.w == 123 && c.h == 45 && c.format == format)));
    }
  }
  const std::string gif = gif_file(123, 45, 123, 45);
  CHECK(render::read_image_header(gif).w == 123);
  CHECK(render::read_image_header(gif).h == 45);
  CHECK(render::read_image_header(gif).format == F::gif);
  for (size_t n = 0; n < gif.size(); ++n) {
    const auto c = render::read_image_header(std::string_view(gif).substr(0, n));
    CHECK(((c.w == 0 && c.h == 0) || (c.w == 123 && c.h == 45)));
  }
  // WebP, extended format: canvas size minus one in 24 bits.
  std::string webp("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\x7a\0\0\x2c\0\0", 30);
  CHECK(render::read_image_header(webp).w == 123);
  CHECK(render::read_image_header(webp).h == 45);
  CHECK(render::read_image_header(webp).format == F::webp);
  CHECK(render::read_image_header("not an image at all").w == 0);
  CHECK(render::read_image_header("not an image at all").format == F::unknown);
}

TEST_CASE("a phone photo stored sideways is shown upright (EXIF orientation)") {
  // 60 x 40 as stored: left half red, right half blue. EXIF orientation 6
  // ("turn 90 degrees clockwise to view") makes it 40 x 60, red on top.
  const auto s = make(60, 40, [](int x, int) { return x < 30 ? 0xFF0000u : 0x0000FFu; });
  REQUIRE(IMG_SaveJPG(s.get(), "turned.jpg", 95) == 0);
  std::ifstream in("turned.jpg", std::ios::binary);
  std::ostringstream o;
  o << in.rdbuf();
  const std::string plain = o.str();
  // `base` with an APP1 segment saying orientation `v`.
  auto exif = [](const std::string& base, int v, bool little_endian) {
    const std::string tiff = little_endian
                                 ? std::string("II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0", 18) +
                                       char(v) + std::string("\0\0\0\0\0\0\0", 7)
                                 : std::string("MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0", 19) +
                                       char(v) + std::string("\0\0\0\0\0\0", 6);
    const std::string app1 = std::string("Exif\0\0", 6) + tiff;
    const size_t len = app1.size() + 2;
    return base.substr(0, 2) + "\xff\xe1" + char(len >> 8) + char(len & 0xFF) + app1 + base.substr(2);
  };
  auto with_orientation = [&](int v, bool little_endian) { return exif(plain, v, little_endian); };
  // Loads `jpg` through a file, checks the texture's size and draws it.
  auto upright = [](present::Display& dsp, const std::string& jpg, int want_w, int want_h) {
    std::ofstream("turned.jpg", std::ios::binary | std::ios::trunc) << jpg;
    std::string err;
    int w = 0, h = 0;
    auto tex = render::load_texture(dsp.renderer(), "turned.jpg", 0, 0, w, h, err);
    REQUIRE(tex);
    CHECK((w == want_w && h == want_h));
    SDL_RenderCopy(dsp.renderer(), tex.get(), nullptr, nullptr);
    return shoot(dsp);
  };
  auto d = screen(40, 60);
  for (const bool le : {true, false}) {
    INFO((le ? "II" : "MM"));
    const std::string jpg = with_orientation(6, le);
    CHECK(render::read_image_header(jpg).orientation == 6);
    CHECK(render::read_image_header(jpg).w == 60);  // as stored
    const Shot shot = upright(*d, jpg, 40, 60);
    const uint32_t top = shot.rgb(20, 10), bottom = shot.rgb(20, 50);
    CHECK((top >> 16) > 0xC0);  // red
    CHECK((top & 0xFF) < 0x40);
    CHECK((bottom & 0xFF) > 0xC0);  // blue
    CHECK((bottom >> 16) < 0x40);
  }
  // 8 (turn counter-clockwise): blue on top; 3 (upside down): blue on the left.
  CHECK((upright(*d, with_orientation(8, true), 40, 60).rgb(20, 10) & 0xFF) > 0xC0);
  auto d3 = screen(60, 40);
  CHECK((upright(*d3, with_orientation(3, true), 60, 40).rgb(10, 20) & 0xFF) > 0xC0);
  // All eight, on quadrants (stored: red, green / blue, white), as the EXIF
  // specification draws them: the colour at each displayed quadrant.
  const auto q = make(60, 40, [](int x, int y) {
    return y < 20 ? (x < 30 ? 0xFF0000u : 0x00FF00u) : (x < 30 ? 0x0000FFu : 0xFFFFFFu);
  });
  REQUIRE(IMG_SaveJPG(q.get(), "turned.jpg", 95) == 0);
  std::ifstream qin("turned.jpg", std::ios::binary);
  std::ostringstream qo;
  qo << qin.rdbuf();
  const std::string quadrants = qo.str();
  const auto name = [](uint32_t c) {
    const int r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF, b = c & 0xFF;
    return r > 0xC0 && g > 0xC0 && b > 0xC0 ? 'W' : r > 0xC0 ? 'R' : g > 0xC0 ? 'G' : b > 0xC0 ? 'B' : '?';
  };
  // Top left, top right, bottom left, bottom right.
  const char* const want[9] = {"", "RGBW", "GRWB", "WBGR", "BWRG", "RBGW", "BRWG", "WGBR", "GWRB"};
  auto d60x40 = screen(60, 40), d40x60 = screen(40, 60);
  for (int v = 1; v <= 8; ++v) {
    INFO("orientation " << v);
    const bool turned = v >= 5;
    const int w = turned ? 40 : 60, h = turned ? 60 : 40;
    const std::string jpg = v == 1 ? quadrants : exif(quadrants, v, true);
    const Shot shot = upright(turned ? *d40x60 : *d60x40, jpg, w, h);
    const std::string seen = {name(shot.rgb(w / 4, h / 4)), name(shot.rgb(3 * w / 4, h / 4)),
                              name(shot.rgb(w / 4, 3 * h / 4)), name(shot.rgb(3 * w / 4, 3 * h / 4))};
    CHECK(seen == want[v]);
  }
  // Malformed EXIF (IFD offset past the end) is ignored: as stored.
  std::string bad = with_orientation(6, true);
  bad[2 + 2 + 2 + 6 + 4] = '\x7f';
  CHECK(render::read_image_header(bad).orientation == 1);
  std::remove("turned.jpg");
}

TEST_CASE(
    "an image is decoded for the slide's size, not the screen's (a portrait slide on a turned screen)") {
  auto d = screen(640, 480);
  const auto path = save(make(1200, 1600, [](int, int) { return 0x808080u; }), "portrait.png");
  render::Painter painter(d->renderer());
  render::DisplayList list;
  list.width = 480;  // the slide is portrait; the renderer's output is not
  list.height = 640;
  list.ops = {render::ImageOp{path, 0, 0, 480, 640, true}};
  painter.paint(list);
  CHECK(painter.last_error().empty());
  CHECK(painter.image_cache_bytes() == 480u * 640u * 4u);  // covering 640 x 480 instead: 640 x 853
  std::remove(path.c_str());
}

TEST_CASE("the image cache stays within its byte budget, least recently drawn out first") {
  auto d = screen(640, 480);
  render::Painter painter(d->renderer(), 1u << 20, 2u << 20);  // images: 2 MiB, two of these
  std::vector<std::string> paths;
  for (uint32_t i = 0; i < 3; ++i)  // 480 x 480 (smaller than the screen: kept as is), 921 600 bytes
    paths.push_back(save(make(480, 480, [i](int, int) { return 0x3F0000u * (i + 1); }),
                         "cache" + std::to_string(i) + ".png"));
  render::DisplayList list;
  list.clear = render::Color{0, 0, 0, 255};
  auto draw = [&](size_t i) {
    list.ops = {render::ImageOp{paths[i], 0, 0, 640, 480, true}};
    painter.paint(list);
    return shoot(*d).rgb(320, 240);
  };
  CHECK(draw(0) == 0x3F0000u);
  CHECK(draw(1) == 0x7E0000u);
  CHECK(painter.image_cache_bytes() == 2u * 921600u);
  CHECK(draw(0) == 0x3F0000u);  // 0 is now the most recent
  CHECK(painter.image_cache_stats().evictions == 0);
  CHECK(draw(2) == 0xBD0000u);  // 1 goes
  CHECK(painter.image_cache_bytes() == 2u * 921600u);
  CHECK(painter.image_cache_stats().evictions == 1);  // counted (status.json, paizi_cache_evictions_total)
  CHECK(painter.image_cache_stats().entries == 2);
  CHECK(painter.last_error().empty());
  // Without the files, what is cached still draws; what went does not.
  for (const auto& p : paths) std::remove(p.c_str());
  CHECK(draw(0) == 0x3F0000u);
  CHECK(draw(2) == 0xBD0000u);
  CHECK(painter.last_error().empty());
  CHECK(draw(1) == 0u);  // the letterbox colour: reloading failed
  CHECK(painter.last_error().find("cache1.png") != std::string::npos);
}

TEST_CASE("a picture is decoded for the box it is drawn in; a larger box loads it again") {
  auto d = screen(640, 480);
  const auto path =
      save(make(1600, 1000, [](int x, int y) { return static_cast<uint32_t>(x % 256 << 8 | y % 256); }),
           "boxed.png");
  render::Painter painter(d->renderer());
  // A news picture's box (the side column): 1600 x 1000 kept at 200 x 125,
  // not at the screen's cover size (768 x 480).
  CHECK(painter.load_image(path, 200, 125));
  CHECK(painter.image_cache_bytes() == 200u * 125u * 4u);
  render::DisplayList list;
  list.width = 640;
  list.height = 480;
  list.ops = {render::ImageOp{path, 10, 10, 200, 125, true}};
  painter.paint(list);                       // drawn in that box: the same entry
  CHECK(painter.load_image(path, 100, 60));  // a smaller box: the same entry
  CHECK(painter.image_cache_bytes() == 200u * 125u * 4u);
  // A full-screen image slide of the same picture: loaded again, covering it.
  list.ops = {render::ImageOp{path, 0, 0, 640, 480, true}};
  painter.paint(list);
  CHECK(painter.image_cache_bytes() == 768u * 480u * 4u);
  CHECK(painter.image_cache_stats().entries == 1);
  CHECK(painter.load_image(path, 200, 125));  // back to the small box: nothing is reloaded
  CHECK(painter.image_cache_bytes() == 768u * 480u * 4u);
  CHECK(painter.last_error().empty());
  // The file gone before a larger box asks: the smaller copy is drawn.
  render::Painter other(d->renderer());
  CHECK(other.load_image(path, 200, 125));
  std::remove(path.c_str());
  list.clear = render::Color{255, 0, 255, 255};  // the picture has no red; the letterbox has
  other.paint(list);
  CHECK((shoot(*d).rgb(320, 240) & 0xFF0000u) == 0u);
  CHECK(other.image_failures() == 0);
  CHECK(other.image_cache_bytes() == 200u * 125u * 4u);
  other.paint(list);  // and is not tried again
  CHECK(other.image_failures() == 0);
}

TEST_CASE("a 24-bit picture scaled down gives the pixels of the same picture at 32 bits") {
  // SDL_image decodes a 24-bit BMP to 24 bits: halved as decoded, widened to
  // 32 bits only at the reduced size. The result must be the 32-bit path's
  // (a 32-bit BMP), pixel for pixel.
  std::mt19937 rng(11);
  render::SurfacePtr src = make(1600, 1000, [&](int, int) { return rng() & 0xFFFFFFu; });
  render::SurfacePtr rgb(SDL_ConvertSurfaceFormat(src.get(), SDL_PIXELFORMAT_RGB24, 0));
  REQUIRE(rgb);
  REQUIRE(SDL_SaveBMP(rgb.get(), "p24.bmp") == 0);
  REQUIRE(SDL_SaveBMP(src.get(), "p32.bmp") == 0);
  for (const auto& [file, bytes] : {std::pair{"p24.bmp", 3}, std::pair{"p32.bmp", 4}}) {
    render::SurfacePtr back(IMG_Load(file));
    REQUIRE(back);
    REQUIRE(back->format->BytesPerPixel == bytes);  // the two paths are taken
  }
  auto d = screen(300, 200);
  auto draw = [&](const char* file) {
    std::string err;
    int w = 0, h = 0;
    auto tex = render::load_texture(d->renderer(), file, 300, 200, w, h, err);  // halved twice, then bilinear
    REQUIRE(tex);
    REQUIRE((w == 320 && h == 200));
    SDL_RenderCopy(d->renderer(), tex.get(), nullptr, nullptr);
    return shoot(*d);
  };
  const Shot a = draw("p24.bmp"), b = draw("p32.bmp");
  size_t differ = 0;
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 300; ++x) differ += a.rgb(x, y) != b.rgb(x, y);
  CHECK(differ == 0);
  std::remove("p24.bmp");
  std::remove("p32.bmp");
}

TEST_CASE("a JPEG photo is decoded at the eighth, quarter or half of its size that covers the box") {
  const render::SurfacePtr photo =
      make(4000, 3000, [](int x, int) { return x < 2000 ? 0xFF0000u : 0x0000FFu; });
  REQUIRE(IMG_SaveJPG(photo.get(), "photo_4000x3000.jpg", 90) == 0);
  std::string bytes;
  REQUIRE(platform::read_whole_file("photo_4000x3000.jpg", bytes));
  std::string err;
  // 1000 x 750 is a quarter; one more pixel across needs a half.
  for (const auto& [cw, ch, want_w, want_h] :
       {std::tuple{1000, 750, 1000, 750}, std::tuple{1001, 750, 2000, 1500}, std::tuple{400, 300, 500, 375},
        std::tuple{4000, 3000, 4000, 3000}}) {
    const render::SurfacePtr s = render::decode_jpeg(bytes, cw, ch, err);
    REQUIRE(s);
    CHECK(s->w == want_w);
    CHECK(s->h == want_h);
  }
  CHECK(err.empty());
  // A cut file: the part that is there (libjpeg fills the rest), as SDL_image does;
  // a broken header: the reason, no surface.
  CHECK(render::decode_jpeg(std::string_view(bytes).substr(0, bytes.size() / 2), 500, 375, err));
  std::string broken = bytes.substr(0, 200);
  broken[2] = '\xFF';
  broken[3] = '\xC0';  // a frame header where the APP0 segment was
  CHECK_FALSE(render::decode_jpeg(broken, 500, 375, err));
  CHECK_FALSE(err.empty());

  // Through the cache: covering 1920 x 1080 takes the half (2000 x 1500),
  // then the bilinear step to 1920 x 1440; the colours are kept.
  auto d = screen(1920, 1080);
  int w = 0, h = 0;
  bool reduced = false;
  err.clear();
  auto tex = render::load_texture(d->renderer(), "photo_4000x3000.jpg", 1920, 1080, w, h, err, &reduced);
  REQUIRE(tex);
  CHECK((w == 1920 && h == 1440));
  CHECK(reduced);
  SDL_Rect dst{0, 0, 1920, 1440};
  SDL_RenderCopy(d->renderer(), tex.get(), nullptr, &dst);
  const Shot shot = shoot(*d);
  auto near = [](uint32_t got, uint32_t want) {
    for (int sh = 0; sh < 24; sh += 8)
      if (std::abs(static_cast<int>(got >> sh & 0xFF) - static_cast<int>(want >> sh & 0xFF)) > 6)
        return false;
    return true;
  };
  CHECK(near(shot.rgb(400, 540), 0xFF0000u));
  CHECK(near(shot.rgb(1500, 540), 0x0000FFu));
  // A box the photo's own size: decoded whole, not reduced.
  tex = render::load_texture(d->renderer(), "photo_4000x3000.jpg", 4000, 3000, w, h, err, &reduced);
  REQUIRE(tex);
  CHECK((w == 4000 && h == 3000));
  CHECK_FALSE(reduced);
  std::remove("photo_4000x3000.jpg");
}

namespace {

// How a CMYK JPEG stores its inks.
enum class CmykStore {
  adobe,  // inverted (255: no ink) with Adobe's APP14 marker, as Photoshop writes them
  plain,  // as they are (255: full ink), no marker
  ycck,   // YCCK (Adobe's transform 2, inverted inks)
};

// A w x h CMYK JPEG (libjpeg), the left half the inks `left`, the right
// half `right`, each {c, m, y, k} from 0 (none) to 255 (full).
std::string cmyk_jpeg(int w, int h, std::array<int, 4> left, std::array<int, 4> right, CmykStore how) {
  jpeg_compress_struct c{};
  jpeg_error_mgr e{};
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  jpeg_mem_dest(&c, &buf, &len);
  c.image_width = static_cast<JDIMENSION>(w);
  c.image_height = static_cast<JDIMENSION>(h);
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 95, TRUE);
  if (how == CmykStore::ycck) jpeg_set_colorspace(&c, JCS_YCCK);
  if (how == CmykStore::plain) c.write_Adobe_marker = FALSE;
  jpeg_start_compress(&c, TRUE);
  std::vector<unsigned char> row(4 * static_cast<size_t>(w));
  for (int x = 0; x < w; ++x)
    for (int ch = 0; ch < 4; ++ch) {
      const int ink = (x < w / 2 ? left : right)[static_cast<size_t>(ch)];
      row[4 * static_cast<size_t>(x) + static_cast<size_t>(ch)] =
          static_cast<unsigned char>(how == CmykStore::plain ? ink : 255 - ink);
    }
  while (c.next_scanline < c.image_height) {
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<const char*>(buf), len);
  std::free(buf);
  jpeg_destroy_compress(&c);
  return out;
}

}  // namespace

TEST_CASE("a CMYK JPEG (print work) is shown in its colours: Adobe's inverted inks, plain inks, YCCK") {
  // Full cyan ink is (0, 255, 255); magenta and yellow under half black, a dark red.
  const std::array<int, 4> cyan{255, 0, 0, 0}, red_half_black{0, 255, 255, 128};
  auto near = [](uint32_t got, uint32_t want) {
    for (int sh = 0; sh < 24; sh += 8)
      if (std::abs(static_cast<int>(got >> sh & 0xFF) - static_cast<int>(want >> sh & 0xFF)) > 6)
        return false;
    return true;
  };
  for (const CmykStore how : {CmykStore::adobe, CmykStore::plain, CmykStore::ycck}) {
    INFO("stored as " << static_cast<int>(how));
    const std::string bytes = cmyk_jpeg(64, 32, cyan, red_half_black, how);
    std::string err;
    const render::SurfacePtr s = render::decode_jpeg(bytes, 64, 32, err);
    INFO(err);
    REQUIRE(s);
    CHECK((s->w == 64 && s->h == 32));
    INFO(std::hex << argb(s.get(), 12, 16) << " " << argb(s.get(), 52, 16));
    CHECK(near(argb(s.get(), 12, 16), 0x00FFFFu));
    CHECK(near(argb(s.get(), 52, 16), 0x7F0000u));
    CHECK(argb(s.get(), 12, 16) >> 24 == 0xFF);
  }
  // The whole way, file to screen (SDL_image drew these with the inks as colours).
  {
    std::ofstream("print.jpg", std::ios::binary)
        << cmyk_jpeg(640, 320, cyan, red_half_black, CmykStore::adobe);
  }
  auto d = screen(640, 320);
  int w = 0, h = 0;
  std::string err;
  auto tex = render::load_texture(d->renderer(), "print.jpg", 640, 320, w, h, err);
  INFO(err);
  REQUIRE(tex);
  SDL_Rect dst{0, 0, w, h};
  SDL_RenderCopy(d->renderer(), tex.get(), nullptr, &dst);
  const Shot shot = shoot(*d);
  CHECK(near(shot.rgb(100, 160), 0x00FFFFu));
  CHECK(near(shot.rgb(540, 160), 0x7F0000u));
  std::remove("print.jpg");
}

TEST_CASE("a PNG is halved as its rows are decoded: the pixels of halving the decoded image") {
  // Odd sizes (a trailing row and column dropped at each halving), noise in
  // every channel, with and without alpha; the reference is SDL_image's
  // whole decode, halved in the test.
  std::mt19937 rng(5);
  auto noise = [&](int, int, int) { return static_cast<int>(rng() & 0xFF); };
  auto halve = [](const render::SurfacePtr& s) {
    render::SurfacePtr d(SDL_CreateRGBSurfaceWithFormat(0, s->w / 2, s->h / 2, 32, SDL_PIXELFORMAT_ARGB8888));
    REQUIRE(d);
    for (int y = 0; y < d->h; ++y)
      for (int x = 0; x < d->w; ++x) {
        uint32_t out = 0;
        for (int sh = 0; sh < 32; sh += 8) {
          const uint32_t sum = (argb(s.get(), 2 * x, 2 * y) >> sh & 0xFF) +
                               (argb(s.get(), 2 * x + 1, 2 * y) >> sh & 0xFF) +
                               (argb(s.get(), 2 * x, 2 * y + 1) >> sh & 0xFF) +
                               (argb(s.get(), 2 * x + 1, 2 * y + 1) >> sh & 0xFF);
          out |= (sum + 2) / 4 << sh;
        }
        std::memcpy(static_cast<Uint8*>(d->pixels) + static_cast<ptrdiff_t>(y) * d->pitch + 4 * x, &out, 4);
      }
    return d;
  };
  for (const int type : {PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA}) {
    const std::string bytes = png_bytes(203, 131, type, 8, false, noise);
    render::SurfacePtr ref(SDL_ConvertSurfaceFormat(
        render::SurfacePtr(IMG_Load_RW(SDL_RWFromConstMem(bytes.data(), static_cast<int>(bytes.size())), 1))
            .get(),
        SDL_PIXELFORMAT_ARGB8888, 0));
    REQUIRE(ref);
    for (int halvings = 0; halvings <= 3; ++halvings) {
      INFO("colour type " << type << ", " << halvings << " halvings");
      std::string err;
      const render::SurfacePtr s = render::decode_png(bytes, halvings, err);
      REQUIRE(s);
      CHECK(err.empty());
      CHECK(s->format->format ==
            (type == PNG_COLOR_TYPE_RGB ? SDL_PIXELFORMAT_RGB888 : SDL_PIXELFORMAT_ARGB8888));
      REQUIRE((s->w == ref->w && s->h == ref->h));
      size_t differ = 0;
      for (int y = 0; y < s->h; ++y)
        for (int x = 0; x < s->w; ++x) differ += argb(s.get(), x, y) != argb(ref.get(), x, y);
      CHECK(differ == 0);
      ref = halve(ref);
    }
  }
}

TEST_CASE("PNGs of every colour type decode to their colours; interlaced ones go to SDL_image") {
  std::string err;
  // Grey at 4 bits: expanded to 8 (0xA -> 0xAA).
  render::SurfacePtr s = render::decode_png(
      png_bytes(3, 2, PNG_COLOR_TYPE_GRAY, 4, false, [](int, int, int) { return 0xA; }), 0, err);
  REQUIRE(s);
  CHECK(argb(s.get(), 2, 1) == 0xFFAAAAAAu);
  // 16 bits a channel with alpha: the high bytes.
  s = render::decode_png(png_bytes(4, 4, PNG_COLOR_TYPE_RGB_ALPHA, 16, false,
                                   [](int, int, int c) {
                                     return std::array{0x1234, 0x5678, 0x9ABC, 0x8000}[c];
                                   }),
                         1, err);
  REQUIRE(s);
  CHECK((s->w == 2 && s->h == 2));
  CHECK(argb(s.get(), 1, 1) == 0x8012569Au);  // 0x1234, 0x5678, 0x9ABC, 0x8000: the high bytes
  // A palette with a transparent entry: its colours and alpha.
  const std::vector<png_color> palette{{0xFF, 0, 0}, {0, 0x80, 0xFF}};
  s = render::decode_png(png_bytes(4, 2, PNG_COLOR_TYPE_PALETTE, 8, false,
                                   [](int x, int, int) { return x % 2; }, palette, {0x00}),
                         0, err);
  REQUIRE(s);
  CHECK(argb(s.get(), 0, 0) == 0x00FF0000u);
  CHECK(argb(s.get(), 1, 0) == 0xFF0080FFu);
  CHECK(err.empty());

  // Interlaced: not decoded here, no error; load_texture takes SDL_image's
  // decode and gets the same picture.
  const std::string interlaced = png_bytes(64, 48, PNG_COLOR_TYPE_RGB, 8, true, [](int x, int, int c) {
    return c == 0 ? (x < 32 ? 255 : 0) : (c == 2 ? (x < 32 ? 0 : 255) : 0);
  });
  CHECK_FALSE(render::decode_png(interlaced, 0, err));
  CHECK(err.empty());
  { std::ofstream("interlaced.png", std::ios::binary) << interlaced; }
  auto d = screen(32, 24);
  int w = 0, h = 0;
  auto tex = render::load_texture(d->renderer(), "interlaced.png", 32, 24, w, h, err);
  REQUIRE(tex);
  CHECK((w == 32 && h == 24));
  SDL_RenderCopy(d->renderer(), tex.get(), nullptr, nullptr);
  const Shot shot = shoot(*d);
  CHECK(shot.rgb(4, 12) == 0xFF0000u);
  CHECK(shot.rgb(28, 12) == 0x0000FFu);
  std::remove("interlaced.png");
}

TEST_CASE("a cut or corrupt PNG is refused with libpng's reason, and nothing is drawn from it") {
  const std::string whole = png_bytes(300, 200, PNG_COLOR_TYPE_RGB, 8, false,
                                      [](int x, int y, int c) { return (x * 7 + y * 3 + c) & 0xFF; });
  std::string err;
  CHECK_FALSE(render::decode_png(std::string_view(whole).substr(0, whole.size() / 2), 1, err));
  CHECK(err.find("cut short") != std::string::npos);
  std::string corrupt = whole;
  const size_t idat = corrupt.find("IDAT");
  REQUIRE(idat != std::string::npos);
  corrupt[idat + 40] = static_cast<char>(corrupt[idat + 40] ^ 0x55);  // inside the compressed data
  err.clear();
  CHECK_FALSE(render::decode_png(corrupt, 1, err));
  CHECK_FALSE(err.empty());
  { std::ofstream("cut.png", std::ios::binary) << whole.substr(0, whole.size() / 2); }
  auto d = screen(150, 100);
  int w = 0, h = 0;
  err.clear();
  CHECK_FALSE(render::load_texture(d->renderer(), "cut.png", 150, 100, w, h, err));
  CHECK(err.find("cannot load image cut.png") == 0);
  std::remove("cut.png");
}
