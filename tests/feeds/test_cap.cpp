// CAP 1.2: parsing single alerts and feeds of them, hostile documents, and
// the ledger (update, cancel, replay, duplicates, expiry, filters).
#include <catch2/catch.hpp>

#include "content/cap.h"
#include "content/playlist.h"
#include "feeds_test_support.h"
#include "net/http_client.h"
#include "sources/news_source.h"

using namespace paizi::content;
namespace sources = paizi::sources;

namespace {

std::string fixture(const std::string& name) { return feeds_test::fixture("cap/" + name); }

constexpr int64_t kOrangeSent = 1787189400;     // 2026-08-20T09:30:00+08:00
constexpr int64_t kOrangeExpires = 1787275800;  // 2026-08-21T09:30:00+08:00
constexpr int64_t kRedSent = 1787209200;        // 2026-08-20T15:00:00+08:00
constexpr int64_t kMorning = 1787191200;        // 2026-08-20T10:00:00+08:00
constexpr const char* kOrangeKey = "szmb@weather.sz.example.cn,44030041600000_20260820093000";
constexpr const char* kRedKey = "szmb@weather.sz.example.cn,44030041600000_20260820150000";

CapResult parsed(const std::string& name) {
  CapResult r = parse_cap(fixture(name));
  INFO(r.error);
  REQUIRE(r.ok);
  return r;
}

const char* kMinimal = R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>%ID%</identifier><sender>campus@example.edu.cn</sender><sent>2026-08-20T09:00:00+08:00</sent>
  <status>%STATUS%</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>zh-CN</language><event>消防演练</event><urgency>Immediate</urgency><severity>Moderate</severity>
  <certainty>Observed</certainty><expires>2026-08-20T12:00:00+08:00</expires><headline>A栋消防演练</headline>
  <area><areaDesc>A栋</areaDesc></area></info></alert>)";

std::string minimal(const std::string& id, const std::string& status = "Actual") {
  std::string s = kMinimal;
  s.replace(s.find("%ID%"), 4, id);
  s.replace(s.find("%STATUS%"), 8, status);
  return s;
}

}  // namespace

TEST_CASE("cap: a single alert with two languages is read whole") {
  const CapResult r = parsed("typhoon_orange.xml");
  REQUIRE(r.alerts.size() == 1);
  const CapAlert& a = r.alerts[0];
  CHECK(a.key() == kOrangeKey);
  CHECK(a.sent == kOrangeSent);
  CHECK(a.status == CapStatus::Actual);
  CHECK(a.msg_type == CapMsgType::Alert);
  REQUIRE(a.infos.size() == 2);
  const CapInfo& zh = a.infos[0];
  CHECK(zh.language == "zh-CN");
  CHECK(zh.categories == std::vector<std::string>{"Met"});
  CHECK(zh.event == "台风橙色预警");
  CHECK(zh.urgency == CapUrgency::Expected);
  CHECK(zh.severity == CapSeverity::Severe);
  CHECK(zh.certainty == CapCertainty::Likely);
  CHECK(zh.effective == kOrangeSent);
  CHECK(zh.onset == 1787220000);  // 18:00 +08:00
  CHECK(zh.expires == kOrangeExpires);
  CHECK(zh.sender_name == "深圳市气象台");
  CHECK(zh.headline == "深圳市气象台发布台风橙色预警信号");
  CHECK(zh.description.find("阵风可达12级") != std::string::npos);
  CHECK(zh.instruction.rfind("请停止户外集体活动", 0) == 0);
  REQUIRE(zh.areas.size() == 1);
  CHECK(zh.areas[0].desc == "深圳市南山区、福田区、宝安区");
  CHECK(zh.areas[0].geocodes.size() == 2);
  CHECK(zh.areas[0].geocodes[0] == std::make_pair(std::string("GB/T2260"), std::string("440305")));
  CHECK(zh.areas[0].polygons.size() == 1);
  CHECK(a.infos[1].language == "en-US");
}

TEST_CASE("cap: references of an update and a cancel name earlier alerts") {
  const CapResult up = parsed("typhoon_red_update.xml");
  REQUIRE(up.alerts.size() == 1);
  CHECK(up.alerts[0].msg_type == CapMsgType::Update);
  CHECK(up.alerts[0].references == std::vector<std::string>{kOrangeKey});
  const CapResult cancel = parsed("typhoon_cancel.xml");
  REQUIRE(cancel.alerts.size() == 1);
  CHECK(cancel.alerts[0].msg_type == CapMsgType::Cancel);
  CHECK(cancel.alerts[0].references == std::vector<std::string>{kOrangeKey, kRedKey});
}

