#include "show/player.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

#include "render/blend.h"
#include "show/format.h"

namespace paizi::show {
namespace {

constexpr int64_t kFrameMs = 16;
constexpr size_t kTickerHeadlines = 30;

// Slide textures are opaque (every slide paints its whole background), so
// they are copied without blending; only a fading-in slide blends.
render::TexturePtr make_target(SDL_Renderer* r, int w, int h) {
  render::TexturePtr t(SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h));
  if (t) SDL_SetTextureBlendMode(t.get(), SDL_BLENDMODE_NONE);
  return t;
}

}  // namespace

Player::Player(present::Display& display, text::Shaper& shaper, render::Painter& painter, content::Playlist playlist,
               DataProvider* data, content::TimeZone zone)
    : display_(display),
      shaper_(shaper),
      painter_(painter),
      playlist_(std::make_shared<const content::Playlist>(std::move(playlist))),
      data_(data),
      zone_(std::move(zone)) {
  sched_ = std::make_shared<const Schedule>(*playlist_, zone_);
  // On a software canvas the slides are kept as pixels and frames are
  // assembled in the canvas memory: SDL's software blitter has no fast path
  // for an alpha-modulated copy of a 32-bit texture, which made a 1080p
  // crossfade cost ~24 ms of CPU per frame.
  direct_ = display_.canvas() != nullptr;
  layout_zones();
  rebuild_ticker();
}

Player::~Player() = default;

const content::Slide& Player::slide() const { return cur_.pl->slides[cur_.slide]; }

void Player::layout_zones() {
  const float W = static_cast<float>(display_.width()), H = static_cast<float>(display_.height());
  const float hh = playlist_->header.enabled ? std::round(std::min(W, H) * 0.075f) : 0.f;
  const float th = playlist_->ticker.enabled ? ticker_strip_px(display_.width(), display_.height()) : 0.f;
  header_ = Rect{0, 0, W, hh};
  ticker_ = Rect{0, H - th, W, th};
  main_ = Rect{0, hh, W, H - hh - th};
  ticker_speed_ = playlist_->ticker.speed * H / 1080.f;
  header_logo_.reset();
  header_clock_.reset();
  shown_minute_ = -1;
}

int64_t Player::trans_ms() const {
  return playlist_->transition.kind == content::TransitionKind::Cut ? 0 : playlist_->transition.duration.count();
}

void Player::compose(Showing& s, std::shared_ptr<const content::Playlist> pl, size_t slide, int64_t unix_s,
                     double anim_t) {
  const content::Slide& sl = pl->slides[slide];
  ComposeContext ctx{shaper_};
  ctx.width = display_.width();
  ctx.height = display_.height();
  ctx.area = main_;
  ctx.now = unix_s;
  ctx.zone = pl == pending_ && pending_sched_ ? &pending_sched_->zone() : &sched_->zone();
  ctx.anim_t = anim_t;
  ctx.base_dir = pl->base_dir;
  ctx.can_draw = [this, w = ctx.width, h = ctx.height](const std::string& path) {
    return painter_.load_image(path, w, h);
  };
  const std::string& source = content::source_of(sl);
  if (!source.empty() && data_) {
    int64_t fetched = 0;
    if (const auto* news = sl.as<content::NewsSlide>()) ctx.news = data_->news(*news, fetched);
    else ctx.kpi = data_->kpi(source, fetched);
    ctx.data_time = fetched;
    if (const content::Source* src = pl->find_source(source))
      ctx.max_age = std::chrono::duration_cast<std::chrono::seconds>(src->max_age).count();
  }
  s.slide = slide;
  s.sourced = !source.empty() && data_;
  s.had_data = ctx.news != nullptr || ctx.kpi != nullptr;
  s.stale = false;
  s.pages = compose_slide(sl, sl.theme ? *sl.theme : pl->theme, ctx);
  s.warnings = std::move(ctx.warnings);
  s.pl = std::move(pl);
  s.anim = animation_length(sl);
  ++stats_.compositions;
  stats_.last_missing = 0;
  for (const auto& page : s.pages)
    for (const auto& op : page.ops)
      if (const auto* t = std::get_if<render::TextOp>(&op)) stats_.last_missing += t->layout->missing_glyphs;
}

void Player::force_texture_path() {
  direct_ = false;
  cur_pic_.px.reset();
  next_pic_.px.reset();
}

