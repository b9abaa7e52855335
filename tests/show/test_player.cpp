// The player on a simulated clock: order and timing, transitions, the
// ticker, and no redraws while nothing changes.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "content/playlist.h"
#include "player_rig.h"
#include "present/display.h"
#include "render/image.h"
#include "render/painter.h"
#include "show/player.h"

using namespace paizi;

namespace {

using show_test::Rig;

const char* kThree = R"({"version":1,"transition":{"type":"fade","duration":"500ms"},
  "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]},
            {"id":"b","type":"slogan","duration":"7s","lines":["第二"]},
            {"id":"c","type":"slogan","duration":"3s","lines":["第三"]}]})";

constexpr int64_t kUnix = 1776585600;

}  // namespace

TEST_CASE("slides follow the playlist order and durations; transitions take their time") {
  Rig rig(kThree);
  auto& p = *rig.player;
  std::vector<std::pair<int64_t, std::string>> starts;
  std::string last;
  int64_t trans_begin = -1;
  std::vector<int64_t> trans_lengths;
  for (int64_t t = 0; t <= 31000; t += 10) {
    p.tick(t, kUnix);
    if (p.in_transition() && trans_begin < 0) trans_begin = t;
    if (!p.in_transition() && trans_begin >= 0) {
      trans_lengths.push_back(t - trans_begin);
      trans_begin = -1;
    }
    if (!p.in_transition() && p.slide().id != last) {
      last = p.slide().id;
      starts.emplace_back(t, last);
    }
  }
  // Transitions start at the boundaries 5 s, 12 s, 15 s, 20 s, 27 s, 30 s and take 500 ms.
  const std::vector<std::pair<int64_t, std::string>> want{
      {0, "a"}, {5500, "b"}, {12500, "c"}, {15500, "a"}, {20500, "b"}, {27500, "c"}, {30500, "a"}};
  CHECK(starts == want);
  for (int64_t len : trans_lengths) CHECK(len == 500);
}

TEST_CASE("a static slide issues no redraws between changes") {
  Rig rig(kThree);
  auto& p = *rig.player;
  CHECK(p.tick(0, kUnix));
  const auto frames = p.stats().frames;
  for (int64_t t = 16; t < 5000; t += 16) CHECK_FALSE(p.tick(t, kUnix));
  CHECK(p.stats().frames == frames);
  CHECK_FALSE(p.animating());
  CHECK(p.next_event_ms() == 5000);
  CHECK(p.tick(5000, kUnix));  // the transition starts
}

TEST_CASE("the next slide is composed before its turn") {
  Rig rig(kThree);
  auto& p = *rig.player;
  p.tick(0, kUnix);
  CHECK(p.stats().compositions == 1);  // the first frame goes out first
  p.tick(16, kUnix);
  const auto composed = p.stats().compositions;
  CHECK(composed == 2);  // then the next slide is composed, long before its turn
  p.tick(5000, kUnix);   // boundary: no composition at the switch
  CHECK(p.stats().compositions == composed);
}

