// Article extraction: from a full HTML page to a NewsItem with the title,
// publish date, source, the summary box (核心提示/摘要/...) if any, and the
// body as plain paragraphs -- without navigation, breadcrumbs, sidebars,
// related/recommended/ranking lists, disclaimers, share/print links,
// scripts, styles and footers.
//
// Evidence used (generic, no site's class names): og:/article: meta tags,
// the government-site metadata tags (ArticleTitle, PubDate, ContentSource),
// JSON-LD NewsArticle/Article, <article>, itemprop=articleBody, <time
// datetime>, text and link density of blocks, blocks repeated across the
// page, ARIA roles and the usual nav/sidebar/footer/share words in class
// and id, and the byline under the headline (date, 来源/Source); without an
// h1/h2 headline, the element that says the title (table layouts). A page
// built by script, with no body in its HTML, gets the JSON-LD articleBody.
// Sub-headings stay their own paragraphs. A body of any length is found,
// also when its paragraphs sit in separate nested blocks (公众号 editors put
// each in its own <section>). Hidden text (display:none, the hidden
// attribute, aria-hidden, and visibility:hidden inside the body) and credit
// lines (【责任编辑：…】, 编辑/校对/审核/监制：…, 来源：…, （完）) are not body.
//
// Pure function over bytes; errors are values: a page without an article
// body gives `article` = nullopt and a one-line `error`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "content/dates.h"
#include "content/html_text.h"
#include "content/news.h"

namespace paizi::content {

struct ArticleOptions {
  std::string url;           // where the page came from: base for links and images
  std::string content_type;  // HTTP Content-Type, for its charset; may be empty
  DateOptions dates;         // zone for dates written without one
  TextLimits body;
  size_t max_title_bytes = 1024;  // UTF-8 bytes
  size_t max_summary_bytes = 4096;
  size_t min_body_bytes = 24;  // less body text than this (UTF-8 bytes; 8 CJK characters): not an article
};

struct ArticleResult {
  std::optional<NewsItem> article;  // link = canonical URL (or options.url), image = og:image
  std::string error;
  std::string charset;
};

ArticleResult extract_article(std::string_view bytes, const ArticleOptions& options);

}  // namespace paizi::content
