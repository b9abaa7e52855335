// OASIS Common Alerting Protocol 1.2: parsing alerts, and the ledger that
// decides which of them are in force.
//
// parse_cap reads one CAP `alert` document, or an Atom/RSS feed whose
// entries embed CAP alerts (an `alert` element inside an entry or item,
// e.g. in Atom `content`). Entries that only link to a CAP document are
// skipped (`linked` counts them): the linked documents are not fetched.
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

namespace paizi::content {

// Ordered closed sets: larger is more (Unknown = 0).
enum class CapSeverity { Unknown, Minor, Moderate, Severe, Extreme };
enum class CapUrgency { Unknown, Past, Future, Expected, Immediate };
enum class CapCertainty { Unknown, Unlikely, Possible, Likely, Observed };
enum class CapStatus { Actual, Exercise, System, Test, Draft };
enum class CapMsgType { Alert, Update, Cancel, Ack, Error };

struct CapArea {
  std::string desc;                                          // areaDesc
  std::vector<std::pair<std::string, std::string>> geocodes;  // valueName, value
  std::vector<std::string> polygons, circles;                 // as written ("lat,lon lat,lon ...")
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
  size_t max_bytes = 1u << 20;  // larger documents are refused whole
  size_t max_alerts = 64;       // per document; more are dropped
  size_t max_infos = 8;         // per alert
  size_t max_areas = 32;        // per info
  size_t max_text_bytes = 4096; // per text field (description, instruction)
};

struct CapResult {
  bool ok = false;
  std::string error;            // one line when !ok
  std::vector<CapAlert> alerts; // document order
  size_t rejected = 0;          // alerts dropped as malformed
  size_t linked = 0;            // feed entries linking a CAP document (not fetched)
};

CapResult parse_cap(std::string_view bytes, const CapOptions& options = {});

const char* to_string(CapSeverity s);

// Which alerts a screen shows (a `cap` source's filters in the playlist).
struct CapFilter {
  CapSeverity min_severity = CapSeverity::Unknown;
  CapUrgency min_urgency = CapUrgency::Unknown;
  CapCertainty min_certainty = CapCertainty::Unknown;
  bool test = false;                   // also Test and Exercise alerts (otherwise Actual only)
  std::vector<std::string> areas;      // areaDesc substrings; empty = and geocodes empty: anywhere
  std::vector<std::string> geocodes;   // "VALUE" or "NAME=VALUE"
  std::string language = "zh-Hans";    // the info in this language first (BCP 47 primary subtag match)
};

// What the takeover shows of one alert: one info block, chosen by language.
struct AlertNotice {
  std::string key;                  // CapAlert::key()
  CapMsgType msg_type = CapMsgType::Alert;
  CapSeverity severity = CapSeverity::Unknown;
  std::string language, event, headline, description, instruction, sender_name, area;
  int64_t sent = 0;
  int64_t from = 0;   // effective (else sent), Unix s UTC
  int64_t until = 0;  // expires, Unix s UTC; INT64_MAX when the alert names none
  bool operator==(const AlertNotice&) const = default;
};

// The notice `alert` gives under `filter`, if any of its info blocks
// matches (severity, urgency, certainty, area); status is not looked at here.
std::optional<AlertNotice> notice_for(const CapAlert& alert, const CapFilter& filter);

// Per source: the alerts of the latest good document, less those that an
// Update or Cancel has ended (by `references`, remembered across documents,
// so a replayed old alert never comes back) and duplicates.
// Single-threaded; the caller serialises.
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
