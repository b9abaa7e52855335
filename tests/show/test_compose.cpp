// Slide composition checks on display lists: KPI tiles read as one set
// (one figure size, whole labels clear of their change badge, landscape and
// narrow portrait tiles); news sub-headings flush left in the accent colour.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include "content/playlist.h"
#include "show/compose.h"
#include "sources/source_data.h"

using namespace paizi;

namespace {

struct Placed {
  std::string text;
  float left = 0, right = 0, top = 0, size = 0;
  bool ellipsis = false;
  size_t lines = 0;
};

// Every text of a slide's first page, where it landed.
std::vector<Placed> placed_texts(const std::vector<render::DisplayList>& pages) {
  std::vector<Placed> out;
  for (const auto& op : pages.at(0).ops) {
    const auto* t = std::get_if<render::TextOp>(&op);
    if (!t || t->layout->lines.empty()) continue;
    const text::LayoutLine& l = t->layout->lines[0];
    Placed p;
    for (const auto& line : t->layout->lines) p.text += line.text;
    p.left = t->x + l.x;
    p.right = p.left + l.length;
    p.top = t->y;
    p.size = t->layout->glyphs.empty() ? 0.f : t->layout->glyphs[0].size;
    p.ellipsis = std::any_of(t->layout->lines.begin(), t->layout->lines.end(),
                             [](const text::LayoutLine& x) { return x.ellipsis; });
    p.lines = t->layout->lines.size();
    out.push_back(p);
  }
  return out;
}

std::vector<Placed> kpi_texts(float w, float h, const content::Slide** slide_out) {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  auto pr = content::load_playlist(std::string(PAIZI_TEST_DATA) + "/show/golden/slides.json");
  REQUIRE(pr.playlist);
  static content::Playlist keep;
  keep = *pr.playlist;
  const auto it = std::find_if(keep.slides.begin(), keep.slides.end(), [](const content::Slide& s) {
    return s.as<content::KpiSlide>() && s.as<content::KpiSlide>()->tiles.size() >= 4;
  });
  REQUIRE(it != keep.slides.end());
  *slide_out = &*it;
  show::ComposeContext ctx(shaper);
  ctx.width = static_cast<int>(w);
  ctx.height = static_cast<int>(h);
  ctx.area = {0, 0, w, h};
  const auto pages = show::compose_slide(*it, keep.theme, ctx);
  REQUIRE(pages.size() == 1);
  return placed_texts(pages);
}

}  // namespace

TEST_CASE("kpi: one figure size, whole labels clear of their change", "[kpi]") {
  for (const auto& [w, h] : {std::pair{1920.f, 1080.f}, std::pair{1080.f, 1920.f}}) {
    INFO(w << "x" << h);
    const content::Slide* slide = nullptr;
    const std::vector<Placed> texts = kpi_texts(w, h, &slide);
    std::map<std::string, const Placed*> by_text;
    for (const Placed& p : texts) by_text[p.text] = &p;
    float figure_size = 0;
    for (const content::KpiTile& k : std::get<content::KpiSlide>(slide->body).tiles) {
      INFO(k.label);
      const auto label = by_text.find(k.label);
      REQUIRE(label != by_text.end());
      CHECK_FALSE(label->second->ellipsis);
      CHECK(label->second->lines == 1);
      // The figure: the largest text below the label within the tile's column.
      const Placed* fig = nullptr;
      for (const Placed& p : texts)
        if (p.top > label->second->top && p.left >= label->second->left - 1 &&
            p.left < label->second->left + 5 && p.size > label->second->size * 1.5f &&
            (!fig || p.top < fig->top))
          fig = &p;
      REQUIRE(fig);
      if (figure_size == 0) figure_size = fig->size;
      CHECK(fig->size == Approx(figure_size));
      // The change badge on the label's line ends right of the label, no overlap.
      for (const Placed& p : texts)
        if ((p.text.rfind("▲", 0) == 0 || p.text.rfind("▼", 0) == 0) &&
            std::abs(p.top - label->second->top) < 1 && p.left > label->second->left &&
            p.left < label->second->left + w / 2)
          CHECK(p.left >= label->second->right + label->second->size * 0.5f);
    }
  }
}

