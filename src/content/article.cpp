#include "content/article.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "content/article_meta.h"
#include "content/encoding.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

// Text amounts are UTF-8 bytes of non-blank text: a CJK character weighs
// three, a Latin letter one, which matches how much each says.
struct Stats {
  size_t text = 0;
  size_t link = 0;  // of which inside <a>
};
using StatsMap = std::unordered_map<const xmlNode*, Stats>;

constexpr int kMaxDepth = 400;
constexpr size_t kMinUnitBytes = 30;  // shorter text blocks carry no body evidence

size_t visible_bytes(const xmlChar* s) {
  size_t n = 0;
  for (; s && *s; ++s)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') ++n;
  return n;
}

bool is_paragraph_tag(const xmlNode* n) {
  for (const char* t : {"p", "pre", "blockquote", "h2", "h3", "h4", "h5", "h6", "li", "dd"})
    if (is_named(n, t)) return true;
  return false;
}

Stats compute_stats(const xmlNode* n, StatsMap& map, bool in_link, int depth) {
  Stats s;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const size_t b = visible_bytes(c->content);
      s.text += b;
      if (in_link) s.link += b;
    } else if (c->type == XML_ELEMENT_NODE && !is_chrome(c) && depth < kMaxDepth) {
      const Stats cs = compute_stats(c, map, in_link || is_named(c, "a"), depth + 1);
      s.text += cs.text;
      s.link += cs.link;
    }
  }
  map[n] = s;
  return s;
}

double link_density(const Stats& s) {
  return s.text ? static_cast<double>(s.link) / static_cast<double>(s.text) : 1.0;
}

// Editor and credit lines at the end of an article: 【责任编辑：王芳】,
// 编辑：张三 校对：李四, 审核/监制/初审/复审/终审 ..., 来源：..., 图片来源：...,
// （完）. A label must be followed by a colon or a space ("编辑部收到..." and
// "来源于..." are sentences).
bool is_credit_line(const std::string& line) {
  if (line.empty() || line.size() > 120) return false;
  std::string t = line;
  for (const auto& [open, close] :
       {std::pair{"【", "】"}, {"（", "）"}, {"(", ")"}, {"[", "]"}, {"〔", "〕"}})
    if (t.rfind(open, 0) == 0 && t.size() >= std::strlen(open) + std::strlen(close) &&
        t.compare(t.size() - std::strlen(close), std::string::npos, close) == 0) {
      t = t.substr(std::strlen(open), t.size() - std::strlen(open) - std::strlen(close));
      break;
    }
  if (t == "完" || t == "全文完" || t == "END" || t == "end") return true;
  for (const char* label :
       {"责任编辑", "值班编辑", "本期编辑", "文字编辑", "编辑",     "责编", "美编", "校对",
        "审校",     "审核",     "初审",     "复审",     "终审",     "监制", "排版", "来源",
        "來源",     "稿源",     "供稿",     "撰稿",     "图片来源", "图源", "摄影"}) {
    if (t.rfind(label, 0) != 0) continue;
    const std::string rest = t.substr(std::strlen(label));
    return rest.rfind("：", 0) == 0 || rest.rfind(':', 0) == 0 ||
           rest.rfind(' ', 0) == 0;  // NBSP and U+3000 are spaces by now
  }
  return false;
}

// Readability-style scoring: each block of running text (a "unit") votes
// for the element that holds it and, at half weight, for that element's
// parent. A unit is at least kMinUnitBytes of text, or a shorter sentence
// (kMinSentenceBytes, ending in sentence punctuation: a short article's
// paragraphs); less than half of it inside links; not a credit line.
// Units that end a sentence mark their ancestors as holding body text
// (`sentences`), and credit lines count as furniture (`credit_bytes`): both
// decide how far the chosen container widens (widen_container).
struct Scoring {
  std::unordered_map<const xmlNode*, double> scores;
  std::unordered_set<const xmlNode*> sentences;  // elements with a sentence unit inside (or that are one)
  std::unordered_map<const xmlNode*, size_t> credit_bytes;  // text bytes of credit lines inside
};

constexpr size_t kMinSentenceBytes = 15;    // five CJK characters with their 。
constexpr size_t kMaxShortUnitBytes = 150;  // units up to this size are read as text (credit line? sentence?)

