#!/usr/bin/env python3
"""Measurements for bench/player/run.sh (issue 5); see docs/bench-player.md.

Subcommands (each prints one JSON object on stdout):
  wall    --rounds N --warmup N NAME=CMD ...   interleaved wall time, medians
  treemem --interval-ms MS --runs N NAME=CMD ...
                                               peak memory of a process tree
  startup --runs N CMD                         exec to "paizi: first frame" line
  cpu     --settle S --window S CMD            utime+stime of CMD over a window

CMD is one shell-free command line, split on spaces (no quoting needed for the
commands run.sh builds). Every NAME=CMD may contain the token {tmp}: a fresh
empty directory made before each run (not timed) and removed after it, e.g. a
new Chromium --user-data-dir per run.
"""
import ctypes
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")


def split_named(args):
    out = []
    for a in args:
        name, _, cmd = a.partition("=")
        out.append((name, cmd.split()))
    return out


def with_tmp(cmd):
    tmp = tempfile.mkdtemp(prefix="paizi-bench-")
    return [c.replace("{tmp}", tmp) for c in cmd], tmp


def run_quiet(cmd):
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"measure: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-800:]}")


def wall(opts, named):
    """Each round runs every command once, the order rotating; medians."""
    times = {n: [] for n, _ in named}
    cpus = {n: [] for n, _ in named}
    for i in range(opts["warmup"] + opts["rounds"]):
        k = i % len(named)
        for name, cmd in named[k:] + named[:k]:
            argv, tmp = with_tmp(cmd)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            run_quiet(argv)
            dt = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            shutil.rmtree(tmp, ignore_errors=True)
            if i >= opts["warmup"]:
                times[name].append(dt * 1000)
                # user + system time of the command and its waited-for descendants
                cpus[name].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    return {n: {"median_ms": statistics.median(v), "min_ms": min(v), "max_ms": max(v), "runs": len(v),
                "cpu_median_ms": statistics.median(cpus[n])}
            for n, v in times.items()}


def descendants(root):
    """PIDs below `root` (scan of /proc/*/stat: this kernel has no /proc/PID/task/TID/children)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def rollup(pid):
    """(Rss, Pss) of one process in KiB from /proc/PID/smaps_rollup; (0, 0) if gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            t = f.read()
    except OSError:
        return 0, 0
    rss = re.search(r"^Rss:\s+(\d+)", t, re.M)
    pss = re.search(r"^Pss:\s+(\d+)", t, re.M)
    return (int(rss.group(1)) if rss else 0), (int(pss.group(1)) if pss else 0)


def treemem_once(cmd, interval):
    """Runs cmd; samples the whole tree (this process is a child subreaper, so
    daemonised helpers stay in it) until no descendant is left."""
    me = os.getpid()
    argv, tmp = with_tmp(cmd)
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = procs = samples = 0
    gaps = []
    last = time.perf_counter()
    deadline = None
    while True:
        pids = descendants(me)
        if not pids:
            break
        rss = pss = 0
        for pid in pids:
            r, s = rollup(pid)
            rss += r
            pss += s
        peak_pss, peak_rss, procs = max(peak_pss, pss), max(peak_rss, rss), max(procs, len(pids))
        samples += 1
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        if p.poll() is not None:  # main process gone: reap orphans, give them 5 s
            deadline = deadline or now + 5
            try:
                while os.waitpid(-1, os.WNOHANG)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            if now > deadline:
                break
        time.sleep(interval)
    shutil.rmtree(tmp, ignore_errors=True)
    if p.returncode:
        sys.exit(f"measure: {' '.join(argv)} failed ({p.returncode})")
    return {"peak_pss_kib": peak_pss, "peak_rss_sum_kib": peak_rss, "max_procs": procs, "samples": samples,
            "median_sample_ms": statistics.median(gaps) * 1000 if gaps else 0}


def treemem(opts, named):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    out = {}
    for name, cmd in named:
        runs = [treemem_once(cmd, opts["interval_ms"] / 1000) for _ in range(opts["runs"])]
        best = max(runs, key=lambda r: r["peak_pss_kib"])
        best["runs"] = len(runs)
        best["peak_pss_kib_median"] = statistics.median(r["peak_pss_kib"] for r in runs)
        out[name] = best
    return out


def startup(opts, cmd):
    """Time from just before fork/exec to the monotonic timestamp paizi prints
    with its first presented frame (--verbose)."""
    vals, inner, backend = [], [], "?"
    for _ in range(opts["runs"]):
        t0 = time.clock_gettime(time.CLOCK_MONOTONIC) * 1000
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r"first frame after ([\d.]+) ms on (\S+) \(monotonic ([\d.]+) ms\)", r.stderr)
        if r.returncode or not m:
            sys.exit(f"measure: {' '.join(cmd)}: no first-frame line ({r.returncode}): {r.stderr[-800:]}")
        vals.append(float(m.group(3)) - t0)
        backend = m.group(2)
        inner.append(float(m.group(1)))
    return {"median_ms": statistics.median(vals), "min_ms": min(vals), "max_ms": max(vals), "runs": len(vals),
            "in_process_median_ms": statistics.median(inner), "backend": backend}


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rfind(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, clock ticks


def cpu(opts, cmd):
    """CPU time of CMD between `settle` s and `settle + window` s after its start."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(opts["settle"])
    if p.poll() is not None:
        sys.exit(f"measure: {' '.join(cmd)} exited early: {p.stderr.read()[-800:]}")
    a, ta = cpu_ticks(p.pid), time.monotonic()
    time.sleep(opts["window"])
    b, tb = cpu_ticks(p.pid), time.monotonic()
    p.terminate()
    err = p.communicate(timeout=30)[1]
    used = (b - a) / CLK_TCK
    return {"cpu_s": used, "window_s": tb - ta, "percent_of_core": 100 * used / (tb - ta),
            "cpu_before_window_s": a / CLK_TCK, "clk_tck": CLK_TCK, "stderr_tail": err[-400:]}


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    mode, args = args[0], args[1:]
    opts = {"rounds": 10, "warmup": 2, "interval_ms": 5, "runs": 5, "settle": 5, "window": 60}
    while args and args[0].startswith("--"):
        opts[args[0][2:].replace("-", "_")] = float(args[1]) if "." in args[1] else int(args[1])
        args = args[2:]
    if mode == "wall":
        res = wall(opts, split_named(args))
    elif mode == "treemem":
        res = treemem(opts, split_named(args))
    elif mode == "startup":
        res = startup(opts, args)
    elif mode == "cpu":
        res = cpu(opts, args)
    else:
        sys.exit(__doc__)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
