#include "content/cap.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <sstream>

#include <libxml/tree.h>

#include "content/dates.h"
#include "content/encoding.h"
#include "content/html_text.h"
#include "content/markup.h"

namespace paizi::content {

namespace {

constexpr size_t kMaxShortBytes = 512;                 // identifiers, names, codes, event, headline
constexpr int kMaxFeedDepth = 8;                       // feed -> entry -> content -> alert is 3
constexpr size_t kMaxShapeBytes = size_t{128} * 1024;  // a polygon's text: more than cap_geo's 4096 points

bool is_cap(const xmlNode* n) {
  return n->type == XML_ELEMENT_NODE &&
         std::strstr(ns_href(n), "urn:oasis:names:tc:emergency:cap:1.") != nullptr;
}
bool is_cap_named(const xmlNode* n, const char* name) { return is_cap(n) && is_named(n, name); }

std::string short_text(const xmlNode* n) {
  return normalize_space(xml_text(n, kMaxShortBytes * 4), kMaxShortBytes);
}

// Paragraphs kept (one per line), spaces inside each normalised.
std::string long_text(const xmlNode* n, size_t max_bytes) {
  const std::string raw = xml_text(n, max_bytes * 2);
  std::string out;
  std::istringstream lines(raw);
  for (std::string line; std::getline(lines, line);) {
    std::string p = normalize_space(line, max_bytes);
    if (p.empty()) continue;
    if (!out.empty()) out.push_back('\n');
    out += p;
  }
  truncate_utf8(out, max_bytes);
  return out;
}

int64_t cap_time(const xmlNode* n) {
  // CAP dates carry their zone ("2026-08-20T10:00:00+08:00"); -00:00 is UTC.
  const std::optional<int64_t> t = parse_date(short_text(n), DateOptions{0});
  return t ? *t : 0;
}

template <typename E, size_t N>
bool lookup(const std::string& s, const std::pair<const char*, E> (&table)[N], E& out) {
  for (const auto& [name, value] : table)
    if (s == name) {
      out = value;
      return true;
    }
  return false;
}

constexpr std::pair<const char*, CapSeverity> kSeverity[] = {{"Extreme", CapSeverity::Extreme},
                                                             {"Severe", CapSeverity::Severe},
                                                             {"Moderate", CapSeverity::Moderate},
                                                             {"Minor", CapSeverity::Minor},
                                                             {"Unknown", CapSeverity::Unknown}};
constexpr std::pair<const char*, CapUrgency> kUrgency[] = {{"Immediate", CapUrgency::Immediate},
                                                           {"Expected", CapUrgency::Expected},
                                                           {"Future", CapUrgency::Future},
                                                           {"Past", CapUrgency::Past},
                                                           {"Unknown", CapUrgency::Unknown}};
constexpr std::pair<const char*, CapCertainty> kCertainty[] = {{"Observed", CapCertainty::Observed},
                                                               {"Likely", CapCertainty::Likely},
                                                               {"Possible", CapCertainty::Possible},
                                                               {"Unlikely", CapCertainty::Unlikely},
                                                               {"Unknown", CapCertainty::Unknown}};
constexpr std::pair<const char*, CapStatus> kStatus[] = {{"Actual", CapStatus::Actual},
                                                         {"Exercise", CapStatus::Exercise},
                                                         {"System", CapStatus::System},
                                                         {"Test", CapStatus::Test},
                                                         {"Draft", CapStatus::Draft}};
constexpr std::pair<const char*, CapMsgType> kMsgType[] = {{"Alert", CapMsgType::Alert},
                                                           {"Update", CapMsgType::Update},
                                                           {"Cancel", CapMsgType::Cancel},
                                                           {"Ack", CapMsgType::Ack},
                                                           {"Error", CapMsgType::Error}};

void read_geometry(CapArea& area) {
  for (const std::string& text : area.polygons) {
    std::string err;
    if (auto ring = parse_cap_polygon(text, err))
      area.rings.push_back(std::move(*ring));
    else
      area.geometry_errors.push_back(std::move(err));
  }
  for (const std::string& text : area.circles) {
    std::string err;
    if (auto disc = parse_cap_circle(text, err))
      area.discs.push_back(*disc);
    else
      area.geometry_errors.push_back(std::move(err));
  }
}

void count_bad_shapes(const CapAlert& a, CapResult& r) {
  for (const CapInfo& i : a.infos)
    for (const CapArea& area : i.areas)
      for (const std::string& err : area.geometry_errors) {
        if (r.bad_shapes++ == 0) r.shape_error = a.identifier + ": " + err;
      }
}

CapArea read_area(const xmlNode* a) {
  CapArea area;
  for (const xmlNode* c = a->children; c; c = c->next) {
    if (!is_cap(c)) continue;
    if (is_named(c, "areaDesc"))
      area.desc = short_text(c);
    else if (is_named(c, "polygon") && area.polygons.size() < 8)
      area.polygons.push_back(xml_text(c, kMaxShapeBytes));
    else if (is_named(c, "circle") && area.circles.size() < 8)
      area.circles.push_back(short_text(c));
    else if (is_named(c, "geocode") && area.geocodes.size() < 64) {
      const xmlNode* name = nullptr;
      const xmlNode* value = nullptr;
      for (const xmlNode* g = c->children; g; g = g->next) {
        if (is_cap_named(g, "valueName")) name = g;
        if (is_cap_named(g, "value")) value = g;
      }
      if (value) area.geocodes.emplace_back(name ? short_text(name) : "", short_text(value));
    }
  }
  read_geometry(area);
  return area;
}

CapInfo read_info(const xmlNode* n, const CapOptions& o) {
  CapInfo info;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (!is_cap(c)) continue;
    const std::string name = reinterpret_cast<const char*>(c->name);
    if (name == "language") {
      if (std::string l = short_text(c); !l.empty()) info.language = l;
    } else if (name == "category" && info.categories.size() < 12) {
      info.categories.push_back(short_text(c));
    } else if (name == "event") {
      info.event = short_text(c);
    } else if (name == "urgency") {
      lookup(short_text(c), kUrgency, info.urgency);
    } else if (name == "severity") {
      lookup(short_text(c), kSeverity, info.severity);
    } else if (name == "certainty") {
      lookup(short_text(c), kCertainty, info.certainty);
    } else if (name == "effective") {
      info.effective = cap_time(c);
    } else if (name == "onset") {
      info.onset = cap_time(c);
    } else if (name == "expires") {
      info.expires = cap_time(c);
    } else if (name == "senderName") {
      info.sender_name = short_text(c);
    } else if (name == "headline") {
      info.headline = short_text(c);
    } else if (name == "description") {
      info.description = long_text(c, o.max_text_bytes);
    } else if (name == "instruction") {
      info.instruction = long_text(c, o.max_text_bytes);
    } else if (name == "area" && info.areas.size() < o.max_areas) {
      info.areas.push_back(read_area(c));
    }
  }
  return info;
}

// nullopt: malformed (missing identity, unknown status or msgType).
std::optional<CapAlert> read_alert(const xmlNode* n, const CapOptions& o) {
  CapAlert a;
  bool status = false, type = false;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (!is_cap(c)) continue;
    const std::string name = reinterpret_cast<const char*>(c->name);
    if (name == "identifier")
      a.identifier = short_text(c);
    else if (name == "sender")
      a.sender = short_text(c);
    else if (name == "sent")
      a.sent = cap_time(c);
    else if (name == "status")
      status = lookup(short_text(c), kStatus, a.status);
    else if (name == "msgType")
      type = lookup(short_text(c), kMsgType, a.msg_type);
    else if (name == "references") {
      // "sender,identifier,sent" triples separated by whitespace.
      std::istringstream refs(xml_text(c, size_t{16} * 1024));
      for (std::string r; refs >> r && a.references.size() < 64;) {
        const size_t c1 = r.find(','), c2 = c1 == std::string::npos ? c1 : r.find(',', c1 + 1);
        if (c2 != std::string::npos) a.references.push_back(r.substr(0, c2));
      }
    } else if (name == "info" && a.infos.size() < o.max_infos) {
      a.infos.push_back(read_info(c, o));
    }
  }
  if (a.identifier.empty() || a.sender.empty() || a.sent == 0 || !status || !type) return std::nullopt;
  return a;
}

