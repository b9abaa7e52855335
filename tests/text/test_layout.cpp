// Spacing, compression, justification, fitting, ellipsis, pagination,
// vertical writing, fonts, goldens.
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "text/unicode.h"
#include "text_fixture.h"

using namespace paizi;
using test::Lay;

TEST_CASE("adjacent punctuation is compressed with halt: 文。」「文 = 1000/500/500/500/1000") {
  text::ShapeOptions o;
  const auto p = test::shaper().shape_paragraph("文。」「文", o);
  REQUIRE(p.adv.size() == 5);
  const std::vector<float> want{1.f, .5f, .5f, .5f, 1.f};
  for (size_t i = 0; i < 5; ++i) CHECK(p.adv[i] * 1000 == Approx(want[i] * 1000).margin(1));
  // The opening bracket's glyph is moved back by its removed blank half.
  CHECK(p.glyphs[3].u == Approx(-0.5f).margin(0.01));
}

TEST_CASE("an opening bracket at line start loses its blank half") {
  const auto l = Lay().width_em(3).justify().run("文文文「文文」");
  REQUIRE(l.lines.size() >= 2);
  CHECK(l.lines[1].text.rfind("「", 0) == 0);
  CHECK(l.lines[1].natural == Approx(350).margin(1));  // 「 (0.5) + 文文 (2) + 」(1, paragraph end)
  // Ragged text also drops the blank half of the closing mark at the end.
  CHECK(Lay().width_em(3).run("文文文「文文」").lines[1].natural == Approx(300).margin(1));
}

TEST_CASE("a line taken because its punctuation can be compressed is compressed to fit") {
  // An opening bracket can end a paragraph (a fuzzed input did). The line
  // breaker counts its blank half as room, so the line setter must take it.
  for (bool justify : {false, true}) {
    const auto l = Lay().width_em(5.6f).justify(justify).run("一二三四五「");
    REQUIRE(l.lines.size() == 1);
    CHECK(l.lines[0].length <= 560.5f);
    CHECK(l.lines[0].length >= 550.f);
  }
}

TEST_CASE("1/4 em between CJK and Latin or digits, not at line ends or next to punctuation") {
  const auto l = Lay().run("用AI和5G。A");
  // 用 [gap] A I [gap] 和 [gap] 5 G 。 A
  const auto p = test::shaper().shape_paragraph("用AI和5G。A", text::ShapeOptions{});
  CHECK(p.gap[0] == Approx(0.25f));
  CHECK(p.gap[2] == Approx(0.25f));
  CHECK(p.gap[3] == Approx(0.25f));
  CHECK(p.gap[5] == 0.f);  // G。
  CHECK(p.gap[6] == 0.f);  // 。A
  const auto wrapped = Lay().width_em(3.3f).run("文文文AI");
  REQUIRE(wrapped.lines.size() == 2);
  CHECK(wrapped.lines[0].natural == Approx(300).margin(0.5));  // no gap at the line end
  CHECK(wrapped.lines[1].x == 0.f);
  (void)l;
}

TEST_CASE("half-width commas between Chinese characters can be normalised") {
  text::ShapeOptions o;
  o.normalize_commas = true;
  const auto p = test::shaper().shape_paragraph("近日,福建省", o);
  CHECK(p.cps[2] == U'，');
  CHECK(p.text.utf8 == "近日,福建省");  // source text unchanged
  CHECK(p.adv[2] == Approx(1.f).margin(0.01));
}

TEST_CASE("justified lines fill the measure, the last line is start-aligned") {
  const std::string para =
      "园区今年新增国家高新技术企业220家，研发投入同比增长18%以上，其中5G与AI相关项目占三成。"
      "管委会表示，将继续完善“一站式”服务，让企业把更多精力放在创新上。";
  Lay lay;
  lay.width_em(12.3f).justify();
  lay.opt.indent_em = 2;
  const auto l = lay.run(para);
  REQUIRE(l.lines.size() >= 3);
  CHECK(l.lines[0].x == Approx(200));
  for (size_t i = 0; i + 1 < l.lines.size(); ++i) {
    INFO("line " << i << ": " << l.lines[i].text);
    CHECK(l.lines[i].x + l.lines[i].length == Approx(1230).margin(0.5));
  }
  const auto& last = l.lines.back();
  CHECK(last.x == 0.f);
  CHECK(last.length == Approx(last.natural).margin(0.5));
  // Glyphs never overlap: positions increase along every line.
  for (const auto& line : l.lines)
    for (size_t g = line.glyph_begin + 1; g < line.glyph_end; ++g) CHECK(l.glyphs[g].x > l.glyphs[g - 1].x);
}

