#!/usr/bin/python3
"""The emulated board, checked from the host (run by tools/board-vm.sh test).

Boots build-vm/board.img (Debian 12, the CI-built paizi .deb installed with
apt, paizi.service as shipped) under QEMU with a virtio-gpu display and
checks, in order:

  service     the unit is active (running) only after the first frame
              (READY=1), on KMSDRM, without restarts; boot-to-first-frame
  screen      the guest's scanout (QMP screendump) is the slide: compared
              with `paizi render` of the same playlist at the same size
  reload      a new playlist on the server + `systemctl reload`: the screen
              changes to the new slide
  kill -9     systemd restarts the player; the slide comes back
  watchdog    SIGSTOP: the watchdog kills the frozen player, systemd
              restarts it; the slide comes back
  offline     the network cut (QEMU link down), reboot: the last good
              playlist is on screen
  journal     the player's messages are in journald at their priorities
  no GPU      Mesa's DRI drivers removed (a board whose GPU stack cannot
              present): paizi's DRM presenter shows the slide, and the
              warning says why
  metrics     node_exporter (installed after paizi) serves paizi_build_info
              on the guest's 127.0.0.1:9100 through the package's link to
              /run/paizi/paizi.prom, and its textfile collector reports no error
  security    systemd-analyze security paizi <= 1.5 in the guest
  negative    started on a missing playlist, the screen shows the waiting
              screen and the comparison says it is not the slide
  two GPUs    booted again with QEMU's VGA card as well as virtio-gpu: no
              crash loop, the slide on one of the two displays

Exits 1 on the first failed check, with the screendumps kept in the run
directory (build-vm/run/). Requires /usr/bin/python3 with PIL (python3-pil),
socat and qemu-system-x86.
"""
import argparse
import array
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

from PIL import Image, ImageChops

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vm import Board, ContentServer  # noqa: E402

W, H = 1280, 720  # the virtio-gpu mode (vm.py)

# A pixel differs when one channel is off by more than PIXEL_TOLERANCE; the
# screen matches when at most MAX_DIFFERING of its pixels differ. The guest
# draws with Mesa's GLES 2 (llvmpipe) or paizi's software canvas, the
# reference with the software canvas: glyph edges blend a little differently
# (measured: 0.03 % of pixels beyond 48, README table in docs/raspberry-pi.md).
# A black screen, the console, the waiting screen or another slide differ in
# 20 % or more.
PIXEL_TOLERANCE = 48
MAX_DIFFERING = 0.005

PLAYLIST_V1 = {
    "version": 1, "name": "仿真板卡", "theme": "red-gold", "transition": {"type": "cut"},
    "slides": [{"id": "welcome", "type": "slogan", "duration": "5s",
                "lines": ["牌子在仿真板卡上", "开机即播"], "subtitle": "KMSDRM · systemd · 无桌面"}],
}
# The second playlist also carries a colour emoji and a scrolling ticker:
# the board shows both, the ticker drawn as a strip on KMSDRM and on the DRM
# fallback presenter (ticker_check).
PLAYLIST_V2 = {
    "version": 1, "name": "仿真板卡", "theme": "dark", "transition": {"type": "cut"},
    "ticker": {"items": ["园区通知：本周五下午三点举行消防演练", "访客请在一楼大厅登记"], "speed": 120},
    "slides": [{"id": "reloaded", "type": "slogan", "duration": "5s",
                "lines": ["新节目单已生效 🎉"], "subtitle": "systemctl reload paizi"}],
}
# Issue 22: a promotional clip, fetched from the content server and played
# by the service in software (the emulated board has no V4L2 decoder). The
# clip fills the screen (no header, no ticker) and carries its frame index
# as ten black/white squares, as in tests/media/test_video.cpp, and two
# marks (counter_filter). Its sound, a 1 kHz tone at 1/8 of full scale, is
# played at half volume through the board's sound card.
CLIP_FPS = 10
CLIP_SECONDS = 60  # 600 frames: the ten-bit index does not wrap
PLAYLIST_VIDEO = {
    "version": 1, "name": "仿真板卡", "theme": "dark", "transition": {"type": "cut"},
    "slides": [{"id": "promo", "type": "video", "src": "http://10.0.2.100/clip.mp4", "fit": "fill",
                "muted": False, "volume": 0.5}],
}
TONE_HZ, TONE_LEVEL = 1000, 32768 / 8 * 0.5  # what the board should play