void Player::paint_into(Picture& pic, const render::DisplayList& dl) {
  paint_page(pic, dl);
  // The page's glyphs are in the atlas now: the font files' pages may go
  // until the next slide needs some (text::FontLibrary::release_file_pages).
  shaper_.fonts().release_file_pages();
}

void Player::paint_page(Picture& pic, const render::DisplayList& dl) {
  SDL_Renderer* r = display_.renderer();
  if (direct_) {
    // Painted in the canvas itself (every frame redraws the whole canvas
    // before it is presented), then kept as pixels: one copy per slide page.
    if (SDL_Surface* c = display_.canvas()) {
      painter_.paint(dl);
      SDL_RenderFlush(r);
      canvas_clobbered_ = true;
      const size_t w = static_cast<size_t>(c->w);
      const size_t n = w * static_cast<size_t>(c->h);
      if (pic.px.size() != n) pic.px = render::PixelBuffer(n);  // allocated once, then reused
      for (int y = 0; y < c->h; ++y)
        std::memcpy(pic.px.data() + w * static_cast<size_t>(y),
                    static_cast<const uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y) * c->pitch, w * 4);
      return;
    }
    leave_direct();
  }
  if (!pic.tex) pic.tex = make_target(r, display_.width(), display_.height());
  SDL_Texture* prev = SDL_GetRenderTarget(r);
  SDL_SetRenderTarget(r, pic.tex.get());
  painter_.paint(dl);
  SDL_SetRenderTarget(r, prev);
}

// The canvas went away (a window whose surface no longer matches): the
// slides on hand are painted again as textures.
void Player::leave_direct() {
  direct_ = false;
  cur_pic_.px.reset();
  next_pic_.px.reset();
  if (started_ && cur_.page < cur_.pages.size()) paint_into(cur_pic_, cur_.pages[cur_.page]);
  if (next_ready_ && next_.page < next_.pages.size()) paint_into(next_pic_, next_.pages[next_.page]);
}

int64_t Player::hold_ms(const Showing& s) const {
  const content::Slide& sl = s.pl->slides[s.slide];
  const auto* news = sl.as<content::NewsSlide>();  // only articles have pages
  return std::max<int64_t>(100, (s.pages.size() > 1 && news ? news->page_duration : sl.duration).count());
}

void Player::next_of(const Showing& s, size_t& slide, size_t& page) const {
  if (s.page + 1 < s.pages.size()) {
    slide = s.slide;
    page = s.page + 1;
  } else {
    const ScheduleState st = sched_->at(last_unix_, clock_trusted_);
    slide = Schedule::next_slide(st, s.slide, false);
    const bool leaving_urgent = s.pl->slides[s.slide].schedule.urgent && !st.urgent;
    if (leaving_urgent && resume_ && std::binary_search(st.eligible.begin(), st.eligible.end(), *resume_))
      slide = *resume_;
    page = 0;
  }
}

void Player::prepare_next(int64_t unix_s) {
  size_t slide = 0, page = 0;
  next_of(cur_, slide, page);
  // A new slide comes from the playlist on screen (cur_.pl may be the one
  // before the alerts changed); a next page from the slide's own.
  std::shared_ptr<const content::Playlist> pl = page == 0 ? playlist_ : cur_.pl;
  if (page == 0 && pending_) {
    // A new playlist takes over at a slide boundary; it shows from its
    // first slide once the transition to it completes.
    pl = pending_;
    slide = Schedule::next_slide(pending_sched_->at(unix_s, clock_trusted_), 0, true);
  }
  if (page > 0 && !cur_.stale) {
    next_.pl = cur_.pl;
    next_.slide = cur_.slide;
    next_.pages = cur_.pages;  // layouts are shared, not copied
    next_.anim = 0;
    next_.sourced = cur_.sourced;
    next_.had_data = cur_.had_data;
    next_.stale = false;
  } else if (page > 0) {
    // The data changed during this slide: its next page comes from the new
    // data (the article may have fewer pages now).
    compose(next_, pl, cur_.slide, unix_s, 0.0);
    next_.anim = 0;
  } else {
    compose(next_, pl, slide, unix_s, 0.0);
  }
  next_.page = std::min(page, next_.pages.size() - 1);
  paint_into(next_pic_, next_.pages[next_.page]);
  if (page == 0) {
    const Schedule& sched = pl == pending_ && pending_sched_ ? *pending_sched_ : *sched_;
    skip_unpaintable(next_, next_pic_, sched.at(unix_s, clock_trusted_), unix_s);
  }
  next_ready_ = true;
}