TEST_CASE("a paragraph does not end on a line of one character") {
  const std::vector<std::string> paras = {
      "园区管委会昨日发布消息：今年一季度，全区规模以上工业企业实现产值86.4亿元，同比增长12.5%"
      "；其中新一代信息技术、生物医药两大产业贡献率超过六成。",
      "运营中心负责人介绍，今年2月投入使用的中试平台配备了小批量贴片、3D打印和环境测试等设备，平均周期缩短到"
      "两周以内。",
      "「ちょっと待って」と言われても、ディスプレイは止まりません。"};
  size_t moved = 0;
  for (const std::string& para : paras) {
    for (float w = 6; w <= 30; w += 0.5f) {
      INFO(para << " at " << w << " em");
      const auto greedy_like = Lay().width_em(w).justify().run(para);
      const auto& lines = greedy_like.lines;
      if (lines.size() < 2) continue;
      size_t letters = 0;
      for (size_t i = 0; i < lines.back().text.size();) {
        const auto c = static_cast<unsigned char>(lines.back().text[i]);
        const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        const char32_t cp = test::first_cp(lines.back().text.substr(i, len));
        letters += text::is_cjk_letter(cp) || text::is_alnum_western(cp);
        i += len;
      }
      CHECK(letters >= 2);
      // Every other line still fills the measure (justified, not overfull).
      for (size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].length == Approx(w * 100).margin(0.5));
      // The text is all there, in order.
      std::string all;
      for (const auto& l : lines) all += l.text;
      CHECK(all == para);
      moved += lines[lines.size() - 2].natural < w * 100 - 100;  // the line before gave up a piece
    }
  }
  CHECK(moved > 0);  // the rule was exercised
}

TEST_CASE("balanced lines break between words when that costs no extra line") {
  auto balanced = [](const std::string& text, float w) {
    Lay lay;
    lay.width_em(w);
    lay.opt.balance = true;
    return lay.run(text);
  };
  // Character-level balance would give 热烈欢迎各位来 / 宾莅临参观指导.
  CHECK(test::joined(balanced("热烈欢迎各位来宾莅临参观指导", 10)) == "热烈欢迎各位来宾|莅临参观指导");
  CHECK(test::joined(balanced("园区孵化器一季度新增入驻企业36家", 12)) ==
        "园区孵化器一季度|新增入驻企业36家");
  // Never more lines than greedy breaking, never wider than the measure,
  // nothing lost; a word wider than the line still breaks inside.
  for (const std::string text :
       {"热烈欢迎各位来宾莅临参观指导", "中华人民共和国", "创新驱动发展，科技赢得未来"}) {
    for (float w = 2; w <= 16; w += 0.5f) {
      INFO(text << " at " << w << " em");
      const auto b = balanced(text, w);
      const auto g = Lay().width_em(w).run(text);
      CHECK(b.lines.size() <= g.lines.size());
      std::string all;
      for (const auto& l : b.lines) {
        CHECK(l.length <= w * 100 + 0.5f);  // after compressing line-end punctuation
        all += l.text;
      }
      CHECK(all == text);
    }
  }
}

TEST_CASE("fit chooses the largest size that fits the box") {
  text::LayoutOptions o;
  o.align = text::Align::Center;
  o.line_height = 1.3f;
  text::FitBox box{800, 300, 10, 400, 2};
  const std::vector<std::string> t{"科技创新引领园区高质量发展"};
  const auto l = text::fit_text(test::shaper(), t, o, box);
  REQUIRE_FALSE(l.truncated);
  CHECK(l.lines.size() <= 2);
  CHECK(l.width <= 800.5f);
  CHECK(l.height <= 300.5f);
  o.size_px = l.size_px + 1;
  o.width_px = 800;
  const auto bigger = text::layout_text(test::shaper(), t, o);
  CHECK((bigger.lines.size() > 2 || bigger.height > 300 || bigger.width > 800));
}

