// Pictures named by feeds and article pages (enclosure, media:thumbnail,
// og:image) and inline http(s) pictures: fetched through the picture store
// from a loopback server, shown beside the news, dropped (no empty box) when
// they cannot be had, kept (last good copy) when the server fails later.
#include <filesystem>
#include <fstream>

#include <SDL_image.h>

#include "content/playlist.h"
#include "picture_support.h"
#include "pl_support.h"
#include "platform/atomic_file.h"
#include "render/image.h"
#include "show/compose.h"
#include "sources/source_data.h"

using namespace pl_test;
namespace fs = std::filesystem;
using namespace paizi;

namespace {

constexpr int64_t kNow = 1776585600;

std::string rss(const std::string& items) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">)"
         R"(<channel><title>园区新闻</title><link>http://127.0.0.1/</link>)" +
         items + "</channel></rss>";
}

std::string item(const std::string& title, const std::string& picture_xml) {
  return "<item><title>" + title + "</title><link>http://127.0.0.1/a</link><description>" +
         "园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。</description>" +
         picture_xml + "</item>";
}

size_t image_ops(const render::DisplayList& dl) {
  size_t n = 0;
  for (const auto& op : dl.ops) n += std::holds_alternative<render::ImageOp>(op);
  return n;
}

}  // namespace

TEST_CASE(
    "a feed item's picture is fetched into the picture store; without one, no box; a failing server keeps "
    "it") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string red = png_bytes(tmp, 255, 0, 0);
  put(server, "pic.png", red);
  put(server, "error-page.png", "<html><body>502 Bad Gateway</body></html>");  // served with 200
  put(server, "feed.xml",
      rss(item("有图的新闻",
               R"(<enclosure url=")" + server.url("/files/pic.png") + R"(" type="image/png" length="1"/>)") +
          item("图片不存在", R"(<media:thumbnail url=")" + server.url("/files/missing.png") + R"("/>)") +
          item("图片是错误页",
               R"(<media:content url=")" + server.url("/files/error-page.png") + R"(" medium="image"/>)")));
  const auto pr = content::parse_playlist(R"({"version":1,"sources":{"f":{"type":"feed","url":")" +
                                              server.url("/files/feed.xml") + R"(","refresh":"60s"}},
    "slides":[{"type":"news","source":"f","item":0},{"type":"news","source":"f","item":1},
              {"type":"news","source":"f","item":2}]})",
                                          tmp.path());
  INFO(pr.first_error("pl.json"));
  REQUIRE(pr.playlist);
  const content::Playlist& pl = *pr.playlist;
  const std::string state = tmp.path() + "/state";
  fs::create_directories(state);
  sources::SourceData data(pl, state);
  data.refresh_now(kNow);

  int64_t fetched = 0;
  const content::NewsItem* with = data.news(*pl.slides[0].as<paizi::content::NewsSlide>(), fetched);
  REQUIRE(with);
  REQUIRE(!with->image.empty());
  std::string stored;
  REQUIRE(platform::read_whole_file(with->image, stored));  // a local file ...
  CHECK(stored == red);                                     // ... holding the picture's bytes
  CHECK(with->image.rfind(state + "/pictures/", 0) == 0);
  const std::string path = with->image;

  for (size_t i : {1, 2}) {  // 404, and an HTML page served as a picture
    const content::NewsItem* without = data.news(*pl.slides[i].as<paizi::content::NewsSlide>(), fetched);
    REQUIRE(without);
    CHECK(without->image.empty());
  }
  const auto errors = data.errors();
  REQUIRE(errors.count("f picture"));
  CHECK(errors.count("f") == 0);  // the feed itself is fine

  // Composed: the picture beside the news; no box where there is none.
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  content::Theme theme;
  show::ComposeContext ctx(shaper);
  ctx.news = data.news(*pl.slides[0].as<paizi::content::NewsSlide>(), fetched);
  const auto pages = show::compose_slide(pl.slides[0], theme, ctx);
  REQUIRE(!pages.empty());
  CHECK(image_ops(pages[0]) == 1);
  ctx.news = data.news(*pl.slides[1].as<paizi::content::NewsSlide>(), fetched);
  CHECK(image_ops(show::compose_slide(pl.slides[1], theme, ctx)[0]) == 0);

  // The server fails: the feed and its picture are the last good copies.
  put(server, "pic.png", "");  // deleted: 404
  fault(server, "500");
  data.refresh_now(kNow + 7 * 3600);  // the picture is due for a check too
  with = data.news(*pl.slides[0].as<paizi::content::NewsSlide>(), fetched);
  REQUIRE(with);
  CHECK(with->image == path);
  CHECK(fs::exists(path));

  // A restart without the server: the index in the state directory still
  // names the picture.
  sources::SourceData again(pl, state);
  again.refresh_now(kNow + 8 * 3600);
  with = again.news(*pl.slides[0].as<paizi::content::NewsSlide>(), fetched);
  REQUIRE(with);
  CHECK(with->image == path);
}