TEST_CASE("news: a sub-heading is flush left, in the accent colour, and the body is indented", "[news]") {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  content::Slide slide;
  auto& s = slide.body.emplace<content::NewsSlide>();
  content::NewsItem item;
  item.title = "园区第十二届创新创业大赛启动";
  item.paragraphs = {"第十二届创新创业大赛于本周一正式启动报名，截至周五已有48支队伍提交材料。", "奖励与服务",
                     "大赛设一等奖1名，奖金40万元；获奖项目可优先入驻孵化器。"};
  s.news = item;
  content::Theme theme;
  show::ComposeContext ctx(shaper);
  const auto pages = show::compose_slide(slide, theme, ctx);
  REQUIRE(!pages.empty());
  std::map<std::string, std::pair<float, bool>> first_line;  // paragraph text start -> (x, accent)
  for (const auto& op : pages[0].ops) {
    const auto* t = std::get_if<render::TextOp>(&op);
    if (!t) continue;
    for (const auto& l : t->layout->lines) {
      if (l.glyph_begin < t->glyph_begin || l.glyph_end > t->glyph_end || l.glyph_begin == l.glyph_end)
        continue;
      const bool accent =
          t->color.r == theme.accent.r && t->color.g == theme.accent.g && t->color.b == theme.accent.b;
      if (!first_line.count(l.text)) first_line[l.text] = {l.x, accent};
    }
  }
  REQUIRE(first_line.count("奖励与服务"));
  CHECK(first_line["奖励与服务"].first == Approx(0));
  CHECK(first_line["奖励与服务"].second);
  bool body_indented = false;
  for (const auto& [text, v] : first_line)
    if (text.rfind("第十二届", 0) == 0) {
      body_indented = v.first > 0;
      CHECK_FALSE(v.second);
    }
  CHECK(body_indented);
}

namespace {

// The texts drawn on the first page of a news slide showing `item`, in
// drawing order (the headline first).
std::vector<std::string> news_texts(content::NewsItem item) {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  content::Theme theme;
  content::Slide slide;
  auto& s = slide.body.emplace<content::NewsSlide>();
  s.news = std::move(item);
  show::ComposeContext ctx(shaper);
  const auto pages = show::compose_slide(slide, theme, ctx);
  std::vector<std::string> out;
  for (const auto& op : pages.at(0).ops)
    if (const auto* t = std::get_if<render::TextOp>(&op)) {
      std::string all;
      for (const auto& l : t->layout->lines) all += l.text;
      out.push_back(all);
    }
  return out;
}

}  // namespace

TEST_CASE("news: an item without a title is headed by its first sentence", "[news]") {
  auto headline = [](content::NewsItem item) { return news_texts(std::move(item)).at(0); };
  content::NewsItem post;
  post.paragraphs = {"园区食堂今起延长供应时间！晚餐供应至晚上八点，欢迎加班的同事前往就餐。"};
  CHECK(headline(post) == "园区食堂今起延长供应时间！");
  content::NewsItem run_on;
  run_on.summary = std::string("一段没有句号的很长的文字") + "一段没有句号的很长的文字" +
                   "一段没有句号的很长的文字" + "一段没有句号的很长的文字" + "一段没有句号的很长的文字" +
                   "一段没有句号的很长的文字" + "\n第二段";  // 72 characters, no sentence end
  CHECK(headline(run_on) ==
        "一段没有句号的很长的文字一段没有句号的很长的文字一段没有句号的很长的文字一段没有…");
  content::NewsItem titled;
  titled.title = "有标题";
  titled.paragraphs = {"正文。"};
  CHECK(headline(titled) == "有标题");
}

