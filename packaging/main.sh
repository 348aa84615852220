#!/usr/bin/env bash
# Quick start, the main job: install what is missing, build, and start the
# studio (mcunet-studio) on the demo project (board virtual-m7, mcunet-vww1).
# Without a display it runs under a virtual X server (xvfb-run). Extra
# arguments go to mcunet-studio (e.g. a .mcuproj file, --theme dark); without
# one it opens resources/projects/demo.mcuproj as an untitled copy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
bash packaging/build.sh
STUDIO=./build/app/studio/mcunet-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "main: no DISPLAY, starting the studio under xvfb-run (1600x1000)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$STUDIO" "$@"
fi
exec "$STUDIO" "$@"
