// Internal to the article extractor: what a page says about itself (meta
// tags, JSON-LD, headline, byline, summary box) and which elements are page
// chrome. See article.h for the evidence used.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <libxml/tree.h>

#include "content/article.h"

namespace paizi::content {

struct PageMeta {
  std::string title;
  std::optional<int64_t> published;  // Unix seconds UTC
  std::string source;
  std::string link;              // canonical / og:url / options.url
  std::string image;             // og:image / JSON-LD image, absolute
  std::string summary;           // the summary box without its label
  std::string summary_box_text;  // the summary box as it appears (label included)
  std::string byline;            // text right under the headline (date, 来源 ...)
  std::string ld_body;           // JSON-LD articleBody as given (text or HTML), cut to the body limit
};

// Why `utf8` is not an HTML page (a feed, JSON, ...), or nullptr.
const char* non_html_reason(std::string_view utf8);

// Navigation, sidebars, footers, share bars, forms and hidden elements:
// by tag (nav, aside, footer, header, form), ARIA role, hidden/aria-hidden,
// display:none, and whole words in class/id (nav, sidebar, breadcrumb, share,
// comment, related, recommend, rank, footer, copyright, ...).
bool is_chrome(const xmlNode* n);

// True when the element's style attribute holds `declaration` ("display:none",
// "visibility:hidden": lowercase, no spaces), spaces and case ignored,
// with or without !important.
bool style_says(const xmlNode* n, std::string_view declaration);

PageMeta read_page_meta(const xmlNode* root, const ArticleOptions& options);

// True for a short paragraph that is the byline (date, source, counters).
bool is_byline(const std::string& paragraph, const PageMeta& meta);

}  // namespace paizi::content