TEST_CASE(
    "news: nothing is said twice: a summary that repeats the body, a headline made of the first paragraph",
    "[news]") {
  auto texts = news_texts;
  content::NewsItem item;
  item.title = "标题";
  item.paragraphs = {"第一段正文。", "第二段正文。", "第三段正文。"};
  item.summary = "第一段正文。\n第二段正文。";  // what a JSON Feed item without "summary" gets
  auto shown = texts(item);
  CHECK(std::count_if(shown.begin(), shown.end(),
                      [](const std::string& t) { return t.find("第一段正文") != std::string::npos; }) == 1);
  item.summary = "本文介绍三段正文的内容。";  // a real summary keeps its box
  shown = texts(item);
  CHECK(std::find(shown.begin(), shown.end(), "本文介绍三段正文的内容。") != shown.end());
  // Untitled: the first paragraph, a whole sentence, becomes the headline and
  // is not said again in the body.
  item.title.clear();
  item.summary.clear();
  shown = texts(item);
  CHECK(std::count_if(shown.begin(), shown.end(),
                      [](const std::string& t) { return t.find("第一段正文") != std::string::npos; }) == 1);
  CHECK(std::count_if(shown.begin(), shown.end(),
                      [](const std::string& t) { return t.find("第二段正文") != std::string::npos; }) == 1);
}

TEST_CASE("ticker: untitled feed items are listed by their first sentence", "[news][ticker]") {
  const auto dir = std::filesystem::temp_directory_path() / "paizi-test-ticker";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "posts.json")
      << R"({"version": "https://jsonfeed.org/version/1.1", "title": "园区", "items": [
    {"id": "1", "content_text": "三号楼电梯今日检修！请走楼梯。"}, {"id": "2", "title": "有标题的条目", "content_text": "正文"},
    {"id": "3", "content_text": ""}]})";
  const auto pr =
      content::parse_playlist(R"({"version": 1, "sources": {"p": {"type": "feed", "url": "posts.json"}},
    "slides": [{"type": "news", "source": "p"}]})",
                              dir.string());
  REQUIRE(pr.playlist);
  sources::SourceData data(*pr.playlist, "");
  data.refresh_now(1700000000);
  CHECK(data.headlines("p") == std::vector<std::string>{"三号楼电梯今日检修！", "有标题的条目"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("sources: a playlist update forgets the sources it drops, keeps the ones it keeps", "[sources]") {
  const auto dir = std::filesystem::temp_directory_path() / "paizi-test-sources-update";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "posts.json")
      << R"({"version": "https://jsonfeed.org/version/1.1", "title": "园区", "items": [
    {"id": "1", "title": "园区新闻", "content_text": "正文"}]})";
  const auto before = content::parse_playlist(R"({"version": 1, "sources": {
      "p": {"type": "feed", "url": "posts.json"}, "gone": {"type": "feed", "url": "missing.json"}},
    "slides": [{"type": "news", "source": "p"}, {"type": "news", "source": "gone"}]})",
                                              dir.string());
  REQUIRE(before.playlist);
  sources::SourceData data(*before.playlist, "");
  data.refresh_now(1700000000);
  REQUIRE(data.errors().count("gone") == 1);  // missing.json cannot be read
  CHECK(data.headlines("p") == std::vector<std::string>{"园区新闻"});
  // The new playlist has only "p": "gone" and its error are forgotten at
  // once; "p" keeps its items until they are fetched again.
  const auto after =
      content::parse_playlist(R"({"version": 1, "sources": {"p": {"type": "feed", "url": "posts.json"}},
    "slides": [{"type": "news", "source": "p"}]})",
                              dir.string());
  REQUIRE(after.playlist);
  data.update(*after.playlist);
  CHECK(data.errors().count("gone") == 0);
  CHECK(data.headlines("gone").empty());
  CHECK(data.headlines("p") == std::vector<std::string>{"园区新闻"});
  data.stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("news: a long article shows its first 8 pages, the last ending in an ellipsis", "[news]") {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  content::Theme theme;
  auto compose = [&](size_t paragraphs, double* ms = nullptr) {
    content::Slide slide;
    auto& s = slide.body.emplace<content::NewsSlide>();
    s.news.emplace();
    s.news->title = "长文";
    for (size_t i = 0; i < paragraphs; ++i)
      s.news->paragraphs.push_back("第" + std::to_string(i + 1) +
                                   "段。园区管委会今天召开会议，研究部署下一阶段的重点工作，"
                                   "要求持续优化营商环境，提升服务效率，推动产业集聚发展。");
    show::ComposeContext ctx(shaper);
    const auto t0 = std::chrono::steady_clock::now();
    auto pages = show::compose_slide(slide, theme, ctx);
    if (ms) *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return pages;
  };
  auto ellipses = [](const render::DisplayList& page) {
    size_t n = 0;
    for (const auto& op : page.ops)
      if (const auto* t = std::get_if<render::TextOp>(&op))
        for (const auto& l : t->layout->lines) n += l.ellipsis;
    return n;
  };
  auto first_text = [](const render::DisplayList& page) {  // the body's first line on the page
    std::vector<std::string> texts;
    for (const auto& op : page.ops)
      if (const auto* t = std::get_if<render::TextOp>(&op)) texts.push_back(t->layout->lines.at(0).text);
    return texts.size() > 2 ? texts[2] : std::string();  // after the headline and the byline
  };
  const auto short_one = compose(6);
  REQUIRE(short_one.size() < 8);
  for (const auto& p : short_one) CHECK(ellipses(p) == 0);
  double ms = 0;
  const auto long_one = compose(2000, &ms);  // about 90 000 characters
  WARN("a 2000-paragraph article composed in " << ms << " ms");
  REQUIRE(long_one.size() == 8);
  for (size_t i = 0; i + 1 < long_one.size(); ++i) CHECK(ellipses(long_one[i]) == 0);
  CHECK(ellipses(long_one.back()) == 1);
  CHECK(first_text(long_one[0]).rfind("第1段。", 0) == 0);
  // Just over eight pages: the same eight pages, whatever follows.
  const auto over = compose(120);
  REQUIRE(over.size() == 8);
  for (size_t i = 0; i < 8; ++i) CHECK(first_text(over[i]) == first_text(long_one[i]));
  CHECK(ellipses(over.back()) == 1);
}