TEST_CASE("render draws an inline article's http picture; an unreachable one is said and leaves no box") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pic.png", png_bytes(tmp, 255, 0, 0));
  auto playlist = [&](const std::string& picture) {
    const std::string file = tmp.path() + "/pl.json";
    std::string err;
    REQUIRE(platform::write_file_atomic(file,
                                        R"({"version":1,"slides":[{"type":"news","article":{
      "title":"园区中试平台投入使用","source":"园区新闻","image":")" +
                                            server.url("/files/" + picture) + R"(",
      "paragraphs":["园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。"]}}]})",
                                        &err));
    return file;
  };
  const std::string out = tmp.path() + "/out.png";
  auto r =
      feeds_test::run_paizi({"render", playlist("pic.png"), "--slide", "0", "--size", "960x540", "-o", out});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(red_pixels(out) > 5000);  // the side picture: about 250 x 165 px of red

  r = feeds_test::run_paizi({"render", playlist("gone.png"), "--slide", "0", "--size", "960x540", "-o", out});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("gone.png") != std::string::npos);
  CHECK(red_pixels(out) == 0);
}

TEST_CASE(
    "on the real clock a feed's news shows with its picture within a second, changes at a page turn, and "
    "stays") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "red.png", png_bytes(tmp, 255, 0, 0));
  put(server, "blue.png", png_bytes(tmp, 0, 0, 255));
  std::string body;
  for (int i = 0; i < 40; ++i)
    body += "园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。";
  auto feed = [&](const std::string& picture) {
    return rss("<item><title>中试平台投入使用</title><link>http://127.0.0.1/a</link><description>" + body +
               "</description><enclosure url=\"" + server.url("/files/" + picture) +
               "\" type=\"image/png\"/></item>");
  };
  put(server, "feed.xml", feed("red.png"));
  const std::string file = tmp.path() + "/pl.json", shots = tmp.path() + "/shots";
  std::string err;
  REQUIRE(platform::write_file_atomic(file,
                                      R"({"version":1,"transition":{"type":"cut"},
    "sources":{"f":{"type":"feed","url":")" +
                                          server.url("/files/feed.xml") + R"(","refresh":"1s"}},
    "slides":[{"id":"n","type":"news","source":"f","duration":"30s","page_duration":"3s"}]})",
                                      &err));
  Proc player({"play", file, "--headless", "--realtime", "--duration", "7500ms", "--window", "640x360",
               "--screenshots", shots, "--state-dir", tmp.path() + "/state"},
              tmp.path() + "/player");
  // At 1.2 s the feed changes (its picture turns blue): fetched within a
  // second, shown at the next page turn (about 3 s), not mid-page. From 4 s
  // on the feed fails: the pages after that keep what was last good.
  std::this_thread::sleep_for(milliseconds(1200));
  put(server, "feed.xml", feed("blue.png"));
  std::this_thread::sleep_for(milliseconds(2800));
  fault(server, "500");
  REQUIRE(player.wait() == 0);
  struct Shot {
    long ms;
    std::string path;
    size_t red, blue;
  };
  std::vector<Shot> pngs;
  for (const auto& e : fs::directory_iterator(shots)) {
    const std::string path = e.path().string();
    pngs.push_back({std::stol(e.path().filename().string()), path, red_pixels(path, 0), red_pixels(path, 2)});
  }
  std::sort(pngs.begin(), pngs.end(), [](const Shot& a, const Shot& b) { return a.ms < b.ms; });
  std::string seen;
  for (const auto& s : pngs)
    seen += std::to_string(s.ms) + " " + fs::path(s.path).filename().string() +
            " red=" + std::to_string(s.red) + " blue=" + std::to_string(s.blue) + "\n";
  INFO(seen);
  // The first frame may be the placeholder; the news with its picture
  // follows within a second.
  size_t first = 0;
  while (first < pngs.size() && pngs[first].red == 0) ++first;
  REQUIRE(first < pngs.size());
  CHECK(pngs[first].ms < 1000);
  // Red until the page turn, blue from it on, also after the feed failed.
  size_t blue = first;
  while (blue < pngs.size() && pngs[blue].blue < 1000) {
    CHECK(pngs[blue].red > 1000);
    ++blue;
  }
  REQUIRE(blue < pngs.size());
  CHECK(pngs[blue].ms >= 2900);  // a page turn (3 s), not when the data changed (1.2 to 2.2 s)
  CHECK(fs::path(pngs[blue].path).filename().string().find("-p1.png") != std::string::npos);
  CHECK(pngs.back().ms >= 6000);  // the page after the feed failed ...
  for (size_t i = blue; i < pngs.size(); ++i) CHECK(pngs[i].blue > 1000);  // ... keeps the last good picture
}