bool Player::unpaintable(const Showing& s) const {
  if (!s.pl || !s.pl->slides[s.slide].as<content::ImageSlide>() || s.page >= s.pages.size()) return false;
  for (const auto& op : s.pages[s.page].ops)
    if (const auto* im = std::get_if<render::ImageOp>(&op); im && painter_.image_failed(im->path)) return true;
  return false;
}

void Player::skip_unpaintable(Showing& s, Picture& pic, const ScheduleState& st, int64_t unix_s) {
  // At most once round the playlist: when no slide can be drawn, the last
  // one tried stays (its background), never a busy loop.
  for (size_t tries = 0; unpaintable(s) && tries < s.pl->slides.size(); ++tries) {
    ++stats_.unpaintable;
    const size_t after = Schedule::next_slide(st, s.slide, false);
    if (after == s.slide) break;
    compose(s, s.pl, after, unix_s, 0.0);
    s.page = 0;
    paint_into(pic, s.pages[0]);
  }
}

void Player::wake(int64_t t_ms) {
  if (!started_ || t_ms <= last_t_) return;
  const int64_t off = t_ms - last_t_;  // the time the screen was off
  cur_.start += off;
  slide_began_ += off;
  last_frame_t_ = -1;  // no frames were due while it was off
  if (trans_start_ >= 0) {
    trans_start_ += off;
    next_.start += off;
  }
  last_t_ = t_ms;
  redraw_ = true;
}

void Player::data_changed(int64_t unix_s) {
  if (data_) set_alerts(data_->alerts(unix_s));
  if (!started_) return;  // the first tick composes with whatever there is
  if (cur_.sourced && trans_start_ < 0) {
    if (!cur_.had_data) {
      // The first data: the slide starts again, so its first page (or its
      // count-up) gets its full time.
      compose(cur_, cur_.pl, cur_.slide, unix_s, 0.0);
      cur_.page = 0;
      cur_.start = last_t_;
      ++replaced_;
      paint_into(cur_pic_, cur_.pages[0]);
      redraw_ = true;
    } else {
      cur_.stale = true;
    }
  }
  // What comes next was prepared ahead from the old data: which page or
  // slide follows (the placeholder had one page, the article may have
  // several) and what it shows. It is prepared again.
  if (next_ready_ && trans_start_ < 0) next_ready_ = false;
}

