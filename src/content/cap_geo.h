// CAP 1.2 area geometry (<polygon>, <circle>) and whether a screen's
// location lies in it.
//
// Coordinates are WGS 84 decimal degrees, latitude first ("lat,lon"), as
// CAP writes them. A polygon is a ring of at least three distinct points;
// CAP requires the first pair repeated at the end, paizi accepts the ring
// closed or not. Containment is the even-odd rule on the plane of
// (longitude, latitude): what CAP's own polygons mean at the scale of a
// district or a county; rings crossing the antimeridian are not supported
// (their points then test as outside). A point on an edge may test either
// way (floating point). A circle is "lat,lon radius" with the radius in km;
// a point is inside when its great-circle distance from the centre
// (haversine, mean Earth radius 6371.0088 km) is at most the radius.
//
// Malformed geometry (text that is not numbers, latitude outside ±90 or
// longitude outside ±180, fewer than three distinct points, a ring of zero
// area, a negative or non-finite radius) gives nullopt and a one-line
// reason; nothing here throws or asserts on content.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paizi::content {

struct GeoPoint {
  double lat = 0, lon = 0;  // degrees
  bool operator==(const GeoPoint&) const = default;
};

struct GeoCircle {
  GeoPoint centre;
  double radius_km = 0;
};

// "lat,lon" (spaces around the comma allowed); nullopt when malformed or out of range.
std::optional<GeoPoint> parse_geo_point(std::string_view text);
// A CAP <polygon>: space-separated "lat,lon" pairs. The ring is returned
// without the closing repeat of the first point.
std::optional<std::vector<GeoPoint>> parse_cap_polygon(std::string_view text, std::string& error);
// A CAP <circle>: "lat,lon radius-km".
std::optional<GeoCircle> parse_cap_circle(std::string_view text, std::string& error);

// Even-odd containment of `p` in `ring` (open: no repeated first point).
bool polygon_contains(const std::vector<GeoPoint>& ring, GeoPoint p);
// Great-circle distance, km.
double great_circle_km(GeoPoint a, GeoPoint b);
bool circle_contains(const GeoCircle& c, GeoPoint p);

}  // namespace paizi::content