TEST_CASE("the ticker advances at its speed, wraps seamlessly and keeps its place on updates") {
  const std::string json =
      R"({"version":1,"ticker":{"speed":120,"items":["园区新闻一","园区新闻二","通知三"]},
    "slides":[{"id":"a","type":"slogan","duration":"60s","lines":["口号"]}]})";
  Rig rig(json, 640, 360);
  auto& p = *rig.player;
  const double speed = 120.0 * 360 / 1080;  // px/s scaled to the screen height
  p.tick(0, kUnix);
  CHECK(p.animating());
  p.tick(1000, kUnix);
  CHECK(p.ticker_offset() == Approx(speed));
  p.tick(2500, kUnix);
  CHECK(p.ticker_offset() == Approx(speed * 2.5));
  // Seamless: frames one cycle apart are identical in the ticker strip.
  const float cycle = p.ticker_cycle();
  REQUIRE(cycle > 100);
  const int64_t t1 = 3000;
  const auto t2 = t1 + static_cast<int64_t>(std::llround(cycle / speed * 1000.0));
  auto strip = [&](int64_t t) {
    p.tick(t, kUnix);
    std::string err;
    auto s = rig.display->snapshot(err);
    std::vector<uint32_t> px;
    const int y0 = 360 - 25;
    for (int y = y0; y < 360; ++y)
      for (int x = 0; x < 640; ++x) px.push_back(static_cast<uint32_t*>(s->pixels)[y * s->pitch / 4 + x]);
    return px;
  };
  const double frac = std::fmod(cycle / speed * 1000.0, 1.0);
  const auto a = strip(t1), b = strip(t2);
  size_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff += a[i] != b[i];
  // Up to a rounding of the cycle to whole milliseconds (sub-pixel offset).
  INFO("cycle " << cycle << " px, frac " << frac);
  CHECK(diff < a.size() / 20);
  // Updating the items keeps the position (no jump back to the start).
  const double before = p.ticker_offset();
  p.set_ticker_items({"新的头条", "另一条"});
  p.tick(t2 + 16, kUnix);
  CHECK(p.ticker_offset() == Approx(before + speed * 0.016));
}

namespace {

// A headless screen that records what the player sends: whole frames or areas.
struct RecordingDisplay final : present::Display {
  std::unique_ptr<present::Display> inner;
  int full = 0;
  std::vector<SDL_Rect> areas;
  explicit RecordingDisplay(std::unique_ptr<present::Display> d) : inner(std::move(d)) {}
  SDL_Renderer* renderer() override { return inner->renderer(); }
  int width() const override { return inner->width(); }
  int height() const override { return inner->height(); }
  void present() override {
    ++full;
    inner->present();
  }
  void present_area(const SDL_Rect& a) override {
    areas.push_back(a);
    inner->present();
  }
  render::SurfacePtr snapshot(std::string& err) override { return inner->snapshot(err); }
  std::string name() const override { return "recording"; }
  SDL_Surface* canvas() override { return inner->canvas(); }
};

std::vector<uint32_t> pixels_of(present::Display& d) {
  std::string err;
  auto s = d.snapshot(err);
  REQUIRE(s);
  std::vector<uint32_t> px;
  for (int y = 0; y < s->h; ++y)
    for (int x = 0; x < s->w; ++x) px.push_back(static_cast<uint32_t*>(s->pixels)[y * s->pitch / 4 + x]);
  return px;
}

}  // namespace

TEST_CASE(
    "over a still slide only the ticker strip is drawn and sent, and the screen is the same as a whole "
    "frame") {
  const std::string json =
      R"({"version":1,"ticker":{"speed":120,"items":["园区新闻一","园区新闻二","通知三"]},
    "header":{"logo":"牌子科技园","clock":true},
    "slides":[{"id":"a","type":"slogan","duration":"60s","lines":["创新驱动发展"]}]})";
  auto pr = content::parse_playlist(json, ".");
  REQUIRE(pr.playlist);
  std::string err;
  present::DisplayOptions o;
  o.width = 640;
  o.height = 360;
  RecordingDisplay rec(present::open_headless(o, err));
  REQUIRE(rec.inner);
  render::Painter painter(rec.renderer());
  show::Player p(rec, Rig::shaper(), painter, *pr.playlist);
  // 60 fps for 3 s, within one minute of the clock.
  const int64_t unix0 = kUnix + 5;
  for (int64_t t = 0; t <= 3000; t += 16) CHECK(p.tick(t, unix0 + t / 1000));
  const uint64_t frames = p.stats().frames;
  INFO("frames " << frames << ", whole " << rec.full << ", strips " << rec.areas.size());
  CHECK(frames == rec.full + rec.areas.size());
  CHECK(p.stats().partial_frames == rec.areas.size());
  // The first frame and the one after the next slide was prepared in the
  // canvas are whole; every other one is the strip alone.
  CHECK(rec.full <= 3);
  CHECK(rec.areas.size() >= frames - 3);
  for (const SDL_Rect& a : rec.areas) {
    CHECK(a.x == 0);
    CHECK(a.w == 640);
    CHECK(a.y + a.h == 360);
    CHECK(a.h < 360 / 8);
  }
  // Pixel for pixel what a whole frame at the same moment shows.
  const auto got = pixels_of(rec);
  RecordingDisplay rec2(present::open_headless(o, err));
  render::Painter painter2(rec2.renderer());
  show::Player whole(rec2, Rig::shaper(), painter2, *pr.playlist);
  whole.force_texture_path();  // every frame composed from the slide's texture
  whole.tick(0, unix0);
  whole.tick(3000 / 16 * 16, unix0 + 3);
  CHECK(rec2.areas.empty());
  const auto want = pixels_of(rec2);
  REQUIRE(got.size() == want.size());
  size_t differ = 0;
  for (size_t i = 0; i < got.size(); ++i) differ += got[i] != want[i];
  CHECK(differ == 0);
}

