#include <catch2/catch.hpp>

#include "show/format.h"

using paizi::show::format_figure;

TEST_CASE("figures: 万/亿, grouping, percent, decimals") {
  CHECK(format_figure(8640000000, "auto", -1).digits == "86.4");
  CHECK(format_figure(8640000000, "auto", -1).magnitude == "亿");
  CHECK(format_figure(426000, "auto", -1).digits == "42.6");
  CHECK(format_figure(426000, "auto", -1).magnitude == "万");
  CHECK(format_figure(400000, "wan", -1).digits == "40");
  CHECK(format_figure(1264, "auto", -1).digits == "1,264");
  CHECK(format_figure(1234567, "group", -1).digits == "1,234,567");
  CHECK(format_figure(-1234.5, "group", 1).digits == "-1,234.5");
  CHECK(format_figure(18.5, "percent", -1).digits == "18.5%");
  CHECK(format_figure(18, "percent", 1).digits == "18.0%");
  CHECK(format_figure(36, "auto", -1).digits == "36");
  CHECK(format_figure(36, "auto", -1).magnitude.empty());
}
