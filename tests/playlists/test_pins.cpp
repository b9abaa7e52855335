// Pinned images (issue 26): a signed playlist covers the bytes of the
// images it shows. Pins are enforced by the updater, filled in by `paizi
// sign`, verified by `paizi check --pubkey`; asset paths in a relative
// state directory resolve once, absolutely.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "../media/clip_support.h"
#include "net/picture_store.h"
#include "net/signature.h"
#include "picture_support.h"
#include "pl_support.h"
#include "platform/atomic_file.h"
#include "sources/playlist_updater.h"

using namespace pl_test;
namespace fs = std::filesystem;

namespace {

// GETs of `path` in the fault server's log.
size_t gets(const feeds_test::FaultServer& server, const std::string& path) {
  const std::string log = http(server.url("/log"));
  size_t n = 0;
  for (size_t at = log.find(path + " "); at != std::string::npos; at = log.find(path + " ", at + 1)) ++n;
  return n;
}

// Screenshots in `dir`, in time order, with their red and blue pixel counts.
struct Shot {
  long ms;
  std::string name;
  size_t red, blue;
};
std::vector<Shot> shots_in(const std::string& dir) {
  std::vector<Shot> shots;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string path = e.path().string();
    shots.push_back({std::stol(e.path().filename().string()), e.path().filename().string(),
                     red_pixels(path, 0), red_pixels(path, 2)});
  }
  std::sort(shots.begin(), shots.end(), [](const Shot& a, const Shot& b) { return a.ms < b.ms; });
  return shots;
}
std::string describe(const std::vector<Shot>& shots) {
  std::string s;
  for (const auto& x : shots)
    s += x.name + " red=" + std::to_string(x.red) + " blue=" + std::to_string(x.blue) + "\n";
  return s;
}

std::string image_playlist(const std::string& name, const std::string& image, const std::string& pin) {
  return R"({"version":1,"name":")" + name + R"(","transition":{"type":"cut"},"slides":[
  {"id":"s","type":"slogan","duration":"700ms","lines":["欢迎"]},
  {"id":"i","type":"image","duration":"700ms","image":")" +
         image + "\"" + (pin.empty() ? "" : R"(, "image_sha256": ")" + pin + "\"") + "}]}";
}

}  // namespace

TEST_CASE(
    "with a relative --state-dir a remote playlist's image slide shows its image, not only the background") {
  // The store's paths were relative ("st/assets/SHA") and joined again to the
  // playlist's directory, itself "st/assets/": the painter opened
  // st/assets//st/assets/SHA, drew nothing and said nothing.
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "red.png", png_bytes(tmp, 255, 0, 0));
  put(server, "pl.json", R"({"version":1,"transition":{"type":"cut"},
    "slides":[{"id":"i","type":"image","image":"red.png","duration":"5s"}]})");
  const std::string rel = fs::relative(tmp.path() + "/st").string(), shots = tmp.path() + "/shots";
  REQUIRE(fs::path(rel).is_relative());
  Proc player({"play", server.url("/files/pl.json"), "--headless", "--duration", "3s", "--window", "320x180",
               "--screenshots", shots, "--state-dir", rel},
              tmp.path() + "/player");
  REQUIRE(player.wait() == 0);
  const auto got = shots_in(shots);
  INFO(describe(got));
  REQUIRE(!got.empty());
  CHECK(got[0].red > 20000);  // 64x48 fitted into 320x180: 240x180 px of red
}

