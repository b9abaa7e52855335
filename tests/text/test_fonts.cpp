// Font loading: faces are read through paizi's own stream (pread, a block
// cache) and open lazily. These tests compare what FreeType and HarfBuzz see
// with what they see when they open the same file themselves.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <hb-ot.h>

#include "text/fonts.h"

using namespace paizi;

namespace {

std::vector<unsigned char> bitmap(FT_Face f, unsigned gid, int px) {
  REQUIRE(FT_Set_Pixel_Sizes(f, 0, static_cast<FT_UInt>(px)) == 0);
  REQUIRE(FT_Load_Glyph(f, gid, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT) == 0);
  REQUIRE(FT_Render_Glyph(f->glyph, FT_RENDER_MODE_NORMAL) == 0);
  const FT_Bitmap& b = f->glyph->bitmap;
  std::vector<unsigned char> out{static_cast<unsigned char>(b.width & 0xFF), static_cast<unsigned char>(b.rows & 0xFF)};
  for (unsigned y = 0; y < b.rows; ++y)
    out.insert(out.end(), b.buffer + static_cast<ptrdiff_t>(y) * b.pitch, b.buffer + static_cast<ptrdiff_t>(y) * b.pitch + b.width);
  return out;
}

}  // namespace

TEST_CASE("a face read through paizi's stream rasterises exactly like FreeType's own file access") {
  text::FontLibrary lib;
  for (const char* lang : {"zh-Hans", "ja", "en"}) {
    const text::FontChain& chain = lib.chain(text::FontRequest{"paizi-sans", lang, text::Weight::Regular});
    REQUIRE(!chain.faces.empty());
    text::Face* face = chain.primary();
    REQUIRE(face->ok());
    FT_Face own = nullptr;
    REQUIRE(FT_New_Face(lib.ft(), face->path().c_str(), face->index(), &own) == 0);
    INFO(face->path() << " #" << face->index());
    CHECK(own->num_glyphs == face->ft()->num_glyphs);
    CHECK(own->units_per_EM == face->ft()->units_per_EM);
    // Glyphs from all over the font (the stream's blocks are 4 KiB, its
    // cache 64 blocks: far-apart glyphs evict each other), each twice.
    const long n = own->num_glyphs;
    for (int round = 0; round < 2; ++round)
      for (long g = 1; g < n; g += std::max(1L, n / 97)) {
        const auto gid = static_cast<unsigned>(g);
        CHECK(bitmap(face->ft(), gid, 37 + round) == bitmap(own, gid, 37 + round));
      }
    FT_Done_Face(own);
  }
}

TEST_CASE("HarfBuzz gets the same tables as from the mapped file") {
  text::FontLibrary lib;
  text::Face* face = lib.chain(text::FontRequest{}).primary();
  REQUIRE(face != nullptr);
  hb_blob_t* file = hb_blob_create_from_file(face->path().c_str());
  hb_face_t* mapped = hb_face_create(file, static_cast<unsigned>(face->index()));
  hb_face_t* ours = hb_font_get_face(face->hb());
  for (hb_tag_t tag : {HB_TAG('c', 'm', 'a', 'p'), HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
                       HB_TAG('h', 'm', 't', 'x'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('O', 'S', '/', '2')}) {
    hb_blob_t* a = hb_face_reference_table(mapped, tag);
    hb_blob_t* b = hb_face_reference_table(ours, tag);
    unsigned la = 0, lb = 0;
    const char* da = hb_blob_get_data(a, &la);
    const char* db = hb_blob_get_data(b, &lb);
    INFO("table " << static_cast<char>(tag >> 24) << static_cast<char>(tag >> 16) << static_cast<char>(tag >> 8)
                  << static_cast<char>(tag));
    CHECK(la > 0);
    REQUIRE(la == lb);
    CHECK(std::memcmp(da, db, la) == 0);
    hb_blob_destroy(a);
    hb_blob_destroy(b);
  }
  // A table the font does not have is empty, not an error.
  hb_blob_t* none = hb_face_reference_table(ours, HB_TAG('z', 'z', 'z', 'z'));
  CHECK(hb_blob_get_length(none) == 0);
  hb_blob_destroy(none);
  hb_face_destroy(mapped);
  hb_blob_destroy(file);
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
