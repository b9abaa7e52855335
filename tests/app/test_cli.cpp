// The paizi program as a user runs it: exit codes and one-line errors.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <SDL_image.h>
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

fs::path scratch() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("paizi-cli-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `env`: assignments for the shell ("TZ=UTC"), may be empty.
Run run_env(const std::string& env, const std::string& args, const std::string& stdin_text = "") {
  const fs::path o = scratch() / "out.txt", e = scratch() / "err.txt", i = scratch() / "in.txt";
  std::ofstream(i) << stdin_text;
  const std::string cmd = env + " " + std::string(PAIZI_BINARY) + " " + args + " <" + i.string() + " >" +
                          o.string() + " 2>" + e.string();
  const int st = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = slurp(o);
  r.err = slurp(e);
  return r;
}

Run run(const std::string& args, const std::string& stdin_text = "") { return run_env("", args, stdin_text); }

std::string slurp_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string demo() { return std::string(PAIZI_TEST_DATA) + "/../playlists/demo.json"; }

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("--version, --help and usage errors") {
  const Run v = run("--version");
  CHECK(v.code == 0);
  CHECK(v.out.rfind("paizi ", 0) == 0);
  CHECK(run("--help").code == 0);
  CHECK(run("").code == 2);
  CHECK(run("frobnicate").code == 2);
  CHECK(run("render").code == 2);
  CHECK(run("render x.json --slide 0 --size 12").code == 2);
  CHECK(run("render x.json --slide 0 -o a.png --bogus").code == 2);
  // COMMAND --help: that command's options, not the whole usage text.
  const Run rh = run("render --help");
  CHECK(rh.code == 0);
  CHECK(rh.out.rfind("usage: paizi render PLAYLIST", 0) == 0);
  CHECK(rh.out.find("--slide N") != std::string::npos);
  CHECK(rh.out.find("--window") == std::string::npos);  // play's
  const Run ph = run("play --help");
  CHECK(ph.code == 0);
  CHECK(ph.out.find("--window WxH") != std::string::npos);
  CHECK(ph.out.find("--slide N") == std::string::npos);  // render's
  CHECK(run("frobnicate --help").code == 2);
  // --at is RFC 3339: a time without its offset would be read in the
  // machine's zone, not the one the user meant.
  const Run at = run("render " + demo() + " --slide 0 -o " + (scratch() / "at.png").string() +
                     " --at 2026-04-21T14:05:00");
  CHECK(at.code == 2);
  CHECK(at.err.find("RFC 3339") != std::string::npos);
  CHECK(run("render " + demo() + " --slide 0 -o " + (scratch() / "at.png").string() +
            " --at 2026-04-21T14:05:00+08:00")
            .code == 0);
}

TEST_CASE("render writes a PNG of the requested size") {
  const fs::path png = scratch() / "s.png";
  const Run r = run("render " + demo() + " --slide 0 --size 1920x1080 -o " + png.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  SDL_Surface* s = IMG_Load(png.string().c_str());
  REQUIRE(s);
  CHECK(s->w == 1920);
  CHECK(s->h == 1080);
  SDL_FreeSurface(s);
}

TEST_CASE("render errors: one line naming the problem, exit 1") {
  SECTION("missing file") {
    const Run r = run("render /nonexistent/p.json --slide 0 -o " + (scratch() / "x.png").string());
    CHECK(r.code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("/nonexistent/p.json") != std::string::npos);
    CHECK(r.err.find("no such file") != std::string::npos);
  }
  SECTION("invalid JSON names line:column") {
    const fs::path bad = scratch() / "bad.json";
    std::ofstream(bad)
        << "{\n  \"version\": 1,\n  \"slides\": [\n    {\"type\": \"slogan\" \"lines\": []}\n  ]\n}\n";
    const Run r = run("render " + bad.string() + " --slide 0 -o " + (scratch() / "x.png").string());
    CHECK(r.code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find(bad.string() + ":4:23:") != std::string::npos);
  }
  SECTION("a playlist that is valid JSON but not a valid playlist") {
    const fs::path bad = scratch() / "schema.json";
    std::ofstream(bad) << "{\"version\": 1, \"slides\": [{\"type\": \"slogan\", \"duration\": \"soon\", "
                          "\"lines\": [\"x\"]}]}";
    const Run r = run("render " + bad.string() + " --slide 0 -o " + (scratch() / "x.png").string());
    CHECK(r.code == 1);
    CHECK(r.err.find("invalid duration") != std::string::npos);
    CHECK(r.err.find("/slides/0/duration") != std::string::npos);
  }
  SECTION("slide out of range") {
    const Run r = run("render " + demo() + " --slide 99 -o " + (scratch() / "x.png").string());
    CHECK(r.code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("slide 99 out of range") != std::string::npos);
  }
  SECTION("unwritable output") {
    const Run r = run("render " + demo() + " --slide 0 -o /nonexistent-dir/x.png");
    CHECK(r.code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("/nonexistent-dir/x.png") != std::string::npos);
  }
}

TEST_CASE("layout prints JSON lines with source text") {
  const Run r = run("layout --size 100 --width 350", "文文文。文文\n");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"text\":\"文文文。\"") != std::string::npos);
  CHECK(r.out.find("\"missing_glyphs\":0") != std::string::npos);
  CHECK(run("layout --line-break sometimes").code == 2);
}

