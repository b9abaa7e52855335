// The HTTP client and the cache against tests/feeds/fault_server.py on 127.0.0.1.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "build_config.h"
#include "feeds_test_support.h"
#include "net/http_client.h"
#include "net/http_headers.h"
#include "platform/atomic_file.h"
#include "sources/cache.h"
#include "sources/fetch.h"
#include "sources/news_source.h"

using namespace paizi;

namespace {

// Short limits keep the stalled-server cases to about a second each.
net::HttpLimits test_limits() {
  net::HttpLimits l;
  l.connect_timeout_ms = 1000;
  l.total_timeout_ms = 1500;
  l.low_speed_bytes_per_s = 1;
  l.low_speed_time_s = 1;
  l.max_body_bytes = 1u << 20;
  return l;
}

feeds_test::FaultServer& server() {
  static feeds_test::FaultServer s;  // one server for the whole executable, killed at exit
  return s;
}

net::HttpResult get(const std::string& path, const std::string& etag = {}, const std::string& lm = {}) {
  net::HttpClient c(test_limits());
  return c.fetch({server().url(path), etag, lm, {}, {}, {}});
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("200 then 304 with ETag", "[feeds][http]") {
  const net::HttpResult first = get("/etag.xml");
  REQUIRE(first.ok());
  CHECK(first.status == 200);
  CHECK(first.etag == "\"v1\"");
  CHECK(first.body.find("ETag 频道") != std::string::npos);
  CHECK(first.content_type == "application/rss+xml; charset=utf-8");
  const net::HttpResult second = get("/etag.xml", first.etag);
  CHECK(second.not_modified());
  CHECK(second.body.empty());
}

TEST_CASE("200 then 304 with Last-Modified", "[feeds][http]") {
  const net::HttpResult first = get("/lm.xml");
  REQUIRE(first.ok());
  CHECK(first.last_modified == "Wed, 20 Apr 2022 10:00:00 GMT");
  CHECK(get("/lm.xml", {}, first.last_modified).not_modified());
}

TEST_CASE("gzip bodies are decoded", "[feeds][http]") {
  const net::HttpResult r = get("/gzip.xml");
  REQUIRE(r.ok());
  CHECK(r.body.find("压缩频道") != std::string::npos);
}

TEST_CASE("redirects: followed up to 5, loops fail", "[feeds][http]") {
  const net::HttpResult r = get("/redirect/5");
  REQUIRE(r.ok());
  CHECK(r.effective_url == server().url("/etag.xml"));
  CHECK(r.etag == "\"v1\"");  // validators of the final response
  const net::HttpResult six = get("/redirect/7");
  CHECK_FALSE(six.ok());
  CHECK(six.status == 0);
  const net::HttpResult loop = get("/loop");
  CHECK_FALSE(loop.ok());
  CHECK(loop.error.find("redirect") != std::string::npos);
}

TEST_CASE("https only (require_https): a plain http:// URL is refused before any request", "[feeds][http]") {
  // The same protocol list governs redirects (CURLOPT_REDIR_PROTOCOLS_STR):
  // an https:// server sending the client to http:// is refused the same way.
  // (No TLS server on loopback here to show that one end to end.)
  for (const bool per_request : {false, true}) {
    net::HttpLimits limits;
    limits.https_only = !per_request;
    net::HttpClient client(limits);
    net::HttpRequest rq;
    rq.url = server().url("/redirect/1");
    rq.https_only = per_request;
    const net::HttpResult r = client.fetch(rq);
    INFO(r.error);
    CHECK_FALSE(r.ok());
    CHECK(r.status == 0);
    CHECK(r.error == "plain http:// refused with require_https");
  }
  // Without it, the same URL is fetched (the control).
  CHECK(get("/redirect/1").ok());
}

TEST_CASE("HTTP errors and size cap are values", "[feeds][http]") {
  const net::HttpResult nf = get("/404");
  CHECK(nf.status == 404);
  CHECK(nf.error == "HTTP status 404");
  CHECK(get("/500").error == "HTTP status 500");
  for (const char* path : {"/big", "/big-chunked"}) {
    const net::HttpResult big = get(path);
    CHECK_FALSE(big.ok());
    CHECK(big.body.empty());
    CHECK(big.error.find("cap") != std::string::npos);
  }
}

TEST_CASE("a body can go to a file, a block at a time, under the same cap", "[feeds][http]") {
  feeds_test::TempDir dir;
  net::HttpClient c(test_limits());
  const std::string file = dir.path() + "/body";
  net::HttpRequest rq;
  rq.body_file = file;
  SECTION("HTTP") {
    rq.url = server().url("/etag.xml");
    const net::HttpResult r = c.fetch(rq);
    REQUIRE(r.ok());
    CHECK(r.body.empty());  // not held in memory
    const std::string written = feeds_test::read_file(file);
    CHECK(written.find("ETag 频道") != std::string::npos);
    CHECK(r.body_bytes == written.size());
    CHECK(written == get("/etag.xml").body);
  }
  SECTION("a local file") {
    rq.url = feeds_test::fixture_path("rss2.xml");
    const net::HttpResult r = c.fetch(rq);
    REQUIRE(r.ok());
    CHECK(r.body.empty());
    CHECK(feeds_test::read_file(file) == feeds_test::read_file(feeds_test::fixture_path("rss2.xml")));
    CHECK(r.body_bytes == feeds_test::read_file(file).size());
  }
  SECTION("over the cap") {
    for (const char* path : {"/big", "/big-chunked"}) {
      rq.url = server().url(path);
      const net::HttpResult r = c.fetch(rq);
      CHECK_FALSE(r.ok());
      CHECK(r.error.find("cap") != std::string::npos);
      CHECK(feeds_test::read_file(file).size() <= test_limits().max_body_bytes);
    }
  }
  SECTION("a file that cannot be written") {
    rq.url = server().url("/etag.xml");
    rq.body_file = dir.path() + "/no/such/dir/body";
    const net::HttpResult r = c.fetch(rq);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("cannot write") == 0);
  }
}

TEST_CASE("a stalled server times out quickly", "[feeds][http]") {
  const auto t0 = std::chrono::steady_clock::now();
  const net::HttpResult r = get("/stall");
  CHECK_FALSE(r.ok());
  CHECK(r.status == 0);
  CHECK(seconds_since(t0) < 3.0);
}

TEST_CASE("User-Agent names paizi and its version", "[feeds][http]") {
  const net::HttpResult r = get("/ua");
  REQUIRE(r.ok());
  CHECK(r.body.find("<title>paizi/" PAIZI_VERSION) != std::string::npos);
}

TEST_CASE("local files and unsupported schemes", "[feeds][http]") {
  net::HttpClient c(test_limits());
  CHECK(c.fetch({feeds_test::fixture_path("rss2.xml"), {}, {}, {}, {}, {}}).ok());
  CHECK(c.fetch({"file://" + feeds_test::fixture_path("rss2.xml"), {}, {}, {}, {}, {}}).ok());
  CHECK(c.fetch({"/no/such/file.xml", {}, {}, {}, {}, {}}).error.find("cannot read") == 0);
  CHECK(c.fetch({"ftp://example.com/x", {}, {}, {}, {}, {}}).error.find("unsupported") == 0);
}

TEST_CASE("charset only in the Content-Type header", "[feeds][http][encoding]") {
  net::HttpClient c(test_limits());
  const sources::LoadedFeed r = sources::load_feed(c, nullptr, server().url("/charset-header"), {}, 1000);
  REQUIRE(r.feed);
  REQUIRE(r.feed->items.size() == 1);
  CHECK(r.feed->title == "只在头里的编码");
  CHECK(r.feed->items[0].title == "国标码条目");
  CHECK(r.feed->items[0].link == server().url("/item/0"));  // resolved against the URL fetched
}

TEST_CASE("the cache keeps the last good copy", "[feeds][http][cache]") {
  feeds_test::TempDir state;
  sources::SourceCache cache(state.path() + "/cache");
  net::HttpClient c(test_limits());
  const std::string url = server().url("/switch");
  auto set_mode = [&](const std::string& q) {
    REQUIRE(c.fetch({server().url("/control?" + q), {}, {}, {}, {}, {}}).ok());
  };

  set_mode("mode=good&version=1");
  const sources::LoadedFeed fresh = sources::load_feed(c, &cache, url, {}, 1000);
  REQUIRE(fresh.feed);
  CHECK(fresh.feed->title == "版本1");
  CHECK_FALSE(fresh.from_cache);
  CHECK_FALSE(fresh.stale);
  CHECK(cache.load(url)->etag == "\"s1\"");

  // Each failure serves version 1 from the cache, with its age and the reason.
  for (const char* mode : {"500", "404", "html", "stall", "big", "empty"}) {
    INFO(mode);
    set_mode(std::string("mode=") + mode);
    const sources::LoadedFeed r = sources::load_feed(c, &cache, url, {}, 1000 + 720);
    REQUIRE(r.feed);
    CHECK(r.feed->title == "版本1");
    CHECK(r.from_cache);
    CHECK(r.stale);
    CHECK(r.fetched_at == 1000);  // 12 minutes old at 1720
    CHECK_FALSE(r.error.empty());
  }
  // Good content again replaces the copy.
  set_mode("mode=good&version=2");
  const sources::LoadedFeed again = sources::load_feed(c, &cache, url, {}, 2000);
  REQUIRE(again.feed);
  CHECK(again.feed->title == "版本2");
  CHECK(cache.load(url)->fetched_at == 2000);
  // No cached copy and a failure: no feed, the reason.
  set_mode("mode=500");
  feeds_test::TempDir empty;
  sources::SourceCache none(empty.path());
  const sources::LoadedFeed nothing = sources::load_feed(c, &none, url, {}, 3000);
  CHECK_FALSE(nothing.feed);
  CHECK(nothing.error == "HTTP status 500");
  // An empty feed is not content either: the reason, and nothing stored.
  set_mode("mode=empty");
  const sources::LoadedFeed empty_feed = sources::load_feed(c, &none, url, {}, 3000);
  CHECK_FALSE(empty_feed.feed);
  CHECK(empty_feed.error == "the feed has no items");
  CHECK_FALSE(none.load(url));
  set_mode("mode=good");
}

TEST_CASE("a validator a server made up is neither kept nor sent back", "[feeds][http][cache]") {
  feeds_test::TempDir state;
  sources::SourceCache cache(state.path());
  net::HttpClient c(test_limits());
  for (const char* kind : {"cr", "long", "ctl"}) {
    INFO(kind);
    const std::string url = server().url(std::string("/bad-etag?kind=") + kind);
    REQUIRE(sources::load_feed(c, &cache, url, {}, 100).feed);
    REQUIRE(cache.load(url));
    CHECK(cache.load(url)->etag.empty());
    REQUIRE(sources::load_feed(c, &cache, url, {}, 200).feed);  // unconditional again, still fine
  }
  // The server saw no If-None-Match at all, so nothing was injected either.
  const net::HttpResult log = c.fetch({server().url("/log"), {}, {}, {}, {}, {}});
  REQUIRE(log.ok());
  std::istringstream lines(log.body);
  int seen = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("/bad-etag ", 0) != 0) continue;
    ++seen;
    CHECK(line == "/bad-etag '-' -");
  }
  CHECK(seen == 6);
}