TEST_CASE("kpi: a percentage changes by percentage points; the unit follows the count-up", "[kpi]") {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  auto pr = content::parse_playlist(R"({"version": 1, "slides": [{"type": "kpi", "tiles": [
      {"label": "满意度", "value": 18.5, "previous": 15.2, "format": "percent"},
      {"label": "营收", "value": 12345678, "previous": 11000000, "unit": "元", "format": "wan"}]}]})",
                                    ".");
  REQUIRE(pr.playlist);
  const content::Slide& slide = pr.playlist->slides[0];
  std::map<std::string, Placed> settled;
  for (const double anim_t : {0.3, 1e9}) {
    INFO("anim_t " << anim_t);
    show::ComposeContext ctx(shaper);
    ctx.width = 1920;
    ctx.height = 1080;
    ctx.area = {0, 0, 1920, 1080};
    ctx.anim_t = anim_t;
    const std::vector<Placed> texts = placed_texts(show::compose_slide(slide, pr.playlist->theme, ctx));
    std::map<std::string, Placed> by_text;
    for (const Placed& p : texts) by_text[p.text] = p;
    // 18.5% against 15.2%: 3.3 points up, not a relative 21.7%.
    CHECK(by_text.count("▲ 3.3个百分点") == 1);
    CHECK(by_text.count("▲ 21.7%") == 0);
    CHECK(by_text.count("▲ 12.2%") == 1);  // other formats stay relative
    // "万元" sits right after the digits shown now, at every step of the count-up.
    const auto unit = by_text.find("万元");
    REQUIRE(unit != by_text.end());
    const Placed* digits = nullptr;
    for (const Placed& p : texts)
      if (std::abs(p.left - texts.front().left) < 2000 && p.size > unit->second.size * 1.5f &&
          p.right <= unit->second.left && (!digits || p.right > digits->right))
        digits = &p;
    REQUIRE(digits);
    const float gap = unit->second.left - digits->right;
    CHECK(gap >= 0);
    CHECK(gap < digits->size * 0.2f);
    if (anim_t < 1) CHECK(digits->text != "1235");  // still counting
  }
}

