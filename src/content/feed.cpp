#include "content/feed.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

#include <libxml/tree.h>

#include "content/encoding.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

// Fills summary, paragraphs and image of items[i] from text[2i] (description)
// and text[2i+1] (content); see fill_items_text.
void apply_item_text(std::vector<NewsItem>& items, const std::vector<HtmlText>& text,
                     const FeedOptions& options);

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kAtom03Ns = "http://purl.org/atom/ns#";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr size_t kMaxRawBytes = 1u << 20;  // raw text read from one element before HTML stripping

bool in_ns(const xmlNode* n, const char* ns) { return std::strcmp(ns_href(n), ns) == 0; }
bool is_atom(const xmlNode* n) { return in_ns(n, kAtomNs) || in_ns(n, kAtom03Ns); }
bool is_media(const xmlNode* n) { return std::strstr(ns_href(n), "search.yahoo.com/mrss") != nullptr; }
// RSS's own elements: no namespace, or RSS 1.0/0.90's RDF-era namespaces.
bool is_rss_own(const xmlNode* n) {
  const char* ns = ns_href(n);
  return !*ns || std::strcmp(ns, "http://purl.org/rss/1.0/") == 0 ||
         std::strstr(ns, "my.netscape.com/rdf/simple/0.9") != nullptr;
}

std::string local(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string qname(const xmlNode* n) {
  std::string q;
  if (n->ns && n->ns->prefix) q = std::string(reinterpret_cast<const char*>(n->ns->prefix)) + ":";
  return q + local(n);
}

// Items leave `source` empty when they name none: the feed title is filled
// in at the end (in a streamed feed it may come after the items).
struct Ctx {
  const FeedOptions& o;
  HtmlParser& html;       // for titles with markup
  HtmlBatchQueue& queue;  // description and content of item i at 2i, 2i+1
};

std::string plain_title(const std::string& raw, const FeedOptions& o, bool is_html,
                        HtmlParser* html = nullptr) {
  if (is_html || looks_like_markup(raw)) return html_to_line(raw, o.max_title_bytes, html);
  return normalize_space(raw, o.max_title_bytes);
}

std::string capped_url(std::string url, const FeedOptions& o) {
  if (url.size() > o.max_url_bytes) return {};
  return url;
}

bool is_image_type(const std::string& type, const std::string& url) {
  if (!type.empty()) return type.rfind("image/", 0) == 0;
  for (const char* ext : {".jpg", ".jpeg", ".png", ".gif", ".webp"}) {
    const size_t n = std::strlen(ext);
    if (url.size() >= n && strcasecmp(url.c_str() + url.size() - n, ext) == 0) return true;
  }
  return false;
}

// media:thumbnail / media:content / media:group; returns the image URL or "".
std::string media_image(const xmlNode* n) {
  if (is_named(n, "thumbnail")) return resolve_at(n, attr(n, "url"));
  if (is_named(n, "content")) {
    const std::string url = attr(n, "url");
    if (attr(n, "medium") == "image" || is_image_type(attr(n, "type"), url)) return resolve_at(n, url);
    if (const xmlNode* th = first_child_named(n, "thumbnail")) return resolve_at(th, attr(th, "url"));
  }
  if (is_named(n, "group"))
    for (const xmlNode* c = n->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && is_media(c))
        if (std::string u = media_image(c); !u.empty()) return u;
  return {};
}

// Atom text construct (title, summary, content): type text, html or xhtml.
struct TextConstruct {
  std::string raw;  // text or HTML
  bool html = false;
  const xmlNode* xhtml_div = nullptr;
};

TextConstruct atom_text(const xmlNode* n) {
  TextConstruct t;
  const std::string type = attr(n, "type");
  if (type == "xhtml") {
    for (const xmlNode* c = n->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE) t.xhtml_div = c;
    if (!t.xhtml_div) t.raw = xml_text(n, kMaxRawBytes);
    return t;
  }
  t.raw = xml_text(n, kMaxRawBytes);
  t.html = type == "html" || type == "text/html";
  return t;
}

std::vector<std::string> xhtml_paragraphs(const xmlNode* div, const TextLimits& limits) {
  ParagraphBuilder b(limits);
  node_paragraphs(div, b, {});
  return b.take();
}

std::string join_summary(const std::vector<std::string>& paragraphs, size_t max_bytes) {
  std::string s;
  for (const std::string& p : paragraphs) {
    if (s.size() >= max_bytes) break;
    if (!s.empty()) s.push_back('\n');
    s += p;
  }
  truncate_utf8(s, max_bytes);
  return s;
}

// Some CMS exports escape their HTML twice: the description reads
// "&lt;p&gt;text&lt;/p&gt;" after XML decoding, and the screen would show
// the tags. A description with no markup of its own but an escaped tag of
// the common ones is unescaped once.
bool holds_escaped_markup(std::string_view s) {
  if (s.find('<') != std::string_view::npos) return false;
  static const char* const kTags[] = {"p",       "br",         "div",    "span",  "img", "a",  "strong",
                                      "b",       "em",         "i",      "h1",    "h2",  "h3", "h4",
                                      "ul",      "ol",         "li",     "table", "tr",  "td", "font",
                                      "section", "blockquote", "figure", "center"};
  for (size_t at = s.find("&lt;"); at != std::string_view::npos; at = s.find("&lt;", at + 4)) {
    size_t name = at + 4;
    if (name < s.size() && s[name] == '/') ++name;
    size_t end = name;
    while (end < s.size() && std::isalnum(static_cast<unsigned char>(s[end]))) ++end;
    if (end == name || end == s.size() || !(s[end] == '&' || s[end] == ' ' || s[end] == '/')) continue;
    std::string tag(s.substr(name, end - name));
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* t : kTags)
      if (tag == t) return true;
  }
  return false;
}

