// Font discovery (fontconfig), loading (FreeType) and shaping handles
// (HarfBuzz). Faces are opened once per (file, index) and shared by every
// chain that uses them; the FontLibrary owns them all.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include "platform/handle.h"

namespace paizi::text {

enum class Weight { Regular, Bold };

// Owners of the FreeType, HarfBuzz and fontconfig objects (platform/handle.h).
using FtLibraryPtr = platform::CPtr<FT_LibraryRec_, FT_Done_FreeType>;
using FtFacePtr = platform::CPtr<FT_FaceRec_, FT_Done_Face>;
using HbBlobPtr = platform::CPtr<hb_blob_t, hb_blob_destroy>;
using HbFacePtr = platform::CPtr<hb_face_t, hb_face_destroy>;
using HbFontPtr = platform::CPtr<hb_font_t, hb_font_destroy>;
using HbBufferPtr = platform::CPtr<hb_buffer_t, hb_buffer_destroy>;
using FcConfigPtr = platform::CPtr<FcConfig, FcConfigDestroy>;
using FcPatternPtr = platform::CPtr<FcPattern, FcPatternDestroy>;
using FcFontSetPtr = platform::CPtr<FcFontSet, FcFontSetDestroy>;
using FcCharSetPtr = platform::CPtr<FcCharSet, FcCharSetDestroy>;

// One font face. Valid as long as its FontLibrary lives. Not thread-safe.
class Face {
 public:
  Face(FT_Library lib, const std::string& path, int index, const FcCharSet* charset);
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;

  // A face opens its file on first use (ok(), ft(), hb() or a metric), not
  // when a fallback chain lists it: most of a chain never draws a glyph.
  // Thread-safe. ok() is false when the file cannot be opened or parsed.
  bool ok() const { return ensure(), ft_ != nullptr; }
  // From fontconfig's charset: needs no opening.
  bool covers(char32_t c) const { return charset_ && FcCharSetHasChar(charset_.get(), c); }
  FT_Face ft() const { return ensure(), ft_.get(); }
  // HarfBuzz font scaled to font units (scale == upem): positions are linear
  // in size, so one shaping serves every pixel size.
  hb_font_t* hb() const { return ensure(), hb_font_.get(); }
  int upem() const { return ensure(), upem_; }
  // Font units that make one em of the text this face is set in: upem for
  // outline faces; for a colour bitmap face (CBDT emoji) the height of its
  // strike (ascender - descender), so that an emoji is one em tall, like an
  // ideograph, rather than the 1.17 em its upem would make it.
  int em_units() const { return ensure(), color_bitmap_ ? ascender_ - descender_ : upem_; }
  // Colour bitmaps only (CBDT/sbix, no outlines): drawn from a fixed strike.
  bool color_bitmap() const { return ensure(), color_bitmap_; }
  // The largest strike of a colour bitmap face (FT_Select_Size index) and its
  // pixels per em (y ppem); -1 and 0 for outline faces.
  int strike() const { return ensure(), strike_; }
  float strike_ppem() const { return ensure(), strike_ppem_; }
  // Scale from strike pixels to pixels of a layout at `size_px` (em size,
  // px): the strike's em_units() tall box becomes size_px tall.
  float strike_scale(float size_px) const {
    ensure();
    return strike_ppem_ > 0
               ? size_px * static_cast<float>(upem_) / (static_cast<float>(em_units()) * strike_ppem_)
               : 1.f;
  }
  // Ideographic em-box top above the baseline, in font units (OS/2 typo ascender).
  int ascender() const { return ensure(), ascender_; }
  int descender() const { return ensure(), descender_; }  // negative, font units
  const std::string& family() const { return ensure(), family_; }
  const std::string& path() const { return path_; }
  int index() const { return index_; }
  bool is_open() const { return opened_.load(std::memory_order_acquire); }  // without opening it
  // Drops the font file's pages from this process's resident set (see
  // FontLibrary::release_file_pages).
  void release_pages() const;
  uint32_t id() const { return id_; }  // stable small number for cache keys

