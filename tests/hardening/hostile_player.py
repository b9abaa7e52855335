#!/usr/bin/env python3
"""Hostile-server suite against the real player: `paizi play URL --headless
--realtime` fed by hostile_server.py (its /pl playlist names every case as a
feed source with a news slide of its own).

usage: hostile_player.py [--sanitized] PAIZI_BINARY

Phases (one player process throughout; it must never exit or crash):
  1. warm-up: good playlist, good feeds; a reference screenshot per slide.
  2. quiet: nothing changes on the server for QUIET_S; the state directory
     must see no write at all (every file's inode, size and mtime kept;
     status.json lives in --runtime-dir, tmpfs under systemd).
  3. playlist faults: /pl misbehaves as each case in turn until the player
     has retried at least once, then is repaired. Each fault is logged
     exactly once with a reason (plus one "fetched again"), the playlist on
     screen stays (status.json sha256, slide ids of new screenshots).
  4. churn: new playlist versions, each with a new ~200 KB image, under a
     1 MiB disk budget (--cache-mib 1): the state directory stays under it.
  5. feed faults: every /case/NAME misbehaves at once until each has been
     fetched at least 3 times. Each source is logged once with a reason;
     every news slide shown meanwhile is identical to its reference
     screenshot (the last good copy), except where the hostile answer is
     itself a usable feed (hostile_suite.HOSTILE_BUT_USABLE). The KPI source
     meanwhile answers with each of hostile_server.KPI_CASES in turn: one
     line with a reason, and its slide keeps the last good figures.
Throughout: peak RSS (VmHWM) under RSS_LIMIT_MB.
--sanitized: an ASan/UBSan build; time x3, RSS x4, the playlist phase runs a
subset of the cases (one of each kind) and feeds are fetched twice, not
three times, to keep CI time in check.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_server import KPI_CASES  # noqa: E402
from hostile_suite import CASES, HOSTILE_BUT_USABLE, start_server  # noqa: E402

# A subset with one case of each kind (timeout, transport, size, parser).
SANITIZED_PLAYLIST_CASES = ["drip-headers", "length-too-long", "reset-at-once", "redirect-loop",
                            "giant-header", "not-http", "deep-json", "gzip-bomb", "status-500"]
QUIET_S = 3.0
CACHE_MIB = 1
RSS_LIMIT_MB = 300  # many-items: a 15 MB feed parsed to a libxml2 tree (docs/hardening.md)
SLACK = 1.0         # time multiplier (x3 under the sanitizers)
FEED_TRIES = 3      # requests per feed case in phase 5 (2 under the sanitizers: the first and a retry)


class Failures(list):
    def check(self, ok, what):
        if not ok:
            self.append(what)
            print(f"FAIL {what}", flush=True)
        return ok


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.read()


def wait_for(pred, limit_s, step=0.05):
    end = time.monotonic() + limit_s * SLACK
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None


def status(run_dir):
    try:
        with open(os.path.join(run_dir, "status.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def failures_of(st):
    return st["counters"]["failed"] + st["counters"]["rejected"]


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def tree(d):
    """path -> (inode, size, mtime_ns) of every file and directory under d."""
    out = {}
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            try:
                s = os.lstat(p)
            except OSError:
                continue
            out[os.path.relpath(p, d)] = (s.st_ino, s.st_size, s.st_mtime_ns)
    return out


def du(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def shots(d, since_ns=0):
    """[(mtime_ns, slide_id, path)] of screenshots newer than since_ns, oldest first."""
    out = []
    for n in os.listdir(d) if os.path.isdir(d) else []:
        p = os.path.join(d, n)
        try:
            m = os.stat(p).st_mtime_ns
        except OSError:
            continue
        if n.endswith(".png") and m > since_ns:
            out.append((m, n[9:n.rfind("-p")], p))
    return sorted(out)


def read(p):
    with open(p, "rb") as f:
        return f.read()


class Log:
    """The player's stderr; lines since a mark."""
    def __init__(self, path):
        self.path, self.pos = path, 0

    def mark(self):
        self.pos = os.path.getsize(self.path)

    def since(self):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            return [l for l in f.read().decode("utf-8", "replace").splitlines() if l.strip()]