TEST_CASE(
    "a pinned image is kept only with its pinned bytes; an intact cached copy is used without a fetch") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string red = png_bytes(tmp, 255, 0, 0), blue = png_bytes(tmp, 0, 0, 255);
  const std::string pin = paizi::net::sha256_hex(red);
  put(server, "pic.png", red);
  put(server, "pl.json", image_playlist("one", "pic.png", pin));
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
    CHECK(gets(server, "/files/pic.png") == 1);
    // The image is swapped on the server; a new playlist names it with the
    // same pin: the intact copy in the store is used, the server not asked.
    put(server, "pic.png", blue);
    put(server, "pl.json", image_playlist("two", "pic.png", pin));
    CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
    CHECK(u.status().name == "two");
    CHECK(gets(server, "/files/pic.png") == 1);
    CHECK(u.status().integrity_failures == 0);
  }
  // A new screen (empty state) while the server serves the swapped image:
  // the slide is left out with the reason, the failure counted and said.
  o.state_dir = tmp.path() + "/state2";
  paizi::sources::PlaylistUpdater fresh(o);
  CHECK(adopted_slides(fresh) == std::vector<std::string>{"s"});
  const auto st = fresh.status();
  CHECK(st.integrity_failures == 1);
  CHECK(st.integrity.find("integrity failure") != std::string::npos);
  CHECK(st.integrity.find(pin) != std::string::npos);
  CHECK(st.incomplete.find("integrity failure") != std::string::npos);
  CHECK(st.incomplete.find("slide i") != std::string::npos);
  CHECK(st.assets.entries == 0);  // the swapped bytes were not stored
  // The right image is served again: the slide comes back.
  put(server, "pic.png", red);
  CHECK(adopted_slides(fresh) == std::vector<std::string>{"s", "i"});
  CHECK(fresh.status().integrity.empty());
  CHECK(fresh.status().incomplete.empty());
  // A restart: the last good copy keeps the pinned image.
  CHECK(last_good_slides(o) == std::vector<std::string>{"s", "i"});
}

TEST_CASE("an integrity failure is counted once per incident, not once per check") {
  // An incident: one asset URL, its pin, the hash of the bad bytes served.
  // It was counted (and logged) at every poll while the server kept serving
  // the swapped image.
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string red = png_bytes(tmp, 255, 0, 0), blue = png_bytes(tmp, 0, 0, 255),
                    green = png_bytes(tmp, 0, 255, 0);
  const std::string pin = paizi::net::sha256_hex(red);
  put(server, "pic.png", blue);
  put(server, "pl.json", image_playlist("one", "pic.png", pin));
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  paizi::sources::PlaylistUpdater u(o);
  CHECK(adopted_slides(u) == std::vector<std::string>{"s"});
  for (int poll = 0; poll < 4; ++poll) u.check_once();  // the same swapped bytes, poll after poll
  CHECK(gets(server, "/files/pic.png") == 5);
  auto st = u.status();
  CHECK(st.integrity_failures == 1);
  CHECK(st.integrity.find(paizi::net::sha256_hex(blue)) != std::string::npos);  // still said
  REQUIRE(st.integrity_incidents.size() == 1);
  CHECK(st.integrity_incidents.begin()->second == st.integrity);
  // Other bad bytes for the same pin: a new incident, counted once.
  put(server, "pic.png", green);
  for (int poll = 0; poll < 3; ++poll) u.check_once();
  st = u.status();
  CHECK(st.integrity_failures == 2);
  CHECK(st.integrity.find(paizi::net::sha256_hex(green)) != std::string::npos);
  // The right bytes come back: the incident is over.
  put(server, "pic.png", red);
  CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
  st = u.status();
  CHECK(st.integrity_failures == 2);
  CHECK(st.integrity.empty());
  CHECK(st.integrity_incidents.empty());
  // Swapped again, under a new pin (the pinned red copy is on hand for the
  // old one, so a swap of it is never even fetched): a new incident.
  const std::string pin2 = paizi::net::sha256_hex(png_bytes(tmp, 0, 0, 254));
  put(server, "pic.png", blue);
  put(server, "pl.json", image_playlist("two", "pic.png", pin2));
  CHECK(adopted_slides(u) == std::vector<std::string>{"s"});
  for (int poll = 0; poll < 3; ++poll) u.check_once();
  st = u.status();
  CHECK(st.integrity_failures == 3);
  CHECK(st.integrity.find(pin2) != std::string::npos);
  CHECK(st.integrity_incidents.size() == 1);
}

