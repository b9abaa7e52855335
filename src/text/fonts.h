// Font discovery (fontconfig), loading (FreeType) and shaping handles
// (HarfBuzz). Faces are opened once per (file, index) and shared by every
// chain that uses them; the FontLibrary owns them all.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

namespace paizi::text {

enum class Weight { Regular, Bold };

// One font face. Valid as long as its FontLibrary lives. Not thread-safe.
class Face {
 public:
  Face(FT_Library lib, const std::string& path, int index, const FcCharSet* charset);
  ~Face();
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;

  bool ok() const { return ft_ != nullptr; }
  bool covers(char32_t c) const { return charset_ && FcCharSetHasChar(charset_, c); }
  FT_Face ft() const { return ft_; }
  // HarfBuzz font scaled to font units (scale == upem): positions are linear
  // in size, so one shaping serves every pixel size.
  hb_font_t* hb() const { return hb_font_; }
  int upem() const { return upem_; }
  // Ideographic em-box top above the baseline, in font units (OS/2 typo ascender).
  int ascender() const { return ascender_; }
  int descender() const { return descender_; }  // negative, font units
  const std::string& family() const { return family_; }
  const std::string& path() const { return path_; }
  int index() const { return index_; }
  uint32_t id() const { return id_; }  // stable small number for cache keys

 private:
  hb_blob_t* blob_ = nullptr;  // the mapped font file; FreeType reads from it
  FT_Face ft_ = nullptr;
  hb_font_t* hb_font_ = nullptr;
  FcCharSet* charset_ = nullptr;
  std::string path_, family_;
  int index_ = 0, upem_ = 1000, ascender_ = 880, descender_ = -120;
  uint32_t id_ = 0;
  static uint32_t next_id_;
};

// An ordered fallback chain: the first face covering a code point draws it.
struct FontChain {
  std::vector<Face*> faces;
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
  ~FontLibrary();
  FontLibrary(const FontLibrary&) = delete;
  FontLibrary& operator=(const FontLibrary&) = delete;

  // Returns the chain for a request; resolved once, then cached. Never null;
  // an empty chain means no usable font is installed.
  const FontChain& chain(const FontRequest& req);
  FT_Library ft() const { return ft_; }

  // Path of fonts/paizi-fonts.conf in the build tree or the installed data dir.
  static std::string default_config_file();
  // Language tag used for fontconfig (zh-Hans -> zh-cn, ...).
  static std::string fc_lang(std::string_view bcp47);

 private:
  Face* open(const std::string& path, int index, const FcCharSet* cs);
  FT_Library ft_ = nullptr;
  FcConfig* fc_ = nullptr;
  std::map<std::pair<std::string, int>, std::unique_ptr<Face>> faces_;
  std::map<FontRequest, FontChain> chains_;
};

}  // namespace paizi::text
