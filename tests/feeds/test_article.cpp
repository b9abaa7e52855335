// Article extraction on four differently built pages (written for these
// tests): a portal with sidebars, a government CMS table page, a WeChat-style
// page and an English page with <article> and JSON-LD.
#include <catch2/catch.hpp>

#include "content/article.h"
#include "content/news_source.h"
#include "feeds_test_support.h"

using namespace paizi::content;

namespace {

ArticleResult extract(const std::string& name, const std::string& url = "https://www.example.cn/a/1.html") {
  ArticleOptions o;
  o.url = url;
  o.dates.local_utc_offset_min = 480;
  return extract_article(feeds_test::fixture(name), o);
}

bool any_contains(const std::vector<std::string>& ps, const std::string& needle) {
  for (const auto& p : ps)
    if (p.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("portal page with sidebars, summary box and footer", "[feeds][article]") {
  const ArticleResult r = extract("article-portal.html");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "江城科技局打造“科技特派员”服务品牌");
  CHECK(a.published == 1652317920);  // 2022-05-12 09:12 +08:00
  CHECK(a.source == "江城日报");
  CHECK(a.summary == "江城市科技局围绕产业需求选派科技特派员，推动技术、人才、资金向基层流动。");
  REQUIRE(a.paragraphs.size() == 7);
  CHECK(a.paragraphs[0].rfind("近日，江城市科技局围绕全市主导产业需求", 0) == 0);  // indent stripped
  CHECK(a.paragraphs[1] == "一、精准对接产业需求");  // sub-headings are their own paragraphs
  CHECK(a.paragraphs[3] == "二、完善服务保障机制");
  CHECK(a.paragraphs[6] == "（责任编辑：李明）");  // the credit line belongs to the article
  for (const char* chrome : {"首页", "当前位置", "推荐", "排行", "相关阅读", "免责声明", "打印", "字体", "ICP", "版权所有",
                             "浏览次数", "核心提示", "统计代码", "江城举办科技成果对接会"})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("government CMS page: table layout, <br> paragraphs, metadata tags", "[feeds][article]") {
  const ArticleResult r = extract("article-gov.html");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "青山市召开2022年度优化营商环境工作推进会");
  CHECK(a.published == 1654676400);  // 2022-06-08 16:20 +08:00
  CHECK(a.source == "青山市政府办公室");
  CHECK(a.summary.empty());
  REQUIRE(a.paragraphs.size() == 4);
  CHECK(a.paragraphs[0].rfind("6月8日，青山市召开", 0) == 0);
  CHECK(a.paragraphs[3] == "市直有关部门主要负责同志参加会议。");
  for (const char* chrome : {"政务公开", "您现在的位置", "发布时间", "打印本页", "关闭窗口", "扫一扫", "网站标识码", "ICP"})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("WeChat-style page: spans in sections, hidden blocks, recommendations", "[feeds][article]") {
  const ArticleResult r = extract("article-wechat.html");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "一图读懂：氢能产业如何从实验室走向生产线");
  CHECK(a.published == 1651312800);  // 2022-04-30 18:00 +08:00 from the byline
  CHECK(a.source == "科技前沿观察");
  CHECK(a.image == "https://mmbiz.example.cn/cover/abc.jpeg");
  REQUIRE(a.paragraphs.size() == 5);
  CHECK(a.paragraphs[1] == "从“克级”到“吨级”");
  CHECK(a.paragraphs[3] == "应用场景逐步打开");
  for (const char* chrome : {"隐藏的推广文字", "阅读原文", "微信扫一扫", "喜欢此内容", "燃料电池汽车示范", "原创", "来源："})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("English page with <article>, JSON-LD and <time>", "[feeds][article]") {
  const ArticleResult r = extract("article-english.html", "https://www.example-times.com/x?utm=1");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "City library opens a maker space for teenagers");
  CHECK(a.published == 1650328200);
  CHECK(a.source == "The Example Times");
  CHECK(a.link == "https://www.example-times.com/local/2022/04/19/maker-space");
  CHECK(a.image == "https://www.example-times.com/img/maker.jpg");
  REQUIRE(a.paragraphs.size() == 5);
  CHECK(a.paragraphs[2] == "Workshops every weekend");
  CHECK(a.paragraphs[4].find("second room next year") != std::string::npos);  // after the aside
  for (const char* chrome : {"Share on", "Related stories", "Library extends", "Subscribe", "morning briefing",
                             "All rights reserved", "Privacy", "Sport", "April 19, 2022", "Photo:"})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("article pages in legacy encodings declared by <meta>", "[feeds][article][encoding]") {
  const ArticleResult gbk = extract("article-gbk-meta.html");
  REQUIRE(gbk.article);
  CHECK(gbk.charset == "GB18030");
  CHECK(gbk.article->title == "市政府召开常务会议");
  CHECK(gbk.article->paragraphs.size() == 5);
  CHECK(gbk.article->published == 1650504600);  // 2022-04-21 09:30 +08:00
  const ArticleResult big5 = extract("article-big5-meta.html");
  REQUIRE(big5.article);
  CHECK(big5.charset == "windows-950");
  CHECK(big5.article->paragraphs.at(0) == "會議研究了第1項工作，強調要提高認識、壓實責任、狠抓落實，確保各項任務按期完成。");
}

TEST_CASE("pages without an article are errors", "[feeds][article]") {
  CHECK(extract("notarticle-home.html").error == "not an article: no body text found");
  CHECK(extract("rss2.xml").error == "not an article: the document is a feed (use paizi feed)");
  CHECK(extract("jsonfeed1.json").error == "not an article: the document is JSON");
  CHECK(extract_article("", ArticleOptions{}).error == "not an article: empty document");
  CHECK(extract_article("plain words", ArticleOptions{}).error == "not an article: the document is not HTML");
  // Deeply nested markup: bounded, no crash.
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep += "text";
  CHECK_FALSE(extract_article(deep, ArticleOptions{}).article);
}

TEST_CASE("load_article reads files through the same client", "[feeds][article]") {
  paizi::net::HttpClient client;
  const LoadedArticle r = load_article(client, nullptr, feeds_test::fixture_path("article-gov.html"), {}, 0);
  REQUIRE(r.article);
  CHECK(r.article->source == "青山市政府办公室");
  CHECK_FALSE(r.stale);
}
