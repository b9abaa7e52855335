#include "show/player.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "platform/paths.h"
#include "show/format.h"
#include "show/grid.h"
#include "show/overlay.h"

namespace paizi::show {

Player::Player(present::Display& display, text::Shaper& shaper, render::Painter& painter,
               content::Playlist playlist, DataProvider* data, content::TimeZone zone)
    : display_(display),
      shaper_(shaper),
      painter_(painter),
      data_(data),
      seq_(*this, std::move(playlist), std::move(zone)),
      compositor_(display, painter, shaper, [this](Slot slot) { return page_of(slot); }) {
  layout_zones();
  rebuild_ticker();
}

Player::~Player() = default;

void Player::layout_zones() {
  const content::Playlist& pl = seq_.playlist();
  const float W = static_cast<float>(display_.width()), H = static_cast<float>(display_.height());
  const float hh = pl.header.enabled ? std::round(std::min(W, H) * grid::kHeaderHeight) : 0.f;
  const float th = pl.ticker.enabled ? ticker_strip_px(display_.width(), display_.height()) : 0.f;
  header_ = Rect{0, 0, W, hh};
  ticker_ = Rect{0, H - th, W, th};
  main_ = Rect{0, hh, W, H - hh - th};
  ticker_speed_ = pl.ticker.speed * H / grid::kTickerSpeedHeight;
  header_logo_.reset();
  header_clock_.reset();
  shown_minute_ = -1;
}

void Player::playlist_changed() {
  layout_zones();
  rebuild_ticker();
}

Composition Player::compose(const content::Playlist& pl, size_t slide, int64_t unix_s, double anim_t,
                            const content::TimeZone& zone) {
  const content::Slide& sl = pl.slides[slide];
  ComposeContext ctx{shaper_};
  ctx.width = display_.width();
  ctx.height = display_.height();
  ctx.area = main_;
  ctx.now = unix_s;
  ctx.zone = &zone;
  ctx.anim_t = anim_t;
  ctx.base_dir = pl.base_dir;
  ctx.can_draw = [this](const std::string& path, float box_w, float box_h) {
    return painter_.load_image(path, static_cast<int>(std::ceil(box_w)), static_cast<int>(std::ceil(box_h)));
  };
  const std::string& source = content::source_of(sl);
  if (!source.empty() && data_) {
    int64_t fetched = 0;
    if (const auto* news = sl.as<content::NewsSlide>())
      ctx.news = data_->news(*news, fetched);
    else
      ctx.kpi = data_->kpi(source, fetched);
    ctx.data_time = fetched;
    if (const content::Source* src = pl.find_source(source))
      ctx.max_age = std::chrono::duration_cast<std::chrono::seconds>(src->max_age).count();
  }
  Composition c;
  c.sourced = !source.empty() && data_;
  c.had_data = ctx.news != nullptr || ctx.kpi != nullptr;
  c.pages = compose_slide(sl, sl.theme ? *sl.theme : pl.theme, ctx);
  c.warnings = std::move(ctx.warnings);
  // A clip is opened on its own thread; the sequencer waits for it, or
  // (the real clock, the next slide) goes on and asks again.
  if (sl.as<content::VideoSlide>()) {
    c.pending = want_video(pl, slide);
    start_wanted_clip(false);
  } else if (!seq_.next_pending()) {  // (a count-up recomposed while the next slide's clip opens keeps it)
    composed_video_ = {};
    wanted_.reset();
  }
  ++stats_.compositions;
  stats_.last_missing = 0;
  for (const auto& page : c.pages)
    for (const auto& op : page.ops)
      if (const auto* t = std::get_if<render::TextOp>(&op)) stats_.last_missing += t->layout->missing_glyphs;
  return c;
}

bool Player::page_ready(Slot slot, const Showing& s) {
  compositor_.paint(slot, s.pages[s.page]);
  if (s.pl && s.pl->slides[s.slide].as<content::VideoSlide>()) {
    VideoSlot& v = video_of(slot);
    if (!composed_video_.play || composed_video_.pl != s.pl.get() || composed_video_.slide != s.slide) {
      v = {};
      // Left out, with the reason (the show goes on with the next slide).
      ++stats_.video_failed;
      video_problems_.push_back(composed_video_error_.empty()
                                    ? "slide " + s.pl->slides[s.slide].id + ": video cannot be played"
                                    : composed_video_error_);
      return false;
    }
    v = std::move(composed_video_);
    composed_video_ = {};
    // Its first frame, decoded before the transition into it starts.
    v.play->advance(0, true, [&](const media::Frame& f) { draw_video(*v.play, f, slot); });
    return true;
  }
  return !unpaintable(s);
}

bool Player::page_warm(const Showing& s, bool first) {
  return s.page >= s.pages.size() || compositor_.warm(s.pages[s.page], first);
}

void Player::swapped() {
  compositor_.swap();
  std::swap(video_[0], video_[1]);
  video_[1] = {};  // the clip that went off screen
}

bool Player::want_video(const content::Playlist& pl, size_t slide) {
  composed_video_ = {};
  composed_video_error_.clear();
  wanted_.reset();
  const content::Slide& sl = pl.slides[slide];
  const auto* v = sl.as<content::VideoSlide>();
  const std::string what = "slide " + sl.id + ": video " + v->src + ": ";
  std::string path = v->src;
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) {
    composed_video_error_ = what + "not fetched (the asset store has no complete copy)";
    return false;
  }
  if (path.rfind("file://", 0) == 0) path = path.substr(7);
  wanted_ = WantedClip{*v, platform::resolve_ref(pl.base_dir, path), what, sl.duration.count()};
  composed_video_ = VideoSlot{nullptr, &pl, slide};
  return true;
}

