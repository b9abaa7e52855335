#!/usr/bin/python3
"""A fleet of screens on one machine (issue #24; docs/fleet.md).

nginx on 127.0.0.1 serves a signed playlist and its picture (ETags); N
headless players (`paizi play URL --realtime`, each its own state, runtime
and metrics directory) poll it; one node_exporter per player reads that
player's metrics file, and a Prometheus server scrapes them all. The
playlist is republished; measured: the time until every player shows the
new version (status.json), requests and bytes per second at nginx and the
share of 304s (its access log), each player's RSS and CPU, and whether
Prometheus sees every player and its version.

  fleet_test.py --paizi build/paizi [--players 10] [--poll 5s] [--json OUT]

Exits 0 when every player adopted the new version, Prometheus saw all of
them on it, and nothing failed; prints the measurements as JSON. Every
server binds 127.0.0.1 and is stopped at the end.
"""
import argparse, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(pred, timeout, what, step=0.1):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise SystemExit(f"fleet: timed out after {timeout:.0f} s waiting for {what}")


UNPINNED = False  # --unpinned


def playlist(version):
    return json.dumps({
        "version": 1, "name": f"fleet v{version}",
        "slides": [
            {"id": f"notice-{version}", "type": "slogan", "lines": [f"第{version}版", "Fleet test"], "duration": "8s"},
            # --unpinned: a query `paizi sign` cannot read as a file, so no pin
            # (the players accept unpinned images): fetched by URL, conditionally.
            {"id": "poster", "type": "image", "image": "poster.png?unpinned" if UNPINNED else "poster.png",
             "duration": "8s"},
        ]}, ensure_ascii=False)


def publish(paizi, www, key, version):
    """Writes the playlist and its signature and renames both into place
    (signature first: a player that sees the new playlist finds its .sig)."""
    tmp = os.path.join(www, f".pl-{version}.json")
    with open(tmp, "w") as f:
        f.write(playlist(version))
    subprocess.run([paizi, "sign", tmp, "--key", key], check=True, capture_output=True)
    os.rename(tmp + ".sig", os.path.join(www, "pl.json.sig"))
    os.rename(tmp, os.path.join(www, "pl.json"))
    import hashlib
    return hashlib.sha256(open(os.path.join(www, "pl.json"), "rb").read()).hexdigest()


def status_sha(run_dir):
    try:
        with open(os.path.join(run_dir, "status.json")) as f:
            return json.load(f)["playlist"]["sha256"]
    except (OSError, ValueError, KeyError):
        return None


def proc_usage(pid):
    """(RSS bytes, CPU seconds) of a process from /proc."""
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def access_log(path, since=0.0):
    """Requests logged at or after `since` (Unix s): (time, status, bytes, uri)."""
    out = []
    with open(path) as f:
        for line in f:
            t, status, size, uri = line.split()
            if float(t) >= since:
                out.append((float(t), int(status), int(size), uri))
    return out