bool Player::tick(int64_t t_ms, int64_t unix_s) {
  bool need = redraw_;
  redraw_ = false;
  last_unix_ = unix_s;
  if (!started_) {
    if (data_) set_alerts(data_->alerts(unix_s));  // what the provider had before the first frame
    compose(cur_, playlist_, Schedule::next_slide(sched_->at(unix_s, clock_trusted_), 0, true), unix_s, 0.0);
    cur_.page = 0;
    cur_.start = t_ms;
    started_ = true;
    slide_came_on(t_ms);
    paint_into(cur_pic_, cur_.pages[0]);
    skip_unpaintable(cur_, cur_pic_, sched_->at(unix_s, clock_trusted_), unix_s);
    need = true;
  }
  t_ms = std::max(t_ms, last_t_);
  if (alerts_dirty_ && trans_start_ < 0) apply_alerts();
  preempt_if_urgent(t_ms, unix_s);
  for (int guard = 0; guard < 100000; ++guard) {
    if (trans_start_ < 0) {
      const int64_t boundary = cur_.start + hold_ms(cur_);
      if (t_ms < boundary) break;
      if (!next_ready_) prepare_next(unix_s);
      trans_start_ = boundary;
      next_.start = boundary;
      need = true;
    }
    if (t_ms < trans_start_ + trans_ms()) break;
    std::swap(cur_pic_, next_pic_);
    cur_ = std::move(next_);
    next_ = Showing{};
    if (cur_.pl != playlist_) {
      if (cur_.pl == pending_) {
        pending_.reset();
        sched_ = std::move(pending_sched_);
      } else {  // a newer playlist arrived during the transition; it waits
        sched_ = std::make_shared<const Schedule>(*cur_.pl, zone_);
      }
      playlist_ = cur_.pl;
      ++adoptions_;
      layout_zones();
      rebuild_ticker();
    }
    trans_start_ = -1;
    next_ready_ = false;
    need = true;
    if (cur_.page == 0) slide_came_on(cur_.start);
    if (!slide().schedule.urgent) resume_.reset();  // back in the loop
    if (alerts_dirty_) apply_alerts();
  }
  if (trans_start_ >= 0) need = true;
  // Count-up on entry: recomposed every frame until it settles.
  const double anim_t = static_cast<double>(t_ms - cur_.start) / 1000.0;
  if (cur_.anim > 0 && trans_start_ < 0 && (anim_t < cur_.anim || last_t_ < cur_.start + static_cast<int64_t>(cur_.anim * 1000))) {
    const size_t page = cur_.page;
    compose(cur_, cur_.pl, cur_.slide, unix_s, anim_t);
    cur_.page = std::min(page, cur_.pages.size() - 1);
    paint_into(cur_pic_, cur_.pages[cur_.page]);
    need = true;
  }
  // The next slide is composed ahead of its turn, while this one holds
  // (not in the very first tick: the first frame goes out first).
  if (!next_ready_ && trans_start_ < 0 && stats_.frames > 0) prepare_next(unix_s);
  bool ticker_moved = false;
  if (takeover() ? !alert_line_.empty() : !ticker_line_.empty()) {
    ticker_offset_ = static_cast<double>(ticker_speed_) * static_cast<double>(t_ms) / 1000.0;
    ticker_moved = t_ms != last_t_;
  }
  if (playlist_->header.enabled && playlist_->header.clock && unix_s / 60 != shown_minute_) need = true;
  last_t_ = t_ms;
  if (!need && !ticker_moved) {
    // The next slide was painted in the canvas: put back what is on screen
    // (not presented: a window keeps showing its last frame anyway).
    if (canvas_clobbered_) draw_frame(t_ms, unix_s);
    return false;
  }
  const auto work = std::chrono::steady_clock::now();
  if (!need && direct_ && !canvas_clobbered_ && stats_.frames > 0 && display_.canvas()) {
    // Only the ticker moved, and the canvas holds the last frame: the strip
    // is drawn again (it paints its own background) and only it is sent.
    const Rect strip = draw_tickers();
    display_.present_area(SDL_Rect{static_cast<int>(strip.x), static_cast<int>(strip.y), static_cast<int>(std::ceil(strip.w)),
                                   static_cast<int>(std::ceil(strip.h))});
    ++stats_.partial_frames;
  } else {
    draw_frame(t_ms, unix_s);
    display_.present();
  }
  count_frame(t_ms, std::chrono::steady_clock::now() - work);
  return true;
}

void Player::slide_came_on(int64_t t_ms) {
  assert(cur_.pl && cur_.slide < cur_.pl->slides.size());  // composed before it comes on
  slide_began_ = t_ms;
  ++stats_.shown_by_type[content::type_name(cur_.pl->slides[cur_.slide].body)];
}

void Player::count_frame(int64_t t_ms, std::chrono::steady_clock::duration work) {
  ++stats_.frames;
  const double s = std::chrono::duration<double>(work).count();
  size_t b = 0;
  while (b < PlayerStats::kFrameTimeBounds.size() && s > PlayerStats::kFrameTimeBounds[b]) ++b;
  ++stats_.frame_time_counts[b];
  stats_.frame_time_sum += s;
  if (frame_interval_ms_ > 0 && motion_ && last_frame_t_ >= 0) {
    const int64_t gap = t_ms - last_frame_t_;
    if (gap * 2 > frame_interval_ms_ * 3)  // more than 1.5 intervals: frames were due in between
      stats_.dropped += static_cast<uint64_t>((gap + frame_interval_ms_ / 2) / frame_interval_ms_ - 1);
  }
  last_frame_t_ = t_ms;
  motion_ = animating();
}