TEST_CASE("cap: an Atom feed embedding alerts; entries that only link one give its URL") {
  const CapResult r = parsed("heat_yellow_feed.xml");
  REQUIRE(r.alerts.size() == 1);
  CHECK(r.alerts[0].identifier == "GZ-HEAT-20260715-01");
  CHECK(r.alerts[0].infos.at(0).severity == CapSeverity::Minor);
  CHECK(r.linked == 1);
  CHECK(r.links == std::vector<std::string>{"https://alerts.gz.example.cn/cap/GZ-STORM-20260715-02.xml"});
  // RSS: an enclosure typed CAP, an item link to an .xml (relative to the
  // document's URL); a link to a web page is no CAP document, nor javascript:.
  CapOptions o;
  o.url = "https://alerts.example.cn/rss/cap.xml";
  const CapResult links = parse_cap(R"(<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><enclosure url="/cap/A.xml" type="application/cap+xml" length="1"/></item>
    <item><title>b</title><link>https://alerts.example.cn/cap/B.XML?v=2</link></item>
    <item><title>c</title><link>https://alerts.example.cn/news/c.html</link></item>
    <item><title>d</title><link>javascript:alert(1).xml</link></item>
    <item><title>a again</title><enclosure url="https://alerts.example.cn/cap/A.xml" type="application/cap+xml"/></item>
    </channel></rss>)",
                                    o);
  REQUIRE(links.ok);
  CHECK(links.links == std::vector<std::string>{"https://alerts.example.cn/cap/A.xml",
                                                "https://alerts.example.cn/cap/B.XML?v=2"});
  CHECK(links.linked == 3);
  o.alert_only = true;  // where one alert is expected, a feed is an error
  CHECK_FALSE(parse_cap(fixture("heat_yellow_feed.xml"), o).ok);
  CHECK(parse_cap(fixture("typhoon_orange.xml"), o).ok);
  // An RSS item embedding one the same way.
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title><item><title>演练</title><description/>" +
      minimal("RSS-1") + "</item></channel></rss>";
  const CapResult rr = parse_cap(rss);
  REQUIRE(rr.ok);
  REQUIRE(rr.alerts.size() == 1);
  CHECK(rr.alerts[0].identifier == "RSS-1");
  // A feed with no alerts is an all-clear, not an error.
  const CapResult empty =
      parse_cap("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>无预警</title></feed>");
  CHECK(empty.ok);
  CHECK(empty.alerts.empty());
}

TEST_CASE("cap: malformed and hostile documents are errors, never alerts") {
  SECTION("not XML, not CAP, cut off") {
    for (const std::string& doc : {std::string("<html><body>502 Bad Gateway</body></html>"),
                                   std::string("{\"a\":1}"), std::string(""), minimal("X").substr(0, 300)}) {
      const CapResult r = parse_cap(doc);
      CHECK_FALSE(r.ok);
      CHECK(r.alerts.empty());
      CHECK_FALSE(r.error.empty());
    }
  }
  SECTION("an alert without its identity, or with an unknown status, is dropped") {
    std::string no_id = minimal("");
    CHECK_FALSE(parse_cap(no_id).ok);
    CHECK_FALSE(parse_cap(minimal("Y", "Rumour")).ok);
    const std::string feed = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content>" + minimal("") +
                             "</content></entry><entry><content>" + minimal("OK-1") +
                             "</content></entry></feed>";
    const CapResult r = parse_cap(feed);
    REQUIRE(r.ok);
    CHECK(r.alerts.size() == 1);
    CHECK(r.rejected == 1);
  }
  SECTION("entity expansion (billion laughs) and external entities are refused") {
    std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"哈哈哈哈哈哈哈哈哈哈\">";
    std::string prev = "a";
    for (int i = 0; i < 12; ++i) {
      const std::string name = "e" + std::to_string(i);
      bomb += "<!ENTITY " + name + " \"&" + prev + ";&" + prev + ";&" + prev + ";&" + prev + ";&" + prev +
              ";&" + prev + ";&" + prev + ";&" + prev + ";&" + prev + ";&" + prev + ";\">";
      prev = name;
    }
    bomb += "]>";
    std::string body = minimal("BOMB");
    body.replace(body.find("A栋消防演练"), std::string("A栋消防演练").size(), "&" + prev + ";");
    const CapResult r = parse_cap(bomb + body);
    CHECK_FALSE(r.ok);  // libxml2's amplification limit: the document is refused, not cut short
    CHECK(r.alerts.empty());
    std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>";
    std::string body2 = minimal("XXE");
    body2.replace(body2.find("A栋消防演练"), std::string("A栋消防演练").size(), "&x;");
    const CapResult x = parse_cap(xxe + body2);
    REQUIRE(x.ok);  // the entity is not loaded: the headline is empty, the alert otherwise fine
    CHECK(x.alerts.at(0).infos.at(0).headline.find("root:") == std::string::npos);
  }
  SECTION("oversized documents and fields are capped") {
    CapOptions o;
    o.max_bytes = 4096;
    std::string big = minimal("BIG");
    big.insert(big.find("</alert>"), std::string(5000, ' '));
    CHECK_FALSE(parse_cap(big, o).ok);
    std::string longtext = minimal("LONG");
    longtext.replace(longtext.find("A栋消防演练"), std::string("A栋消防演练").size(),
                     std::string(100000, 'x'));
    const CapResult r = parse_cap(longtext);
    REQUIRE(r.ok);
    CHECK(r.alerts.at(0).infos.at(0).headline.size() <= 512);
    std::string many = "<feed xmlns=\"http://www.w3.org/2005/Atom\">";
    for (int i = 0; i < 200; ++i)
      many += "<entry><content>" + minimal("N" + std::to_string(i)) + "</content></entry>";
    many += "</feed>";
    CHECK(parse_cap(many).alerts.size() == CapOptions{}.max_alerts);
  }
}

