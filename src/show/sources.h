// Live data for a playlist's sources (feeds, article pages, KPI data): fetched and
// parsed on a worker thread so that a slow or hostile server never stalls a
// frame; the render thread only reads the latest good snapshot.
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

#include "content/kpi_data.h"
#include "content/news.h"
#include "content/playlist.h"
#include "net/cache.h"
#include "net/http_client.h"
#include "show/player.h"

namespace paizi::show {

class SourceData final : public DataProvider {
 public:
  // `state_dir`: where fetched sources are cached (last good copies); empty
  // = no cache.
  SourceData(const content::Playlist& playlist, std::string state_dir);
  ~SourceData() override;
  SourceData(const SourceData&) = delete;
  SourceData& operator=(const SourceData&) = delete;

  // Fetch limits (timeouts, body cap) and the budget of the last good
  // copies in STATE/sources; set before the first refresh.
  void set_limits(const net::HttpLimits& limits, const net::CacheLimits& cache) {
    limits_ = limits;
    cache_limits_ = cache;
  }
  // Follows a newly adopted playlist: its feed/article sources from now on.
  void update(const content::Playlist& playlist);
  // Fetches every source once, blocking (paizi render; first start).
  void refresh_now(int64_t now);
  // Starts/stops the worker that refreshes each source on its interval.
  void start();
  void stop();

  const content::NewsItem* news(const content::Slide& slide, int64_t& fetched) override;
  const content::KpiData* kpi(const std::string& source_id, int64_t& fetched) override;
  std::vector<std::string> headlines(const std::string& source_id) override;
  // Increments whenever a source's content changes (main thread polls it).
  uint64_t generation() const { return generation_.load(); }
  // Last error per source id, for logs and status (empty = fine).
  std::map<std::string, std::string> errors() const;

 private:
  struct Snapshot {
    std::vector<content::NewsItem> items;
    std::optional<content::KpiData> kpi;
    int64_t fetched_at = 0;
    std::string error;
  };
  void refresh(const content::Source& src, int64_t now);
  std::string resolve(const std::string& url) const;
  bool listed(const std::string& id) const;  // in sources_; mu_ held
  void run();

  std::vector<content::Source> sources_;
  std::string base_dir_, state_dir_;
  net::HttpLimits limits_;
  net::CacheLimits cache_limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Snapshot>> data_;
  std::map<std::string, int64_t> next_due_;
  std::shared_ptr<const Snapshot> held_;      // keeps the item returned by news() alive
  std::shared_ptr<const Snapshot> held_kpi_;  // keeps the data returned by kpi() alive
  std::atomic<uint64_t> generation_{0};
  std::thread worker_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool kick_ = false;  // update(): a new set of sources, fetch now
};

}  // namespace paizi::show