TEST_CASE(
    "on the simulated clock the first frame already has the news and its picture; sources follow their "
    "refresh") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pic.png", png_bytes(tmp, 255, 0, 0));
  put(server, "feed.xml",
      rss(item("有图的新闻",
               "<enclosure url=\"" + server.url("/files/pic.png") + "\" type=\"image/png\"/>")));
  const std::string file = tmp.path() + "/pl.json", shots = tmp.path() + "/shots";
  std::string err;
  REQUIRE(platform::write_file_atomic(file,
                                      R"({"version":1,"transition":{"type":"cut"},
    "sources":{"f":{"type":"feed","url":")" +
                                          server.url("/files/feed.xml") + R"(","refresh":"60s"}},
    "slides":[{"id":"n","type":"news","source":"f","duration":"20s"},
              {"id":"s","type":"slogan","duration":"20s","lines":["标语"]}]})",
                                      &err));
  Proc player(
      {"play", file, "--headless", "--duration", "250s", "--window", "640x360", "--screenshots", shots},
      tmp.path() + "/player");
  REQUIRE(player.wait() == 0);
  std::vector<std::string> pngs;
  for (const auto& e : fs::directory_iterator(shots)) pngs.push_back(e.path().string());
  std::sort(pngs.begin(), pngs.end());
  REQUIRE(!pngs.empty());
  CHECK(fs::path(pngs[0]).filename().string().rfind("00000000-n", 0) == 0);
  CHECK(red_pixels(pngs[0]) > 1000);
  // 250 simulated seconds with a 60 s refresh: the feed was asked for again
  // (4 more times), not only at the start.
  const std::string log = http(server.url("/log"));
  size_t n = 0;
  for (size_t at = log.find("/files/feed.xml "); at != std::string::npos;
       at = log.find("/files/feed.xml ", at + 1))
    ++n;
  INFO(log);
  CHECK(n == 5);
}