bool Player::draw_direct(int64_t t_ms) {
  SDL_Surface* c = display_.canvas();
  if (!c) return false;
  const size_t w = static_cast<size_t>(c->w);
  const auto row = [&](int y) {
    // SDL rows are 4-byte aligned (pitch of a 32-bit surface); through void*
    // so that armhf's -Wcast-align accepts it.
    return static_cast<uint32_t*>(
        static_cast<void*>(static_cast<uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y) * c->pitch));
  };
  const auto pic_row = [w](const Picture& p, int y) { return p.px.data() + w * static_cast<size_t>(y); };
  const size_t n = w * static_cast<size_t>(c->h);
  // Pictures are missing after a still (painted straight to the canvas).
  if (cur_pic_.px.size() != n && cur_.page < cur_.pages.size()) paint_into(cur_pic_, cur_.pages[cur_.page]);
  const bool fading = trans_start_ >= 0 && trans_ms() > 0;
  if (fading && next_pic_.px.size() != n && next_.page < next_.pages.size())
    paint_into(next_pic_, next_.pages[next_.page]);
  if (!direct_ || cur_pic_.px.size() != n || (fading && next_pic_.px.size() != n)) return false;
  SDL_RenderFlush(display_.renderer());  // nothing queued may land on top of what is written here
  if (fading) {
    const float p = std::clamp(static_cast<float>(t_ms - trans_start_) / static_cast<float>(trans_ms()), 0.f, 1.f);
    if (playlist_->transition.kind == content::TransitionKind::Push) {
      const size_t dx = std::min(w, static_cast<size_t>(std::lround(p * static_cast<float>(w))));
      for (int y = 0; y < c->h; ++y) {
        std::memcpy(row(y), pic_row(cur_pic_, y) + dx, (w - dx) * 4);
        std::memcpy(row(y) + (w - dx), pic_row(next_pic_, y), dx * 4);
      }
    } else {
      const int t = render::crossfade_weight(p);
      for (int y = 0; y < c->h; ++y) render::crossfade_row(pic_row(cur_pic_, y), pic_row(next_pic_, y), row(y), w, t);
    }
  } else {
    for (int y = 0; y < c->h; ++y) std::memcpy(row(y), pic_row(cur_pic_, y), w * 4);
  }
  return true;
}

bool Player::takeover() const { return started_ && slide().as<content::AlertSlide>() && trans_start_ < 0; }

void Player::draw_overlays(int64_t unix_s) {
  // An alert owns the whole screen (the alert ticker its bottom strip).
  if (!takeover() && playlist_->header.enabled) draw_header(unix_s);
  draw_tickers();
}

Rect Player::draw_tickers() {
  if (takeover()) {
    const content::AlertSlide& on = *slide().as<content::AlertSlide>();
    if (alert_line_for_ != on.alert.key + "#" + std::to_string(alerts_version_)) rebuild_alert_ticker();
    if (alert_line_.empty()) return {};
    draw_ticker(painter_, display_.renderer(), alert_line_, alert_strip_, ticker_offset_,
                alert_ticker_colours(on.alert.severity));
    return alert_strip_;
  }
  if (ticker_line_.empty()) return {};
  const content::Theme& t = playlist_->theme;
  if (!draw_ticker_strip())
    draw_ticker(painter_, display_.renderer(), ticker_line_, ticker_, ticker_offset_,
                TickerColours{t.foreground, t.background2, t.accent});
  return ticker_;
}

void Player::draw_frame(int64_t t_ms, int64_t unix_s) {
  canvas_clobbered_ = false;
  if (direct_) {
    if (draw_direct(t_ms)) {
      draw_overlays(unix_s);
      return;
    }
    leave_direct();
  }
  SDL_Renderer* r = display_.renderer();
  const int W = display_.width();
  if (trans_start_ >= 0 && trans_ms() > 0) {
    const float p = std::clamp(static_cast<float>(t_ms - trans_start_) / static_cast<float>(trans_ms()), 0.f, 1.f);
    if (playlist_->transition.kind == content::TransitionKind::Push) {
      const int dx = static_cast<int>(std::lround(p * static_cast<float>(W)));
      SDL_Rect a{-dx, 0, W, display_.height()}, b{W - dx, 0, W, display_.height()};
      SDL_RenderCopy(r, cur_pic_.tex.get(), nullptr, &a);
      SDL_RenderCopy(r, next_pic_.tex.get(), nullptr, &b);
    } else {
      SDL_Texture* next = next_pic_.tex.get();
      SDL_RenderCopy(r, cur_pic_.tex.get(), nullptr, nullptr);
      SDL_SetTextureBlendMode(next, SDL_BLENDMODE_BLEND);
      SDL_SetTextureAlphaMod(next, static_cast<Uint8>(std::lround(p * 255.f)));
      SDL_RenderCopy(r, next, nullptr, nullptr);
      SDL_SetTextureAlphaMod(next, 255);
      SDL_SetTextureBlendMode(next, SDL_BLENDMODE_NONE);
    }
  } else {
    SDL_RenderCopy(r, cur_pic_.tex.get(), nullptr, nullptr);
  }
  draw_overlays(unix_s);
}

