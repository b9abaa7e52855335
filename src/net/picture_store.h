// Pictures named by content rather than by the playlist: a feed item's
// enclosure, media:content or media:thumbnail, an article page's og:image
// or first figure, and (for `paizi render`, which has no updater) an inline
// http(s) picture. The playlist's own images go through the updater
// (sources/playlist_updater.h); these come and go with the news.
//
// Storage: a content-addressed AssetStore in DIR (DIR/<sha256>, written
// atomically, once per content) and DIR/index.json, the URL -> sha256 map
// with each picture's validators and the time the server last confirmed it
// (net/url_index.h), so a restart without the network still has its pictures.
//
// get(url): a picture confirmed less than `recheck` ago is used without a
// request (local files are always read again); an older one is confirmed with a conditional GET (304: the
// same file); a failed fetch falls back to the stored copy (the last good one). A fetched body is kept only
// when `check` accepts it (an HTML error page served with 200, a cut or oversized file are not pictures):
// otherwise, or without a stored copy, "" and a one-line reason.
//
// Budget: after each new picture the store is collected down to
// `max_total_bytes`, least recently confirmed first, never the picture just
// stored; the index holds at most UrlIndex::kMaxIndexed URLs.
//
// Threading: one thread at a time (the sources worker; `paizi render`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/asset_store.h"
#include "net/http_client.h"
#include "net/url_index.h"

namespace paizi::net {

struct PictureLimits {
  size_t max_total_bytes = 32u << 20;     // stored pictures, bytes
  int64_t recheck_s = int64_t{6} * 3600;  // a stored picture is confirmed at most this often, s
  bool https_only = false;                // plain http:// pictures are refused (config require_https)
};

class PictureStore {
 public:
  // `dir` is created on first store. `check`: "" to keep fetched bytes, else
  // why they are not a picture; unset: any bytes.
  PictureStore(std::string dir, PictureLimits limits, std::function<std::string(std::string_view)> check);

  // The local file holding the picture `url` names (http(s), file:// or a
  // path), fetched or confirmed as said above; "" with `err` set when there
  // is none. `now`: Unix seconds UTC.
  std::string get(HttpClient& client, const std::string& url, int64_t now, std::string& err);

  AssetStoreStats stats() const { return store_.stats(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  PictureLimits limits_;
  std::function<std::string(std::string_view)> check_;
  AssetStore store_;
  UrlIndex index_;
};

}  // namespace paizi::net
