// Charset sniffing/decoding and date parsing.
#include <catch2/catch.hpp>

#include "content/dates.h"
#include "content/encoding.h"
#include "content/html_text.h"
#include "content/markup.h"
#include "feeds_test_support.h"

using namespace paizi::content;

TEST_CASE("charset sniffing order", "[feeds][encoding]") {
  CHECK(sniff_charset("\xEF\xBB\xBF<?xml version='1.0' encoding='gbk'?>", "") == "UTF-8");
  CHECK(sniff_charset(std::string("\xFF\xFE<\0?\0", 6), "") == "UTF-16LE");
  CHECK(sniff_charset(std::string("\0<\0?", 4), "") == "UTF-16BE");
  CHECK(sniff_charset("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss/>", "") == "GB18030");
  CHECK(sniff_charset("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss/>", "text/xml; charset=Big5") ==
        "windows-950");
  CHECK(sniff_charset("<html><head><meta charset=\"GBK\"></head>", "text/html") == "GB18030");
  CHECK(sniff_charset(
            "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=shift_jis\">", "") ==
        "windows-31j");
  CHECK(sniff_charset("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss/>", "") == "UTF-8");  // a lie
  CHECK(sniff_charset("<rss/>", "") == "UTF-8");
  CHECK(charset_from_content_type("application/rss+xml; Charset=\"EUC-KR\"") == "euc-kr");
  CHECK(canonical_charset("EUC-KR") == "windows-949");
}

TEST_CASE("legacy encodings decode to UTF-8", "[feeds][encoding]") {
  CHECK(decode_to_utf8(feeds_test::fixture("gbk.xml")).utf8.find("江城市科技局推动服务窗口") !=
        std::string::npos);
  CHECK(decode_to_utf8(feeds_test::fixture("gb18030.xml")).utf8.find("𠮷") != std::string::npos);
  CHECK(decode_to_utf8(feeds_test::fixture("big5.xml")).utf8.find("科學園區擴建計畫") != std::string::npos);
  CHECK(decode_to_utf8(feeds_test::fixture("shift_jis.xml")).utf8.find("東京で新しい研究所") !=
        std::string::npos);
  CHECK(decode_to_utf8(feeds_test::fixture("euc-kr.xml")).utf8.find("서울에 새 연구소") != std::string::npos);
  const Decoded gbk_http = decode_to_utf8(feeds_test::fixture("gbk-nodecl.xml"), "text/xml; charset=gb2312");
  CHECK(gbk_http.charset == "GB18030");
  CHECK(gbk_http.utf8.find("只有HTTP头说明编码") != std::string::npos);
}

TEST_CASE(
    "a declaration the bytes contradict: well-formed UTF-8 wins; bytes mostly not UTF-8 are read as GB18030, "
    "a stray byte is not",
    "[feeds][encoding]") {
  const std::string text = "市政府召开常务会议，研究部署冬季供暖工作。";
  // A page saved as UTF-8 under its old <meta charset="gb2312">.
  const std::string page =
      "<html><head><meta charset=\"gb2312\"></head><body><p>" + text + "</p></body></html>";
  const Decoded meta = decode_to_utf8(page);
  CHECK(meta.charset == "UTF-8");
  CHECK(meta.utf8 == page);
  CHECK_FALSE(meta.replaced);
  // A server's default charset=ISO-8859-1 on a UTF-8 feed.
  const Decoded http =
      decode_to_utf8("<rss><title>" + text + "</title></rss>", "text/xml; charset=ISO-8859-1");
  CHECK(http.charset == "UTF-8");
  CHECK(http.utf8.find(text) != std::string::npos);
  // Real Latin-1 is not well-formed UTF-8: the declaration stands.
  const Decoded latin = decode_to_utf8(
      "<p>caf\xE9"
      " cr\xE8"
      "me br\xFB"
      "l\xE9"
      "e</p>",
      "text/html; charset=iso-8859-1");
  CHECK(latin.charset == "windows-1252");
  CHECK(latin.utf8 == "<p>café crème brûlée</p>");
  // Fewer than four non-ASCII sequences are no evidence: the declaration stands.
  CHECK(decode_to_utf8("<p>\xC3\xA9t\xC3\xA9</p>", "text/html; charset=iso-8859-1").utf8 == "<p>Ã©tÃ©</p>");
  // GBK declared nowhere.
  const Decoded gbk = decode_to_utf8(
      "<html><body><p>\xCA\xD0\xD5\xFE\xB8\xAE\xD5\xD9\xBF\xAA\xB3\xA3\xCE\xF1\xBB\xE1\xD2\xE9</p></body></"
      "html>");
  CHECK(gbk.charset == "GB18030");
  CHECK(gbk.utf8 == "<html><body><p>市政府召开常务会议</p></body></html>");
  // GBK from a spreadsheet on a server that labels everything UTF-8.
  const Decoded mislabelled = decode_to_utf8(
      "\xd6\xb8\xb1\xea,\xb1\xbe\xc6\xda\n\xd4\xda\xb7\xf5\xc6\xf3\xd2\xb5,86\n", "text/csv; charset=utf-8");
  CHECK(mislabelled.charset == "GB18030");
  CHECK(mislabelled.utf8 == "指标,本期\n在孵企业,86\n");
  // UTF-8 with one broken byte, declared nowhere: still UTF-8, the byte
  // replaced. \xA0 before 市 pairs up as GB18030 (A0 E5, B8 82), so a
  // document made of that alone decodes as GB18030 without a bad byte: the
  // one bad byte among many good sequences decides.
  const std::string stray =
      "<p>\xA0" + std::string("市</p><p>园区企业</p><p>科技创新</p><p>冬季供暖保障</p>");
  REQUIRE_FALSE(convert_to_utf8(stray, "GB18030").replaced);
  CHECK(decode_to_utf8("<p>\xA0市</p>").charset ==
        "GB18030");  // one bad byte, one good sequence: taken as GBK
  const Decoded broken = decode_to_utf8(stray);
  CHECK(broken.charset == "UTF-8");
  CHECK(broken.replaced);
  CHECK(broken.utf8.find("科技创新") != std::string::npos);
  CHECK(decode_to_utf8("<p>" + text + "\xFF</p>").charset == "UTF-8");
}