TEST_CASE(
    "under a public key an unpinned image is refused unless allowed; require_https spares pinned images") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string key = tmp.path() + "/k";
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  std::string secret, pub, err;
  REQUIRE(paizi::platform::read_whole_file(key + ".key", secret));
  REQUIRE(paizi::platform::read_whole_file(key + ".pub", pub));
  const std::string red = png_bytes(tmp, 255, 0, 0);
  put(server, "pic.png", red);
  const std::string body = image_playlist("unpinned", "pic.png", "");
  put(server, "pl.json", body);
  put(server, "pl.json.sig", *paizi::net::sign_detached(body, secret, err));
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  o.public_key = pub;
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s"});
    CHECK(u.status().incomplete.find("no \"image_sha256\" pin") != std::string::npos);
    CHECK(gets(server, "/files/pic.png") == 0);  // refused before any fetch
  }
  o.allow_unpinned = true;
  o.state_dir = tmp.path() + "/state-allowed";
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
  }
  // require_https: the playlist itself over http:// is refused ...
  o = {};
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state-https";
  o.require_https = true;
  {
    paizi::sources::PlaylistUpdater u(o);
    u.check_once();
    CHECK_FALSE(u.take());
    CHECK(u.status().error.find("require_https") != std::string::npos);
  }
  o.source.replace(0, 4, "HTTP");  // upper case is the same scheme
  {
    paizi::sources::PlaylistUpdater u(o);
    u.check_once();
    CHECK_FALSE(u.take());
    CHECK(u.status().error.find("require_https") != std::string::npos);
  }
  // ... an unpinned http:// image of a local playlist too, not a pinned one;
  // an http:// feed keeps the playlist out.
  const std::string site = tmp.path() + "/site";
  fs::create_directories(site);
  o.source = site + "/pl.json";
  write(o.source, image_playlist("mixed", server.url("/files/pic.png"), ""));
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s"});
    CHECK(u.status().incomplete.find("plain http://") != std::string::npos);
  }
  write(o.source, image_playlist("pinned", server.url("/files/pic.png"), paizi::net::sha256_hex(red)));
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
  }
  write(o.source, R"({"version":1,"sources":{"f":{"type":"feed","url":")" + server.url("/files/feed.xml") +
                      R"("}},"slides":[{"id":"n","type":"news","source":"f"}]})");
  {
    paizi::sources::PlaylistUpdater u(o);
    u.check_once();
    CHECK_FALSE(u.take());
    CHECK(u.status().error.find("require_https") != std::string::npos);
  }
}

TEST_CASE("a pin that is not 64 hex digits, or two pins for one image, is an error naming the pointer") {
  auto pr = paizi::content::parse_playlist(image_playlist("x", "a.png", "ABC"), ".");
  CHECK_FALSE(pr.playlist);
  CHECK(pr.first_error("p.json").find("/slides/1/image_sha256") != std::string::npos);
  const std::string a(64, 'a'), b(64, 'b');
  pr = paizi::content::parse_playlist(R"({"version":1,"slides":[
    {"id":"x","type":"image","image":"a.png","image_sha256":")" +
                                          a + R"("},
    {"id":"y","type":"image","image":"a.png","image_sha256":")" +
                                          b + R"("}]})",
                                      ".");
  CHECK_FALSE(pr.playlist);
  CHECK(pr.first_error("p.json").find("two different SHA-256") != std::string::npos);
  pr = paizi::content::parse_playlist(image_playlist("x", "a.png", a), ".");
  REQUIRE(pr.playlist);
  CHECK(pr.playlist->slides[1].as<paizi::content::ImageSlide>()->image_sha256 == a);
}