TEST_CASE("the ticker strip is painted a screen width at a time, and the tiles it holds stay the frame") {
  // 40 s at 40 px/s (120 px/s at 1080p, on a 360 px screen): 1600 px, the
  // window crossing two and a half screen widths of tiles.
  // Items long enough for a cycle of several screen widths.
  const std::string json = R"({"version":1,"ticker":{"speed":120,"items":[
    "园区新闻一：本周五下午三点在一号楼前广场举行消防演练，请各单位提前安排人员参加",
    "访客请在一楼大厅服务台登记并领取临时通行证，离开园区时交回",
    "通知三：园区食堂自下周一起延长晚餐供应时间至晚上八点"]},
    "slides":[{"id":"a","type":"slogan","duration":"600s","lines":["创新驱动发展"]}]})";
  auto pr = content::parse_playlist(json, ".");
  REQUIRE(pr.playlist);
  std::string err;
  present::DisplayOptions o;
  o.width = 640;
  o.height = 360;
  RecordingDisplay rec(present::open_headless(o, err));
  REQUIRE(rec.inner);
  render::Painter painter(rec.renderer());
  show::Player p(rec, Rig::shaper(), painter, *pr.playlist);
  const int64_t end = 40000 / 16 * 16;
  for (int64_t t = 0; t <= end; t += 16) p.tick(t, kUnix + 5);
  // A tile per screen width moved (plus the two first on screen), not one
  // per frame: 1600 px / 640 px.
  INFO("tiles painted " << p.stats().ticker_tiles);
  CHECK(p.stats().ticker_tiles >= 4);
  CHECK(p.stats().ticker_tiles <= 6);
  const auto got = pixels_of(rec);
  RecordingDisplay rec2(present::open_headless(o, err));
  render::Painter painter2(rec2.renderer());
  show::Player whole(rec2, Rig::shaper(), painter2, *pr.playlist);
  whole.force_texture_path();
  whole.tick(0, kUnix + 5);
  whole.tick(end, kUnix + 5);
  const auto want = pixels_of(rec2);
  REQUIRE(got.size() == want.size());
  size_t differ = 0;
  for (size_t i = 0; i < got.size(); ++i) differ += got[i] != want[i];
  CHECK(differ == 0);
}

TEST_CASE("a new playlist is adopted at the next slide boundary, never mid-slide") {
  Rig rig(kThree);
  auto& p = *rig.player;
  p.tick(0, kUnix);
  auto pr = content::parse_playlist(
      R"({"version":1,"slides":[{"id":"new","type":"slogan","duration":"4s","lines":["新内容"]}]})", ".");
  REQUIRE(pr.playlist);
  p.tick(2000, kUnix);
  p.adopt(*pr.playlist);
  p.tick(4000, kUnix);
  CHECK(p.slide().id == "a");
  p.tick(5600, kUnix);
  CHECK(p.slide().id == "new");
}

