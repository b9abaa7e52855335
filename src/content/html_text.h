// HTML to plain paragraphs: what a news slide shows of an HTML fragment
// (feed descriptions) or of a subtree of a page (article bodies).
//
// Block elements (p, div, li, h1-h6, br, tr, blockquote, ...) end a
// paragraph; script, style, template, noscript, iframe, svg, object, form
// controls are dropped; entities are decoded by libxml2's HTML parser.
// Whitespace is normalised: runs of spaces, tabs, newlines, NBSP and the
// ideographic space U+3000 (used for paragraph indents) become one space;
// nothing at paragraph edges, and nothing between two CJK characters when the
// run holds a line break (source wrapped mid-sentence); zero-width
// characters vanish. Empty paragraphs are dropped.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace paizi::content {

struct TextLimits {
  size_t max_paragraph_bytes = size_t{16} * 1024;  // longer paragraphs are cut (UTF-8 bytes)
  size_t max_total_bytes = size_t{256} * 1024;     // all paragraphs together
  size_t max_paragraphs = 400;
};

struct HtmlText {
  std::vector<std::string> paragraphs;
  std::string first_image;  // src of the first <img>, resolved against base_url; may be empty
};

class HtmlParser;  // markup.h; reusable parser context, may be null

// `html` must be valid UTF-8 (see encoding.h). Plain text (no '<' or '&') is
// taken as is: blank lines separate paragraphs.
HtmlText html_to_text(std::string_view html, const std::string& base_url, const TextLimits& limits = {},
                      HtmlParser* parser = nullptr);

// Many fragments at once (the items of a feed): one libxml2 parse for all of
// them, each wrapped in a marked <div>. A fragment whose markup leaks out of
// its wrapper (stray end tags, unclosed comments or scripts, forged
// markers) is detected and converted on its own, so the result equals
// html_to_text per fragment.
struct HtmlFragment {
  std::string_view html;
  std::string base_url;
};
std::vector<HtmlText> html_batch_to_text(const std::vector<HtmlFragment>& fragments, const TextLimits& limits,
                                         HtmlParser& parser);

// html_batch_to_text for fragments that arrive one by one (the items of a
// feed while it is being parsed): every full batch goes to helper threads
// (started with the first batch, so a small feed stays on one thread) while
// the caller carries on; finish() converts the rest on the calling thread
// too and returns one result per add(), in order.
class HtmlBatchQueue {
 public:
  explicit HtmlBatchQueue(const TextLimits& limits);
  ~HtmlBatchQueue();  // stops and joins the helpers (results not asked for are dropped)
  HtmlBatchQueue(const HtmlBatchQueue&) = delete;
  HtmlBatchQueue& operator=(const HtmlBatchQueue&) = delete;
  void add(std::string html, std::string base_url);
  std::vector<HtmlText> finish(HtmlParser& parser);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// True when `s` holds markup or character references ('<' or "&name;"/"&#n;");
// anything else is plain text and needs no HTML parser.
bool looks_like_markup(std::string_view s);

// Paragraphs joined into one line with single spaces (titles).
std::string html_to_line(std::string_view html, size_t max_bytes, HtmlParser* parser = nullptr);

// Accumulates inline text into normalised paragraphs (see file comment).
class ParagraphBuilder {
 public:
  explicit ParagraphBuilder(const TextLimits& limits) : limits_(limits) {}
  void text(std::string_view utf8);
  void end_paragraph();
  bool full() const;
  std::vector<std::string> take();

 private:
  TextLimits limits_;
  std::vector<std::string> done_;
  std::string cur_;
  size_t total_ = 0;
  bool pending_space_ = false;
  bool pending_break_ = false;  // the pending whitespace holds a line break
  uint32_t last_cp_ = 0;
};

// Collapses whitespace of one line of text the same way (no HTML parsing).
std::string normalize_space(std::string_view utf8, size_t max_bytes);

}  // namespace paizi::content