std::string undo_double_escape(std::string s) {
  if (!holds_escaped_markup(s)) return s;
  static const std::pair<std::string_view, char> kRefs[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}, {"&amp;", '&'}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool done = false;
    if (s[i] == '&')
      for (const auto& [ref, ch] : kRefs)
        if (s.compare(i, ref.size(), ref) == 0) {
          out.push_back(ch);
          i += ref.size();
          done = true;
          break;
        }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

// Plain text fields are marked up by escaping < and &: keep them as text.
std::string as_html(const TextConstruct& t) {
  if (t.html) return undo_double_escape(t.raw);
  if (t.raw.find_first_of("<&") == std::string::npos) return t.raw;
  std::string esc;
  for (char ch : t.raw) {
    if (ch == '<')
      esc += "&lt;";
    else if (ch == '&')
      esc += "&amp;";
    else
      esc.push_back(ch);
  }
  return esc;
}

NewsItem rss_item(const xmlNode* item, const Ctx& ctx) {
  NewsItem it;
  std::string desc, content, link, guid, enclosure, media, source;
  std::optional<int64_t> published, updated;
  for (const xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string name = local(c);
    if (is_rss_own(c)) {
      if (name == "title")
        it.title = plain_title(xml_text(c, kMaxRawBytes), ctx.o, false, &ctx.html);
      else if (name == "link" && link.empty())
        link = resolve_at(c, xml_text(c, ctx.o.max_url_bytes));
      else if (name == "guid" && attr(c, "isPermaLink") != "false")
        guid = resolve_at(c, xml_text(c, ctx.o.max_url_bytes));
      else if (name == "description")
        desc = xml_text(c, kMaxRawBytes);
      else if (name == "pubDate" && !published)
        published = parse_date(xml_text(c, 200), ctx.o.dates);
      else if (name == "source")
        source = normalize_space(xml_text(c, 1024), ctx.o.max_title_bytes);
      else if (name == "enclosure" && enclosure.empty() && is_image_type(attr(c, "type"), attr(c, "url")))
        enclosure = resolve_at(c, attr(c, "url"));
    } else if (name == "encoded" && in_ns(c, kContentNs)) {
      content = xml_text(c, kMaxRawBytes);
    } else if (name == "date" && !published) {  // dc:date
      published = parse_date(xml_text(c, 200), ctx.o.dates);
    } else if (is_atom(c)) {
      if (name == "link" && link.empty() && (attr(c, "rel").empty() || attr(c, "rel") == "alternate"))
        link = resolve_at(c, attr(c, "href"));
      else if ((name == "published") && !published)
        published = parse_date(xml_text(c, 200), ctx.o.dates);
      else if (name == "updated")
        updated = parse_date(xml_text(c, 200), ctx.o.dates);
    } else if (is_media(c) && media.empty()) {
      media = media_image(c);
    }
  }
  it.link = capped_url(link.empty() ? guid : link, ctx.o);
  it.published = published ? published : updated;
  it.source = std::move(source);
  it.image = capped_url(!enclosure.empty() ? enclosure : media, ctx.o);
  std::string base = base_at(item);
  ctx.queue.add(undo_double_escape(std::move(desc)), base);
  ctx.queue.add(undo_double_escape(std::move(content)), std::move(base));
  return it;
}

std::string atom_link(const xmlNode* parent, const FeedOptions& o, std::string* enclosure) {
  std::string alternate, any;
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (!is_named(c, "link") || !is_atom(c)) continue;
    const std::string rel = attr(c, "rel");
    const std::string href = resolve_at(c, attr(c, "href"));
    if ((rel.empty() || rel == "alternate") && (alternate.empty() || attr(c, "type") == "text/html"))
      alternate = href;
    else if (rel == "enclosure" && enclosure && enclosure->empty() && is_image_type(attr(c, "type"), href))
      *enclosure = href;
    else if (rel != "self" && rel != "enclosure" && any.empty())
      any = href;
  }
  return capped_url(alternate.empty() ? any : alternate, o);
}

