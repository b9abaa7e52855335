#include "content/article_meta.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "content/encoding.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

using nlohmann::json;
using MetaMap = std::unordered_map<std::string, std::string>;

constexpr size_t kBylineBytes = 300;  // how much text under the headline is read as byline
constexpr size_t kMetaBytes = 4096;   // longest meta value / heading considered

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string text_of(const xmlNode* n, size_t max_bytes = kMetaBytes) {
  return normalize_space(xml_text(n, max_bytes), max_bytes);
}

// Whole-word hints in class/id that mark page chrome.
bool chrome_word(const std::string& w) {
  static const char* const kWords[] = {
      "nav",     "navbar",    "navigation", "menu",        "sidebar", "side",      "aside",
      "footer",  "foot",      "breadcrumb", "breadcrumbs", "crumb",   "crumbs",    "share",
      "sharing", "social",    "comment",    "comments",    "related", "recommend", "recommended",
      "rank",    "ranking",   "hot",        "hotnews",     "ad",      "ads",       "advert",
      "banner",  "copyright", "toolbar",    "subscribe",   "login",   "popup",     "modal",
      "qrcode",  "print",     "pager",      "pagination",  "topbar",  "masthead"};
  for (const char* k : kWords)
    if (w == k) return true;
  for (const char* suffix : {"nav", "menu", "sidebar", "footer", "share", "crumb"})
    if (w.size() > std::strlen(suffix) &&
        w.compare(w.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
      return true;
  return false;
}

bool chrome_hint(const std::string& class_and_id) {
  std::string word;
  for (char c : lower(class_and_id) + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(c);
    } else {
      if (!word.empty() && chrome_word(word)) return true;
      word.clear();
    }
  }
  return false;
}

// What a 公众号 (WeChat official account) article page's own script says of
// it: its publish time and account name are written into the page by that
// script (the <em id="publish_time"> of the HTML is empty).
struct WechatVars {
  bool article = false;  // the page has WeChat's body element (id js_content)
  std::string ct;        // var ct = "1713668400": publish time, Unix seconds
  std::string nickname;  // var nickname = "..." (or htmlDecode("...")): the account
};

// The string literal assigned by `var NAME = ...` in a script, through an
// htmlDecode( call; empty when there is none (or it is long or holds an
// entity: a name, not markup, is wanted).
std::string js_var(const std::string& script, std::string_view name) {
  const std::string key = "var " + std::string(name);
  for (size_t at = script.find(key); at != std::string::npos; at = script.find(key, at + 1)) {
    size_t i = at + key.size();
    while (i < script.size() && script[i] == ' ') ++i;
    if (i >= script.size() || script[i] != '=') continue;  // "var ctx", "var ct;"
    ++i;
    while (i < script.size() && script[i] == ' ') ++i;
    if (script.compare(i, 11, "htmlDecode(") == 0) i += 11;
    if (i >= script.size() || (script[i] != '"' && script[i] != '\'')) return {};
    const size_t end = script.find(script[i], i + 1);
    if (end == std::string::npos || end - i - 1 > 200) return {};
    std::string v = script.substr(i + 1, end - i - 1);
    return v.find_first_of("&<\\") == std::string::npos ? v : std::string{};
  }
  return {};
}

void collect_meta(const xmlNode* n, MetaMap& meta, std::string& canonical, std::vector<std::string>& ld,
                  WechatVars& wx, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (attr(c, "id") == "js_content") wx.article = true;
    if (is_named(c, "meta")) {
      std::string key = attr(c, "property");
      if (key.empty()) key = attr(c, "name");
      if (key.empty()) key = attr(c, "itemprop");
      const std::string value = normalize_space(attr(c, "content"), kMetaBytes);
      if (!key.empty() && !value.empty()) meta.emplace(lower(key), value);
    } else if (is_named(c, "link") && lower(attr(c, "rel")) == "canonical" && canonical.empty()) {
      canonical = attr(c, "href");
    } else if (is_named(c, "script") && lower(attr(c, "type")) == "application/ld+json") {
      ld.push_back(xml_text(c, 1 << 20));
    } else if (is_named(c, "script")) {
      if (wx.ct.empty() || wx.nickname.empty()) {
        const std::string text = xml_text(c, 1 << 20);
        if (wx.ct.empty()) wx.ct = js_var(text, "ct");
        if (wx.nickname.empty()) wx.nickname = normalize_space(js_var(text, "nickname"), kMetaBytes);
      }
    } else if (depth < 200) {
      collect_meta(c, meta, canonical, ld, wx, depth + 1);
    }
  }
}

