#!/usr/bin/env bash
# Static checks of systemd/paizi.service, run by `tools/dev.sh test`:
#   - `systemd-analyze verify` must print nothing at all (it exits 0 even on
#     misspelled keys, so any output is a failure);
#   - `systemd-analyze security --offline=true` exposure must be <= 1.5.
# verify wants ExecStart= to exist, so it checks a copy pointing at the built
# binary (default build/paizi).
#   tools/check-unit.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/paizi}")
max_exposure=15  # tenths: 1.5
[ -x "$bin" ] || { echo "check-unit: $bin not built" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/bin/paizi|$bin|" systemd/paizi.service > "$tmp/paizi.service"

out=$(systemd-analyze verify --man=no "$tmp/paizi.service" 2>&1) || true
if [ -n "$out" ]; then
  echo "check-unit: systemd-analyze verify is not silent:" >&2
  echo "$out" >&2
  exit 1
fi
echo "check-unit: systemd-analyze verify: clean"

security=$(systemd-analyze security --offline=true --threshold="$max_exposure" "$tmp/paizi.service" 2>&1) && ok=1 || ok=0
level=$(printf '%s\n' "$security" | grep 'Overall exposure level' | sed 's/.*: //')
if [ "$ok" != 1 ]; then
  printf '%s\n' "$security" >&2
  echo "check-unit: exposure ${level:-unknown} is above 1.5" >&2
  exit 1
fi
echo "check-unit: systemd-analyze security exposure: $level (limit 1.5)"
