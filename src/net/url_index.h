// What a URL last gave, for conditional GETs of content kept in an
// AssetStore: URL -> sha256 of the stored bytes, the validators the server
// sent with them (ETag, Last-Modified) and when the server last confirmed
// them. Shared by the feed pictures (net/picture_store.h) and the
// playlist's own images (sources/playlist_updater.h): a 304 means "the stored
// file is still right", so an unchanged image costs a request with headers
// only, never its bytes again.
//
// Persisted as one JSON file (written atomically, not fsynced: a lost or
// torn index costs a fetch, nothing more) and read on first use, so a
// restart still asks conditionally. At most kMaxIndexed URLs: those
// confirmed longest ago are forgotten first.
//
// Threading: one thread at a time (its owner's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "net/asset_store.h"
#include "net/http_client.h"

namespace paizi::net {

class UrlIndex {
 public:
  static constexpr size_t kMaxIndexed = 2000;

  struct Entry {
    std::string sha256, etag, last_modified;
    int64_t confirmed = 0;  // Unix s UTC the server last confirmed it
  };

  // `path`: the index file (its directory is created on save).
  explicit UrlIndex(std::string path) : path_(std::move(path)) {}

  // The entry of `url` whose file is still in `store` (the budget may have
  // taken it), else null. Valid until the next non-const call.
  const Entry* find(const std::string& url, const AssetStore& store);
  // Asks for `url` conditionally when `known` (from find) is set.
  static void set_validators(HttpRequest& rq, const Entry* known);
  // The server answered 304 at `now`: the stored file stands.
  void confirm(const std::string& url, int64_t now);
  // The server sent new bytes, stored as `sha256`, with `r`'s validators.
  void remember(const std::string& url, const std::string& sha256, const HttpResult& r, int64_t now);
  void save();

 private:
  void load();

  std::string path_;
  std::map<std::string, Entry> entries_;  // by URL
  bool loaded_ = false;
};

}  // namespace paizi::net