namespace {

std::vector<uint32_t> frame_pixels(present::Display& d) {
  std::string err;
  auto s = d.snapshot(err);
  REQUIRE(s);
  std::vector<uint32_t> px;
  px.reserve(static_cast<size_t>(s->w * s->h));
  for (int y = 0; y < s->h; ++y)
    for (int x = 0; x < s->w; ++x)
      px.push_back(static_cast<const uint32_t*>(s->pixels)[y * s->pitch / 4 + x]);
  return px;
}

// Two slides in different themes (dark, then light) so that most pixels
// change during the fade.
const char* kTwoThemes = R"({"version":1,"transition":{"type":"fade","duration":"500ms"},
  "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]},
            {"id":"b","type":"slogan","duration":"5s","theme":"light","lines":["第二"]}]})";

}  // namespace

TEST_CASE("a mid-fade frame is the blend of the two slides, on both paths") {
  for (const bool textures : {false, true}) {
    INFO((textures ? "texture path" : "direct pixels"));
    Rig rig(kTwoThemes, 320, 180);
    auto& p = *rig.player;
    if (textures) p.force_texture_path();
    CHECK(p.direct_pixels() == !textures);
    REQUIRE(p.tick(0, kUnix));
    const auto a = frame_pixels(*rig.display);
    // The next slide is painted now (in the canvas, on the direct path);
    // the canvas must still hold the frame on screen afterwards.
    CHECK_FALSE(p.tick(16, kUnix));
    CHECK(p.stats().compositions == 2);
    CHECK(frame_pixels(*rig.display) == a);
    REQUIRE(p.tick(5000, kUnix));  // the fade starts
    REQUIRE(p.tick(5250, kUnix));  // half way
    REQUIRE(p.in_transition());
    const auto mid = frame_pixels(*rig.display);
    REQUIRE(p.tick(5500, kUnix));
    REQUIRE_FALSE(p.in_transition());
    REQUIRE(p.slide().id == "b");
    const auto b = frame_pixels(*rig.display);
    REQUIRE(a.size() == mid.size());
    REQUIRE(b.size() == mid.size());
    size_t differ = 0, off = 0;
    int worst = 0;
    for (size_t i = 0; i < mid.size(); ++i) {
      differ += a[i] != b[i];
      for (int s = 0; s < 24; s += 8) {  // colour channels (the alpha byte is 255 in all three)
        const int ca = static_cast<int>(a[i] >> s & 0xFF), cb = static_cast<int>(b[i] >> s & 0xFF);
        const int cm = static_cast<int>(mid[i] >> s & 0xFF);
        const int err = std::abs(2 * cm - (ca + cb));  // twice the distance from the exact mean
        worst = std::max(worst, err);
        off += err > 4;
      }
    }
    CHECK(differ > mid.size() * 9 / 10);  // dark to light: nearly every pixel changes
    INFO("worst channel error x2: " << worst);
    CHECK(off == 0);  // every channel within 2 of the mean of the two slides
  }
}

namespace {

// The frames around the transition a 5 s first slide ends with, on the
// direct path: before it, at each of `times` (ms, inside it) and after `end`.
struct TransitionFrames {
  std::vector<uint32_t> before, after;
  std::vector<std::pair<int64_t, std::vector<uint32_t>>> at;
};

TransitionFrames transition_frames(const std::string& json, std::initializer_list<int64_t> times,
                                   int64_t end) {
  Rig rig(json, 320, 180);
  auto& p = *rig.player;
  REQUIRE(p.direct_pixels());
  TransitionFrames f;
  p.tick(0, kUnix);
  f.before = frame_pixels(*rig.display);
  p.tick(16, kUnix);    // the next slide is prepared
  p.tick(5000, kUnix);  // the transition starts
  for (const int64_t t : times) {
    p.tick(t, kUnix);
    REQUIRE(p.in_transition());
    f.at.emplace_back(t, frame_pixels(*rig.display));
  }
  p.tick(end, kUnix);
  REQUIRE(p.slide().id == "b");
  f.after = frame_pixels(*rig.display);
  return f;
}

}  // namespace

