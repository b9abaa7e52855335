// Feed formats, encodings, links, truncation, non-feeds and hostile XML.
#include <chrono>

#include <catch2/catch.hpp>

#include "content/feed.h"
#include "feeds_test_support.h"

using namespace paizi::content;

namespace {

constexpr int64_t kT = 1650328200;  // 2022-04-19T00:30:00Z

FeedResult parse_fixture(const std::string& name, const std::string& url = {}, const std::string& ct = {}) {
  FeedOptions o;
  o.url = url;
  o.content_type = ct;
  o.dates.local_utc_offset_min = 480;
  return parse_feed(feeds_test::fixture(name), o);
}

}  // namespace

TEST_CASE("RSS 2.0", "[feeds][rss]") {
  const FeedResult r = parse_fixture("rss2.xml", "https://news.example.cn/tech/rss.xml");
  REQUIRE(r.feed);
  CHECK(r.format == "rss");
  const Feed& f = *r.feed;
  CHECK(f.title == "高新 & 科技 News");
  CHECK(f.link == "https://news.example.cn/tech/");
  CHECK_FALSE(f.truncated);
  REQUIRE(f.items.size() == 4);
  const NewsItem& a = f.items[0];
  CHECK(a.title == "江城市科技局推动服务窗口与企业需求无缝对接");
  CHECK(a.link == "https://news.example.cn/tech/2022/04/21/sanming.html");
  CHECK(a.published == kT + 2 * 86400);
  CHECK(a.image == "https://news.example.cn/img/sanming.jpg");  // first <img> of the description
  CHECK(a.source == "高新 & 科技 News");
  REQUIRE(a.paragraphs.size() == 3);
  CHECK(a.paragraphs[0] == "近日，江城市科技局以开展");       // indent and <b> gone, <br> breaks
  CHECK(a.paragraphs[1] == "示范窗口 创建行动为主要内容。");  // &nbsp; is a space
  CHECK(a.paragraphs[2] == "第二段：服务引领 科技赋能 “无缝对接”");
  CHECK(a.summary.find("alert") == std::string::npos);
  const NewsItem& b = f.items[1];
  CHECK(b.title == "Fish & Chips bold 中文");  // escaped HTML in a title, double-escaped entity
  CHECK(b.link == "https://other.example.com/story?id=2&lang=en");
  CHECK(b.published == kT);                                     // dc:date
  CHECK(b.image == "https://news.example.cn/media/photo.png");  // enclosure
  CHECK(b.paragraphs ==
        std::vector<std::string>{"Plain text description with a line break.", "Second paragraph."});
  const NewsItem& c = f.items[2];
  CHECK(c.link == "https://news.example.cn/tech/3.html");  // guid is the permalink
  CHECK(c.image == "https://cdn.example.cn/3.jpg");        // media:content
  CHECK_FALSE(c.published);                                // garbage date
  CHECK(c.paragraphs == std::vector<std::string>{"小标题", "正文第一段。", "正文第二段。"});
  const NewsItem& d = f.items[3];
  CHECK(d.image == "https://news.example.cn/tech/thumbs/4.jpg");  // media:group/media:thumbnail
  CHECK(d.published == kT);                                       // 2-digit year, GMT
  CHECK(d.source == "新华网");
}

TEST_CASE("RSS 0.91 with undeclared HTML entities", "[feeds][rss]") {
  const FeedResult r = parse_fixture("rss091.xml");
  REQUIRE(r.feed);
  CHECK(r.feed->title == "Old School © Feed");
  REQUIRE(r.feed->items.size() == 1);
  CHECK(r.feed->items[0].title == "Café opens");
  CHECK(r.feed->items[0].summary == "A new café — with seats.");
}

TEST_CASE("RSS 1.0 (RDF)", "[feeds][rdf]") {
  const FeedResult r = parse_fixture("rdf.xml");
  REQUIRE(r.feed);
  CHECK(r.format == "rdf");
  CHECK(r.feed->title == "RDF 频道");
  REQUIRE(r.feed->items.size() == 2);
  CHECK(r.feed->items[0].published == kT);
  CHECK(r.feed->items[1].published == kT);                     // zone-less, configured +08:00
  CHECK(r.feed->items[1].link == "http://rdf.example.org/2");  // relative to the channel link (file source)
}

