#!/usr/bin/env python3
"""Hostile-server suite: `paizi feed URL` against every case of
hostile_server.py, twice.

usage: hostile_suite.py [--sanitized] PAIZI_BINARY [CASE...]
--sanitized: the binary is an ASan/UBSan build; time and memory limits x3
(shadow memory and the allocator's quarantine are not the program's).

Pass 1 (no state directory): every case must end in bounded time and memory
with either a feed (exit 0) or exactly one error line with a reason (exit 1);
never a signal, a sanitizer report or a hang.
Pass 2 (state directory primed with a good copy of every case): every case
must still print the last good items (the show goes on), and say once why
the fresh copy was not used -- except the cases whose hostile answer is
itself a usable feed (HOSTILE_BUT_USABLE), which may print new items.

Limits per run: TIME_LIMIT_S wall time beyond the client's own --timeout,
RSS_LIMIT_MB peak RSS of the child (getrusage via os.wait4). One log line
per case and pass: NAME  exit  seconds  peak-MB  reason.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CASES = [
    "drip-body", "drip-headers", "silent", "endless-body", "length-too-long", "length-too-short",
    "length-garbage", "reset-at-once", "reset-mid-body", "redirect-loop", "redirect-pingpong",
    "redirect-file", "redirect-gopher", "giant-header", "many-headers", "continue-storm", "not-http",
    "bad-chunks", "invalid-utf8", "deep-xml", "deep-json", "billion-laughs", "many-items", "gzip-bomb",
    "gzip-garbage", "html-not-feed", "status-500",
]
# Hostile answers that still hold a feed with items: printing them (instead
# of the last good copy) is correct, as long as the output is valid UTF-8.
# (deep-json is a valid JSON Feed whose items are all arrays, i.e. no items:
# not content, so the last good copy is shown.)
HOSTILE_BUT_USABLE = {"length-too-short", "invalid-utf8", "many-items", "continue-storm", "billion-laughs",
                      "length-garbage"}
CLIENT_TIMEOUT_S = 3      # paizi feed --timeout
TIME_LIMIT_S = CLIENT_TIMEOUT_S + 7
RSS_LIMIT_MB = 200        # the body cap is 16 MiB; the parsers must not blow that up
HARD_KILL_S = 60


def start_server(tmp):
    port_file = os.path.join(tmp, "port")
    here = os.path.dirname(os.path.abspath(__file__))
    server = subprocess.Popen([sys.executable, os.path.join(here, "hostile_server.py"), port_file])
    for _ in range(1200):  # the gzip bomb is built first: seconds on a loaded machine
        if os.path.exists(port_file):
            with open(port_file) as f:
                return server, int(f.read())
        time.sleep(0.05)
    server.kill()
    raise SystemExit("hostile server did not start")


def run(paizi, url, state_dir, tmp):
    """Runs paizi feed; returns (status, seconds, peak_mb, stdout, stderr)."""
    args = [paizi, "feed", url, "--timeout", str(CLIENT_TIMEOUT_S), "--connect-timeout", "2"]
    if state_dir:
        args += ["--state-dir", state_dir]
    out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=dict(os.environ, LC_ALL="C.UTF-8"))
        killer = threading.Timer(HARD_KILL_S, lambda: os.kill(proc.pid, signal.SIGKILL))
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    return proc.returncode, seconds, usage.ru_maxrss / 1024.0, stdout, stderr


def check(name, primed, result):
    """Returns a list of problems (empty = the case passed) and the reason logged."""
    code, seconds, peak_mb, stdout, stderr = result
    problems = []
    try:
        out_text, err_text = stdout.decode("utf-8"), stderr.decode("utf-8")
    except UnicodeDecodeError:
        return ["output is not valid UTF-8"], ""
    err_lines = [l for l in err_text.splitlines() if l.strip()]
    reason = err_lines[0] if err_lines else "(fresh content)"
    if code < 0:
        problems.append(f"killed by signal {-code}")
    elif code not in (0, 1):
        problems.append(f"exit code {code}")
    if any("Sanitizer" in l or "runtime error" in l for l in err_lines):
        problems.append("sanitizer report")
    if seconds > TIME_LIMIT_S:
        problems.append(f"took {seconds:.1f} s (limit {TIME_LIMIT_S} s)")
    if peak_mb > RSS_LIMIT_MB:
        problems.append(f"peak RSS {peak_mb:.0f} MB (limit {RSS_LIMIT_MB} MB)")
    if len(err_lines) > 2:
        problems.append(f"{len(err_lines)} lines on stderr (one reason expected)")
    if "root:" in out_text:
        problems.append("a redirect read a local file")
    if code == 1 and not err_lines:
        problems.append("failed without a reason")
    if primed:
        showing_good = f"good {name}" in out_text or "最后一次好的条目" in out_text
        if code != 0:
            problems.append("no content although a last good copy exists")
        elif not showing_good and name not in HOSTILE_BUT_USABLE:
            problems.append("did not show the last good copy")
        elif showing_good and not err_lines:
            problems.append("showed the last good copy without saying why")
    return problems, reason


def main():
    global TIME_LIMIT_S, RSS_LIMIT_MB
    argv = sys.argv[1:]
    if argv and argv[0] == "--sanitized":
        argv = argv[1:]
        TIME_LIMIT_S, RSS_LIMIT_MB = TIME_LIMIT_S * 3, RSS_LIMIT_MB * 3
    if not argv:
        raise SystemExit(__doc__)
    paizi = os.path.abspath(argv[0])
    cases = argv[1:] or CASES
    tmp = tempfile.mkdtemp(prefix="paizi-hostile-")
    server, port = start_server(tmp)
    base = f"http://127.0.0.1:{port}"
    failed = 0
    started = time.monotonic()
    try:
        state = os.path.join(tmp, "state")
        urllib.request.urlopen(f"{base}/control?prime=1").read()
        for name in cases:  # pass 0: cache a good copy of every case
            code, *_ = run(paizi, f"{base}/case/{name}", state, tmp)
            if code != 0:
                print(f"priming {name}: exit {code}")
                failed += 1
        urllib.request.urlopen(f"{base}/control?prime=0").read()
        for primed in (False, True):
            print(f"--- pass {'2: last good copy in the state directory' if primed else '1: no state directory'}")
            for name in cases:
                result = run(paizi, f"{base}/case/{name}", state if primed else None, tmp)
                problems, reason = check(name, primed, result)
                code, seconds, peak_mb = result[0], result[1], result[2]
                verdict = "ok  " if not problems else "FAIL"
                print(f"{verdict} {name:18s} exit={code:<3d} {seconds:5.1f}s {peak_mb:6.1f}MB  {reason[:110]}")
                for p in problems:
                    print(f"       problem: {p}")
                failed += bool(problems)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"hostile suite: {len(cases)} cases x 2 passes in {time.monotonic() - started:.0f} s, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
