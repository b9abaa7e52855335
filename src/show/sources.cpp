#include "show/sources.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include "content/news_source.h"
#include "net/cache.h"
#include "net/http_client.h"

namespace paizi::show {

SourceData::SourceData(const content::Playlist& playlist, std::string state_dir)
    : base_dir_(playlist.base_dir), state_dir_(std::move(state_dir)) {
  for (const auto& s : playlist.sources)
    if (s.type == "feed" || s.type == "article" || s.type == "kpi") sources_.push_back(s);
}

SourceData::~SourceData() { stop(); }

void SourceData::update(const content::Playlist& playlist) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    base_dir_ = playlist.base_dir;
    sources_.clear();
    for (const auto& s : playlist.sources)
      if (s.type == "feed" || s.type == "article" || s.type == "kpi") sources_.push_back(s);
    // A source the new playlist no longer has is forgotten: its items, and
    // an error that would otherwise be reported for ever. A source it keeps
    // (by id) keeps its last good copy until the next fetch replaces it.
    for (auto it = data_.begin(); it != data_.end();)
      it = listed(it->first) ? std::next(it) : data_.erase(it);
    next_due_.clear();  // fetch the new set now
    kick_ = true;
  }
  cv_.notify_all();
  if (!worker_.joinable()) start();
}

bool SourceData::listed(const std::string& id) const {
  return std::any_of(sources_.begin(), sources_.end(), [&](const content::Source& s) { return s.id == id; });
}

std::string SourceData::resolve(const std::string& url) const {
  std::string base;
  {
    std::lock_guard<std::mutex> lock(mu_);
    base = base_dir_;
  }
  if (url.empty() || url[0] == '/' || url.find("://") != std::string::npos || base.empty()) return url;
  return base + "/" + url;
}

void SourceData::refresh(const content::Source& src, int64_t now) {
  // One client and cache per refresh: the worker is the only fetcher.
  net::HttpClient client(limits_);
  std::unique_ptr<net::SourceCache> cache;
  if (!state_dir_.empty()) {
    cache = std::make_unique<net::SourceCache>(state_dir_ + "/sources", cache_limits_);
    std::set<std::string> shown;  // the copies of the playlist on screen are evicted last
    std::vector<content::Source> sources;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sources = sources_;
    }
    for (const auto& s : sources) shown.insert(resolve(s.url));
    cache->keep(std::move(shown));
  }
  auto snap = std::make_shared<Snapshot>();
  if (src.type == "feed") {
    content::LoadedFeed f = content::load_feed(client, cache.get(), resolve(src.url), {}, now);
    if (f.feed) {
      snap->items = std::move(f.feed->items);
      for (auto& it : snap->items)
        if (it.source.empty()) it.source = f.feed->title;
    }
    snap->fetched_at = f.fetched_at;
    snap->error = f.error;
  } else if (src.type == "kpi") {
    content::LoadedKpi k = content::load_kpi(client, cache.get(), resolve(src.url), {}, now);
    snap->kpi = std::move(k.data);
    snap->fetched_at = k.fetched_at;
    snap->error = k.error;
  } else {
    content::LoadedArticle a = content::load_article(client, cache.get(), resolve(src.url), {}, now);
    if (a.article) snap->items.push_back(std::move(*a.article));
    snap->fetched_at = a.fetched_at;
    snap->error = a.error;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!listed(src.id)) return;  // update() dropped it while it was being fetched
  auto& slot = data_[src.id];
  // Bad content never replaces good content: keep the old items, note the error.
  auto has_content = [](const Snapshot& x) { return !x.items.empty() || (x.kpi && !x.kpi->records.empty()); };
  if (!has_content(*snap) && slot && has_content(*slot)) {
    auto kept = std::make_shared<Snapshot>(*slot);
    kept->error = snap->error.empty() ? "no items" : snap->error;
    slot = std::move(kept);
    return;
  }
  const bool changed = !slot || slot->fetched_at != snap->fetched_at || slot->items.size() != snap->items.size() ||
                       slot->kpi.has_value() != snap->kpi.has_value();
  slot = std::move(snap);
  if (changed) ++generation_;
}

void SourceData::refresh_now(int64_t now) {
  for (const auto& s : sources_) {
    refresh(s, now);
    next_due_[s.id] = now + std::chrono::duration_cast<std::chrono::seconds>(s.refresh).count();
  }
}

void SourceData::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    int64_t wake = now + 3600;
    const std::vector<content::Source> sources = sources_;  // update() may replace the list meanwhile
    for (const auto& s : sources) {
      if (next_due_[s.id] <= now) {
        lock.unlock();
        refresh(s, now);
        lock.lock();
        // At most one fetch per source and second, whatever the playlist says.
        next_due_[s.id] = now + std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(s.refresh).count());
        if (stopping_) return;
      }
      wake = std::min(wake, next_due_[s.id]);
    }
    cv_.wait_for(lock, std::chrono::seconds(std::max<int64_t>(1, wake - now)), [this] { return stopping_ || kick_; });
    kick_ = false;
  }
}

void SourceData::start() {
  if (worker_.joinable() || sources_.empty()) return;
  worker_ = std::thread([this] { run(); });
}

void SourceData::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

const content::NewsItem* SourceData::news(const content::Slide& slide, int64_t& fetched) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(slide.source);
  if (it == data_.end() || !it->second || it->second->items.empty()) return nullptr;
  held_ = it->second;
  fetched = held_->fetched_at;
  const size_t i = static_cast<size_t>(slide.item) % held_->items.size();
  return &held_->items[i];
}

const content::KpiData* SourceData::kpi(const std::string& source_id, int64_t& fetched) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(source_id);
  if (it == data_.end() || !it->second || !it->second->kpi) return nullptr;
  held_kpi_ = it->second;
  // The data is as old as the document says, when it says (a BI export
  // republished unchanged is not fresh); never newer than its fetch.
  fetched = held_kpi_->fetched_at;
  if (const auto& updated = held_kpi_->kpi->updated; updated && (fetched == 0 || *updated < fetched)) fetched = *updated;
  return &*held_kpi_->kpi;
}

std::vector<std::string> SourceData::headlines(const std::string& source_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  auto it = data_.find(source_id);
  if (it == data_.end() || !it->second) return out;
  for (const auto& item : it->second->items)
    if (std::string h = headline_of(item); !h.empty()) out.push_back(std::move(h));
  return out;
}

std::map<std::string, std::string> SourceData::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [id, snap] : data_)
    if (snap && !snap->error.empty()) out[id] = snap->error;
  return out;
}

}  // namespace paizi::show
