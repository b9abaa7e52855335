#include "text/fonts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include <fcntl.h>
#include <hb-ft.h>
#include <hb-ot.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include FT_TRUETYPE_TABLES_H

#include "build_config.h"

namespace paizi::text {

uint32_t Face::next_id_ = 1;

Face::Face(FT_Library lib, const std::string& path, int index, const FcCharSet* charset)
    : lib_(lib), path_(path), index_(index), id_(next_id_++) {
  if (charset) charset_.reset(FcCharSetCopy(const_cast<FcCharSet*>(charset)));
}

void Face::open_once() const {
  std::lock_guard<std::mutex> lock(open_mutex_);
  if (opened_.load(std::memory_order_relaxed)) return;
  const_cast<Face*>(this)->open();
  opened_.store(true, std::memory_order_release);
}

void Face::open() {
  // One mapping of the font file serves both FreeType and HarfBuzz (two
  // mappings would count the same pages twice in the resident set). Mapped
  // here rather than by hb_blob_create_from_file, so that it is known to be
  // a read-only file mapping, which release_pages() may drop.
  platform::Mapping map;
  {
    const platform::UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || st.st_size <= 0 ||
        static_cast<uint64_t>(st.st_size) > UINT32_MAX)
      return;
    const size_t len = static_cast<size_t>(st.st_size);
    map = platform::Mapping(mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd.get(), 0), len);
  }  // the mapping keeps the file
  if (!map) return;
  map_ = std::move(map);
  const size_t len = map_.size();
  blob_.reset(hb_blob_create(static_cast<const char*>(map_.get()), static_cast<unsigned>(len),
                             HB_MEMORY_MODE_READONLY, nullptr, nullptr));
  FT_Face ft = nullptr;
  if (FT_New_Memory_Face(lib_, static_cast<const FT_Byte*>(map_.get()), static_cast<FT_Long>(len), index_,
                         &ft) != 0)
    return;
  ft_.reset(ft);
  const HbFacePtr face(hb_face_create(blob_.get(), static_cast<unsigned>(index_)));
  // FreeType reports no units per em for bitmap-only faces; the head table has them.
  upem_ = ft_->units_per_EM ? ft_->units_per_EM : static_cast<int>(hb_face_get_upem(face.get()));
  if (upem_ <= 0) upem_ = 1000;
  if (ft_->family_name) family_ = ft_->family_name;
  color_bitmap_ =
      FT_HAS_COLOR(ft_.get()) && ft_->num_fixed_sizes > 0 && !(ft_->face_flags & FT_FACE_FLAG_SCALABLE);
  if (color_bitmap_) {
    for (int i = 0; i < ft_->num_fixed_sizes; ++i) {
      const float ppem = static_cast<float>(ft_->available_sizes[i].y_ppem) / 64.f;
      if (ppem > strike_ppem_) {
        strike_ppem_ = ppem;
        strike_ = i;
      }
    }
    color_bitmap_ = strike_ >= 0;
  }
  if (const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(ft_.get(), FT_SFNT_OS2));
      os2 && os2->version != 0xFFFF && os2->sTypoAscender > 0) {
    ascender_ = os2->sTypoAscender;
    descender_ = os2->sTypoDescender;
  } else {
    ascender_ = ft_->ascender;
    descender_ = ft_->descender;
  }
  hb_font_.reset(hb_font_create(face.get()));
  hb_ot_font_set_funcs(hb_font_.get());
  hb_font_set_scale(hb_font_.get(), upem_, upem_);
}

void Face::release_pages() const {
  // The mapping is private and never written: its pages are the page
  // cache's, and dropping them from this process costs a minor fault when a
  // glyph needs them again. Safe while another thread reads the face.
  if (is_open() && map_) madvise(map_.get(), map_.size(), MADV_DONTNEED);
}

int FontChain::pick(char32_t c) const {
  // ok() opens the face the first time it is the one that covers c.
  for (size_t i = 0; i < faces.size(); ++i)
    if (faces[i]->covers(c) && faces[i]->ok()) return static_cast<int>(i);
  return -1;
}

std::string FontLibrary::default_config_file() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("PAIZI_FONTS_CONF"); env && *env) return env;
  for (const char* dir : {PAIZI_SOURCE_DATADIR, PAIZI_INSTALLED_DATADIR}) {
    fs::path p = fs::path(dir) / "fonts" / "paizi-fonts.conf";
    std::error_code ec;
    if (fs::exists(p, ec)) return p.string();
  }
  return {};
}

std::string FontLibrary::fc_lang(std::string_view tag) {
  if (tag == "zh-Hans" || tag == "zh" || tag == "zh-CN" || tag == "zh-cn") return "zh-cn";
  if (tag == "zh-Hant" || tag == "zh-TW" || tag == "zh-tw") return "zh-tw";
  if (tag == "zh-HK" || tag == "zh-hk") return "zh-hk";
  if (tag == "ja" || tag == "ja-JP") return "ja";
  if (tag == "ko" || tag == "ko-KR") return "ko";
  return std::string(tag.empty() ? "en" : tag);
}

