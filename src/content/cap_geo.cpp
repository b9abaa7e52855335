#include "content/cap_geo.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace paizi::content {

namespace {

constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kPi = 3.14159265358979323846;
constexpr size_t kMaxPolygonPoints = 4096;  // a county border at CAP's precision is a few hundred

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<double> number(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Whitespace-separated tokens, "lat,lon" each; a space after a comma joins.
std::vector<std::string> pairs_of(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space) {
      cur.push_back(c);
      continue;
    }
    if (!cur.empty() && cur.back() != ',') {
      // "lat, lon": the next token continues this pair.
      size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
        ++j;
      if (j < text.size() && text[j] == ',') continue;
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

double twice_area(const std::vector<GeoPoint>& ring) {  // shoelace, degrees²
  double a = 0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    a += ring[j].lon * ring[i].lat - ring[i].lon * ring[j].lat;
  return a;
}

double radians(double deg) { return deg * kPi / 180; }

}  // namespace

std::optional<GeoPoint> parse_geo_point(std::string_view text) {
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::optional<double> lat = number(text.substr(0, comma)), lon = number(text.substr(comma + 1));
  if (!lat || !lon || std::fabs(*lat) > 90 || std::fabs(*lon) > 180) return std::nullopt;
  return GeoPoint{*lat, *lon};
}

std::optional<std::vector<GeoPoint>> parse_cap_polygon(std::string_view text, std::string& error) {
  std::vector<GeoPoint> ring;
  for (const std::string& pair : pairs_of(text)) {
    if (ring.size() >= kMaxPolygonPoints) {
      error = "polygon: more than " + std::to_string(kMaxPolygonPoints) + " points";
      return std::nullopt;
    }
    const std::optional<GeoPoint> p = parse_geo_point(pair);
    if (!p) {
      error = "polygon: \"" + pair.substr(0, 40) + "\" is not a \"lat,lon\" pair in range";
      return std::nullopt;
    }
    if (ring.empty() || !(*p == ring.back())) ring.push_back(*p);  // repeated points add nothing
  }
  if (ring.size() > 1 && ring.front() == ring.back()) ring.pop_back();  // closed as CAP writes it
  if (ring.size() < 3) {
    error = "polygon: " + std::to_string(ring.size()) + " distinct point(s), a ring needs 3";
    return std::nullopt;
  }
  if (std::fabs(twice_area(ring)) < 1e-12) {
    error = "polygon: its points are on one line (no area)";
    return std::nullopt;
  }
  return ring;
}

std::optional<GeoCircle> parse_cap_circle(std::string_view text, std::string& error) {
  const std::vector<std::string> parts = pairs_of(text);
  std::optional<GeoPoint> centre = parts.size() == 2 ? parse_geo_point(parts[0]) : std::nullopt;
  std::optional<double> radius = parts.size() == 2 ? number(parts[1]) : std::nullopt;
  if (!centre || !radius || *radius < 0) {
    error = "circle: \"" + std::string(trim(text).substr(0, 60)) + "\" is not \"lat,lon radius-km\"";
    return std::nullopt;
  }
  return GeoCircle{*centre, *radius};
}

bool polygon_contains(const std::vector<GeoPoint>& ring, GeoPoint p) {
  // Even-odd: count the edges a ray from p towards +longitude crosses. The
  // half-open test (a.lat > p.lat) != (b.lat > p.lat) counts a vertex on
  // the ray once, and skips horizontal edges.
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const GeoPoint& a = ring[i];
    const GeoPoint& b = ring[j];
    if ((a.lat > p.lat) != (b.lat > p.lat)) {
      const double lon_at = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
      if (p.lon < lon_at) inside = !inside;
    }
  }
  return inside;
}

double great_circle_km(GeoPoint a, GeoPoint b) {
  const double dlat = radians(b.lat - a.lat), dlon = radians(b.lon - a.lon);
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(radians(a.lat)) *
                                                                 std::cos(radians(b.lat)) *
                                                                 std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h)));
}

bool circle_contains(const GeoCircle& c, GeoPoint p) { return great_circle_km(c.centre, p) <= c.radius_km; }

}  // namespace paizi::content
