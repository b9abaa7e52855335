// Fuzz target: CAP 1.2 alerts and feeds of them (parse_cap), then the
// ledger (AlertBook). Byte 0 picks the caps (alerts per document, bytes per
// text field).
// Contract: a refused document gives no alerts and an error starting "not a
// CAP document"; an accepted one gives at most max_alerts alerts, each with
// identifier, sender and a sent time, at most max_infos infos and max_areas
// areas, text within its cap and valid UTF-8; linked URLs at most
// max_links, none empty or repeated; every shape read is well formed (a
// ring of at least 3 points, coordinates in range, a radius >= 0), and
// the point filter decides on it without trapping. The ledger: taking the same
// document twice changes nothing; every notice it gives is unexpired,
// unique by key, and not a Cancel.
#include <cstddef>
#include <cstdint>
#include <set>

#include "content/cap.h"
#include "fuzz_input.h"

using namespace paizi;
using fuzz::require_text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t opt = in.byte();
  content::CapOptions o;
  o.max_alerts = 1 + opt % 16;
  o.max_text_bytes = 64u * (1 + opt / 16);
  const content::CapResult r = content::parse_cap(in.rest(), o);
  if (!r.ok) {
    if (!r.alerts.empty() || r.error.rfind("not a CAP document", 0) != 0) __builtin_trap();
    return 0;
  }
  if (r.alerts.size() > o.max_alerts) __builtin_trap();
  for (const content::CapAlert& a : r.alerts) {
    if (a.identifier.empty() || a.sender.empty() || a.sent == 0 || a.infos.size() > o.max_infos)
      __builtin_trap();
    require_text(a.identifier, 512);
    require_text(a.sender, 512);
    for (const content::CapInfo& i : a.infos) {
      if (i.areas.size() > o.max_areas) __builtin_trap();
      require_text(i.headline, 512);
      require_text(i.event, 512);
      require_text(i.description, o.max_text_bytes);
      require_text(i.instruction, o.max_text_bytes);
      for (const content::CapArea& ar : i.areas) {
        require_text(ar.desc, 512);
        for (const auto& ring : ar.rings) {
          if (ring.size() < 3) __builtin_trap();
          for (const content::GeoPoint& p : ring)
            if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) __builtin_trap();
        }
        for (const content::GeoCircle& c : ar.discs)
          if (!(c.radius_km >= 0) || !(c.centre.lat >= -90 && c.centre.lat <= 90)) __builtin_trap();
      }
    }
  }
  if (r.links.size() > o.max_links || r.links.size() > r.linked) __builtin_trap();
  const std::set<std::string> unique_links(r.links.begin(), r.links.end());
  if (unique_links.size() != r.links.size() || unique_links.count("")) __builtin_trap();
  content::CapFilter at_point;
  at_point.point = content::GeoPoint{22.54, 113.93};
  for (const content::CapAlert& a : r.alerts) (void)content::notice_for(a, at_point);
  content::AlertBook book;
  book.take(r.alerts);
  if (book.take(r.alerts)) __builtin_trap();
  for (const int64_t now :
       {int64_t{0}, r.alerts.empty() ? int64_t{1} : r.alerts.front().sent, int64_t{4102444800}}) {
    content::CapFilter f;
    f.test = true;
    std::set<std::string> keys;
    for (const content::AlertNotice& n : book.active(now, f))
      if (n.until <= now || !keys.insert(n.key).second || n.msg_type == content::CapMsgType::Cancel)
        __builtin_trap();
  }
  return 0;
}