TEST_CASE("a push transition on the direct path shifts both slides, frame after frame") {
  const std::string json = R"({"version":1,"transition":{"type":"push","duration":"400ms"},
    "slides":[{"id":"a","type":"slogan","duration":"5s","lines":["第一"]},
              {"id":"b","type":"slogan","duration":"5s","theme":"light","lines":["第二"]}]})";
  // Frames at uneven steps (the canvas is moved by what each step gained).
  const TransitionFrames f = transition_frames(json, {5030, 5100, 5101, 5260, 5390}, 5400);
  const auto &a = f.before, &b = f.after;
  const size_t w = 320;
  for (const auto& [t, mid] : f.at) {
    const auto dx = static_cast<size_t>(std::lround((t - 5000) / 400.0 * 320));
    size_t wrong = 0;
    for (size_t y = 0; y < 180; ++y)
      for (size_t x = 0; x < w; ++x)
        wrong += mid[y * w + x] != (x < w - dx ? a[y * w + x + dx] : b[y * w + x - (w - dx)]);
    INFO(dx << " px pushed");
    CHECK(wrong == 0);
  }
}

TEST_CASE("a fade on the direct path is the blend at every frame, whatever the steps") {
  const TransitionFrames f = transition_frames(kTwoThemes, {5016, 5050, 5051, 5120, 5333, 5490}, 5500);
  const auto &a = f.before, &b = f.after;
  for (const auto& [t, mid] : f.at) {
    const double at = (t - 5000) / 500.0;
    int worst = 0;
    for (size_t i = 0; i < mid.size(); ++i)
      for (int s = 0; s < 24; s += 8) {
        const double ca = a[i] >> s & 0xFF, cb = b[i] >> s & 0xFF, cm = mid[i] >> s & 0xFF;
        worst = std::max(worst, static_cast<int>(std::lround(std::abs(cm - (ca + (cb - ca) * at)))));
      }
    INFO("at " << at << " of the fade the worst channel is " << worst << " off");
    CHECK(worst <= 3);  // rounding at each step (the exact blend is within 1)
  }
}

TEST_CASE("a feed ticker shows the first 30 headlines, however many the feed has") {
  const std::string json = R"({"version":1,"ticker":{"speed":120,"items":["占位"]},
    "slides":[{"id":"a","type":"slogan","duration":"60s","lines":["口号"]}]})";
  Rig rig(json, 640, 360);
  auto& p = *rig.player;
  std::vector<std::string> many;
  for (int i = 0; i < 10000; ++i) many.push_back("园区第" + std::to_string(i) + "条新闻标题");
  const auto t0 = std::chrono::steady_clock::now();
  p.set_ticker_items(many);
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const float cycle = p.ticker_cycle();
  p.set_ticker_items(std::vector<std::string>(many.begin(), many.begin() + 30));
  CHECK(p.ticker_cycle() == Approx(cycle));
  p.set_ticker_items(std::vector<std::string>(many.begin(), many.begin() + 29));
  CHECK(p.ticker_cycle() < cycle);
  WARN("10 000 headlines handed to the ticker: " << ms << " ms");
}

namespace {

// News that arrives, changes or goes while the player runs (the feed
// worker's role in production).
struct ArrivingNews : show::DataProvider {
  const content::NewsItem* item = nullptr;
  const content::NewsItem* news(const content::NewsSlide&, int64_t& fetched) override {
    fetched = item ? kUnix : 0;
    return item;
  }
  std::vector<std::string> headlines(const std::string&) override { return {}; }
};

const char* kFedNews = R"({"version":1,"transition":{"type":"cut"},
  "sources":{"feed":{"type":"feed","url":"http://127.0.0.1:9/feed.xml"}},
  "slides":[{"id":"n","type":"news","source":"feed","duration":"20s","page_duration":"6s"},
            {"id":"s","type":"slogan","duration":"5s","lines":["标语"]}]})";