size_t Player::clips_decoding() const {
  size_t n = composed_video_.play && composed_video_.play->decoding() ? 1 : 0;
  for (const VideoSlot& v : video_)
    if (v.play && v.play->decoding()) ++n;
  return n;
}

bool Player::start_wanted_clip(bool anyway) {
  if (!wanted_) return true;
  // One decoder at a time: a clip opens once the one on screen has decoded
  // its last frame (its decoder, threads and frame pool are gone by then),
  // unless the sequencer cannot wait.
  if (!anyway && clips_decoding() > 0) return false;
  media::DecoderOptions o = video_options_;
  o.audio = {};
  if (!wanted_->slide.muted && wanted_->slide.volume > 0 && sound_ready())
    o.audio = media::AudioFormat{audio_out_.rate(), audio_out_.channels()};
  composed_video_.play = VideoPlayback::start(wanted_->slide, std::move(wanted_->path), wanted_->slide_ms, o);
  composed_video_.serial = ++clip_serial_;
  composed_video_what_ = std::move(wanted_->what);
  wanted_.reset();
  return true;
}

bool Player::composition_ready(bool wait, int64_t& hold, int64_t& waited_ms) {
  waited_ms = 0;
  if (!wanted_ && !composed_video_.play) return true;  // nothing pending (or it cannot be played)
  const auto began = std::chrono::steady_clock::now();
  if (!start_wanted_clip(wait)) return false;
  const bool opened = composed_video_.play->opened(wait);
  waited_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  if (!opened) return false;
  if (const std::string err = composed_video_.play->open_error(); !err.empty()) {
    composed_video_error_ = composed_video_what_ + err;
    composed_video_.play.reset();
    return true;  // (page_ready leaves the slide out)
  }
  video_decoder_ = composed_video_.play->decoder_name();
  video_fallback_ = composed_video_.play->fallback_reason();
  if (const std::string why = composed_video_.play->audio_problem();
      !why.empty() && audio_reported_.insert(composed_video_what_ + why).second)
    video_problems_.push_back(composed_video_what_ + "plays without sound: " + why);
  hold = composed_video_.play->hold_ms();
  return true;
}

