#include "text/fonts.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-ft.h>
#include <hb-ot.h>
#include FT_TRUETYPE_TABLES_H

#include "build_config.h"

namespace paizi::text {

uint32_t Face::next_id_ = 1;

Face::Face(FT_Library lib, const std::string& path, int index, const FcCharSet* charset)
    : lib_(lib), path_(path), index_(index), id_(next_id_++) {
  charset_ = charset ? FcCharSetCopy(const_cast<FcCharSet*>(charset)) : nullptr;
}

void Face::open_once() const {
  std::lock_guard<std::mutex> lock(open_mutex_);
  if (opened_.load(std::memory_order_relaxed)) return;
  const_cast<Face*>(this)->open();
  opened_.store(true, std::memory_order_release);
}

void Face::open() {
  // The font file is read, not mapped. A Noto CJK collection is 20-27 MB;
  // mapped, every glyph outline FreeType reads faults in its page and the
  // kernel maps up to 15 cached neighbours with it, so a slide's worth of
  // glyphs kept 8 MB of one font resident. Read through a stream, FreeType
  // copies only what it needs for the glyph being rasterised (and the
  // indexes it keeps), and HarfBuzz gets copies of the tables it shapes with
  // (cmap, GSUB, GPOS, GDEF, metrics), loaded on first use. Both read with
  // pread: no shared file position, so HarfBuzz may load a table on one
  // thread while FreeType reads on another.
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st{};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || st.st_size <= 0 || !read_table_directory()) {
    ft_ = nullptr;
    return;
  }
  reader_ = std::make_unique<BlockReader>(fd_);
  stream_ = std::make_unique<FT_StreamRec>();
  stream_->size = static_cast<unsigned long>(st.st_size);
  stream_->descriptor.pointer = reader_.get();
  stream_->read = [](FT_Stream sm, unsigned long offset, unsigned char* buffer, unsigned long count) -> unsigned long {
    if (count == 0) return offset <= sm->size ? 0 : 1;  // a seek: 0 is success
    return static_cast<unsigned long>(static_cast<BlockReader*>(sm->descriptor.pointer)->read(offset, buffer, count));
  };
  FT_Open_Args args{};
  args.flags = FT_OPEN_STREAM;
  args.stream = stream_.get();
  if (FT_Open_Face(lib_, &args, index_, &ft_) != 0) {
    ft_ = nullptr;
    return;
  }
  upem_ = ft_->units_per_EM ? ft_->units_per_EM : 1000;
  if (ft_->family_name) family_ = ft_->family_name;
  if (const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(ft_, FT_SFNT_OS2));
      os2 && os2->version != 0xFFFF && os2->sTypoAscender > 0) {
    ascender_ = os2->sTypoAscender;
    descender_ = os2->sTypoDescender;
  } else {
    ascender_ = ft_->ascender;
    descender_ = ft_->descender;
  }
  hb_face_t* face = hb_face_create_for_tables(
      [](hb_face_t*, hb_tag_t tag, void* self) { return static_cast<Face*>(self)->load_table(tag); }, this, nullptr);
  hb_face_set_index(face, static_cast<unsigned>(index_));
  hb_face_set_upem(face, static_cast<unsigned>(upem_));
  hb_font_ = hb_font_create(face);
  hb_face_destroy(face);
  hb_ot_font_set_funcs(hb_font_);
  hb_font_set_scale(hb_font_, upem_, upem_);
}

Face::~Face() {
  if (hb_font_) hb_font_destroy(hb_font_);
  if (ft_) FT_Done_Face(ft_);
  if (fd_ >= 0) ::close(fd_);
  if (charset_) FcCharSetDestroy(charset_);
}

namespace {
uint32_t be32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}
}  // namespace

size_t Face::BlockReader::read(uint64_t offset, unsigned char* out, size_t count) {
  if (count > kBlock) {  // large reads (tables, subroutine indexes) go straight to the file
    const ssize_t n = ::pread(fd_, out, count, static_cast<off_t>(offset));
    return n < 0 ? 0 : static_cast<size_t>(n);
  }
  if (!data_) data_.reset(new unsigned char[kBlock * kSlots]);
  size_t done = 0;
  while (done < count) {
    const uint64_t block = (offset + done) / kBlock;
    const size_t slot = static_cast<size_t>(block % kSlots);
    unsigned char* data = data_.get() + slot * kBlock;
    if (block_[slot] != block) {
      const ssize_t n = ::pread(fd_, data, kBlock, static_cast<off_t>(block * kBlock));
      if (n <= 0) {
        block_[slot] = UINT64_MAX;
        break;
      }
      block_[slot] = block;
      len_[slot] = static_cast<size_t>(n);
    }
    const size_t at = static_cast<size_t>((offset + done) % kBlock);
    if (at >= len_[slot]) break;  // past the end of the file
    const size_t take = std::min(count - done, len_[slot] - at);
    std::memcpy(out + done, data + at, take);
    done += take;
  }
  return done;
}

