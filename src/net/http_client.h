// The one HTTP client everything that fetches uses (feeds, articles, images).
// libcurl underneath; local sources (plain paths and file:// URLs) are read
// from disk through the same call so callers never branch on the scheme.
//
// Contract: fetch() never throws; every failure is a value (status 0 or the
// HTTP status, plus a one-line `error`). A client owns one CURL easy handle
// (connection reuse) and is used from one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace paizi::net {

struct HttpLimits {
  long connect_timeout_ms = 10000;    // TCP + TLS handshake
  long total_timeout_ms = 30000;      // whole transfer, redirects included
  long low_speed_bytes_per_s = 64;    // abort when slower than this ...
  long low_speed_time_s = 15;         // ... for this many seconds
  size_t max_body_bytes = 16u << 20;  // decoded body (after gzip), bytes
  long max_redirects = 5;
  // Only https://, for the first URL and every redirect (config
  // require_https): a server's redirect to http:// is refused, not followed.
  bool https_only = false;
};

struct HttpRequest {
  std::string url;            // http(s)://, file:// or a plain path
  std::string etag;           // sent as If-None-Match when set
  std::string last_modified;  // sent as If-Modified-Since when set
  std::string bearer_token;   // sent as "Authorization: Bearer ..." (http(s) only); never logged
  std::string post_type;      // set: POST `post_body` with this Content-Type instead of GET
  std::string post_body;
  bool https_only = false;  // this request only, as HttpLimits::https_only
  // Set: the body goes into this file (created or truncated), a block at a
  // time, not into HttpResult::body (a clip of hundreds of MB is never held
  // whole); the cap applies the same. The caller removes the file.
  std::string body_file = {};
};

struct HttpResult {
  // 200..299 with a body; 304 (not modified, empty body); other HTTP statuses
  // as received with `error` set; 0 when no HTTP answer (DNS, connect,
  // timeout, redirect loop, body over the cap, unreadable file).
  long status = 0;
  std::string body;          // decoded (gzip/deflate undone), at most max_body_bytes
  size_t body_bytes = 0;     // the body's length (also when it went to HttpRequest::body_file)
  std::string content_type;  // Content-Type header, verbatim; empty for files
  std::string etag;          // validators of the final response
  std::string last_modified;
  std::string effective_url;  // after redirects
  std::string error;          // empty on success (2xx or 304)
  // The libcurl code when the transfer itself failed (0 otherwise): with
  // `status`, the kind of a failure; `error` also carries details that vary
  // from one try to the next (elapsed milliseconds, ports).
  int transport_code = 0;

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  bool not_modified() const { return error.empty() && status == 304; }
};

// True for http:// and https:// URLs (case-insensitive scheme).
bool is_http_url(const std::string& url);
// True for plain http:// URLs (case-insensitive: "HTTP://" is the same
// scheme to libcurl, so it is to every rule about it).
bool is_plain_http_url(const std::string& url);
// For file:// URLs and plain paths: the local path; empty for other URLs.
std::string local_path(const std::string& url);

class HttpClient {
 public:
  explicit HttpClient(HttpLimits limits = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult fetch(const HttpRequest& request);
  const HttpLimits& limits() const { return limits_; }

 private:
  HttpResult fetch_local(const std::string& path, const std::string& body_file) const;
  HttpResult fetch_http(const HttpRequest& request);

  struct Curl;  // RAII over CURL*
  HttpLimits limits_;
  std::unique_ptr<Curl> curl_;
};

}  // namespace paizi::net
