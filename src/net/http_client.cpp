#include "net/http_client.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <curl/curl.h>  // types and constants only: libcurl is opened at run time (below)
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include "build_config.h"
#include "net/http_headers.h"
#include "platform/atomic_file.h"
#include "platform/handle.h"

namespace paizi::net {

namespace {

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
  size_t bytes = 0;
  size_t cap = 0;
  bool over_cap = false;
  int fd = -1;  // HttpRequest::body_file, open
  int write_errno = 0;
  ResponseValidators validators;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->bytes + len > t->cap) {
    t->over_cap = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  if (t->fd >= 0) {
    if (!platform::write_all(t->fd, data, len)) {
      t->write_errno = errno ? errno : EIO;
      return 0;
    }
  } else {
    t->body.append(data, len);
  }
  t->bytes += len;
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  static_cast<Transfer*>(user)->validators.on_header_line(std::string_view(data, size * n));
  return size * n;
}

// libcurl is opened with dlopen on the first HTTP(S) transfer instead of
// being linked. Linking it loads ~25 more libraries (GnuTLS, OpenSSL,
// Kerberos, LDAP, libssh2, ...) and runs their constructors in every paizi
// process: 14 ms of each start-up (`paizi render` is ~90 ms) and several MB
// of RSS, in the many processes that never fetch over HTTP (render, check,
// a player whose playlist is local). The pointers below have libcurl's own
// prototypes, so calls through them are the calls the linked library would
// get. The package depends on libcurl4 explicitly (deps.txt, role run).
struct CurlApi {
  decltype(&(curl_global_init)) global_init;
  decltype(&(curl_easy_init)) easy_init;
  decltype(&(curl_easy_setopt)) easy_setopt;
  decltype(&(curl_easy_perform)) easy_perform;
  decltype(&(curl_easy_getinfo)) easy_getinfo;
  decltype(&(curl_easy_reset)) easy_reset;
  decltype(&(curl_easy_cleanup)) easy_cleanup;
  decltype(&(curl_easy_strerror)) easy_strerror;
  decltype(&(curl_slist_append)) slist_append;
  decltype(&(curl_slist_free_all)) slist_free_all;
};

// Opens libcurl and runs curl_global_init once per process. nullptr (and a
// reason in `err`) when it cannot be loaded; the reason is kept for every
// later call.
const CurlApi* curl_api(std::string& err) {
  static std::once_flag once;
  static CurlApi api{};
  static const CurlApi* loaded = nullptr;
  static std::string why;
  std::call_once(once, [] {
    // libcurl4 (OpenSSL) is what paizi is built against; the GnuTLS flavour
    // has the same ABI.
    void* lib = nullptr;
    for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4"})
      if ((lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    if (!lib) {
      const char* e = dlerror();
      why = std::string("cannot load libcurl (package libcurl4): ") + (e ? e : "not found");
      return;
    }
    bool ok = true;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      if (!fn && ok) {
        ok = false;
        why = std::string("libcurl lacks ") + name;
      }
    };
    sym(api.global_init, "curl_global_init");
    sym(api.easy_init, "curl_easy_init");
    sym(api.easy_setopt, "curl_easy_setopt");
    sym(api.easy_perform, "curl_easy_perform");
    sym(api.easy_getinfo, "curl_easy_getinfo");
    sym(api.easy_reset, "curl_easy_reset");
    sym(api.easy_cleanup, "curl_easy_cleanup");
    sym(api.easy_strerror, "curl_easy_strerror");
    sym(api.slist_append, "curl_slist_append");
    sym(api.slist_free_all, "curl_slist_free_all");
    if (!ok) return;  // the library stays open: nothing of it runs
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      why = "libcurl initialisation failed";
      return;
    }
    loaded = &api;
  });
  if (!loaded) err = why;
  return loaded;
}

}  // namespace

bool is_http_url(const std::string& url) {
  return starts_with_nocase(url, "http://") || starts_with_nocase(url, "https://");
}

bool is_plain_http_url(const std::string& url) { return starts_with_nocase(url, "http://"); }

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
  const CurlApi& api;
  CURL* h = nullptr;
  curl_slist* headers = nullptr;
  explicit Curl(const CurlApi& a) : api(a), h(a.easy_init()) {}
  ~Curl() {
    if (headers) api.slist_free_all(headers);
    if (h) api.easy_cleanup(h);
  }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;
};

HttpClient::HttpClient(HttpLimits limits) : limits_(limits) {}

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
  return fetch_local(path, request.body_file);
}

HttpResult HttpClient::fetch_local(const std::string& path, const std::string& body_file) const {
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
  if (!body_file.empty()) {  // copied a block at a time
    platform::UniqueFd out(::open(body_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out.valid()) {
      r.error = "cannot write " + body_file + ": " + std::strerror(errno);
      return r;
    }
    std::vector<char> buf(1 << 20);
    size_t copied = 0;
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      if (copied + got > limits_.max_body_bytes) {
        r.error = path + " is larger than the cap of " + std::to_string(limits_.max_body_bytes) + " bytes";
        return r;
      }
      if (!platform::write_all(out.get(), buf.data(), got)) {
        r.error = "cannot write " + body_file + ": " + std::strerror(errno);
        return r;
      }
      copied += got;
    }
    if (in.bad()) {
      r.error = "cannot read " + path;
      return r;
    }
    r.body_bytes = copied;
    r.status = 200;
    return r;
  }
  r.body.resize(static_cast<size_t>(size));
  in.read(r.body.data(), size);
  if (!in) {
    r.body.clear();
    r.error = "cannot read " + path;
    return r;
  }
  r.body_bytes = r.body.size();
  r.status = 200;
  return r;
}

