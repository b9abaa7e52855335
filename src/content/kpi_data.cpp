#include "content/kpi_data.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "content/encoding.h"
#include "content/html_text.h"

namespace paizi::content {

namespace {

using json = nlohmann::ordered_json;  // records in document order, also from a map of names

constexpr double kMaxFigure = 1e18;  // as the playlist's own tile values

// Column names and JSON keys, compared after lowercasing ASCII.
// A record's name to show (label) and, where the data has one, a code to
// match by (id); either one names the record.
const std::vector<std::string_view> kLabelNames = {"label", "name", "title",    "指标",
                                                   "名称",  "项目", "指标名称", "名字"};
const std::vector<std::string_view> kIdNames = {"key", "id", "code", "metric", "编码", "代码"};
const std::vector<std::string_view> kValueNames = {"value", "current", "val",    "amount", "数值", "值",
                                                   "本期",  "当前值",  "完成值", "实际",   "数据"};
const std::vector<std::string_view> kPreviousNames = {"previous", "prev", "last",   "previous_value",
                                                      "上期",     "同期", "上期值", "去年同期"};
const std::vector<std::string_view> kTargetNames = {"target", "goal", "plan", "目标", "计划", "目标值"};
const std::vector<std::string_view> kUnitNames = {"unit", "units", "单位"};
const std::vector<std::string_view> kListNames = {"items",   "data", "tiles",   "kpis", "kpi", "records",
                                                  "figures", "rows", "metrics", "数据", "指标"};
const std::vector<std::string_view> kUpdatedNames = {"updated",      "updated_at", "update_time",
                                                     "last_updated", "timestamp",  "time",
                                                     "date",         "更新时间",   "统计时间"};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A key or column name as the name lists spell them: trimmed, ASCII lowercase.
std::string name_of(std::string_view name) { return lower_ascii(normalize_space(name, 64)); }

bool is_one_of(const std::string& n, const std::vector<std::string_view>& names) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

// Removes one code point from the front of `s` if it is `cp` (UTF-8).
bool eat(std::string_view& s, std::string_view cp) {
  if (s.substr(0, cp.size()) != cp) return false;
  s.remove_prefix(cp.size());
  return true;
}
bool eat_back(std::string_view& s, std::string_view cp) {
  if (s.size() < cp.size() || s.substr(s.size() - cp.size()) != cp) return false;
  s.remove_suffix(cp.size());
  return true;
}

std::string clean_text(std::string_view s, const KpiOptions& o) {
  std::string out = normalize_space(s, o.max_text_bytes);
  std::string valid;
  sanitize_utf8(out, valid);
  return valid;
}

}  // namespace

std::optional<double> parse_figure(std::string_view text, bool* percent) {
  if (percent) *percent = false;
  if (text.size() > 128) return std::nullopt;
  // Full-width forms to ASCII, separators out.
  std::string a;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+FF01..U+FF5E are ASCII 0x21..0x7E shifted: EF BC 81..EF BD 9E.
    if (c == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned cp = 0xF000u | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        a.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 3;
        continue;
      }
    }
    if (text.compare(i, 3, "\xE2\x88\x92") == 0) {  // U+2212 minus sign
      a.push_back('-');
      i += 3;
      continue;
    }
    if (text.compare(i, 3, "\xE2\x80\x89") == 0 ||
        text.compare(i, 3, "\xE3\x80\x80") == 0) {  // thin, ideographic space
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "\xC2\xA0") == 0) {  // no-break space
      i += 2;
      continue;
    }
    a.push_back(text[i++]);
  }
  std::string_view s(a);
  auto trim = [&] {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  };
  trim();
  bool negative = false;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {  // accounting: (1,200) is -1200
    negative = true;
    s = s.substr(1, s.size() - 2);
    trim();
  }
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = negative != (s.front() == '-');
    s.remove_prefix(1);
    trim();
  }
  for (std::string_view sym : {"\xC2\xA5", "$", "\xE2\x82\xAC", "\xC2\xA3"})  // ¥ $ € £
    if (eat(s, sym)) break;
  trim();
  bool pct = false;
  double scale = 1;
  if (eat_back(s, "%"))
    pct = true;
  else if (eat_back(s, "\xE4\xB8\x87\xE4\xBA\xBF"))
    scale = 1e12;  // 万亿
  else if (eat_back(s, "\xE4\xBA\xBF"))
    scale = 1e8;  // 亿
  else if (eat_back(s, "\xE4\xB8\x87"))
    scale = 1e4;  // 万
  trim();
  std::string digits;
  for (char c : s) {
    if (c == ',' || c == '_' || c == ' ' || c == '\'') continue;
    digits.push_back(c);
  }
  if (digits.empty() || !(std::isdigit(static_cast<unsigned char>(digits[0])) || digits[0] == '.'))
    return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  v *= scale;
  if (negative) v = -v;
  if (!std::isfinite(v) || std::fabs(v) > kMaxFigure) return std::nullopt;
  if (percent) *percent = pct;
  return v;
}

