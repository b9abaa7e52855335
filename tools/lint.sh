#!/bin/sh
# Lint: clang-format (check only) and clang-tidy (the repo's .clang-tidy)
# over the C++ files changed since a base, within a CI budget on 2 cores.
#
#   tools/lint.sh [BASE]     BASE defaults to origin/main, else main
#   tools/lint.sh --all      every file of src/ tests/ bench/ (format check
#                            only for the whole tree; tidy stays on changes)
#   tools/lint.sh --format   the format check of the whole tree alone (what
#                            tools/dev.sh test runs first)
#   tools/lint.sh --tidy [DIR...]
#                            clang-tidy over every .cpp of DIR (default src/;
#                            headers through the files that include them), two
#                            at a time, findings printed once each. A file is
#                            skipped when it passed before with the same
#                            preprocessed text (comments kept, so NOLINT
#                            counts), compile command, .clang-tidy and
#                            clang-tidy version: stamps in $BUILD/tidy-cache,
#                            written only for a clean pass. TIDY_CACHE=0
#                            checks every file.
#
# Needs build/compile_commands.json (cmake --preset ci). Exits 1 when a file
# is not formatted or clang-tidy reports a finding.
# Time: on a change of ~6 files, about 1-2 minutes on 2 cores (clang-tidy
# costs ~5-20 s per translation unit; the format check is under a second).
# --tidy over src/ (80 files): about 3.5 minutes on 2 idle cores from cold,
# ~40 s when nothing changed (the preprocessing for the cache keys), and
# otherwise that plus a change's files and those including a changed header.
set -eu
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
BUILD=${BUILD:-build}

if [ "${1:-}" = "--tidy" ]; then
  shift
  [ -f "$BUILD/compile_commands.json" ] || { echo "lint: no $BUILD/compile_commands.json (cmake --preset ci)" >&2; exit 2; }
  [ $# -gt 0 ] || set -- src
  # shellcheck disable=SC2046
  exec python3 - "$CLANG_TIDY" "$BUILD" "${TIDY_CACHE:-1}" $(git ls-files "$@" | grep -E '\.cpp$') <<'EOF'
import concurrent.futures, hashlib, json, os, re, shlex, subprocess, sys

tidy, build, use_cache, files = sys.argv[1], sys.argv[2], sys.argv[3] != "0", sys.argv[4:]
root = os.getcwd()
commands = {os.path.realpath(os.path.join(e["directory"], e["file"])): e
            for e in json.load(open(os.path.join(build, "compile_commands.json")))}
cache = os.path.join(build, "tidy-cache")
os.makedirs(cache, exist_ok=True)
version = subprocess.run([tidy, "--version"], capture_output=True, text=True).stdout
with open(".clang-tidy", "rb") as f:
    config = f.read()

def key(path, entry):
    """Hash of what clang-tidy sees for `path`, or None when it cannot be made."""
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    cmd, skip = [], False
    for a in args:  # the compile command without its outputs, preprocessing only
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif a not in ("-c", "-MD", "-MMD"):
            cmd.append(a)
    pre = subprocess.run(cmd + ["-E", "-C"], cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        return None
    h = hashlib.sha256()
    for part in (version.encode(), config, "\0".join(args).encode(), pre.stdout):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()

finding = re.compile(r"^\S.*:\d+:\d+: (warning|error): ", re.M)

def check(rel):
    path = os.path.realpath(rel)
    entry = commands.get(path)
    if entry is None:
        return rel, "skipped", f"lint: {rel} is not in {build}/compile_commands.json\n"
    stamp = None
    if use_cache:
        k = key(path, entry)
        if k is not None:
            stamp = os.path.join(cache, k)
            if os.path.exists(stamp):
                return rel, "cached", ""
    r = subprocess.run([tidy, "-p", build, "--quiet", "--warnings-as-errors=*",
                        "--extra-arg=-Wno-unknown-warning-option", path],
                       capture_output=True, text=True)
    if r.returncode == 0 and not finding.search(r.stdout):
        if stamp:
            open(stamp, "w").close()
        return rel, "clean", ""
    return rel, "findings", r.stdout or r.stderr

counts, seen, blocks = {"cached": 0, "clean": 0, "findings": 0, "skipped": 0}, set(), []
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    for rel, state, out in pool.map(check, files):
        counts[state] += 1
        block = None
        for line in out.splitlines():  # one block per finding; a header's once
            if finding.match(line):
                block = None if line in seen else [line]
                seen.add(line)
                if block is not None:
                    blocks.append(block)
            elif block is not None:
                block.append(line)
        if state == "skipped" or (state == "findings" and not finding.search(out)):
            blocks.append([out.rstrip() or f"{rel}: clang-tidy failed"])
for b in blocks:
    print("\n".join(b).replace(root + "/", ""))
names = re.findall(r"\[([\w.-]+?)(?:,-warnings-as-errors)?\]$", "\n".join(b[0] for b in blocks), re.M)
by_check = {}
for n in names:
    by_check[n] = by_check.get(n, 0) + 1
for n, c in sorted(by_check.items(), key=lambda x: -x[1]):
    print(f"  {c:4d}  {n}")
print(f"== clang-tidy: {len(files)} files: {counts['clean']} clean, {counts['cached']} unchanged since a clean "
      f"pass, {counts['findings']} with findings; {len(names)} findings")
sys.exit(1 if counts["findings"] or counts["skipped"] else 0)
EOF
fi

all=no
tidy=yes
base=${1:-}
if [ "$base" = "--all" ]; then all=yes; base=; fi
if [ "$base" = "--format" ]; then all=yes; tidy=no; base=; fi
if [ -z "$base" ]; then
  if git rev-parse -q --verify origin/main >/dev/null; then base=origin/main; else base=main; fi
fi

changed=$(git diff --name-only --diff-filter=ACMR "$(git merge-base "$base" HEAD)" -- src tests bench |
  grep -E '\.(cpp|h)$' || true)
if [ "$all" = yes ]; then
  fmt_files=$(git ls-files src tests bench | grep -E '\.(cpp|h)$')
else
  fmt_files=$changed
fi

status=0
echo "== clang-format: $(echo "$fmt_files" | grep -c . || true) files"
if [ -n "$fmt_files" ]; then
  # shellcheck disable=SC2086
  $CLANG_FORMAT --dry-run --Werror $fmt_files || status=1
fi

[ "$tidy" = yes ] || exit $status  # --format: nothing else
tidy_files=$(echo "$changed" | grep -E '\.cpp$' || true)
echo "== clang-tidy: $(echo "$tidy_files" | grep -c . || true) files"
if [ -n "$tidy_files" ]; then
  [ -f "$BUILD/compile_commands.json" ] || { echo "lint: no $BUILD/compile_commands.json (cmake --preset ci)" >&2; exit 2; }
  # Two at a time (2 cores); findings are errors.
  echo "$tidy_files" | xargs -P 2 -n 1 "$CLANG_TIDY" -p "$BUILD" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option 2>/dev/null \
    || status=1
fi
exit $status
