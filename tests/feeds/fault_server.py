#!/usr/bin/env python3
"""A misbehaving HTTP server for the feeds tests, bound to 127.0.0.1 only.

usage: fault_server.py PORT_FILE
Binds a free port, writes it to PORT_FILE (atomically) and serves until killed.

Routes (all documents are small RSS feeds unless said otherwise):
  /etag.xml        200 with ETag "v1"; 304 when If-None-Match matches
  /lm.xml          200 with Last-Modified; 304 when If-Modified-Since matches
  /gzip.xml        gzip-encoded body (400 if the client does not accept gzip)
  /redirect/N      N redirects, then /etag.xml
  /loop            redirects to itself forever
  /charset-header  GBK bytes, no XML declaration, charset only in Content-Type
  /big             2 MiB body with Content-Length; /big-chunked the same, chunked
  /stall           headers and a few bytes, then silence for 60 s
  /404, /500       those statuses
  /ua              a feed whose title is the request's User-Agent
  /switch          behaves as set by /control?mode=M (good|500|404|html|stall|big|empty)
  /bad-etag?kind=K 200 with an ETag no client should send back: K = cr (a bare CR
                   and a second header inside it), long (600 bytes), ctl (a
                   control byte); each GET is logged (/log) with the
                   If-None-Match and X-Injected headers it carried

For the playlist tests:
  POST /files/NAME stores the request body (empty: deletes); GET serves it with an
                   ETag (304 when If-None-Match matches), unless a fault is set
                   with /control?fault=F (none|500|404|stall|truncate|big)
  /auth/NAME       like /files/NAME but 401 without "Authorization: Bearer sesame"
  POST /heartbeat  stores the body; GET /heartbeat/last returns it (404: none yet)
  /log             one line per GET of /files or /auth: "PATH ETAG-SENT"
  /served          one line per answered GET of a stored /files or /auth file:
                   "PATH STATUS BODY-BYTES"
"""
import gzip
import http.server
import os
import sys
import time
import urllib.parse

LAST_MODIFIED = "Wed, 20 Apr 2022 10:00:00 GMT"
STATE = {"mode": "good", "version": 1, "fault": "none"}
FILES = {}
LOG = []
SERVED = []  # "PATH STATUS BODY-BYTES" per answered GET of a stored file
HEARTBEATS = []