HttpResult HttpClient::fetch_http(const HttpRequest& request) {
  HttpResult r;
  r.effective_url = request.url;
  if (!curl_) {  // the first HTTP(S) transfer of this client
    const CurlApi* api = curl_api(r.error);
    if (!api) return r;
    curl_ = std::make_unique<Curl>(*api);
  }
  CURL* h = curl_->h;
  if (!h) {
    r.error = "libcurl initialisation failed";
    return r;
  }
  const CurlApi& c = curl_->api;
  c.easy_reset(h);
  if (curl_->headers) {
    c.slist_free_all(curl_->headers);
    curl_->headers = nullptr;
  }
  Transfer t;
  t.cap = limits_.max_body_bytes;
  platform::UniqueFd body_fd;
  if (!request.body_file.empty()) {
    body_fd =
        platform::UniqueFd(::open(request.body_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!body_fd.valid()) {
      r.error = "cannot write " + request.body_file + ": " + std::strerror(errno);
      return r;
    }
    t.fd = body_fd.get();
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string agent = std::string("paizi/") + PAIZI_VERSION;

  c.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  c.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const bool tls_only = limits_.https_only || request.https_only;
  const char* protocols = tls_only ? "https" : "http,https";  // a server may not send us to file://
  c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
  c.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
  c.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  c.easy_setopt(h, CURLOPT_MAXREDIRS, limits_.max_redirects);
  c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, limits_.connect_timeout_ms);
  c.easy_setopt(h, CURLOPT_TIMEOUT_MS, limits_.total_timeout_ms);
  c.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, limits_.low_speed_bytes_per_s);
  c.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, limits_.low_speed_time_s);
  c.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits_.max_body_bytes));
  c.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can undo (gzip, deflate)
  c.easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
  c.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  c.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  c.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  c.easy_setopt(h, CURLOPT_WRITEDATA, &t);
  c.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  c.easy_setopt(h, CURLOPT_HEADERDATA, &t);
  // Proxies: libcurl reads http_proxy / https_proxy / no_proxy itself.
  // Validators from a cache written by an older version were not checked.
  if (usable_validator(request.etag, kMaxEtagBytes))
    curl_->headers = c.slist_append(curl_->headers, ("If-None-Match: " + request.etag).c_str());
  if (usable_validator(request.last_modified, kMaxLastModifiedBytes))
    curl_->headers = c.slist_append(curl_->headers, ("If-Modified-Since: " + request.last_modified).c_str());
  if (!request.bearer_token.empty())
    curl_->headers =
        c.slist_append(curl_->headers, ("Authorization: Bearer " + request.bearer_token).c_str());
  if (!request.post_type.empty()) {
    curl_->headers = c.slist_append(curl_->headers, ("Content-Type: " + request.post_type).c_str());
    c.easy_setopt(h, CURLOPT_POST, 1L);
    c.easy_setopt(h, CURLOPT_POSTFIELDS, request.post_body.data());
    c.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.post_body.size()));
  }
  if (curl_->headers) c.easy_setopt(h, CURLOPT_HTTPHEADER, curl_->headers);

  const CURLcode rc = c.easy_perform(h);
  char* eff = nullptr;
  if (c.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) r.effective_url = eff;
  if (rc != CURLE_OK) {
    r.transport_code = static_cast<int>(rc);
    if (t.over_cap || rc == CURLE_FILESIZE_EXCEEDED)
      r.error = "body larger than the cap of " + std::to_string(limits_.max_body_bytes) + " bytes";
    else if (t.write_errno)
      r.error = "cannot write " + request.body_file + ": " + std::strerror(t.write_errno);
    else
      r.error = errbuf[0] ? errbuf : c.easy_strerror(rc);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && tls_only) {
      char* next = nullptr;  // the redirect not followed, if that was it
      const bool redirect = c.easy_getinfo(h, CURLINFO_REDIRECT_URL, &next) == CURLE_OK && next;
      r.error = redirect ? "redirect to " + std::string(next) + " refused: plain http:// with require_https"
                         : "plain http:// refused with require_https";
    }
    return r;
  }
  long status = 0;
  c.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  char* ct = nullptr;
  if (c.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) r.content_type = ct;
  r.etag = std::move(t.validators.etag);
  r.last_modified = std::move(t.validators.last_modified);
  if (status == 304) return r;
  if (status < 200 || status >= 300) {
    r.error = "HTTP status " + std::to_string(status);
    return r;
  }
  r.body = std::move(t.body);
  r.body_bytes = t.bytes;
  return r;
}

}  // namespace paizi::net