TEST_CASE("Atom 1.0 with xml:base and rel=alternate", "[feeds][atom]") {
  const FeedResult r = parse_fixture("atom.xml", "https://mirror.example.net/feeds/atom.xml");
  REQUIRE(r.feed);
  CHECK(r.format == "atom");
  CHECK(r.feed->title == "Atom 测试");
  CHECK(r.feed->link == "https://atom.example.org/blog/");
  REQUIRE(r.feed->items.size() == 2);
  const NewsItem& a = r.feed->items[0];
  CHECK(a.title == "Hello & 你好");
  CHECK(a.link == "https://atom.example.org/blog/posts/2022/hello.html");
  CHECK(a.image == "https://atom.example.org/blog/posts/2022/hello.jpg");
  CHECK(a.published == kT);  // published wins over updated; fraction ignored
  CHECK(a.summary == "第一段\n第二段 & more");
  const NewsItem& b = r.feed->items[1];
  CHECK(b.link == "https://atom.example.org/abs/2.html");
  CHECK(b.published == kT);  // falls back to updated
  CHECK(b.paragraphs == std::vector<std::string>{"XHTML para one.", "Para two."});
}

TEST_CASE("JSON Feed 1.0 and 1.1", "[feeds][json]") {
  const FeedResult r = parse_fixture("jsonfeed11.json", "https://json.example.cn/feed.json");
  REQUIRE(r.feed);
  CHECK(r.format == "json");
  CHECK(r.feed->title == "JSON 新闻");
  REQUIRE(r.feed->items.size() == 2);
  CHECK(r.feed->items[0].link == "https://json.example.cn/posts/1.html");
  CHECK(r.feed->items[0].image == "https://json.example.cn/img/1.png");
  CHECK(r.feed->items[0].summary == "摘要一");
  CHECK(r.feed->items[0].paragraphs == std::vector<std::string>{"正文 & HTML", "第二段"});
  CHECK(r.feed->items[0].published == kT);
  CHECK(r.feed->items[1].link == "https://elsewhere.example.com/2");
  CHECK(r.feed->items[1].image == "https://json.example.cn/att.jpg");
  CHECK(r.feed->items[1].summary == "Text <not html> & plain");
  CHECK(r.feed->items[1].published == kT + 86400 - 1800);  // date_modified fallback
  const FeedResult v1 = parse_fixture("jsonfeed1.json");
  REQUIRE(v1.feed);
  REQUIRE(v1.feed->items.size() == 1);
  CHECK(v1.feed->items[0].image == "https://v1.example.com/b.jpg");
}

TEST_CASE("every encoding parses to the same UTF-8 text", "[feeds][encoding]") {
  struct Case {
    const char* file;
    const char* title;
    const char* charset;
  };
  const Case cases[] = {
      {"gbk.xml", "江城市科技局推动服务窗口", "GB18030"},
      {"gb2312.xml", "服务引领科技赋能", "GB18030"},
      {"gb18030.xml", "吉祥字𠮷与欧元€", "GB18030"},
      {"big5.xml", "科學園區擴建計畫", "windows-950"},
      {"shift_jis.xml", "東京で新しい研究所", "windows-31j"},
      {"euc-kr.xml", "서울에 새 연구소", "windows-949"},
      {"utf16le-bom.xml", "標題 ☃ 新闻", "UTF-16LE"},
      {"utf16be-bom.xml", "標題 ☃ 新闻", "UTF-16BE"},
      {"utf16le-nobom.xml", "標題 ☃ 新闻", "UTF-16LE"},
      {"utf8-bom.xml", "标题", "UTF-8"},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const FeedResult r = parse_fixture(c.file);
    REQUIRE(r.feed);
    CHECK(r.charset == c.charset);
    REQUIRE(r.feed->items.size() == 1);
    CHECK(r.feed->items[0].title == c.title);
    CHECK(r.feed->items[0].link == "http://news.example.cn/a/1.html");
    CHECK(r.feed->items[0].published == kT);
  }
  const FeedResult http_only = parse_fixture("gbk-nodecl.xml", "", "application/rss+xml; charset=GBK");
  REQUIRE(http_only.feed);
  CHECK(http_only.feed->items[0].title == "只有HTTP头说明编码");
  const FeedResult bad = parse_fixture("gbk-badbytes.xml");
  REQUIRE(bad.feed);
  CHECK(bad.feed->items[0].summary == "前\xEF\xBF\xBD\xEF\xBF\xBD后");
}

