#include "sources/source_data.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>

#include <stdlib.h>

#include "net/http_client.h"
#include "platform/paths.h"
#include "render/image.h"
#include "sources/cache.h"
#include "sources/news_source.h"

namespace paizi::sources {

SourceData::SourceData(const content::Playlist& playlist, std::string state_dir)
    : base_dir_(playlist.base_dir), state_dir_(std::move(state_dir)) {
  follow(playlist);
}

net::PictureStore* SourceData::pictures() {
  if (pictures_) return pictures_.get();
  std::string dir = state_dir_.empty() ? "" : state_dir_ + "/pictures";
  if (dir.empty()) {  // no state directory: a private one, removed with this object
    std::string tmpl = (std::filesystem::temp_directory_path() / "paizi-pictures-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return nullptr;
    dir = temp_dir_ = tmpl;
  }
  // A picture the painter would refuse is no picture (no empty box).
  pictures_ = std::make_unique<net::PictureStore>(
      dir, picture_limits_, [](std::string_view b) { return render::image_problem(b); });
  return pictures_.get();
}

SourceData::~SourceData() {
  stop();
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

void SourceData::follow(const content::Playlist& playlist) {
  base_dir_ = playlist.base_dir;
  sources_.clear();
  for (const auto& s : playlist.sources)
    if (s.kind != content::SourceKind::Image) sources_.push_back(s);
  wanted_.clear();
  for (const auto& s : playlist.slides)
    if (const auto* n = s.as<content::NewsSlide>(); n && !n->source.empty() && !n->news)
      wanted_[n->source].push_back(n->item);
}

void SourceData::update(const content::Playlist& playlist) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    follow(playlist);
    // A source the new playlist no longer has is forgotten: its items, and
    // an error that would otherwise be reported for ever. A source it keeps
    // (by id) keeps its last good copy until the next fetch replaces it.
    for (auto it = data_.begin(); it != data_.end();)
      it = listed(it->first) ? std::next(it) : data_.erase(it);
    for (auto it = books_.begin(); it != books_.end();)
      it = listed(it->first) ? std::next(it) : books_.erase(it);
    next_due_.clear();  // fetch the new set now
    kick_ = true;
  }
  cv_.notify_all();
  if (started_ && !worker_.joinable()) start();  // a first set of sources (refresh_due() runs them otherwise)
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
  return platform::resolve_ref(base, url);
}

void SourceData::refresh(const content::Source& src, int64_t now) {
  // One client and cache per refresh: the worker is the only fetcher.
  net::HttpClient client(limits_);
  std::unique_ptr<sources::SourceCache> cache;
  if (!state_dir_.empty()) {
    cache = std::make_unique<sources::SourceCache>(state_dir_ + "/sources", cache_limits_);
    std::set<std::string> shown;  // the copies of the playlist on screen are evicted last
    std::vector<content::Source> sources;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sources = sources_;
    }
    for (const auto& s : sources) shown.insert(resolve(s.url));
    cache->keep(std::move(shown));
  }
  if (src.kind == content::SourceKind::Cap)
    refresh_cap(src, client, cache.get(), now);
  else
    refresh_from(src, client, cache.get(), now);
  if (cache) {
    std::lock_guard<std::mutex> lock(mu_);
    cache_evictions_ += cache->evictions();
  }
}

void SourceData::refresh_from(const content::Source& src, net::HttpClient& client,
                              sources::SourceCache* cache, int64_t now) {
  auto snap = std::make_shared<Snapshot>();
  if (src.kind == content::SourceKind::Feed) {
    sources::LoadedFeed f = sources::load_feed(client, cache, resolve(src.url), {}, now);
    if (f.feed) {
      snap->items = std::move(f.feed->items);
      for (auto& it : snap->items)
        if (it.source.empty()) it.source = f.feed->title;
    }
    snap->fetched_at = f.fetched_at;
    snap->error = f.error;
  } else if (src.kind == content::SourceKind::Kpi) {
    sources::LoadedKpi k = sources::load_kpi(client, cache, resolve(src.url), {}, now);
    snap->kpi = std::move(k.data);
    snap->fetched_at = k.fetched_at;
    snap->error = k.error;
  } else {
    sources::LoadedArticle a = sources::load_article(client, cache, resolve(src.url), {}, now);
    if (a.article) snap->items.push_back(std::move(*a.article));
    snap->fetched_at = a.fetched_at;
    snap->error = a.error;
  }
  fetch_item_pictures(src.id, *snap, client, now);
  std::lock_guard<std::mutex> lock(mu_);
  if (!snap->error.empty()) ++failures_;
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
  const bool changed = !slot || slot->fetched_at != snap->fetched_at ||
                       slot->items.size() != snap->items.size() ||
                       slot->kpi.has_value() != snap->kpi.has_value();
  slot = std::move(snap);
  if (changed) ++generation_;
}

void SourceData::refresh_cap(const content::Source& src, net::HttpClient& client, sources::SourceCache* cache,
                             int64_t now) {
  sources::CapLinkOptions links;
  links.https_only = require_https_;
  sources::LoadedCap c = sources::load_cap(client, cache, resolve(src.url), now, links);
  std::lock_guard<std::mutex> lock(mu_);
  if (!listed(src.id)) return;  // update() dropped it while it was being fetched
  auto& slot = data_[src.id];
  auto snap = std::make_shared<Snapshot>();
  snap->fetched_at = slot ? slot->fetched_at : 0;
  snap->error = c.error;
  if (c.cap) {
    snap->fetched_at = c.fetched_at;
    std::vector<std::string> problems = std::move(c.link_errors);
    if (c.cap->rejected) problems.push_back(std::to_string(c.cap->rejected) + " malformed alert(s) left out");
    if (c.cap->bad_shapes)
      problems.push_back(std::to_string(c.cap->bad_shapes) +
                         " malformed area shape(s) ignored (first: " + c.cap->shape_error + ")");
    for (const std::string& p : problems) snap->error += (snap->error.empty() ? "" : "; ") + p;
    if (books_[src.id].take(c.cap->alerts)) ++generation_;
  }
  slot = std::move(snap);
}

