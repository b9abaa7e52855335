// libxml2 plumbing shared by the feed parser, the HTML-to-text converter and
// the article extractor: document ownership, the one safe way to parse, and
// bounded text collection. Internal to src/content (exposes libxml2 types).
//
// Safety contract of parse_xml/parse_html: no network (NONET), no external
// entities or DTD loading (an entity loader that refuses everything), no
// entity substitution (NOENT is never set; references stay nodes and are
// read by xml_text with a byte budget), libxml2's own amplification limits
// stay on (no XML_PARSE_HUGE). Errors are never printed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "platform/handle.h"

namespace paizi::content {

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

struct XmlParse {
  XmlDocPtr doc;
  bool well_formed = false;
  bool entity_loop = false;  // libxml2 refused an exponential entity expansion
  bool halted = false;       // libxml2 gave up before the end (nesting deeper than 256,
                             // entity loop, huge text node): the tree is cut short
  std::string error;         // first line of libxml2's error message, if any
};

// `utf8` must be valid UTF-8 (any declared encoding is overridden);
// `base_url` becomes the document URL (base for relative links, may be empty).
XmlParse parse_xml(std::string_view utf8, const std::string& base_url);

// The same parse (same options and safety), fed to libxml2's push parser
// `chunk_bytes` at a time. After each chunk `on_chunk(doc)` may read the tree
// built so far (null before the first element) and may unlink and free a
// subtree that is complete: one that has a next sibling, so the parser is
// done with it. Lets a caller work on the first items of a feed while the
// rest is being parsed, and keep the tree small.
XmlParse parse_xml_stream(std::string_view utf8, const std::string& base_url, size_t chunk_bytes,
                          const std::function<void(xmlDoc*)>& on_chunk);
XmlDocPtr parse_html(std::string_view utf8, const std::string& base_url);

// One libxml2 HTML parser context reused for many small documents (feed
// item descriptions): same options and safety as parse_html, without a
// context allocation per document. One thread at a time.
class HtmlParser {
 public:
  HtmlParser();
  HtmlParser(const HtmlParser&) = delete;
  HtmlParser& operator=(const HtmlParser&) = delete;
  XmlDocPtr parse(std::string_view utf8, const std::string& base_url);

 private:
  platform::CPtr<xmlParserCtxt, htmlFreeParserCtxt> ctxt_;
};

// Local name and attribute helpers (namespace prefixes ignored).
bool is_named(const xmlNode* n, const char* local_name);
std::string attr(const xmlNode* n, const char* name);
const xmlNode* first_child_named(const xmlNode* n, const char* local_name);
const char* ns_href(const xmlNode* n);  // namespace URI or ""

// Concatenated character data below `n` (text, CDATA, entity references:
// undeclared ones as their HTML meaning, declared ones as their literal
// replacement text, external ones as nothing), at most max_bytes.
std::string xml_text(const xmlNode* n, size_t max_bytes);

// `href` resolved against the xml:base/document base in effect at `n`
// (RFC 3986); "" for empty or javascript:/data: links.
std::string resolve_at(const xmlNode* n, const std::string& href);
// The base URL in effect at `n` (xml:base chain, <base href>, document URL).
std::string base_at(const xmlNode* n);
// `href` resolved against an absolute `base`; `href` itself if it cannot be.
std::string resolve_url(const std::string& href, const std::string& base);

}  // namespace paizi::content

#include <functional>

#include "content/html_text.h"

namespace paizi::content {

// Returns true for elements whose whole subtree is to be dropped.
using SkipFn = std::function<bool(const xmlNode*)>;

// True for elements that start/end a paragraph (p, div, li, h1-h6, br, ...).
bool is_block_element(const xmlNode* n);
// True for elements never shown (script, style, template, noscript, ...).
bool is_hidden_element(const xmlNode* n);

// Walks the subtree of `n` into `out` (see html_text.h); `skip` may be empty.
void node_paragraphs(const xmlNode* n, ParagraphBuilder& out, const SkipFn& skip);

}  // namespace paizi::content