TEST_CASE("balanced fit takes the largest size whose balanced lines fit") {
  for (const std::string t :
       {"热烈欢迎各位来宾莅临参观指导", "科技创新引领园区高质量发展，携手共建智慧园区新未来",
        "Innovation drives growth: 36 new companies in 2026"}) {
    text::LayoutOptions o;
    o.align = text::Align::Center;
    o.balance = true;
    const text::FitBox box{900, 400, 10, 300, 3};
    const auto l = text::fit_text(test::shaper(), {t}, o, box);
    INFO(t << " at " << l.size_px << " px");
    REQUIRE_FALSE(l.truncated);
    CHECK(l.lines.size() <= 3);
    CHECK(l.width <= 900.5f);
    CHECK(l.height <= 400.5f);
    o.width_px = 900;
    o.size_px = l.size_px;
    const auto same = text::layout_text(test::shaper(), {t}, o);  // what is returned is the balanced layout
    REQUIRE(same.lines.size() == l.lines.size());
    for (size_t i = 0; i < l.lines.size(); ++i) CHECK(same.lines[i].text == l.lines[i].text);
    o.size_px = l.size_px + 1;
    const auto bigger = text::layout_text(test::shaper(), {t}, o);
    CHECK((bigger.lines.size() > 3 || bigger.height > 400.5f || bigger.width > 900.5f ||
           bigger.broken_words > 0));
  }
}

TEST_CASE("ellipsis after N lines") {
  Lay lay;
  lay.width_em(6);
  lay.opt.max_lines = 2;
  const auto l = lay.run("这是一条很长很长的新闻标题，需要在两行之后用省略号截断显示出来");
  REQUIRE(l.lines.size() == 2);
  CHECK(l.truncated);
  CHECK(l.lines[1].ellipsis);
  CHECK(l.lines[1].x + l.lines[1].length <= 600.5f);
  // The ellipsis glyphs are drawn after the line's text.
  CHECK(l.lines[1].glyph_end - l.lines[1].glyph_begin > text::decode_utf8(l.lines[1].text).cps.size());
}

TEST_CASE("pagination never splits a line and keeps two lines of a paragraph together") {
  std::vector<std::string> paras;
  for (int i = 0; i < 12; ++i)
    paras.push_back(std::string(static_cast<size_t>(1 + i % 4) * 3, 'x') +
                    "段落文字排版测试，用于检查分页时孤行与寡行的处理是否符合要求。");
  Lay lay;
  lay.width_em(8);
  lay.opt.line_height = 1.5f;
  lay.opt.paragraph_spacing_em = 0.5f;
  const auto l = lay.run(paras);
  for (float h : {600.f, 750.f, 900.f, 1000.f}) {
    const auto pages = text::paginate(l, h);
    REQUIRE(pages.size() > 1);
    for (size_t p = 0; p < pages.size(); ++p) {
      const size_t first = pages[p], last = p + 1 < pages.size() ? pages[p + 1] : l.lines.size();
      REQUIRE(last > first);
      const auto page = text::page_of(l, first, last);
      INFO("height " << h << " page " << p);
      CHECK(page.height <= h + 0.5f);
      if (p + 1 < pages.size() && l.lines[last - 1].paragraph == l.lines[last].paragraph) {
        int before = 0, after = 0;
        for (size_t k = first; k < last; ++k) before += l.lines[k].paragraph == l.lines[last].paragraph;
        for (size_t k = last; k < l.lines.size(); ++k)
          after += l.lines[k].paragraph == l.lines[last].paragraph;
        CHECK(before >= 2);
        CHECK(after >= 2);
      }
    }
  }
}