content::NewsItem article(const std::string& title, int paragraphs) {
  content::NewsItem it;
  it.title = title;
  it.source = "园区新闻";
  it.published = kUnix - 3600;
  for (int i = 0; i < paragraphs; ++i)
    it.paragraphs.push_back(
        "园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。"
        "孵化器将继续扩大共享空间，面向大学生创业团队免费开放工位。");
  return it;
}

uint64_t frame_hash(present::Display& d) {
  std::string err;
  auto s = d.snapshot(err);
  REQUIRE(s);
  uint64_t h = 1469598103934665603ull;
  for (int y = 0; y < s->h; ++y) {
    const auto* row = static_cast<const uint8_t*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch;
    for (int x = 0; x < s->w * 4; ++x) h = (h ^ row[x]) * 1099511628211ull;
  }
  return h;
}

// kFedNews on a 640 x 360 headless screen, fed `item` (null: no data yet).
struct FedNews {
  std::unique_ptr<present::Display> display;
  std::unique_ptr<render::Painter> painter;
  ArrivingNews data;
  std::unique_ptr<show::Player> player;
  explicit FedNews(const content::NewsItem* item) {
    auto pr = content::parse_playlist(kFedNews, ".");
    INFO(pr.first_error("test.json"));
    REQUIRE(pr.playlist);
    std::string err;
    present::DisplayOptions o;
    o.width = 640;
    o.height = 360;
    display = present::open_headless(o, err);
    REQUIRE(display);
    painter = std::make_unique<render::Painter>(display->renderer());
    data.item = item;
    player = std::make_unique<show::Player>(*display, Rig::shaper(), *painter, *pr.playlist, &data);
  }
};

}  // namespace

TEST_CASE("news that arrives while its placeholder is on screen shows at once, from its first page") {
  FedNews rig(nullptr);
  auto& p = *rig.player;
  auto& display = rig.display;
  auto& data = rig.data;

  p.tick(0, kUnix);  // no data yet: the placeholder
  const uint64_t placeholder = frame_hash(*display);
  for (int64_t t = 10; t <= 1000; t += 10) CHECK_FALSE(p.tick(t, kUnix));

  const content::NewsItem first = article("新闻一：中试平台投入使用", 12);
  data.item = &first;
  p.data_changed(kUnix);
  CHECK(p.tick(1010, kUnix));  // presented in the very next frame
  CHECK(p.slide().id == "n");
  CHECK(p.page() == 0);
  REQUIRE(p.page_count() > 1);
  const uint64_t page0 = frame_hash(*display);
  CHECK(page0 != placeholder);
  CHECK(p.replaced() == 1);  // what is on screen was replaced in place (screenshots, logs)

  // The first page keeps its full page time from when the data arrived
  // (the last frame before it, at 1000 ms), not from the slide's start.
  for (int64_t t = 1020; t < 1000 + 6000; t += 10) p.tick(t, kUnix);
  CHECK(p.page() == 0);
  p.tick(1000 + 6000, kUnix);
  CHECK(p.page() == 1);

  // A changed article is taken at the next page boundary, not mid-page.
  const content::NewsItem second = article("新闻二：孵化器扩大共享空间", 12);
  data.item = &second;
  p.data_changed(kUnix);
  const uint64_t page1_old = frame_hash(*display);
  for (int64_t t = 7010; t < 7000 + 6000; t += 10) CHECK_FALSE(p.tick(t, kUnix));
  CHECK(frame_hash(*display) == page1_old);
  p.tick(7000 + 6000, kUnix);
  CHECK(p.page() == 2);
  // Page 3 of the new article: the same layout as a fresh composition of it.
  const uint64_t page2_new = frame_hash(*display);
  {
    FedNews fresh(&second);
    for (int64_t t = 0; t <= 12000; t += 10) fresh.player->tick(t, kUnix);
    REQUIRE(fresh.player->page() == 2);
    CHECK(frame_hash(*fresh.display) == page2_new);
  }
}