TEST_CASE(
    "paizi sign pins local and reachable images in place, the output verifies; check --pubkey checks the "
    "pins") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string site = tmp.path() + "/site", file = site + "/pl.json", key = tmp.path() + "/k";
  fs::create_directories(site);
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  const std::string red = png_bytes(tmp, 255, 0, 0), blue = png_bytes(tmp, 0, 0, 255);
  write(site + "/red.png", red);
  put(server, "blue.png", blue);
  const std::string original = R"({"version": 1,
  "sources": {"f": {"type": "feed", "url": "http://127.0.0.1:9/feed.xml"}},
  "slides": [
    {"id": "i", "type": "image", "image": "red.png"},
    {"id": "n", "type": "news", "article": {"title": "园区新闻", "image": ")" +
                               server.url("/files/blue.png") + R"("}},
    {"id": "gone", "type": "image", "image": "nowhere.png"}
  ]
})";
  write(file, original);
  auto r = feeds_test::run_paizi({"sign", file, "--key", key + ".key"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("nowhere.png") != std::string::npos);  // cannot be pinned: said
  std::string signed_text;
  REQUIRE(paizi::platform::read_whole_file(file, signed_text));
  const std::string red_pin = paizi::net::sha256_hex(red), blue_pin = paizi::net::sha256_hex(blue);
  // The author's text, line for line, with the pins beside the images.
  std::string expected = original;
  const auto insert_after = [&](const std::string& what, const std::string& pin) {
    const size_t at = expected.find(what);
    REQUIRE(at != std::string::npos);
    expected.insert(at + what.size(), R"(, "image_sha256": ")" + pin + "\"");
  };
  insert_after(R"("image": "red.png")", red_pin);
  insert_after(R"("image": ")" + server.url("/files/blue.png") + "\"", blue_pin);
  CHECK(signed_text == expected);
  // What was signed is what is on disk: it verifies, and every pin matches.
  r = feeds_test::run_paizi({"check", file, "--pubkey", key + ".pub"});
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK(r.out.find("plain http://") != std::string::npos);  // the article's picture's transport
  CHECK(r.out.find("\"nowhere.png\" is not pinned") != std::string::npos);
  CHECK(r.out.find("source \"f\" is plain http://") != std::string::npos);
  CHECK(feeds_test::run_paizi({"check", file}).out.find("plain http://") ==
        std::string::npos);  // only with a key
  // Signing again changes nothing (the pins are already right).
  REQUIRE(feeds_test::run_paizi({"sign", file, "--key", key + ".key"}).status == 0);
  std::string again;
  REQUIRE(paizi::platform::read_whole_file(file, again));
  CHECK(again == expected);
  // The picture is swapped on the server after signing: check says so.
  put(server, "blue.png", red);
  r = feeds_test::run_paizi({"check", file, "--pubkey", key + ".pub"});
  CHECK(r.status == 1);
  CHECK(r.out.find("the playlist pins " + blue_pin) != std::string::npos);
}

