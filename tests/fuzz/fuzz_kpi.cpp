// Fuzz target: KPI data (parse_kpi_data: charset, JSON or CSV, headers,
// figures) and applying it to tiles. Byte 0 picks the Content-Type.
// Contract: every record has a non-empty key and label of valid UTF-8 within
// the text cap, keys are unique, figures are finite and within +-1e18, the record cap
// holds; tiles made from the data are 1..6 and carry its values; a figure
// parse_figure accepts is finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "content/encoding.h"
#include "content/kpi_data.h"
#include "fuzz_content_type.h"
#include "fuzz_input.h"

using namespace paizi;
using fuzz::require_text;

namespace {

void require_figure(const std::optional<double>& v) {
  if (v && (!std::isfinite(*v) || std::fabs(*v) > 1e18)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  content::KpiOptions o;
  o.content_type = fuzz::content_type(in.byte());
  o.max_records = 64;
  const std::string_view doc = in.rest();
  require_figure(content::parse_figure(doc.substr(0, 64)));
  const content::KpiResult r = content::parse_kpi_data(doc, o);
  if (!r.data) {
    if (r.error.rfind("not KPI data: ", 0) != 0) __builtin_trap();
    return 0;
  }
  if (r.data->records.empty() || r.data->records.size() > o.max_records) __builtin_trap();
  std::unordered_set<std::string> keys;
  for (const auto& rec : r.data->records) {
    if (rec.key.empty() || rec.label.empty() || !keys.insert(rec.key).second) __builtin_trap();
    require_text(rec.key, o.max_text_bytes);
    require_text(rec.label, o.max_text_bytes);
    require_text(rec.unit, o.max_text_bytes);
    require_figure(rec.value);
    require_figure(rec.previous);
    require_figure(rec.target);
    if (!rec.value && !rec.previous && !rec.target) __builtin_trap();
  }
  const auto tiles = content::apply_kpi_data({}, *r.data);
  if (tiles.size() > 6) __builtin_trap();
  for (const auto& t : tiles) {
    const auto* rec = &r.data->records.front();
    for (const auto& x : r.data->records)
      if (x.key == t.key) rec = &x;
    if (rec->key != t.key || rec->label != t.label || !rec->value || *rec->value != t.value) __builtin_trap();
  }
  return 0;
}
