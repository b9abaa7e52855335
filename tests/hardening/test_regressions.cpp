// Regression tests for what the hardening runs found (docs/hardening.md).
// Each case names the run that found it.
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/play_updates.h"
#include "content/article.h"
#include "content/feed.h"
#include "content/html_text.h"
#include "content/json_locate.h"
#include "content/playlist.h"

using namespace paizi;

TEST_CASE("hostile server deep-xml: a feed nested past libxml2's depth limit is not a feed") {
  // Before: libxml2 halted at depth 256, the closing tags were there, so the
  // cut tree counted as a complete feed with no items and replaced (and
  // overwrote in the cache) the last good copy.
  std::string doc = "<rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 1000; ++i) doc += "<a>";
  doc += "x";
  for (int i = 0; i < 1000; ++i) doc += "</a>";
  doc += "<item><title>after</title></item></channel></rss>";
  content::FeedOptions opt;
  const auto r = content::parse_feed(doc, opt);
  CHECK_FALSE(r.feed);
  CHECK(r.error.rfind("not a feed: the XML parser gave up", 0) == 0);
}

TEST_CASE("a sloppy but complete feed (recoverable errors) still parses") {
  const std::string doc =
      "<rss version=\"2.0\"><channel><title>A & B</title><item><title>one & "
      "two</title></item></channel></rss>";
  const auto r = content::parse_feed(doc, content::FeedOptions{});
  REQUIRE(r.feed);
  CHECK(r.feed->items.size() == 1);
}

TEST_CASE("fuzz_playlist: a duration made of dots is bad content, not an exception") {
  // Before: std::stod threw std::invalid_argument on "." (std::terminate).
  CHECK_FALSE(content::parse_duration(".s"));
  CHECK_FALSE(content::parse_duration("1.2.3s"));
  CHECK_FALSE(content::parse_duration("..ms"));
  CHECK(content::parse_duration("1.5s") == std::chrono::milliseconds(1500));
  CHECK(content::parse_duration("1m30s") == std::chrono::milliseconds(90000));
  const auto r = content::parse_playlist(
      R"({"version":1,"slides":[{"type":"slogan","lines":["x"],"duration":".s"}]})", ".");
  CHECK_FALSE(r.playlist);
}

TEST_CASE("fuzz_html_text: a paragraph stays within max_paragraph_bytes and never ends in a space") {
  // Before: the space between words was appended without checking the cap,
  // so "aaaa bbbb" with a 4-byte cap gave "aaaa " (5 bytes).
  content::TextLimits limits;
  limits.max_paragraph_bytes = 4;
  const auto t = content::html_to_text("<p>aaaa bbbb</p>", "", limits);
  REQUIRE(t.paragraphs.size() == 1);
  CHECK(t.paragraphs[0] == "aaaa");
}

TEST_CASE("fuzz_feed: control characters from escapes never reach the text") {
  // Before: decoding replaced raw control bytes with U+FFFD, but the JSON
  // escape "\b" in a JSON Feed's content_text became U+0008 after it and
  // went into the paragraphs and the summary (tests/fuzz/regressions/feed/).
  const std::string doc =
      R"({"version":"https://jsonfeed.org/version/1.1","title":"T\u0007itle","items":[)"
      R"({"id":"1","title":"新\u0000闻\u001b标题","content_text":"纯文本\bbbb\u007f\u0085c\fd"}]})";
  const auto r = content::parse_feed(doc, content::FeedOptions{});
  REQUIRE(r.feed);
  REQUIRE(r.feed->items.size() == 1);
  const auto& item = r.feed->items[0];
  CHECK(r.feed->title == "Title");
  CHECK(item.title == "新闻标题");
  REQUIRE(item.paragraphs.size() == 1);
  CHECK(item.paragraphs[0] == "纯文本bbbc d");  // form feed is white space
  CHECK(item.summary == "纯文本bbbc d");
  // The same through HTML (libxml2 drops these references itself today;
  // this guards the text whatever the parser passes on).
  const auto h = content::html_to_text("<p>a&#8;b&#x1;c</p>", "", content::TextLimits{});
  REQUIRE(h.paragraphs.size() == 1);
  for (unsigned char ch : h.paragraphs[0]) CHECK(ch >= 0x20);
}

TEST_CASE("fuzz_article: min_body_bytes 0 and a page without paragraphs is not an article") {
  // Before: paragraphs.front() on an empty vector (undefined behaviour).
  content::ArticleOptions opt;
  opt.min_body_bytes = 0;
  const auto r = content::extract_article("<html><body><ul><li></li></ul></body></html>", opt);
  CHECK_FALSE(r.article);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("fuzz_playlist: a number beyond double is bad content, not an exception") {
  // Before: nlohmann-json threw out_of_range (not a parse_error) and nothing caught it.
  const auto r = content::parse_playlist(
      R"({"version":1,"slides":[{"type":"kpi","tiles":[{"label":"x","value":4e4444}]}]})", ".");
  CHECK_FALSE(r.playlist);
  REQUIRE_FALSE(r.problems.empty());
  CHECK(r.problems.front().message.rfind("invalid JSON", 0) == 0);
  CHECK_FALSE(content::parse_playlist("4e4444", ".").playlist);
}

TEST_CASE("hostile player suite: a failure is logged once per change of error state, not per retry") {
  // Before: `paizi play` did not log fetch failures of the playlist or its
  // sources at all (status.json only); logging them per retry would flood
  // the journal while a server is down.
  app::ErrorStates states;
  std::vector<std::string> lines;
  auto step = [&](std::map<std::string, std::string> failing) {
    states.update(failing, [&](const std::string& k, const std::string& e, bool changed) {
      lines.push_back(k + (changed ? "~" : "=") + e);
    });
  };
  step({});
  step({{"playlist", "HTTP status 500"}});
  step({{"playlist", "HTTP status 500"}});
  step({{"playlist", "HTTP status 500"}, {"source a", "transfer closed with 12 bytes remaining"}});
  step({{"playlist", "HTTP status 500"}, {"source a", "transfer closed with 3456 bytes remaining"}});
  step({{"source a", "transfer closed with 3456 bytes remaining"}});
  step({});
  step({});
  step({{"source a", "timed out"}});
  CHECK(lines == std::vector<std::string>{"playlist=HTTP status 500",
                                          "source a=transfer closed with 12 bytes remaining",
                                          "source a~transfer closed with 3456 bytes remaining",
                                          "playlist=", "source a=", "source a=timed out"});
}

TEST_CASE("paizi check, deep JSON: nesting past the locator's depth cap ends") {
  // Before: a playlist nested deeper than 512 with a schema error (found by
  // trying the hostile suite's deep-json body, 500 000 arrays, as a
  // playlist) sent locate_values into an endless loop: past the cap value()
  // returned without consuming anything and the array loop called it again.
  // In the player that stalled the updater thread for good.
  std::string doc = R"({"version":"x","items":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  const auto where = content::locate_values(doc);
  CHECK(where.count("/version") == 1);
  CHECK(where.count("/items") == 1);
  CHECK(where.size() < 600);
  CHECK_FALSE(content::parse_playlist(doc, ".").playlist);
  // Malformed input never stalls it either.
  CHECK(content::locate_values("{]").size() >= 1);
  CHECK(content::locate_values("[}:]").size() >= 1);
}
