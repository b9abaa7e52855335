#include "content/article.h"

#include <algorithm>
#include <cctype>
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
  for (const char* t : {"p", "pre", "blockquote", "h2", "h3", "h4", "h5", "h6", "li", "dd", "font", "span"})
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

double link_density(const Stats& s) { return s.text ? static_cast<double>(s.link) / static_cast<double>(s.text) : 1.0; }

// Readability-style scoring: each block of running text votes for the
// element that holds it and, at half weight, for that element's parent.
void score_units(const xmlNode* n, const StatsMap& stats, std::unordered_map<const xmlNode*, double>& scores,
                 int depth) {
  size_t inline_text = 0, inline_link = 0;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      inline_text += visible_bytes(c->content);
    } else if (c->type == XML_ELEMENT_NODE && !is_chrome(c)) {
      if (!is_block_element(c)) {
        const auto it = stats.find(c);
        if (it != stats.end()) {
          inline_text += it->second.text;
          inline_link += is_named(c, "a") ? it->second.text : it->second.link;
        }
      }
      if (depth < kMaxDepth) score_units(c, stats, scores, depth + 1);
    }
  }
  if (inline_text < kMinUnitBytes || inline_link * 2 > inline_text) return;
  const double score = 1.0 + std::min(static_cast<double>(inline_text) / 90.0, 4.0);
  const xmlNode* first = is_paragraph_tag(n) ? n->parent : n;
  if (!first || first->type != XML_ELEMENT_NODE) return;
  scores[first] += score;
  if (first->parent && first->parent->type == XML_ELEMENT_NODE) scores[first->parent] += score / 2;
}

const xmlNode* best_container(const xmlNode* root, const StatsMap& stats) {
  std::unordered_map<const xmlNode*, double> scores;
  score_units(root, stats, scores, 0);
  const xmlNode* best = nullptr;
  double best_score = 0;
  for (const auto& [node, raw] : scores) {
    const auto it = stats.find(node);
    if (it == stats.end()) continue;
    double s = raw * (1.0 - link_density(it->second));
    if (is_named(node, "article") || attr(node, "itemprop") == "articleBody") s *= 1.5;
    if (is_named(node, "body") || is_named(node, "html")) s *= 0.5;
    if (s > best_score || (s == best_score && best && node->line < best->line)) {
      best = node;
      best_score = s;
    }
  }
  return best;
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
  if (starts_with_any(p, {"免责声明", "版权声明", "声明：", "Disclaimer", "本网站所刊", "凡本网注明", "转载请注明",
                          "未经授权", "All rights reserved"}))
    return true;
  if (contains_any(p, {"ICP备", "ICP证", "公网安备", "网安备"})) return true;
  if (p.size() < 300 && contains_any(p, {"版权所有", "Copyright", "©"})) return true;
  if (p.size() < 150 &&
      contains_any(p, {"分享到", "打印本页", "【打印】", "[打印]", "关闭窗口", "【关闭】", "字号：", "字体：", "【字体", "扫一扫",
                       "返回顶部", "上一篇", "下一篇", "Share this", "Print this", "Advertisement", "阅读原文"}))
    return true;
  // Counters and stray numbers: nothing but digits and punctuation.
  return p.size() < 20 && std::all_of(p.begin(), p.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80 && !std::isalpha(static_cast<unsigned char>(c)); });
}

// Headings after which a page only lists other articles.
bool is_end_marker(const std::string& p) {
  return p.size() < 40 && starts_with_any(p, {"相关阅读", "相关新闻", "相关文章", "相关链接", "推荐阅读", "延伸阅读",
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
          is_byline(p, meta) || repeated.count(key))
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
    node_paragraphs(body, b, [&](const xmlNode* n) {
      if (is_chrome(n) || is_named(n, "figcaption")) return true;
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