TEST_CASE("truncated feeds keep their complete items", "[feeds][truncated]") {
  const FeedResult rss = parse_fixture("truncated-rss.xml");
  REQUIRE(rss.feed);
  CHECK(rss.feed->truncated);
  REQUIRE(rss.feed->items.size() == 2);
  CHECK(rss.feed->items[1].title == "完整二");
  CHECK(rss.feed->items[1].summary == "ok");
  const FeedResult atom = parse_fixture("truncated-atom.xml");
  REQUIRE(atom.feed);
  CHECK(atom.feed->truncated);
  CHECK(atom.feed->items.size() == 1);
  const FeedResult json = parse_fixture("truncated.json");
  REQUIRE(json.feed);
  CHECK(json.feed->truncated);
  REQUIRE(json.feed->items.size() == 1);
  CHECK(json.feed->items[0].title == "complete");
  // Cutting a complete feed anywhere never yields a partial item or a crash.
  const std::string whole = feeds_test::fixture("rss2.xml");
  for (size_t cut = 0; cut < whole.size(); cut += 7) {
    const FeedResult r = parse_feed(std::string_view(whole).substr(0, cut), FeedOptions{});
    if (r.feed) {
      CHECK(r.feed->items.size() <= 4);
      if (r.feed->items.size() < 4) CHECK(r.feed->truncated);
    }
  }
}

TEST_CASE("non-feeds are errors with a reason", "[feeds][notfeed]") {
  CHECK(parse_fixture("notfeed.html").error == "not a feed: the document is an HTML page");
  CHECK(parse_fixture("notfeed.json").error == "not a feed: JSON without a jsonfeed.org version");
  CHECK(parse_fixture("notfeed.svg").error == "not a feed: root element <svg>");
  CHECK(parse_fixture("notfeed.txt").error == "not a feed: neither XML nor JSON");
  CHECK(parse_feed("", FeedOptions{}).error == "not a feed: empty document");
  CHECK(parse_feed("   \n", FeedOptions{}).error == "not a feed: empty document");
  CHECK_FALSE(parse_feed("<rss version=\"2.0\"></rss>", FeedOptions{}).feed);
  CHECK_FALSE(parse_feed("{\"version\":\"https://example.org/not-json-feed\"", FeedOptions{}).feed);
  const FeedResult cut = parse_feed("{\"version\":\"https://jsonfeed.org/version/1.1\"", FeedOptions{});
  REQUIRE(cut.feed);  // a JSON Feed cut before its items: truncated, nothing complete
  CHECK(cut.feed->truncated);
  CHECK(cut.feed->items.empty());
}

TEST_CASE("XXE: external entities are never loaded", "[feeds][safety]") {
  const FeedResult r = parse_fixture("xxe.xml");
  REQUIRE(r.feed);
  REQUIRE(r.feed->items.size() == 1);
  CHECK(r.feed->items[0].title == "beforeafter");
  CHECK(r.feed->items[0].summary == "de");
  CHECK(r.feed->items[0].summary.find("root:") == std::string::npos);
}

TEST_CASE("billion laughs finishes fast and is refused", "[feeds][safety]") {
  const auto start = std::chrono::steady_clock::now();
  const FeedResult r = parse_fixture("billion-laughs.xml");
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(ms < 1000);
  CHECK_FALSE(r.feed);
  CHECK(r.error.find("entity") != std::string::npos);
  // A small legitimate internal entity still works, read literally.
  const FeedResult ok = parse_feed(
      "<!DOCTYPE rss [<!ENTITY co \"ACME\">]><rss><channel><title>&co; news</title></channel></rss>",
      FeedOptions{});
  REQUIRE(ok.feed);
  CHECK(ok.feed->title == "ACME news");
}

TEST_CASE("caps on items and text sizes", "[feeds][safety]") {
  std::string doc = "<rss><channel><title>" + std::string(5000, 'T') + "</title>";
  for (int i = 0; i < 50; ++i)
    doc += "<item><title>t</title><description>" + std::string(10000, 'x') + "</description></item>";
  doc += "</channel></rss>";
  FeedOptions o;
  o.max_items = 10;
  o.max_summary_bytes = 100;
  const FeedResult r = parse_feed(doc, o);
  REQUIRE(r.feed);
  CHECK(r.feed->title.size() == o.max_title_bytes);
  CHECK(r.feed->items.size() == 10);
  CHECK(r.feed->items[0].summary.size() == 100);
  CHECK_FALSE(r.feed->truncated);
}