media::Box Player::video_box() const {
  return media::Box{static_cast<int>(std::lround(main_.x)), static_cast<int>(std::lround(main_.y)),
                    static_cast<int>(std::lround(main_.w)), static_cast<int>(std::lround(main_.h))};
}

void Player::draw_video(VideoPlayback& v, const media::Frame& f, Slot slot) {
  if (SDL_Surface* c = compositor_.canvas()) {
    // The pixel path: converted into the slot's page (the canvas for the
    // current one). The current page is not written while a transition
    // moves it: the outgoing clip holds its frame.
    int pitch = 0;
    uint8_t* px = compositor_.pixels(slot, pitch);
    if (!px) return;
    v.convert(f, px, pitch, video_box(), pixel_order(c->format->format));
  } else {
    v.draw(f, compositor_.picture(slot), display_.renderer(), video_box());
  }
  ++stats_.video_frames;
}

bool Player::advance_videos(int64_t t_ms) {
  bool changed = false;
  for (const Slot slot : {Slot::current, Slot::next}) {
    VideoSlot& v = video_of(slot);
    if (!v.play) continue;
    const Showing& s = slot == Slot::current ? seq_.current() : seq_.next();
    if (s.pl.get() != v.pl || s.slide != v.slide) {
      if (slot == Slot::current) v = {};  // (the next slot's is kept until its showing is made)
      continue;
    }
    // The next slide's clip starts with the transition into it.
    if (slot == Slot::next && !seq_.in_transition()) continue;
    const int64_t clip = t_ms - s.start;
    const uint64_t dropped = v.play->dropped();
    // The simulated clock waits for the frames due; the real one never does.
    const bool wait = frame_interval_ms_ == 0;
    if (v.play->advance(clip, wait, [&](const media::Frame& f) { draw_video(*v.play, f, slot); }))
      changed = true;
    stats_.video_dropped += v.play->dropped() - dropped;
    // A clip that ended early (cut, or it failed or stalled) hands over to
    // the next slide once its last frame has had its time.
    if (slot == Slot::current && v.play->ended() && clip >= v.play->end_ms() && !seq_.in_transition()) {
      if (!v.play->failure().empty()) {
        const content::Slide& sl = s.pl->slides[s.slide];
        const auto* body = sl.as<content::VideoSlide>();
        video_problems_.push_back("slide " + sl.id + ": video " + (body ? body->src : "") + ": " +
                                  v.play->failure() + " (cut short at " + std::to_string(clip) + " ms)");
        ++stats_.video_failed;
      }
      seq_.cut_short(t_ms);
      v = {};
    }
  }
  return changed;
}

bool Player::sound_ready() {
  // The simulated clock has no time to play sound in.
  if (frame_interval_ms_ <= 0) return false;
  if (audio_out_.open(audio_error_)) return true;
  if (audio_reported_.insert(audio_error_).second)
    video_problems_.push_back("clips play without sound: " + audio_error_);
  return false;
}

std::string Player::audio_output() const {
  if (audio_out_.is_open()) return audio_out_.name();
  return audio_error_.empty() ? "" : "none: " + audio_error_;
}

void Player::feed_sound(int64_t t_ms) {
  if (!audio_out_.is_open()) return;
  VideoSlot* heard = nullptr;
  int64_t start = 0;
  for (const Slot slot : {Slot::next, Slot::current}) {
    VideoSlot& v = video_of(slot);
    const Showing& s = slot == Slot::current ? seq_.current() : seq_.next();
    if (!v.play || s.pl.get() != v.pl || s.slide != v.slide || (slot == Slot::next && !seq_.in_transition()))
      continue;
    heard = &v;
    start = s.start;
    break;
  }
  const uint64_t serial = heard && heard->play->has_audio() ? heard->serial : 0;
  if (serial != audio_owner_) {
    audio_out_.clear();  // the sound of a clip that has gone (or gives way)
    audio_owner_ = serial;
  }
  if (!serial) return;
  const uint64_t before = heard->play->audio_corrections();
  heard->play->feed_audio(audio_out_, t_ms - start);
  stats_.audio_corrections += heard->play->audio_corrections() - before;
}

