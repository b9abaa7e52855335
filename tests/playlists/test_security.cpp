// Signatures, the bearer token, asset URL restrictions and watched local
// files.
#include <cstdlib>
#include <filesystem>

#include "media/video.h"
#include "net/signature.h"
#include "pl_support.h"
#include "platform/atomic_file.h"
#include "render/image.h"
#include "sources/playlist_updater.h"

using namespace pl_test;
namespace fs = std::filesystem;

TEST_CASE("keygen and sign write a key pair and a detached signature that verifies") {
  TempDir tmp;
  const std::string prefix = tmp.path() + "/k", file = tmp.path() + "/p.json";
  write(file, playlist_v(1));
  auto r = feeds_test::run_paizi({"keygen", prefix});
  REQUIRE(r.status == 0);
  CHECK((fs::status(prefix + ".key").permissions() & fs::perms::others_read) == fs::perms::none);
  CHECK(feeds_test::run_paizi({"keygen", prefix}).status == 1);  // never overwrites silently
  REQUIRE(feeds_test::run_paizi({"sign", file, "--key", prefix + ".key"}).status == 0);
  CHECK(feeds_test::run_paizi({"check", file, "--pubkey", prefix + ".pub"}).status == 0);
  write(file, playlist_v(2));  // modified after signing
  r = feeds_test::run_paizi({"check", file, "--pubkey", prefix + ".pub"});
  CHECK(r.status == 1);
  CHECK(r.out.find("signature does not match") != std::string::npos);
}

TEST_CASE("signed remote playlists behind a bearer token: missing or wrong signatures are rejected") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string state = tmp.path() + "/state", key = tmp.path() + "/k";
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  std::string secret, err;
  REQUIRE(paizi::platform::read_whole_file(key + ".key", secret));
  auto sign = [&](const std::string& body) { return *paizi::net::sign_detached(body, secret, err); };
  write(tmp.path() + "/token", "sesame\n");
  put(server, "pl.json", playlist_v(1));
  put(server, "pl.json.sig", sign(playlist_v(1)));
  Proc player({"play", server.url("/auth/pl.json"), "--headless", "--realtime", "--duration", "60s", "--poll",
               "200ms", "--state-dir", state, "--status-every", "0", "--pubkey", key + ".pub", "--token-file",
               tmp.path() + "/token", "--window", "320x180"},
              tmp.path() + "/player");
  REQUIRE(wait_status(state, [](const json& s) { return starts_with_v(s, 1); }).count() >= 0);
  // Wrong signature (of another document).
  put(server, "pl.json", playlist_v(2));
  REQUIRE(wait_status(state, [](const json& s) {
            return s["sync"]["error"].is_string() && s["sync"]["error"].get<std::string>().find(
                                                         "signature does not match") != std::string::npos;
          }).count() >= 0);
  std::this_thread::sleep_for(milliseconds(600));
  CHECK(starts_with_v(read_status(state), 1));
  // Missing signature.
  put(server, "pl.json.sig", "");
  REQUIRE(wait_status(state, [](const json& s) {
            return s["sync"]["error"].is_string() &&
                   s["sync"]["error"].get<std::string>().find("missing") != std::string::npos;
          }).count() >= 0);
  CHECK(starts_with_v(read_status(state), 1));
  // The right signature: adopted.
  put(server, "pl.json.sig", sign(playlist_v(2)));
  CHECK(wait_status(state, [](const json& s) { return starts_with_v(s, 2); }).count() >= 0);
  // The token never appears in what paizi writes.
  player.kill_now();
  for (const char* f : {"/player.out", "/player.err", "/state/status.json", "/state/current.json"}) {
    std::string text;
    paizi::platform::read_whole_file(tmp.path() + f, text);
    CHECK(text.find("sesame") == std::string::npos);
  }
}

TEST_CASE("without the token the server refuses; the token goes only to the playlist's origin") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pl.json", playlist_v(1));
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/auth/pl.json");
  o.state_dir = tmp.path();
  paizi::sources::PlaylistUpdater u(o);
  u.check_once();
  CHECK(u.status().error.find("401") != std::string::npos);
  o.token = "sesame";
  paizi::sources::PlaylistUpdater v(o);
  v.check_once();
  CHECK(v.status().ok);
  CHECK(v.take());
}

