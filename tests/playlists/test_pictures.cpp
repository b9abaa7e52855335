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

TEST_CASE("SDL_image is loaded only for a picture paizi does not decode itself (not a PNG or a JPEG)") {
  // Whole processes, as the dynamic loader reports what it opens: a PNG
  // picture is decoded without SDL_image (no libtiff, libwebp, ... at each
  // start-up); a BMP opens it, and is drawn.
  TempDir tmp;
  {
    std::ofstream(tmp.path() + "/red.png", std::ios::binary) << png_bytes(tmp, 255, 0, 0, 160, 90);
    render::SurfacePtr blue(SDL_CreateRGBSurfaceWithFormat(0, 160, 90, 24, SDL_PIXELFORMAT_RGB24));
    REQUIRE(blue);
    SDL_FillRect(blue.get(), nullptr, SDL_MapRGB(blue->format, 0, 0, 255));
    REQUIRE(SDL_SaveBMP(blue.get(), (tmp.path() + "/blue.bmp").c_str()) == 0);
  }
  auto render_with = [&](const std::string& image, const std::string& out) {
    const std::string playlist = tmp.path() + "/" + image + ".json";
    std::ofstream(playlist) << R"({"version":1,"slides":[{"id":"i","type":"image","image":")" + tmp.path() +
                                   "/" + image + R"(","fit":"fill"}]})";
    setenv("LD_DEBUG", "files", 1);
    auto r = feeds_test::run_paizi({"render", playlist, "--slide", "0", "--size", "320x180", "-o", out});
    unsetenv("LD_DEBUG");
    return r;
  };
  const auto png = render_with("red.png", tmp.path() + "/a.png");
  const auto bmp = render_with("blue.bmp", tmp.path() + "/b.png");
  CHECK(png.status == 0);
  CHECK(bmp.status == 0);
  CHECK(png.err.find("libSDL2_image") == std::string::npos);
  CHECK(png.err.find("libtiff") == std::string::npos);
  CHECK(bmp.err.find("libSDL2_image-2.0.so.0") != std::string::npos);
  CHECK(red_pixels(tmp.path() + "/a.png") == 320u * 180u);
  CHECK(red_pixels(tmp.path() + "/b.png", 2) == 320u * 180u);
}