TEST_CASE("response validators: one line of visible characters within a cap") {
  net::ResponseValidators v;
  v.on_header_line("HTTP/1.1 200 OK\r\n");
  v.on_header_line("etag:  W/\"x1\" \r\n");
  v.on_header_line("Last-Modified: Wed, 20 Apr 2022 10:00:00 GMT\r\n");
  CHECK(v.etag == "W/\"x1\"");
  CHECK(v.last_modified == "Wed, 20 Apr 2022 10:00:00 GMT");
  v.on_header_line("ETag: \"\xe7\x89\x88\"\r\n");  // non-ASCII (obs-text) is allowed
  CHECK(v.etag == "\"\xe7\x89\x88\"");
  v.on_header_line("HTTP/1.1 302 Found\r\n");  // the next hop starts from nothing
  CHECK(v.etag.empty());
  CHECK(v.last_modified.empty());
  v.on_header_line("ETag: \"a\rX-Injected: 1\"\r\n");
  CHECK(v.etag.empty());
  v.on_header_line("ETag: \"" + std::string(net::kMaxEtagBytes, 'e') + "\"\r\n");
  CHECK(v.etag.empty());
  v.on_header_line("ETag: \"" + std::string(net::kMaxEtagBytes - 2, 'e') + "\"\r\n");
  CHECK(v.etag.size() == net::kMaxEtagBytes);
  const char with_nul[] = "Last-Modified: Wed\0, 20 Apr 2022\r\n";
  v.on_header_line(std::string_view(with_nul, sizeof with_nul - 1));
  CHECK(v.last_modified.empty());
  v.on_header_line("ETag:\r\n");
  CHECK(v.etag.empty());
}