namespace {

struct Composed {
  std::vector<render::DisplayList> pages;
  std::vector<std::string> warnings;
};

Composed compose_at(const content::Slide& s, int w, int h) {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  show::ComposeContext ctx(shaper);
  ctx.width = w;
  ctx.height = h;
  ctx.area = show::Rect{0, 0, static_cast<float>(w), static_cast<float>(h)};
  Composed c;
  c.pages = show::compose_slide(s, content::Theme{}, ctx);
  c.warnings = ctx.warnings;
  return c;
}

content::Slide slogan(std::vector<std::string> lines, bool vertical = false) {
  content::Slide s;
  auto& b = s.body.emplace<content::SloganSlide>();
  b.lines = std::move(lines);
  b.vertical = vertical;
  return s;
}

std::string repeat(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("text that will be cut or set below the theme's readable size is reported, naming it",
          "[compose]") {
  // A 213-character slogan line was cut to "……" without a word.
  const std::string line213 = repeat("园区坚持创新驱动发展战略，", 16) + "加快建设世界一流科技园区";
  const Composed cut = compose_at(slogan({line213}), 1920, 1080);
  REQUIRE(cut.warnings.size() == 1);
  CHECK(cut.warnings[0].find("slogan cut to") != std::string::npos);
  CHECK(cut.warnings[0].find("园区坚持创新驱动发展战略") != std::string::npos);  // names the text

  // An 80-character vertical slogan shrank to 22 px glyphs.
  const Composed small = compose_at(slogan({repeat("科技创新引领未来发展", 8)}, true), 1920, 1080);
  REQUIRE(small.warnings.size() == 1);
  CHECK(small.warnings[0].find("below the theme's readable minimum of 24 px") != std::string::npos);

  // What fits says nothing: a banner slogan, a couplet.
  CHECK(compose_at(slogan({"创新驱动 追求卓越"}), 1920, 1080).warnings.empty());
  CHECK(compose_at(slogan({"春风送暖入屠苏", "爆竹声中一岁除"}, true), 1920, 1080).warnings.empty());
}

TEST_CASE("a news slide's QR code keeps a readable module size, or is left out and said", "[compose][news]") {
  content::Slide slide;
  auto& s = slide.body.emplace<content::NewsSlide>();
  s.qr = true;
  s.news.emplace();
  s.news->title = "园区中试平台投入使用";
  s.news->link = "https://news.example.com/2026/12/04/zhongshi-pingtai-touru-shiyong.html";
  s.news->paragraphs = {
      repeat("园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。", 6)};
  auto qr_module = [](const Composed& c) {
    float mod = 0;
    for (const auto& op : c.pages.at(0).ops)
      if (const auto* q = std::get_if<render::QrOp>(&op)) mod = q->module;
    return mod;
  };
  // Portrait 1080x1920 drew it at 2 px a module (66 px): 6 px is the minimum.
  CHECK(qr_module(compose_at(slide, 1080, 1920)) >= 6);
  CHECK(qr_module(compose_at(slide, 1920, 1080)) >= 6);
  s.news->image = "/nonexistent/picture.jpg";  // the picture above it gives way
  const Composed with_picture = compose_at(slide, 1920, 1080);
  CHECK(qr_module(with_picture) >= 6);
  CHECK(with_picture.warnings.empty());
  // A link too long for any readable code: no code, a warning.
  s.news->link = "https://news.example.com/?q=" + repeat("0123456789abcdef", 40);  // 101 modules: 606 px
  const Composed too_long = compose_at(slide, 1920, 1080);
  CHECK(qr_module(too_long) == 0);
  REQUIRE(too_long.warnings.size() == 1);
  CHECK(too_long.warnings[0].find("QR code left out") != std::string::npos);
}
