#include "content/news.h"

#include "text/unicode.h"

namespace paizi::content {

std::string headline_of(const NewsItem& item) {
  if (!item.title.empty()) return item.title;
  const std::string text =
      !item.paragraphs.empty() ? item.paragraphs.front() : item.summary.substr(0, item.summary.find('\n'));
  const std::u32string cps = text::decode_utf8(text).cps;
  size_t end = 0;
  for (size_t i = 0; i < cps.size() && i < 60 && end == 0; ++i)
    if (cps[i] == U'。' || cps[i] == U'！' || cps[i] == U'？' || cps[i] == U'!' || cps[i] == U'?')
      end = i + 1;
  const bool cut = end == 0 && cps.size() > 60;
  if (end == 0) end = cut ? 40 : cps.size();
  std::string out;
  for (size_t i = 0; i < end; ++i) text::append_utf8(out, cps[i]);
  if (cut) out += "…";
  return out;
}

}  // namespace paizi::content
