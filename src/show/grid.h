// The theme grid: the proportions of the screen's zones (header, ticker,
// margins, rules) and the other fixed numbers the show stage lays out and
// paces with, in one place. Sizes are fractions of a screen or zone
// dimension (so a layout scales with the screen), or px where named so.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace paizi::show::grid {

// Zones of the screen (Player::layout_zones): the header along the top, the
// ticker strip along the bottom, the slide area between them.
constexpr float kHeaderHeight = 0.075f;  // of the screen's shorter side
constexpr float kTickerHeight = 0.07f;   // of the screen's shorter side (the alert ticker too)
constexpr float kRulePx = 3;             // the accent rule under the header and over the ticker, px

// Header texts, as fractions of the header's height (size) and width (box).
constexpr float kLogoSize = 0.42f;
constexpr float kLogoWidth = 0.5f;
constexpr float kClockSize = 0.36f;
constexpr float kClockWidth = 0.45f;
constexpr float kHeaderLineHeight = 1.2f;

// Ticker line (show/ticker.h): text size of the strip height, line height,
// and a chip and its gap to the text in ems.
constexpr float kTickerTextSize = 0.46f;
constexpr float kTickerLineHeight = 1.3f;
constexpr float kChipEm = 0.8f;
constexpr float kChipGapEm = 0.5f;
// Screen height at which a ticker's speed (px/s) is given; it scales with it.
constexpr float kTickerSpeedHeight = 1080.f;
// A feed's ticker shows its first headlines only: a feed may hold
// thousands, a cycle of hours, laid out on the frame thread (10 000 took
// 34 ms on a PC, several frames on a board).
constexpr size_t kTickerHeadlines = 30;

// Text sizes scale with min(area height, area width * kTextAspect): a wide
// area sizes by its height, a tall one by its width.
constexpr float kTextAspect = 1.2f;

// The accent rule under a slide's title or headline: a share of the area's
// width, at most kTitleRuleEm body ems long; kTitleRuleThick of a body em
// thick, at least kRulePx.
constexpr float kTitleRuleWidth = 0.08f;
constexpr float kTitleRuleEm = 3;
constexpr float kTitleRuleThick = 0.1f;

// Slogans (show/slogan.cpp). Horizontal: the slogan's box, a share of the
// area's height inside the margins (less with a subtitle); its text between
// kSloganMinText and kSloganMaxText of the area's height.
constexpr float kSloganBox = 0.6f;
constexpr float kSloganBoxWithSubtitle = 0.5f;
constexpr float kSloganMinText = 0.04f;
constexpr float kSloganMaxText = 0.2f;
// Vertical (couplets): a column's width, of the area's width; the inset of
// a column's text and of its accent frame, of the column's width; the
// cross-banner's width (of the area's width, at most kBannerMaxWidth of its
// height) and height (of the area's height).
constexpr float kColumnWidth = 0.16f;
constexpr float kColumnPad = 0.12f;
constexpr float kColumnFrame = 0.03f;
constexpr float kBannerWidth = 0.5f;
constexpr float kBannerMaxWidth = 0.9f;
constexpr float kBannerHeight = 0.15f;

// Pacing.
constexpr int64_t kFrameMs = 16;                 // a frame of continuous motion on a simulated clock
constexpr int64_t kMinHoldMs = 100;              // the shortest a slide page stays
constexpr std::chrono::seconds kAlertSlide{20};  // an alert slide's turn when several take turns
constexpr size_t kAlertIdChars = 64;             // of an alert's identifier in its slide id

}  // namespace paizi::show::grid