TEST_CASE("undecodable bytes are replaced, never fatal", "[feeds][encoding]") {
  const Decoded d = decode_to_utf8(feeds_test::fixture("gbk-badbytes.xml"));
  CHECK(d.replaced);
  CHECK(d.utf8.find("前") != std::string::npos);
  CHECK(d.utf8.find("\xEF\xBF\xBD") != std::string::npos);
  std::string out;
  CHECK(
      sanitize_utf8("ok\xC0\xAF\xED\xA0\x80\x01"
                    "end",
                    out));  // overlong, surrogate, C0 control
  CHECK(out ==
        "ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "end");
  CHECK(convert_to_utf8("abc", "no-such-charset").utf8 == "abc");
  std::string cut = "中文";
  truncate_utf8(cut, 4);
  CHECK(cut == "中");
}

TEST_CASE("RFC 822 dates", "[feeds][dates]") {
  const int64_t t = 1650328200;  // 2022-04-19T00:30:00Z
  CHECK(parse_date("Tue, 19 Apr 2022 00:30:00 GMT") == t);
  CHECK(parse_date("Tue, 19 Apr 2022 08:30:00 +0800") == t);
  CHECK(parse_date("19 Apr 2022 00:30 UT") == t);
  CHECK(parse_date("Mon, 18 Apr 2022 20:30:00 EDT") == t);
  CHECK(parse_date("Mon, 18 Apr 2022 17:30:00 PDT") == t);
  CHECK(parse_date("19 Apr 22 00:30:00 Z") == t);
  CHECK(parse_date("tue, 19 apr 2022 00:30:00 gmt") == t);
  CHECK(parse_date("Tue, 19 Apr 2022 00:30:00") == t);  // no zone: UTC
}

TEST_CASE("RFC 3339 and zone-less dates", "[feeds][dates]") {
  const int64_t t = 1650328200;
  CHECK(parse_date("2022-04-19T00:30:00Z") == t);
  CHECK(parse_date("2022-04-19T00:30:00.123456Z") == t);
  CHECK(parse_date("2022-04-19T08:30:00+08:00") == t);
  CHECK(parse_date("2022-04-18t19:30:00-05:00") == t);
  DateOptions beijing;
  beijing.local_utc_offset_min = 480;
  CHECK(parse_date("2022-04-19 08:30:00", beijing) == t);
  CHECK(parse_date("2022-04-19 08:30", beijing) == t);
  CHECK(parse_date("2022/04/19 08:30", beijing) == t);
  CHECK(parse_date("2022年4月19日 08:30", beijing) == t);
  CHECK(parse_date("2022-04-19", beijing) == t - 8 * 3600 - 30 * 60);
  CHECK(format_rfc3339_utc(t) == "2022-04-19T00:30:00Z");
  CHECK(parse_utc_offset("+08:00") == 480);
  CHECK(parse_utc_offset("UTC") == 0);
  CHECK_FALSE(parse_utc_offset("Asia/Shanghai"));
}

TEST_CASE("garbage dates are no date", "[feeds][dates]") {
  for (const char* s :
       {"", "garbage", "2022-13-01T00:00:00Z", "2022-02-30 10:00", "Tue, 32 Apr 2022 00:00:00 GMT",
        "Tue, 19 Foo 2022 00:30:00 GMT", "2022-04-19T25:00:00Z", "19 Apr 2022 00:30 XYZ",
        "2022-04-19T00:30:00Z trailing", "昨天", "1650328200"})
    CHECK_FALSE(parse_date(s).has_value());
}

TEST_CASE("the date range is that of the instant, so every date reads back as RFC 3339", "[feeds][dates]") {
  // 1900-01-01 00:00 at +07:00 is 1899-12-31T17:00Z: outside; at -01:00 inside.
  CHECK_FALSE(parse_date("1 Jan 1900 00:00:00 +0700"));
  const auto t = parse_date("1 Jan 1900 00:00:00 -0100");
  REQUIRE(t);
  CHECK(format_rfc3339_utc(*t) == "1900-01-01T01:00:00Z");
  CHECK(parse_date(format_rfc3339_utc(*t)) == t);
  CHECK_FALSE(parse_date("9999-12-31T23:00:00-05:00"));
  CHECK(parse_date("9999-12-31T23:00:00+05:00"));
}

TEST_CASE("HTML to paragraphs", "[feeds][html]") {
  const HtmlText t = html_to_text(
      "<div>　　第一段&nbsp;文字<br/>第二段</div><p>A&amp;B &lt;tag&gt; &#x4E2D; &eacute;</p>"
      "<script>var x = 1;</script><style>p{}</style><p>  </p><p>中文\n换行 English\n words</p>"
      "<img src='a.png'>",
      "http://ex.example/dir/");
  REQUIRE(t.paragraphs.size() == 4);
  CHECK(t.paragraphs[0] == "第一段 文字");
  CHECK(t.paragraphs[1] == "第二段");
  CHECK(t.paragraphs[2] == "A&B <tag> 中 é");
  CHECK(t.paragraphs[3] == "中文换行 English words");
  CHECK(t.first_image == "http://ex.example/dir/a.png");
  CHECK(html_to_text("plain\n\ntext  two", "").paragraphs == std::vector<std::string>{"plain", "text two"});
  CHECK(html_to_line("<b>Bold</b> &amp; <i>it</i>", 100) == "Bold & it");
  TextLimits small;
  small.max_paragraphs = 2;
  CHECK(html_to_text("<p>1</p><p>2</p><p>3</p>", "", small).paragraphs.size() == 2);
}

TEST_CASE("batch HTML conversion equals one-by-one, even for leaking markup", "[feeds][html]") {
  const std::vector<std::string> html = {
      "<p>one</p><p>two <b>bold</b></p>",
      "plain & simple",
      "</div></div>escaped <i>text</i>",              // stray end tags close the wrapper early
      "<div data-paizi-fragment=\"5\">forged</div>",  // a fake wrapper marker
      "<p>unclosed <b>bold",
      "<script>never closed",  // swallows what follows
      "<p>after the script</p>",
      "<!-- unterminated comment <p>x</p>",
      "<title>raw text</title><p>kept</p>",
      "<img src=\"a.png\"><p>img</p>",
      "",
      "&lt;escaped&gt; &amp;amp;",
  };
  paizi::content::HtmlParser parser;
  std::vector<HtmlFragment> fragments;
  for (const auto& h : html) fragments.push_back({h, "http://b.example/x/"});
  const std::vector<HtmlText> batch = html_batch_to_text(fragments, {}, parser);
  REQUIRE(batch.size() == html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    INFO(html[i]);
    const HtmlText one = html_to_text(html[i], "http://b.example/x/");
    CHECK(batch[i].paragraphs == one.paragraphs);
    CHECK(batch[i].first_image == one.first_image);
  }
  CHECK(batch[0].paragraphs == std::vector<std::string>{"one", "two bold"});
  CHECK(batch[9].first_image == "http://b.example/x/a.png");
  CHECK(looks_like_markup("a &amp; b"));
  CHECK(looks_like_markup("a &#20013; b"));
  CHECK_FALSE(looks_like_markup("Fish & Chips; more"));
}