void Player::draw_header(int64_t unix_s) {
  const content::Theme& t = playlist_->theme;
  const int64_t minute = unix_s / 60;
  if (!header_logo_ || minute != shown_minute_) {
    const float size = std::round(header_.h * 0.42f);
    text::LayoutOptions lo = text_options(t, true, size);
    lo.width_px = header_.w * 0.5f;
    lo.max_lines = 1;
    lo.line_height = 1.2f;
    header_logo_ = std::make_shared<const text::TextLayout>(text::layout_text(shaper_, {playlist_->header.logo}, lo));
    text::LayoutOptions co = text_options(t, false, std::round(header_.h * 0.36f));
    co.width_px = header_.w * 0.45f;
    co.align = text::Align::End;
    co.max_lines = 1;
    co.line_height = 1.2f;
    header_clock_ = std::make_shared<const text::TextLayout>(
        text::layout_text(shaper_, {playlist_->header.clock ? chinese_datetime(unix_s, sched_->zone()) : ""}, co));
    shown_minute_ = minute;
  }
  const float m = std::round(std::min(header_.w, main_.h) * t.margin);
  painter_.paint_rect(header_.x, header_.y, header_.w, header_.h, t.background2);
  painter_.paint_rect(header_.x, header_.y + header_.h - 3, header_.w, 3, t.accent);
  painter_.paint_text(*header_logo_, header_.x + m, header_.y + (header_.h - header_logo_->height) / 2, t.accent,
                      t.background2);
  painter_.paint_text(*header_clock_, header_.x + header_.w - m - header_.w * 0.45f,
                      header_.y + (header_.h - header_clock_->height) / 2, t.foreground, t.background2);
}

void Player::rebuild_ticker() {
  const content::Ticker& tk = playlist_->ticker;
  ticker_line_ = {};
  strip_.px.reset();
  if (!tk.enabled) return;
  std::vector<std::string> items = ticker_items_;
  if (items.empty()) items = tk.items;
  if (items.empty() && data_ && !tk.source.empty()) items = data_->headlines(tk.source);
  // A feed's headlines, the first kTickerHeadlines of them: a feed may hold
  // thousands, a cycle of hours, laid out on the frame thread (10 000 took
  // 34 ms on a PC, several frames on a board). The playlist's own items are
  // all shown.
  if (items != tk.items && items.size() > kTickerHeadlines) items.resize(kTickerHeadlines);
  std::vector<TickerItem> line;
  for (std::string& it : items) line.push_back({std::move(it), std::nullopt});
  ticker_line_ = layout_ticker(shaper_, playlist_->theme, line, tk.separator, ticker_.h);
}

// The alert ticker of the takeover on screen: the other alerts in force,
// most severe first, each after a chip in its severity's colour.
void Player::rebuild_alert_ticker() {
  const content::Slide& s = slide();
  const auto* on = s.as<content::AlertSlide>();
  alert_line_for_ = on ? on->alert.key + "#" + std::to_string(alerts_version_) : "";
  alert_line_ = {};
  if (!on || on->alerts_beside == 0) return;
  std::vector<TickerItem> items;
  for (const content::AlertNotice& a : alerts_)
    if (a.key != on->alert.key) items.push_back({a.headline, severity_colour(a.severity)});
  alert_strip_ = Rect{0, static_cast<float>(display_.height()) - ticker_strip_px(display_.width(), display_.height()),
                      static_cast<float>(display_.width()), ticker_strip_px(display_.width(), display_.height())};
  const content::Theme& theme = s.theme ? *s.theme : playlist_->theme;
  alert_line_ = layout_ticker(shaper_, theme, items, "", alert_strip_.h);
  // Starts at the takeover's margin (show/alert.cpp).
  alert_line_.lead = std::round(theme.margin * std::min(alert_strip_.w, static_cast<float>(display_.height())));
}