TEST_CASE(
    "a signed playlist whose image is swapped on the server after signing never shows the swapped image") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string site = tmp.path() + "/site", file = site + "/pl.json", key = tmp.path() + "/k";
  const std::string state = tmp.path() + "/state", shots = tmp.path() + "/shots";
  fs::create_directories(site);
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  const std::string red = png_bytes(tmp, 255, 0, 0), blue = png_bytes(tmp, 0, 0, 255);
  write(site + "/pic.png", red);
  write(file, image_playlist("signed", "pic.png", ""));
  REQUIRE(feeds_test::run_paizi({"sign", file, "--key", key + ".key"}).status == 0);
  std::string body, sig;
  REQUIRE(paizi::platform::read_whole_file(file, body));
  REQUIRE(paizi::platform::read_whole_file(file + ".sig", sig));
  REQUIRE(body.find(paizi::net::sha256_hex(red)) != std::string::npos);
  put(server, "pl.json", body);
  put(server, "pl.json.sig", sig);
  put(server, "pic.png", blue);  // swapped after signing
  Proc player({"play",           server.url("/files/pl.json"),
               "--headless",     "--realtime",
               "--duration",     "7s",
               "--poll",         "300ms",
               "--pubkey",       key + ".pub",
               "--state-dir",    state,
               "--status-every", "0",
               "--window",       "320x180",
               "--screenshots",  shots,
               "--heartbeat",    server.url("/heartbeat")},
              tmp.path() + "/player");
  REQUIRE(wait_status(state, [](const json& s) {
            return s["playlist"]["integrity"].is_string() && s["playlist"]["incomplete"].is_string() &&
                   s["playlist"]["incomplete"].get<std::string>().find("slide i") != std::string::npos &&
                   s["counters"]["integrity_failures"].get<uint64_t>() >= 1;
          }).count() >= 0);
  // The heartbeat carries it too.
  const auto heartbeat_says = [&] {
    const json hb = json::parse(http(server.url("/heartbeat/last")), nullptr, false);
    return hb.is_object() && hb["playlist"]["integrity"].is_string() &&
           hb["counters"]["integrity_failures"].get<uint64_t>() >= 1;
  };
  const auto t0 = steady_clock::now();
  while (!heartbeat_says() && steady_clock::now() - t0 < seconds(3))
    std::this_thread::sleep_for(milliseconds(50));
  CHECK(heartbeat_says());
  std::this_thread::sleep_for(milliseconds(1000));  // more rounds of the loop without the slide
  put(server, "pic.png", red);                      // the right image again
  REQUIRE(wait_status(state, [](const json& s) { return s["playlist"]["incomplete"].is_null(); }).count() >=
          0);
  CHECK(read_status(state)["playlist"]["integrity"].is_null());
  REQUIRE(player.wait() == 0);
  const auto got = shots_in(shots);
  INFO(describe(got));
  size_t image_shots = 0;
  for (const auto& s : got) {
    CHECK(s.blue == 0);  // the swapped image never reached the screen
    if (s.name.find("-i-") != std::string::npos) {
      CHECK(s.red > 20000);  // the right image
      ++image_shots;
    }
  }
  CHECK(image_shots >= 1);  // it came back
  CHECK(got.front().name.find("-i-") == std::string::npos);
  std::string log;
  paizi::platform::read_whole_file(tmp.path() + "/player.err", log);
  CHECK(log.find("integrity failure") != std::string::npos);
}

TEST_CASE("require_https: a plain http:// picture named by a feed is refused before any request") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pic.png", png_bytes(tmp, 255, 0, 0));
  paizi::net::HttpClient client;
  std::string err;
  paizi::net::PictureLimits limits;
  paizi::net::PictureStore open(tmp.path() + "/pictures", limits, nullptr);
  CHECK_FALSE(open.get(client, server.url("/files/pic.png"), 1776585600, err).empty());
  limits.https_only = true;
  paizi::net::PictureStore strict(tmp.path() + "/strict", limits, nullptr);
  CHECK(strict.get(client, server.url("/files/pic.png"), 1776585600, err).empty());
  CHECK(err.find("require_https") != std::string::npos);
  std::string upper = server.url("/files/pic.png");  // the same scheme to libcurl
  upper.replace(0, 4, "HTTP");
  err.clear();
  CHECK(strict.get(client, upper, 1776585600, err).empty());
  CHECK(err.find("require_https") != std::string::npos);
  CHECK(gets(server, "/files/pic.png") == 1);  // the strict store did not ask
}

namespace {
// "PATH STATUS BODY-BYTES" lines the fault server answered for `path`.
std::vector<std::string> served(const feeds_test::FaultServer& server, const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(http(server.url("/served")));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(path + " ", 0) == 0) lines.push_back(line.substr(path.size() + 1));
  return lines;
}
}  // namespace