std::string first_meta(const MetaMap& m, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (const auto it = m.find(k); it != m.end()) return it->second;
  return {};
}

bool is_article_type(const json& t) {
  auto one = [](const json& s) {
    return s.is_string() && s.get<std::string>().find("Article") != std::string::npos;
  };
  if (one(t)) return true;
  if (t.is_array())
    for (const json& s : t)
      if (one(s)) return true;
  return false;
}

const json* find_ld_article(const json& j, int depth = 0) {
  if (depth > 8) return nullptr;
  if (j.is_object()) {
    if (const auto t = j.find("@type"); t != j.end() && is_article_type(*t)) return &j;
    if (const auto g = j.find("@graph"); g != j.end()) return find_ld_article(*g, depth + 1);
  } else if (j.is_array()) {
    for (const json& e : j)
      if (const json* f = find_ld_article(e, depth + 1)) return f;
  }
  return nullptr;
}

std::string ld_string(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return {};
  const json* v = &*it;
  if (v->is_array() && !v->empty()) v = &v->front();
  if (v->is_string()) return normalize_space(v->get<std::string>(), kMetaBytes);
  if (v->is_object()) {
    for (const char* k : {"name", "url", "@id"})
      if (const auto n = v->find(k); n != v->end() && n->is_string())
        return normalize_space(n->get<std::string>(), kMetaBytes);
  }
  return {};
}

// Headline element: the h1/h2 whose text the page title contains (or equals
// the metadata title); else the first h1.
const xmlNode* find_headline(const xmlNode* n, const std::string& page_title, const std::string& meta_title,
                             const xmlNode*& first_h1, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || is_hidden_element(c) || depth > 200) continue;
    if (is_named(c, "h1") || is_named(c, "h2")) {
      const std::string t = text_of(c);
      if (t.size() >= 4 && ((!meta_title.empty() && (meta_title.find(t) != std::string::npos ||
                                                     t.find(meta_title) != std::string::npos)) ||
                            (meta_title.empty() && page_title.find(t) != std::string::npos)))
        return c;
      if (!first_h1 && is_named(c, "h1") && t.size() >= 4) first_h1 = c;
      continue;
    }
    if (is_chrome(c)) continue;
    if (const xmlNode* h = find_headline(c, page_title, meta_title, first_h1, depth + 1)) return h;
  }
  return nullptr;
}

// Pages without an h1/h2 headline (table layouts: <td class="title"><b>..)
// still show the title: the element of the first text node in the body that
// says exactly the title (outside page chrome, links and scripts).
const xmlNode* find_title_text(const xmlNode* n, const std::string& title, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE && c->content) {
      if (normalize_space(reinterpret_cast<const char*>(c->content), title.size() + 16) == title) return n;
      continue;
    }
    if (c->type != XML_ELEMENT_NODE || depth > 200 || is_chrome(c)) continue;
    if (is_named(c, "head") || is_named(c, "a") || is_named(c, "script") || is_named(c, "style") ||
        is_named(c, "title") || is_named(c, "option"))
      continue;
    if (const xmlNode* h = find_title_text(c, title, depth + 1)) return h;
  }
  return nullptr;
}

const xmlNode* next_after(const xmlNode* n) {  // preorder successor outside n's subtree
  while (n && !n->next) n = n->parent;
  return n ? n->next : nullptr;
}

const xmlNode* next_preorder(const xmlNode* n) {
  if (n->children && n->type == XML_ELEMENT_NODE && !is_hidden_element(n) && !is_chrome(n))
    return n->children;
  return next_after(n);
}