namespace {

std::optional<double> json_figure(const json& v, bool* percent = nullptr) {
  if (percent) *percent = false;
  if (v.is_number()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::fabs(d) <= kMaxFigure) return d;
    return std::nullopt;
  }
  if (v.is_string()) return parse_figure(v.get_ref<const std::string&>(), percent);
  return std::nullopt;
}

std::optional<int64_t> json_time(const json& v, const KpiOptions& o) {
  if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d <= 0 || d > 1e15) return std::nullopt;
    return static_cast<int64_t>(d > 1e11 ? d / 1000 : d);  // milliseconds from JavaScript
  }
  if (v.is_string()) return parse_date(v.get_ref<const std::string&>(), o.dates);
  return std::nullopt;
}

// One record from an object; `key` given when the object is a value in a
// name -> object map.
std::optional<KpiRecord> json_record(const json& obj, const std::string& key, const KpiOptions& o) {
  KpiRecord r;
  std::string label, id;
  for (const auto& [key_name, v] : obj.items()) {
    const std::string name = name_of(key_name);
    if (label.empty() && v.is_string() && is_one_of(name, kLabelNames))
      label = v.get<std::string>();
    else if (id.empty() && (v.is_string() || v.is_number_integer()) && is_one_of(name, kIdNames))
      id = v.is_string() ? v.get<std::string>() : v.dump();
    else if (!r.value && is_one_of(name, kValueNames))
      r.value = json_figure(v, &r.percent);
    else if (!r.previous && is_one_of(name, kPreviousNames))
      r.previous = json_figure(v);
    else if (!r.target && is_one_of(name, kTargetNames))
      r.target = json_figure(v);
    else if (r.unit.empty() && v.is_string() && is_one_of(name, kUnitNames))
      r.unit = clean_text(v.get<std::string>(), o);
  }
  r.label = clean_text(!label.empty() ? label : !key.empty() ? key : id, o);
  r.key = clean_text(!key.empty() ? key : !id.empty() ? id : label, o);
  if (r.key.empty() || !(r.value || r.previous || r.target)) return std::nullopt;
  return r;
}

void add_record(KpiData& d, std::unordered_set<std::string>& seen, KpiRecord r, const KpiOptions& o) {
  if (d.records.size() >= o.max_records || !seen.insert(r.key).second) return;
  d.records.push_back(std::move(r));
}

KpiResult parse_json(std::string_view text, const KpiOptions& o) {
  KpiResult res;
  res.format = "json";
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    res.error = "not KPI data: invalid JSON";
    return res;
  }
  KpiData d;
  std::unordered_set<std::string> seen;
  const json* list = doc.is_array() ? &doc : nullptr;
  if (doc.is_object()) {
    for (const auto& [name, v] : doc.items()) {
      const std::string n = name_of(name);
      if (!list && v.is_array() && is_one_of(n, kListNames))
        list = &v;
      else if (!d.updated && is_one_of(n, kUpdatedNames))
        d.updated = json_time(v, o);
    }
    if (!list) {  // a map from names to figures or to records
      for (const auto& [name, v] : doc.items()) {
        if (is_one_of(name_of(name), kUpdatedNames)) continue;
        if (v.is_object()) {
          if (auto r = json_record(v, name, o)) add_record(d, seen, std::move(*r), o);
        } else {
          KpiRecord r;
          r.key = r.label = clean_text(name, o);
          r.value = json_figure(v, &r.percent);
          if (!r.key.empty() && r.value) add_record(d, seen, std::move(r), o);
        }
      }
    }
  }
  if (list)
    for (const json& e : *list)
      if (e.is_object())
        if (auto r = json_record(e, {}, o)) add_record(d, seen, std::move(*r), o);
  if (d.records.empty()) {
    res.error = "not KPI data: no named figures found in the JSON";
    return res;
  }
  res.data = std::move(d);
  return res;
}

// RFC 4180 rows: quoted fields may hold the separator, quotes ("") and line
// breaks. Stops after `max_rows`; cells past the 64th of a row and
// characters past 4096 of a cell are dropped.
std::vector<std::vector<std::string>> csv_rows(std::string_view s, char sep, size_t max_rows) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < s.size() && rows.size() < max_rows; ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"')
        cell.push_back('"'), ++i;
      else if (c == '"')
        quoted = false;
      else if (cell.size() < 4096)
        cell.push_back(c);
      continue;
    }
    if (c == '"' && cell.find_first_not_of(" \t") == std::string::npos) {
      cell.clear();
      quoted = any = true;
    } else if (c == sep) {
      if (row.size() < 64) row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
      }
      row.clear();
      cell.clear();
      any = false;
    } else if (cell.size() < 4096) {
      cell.push_back(c);
      any = true;
    }
  }
  if ((any || !cell.empty()) && rows.size() < max_rows) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

char csv_separator(std::string_view s) {
  const std::string_view first = s.substr(0, s.find('\n'));
  size_t best = 0;
  char sep = ',';
  for (char c : {',', ';', '\t', '|'}) {
    size_t n = 0;
    bool quoted = false;
    for (char ch : first) {
      if (ch == '"')
        quoted = !quoted;
      else if (ch == c && !quoted)
        ++n;
    }
    if (n > best) best = n, sep = c;
  }
  return sep;
}