def counter_filter(w):
    """ffmpeg's drawbox chain: bit k of the frame index n white at (16 + 40k, 16)
    (scaled by w / 1280), 32 px wide, black when the bit is clear; then two
    marks, square 10 always white and square 11 always black, so that a
    black or white screen does not read as an index."""
    s = w / 1280.0
    boxes = []
    for k in range(12):
        box = (f"drawbox=x={round((16 + 40 * k) * s)}:y={round(16 * s)}:w={round(32 * s)}:"
               f"h={round(32 * s)}:t=fill:color=")
        if k == 10:
            boxes.append(f"{box}white")
        elif k == 11:
            boxes.append(f"{box}black")
        else:
            boxes.append(f"{box}black,{box}white:enable='mod(floor(n/{1 << k}),2)'")
    return ",".join(boxes)


def read_counter(path):
    """The frame index a screendump shows, or None when the squares are not
    black or white, or the marks are not there (not the clip)."""
    img = Image.open(path).convert("L")
    s = img.size[0] / 1280.0
    lums = [img.getpixel((round((32 + 40 * k) * s), round(32 * s))) for k in range(12)]
    if any(90 < v < 165 for v in lums) or lums[10] < 165 or lums[11] > 90:
        return None
    return sum(1 << k for k in range(10) if lums[k] >= 165)


# The ticker strip: 7 % of the shorter side at the bottom (show/grid.h,
# kTickerHeight). Slide comparisons leave it out (it moves); ticker_check
# looks only at it.
TICKER_PX = round(0.07 * min(W, H))


