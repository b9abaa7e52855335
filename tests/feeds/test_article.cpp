// Article extraction on four differently built pages (written for these
// tests): a portal with sidebars, a government CMS table page, a WeChat-style
// page and an English page with <article> and JSON-LD.
#include <catch2/catch.hpp>

#include "content/article.h"
#include "feeds_test_support.h"
#include "sources/news_source.h"

using namespace paizi::content;
namespace sources = paizi::sources;

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
  REQUIRE(a.paragraphs.size() == 6);
  CHECK(a.paragraphs[0].rfind("近日，江城市科技局围绕全市主导产业需求", 0) == 0);  // indent stripped
  CHECK(a.paragraphs[1] == "一、精准对接产业需求");  // sub-headings are their own paragraphs
  CHECK(a.paragraphs[3] == "二、完善服务保障机制");
  CHECK(a.paragraphs[5].rfind("下一步，江城市科技局将继续扩大特派员队伍", 0) == 0);
  for (const char* chrome :
       {"责任编辑", "首页", "当前位置", "推荐", "排行", "相关阅读", "免责声明", "打印", "字体", "ICP",
        "版权所有", "浏览次数", "核心提示", "统计代码", "江城举办科技成果对接会"})
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
  for (const char* chrome :
       {"政务公开", "您现在的位置", "发布时间", "打印本页", "关闭窗口", "扫一扫", "网站标识码", "ICP"})
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
  for (const char* chrome :
       {"隐藏的推广文字", "阅读原文", "微信扫一扫", "喜欢此内容", "燃料电池汽车示范", "原创", "来源："})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("a 公众号 page of a few short paragraphs in nested sections", "[feeds][article]") {
  const ArticleResult r = extract("article-wechat-short.html");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "好消息！我区新增3家省级专精特新企业");
  CHECK(a.published == 1713668400);  // 2024-04-21 11:00 +08:00 from the byline
  CHECK(a.source == "云溪发布");
  CHECK(a.paragraphs ==
        std::vector<std::string>{"近日，省工信厅公布了2024年度专精特新中小企业名单。",
                                 "我区云帆精密、绿源环保、瑞康生物3家企业榜上有名。",
                                 "截至目前，全区省级专精特新企业已达17家。",
                                 "下一步，区工信局将加强梯度培育。",  // <br><br> ends a paragraph
                                 "推动更多企业走专精特新发展道路。"});
  // Hidden (visibility, display, hidden, aria-hidden), credit lines, tools and recommendations.
  for (const char* chrome : {"内部备注", "隐藏的推广", "预留栏目", "装饰分隔线", "完", "来源", "编辑", "校对",
                             "审核", "监制", "阅读", "微信扫一扫", "喜欢此内容", "发表于"})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));
}

TEST_CASE("a county government page: <br><br> paragraphs, a hidden draft line, the editor line",
          "[feeds][article]") {
  const ArticleResult r = extract("article-county.html", "http://www.example.gov.cn/xzdt/2024/0315/1.html");
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "石桥镇开展春季森林防火宣传");
  CHECK(a.published == 1710469560);  // 2024-03-15 10:26 +08:00
  CHECK(a.source == "石桥镇人民政府");
  CHECK(a.paragraphs == std::vector<std::string>{"3月14日，石桥镇组织干部深入各村开展森林防火宣传。",
                                                 "工作人员发放宣传资料两千余份，提醒群众不要野外用火。",
                                                 "镇里还组织了一次扑火演练。"});
}

TEST_CASE("credit lines are furniture wherever the body ends; sentences that mention them are not",
          "[feeds][article]") {
  const std::string head = R"(<html><head><meta charset="utf-8"><title>t</title></head><body>
<h1>区图书馆延长周末开放时间</h1><div class="content"><p>本周起，区图书馆周末开放时间延长至晚上九点。</p>
<p>编辑部收到读者来信后，图书馆调整了值班安排。</p>)";
  const std::string tail = "</div></body></html>";
  for (const char* credit :
       {"（完）", "(完)", "【完】", "【责任编辑：王芳】", "（责任编辑：王芳）", "[责任编辑：王芳]",
        "责任编辑：王芳", "责任编辑 王芳", "编辑：张三", "编辑: 张三", "校对：李四", "审核：王五",
        "监制：赵六", "审核：王五 | 监制：赵六", "初审：孙七 复审：周八 终审：吴九", "来源：区文旅局",
        "编辑：张三　校对：李四"}) {
    CAPTURE(credit);
    const ArticleResult r = extract_article(head + "<p>" + credit + "</p>" + tail, ArticleOptions{});
    REQUIRE(r.article);
    CHECK(r.article->paragraphs == std::vector<std::string>{"本周起，区图书馆周末开放时间延长至晚上九点。",
                                                            "编辑部收到读者来信后，图书馆调整了值班安排。"});
  }
}