const render::DisplayList* Player::page_of(Slot slot) const {
  const Showing& s = slot == Slot::current ? seq_.current() : seq_.next();
  const bool held = slot == Slot::current ? seq_.started() : seq_.next_ready();
  return held && s.page < s.pages.size() ? &s.pages[s.page] : nullptr;
}

bool Player::unpaintable(const Showing& s) const {
  if (!s.pl || !s.pl->slides[s.slide].as<content::ImageSlide>() || s.page >= s.pages.size()) return false;
  for (const auto& op : s.pages[s.page].ops)
    if (const auto* im = std::get_if<render::ImageOp>(&op); im && painter_.image_failed(im->path))
      return true;
  return false;
}

void Player::wake(int64_t t_ms) {
  if (seq_.wake(t_ms)) last_frame_t_ = -1;  // no frames were due while it was off
}

void Player::data_changed(int64_t unix_s) {
  if (data_) seq_.set_alerts(data_->alerts(unix_s));
  seq_.data_changed(unix_s);
}

void Player::adopt(const content::Playlist& playlist) {
  seq_.adopt(playlist);
  // Its images get another chance (the updater has just fetched them).
  painter_.forget_failed_images();
}

bool Player::tick(int64_t t_ms, int64_t unix_s) {
  // What the provider had before the first frame.
  if (!seq_.started() && data_) seq_.set_alerts(data_->alerts(unix_s));
  bool need = seq_.advance(t_ms, unix_s, stats_.frames > 0);
  t_ms = seq_.now_ms();
  need |= advance_videos(t_ms);
  feed_sound(t_ms);
  bool ticker_moved = false;
  if (seq_.takeover() ? !alert_line_.empty() : !ticker_line_.empty()) {
    ticker_offset_ = static_cast<double>(ticker_speed_) * static_cast<double>(t_ms) / 1000.0;
    ticker_moved = t_ms != seq_.previous_ms();
  }
  const content::Playlist& pl = seq_.playlist();
  if (pl.header.enabled && pl.header.clock && unix_s / 60 != shown_minute_) need = true;
  if (!need && !ticker_moved) return false;
  const auto work = std::chrono::steady_clock::now();
  present_frame(t_ms, unix_s, need);
  count_frame(t_ms, std::chrono::steady_clock::now() - work);
  return true;
}