void SourceData::fetch_item_pictures(const std::string& source_id, Snapshot& snap, net::HttpClient& client,
                                     int64_t now) {
  if (snap.items.empty()) return;
  std::vector<int> wanted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto w = wanted_.find(source_id); w != wanted_.end()) wanted = w->second;
  }
  std::set<size_t> indices;  // as news() picks them
  for (int i : wanted) indices.insert(static_cast<size_t>(i) % snap.items.size());
  for (size_t i = 0; i < snap.items.size(); ++i) {
    std::string& image = snap.items[i].image;
    if (image.empty()) continue;
    std::string path, err = "no picture store (no writable temporary directory)";
    if (indices.count(i) && pictures()) path = pictures_->get(client, resolve(image), now, err);
    if (path.empty() && indices.count(i)) snap.picture_error = image + ": " + err;
    image = path;  // items no slide shows keep no URL the painter could try to open
  }
}

void SourceData::fetch_pictures(content::Playlist& playlist, int64_t now,
                                std::vector<std::string>& problems) {
  net::HttpClient client(limits_);
  auto local = [&](std::string& image, bool drop) {
    if (!net::is_http_url(image)) return;
    std::string err = "no picture store (no writable temporary directory)";
    std::string path = pictures() ? pictures_->get(client, image, now, err) : "";
    if (path.empty()) problems.push_back(image + ": " + err);
    if (!path.empty() || drop) image = path;
  };
  for (auto& s : playlist.slides)
    content::for_each_image(s, [&](std::string& image, std::string&, bool own) { local(image, !own); });
}

void SourceData::refresh_due(int64_t now) {
  std::vector<content::Source> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : sources_)
      if (next_due_[s.id] <= now) due.push_back(s);
  }
  for (const auto& s : due) refresh_one(s, now);
}

void SourceData::refresh_now(int64_t now) {
  for (const auto& s : sources_) refresh_one(s, now);
}

void SourceData::refresh_one(const content::Source& s, int64_t now) {
  refresh(s, now);
  // At most one fetch per source and second, whatever the playlist says.
  const int64_t due =
      now + std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(s.refresh).count());
  std::lock_guard<std::mutex> lock(mu_);
  next_due_[s.id] = due;
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
        refresh_one(s, now);
        lock.lock();
        if (stopping_) return;
      }
      wake = std::min(wake, next_due_[s.id]);
    }
    cv_.wait_for(lock, std::chrono::seconds(std::max<int64_t>(1, wake - now)),
                 [this] { return stopping_ || kick_; });
    kick_ = false;
  }
}

void SourceData::start() {
  started_ = true;
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

const content::NewsItem* SourceData::news(const content::NewsSlide& slide, int64_t& fetched) {
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
  if (const auto& updated = held_kpi_->kpi->updated; updated && (fetched == 0 || *updated < fetched))
    fetched = *updated;
  return &*held_kpi_->kpi;
}

std::vector<std::string> SourceData::headlines(const std::string& source_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  auto it = data_.find(source_id);
  if (it == data_.end() || !it->second) return out;
  for (const auto& item : it->second->items)
    if (std::string h = content::headline_of(item); !h.empty()) out.push_back(std::move(h));
  return out;
}

std::vector<content::AlertNotice> SourceData::alerts(int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<content::AlertNotice> out;
  for (const content::Source& s : sources_) {
    auto b = books_.find(s.id);
    if (b == books_.end()) continue;
    content::CapFilter filter = s.cap;
    if (!filter.point) filter.point = location_;
    for (content::AlertNotice& n : b->second.active(now, filter)) {
      n.tone = s.tone;
      if (std::none_of(out.begin(), out.end(), [&](const content::AlertNotice& o) { return o.key == n.key; }))
        out.push_back(std::move(n));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const content::AlertNotice& x, const content::AlertNotice& y) {
    return x.severity > y.severity;
  });
  return out;
}

std::map<std::string, std::string> SourceData::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [id, snap] : data_) {
    if (snap && !snap->error.empty()) out[id] = snap->error;
    if (snap && !snap->picture_error.empty()) out[id + " picture"] = snap->picture_error;
  }
  return out;
}

SourceHealth SourceData::health(int64_t now) const {
  std::lock_guard<std::mutex> lock(mu_);
  SourceHealth h;
  h.failures = failures_;
  h.cache_evictions = cache_evictions_;
  for (const auto& src : sources_) {
    ++h.sources;
    const auto it = data_.find(src.id);
    const Snapshot* snap = it == data_.end() ? nullptr : it->second.get();
    if (snap && !snap->error.empty()) ++h.failing;
    const int64_t max_age = std::chrono::duration_cast<std::chrono::seconds>(src.max_age).count();
    if (!snap || snap->fetched_at == 0 || (max_age > 0 && now - snap->fetched_at > max_age)) ++h.stale;
  }
  return h;
}

}  // namespace paizi::sources
