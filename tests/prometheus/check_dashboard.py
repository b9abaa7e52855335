#!/usr/bin/python3
"""Checks packaging/prometheus against the code: the Grafana dashboard is
valid JSON whose every query parses (promtool check rules on them as
recording rules), and every paizi_ metric the dashboard and the alert rules
name is one that src/app/metrics.cpp writes.

  check_dashboard.py REPO_ROOT
"""
import json, os, re, subprocess, sys, tempfile

root = sys.argv[1]
pkg = os.path.join(root, "packaging", "prometheus")
written = set(re.findall(r'"(paizi_[a-z0-9_]+)"', open(os.path.join(root, "src", "app", "metrics.cpp")).read()))
# Histogram series and the recording rule.
for name in list(written):
    if name == "paizi_frame_time_seconds":
        written |= {name + "_bucket", name + "_sum", name + "_count"}
assert "paizi_build_info" in written and "paizi_frame_time_seconds_bucket" in written, written

dash = json.load(open(os.path.join(pkg, "paizi-fleet-dashboard.json")))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
assert len(exprs) >= 10, exprs
problems = []
for e in exprs:
    if "$instance" not in e and "paizi_" in e and "ALERTS" not in e:
        problems.append("query ignores the instance selector: " + e)
rules = open(os.path.join(pkg, "paizi-alerts.yml")).read()
for text, where in [("\n".join(exprs), "dashboard"), (rules, "alert rules")]:
    for name in set(re.findall(r"\b(paizi_[a-z0-9_]+)", text)):
        if name not in written:
            problems.append(f"{where}: {name} is not a metric paizi writes")

with tempfile.TemporaryDirectory() as tmp:
    f = os.path.join(tmp, "dashboard-rules.yml")
    with open(f, "w") as out:
        out.write("groups:\n  - name: dashboard\n    rules:\n")
        for i, e in enumerate(exprs):
            e = e.replace("$__rate_interval", "5m").replace("$instance", ".*")
            out.write(f"      - record: dashboard:q{i}\n        expr: {json.dumps(e)}\n")
    r = subprocess.run(["promtool", "check", "rules", f], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("promtool check rules on the dashboard's queries:\n" + r.stdout + r.stderr)

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
