// The player: the glue between the sequencer (show/sequencer.h: which slide
// and page is on screen at a given time, transitions between them) and the
// compositor (show/compositor.h: pages painted once, frames assembled from
// them), with the header (logo, clock) and ticker zones drawn over the
// slide, a frame drawn only when something visible changed.
//
// Time is passed in (ms since start, monotonic), so the same code runs on the
// real clock (window/board) and on a simulated clock (headless, tests).
//
// Threading: main thread only (it owns SDL textures through the Display).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "content/data_provider.h"
#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "render/pixels.h"
#include "show/compose.h"
#include "show/compositor.h"
#include "show/schedule.h"
#include "show/sequencer.h"
#include "show/ticker.h"
#include "show/video.h"

namespace paizi::show {

using content::DataProvider;

struct PlayerStats {
  uint64_t frames = 0;          // frames presented
  uint64_t partial_frames = 0;  // of which only the ticker strip was drawn and sent
  // Screen-wide tiles of the ticker painted on the software canvas (draw_ticker_strip).
  uint64_t ticker_tiles = 0;
  uint64_t compositions = 0;  // slide pages composed and painted into a texture
  int last_missing = 0;       // code points without a glyph in the last composed slide
  // Frames of continuous motion (ticker, transition, count-up) that were due
  // but not presented: a gap of n frame intervals between two presented
  // frames while motion was on screen counts n - 1 (rounded). Counted only
  // when a frame interval is set (set_frame_interval: the real clock).
  uint64_t dropped = 0;
  // Frame time: wall time to draw and present one frame (steady clock), as
  // a histogram. frame_time_counts[i] counts frames that took at most
  // kFrameTimeBounds[i] seconds (and more than the bound before it); the
  // last entry counts the frames slower than every bound.
  static constexpr std::array<double, 9> kFrameTimeBounds = {0.001, 0.002, 0.004, 0.008, 0.016,
                                                             0.033, 0.066, 0.133, 0.266};
  std::array<uint64_t, kFrameTimeBounds.size() + 1> frame_time_counts{};
  double frame_time_sum = 0;  // s, over every frame in frame_time_counts
  // Slides that came on screen (their first page), by slide type
  // (content::type_name: slogan, news, kpi, image, alert).
  std::map<std::string, uint64_t> shown_by_type;
  uint64_t unpaintable = 0;    // image slides skipped: the painter could not draw their image
  uint64_t video_frames = 0;   // video frames drawn
  uint64_t video_dropped = 0;  // video frames decoded too late to be drawn (the real clock fell behind)
  uint64_t video_failed = 0;   // video slides left out or cut short: their clip could not be played
  // Skips and silences that kept a clip's sound in step with its frames
  // (VideoPlayback::feed_audio): the output device ran dry or its clock
  // drifted from the player's.
  uint64_t audio_corrections = 0;
};

class Player : private SequencerHost {
 public:
  // `zone`: where the player stands (the configuration's zone, else the
  // system's); a playlist's schedule.timezone overrides it for that
  // playlist. The schedule and every time a slide shows (header clock,
  // dates) use the same zone.
  Player(present::Display& display, text::Shaper& shaper, render::Painter& painter,
         content::Playlist playlist, DataProvider* data = nullptr,
         content::TimeZone zone = content::TimeZone::system());
  ~Player() override;
  Player(const Player&) = delete;
  Player& operator=(const Player&) = delete;

  // Advances to `t_ms` (non-decreasing) with wall-clock time `unix_s` (for the
  // clock and staleness) and presents a frame if anything visible changed.
  // Returns true when a frame was presented.
  bool tick(int64_t t_ms, int64_t unix_s);

  // While the screen is switched off (a display-off window): the player
  // draws nothing, its clock stands still; `rest` keeps the wall-clock time
  // for the schedule (schedule_state() tells when the screen is on again).
  // `wake` resumes at `t_ms` where it stopped: the slide on screen goes on,
  // no slide is skipped through, and the next frame is drawn.
  void rest(int64_t unix_s) { seq_.rest(unix_s); }
  void wake(int64_t t_ms);

