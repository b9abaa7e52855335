// KPI data sources: JSON and CSV as BI tools, spreadsheets and scripts write
// them, figures as people type them, and a source on a real HTTP server on
// 127.0.0.1 feeding a KPI slide, its last good copy kept through failures.
#include <cmath>
#include <ctime>

#include <catch2/catch.hpp>

#include "../playlists/pl_support.h"
#include "content/kpi_data.h"
#include "content/playlist.h"
#include "feeds_test_support.h"
#include "net/http_client.h"
#include "show/compose.h"
#include "sources/source_data.h"
#include "text/shaper.h"

using namespace paizi;
using content::KpiData;
using content::parse_figure;
using content::parse_kpi_data;

namespace {

const content::KpiRecord& rec(const KpiData& d, const std::string& key) {
  for (const auto& r : d.records)
    if (r.key == key) return r;
  FAIL("no record " << key);
  return d.records.front();
}

// Every text drawn on a composed slide, one string.
std::string drawn_text(const std::vector<render::DisplayList>& pages) {
  std::string out;
  for (const auto& dl : pages)
    for (const auto& op : dl.ops)
      if (const auto* t = std::get_if<render::TextOp>(&op))
        for (const auto& line : t->layout->lines) out += line.text + "|";
  return out;
}

}  // namespace

TEST_CASE("figures are read as people write them", "[feeds][kpi]") {
  bool pct = false;
  CHECK(parse_figure("8,640,000,000") == 8640000000.0);
  CHECK(parse_figure(" 1 286.5 ") == 1286.5);
  CHECK(parse_figure("18.5%", &pct) == 18.5);
  CHECK(pct);
  CHECK(parse_figure("１２３．５") == 123.5);       // full-width digits
  CHECK(parse_figure("３８．５％", &pct) == 38.5);  // full-width percent
  CHECK(pct);
  CHECK(parse_figure("\xE2\x88\x92"
                     "3.2") == -3.2);         // U+2212 minus sign
  CHECK(parse_figure("(1,200)") == -1200.0);  // accounting negative
  CHECK(parse_figure("¥1,200") == 1200.0);
  CHECK(parse_figure("-$15") == -15.0);
  CHECK(parse_figure("1.2万") == 12000.0);
  CHECK(parse_figure("35亿") == 3.5e9);
  CHECK(parse_figure("2万亿") == 2e12);
  CHECK(parse_figure("1e3") == 1000.0);
  for (const char* bad :
       {"", "-", "abc", "12abc", "1,2,3x", "nan", "inf", "1e400", "万", "%", "..", "1.2.3", "--5"})
    CHECK_FALSE(parse_figure(bad));
}

