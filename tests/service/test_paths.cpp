// platform/paths.h: how playlist references resolve, and what counts as
// inside an asset root (the check that keeps a playlist from naming files
// outside what the operator allowed).
#include <catch2/catch.hpp>

#include "platform/paths.h"

using paizi::platform::absolute_path;
using paizi::platform::is_within;
using paizi::platform::resolve_ref;

TEST_CASE("a playlist reference resolves against the playlist's directory", "[paths]") {
  CHECK(resolve_ref("/srv/show", "img/a.png") == "/srv/show/img/a.png");
  CHECK(resolve_ref("/srv/show", "/abs/a.png") == "/abs/a.png");
  CHECK(resolve_ref("/srv/show", "https://example.com/a.png") == "https://example.com/a.png");
  CHECK(resolve_ref("/srv/show", "") == "");
  CHECK(resolve_ref("", "img/a.png") == "img/a.png");  // the working directory
}

TEST_CASE("inside a root means the root or beneath it, never beside or above it", "[paths]") {
  CHECK(is_within("/srv/show", "/srv/show"));
  CHECK(is_within("/srv/show/a.png", "/srv/show"));
  CHECK(is_within("/srv/show/x/../a.png", "/srv/show/"));
  CHECK_FALSE(is_within("/srv/showcase/a.png", "/srv/show"));  // a shared prefix is not a parent
  CHECK_FALSE(is_within("/srv/show/../secret", "/srv/show"));
  CHECK_FALSE(is_within("/srv", "/srv/show"));
  CHECK_FALSE(is_within("/etc/passwd", "/srv/show"));
}

TEST_CASE("a state directory is made absolute once", "[paths]") {
  const std::string abs = absolute_path("state/../state/x");
  CHECK(abs.front() == '/');
  CHECK(abs.size() > std::string("/state/x").size());
  CHECK(abs.compare(abs.size() - 8, 8, "/state/x") == 0);
  CHECK(absolute_path("") == "");
}