def main():
    global SLACK, RSS_LIMIT_MB, FEED_TRIES
    argv = sys.argv[1:]
    sanitized = bool(argv) and argv[0] == "--sanitized"
    if sanitized:
        argv = argv[1:]
        # ASan's shadow memory and quarantine: 805 MB measured at the end.
        SLACK, RSS_LIMIT_MB, FEED_TRIES = 3.0, RSS_LIMIT_MB * 4, 2
    if not argv:
        raise SystemExit(__doc__)
    paizi = os.path.abspath(argv[0])
    tmp = tempfile.mkdtemp(prefix="paizi-hostile-player-")
    state, run_dir, shot_dir = (os.path.join(tmp, d) for d in ("state", "run", "shots"))
    server, port = start_server(tmp)
    base = f"http://127.0.0.1:{port}"
    fails = Failures()
    started = time.monotonic()
    player = None
    err_path = os.path.join(tmp, "player.err")
    try:
        get(base, "/control?prime=1&pl=good&version=1&cases=" + ",".join(CASES))
        args = [paizi, "play", base + "/pl", "--headless", "--realtime", "--window", "320x180",
                "--poll", "300ms", "--fetch-timeout", "1s", "--max-playlist-bytes", "1100000",  # deep-json (1 MB) gets parsed
                "--state-dir", state, "--runtime-dir", run_dir, "--screenshots", shot_dir,
                "--status-every", "0", "--cache-mib", str(CACHE_MIB), "--config", "/dev/null"]
        with open(err_path, "wb") as err, open(os.path.join(tmp, "player.out"), "wb") as out:
            player = subprocess.Popen(args, stdout=out, stderr=err, env=dict(os.environ, LC_ALL="C.UTF-8"))
        log = Log(err_path)

        def alive():
            return fails.check(player.poll() is None, f"player exited ({player.returncode})")

        # 1. warm-up: every slide on screen once with good content.
        slide_ids = {"s-good", "img", "k-kpi"} | {f"n-{c}" for c in CASES}
        t0 = time.monotonic()
        ok = wait_for(lambda: slide_ids <= {s[1] for s in shots(shot_dir)}, 30)
        if not fails.check(ok and alive(), "warm-up: every slide shown"):
            return 1
        # References from a second cycle: every source has been fetched by then.
        mark = time.time_ns()
        ok = wait_for(lambda: slide_ids <= {s[1] for s in shots(shot_dir, mark)}, 30)
        fails.check(bool(ok), "warm-up: a second cycle of slides")
        ref = {sid: read(p) for _, sid, p in shots(shot_dir, mark)}
        st = status(run_dir)
        good_sha = st["playlist"]["sha256"]
        hwm0 = vm_hwm_mb(player.pid)
        print(f"warm-up: {len(ref)} slides in {time.monotonic() - t0:.1f} s, VmHWM {hwm0:.0f} MB", flush=True)

        # 2. quiet: no write under the state directory.
        before = tree(state)
        checks0 = st["counters"]["checks"]
        time.sleep(QUIET_S)
        after = tree(state)
        st = status(run_dir)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        fails.check(not changed, f"quiet: state directory written: {changed[:5]}")
        fails.check(st["counters"]["checks"] > checks0 + 2, "quiet: the playlist was polled")
        print(f"quiet: {QUIET_S:.0f} s, {st['counters']['checks'] - checks0} playlist checks, "
              f"{len(after)} entries under the state dir, {len(changed)} changed", flush=True)

        # 3. playlist faults, one at a time.
        t0 = time.monotonic()
        printed, recoveries = set(), 0
        for name in (SANITIZED_PLAYLIST_CASES if sanitized else CASES):
            st = status(run_dir)
            f0 = failures_of(st)
            log.mark()
            since = time.time_ns()
            get(base, "/control?pl=" + name)
            # Failing, and retried at least once (a log line per retry would show).
            got = wait_for(lambda: (s := status(run_dir)) and failures_of(s) >= f0 + 2 and s, 15)
            if not fails.check(bool(got), f"playlist {name}: no failed retry within 15 s"):
                get(base, "/control?pl=good")
                continue
            fails.check(got["playlist"]["sha256"] == good_sha, f"playlist {name}: the playlist on screen changed")
            get(base, "/control?pl=good")
            back = wait_for(lambda: (s := status(run_dir)) and s["sync"]["ok"] and s, 15)
            fails.check(bool(back), f"playlist {name}: not fetched again after the repair")
            time.sleep(0.1)
            lines = log.since()
            warn = [l for l in lines if "playlist" in l and "stays" in l]
            again = [l for l in lines if "playlist: fetched again" in l]
            recoveries += len(again)
            # One line; none only when the logger's rate limit held back the
            # very same line printed for an earlier case (at most 5 a minute).
            repeat = got["sync"]["error"] in printed
            fails.check(len(warn) == 1 or (not warn and repeat),
                        f"playlist {name}: {len(warn)} fault lines (one expected): {warn[:3]}")
            fails.check(len(again) <= 1, f"playlist {name}: {len(again)} recovery lines (at most one expected)")
            printed.update(l.split("paizi: ", 1)[-1].rsplit(" (the playlist", 1)[0] for l in warn)
            new = [s[1] for s in shots(shot_dir, since)]
            fails.check(all(s in slide_ids for s in new), f"playlist {name}: unexpected slides {new[:3]}")
            fails.check(alive(), f"playlist {name}: player alive")
            reason = warn[0].split("paizi: ", 1)[-1] if warn else "(same line as before, rate-limited)"
            print(f"ok   playlist {name:18s} {got['counters']['failed'] + got['counters']['rejected'] - f0} failed "
                  f"checks, {vm_hwm_mb(player.pid):5.0f} MB  {reason[:100]}", flush=True)
        fails.check(recoveries > 0, "playlist: no recovery logged")
        print(f"playlist faults: {time.monotonic() - t0:.1f} s, {recoveries} recoveries logged", flush=True)

        # 4. churn: new playlists with new images under the disk budget.
        t0 = time.monotonic()
        budget = CACHE_MIB << 20
        peak = 0
        for v in range(2, 8):
            get(base, f"/control?version={v}")
            want = f"good v{v}"
            fails.check(bool(wait_for(lambda: (s := status(run_dir)) and s["playlist"]["name"] == want, 15)),
                        f"churn: v{v} not adopted")
            peak = max(peak, du(state))
        evictions = status(run_dir)["counters"]["asset_evictions"]
        fails.check(peak <= budget, f"churn: state directory {peak} bytes over the budget {budget}")
        fails.check(evictions > 0, "churn: no asset evicted")
        print(f"churn: 6 playlists with new images in {time.monotonic() - t0:.1f} s; state dir peak {peak} bytes "
              f"(budget {budget}), {evictions} asset evictions", flush=True)
        good_sha = status(run_dir)["playlist"]["sha256"]

        # 5. feed faults, all at once.
        t0 = time.monotonic()
        log.mark()
        since = time.time_ns()
        get(base, "/control?prime=0")
        hits = wait_for(lambda: (h := json.loads(get(base, "/hits"))) and all(h.get(c, 0) >= FEED_TRIES for c in CASES)
                        and h.get("kpi", 0) > len(KPI_CASES) and h, 90)
        fails.check(bool(hits), f"feed faults: every case fetched {FEED_TRIES} times, every KPI case once")
        time.sleep(0.5)
        lines = log.since()
        seen = shots(shot_dir, since)
        for name in CASES:
            mine = [l for l in lines if f"source {name}: " in l]
            usable = name in HOSTILE_BUT_USABLE
            if usable:
                fails.check(len(mine) <= 1, f"feed {name}: {len(mine)} lines (at most one expected)")
            else:
                fails.check(len(mine) == 1, f"feed {name}: {len(mine)} lines (one expected): {mine[:3]}")
            frames = [p for _, sid, p in seen if sid == f"n-{name}"]
            fails.check(bool(frames), f"feed {name}: its slide was not shown during the fault")
            if not usable:
                same = all(read(p) == ref[f"n-{name}"] for p in frames)
                fails.check(same, f"feed {name}: the slide differs from the last good one")
            reason = mine[0].split(": ", 2)[-1] if mine else "(hostile answer used)"
            print(f"ok   feed     {name:18s} {hits.get(name, 0) if hits else 0:3d} requests, {len(frames)} frames  "
                  f"{reason[:100]}", flush=True)
        # The KPI source failed in every way in turn: one line (the reason
        # changing from try to try is not news), and the slide kept its figures.
        mine = [l for l in lines if "source kpi: " in l]
        fails.check(len(mine) == 1, f"kpi: {len(mine)} lines (one expected): {mine[:3]}")
        frames = [p for _, sid, p in seen if sid == "k-kpi"]
        fails.check(bool(frames), "kpi: its slide was not shown during the faults")
        fails.check(all(read(p) == ref["k-kpi"] for p in frames), "kpi: the slide differs from the last good one")
        print(f"ok   kpi      {len(KPI_CASES)} cases      {hits.get('kpi', 0) if hits else 0:3d} requests, "
              f"{len(frames)} frames  {(mine[0].split(': ', 2)[-1] if mine else '')[:100]}", flush=True)
        fails.check(status(run_dir)["playlist"]["sha256"] == good_sha, "feed faults: the playlist changed")
        fails.check(alive(), "feed faults: player alive")
        print(f"feed faults: {time.monotonic() - t0:.1f} s, state dir {du(state)} bytes", flush=True)

        hwm = vm_hwm_mb(player.pid)
        fails.check(hwm <= RSS_LIMIT_MB, f"peak RSS {hwm:.0f} MB over {RSS_LIMIT_MB} MB")
        print(f"VmHWM: {hwm0:.0f} MB after warm-up, {hwm:.0f} MB at the end (limit {RSS_LIMIT_MB} MB)")
        sanitizer = [l for l in log.since() if "Sanitizer" in l or "runtime error" in l]
        fails.check(not sanitizer, f"sanitizer report: {sanitizer[:2]}")
    finally:
        if player and player.poll() is None:
            player.terminate()
            try:
                player.wait(10 * SLACK)
            except subprocess.TimeoutExpired:
                player.kill()
                player.wait()
        if player is not None:
            with open(err_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            if any("Sanitizer" in l or "runtime error" in l for l in text.splitlines()):
                fails.append("sanitizer report at exit")
                print(text[-4000:])
        server.kill()
        server.wait()
        if fails:
            print(f"player log kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"hostile player suite: {time.monotonic() - started:.0f} s, {len(fails)} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