  // The data provider's content changed (a source was fetched, changed or
  // failed over to its last good copy). A source slide on screen that shows
  // no data yet (its placeholder) is composed again at once, from its first
  // page; one that shows data takes the new data at its next page boundary;
  // the next slide, prepared ahead of its turn, is prepared again.
  // Also takes the provider's alerts (set_alerts).
  void data_changed(int64_t unix_s);

  // CAP alerts: each becomes an urgent slide of type "alert" appended to
  // the playlist on screen (and to one waiting to be adopted), urgent from
  // `from` until `until`, so the schedule's urgent notices preempt the loop
  // with it (rule 2 of show/schedule.h) and the header and ticker are not
  // drawn over it. A changed set takes effect at the next tick (after a
  // transition in progress): an alert on screen that was cancelled or
  // updated is left at once for what the schedule says now. When the last
  // alert ends (expiry, cancel) the loop resumes with the slide the first
  // alert interrupted, from its first page. Same set: nothing happens.
  void set_alerts(std::vector<content::AlertNotice> alerts) { seq_.set_alerts(std::move(alerts)); }
  // The alerts in force at `unix_s` (from <= unix_s < until), most severe first.
  std::vector<content::AlertNotice> active_alerts(int64_t unix_s) const { return seq_.active_alerts(unix_s); }

  // Earliest time (ms) at which something changes without input: a page or
  // slide boundary, the end of a transition or animation, the next minute of
  // the header clock. While continuous motion is on screen (ticker,
  // transition, count-up) this is the next frame: check `animating()`.
  int64_t next_event_ms() const;
  bool animating() const;
  // Next discrete change (boundary, end of transition or animation), ignoring
  // continuous motion: a headless run jumps from one to the next.
  int64_t next_change_ms() const;

  // Draws one still frame: slide `slide`, page `page`, at wall time
  // `unix_s`, animations settled, ticker at offset 0 (for `paizi render`).
  // Returns the page count of that slide (0 = no such page).
  size_t show_still(size_t slide, size_t page, int64_t unix_s);
  // Whether the still just drawn is an image slide whose image could not be
  // drawn: the slide play skips (what `paizi render` must not write as if
  // it were shown).
  bool still_unpaintable() const { return unpaintable(seq_.current()); }

  // Draws a frame at the next tick even if nothing changed (after a reload,
  // so READY=1 follows RELOADING=1 promptly).
  void request_redraw() { seq_.request_redraw(); }

  // Replaces the ticker's items in place: the scroll position continues.
  void set_ticker_items(std::vector<std::string> items);
  // Adopts a new playlist at the next slide boundary (never mid-transition).
  void adopt(const content::Playlist& playlist);
  // Whether wall-clock time may be used for scheduling (show/schedule.h);
  // while false only fallback slides play. Default true.
  void set_clock_trusted(bool trusted) { seq_.set_clock_trusted(trusted); }
  // The schedule's verdict at the last tick's wall-clock time.
  ScheduleState schedule_state() const { return seq_.schedule_state(); }

