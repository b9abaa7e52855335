#!/usr/bin/env python3
"""A hostile HTTP server on 127.0.0.1 for the hardening suite.

usage: hostile_server.py PORT_FILE
Binds a free port, writes it to PORT_FILE (atomically) and serves until killed.

Every case lives at /case/NAME. While "prime" mode is on (GET /control?prime=1)
every case URL answers with a small good feed whose title names the case, so
a client with a state directory caches a last good copy; with prime=0 (the
default) each case misbehaves as described in CASES. The responses are
written byte by byte where needed, so they can be as broken as a real server
on a bad day: BaseHTTPRequestHandler only parses the request.

For the player (hostile_player.py):
  /pl            a good playlist (ETag, 304 on If-None-Match) naming every case
                 as a feed source (/case/NAME) with a news slide each, and an
                 image slide (/img/VERSION.png); /control?pl=NAME makes /pl
                 misbehave as case NAME instead (pl=good: good again),
                 /control?version=N changes the playlist and its image
  /img/N.png     a 256x256 PNG of noise (~200 KB, incompressible), seeded by N
  /kpi           the playlist's KPI source: good CSV figures while primed;
                 with prime=0 each request misbehaves as the next of KPI_CASES
  /hits          JSON {case: requests since the last /control?prime=}
"""
import hashlib
import http.server
import json
import os
import random
import socket
import struct
import sys
import time
import urllib.parse
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "feeds"))
from fault_server import feed, serve  # noqa: E402  (shared with the feeds tests)

STATE = {"prime": False, "pl": "good", "version": 1, "cases": []}
HITS = {}
GOOD_ITEMS = ("最后一次好的条目", "第二条")
# Zeros: a KPI slide counts its figures up on entry, and a screenshot is
# taken at the first frame, however late; a zero is the same at any point
# of the count-up, so two screenshots of the slide compare equal. The
# labels tell these figures from the "no data" notice.
GOOD_KPI = "指标,本期,单位\n设备故障,0,次\n安全事故,0,起\n".encode("utf-8")
# What /kpi answers in turn once unprimed: transport and size faults shared
# with the feed cases, and documents that arrive whole but hold no figure.
KPI_CASES = ["status-500", "html-not-feed", "reset-at-once", "length-too-long", "gzip-bomb",
             "deep-json", "kpi-no-figures", "kpi-empty"]


def good_feed(name):
    return feed(f"good {name}", tuple(f"{t} {name}" for t in GOOD_ITEMS))


def rss(items_xml, head=""):
    return (f'<?xml version="1.0" encoding="UTF-8"?>{head}<rss version="2.0"><channel><title>hostile</title>'
            f"{items_xml}</channel></rss>").encode("utf-8")


def gzip_bomb(decoded_bytes):
    """gzip stream of `decoded_bytes` spaces inside an RSS comment (built in chunks)."""
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    out = [c.compress(b"<rss><channel><title>bomb</title><!--")]
    block = b" " * (1 << 20)
    for _ in range(decoded_bytes >> 20):
        out.append(c.compress(block))
    out.append(c.compress(b"--></channel></rss>"))
    out.append(c.flush())
    return b"".join(out)


