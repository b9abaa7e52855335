// Prometheus metrics of `paizi play`, for node_exporter's textfile collector
// (docs/metrics.md lists every metric and what it means).
//
// The text is the Prometheus text exposition format 0.0.4: one `paizi_`
// prefix, base units (seconds, bytes), counters ending in `_total`, a HELP
// and a TYPE line for each family, no sample timestamps, and labels only
// from closed sets (cache, reason, slide type, build version and
// architecture, the playlist's sha256: one value per screen at a time).
// It is made from the same StatusSnapshot as status.json (app/status_file.h):
// nothing is computed twice.
//
// The file DIR/paizi.prom is replaced atomically (a temporary file in DIR
// whose name does not end in .prom, then rename): the collector reads the
// old or the new text, never a torn one. When DIR/paizi.prom is a symbolic
// link, the file it names is the one replaced (the same way, in the link
// target's directory) and the link stays: Debian's package links
// /var/lib/prometheus/node-exporter/paizi.prom to /run/paizi/paizi.prom, the
// unit's runtime directory, the one place the sandboxed service can write
// (packaging/deb/postinst, docs/metrics.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "app/status_file.h"

namespace paizi::app {

// Debian's prometheus-node-exporter textfile directory: the default when it
// exists and no metrics_dir is configured.
constexpr const char* kDefaultMetricsDir = "/var/lib/prometheus/node-exporter";
constexpr const char* kMetricsFileName = "paizi.prom";

// Where to write metrics: `configured` ("off": nowhere), else the default
// directory when it exists; "" = no metrics.
std::string metrics_dir(const std::string& configured);

// The file written for `dir`: DIR/paizi.prom, or the target of that name
// when it is a symbolic link (one level; a relative target is taken from
// DIR). The target's directory must exist: a link into a runtime directory
// that is not there (the service stopped, or paizi run outside it) means no
// metrics, said once by the caller.
std::string metrics_file_path(const std::string& dir);

// The exposition text of one snapshot. Pure.
std::string metrics_text(const StatusSnapshot& s);

// Resident set size of this process, bytes (/proc/self/statm); 0 when unknown.
uint64_t resident_bytes();

// DIR/paizi.prom: written at once when the playlist on screen, the display
// power or the sync result changes, and otherwise once per `min_interval`
// (counters and gauges such as the slide's age move all the time; the
// file's mtime, node_textfile_mtime_seconds, also says the player is
// alive). Not fsynced: it describes the running process and is made again
// after a restart.
class MetricsFile {
 public:
  // Writes metrics_file_path(dir). Removes temporaries a killed writer left
  // behind in that file's directory.
  MetricsFile(const std::string& dir, std::chrono::milliseconds min_interval);
  // Whether a snapshot whose important part is `important` should be
  // written now (the caller then fills in the costly fields and calls write).
  bool due(const std::string& important, std::chrono::steady_clock::time_point now) const;
  // Writes `text`, remembering `important`. False with `err` on failure.
  bool write(const std::string& text, const std::string& important, std::chrono::steady_clock::time_point now,
             std::string& err);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::chrono::milliseconds min_interval_;
  std::string last_important_;
  bool written_ = false;
  std::chrono::steady_clock::time_point last_write_{};
};

// The part of a snapshot whose change is written at once (see MetricsFile).
std::string metrics_important(const StatusSnapshot& s);

}  // namespace paizi::app
