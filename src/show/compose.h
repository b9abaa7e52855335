// Slide composition: from a slide, its theme and the data it shows to a
// display list per page. Pure layout: runs without a display (tests and
// previews compose and paint headless).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "content/kpi_data.h"
#include "content/playlist.h"
#include "content/timezone.h"
#include "render/display_list.h"
#include "text/shaper.h"

namespace paizi::show {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// Everything composition may read; owned by the caller.
struct ComposeContext {
  explicit ComposeContext(text::Shaper& s) : shaper(s) {}
  text::Shaper& shaper;
  int width = 1920, height = 1080;  // logical canvas, px
  Rect area{0, 0, 1920, 1080};      // main zone (screen minus header/ticker)
  int64_t now = 0;                  // Unix seconds, UTC (clock, "updated N min ago")
  // The zone every date and time on the slide is shown in: the playlist's,
  // as the schedule uses it (Schedule::zone()). Null = UTC. Not owned.
  const content::TimeZone* zone = nullptr;
  int64_t data_time = 0;                    // when the slide's data was fetched (0 = live/inline)
  int64_t max_age = 0;                      // data older than this (s) is marked stale (0 = never)
  const content::NewsItem* news = nullptr;  // resolved news for a "source" news slide
  const content::KpiData* kpi = nullptr;    // figures for a "source" KPI slide
  std::string base_dir;                     // playlist directory: relative image paths resolve here
  // Whether the picture at a resolved path can be drawn in a box of at most
  // box_w x box_h px (the player asks its painter, which decodes it now, at
  // that box's size, and reports a failure once). A slide that only shows a
  // picture beside its text (news) is laid out without one it cannot draw,
  // as if it had none, never around an empty box. Null: every named picture
  // is assumed drawable (a preview without a painter).
  std::function<bool(const std::string& path, float box_w, float box_h)> can_draw;
  double anim_t = 1e9;  // seconds since the slide entered (count-up animations)
  // Filled by composition: text cut or set below the theme's min_text, a
  // QR code left out ("headline cut to 2 lines: 园区…"); one line each.
  std::vector<std::string> warnings;
};

// Composes a slide into one display list per page (news bodies have
// several; other slides one). Never empty: content that cannot be shown
// becomes a visible notice, not a blank screen.
std::vector<render::DisplayList> compose_slide(const content::Slide& slide, const content::Theme& theme,
                                               ComposeContext& ctx);

// Building blocks shared by the slide composers.
text::LayoutOptions text_options(const content::Theme& theme, bool display_face, float size_px);
// text::fit_text, and a warning in ctx.warnings when the result is cut
// (ellipsis) or set below the theme's min_text; `what` names the text
// ("slogan", "headline").
text::TextLayout fit_checked(ComposeContext& ctx, const content::Theme& theme, const char* what,
                             const std::vector<std::string>& paragraphs, const text::LayoutOptions& o,
                             const text::FitBox& box);
// The theme's min_text in px on this canvas.
float min_text_px(const content::Theme& theme, const ComposeContext& ctx);
void add_background(render::DisplayList& dl, const content::Theme& theme, const Rect& r);
// An image path from content, resolved against the playlist directory.
std::string resolve_path(const ComposeContext& ctx, const std::string& path);
render::TextOp text_op(text::TextLayout&& layout, float x, float y, content::Color color, content::Color bg);

std::vector<render::DisplayList> compose_slogan(const content::SloganSlide& s, const content::Theme& t,
                                                ComposeContext& ctx);
std::vector<render::DisplayList> compose_news(const content::NewsSlide& s, const content::Theme& t,
                                              ComposeContext& ctx);
std::vector<render::DisplayList> compose_kpi(const content::KpiSlide& s, const content::Theme& t,
                                             ComposeContext& ctx);
// The height of the strip along the bottom of a w x h screen that the
// ticker zone takes, and the alert ticker of a takeover, px.
float ticker_strip_px(int width, int height);
// The colour a CAP severity is shown in (China's warning colours; show/alert.cpp).
content::Color severity_colour(content::CapSeverity s);
// A ticker strip's colours (show/ticker.h).
struct TickerColours {
  content::Color text, background, rule;  // rule: the 3 px line along the strip's top
};
// The alert ticker's, under a takeover in the colour of `on_screen`.
TickerColours alert_ticker_colours(content::CapSeverity on_screen);

// A CAP alert's full-screen takeover (slide.alert; show/alert.cpp): the
// whole canvas, not ctx.area; colours by severity, not the theme's.
std::vector<render::DisplayList> compose_alert(const content::AlertSlide& s, const content::Theme& t,
                                               ComposeContext& ctx);
std::vector<render::DisplayList> compose_image(const content::ImageSlide& s, const content::Theme& t,
                                               ComposeContext& ctx);
// A video slide's page: the letterbox the player draws the clip's frames
// over, in ctx.area (show/video.h).
std::vector<render::DisplayList> compose_video(const content::VideoSlide& s, const content::Theme& t,
                                               ComposeContext& ctx);
// A visible notice instead of a blank slide ("news source unavailable").
std::vector<render::DisplayList> compose_notice(const std::string& title, const std::string& detail,
                                                const content::Theme& t, ComposeContext& ctx);
// How long a KPI slide's figures count up after it enters, s: the composer
// animates over it, the player redraws for it (animation_length).
constexpr double kKpiCountUp = 1.2;
// Seconds after entry during which a slide animates (KPI count-up); 0 = static.
double animation_length(const content::Slide& s);

}  // namespace paizi::show