def measure_tone(wav):
    """The tone in QEMU's WAV file (16-bit stereo, left channel): the seconds
    of it in stretches of at least 10 ms above 1 % of full scale, their pitch
    from the rising zero crossings, and their level (amplitude from the RMS)."""
    out = {"seconds": 0.0, "hz": 0.0, "level": 0.0}
    if not os.path.exists(wav):
        return out
    with open(wav, "rb") as f:
        raw = f.read()
    raw = raw[44:]  # the header (its sizes are written when QEMU stops)
    pcm = array.array("h")
    pcm.frombytes(raw[: len(raw) // 4 * 4])
    if sys.byteorder != "little":
        pcm.byteswap()
    left, rate, floor = pcm[0::2], 44100, 328
    n = rising = 0
    power = 0.0
    start = last = None  # the open stretch: its first and last loud sample
    for i, x in enumerate(list(left) + [0] * (rate // 1000 + 1)):  # (closes the last one)
        if abs(x) > floor:
            start = i if start is None else start
            last = i
        elif start is not None and i - last > rate // 1000:  # 1 ms of quiet ends it
            body = left[start:last + 1]
            if len(body) >= rate // 100:
                n += len(body)
                rising += sum(1 for a, b in zip(body, body[1:]) if a < 0 <= b)
                power += sum(float(v) * v for v in body)
            start = None
    if n:
        out = {"seconds": n / rate, "hz": rising / (n / rate), "level": math.sqrt(2 * power / n)}
    return out


class Failed(Exception):
    pass


def compare(shot, ref):
    """(fraction of differing pixels, mean channel difference)."""
    a = Image.open(shot).convert("RGB")
    b = Image.open(ref).convert("RGB")
    if a.size != b.size:
        return 1.0, 255.0
    above = (0, 0, a.size[0], a.size[1] - TICKER_PX - 4)  # the slide, without a ticker strip
    a, b = a.crop(above), b.crop(above)
    diff = ImageChops.difference(a, b)
    channels = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    hist = worst.histogram()
    n = a.size[0] * a.size[1]
    differing = sum(hist[PIXEL_TOLERANCE + 1:]) / n
    mean = sum(i * c for i, c in enumerate(hist)) / n
    return differing, mean


class Run:
    def __init__(self, args):
        self.args = args
        self.vm_dir = os.path.abspath(args.vm_dir)
        self.work = os.path.join(self.vm_dir, "run")
        shutil.rmtree(self.work, ignore_errors=True)
        self.site = os.path.join(self.work, "site")
        os.makedirs(self.site)
        self.paizi = os.path.abspath(args.paizi)
        self.report = {}
        self.shots = 0
        self.t0 = time.monotonic()

    def say(self, msg):
        print(f"board [{time.monotonic() - self.t0:6.1f} s] {msg}", flush=True)

    def check(self, name, ok, detail):
        self.say(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        self.report[name] = {"ok": ok, "detail": detail}
        if not ok:
            raise Failed(f"{name}: {detail}")

    def publish(self, playlist, name):
        """Serves `playlist` as board.json and renders its reference on the host."""
        path = os.path.join(self.site, "board.json")
        with open(path + ".tmp", "w") as f:
            json.dump(playlist, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        ref = os.path.join(self.work, f"ref-{name}.png")
        subprocess.run([self.paizi, "render", path, "--slide", "0", "--size", f"{W}x{H}", "-o", ref],
                       check=True, stdout=subprocess.DEVNULL)
        return ref

    def shot(self, label):
        self.shots += 1
        return self.board.screen(os.path.join(self.work, f"screen-{self.shots:02d}-{label}.png"))

    def wait_screen(self, ref, label, timeout):
        """Screendumps until the screen matches `ref`; returns (seconds, differing, mean)."""
        start = time.monotonic()
        while True:
            path = self.shot(label)
            differing, mean = compare(path, ref)
            if differing <= MAX_DIFFERING:
                return time.monotonic() - start, differing, mean, path
            if time.monotonic() - start > timeout:
                return None, differing, mean, path
            os.unlink(path)
            self.shots -= 1
            time.sleep(2)

    def screen_check(self, name, ref, label, timeout=90):
        took, differing, mean, path = self.wait_screen(ref, label, timeout)
        detail = (f"{differing * 100:.3f} % of pixels differ by more than {PIXEL_TOLERANCE} "
                  f"(mean {mean:.2f}) from {os.path.basename(ref)}; {os.path.basename(path)}")
        if took is None:
            detail = f"not the slide after {timeout} s: " + detail
        else:
            detail = f"after {took:.1f} s, " + detail
        self.check(name, took is not None, detail)

    # -- guest helpers -----------------------------------------------------
    def unit(self):
        out = self.board.out("systemctl show paizi -p ActiveState -p SubState -p NRestarts -p MainPID "
                             "-p ActiveEnterTimestampMonotonic -p ExecMainStartTimestampMonotonic")
        return dict(line.split("=", 1) for line in out.split())

    def wait_active(self, timeout, restarts_above=None):
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            u = self.unit()
            if u["ActiveState"] == "active" and u["SubState"] == "running" and (
                    restarts_above is None or int(u["NRestarts"]) > restarts_above):
                return u
            if u["ActiveState"] == "failed":
                break
            time.sleep(1)
        raise Failed(f"paizi.service not active (running) after {timeout} s: {self.unit()}\n"
                     + self.board.out("journalctl -u paizi --no-pager -n 40"))

    def journal(self):
        """paizi.service's journal of this boot: PRIORITY, MESSAGE and who wrote it."""
        out = self.board.out("journalctl -u paizi -b -o json --output-fields=PRIORITY,MESSAGE,_COMM,"
                             "SYSLOG_IDENTIFIER,__MONOTONIC_TIMESTAMP --no-pager")
        entries = []
        for line in out.splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if isinstance(e.get("MESSAGE"), str):
                entries.append(e)
        return entries

    def player_lines(self, entries):
        return [(int(e.get("PRIORITY", "6")), e["MESSAGE"], int(e["__MONOTONIC_TIMESTAMP"]))
                for e in entries if e.get("_COMM") == "paizi" or e.get("SYSLOG_IDENTIFIER") == "paizi"]

    def boot(self, label):
        self.board = Board(self.vm_dir, self.work, self.server.port, accel=self.args.accel)
        took = self.board.wait_agent(600)
        self.say(f"{label}: the guest agent answers {took:.1f} s after QEMU started")

    # -- the scenario ------------------------------------------------------
    def run(self):
        self.server = ContentServer(self.site)
        ref1 = self.publish(PLAYLIST_V1, "v1")
        ref2_playlist = os.path.join(self.work, "v2.json")
        try:
            self.boot("boot")
            self.service_check()
            self.screen_check("screen", ref1, "v1")
            self.metrics_check()
            # reload: the new playlist is adopted at the next slide boundary
            ref2 = self.publish(PLAYLIST_V2, "v2")
            self.board.out("systemctl reload paizi")
            self.screen_check("reload", ref2, "reloaded", timeout=60)
            self.ticker_check("ticker: scrolls on KMSDRM, the slide above it still", "kms")
            self.restart_checks(ref2)
            self.offline_reboot(ref2)
            self.security_check()
            self.no_gpu_check(ref2)
            self.negative_check(ref2)
            self.video_check()
            # A playlist update while the clip plays: adopted when the clip
            # ends (a boundary), so the board's last good playlist is the
            # still slide again for the two-display boot below.
            ref2 = self.publish(PLAYLIST_V2, "v2")
            self.board.out("systemctl reload paizi")
            self.screen_check("update during a clip: the new playlist once the clip ends", ref2,
                              "after-video", timeout=CLIP_SECONDS + 30)
            self.board.close()
            self.board = None
            self.two_displays()
        except (Failed, OSError, RuntimeError, ValueError, KeyError) as e:
            self.say(f"FAILED: {type(e).__name__}: {e}")
            self.dump_state()
            return 1
        finally:
            self.finish()
        self.say(f"all checks passed; screendumps and report in {self.work}")
        return 0

    def service_check(self):
        u = self.wait_active(300)
        entries = self.journal()
        lines = self.player_lines(entries)
        # The player's own CLOCK_MONOTONIC stamp of its first present, and
        # systemd's of the unit becoming active (READY=1), on the same clock.
        first = [re.search(r"first frame after [\d.]+ ms on (\S+) \(monotonic ([\d.]+) ms\)", m[1]) for m in lines]
        first = [f for f in first if f]
        frame_us = float(first[0].group(2)) * 1000 if first else float("nan")
        active_us = int(u["ActiveEnterTimestampMonotonic"])
        self.check("service: READY after the first frame",
                   bool(first) and frame_us <= active_us and int(u["NRestarts"]) == 0,
                   f"first frame presented at {frame_us / 1e6:.3f} s, active (running) at "
                   f"{active_us / 1e6:.3f} s after the kernel started ({first[0].group(1) if first else '?'}); "
                   f"NRestarts={u['NRestarts']}")
        backend = [m for m in lines if m[1].startswith("paizi: playing ")]
        self.check("service: on KMSDRM", bool(backend) and backend[0][1].endswith(" on KMSDRM"),
                   backend[0][1] if backend else "no 'playing ... on ...' line")
        self.report["boot_to_first_frame_s"] = round(active_us / 1e6, 2)
        start_us = int(u["ExecMainStartTimestampMonotonic"])
        self.report["start_to_first_frame_s"] = round((active_us - start_us) / 1e6, 2)
        self.say(f"boot to first frame: {active_us / 1e6:.1f} s (kernel start to READY=1; "
                 f"{(active_us - start_us) / 1e6:.1f} s from the player's exec)")

    def metrics_check(self):
        # No curl on the board: bash's /dev/tcp speaks plain HTTP/1.0.
        get = ("exec 3<>/dev/tcp/127.0.0.1/9100 && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")
        lines = []
        start = time.monotonic()
        while time.monotonic() - start < 60:
            out = self.board.out(f"bash -c \"{get}\" 2>/dev/null || true")
            lines = [x for x in out.splitlines()
                     if x.startswith(("paizi_build_info", "node_textfile_scrape_error", "paizi_playlist_info"))]
            if any(x.startswith("paizi_build_info{") for x in lines):
                break
            time.sleep(2)
        link = self.board.out("ls -l /var/lib/prometheus/node-exporter/paizi.prom /run/paizi/paizi.prom 2>&1 || true")
        self.check("metrics: node_exporter serves paizi_build_info",
                   any(x.startswith("paizi_build_info{") for x in lines) and "node_textfile_scrape_error 0" in lines,
                   "; ".join(lines) + "\n" + link.strip())

    def restart_checks(self, ref):
        u = self.unit()
        n, pid = int(u["NRestarts"]), u["MainPID"]
        self.board.out(f"kill -9 {pid}")
        u = self.wait_active(60, restarts_above=n)
        self.check("kill -9: restarted by systemd", u["MainPID"] != pid,
                   f"pid {pid} killed, pid {u['MainPID']} running, NRestarts={u['NRestarts']}")
        self.screen_check("kill -9: the slide is back", ref, "after-kill")

        n, pid = int(u["NRestarts"]), u["MainPID"]
        self.board.out(f"kill -STOP {pid}")
        stopped = time.monotonic()
        u = self.wait_active(120, restarts_above=n)
        took = time.monotonic() - stopped
        watchdog = self.board.out("journalctl -u paizi -b --no-pager -o cat | grep -c 'Watchdog timeout' || true").strip()
        self.check("watchdog: a frozen player is killed and restarted",
                   u["MainPID"] != pid and int(watchdog or 0) >= 1,
                   f"pid {pid} stopped, restarted as {u['MainPID']} after {took:.0f} s "
                   f"('Watchdog timeout' logged {watchdog} time(s); WatchdogSec=30s)")
        self.screen_check("watchdog: the slide is back", ref, "after-watchdog")

    def offline_reboot(self, ref):
        self.board.set_link(False)
        self.server.down = True  # also nothing to fetch, should the link come back early
        hits = dict(self.server.hits)
        rebooted = time.monotonic()
        boot_id_note = self.board.reboot(600)
        u = self.wait_active(300)
        self.report["offline_reboot_to_active_s"] = round(time.monotonic() - rebooted, 1)
        self.say(f"rebooted offline (boot {boot_id_note[:8]}), paizi active, NRestarts={u['NRestarts']}")
        self.screen_check("offline reboot: the last good playlist is on screen", ref, "offline")
        self.check("offline reboot: nothing reached the server", self.server.hits == hits,
                   f"requests before {hits}, after {self.server.hits}")
        lines = self.player_lines(self.journal())
        info = [m for m in lines if m[0] == 6 and "ready: first frame on screen" in m[1]]
        warn = [m for m in lines if m[0] == 4 and "playlist" in m[1]]
        self.check("journal: the player's messages at their priorities", bool(info) and bool(warn),
                   f"info (6): {info[0][1] if info else 'none'!r}; warning (4): {warn[0][1] if warn else 'none'!r}")

    def security_check(self):
        out = self.board.out("systemd-analyze security paizi.service --no-pager | tail -n 1")
        score = None
        for tok in out.split():
            try:
                score = float(tok)
                break
            except ValueError:
                continue
        self.check("security: systemd-analyze security <= 1.5", score is not None and score <= 1.5, out.strip())

    def ticker_check(self, name, label):
        """The ticker scrolls: two screendumps 0.6 s apart differ in the strip
        (text moved), the strip holds text (not one colour), and nothing above
        it changed (only the strip is redrawn)."""
        a = Image.open(self.shot(f"{label}-ticker-a")).convert("L")
        time.sleep(0.6)
        b = Image.open(self.shot(f"{label}-ticker-b")).convert("L")
        strip = (0, H - TICKER_PX + 4, W, H - 4)
        sa, sb = a.crop(strip), b.crop(strip)
        moved = sum(ImageChops.difference(sa, sb).histogram()[PIXEL_TOLERANCE + 1:]) / (sa.size[0] * sa.size[1])
        lo, hi = sa.getextrema()
        still = sum(ImageChops.difference(a.crop((0, 0, W, H - TICKER_PX - 4)),
                                          b.crop((0, 0, W, H - TICKER_PX - 4))).histogram()[PIXEL_TOLERANCE + 1:])
        self.check(name, moved > 0.005 and hi - lo > 100 and still == 0,
                   f"{moved * 100:.1f} % of the strip changed in 0.6 s, its luminance spans {lo}..{hi}, "
                   f"{still} pixels above it changed")

    def no_gpu_check(self, ref):
        # A board whose GPU stack cannot present, as the package left it before
        # it depended on Mesa: no DRI drivers, so SDL's KMSDRM cannot
        # initialise EGL (the unit crash-looped on "EGL not initialized").
        # paizi's DRM presenter must show the slide, and say why. (SDL landing
        # on its offscreen driver, the other way a board showed its console,
        # is refused the same way: tests/app/test_cli.cpp.)
        lib = "/usr/lib/x86_64-linux-gnu"
        self.board.out(f"mv {lib}/dri {lib}/dri.off && systemctl restart paizi")
        try:
            self.wait_active(120)
            lines = self.player_lines(self.journal())
            backend = [m for m in lines if m[1].startswith("paizi: playing ")]
            fallback = [m for m in lines if m[0] == 4 and "DRM presenter" in m[1]]
            self.check("no GPU stack: paizi's DRM presenter, with the reason logged",
                       bool(backend) and backend[-1][1].endswith(" on drm") and bool(fallback)
                       and "EGL" in fallback[-1][1],
                       f"{backend[-1][1] if backend else 'no playing line'}; "
                       f"warning: {fallback[-1][1] if fallback else 'none'!r}")
            self.screen_check("no GPU stack: the slide is on screen", ref, "drm-presenter")
            self.ticker_check("no GPU stack: the ticker scrolls on the DRM presenter", "drm")
        finally:
            self.board.out(f"mv {lib}/dri.off {lib}/dri")

    def negative_check(self, ref):
        # The check must be able to fail: a player started on a playlist that
        # does not exist, without a last good copy, shows its waiting screen,
        # not the slide.
        self.board.out("systemctl stop paizi && rm -rf /var/lib/private/paizi /var/cache/private/paizi && "
                       "mkdir -p /run/systemd/system/paizi.service.d && printf '[Service]\\nExecStart=\\n"
                       "ExecStart=/usr/bin/paizi play /nonexistent/playlist.json --config /etc/paizi/paizi.conf\\n' "
                       ">/run/systemd/system/paizi.service.d/missing.conf && systemctl daemon-reload && "
                       "systemctl restart paizi")
        try:
            self.wait_active(120)
            time.sleep(3)
            path = self.shot("missing-playlist")
            differing, mean = compare(path, ref)
            img = Image.open(path).convert("L")
            lit = sum(img.histogram()[17:]) / (W * H)
            self.check("negative: a missing playlist is not taken for the slide",
                       differing > MAX_DIFFERING and lit > 0.05,
                       f"the comparison says 'not the slide' ({differing * 100:.1f} % of pixels differ, "
                       f"mean {mean:.1f}); the screen is not black ({lit * 100:.0f} % of pixels lit): "
                       f"{os.path.basename(path)}")
        finally:
            self.board.out("rm -f /run/systemd/system/paizi.service.d/missing.conf && systemctl daemon-reload")

    def video_check(self):
        clip = os.path.join(self.site, "clip.mp4")
        subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                        "-i", f"testsrc2=size={W}x{H}:rate={CLIP_FPS}", "-f", "lavfi",
                        "-i", f"sine=frequency={TONE_HZ}:sample_rate=44100", "-t", str(CLIP_SECONDS),
                        "-vf", counter_filter(W), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30",
                        "-pix_fmt", "yuv420p", "-c:a", "aac", clip], check=True)
        self.publish(PLAYLIST_VIDEO, "video")
        # The host's `paizi render` of the same slide with the clip beside it
        # draws the poster (the first frame): the counter must read 0 there,
        # or the reading below reads nothing.
        local = os.path.join(self.site, "video-local.json")
        with open(local, "w") as f:
            json.dump(dict(PLAYLIST_VIDEO, slides=[dict(PLAYLIST_VIDEO["slides"][0], src="clip.mp4")]), f)
        ref = os.path.join(self.work, "ref-video-local.png")
        subprocess.run([self.paizi, "render", local, "--slide", "0", "--size", f"{W}x{H}", "-o", ref],
                       check=True, stdout=subprocess.DEVNULL)
        self.check("video: the host's poster frame reads index 0", read_counter(ref) == 0,
                   f"{read_counter(ref)} in {os.path.basename(ref)}")
        # The site's volume knob at full (alsa-restore left QEMU's Master at
        # 54 of 74, a linear gain there), so the level measured is the
        # slide's volume.
        self.board.out("amixer -q -c 0 sset Master 100% unmute")
        # Online again (offline_reboot took the link down and the server).
        self.server.down = False
        self.board.set_link(True)
        self.board.out("systemctl restart paizi")
        self.wait_active(120)
        start, seen = time.monotonic(), None
        while seen is None and time.monotonic() - start < 180:
            path = self.shot("video-wait")
            seen = read_counter(path)
            if seen is None:
                os.unlink(path)
                self.shots -= 1
                time.sleep(2)
        self.check("video: the clip is on screen", seen is not None,
                   f"after {time.monotonic() - start:.1f} s, index {seen}")
        # Frames advance at the clip's rate: two screendumps DT s apart show
        # indices about DT * fps apart (at least half of that: software
        # decoding under TCG may drop some; at most the clock allows, with
        # a second for the screendumps' own latency). A pair that straddles
        # the clip's restart is taken again.
        # The pairs start 3 s after the clip appeared: under TCG the first
        # frame stays up for a second or two while decoding starts (the
        # clip's clock runs from the cut, so the frames after it are late
        # and dropped until decoding catches up), which a pair taken at once
        # counts as frames faster than the clock.
        time.sleep(3)
        pairs = []
        for _ in range(3):
            ta = time.monotonic()
            a = read_counter(self.shot("video-a"))
            time.sleep(4)
            tb = time.monotonic()
            b = read_counter(self.shot("video-b"))
            dt = tb - ta
            pairs.append((a, b, round(dt, 2)))
            if a is not None and b is not None and b >= a:
                break
        a, b, dt = pairs[-1]
        ok = a is not None and b is not None and 0.5 * CLIP_FPS * dt <= b - a <= CLIP_FPS * (dt + 1.0)
        self.check("video: frames advance by their timestamps on KMSDRM", ok,
                   f"index {a} then {b} after {dt} s (expected {0.5 * CLIP_FPS * dt:.0f}.."
                   f"{CLIP_FPS * (dt + 1.0):.0f} more); pairs {pairs}")
        lines = self.player_lines(self.journal())
        decoder = [m[1] for m in lines if "decoding with" in m[1]]
        # The Prometheus text file (rewritten every few seconds) counts the
        # clip's frames and names its decoder.
        metrics, start = {}, time.monotonic()
        while float(metrics.get("paizi_video_frames_total", 0)) < 20 and time.monotonic() - start < 60:
            metrics = {}
            for line in self.board.out("cat /run/paizi/paizi.prom 2>/dev/null || true").splitlines():
                if line.startswith("paizi_video_"):
                    name, _, value = line.rpartition(" ")
                    metrics[name] = value
            time.sleep(2)
        info = [k for k in metrics if k.startswith("paizi_video_decoder_info")]
        self.check("video: software decoding, said in the journal and the metrics",
                   bool(decoder) and "software" in decoder[-1] and float(metrics.get("paizi_video_frames_total", 0)) >= 20
                   and any('decoder="h264 (software)"' in k for k in info),
                   f"{decoder[-1] if decoder else 'no decoder line'}; {info}; video frames "
                   f"{metrics.get('paizi_video_frames_total')}, dropped {metrics.get('paizi_video_frames_dropped_total')}")
        self.sound_check()

    def sound_check(self):
        """The clip's sound came out of the board's sound card as the service
        played it (the shipped unit's sandbox allows ALSA): QEMU's WAV file
        holds the tone at its pitch and at the slide's volume. Under TCG the
        frame loop is slow and the device may run dry between frames, so the
        tone comes in stretches; those are measured."""
        sound = [m[1] for m in self.player_lines(self.journal()) if "sound through" in m[1]]
        start, tone = time.monotonic(), None
        # How much comes out depends on how fast TCG runs the frame loop
        # (3.9, 2.1 and 0.4 s of stretches in three runs): what is asked is
        # that the tone is there (silence, a muted mixer or a blocked device
        # give none), at its pitch (resampling) and level (the volume); a
        # tenth of a second is 100 cycles of it.
        while time.monotonic() - start < 60:
            tone = measure_tone(self.board.sound_path)
            if tone["seconds"] >= 0.1:
                break
            time.sleep(3)
        self.report["sound"] = tone
        self.check("sound: the clip's tone from the sound card, at its pitch and volume",
                   bool(sound) and tone["seconds"] >= 0.1 and abs(tone["hz"] - TONE_HZ) <= 0.03 * TONE_HZ
                   and abs(tone["level"] - TONE_LEVEL) <= 0.25 * TONE_LEVEL,
                   f"{sound[-1] if sound else 'no sound line'}; {tone['seconds']:.1f} s of tone in stretches "
                   f"of 10 ms or more, {tone['hz']:.0f} Hz, level {tone['level']:.0f} "
                   f"(expected {TONE_HZ} Hz, {TONE_LEVEL:.0f})")

    def two_displays(self):
        # QEMU's default VGA card as well as the virtio GPU: two DRM devices,
        # as on boards whose display controller and GPU are separate cards.
        # Without Mesa the unit crash-looped here on "EGL not initialized".
        # The board boots with the still slide of board.json (published and
        # on screen before the board was shut down) as its last good
        # playlist: a clip here would never match a reference.
        self.server.down = False
        self.board = Board(self.vm_dir, self.work, self.server.port, accel=self.args.accel,
                           extra_devices=["-device", "VGA,id=vga0"])
        self.board.wait_agent(600)
        u = self.wait_active(300)
        lines = self.player_lines(self.journal())
        backend = [m for m in lines if m[1].startswith("paizi: playing ")]
        shown = []
        start = time.monotonic()
        while not shown and time.monotonic() - start < 60:
            for dev in ("vga0", "gpu0"):
                path = self.board.screen(os.path.join(self.work, f"screen-two-displays-{dev}.png"), device=dev)
                w, h = Image.open(path).size
                ref = os.path.join(self.work, f"ref-v2-{w}x{h}.png")
                if not os.path.exists(ref):
                    subprocess.run([self.paizi, "render", os.path.join(self.site, "board.json"), "--slide", "0",
                                    "--size", f"{w}x{h}", "-o", ref], check=True, stdout=subprocess.DEVNULL)
                differing, mean = compare(path, ref)
                if differing <= MAX_DIFFERING:
                    shown.append(f"{dev} ({w}x{h}, {differing * 100:.3f} % differ)")
            if not shown:
                time.sleep(2)
        self.check("two display devices: no crash loop, the slide on one of them",
                   int(u["NRestarts"]) == 0 and len(shown) == 1,
                   f"NRestarts={u['NRestarts']}; {backend[-1][1] if backend else 'no playing line'}; "
                   f"the slide on {', '.join(shown) or 'neither'}")

    def dump_state(self):
        try:
            self.shot("at-failure")
            self.say("journal of paizi.service:\n" + self.board.out("journalctl -u paizi -b --no-pager -n 60"))
        except Exception as e:  # the guest may be the problem
            self.say(f"(no guest state: {e})\nserial console:\n{self.board.serial_tail()}")

    def finish(self):
        if getattr(self, "board", None):
            self.board.close()
        self.server.close()
        with open(os.path.join(self.work, "report.json"), "w") as f:
            json.dump(self.report, f, ensure_ascii=False, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vm-dir", default="build-vm")
    ap.add_argument("--paizi", default="build/paizi")
    ap.add_argument("--accel", default=os.environ.get("PAIZI_VM_ACCEL", "tcg"))
    args = ap.parse_args()
    return Run(args).run()


if __name__ == "__main__":
    sys.exit(main())