size_t Player::show_still(size_t slide, size_t page, int64_t unix_s) {
  if (slide >= playlist_->slides.size()) return 0;
  compose(cur_, playlist_, slide, unix_s, 1e9);
  if (page >= cur_.pages.size()) return 0;
  cur_.page = page;
  cur_.start = 0;
  cur_.anim = 0;
  started_ = true;
  last_t_ = 0;
  ticker_offset_ = 0;
  if (direct_ && display_.canvas()) {
    // A still is painted straight into the canvas: no slide buffer at all.
    painter_.paint(cur_.pages[page]);
    draw_overlays(unix_s);
  } else {
    if (direct_) leave_direct();
    paint_into(cur_pic_, cur_.pages[page]);
    draw_frame(0, unix_s);
  }
  display_.present();
  ++stats_.frames;
  return cur_.pages.size();
}

void Player::set_ticker_items(std::vector<std::string> items) {
  ticker_items_ = std::move(items);
  rebuild_ticker();
}

// On the software canvas the playlist's ticker is painted once, a cycle and
// a screen wide, and each frame copies the window of it on screen: no glyph
// is blended per frame (the glyph copies were most of a software frame's
// CPU). Positions are whole pixels on every path (show/ticker.h), so this
// is the frame draw_ticker paints.
bool Player::draw_ticker_strip() {
  SDL_Surface* c = direct_ ? display_.canvas() : nullptr;
  if (!c || ticker_line_.empty()) return false;
  const int x0 = static_cast<int>(ticker_.x), w = static_cast<int>(ticker_.w);
  const int y0 = static_cast<int>(ticker_.y), h = std::min(static_cast<int>(std::ceil(ticker_.h)), c->h - y0);
  if (x0 != 0 || w != c->w || y0 < 0 || h <= 0) return false;
  const size_t sw = static_cast<size_t>(std::ceil(ticker_line_.cycle)) + static_cast<size_t>(w) + 1;
  if (sw * static_cast<size_t>(h) * 4 > kTickerStripBytes) return false;  // a long feed: glyphs per frame
  SDL_Renderer* r = display_.renderer();
  const content::Theme& t = playlist_->theme;
  const TickerColours colours{t.foreground, t.background2, t.accent};
  const auto row = [c](int y) { return static_cast<uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y) * c->pitch; };
  if (strip_.px.size() != sw * static_cast<size_t>(h)) {
    // Painted in screen-wide pieces in the canvas's own strip (the frame
    // being drawn covers it again below).
    strip_.px = render::PixelBuffer(sw * static_cast<size_t>(h));
    for (size_t at = 0; at < sw; at += static_cast<size_t>(w)) {
      paint_ticker_at(painter_, r, ticker_line_, ticker_, static_cast<float>(at), colours);
      SDL_RenderFlush(r);
      const size_t n = std::min(static_cast<size_t>(w), sw - at);
      for (int y = 0; y < h; ++y)
        std::memcpy(strip_.px.data() + sw * static_cast<size_t>(y) + at, row(y0 + y), n * 4);
    }
  }
  SDL_RenderFlush(r);  // nothing queued may land on top of what is written here
  const size_t col = static_cast<size_t>(ticker_position(ticker_line_, ticker_offset_));
  for (int y = 0; y < h; ++y)
    std::memcpy(row(y0 + y), strip_.px.data() + sw * static_cast<size_t>(y) + col, static_cast<size_t>(w) * 4);
  return true;
}

// An urgent notice starting or ending cuts the current slide short: the
// boundary is now, and the slide after it is chosen by the schedule.
void Player::preempt_if_urgent(int64_t t_ms, int64_t unix_s) {
  if (!started_ || trans_start_ >= 0) return;
  const ScheduleState st = sched_->at(unix_s, clock_trusted_);
  const bool showing_urgent = cur_.pl == playlist_ && slide().schedule.urgent.has_value();
  // An alert slide from before the alerts changed (updated, cancelled).
  const bool stale_alert = slide().as<content::AlertSlide>() && cur_.pl != playlist_;
  if (st.urgent == showing_urgent && !stale_alert) return;
  if (st.urgent && !slide().schedule.urgent && !resume_) resume_ = cur_.slide;
  if (cur_.start + hold_ms(cur_) <= t_ms) return;  // a boundary is due anyway
  cur_.start = t_ms - hold_ms(cur_);
  cur_.page = cur_.pages.size() - 1;  // leave the slide, not just the page
  next_ready_ = false;
}