def feed(title, items=("一", "二")):
    body = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
    body += f"<title>{title}</title><link>http://127.0.0.1/</link>"
    for i, t in enumerate(items):
        body += f"<item><title>{t}</title><link>/item/{i}</link></item>"
    return (body + "</channel></rss>").encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, ctype="application/rss+xml; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_empty(self, status, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stall(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<rss><channel>")
        self.wfile.flush()
        time.sleep(60)

    def big(self, chunked):
        block = b"<!-- padding -->" * 64  # 1 KiB
        if not chunked:
            return self.send_body(200, b"<rss>" + block * 2048)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(2048):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        self.wfile.write(b"0\r\n\r\n")

    def switch(self):
        mode = STATE["mode"]
        if mode == "good":
            return self.send_body(200, feed(f"版本{STATE['version']}"), headers=[("ETag", f'"s{STATE["version"]}"')])
        if mode in ("500", "404"):
            return self.send_body(int(mode), b"error page", "text/html")
        if mode == "html":
            return self.send_body(200, b"<html><body>maintenance</body></html>", "text/html")
        if mode == "empty":  # a valid feed without items
            return self.send_body(200, b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                  b'<title>empty</title><link>http://127.0.0.1/</link><description>-</description>'
                                  b'</channel></rss>', "application/rss+xml")
        if mode == "stall":
            return self.stall()
        if mode == "big":
            return self.big(False)
        return self.send_body(500, b"unknown mode", "text/plain")

    def serve_file(self, name):
        LOG.append(f"{self.path} {self.headers.get('If-None-Match', '-')}")
        fault = STATE["fault"]
        if fault in ("500", "404"):
            return self.send_body(int(fault), b"error page", "text/html")
        if fault == "stall":
            return self.stall()
        if fault == "big":
            return self.big(False)
        if name not in FILES:
            return self.send_body(404, b"no such file", "text/plain")
        body = FILES[name]
        etag = '"%x"' % (hash(body) & 0xFFFFFFFF)
        if fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        if self.headers.get("If-None-Match") == etag:
            SERVED.append(f"{self.path} 304 0")
            return self.send_empty(304, [("ETag", etag)])
        SERVED.append(f"{self.path} 200 {len(body)}")
        return self.send_body(200, body, "application/json", headers=[("ETag", etag)])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/files/"):  # store (an empty body deletes)
            name = self.path[len("/files/"):]
            if body:
                FILES[name] = body
            else:
                FILES.pop(name, None)
            return self.send_body(200, b"ok", "text/plain")
        if self.path == "/heartbeat":
            HEARTBEATS.append(body)
            return self.send_body(200, b"ok", "text/plain")
        return self.send_body(404, b"no such route", "text/plain")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        if path == "/etag.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.send_empty(304, [("ETag", '"v1"')])
            return self.send_body(200, feed("ETag 频道"), headers=[("ETag", '"v1"')])
        if path == "/lm.xml":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return self.send_empty(304)
            return self.send_body(200, feed("LM 频道"), headers=[("Last-Modified", LAST_MODIFIED)])
        if path == "/gzip.xml":
            if "gzip" not in self.headers.get("Accept-Encoding", ""):
                return self.send_body(400, b"gzip expected", "text/plain")
            return self.send_body(200, gzip.compress(feed("压缩频道")), headers=[("Content-Encoding", "gzip")])
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/etag.xml" if n <= 1 else f"/redirect/{n - 1}"
            return self.send_empty(302, [("Location", target)])
        if path == "/loop":
            return self.send_empty(302, [("Location", "/loop")])
        if path == "/charset-header":
            body = feed("只在头里的编码", ("国标码条目",)).replace(b' encoding="UTF-8"', b"")
            body = body.decode("utf-8").encode("gbk")
            return self.send_body(200, body, "application/rss+xml; charset=GBK")
        if path == "/big":
            return self.big(False)
        if path == "/big-chunked":
            return self.big(True)
        if path == "/stall":
            return self.stall()
        if path in ("/404", "/500"):
            return self.send_body(int(path[1:]), b"<html>error</html>", "text/html")
        if path == "/ua":
            return self.send_body(200, feed(self.headers.get("User-Agent", "")))
        if path.startswith("/files/"):
            return self.serve_file(path[len("/files/"):])
        if path.startswith("/auth/"):
            if self.headers.get("Authorization") != "Bearer sesame":
                return self.send_body(401, b"unauthorised", "text/plain")
            return self.serve_file(path[len("/auth/"):])
        if path == "/heartbeat/last":
            if not HEARTBEATS:
                return self.send_body(404, b"none", "text/plain")
            return self.send_body(200, HEARTBEATS[-1], "application/json")
        if path == "/log":
            return self.send_body(200, "\n".join(LOG).encode(), "text/plain")
        if path == "/served":
            return self.send_body(200, "\n".join(SERVED).encode(), "text/plain")
        if path == "/control" and "fault" in query:
            STATE["fault"] = query["fault"][0]
            return self.send_body(200, b"ok", "text/plain")
        if path == "/control":
            STATE["mode"] = query.get("mode", ["good"])[0]
            if "version" in query:
                STATE["version"] = int(query["version"][0])
            return self.send_body(200, b"ok", "text/plain")
        if path == "/switch":
            return self.switch()
        if path == "/bad-etag":
            LOG.append(f"/bad-etag {self.headers.get('If-None-Match', '-')!r} {self.headers.get('X-Injected', '-')}")
            kind = query.get("kind", ["cr"])[0]
            etag = {"cr": '"v1\rX-Injected: 1"', "long": '"' + "e" * 600 + '"', "ctl": '"v\x01"'}[kind]
            return self.send_body(200, feed("坏的 ETag"), headers=[("ETag", etag)])
        return self.send_body(404, b"no such route", "text/plain")


def serve(handler, port_file):
    """Serves `handler` on a free port of 127.0.0.1, published in port_file
    (written atomically), until killed. Shared with tests/hardening/hostile_server.py."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # clients hanging up on purpose are not news
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, port_file)
    server.serve_forever()


if __name__ == "__main__":
    serve(Handler, sys.argv[1])