void Player::present_frame(int64_t t_ms, int64_t unix_s, bool need) {
  if (!need && stats_.frames > 0 && compositor_.canvas()) {
    // Only the ticker moved, and the canvas holds the last frame: the strip
    // is drawn again (it paints its own background) and only it is sent.
    const Rect strip = draw_tickers();
    display_.present_area(SDL_Rect{static_cast<int>(strip.x), static_cast<int>(strip.y),
                                   static_cast<int>(std::ceil(strip.w)),
                                   static_cast<int>(std::ceil(strip.h))});
    ++stats_.partial_frames;
  } else {
    draw_frame(t_ms, unix_s);
    display_.present();
  }
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

TransitionKind Player::transition_at(int64_t t_ms, float& progress) const {
  progress = seq_.transition_progress(t_ms);
  if (!seq_.in_transition()) return TransitionKind::Cut;
  return transition_kind(seq_.playlist().transition.kind, seq_.trans_ms());
}

void Player::draw_frame(int64_t t_ms, int64_t unix_s) {
  float p = 0;
  const TransitionKind kind = transition_at(t_ms, p);
  compositor_.draw(kind, p);
  draw_overlays(unix_s);
}

void Player::draw_overlays(int64_t unix_s) {
  // An alert owns the whole screen (the alert ticker its bottom strip).
  if (!seq_.takeover() && seq_.playlist().header.enabled) draw_header(unix_s);
  draw_tickers();
}

Rect Player::draw_tickers() {
  if (seq_.takeover()) {
    const content::AlertSlide& s = *seq_.slide().as<content::AlertSlide>();
    if (alert_line_for_ != s.alert.key + "#" + std::to_string(seq_.alerts_version())) rebuild_alert_ticker();
    if (alert_line_.empty()) return {};
    draw_ticker(painter_, display_.renderer(), alert_line_, alert_strip_, ticker_offset_,
                alert_ticker_colours(s.alert.severity));
    return alert_strip_;
  }
  if (ticker_line_.empty()) return {};
  const content::Theme& t = seq_.playlist().theme;
  if (!draw_ticker_strip())
    draw_ticker(painter_, display_.renderer(), ticker_line_, ticker_, ticker_offset_,
                TickerColours{t.foreground, t.background2, t.accent});
  return ticker_;
}

// The header as a display list: its background, the accent rule along its
// bottom, the logo at the left margin and the clock at the right.
render::DisplayList Player::header_list(int64_t unix_s) {
  const content::Playlist& pl = seq_.playlist();
  const content::Theme& t = pl.theme;
  const int64_t minute = unix_s / 60;
  if (!header_logo_ || minute != shown_minute_) {
    text::LayoutOptions lo = text_options(t, true, std::round(header_.h * grid::kLogoSize));
    lo.width_px = header_.w * grid::kLogoWidth;
    lo.max_lines = 1;
    lo.line_height = grid::kHeaderLineHeight;
    header_logo_ = std::make_shared<const text::TextLayout>(text::layout_text(shaper_, {pl.header.logo}, lo));
    text::LayoutOptions co = text_options(t, false, std::round(header_.h * grid::kClockSize));
    co.width_px = header_.w * grid::kClockWidth;
    co.align = text::Align::End;
    co.max_lines = 1;
    co.line_height = grid::kHeaderLineHeight;
    header_clock_ = std::make_shared<const text::TextLayout>(text::layout_text(
        shaper_, {pl.header.clock ? chinese_datetime(unix_s, seq_.schedule().zone()) : ""}, co));
    shown_minute_ = minute;
  }
  const float m = std::round(std::min(header_.w, main_.h) * t.margin);
  render::DisplayList dl;
  dl.width = static_cast<int>(header_.w);
  dl.height = static_cast<int>(header_.h);
  dl.clear = t.background2;
  dl.ops.push_back(render::RectOp{header_.x, header_.y, header_.w, header_.h, t.background2});
  dl.ops.push_back(
      render::RectOp{header_.x, header_.y + header_.h - grid::kRulePx, header_.w, grid::kRulePx, t.accent});
  dl.ops.push_back(render::TextOp{header_logo_, header_.x + m,
                                  header_.y + (header_.h - header_logo_->height) / 2, t.accent,
                                  t.background2});
  dl.ops.push_back(render::TextOp{header_clock_, header_.x + header_.w - m - header_.w * grid::kClockWidth,
                                  header_.y + (header_.h - header_clock_->height) / 2, t.foreground,
                                  t.background2});
  return dl;
}

void Player::draw_header(int64_t unix_s) { paint_overlay(painter_, header_list(unix_s)); }

void Player::rebuild_ticker() {
  const content::Playlist& pl = seq_.playlist();
  const content::Ticker& tk = pl.ticker;
  ticker_line_ = {};
  for (StripTile& t : tiles_) t.px.reset();
  if (!tk.enabled) return;
  std::vector<std::string> items = ticker_items_;
  if (items.empty()) items = tk.items;
  if (items.empty() && data_ && !tk.source.empty()) items = data_->headlines(tk.source);
  // A feed's headlines, the first grid::kTickerHeadlines of them; the
  // playlist's own items are all shown.
  if (items != tk.items && items.size() > grid::kTickerHeadlines) items.resize(grid::kTickerHeadlines);
  std::vector<TickerItem> line;
  line.reserve(items.size());
  for (std::string& it : items) line.push_back({std::move(it), std::nullopt});
  ticker_line_ = layout_ticker(shaper_, pl.theme, line, tk.separator, ticker_.h);
}

// The alert ticker of the takeover on screen: the other alerts in force,
// most severe first, each after a chip in its severity's colour.
void Player::rebuild_alert_ticker() {
  const content::Slide& s = seq_.slide();
  const auto* on = s.as<content::AlertSlide>();
  alert_line_for_ = on ? on->alert.key + "#" + std::to_string(seq_.alerts_version()) : "";
  alert_line_ = {};
  if (!on || on->alerts_beside == 0) return;
  std::vector<TickerItem> items;
  for (const content::AlertNotice& a : seq_.alerts())
    if (a.key != on->alert.key) items.push_back({a.headline, severity_colour(a.severity)});
  const float H = static_cast<float>(display_.height()),
              th = ticker_strip_px(display_.width(), display_.height());
  alert_strip_ = Rect{0, H - th, static_cast<float>(display_.width()), th};
  const content::Theme& theme = s.theme ? *s.theme : seq_.playlist().theme;
  alert_line_ = layout_ticker(shaper_, theme, items, "", alert_strip_.h);
  // Starts at the takeover's margin (show/alert.cpp).
  alert_line_.lead = std::round(theme.margin * std::min(alert_strip_.w, H));
}

size_t Player::show_still(size_t slide, size_t page, int64_t unix_s) {
  const size_t pages = seq_.still(slide, page, unix_s);
  if (pages == 0) return 0;
  ticker_offset_ = 0;
  const render::DisplayList& dl = seq_.current().pages[page];
  // A video's poster frame: `poster` s into its clip.
  const auto* video = seq_.slide().as<content::VideoSlide>();
  VideoPlayback* poster =
      video && composed_video_.play && composed_video_.slide == slide ? composed_video_.play.get() : nullptr;
  if (poster && !poster->seek_poster(video->poster)) poster = nullptr;
  if (video && !poster)
    video_problems_.push_back(composed_video_error_.empty()
                                  ? "slide " + seq_.slide().id + ": video " + video->src + ": no poster frame"
                                  : composed_video_error_);
  // A still on the pixel path is painted straight into the canvas: no slide buffer at all.
  if (compositor_.paint_straight(dl)) {
    if (SDL_Surface* c = compositor_.canvas(); poster && c) {
      SDL_RenderFlush(display_.renderer());
      poster->convert(poster->current(), static_cast<uint8_t*>(c->pixels), c->pitch, video_box(),
                      pixel_order(c->format->format));
    }
    draw_overlays(unix_s);
  } else {
    compositor_.paint(Slot::current, dl);
    if (poster) draw_video(*poster, poster->current(), Slot::current);
    draw_frame(0, unix_s);
  }
  composed_video_ = {};
  display_.present();
  ++stats_.frames;
  return pages;
}

void Player::set_ticker_items(std::vector<std::string> items) {
  ticker_items_ = std::move(items);
  rebuild_ticker();
}

// The tile of the playlist's ticker that starts `k` screen widths into its
// line (`tile` px wide, `h` high): painted in the canvas's own strip (the
// frame being drawn covers it again afterwards) and copied out, into the
// slot least useful for `keep` (the other tile the window on screen needs).
const render::PixelBuffer& Player::strip_tile(SDL_Surface* c, size_t k, size_t keep, int h) {
  for (const StripTile& t : tiles_)
    if (t.k == k && t.px.size()) return t.px;
  StripTile& slot = *std::find_if(tiles_.begin(), tiles_.end(), [&](const StripTile& t) {
    return !t.px.size() || (t.k != keep && t.k != k);
  });
  const content::Theme& th = seq_.playlist().theme;
  const size_t w = static_cast<size_t>(c->w);
  SDL_Renderer* r = display_.renderer();
  paint_ticker_at(painter_, r, ticker_line_, ticker_, static_cast<float>(k * w),
                  TickerColours{th.foreground, th.background2, th.accent});
  SDL_RenderFlush(r);
  if (slot.px.size() != w * static_cast<size_t>(h)) slot.px = render::PixelBuffer(w * static_cast<size_t>(h));
  const int y0 = static_cast<int>(ticker_.y);
  for (int y = 0; y < h; ++y)
    std::memcpy(slot.px.data() + w * static_cast<size_t>(y),
                static_cast<const uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y0 + y) * c->pitch, w * 4);
  slot.k = k;
  ++stats_.ticker_tiles;
  return slot.px;
}

