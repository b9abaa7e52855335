#!/usr/bin/env bash
# The two commands of the README.
#   tools/dev.sh demo  - install what is missing, build, play the bundled demo
#                        (a window if there is a display, else PNGs headless)
#   tools/dev.sh test  - install what is missing, build with warnings as
#                        errors, run the whole test suite (CTest + Catch2)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  demo)
    tools/install-deps.sh build lib run
    cmake --preset default >/dev/null
    cmake --build --preset default
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "paizi: playing playlists/demo.json in a window (Esc or q quits)"
      exec build/paizi play playlists/demo.json --window 1280x720
    fi
    out=demo-out
    rm -rf "$out"
    echo "paizi: no display found; rendering every demo slide headless into $out/:"
    build/paizi render playlists/demo.json --all --size 1920x1080 -o "$out"
    ;;
  test)
    tools/install-deps.sh build lib run test bench fuzz
    cmake --preset ci >/dev/null
    cmake --build --preset ci
    ctest --preset ci -j2
    # Hardening (issue 8): fuzz targets briefly, the suite under ASan+UBSan.
    tools/hardening.sh ci
    ;;
  *)
    echo "usage: tools/dev.sh demo|test" >&2
    exit 2
    ;;
esac
