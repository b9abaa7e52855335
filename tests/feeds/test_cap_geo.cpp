// CAP area geometry and the screen's point: polygons (closed or not,
// concave, malformed), circles by great-circle distance, and how the point
// filter combines with areaDesc and geocodes on real alerts.
#include <catch2/catch.hpp>

#include "content/cap.h"
#include "content/cap_geo.h"
#include "content/playlist.h"
#include "feeds_test_support.h"

using namespace paizi::content;

namespace {

// A district of Shenzhen's Nanshan shape, concave: the south edge has a
// notch (Shenzhen Bay) whose innermost vertex is 22.54,113.94.
constexpr const char* kNanshan =
    "22.620,113.870 22.620,114.000 22.500,114.000 22.540,113.940 22.500,113.880 22.620,113.870";
constexpr const char* kNanshanOpen =
    "22.620,113.870 22.620,114.000 22.500,114.000 22.540,113.940 22.500,113.880";

std::vector<GeoPoint> ring(const char* text) {
  std::string err;
  std::optional<std::vector<GeoPoint>> r = parse_cap_polygon(text, err);
  INFO(err);
  REQUIRE(r);
  return *r;
}

std::string rejected_polygon(const char* text) {
  std::string err;
  CHECK_FALSE(parse_cap_polygon(text, err));
  return err;
}

constexpr int64_t kMorning = 1787191200;  // 2026-08-20T10:00:00+08:00: the orange alert is in force

CapAlert orange() {
  const CapResult r = parse_cap(feeds_test::fixture("cap/typhoon_orange.xml"));
  REQUIRE(r.alerts.size() == 1);
  return r.alerts[0];
}

}  // namespace

TEST_CASE("cap geometry: a concave polygon, closed or not, points just inside and just outside") {
  for (const char* text : {kNanshan, kNanshanOpen}) {
    const std::vector<GeoPoint> r = ring(text);
    CHECK(r.size() == 5);
    CHECK(polygon_contains(r, {22.56, 113.94}));          // north of the notch's vertex
    CHECK_FALSE(polygon_contains(r, {22.51, 113.94}));    // in the notch (inside the bounding box)
    CHECK(polygon_contains(r, {22.56, 113.9995}));        // ~50 m inside the east edge
    CHECK_FALSE(polygon_contains(r, {22.56, 114.0005}));  // ~50 m outside it
    // The notch's east edge runs through 22.52,113.97.
    CHECK(polygon_contains(r, {22.5205, 113.97}));
    CHECK_FALSE(polygon_contains(r, {22.5195, 113.97}));
    // On the latitude of the notch's vertex (a ray through a vertex counts once).
    CHECK(polygon_contains(r, {22.54, 113.90}));
    CHECK(polygon_contains(r, {22.54, 113.97}));
    CHECK_FALSE(polygon_contains(r, {22.54, 113.86}));
    CHECK_FALSE(polygon_contains(r, {39.9042, 116.4074}));  // Beijing
  }
  // Clockwise or anticlockwise, and written "lat, lon" with spaces.
  CHECK(polygon_contains(ring("22.62, 113.87 22.50, 113.88 22.54, 113.94 22.50, 114.00 22.62, 114.00"),
                         {22.56, 113.94}));
}

TEST_CASE("cap geometry: malformed and degenerate polygons are refused with a reason") {
  CHECK(rejected_polygon("") == "polygon: 0 distinct point(s), a ring needs 3");
  CHECK(rejected_polygon("22.5,113.9 22.6,113.9 22.5,113.9") ==
        "polygon: 2 distinct point(s), a ring needs 3");
  CHECK(rejected_polygon("22.5,113.9 22.6,113.9 22.7,113.9 22.5,113.9") ==
        "polygon: its points are on one line (no area)");
  CHECK(rejected_polygon("22.5,113.9 abc 22.6,114.0 22.5,114.0") ==
        "polygon: \"abc\" is not a \"lat,lon\" pair in range");
  CHECK(rejected_polygon("95,113.9 22.6,113.9 22.6,114.0") ==
        "polygon: \"95,113.9\" is not a \"lat,lon\" pair in range");
  CHECK(rejected_polygon("22.5;113.9 22.6;113.9 22.6;114.0").find("is not a") != std::string::npos);
  CHECK(rejected_polygon("1e400,0 22.6,113.9 22.6,114.0").find("is not a") != std::string::npos);
  CHECK(rejected_polygon("nan,0 22.6,113.9 22.6,114.0").find("is not a") != std::string::npos);
  std::string huge;
  for (int i = 0; i < 5000; ++i) huge += "22." + std::to_string(i) + ",113.9 ";
  CHECK(rejected_polygon(huge.c_str()) == "polygon: more than 4096 points");
}