bool ends_with_nocase(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
  return true;
}

// The CAP document an entry without an embedded alert links, if any: an
// element typed application/cap+xml (Atom link href, RSS enclosure url),
// else an RSS <link> whose URL (query left out) ends in .xml or .cap.
std::string linked_url(const xmlNode* entry) {
  std::string fallback;
  for (const xmlNode* l = entry->children; l; l = l->next) {
    if (l->type != XML_ELEMENT_NODE) continue;
    if (attr(l, "type").find("cap+xml") != std::string::npos) {
      std::string href = attr(l, "href");
      if (href.empty()) href = attr(l, "url");
      return resolve_at(l, normalize_space(href, 4096));
    }
    if (fallback.empty() && is_named(l, "link") && attr(l, "href").empty()) {
      std::string href = normalize_space(xml_text(l, 4096), 4096);
      const std::string path = href.substr(0, href.find_first_of("?#"));
      if (ends_with_nocase(path, ".xml") || ends_with_nocase(path, ".cap")) fallback = resolve_at(l, href);
    }
  }
  return fallback;
}

void note_link(const xmlNode* entry, const CapOptions& o, CapResult& r) {
  const std::string url = linked_url(entry);
  if (url.empty()) return;
  ++r.linked;
  if (r.links.size() < o.max_links && std::find(r.links.begin(), r.links.end(), url) == r.links.end())
    r.links.push_back(url);
}