TEST_CASE("cap ledger: update replaces, cancel clears, replays and duplicates never come back") {
  CapFilter f;
  AlertBook book;
  const CapAlert orange = parsed("typhoon_orange.xml").alerts.at(0);
  const CapAlert red = parsed("typhoon_red_update.xml").alerts.at(0);
  const CapAlert cancel = parsed("typhoon_cancel.xml").alerts.at(0);

  CHECK(book.take({orange, orange}));  // a duplicate is one notice
  auto on = book.active(kMorning, f);
  REQUIRE(on.size() == 1);
  CHECK(on[0].key == kOrangeKey);
  CHECK(on[0].language == "zh-CN");  // the theme's language first
  CHECK(on[0].headline == "深圳市气象台发布台风橙色预警信号");
  CHECK(on[0].from == kOrangeSent);
  CHECK(on[0].until == kOrangeExpires);
  CHECK_FALSE(book.take({orange}));  // the same document again: nothing changed

  CHECK(book.take({orange, red}));  // the feed lists both: the update wins
  on = book.active(kRedSent, f);
  REQUIRE(on.size() == 1);
  CHECK(on[0].key == kRedKey);
  CHECK(on[0].severity == CapSeverity::Extreme);

  CHECK(book.take({cancel}));
  CHECK(book.active(kRedSent + 60, f).empty());
  // Replayed: the old alerts are served again later; they stay ended.
  book.take({orange, red});
  CHECK(book.active(kRedSent + 120, f).empty());
}

TEST_CASE("cap ledger: expiry, status, severity, urgency, area and language filters") {
  const CapAlert orange = parsed("typhoon_orange.xml").alerts.at(0);
  AlertBook book;
  book.take({orange});
  CapFilter f;
  CHECK(book.active(kOrangeExpires - 1, f).size() == 1);
  CHECK(book.active(kOrangeExpires, f).empty());  // expired (also: expired on arrival never shows)

  f.min_severity = CapSeverity::Extreme;
  CHECK(book.active(kMorning, f).empty());
  f.min_severity = CapSeverity::Severe;
  CHECK(book.active(kMorning, f).size() == 1);
  f.min_urgency = CapUrgency::Immediate;
  CHECK(book.active(kMorning, f).empty());
  f.min_urgency = CapUrgency::Unknown;
  f.min_certainty = CapCertainty::Observed;
  CHECK(book.active(kMorning, f).empty());
  f.min_certainty = CapCertainty::Unknown;

  f.areas = {"罗湖区"};
  CHECK(book.active(kMorning, f).empty());
  f.areas = {"南山区"};
  CHECK(book.active(kMorning, f).size() == 1);
  f.areas = {};
  f.geocodes = {"440303"};
  CHECK(book.active(kMorning, f).empty());
  f.geocodes = {"GB/T2260=440304"};
  CHECK(book.active(kMorning, f).size() == 1);
  // Only the zh info names 440304: the screen shows that one even in English.
  f.language = "en";
  CHECK(book.active(kMorning, f).at(0).language == "zh-CN");
  f.geocodes = {"440305"};
  CHECK(book.active(kMorning, f).at(0).language == "en-US");
  CHECK(book.active(kMorning, f).at(0).headline == "Typhoon Orange Warning issued for Shenzhen");

  AlertBook drills;
  drills.take(parse_cap(minimal("DRILL", "Exercise")).alerts);
  CapFilter g;
  CHECK(drills.active(kMorning, g).empty());
  g.test = true;
  CHECK(drills.active(kMorning, g).size() == 1);
  AlertBook sys;
  sys.take(parse_cap(minimal("SYS", "System")).alerts);
  CHECK(sys.active(kMorning, g).empty());  // System and Draft never show
}