KpiResult parse_csv(std::string_view text, const KpiOptions& o) {
  KpiResult res;
  res.format = "csv";
  const auto rows = csv_rows(text, csv_separator(text), o.max_records * 4 + 1);
  if (rows.empty()) {
    res.error = "not KPI data: empty document";
    return res;
  }
  // Columns: named by a header row, else name, value, previous, target, unit.
  int key = 0, id = -1, value = 1, previous = 2, target = 3, unit = 4;
  size_t first = 0;
  const auto& head = rows[0];
  int named_key = -1, named_id = -1, named_value = -1, named_prev = -1, named_target = -1, named_unit = -1;
  for (size_t c = 0; c < head.size() && c < 64; ++c) {
    const int ci = static_cast<int>(c);
    const std::string n = name_of(head[c]);
    if (named_key < 0 && is_one_of(n, kLabelNames))
      named_key = ci;
    else if (named_id < 0 && is_one_of(n, kIdNames))
      named_id = ci;
    else if (named_value < 0 && is_one_of(n, kValueNames))
      named_value = ci;
    else if (named_prev < 0 && is_one_of(n, kPreviousNames))
      named_prev = ci;
    else if (named_target < 0 && is_one_of(n, kTargetNames))
      named_target = ci;
    else if (named_unit < 0 && is_one_of(n, kUnitNames))
      named_unit = ci;
  }
  if (named_value >= 0) {
    key = named_key >= 0 ? named_key : named_id >= 0 ? named_id : (named_value == 0 ? 1 : 0);
    id = named_id;
    value = named_value;
    previous = named_prev;
    target = named_target;
    unit = named_unit;
    first = 1;
  } else if (head.size() >= 2 && !parse_figure(head[1])) {
    first = 1;  // a header in words we do not know: keep the column order
  }
  auto cell = [](const std::vector<std::string>& r, int c) -> std::string_view {
    return c >= 0 && static_cast<size_t>(c) < r.size() ? std::string_view(r[static_cast<size_t>(c)])
                                                       : std::string_view();
  };
  KpiData d;
  std::unordered_set<std::string> seen;
  for (size_t i = first; i < rows.size(); ++i) {
    KpiRecord r;
    r.label = clean_text(cell(rows[i], key), o);
    r.key = id >= 0 ? clean_text(cell(rows[i], id), o) : r.label;
    if (r.key.empty()) r.key = r.label;
    if (r.label.empty()) r.label = r.key;
    r.value = parse_figure(cell(rows[i], value), &r.percent);
    r.previous = parse_figure(cell(rows[i], previous));
    r.target = parse_figure(cell(rows[i], target));
    r.unit = clean_text(cell(rows[i], unit), o);
    if (!r.key.empty() && (r.value || r.previous || r.target)) add_record(d, seen, std::move(r), o);
  }
  if (d.records.empty()) {
    res.error = "not KPI data: no rows with a name and a figure in the CSV";
    return res;
  }
  res.data = std::move(d);
  return res;
}

}  // namespace

KpiResult parse_kpi_data(std::string_view bytes, const KpiOptions& o) {
  const Decoded dec = decode_to_utf8(bytes, o.content_type);
  std::string_view s(dec.utf8);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  KpiResult res;
  if (s.empty()) {
    res.error = "not KPI data: empty document";
    return res;
  }
  if (s.front() == '<') {
    res.error = "not KPI data: the document is HTML or XML";
    return res;
  }
  // The bytes decide, not the Content-Type: servers label CSV files
  // application/octet-stream, text/plain or even application/json.
  if (s.front() == '{' || s.front() == '[') return parse_json(s, o);
  return parse_csv(s, o);
}

std::vector<KpiTile> apply_kpi_data(const std::vector<KpiTile>& tiles, const KpiData& data) {
  std::vector<KpiTile> out;
  if (tiles.empty()) {
    for (const KpiRecord& r : data.records) {
      if (out.size() == 6) break;
      if (!r.value) continue;
      KpiTile t;
      t.label = r.label;
      t.key = r.key;
      t.value = *r.value;
      t.previous = r.previous;
      t.target = r.target;
      t.unit = r.unit;
      if (r.percent) t.format = KpiFormat::Percent;
      out.push_back(std::move(t));
    }
    return out;
  }
  out = tiles;
  for (KpiTile& t : out) {
    const std::string& key = t.key.empty() ? t.label : t.key;
    auto it = std::find_if(data.records.begin(), data.records.end(),
                           [&](const KpiRecord& r) { return r.key == key; });
    if (it == data.records.end())
      it = std::find_if(data.records.begin(), data.records.end(),
                        [&](const KpiRecord& r) { return r.label == key; });
    if (it == data.records.end()) continue;
    if (it->value) t.value = *it->value;
    if (it->previous) t.previous = it->previous;
    if (it->target) t.target = it->target;
    if (t.unit.empty()) t.unit = it->unit;
    if (it->percent && t.format == KpiFormat::Auto) t.format = KpiFormat::Percent;
  }
  return out;
}

}  // namespace paizi::content
