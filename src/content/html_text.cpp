#include "content/html_text.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

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

// Dropped from text: zero-width characters, and control characters other
// than the white space above. Decoding turns raw control bytes into U+FFFD,
// but escapes bring them back after it (JSON "\b" or "\u0000", a numeric
// character reference); they are nothing a screen can show (found by
// fuzz_feed: a JSON Feed's content_text with "\b").
bool is_invisible_cp(uint32_t cp) {
  return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || (cp < 0x20 && !is_space_cp(cp)) ||
         (cp >= 0x7F && cp <= 0x9F);
}

// Scripts written without spaces between words (and their punctuation).
bool is_cjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

constexpr std::array<const char*, 38> kBlocks = {
    "p",    "div",     "br",      "li",      "ul",      "ol",         "dl",    "dt",     "dd",         "h1",
    "h2",   "h3",      "h4",      "h5",      "h6",      "blockquote", "pre",   "table",  "tr",         "td",
    "th",   "section", "article", "header",  "footer",  "aside",      "nav",   "figure", "figcaption", "hr",
    "main", "address", "center",  "caption", "details", "summary",    "tbody", "form"};

constexpr std::array<const char*, 19> kHidden = {
    "script", "style", "template", "noscript", "iframe", "svg", "object",    "embed",   "head",    "select",
    "button", "input", "textarea", "canvas",   "title",  "xmp", "plaintext", "noembed", "noframes"};

enum class Kind : uint8_t { Inline, Block, Hidden };

// Element kind by name; HTML names are lowercase (libxml2 folds them),
// XML names are folded here.
Kind kind_of(const xmlNode* n) {
  if (!n || n->type != XML_ELEMENT_NODE || !n->name) return Kind::Inline;
  static const std::unordered_map<std::string_view, Kind> kKinds = [] {
    std::unordered_map<std::string_view, Kind> m;
    for (const char* b : kBlocks) m.emplace(b, Kind::Block);
    for (const char* h : kHidden) m.emplace(h, Kind::Hidden);
    return m;
  }();
  std::string_view name(reinterpret_cast<const char*>(n->name));
  std::string folded;
  if (std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    folded.assign(name);
    for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name = folded;
  }
  const auto it = kKinds.find(name);
  return it == kKinds.end() ? Kind::Inline : it->second;
}