// The inline text of `n` (text and non-block children), normalised.
std::string unit_text(const xmlNode* n) {
  std::string raw;
  for (const xmlNode* c = n->children; c && raw.size() <= kMaxShortUnitBytes * 2; c = c->next) {
    if (c->type == XML_TEXT_NODE && c->content)
      raw += reinterpret_cast<const char*>(c->content);
    else if (c->type == XML_ELEMENT_NODE && !is_chrome(c) && !is_block_element(c))
      raw += xml_text(c, kMaxShortUnitBytes * 2);
  }
  return normalize_space(raw, kMaxShortUnitBytes * 2);
}

bool ends_sentence(const std::string& t) {
  for (const char* end : {"。", "！", "？", "…", "”", "」", "』", "）", ".", "!", "?", "\"", ")"})
    if (t.size() >= std::strlen(end) && t.compare(t.size() - std::strlen(end), std::string::npos, end) == 0)
      return t.find_first_of(".!?") != std::string::npos || t.find("。") != std::string::npos ||
             t.find("！") != std::string::npos || t.find("？") != std::string::npos ||
             t.find("…") != std::string::npos;
  return false;
}

bool is_page_root(const xmlNode* n) { return is_named(n, "body") || is_named(n, "html"); }

void mark_up(const xmlNode* n, int depth, const std::function<void(const xmlNode*)>& f) {
  for (; n && n->type == XML_ELEMENT_NODE && depth <= kMaxDepth; n = n->parent, ++depth) f(n);
}

// The text of `n`'s own run of inline content: its text and that of its
// inline descendants, not what is inside block descendants (those are units
// of their own: a <font> or <a> around whole paragraphs, or <body>, which
// is not a block here, would otherwise be scored as one paragraph holding
// all of them). `link`: the part of it inside <a>.
void inline_run(const xmlNode* n, const StatsMap& stats, bool in_link, size_t& text, size_t& link,
                int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const size_t b = visible_bytes(c->content);
      text += b;
      if (in_link) link += b;
    } else if (c->type == XML_ELEMENT_NODE && !is_block_element(c) && stats.count(c) && depth < kMaxDepth) {
      inline_run(c, stats, in_link || is_named(c, "a"), text, link, depth + 1);  // (chrome has no stats)
    }
  }
}

void score_units(const xmlNode* n, const StatsMap& stats, Scoring& sc, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !is_chrome(c) && depth < kMaxDepth)
      score_units(c, stats, sc, depth + 1);
  // An inline element's run is part of the run of the element around it,
  // scored there: scored again on its own, a paragraph whose runs are
  // wrapped in <span>s, as 公众号 editors wrap them, would vote two or three
  // times, and a block of two spans would outscore the container of all the
  // paragraphs.
  if (!is_block_element(n) && n->parent && n->parent->type == XML_ELEMENT_NODE && !is_page_root(n)) return;
  // The page's headline is no evidence of body text: it stands above the
  // body, in the container of the byline and the tools.
  if (is_named(n, "h1")) return;
  size_t inline_text = 0, inline_link = 0;
  inline_run(n, stats, false, inline_text, inline_link, depth);  // (n is a block or the page: not an <a>)
  if (inline_text == 0 || inline_link * 2 > inline_text) return;
  bool sentence = false;
  if (inline_text <= kMaxShortUnitBytes) {
    const std::string t = unit_text(n);
    if (is_credit_line(t)) {
      mark_up(n, depth, [&](const xmlNode* a) { sc.credit_bytes[a] += inline_text; });
      return;
    }
    sentence = ends_sentence(t);
    if (inline_text < (sentence ? kMinSentenceBytes : kMinUnitBytes)) return;
  } else {
    sentence = true;  // a long block of text is body evidence whatever it ends with
  }
  if (sentence && inline_link == 0) mark_up(n, depth, [&](const xmlNode* a) { sc.sentences.insert(a); });
  const double score = 1.0 + std::min(static_cast<double>(inline_text) / 90.0, 4.0);
  const xmlNode* first = is_paragraph_tag(n) ? n->parent : n;
  if (!first || first->type != XML_ELEMENT_NODE) return;
  sc.scores[first] += score;
  if (first->parent && first->parent->type == XML_ELEMENT_NODE) sc.scores[first->parent] += score / 2;
}