TEST_CASE("a short article is an article; a one-line notice too", "[feeds][article]") {
  const ArticleResult r =
      extract_article(R"(<html><head><meta charset="utf-8"><title>停水通知</title></head><body>
<div class="menu"><a href="/">首页</a> <a href="/tz">通知公告</a></div>
<div><section><section><p>因管网检修，明天上午东区停水。</p></section></section></div></body></html>)",
                      ArticleOptions{});
  REQUIRE(r.article);
  CHECK(r.article->paragraphs == std::vector<std::string>{"因管网检修，明天上午东区停水。"});
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
  for (const char* chrome :
       {"Share on", "Related stories", "Library extends", "Subscribe", "morning briefing",
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
  CHECK(big5.article->paragraphs.at(0) ==
        "會議研究了第1項工作，強調要提高認識、壓實責任、狠抓落實，確保各項任務按期完成。");
}

TEST_CASE("a table page without headline tags or metadata: title and byline found by the title's text",
          "[feeds][article]") {
  std::string body;
  for (int i = 1; i <= 5; ++i)
    body +=
        "第" + std::to_string(i) +
        "段：区政府今天召开专题会议，研究部署今年冬季供暖保障工作，要求各部门压实责任、细化措施。<br><br>";
  const std::string page = R"(<html><head><meta charset="utf-8">
<title>区政府部署冬季供暖保障工作_新闻中心_某某区人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/xw">新闻中心</a></div>
<div class="weizhi">当前位置：首页 &gt; 新闻中心 &gt; 区政府部署冬季供暖保障工作</div>
<table width="980"><tr><td class="bt" align="center"><b>区政府部署冬季供暖保障工作</b></td></tr>
<tr><td align="center">发布时间：2024-11-20 09:30　来源：区政府办公室　浏览次数：123</td></tr>
<tr><td class="zw" style="font-size:16px">)" +
                           body + R"(</td></tr></table>
<table class="xgxw"><tr><td><a href="/2.html">区政府部署冬季供暖保障工作</a></td></tr></table>
<div class="bottom">版权所有：某某区人民政府　京ICP备12345678号</div></body></html>)";
  ArticleOptions o;
  o.url = "http://www.example.gov.cn/xw/1.html";
  o.dates.local_utc_offset_min = 480;
  const ArticleResult r = extract_article(page, o);
  REQUIRE(r.article);
  CHECK(r.article->title == "区政府部署冬季供暖保障工作");
  CHECK(r.article->published == 1732066200);  // 2024-11-20 09:30 +08:00, from the byline row
  CHECK(r.article->source == "区政府办公室");
  REQUIRE(r.article->paragraphs.size() == 5);
  CHECK(r.article->paragraphs[0].rfind("第1段：", 0) == 0);
  for (const char* chrome : {"发布时间", "浏览次数", "当前位置", "ICP"})
    CHECK_FALSE(any_contains(r.article->paragraphs, chrome));
}

TEST_CASE("the source after 来源： keeps every character (府 and 办 share bytes with ｜)",
          "[feeds][article]") {
  std::string page = R"(<html><head><meta charset="utf-8"><title>x</title></head><body>
<h1>市政府召开常务会议研究重点工作</h1><p>2024-11-20 09:30 来源：市人民政府办公室｜作者：张三</p><div>)";
  for (int i = 0; i < 4; ++i)
    page += "<p>会议研究部署了今冬明春重点工作，要求各部门压实责任、细化措施，确保各项任务按期完成。</p>";
  page += "</div></body></html>";
  const ArticleResult r = extract_article(page, ArticleOptions{});
  REQUIRE(r.article);
  CHECK(r.article->source == "市人民政府办公室");
  CHECK(r.article->paragraphs.size() == 4);
}