  // What is on screen.
  const content::Slide& slide() const { return seq_.slide(); }
  size_t slide_index() const { return seq_.current().slide; }
  size_t page() const { return seq_.current().page; }
  // How long the slide on screen has been there (since its first page came
  // on), ms of the player clock (which stands still while the screen is off).
  int64_t slide_age_ms() const { return seq_.slide_age_ms(); }
  // The interval at which frames of continuous motion are due, ms (the
  // display's refresh period; a headless real-clock loop's pace); 0 (the
  // default, a simulated clock) counts no dropped frames. See PlayerStats.
  void set_frame_interval(int64_t ms) {
    frame_interval_ms_ = ms;
    // The real clock: a next slide's clip opens off the frame loop.
    seq_.set_prepare_async(ms > 0);
  }
  // Counts the times the page on screen was replaced in place (new data for
  // a placeholder): with slide_index() and page(), what is on screen.
  uint64_t replaced() const { return seq_.replaced(); }
  size_t page_count() const { return seq_.current().pages.size(); }
  bool in_transition() const { return seq_.in_transition(); }
  // Ticker scroll distance since start, px (grows without bound; the drawn
  // position is this modulo the ticker's cycle length).
  double ticker_offset() const { return ticker_offset_; }
  float ticker_cycle() const { return ticker_line_.cycle; }
  const PlayerStats& stats() const { return stats_; }
  // What composing the slide on screen reported: text cut or set below the
  // theme's readable minimum, a QR code left out (show/compose.h).
  const std::vector<std::string>& warnings() const { return seq_.current().warnings; }
  // How video slides are decoded (media/video.h: the board, the choice of
  // decoder, the limits); before the first tick().
  void set_video_options(const media::DecoderOptions& o) { video_options_ = o; }
  // The decoder of the last clip opened ("h264 (software)"; "" before any)
  // and why it is not the hardware one ("" when it is, or none was wanted).
  // Clips whose decoder is open now (on screen, or the next slide's).
  size_t clips_decoding() const;
  const std::string& video_decoder() const { return video_decoder_; }
  const std::string& video_fallback() const { return video_fallback_; }
  // The sound output of unmuted clips (real clock only; opened for the
  // first one): "alsa, 48000 Hz, 2 ch", "none: no audio device (...)", or
  // "" while no unmuted clip has played.
  std::string audio_output() const;
  // What went wrong with clips since the last call ("slide ID: video SRC:
  // reason"), for the log.
  std::vector<std::string> take_video_problems() { return std::exchange(video_problems_, {}); }
  // Whether frames are assembled in the software canvas's memory (the
  // slides kept as pixel buffers, a crossfade blended by paizi's own loop)
  // rather than with render-target textures and SDL's blending.
  bool direct_pixels() const { return compositor_.direct(); }
  // Uses the texture path even on a software canvas (tests, benchmarks);
  // call before the first tick().
  void force_texture_path() { compositor_.force_texture_path(); }
  // The playlist on screen, with its alert slides (set_alerts): a new
  // object whenever the alerts change.
  const content::Playlist& playlist() const { return seq_.playlist(); }
  // Counts the playlists adopted and put on screen (not alert changes): a
  // new value means new sources to follow.
  uint64_t adoptions() const { return seq_.adoptions(); }

 private:
  // SequencerHost: the sequencer asks for compositions and paintings.
  Composition compose(const content::Playlist& pl, size_t slide, int64_t unix_s, double anim_t,
                      const content::TimeZone& zone) override;
  bool page_ready(Slot slot, const Showing& s) override;
  bool page_warm(const Showing& s, bool first) override;
  bool composition_ready(bool wait, int64_t& hold, int64_t& waited_ms) override;
  void swapped() override;
  void playlist_changed() override;
  void came_on(const content::Slide& slide) override {
    ++stats_.shown_by_type[content::type_name(slide.body)];
  }
  void skipped_unpaintable() override { ++stats_.unpaintable; }

