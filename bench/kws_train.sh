#!/usr/bin/env bash
# Keyword spotting (issue 22): the synthesized twelve-class dataset
# (tools/make-kws-dataset.sh; test speakers never heard in training), two
# keyword networks trained the same way in the same run: MLPerf Tiny's DS-CNN
# (64 filters, 4 blocks) as the baseline and ds-cnn-s (32 filters, 3 blocks,
# the bundled sample model's network). Accuracy on every test clip, float and
# int8; int8 outputs compared with the virtual board on 120 clips; then the
# wake-word demo on the sample recording (ten words) on the host and on
# virtual-m4: words heard, windows per second, instructions per window.
# Usage: bash bench/kws_train.sh [OUT] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/mcunet-bench-kws}
EPOCHS=${2:-30}
M=${MCUNET:-./build/app/mcunet}
mkdir -p "$OUT"
export XDG_CACHE_HOME="$OUT/cache"
[ -f "$OUT/data/dataset.json" ] || bash tools/make-kws-dataset.sh "$OUT/data" --takes 6 --seed 7 > "$OUT/data.log"
for net in ds-cnn ds-cnn-s; do
  if [ ! -f "$OUT/$net/model.json" ]; then
    /usr/bin/time -f "%e" -o "$OUT/$net.seconds" \
      $M train --data "$OUT/data" --preset "$net" --epochs "$EPOCHS" --seed 1 --out "$OUT/$net" --force --json > "$OUT/$net-train.jsonl"
  fi
  $M eval --model "$OUT/$net" --data "$OUT/data" --board virtual-m4 --board-images 120 --json > "$OUT/$net-eval.json"
  python3 - "$OUT/$net-eval.json" "$net" "$(cat "$OUT/$net.seconds")" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
acc = {x["engine"]: x for x in e["engines"]}
print("%-9s float %.2f%%  int8 %.2f%% on %d test clips; int8 identical on host C and virtual-m4 (%d clips): %s; trained in %s s" % (
    sys.argv[2], 100 * acc["float"]["accuracy"], 100 * acc["int8-reference"]["accuracy"], acc["float"]["images"],
    e["board_images"], e["int8_outputs_identical"], sys.argv[3]))
PY
  for target in host virtual-m4; do
    $M demo --model "$OUT/$net" --source sample-kws --target "$target" --json > "$OUT/$net-$target.jsonl"
    python3 - "$OUT/$net-$target.jsonl" "$net" "$target" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
words = [e["word"] for e in ev if e["event"] == "word"]
done = [e for e in ev if e["event"] == "done"][0]
windows = [e for e in ev if e["event"] == "window"]
line = "%-9s %-10s heard %s; %.0f windows/s (%.1f s of sound in %.2f s)" % (
    sys.argv[2], sys.argv[3], " ".join(words), done["windows"] / done["seconds"], done["sound_seconds"], done["seconds"])
if "instructions" in windows[-1]:
    line += "; %s instructions per window, %.2f ms on the MCU" % (format(windows[-1]["instructions"], ","), windows[-1]["latency_ms"])
print(line)
PY
  done
done
