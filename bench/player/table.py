#!/usr/bin/env python3
"""Turns the raw results of bench/player/run.sh into the markdown table of
docs/bench-player.md. Usage: table.py OUTDIR SHORT_S LONG_S RUN_LINE [DOC]
Prints the table; with DOC, also puts it between DOC's bench-player markers."""
import json
import os
import re
import struct
import sys

out, short_s, long_s, run_line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def load(name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def time_v(name):
    """Maximum resident set size (KiB) and elapsed time from /usr/bin/time -v."""
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    t = open(path).read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return int(m.group(1)) if m else None


def fade(name):
    t = open(os.path.join(out, name)).read()
    m = re.search(r"^RESULT (.*)$", t, re.M)
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def png(name):
    path = os.path.join(out, name)
    with open(path, "rb") as f:
        w, h = struct.unpack(">II", f.read(24)[16:24])
    return f"{w}×{h}, {os.path.getsize(path) / 1024:.0f} KiB"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def verdict(ok):
    return "pass" if ok else "**fail**"


wall, mem = load("wall.json"), load("treemem.json")
rss = {n: time_v(f"time-{n}.txt") for n in ("paizi", "chromium", "pango")}
rows = []
names = {"paizi": "`paizi render` (whole process, PNG included)", "chromium": "headless Chromium `--screenshot`",
         "pango": "`pango-view` to PNG"}
for n in ("paizi", "chromium", "pango"):
    w, m = wall[n], mem[n]
    rows.append((f"1. {names[n]}: wall time",
                 f"median {w['median_ms']:.0f} ms (min {w['min_ms']:.0f}, max {w['max_ms']:.0f}; {w['runs']} runs); "
                 f"CPU (user + sys) median {w['cpu_median_ms']:.0f} ms", "", ""))
for n in ("paizi", "chromium", "pango"):
    m = mem[n]
    rows.append((f"1. {names[n]}: peak memory",
                 f"tree PSS {mib(m['peak_pss_kib'])} (max of {m['runs']} runs; {m['max_procs']} processes; "
                 f"{m['samples']} samples, median interval {m['median_sample_ms']:.0f} ms); "
                 f"tree RSS sum {mib(m['peak_rss_sum_kib'])}; largest single process {mib(rss[n])}", "", ""))
r_chr = wall["chromium"]["median_ms"] / wall["paizi"]["median_ms"]
r_pan = wall["pango"]["median_ms"] / wall["paizi"]["median_ms"]
rows.append(("1. speed: Chromium ÷ paizi", f"{r_chr:.1f}×", "≥ 15×", verdict(r_chr >= 15)))
rows.append(("1. speed: pango-view ÷ paizi", f"{r_pan:.1f}×", "≥ 2×", verdict(r_pan >= 2)))
c_chr = wall["chromium"]["cpu_median_ms"] / wall["paizi"]["cpu_median_ms"]
c_pan = wall["pango"]["cpu_median_ms"] / wall["paizi"]["cpu_median_ms"]
rows.append(("1. (information) CPU time: Chromium ÷ paizi, pango-view ÷ paizi", f"{c_chr:.1f}×, {c_pan:.1f}×", "", ""))
paizi_mem = max(rss["paizi"], mem["paizi"]["peak_pss_kib"])  # the kernel's high-water mark, never below PSS
r_mem = mem["chromium"]["peak_pss_kib"] / paizi_mem
rows.append(("1. peak memory: Chromium tree PSS ÷ paizi max RSS", f"{r_mem:.1f}×", "≥ 8×", verdict(r_mem >= 8)))
rows.append(("1. (information) Chromium tree PSS ÷ paizi PSS, same sampler",
             f"{mem['chromium']['peak_pss_kib'] / max(1, mem['paizi']['peak_pss_kib']):.1f}×", "", ""))
rows.append(("1. (information) largest single process, `/usr/bin/time -v`: Chromium ÷ paizi",
             f"{rss['chromium'] / rss['paizi']:.1f}×", "", ""))

for f, label in (("startup-headless.json", "headless"), ("startup-x11.json", "X window under Xvfb, paizi's default renderer"),
                 ("startup-x11-gl.json", "X window under Xvfb, GL forced (SDL_RENDER_DRIVER=opengl: Mesa llvmpipe)")):
    s = load(f)
    rows.append((f"2. start to first frame, {label} ({s['backend']})",
                 f"median {s['median_ms']:.0f} ms (min {s['min_ms']:.0f}, max {s['max_ms']:.0f}; {s['runs']} runs; "
                 f"{s['in_process_median_ms']:.0f} ms of it inside `cmd_play`)", "≤ 300 ms", verdict(s["median_ms"] <= 300)))

for f, label in (("fade-news.txt", "bench news slide, page to page"), ("fade-demo.txt", "demo playlist (header, ticker)")):
    r = fade(f)
    rows.append((f"3. 1080p crossfade frame, software renderer, {label}",
                 f"wall median {r['median_ms']:.1f} ms ({1000 / r['median_ms']:.0f} fps), p95 {r['p95_ms']:.1f} ms "
                 f"({1000 / r['p95_ms']:.0f} fps), max {r['max_ms']:.1f} ms; thread CPU median {r['cpu_median_ms']:.1f} ms "
                 f"({1000 / r['cpu_median_ms']:.0f} fps); {r['frames']:.0f} frames",
                 "≥ 60 fps (p95 ≤ 16.7 ms)", verdict(r["p95_ms"] <= 1000 / 60)))

c = load("cpu.json")
rows.append(("4. CPU on a static slide, X window under Xvfb",
             f"{c['percent_of_core']:.2f} % of a core ({c['cpu_s']:.2f} s in {c['window_s']:.1f} s; "
             f"{c['cpu_before_window_s']:.2f} s in the first 5 s)", "< 1 %", verdict(c["percent_of_core"] < 1)))

c = load("cpu-ticker.json")
prom = {}
for line in open(os.path.join(out, "ticker.prom")):
    if line and not line.startswith("#") and " " in line:
        name, value = line.rsplit(" ", 1)
        prom[name] = float(value)
dropped, frames = prom["paizi_frames_dropped_total"], prom["paizi_frames_presented_total"]
rows.append(("4b. CPU on the demo with its ticker, 1920x1080 X window under Xvfb, 60 s",
             f"{c['percent_of_core']:.2f} % of a core ({c['cpu_s']:.2f} s in {c['window_s']:.1f} s); "
             f"{frames:.0f} frames presented, {dropped:.0f} dropped (whole run)",
             "≤ 5 %, 0 dropped", verdict(c["percent_of_core"] <= 5 and dropped == 0)))

k = time_v("time-demo-headless.txt")
rows.append((f"5. peak RSS, demo headless, 600 s on the simulated clock (every slide and page)",
             f"{mib(k)} ({k * 1024 / 1e6:.1f} MB)", "< 80 MB; ≤ 48 MiB (issue 25)",
             verdict(k * 1024 < 80e6 and k <= 48 * 1024)))
for f, secs, how in (("time-demo-short.txt", short_s, "paizi's default renderer"),
                     ("time-demo-short-gl.txt", short_s, "GL forced (Mesa llvmpipe)"),
                     ("time-demo-long.txt", long_s, "paizi's default renderer"),
                     ("time-demo-long-gl.txt", long_s, "GL forced (Mesa llvmpipe)")):
    k = time_v(f)
    if k is None:
        rows.append((f"5. peak RSS, demo for {secs} s, {how}", "not run", "< 80 MB", ""))
        continue
    rows.append((f"5. peak RSS, demo for {secs} s, X window under Xvfb, {how}", f"{mib(k)} ({k * 1024 / 1e6:.1f} MB)",
                 "< 80 MB", verdict(k * 1024 < 80e6)))

lines = ["| case | measured | target | result |", "|---|---|---|---|"]
lines += ["| " + " | ".join(r) + " |" for r in rows]
lines += ["", f"Outputs: paizi {png('paizi.png')}; Chromium {png('chromium.png')}; pango-view {png('pango.png')}.",
          "", run_line]
table = "\n".join(lines) + "\n"
print(table, end="")
if len(sys.argv) > 5:
    doc = sys.argv[5]
    text = open(doc).read()
    begin, end = "<!-- bench-player:begin -->\n", "<!-- bench-player:end -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    with open(doc, "w") as f:
        f.write(text[:a] + table + text[b:])