// A body spread over sibling blocks (short paragraphs each in its own
// <section>, as editors for 公众号 pages nest them) scores per block: the
// best container then holds one paragraph. Widens it to its parent while
// the other children of the parent are body text too (hold a sentence
// unit) or hold nothing to show (no text, chrome, credit lines), and at
// least one of them is body text. Any other sibling (a headline, a byline,
// a list of links, a toolbar) stops it, so a page's own body container
// stays what it was.
const xmlNode* widen_container(const xmlNode* best, const StatsMap& stats, const Scoring& sc) {
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    const xmlNode* p = best->parent;
    if (!p || p->type != XML_ELEMENT_NODE || is_page_root(p)) break;
    bool body_sibling = false, other_sibling = false;
    for (const xmlNode* c = p->children; c && !other_sibling; c = c->next) {
      if (c == best) continue;
      if (c->type == XML_TEXT_NODE) {
        other_sibling = visible_bytes(c->content) > 0;
        continue;
      }
      const auto it = stats.find(c);  // chrome has no stats
      if (c->type != XML_ELEMENT_NODE || it == stats.end() || it->second.text == 0) continue;
      if (sc.sentences.count(c)) {
        body_sibling = true;
      } else {
        const auto cr = sc.credit_bytes.find(c);
        other_sibling = cr == sc.credit_bytes.end() || cr->second < it->second.text;
      }
    }
    if (other_sibling || !body_sibling) break;
    best = p;
  }
  return best;
}

const xmlNode* best_container(const xmlNode* root, const StatsMap& stats) {
  Scoring sc;
  score_units(root, stats, sc, 0);
  const xmlNode* best = nullptr;
  double best_score = 0;
  for (const auto& [node, raw] : sc.scores) {
    const auto it = stats.find(node);
    if (it == stats.end()) continue;
    double s = raw * (1.0 - link_density(it->second));
    if (is_named(node, "article") || attr(node, "itemprop") == "articleBody") s *= 1.5;
    if (is_page_root(node)) s *= 0.5;
    if (s > best_score || (s == best_score && best && node->line < best->line)) {
      best = node;
      best_score = s;
    }
  }
  return best ? widen_container(best, stats, sc) : nullptr;
}

bool contains_any(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s.find(w) != std::string::npos) return true;
  return false;
}

bool starts_with_any(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s.rfind(w, 0) == 0) return true;
  return false;
}

// Paragraphs that are page furniture even inside the body container.
bool is_furniture(const std::string& p) {
  if (starts_with_any(p, {"免责声明", "版权声明", "声明：", "Disclaimer", "本网站所刊", "凡本网注明",
                          "转载请注明", "未经授权", "All rights reserved"}))
    return true;
  if (contains_any(p, {"ICP备", "ICP证", "公网安备", "网安备"})) return true;
  if (p.size() < 300 && contains_any(p, {"版权所有", "Copyright", "©"})) return true;
  if (p.size() < 150 && contains_any(p, {"分享到", "打印本页", "【打印】", "[打印]", "关闭窗口", "【关闭】",
                                         "字号：", "字体：", "【字体", "扫一扫", "返回顶部", "上一篇",
                                         "下一篇", "Share this", "Print this", "Advertisement", "阅读原文"}))
    return true;
  // Counters and stray numbers: nothing but digits and punctuation.
  return p.size() < 20 && std::all_of(p.begin(), p.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x80 && !std::isalpha(static_cast<unsigned char>(c));
         });
}

// Headings after which a page only lists other articles.
bool is_end_marker(const std::string& p) {
  return p.size() < 40 &&
         starts_with_any(p, {"相关阅读", "相关新闻", "相关文章", "相关链接", "推荐阅读", "延伸阅读",
                             "热点推荐", "猜你喜欢", "Related", "Read more", "More stories"});
}

// Texts of short blocks that occur more than once on the page (menus
// repeated in header and footer, tag clouds): never body paragraphs.

std::string canon_space(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' '; }), s.end());
  return s;
}

bool has_block_child(const xmlNode* n) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (is_block_element(c) && !is_named(c, "br")) return true;
  return false;
}