TEST_CASE("vertical: columns right to left, vertical forms, Latin rotated") {
  Lay lay;
  lay.vertical().width_em(4);
  const auto l = lay.run("科技创新AI。未来");
  REQUIRE(l.lines.size() >= 2);
  CHECK(l.lines[0].x > l.lines[1].x);
  const auto& first = l.lines[0];
  for (size_t g = first.glyph_begin + 1; g < first.glyph_end; ++g) CHECK(l.glyphs[g].y > l.glyphs[g - 1].y);
  bool rotated = false;
  for (const auto& g : l.glyphs) rotated |= g.rotated;
  CHECK(rotated);
  // 。 takes its vertical form (a different glyph from horizontal).
  const auto h = test::shaper().shape_paragraph("。", text::ShapeOptions{});
  text::ShapeOptions vo;
  vo.vertical = true;
  const auto v = test::shaper().shape_paragraph("。", vo);
  CHECK(h.glyphs[0].gid != v.glyphs[0].gid);
}

TEST_CASE(
    "vertical: one or two digits stand upright in one cell (tate-chu-yoko), longer numbers lie on their "
    "side") {
  text::ShapeOptions vo;
  vo.vertical = true;
  // 第3季: the 3 is upright, centred on the column axis, one em tall, no
  // CJK-Latin gap on either side.
  const auto one = test::shaper().shape_paragraph("第3季", vo);
  REQUIRE(one.glyphs.size() == 3);
  CHECK_FALSE(one.glyphs[1].rotated);
  CHECK(one.adv[1] == Approx(1.f));
  CHECK(one.gap[0] == 0.f);
  CHECK(one.gap[1] == 0.f);
  // Horizontal origin at minus half the digit's width: centred.
  CHECK(one.glyphs[1].v < -0.2f);
  CHECK(one.glyphs[1].v > -0.4f);
  // The baseline is where the font puts it for the ideographs around it.
  CHECK(one.glyphs[1].u == Approx(one.glyphs[0].u).margin(0.02));
  // 12月: both digits in the first code point's one-em cell, half-width,
  // side by side (0.5 em apart), symmetric about the axis.
  const auto two = test::shaper().shape_paragraph("12月", vo);
  REQUIRE(two.glyphs.size() == 3);
  CHECK(two.first_glyph[1] == 2);  // both glyphs belong to the 1
  CHECK(two.adv[0] + two.adv[1] == Approx(1.f));
  CHECK_FALSE(two.glyphs[0].rotated);
  CHECK_FALSE(two.glyphs[1].rotated);
  CHECK(two.glyphs[0].v == Approx(-0.5f).margin(0.01));
  CHECK(two.glyphs[1].v == Approx(0.f).margin(0.01));
  CHECK(two.glyphs[0].u == Approx(two.glyphs[1].u));
  CHECK(two.flags[0] & text::kNoJustifyAfter);
  // The half-width forms are other glyphs than the proportional digits.
  const auto plain = test::shaper().shape_paragraph("12", text::ShapeOptions{});
  CHECK(plain.glyphs[0].gid != two.glyphs[0].gid);
  // Three or more digits, or digits with a sign or a letter, stay rotated.
  for (const char* s : {"第123名", "增长15%", "第A1栋", "2026年"}) {
    const auto r = test::shaper().shape_paragraph(s, vo);
    bool any_rotated = false;
    for (size_t i = 0; i < r.cps.size(); ++i) {
      if (r.cps[i] >= U'0' && r.cps[i] <= U'9') {
        CHECK_FALSE(r.flags[i] & text::kUpright);
        any_rotated |= r.first_glyph[i] < r.first_glyph[i + 1] && r.glyphs[r.first_glyph[i]].rotated;
      }
    }
    CHECK(any_rotated);
  }
  // Horizontal text is untouched.
  const auto h = test::shaper().shape_paragraph("第3季", text::ShapeOptions{});
  CHECK(h.adv[1] < 0.7f);
  CHECK(h.gap[0] == Approx(0.25f));
  // Laid out, the upright cell keeps the column's rhythm: 第, 1, 2 (no
  // glyph of its own), 月 at one-em steps.
  Lay lay;
  lay.vertical().width_em(10);
  const auto l = lay.run("第12月");
  REQUIRE(l.glyphs.size() == 4);
  CHECK(l.glyphs[3].y - l.glyphs[0].y == Approx(2 * l.size_px).margin(0.5));
  CHECK(l.glyphs[1].y == Approx(l.glyphs[2].y));
  CHECK(l.glyphs[2].x - l.glyphs[1].x == Approx(0.5f * l.size_px).margin(0.5));
}

