#include <catch2/catch.hpp>

#include "show/format.h"

using paizi::show::format_figure;

TEST_CASE("figures: 万/亿, grouping, percent, decimals") {
  CHECK(format_figure(8640000000, paizi::content::KpiFormat::Auto, -1).digits == "86.4");
  CHECK(format_figure(8640000000, paizi::content::KpiFormat::Auto, -1).magnitude == "亿");
  CHECK(format_figure(426000, paizi::content::KpiFormat::Auto, -1).digits == "42.6");
  CHECK(format_figure(426000, paizi::content::KpiFormat::Auto, -1).magnitude == "万");
  CHECK(format_figure(400000, paizi::content::KpiFormat::Wan, -1).digits == "40");
  CHECK(format_figure(1264, paizi::content::KpiFormat::Auto, -1).digits == "1,264");
  CHECK(format_figure(1234567, paizi::content::KpiFormat::Group, -1).digits == "1,234,567");
  CHECK(format_figure(-1234.5, paizi::content::KpiFormat::Group, 1).digits == "-1,234.5");
  CHECK(format_figure(18.5, paizi::content::KpiFormat::Percent, -1).digits == "18.5%");
  CHECK(format_figure(18, paizi::content::KpiFormat::Percent, 1).digits == "18.0%");
  CHECK(format_figure(36, paizi::content::KpiFormat::Auto, -1).digits == "36");
  CHECK(format_figure(36, paizi::content::KpiFormat::Auto, -1).magnitude.empty());
}

TEST_CASE("dates and the clock are read in the zone given, not the process's TZ") {
  std::string err;
  const auto shanghai = paizi::content::TimeZone::load("Asia/Shanghai", err);
  REQUIRE(shanghai);
  const auto utc = paizi::content::TimeZone::utc();
  // 2024-04-20 16:05 UTC = 2024-04-21 00:05 in Shanghai, a Sunday.
  CHECK(paizi::show::chinese_datetime(1713629100, *shanghai) == "2024年4月21日 星期日 00:05");
  CHECK(paizi::show::chinese_datetime(1713629100, utc) == "2024年4月20日 星期六 16:05");
  CHECK(paizi::show::chinese_datetime(1713629100, *shanghai, false) == "2024年4月21日 星期日");
  CHECK(paizi::show::chinese_date(1713629100, *shanghai) == "2024年4月21日");
  CHECK(paizi::show::chinese_date(1713629100 - 6 * 60, *shanghai) == "2024年4月20日");  // 23:59
}