TEST_CASE("descriptions escaped twice by their CMS show text, not tags", "[feeds][parse]") {
  const std::string rss =
      R"(<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
<item><title>一</title><link>http://a.test/1</link>
<description>&amp;lt;p&amp;gt;第一段&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;第二段 &amp;amp; 结尾&amp;lt;br/&amp;gt;&amp;lt;img src=&amp;quot;/i.jpg&amp;quot;&amp;gt;&amp;lt;/p&amp;gt;</description></item>
<item><title>二</title><link>http://a.test/2</link><description>当 a &amp;lt; b 且 b &amp;gt; c 时，写作 &amp;lt;5 度</description></item>
<item><title>三</title><link>http://a.test/3</link><description>&lt;p&gt;只转义一次&lt;/p&gt;</description></item>
</channel></rss>)";
  const FeedResult r = parse_feed(rss, FeedOptions{});
  REQUIRE(r.feed);
  REQUIRE(r.feed->items.size() == 3);
  CHECK(r.feed->items[0].paragraphs == std::vector<std::string>{"第一段", "第二段 & 结尾"});
  CHECK(r.feed->items[0].summary.find('<') == std::string::npos);
  // Text that only mentions < and > is not markup: it stays as written.
  CHECK(r.feed->items[1].paragraphs == std::vector<std::string>{"当 a < b 且 b > c 时，写作 <5 度"});
  CHECK(r.feed->items[2].paragraphs == std::vector<std::string>{"只转义一次"});
  const std::string atom = R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>e</title><link href="http://a.test/e"/><content type="html">&amp;lt;p&amp;gt;Atom 正文&amp;lt;/p&amp;gt;</content></entry></feed>)";
  const FeedResult a = parse_feed(atom, FeedOptions{});
  REQUIRE(a.feed);
  REQUIRE(a.feed->items.size() == 1);
  CHECK(a.feed->items[0].paragraphs == std::vector<std::string>{"Atom 正文"});
}

namespace {

// Every field of every item, for comparing two parses.
std::string dump(const FeedResult& r) {
  std::string s = r.error + "|" + r.format + "|";
  if (!r.feed) return s;
  s += r.feed->title + "|" + r.feed->link + "|" + (r.feed->truncated ? "T" : "-") + "\n";
  for (const NewsItem& it : r.feed->items) {
    s += it.title + "|" + it.source + "|" + it.link + "|" + it.summary + "|" + it.image + "|" +
         (it.published ? std::to_string(*it.published) : "none");
    for (const std::string& p : it.paragraphs) s += "|" + p;
    s += "\n";
  }
  return s;
}

FeedResult parse_chunked(std::string_view doc, size_t chunk, const std::string& url = {},
                         size_t max_items = 10000) {
  FeedOptions o;
  o.url = url;
  o.max_items = max_items;
  o.dates.local_utc_offset_min = 480;
  o.xml_chunk_bytes = chunk;
  return parse_feed(doc, o);
}

// Parsed in one piece, and streamed in chunks of several sizes: same result.
void check_chunk_sizes(std::string_view doc, const std::string& url = {}, size_t max_items = 10000) {
  const std::string whole = dump(parse_chunked(doc, std::string::npos, url, max_items));
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{100}, size_t{1000}, size_t{4096}}) {
    INFO("chunk " << chunk << " of " << doc.substr(0, 200));
    CHECK(dump(parse_chunked(doc, chunk, url, max_items)) == whole);
  }
}

// check_chunk_sizes, then the feed streamed in chunks of `chunk` bytes.
Feed streamed_feed(const std::string& doc, size_t chunk) {
  check_chunk_sizes(doc);
  const FeedResult r = parse_chunked(doc, chunk);
  REQUIRE(r.feed);
  return *r.feed;
}

std::string many_items(int n, const std::string& head, const std::string& tail) {
  std::string doc = "<rss version=\"2.0\"><channel>" + head;
  for (int i = 0; i < n; ++i)
    doc += "<item><title>t" + std::to_string(i) + "</title><link>/a/" + std::to_string(i) +
           "</link><description><![CDATA[<p>one " + std::to_string(i) + "</p><p>two</p><img src=\"i" +
           std::to_string(i) +
           ".png\">]]></description><pubDate>Tue, 19 Apr 2022 08:30:00 +0800</pubDate></item>\n";
  return doc + tail + "</channel></rss>\n";
}

}  // namespace