TEST_CASE("fonts: per-language faces, real bold, fallback and missing glyphs") {
  auto& fonts = test::shaper().fonts();
  CHECK(fonts.chain({"paizi-sans", "zh-Hans", text::Weight::Regular}).primary()->family() ==
        "Noto Sans CJK SC");
  CHECK(fonts.chain({"paizi-sans", "ja", text::Weight::Regular}).primary()->family() == "Noto Sans CJK JP");
  CHECK(fonts.chain({"paizi-sans", "zh-Hant", text::Weight::Regular}).primary()->family() ==
        "Noto Sans CJK TC");
  CHECK(fonts.chain({"paizi-sans", "ko", text::Weight::Regular}).primary()->family() == "Noto Sans CJK KR");
  const auto* bold = fonts.chain({"paizi-sans", "zh-Hans", text::Weight::Bold}).primary();
  CHECK(bold->path().find("Bold") != std::string::npos);
  // Arabic is not in Noto CJK: a later face of the chain draws it.
  const auto l = Lay().run("文ب");
  REQUIRE(l.glyphs.size() == 2);
  CHECK(l.glyphs[0].face != l.glyphs[1].face);
  CHECK(l.missing_glyphs == 0);
  // A private-use code point nobody covers: counted, drawn as a box.
  const auto m = Lay().run("文\xF4\x8F\xBF\xBD文");
  CHECK(m.missing_glyphs == 1);
  CHECK(m.glyphs[1].missing);
}

TEST_CASE("golden line breaks") {
  const std::string dir = std::string(PAIZI_TEST_DATA) + "/text/golden/";
  std::ifstream in(dir + "paragraphs.txt");
  REQUIRE(in);
  std::ostringstream got;
  std::string line;
  std::string lang = "zh-Hans";
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("lang ", 0) == 0) {
      lang = line.substr(5);
      continue;
    }
    for (float w : {9.f, 14.f, 23.f}) {
      Lay lay;
      lay.lang(lang).width_em(w).justify();
      const auto l = lay.run(line);
      got << "## " << lang << " " << w << "em\n";
      for (const auto& ln : l.lines) got << ln.text << "\n";
    }
  }
  const std::string golden = dir + "paragraphs.golden";
  if (std::getenv("PAIZI_UPDATE_GOLDEN")) std::ofstream(golden) << got.str();
  std::ifstream g(golden);
  REQUIRE(g);
  std::ostringstream want;
  want << g.rdbuf();
  CHECK(got.str() == want.str());
}

TEST_CASE("layout time is linear in the text length") {
  const std::string chunk =
      "科技园区今年新增企业220家，研发投入增长18%，5G与AI项目占三成。“一站式”服务——让创新更容易……\n";
  auto time_for = [&](size_t copies) {
    std::vector<std::string> paras(copies, chunk.substr(0, chunk.size() - 1));
    const auto t0 = std::chrono::steady_clock::now();
    const auto l = Lay().width_em(20).justify().run(paras);
    const auto t1 = std::chrono::steady_clock::now();
    CHECK(!l.lines.empty());
    return std::chrono::duration<double>(t1 - t0).count();
  };
  const size_t big = (1u << 20) / chunk.size();  // ~1 MB
  time_for(big / 8);                             // warm caches
  const double small_t = time_for(big / 8);
  const double big_t = time_for(big);
  INFO("1/8 MB: " << small_t << " s, 1 MB: " << big_t << " s");
  CHECK(big_t < small_t * 20);  // linear: ~8x; quadratic would be ~64x
}

TEST_CASE("one long paragraph of 1 MB also lays out") {
  std::string s;
  while (s.size() < (1u << 20)) s += "长段落没有换行符的文本，";
  const auto l = Lay().width_em(30).justify().run(s);
  CHECK(l.lines.size() > 1000);
}
