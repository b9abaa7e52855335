// The data behind a playlist's "source" slides and its ticker, as the show
// stage reads it: the implementation is the live source data
// (sources/source_data.h) in production, fixed data in tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/cap.h"
#include "content/kpi_data.h"
#include "content/news.h"
#include "content/playlist.h"

namespace paizi::content {

// Data behind "source" slides and the ticker, provided by the caller (the
// feed cache in production, fixed data in tests). Main thread only.
class DataProvider {
 public:
  virtual ~DataProvider() = default;
  // News for a slide with a `source`; nullptr when none is available yet.
  // `fetched` receives the Unix time the data was fetched (0 = unknown).
  virtual const NewsItem* news(const NewsSlide& slide, int64_t& fetched) = 0;
  // Headlines for a ticker bound to a source.
  virtual std::vector<std::string> headlines(const std::string& source_id) = 0;
  // Figures for a KPI slide bound to a source; nullptr when none yet.
  virtual const KpiData* kpi(const std::string& /*source_id*/, int64_t& /*fetched*/) { return nullptr; }
  // CAP alerts in force at `now` (Unix s, UTC) from the playlist's cap
  // sources, filtered, most severe first (show::Player::set_alerts).
  virtual std::vector<AlertNotice> alerts(int64_t /*now*/) { return {}; }
};

}  // namespace paizi::content