TEST_CASE("assets: only http(s) and files under the roots; everything lands in the content-addressed cache") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/site";
  fs::create_directories(dir + "/img");
  write(dir + "/img/a.png", "not really a png, but bytes");
  write(tmp.path() + "/secret.txt", "outside");
  auto updater_for = [&](const std::string& image) {
    write(dir + "/pl.json",
          R"({"version":1,"slides":[{"id":"i","type":"image","image":")" + image + R"("}]})");
    paizi::sources::UpdaterOptions o;
    o.source = dir + "/pl.json";
    o.state_dir = tmp.path() + "/state";
    auto u = std::make_unique<paizi::sources::PlaylistUpdater>(o);
    u->check_once();
    return u;
  };
  auto ok = updater_for("img/a.png");
  auto adopted = ok->take();
  REQUIRE(adopted);
  const std::string cached = adopted->playlist.slides[0].as<paizi::content::ImageSlide>()->image;
  CHECK(cached.rfind(tmp.path() + "/state/assets/", 0) == 0);
  CHECK(fs::path(cached).filename().string() == paizi::net::sha256_hex("not really a png, but bytes"));
  const std::vector<std::string> bads{"../secret.txt", "img/../../secret.txt", tmp.path() + "/secret.txt",
                                      "file://" + tmp.path() + "/secret.txt", "ftp://example.org/x.png"};
  for (const std::string& bad : bads) {
    INFO(bad);
    auto u = updater_for(bad);
    CHECK_FALSE(u->take());
    CHECK(u->status().error.find("asset") != std::string::npos);
  }
  // A missing asset: not adopted.
  auto missing = updater_for("img/none.png");
  CHECK_FALSE(missing->take());
  CHECK(missing->status().error.find("none.png") != std::string::npos);
}

TEST_CASE("a watched local playlist is picked up on change, long before the poll interval") {
  TempDir tmp;
  const std::string file = tmp.path() + "/pl.json", state = tmp.path() + "/state";
  write(file, playlist_v(1));
  Proc player({"play", file, "--headless", "--realtime", "--duration", "60s", "--poll", "60s", "--state-dir",
               state, "--status-every", "0", "--window", "320x180"},
              tmp.path() + "/player");
  REQUIRE(wait_status(state, [](const json& s) { return starts_with_v(s, 1); }).count() >= 0);
  write(file, R"({"version":1,"slides":[]})");  // a bad edit: ignored
  REQUIRE(wait_status(
              state, [](const json& s) { return !s["sync"]["ok"].get<bool>(); }, milliseconds(3000))
              .count() >= 0);
  CHECK(starts_with_v(read_status(state), 1));
  write(file, playlist_v(2));
  const auto took = wait_status(
      state, [](const json& s) { return starts_with_v(s, 2); }, milliseconds(3000));
  WARN("watched file: v2 on screen " << took.count() << " ms after the write (poll interval 60 s)");
  CHECK(took.count() >= 0);
}

TEST_CASE("SIGHUP forces a check long before the poll interval") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string state = tmp.path() + "/state";
  put(server, "pl.json", playlist_v(1));
  Proc player({"play", server.url("/files/pl.json"), "--headless", "--realtime", "--duration", "60s",
               "--poll", "60s", "--state-dir", state, "--status-every", "0", "--window", "160x90"},
              tmp.path() + "/player");
  REQUIRE(wait_status(state, [](const json& s) { return starts_with_v(s, 1); }).count() >= 0);
  put(server, "pl.json", playlist_v(2));
  std::this_thread::sleep_for(milliseconds(700));
  CHECK(starts_with_v(read_status(state), 1));  // no poll due for a minute
  ::kill(player.pid(), SIGHUP);
  const auto took = wait_status(
      state, [](const json& s) { return starts_with_v(s, 2); }, milliseconds(3000));
  WARN("SIGHUP: v2 on screen after " << took.count() << " ms");
  CHECK(took.count() >= 0);
}

TEST_CASE(
    "the asset store is content-addressed, writes each content once and evicts only unreferenced entries") {
  TempDir tmp;
  paizi::net::AssetStore store(tmp.path() + "/assets", 2500);
  std::string err;
  const auto a = store.put(std::string(1000, 'a'), err), b = store.put(std::string(1000, 'b'), err);
  std::this_thread::sleep_for(milliseconds(20));
  const auto c = store.put(std::string(1000, 'c'), err);
  REQUIRE((a && b && c));
  CHECK(store.put(std::string(1000, 'a'), err) == a);  // same bytes: no second write
  CHECK(store.stats().stores == 3);
  CHECK(store.stats().reuses == 1);
  CHECK(store.verify(*b));
  store.collect({*a, *c});
  const auto st = store.stats();
  CHECK(st.bytes <= 2500);
  CHECK(st.evictions == 1);
  CHECK(store.verify(*a));
  CHECK(store.verify(*c));
  CHECK_FALSE(store.verify(*b));
  // Referenced entries stay even over budget.
  store.collect({*a, *c});
  paizi::net::AssetStore tight(tmp.path() + "/assets", 10);
  tight.collect({*a, *c});
  CHECK(tight.verify(*a));
  CHECK(tight.verify(*c));
}