NewsItem atom_entry(const xmlNode* entry, const Ctx& ctx) {
  NewsItem it;
  std::string enclosure, media;
  TextConstruct summary, content;
  std::optional<int64_t> published, updated;
  it.link = atom_link(entry, ctx.o, &enclosure);
  for (const xmlNode* c = entry->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string name = local(c);
    if (is_atom(c)) {
      if (name == "title") {
        const TextConstruct t = atom_text(c);
        it.title = t.xhtml_div ? normalize_space(xml_text(t.xhtml_div, kMaxRawBytes), ctx.o.max_title_bytes)
                               : plain_title(t.raw, ctx.o, t.html, &ctx.html);
      } else if (name == "summary") {
        summary = atom_text(c);
      } else if (name == "content" && attr(c, "src").empty()) {
        content = atom_text(c);
      } else if ((name == "published" || name == "issued") && !published) {
        published = parse_date(xml_text(c, 200), ctx.o.dates);
      } else if (name == "updated" || name == "modified") {
        updated = parse_date(xml_text(c, 200), ctx.o.dates);
      } else if (name == "source") {
        if (const xmlNode* st = first_child_named(c, "title"))
          it.source = normalize_space(xml_text(st, 1024), ctx.o.max_title_bytes);
      }
    } else if (is_media(c) && media.empty()) {
      media = media_image(c);
    }
  }
  it.published = published ? published : updated;
  it.image = capped_url(!enclosure.empty() ? enclosure : media, ctx.o);
  if (content.xhtml_div) it.paragraphs = xhtml_paragraphs(content.xhtml_div, ctx.o.body);
  if (summary.xhtml_div)
    it.summary = join_summary(xhtml_paragraphs(summary.xhtml_div, ctx.o.body), ctx.o.max_summary_bytes);
  std::string base = base_at(entry);
  ctx.queue.add(as_html(summary), base);
  ctx.queue.add(as_html(content), std::move(base));
  return it;
}

// Number of items whose end tag made it into the document.
size_t closed_items(std::string_view text, const std::string& item_qname) {
  const std::string needle = "</" + item_qname;
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    size_t k = at + needle.size();
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n')) ++k;
    if (k < text.size() && text[k] == '>') ++count;
  }
  return count;
}

bool ends_with_close_tag(std::string_view text, const std::string& root_qname) {
  while (!text.empty() && std::strchr(" \t\r\n", text.back())) text.remove_suffix(1);
  if (text.empty() || text.back() != '>') return false;
  const size_t open = text.rfind("</");
  if (open == std::string_view::npos) return false;
  std::string_view tag = text.substr(open + 2, text.size() - open - 3);
  while (!tag.empty() && std::strchr(" \t\r\n", tag.back())) tag.remove_suffix(1);
  return tag == root_qname;
}

bool http_base(const std::string& url) {
  return strncasecmp(url.c_str(), "http://", 7) == 0 || strncasecmp(url.c_str(), "https://", 8) == 0;
}

// A feed read from a file has no web base: its channel/feed link is the
// next best base for relative item links.
void use_channel_link_as_base(xmlDoc* doc, const xmlNode* channel, bool atom) {
  std::string link;
  if (atom) {
    for (const xmlNode* c = channel->children; c && link.empty(); c = c->next)
      if (is_named(c, "link") && (attr(c, "rel").empty() || attr(c, "rel") == "alternate"))
        link = attr(c, "href");
  } else if (const xmlNode* l = first_child_named(channel, "link")) {
    link = xml_text(l, 4096);
  }
  link = normalize_space(link, 4096);
  if (!http_base(link)) return;
  if (doc->URL) xmlFree(const_cast<xmlChar*>(doc->URL));
  doc->URL = xmlStrdup(reinterpret_cast<const xmlChar*>(link.c_str()));
}

std::string describe_root(const xmlNode* root) {
  const std::string name = local(root);
  if (strcasecmp(name.c_str(), "html") == 0) return "not a feed: the document is an HTML page";
  return "not a feed: root element <" + qname(root) + ">";
}

