#!/usr/bin/env python3
"""Pinned images against a hostile file server (issue 26): `paizi play` of a
signed local playlist (`paizi sign` pins its images) whose images are then
tampered with.

usage: hostile_pins.py [--sanitized] PAIZI_BINARY

Cases (one player process; it must never exit or crash):
  mismatch: an image replaced after signing by another valid PNG. Its slide
     is left out with an integrity failure (status.json playlist.integrity,
     counters.integrity_failures, one log line), the other slides play.
  growing: a pinned image that keeps growing while the player runs (a copy
     that never ends, the writer holding it open). Its slide is left out
     with a reason, the player stays responsive (status.json keeps being
     rewritten as slides change) and its peak RSS stays under RSS_LIMIT_MB.
  restore: the right bytes are put back: both slides return.
--sanitized: an ASan/UBSan build; time x3, RSS x4.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_player  # noqa: E402
from hostile_player import status, vm_hwm_mb, wait_for  # noqa: E402

RSS_LIMIT_MB = 300
GROW_LIMIT_MB = 160  # the writer stops here (2.5x the player's 64 MiB image cap)

# 8x8 PNGs, one colour each (zlib-compressed IDAT), built without PIL.
def png(rgb):
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def incomplete(st):
    return (st or {}).get("playlist", {}).get("incomplete") or ""


def main():
    global RSS_LIMIT_MB
    args = sys.argv[1:]
    slack = 1.0
    if args and args[0] == "--sanitized":
        slack, RSS_LIMIT_MB = 3.0, RSS_LIMIT_MB * 4
        hostile_player.SLACK = slack
        args = args[1:]
    paizi = os.path.abspath(args[0])
    tmp = tempfile.mkdtemp(prefix="paizi-pins-")
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            failures.append(what)
        return ok

    site, state = os.path.join(tmp, "site"), os.path.join(tmp, "state")
    os.makedirs(site)
    red, green, blue = png((255, 0, 0)), png((0, 255, 0)), png((0, 0, 255))
    for name, data in (("a.png", red), ("g.png", green)):
        with open(os.path.join(site, name), "wb") as f:
            f.write(data)
    pl = os.path.join(site, "pl.json")
    with open(pl, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "transition": {"type": "cut"}, "slides": [
            {"id": "s", "type": "slogan", "duration": "400ms", "lines": ["欢迎"]},
            {"id": "a", "type": "image", "duration": "400ms", "image": "a.png"},
            {"id": "g", "type": "image", "duration": "400ms", "image": "g.png"}]}, f, indent=1)
    key = os.path.join(tmp, "k")
    subprocess.run([paizi, "keygen", key], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([paizi, "sign", pl, "--key", key + ".key"], check=True, stdout=subprocess.DEVNULL)
    check(open(pl, encoding="utf-8").read().count("image_sha256") == 2, "paizi sign pinned both images")

    # The tampering happens before the player starts: a new screen meets it.
    with open(os.path.join(site, "a.png"), "wb") as f:
        f.write(blue)
    stop = threading.Event()
    grow_path = os.path.join(site, "g.png")

    def grow():
        chunk = b"\0" * (256 << 10)
        with open(grow_path, "ab") as f:
            while not stop.is_set() and f.tell() < GROW_LIMIT_MB << 20:
                f.write(chunk)
                f.flush()
                time.sleep(0.01)
    writer = threading.Thread(target=grow)
    writer.start()

    err = open(os.path.join(tmp, "player.err"), "w+")
    player = subprocess.Popen([paizi, "play", pl, "--headless", "--realtime", "--poll", "500ms", "--pubkey",
                               key + ".pub", "--state-dir", state, "--status-every", "0", "--window", "160x90"],
                              stdout=subprocess.DEVNULL, stderr=err,
                              env=dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy"))
    try:
        st = wait_for(lambda: (lambda s: s if s and s["counters"].get("integrity_failures", 0) >= 1 and
                               "slides a, g" in incomplete(s) else None)(status(state)), 20)
        check(st is not None, "mismatch and growing file: both slides left out, integrity failure counted: " +
              incomplete(status(state)))
        st = status(state) or {}
        check("integrity failure" in (st.get("playlist", {}).get("integrity") or ""),
              "status.json playlist.integrity names the failure")
        # Still playing (slide changes rewrite status.json) while the file grows.
        seen = set()
        end = time.monotonic() + 3 * slack
        while time.monotonic() < end and player.poll() is None:
            s = status(state)
            if s:
                seen.add(s["slide"]["id"])
            time.sleep(0.05)
        check(player.poll() is None, "the player is running")
        check(seen == {"s"}, f"only the slogan plays meanwhile: {sorted(seen)}")
        hwm = vm_hwm_mb(player.pid)
        check(hwm < RSS_LIMIT_MB, f"peak RSS {hwm:.0f} MB < {RSS_LIMIT_MB} MB")
        # Restored: the writer stops, the right bytes are put back (written
        # whole and renamed in, as a deploy would).
        stop.set()
        writer.join()
        for name, data in (("a.png", red), ("g.png", green)):
            tmpf = os.path.join(site, "." + name)
            with open(tmpf, "wb") as f:
                f.write(data)
            os.replace(tmpf, os.path.join(site, name))
        check(wait_for(lambda: (lambda s: s and not incomplete(s) and
                                not s["playlist"].get("integrity"))(status(state)), 15) is not None,
              "restored: nothing left out, no integrity failure")
        seen = set()
        end = time.monotonic() + 3 * slack
        while time.monotonic() < end:
            s = status(state)
            if s:
                seen.add(s["slide"]["id"])
            time.sleep(0.05)
        check(seen == {"s", "a", "g"}, f"every slide plays again: {sorted(seen)}")
        check(player.poll() is None, "the player is still running")
    finally:
        stop.set()
        writer.join()
        player.kill()
        player.wait()
        err.seek(0)
        log = err.read()
        err.close()
    check(log.count("integrity failure") >= 1, "the integrity failure is logged")
    if failures:
        print(log[-4000:])
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