TEST_CASE("304 refreshes the age of the cached copy; on disk at most once an hour", "[feeds][http][cache]") {
  feeds_test::TempDir state;
  sources::SourceCache cache(state.path());
  net::HttpClient c(test_limits());
  const std::string url = server().url("/etag.xml");
  REQUIRE(sources::load_feed(c, &cache, url, {}, 100).feed);
  const sources::LoadedFeed r = sources::load_feed(c, &cache, url, {}, 500);
  REQUIRE(r.feed);
  CHECK(r.from_cache);
  CHECK_FALSE(r.stale);
  CHECK(r.fetched_at == 500);
  CHECK(r.feed->title == "ETag 频道");
  // A confirmation alone is not worth an SD-card write ...
  CHECK(cache.load(url)->fetched_at == 100);
  // ... until the stored time is an hour old.
  CHECK(sources::load_feed(c, &cache, url, {}, 3700).fetched_at == 3700);
  CHECK(cache.load(url)->fetched_at == 3700);
}

TEST_CASE("the same body again is not rewritten to the cache", "[feeds][http][cache]") {
  feeds_test::TempDir state;
  sources::SourceCache cache(state.path());
  net::HttpClient c(test_limits());
  const std::string url = server().url("/ua");  // no validators: a 200 every time
  REQUIRE(sources::load_feed(c, &cache, url, {}, 100).feed);
  const auto files = [&] {
    std::vector<std::pair<std::string, std::filesystem::file_time_type>> out;
    for (const auto& de : std::filesystem::directory_iterator(state.path()))
      out.emplace_back(de.path().string(), de.last_write_time());
    return out;
  };
  const auto before = files();
  REQUIRE(sources::load_feed(c, &cache, url, {}, 200).fetched_at == 200);
  CHECK(files() == before);
  CHECK(cache.load(url)->fetched_at == 100);
}

