// OASIS Common Alerting Protocol 1.2: parsing alerts, and the ledger that
// decides which of them are in force.
//
// parse_cap reads one CAP `alert` document, or an Atom/RSS feed whose
// entries embed CAP alerts (an `alert` element inside an entry or item,
// e.g. in Atom `content`). Entries that only link to a CAP document (an
// Atom link or RSS enclosure typed application/cap+xml, or an RSS item
// link ending in .xml or .cap) give its URL in `links`, resolved against
// the document's URL; fetching them is the caller's (load_cap).
// Same XML safety as the feed parser (content/markup.h: no network, no
// entity expansion, libxml2's amplification limits); pure function over
// bytes. Size caps: the document (max_bytes), alerts per document, info and
// area blocks per alert, bytes per text field (truncated at a UTF-8
// boundary). A document that is neither gives `ok` = false and a one-line
// error; alerts missing identifier, sender or sent, or with an unknown
// status or msgType, are dropped and counted in `rejected`.
//
// Times are Unix seconds UTC; 0 = absent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "content/cap_geo.h"

namespace paizi::content {

// Ordered closed sets: larger is more (Unknown = 0).
enum class CapSeverity { Unknown, Minor, Moderate, Severe, Extreme };
enum class CapUrgency { Unknown, Past, Future, Expected, Immediate };
enum class CapCertainty { Unknown, Unlikely, Possible, Likely, Observed };
enum class CapStatus { Actual, Exercise, System, Test, Draft };
enum class CapMsgType { Alert, Update, Cancel, Ack, Error };

struct CapArea {
  std::string desc;                                           // areaDesc
  std::vector<std::pair<std::string, std::string>> geocodes;  // valueName, value
  std::vector<std::string> polygons, circles;                 // as written ("lat,lon lat,lon ...")
  // The same, read (content/cap_geo.h); a shape that is malformed is left
  // out here and its reason kept in geometry_errors.
  std::vector<std::vector<GeoPoint>> rings;
  std::vector<GeoCircle> discs;
  std::vector<std::string> geometry_errors;
  bool has_geometry() const { return !rings.empty() || !discs.empty(); }
  bool contains(GeoPoint p) const;  // in one of its rings or discs
};

struct CapInfo {
  std::string language = "en-US";  // CAP's default
  std::vector<std::string> categories;
  std::string event;
  CapUrgency urgency = CapUrgency::Unknown;
  CapSeverity severity = CapSeverity::Unknown;
  CapCertainty certainty = CapCertainty::Unknown;
  int64_t effective = 0, onset = 0, expires = 0;
  std::string sender_name, headline, description, instruction;
  std::vector<CapArea> areas;
};

struct CapAlert {
  std::string identifier, sender;
  int64_t sent = 0;
  CapStatus status = CapStatus::Actual;
  CapMsgType msg_type = CapMsgType::Alert;
  std::vector<std::string> references;  // keys (cap_key) of earlier alerts
  std::vector<CapInfo> infos;
  std::string key() const;  // sender + "," + identifier: the alert's identity
};

struct CapOptions {
  size_t max_bytes = 1u << 20;   // larger documents are refused whole
  size_t max_alerts = 64;        // per document; more are dropped
  size_t max_infos = 8;          // per alert
  size_t max_areas = 32;         // per info
  size_t max_text_bytes = 4096;  // per text field (description, instruction)
  size_t max_links = 64;         // linked documents listed per feed; more are counted in `linked` only
  std::string url;               // the document's URL (after redirects): the base of relative links
  bool alert_only = false;       // a feed is an error (a linked document must be one alert)
};

struct CapResult {
  bool ok = false;
  std::string error;               // one line when !ok
  std::vector<CapAlert> alerts;    // document order
  size_t rejected = 0;             // alerts dropped as malformed
  size_t linked = 0;               // feed entries linking a CAP document
  std::vector<std::string> links;  // their URLs (absolute), first max_links, no repeats
  size_t bad_shapes = 0;           // polygons and circles left out as malformed
  std::string shape_error;         // the first one's reason (identifier: reason)
};

CapResult parse_cap(std::string_view bytes, const CapOptions& options = {});

const char* to_string(CapSeverity s);

// Which alerts a screen shows (a `cap` source's filters in the playlist).
struct CapFilter {
  CapSeverity min_severity = CapSeverity::Unknown;
  CapUrgency min_urgency = CapUrgency::Unknown;
  CapCertainty min_certainty = CapCertainty::Unknown;
  bool test = false;                  // also Test and Exercise alerts (otherwise Actual only)
  std::vector<std::string> areas;     // areaDesc substrings; empty = and geocodes empty: anywhere
  std::vector<std::string> geocodes;  // "VALUE" or "NAME=VALUE"
  // The screen's location. When set, an area with (well-formed) geometry
  // matches only if the point lies in one of its polygons or circles,
  // whatever its areaDesc and geocodes; an area without geometry is judged
  // by `areas`/`geocodes` when either is given, and matches otherwise. An
  // info block with no shapes at all in an alert whose other blocks have
  // some (a translation) is judged by those: inside one of them or not.
  // An alert without any geometry falls back to `areas`/`geocodes`, and
  // matches when neither is given. Malformed shapes count as absent.
  std::optional<GeoPoint> point;
  std::string language = "zh-Hans";  // the info in this language first (BCP 47 primary subtag match)
};

// What the takeover shows of one alert: one info block, chosen by language.
struct AlertNotice {
  std::string key;  // CapAlert::key()
  CapMsgType msg_type = CapMsgType::Alert;
  CapSeverity severity = CapSeverity::Unknown;
  std::string language, event, headline, description, instruction, sender_name, area;
  int64_t sent = 0;
  int64_t from = 0;   // effective (else sent), Unix s UTC
  int64_t until = 0;  // expires, Unix s UTC; INT64_MAX when the alert names none
  bool tone = false;  // its source asks for the attention tone (Source::tone)
  bool operator==(const AlertNotice&) const = default;
};

// The notice `alert` gives under `filter`, if any of its info blocks
// matches (severity, urgency, certainty, area and point); status is not looked at here.
std::optional<AlertNotice> notice_for(const CapAlert& alert, const CapFilter& filter);

// Per source: the alerts of the latest good document, less those that an
// Update or Cancel has ended (by `references`, remembered across documents,
// so a replayed old alert never comes back) and duplicates.
// Single-threaded; the caller serialises.
// Which notices sound the attention tone: a new alert (msgType Alert, not
// an Update or a repeat) from a source with the tone on, once per alert
// key for the life of the ledger (the last kMaxKeys keys are remembered).
// Single-threaded.
class ToneLedger {
 public:
  bool wants(const AlertNotice& n);

 private:
  std::set<std::string> keys_;
  std::deque<std::string> order_;  // oldest first
  static constexpr size_t kMaxKeys = 4096;
};

class AlertBook {
 public:
  // A newly parsed document replaces the alerts listed. Returns whether
  // the listed alerts changed (identity, sent time or message type).
  bool take(const std::vector<CapAlert>& alerts);
  // Notices in force at `now` under `filter`: not expired, status allowed,
  // ordered by severity (most severe first), then by sent time (newest first).
  std::vector<AlertNotice> active(int64_t now, const CapFilter& filter) const;

 private:
  void end(const std::string& key);
  std::vector<CapAlert> listed_;
  std::set<std::string> ended_;
  std::deque<std::string> ended_order_;  // oldest first, for the bound below
  static constexpr size_t kMaxEnded = 4096;
};

}  // namespace paizi::content