def prom_query(port, q):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)["data"]["result"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paizi", required=True)
    ap.add_argument("--players", type=int, default=10)
    ap.add_argument("--poll", default="5s")
    ap.add_argument("--json")
    ap.add_argument("--unpinned", action="store_true",
                    help="publish the picture without a pin (players --allow-unpinned-assets true)")
    a = ap.parse_args()
    global UNPINNED
    UNPINNED = a.unpinned
    poll_s = float(a.poll.rstrip("s"))
    for tool in ("nginx", "prometheus", "prometheus-node-exporter"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            raise SystemExit(f"fleet: {tool} is not installed (deps.txt, role test)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    begun = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="paizi-fleet-")
    os.chmod(tmp, 0o755)  # nginx's workers run as nobody
    procs = []
    try:
        www = os.path.join(tmp, "www")
        os.makedirs(www)
        shutil.copy(os.path.join(ROOT, "playlists", "examples", "img", "poster.png"), www)
        key = os.path.join(tmp, "fleet")
        subprocess.run([a.paizi, "keygen", key], check=True, capture_output=True)
        sha1 = publish(a.paizi, www, key + ".key", 1)

        port = free_port()
        log = os.path.join(tmp, "access.log")
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  log_format fleet '$msec $status $body_bytes_sent $uri';
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ application/json json; image/png png; }}
  server {{
    listen 127.0.0.1:{port};
    root {www};
    etag on;
    access_log {log} fleet;
  }}
}}
""")
        procs.append(subprocess.Popen([nginx, "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}/pl.json"
        wait(lambda: os.path.exists(log) and urllib.request.urlopen(url, timeout=2).status == 200, 20, "nginx")

        players, exporters, targets = [], [], []
        for i in range(a.players):
            d = os.path.join(tmp, f"p{i}")
            for sub in ("state", "run", "metrics"):
                os.makedirs(os.path.join(d, sub))
            os.chmod(os.path.join(d, "metrics"), 0o755)
            ep = free_port()
            exporters.append(subprocess.Popen(
                ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{ep}", "--collector.disable-defaults",
                 "--collector.textfile", f"--collector.textfile.directory={d}/metrics"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            targets.append(f"127.0.0.1:{ep}")
        procs += exporters
        pport = free_port()
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                    "scrape_configs:\n  - job_name: node\n    static_configs:\n"
                    f"      - targets: {json.dumps(targets)}\n")
        procs.append(subprocess.Popen(
            ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/tsdb",
             f"--web.listen-address=127.0.0.1:{pport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        rng = random.Random(24)
        for i in range(a.players):
            d = os.path.join(tmp, f"p{i}")
            players.append(subprocess.Popen(
                [a.paizi, "play", url, "--headless", "--realtime", "--window", "160x90", "--poll", a.poll,
                 "--pubkey", key + ".pub", *(["--allow-unpinned-assets", "true"] if a.unpinned else []), "--state-dir", f"{d}/state", "--runtime-dir", f"{d}/run",
                 "--metrics-dir", f"{d}/metrics", "--metrics-every", "1s", "--status-every", "0"],
                stdout=subprocess.DEVNULL, stderr=open(f"{d}/stderr", "w")))
            time.sleep(rng.uniform(0, poll_s / a.players))  # started over one poll interval
        procs += players
        runs = [os.path.join(tmp, f"p{i}", "run") for i in range(a.players)]
        wait(lambda: all(status_sha(r) == sha1 for r in runs), 60, "every player on version 1")
        wait(lambda: len(prom_query(pport, f'paizi_playlist_info{{sha256="{sha1}"}}')) == a.players, 60,
             "Prometheus to see every player on version 1")

        # Steady state: one poll interval and a half of conditional GETs.
        steady_from = time.time()
        time.sleep(poll_s * 1.5)
        steady = access_log(log, steady_from)
        steady_s = time.time() - steady_from

        cpu0 = [proc_usage(p.pid)[1] for p in players]
        published = time.time()
        t0 = time.monotonic()
        sha2 = publish(a.paizi, www, key + ".key", 2)
        adopted = {}
        def all_on_v2():
            for i, r in enumerate(runs):
                if i not in adopted and status_sha(r) == sha2:
                    adopted[i] = time.monotonic() - t0
            return len(adopted) == a.players
        wait(all_on_v2, poll_s * 4 + 30, "every player on version 2", step=0.05)
        all_on = time.monotonic() - t0
        wait(lambda: len(prom_query(pport, f'paizi_playlist_info{{sha256="{sha2}"}}')) == a.players, 60,
             "Prometheus to see every player on version 2")
        seen_by_prom = len(prom_query(pport, "paizi_build_info"))
        # The republish window: until the last player adopted it, plus its .sig and picture checks.
        after = access_log(log, published)
        usage = [proc_usage(p.pid) for p in players]
        window = time.time() - published
        alive = sum(p.poll() is None for p in players)

        def summary(reqs, seconds):
            n = len(reqs)
            return {"requests": n, "seconds": round(seconds, 2),
                    "requests_per_s": round(n / seconds, 2) if seconds else 0,
                    "bytes_per_s": round(sum(r[2] for r in reqs) / seconds) if seconds else 0,
                    "share_304": round(sum(r[1] == 304 for r in reqs) / n, 3) if n else 0,
                    "by_status": {str(s): sum(r[1] == s for r in reqs) for s in sorted({r[1] for r in reqs})}}
        result = {
            "players": a.players, "poll_s": poll_s,
            "time_to_all_s": round(all_on, 2),
            "time_to_adopt_s": {"min": round(min(adopted.values()), 2),
                                "median": round(sorted(adopted.values())[a.players // 2], 2),
                                "max": round(max(adopted.values()), 2)},
            "steady": summary(steady, steady_s),
            "republish": summary(after, window),
            "republish_bytes": sum(r[2] for r in after),
            # The picture did not change: asked again conditionally, never sent.
            "republish_picture": {str(st): sum(r[1] == st and r[3] == "/poster.png" for r in after)
                                  for st in sorted({r[1] for r in after if r[3] == "/poster.png"})},
            "rss_mib": {"min": round(min(u[0] for u in usage) / 2**20, 1),
                        "max": round(max(u[0] for u in usage) / 2**20, 1)},
            "cpu_s_during_republish": {"max": round(max(u[1] - c for u, c in zip(usage, cpu0)), 3)},
            "cpu_s_total": {"max": round(max(u[1] for u in usage), 2)},
            "prometheus_sees": seen_by_prom,
            "wall_s": round(time.monotonic() - begun, 1),
        }
        print(json.dumps(result, indent=1))
        if a.json:
            with open(a.json, "w") as f:
                json.dump(result, f, indent=1)
        problems = []
        if alive != a.players:
            problems.append(f"{a.players - alive} players exited")
        if seen_by_prom != a.players:
            problems.append(f"Prometheus sees {seen_by_prom} players of {a.players}")
        if all_on > poll_s * 1.0 + 5:
            problems.append(f"the last player took {all_on:.1f} s, over one poll interval ({poll_s} s)")
        if result["steady"]["share_304"] < 0.99:
            problems.append("steady-state polls were not answered 304")
        if result["republish_picture"].get("200", 0):
            problems.append("the unchanged picture was sent again on the republish (not a 304)")
        for p in problems:
            print("fleet: " + p, file=sys.stderr)
        return 1 if problems else 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
