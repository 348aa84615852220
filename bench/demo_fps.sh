#!/usr/bin/env bash
# The live demo's speed (issue 22): `mcunet demo` on the sample clip, on the
# host (the generated C, kept running) and on the virtual boards (the
# firmware in QEMU over the link), for the bundled fashion-MNIST model and a
# vww1-sized model (the mcunet-vww1 preset, gray, trained two steps: its
# speed, not its accuracy, is measured). The host run is the baseline the
# virtual boards are compared with, in the same run. Frames per second are
# the demo's own (source read, preprocessing, inference, label), as fast as
# it goes (the CLI does not pace a file).
# Usage: bash bench/demo_fps.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/mcunet-bench-demo}
M=${MCUNET:-./build/app/mcunet}
mkdir -p "$OUT"
export XDG_CACHE_HOME="$OUT/cache"
if [ ! -f "$OUT/vww1/model.json" ]; then
  $M train --data fashion-mnist --preset mcunet-vww1 --channels 1 --epochs 1 --max-steps 2 \
    --train-per-class 20 --test-per-class 5 --out "$OUT/vww1" --force > "$OUT/vww1-train.log"
fi
for model in sample "$OUT/vww1"; do
  for target in host virtual-m4 virtual-m7; do
    frames=300; [ "$target" != host ] && frames=60
    $M demo --model "$model" --source sample --target "$target" --frames "$frames" --json > "$OUT/run.jsonl"
    python3 - "$OUT/run.jsonl" "$model" "$target" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
frames = [e for e in ev if e["event"] == "frame"]
done = [e for e in ev if e["event"] == "done"][0]
start = [e for e in ev if e["event"] == "start"][0]
warm = frames[5:] or frames  # the first frames include the target's start
ms = sum(f["target_seconds"] for f in warm) / len(warm) * 1000
line = "%-28s %-11s input %dx%dx%d  %6.1f frames/s  %8.2f ms per request" % (
    sys.argv[2].split("/")[-1], sys.argv[3], start["input"]["resolution"], start["input"]["resolution"],
    start["input"]["channels"], done["frames_per_second"], ms)
if "instructions" in warm[-1]:
    line += "  %s instructions, %.2f ms on the MCU" % (format(warm[-1]["instructions"], ","), warm[-1]["latency_ms"])
print(line)
PY
  done
done