  // A video slide's clip, asked for when it is composed (compose), started
  // on its thread (composition_ready) and moved to the slot its showing
  // takes (page_ready).
  struct VideoSlot {
    std::unique_ptr<VideoPlayback> play;
    const content::Playlist* pl = nullptr;
    size_t slide = 0;
    uint64_t serial = 0;  // which clip (a new one for every start)
  };
  VideoSlot& video_of(Slot slot) { return video_[slot == Slot::current ? 0 : 1]; }
  // Asks for the clip of video slide `slide` of `pl` (composed_video_,
  // started by composition_ready); false with the reason in
  // composed_video_error_ when it cannot be played.
  bool want_video(const content::Playlist& pl, size_t slide);
  // Starts the clip want_video() asked for on its thread, unless another
  // clip still has a decoder (and not `anyway`); false when it waits.
  bool start_wanted_clip(bool anyway);
  // Draws the frames of the clips on screen due at `t_ms`; true when any changed.
  bool advance_videos(int64_t t_ms);
  // Queues the sound of the clip heard at `t_ms`: the one coming on in a
  // transition, else the one on screen; the queue is dropped when that
  // changes (one clip is heard at a time).
  void feed_sound(int64_t t_ms);
  // Whether unmuted clips get sound: the real clock and an output device
  // (opened here the first time; a failure is reported once).
  bool sound_ready();
  // The slide's area on this screen, for the clip.
  media::Box video_box() const;
  // Draws the decoder's frame into the picture of `slot`.
  void draw_video(VideoPlayback& v, const media::Frame& f, Slot slot);
  // The page `slot` holds now (null: none; the compositor repaints from it).
  const render::DisplayList* page_of(Slot slot) const;
  // An image slide whose image the painter could not draw (after painting
  // it): treated like one whose image is missing, i.e. skipped.
  bool unpaintable(const Showing& s) const;
  void layout_zones();
  // The transition on screen at `t_ms` (a cut: none).
  TransitionKind transition_at(int64_t t_ms, float& progress) const;
  void draw_frame(int64_t t_ms, int64_t unix_s);
  // Presents the frame at `t_ms`: only the ticker strip when only it moved
  // (`need` false) and the canvas holds the last frame, else all of it.
  void present_frame(int64_t t_ms, int64_t unix_s, bool need);
  void draw_overlays(int64_t unix_s);
  void draw_header(int64_t unix_s);
  render::DisplayList header_list(int64_t unix_s);
  void rebuild_ticker();
  void rebuild_alert_ticker();
  // The ticker on screen (the alert ticker during a takeover) drawn in its
  // strip; returns the strip, or an empty rect when there is none.
  Rect draw_tickers();
  bool draw_ticker_strip();  // the playlist's ticker from tiles_ (software canvas); false: not here
  const render::PixelBuffer& strip_tile(SDL_Surface* c, size_t k, size_t keep, int h);
  // Counts a presented frame at `t_ms` that took `work` to draw and present.
  void count_frame(int64_t t_ms, std::chrono::steady_clock::duration work);

  present::Display& display_;
  text::Shaper& shaper_;
  render::Painter& painter_;
  DataProvider* data_;
  Sequencer seq_;
  Compositor compositor_;
  Rect main_, header_, ticker_;
  // Header texts, rebuilt when the minute changes.
  std::shared_ptr<const text::TextLayout> header_logo_, header_clock_;
  int64_t shown_minute_ = -1;
  // Ticker.
  std::vector<std::string> ticker_items_;
  TickerLine ticker_line_;
  double ticker_offset_ = 0;  // both tickers scroll together
  // The playlist's ticker painted on the software canvas a screen width at a
  // time (draw_ticker_strip): tile k starts k screen widths into the line.
  struct StripTile {
    size_t k = 0;
    render::PixelBuffer px;
  };
  // Two: the window on screen spans at most two tiles, and a tile is
  // painted once per screen width the ticker moves either way.
  std::array<StripTile, 2> tiles_;
  // The alert ticker (during a takeover while other alerts are in force),
  // for the alert and alert set it was built for (alert_line_for_).
  TickerLine alert_line_;
  Rect alert_strip_;
  std::string alert_line_for_;
  float ticker_speed_ = 0;  // px/s on this screen
  PlayerStats stats_;
  int64_t frame_interval_ms_ = 0;  // see set_frame_interval()
  int64_t last_frame_t_ = -1;      // ms: the last presented frame
  bool motion_ = false;            // continuous motion was on screen at the last presented frame
  // Video slides.
  media::DecoderOptions video_options_;
  VideoSlot composed_video_;          // the clip of the slide composed last, for page_ready()
  std::string composed_video_error_;  // why composed_video_ has none
  // The clip composed_video_ wants, until it is started (composition_ready).
  struct WantedClip {
    content::VideoSlide slide;
    std::string path, what;
    int64_t slide_ms = 0;
  };
  std::optional<WantedClip> wanted_;
  std::string composed_video_what_;  // "slide ID: video SRC: " of composed_video_
  std::array<VideoSlot, 2> video_;   // current, next
  std::string video_decoder_, video_fallback_;
  std::vector<std::string> video_problems_;
  uint64_t clip_serial_ = 0;              // VideoSlot::serial of the last clip started
  platform::AudioOut audio_out_;          // opened for the first unmuted clip
  std::string audio_error_;               // why audio_out_ did not open
  uint64_t audio_owner_ = 0;              // serial of the clip whose sound is queued (0: none)
  std::set<std::string> audio_reported_;  // clips whose missing sound was reported
};

}  // namespace paizi::show