// Where a document keeps its items, from its root element.
struct Shape {
  std::string format;          // "" when the root is not a feed's
  xmlNode* channel = nullptr;  // element holding feed title/link (may be missing)
  xmlNode* item_parent = nullptr;
  const char* item_name = "item";
};

Shape feed_shape(xmlNode* root) {
  Shape s;
  const std::string root_name = local(root);
  auto channel_of = [](xmlNode* n) { return const_cast<xmlNode*>(first_child_named(n, "channel")); };
  if (root_name == "rss") {
    s.format = "rss";
    s.channel = channel_of(root);
    s.item_parent = s.channel;
  } else if (root_name == "RDF") {
    s.format = "rdf";
    s.channel = channel_of(root);
    s.item_parent = root;
  } else if (root_name == "feed" && is_atom(root)) {
    s.format = "atom";
    s.channel = root;
    s.item_parent = root;
    s.item_name = "entry";
  }
  return s;
}

bool is_item(const xmlNode* n, const Shape& s) {
  return is_named(n, s.item_name) && (s.format != "atom" || is_atom(n));
}

// Converts the complete items of a feed while the parser reads the rest
// (parse_xml_stream), then frees them: parsing overlaps with HTML conversion
// on the helper threads, and the tree stays small. An item is complete once
// something follows it. Nothing is converted before the base for relative
// links is final (the channel link, for a feed read without a web address);
// until then items wait in the tree and parse_xml_feed converts them at the
// end, exactly as if nothing had been streamed.
struct ItemStream {
  Ctx& ctx;
  std::vector<NewsItem> items;  // the first min(streamed, max_items) items
  size_t streamed = 0;          // items converted or (beyond max_items) dropped
  std::string first_qname;      // of the first of them
  bool base_done = false;       // use_channel_link_as_base has been applied
  bool off = false;             // not a feed

  // The base for relative links can no longer change.
  bool base_final(const Shape& s) const {
    if (http_base(ctx.o.url) || s.channel->next) return true;
    if (s.channel != s.item_parent) return false;  // RDF: the channel is not complete yet
    const xmlNode* link = nullptr;
    if (s.format == "atom") {
      for (const xmlNode* c = s.channel->children; c && !link; c = c->next)
        if (is_named(c, "link") && (attr(c, "rel").empty() || attr(c, "rel") == "alternate")) link = c;
    } else {
      link = first_child_named(s.channel, "link");
    }
    return link && link->next;
  }

  void on_chunk(xmlDoc* doc) {
    xmlNode* root = off ? nullptr : xmlDocGetRootElement(doc);
    if (!root) return;
    const Shape s = feed_shape(root);
    if (s.format.empty()) {
      off = true;
      return;
    }
    if (!s.channel || !s.item_parent) return;
    if (!base_done) {
      if (!base_final(s)) return;
      if (!http_base(ctx.o.url)) use_channel_link_as_base(doc, s.channel, s.format == "atom");
      base_done = true;
    }
    xmlNode* c = s.item_parent->children;
    while (c && c->next) {
      xmlNode* next = c->next;
      if (is_item(c, s)) {
        if (first_qname.empty()) first_qname = qname(c);
        if (items.size() < ctx.o.max_items)
          items.push_back(s.format == "atom" ? atom_entry(c, ctx) : rss_item(c, ctx));
        ++streamed;
      } else if (c->type != XML_TEXT_NODE) {  // channel data stays for the end; blank text goes
        c = next;
        continue;
      }
      xmlUnlinkNode(c);
      xmlFreeNode(c);
      c = next;
    }
  }
};