bool Face::read_table_directory() {
  // OpenType: a collection header ('ttcf', offsets of its fonts) or one
  // font; then the font's table records (tag, checksum, offset, length).
  unsigned char head[12];
  if (::pread(fd_, head, sizeof head, 0) != static_cast<ssize_t>(sizeof head)) return false;
  uint32_t at = 0;
  if (be32(head) == HB_TAG('t', 't', 'c', 'f')) {
    const uint32_t face = static_cast<uint32_t>(index_) & 0xFFFFu;  // high bits: a named instance
    if (index_ < 0 || face >= be32(head + 8)) return false;
    unsigned char off[4];
    if (::pread(fd_, off, 4, 12 + 4 * static_cast<off_t>(face)) != 4) return false;
    at = be32(off);
  }
  unsigned char sfnt[6];
  if (::pread(fd_, sfnt, sizeof sfnt, at) != static_cast<ssize_t>(sizeof sfnt)) return false;
  const unsigned n = static_cast<unsigned>(sfnt[4]) << 8 | sfnt[5];
  std::vector<unsigned char> recs(16 * static_cast<size_t>(n));
  if (n == 0 || ::pread(fd_, recs.data(), recs.size(), static_cast<off_t>(at) + 12) != static_cast<ssize_t>(recs.size()))
    return false;
  tables_.clear();
  for (unsigned i = 0; i < n; ++i) {
    const unsigned char* r = recs.data() + 16 * static_cast<size_t>(i);
    tables_.push_back(Table{be32(r), be32(r + 8), be32(r + 12)});
  }
  return true;
}

hb_blob_t* Face::load_table(uint32_t tag) const {
  for (const Table& t : tables_) {
    if (t.tag != tag) continue;
    if (t.length == 0) break;
    auto* buf = static_cast<char*>(std::malloc(t.length));
    if (!buf) break;
    if (::pread(fd_, buf, t.length, static_cast<off_t>(t.offset)) != static_cast<ssize_t>(t.length)) {
      std::free(buf);
      break;
    }
    return hb_blob_create(buf, t.length, HB_MEMORY_MODE_WRITABLE, buf, std::free);
  }
  return hb_blob_get_empty();
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
  if (FT_Init_FreeType(&ft_) != 0) throw std::runtime_error("FreeType initialisation failed");
  fc_ = FcInitLoadConfigAndFonts();
  if (!fc_) throw std::runtime_error("fontconfig initialisation failed");
  if (!config_file.empty() &&
      !FcConfigParseAndLoad(fc_, reinterpret_cast<const FcChar8*>(config_file.c_str()), FcTrue))
    throw std::runtime_error("cannot load font configuration " + config_file);
}

FontLibrary::~FontLibrary() {
  chains_.clear();
  faces_.clear();
  if (fc_) FcConfigDestroy(fc_);
  if (ft_) FT_Done_FreeType(ft_);
}

Face* FontLibrary::open(const std::string& path, int index, const FcCharSet* cs) {
  auto key = std::make_pair(path, index);
  auto it = faces_.find(key);
  if (it == faces_.end()) {
    it = faces_.emplace(key, std::make_unique<Face>(ft_, path, index, cs)).first;
  }
  return it->second.get();
}

const FontChain& FontLibrary::chain(const FontRequest& req) {
  if (auto it = chains_.find(req); it != chains_.end()) return it->second;
  FontChain chain;
  FcPattern* pat = FcPatternCreate();
  FcPatternAddString(pat, FC_FAMILY, reinterpret_cast<const FcChar8*>(req.family.c_str()));
  const std::string lang = fc_lang(req.lang);
  FcPatternAddString(pat, FC_LANG, reinterpret_cast<const FcChar8*>(lang.c_str()));
  FcPatternAddInteger(pat, FC_WEIGHT, req.weight == Weight::Bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
  FcConfigSubstitute(fc_, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res = FcResultNoMatch;
  FcCharSet* seen = nullptr;
  // Trim: a font joins the chain only if it adds coverage.
  if (FcFontSet* set = FcFontSort(fc_, pat, FcTrue, &seen, &res)) {
    for (int i = 0; i < set->nfont && chain.faces.size() < 16; ++i) {
      FcPattern* font = FcFontRenderPrepare(fc_, pat, set->fonts[i]);
      if (!font) continue;
      FcChar8* file = nullptr;
      int index = 0;
      FcCharSet* cs = nullptr;
      FcBool scalable = FcFalse;
      FcPatternGetBool(font, FC_SCALABLE, 0, &scalable);
      if (scalable && FcPatternGetString(font, FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(font, FC_INDEX, 0, &index);
        FcPatternGetCharSet(font, FC_CHARSET, 0, &cs);
        // Faces open when first used; the first one now, since its metrics
        // set every line (a font that fails to open is skipped).
        Face* f = open(reinterpret_cast<const char*>(file), index, cs);
        if (!chain.faces.empty() || f->ok()) chain.faces.push_back(f);
      }
      FcPatternDestroy(font);
    }
    FcFontSetDestroy(set);
  }
  if (seen) FcCharSetDestroy(seen);
  FcPatternDestroy(pat);
  return chains_.emplace(req, std::move(chain)).first->second;
}

}  // namespace paizi::text