std::string read_byline(const xmlNode* headline) {
  std::string out;
  for (const xmlNode* n = next_after(headline); n && out.size() < kBylineBytes; n = next_preorder(n)) {
    if (n->type != XML_TEXT_NODE) continue;
    const std::string t = normalize_space(reinterpret_cast<const char*>(n->content), kBylineBytes);
    if (t.empty()) continue;
    if (t.size() >= 150 && !out.empty()) break;  // running text: the body has begun
    // A sentence is body text too, however short (a short article's first
    // paragraph): its dates are what the article is about ("将于2025年1月1日
    // 起施行"), not when it was published.
    if (t.find("。") != std::string::npos || t.find("！") != std::string::npos ||
        t.find("？") != std::string::npos)
      break;
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  truncate_utf8(out, kBylineBytes);
  return out;
}

const std::regex& date_re() {
  static const std::regex re(
      R"((\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*(?:日)?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?)");
  return re;
}

std::optional<int64_t> date_in(const std::string& text, const DateOptions& dates, std::smatch* where) {
  std::smatch m;
  if (!std::regex_search(text, m, date_re())) return std::nullopt;
  std::string s = m[1].str() + "-" + m[2].str() + "-" + m[3].str();
  if (m[4].matched) s += " " + m[4].str() + ":" + m[5].str() + (m[6].matched ? ":" + m[6].str() : "");
  if (where) *where = m;
  return parse_date(s, dates);
}

std::string labelled_source(const std::string& byline) {
  // std::regex sees bytes: a bracket expression cannot exclude the
  // multi-byte "｜" (it would exclude its bytes; 府 ends in one of them), so
  // that separator is cut off afterwards.
  static const std::regex re(R"((?:来源|來源|稿源|出处|Source)\s*(?::|：)\s*([^\s|]+))");
  std::smatch m;
  if (!std::regex_search(byline, m, re)) return {};
  std::string name = m[1].str();
  return name.substr(0, name.find("｜"));
}

// "2022-04-21 中国高新技术产业导报": a short name right after the date.
std::string name_after_date(const std::smatch& m) {
  std::string rest = normalize_space(m.suffix().str(), kBylineBytes);
  rest = rest.substr(0, rest.find(' '));
  if (rest.size() < 4 || rest.size() > 60) return {};
  for (char c : rest)
    if (std::isdigit(static_cast<unsigned char>(c)) || c == ':') return {};
  if (rest.find("：") != std::string::npos) return {};
  return rest;
}

std::optional<int64_t> first_time_element(const xmlNode* n, const DateOptions& dates, int depth) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || depth > 200) continue;
    if (is_named(c, "time")) {
      std::string dt = attr(c, "datetime");
      if (dt.empty()) dt = text_of(c, 100);
      if (auto t = parse_date(dt, dates)) return t;
    }
    if (auto t = first_time_element(c, dates, depth + 1)) return t;
  }
  return std::nullopt;
}

// Summary boxes are labelled: 核心提示：..., 【摘要】..., Summary: ...
void find_summary_box(const xmlNode* n, PageMeta& meta, int depth) {
  static const char* const kLabels[] = {"核心提示", "内容提要", "内容摘要",     "摘要",
                                        "导读",     "编者按",   "【核心提示】", "【摘要】",
                                        "【导读】", "Summary:", "Abstract:"};
  for (const xmlNode* c = n->children; c && meta.summary_box_text.empty(); c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      const std::string t = normalize_space(reinterpret_cast<const char*>(c->content), 64);
      for (const char* label : kLabels) {
        if (t.rfind(label, 0) != 0) continue;
        const xmlNode* block = n;
        while (block->parent && block->parent->type == XML_ELEMENT_NODE && !is_block_element(block))
          block = block->parent;
        ParagraphBuilder b(TextLimits{});
        node_paragraphs(block, b, {});
        std::string box;
        for (const std::string& p : b.take()) box += (box.empty() ? "" : " ") + p;
        meta.summary_box_text = box;
        std::string s = box.substr(std::strlen(label));
        while (!s.empty() && (s.rfind("：", 0) == 0 || s.rfind("】", 0) == 0 || s[0] == ':' || s[0] == ' '))
          s.erase(0, s[0] == ':' || s[0] == ' ' ? 1 : 3);
        meta.summary = s;
        return;
      }
    } else if (c->type == XML_ELEMENT_NODE && !is_hidden_element(c) && depth < 200) {
      find_summary_box(c, meta, depth + 1);
    }
  }
}