TEST_CASE("KPI JSON: a list of records, a wrapped list, or a map of names", "[feeds][kpi]") {
  SECTION("a list of records, figures as numbers or text") {
    const auto r = parse_kpi_data(R"([
      {"label": "规上工业产值", "value": 8640000000, "previous": "7,680,000,000", "target": 35000000000, "unit": "元"},
      {"name": "研发投入增速", "value": "18.5%", "previous": 15.2},
      {"label": "no figure at all", "unit": "x"},
      {"label": "规上工业产值", "value": 1}
    ])");
    REQUIRE(r.data);
    CHECK(r.format == "json");
    REQUIRE(r.data->records.size() == 2);  // the record without a figure is skipped; the first of a name wins
    CHECK(rec(*r.data, "规上工业产值").value == 8640000000.0);
    CHECK(rec(*r.data, "规上工业产值").previous == 7680000000.0);
    CHECK(rec(*r.data, "规上工业产值").target == 35000000000.0);
    CHECK(rec(*r.data, "规上工业产值").unit == "元");
    CHECK(rec(*r.data, "研发投入增速").value == 18.5);
    CHECK(rec(*r.data, "研发投入增速").percent);
  }
  SECTION("wrapped, with Chinese keys and the document's own time") {
    const auto r = parse_kpi_data(R"({"更新时间": "2024-11-20T09:00:00+08:00", "数据": [
      {"指标": "在孵企业", "数值": 86, "上期": 79, "目标": 100, "单位": "家"}]})");
    REQUIRE(r.data);
    CHECK(r.data->updated == 1732064400);
    CHECK(rec(*r.data, "在孵企业").value == 86.0);
    CHECK(rec(*r.data, "在孵企业").target == 100.0);
    CHECK(rec(*r.data, "在孵企业").unit == "家");
  }
  SECTION("a map from names to figures or records; epoch milliseconds") {
    const auto r = parse_kpi_data(R"({"timestamp": 1732064400000, "访客人次": "12,480",
      "新增就业": {"value": 1350, "target": 5000, "unit": "人"}, "备注": "暂无"})");
    REQUIRE(r.data);
    CHECK(r.data->updated == 1732064400);
    REQUIRE(r.data->records.size() == 2);
    CHECK(r.data->records[0].key == "访客人次");  // document order, not sorted
    CHECK(rec(*r.data, "访客人次").value == 12480.0);
    CHECK(rec(*r.data, "新增就业").target == 5000.0);
  }
  SECTION("codes beside labels: tiles may name either; tiles from the data show the label") {
    const auto r = parse_kpi_data(R"([{"id": "gdp", "label": "地区生产总值", "value": "1.2万亿"},
                                      {"code": 7, "name": "在孵企业", "value": 86}])");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "gdp").label == "地区生产总值");
    CHECK(rec(*r.data, "7").label == "在孵企业");
    std::vector<content::KpiTile> tiles(2);
    tiles[0].label = "GDP";
    tiles[0].key = "gdp";
    tiles[1].label = "在孵企业";  // matched by the record's label
    const auto out = content::apply_kpi_data(tiles, *r.data);
    CHECK(out[0].value == 1.2e12);
    CHECK(out[1].value == 86.0);
    const auto all = content::apply_kpi_data({}, *r.data);
    REQUIRE(all.size() == 2);
    CHECK(all[0].label == "地区生产总值");
    CHECK(all[0].key == "gdp");
  }
  CHECK(parse_kpi_data("{\"a\": [1, 2").error == "not KPI data: invalid JSON");
  CHECK(parse_kpi_data("{\"items\": [{\"label\": \"x\"}]}").error ==
        "not KPI data: no named figures found in the JSON");
  CHECK(parse_kpi_data("[[[[]]]]").error == "not KPI data: no named figures found in the JSON");
  CHECK(parse_kpi_data("").error == "not KPI data: empty document");
  CHECK(parse_kpi_data("<html><body>502 Bad Gateway</body></html>").error ==
        "not KPI data: the document is HTML or XML");
  // Deep nesting: an error, not a crash.
  CHECK_FALSE(parse_kpi_data(std::string(100000, '[') + std::string(100000, ']')).data);
}

TEST_CASE("KPI CSV: headers in English or Chinese, or none; quotes, separators, charsets", "[feeds][kpi]") {
  SECTION("Excel's UTF-8 with BOM, Chinese header, quoted figures with commas, CRLF") {
    const auto r = parse_kpi_data(
        "\xEF\xBB\xBF指标,本期,上期,目标,单位\r\n"
        "园区用电量,1286.5万,1190.2万,,千瓦时\r\n"
        "访客人次,\"12,480\",\"11,925\",,人次\r\n"
        "\"研发人员占比\",38.5%,36.2%,,\r\n"
        ",,,,\r\n");
    REQUIRE(r.data);
    CHECK(r.format == "csv");
    REQUIRE(r.data->records.size() == 3);
    CHECK(rec(*r.data, "园区用电量").value == 12865000.0);
    CHECK(rec(*r.data, "园区用电量").unit == "千瓦时");
    CHECK_FALSE(rec(*r.data, "园区用电量").target);
    CHECK(rec(*r.data, "访客人次").previous == 11925.0);
    CHECK(rec(*r.data, "研发人员占比").percent);
  }
  SECTION("columns in another order, named in English; semicolons") {
    const auto r =
        parse_kpi_data("Unit;Target;Value;Name\nkWh;5000;4200.5;Power\n;;\"7\";\"Say \"\"hi\"\"\"\n");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "Power").value == 4200.5);
    CHECK(rec(*r.data, "Power").target == 5000.0);
    CHECK(rec(*r.data, "Power").unit == "kWh");
    CHECK(rec(*r.data, "Say \"hi\"").value == 7.0);
  }
  SECTION("a code column beside the name") {
    const auto r = parse_kpi_data("编码,指标,本期\nE01,园区用电量,1286.5万\n");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "E01").label == "园区用电量");
    CHECK(rec(*r.data, "E01").value == 12865000.0);
  }
  SECTION("no header: name, value, previous, target, unit; tabs") {
    const auto r = parse_kpi_data("在孵企业\t86\t79\t100\t家\n新增就业\t1350\n");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "在孵企业").previous == 79.0);
    CHECK(rec(*r.data, "在孵企业").unit == "家");
    CHECK(rec(*r.data, "新增就业").value == 1350.0);
  }
  SECTION("a header in words not known keeps the column order") {
    const auto r = parse_kpi_data("项目名,今年\n技术合同成交额,3.2亿\n");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "技术合同成交额").value == 3.2e8);
  }
  SECTION("GBK without a declaration (a spreadsheet saved on a Chinese Windows)") {
    // "指标,本期\n在孵企业,86\n" in GBK.
    const auto r = parse_kpi_data("\xd6\xb8\xb1\xea,\xb1\xbe\xc6\xda\n\xd4\xda\xb7\xf5\xc6\xf3\xd2\xb5,86\n");
    REQUIRE(r.data);
    CHECK(rec(*r.data, "在孵企业").value == 86.0);
  }
  CHECK(parse_kpi_data("name,value\n").error == "not KPI data: no rows with a name and a figure in the CSV");
  CHECK(parse_kpi_data("just some words\nand more words\n").error ==
        "not KPI data: no rows with a name and a figure in the CSV");
  // An unterminated quote swallows the rest: no row, no crash.
  CHECK_FALSE(parse_kpi_data("a,\"1\nb,2\n").data);
}