TEST_CASE("an image slide whose image the painter cannot open is skipped like a missing one, and counted") {
  // The image is named but gone when it is drawn (removed from the asset
  // store, an unreadable file): the slide was shown as its bare background.
  Rig rig(R"({"version":1,"transition":{"type":"cut"},
    "slides":[{"id":"a","type":"slogan","duration":"2s","lines":["第一"]},
              {"id":"gone","type":"image","duration":"2s","image":"/nonexistent/paizi-gone.png"},
              {"id":"c","type":"slogan","duration":"2s","lines":["第三"]}]})");
  auto& p = *rig.player;
  std::vector<std::string> shown;
  for (int64_t t = 0; t <= 7000; t += 50) {  // a at 0 s, c at 2 s, a at 4 s, c at 6 s
    p.tick(t, kUnix);
    if (shown.empty() || shown.back() != p.slide().id) shown.push_back(p.slide().id);
  }
  CHECK(shown == std::vector<std::string>{"a", "c", "a", "c"});
  CHECK(p.stats().unpaintable >= 2);  // once a round
  CHECK(rig.painter->image_failed("/nonexistent/paizi-gone.png"));
  CHECK(rig.painter->image_failures() == 1);  // loaded once, remembered
  const auto errors = rig.painter->take_image_errors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("paizi-gone.png") != std::string::npos);
  CHECK(rig.painter->take_image_errors().empty());  // said once
}

namespace {

// The frame hashes of a fed news slide's first two pages (0 s and 6 s) on
// a fresh 640 x 360 player showing `item`, and that player's painter's
// image failures and errors.
struct NewsFrames {
  uint64_t page0 = 0, page1 = 0, failures = 0;
  std::vector<std::string> errors;
};

NewsFrames news_frames(const content::NewsItem& item) {
  FedNews rig(&item);
  auto& p = *rig.player;
  auto& display = rig.display;
  auto& painter = *rig.painter;
  NewsFrames f;
  p.tick(0, kUnix);
  REQUIRE(p.slide().id == "n");
  f.page0 = frame_hash(*display);
  for (int64_t t = 10; t <= 6000; t += 10) p.tick(t, kUnix);
  REQUIRE(p.page() == 1);
  f.page1 = frame_hash(*display);
  for (int64_t t = 6010; t <= 30000; t += 50) p.tick(t, kUnix);  // round the playlist, back to the news
  f.failures = painter.image_failures();
  f.errors = painter.take_image_errors();
  return f;
}

}  // namespace

TEST_CASE("a news picture the painter cannot open is left out of the layout, not drawn as an empty box") {
  // The picture was there when the item was adopted, then removed or
  // corrupted before it was drawn: the slide is laid out as one whose
  // feed had no picture (its text the full width), logged once, counted.
  const auto dir =
      std::filesystem::temp_directory_path() / ("paizi-newspic-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "picture.png").string();
  {
    render::SurfacePtr red(SDL_CreateRGBSurfaceWithFormat(0, 64, 48, 32, SDL_PIXELFORMAT_ARGB8888));
    REQUIRE(red);
    SDL_FillRect(red.get(), nullptr, SDL_MapRGB(red->format, 0xCC, 0x22, 0x22));
    std::string err;
    REQUIRE(render::write_png(red.get(), path, err));
  }
  const content::NewsItem plain = article("新闻一：中试平台投入使用", 12);
  content::NewsItem pictured = plain;
  pictured.image = path;

  const NewsFrames none = news_frames(plain);
  const NewsFrames shown = news_frames(pictured);
  CHECK(shown.page0 != none.page0);  // the picture takes the side column
  CHECK(shown.failures == 0);

  SECTION("corrupted") {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "<html>not a picture</html>";
  }
  SECTION("removed") { std::filesystem::remove(path); }
  const NewsFrames broken = news_frames(pictured);
  CHECK(broken.page0 == none.page0);
  CHECK(broken.page1 == none.page1);
  CHECK(broken.failures == 1);  // once, however often the slide comes round
  REQUIRE(broken.errors.size() == 1);
  CHECK(broken.errors[0].find("picture.png") != std::string::npos);
  std::filesystem::remove_all(dir);
}
