#include "content/markup.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>

namespace paizi::content {

namespace {

// Refuses every external resource (DTDs, external entities, XIncludes).
xmlParserInputPtr refuse_external(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external);
  });
}

struct CtxtFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct XmlCharFree {
  void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharFree>;

const char* cstr(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// Appends UTF-8 `s` up to max_bytes in all, cut between code points (a cut
// inside one left a stray lead byte for every reader after; fuzz_cap).
void append_capped(std::string& out, std::string_view s, size_t max_bytes) {
  if (out.size() >= max_bytes) return;
  size_t n = s.size();
  if (n > max_bytes - out.size()) {
    n = max_bytes - out.size();
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  }
  out.append(s.data(), n);
}

void collect_text(const xmlNode* n, std::string& out, size_t max_bytes, int depth) {
  for (const xmlNode* c = n->children; c && out.size() < max_bytes; c = c->next) {
    switch (c->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        append_capped(out, c->content ? cstr(c->content) : "", max_bytes);
        break;
      case XML_ENTITY_REF_NODE: {
        const xmlEntity* ent = c->doc ? xmlGetDocEntity(c->doc, c->name) : nullptr;
        if (!ent) {  // undeclared: RSS 0.91 pages use HTML's &nbsp; &copy; ...
          if (const htmlEntityDesc* h = htmlEntityLookup(c->name)) {
            char buf[8];
            const int len = xmlCopyCharMultiByte(reinterpret_cast<xmlChar*>(buf), static_cast<int>(h->value));
            append_capped(out, std::string_view(buf, static_cast<size_t>(len > 0 ? len : 0)), max_bytes);
          }
        } else if (ent->etype == XML_INTERNAL_GENERAL_ENTITY) {
          append_capped(out, ent->content ? cstr(ent->content) : "",
                        max_bytes);  // literal, never re-expanded
        }
        break;
      }
      case XML_ELEMENT_NODE:
        if (depth < 64) collect_text(c, out, max_bytes, depth + 1);
        break;
      default:
        break;
    }
  }
}

std::string percent_escape_unsafe(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
        c == '{' || c == '|' || c == '}') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool unwanted_scheme(const std::string& href) {
  auto starts = [&](const char* p) {
    return xmlStrncasecmp(reinterpret_cast<const xmlChar*>(href.c_str()), reinterpret_cast<const xmlChar*>(p),
                          static_cast<int>(std::strlen(p))) == 0;
  };
  return starts("javascript:") || starts("data:") || starts("vbscript:");
}

}  // namespace

namespace {

constexpr int kXmlOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER |
                            XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

void read_outcome(xmlParserCtxt* ctxt, XmlParse& r) {
  r.well_formed = ctxt->wellFormed != 0;
  // With XML_PARSE_RECOVER only xmlHaltParser/xmlStopParser disable SAX.
  r.halted = ctxt->disableSAX != 0;
  if (const xmlError* e = xmlCtxtGetLastError(ctxt); e && e->message) {
    r.error = e->message;
    r.entity_loop = e->code == XML_ERR_ENTITY_LOOP;
    if (const size_t nl = r.error.find('\n'); nl != std::string::npos) r.error.resize(nl);
  }
}

}  // namespace

XmlParse parse_xml(std::string_view utf8, const std::string& base_url) {
  init_libxml();
  XmlParse r;
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) {
    r.error = "out of memory";
    return r;
  }
  r.doc.reset(xmlCtxtReadMemory(ctxt.get(), utf8.data(), static_cast<int>(utf8.size()),
                                base_url.empty() ? nullptr : base_url.c_str(), "UTF-8", kXmlOptions));
  read_outcome(ctxt.get(), r);
  return r;
}