FeedResult parse_xml_feed(std::string_view text, const FeedOptions& o) {
  FeedResult r;
  HtmlParser html;
  HtmlBatchQueue queue(o.body);
  Ctx ctx{o, html, queue};
  ItemStream stream{ctx, {}, 0, {}, false, false};
  const XmlParse p =
      parse_xml_stream(text, o.url, o.xml_chunk_bytes, [&stream](xmlDoc* doc) { stream.on_chunk(doc); });
  xmlNode* root = p.doc ? xmlDocGetRootElement(p.doc.get()) : nullptr;
  if (!root) {
    r.error = "not a feed: unreadable XML" + (p.error.empty() ? std::string{} : " (" + p.error + ")");
    return r;
  }
  if (p.entity_loop) {
    r.error = "not a feed: refused exponential entity expansion (" + p.error + ")";
    return r;
  }
  if (p.halted) {  // e.g. 200 000 nested elements: what was parsed is not the document
    r.error = "not a feed: the XML parser gave up (" + p.error + ")";
    return r;
  }
  const Shape shape = feed_shape(root);
  if (shape.format.empty()) {
    r.error = describe_root(root);
    return r;
  }
  r.format = shape.format;
  const xmlNode* channel = shape.channel;
  if (!channel) {
    r.error = "not a feed: <" + qname(root) + "> without a channel";
    return r;
  }
  Feed feed;
  if (!http_base(o.url) && !stream.base_done)
    use_channel_link_as_base(p.doc.get(), channel, r.format == "atom");
  const xmlNode* title = first_child_named(channel, "title");
  if (title) feed.title = plain_title(xml_text(title, kMaxRawBytes), o, attr(title, "type") == "html");
  if (r.format == "atom") {
    feed.link = atom_link(channel, o, nullptr);
  } else if (const xmlNode* link = first_child_named(channel, "link")) {
    feed.link = capped_url(resolve_at(link, xml_text(link, o.max_url_bytes)), o);
  }
  // Items still in the tree follow the streamed ones in document order.
  std::vector<const xmlNode*> nodes;
  for (const xmlNode* c = shape.item_parent ? shape.item_parent->children : nullptr; c; c = c->next)
    if (is_item(c, shape)) nodes.push_back(c);
  // RSS 0.91 sometimes puts items beside the channel.
  if (r.format == "rss" && nodes.empty() && stream.streamed == 0)
    for (const xmlNode* c = root->children; c; c = c->next)
      if (is_named(c, "item")) nodes.push_back(c);

  const size_t total = stream.streamed + nodes.size();
  size_t keep = std::min(total, o.max_items);
  if (!p.well_formed && !ends_with_close_tag(text, qname(root))) {
    feed.truncated = true;
    const std::string item_qname = stream.streamed ? stream.first_qname
                                   : nodes.empty() ? ""
                                                   : qname(nodes.front());
    keep = std::min(keep, total == 0 ? 0 : closed_items(text, item_qname));
  }
  feed.items = std::move(stream.items);
  if (feed.items.size() > keep) feed.items.resize(keep);
  feed.items.reserve(keep);
  for (size_t k = 0; k < nodes.size() && stream.streamed + k < keep; ++k)
    feed.items.push_back(r.format == "atom" ? atom_entry(nodes[k], ctx) : rss_item(nodes[k], ctx));
  for (NewsItem& it : feed.items)
    if (it.source.empty()) it.source = feed.title;
  apply_item_text(feed.items, queue.finish(html), o);
  r.feed = std::move(feed);
  return r;
}

}  // namespace

void fill_items_text(std::vector<NewsItem>& items, const std::vector<ItemMarkup>& markup,
                     const FeedOptions& options) {
  std::vector<HtmlFragment> fragments;  // description and content of item i at 2i, 2i+1
  fragments.reserve(markup.size() * 2);
  for (const ItemMarkup& m : markup) {
    fragments.push_back({m.description, m.base_url});
    fragments.push_back({m.content, m.base_url});
  }
  HtmlParser parser;
  apply_item_text(items, html_batch_to_text(fragments, options.body, parser), options);
}

namespace {

void apply_item_text(std::vector<NewsItem>& items, const std::vector<HtmlText>& text,
                     const FeedOptions& options) {
  for (size_t i = 0; i < items.size() && 2 * i + 1 < text.size(); ++i) {
    NewsItem& item = items[i];
    const HtmlText& desc = text[2 * i];
    const HtmlText& content = text[2 * i + 1];
    if (item.paragraphs.empty())
      item.paragraphs = !content.paragraphs.empty() ? content.paragraphs : desc.paragraphs;
    if (item.summary.empty())
      item.summary = join_summary(!desc.paragraphs.empty() ? desc.paragraphs : item.paragraphs,
                                  options.max_summary_bytes);
    if (item.image.empty()) item.image = !desc.first_image.empty() ? desc.first_image : content.first_image;
    item.image = capped_url(item.image, options);
  }
}

}  // namespace

FeedResult parse_feed(std::string_view bytes, const FeedOptions& options) {
  const Decoded d = decode_to_utf8(bytes, options.content_type);
  std::string_view text(d.utf8);
  while (!text.empty() && std::strchr(" \t\r\n", text.front())) text.remove_prefix(1);
  FeedResult r;
  if (text.empty()) {
    r.error = "not a feed: empty document";
  } else if (text.front() == '{') {
    r = parse_json_feed(text, options);
  } else if (text.front() == '<') {
    r = parse_xml_feed(text, options);
  } else {
    r.error = "not a feed: neither XML nor JSON";
  }
  r.charset = d.charset;
  return r;
}

}  // namespace paizi::content