// "Headline_Site Name" / "Headline - Site": the longest part.
std::string clean_page_title(const std::string& t) {
  std::string best;
  size_t start = 0;
  for (;;) {
    size_t cut = std::string::npos, len = 0;
    for (const char* sep : {" - ", " | ", "_", " – ", " — ", "——", "｜"}) {
      const size_t at = t.find(sep, start);
      if (at < cut) cut = at, len = std::strlen(sep);
    }
    const std::string part =
        normalize_space(t.substr(start, cut == std::string::npos ? cut : cut - start), kMetaBytes);
    if (part.size() > best.size()) best = part;
    if (cut == std::string::npos) break;
    start = cut + len;
  }
  return best;
}

}  // namespace

const char* non_html_reason(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front())) s.remove_prefix(1);
  if (s.empty()) return "empty document";
  if (s.front() == '{' || s.front() == '[') return "the document is JSON";
  if (s.front() != '<') return "the document is not HTML";
  size_t at = 0;
  while ((at = s.find('<', at)) != std::string_view::npos && at + 1 < s.size() &&
         (s[at + 1] == '?' || s[at + 1] == '!'))
    ++at;
  if (at == std::string_view::npos) return "the document is not HTML";
  const std::string_view tag = s.substr(at + 1, 8);
  for (const char* feed : {"rss", "feed", "rdf:RDF", "RDF"})
    if (tag.rfind(feed, 0) == 0 && tag.size() > std::strlen(feed) &&
        std::strchr(" >\t\r\n", tag[std::strlen(feed)]))
      return "the document is a feed (use paizi feed)";
  return nullptr;
}

bool is_chrome(const xmlNode* n) {
  for (const char* t : {"nav", "aside", "footer", "header", "form", "button", "select", "menu"})
    if (is_named(n, t)) return true;
  if (is_hidden_element(n)) return true;
  const std::string role = lower(attr(n, "role"));
  if (role == "navigation" || role == "complementary" || role == "contentinfo" || role == "banner" ||
      role == "search" || role == "menu" || role == "menubar")
    return true;
  if (xmlHasProp(n, reinterpret_cast<const xmlChar*>("hidden")) || lower(attr(n, "aria-hidden")) == "true")
    return true;
  if (style_says(n, "display:none")) return true;
  return chrome_hint(attr(n, "class") + " " + attr(n, "id"));
}