void walk(const xmlNode* n, ParagraphBuilder& out, const SkipFn& skip, int depth) {
  for (const xmlNode* c = n->children; c && !out.full(); c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out.text(reinterpret_cast<const char*>(c->content));
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    const Kind kind = kind_of(c);
    if (kind == Kind::Hidden || (skip && skip(c))) continue;
    const bool block = kind == Kind::Block;
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

bool is_block_element(const xmlNode* n) { return kind_of(n) == Kind::Block; }
bool is_hidden_element(const xmlNode* n) { return kind_of(n) == Kind::Hidden; }

void node_paragraphs(const xmlNode* n, ParagraphBuilder& out, const SkipFn& skip) {
  if (n) walk(n, out, skip, 0);
  out.end_paragraph();
}

void ParagraphBuilder::text(std::string_view s) {
  size_t run = std::string_view::npos;  // start of pending ordinary characters, appended in one go
  auto flush = [&](size_t end) {
    if (run == std::string_view::npos) return;
    std::string_view piece = s.substr(run, end - run);
    if (cur_.size() + piece.size() > limits_.max_paragraph_bytes) {
      size_t cut = limits_.max_paragraph_bytes > cur_.size() ? limits_.max_paragraph_bytes - cur_.size() : 0;
      while (cut > 0 && (static_cast<unsigned char>(piece[cut]) & 0xC0) == 0x80) --cut;
      piece = piece.substr(0, cut);
    }
    cur_.append(piece);
    run = std::string_view::npos;
  };
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    const uint32_t cp = next_cp(s, i);
    if (is_invisible_cp(cp) || is_space_cp(cp)) {
      flush(start);
      if (is_space_cp(cp)) {
        pending_space_ = true;
        pending_break_ = pending_break_ || cp == '\n' || cp == '\r';
      }
      continue;
    }
    if (pending_space_) {
      const bool space = !cur_.empty() && !(pending_break_ && is_cjk(last_cp_) && is_cjk(cp));
      pending_space_ = false;
      pending_break_ = false;
      // The space goes in only with the code point after it: a paragraph never
      // exceeds max_paragraph_bytes nor ends in a space (found by fuzz_html_text).
      if (space) {
        if (cur_.size() + 1 + (i - start) > limits_.max_paragraph_bytes) {
          last_cp_ = cp;
          continue;
        }
        cur_.push_back(' ');
      }
    }
    if (run == std::string_view::npos) run = start;
    last_cp_ = cp;
  }
  flush(s.size());
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

namespace {

constexpr const char* kMarker = "data-paizi-fragment";
// Fragments per parse: amortises the parser set-up without building one
// document as large as the whole feed (which costs more in malloc than it saves).
constexpr size_t kBatchFragments = 128;
constexpr size_t kMaxThreads = 4;

HtmlText plain_to_text(std::string_view text, const TextLimits& limits) {
  HtmlText out;
  ParagraphBuilder b(limits);
  size_t pos = 0;
  while (pos <= text.size() && !b.full()) {  // blank lines split paragraphs
    size_t blank = text.find("\n\n", pos);
    if (const size_t crlf = text.find("\r\n\r\n", pos); crlf < blank) blank = crlf;
    b.text(text.substr(pos, blank == std::string_view::npos ? text.npos : blank - pos));
    b.end_paragraph();
    if (blank == std::string_view::npos) break;
    pos = blank + 2;
  }
  out.paragraphs = b.take();
  return out;
}

HtmlText element_to_text(const xmlNode* root, const std::string& base_url, const TextLimits& limits) {
  HtmlText out;
  ParagraphBuilder b(limits);
  node_paragraphs(root, b, {});
  out.paragraphs = b.take();
  if (const xmlNode* img = find_img(root, 0)) out.first_image = resolve_url(attr(img, "src"), base_url);
  return out;
}

bool has_marker_below(const xmlNode* n, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (xmlHasProp(c, reinterpret_cast<const xmlChar*>(kMarker)) || depth > 200 ||
        has_marker_below(c, depth + 1))
      return true;
  }
  return false;
}

bool blank_text(const xmlNode* n) {
  for (const xmlChar* p = n->content; p && *p; ++p)
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') return false;
  return true;
}

}  // namespace

bool looks_like_markup(std::string_view s) {
  if (s.find('<') != std::string_view::npos) return true;
  for (size_t at = s.find('&'); at != std::string_view::npos; at = s.find('&', at + 1)) {
    size_t k = at + 1;
    if (k < s.size() && s[k] == '#') ++k;
    const size_t name = k;
    while (k < s.size() && k - name < 32 && std::isalnum(static_cast<unsigned char>(s[k]))) ++k;
    if (k > name && k < s.size() && s[k] == ';') return true;
  }
  return false;
}

namespace {

// One parse for `fragments` (a chunk of the caller's list).
std::vector<HtmlText> batch_chunk(const std::vector<HtmlFragment>& fragments, const TextLimits& limits,
                                  HtmlParser& parser) {
  std::vector<HtmlText> out(fragments.size());
  std::vector<const xmlNode*> wrapper(fragments.size(), nullptr);
  std::vector<bool> bad(fragments.size(), false);
  std::string doc_text = "<html><body>";
  bool any = false;
  for (size_t i = 0; i < fragments.size(); ++i) {
    if (!looks_like_markup(fragments[i].html)) {
      out[i] = plain_to_text(fragments[i].html, limits);
      continue;
    }
    any = true;
    doc_text += "<div " + std::string(kMarker) + "=\"" + std::to_string(i) + "\">";
    doc_text.append(fragments[i].html);
    doc_text += "</div>\n";
  }
  if (!any) return out;
  doc_text += "</body></html>";
  const XmlDocPtr doc = parser.parse(doc_text, {});
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  const xmlNode* body = root ? first_child_named(root, "body") : nullptr;
  // Body children must be our wrappers, in order, each once, holding no marker.
  size_t last = fragments.size();  // the wrapper before the current node (none yet)
  for (const xmlNode* c = body ? body->children : nullptr; c; c = c->next) {
    const std::string id = c->type == XML_ELEMENT_NODE ? attr(c, kMarker) : std::string{};
    if (!id.empty() && is_named(c, "div")) {
      const size_t i = std::strtoul(id.c_str(), nullptr, 10);
      if (i < fragments.size() && (last == fragments.size() || i > last) && !wrapper[i]) {
        wrapper[i] = c;
        bad[i] = has_marker_below(c, 0);
        last = i;
        continue;
      }
    }
    if ((c->type == XML_TEXT_NODE && blank_text(c)) || c->type == XML_COMMENT_NODE) continue;
    if (last < fragments.size()) bad[last] = true;  // content escaped from the previous wrapper
  }
  for (size_t i = 0; i < fragments.size(); ++i) {
    if (!looks_like_markup(fragments[i].html)) continue;
    if (wrapper[i] && !bad[i]) {
      out[i] = element_to_text(wrapper[i], fragments[i].base_url, limits);
      bad[i] = std::any_of(out[i].paragraphs.begin(), out[i].paragraphs.end(),
                           [](const std::string& p) { return p.find(kMarker) != std::string::npos; });
    }
    if (!wrapper[i] || bad[i])
      out[i] = html_to_text(fragments[i].html, fragments[i].base_url, limits, &parser);
  }
  return out;
}

}  // namespace

std::vector<HtmlText> html_batch_to_text(const std::vector<HtmlFragment>& fragments, const TextLimits& limits,
                                         HtmlParser& parser) {
  // Chunks are independent documents, so they are parsed on up to kMaxThreads
  // threads (each with its own parser context; libxml2 is initialised once
  // by HtmlParser's constructor before any thread starts). A feed of 5,000
  // items is 79 chunks; a small feed stays on the calling thread.
  const size_t chunks = (fragments.size() + kBatchFragments - 1) / kBatchFragments;
  std::vector<std::vector<HtmlText>> parts(chunks);
  std::atomic<size_t> next{0};
  auto work = [&](HtmlParser& p) {
    std::vector<HtmlFragment> chunk;
    for (size_t c = next++; c < chunks; c = next++) {
      const size_t start = c * kBatchFragments;
      const size_t end = std::min(fragments.size(), start + kBatchFragments);
      chunk.assign(fragments.begin() + static_cast<std::ptrdiff_t>(start),
                   fragments.begin() + static_cast<std::ptrdiff_t>(end));
      parts[c] = batch_chunk(chunk, limits, p);
    }
  };
  const size_t hw = std::max(1U, std::thread::hardware_concurrency());
  const size_t helpers = std::min({hw, kMaxThreads, chunks / 2 + 1}) - 1;
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t)
    threads.emplace_back([&] {
      HtmlParser own;
      work(own);
    });
  work(parser);
  for (std::thread& t : threads) t.join();
  std::vector<HtmlText> out;
  out.reserve(fragments.size());
  for (std::vector<HtmlText>& part : parts)
    for (HtmlText& t : part) out.push_back(std::move(t));
  return out;
}

