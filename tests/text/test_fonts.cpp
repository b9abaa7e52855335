// Font loading: faces open lazily, on first use, and the pages of their
// mapped files can be released from the resident set after a slide.
#include <cctype>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <hb.h>

#include "text/fonts.h"

using namespace paizi;

namespace {

std::vector<unsigned char> bitmap(FT_Face f, unsigned gid, int px) {
  REQUIRE(FT_Set_Pixel_Sizes(f, 0, static_cast<FT_UInt>(px)) == 0);
  REQUIRE(FT_Load_Glyph(f, gid, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT) == 0);
  REQUIRE(FT_Render_Glyph(f->glyph, FT_RENDER_MODE_NORMAL) == 0);
  const FT_Bitmap& b = f->glyph->bitmap;
  std::vector<unsigned char> out{static_cast<unsigned char>(b.width & 0xFF),
                                 static_cast<unsigned char>(b.rows & 0xFF)};
  for (unsigned y = 0; y < b.rows; ++y)
    out.insert(out.end(), b.buffer + static_cast<ptrdiff_t>(y) * b.pitch,
               b.buffer + static_cast<ptrdiff_t>(y) * b.pitch + b.width);
  return out;
}

}  // namespace

namespace {

// Resident kB of the mapping that starts at `base` (/proc/self/smaps). Other
// font libraries in this test binary map the same files: only this face's
// own mapping counts.
long resident_kb(const void* base) {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool mine = false;
  while (std::getline(in, line)) {
    const size_t dash = line.find('-');
    if (dash != std::string::npos && dash <= 16 && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find(' ') > dash) {
      mine = std::stoull(line.substr(0, dash), nullptr, 16) == reinterpret_cast<uintptr_t>(base);
    } else if (mine && line.rfind("Rss:", 0) == 0) {
      return std::stol(line.substr(4));
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("released font pages leave the resident set and come back intact") {
  text::FontLibrary lib;
  text::Face* face = lib.chain(text::FontRequest{"paizi-sans", "zh-Hans", text::Weight::Regular}).primary();
  REQUIRE(face != nullptr);
  REQUIRE(face->ok());
  const long n = face->ft()->num_glyphs;
  std::vector<std::vector<unsigned char>> before;
  for (long g = 1; g < n; g += std::max(1L, n / 200))
    before.push_back(bitmap(face->ft(), static_cast<unsigned>(g), 40));
  const void* base = face->ft()->stream->base;  // a memory face: the mapping itself
  const long touched = resident_kb(base);
  lib.release_file_pages();
  if (touched < 0) {
    // qemu-user (the armhf tests) shows the host's smaps, not the guest's
    // mappings: residency cannot be read there; the rest still runs.
    WARN("the font mapping is not in /proc/self/smaps (emulated?): residency not checked");
  } else {
    CHECK(touched > 200);  // 200 glyphs from all over the font
    CHECK(resident_kb(base) < touched / 4);
  }
  // The same glyphs, read again from the page cache, are the same bitmaps.
  size_t i = 0;
  for (long g = 1; g < n; g += std::max(1L, n / 200))
    CHECK(bitmap(face->ft(), static_cast<unsigned>(g), 40) == before[i++]);
  // And shaping still works (HarfBuzz reads the same mapping).
  hb_buffer_t* buf = hb_buffer_create();
  hb_buffer_add_utf8(buf, "永和九年", -1, 0, -1);
  hb_buffer_guess_segment_properties(buf);
  hb_shape(face->hb(), buf, nullptr, 0);
  unsigned count = 0;
  const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &count);
  REQUIRE(count == 4);
  for (unsigned k = 0; k < count; ++k) CHECK(info[k].codepoint != 0);
  hb_buffer_destroy(buf);
}

TEST_CASE("a fallback chain opens only the faces that are used") {
  text::FontLibrary lib;
  const text::FontChain& chain = lib.chain(text::FontRequest{"paizi-sans", "zh-Hans", text::Weight::Regular});
  REQUIRE(chain.faces.size() >= 3);
  CHECK(chain.faces[0]->is_open());  // the primary sets the line metrics
  size_t open = 0;
  for (const text::Face* f : chain.faces) open += f->is_open();
  CHECK(open == 1);
  // A character only a later face covers opens that face, and no other.
  int later = -1;
  for (char32_t c : {U'\u2200', U'\u0e01', U'\u05d0', U'\u0394', U'\u263a'}) {
    if (!chain.faces[0]->covers(c)) {
      later = chain.pick(c);
      if (later > 0) break;
    }
  }
  REQUIRE(later > 0);
  CHECK(chain.faces[static_cast<size_t>(later)]->is_open());
  open = 0;
  for (const text::Face* f : chain.faces) open += f->is_open();
  CHECK(open == 2);
}

TEST_CASE("faces open once when several threads ask at the same time") {
  text::FontLibrary lib;
  const text::FontChain& chain = lib.chain(text::FontRequest{"paizi-serif", "zh-Hant", text::Weight::Bold});
  REQUIRE(!chain.faces.empty());
  std::vector<std::thread> threads;
  std::vector<std::vector<hb_font_t*>> seen(4);
  for (size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back([&, t] {
      for (const text::Face* f : chain.faces) seen[t].push_back(f->hb());
    });
  for (auto& th : threads) th.join();
  for (size_t t = 1; t < seen.size(); ++t) CHECK(seen[t] == seen[0]);
}
