#!/usr/bin/env python3
"""playlists/schema.json is a valid JSON Schema, the demo and examples
conform to it, and the broken fixtures do not. Exit 77 (skipped) without the
python3-jsonschema module."""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema not installed: skipped")
    sys.exit(77)

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
schema = json.load(open(os.path.join(root, "playlists", "schema.json"), encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
good = [os.path.join(root, "playlists", "demo.json")] + sorted(glob.glob(os.path.join(root, "playlists", "examples", "*.json")))
for path in good:
    validator.validate(json.load(open(path, encoding="utf-8")))
for name in ("broken-schedule.json", "broken-slides.json"):
    path = os.path.join(root, "tests", "playlists", "fixtures", name)
    if not list(validator.iter_errors(json.load(open(path, encoding="utf-8")))):
        sys.exit(f"{path}: the schema accepts a playlist paizi check rejects")
print(f"{len(good)} playlists conform")