TEST_CASE(
    "a republished playlist asks for its unchanged images conditionally: 304, no bytes; a changed one is "
    "adopted") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string red = png_bytes(tmp, 255, 0, 0), blue = png_bytes(tmp, 0, 0, 255);
  const std::string pic = "/files/pic.png", red_bytes = "200 " + std::to_string(red.size());
  put(server, "pic.png", red);
  put(server, "pl.json", image_playlist("one", "pic.png", ""));
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  const auto image_file = [](const paizi::sources::AdoptedPlaylist& a) {
    return a.playlist.slides.at(1).as<paizi::content::ImageSlide>()->image;
  };
  {
    paizi::sources::PlaylistUpdater u(o);
    CHECK(adopted_slides(u) == std::vector<std::string>{"s", "i"});
    CHECK(served(server, pic) == std::vector<std::string>{red_bytes});
    // Republished, the image unchanged: a conditional GET, answered 304.
    put(server, "pl.json", image_playlist("two", "pic.png", ""));
    u.check_once();
    const auto two = u.take();
    REQUIRE(two);
    CHECK(two->playlist.name == "two");
    CHECK(fs::path(image_file(*two)).filename() == paizi::net::sha256_hex(red));
    CHECK(served(server, pic) == std::vector<std::string>{red_bytes, "304 0"});
    // The image changed under the same URL: the new bytes are adopted.
    put(server, "pic.png", blue);
    put(server, "pl.json", image_playlist("three", "pic.png", ""));
    u.check_once();
    const auto three = u.take();
    REQUIRE(three);
    CHECK(fs::path(image_file(*three)).filename() == paizi::net::sha256_hex(blue));
    CHECK(served(server, pic).back() == "200 " + std::to_string(blue.size()));
  }
  // After a restart the validators are still known.
  put(server, "pl.json", image_playlist("four", "pic.png", ""));
  paizi::sources::PlaylistUpdater restarted(o);
  CHECK(adopted_slides(restarted) == std::vector<std::string>{"s", "i"});
  CHECK(served(server, pic).back() == "304 0");
  CHECK(served(server, pic).size() == 4);
}

TEST_CASE("paizi sign pins clips too (src_sha256), fetched to a file, and check verifies them") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string site = tmp.path() + "/site", file = site + "/pl.json", key = tmp.path() + "/k";
  fs::create_directories(site);
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  const std::string clip = site + "/promo.mp4";
  REQUIRE(
      media_test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=10 -t 1 -c:v libx264 -preset ultrafast "
                         "-pix_fmt yuv420p",
                         clip));
  std::string clip_bytes;
  REQUIRE(paizi::platform::read_whole_file(clip, clip_bytes));
  put(server, "promo.mp4", clip_bytes);
  put(server, "page.mp4", "<html><body>登录</body></html>");  // a login page where the clip should be
  const std::string remote = server.url("/files/promo.mp4"), page = server.url("/files/page.mp4");
  const std::string original = R"({"version": 1, "slides": [
    {"id": "local", "type": "video", "src": "promo.mp4"},
    {"id": "remote", "type": "video", "src": ")" +
                               remote +
                               R"(", "loops": 2},
    {"id": "page", "type": "video", "src": ")" +
                               page +
                               R"("}
  ]
})";
  write(file, original);
  auto r = feeds_test::run_paizi({"sign", file, "--key", key + ".key"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // Not a clip: not pinned, with the reason (the player would leave it out).
  CHECK(r.err.find("video \"" + page + "\" not pinned: is not a video paizi can read") != std::string::npos);
  std::string signed_text;
  REQUIRE(paizi::platform::read_whole_file(file, signed_text));
  const std::string pin = paizi::net::sha256_hex(clip_bytes);
  std::string expected = original;
  for (const std::string& src : {std::string("promo.mp4"), remote}) {
    const std::string what = R"("src": ")" + src + "\"";
    const size_t at = expected.find(what);
    REQUIRE(at != std::string::npos);
    expected.insert(at + what.size(), R"(, "src_sha256": ")" + pin + "\"");
  }
  CHECK(signed_text == expected);
  // The remote clip went through a temporary file, removed after.
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    CHECK(e.path().filename().string().rfind("paizi-sign-clip", 0) != 0);
  r = feeds_test::run_paizi({"check", file, "--pubkey", key + ".pub"});
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK(r.out.find("video \"" + page + "\" is not pinned") != std::string::npos);
  // The clip is replaced on the server after signing: check says the player refuses it.
  put(server, "promo.mp4", clip_bytes + "x");
  r = feeds_test::run_paizi({"check", file, "--pubkey", key + ".pub"});
  CHECK(r.status == 1);
  CHECK(r.out.find("error: video \"" + remote + "\" has SHA-256 ") != std::string::npos);
  CHECK(r.out.find("the playlist pins " + pin) != std::string::npos);
}