namespace {

// red.png (decoded by paizi itself) and blue.bmp (by SDL_image), 160 x 90, in `tmp`.
void write_red_png_blue_bmp(const TempDir& tmp) {
  std::ofstream(tmp.path() + "/red.png", std::ios::binary) << png_bytes(tmp, 255, 0, 0, 160, 90);
  render::SurfacePtr blue(SDL_CreateRGBSurfaceWithFormat(0, 160, 90, 24, SDL_PIXELFORMAT_RGB24));
  REQUIRE(blue);
  SDL_FillRect(blue.get(), nullptr, SDL_MapRGB(blue->format, 0, 0, 255));
  REQUIRE(SDL_SaveBMP(blue.get(), (tmp.path() + "/blue.bmp").c_str()) == 0);
}

// `paizi render` at 320 x 180 into `out` of an image slide showing `image`
// (a file in `tmp`), with the environment variable `name` set to `value`.
feeds_test::RunResult render_image_with(const TempDir& tmp, const std::string& image, const std::string& out,
                                        const char* name, const char* value) {
  const std::string playlist = tmp.path() + "/" + image + ".json";
  std::ofstream(playlist) << R"({"version":1,"slides":[{"id":"i","type":"image","image":")" + tmp.path() +
                                 "/" + image + R"(","fit":"fill"}]})";
  setenv(name, value, 1);
  auto r = feeds_test::run_paizi({"render", playlist, "--slide", "0", "--size", "320x180", "-o", out});
  unsetenv(name);
  return r;
}

}  // namespace

TEST_CASE("SDL_image is loaded only for a picture paizi does not decode itself (not a PNG or a JPEG)") {
  // Whole processes, as the dynamic loader reports what it opens: a PNG
  // picture is decoded without SDL_image (no libtiff, libwebp, ... at each
  // start-up); a BMP opens it, and is drawn.
  TempDir tmp;
  write_red_png_blue_bmp(tmp);
  const auto png = render_image_with(tmp, "red.png", tmp.path() + "/a.png", "LD_DEBUG", "files");
  const auto bmp = render_image_with(tmp, "blue.bmp", tmp.path() + "/b.png", "LD_DEBUG", "files");
  CHECK(png.status == 0);
  CHECK(bmp.status == 0);
  CHECK(png.err.find("libSDL2_image") == std::string::npos);
  CHECK(png.err.find("libtiff") == std::string::npos);
  CHECK(bmp.err.find("libSDL2_image-2.0.so.0") != std::string::npos);
  CHECK(red_pixels(tmp.path() + "/a.png") == 320u * 180u);
  CHECK(red_pixels(tmp.path() + "/b.png", 2) == 320u * 180u);
}

namespace {

// Pixels of a rendered PNG that differ from its top-left one (the
// background) by more than 60 in a channel: text, a picture.
size_t unlike_corner(const std::string& png) {
  render::SurfacePtr raw(IMG_Load(png.c_str()));
  if (!raw) return 0;
  render::SurfacePtr s(SDL_ConvertSurfaceFormat(raw.get(), SDL_PIXELFORMAT_RGBA32, 0));
  const auto* px = static_cast<const uint8_t*>(s->pixels);
  size_t n = 0;
  for (int y = 0; y < s->h; ++y) {
    const uint8_t* row = px + static_cast<ptrdiff_t>(y) * s->pitch;
    for (int x = 0; x < s->w; ++x) {
      bool differs = false;
      for (int c = 0; c < 3; ++c) differs = differs || std::abs(row[4 * x + c] - px[c]) > 60;
      n += differs;
    }
  }
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; at = nl + 1, nl = text.find('\n', at))
    out.push_back(text.substr(at, nl - at));
  return out;
}

}  // namespace