FontLibrary::FontLibrary(const std::string& config_file) {
  FT_Library ft = nullptr;
  if (FT_Init_FreeType(&ft) != 0) throw std::runtime_error("FreeType initialisation failed");
  ft_.reset(ft);
  fc_.reset(FcInitLoadConfigAndFonts());
  if (!fc_) throw std::runtime_error("fontconfig initialisation failed");
  if (!config_file.empty() &&
      !FcConfigParseAndLoad(fc_.get(), reinterpret_cast<const FcChar8*>(config_file.c_str()), FcTrue))
    throw std::runtime_error("cannot load font configuration " + config_file);
}

void FontLibrary::release_file_pages() const {
  for (const auto& [key, face] : faces_) face->release_pages();
}

Face* FontLibrary::open(const std::string& path, int index, const FcCharSet* cs) {
  auto key = std::make_pair(path, index);
  auto it = faces_.find(key);
  if (it == faces_.end()) {
    it = faces_.emplace(key, std::make_unique<Face>(ft_.get(), path, index, cs)).first;
  }
  return it->second.get();
}

Face* FontLibrary::emoji() {
  if (emoji_resolved_) return emoji_;
  emoji_resolved_ = true;
  const FcPatternPtr pat(FcPatternCreate());
  FcPatternAddString(pat.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>("paizi-emoji"));
  FcConfigSubstitute(fc_.get(), pat.get(), FcMatchPattern);
  FcDefaultSubstitute(pat.get());
  FcResult res = FcResultNoMatch;
  if (const FcPatternPtr font(FcFontMatch(fc_.get(), pat.get(), &res)); font) {
    FcChar8* file = nullptr;
    int index = 0;
    FcCharSet* cs = nullptr;
    FcBool color = FcFalse;
    FcPatternGetBool(font.get(), FC_COLOR, 0, &color);
    FcPatternGetInteger(font.get(), FC_INDEX, 0, &index);
    FcPatternGetCharSet(font.get(), FC_CHARSET, 0, &cs);
    // What fontconfig falls back to for a missing family is a text font:
    // only a colour font that has the emoji of U+1F600 counts.
    if (color && cs && FcCharSetHasChar(cs, 0x1F600) &&
        FcPatternGetString(font.get(), FC_FILE, 0, &file) == FcResultMatch) {
      emoji_ = open(reinterpret_cast<const char*>(file), index, cs);  // opens when first drawn
    }
  }
  return emoji_;
}

const FontChain& FontLibrary::chain(const FontRequest& req) {
  if (auto it = chains_.find(req); it != chains_.end()) return it->second;
  FontChain chain;
  const FcPatternPtr pat(FcPatternCreate());
  FcPatternAddString(pat.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(req.family.c_str()));
  const std::string lang = fc_lang(req.lang);
  FcPatternAddString(pat.get(), FC_LANG, reinterpret_cast<const FcChar8*>(lang.c_str()));
  FcPatternAddInteger(pat.get(), FC_WEIGHT, req.weight == Weight::Bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddBool(pat.get(), FC_SCALABLE, FcTrue);
  FcConfigSubstitute(fc_.get(), pat.get(), FcMatchPattern);
  FcDefaultSubstitute(pat.get());
  FcResult res = FcResultNoMatch;
  FcCharSet* seen = nullptr;
  // Trim: a font joins the chain only if it adds coverage.
  const FcFontSetPtr set(FcFontSort(fc_.get(), pat.get(), FcTrue, &seen, &res));
  const FcCharSetPtr seen_owner(seen);
  if (set) {
    for (int i = 0; i < set->nfont && chain.faces.size() < 16; ++i) {
      const FcPatternPtr font(FcFontRenderPrepare(fc_.get(), pat.get(), set->fonts[i]));
      if (!font) continue;
      FcChar8* file = nullptr;
      int index = 0;
      FcCharSet* cs = nullptr;
      FcBool scalable = FcFalse;
      FcPatternGetBool(font.get(), FC_SCALABLE, 0, &scalable);
      if (scalable && FcPatternGetString(font.get(), FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(font.get(), FC_INDEX, 0, &index);
        FcPatternGetCharSet(font.get(), FC_CHARSET, 0, &cs);
        // Faces open when first used; the first one now, since its metrics
        // set every line (a font that fails to open is skipped).
        Face* f = open(reinterpret_cast<const char*>(file), index, cs);
        if (!chain.faces.empty() || f->ok()) chain.faces.push_back(f);
      }
    }
  }
  if (Face* e = emoji(); e && !chain.faces.empty()) {
    const auto it = std::find(chain.faces.begin(), chain.faces.end(), e);
    chain.emoji = static_cast<int>(it - chain.faces.begin());
    if (it == chain.faces.end()) chain.faces.push_back(e);
  }
  return chains_.emplace(req, std::move(chain)).first->second;
}

}  // namespace paizi::text