bool style_says(const xmlNode* n, std::string_view declaration) {
  std::string style = lower(attr(n, "style"));
  style.erase(std::remove_if(style.begin(), style.end(),
                             [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
              style.end());
  for (size_t at = style.find(declaration); at != std::string::npos; at = style.find(declaration, at + 1)) {
    const size_t end = at + declaration.size();
    // A whole declaration: "display:none" is not "xdisplay:none" nor "display:none-ish".
    if ((at == 0 || style[at - 1] == ';' || style[at - 1] == '{') &&
        (end == style.size() || style[end] == ';' || style[end] == '!'))
      return true;
  }
  return false;
}

PageMeta read_page_meta(const xmlNode* root, const ArticleOptions& o) {
  PageMeta meta;
  MetaMap m;
  std::string canonical;
  std::vector<std::string> ld_texts;
  WechatVars wx;
  collect_meta(root, m, canonical, ld_texts, wx, 0);
  if (!wx.article) wx = {};  // "var ct" on another page is anybody's variable
  json ld_article;
  for (const std::string& t : ld_texts) {
    const json j = json::parse(t, nullptr, false);
    if (const json* a = j.is_discarded() ? nullptr : find_ld_article(j)) {
      ld_article = *a;
      break;
    }
  }
  const bool has_ld = ld_article.is_object();
  std::string page_title;
  for (const xmlNode* c = root->children; c && page_title.empty(); c = c->next)
    if (const xmlNode* t = is_named(c, "head") ? first_child_named(c, "title") : nullptr)
      page_title = text_of(t);

  meta.title = has_ld ? ld_string(ld_article, "headline") : std::string{};
  if (meta.title.empty()) meta.title = first_meta(m, {"og:title", "articletitle", "twitter:title"});
  const xmlNode* first_h1 = nullptr;
  const xmlNode* headline = find_headline(root, page_title, meta.title, first_h1, 0);
  if (!headline) headline = first_h1;
  if (meta.title.empty()) meta.title = headline ? text_of(headline) : clean_page_title(page_title);
  if (!headline && meta.title.size() >= 4) headline = find_title_text(root, meta.title, 0);

  meta.byline = headline ? read_byline(headline) : std::string{};
  std::smatch date_match;
  const std::optional<int64_t> byline_date = date_in(meta.byline, o.dates, &date_match);
  if (has_ld) meta.published = parse_date(ld_string(ld_article, "datePublished"), o.dates);
  if (!meta.published)
    meta.published =
        parse_date(first_meta(m, {"article:published_time", "og:article:published_time", "pubdate",
                                  "publishdate", "publish_date", "datepublished", "dc.date.issued", "dc.date",
                                  "dcterms.created", "firstpublishedtime", "date"}),
                   o.dates);
  if (!meta.published) meta.published = first_time_element(root, o.dates, 0);
  // The platform's own time before a date read under the headline: on a
  // short 公众号 article (its byline empty in the HTML) that "byline" runs on
  // into the body and would take the first date it mentions.
  if (!meta.published && wx.ct.size() >= 9 && wx.ct.size() <= 11 &&
      std::all_of(wx.ct.begin(), wx.ct.end(), [](char c) { return c >= '0' && c <= '9'; }))
    meta.published = std::stoll(wx.ct);
  if (!meta.published) meta.published = byline_date;

  const std::string ld_publisher = has_ld ? ld_string(ld_article, "publisher") : std::string{};
  const std::string ld_author = has_ld ? ld_string(ld_article, "author") : std::string{};
  for (const std::string& s :
       {labelled_source(meta.byline), first_meta(m, {"contentsource", "source", "og:article:source"}),
        ld_publisher, byline_date ? name_after_date(date_match) : std::string{}, wx.nickname,
        first_meta(m, {"og:site_name", "sitename"}), first_meta(m, {"author", "article:author"}),
        ld_author}) {
    if (!s.empty()) {
      meta.source = s;
      break;
    }
  }
  const std::string base = o.url;
  meta.link = resolve_url(!canonical.empty() ? canonical : first_meta(m, {"og:url"}), base);
  if (meta.link.empty()) meta.link = o.url;
  std::string image = first_meta(m, {"og:image", "twitter:image"});
  if (image.empty() && has_ld) image = ld_string(ld_article, "image");
  meta.image = resolve_url(image, base);
  find_summary_box(root, meta, 0);
  if (has_ld)
    if (const auto b = ld_article.find("articleBody"); b != ld_article.end() && b->is_string()) {
      meta.ld_body = b->get<std::string>();
      truncate_utf8(meta.ld_body, o.body.max_total_bytes);
    }
  return meta;
}

bool is_byline(const std::string& p, const PageMeta& meta) {
  if (p.size() > 200) return false;
  const bool labelled = !labelled_source(p).empty() || p.rfind("作者", 0) == 0 || p.rfind("By ", 0) == 0;
  if (labelled && (meta.byline.find(p) != std::string::npos || p.size() < 120)) return true;
  std::smatch m;
  if (!std::regex_search(p, m, date_re())) return false;
  static const char* const kWords[] = {"来源",   "來源", "作者",   "发布",    "發布",     "时间",
                                       "日期",   "浏览", "点击",   "阅读",    "字号",     "编辑",
                                       "Source", "By ",  "Posted", "Updated", "Published"};
  for (const char* w : kWords)
    if (p.find(w) != std::string::npos) return true;
  return p.size() < 80;  // a date and little else
}

}  // namespace paizi::content