TEST_CASE("play --headless writes screenshots on a simulated clock") {
  const fs::path dir = scratch() / "shots";
  fs::remove_all(dir);
  const Run r = run("play " + demo() + " --headless --duration 30s --screenshots " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".png";
  CHECK(n >= 3);
}

TEST_CASE("play on a machine without a display fails instead of playing to SDL's offscreen driver") {
  // SDL's automatic choice falls through X11, Wayland and KMSDRM to its
  // offscreen driver, which shows nothing: a service that reported READY
  // there left the panel on the console (the emulated board, issue 19).
  if (fs::exists("/dev/dri/card0")) {
    WARN("skipped: this machine has a DRM device, paizi would take its display");
    return;
  }
  const std::string env = "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER ";
  const std::string state = (scratch() / "state").string();
  const std::string cmd =
      env + PAIZI_BINARY + " play " + demo() + " --state-dir " + state + " --window 320x240 --duration 1s";
  const int st = std::system((cmd + " 2>" + (scratch() / "err.txt").string()).c_str());
  const std::string err = slurp(scratch() / "err.txt");
  INFO(err);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 1);
  CHECK(err.find("SDL found no display (it fell back to its offscreen driver)") != std::string::npos);
  CHECK(err.find("no DRM display") != std::string::npos);

  // Asked for by name, the offscreen driver is what the user wants.
  const int ok =
      std::system((env + "SDL_VIDEODRIVER=offscreen " + PAIZI_BINARY + " play " + demo() + " --state-dir " +
                   state + " --driver offscreen --window 320x240 --duration 1s 2>/dev/null")
                      .c_str());
  CHECK(WIFEXITED(ok));
  CHECK(WEXITSTATUS(ok) == 0);
}

TEST_CASE(
    "a fresh start without a good playlist shows the waiting screen, not the error, on the public screen") {
  // Two different reasons (no file; a broken file): the same screen. The
  // reason is in the log.
  const fs::path dir = scratch() / "waiting";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "broken.json")
      << R"({"version": 1, "slides": [{"type": "slogan", "lines": ["未闭合"]})";
  std::vector<std::string> shots;
  for (const std::string& pl : {(dir / "missing.json").string(), (dir / "broken.json").string()}) {
    const fs::path out = dir / fs::path(pl).stem();
    const Run r = run("play " + pl + " --headless --duration 1s --screenshots " + out.string() +
                      " --state-dir " + (out.string() + "-state"));
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.err.find(fs::path(pl).filename().string()) != std::string::npos);  // logged
    std::vector<fs::path> pngs;
    for (const auto& e : fs::directory_iterator(out)) pngs.push_back(e.path());
    REQUIRE(pngs.size() == 1);
    shots.push_back(slurp(pngs[0]));
  }
  CHECK(shots[0] == shots[1]);
}

