// KPI data: the figures a KPI slide shows, read from a JSON or CSV
// document that a `kpi` source points at (a BI export, a spreadsheet saved
// as CSV, a small script's output).
//
// Accepted shapes (keys and column names in English or Chinese):
//   JSON  [{"label": "产值", "value": 8640000000, "previous": ..., "target": ..., "unit": "元"}, ...]
//           (an "id"/"key"/"code" beside the label is what tiles may match by)
//         {"updated": "2024-11-20T09:00:00+08:00", "items": [ ...as above... ]}
//           (the array may also be called data, tiles, kpis, records, figures, rows)
//         {"产值": 8640000000, "入驻企业": {"value": 36, "target": 120}}
//   CSV   a header row naming the columns (label/name/指标/名称, value/数值/本期,
//         previous/上期, target/目标, unit/单位), or no header: name, value,
//         previous, target, unit in that order. Comma, semicolon or tab
//         separated, RFC 4180 quotes, any charset encoding.h reads (Excel's
//         UTF-8 with BOM, GBK).
// Figures may be numbers or text as people write them: "8,640,000,000",
// "18.5%", "１２３", "−3.2", "1.2万", "35亿", "¥1,200".
//
// Pure function over bytes; a document without a single usable figure is an
// error value with a one-line reason, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/dates.h"
#include "content/playlist.h"

namespace paizi::content {

struct KpiRecord {
  std::string key;    // what tiles name it by: its id/key/code if the data gives one, else its label
  std::string label;  // its name to show: label/name/指标..., else its key
  std::optional<double> value, previous, target;
  std::string unit;
  bool percent = false;  // the value was written with a % sign
};

struct KpiData {
  std::vector<KpiRecord> records;  // in document order; keys unique (first wins)
  std::optional<int64_t> updated;  // the document's own timestamp (Unix s), if it gives one
};

struct KpiOptions {
  std::string content_type;  // HTTP Content-Type, for its charset (JSON or CSV is told by the bytes)
  DateOptions dates;
  size_t max_records = 256;
  size_t max_text_bytes = 256;  // per name and unit
};

struct KpiResult {
  std::optional<KpiData> data;
  std::string error;   // "not KPI data: ..." when data is unset
  std::string format;  // "json" or "csv"
};

KpiResult parse_kpi_data(std::string_view bytes, const KpiOptions& options = {});

// A figure as people write it (see above); nullopt if `text` is not one.
// `percent` is set when it ends in %.
std::optional<double> parse_figure(std::string_view text, bool* percent = nullptr);

// The tiles a KPI slide shows with this data: each tile whose key (or label)
// names a record (its key, else its label) takes that record's value,
// previous and target, and its unit when the tile has none; other tiles stay
// as written. A slide without tiles shows the first six records, by label.
std::vector<KpiTile> apply_kpi_data(const std::vector<KpiTile>& tiles, const KpiData& data);

}  // namespace paizi::content
