#!/usr/bin/env bash
# Regenerates the pictures of docs/tutorial.md: runs the screenshot test
# (tests/ui/test_screenshots.cpp renders every step of the studio into
# build/screenshots/) under xvfb-run, then copies the pictures the tutorial
# shows into docs/tutorial/, 1200 pixels wide. Run after the studio's look
# changes, from a built tree (bash packaging/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-run" ]; then
  QT_QPA_PLATFORM=xcb MCUNET_RESOURCES="$PWD/resources" \
    xvfb-run -a -s "-screen 0 1600x1000x24" ./build/tests/test_ui_screenshots
fi
mkdir -p docs/tutorial
for picture in $(grep -o 'tutorial/[0-9a-z-]*\.png' docs/tutorial.md | sort -u); do
  convert "build/screenshots/$(basename "$picture")" -resize 1200x -strip -colors 256 "PNG8:docs/$picture"
done
bash tools/check-tutorial-pictures.sh