TEST_CASE("a new playlist on screen is a change: screenshot, even when its slide has the same index") {
  const fs::path dir = scratch() / "replace";
  fs::remove_all(dir);
  fs::create_directories(dir / "shots");
  const fs::path file = dir / "pl.json";
  const auto write = [&](const std::string& id, const std::string& text) {
    std::ofstream(dir / "tmp.json") << R"({"version": 1, "transition": {"type": "cut"}, "slides": [{"id": ")"
                                    << id << R"(", "type": "slogan", "duration": "1s", "lines": [")" << text
                                    << R"("]}]})";
    fs::rename(dir / "tmp.json", file);
  };
  write("only", "第一版");
  // Generous bounds: under qemu-user and the sanitizers the first frame
  // takes seconds. Only failures wait that long.
  const std::string cmd = std::string(PAIZI_BINARY) + " play " + file.string() +
                          " --headless --realtime --duration 120s --state-dir " + (dir / "state").string() +
                          " --window 320x180 --screenshots " + (dir / "shots").string() + " >" +
                          (dir / "out.txt").string() + " 2>&1 & echo $! >" + (dir / "pid").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto count = [&] {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir / "shots")) n += e.path().extension() == ".png";
    return n;
  };
  for (int i = 0; i < 3000 && count() == 0; ++i) ::usleep(20000);
  REQUIRE(count() == 1);
  ::usleep(2500000);  // slide boundaries of the same slide: no new screenshot
  CHECK(count() == 1);
  write("only", "第二版");  // the same slide id and index, other content
  for (int i = 0; i < 1500 && count() < 2; ++i) ::usleep(20000);
  INFO(slurp(dir / "out.txt"));
  CHECK(count() == 2);
  const std::string pid = slurp(dir / "pid");
  CHECK(std::system(("kill " + pid + " 2>/dev/null").c_str()) == 0);
}

TEST_CASE(
    "the synonym flags (--pubkey, --token-file, --heartbeat) reach the configuration like their long names") {
  // Each pair was parsed by a different function: the debug dump printed
  // "public_key= token= heartbeat_url=" for flags that were given, and
  // --state-dir was read twice (the second reader never saw it).
  const fs::path dir = scratch() / "synonyms";
  fs::remove_all(dir);
  fs::create_directories(dir / "state");
  const fs::path playlist = dir / "pl.json", key = dir / "k.pub", token = dir / "token";
  std::ofstream(playlist) << R"({"version":1,"slides":[{"type":"slogan","lines":["园区"]}]})";
  std::ofstream(token) << "sesame\n";
  REQUIRE(run("keygen " + (dir / "k").string()).code == 0);
  REQUIRE(run("sign " + playlist.string() + " --key " + (dir / "k.key").string()).code == 0);
  const std::string common = " --headless --duration 2s --verbose --config " + (dir / "none.conf").string();
  const Run r =
      run("play " + playlist.string() + common + " --state-dir " + (dir / "state").string() + " --pubkey " +
          key.string() + " --token-file " + token.string() + " --heartbeat http://127.0.0.1:9/hb");
  INFO(r.err);
  CHECK(r.err.find("public_key=" + key.string()) != std::string::npos);
  CHECK(r.err.find("token=" + token.string()) != std::string::npos);
  CHECK(r.err.find("heartbeat_url=http://127.0.0.1:9/hb") != std::string::npos);
  CHECK(r.err.find("state_dir=" + (dir / "state").string()) != std::string::npos);
  CHECK(r.err.find("sesame") == std::string::npos);  // the token's value is never logged
  // The long names say the same.
  const Run l = run("play " + playlist.string() + common + " --public-key " + key.string() + " --token " +
                    token.string() + " --heartbeat-url http://127.0.0.1:9/hb");
  INFO(l.err);
  CHECK(l.err.find("public_key=" + key.string()) != std::string::npos);
  CHECK(l.err.find("heartbeat_url=http://127.0.0.1:9/hb") != std::string::npos);
  // A token file named on the command line that cannot be read is a usage error.
  const Run bad = run("play " + playlist.string() + common + " --token-file " + (dir / "absent").string());
  CHECK(bad.code == 2);
  CHECK(bad.err.find("cannot read the token file") != std::string::npos);
}