 private:
  void ensure() const {
    if (!opened_.load(std::memory_order_acquire)) open_once();
  }
  void open_once() const;
  void open();
  // Destroyed in reverse: the HarfBuzz font and the FreeType face before the
  // blob, and all of them before the mapping they read.
  platform::Mapping map_;  // the font file, mapped read-only
  HbBlobPtr blob_;         // HarfBuzz's view of map_ (FreeType reads map_ too)
  FT_Library lib_;
  mutable std::atomic<bool> opened_{false};
  mutable std::mutex open_mutex_;
  FtFacePtr ft_;
  HbFontPtr hb_font_;
  FcCharSetPtr charset_;
  std::string path_, family_;
  int index_ = 0, upem_ = 1000, ascender_ = 880, descender_ = -120;
  bool color_bitmap_ = false;
  int strike_ = -1;
  float strike_ppem_ = 0;
  uint32_t id_ = 0;
  static uint32_t next_id_;
};

// An ordered fallback chain: the first face covering a code point draws it,
// except that emoji clusters (emoji presentation, see the shaper) go to the
// colour emoji face when there is one.
struct FontChain {
  std::vector<Face*> faces;
  int emoji = -1;  // index into `faces` of the colour emoji face, -1 = none installed
  // Index into `faces` of the face for `c`, or -1 when no face covers it.
  int pick(char32_t c) const;
  Face* primary() const { return faces.empty() ? nullptr : faces.front(); }
};

struct FontRequest {
  std::string family = "paizi-sans";  // alias defined in fonts/paizi-fonts.conf
  std::string lang = "zh-Hans";       // BCP 47
  Weight weight = Weight::Regular;
  bool operator<(const FontRequest& o) const {
    return std::tie(family, lang, weight) < std::tie(o.family, o.lang, o.weight);
  }
};

// Owns the fontconfig configuration (system fonts plus the project's
// fallback configuration file) and every opened face.
class FontLibrary {
 public:
  // `config_file`: fontconfig XML with paizi's per-language fallback chains;
  // empty = system configuration only.
  explicit FontLibrary(const std::string& config_file = default_config_file());
  FontLibrary(const FontLibrary&) = delete;
  FontLibrary& operator=(const FontLibrary&) = delete;

  // Returns the chain for a request; resolved once, then cached. Never null;
  // an empty chain means no usable font is installed.
  const FontChain& chain(const FontRequest& req);
  // The colour emoji face (fontconfig family "paizi-emoji", fonts/paizi-fonts.conf:
  // Noto Color Emoji), resolved once; null when what fontconfig offers is not
  // a colour font covering emoji (fonts-noto-color-emoji not installed). Then
  // emoji come from the text fonts where they have them and are otherwise one
  // missing-glyph box per emoji cluster.
  Face* emoji();
  FT_Library ft() const { return ft_.get(); }
  // A font file is mapped, and every glyph outline read faults in its page
  // and, with fault-around, up to 15 cached neighbours: over the demo's
  // slides the CJK fonts came to ~17 MB of the player's resident set. The
  // player calls this after it has painted a slide (the atlas holds the
  // glyphs); the pages stay in the page cache, shared and reclaimable, and a
  // later glyph faults in only what it reads.
  void release_file_pages() const;

  // Path of fonts/paizi-fonts.conf in the build tree or the installed data dir.
  static std::string default_config_file();
  // Language tag used for fontconfig (zh-Hans -> zh-cn, ...).
  static std::string fc_lang(std::string_view bcp47);

 private:
  Face* open(const std::string& path, int index, const FcCharSet* cs);
  // Destroyed in reverse: the chains, the faces, then fontconfig and FreeType.
  FtLibraryPtr ft_;
  FcConfigPtr fc_;
  std::map<std::pair<std::string, int>, std::unique_ptr<Face>> faces_;
  std::map<FontRequest, FontChain> chains_;
  Face* emoji_ = nullptr;
  bool emoji_resolved_ = false;
};

}  // namespace paizi::text