// On the software canvas the playlist's ticker is painted a screen width at
// a time into tiles, and each frame copies the window on screen out of (at
// most) two of them: no glyph is blended per frame (the glyph copies were
// most of a software frame's CPU), a tile is painted once every screen width
// the ticker moves, and two tiles (about 1.2 MB at 1080p) are all it holds,
// however long the feed. Positions are whole pixels on every path
// (show/ticker.h), so a tile holds exactly what draw_ticker paints there.
bool Player::draw_ticker_strip() {
  SDL_Surface* c = compositor_.canvas();
  if (!c || ticker_line_.empty()) return false;
  const int x0 = static_cast<int>(ticker_.x), w = static_cast<int>(ticker_.w);
  const int y0 = static_cast<int>(ticker_.y), h = std::min(static_cast<int>(std::ceil(ticker_.h)), c->h - y0);
  if (x0 != 0 || w != c->w || y0 < 0 || h <= 0) return false;
  SDL_RenderFlush(display_.renderer());  // nothing queued may land on top of what is written here
  const size_t tw = static_cast<size_t>(w);
  const size_t col = static_cast<size_t>(ticker_position(ticker_line_, ticker_offset_));
  const size_t k0 = col / tw, split = col % tw;
  const render::PixelBuffer& a = strip_tile(c, k0, k0 + 1, h);
  const render::PixelBuffer* b = split ? &strip_tile(c, k0 + 1, k0, h) : nullptr;
  for (int y = 0; y < h; ++y) {
    uint8_t* row = static_cast<uint8_t*>(c->pixels) + static_cast<ptrdiff_t>(y0 + y) * c->pitch;
    const size_t at = tw * static_cast<size_t>(y);
    std::memcpy(row, a.data() + at + split, (tw - split) * 4);
    if (b) std::memcpy(row + (tw - split) * 4, b->data() + at, split * 4);
  }
  return true;
}

