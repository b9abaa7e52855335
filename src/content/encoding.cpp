#include "content/encoding.h"

#include <algorithm>
#include <memory>

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

namespace paizi::content {

namespace {

constexpr size_t kSniffBytes = 4096;                  // how far into a document declarations are looked for
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kUtf8Evidence = 4;  // non-ASCII sequences that make well-formed UTF-8 believable

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// The token after "charset=" / "encoding=" at `pos` (quotes stripped).
std::string value_at(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '"' || s[pos] == '\'')) ++pos;
  size_t end = pos;
  while (end < s.size() && s[end] != '"' && s[end] != '\'' && s[end] != ';' && s[end] != ' ' &&
         s[end] != '>' && s[end] != '/' && s[end] != '?' && s[end] != ',')
    ++end;
  return std::string(s.substr(pos, end - pos));
}

std::string xml_declared(std::string_view head) {
  if (head.substr(0, 5) != "<?xml") return {};
  const size_t close = head.find("?>");
  const std::string_view decl = head.substr(0, close);
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  size_t eq = decl.find('=', at);
  return eq == std::string_view::npos ? std::string{} : value_at(decl, eq + 1);
}

std::string html_declared(std::string_view head) {
  for (size_t at = head.find("<meta"); at != std::string_view::npos; at = head.find("<meta", at + 5)) {
    const size_t end = head.find('>', at);
    const std::string_view tag = head.substr(at, end == std::string_view::npos ? head.npos : end - at);
    const size_t cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    const size_t eq = tag.find('=', cs);
    if (eq != std::string_view::npos) return value_at(tag, eq + 1);
  }
  return {};
}

bool is_utf16_name(const std::string& canon) { return canon.rfind("UTF-16", 0) == 0; }

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

}  // namespace

std::string charset_from_content_type(std::string_view content_type) {
  const std::string ct = lowered(content_type);
  const size_t at = ct.find("charset=");
  return at == std::string::npos ? std::string{} : value_at(ct, at + 8);
}

std::string canonical_charset(std::string_view declared) {
  const std::string n = lowered(declared);
  if (n.empty() || n == "utf-8" || n == "utf8" || n == "unicode-1-1-utf-8") return "UTF-8";
  if (n == "gb2312" || n == "gbk" || n == "gb18030" || n == "x-gbk" || n == "cp936" || n == "ms936" ||
      n == "windows-936" || n == "euc-cn" || n == "gb_2312-80" || n == "csgb2312" || n == "chinese")
    return "GB18030";
  if (n == "big5" || n == "big-5" || n == "cn-big5" || n == "x-x-big5" || n == "csbig5" || n == "cp950")
    return "windows-950";
  if (n == "big5-hkscs") return "Big5-HKSCS";
  if (n == "shift_jis" || n == "shift-jis" || n == "sjis" || n == "x-sjis" || n == "ms_kanji" ||
      n == "windows-31j" || n == "cp932" || n == "csshiftjis")
    return "windows-31j";
  if (n == "euc-kr" || n == "ks_c_5601-1987" || n == "cp949" || n == "windows-949" || n == "euckr")
    return "windows-949";
  if (n == "euc-jp") return "EUC-JP";
  if (n == "iso-8859-1" || n == "latin1" || n == "us-ascii" || n == "ascii" || n == "windows-1252" ||
      n == "cp1252")
    return "windows-1252";
  if (n == "utf-16le") return "UTF-16LE";
  if (n == "utf-16be") return "UTF-16BE";
  if (n == "utf-16" || n == "unicode" || n == "ucs-2") return "UTF-16";
  return std::string(declared);  // let ICU try its own aliases
}

