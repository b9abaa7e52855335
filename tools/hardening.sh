#!/usr/bin/env bash
# Hardening runs (issue 8; docs/hardening.md).
#   tools/hardening.sh ci           what `tools/dev.sh test` adds after ctest:
#                                   every fuzz target for FUZZ_SECONDS (default 20,
#                                   two at a time), then the whole test suite under
#                                   ASan + UBSan (preset asan, LeakSanitizer on)
#   tools/hardening.sh asan         only the sanitizer build and its ctest run
#   tools/hardening.sh fuzz [S]     tools/fuzz.sh S (default 600 s per target)
#   tools/hardening.sh soak [N]     the full soak: N slide changes (default 10000)
#   tools/hardening.sh hostile      the hostile-server suite against build/paizi feed
#   tools/hardening.sh player       the same servers against build/paizi play, plus
#                                   the disk budget and the no-writes-when-quiet check,
#                                   then pinned images tampered with (a mismatch, a
#                                   pinned file that keeps growing)
# Each step prints its wall time; any failure stops with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "hardening: $name ..." >&2
  "$@"
  echo "hardening: $name done in $((SECONDS - t0)) s" >&2
}

asan() {
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j2
  # fleet_small is a load test (nginx, ten players, Prometheus): its players
  # are the same code as test_metrics_run's player cases, which run here; ten sanitized
  # players at once only measure the sanitizer.
  ctest --preset asan -j2 -E '^fleet_small$'
}

case "${1:-}" in
  ci)
    step "fuzz (${FUZZ_SECONDS:-20} s per target)" tools/fuzz.sh "${FUZZ_SECONDS:-20}"
    step "asan+ubsan test suite" asan
    ;;
  asan) step "asan+ubsan test suite" asan ;;
  fuzz) step "fuzz" tools/fuzz.sh "${2:-600}" ;;
  soak)
    cmake --preset ci >/dev/null
    cmake --build build -j2 --target soak
    step "soak" env SDL_VIDEODRIVER=dummy build/tests/hardening/soak --changes "${2:-10000}"
    ;;
  hostile)
    cmake --preset ci >/dev/null
    cmake --build build -j2 --target paizi
    step "hostile-server suite" python3 tests/hardening/hostile_suite.py build/paizi
    ;;
  player)
    cmake --preset ci >/dev/null
    cmake --build build -j2 --target paizi
    step "hostile-server suite against the player" env SDL_VIDEODRIVER=dummy \
      python3 tests/hardening/hostile_player.py build/paizi
    step "pinned images tampered with" env SDL_VIDEODRIVER=dummy \
      python3 tests/hardening/hostile_pins.py build/paizi
    ;;
  *)
    echo "usage: tools/hardening.sh ci|asan|fuzz [SECONDS]|soak [CHANGES]|hostile|player" >&2
    exit 2
    ;;
esac