TEST_CASE("cap geometry: circles by great-circle distance") {
  CHECK(great_circle_km({39.9042, 116.4074}, {31.2304, 121.4737}) ==
        Approx(1067.3).margin(0.1));  // Beijing–Shanghai
  CHECK(great_circle_km({22.5, 113.9}, {22.5, 113.9}) == 0);
  std::string err;
  const std::optional<GeoCircle> airport = parse_cap_circle("22.639,113.811 10", err);
  REQUIRE(airport);
  CHECK(circle_contains(*airport, {22.728, 113.811}));         // 9.90 km north
  CHECK_FALSE(circle_contains(*airport, {22.729, 113.811}));   // 10.01 km
  CHECK(circle_contains(*airport, {22.639, 113.9080}));        // 9.95 km east
  CHECK_FALSE(circle_contains(*airport, {22.639, 113.9085}));  // 10.01 km east
  for (const char* bad : {"22.6,113.8", "22.6,113.8 -1", "22.6,113.8 ten", "22.6 113.8 1", "99,113.8 1"}) {
    err.clear();
    CHECK_FALSE(parse_cap_circle(bad, err));
    CHECK(err.rfind("circle: \"", 0) == 0);
  }
}

TEST_CASE("cap point filter: geometry decides where there is some, names where there is none") {
  const CapAlert a = orange();  // zh block: a polygon over 22.48–22.60 N, 113.88–114.10 E; en block: none
  CapFilter f;
  f.point = GeoPoint{22.54, 113.93};
  REQUIRE(notice_for(a, f));
  CHECK(notice_for(a, f)->language == "zh-CN");
  f.language = "en";  // the translation has no shapes: the alert's decide
  CHECK(notice_for(a, f)->language == "en-US");
  f.point = GeoPoint{22.72, 114.25};  // Longgang, outside
  CHECK_FALSE(notice_for(a, f));
  f.areas = {"南山区"};  // a matching areaDesc does not override the shapes
  CHECK_FALSE(notice_for(a, f));
  f.point = GeoPoint{22.54, 113.93};
  f.areas = {"罗湖区"};  // nor does one that does not match
  CHECK(notice_for(a, f));

  // An alert without geometry: areas/geocodes if given, else it matches.
  const CapResult plain = parse_cap(R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
    <identifier>DRILL</identifier><sender>campus@example.edu.cn</sender><sent>2026-08-20T09:00:00+08:00</sent>
    <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
    <info><language>zh-CN</language><event>消防演练</event><severity>Moderate</severity>
    <area><areaDesc>A栋</areaDesc></area></info></alert>)");
  REQUIRE(plain.alerts.size() == 1);
  CapFilter g;
  g.point = GeoPoint{22.72, 114.25};
  CHECK(notice_for(plain.alerts[0], g));
  g.areas = {"B栋"};
  CHECK_FALSE(notice_for(plain.alerts[0], g));
  g.areas = {"A栋"};
  CHECK(notice_for(plain.alerts[0], g));
}

TEST_CASE("cap point filter: a malformed polygon is reported and counts as no geometry") {
  std::string doc = feeds_test::fixture("cap/typhoon_orange.xml");
  const std::string poly = "22.48,113.88 22.60,113.88 22.60,114.10 22.48,114.10 22.48,113.88";
  doc.replace(doc.find(poly), poly.size(), "22.48,113.88 22.60,113.88");
  const CapResult r = parse_cap(doc);
  REQUIRE(r.ok);
  REQUIRE(r.alerts.size() == 1);
  CHECK(r.bad_shapes == 1);
  CHECK(r.shape_error == "44030041600000_20260820093000: polygon: 2 distinct point(s), a ring needs 3");
  CapFilter f;
  f.point = GeoPoint{22.72, 114.25};
  CHECK(notice_for(r.alerts[0], f));  // no usable geometry, no names: shown
  f.geocodes = {"440303"};
  CHECK_FALSE(notice_for(r.alerts[0], f));
  AlertBook book;
  book.take(r.alerts);
  CHECK(book.active(kMorning, f).empty());
}

TEST_CASE("cap point filter in the playlist: \"lat,lon\", errors with their pointer") {
  const ParseResult ok = parse_playlist(R"({"version":1,
    "sources":{"w":{"type":"cap","url":"w.xml","point":"22.5431, 113.9298"}},
    "slides":[{"type":"slogan","lines":["x"]}]})",
                                        ".");
  INFO(ok.first_error("t.json"));
  REQUIRE(ok.playlist);
  REQUIRE(ok.playlist->sources.at(0).cap.point);
  CHECK(ok.playlist->sources.at(0).cap.point->lat == 22.5431);
  CHECK(ok.playlist->sources.at(0).cap.point->lon == 113.9298);
  const ParseResult bad = parse_playlist(R"({"version":1,
    "sources":{"w":{"type":"cap","url":"w.xml","point":"113.9298,122.5"},
               "f":{"type":"feed","url":"f.xml","point":"22.5,113.9"}},
    "slides":[{"type":"slogan","lines":["x"]}]})",
                                         ".");
  CHECK_FALSE(bad.playlist);
  std::vector<std::string> pointers;
  for (const Problem& p : bad.problems) pointers.push_back(p.pointer);
  CHECK(pointers == std::vector<std::string>{"/sources/f/point", "/sources/w/point"});
}