TEST_CASE(
    "render says a picture it cannot decode; an image slide of it is not written, a news slide is drawn "
    "without it") {
  TempDir tmp;
  const std::string bad = tmp.path() + "/cut.png";
  std::ofstream(tmp.path() + "/red.png", std::ios::binary) << png_bytes(tmp, 255, 0, 0, 160, 90);
  // A PNG cut short inside its pixel data: the header reads, the decode fails.
  const std::string whole = png_bytes(tmp, 0, 200, 0, 400, 300);
  std::ofstream(bad, std::ios::binary) << whole.substr(0, whole.size() / 2);
  const std::string playlist = tmp.path() + "/pl.json";
  std::ofstream(playlist) << R"({"version":1,"slides":[
    {"id":"broken","type":"image","image":")" +
                                 bad + R"(","fit":"fill"},
    {"id":"story","type":"news","article":{"title":"园区中试平台投入使用","source":"园区新闻","image":")" +
                                 bad + R"(",
      "paragraphs":["园区今年新增入驻企业三十六家，中试平台投入使用，为初创团队提供一站式服务。"]}},
    {"id":"good","type":"image","image":")" +
                                 tmp.path() + R"(/red.png","fit":"fill"}]})";

  // The image slide: said with the file's name and why; play skips it, so no PNG.
  const std::string a = tmp.path() + "/a.png";
  auto r = feeds_test::run_paizi({"render", playlist, "--slide", "0", "--size", "480x270", "-o", a});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("cut.png") != std::string::npos);
  CHECK(r.err.find("play skips this slide") != std::string::npos);
  CHECK(!fs::exists(a));

  // The news slide: the same picture said, the text drawn, no picture box.
  const std::string b = tmp.path() + "/b.png";
  r = feeds_test::run_paizi({"render", playlist, "--slide", "1", "--size", "480x270", "-o", b});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("cut.png") != std::string::npos);
  REQUIRE(fs::exists(b));
  CHECK(unlike_corner(b) > 500);  // the headline and the text

  // Every slide: the two that can be shown are written and listed, the
  // broken one is said and left out; the run fails because of it.
  const std::string dir = tmp.path() + "/all";
  r = feeds_test::run_paizi({"render", playlist, "--all", "--size", "480x270", "-o", dir});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("slide 0 (broken)") != std::string::npos);
  const auto listed = lines_of(r.out);
  REQUIRE(listed.size() == 2);
  CHECK(fs::path(listed[0]).filename() == "01-0-story.png");
  CHECK(fs::path(listed[1]).filename() == "02-0-good.png");
  CHECK(!fs::exists(dir + "/00-0-broken.png"));
  CHECK(red_pixels(listed[1]) == 480u * 270u);
}

TEST_CASE("an SDL2_image that cannot be used is said with its package; PNG pictures do not need it") {
  // A libSDL2_image-2.0.so.0 without IMG_Load_RW first on the library path,
  // as on a board with a broken or foreign copy of the library.
  TempDir tmp;
  write_red_png_blue_bmp(tmp);
  const auto bmp = render_image_with(tmp, "blue.bmp", tmp.path() + "/b.png", "LD_LIBRARY_PATH",
                                     PAIZI_BROKEN_SDL2_IMAGE_DIR);
  INFO(bmp.err);
  CHECK(bmp.status == 1);
  CHECK(bmp.err.find("blue.bmp") != std::string::npos);
  CHECK(bmp.err.find("package libsdl2-image-2.0-0") != std::string::npos);
  CHECK(bmp.err.find("IMG_Load_RW") != std::string::npos);
  CHECK(!fs::exists(tmp.path() + "/b.png"));
  const auto png = render_image_with(tmp, "red.png", tmp.path() + "/a.png", "LD_LIBRARY_PATH",
                                     PAIZI_BROKEN_SDL2_IMAGE_DIR);
  INFO(png.err);
  CHECK(png.status == 0);
  CHECK(red_pixels(tmp.path() + "/a.png") == 320u * 180u);
}