std::string sniff_charset(std::string_view bytes, std::string_view content_type) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return "UTF-8";
  if (bytes.substr(0, 2) == "\xFF\xFE") return "UTF-16LE";
  if (bytes.substr(0, 2) == "\xFE\xFF") return "UTF-16BE";
  // UTF-16 without a BOM: the first markup character next to a NUL.
  if (bytes.size() >= 4 && bytes[1] == '\0' && bytes[0] != '\0' && bytes[3] == '\0') return "UTF-16LE";
  if (bytes.size() >= 4 && bytes[0] == '\0' && bytes[1] != '\0' && bytes[2] == '\0') return "UTF-16BE";
  // Past this point the document is ASCII-compatible, so a declared UTF-16 is wrong.
  auto usable = [](const std::string& canon) { return is_utf16_name(canon) ? std::string("UTF-8") : canon; };
  if (std::string http = charset_from_content_type(content_type); !http.empty())
    return usable(canonical_charset(http));
  const std::string head = lowered(bytes.substr(0, kSniffBytes));
  std::string_view h(head);
  while (!h.empty() && (h.front() == ' ' || h.front() == '\n' || h.front() == '\r' || h.front() == '\t'))
    h.remove_prefix(1);
  if (std::string xml = xml_declared(h); !xml.empty()) return usable(canonical_charset(xml));
  if (std::string meta = html_declared(h); !meta.empty()) return usable(canonical_charset(meta));
  return "UTF-8";
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (no C0 controls but tab, LF,
// CR; no overlongs, surrogates or code points past U+10FFFF); 0 if invalid.
size_t valid_sequence(const unsigned char* s, size_t i, size_t n) {
  const unsigned char c = s[i];
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  size_t len = 0;
  uint32_t cp = 0, min = 0;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    len = 3, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    len = 4, cp = c & 0x07, min = 0x10000;
  if (len == 0 || i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  return (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ? 0 : len;
}

}  // namespace

bool sanitize_utf8(std::string_view in, std::string& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  // Fast path: scan; most documents are clean and are copied once.
  size_t i = 0;
  while (i < n) {
    if (s[i] >= 0x20 && s[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = valid_sequence(s, i, n);
    if (len == 0) break;
    i += len;
  }
  out.assign(in.substr(0, i));
  if (i == n) return false;
  out.reserve(n + 16);
  bool replaced = false;
  while (i < n) {
    const size_t len = valid_sequence(s, i, n);
    if (len == 0) {
      out += kReplacement;
      replaced = true;
      ++i;  // resynchronise on the next byte
      continue;
    }
    out.append(in.substr(i, len));
    i += len;
  }
  return replaced;
}

void truncate_utf8(std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
}

Decoded convert_to_utf8(std::string_view bytes, const std::string& charset) {
  Decoded d;
  d.charset = charset;
  // Skip a BOM that matches the charset; ICU would otherwise keep U+FEFF.
  if (charset == "UTF-8" && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (charset == "UTF-8") {
    d.replaced = sanitize_utf8(bytes, d.utf8);
    return d;
  }
  if ((charset == "UTF-16LE" && bytes.substr(0, 2) == "\xFF\xFE") ||
      (charset == "UTF-16BE" && bytes.substr(0, 2) == "\xFE\xFF"))
    bytes.remove_prefix(2);
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(charset.c_str(), &err));
  if (U_FAILURE(err) || !conv) {  // unknown name: read as UTF-8
    d.charset = "UTF-8";
    d.replaced = sanitize_utf8(bytes, d.utf8);
    return d;
  }
  // Default ICU callbacks substitute undecodable input (U+FFFD or U+001A);
  // sanitize_utf8 below turns U+001A into U+FFFD as well.
  err = U_ZERO_ERROR;
  const icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), err);
  std::string raw;
  u.toUTF8String(raw);
  d.replaced = sanitize_utf8(raw, d.utf8) || U_FAILURE(err) || raw.find(kReplacement) != std::string::npos;
  return d;
}

namespace {

// How `b` reads as UTF-8 (controls allowed): its well-formed sequences of
// two or more bytes, and the bytes that start no well-formed sequence.
struct Utf8Counts {
  size_t multibyte = 0;
  size_t invalid = 0;
};

Utf8Counts count_utf8(std::string_view b) {
  Utf8Counts n;
  const auto* s = reinterpret_cast<const unsigned char*>(b.data());
  for (size_t i = 0; i < b.size();) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = valid_sequence(s, i, b.size());
    if (len == 0) {
      ++n.invalid;
      ++i;
    } else {
      ++n.multibyte;
      i += len;
    }
  }
  return n;
}

}  // namespace

Decoded decode_to_utf8(std::string_view bytes, std::string_view content_type) {
  const std::string charset = sniff_charset(bytes, content_type);
  if (is_utf16_name(charset)) return convert_to_utf8(bytes, charset);
  const Utf8Counts u = count_utf8(bytes);
  // Declared as a legacy charset but UTF-8 throughout: a page saved as UTF-8
  // under an old <meta charset="gb2312">, or a server's default
  // "charset=ISO-8859-1". Legacy text is practically never well-formed
  // UTF-8 over several non-ASCII sequences, so the bytes win.
  if (charset != "UTF-8" && u.invalid == 0 && u.multibyte >= kUtf8Evidence)
    return convert_to_utf8(bytes, "UTF-8");
  // Read as UTF-8 (declared so, or declared nowhere) but mostly not UTF-8:
  // GBK from a spreadsheet or a template, which a Chinese browser would
  // read as such. Taken as GB18030 only if that decodes every byte, and only
  // when the bytes that are not UTF-8 are at least as many as the sequences
  // that are: UTF-8 with a few stray bytes stays UTF-8 (its Chinese could
  // otherwise pair up as GB18030 and turn into other characters).
  if (charset == "UTF-8" && u.invalid > 0 && u.invalid >= u.multibyte &&
      bytes.substr(0, 3) != "\xEF\xBB\xBF") {
    Decoded gb = convert_to_utf8(bytes, "GB18030");
    if (!gb.replaced) return gb;
  }
  return convert_to_utf8(bytes, charset);
}

}  // namespace paizi::content
