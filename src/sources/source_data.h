// Live data for a playlist's sources (feeds, article pages, KPI data): fetched and
// parsed on a worker thread so that a slow or hostile server never stalls a
// frame; the render thread only reads the latest good snapshot.
//
// Pictures: the picture of each item a news slide shows (a feed's
// enclosure or thumbnail, an article's og:image) is fetched with its source
// into a PictureStore (net/picture_store.h: STATE/pictures, or a private
// temporary directory without a state directory), and the item handed to
// the slide names the local file. A picture that cannot be had (and has no
// last good copy) is dropped from its item: the slide is laid out without
// it, not with an empty box; the reason is in errors().
//
// Threading: refresh_now() and the worker run fetches; news(), headlines()
// and generation() are called from the main (render) thread. Snapshots are
// immutable and swapped under a mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "content/data_provider.h"
#include "content/kpi_data.h"
#include "content/news.h"
#include "content/playlist.h"
#include "net/http_client.h"
#include "net/picture_store.h"
#include "sources/cache.h"

namespace paizi::sources {

// How the sources of the playlist on screen are doing (for metrics).
struct SourceHealth {
  size_t sources = 0;            // feed/article/kpi sources of the playlist on screen
  size_t failing = 0;            // whose last fetch failed: their last good copy (if any) is shown
  size_t stale = 0;              // with no data yet, or data older than their max_age
  uint64_t failures = 0;         // fetches that failed, since start (a counter)
  uint64_t cache_evictions = 0;  // last good copies the source cache evicted for its budget (a counter)
};

class SourceData final : public content::DataProvider {
 public:
  // `state_dir`: where fetched sources are cached (last good copies); empty
  // = no cache.
  SourceData(const content::Playlist& playlist, std::string state_dir);
  ~SourceData() override;
  SourceData(const SourceData&) = delete;
  SourceData& operator=(const SourceData&) = delete;

  // Fetch limits (timeouts, body cap) and the budget of the last good
  // copies in STATE/sources; set before the first refresh.
  void set_limits(const net::HttpLimits& limits, const sources::CacheLimits& cache,
                  const net::PictureLimits& pictures = {}) {
    limits_ = limits;
    cache_limits_ = cache;
    picture_limits_ = pictures;
  }
  // Config require_https: a cap feed's links to plain http:// documents
  // are refused (the playlist's own sources are checked by its updater).
  void set_require_https(bool on) { require_https_ = on; }
  // Config location: the point of cap sources whose filter names none.
  void set_location(std::optional<content::GeoPoint> point) {
    std::lock_guard<std::mutex> lock(mu_);
    location_ = point;
  }
  // Follows a newly adopted playlist: its feed/article sources from now on
  // (fetched at once by the worker when start() was called, else at the
  // next refresh_due()).
  void update(const content::Playlist& playlist);
  // Fetches every source once, blocking (paizi render; first start).
  void refresh_now(int64_t now);
  // Fetches the sources due at `now` (by their refresh intervals), blocking:
  // the simulated clock's worker (paizi play --headless --duration).
  void refresh_due(int64_t now);
  // Points the playlist's own http(s) pictures (image slides, inline
  // articles) at local copies fetched through the picture store: `paizi
  // render`, which has no updater. A picture that cannot be had is dropped
  // from an inline article, left as is on an image slide; each is reported
  // in `problems`.
  void fetch_pictures(content::Playlist& playlist, int64_t now, std::vector<std::string>& problems);
  // Starts/stops the worker that refreshes each source on its interval.
  void start();
  void stop();

  const content::NewsItem* news(const content::NewsSlide& slide, int64_t& fetched) override;
  const content::KpiData* kpi(const std::string& source_id, int64_t& fetched) override;
  std::vector<std::string> headlines(const std::string& source_id) override;
  // Cap sources: the alerts of each one's last good document, less those
  // ended by a Cancel or Update (ever: a replayed alert stays ended), under
  // its filters; not expired at `now`. A document that is not CAP, or a
  // server that fails, leaves the alerts as they were (they still expire).
  std::vector<content::AlertNotice> alerts(int64_t now) override;
  // Increments whenever a source's content changes (main thread polls it).
  uint64_t generation() const { return generation_.load(); }
  // Last error per source id, for logs and status (empty = fine); a
  // picture that could not be had is under "ID picture".
  std::map<std::string, std::string> errors() const;
  // The counts above at `now` (Unix s UTC).
  SourceHealth health(int64_t now) const;

 private:
  struct Snapshot {
    std::vector<content::NewsItem> items;
    std::optional<content::KpiData> kpi;
    int64_t fetched_at = 0;
    std::string error;
    std::string picture_error;  // the last item picture that could not be had
  };
  void refresh(const content::Source& src, int64_t now);
  void refresh_one(const content::Source& src, int64_t now);  // refresh(), then its next due time
  void refresh_cap(const content::Source& src, net::HttpClient& client, sources::SourceCache* cache,
                   int64_t now);
  // A feed, article or KPI source through `client` and `cache` (may be null).
  void refresh_from(const content::Source& src, net::HttpClient& client, sources::SourceCache* cache,
                    int64_t now);
  net::PictureStore* pictures();  // created on first use; null without a directory
  // The pictures of the items news slides show, fetched; see the top.
  void fetch_item_pictures(const std::string& source_id, Snapshot& snap, net::HttpClient& client,
                           int64_t now);
  void follow(const content::Playlist& playlist);  // sources_ and wanted_; mu_ held
  std::string resolve(const std::string& url) const;
  bool listed(const std::string& id) const;  // in sources_; mu_ held
  void run();

  std::vector<content::Source> sources_;
  std::map<std::string, std::vector<int>> wanted_;  // source id -> item indices news slides show
  std::string base_dir_, state_dir_;
  std::string temp_dir_;  // the pictures' directory without a state directory
  std::unique_ptr<net::PictureStore> pictures_;
  net::HttpLimits limits_;
  sources::CacheLimits cache_limits_;
  net::PictureLimits picture_limits_;
  bool require_https_ = false;
  std::optional<content::GeoPoint> location_;  // mu_ held
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Snapshot>> data_;
  std::map<std::string, content::AlertBook> books_;  // cap source id -> its alerts
  std::map<std::string, int64_t> next_due_;
  std::shared_ptr<const Snapshot> held_;      // keeps the item returned by news() alive
  std::shared_ptr<const Snapshot> held_kpi_;  // keeps the data returned by kpi() alive
  std::atomic<uint64_t> generation_{0};
  uint64_t failures_ = 0;         // fetches that ended with an error; mu_ held
  uint64_t cache_evictions_ = 0;  // summed over the per-refresh caches; mu_ held
  std::thread worker_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool kick_ = false;
  bool started_ = false;  // start() was called: update() starts the worker when there is something to fetch
                          // // update(): a new set of sources, fetch now
};

}  // namespace paizi::sources
