#!/usr/bin/env python3
"""Turns the raw results of bench/corpus/run.sh into the table of
docs/bench-corpus.md. Usage: table.py OUTDIR RUN_LINE [DOC]
Prints the table; with DOC, also puts it between DOC's bench-corpus markers."""
import json
import os
import re
import statistics
import sys

out, run_line = sys.argv[1], sys.argv[2]
WHY = {  # why a slide misses a target, when it does (docs/bench-corpus.md, "Where time and memory go")
    "time": "paizi's start-up (the libraries SDL2 links: PulseAudio, X11, Wayland, ALSA, …; the start-up row "
            "above) and the full-frame PNG it encodes where pango-view encodes a text-sized one; the \"start-up "
            "difference out\" column takes the first away",
    "rss": "paizi's full-screen ARGB canvas against pango-view's text-sized surface, and the libraries' pages; "
           "the \"less the pixel buffer\" column takes each program's image buffer away (the picture slide "
           "also holds the decoded picture, which pango-view does not draw)",
}


def rss(name, who):
    with open(os.path.join(out, f"{name}.{who}.rss")) as f:
        v = [int(x) for x in f.read().split() if x.isdigit()]
    return statistics.median(v)


def png_size(path):
    with open(path, "rb") as f:
        h = f.read(24)
    return int.from_bytes(h[16:20], "big"), int.from_bytes(h[20:24], "big")


slides = [l.split() for l in open(os.path.join(out, "slides.txt")) if l.strip()]
su = json.load(open(os.path.join(out, "startup.wall.json")))
su_p, su_g = su["paizi"]["median_ms"], su["pango"]["median_ms"]
su_rp, su_rg = rss("startup", "paizi"), rss("startup", "pango")
rows, res = [], {}
for name, _, size in slides:
    w = json.load(open(os.path.join(out, f"{name}.wall.json")))
    p, g = w["paizi"], w["pango"]
    rp, rg = rss(name, "paizi"), rss(name, "pango")
    speed = g["median_ms"] / p["median_ms"]
    res[name] = (p["median_ms"], rp)
    gw, gh = png_size(os.path.join(out, f"{name}.pango.png"))
    t_ok = speed >= 2
    m_ok = rp <= rg
    t_txt = "met" if t_ok else f"**missed** by {2 / speed:.2f}× (paizi needs {p['median_ms'] * speed / 2:.0f} ms)"
    m_txt = "met" if m_ok else f"**missed** by {(rp - rg) / 1024:.1f} MiB"
    sw, sh = (int(v) for v in size.split("x"))
    speed_out = g["median_ms"] / max(1.0, p["median_ms"] - (su_p - su_g))  # paizi's extra start-up taken out
    less_p, less_g = rp - sw * sh * 4 / 1024, rg - gw * gh * 4 / 1024  # KiB, less the image buffer
    rows.append(f"| {name} | {size} | {p['median_ms']:.0f} / {p['cpu_median_ms']:.0f} | {rp / 1024:.1f} | "
                f"{g['median_ms']:.0f} / {g['cpu_median_ms']:.0f} | {rg / 1024:.1f} | {gw}×{gh} | "
                f"{speed:.2f}× | {t_txt} | {m_txt} | {speed_out:.2f}× | "
                f"{less_p / 1024:.1f} / {less_g / 1024:.1f} |")

lines = [
    "| slide | size | paizi wall / CPU ms | paizi peak RSS MiB | pango-view wall / CPU ms | pango-view peak RSS MiB "
    "| pango-view PNG | speed (pango ÷ paizi) | ≥ 2× faster | RSS ≤ pango-view "
    "| speed, start-up difference out | peak RSS less the pixel buffer, paizi / pango-view MiB |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
] + rows + [
    f"| start-up alone (`--version`) | | {su_p:.1f} / {su['paizi']['cpu_median_ms']:.1f} | {su_rp / 1024:.1f} | "
    f"{su_g:.1f} / {su['pango']['cpu_median_ms']:.1f} | {su_rg / 1024:.1f} | | | | | | |",
]
if "full-1080p" in res and "full-4k" in res:
    (t1, r1), (t4, r4) = res["full-1080p"], res["full-4k"]
    fb = (3840 * 2160 - 1920 * 1080) * 4 / 1024  # KiB: one ARGB frame buffer's growth
    lines += ["", "| 4K against 1080p (same slide) | measured | target | |", "|---|---|---|---|",
              f"| time 4K ÷ 1080p | {t4 / t1:.2f}× ({t4:.0f} / {t1:.0f} ms) | ≤ 2.5× | "
              f"{'met' if t4 / t1 <= 2.5 else f'**missed** by {t4 / t1 / 2.5:.2f}×'} |",
              f"| peak RSS 4K − 1080p | {(r4 - r1) / 1024:.1f} MiB | ≤ one ARGB frame buffer's growth, "
              f"{fb / 1024:.1f} MiB | {'met' if r4 - r1 <= fb else f'**missed** by {(r4 - r1 - fb) / 1024:.1f} MiB'} |"]
lines += ["", run_line, "", "Why a target is missed: time — " + WHY["time"] + "; memory — " + WHY["rss"] + "."]
table = "\n".join(lines)
print(table)
if len(sys.argv) > 3:
    doc = sys.argv[3]
    text = open(doc).read() if os.path.exists(doc) else "<!-- bench-corpus:begin -->\n<!-- bench-corpus:end -->\n"
    text = re.sub(r"(<!-- bench-corpus:begin -->\n).*?(<!-- bench-corpus:end -->)",
                  lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    open(doc, "w").write(text)