bool Player::animating() const {
  if (seq_.in_transition() || !ticker_line_.empty() || (seq_.takeover() && !alert_line_.empty())) return true;
  if (video_[0].play && !video_[0].play->ended()) return true;  // a clip plays
  return seq_.moving();
}

int64_t Player::next_change_ms() const {
  int64_t next = seq_.next_change_ms();
  // A clip's next frame, or its end (an early end hands over at once).
  for (const Slot slot : {Slot::current, Slot::next}) {
    const VideoSlot& v = video_[slot == Slot::current ? 0 : 1];
    const Showing& s = slot == Slot::current ? seq_.current() : seq_.next();
    if (!v.play || s.pl.get() != v.pl || s.slide != v.slide) continue;
    if (slot == Slot::next && !seq_.in_transition()) continue;
    // (On the simulated clock this waits for the decoder to know.)
    int64_t due = v.play->next_due_ms(frame_interval_ms_ == 0);
    if (due == INT64_MAX && v.play->ended()) due = v.play->end_ms();
    if (due != INT64_MAX) next = std::min(next, std::max(seq_.now_ms() + 1, s.start + due));
  }
  return next;
}

int64_t Player::next_event_ms() const {
  // (The next slide's clip is opening: it is finished on the next frames,
  // not at the boundary.)
  if (animating() || seq_.next_in_progress()) return seq_.now_ms() + grid::kFrameMs;
  int64_t next = seq_.next_change_ms();
  const content::Playlist& pl = seq_.playlist();
  if (pl.header.enabled && pl.header.clock)
    next = std::min(next, seq_.now_ms() + (60 - seq_.last_unix() % 60) * 1000);
  return std::min(next, seq_.schedule_change_ms());
}

}  // namespace paizi::show