TEST_CASE("cap sources in the playlist: filters, language from the theme, errors with their pointer") {
  const ParseResult ok = parse_playlist(R"({"version":1,"theme":{"base":"dark","lang":"zh-Hant"},
    "sources":{"w":{"type":"cap","url":"w.xml","severity":"Severe","urgency":"Expected","certainty":"Likely",
                    "test":true,"areas":["南山区"],"geocodes":["440305"]}},
    "slides":[{"type":"slogan","lines":["x"]}]})",
                                        ".");
  INFO(ok.first_error("t.json"));
  REQUIRE(ok.playlist);
  const CapFilter& f = ok.playlist->sources.at(0).cap;
  CHECK(f.min_severity == CapSeverity::Severe);
  CHECK(f.min_urgency == CapUrgency::Expected);
  CHECK(f.min_certainty == CapCertainty::Likely);
  CHECK(f.test);
  CHECK(f.areas == std::vector<std::string>{"南山区"});
  CHECK(f.geocodes == std::vector<std::string>{"440305"});
  CHECK(f.language == "zh-Hant");

  const ParseResult bad = parse_playlist(R"({"version":1,
    "sources":{"w":{"type":"cap","url":"w.xml","severity":"Serious"},
               "f":{"type":"feed","url":"f.xml","areas":["南山区"]}},
    "slides":[{"type":"slogan","lines":["x"]}]})",
                                         ".");
  CHECK_FALSE(bad.playlist);
  std::vector<std::string> pointers;
  for (const Problem& p : bad.problems) pointers.push_back(p.pointer);
  CHECK(pointers == std::vector<std::string>{"/sources/f/areas", "/sources/w/severity"});
}

TEST_CASE("cap tone ledger: a new alert from a source with the tone, once; never an update") {
  ToneLedger ledger;
  AlertNotice n;
  n.key = "s,1";
  CHECK_FALSE(ledger.wants(n));  // the source has the tone off
  n.tone = true;
  CHECK(ledger.wants(n));
  CHECK_FALSE(ledger.wants(n));  // the same alert again (every poll)
  AlertNotice update = n;
  update.key = "s,2";
  update.msg_type = CapMsgType::Update;
  CHECK_FALSE(ledger.wants(update));
  n.key = "s,3";
  CHECK(ledger.wants(n));
}

TEST_CASE("cap links: at most 8 linked documents a poll, only http(s), each failure with its URL") {
  feeds_test::TempDir tmp;
  std::string feed =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
      "<entry><title>f</title><link type=\"application/cap+xml\" href=\"file:///etc/passwd\"/></entry>";
  for (int i = 0; i < 10; ++i)  // nothing listens on port 1: refused at once
    feed += "<entry><title>x</title><link type=\"application/cap+xml\" href=\"http://127.0.0.1:1/" +
            std::to_string(i) + ".xml\"/></entry>";
  std::ofstream(tmp.path() + "/feed.xml") << feed + "</feed>";
  paizi::net::HttpClient client;
  const sources::LoadedCap c = sources::load_cap(client, nullptr, tmp.path() + "/feed.xml", kMorning);
  REQUIRE(c.cap);
  CHECK(c.cap->links.size() == 11);
  REQUIRE(c.link_errors.size() == 9);
  CHECK(c.link_errors[0] == "file:///etc/passwd: not an http(s) link: refused");
  for (size_t i = 1; i < 8; ++i)
    CHECK(c.link_errors[i].rfind("http://127.0.0.1:1/" + std::to_string(i - 1) + ".xml: ", 0) == 0);
  CHECK(c.link_errors[8] == "3 more linked document(s) not fetched: at most 8 per poll");
  sources::CapLinkOptions https;
  https.https_only = true;
  const sources::LoadedCap h = sources::load_cap(client, nullptr, tmp.path() + "/feed.xml", kMorning, https);
  REQUIRE(h.link_errors.size() == 9);
  CHECK(h.link_errors[1] == "http://127.0.0.1:1/0.xml: plain http:// refused with require_https");
}