struct HtmlBatchQueue::State {
  struct Owned {
    std::string html;
    std::string base_url;
  };
  explicit State(const TextLimits& l) : limits(l) {}
  TextLimits limits;
  std::vector<Owned> pending;  // the batch being filled (caller's thread only)
  std::mutex m;                // guards the members below
  std::condition_variable cv;
  std::deque<std::vector<Owned>> batches;  // deque: elements stay put while it grows
  std::deque<std::vector<HtmlText>> parts;
  size_t next = 0;  // first batch nobody has taken
  bool closed = false;
  bool abandoned = false;
  std::vector<std::thread> threads;

  // Converts batches until there are none left and no more will come.
  void work(HtmlParser& parser) {
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      if (abandoned) return;
      if (next < batches.size()) {
        std::vector<Owned>& in = batches[next];
        std::vector<HtmlText>& out = parts[next];
        ++next;
        lock.unlock();
        std::vector<HtmlFragment> views;
        views.reserve(in.size());
        for (const Owned& f : in) views.push_back({f.html, f.base_url});
        out = batch_chunk(views, limits, parser);
        std::vector<Owned>().swap(in);
        lock.lock();
        continue;
      }
      if (closed) return;
      cv.wait(lock);
    }
  }

  void submit() {
    if (pending.empty()) return;
    {
      std::lock_guard<std::mutex> lock(m);
      batches.push_back(std::move(pending));
      parts.emplace_back();
    }
    pending.clear();
    cv.notify_one();
  }
};