XmlParse parse_xml_stream(std::string_view utf8, const std::string& base_url, size_t chunk_bytes,
                          const std::function<void(xmlDoc*)>& on_chunk) {
  init_libxml();
  XmlParse r;
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(
      xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, base_url.empty() ? nullptr : base_url.c_str()));
  if (!ctxt) {
    r.error = "out of memory";
    return r;
  }
  // The text is UTF-8 whatever its declaration says (encoding.h converted it).
  xmlCtxtUseOptions(ctxt.get(), kXmlOptions | XML_PARSE_IGNORE_ENC);
  xmlSwitchEncoding(ctxt.get(), XML_CHAR_ENCODING_UTF8);
  chunk_bytes = std::max<size_t>(chunk_bytes, 1);
  size_t at = 0;
  do {
    const size_t n = std::min(chunk_bytes, utf8.size() - at);
    const bool last = at + n == utf8.size();
    xmlParseChunk(ctxt.get(), utf8.data() + at, static_cast<int>(n), last ? 1 : 0);
    at += n;
    if (ctxt->disableSAX || ctxt->instate == XML_PARSER_EOF) {
      if (!last) xmlParseChunk(ctxt.get(), nullptr, 0, 1);
      break;
    }
    if (ctxt->myDoc && !last) on_chunk(ctxt->myDoc);
  } while (at < utf8.size());
  r.doc.reset(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  read_outcome(ctxt.get(), r);
  return r;
}

XmlDocPtr parse_html(std::string_view utf8, const std::string& base_url) {
  HtmlParser parser;
  return parser.parse(utf8, base_url);
}

HtmlParser::HtmlParser() {
  init_libxml();
  ctxt_.reset(htmlNewParserCtxt());
}

XmlDocPtr HtmlParser::parse(std::string_view utf8, const std::string& base_url) {
  if (!ctxt_) return nullptr;
  const int options =
      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER | HTML_PARSE_COMPACT;
  return XmlDocPtr(htmlCtxtReadMemory(ctxt_.get(), utf8.data(), static_cast<int>(utf8.size()),
                                      base_url.empty() ? nullptr : base_url.c_str(), "UTF-8", options));
}

bool is_named(const xmlNode* n, const char* local_name) {
  return n && n->type == XML_ELEMENT_NODE &&
         xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(local_name)) == 0;
}

std::string attr(const xmlNode* n, const char* name) {
  if (!n || n->type != XML_ELEMENT_NODE) return {};
  for (const xmlAttr* a = n->properties; a; a = a->next) {
    if (xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(name)) != 0) continue;
    std::string v;
    for (const xmlNode* t = a->children; t; t = t->next)
      if (t->content) v += cstr(t->content);
    return v;
  }
  return {};
}

const xmlNode* first_child_named(const xmlNode* n, const char* local_name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (is_named(c, local_name)) return c;
  return nullptr;
}

const char* ns_href(const xmlNode* n) { return n && n->ns && n->ns->href ? cstr(n->ns->href) : ""; }

std::string xml_text(const xmlNode* n, size_t max_bytes) {
  std::string out;
  if (n) collect_text(n, out, max_bytes, 0);
  return out;
}

std::string resolve_url(const std::string& href_in, const std::string& base) {
  std::string href = trimmed(href_in);  // not const: returned by move
  if (href.empty() || unwanted_scheme(href)) return {};
  if (base.empty()) return href;
  auto build = [&](const std::string& h) {
    XmlString r(xmlBuildURI(reinterpret_cast<const xmlChar*>(h.c_str()),
                            reinterpret_cast<const xmlChar*>(base.c_str())));
    return r ? std::string(cstr(r.get())) : std::string{};
  };
  std::string out = build(href);
  if (out.empty()) out = build(percent_escape_unsafe(href));
  return out.empty() ? href : out;
}

std::string base_at(const xmlNode* n) {
  XmlString base(n && n->doc ? xmlNodeGetBase(n->doc, n) : nullptr);
  return base ? std::string(cstr(base.get())) : std::string{};
}

std::string resolve_at(const xmlNode* n, const std::string& href) { return resolve_url(href, base_at(n)); }

}  // namespace paizi::content