TEST_CASE("tiles take their figures from the data by key or label; a slide without tiles shows the data",
          "[feeds][kpi]") {
  const auto d = parse_kpi_data(
      "指标,本期,上期,目标,单位\n在孵企业,86,79,100,家\n研发占比,38.5%,36.2%,,\n访客,12480,,,人次\n");
  REQUIRE(d.data);
  std::vector<content::KpiTile> tiles(3);
  tiles[0].label = "在孵企业";
  tiles[0].value = 1;
  tiles[0].unit = "户";  // the playlist's own unit stays
  tiles[1].label = "研发投入";
  tiles[1].key = "研发占比";
  tiles[1].value = std::nan("");
  tiles[2].label = "not in the data";
  tiles[2].value = 5;
  const auto out = content::apply_kpi_data(tiles, *d.data);
  REQUIRE(out.size() == 3);
  CHECK(out[0].value == 86.0);
  CHECK(out[0].previous == 79.0);
  CHECK(out[0].target == 100.0);
  CHECK(out[0].unit == "户");
  CHECK(out[1].value == 38.5);
  CHECK(out[1].format == paizi::content::KpiFormat::Percent);
  CHECK(out[1].label == "研发投入");
  CHECK(out[2].value == 5.0);
  const auto all = content::apply_kpi_data({}, *d.data);
  REQUIRE(all.size() == 3);
  CHECK(all[2].label == "访客");
  CHECK(all[2].unit == "人次");
}