TEST_CASE("check and render say which slide's text will be cut or set too small") {
  const fs::path dir = scratch() / "fit";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string long_line;
  for (int i = 0; i < 16; ++i) long_line += "园区坚持创新驱动发展战略，";
  const fs::path playlist = dir / "pl.json";
  std::ofstream(playlist)
      << R"({"version":1,"slides":[{"id":"fits","type":"slogan","lines":["创新驱动 追求卓越"]},
    {"id":"long","type":"slogan","lines":[")" +
             long_line + R"("]}]})";
  const Run c = run("check " + playlist.string());
  INFO(c.out);
  CHECK(c.code == 0);  // a warning, not an error
  CHECK(c.out.find("warning: slide long at 1920x1080: slogan cut to") != std::string::npos);
  CHECK(c.out.find("slide fits") == std::string::npos);
  CHECK(c.out.find("(0 errors, 1 warning)") != std::string::npos);
  const Run r = run("render " + playlist.string() + " --all -o " + (dir / "out").string());
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.find("warning: slide 1 (long): slogan cut to") != std::string::npos);
  CHECK(r.err.find("(fits)") == std::string::npos);
}

TEST_CASE("times on slides follow the playlist's zone, not the board's TZ") {
  // Header clock and a news date near midnight: 2024-04-20 16:05 UTC is
  // 00:05 on the 21st in Shanghai; the article is from 00:30 Shanghai time
  // on the 21st (16:30 UTC on the 20th).
  auto playlist = [](const char* zone) {
    const fs::path p = scratch() / (std::string("tz-") + (zone[0] ? "set" : "none") + ".json");
    std::ofstream(p) << R"({"version": 1, "header": {"enabled": true, "logo": "大堂", "clock": true},)"
                     << (zone[0] ? std::string(R"("schedule": {"timezone": ")") + zone + "\"},"
                                 : std::string())
                     << R"("slides": [{"type": "news", "article": {"title": "园区新闻", "source": "园区",
                           "published": 1713630600, "paragraphs": ["今天园区举行开放日活动。"]}}]})";
    return p.string();
  };
  auto render = [&](const std::string& env, const std::string& pl, const std::string& name) {
    const fs::path png = scratch() / name;
    const Run r = run_env(
        env, "render " + pl + " --slide 0 --size 640x360 --at 2024-04-20T16:05:00Z -o " + png.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return slurp_bytes(png);
  };
  const std::string shanghai = playlist("Asia/Shanghai");
  const std::string in_utc = render("TZ=UTC", shanghai, "tz-utc.png");
  const std::string in_sh = render("TZ=Asia/Shanghai", shanghai, "tz-sh.png");
  const bool same_in_both_tz = in_utc == in_sh;  // (bools: Catch would print the PNGs)
  CHECK(same_in_both_tz);
  // The comparison can tell zones apart: the same slide in the board's UTC
  // (no zone in the playlist) shows 16:05 on the 20th.
  const bool utc_differs = render("TZ=UTC", playlist(""), "tz-none.png") != in_sh;
  CHECK(utc_differs);
  const bool system_zone_used = render("TZ=Asia/Shanghai", playlist(""), "tz-none-sh.png") == in_sh;
  CHECK(system_zone_used);
}