HtmlBatchQueue::HtmlBatchQueue(const TextLimits& limits) : s_(std::make_unique<State>(limits)) {
  s_->pending.reserve(kBatchFragments);
}

HtmlBatchQueue::~HtmlBatchQueue() {
  {
    std::lock_guard<std::mutex> lock(s_->m);
    s_->closed = true;
    s_->abandoned = true;
  }
  s_->cv.notify_all();
  for (std::thread& t : s_->threads) t.join();
}

void HtmlBatchQueue::add(std::string html, std::string base_url) {
  State& s = *s_;
  s.pending.push_back({std::move(html), std::move(base_url)});
  if (s.pending.size() < kBatchFragments) return;
  s.submit();
  s.pending.reserve(kBatchFragments);
  if (s.threads.empty()) {  // first full batch: more are likely to follow
    const size_t hw = std::max(1U, std::thread::hardware_concurrency());
    const size_t helpers = std::min(hw, kMaxThreads) - 1;
    for (size_t t = 0; t < helpers; ++t)
      s.threads.emplace_back([&s] {
        HtmlParser own;
        s.work(own);
      });
  }
}

std::vector<HtmlText> HtmlBatchQueue::finish(HtmlParser& parser) {
  State& s = *s_;
  s.submit();
  {
    std::lock_guard<std::mutex> lock(s.m);
    s.closed = true;
  }
  s.cv.notify_all();
  s.work(parser);
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  std::vector<HtmlText> out;
  size_t n = 0;
  for (const std::vector<HtmlText>& part : s.parts) n += part.size();
  out.reserve(n);
  for (std::vector<HtmlText>& part : s.parts)
    for (HtmlText& t : part) out.push_back(std::move(t));
  s.parts.clear();
  s.batches.clear();
  s.next = 0;
  s.closed = false;
  return out;
}

HtmlText html_to_text(std::string_view html, const std::string& base_url, const TextLimits& limits,
                      HtmlParser* parser) {
  if (!looks_like_markup(html)) return plain_to_text(html, limits);
  const XmlDocPtr doc = parser ? parser->parse(html, base_url) : parse_html(html, base_url);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  return root ? element_to_text(root, base_url, limits) : HtmlText{};
}

std::string html_to_line(std::string_view html, size_t max_bytes, HtmlParser* parser) {
  TextLimits l;
  l.max_paragraph_bytes = max_bytes;
  l.max_total_bytes = max_bytes;
  std::string line;
  for (const std::string& p : html_to_text(html, {}, l, parser).paragraphs) {
    if (!line.empty()) line.push_back(' ');
    line += p;
  }
  truncate_utf8(line, max_bytes);
  return line;
}

}  // namespace paizi::content
