#include "show/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace paizi::show {
namespace {

std::string fixed(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  std::string s = b;
  return s;
}

std::string strip_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string group(const std::string& s) {
  const size_t dot = s.find('.');
  std::string ip = s.substr(0, dot), fp = dot == std::string::npos ? "" : s.substr(dot);
  const bool neg = !ip.empty() && ip[0] == '-';
  if (neg) ip.erase(0, 1);
  std::string out;
  for (size_t i = 0; i < ip.size(); ++i) {
    if (i && (ip.size() - i) % 3 == 0) out += ',';
    out += ip[i];
  }
  return (neg ? "-" : "") + out + fp;
}

}  // namespace

Figure format_figure(double value, content::KpiFormat format, int decimals) {
  using content::KpiFormat;
  Figure f;
  if (!std::isfinite(value)) {
    f.digits = "—";
    return f;
  }
  const double a = std::fabs(value);
  KpiFormat fmt = format;
  if (fmt == KpiFormat::Auto) fmt = a >= 1e5 ? KpiFormat::Wan : KpiFormat::Group;
  if (fmt == KpiFormat::Percent) {
    f.digits = strip_zeros(fixed(value, decimals < 0 ? 1 : decimals)) + "%";
    if (decimals >= 0) f.digits = fixed(value, decimals) + "%";
    return f;
  }
  if (fmt == KpiFormat::Wan && a >= 1e4) {
    const bool yi = a >= 1e8;
    const double v = value / (yi ? 1e8 : 1e4);
    const int d = decimals >= 0 ? decimals : (std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2);
    f.digits = decimals >= 0 ? fixed(v, d) : strip_zeros(fixed(v, d));
    f.magnitude = yi ? "亿" : "万";
    return f;
  }
  const int d = decimals >= 0 ? decimals : (std::floor(a) == a ? 0 : 2);
  std::string s = decimals >= 0 ? fixed(value, d) : strip_zeros(fixed(value, d));
  f.digits = fmt == KpiFormat::Plain ? s : group(s);
  return f;
}

std::string chinese_date(int64_t t, const content::TimeZone& zone) {
  const content::LocalTime lt = zone.local(t);
  char b[64];
  std::snprintf(b, sizeof b, "%d年%d月%d日", lt.year, lt.month, lt.day);
  return b;
}

std::string chinese_datetime(int64_t t, const content::TimeZone& zone, bool with_time) {
  static const char* const kWeek[] = {"一", "二", "三", "四",
                                      "五", "六", "日"};  // LocalTime::weekday: 0 = Monday
  const content::LocalTime lt = zone.local(t);
  std::string s = chinese_date(t, zone) + " 星期" + kWeek[lt.weekday % 7];
  if (with_time) {
    char b[16];
    std::snprintf(b, sizeof b, " %02d:%02d", lt.minute_of_day / 60, lt.minute_of_day % 60);
    s += b;
  }
  return s;
}

std::string chinese_age(int64_t s) {
  if (s < 3600) return std::to_string(std::max<int64_t>(1, s / 60)) + "分钟前";
  if (s < 86400) return std::to_string(s / 3600) + "小时前";
  return std::to_string(s / 86400) + "天前";
}

}  // namespace paizi::show
