#include "net/http_client.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string_view>

#include <curl/curl.h>

#include "build_config.h"

namespace paizi::net {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// State shared with the libcurl callbacks during one transfer.
struct Transfer {
  std::string body;
  size_t cap = 0;
  bool over_cap = false;
  std::string etag, last_modified;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->body.size() + len > t->cap) {
    t->over_cap = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  t->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  if (starts_with_nocase(line, "http/")) {  // a new response (redirect hop): forget the old one
    t->etag.clear();
    t->last_modified.clear();
  } else if (starts_with_nocase(line, "etag:")) {
    t->etag = trim(line.substr(5));
  } else if (starts_with_nocase(line, "last-modified:")) {
    t->last_modified = trim(line.substr(14));
  }
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

bool is_http_url(const std::string& url) {
  return starts_with_nocase(url, "http://") || starts_with_nocase(url, "https://");
}

std::string local_path(const std::string& url) {
  if (starts_with_nocase(url, "file://")) {
    std::string_view rest = std::string_view(url).substr(7);
    if (starts_with_nocase(rest, "localhost/")) rest.remove_prefix(9);
    return percent_decode(rest);
  }
  const size_t colon = url.find("://");
  if (colon != std::string::npos) return {};  // some other scheme
  return url;
}

struct HttpClient::Curl {
  CURL* h = nullptr;
  curl_slist* headers = nullptr;
  Curl() : h(curl_easy_init()) {}
  ~Curl() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;
};

HttpClient::HttpClient(HttpLimits limits) : limits_(limits) {
  global_init();
  curl_ = std::make_unique<Curl>();
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::fetch(const HttpRequest& request) {
  if (is_http_url(request.url)) return fetch_http(request);
  const std::string path = local_path(request.url);
  if (path.empty()) {
    HttpResult r;
    r.effective_url = request.url;
    r.error = "unsupported URL scheme in " + request.url;
    return r;
  }
  return fetch_local(path);
}

HttpResult HttpClient::fetch_local(const std::string& path) const {
  HttpResult r;
  r.effective_url = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = "cannot read " + path + ": " + std::strerror(errno);
    return r;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    r.error = "cannot read " + path;
    return r;
  }
  if (static_cast<size_t>(size) > limits_.max_body_bytes) {
    r.error = path + " is larger than the cap of " + std::to_string(limits_.max_body_bytes) + " bytes";
    return r;
  }
  in.seekg(0);
  r.body.resize(static_cast<size_t>(size));
  in.read(r.body.data(), size);
  if (!in) {
    r.body.clear();
    r.error = "cannot read " + path;
    return r;
  }
  r.status = 200;
  return r;
}

HttpResult HttpClient::fetch_http(const HttpRequest& request) {
  HttpResult r;
  r.effective_url = request.url;
  CURL* h = curl_ ? curl_->h : nullptr;
  if (!h) {
    r.error = "libcurl initialisation failed";
    return r;
  }
  curl_easy_reset(h);
  if (curl_->headers) {
    curl_slist_free_all(curl_->headers);
    curl_->headers = nullptr;
  }
  Transfer t;
  t.cap = limits_.max_body_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string agent = std::string("paizi/") + PAIZI_VERSION;

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");  // a server may not send us to file://
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, limits_.max_redirects);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, limits_.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, limits_.total_timeout_ms);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, limits_.low_speed_bytes_per_s);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, limits_.low_speed_time_s);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits_.max_body_bytes));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can undo (gzip, deflate)
  curl_easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  // Proxies: libcurl reads http_proxy / https_proxy / no_proxy itself.
  if (!request.etag.empty())
    curl_->headers = curl_slist_append(curl_->headers, ("If-None-Match: " + request.etag).c_str());
  if (!request.last_modified.empty())
    curl_->headers =
        curl_slist_append(curl_->headers, ("If-Modified-Since: " + request.last_modified).c_str());
  if (curl_->headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, curl_->headers);

  const CURLcode rc = curl_easy_perform(h);
  char* eff = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) r.effective_url = eff;
  if (rc != CURLE_OK) {
    if (t.over_cap || rc == CURLE_FILESIZE_EXCEEDED)
      r.error = "body larger than the cap of " + std::to_string(limits_.max_body_bytes) + " bytes";
    else
      r.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return r;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  char* ct = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) r.content_type = ct;
  r.etag = std::move(t.etag);
  r.last_modified = std::move(t.last_modified);
  if (status == 304) return r;
  if (status < 200 || status >= 300) {
    r.error = "HTTP status " + std::to_string(status);
    return r;
  }
  r.body = std::move(t.body);
  return r;
}

}  // namespace paizi::net