void Player::adopt(content::Playlist playlist) {
  pending_ = with_alerts(playlist);
  resume_.reset();  // slide indices of the new playlist
  pending_sched_ = std::make_shared<const Schedule>(*pending_, zone_);
  // Its images get another chance (the updater has just fetched them).
  painter_.forget_failed_images();
  // Re-prepare the next slide from the new playlist if it was made already.
  if (trans_start_ < 0 && cur_.page + 1 >= cur_.pages.size()) next_ready_ = false;
}

bool Player::animating() const {
  if (trans_start_ >= 0 || !ticker_line_.empty() || (takeover() && !alert_line_.empty())) return true;
  return cur_.anim > 0 && static_cast<double>(last_t_ - cur_.start) / 1000.0 < cur_.anim;
}

int64_t Player::schedule_change_ms() const {
  const int64_t at = sched_->next_check(last_unix_);
  if (at == std::numeric_limits<int64_t>::max()) return at;
  return last_t_ + (at - last_unix_) * 1000;
}

int64_t Player::next_change_ms() const {
  if (trans_start_ >= 0) return trans_start_ + trans_ms();
  const int64_t sched = schedule_change_ms();
  if (sched < cur_.start + hold_ms(cur_) && sched > last_t_) return sched;
  const int64_t anim_end = cur_.start + static_cast<int64_t>(cur_.anim * 1000);
  if (cur_.anim > 0 && last_t_ < anim_end) return anim_end;
  return cur_.start + hold_ms(cur_);
}

int64_t Player::next_event_ms() const {
  if (animating()) return last_t_ + kFrameMs;
  int64_t next = next_change_ms();
  if (playlist_->header.enabled && playlist_->header.clock)
    next = std::min(next, last_t_ + (60 - last_unix_ % 60) * 1000);
  return std::min(next, schedule_change_ms());
}

std::shared_ptr<const content::Playlist> Player::with_alerts(const content::Playlist& p) const {
  auto out = std::make_shared<content::Playlist>(p);
  auto& slides = out->slides;
  slides.erase(std::remove_if(slides.begin(), slides.end(), [](const content::Slide& s) { return s.as<content::AlertSlide>() != nullptr; }),
               slides.end());
  for (const content::AlertNotice& a : alerts_) {
    content::Slide s;
    // The id names the alert in logs, status.json and screenshot file names:
    // a server's identifier, so only [A-Za-z0-9._-], at most 64 of them.
    s.id = "alert-";
    for (const char c : a.key.substr(a.key.find(',') + 1, 64))
      s.id.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_');
    s.duration = std::chrono::seconds(20);  // several alerts take turns; one alone stays
    s.body = content::AlertSlide{a, alerts_.size() - 1};
    s.schedule.urgent = content::Urgent{a.from, a.until};
    slides.push_back(std::move(s));
  }
  return out;
}

void Player::set_alerts(std::vector<content::AlertNotice> alerts) {
  if (alerts == alerts_) return;
  alerts_ = std::move(alerts);
  alerts_dirty_ = true;
  if (trans_start_ < 0) apply_alerts();
}

// Base slides keep their indices (alert slides are appended), so a base
// slide on screen moves to the new playlist; an alert slide on screen stays
// with its old playlist until preempt_if_urgent leaves it.
void Player::apply_alerts() {
  alerts_dirty_ = false;
  ++alerts_version_;
  const std::shared_ptr<const content::Playlist> old = playlist_;
  playlist_ = with_alerts(*playlist_);
  sched_ = std::make_shared<const Schedule>(*playlist_, zone_);
  if (pending_) {
    pending_ = with_alerts(*pending_);
    pending_sched_ = std::make_shared<const Schedule>(*pending_, zone_);
  }
  if (started_ && cur_.pl == old && !slide().as<content::AlertSlide>()) cur_.pl = playlist_;
  if (trans_start_ < 0) next_ready_ = false;
  redraw_ = true;
}

std::vector<content::AlertNotice> Player::active_alerts(int64_t unix_s) const {
  std::vector<content::AlertNotice> out;
  for (const content::AlertNotice& a : alerts_)
    if (a.from <= unix_s && unix_s < a.until) out.push_back(a);
  return out;
}

}  // namespace paizi::show