void count_blocks(const xmlNode* n, std::unordered_map<std::string, int>& counts, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || is_hidden_element(c) || depth > kMaxDepth) continue;
    if (is_block_element(c) && !has_block_child(c)) {
      ParagraphBuilder b(TextLimits{});
      node_paragraphs(c, b, {});
      std::string key;
      for (const std::string& p : b.take()) key += p;
      if (!key.empty() && key.size() <= 90) ++counts[canon_space(key)];
      continue;
    }
    count_blocks(c, counts, depth + 1);
  }
}

std::unordered_set<std::string> repeated_blocks(const xmlNode* root) {
  std::unordered_map<std::string, int> counts;
  count_blocks(root, counts, 0);
  std::unordered_set<std::string> out;
  for (const auto& [text, n] : counts)
    if (n >= 2 && !text.empty()) out.insert(text);
  return out;
}

}  // namespace

ArticleResult extract_article(std::string_view bytes, const ArticleOptions& o) {
  ArticleResult r;
  const Decoded d = decode_to_utf8(bytes, o.content_type);
  r.charset = d.charset;
  if (const char* why = non_html_reason(d.utf8)) {
    r.error = std::string("not an article: ") + why;
    return r;
  }
  const XmlDocPtr doc = parse_html(d.utf8, o.url);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root) {
    r.error = "not an article: unreadable HTML";
    return r;
  }
  StatsMap stats;
  compute_stats(root, stats, false, 0);
  const PageMeta meta = read_page_meta(root, o);
  NewsItem item;
  item.title = meta.title;
  item.published = meta.published;
  item.source = meta.source;
  item.link = meta.link;
  item.image = meta.image;
  item.summary = meta.summary;
  const std::string title_key = canon_space(item.title);
  const std::string summary_key = canon_space(meta.summary_box_text);
  const auto repeated = repeated_blocks(root);
  // The body's paragraphs less what is not body text; true when they are
  // enough to be an article.
  auto take_body = [&](std::vector<std::string> paragraphs) {
    item.paragraphs.clear();
    size_t body_bytes = 0;
    for (std::string& p : paragraphs) {
      if (is_end_marker(p)) break;
      const std::string key = canon_space(p);
      if (key == title_key || (!summary_key.empty() && key == summary_key) || is_furniture(p) ||
          is_credit_line(p) || is_byline(p, meta) || repeated.count(key))
        continue;
      body_bytes += p.size();
      item.paragraphs.push_back(std::move(p));
    }
    // empty: min_body_bytes = 0 (fuzz_article)
    return body_bytes >= o.min_body_bytes && !item.paragraphs.empty();
  };
  bool found = false;
  if (const xmlNode* body = best_container(root, stats); body && stats[body].text >= o.min_body_bytes) {
    ParagraphBuilder b(o.body);
    // visibility:hidden counts inside the body only: around it (公众号
    // pages' js_content) it is a page's script revealing the text later.
    node_paragraphs(body, b, [&](const xmlNode* n) {
      if (is_chrome(n) || is_named(n, "figcaption") || style_says(n, "visibility:hidden")) return true;
      if (!is_block_element(n)) return false;
      const auto it = stats.find(n);
      return it != stats.end() && it->second.text > 0 && it->second.link * 2 > it->second.text;
    });
    found = take_body(b.take());
  }
  // Pages built by script carry no body in their HTML, but often the whole
  // text in JSON-LD (articleBody): plain text with a paragraph per line, or
  // HTML.
  if (!found && !meta.ld_body.empty()) {
    if (looks_like_markup(meta.ld_body)) {
      found = take_body(html_to_text(meta.ld_body, meta.link, o.body).paragraphs);
    } else {
      ParagraphBuilder b(o.body);
      for (size_t at = 0; at <= meta.ld_body.size() && !b.full();) {
        const size_t nl = std::min(meta.ld_body.find('\n', at), meta.ld_body.size());
        b.text(std::string_view(meta.ld_body).substr(at, nl - at));
        b.end_paragraph();
        at = nl + 1;
      }
      found = take_body(b.take());
    }
  }
  if (!found) {
    r.error = "not an article: no body text found";
    return r;
  }
  if (item.title.empty()) item.title = item.paragraphs.front();
  truncate_utf8(item.title, o.max_title_bytes);
  truncate_utf8(item.summary, o.max_summary_bytes);
  r.article = std::move(item);
  return r;
}

}  // namespace paizi::content