TEST_CASE(
    "a missing asset leaves out the slides that need it, not the playlist; they return when it arrives") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/site", state = tmp.path() + "/state";
  fs::create_directories(dir + "/img");
  write(dir + "/img/a.png", "bytes of a");
  write(dir + "/pl.json", R"({"version":1,"slides":[
    {"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"i-ok","type":"image","image":"img/a.png"},
    {"id":"i-miss","type":"image","image":"img/none.png"},
    {"id":"n","type":"news","article":{"title":"园区新闻","paragraphs":["正文"],"image":"img/none.png"}}]})");
  paizi::sources::UpdaterOptions o;
  o.source = dir + "/pl.json";
  o.state_dir = state;
  const std::vector<std::string> without{"s", "i-ok", "n"}, all{"s", "i-ok", "i-miss", "n"};
  {
    paizi::sources::PlaylistUpdater u(o);
    u.check_once();
    auto adopted = u.take();
    REQUIRE(adopted);
    CHECK(slide_ids(adopted->playlist) == without);
    CHECK(adopted->playlist.slides[2]
              .as<paizi::content::NewsSlide>()
              ->news->image.empty());  // the article stays, without its picture
    const auto st = u.status();
    CHECK(st.ok);
    CHECK(st.incomplete.find("none.png") != std::string::npos);
    CHECK(st.incomplete.find("slide i-miss") != std::string::npos);
    u.check_once();  // tried again, still missing: nothing new to adopt
    CHECK_FALSE(u.take());
  }
  // After a restart the last good copy plays the same way ...
  paizi::sources::PlaylistUpdater v(o);
  std::string err;
  auto lkg = v.load_last_good(err);
  REQUIRE(lkg);
  CHECK(slide_ids(lkg->playlist) == without);
  CHECK(v.status().incomplete.find("none.png") != std::string::npos);
  // ... and the asset, once it is there, is fetched by the next check: the
  // playlist is adopted again with every slide.
  write(dir + "/img/none.png", "bytes of none");
  v.check_once();
  auto complete = v.take();
  REQUIRE(complete);
  CHECK(slide_ids(complete->playlist) == all);
  CHECK(complete->playlist.slides[3].as<paizi::content::NewsSlide>()->news->image.rfind(state + "/assets/",
                                                                                        0) == 0);
  CHECK(v.status().incomplete.empty());
  v.check_once();
  CHECK_FALSE(v.take());
  // A damaged asset in the last good copy leaves out its slide, not the copy.
  write(state + "/assets/" + paizi::net::sha256_hex("bytes of a"), "bit rot");
  paizi::sources::PlaylistUpdater w(o);
  lkg = w.load_last_good(err);
  REQUIRE(lkg);
  CHECK(slide_ids(lkg->playlist) == std::vector<std::string>{"s", "i-miss", "n"});
  CHECK(w.status().incomplete.find("damaged") != std::string::npos);
}