def good_playlist(version, cases):
    """The playlist /pl serves: a slogan, an image and one news slide per case."""
    slides = [{"id": "s-good", "type": "slogan", "duration": "150ms", "lines": [f"好内容 v{version}"]},
              {"id": "img", "type": "image", "duration": "150ms", "image": f"/img/{version}.png"}]
    slides += [{"id": f"n-{c}", "type": "news", "source": c, "item": 0, "duration": "150ms"} for c in cases]
    slides.append({"id": "k-kpi", "type": "kpi", "source": "kpi", "duration": "150ms"})
    sources = {c: {"type": "feed", "url": f"/case/{c}", "refresh": "1s"} for c in cases}
    sources["kpi"] = {"type": "kpi", "url": "/kpi", "refresh": "1s"}
    doc = {"version": 1, "name": f"good v{version}", "transition": {"type": "cut"}, "sources": sources,
           "slides": slides}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def noise_png(seed, side=256):
    """An RGB PNG of pseudo-random pixels (does not compress: ~side*side*3 bytes)."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(side * 3) for _ in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


BOMB = b""  # built in main() before the port is published
BOMB_DECODED = 256 << 20  # 256 MiB decoded (16x the client's body cap), ~1 MiB on the wire


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle(self):
        # Clients hang up on hostile answers (that is the point): no tracebacks.
        try:
            super().handle()
        except OSError:
            pass

    def raw(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass

    def respond(self, status, body, ctype="application/rss+xml; charset=utf-8", headers=(), length=None):
        head = f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n"
        head += f"Content-Length: {len(body) if length is None else length}\r\n"
        for k, v in headers:
            head += f"{k}: {v}\r\n"
        self.raw(head.encode("latin-1") + b"\r\n" + body)

    def reset(self):
        # RST instead of FIN: SO_LINGER on with a zero timeout.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def drip(self, data, every_s, limit_s=60):
        start = time.monotonic()
        for b in data:
            if time.monotonic() - start > limit_s:
                return
            try:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
            except OSError:
                return
            time.sleep(every_s)

    def endless(self, chunk, limit_s=60):
        self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n")
        self.raw(b"e\r\n<rss><channel>\r\n")
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        start = time.monotonic()
        try:
            while time.monotonic() - start < limit_s:
                self.wfile.write(frame)
        except OSError:
            pass

    # --- the cases ------------------------------------------------------
    def case(self, name):
        item = "<item><title>条目</title><link>/i</link></item>"
        if name == "drip-body":          # 4 bytes/s: above nothing, below every sane rate
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
            return self.drip(rss(item * 50), 0.25)
        if name == "drip-headers":       # the status line and headers one byte at a time
            return self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n" + b"X-Pad: y\r\n" * 100, 0.2)
        if name == "silent":             # accept, read the request, never answer
            time.sleep(60)
            return
        if name == "endless-body":
            return self.endless(b"<item><title>" + "无尽".encode() * 500 + b"</title></item>")
        if name == "length-too-long":    # promises more than it sends, then closes
            self.respond(200, rss(item), length=1000000)
            self.close_connection = True
            return
        if name == "length-too-short":   # cuts the document in the middle
            body = rss(item * 20)
            return self.respond(200, body, length=len(body) // 2)
        if name == "length-garbage":
            return self.respond(200, rss(item), length="-1, 99999999999999999999")
        if name == "reset-at-once":
            return self.reset()
        if name == "reset-mid-body":
            body = rss(item * 100)
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(body))
            self.raw(body[: len(body) // 3])
            time.sleep(0.1)
            return self.reset()
        if name == "redirect-loop":      # to the very URL asked for
            return self.respond(302, b"", headers=[("Location", self.path)])
        if name == "redirect-pingpong":  # PATH -> PATH?pong -> PATH -> ...
            pong = self.path.endswith("?pong")
            return self.respond(301 if pong else 307, b"",
                                headers=[("Location", self.path[:-5] if pong else self.path + "?pong")])
        if name == "redirect-file":      # must never read local files
            return self.respond(302, b"", headers=[("Location", "file:///etc/passwd")])
        if name == "redirect-gopher":
            return self.respond(302, b"", headers=[("Location", "gopher://127.0.0.1:1/x")])
        if name == "giant-header":       # one 2 MiB header line
            return self.respond(200, rss(item), headers=[("X-Giant", "a" * (2 << 20))])
        if name == "many-headers":       # 100 000 small headers
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n" + b"X-H: v\r\n" * 100000
            body = rss(item)
            return self.raw(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        if name == "continue-storm":     # 10 000 interim responses first
            self.raw(b"HTTP/1.1 100 Continue\r\n\r\n" * 10000)
            return self.respond(200, rss(item))
        if name == "not-http":
            return self.raw(os.urandom(4096))
        if name == "bad-chunks":
            return self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n<rss>")
        if name == "invalid-utf8":       # declared UTF-8, full of broken sequences and controls
            bad = b"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\x1b[2J\x00"
            body = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t' + bad
                    + b"</title><item><title>\xe6\x9d\xa1" + bad + b"</title><link>/i</link></item></channel></rss>")
            return self.respond(200, body)
        if name == "deep-xml":           # 200 000 nested elements
            return self.respond(200, b"<rss><channel>" + b"<a>" * 200000 + b"x" + b"</a>" * 200000 + b"</channel></rss>")
        if name == "deep-json":          # 500 000 nested arrays as a JSON Feed
            return self.respond(200, b'{"version":"https://jsonfeed.org/version/1.1","items":' + b"[" * 500000
                                + b"]" * 500000 + b"}", "application/feed+json")
        if name == "billion-laughs":
            ents = '<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
                f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
            return self.respond(200, rss("<item><title>&l9;</title></item>", f"<!DOCTYPE rss [{ents}]>"))
        if name == "many-items":         # 300 000 items (~15 MB)
            return self.respond(200, rss("<item><title>x</title></item>" * 300000))
        if name == "gzip-bomb":          # 256 MiB of spaces, ~1 MiB compressed
            return self.respond(200, BOMB, headers=[("Content-Encoding", "gzip")])
        if name == "gzip-garbage":
            return self.respond(200, b"\x1f\x8b\x08\x00" + os.urandom(2000), headers=[("Content-Encoding", "gzip")])
        if name == "html-not-feed":
            return self.respond(200, b"<html><body>maintenance</body></html>", "text/html")
        if name == "status-500":
            return self.respond(500, b"<html>error</html>", "text/html")
        if name == "kpi-no-figures":     # a KPI export whose cells are all words
            return self.respond(200, "指标,本期\n访客,暂无\n会议室,统计中\n".encode("utf-8"), "text/csv")
        if name == "kpi-empty":
            return self.respond(200, b"", "text/csv")
        return self.respond(404, b"no such case", "text/plain")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/control":
            q = urllib.parse.parse_qs(url.query)
            if "prime" in q:
                STATE["prime"] = q["prime"][0] == "1"
                HITS.clear()
            if "pl" in q:
                STATE["pl"] = q["pl"][0]
            if "version" in q:
                STATE["version"] = int(q["version"][0])
            if "cases" in q:
                STATE["cases"] = q["cases"][0].split(",")
            return self.respond(200, b"ok", "text/plain")
        if url.path == "/hits":
            return self.respond(200, json.dumps(HITS).encode(), "application/json")
        if url.path == "/pl":
            if STATE["pl"] != "good":
                return self.case(STATE["pl"])
            body = good_playlist(STATE["version"], STATE["cases"])
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                return self.respond(304, b"", headers=[("ETag", etag)])
            return self.respond(200, body, "application/json", headers=[("ETag", etag)])
        if url.path.startswith("/img/"):
            return self.respond(200, noise_png(int(url.path[5:].split(".")[0])), "image/png")
        if url.path == "/kpi":
            n = HITS.get("kpi", 0)
            HITS["kpi"] = n + 1
            if STATE["prime"]:
                return self.respond(200, GOOD_KPI, "text/csv; charset=utf-8")
            return self.case(KPI_CASES[n % len(KPI_CASES)])
        if url.path.startswith("/case/"):
            name = url.path[len("/case/"):]
            HITS[name] = HITS.get(name, 0) + 1
            if STATE["prime"]:
                return self.respond(200, good_feed(name))
            return self.case(name)
        return self.respond(404, b"no such route", "text/plain")


def main():
    global BOMB
    BOMB = gzip_bomb(BOMB_DECODED)
    serve(Handler, sys.argv[1])


if __name__ == "__main__":
    main()
