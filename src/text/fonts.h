// Font discovery (fontconfig), loading (FreeType) and shaping handles
// (HarfBuzz). Faces are opened once per (file, index) and shared by every
// chain that uses them; the FontLibrary owns them all.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
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

namespace paizi::text {

enum class Weight { Regular, Bold };

// One font face. Valid as long as its FontLibrary lives. Not thread-safe.
class Face {
 public:
  Face(FT_Library lib, const std::string& path, int index, const FcCharSet* charset);
  ~Face();
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;

  // A face opens its file on first use (ok(), ft(), hb() or a metric), not
  // when a fallback chain lists it: most of a chain never draws a glyph.
  // Thread-safe. ok() is false when the file cannot be opened or parsed.
  bool ok() const { return ensure(), ft_ != nullptr; }
  // From fontconfig's charset: needs no opening.
  bool covers(char32_t c) const { return charset_ && FcCharSetHasChar(charset_, c); }
  FT_Face ft() const { return ensure(), ft_; }
  // HarfBuzz font scaled to font units (scale == upem): positions are linear
  // in size, so one shaping serves every pixel size.
  hb_font_t* hb() const { return ensure(), hb_font_; }
  int upem() const { return ensure(), upem_; }
  // Ideographic em-box top above the baseline, in font units (OS/2 typo ascender).
  int ascender() const { return ensure(), ascender_; }
  int descender() const { return ensure(), descender_; }  // negative, font units
  const std::string& family() const { return ensure(), family_; }
  const std::string& path() const { return path_; }
  int index() const { return index_; }
  bool is_open() const { return opened_.load(std::memory_order_acquire); }  // without opening it
  uint32_t id() const { return id_; }  // stable small number for cache keys

 private:
  void ensure() const {
    if (!opened_.load(std::memory_order_acquire)) open_once();
  }
  void open_once() const;
  void open();
  struct Table {
    uint32_t tag, offset, length;
  };
  bool read_table_directory();
  hb_blob_t* load_table(uint32_t tag) const;  // a copy of one table (HarfBuzz's reference_table)
  // FreeType's reads of the font file: a glyph costs a few small reads
  // (its charstring's offsets, 2-4 bytes each, then the charstring), so
  // they go through a small direct-mapped cache of 4 KiB blocks (256 KiB).
  class BlockReader {
   public:
    explicit BlockReader(int fd) : fd_(fd) { std::fill(std::begin(block_), std::end(block_), UINT64_MAX); }
    size_t read(uint64_t offset, unsigned char* out, size_t count);  // bytes read

   private:
    static constexpr size_t kBlock = 4096, kSlots = 64;
    int fd_;
    uint64_t block_[kSlots];  // file block held by each slot; UINT64_MAX: none
    size_t len_[kSlots] = {};
    // Allocated on the first read and not zeroed: a face that is opened but
    // never draws (most of a fallback chain) touches none of it.
    std::unique_ptr<unsigned char[]> data_;
  };
  int fd_ = -1;                           // the font file, read with pread
  std::vector<Table> tables_;             // this face's table records
  std::unique_ptr<BlockReader> reader_;
  std::unique_ptr<FT_StreamRec> stream_;  // FreeType's view of reader_; outlives ft_
  FT_Library lib_;
  mutable std::atomic<bool> opened_{false};
  mutable std::mutex open_mutex_;
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
