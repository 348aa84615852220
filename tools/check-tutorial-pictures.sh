#!/usr/bin/env bash
# test_tutorial_pictures: every picture docs/tutorial.md shows is in
# docs/tutorial/ and is one the screenshot test renders (so
# tools/update-tutorial-pictures.sh can regenerate it), and no picture there
# is left unused.
set -euo pipefail
cd "$(dirname "$0")/.."
shown=$(grep -o 'tutorial/[0-9a-z-]*\.png' docs/tutorial.md | sort -u)
[ -n "$shown" ] || { echo "docs/tutorial.md shows no picture" >&2; exit 1; }
for picture in $shown; do
  name=$(basename "$picture" .png)
  [ -f "docs/$picture" ] || { echo "docs/$picture: missing (tools/update-tutorial-pictures.sh)" >&2; exit 1; }
  grep -q "shoot(\"$name\"" tests/ui/test_screenshots.cpp ||
    { echo "$name: the screenshot test does not render it" >&2; exit 1; }
done
for file in docs/tutorial/*.png; do
  grep -q "tutorial/$(basename "$file")" docs/tutorial.md || { echo "$file: not shown in docs/tutorial.md" >&2; exit 1; }
done
echo "tutorial pictures: $(echo "$shown" | wc -l) shown, all rendered by the screenshot test"