TEST_CASE("streamed XML parsing does not depend on the chunk size", "[feeds][stream]") {
  for (const char* name : {"rss2.xml", "atom.xml", "rdf.xml", "rss091.xml", "truncated-rss.xml",
                           "truncated-atom.xml", "xxe.xml", "utf8-bom.xml"})
    check_chunk_sizes(feeds_test::fixture(name), "https://news.example.cn/tech/rss.xml");
  check_chunk_sizes(feeds_test::fixture("atom.xml"));
  check_chunk_sizes(feeds_test::fixture("rss2.xml"));

  SECTION("channel title and link after the items, read from a file") {
    const std::string doc =
        many_items(300, "", "<title>Late title</title><link>https://late.example/x/</link>");
    const Feed f = streamed_feed(doc, 1000);
    REQUIRE(f.items.size() == 300);
    CHECK(f.items[299].source == "Late title");
    CHECK(f.items[0].link == "https://late.example/a/0");
    CHECK(f.items[7].image == "https://late.example/x/i7.png");
  }
  SECTION("channel link first, from a file and from the web") {
    const std::string doc = many_items(300, "<title>T</title><link>https://early.example/</link>", "");
    check_chunk_sizes(doc);
    check_chunk_sizes(doc, "https://web.example/feed.xml");
    const FeedResult r = parse_chunked(doc, 1000);
    REQUIRE(r.feed);
    CHECK(r.feed->items[250].link == "https://early.example/a/250");
    CHECK(r.feed->items[250].source == "T");
  }
  SECTION("items in unexpected places") {
    std::string doc = many_items(150, "<title>T</title><link>https://e.example/</link>", "");
    // An item inside an item, one inside another element of the channel, one beside the channel.
    doc.insert(doc.find("<item>", 5000),
               "<item><title>outer</title><item><title>inner</title></item></item>");
    doc.insert(doc.find("<item>", 9000), "<group><item><title>grouped</title></item></group>");
    doc.insert(doc.find("</channel>") + 10, "<item><title>beside</title></item>");
    check_chunk_sizes(doc);
    const FeedResult r = parse_chunked(doc, 100);
    REQUIRE(r.feed);
    CHECK(r.feed->items.size() == 151);
    // RSS 0.91 items beside the channel, many of them.
    std::string beside = "<rss><channel><title>T</title><link>https://e.example/</link></channel>";
    for (int i = 0; i < 200; ++i) beside += "<item><title>b" + std::to_string(i) + "</title></item>";
    beside += "</rss>";
    check_chunk_sizes(beside);
    CHECK(parse_chunked(beside, 100).feed->items.size() == 200);
  }
  SECTION("RDF with the channel before and after the items, xml:base on the root") {
    std::string items;
    for (int i = 0; i < 200; ++i)
      items +=
          "<item><title>r" + std::to_string(i) + "</title><link>p/" + std::to_string(i) + "</link></item>";
    const std::string head =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xml:base=\"https://base.example/d/\">";
    const std::string channel = "<channel><title>C</title><link>https://chan.example/</link></channel>";
    check_chunk_sizes(head + channel + items + "</rdf:RDF>");
    check_chunk_sizes(head + items + channel + "</rdf:RDF>");
    const FeedResult r = parse_chunked(head + channel + items + "</rdf:RDF>", 100);
    REQUIRE(r.feed);
    CHECK(r.feed->items[150].link == "https://base.example/d/p/150");
  }
  SECTION("Atom with many entries") {
    std::string doc =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><link rel=\"self\" href=\"https://s.example/f\"/>"
        "<link href=\"https://a.example/\"/><title>A</title>";
    for (int i = 0; i < 200; ++i)
      doc += "<entry><title>e" + std::to_string(i) + "</title><link href=\"e/" + std::to_string(i) +
             "\"/><summary type=\"html\">&lt;p&gt;s" + std::to_string(i) +
             "&lt;/p&gt;</summary><content type=\"xhtml\"><div "
             "xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div>"
             "</content></entry>";
    doc += "</feed>";
    const Feed f = streamed_feed(doc, 100);
    REQUIRE(f.items.size() == 200);
    CHECK(f.items[199].link == "https://a.example/e/199");
    CHECK(f.items[199].summary == "s199");
  }
  SECTION("truncated inside an item, and caps") {
    const std::string doc = many_items(400, "<title>T</title><link>https://e.example/</link>", "");
    for (size_t cut : {doc.size() / 3, doc.size() / 2 + 17, doc.size() - 40, doc.size() - 12}) {
      const std::string part = doc.substr(0, cut);
      check_chunk_sizes(part);
      const FeedResult r = parse_chunked(part, 1000);
      REQUIRE(r.feed);
      CHECK(r.feed->truncated);
      const size_t closed = [&] {
        size_t n = 0;
        for (size_t at = part.find("</item>"); at != std::string::npos; at = part.find("</item>", at + 1))
          ++n;
        return n;
      }();
      CHECK(r.feed->items.size() == closed);
      CHECK(r.feed->items.back().title == "t" + std::to_string(closed - 1));
    }
    check_chunk_sizes(doc, {}, 37);
    check_chunk_sizes(doc.substr(0, doc.size() / 2), {}, 37);
    CHECK(parse_chunked(doc, 1000, {}, 37).feed->items.size() == 37);
  }
}
