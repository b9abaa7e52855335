#!/bin/sh
# Lint: clang-format (check only) and clang-tidy (the repo's .clang-tidy)
# over the C++ files changed since a base, within a CI budget on 2 cores.
#
#   tools/lint.sh [BASE]     BASE defaults to origin/main, else main
#   tools/lint.sh --all      every file of src/ tests/ bench/ (format check
#                            only for the whole tree; tidy stays on changes)
#   tools/lint.sh --format   the format check of the whole tree alone (what
#                            tools/dev.sh test runs: a clean clone has no
#                            changes for clang-tidy to look at)
#
# Needs build/compile_commands.json (cmake --preset ci). Exits 1 when a file
# is not formatted or clang-tidy reports a finding.
# Time: on a change of ~6 files, about 1-2 minutes on 2 cores (clang-tidy
# costs ~10-20 s per translation unit; the format check is under a second).
set -eu
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
BUILD=${BUILD:-build}

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

tidy_files=$(echo "$changed" | grep -E '\.cpp$' || true)
[ "$tidy" = yes ] || tidy_files=
echo "== clang-tidy: $(echo "$tidy_files" | grep -c . || true) files"
if [ -n "$tidy_files" ]; then
  [ -f "$BUILD/compile_commands.json" ] || { echo "lint: no $BUILD/compile_commands.json (cmake --preset ci)" >&2; exit 2; }
  # Two at a time (2 cores); findings are errors.
  echo "$tidy_files" | xargs -P 2 -n 1 "$CLANG_TIDY" -p "$BUILD" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option 2>/dev/null \
    || status=1
fi
exit $status