TEST_CASE("a KPI source over HTTP feeds its slide; bad data and outages keep the last good figures",
          "[feeds][kpi][http]") {
  feeds_test::FaultServer server;
  feeds_test::TempDir state;
  pl_test::put(server, "figures.json",
               R"({"items": [{"label": "在孵企业", "value": 86, "target": 100, "unit": "家"},
                                             {"label": "访客人次", "value": 12480}]})");
  const std::string doc = R"({"version": 1, "sources": {"figs": {"type": "kpi", "url": ")" +
                          server.url("/files/figures.json") + R"(", "refresh": "1m", "max_age": "1h"}},
    "slides": [{"id": "k", "type": "kpi", "title": "本月", "source": "figs",
                "tiles": [{"label": "在孵企业"}, {"label": "访客", "key": "访客人次"}]},
               {"id": "all", "type": "kpi", "source": "figs"}]})";
  const content::ParseResult pr = content::parse_playlist(doc, state.path());
  INFO(pr.first_error("inline"));
  REQUIRE(pr.playlist);
  const content::Playlist& pl = *pr.playlist;
  sources::SourceData data(pl, state.path());
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  auto compose = [&](size_t slide) {
    show::ComposeContext ctx(shaper);
    int64_t fetched = 0;
    ctx.kpi = data.kpi(paizi::content::source_of(pl.slides[slide]), fetched);
    ctx.data_time = fetched;
    ctx.max_age = 3600;  // the source's max_age, as the player passes it
    ctx.now = static_cast<int64_t>(std::time(nullptr));
    return drawn_text(show::compose_slide(pl.slides[slide], pl.theme, ctx));
  };

  // Before any data: the tiles show a dash, the tile-less slide a notice.
  CHECK(compose(0).find("—") != std::string::npos);
  CHECK(compose(1).find("指标数据暂不可用") != std::string::npos);

  const int64_t t0 = static_cast<int64_t>(std::time(nullptr));
  data.refresh_now(t0);
  CHECK(data.errors().empty());
  std::string shown = compose(0);
  CHECK(shown.find("86") != std::string::npos);
  CHECK(shown.find("12,480") != std::string::npos);
  CHECK(shown.find("目标 100家") != std::string::npos);
  CHECK(compose(1).find("访客人次") != std::string::npos);

  // The server sends an error page, then HTML with status 200, then dies:
  // the figures stay, the reason is reported.
  pl_test::fault(server, "500");
  data.refresh_now(t0 + 60);
  CHECK(compose(0).find("12,480") != std::string::npos);
  CHECK_FALSE(data.errors().empty());
  pl_test::fault(server, "none");
  pl_test::put(server, "figures.json", "<html><body>维护中</body></html>");
  data.refresh_now(t0 + 120);
  CHECK(compose(0).find("12,480") != std::string::npos);
  REQUIRE(data.errors().count("figs"));
  CHECK(data.errors().at("figs").find("not KPI data: the document is HTML or XML") != std::string::npos);

  // A document that says when its figures were made is as old as it says:
  // republished a day later with the same timestamp, the slide says so.
  pl_test::put(server, "figures.json",
               R"({"updated": )" + std::to_string(t0 - 3 * 86400) +
                   R"(, "items": [{"label": "在孵企业", "value": 88}]})");
  data.refresh_now(t0 + 150);
  int64_t data_time = 0;
  REQUIRE(data.kpi("figs", data_time));
  CHECK(data_time == t0 - 3 * 86400);
  CHECK(compose(0).find("数据更新于3天前") != std::string::npos);

  // New figures replace the old ones.
  pl_test::put(server, "figures.json", "指标,本期\n在孵企业,91\n访客人次,13020\n");
  data.refresh_now(t0 + 180);
  CHECK(data.errors().empty());
  shown = compose(0);
  CHECK(shown.find("91") != std::string::npos);
  CHECK(shown.find("13,020") != std::string::npos);
  CHECK(shown.find("12,480") == std::string::npos);
}

TEST_CASE("playlist: a KPI slide with a kpi source may leave tiles and values to the data", "[feeds][kpi]") {
  auto problems = [](const std::string& slide) {
    const std::string doc = R"({"version": 1, "sources": {"figs": {"type": "kpi", "url": "figs.csv"},
      "news": {"type": "feed", "url": "news.xml"}}, "slides": [)" +
                            slide + "]}";
    std::string out;
    for (const auto& p : content::parse_playlist(doc, ".").problems) out += p.message + "\n";
    return out;
  };
  CHECK(problems(R"({"id": "a", "type": "kpi", "source": "figs"})").empty());
  CHECK(problems(R"({"id": "a", "type": "kpi", "source": "figs", "tiles": [{"label": "x", "key": "y"}]})")
            .empty());
  CHECK(problems(R"({"id": "a", "type": "kpi", "tiles": [{"label": "x"}]})") ==
        "missing required key \"value\" (or a \"source\" on the slide)\n");
  CHECK(problems(R"({"id": "a", "type": "kpi"})") ==
        "a KPI slide needs \"tiles\" (an array of 1 to 6) or a \"source\"\n");
  CHECK(problems(R"({"id": "a", "type": "kpi", "source": "news"})") ==
        "a KPI slide needs a source of type kpi; \"news\" is feed\n");
  CHECK(problems(R"({"id": "a", "type": "news", "source": "figs"})") ==
        "a news slide needs a feed or article source; \"figs\" is kpi\n");
}
