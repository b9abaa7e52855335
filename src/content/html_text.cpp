#include "content/html_text.h"

#include <array>
#include <cstring>

#include <libxml/HTMLparser.h>

#include "content/encoding.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

// Decodes the code point at s[i] (valid UTF-8 assumed), advancing i.
uint32_t next_cp(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (i + len > s.size()) len = s.size() - i;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

bool is_space_cp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         cp == 0x3000 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009 || cp == 0x1680 || cp == 0x202F;
}

bool is_invisible_cp(uint32_t cp) { return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF; }

// Scripts written without spaces between words (and their punctuation).
bool is_cjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

constexpr std::array<const char*, 38> kBlocks = {
    "p",      "div",     "br",     "li",      "ul",     "ol",       "dl",      "dt",     "dd",    "h1",
    "h2",     "h3",      "h4",     "h5",      "h6",     "blockquote", "pre",   "table",  "tr",    "td",
    "th",     "section", "article", "header", "footer", "aside",    "nav",     "figure", "figcaption",
    "hr",     "main",    "address", "center", "caption", "details", "summary", "tbody",  "form"};

constexpr std::array<const char*, 14> kHidden = {"script", "style",  "template", "noscript", "iframe",
                                                 "svg",    "object", "embed",    "head",     "select",
                                                 "button", "input",  "textarea", "canvas"};

template <size_t N>
bool named_any(const xmlNode* n, const std::array<const char*, N>& names) {
  if (!n || n->type != XML_ELEMENT_NODE) return false;
  const char* name = reinterpret_cast<const char*>(n->name);
  for (const char* k : names)
    if (strcasecmp(name, k) == 0) return true;
  return false;
}

void walk(const xmlNode* n, ParagraphBuilder& out, const SkipFn& skip, int depth) {
  for (const xmlNode* c = n->children; c && !out.full(); c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out.text(reinterpret_cast<const char*>(c->content));
      continue;
    }
    if (c->type != XML_ELEMENT_NODE || is_hidden_element(c) || (skip && skip(c))) continue;
    const bool block = is_block_element(c);
    if (block) out.end_paragraph();
    if (depth < 200) walk(c, out, skip, depth + 1);
    if (block) out.end_paragraph();
  }
}

const xmlNode* find_img(const xmlNode* n, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || is_hidden_element(c)) continue;
    if (is_named(c, "img") && !attr(c, "src").empty()) return c;
    if (depth < 200)
      if (const xmlNode* f = find_img(c, depth + 1)) return f;
  }
  return nullptr;
}

}  // namespace

bool is_block_element(const xmlNode* n) { return named_any(n, kBlocks); }
bool is_hidden_element(const xmlNode* n) { return named_any(n, kHidden); }

void node_paragraphs(const xmlNode* n, ParagraphBuilder& out, const SkipFn& skip) {
  if (n) walk(n, out, skip, 0);
  out.end_paragraph();
}

void ParagraphBuilder::text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    const uint32_t cp = next_cp(s, i);
    if (is_invisible_cp(cp)) continue;
    if (is_space_cp(cp)) {
      pending_space_ = true;
      pending_break_ = pending_break_ || cp == '\n' || cp == '\r';
      continue;
    }
    const bool space = pending_space_ && !cur_.empty() && !(pending_break_ && is_cjk(last_cp_) && is_cjk(cp));
    pending_space_ = false;
    pending_break_ = false;
    // The space goes in only with the code point after it: a paragraph never
    // exceeds max_paragraph_bytes nor ends in a space (found by fuzz_html_text).
    if (cur_.size() + (space ? 1 : 0) + (i - start) <= limits_.max_paragraph_bytes) {
      if (space) cur_.push_back(' ');
      cur_.append(s.substr(start, i - start));
    }
    last_cp_ = cp;
  }
}

void ParagraphBuilder::end_paragraph() {
  pending_space_ = false;
  pending_break_ = false;
  last_cp_ = 0;
  if (cur_.empty()) return;
  if (!full() && total_ + cur_.size() <= limits_.max_total_bytes) {
    total_ += cur_.size();
    done_.push_back(std::move(cur_));
  }
  cur_.clear();
}

bool ParagraphBuilder::full() const {
  return done_.size() >= limits_.max_paragraphs || total_ >= limits_.max_total_bytes;
}

std::vector<std::string> ParagraphBuilder::take() {
  end_paragraph();
  return std::move(done_);
}

std::string normalize_space(std::string_view utf8, size_t max_bytes) {
  TextLimits l;
  l.max_paragraph_bytes = max_bytes;
  l.max_total_bytes = max_bytes;
  ParagraphBuilder b(l);
  b.text(utf8);
  auto p = b.take();
  return p.empty() ? std::string{} : std::move(p.front());
}

HtmlText html_to_text(std::string_view html, const std::string& base_url, const TextLimits& limits) {
  HtmlText out;
  ParagraphBuilder b(limits);
  if (html.find_first_of("<&") == std::string_view::npos) {  // plain text: blank lines split paragraphs
    size_t pos = 0;
    while (pos <= html.size() && !b.full()) {
      size_t blank = html.find("\n\n", pos);
      if (const size_t crlf = html.find("\r\n\r\n", pos); crlf < blank) blank = crlf;
      b.text(html.substr(pos, blank == std::string_view::npos ? html.npos : blank - pos));
      b.end_paragraph();
      if (blank == std::string_view::npos) break;
      pos = blank + 2;
    }
    out.paragraphs = b.take();
    return out;
  }
  const XmlDocPtr doc = parse_html(html, base_url);
  if (!doc) return out;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return out;
  node_paragraphs(root, b, {});
  out.paragraphs = b.take();
  if (const xmlNode* img = find_img(root, 0)) out.first_image = resolve_url(attr(img, "src"), base_url);
  return out;
}

std::string html_to_line(std::string_view html, size_t max_bytes) {
  TextLimits l;
  l.max_paragraph_bytes = max_bytes;
  l.max_total_bytes = max_bytes;
  std::string line;
  for (const std::string& p : html_to_text(html, {}, l).paragraphs) {
    if (!line.empty()) line.push_back(' ');
    line += p;
  }
  truncate_utf8(line, max_bytes);
  return line;
}

}  // namespace paizi::content