TEST_CASE("a missing local image is watched for: copying it in restores its slide long before the poll") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/site", state = tmp.path() + "/state";
  fs::create_directories(dir);
  // In a directory that does not exist yet, as when a folder is copied in.
  write(dir + "/pl.json", R"({"version":1,"slides":[
    {"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"poster","type":"image","image":"new/img/poster.png"}]})");
  paizi::sources::UpdaterOptions o;
  o.source = dir + "/pl.json";
  o.state_dir = state;
  o.poll = std::chrono::hours(1);
  paizi::sources::PlaylistUpdater u(o);
  u.start();
  auto wait_adopted = [&](std::chrono::milliseconds limit) {
    std::optional<paizi::sources::AdoptedPlaylist> got;
    for (auto until = std::chrono::steady_clock::now() + limit;
         !got && std::chrono::steady_clock::now() < until;) {
      std::this_thread::sleep_for(milliseconds(20));
      got = u.take();
    }
    return got;
  };
  auto first = wait_adopted(milliseconds(3000));
  REQUIRE(first);
  CHECK(slide_ids(first->playlist) == std::vector<std::string>{"s"});
  std::this_thread::sleep_for(milliseconds(200));  // the watches are set after the check
  // Files that are not the awaited one call for no check.
  const auto checks = u.status().checks;
  write(dir + "/notes.txt", "unrelated");
  fs::create_directories(dir + "/other");
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(u.status().checks == checks);
  // The folder and the image, made in quick succession.
  fs::create_directories(dir + "/new/img");
  write(dir + "/new/img/poster.png", "bytes of the poster");
  const auto t0 = std::chrono::steady_clock::now();
  auto complete = wait_adopted(milliseconds(3000));
  REQUIRE(complete);
  WARN("missing image copied in: adopted with its slide after "
       << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count()
       << " ms (poll interval 1 h)");
  CHECK(slide_ids(complete->playlist) == std::vector<std::string>{"s", "poster"});
  CHECK(u.status().incomplete.empty());
}

TEST_CASE("a remote playlist whose image answers 404 plays without it until the image is published") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pl.json", R"({"version":1,"slides":[{"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"i","type":"image","image":"late.png"}]})");
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  paizi::sources::PlaylistUpdater u(o);
  u.check_once();
  auto adopted = u.take();
  REQUIRE(adopted);
  CHECK(slide_ids(adopted->playlist) == std::vector<std::string>{"s"});
  CHECK(u.status().incomplete.find("late.png") != std::string::npos);
  CHECK(u.status().incomplete.find("404") != std::string::npos);
  put(server, "late.png", "image bytes");
  u.check_once();  // the playlist itself is unchanged (304): the missing image is tried again
  auto complete = u.take();
  REQUIRE(complete);
  CHECK(slide_ids(complete->playlist) == std::vector<std::string>{"s", "i"});
  CHECK(u.status().incomplete.empty());
  CHECK(u.status().not_modified >= 1);
}

TEST_CASE("a signed playlist completed by a later check keeps a last good copy that verifies") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/site", key = tmp.path() + "/k", file = dir + "/pl.json";
  fs::create_directories(dir);
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  auto publish = [&](const std::string& body) {
    write(file, body);
    REQUIRE(feeds_test::run_paizi({"sign", file, "--key", key + ".key"}).status == 0);
  };
  const std::string x = R"({"version":1,"slides":[{"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"i","type":"image","image":"late.png"}]})";
  publish(x);
  paizi::sources::UpdaterOptions o;
  o.source = file;
  o.state_dir = tmp.path() + "/state";
  REQUIRE(paizi::platform::read_whole_file(key + ".pub", o.public_key));
  o.allow_unpinned = true;  // late.png is not there to be pinned when the playlist is signed
  paizi::sources::PlaylistUpdater u(o);
  u.check_once();
  REQUIRE(u.take());
  // A newer, signed but invalid playlist is rejected (its signature was
  // checked first) ...
  publish(R"({"version":1,"slides":[]})");
  u.check_once();
  CHECK_FALSE(u.take());
  CHECK(u.status().error.find("rejected") != std::string::npos);
  // ... the old one comes back, and its image has arrived: adopted again,
  // with its own signature kept beside the last good copy.
  publish(x);
  write(dir + "/late.png", "image bytes");
  u.check_once();
  auto complete = u.take();
  REQUIRE(complete);
  CHECK(slide_ids(complete->playlist) == std::vector<std::string>{"s", "i"});
  CHECK(last_good_slides(o) == std::vector<std::string>{"s", "i"});
}

TEST_CASE("an image answered with an error page (status 200) is missing, not stored") {
  feeds_test::FaultServer server;
  TempDir tmp;
  put(server, "pl.json", R"({"version":1,"slides":[{"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"i","type":"image","image":"poster.png"}]})");
  put(server, "poster.png", "<html><body>请先登录</body></html>");  // a CDN's login page
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  o.check_asset = [](std::string_view bytes) { return paizi::render::image_problem(bytes); };
  paizi::sources::PlaylistUpdater u(o);
  u.check_once();
  auto adopted = u.take();
  REQUIRE(adopted);
  CHECK(slide_ids(adopted->playlist) == std::vector<std::string>{"s"});
  CHECK(u.status().incomplete.find("is not a PNG, JPEG, GIF, BMP or WebP file") != std::string::npos);
  CHECK(u.status().assets.entries == 0);  // the page was not stored
  std::string png;
  REQUIRE(paizi::platform::read_whole_file(std::string(PAIZI_TEST_DATA) + "/show/golden/chart.png", png));
  put(server, "poster.png", png);
  u.check_once();
  auto complete = u.take();
  REQUIRE(complete);
  CHECK(slide_ids(complete->playlist) == std::vector<std::string>{"s", "i"});
  CHECK(u.status().incomplete.empty());
}