void collect(const xmlNode* n, int depth, const CapOptions& o, CapResult& r) {
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (is_cap_named(c, "alert")) {
      if (r.alerts.size() >= o.max_alerts) continue;
      if (auto a = read_alert(c, o)) {
        count_bad_shapes(*a, r);
        r.alerts.push_back(std::move(*a));
      } else
        ++r.rejected;
      continue;
    }
    const bool entry = is_named(c, "entry") || is_named(c, "item");
    const size_t before = r.alerts.size() + r.rejected;
    if (depth < kMaxFeedDepth) collect(c->children, depth + 1, o, r);
    if (entry && r.alerts.size() + r.rejected == before) note_link(c, o, r);
  }
}

}  // namespace

bool CapArea::contains(GeoPoint p) const {
  return std::any_of(rings.begin(), rings.end(), [&](const auto& r) { return polygon_contains(r, p); }) ||
         std::any_of(discs.begin(), discs.end(), [&](const GeoCircle& c) { return circle_contains(c, p); });
}

std::string CapAlert::key() const { return sender + "," + identifier; }

const char* to_string(CapSeverity s) {
  for (const auto& [name, value] : kSeverity)
    if (value == s) return name;
  return "Unknown";
}

CapResult parse_cap(std::string_view bytes, const CapOptions& options) {
  CapResult r;
  if (bytes.size() > options.max_bytes) {
    r.error = "not a CAP document: " + std::to_string(bytes.size()) + " bytes, more than the " +
              std::to_string(options.max_bytes) + " allowed";
    return r;
  }
  const Decoded d = decode_to_utf8(bytes, {});
  const XmlParse p = parse_xml(d.utf8, options.url);
  const xmlNode* root = p.doc ? xmlDocGetRootElement(p.doc.get()) : nullptr;
  if (!root || !p.well_formed || p.halted || p.entity_loop) {
    r.error = "not a CAP document: unreadable XML" + (p.error.empty() ? std::string{} : " (" + p.error + ")");
    return r;
  }
  const bool feed = is_named(root, "feed") || is_named(root, "rss") || is_named(root, "RDF");
  if (!is_cap_named(root, "alert") && !feed) {
    r.error = "not a CAP document: root <" + std::string(reinterpret_cast<const char*>(root->name)) + ">";
    return r;
  }
  if (feed && options.alert_only) {
    r.error = "not a CAP alert: a feed <" + std::string(reinterpret_cast<const char*>(root->name)) +
              "> where a linked alert was expected";
    return r;
  }
  collect(root, 0, options, r);
  if (!feed && r.alerts.empty()) {
    r.error = "not a CAP document: the alert lacks identifier, sender, sent, status or msgType";
    return r;
  }
  r.ok = true;
  return r;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string primary_subtag(const std::string& lang) { return lower(lang.substr(0, lang.find('-'))); }

bool named(const CapArea& a, const CapFilter& f) {
  for (const std::string& s : f.areas)
    if (!s.empty() && a.desc.find(s) != std::string::npos) return true;
  for (const auto& [name, value] : a.geocodes)
    for (const std::string& g : f.geocodes)
      if (g == value || g == name + "=" + value) return true;
  return false;
}

// See CapFilter::point for how geometry and names combine. `in_alert`:
// whether the point lies in any shape of the alert (nullopt: no point, or
// the alert has no geometry), which decides for an info block without
// shapes of its own (a translation that leaves them out).
bool area_matches(const CapInfo& info, const CapFilter& f, std::optional<bool> in_alert) {
  const bool names = !f.areas.empty() || !f.geocodes.empty();
  const bool shapes =
      std::any_of(info.areas.begin(), info.areas.end(), [](const CapArea& a) { return a.has_geometry(); });
  if (in_alert && !shapes) return *in_alert;
  if (info.areas.empty()) return !names;
  for (const CapArea& a : info.areas) {
    if (f.point && a.has_geometry()) {
      if (a.contains(*f.point)) return true;
    } else if (!names || named(a, f)) {
      return true;
    }
  }
  return false;
}

std::optional<bool> in_alert_geometry(const CapAlert& alert, const CapFilter& f) {
  if (!f.point) return std::nullopt;
  std::optional<bool> in;
  for (const CapInfo& i : alert.infos)
    for (const CapArea& a : i.areas)
      if (a.has_geometry()) in = in.value_or(false) || a.contains(*f.point);
  return in;
}

bool info_matches(const CapInfo& i, const CapFilter& f, std::optional<bool> in_alert) {
  return i.severity >= f.min_severity && i.urgency >= f.min_urgency && i.certainty >= f.min_certainty &&
         area_matches(i, f, in_alert);
}

// 2: same language tag, 1: same primary subtag, 0: other.
int language_rank(const std::string& info_lang, const std::string& want) {
  if (lower(info_lang) == lower(want)) return 2;
  return primary_subtag(info_lang) == primary_subtag(want) ? 1 : 0;
}

}  // namespace