TEST_CASE("a page built by script: the body comes from JSON-LD articleBody", "[feeds][article]") {
  const std::string head = R"(<html><head><meta charset="utf-8"><title>园区新能源项目签约 - 园区门户</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"园区新能源项目签约","datePublished":"2024-11-21T10:00:00+08:00",
"publisher":{"@type":"Organization","name":"园区管委会"},"articleBody":)";
  const std::string tail =
      R"(}</script></head><body><div id="app"></div><script src="/app.js"></script></body></html>)";
  ArticleOptions o;
  o.url = "https://park.example.cn/news/8.html";
  // Plain text, a paragraph per line (blank lines and indents as CMSs write them).
  const ArticleResult plain = extract_article(
      head +
          R"("　　今天上午，园区与三家新能源企业举行项目集中签约仪式，签约项目涵盖储能、光伏组件和氢能装备。\n\n　　三个项目总投资约二十亿元，全部达产后预计年产值五十亿元。\n　　园区管委会表示，将做好项目落地全周期服务保障。")" +
          tail,
      o);
  REQUIRE(plain.article);
  CHECK(plain.article->title == "园区新能源项目签约");
  CHECK(plain.article->published == 1732154400);
  CHECK(plain.article->source == "园区管委会");
  REQUIRE(plain.article->paragraphs.size() == 3);
  CHECK(plain.article->paragraphs[0].rfind("今天上午，园区与三家新能源企业", 0) == 0);
  CHECK(plain.article->paragraphs[2] == "园区管委会表示，将做好项目落地全周期服务保障。");
  // HTML in articleBody.
  const ArticleResult html = extract_article(
      head +
          R"("<p>今天上午，园区与三家新能源企业举行项目集中签约仪式，签约项目涵盖储能、光伏组件和氢能装备。</p><p>三个项目总投资约二十亿元，全部达产后预计年产值五十亿元。</p>")" +
          tail,
      o);
  REQUIRE(html.article);
  REQUIRE(html.article->paragraphs.size() == 2);
  CHECK(html.article->paragraphs[1] == "三个项目总投资约二十亿元，全部达产后预计年产值五十亿元。");
  // Too little text there either: still not an article.
  CHECK(extract_article(head + R"("短讯。")" + tail, o).error == "not an article: no body text found");
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
  const sources::LoadedArticle r =
      sources::load_article(client, nullptr, feeds_test::fixture_path("article-gov.html"), {}, 0);
  REQUIRE(r.article);
  CHECK(r.article->source == "青山市政府办公室");
  CHECK_FALSE(r.stale);
}

TEST_CASE("a 公众号 page whose paragraphs, sub-headings and caption are sibling sections",
          "[feeds][article]") {
  // Each paragraph in a <section> of its own, as 135editor and its kind
  // build them, the last in three styled runs (so that its section scores
  // highest): the short lines among them (a caption, two sub-headings) are
  // part of the body and do not cut it short; the credit lines after it
  // (source, picture credit) are left out.
  const ArticleResult r = extract("article-wechat-headings.html");
  INFO(r.error);
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "园区召开冬季安全生产工作会议");
  // The publish time and the account are in the page's script only (its
  // <em id="publish_time"> is filled in by it): var ct, var nickname.
  CHECK(a.published == 1733277600);  // 2024-12-04 10:00 +08:00
  CHECK(a.source == "智慧园区");
  CHECK(a.paragraphs ==
        std::vector<std::string>{"12月3日上午，园区管委会召开冬季安全生产工作会议，各入驻企业负责人参加。",
                                 "▲ 会议现场", "一、总体情况",
                                 "今年以来，园区未发生一般及以上生产安全事故，隐患整改率保持在百分之百。",
                                 "二、冬季重点",
                                 "会议要求各企业落实消防通道、电气线路和燃气设施的日常检查。本月底前完成自查"
                                 "，下月由园区组织复查。"});
  for (const char* chrome : {"来源", "图片来源", "阅读原文", "阅读 2048"})
    CHECK_FALSE(any_contains(a.paragraphs, chrome));

  // The same script on a page that is not a 公众号 article says nothing.
  std::string other = feeds_test::fixture("article-wechat-headings.html");
  other.replace(other.find("id=\"js_content\""), 15, "id=\"article\"  ");
  ArticleOptions o;
  o.url = "https://www.example.cn/a/1.html";
  const ArticleResult plain = extract_article(other, o);
  REQUIRE(plain.article);
  CHECK_FALSE(plain.article->published.has_value());
}

TEST_CASE("a 公众号 notice: a paragraph in styled runs does not outvote the body, the signatory is kept",
          "[feeds][article]") {
  // The second paragraph is three <span> runs in a <section>; the notice
  // ends with its signatory and date (short lines, no sentence). A run's
  // text counts once, in the paragraph it belongs to: the section does not
  // win over the body container, so the first paragraph is not lost.
  const ArticleResult r = extract("article-wechat-notice.html");
  INFO(r.error);
  REQUIRE(r.article);
  const NewsItem& a = *r.article;
  CHECK(a.title == "关于开展冬季消防安全检查的通知");
  INFO("published " << a.published.value_or(-1));
  CHECK(a.published == 1733300000);
  CHECK(a.paragraphs ==
        std::vector<std::string>{
            "各入驻企业：为做好冬季消防安全工作，园区将于12月9日起开展消防安全检查。",
            "请各企业提前自查消防通道和灭火器材，发现隐患及时整改。检查结果将在园区公告栏公布。",
            "园区管理委员会"});
}

TEST_CASE("a date inside a short article's first sentence is not its publish date", "[feeds][article]") {
  // No byline and no metadata: the text under the headline is the body, and
  // the date it mentions is when the rule takes effect.
  const ArticleResult r = extract("article-short-dated.html");
  INFO(r.error);
  REQUIRE(r.article);
  CHECK(r.article->title == "园区停车新规明年起施行");
  CHECK(r.article->paragraphs.size() == 3);
  CHECK_FALSE(r.article->published.has_value());
}