TEST_CASE(
    "a clip goes to a file in the store, is checked there and adopted; a page served as a clip is not") {
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string clip = tmp.path() + "/promo.mp4";
  REQUIRE(
      std::system(("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=160x90:rate=10 "
                   "-t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p '" +
                   clip + "'")
                      .c_str()) == 0);
  std::string clip_bytes;
  REQUIRE(paizi::platform::read_whole_file(clip, clip_bytes));
  put(server, "pl.json", R"({"version":1,"slides":[{"id":"s","type":"slogan","lines":["欢迎"]},
    {"id":"v","type":"video","src":"promo.mp4"}]})");
  put(server, "promo.mp4", "<html><body>请先登录</body></html>");  // a CDN's login page
  paizi::sources::UpdaterOptions o;
  o.source = server.url("/files/pl.json");
  o.state_dir = tmp.path() + "/state";
  o.check_video = [](const std::string& path) { return paizi::media::video_file_problem(path); };
  paizi::sources::PlaylistUpdater u(o);
  // Nothing is left on its way in, whatever happened to it.
  const auto incoming = [&] {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(o.state_dir + "/assets", ec))
      n += e.path().filename().string().rfind("incoming-", 0) == 0 ? 1 : 0;
    return n;
  };
  u.check_once();
  auto adopted = u.take();
  REQUIRE(adopted);
  CHECK(slide_ids(adopted->playlist) == std::vector<std::string>{"s"});
  CHECK(u.status().incomplete.find("is not a video paizi can read") != std::string::npos);
  CHECK(u.status().assets.entries == 0);  // the page was not stored
  CHECK(incoming() == 0);
  put(server, "promo.mp4", clip_bytes);
  u.check_once();
  auto complete = u.take();
  REQUIRE(complete);
  CHECK(slide_ids(complete->playlist) == std::vector<std::string>{"s", "v"});
  CHECK(u.status().incomplete.empty());
  // Stored under its SHA-256, byte for byte, and played from there.
  const std::string sha = paizi::net::sha256_hex(clip_bytes);
  CHECK(paizi::net::sha256_file_hex(clip) == sha);
  std::string stored;
  REQUIRE(paizi::platform::read_whole_file(o.state_dir + "/assets/" + sha, stored));
  CHECK(stored == clip_bytes);
  const auto* v = complete->playlist.slides[1].as<paizi::content::VideoSlide>();
  REQUIRE(v);
  CHECK(v->src == o.state_dir + "/assets/" + sha);
  CHECK(incoming() == 0);
}

TEST_CASE("a playlist refused for its signature is asked for again once soon, then at the poll interval") {
  // It was retried with the failure backoff (poll/16, /8, /4 ...): 6 requests
  // in 4 s for bytes that are refused every time.
  feeds_test::FaultServer server;
  TempDir tmp;
  const std::string state = tmp.path() + "/state", key = tmp.path() + "/k";
  REQUIRE(feeds_test::run_paizi({"keygen", key}).status == 0);
  put(server, "pl.json", playlist_v(1));
  put(server, "pl.json.sig", "not a signature");
  Proc player(
      {"play", server.url("/files/pl.json"), "--headless", "--realtime", "--duration", "60s", "--poll", "16s",
       "--state-dir", state, "--status-every", "0", "--pubkey", key + ".pub", "--window", "160x90"},
      tmp.path() + "/player");
  REQUIRE(wait_status(state, [](const json& s) {
            return s["sync"]["error"].is_string() && !s["sync"]["error"].get<std::string>().empty();
          }).count() >= 0);
  std::this_thread::sleep_for(milliseconds(7000));
  const std::string log = http(server.url("/log"));
  size_t n = 0;
  for (size_t at = log.find("/files/pl.json "); at != std::string::npos;
       at = log.find("/files/pl.json ", at + 1))
    ++n;
  INFO(log);
  CHECK(n == 2);  // the first check, one retry after about a second; the next is due at 17 s
  CHECK(read_status(state)["counters"]["rejected"].get<int>() == 2);
}