std::optional<AlertNotice> notice_for(const CapAlert& alert, const CapFilter& filter) {
  const CapInfo* best = nullptr;
  int best_rank = -1;
  const std::optional<bool> in_alert = in_alert_geometry(alert, filter);
  for (const CapInfo& i : alert.infos) {
    if (!info_matches(i, filter, in_alert)) continue;
    const int rank = language_rank(i.language, filter.language);
    if (rank > best_rank) {
      best = &i;
      best_rank = rank;
    }
  }
  if (!best) return std::nullopt;
  AlertNotice n;
  n.key = alert.key();
  n.msg_type = alert.msg_type;
  n.severity = best->severity;
  n.language = best->language;
  n.event = best->event;
  n.headline = best->headline.empty() ? best->event : best->headline;
  n.description = best->description;
  n.instruction = best->instruction;
  n.sender_name = best->sender_name.empty() ? alert.sender : best->sender_name;
  for (const CapArea& a : best->areas) {
    if (a.desc.empty()) continue;
    if (!n.area.empty()) n.area += "、";
    n.area += a.desc;
  }
  n.sent = alert.sent;
  n.from = best->effective ? best->effective : alert.sent;
  n.until = best->expires ? best->expires : std::numeric_limits<int64_t>::max();
  return n;
}

bool ToneLedger::wants(const AlertNotice& n) {
  if (!n.tone || !keys_.insert(n.key).second) return false;
  order_.push_back(n.key);
  if (order_.size() > kMaxKeys) {
    keys_.erase(order_.front());
    order_.pop_front();
  }
  return n.msg_type == CapMsgType::Alert;
}

void AlertBook::end(const std::string& key) {
  if (!ended_.insert(key).second) return;
  ended_order_.push_back(key);
  if (ended_order_.size() > kMaxEnded) {
    ended_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
}

bool AlertBook::take(const std::vector<CapAlert>& alerts) {
  for (const CapAlert& a : alerts) {
    if (a.msg_type != CapMsgType::Update && a.msg_type != CapMsgType::Cancel) continue;
    for (const std::string& r : a.references)
      if (r != a.key()) end(r);
    if (a.msg_type == CapMsgType::Cancel) end(a.key());
  }
  std::vector<CapAlert> listed;
  std::set<std::string> seen;
  for (const CapAlert& a : alerts) {
    if (a.msg_type != CapMsgType::Alert && a.msg_type != CapMsgType::Update) continue;
    if (ended_.count(a.key()) || !seen.insert(a.key()).second) continue;
    listed.push_back(a);
  }
  const auto same = [](const CapAlert& x, const CapAlert& y) {
    return x.key() == y.key() && x.sent == y.sent && x.msg_type == y.msg_type;
  };
  const bool changed = !std::equal(listed.begin(), listed.end(), listed_.begin(), listed_.end(), same);
  listed_ = std::move(listed);
  return changed;
}

std::vector<AlertNotice> AlertBook::active(int64_t now, const CapFilter& filter) const {
  std::vector<AlertNotice> out;
  for (const CapAlert& a : listed_) {
    const bool allowed = a.status == CapStatus::Actual ||
                         (filter.test && (a.status == CapStatus::Test || a.status == CapStatus::Exercise));
    if (!allowed) continue;
    std::optional<AlertNotice> n = notice_for(a, filter);
    if (n && n->until > now) out.push_back(std::move(*n));
  }
  std::stable_sort(out.begin(), out.end(), [](const AlertNotice& x, const AlertNotice& y) {
    return x.severity != y.severity ? x.severity > y.severity : x.sent > y.sent;
  });
  return out;
}

}  // namespace paizi::content