TEST_CASE("cache budget evicts the oldest entries", "[feeds][cache]") {
  feeds_test::TempDir state;
  sources::CacheLimits limits;
  limits.max_total_bytes = 250;
  sources::SourceCache cache(state.path(), limits);
  for (int i = 0; i < 4; ++i)
    REQUIRE(cache.store({"http://x/" + std::to_string(i), std::string(100, 'a'), "", "", "", "", 10 + i}));
  CHECK(cache.evictions() == 2);
  CHECK_FALSE(cache.load("http://x/0"));
  CHECK_FALSE(cache.load("http://x/1"));
  CHECK(cache.load("http://x/3")->body.size() == 100);
  CHECK_FALSE(cache.load("http://x/never"));
}

TEST_CASE("cache budget evicts the copies of the playlist on screen last", "[feeds][cache]") {
  feeds_test::TempDir state;
  sources::CacheLimits limits;
  limits.max_total_bytes = 350;
  sources::SourceCache cache(state.path(), limits);
  cache.keep({"http://x/0", "http://x/1"});
  for (int i = 0; i < 4; ++i)
    REQUIRE(cache.store({"http://x/" + std::to_string(i), std::string(100, 'a'), "", "", "", "", 10 + i}));
  CHECK(cache.evictions() == 1);
  CHECK(cache.load("http://x/0"));  // oldest, but shown
  CHECK(cache.load("http://x/1"));
  CHECK_FALSE(cache.load("http://x/2"));
  CHECK(cache.load("http://x/3"));  // just stored
}

TEST_CASE("what a crash leaves in the cache is removed; a damaged entry is no entry", "[feeds][cache]") {
  namespace fs = std::filesystem;
  feeds_test::TempDir state;
  sources::SourceCache cache(state.path());
  REQUIRE(cache.store({"http://x/good", "good body", "", "", "", "", 10}));
  REQUIRE(cache.store({"http://x/bad", "bad body", "", "", "", "", 11}));
  // The .meta of http://x/bad, damaged into valid JSON of the wrong types.
  fs::path bad_meta;
  for (const auto& de : fs::directory_iterator(state.path())) {
    std::string text;
    REQUIRE(paizi::platform::read_whole_file(de.path().string(), text));
    if (de.path().extension() == ".meta" && text.find("http://x/bad") != std::string::npos)
      bad_meta = de.path();
  }
  REQUIRE(!bad_meta.empty());
  std::ofstream(bad_meta) << R"({"url": "http://x/bad", "body_size": "8", "fetched_at": "yesterday"})";
  CHECK_FALSE(cache.load("http://x/bad"));  // no entry (it used to throw nlohmann's type_error)
  // A power cut: a body whose .meta was never written, a half-written
  // temporary file; and a temporary file of a write still in progress.
  const auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  const fs::path orphan = state.path() + "/0123456789abcdef.body",
                 torn = state.path() + "/00aa.meta.tmp.4242", writing = state.path() + "/00bb.body.tmp.4343";
  std::ofstream(orphan) << std::string(5000, 'o');
  std::ofstream(torn) << "{\"url\": ";
  std::ofstream(writing) << "in progress";
  fs::last_write_time(orphan, hour_ago);
  fs::last_write_time(torn, hour_ago);
  REQUIRE(cache.store({"http://x/new", "new body", "", "", "", "", 12}));  // the next store cleans up
  CHECK_FALSE(fs::exists(orphan));
  CHECK_FALSE(fs::exists(torn));
  CHECK_FALSE(fs::exists(bad_meta));
  CHECK(fs::exists(writing));  // recent: maybe another process's write
  CHECK(cache.load("http://x/good")->body == "good body");
  CHECK(cache.load("http://x/new")->body == "new body");
  size_t files = 0;
  for ([[maybe_unused]] const auto& de : fs::directory_iterator(state.path())) ++files;
  CHECK(files == 5);  // good and new (.meta + .body each), and the write in progress
}
