#!/usr/bin/env bash
# Teach-your-own from capture to live (issue 22): three classes x 30
# pictures captured from "camera" clips (bench_teach_clips: fashion-MNIST
# trousers, sneakers and bags), a network trained on them as the studio's
# Teach panel does (mbv2-w0.1-r32, RGB, 100 epochs, batch 16), then live on a
# held-out clip of 120 other images on the host and on virtual-m4. Prints the
# wall time of each step and the held-out accuracy; the baseline of the same
# run is the bundled sample model (the same network, trained on all 60,000
# fashion-MNIST training images of ten classes) on the same held-out clip.
# Usage: bash bench/teach.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/mcunet-bench-teach}
M=${MCUNET:-./build/app/mcunet}
CLIPS=${CLIPS:-./build/bench/bench_teach_clips}
rm -rf "$OUT"
mkdir -p "$OUT"
export XDG_CACHE_HOME="$OUT/cache"
$CLIPS "$OUT/clips" > /dev/null
now() { date +%s.%N; }
t0=$(now)
for c in trouser sneaker bag; do
  $M capture --source "$OUT/clips/$c.mkv" --class "$c" --frames 30 --every 3 --out "$OUT/taught" > /dev/null
done
t1=$(now)
$M train --data "$OUT/taught" --preset mbv2-w0.1-r32 --channels 3 --epochs 100 --batch 16 \
  --out "$OUT/model" --json > "$OUT/train.jsonl"
t2=$(now)
$M demo --model sample --source "$OUT/clips/held-out.mkv" --target host --json > "$OUT/demo-sample.jsonl"
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
truth = [l.strip() for l in open(out + "/clips/held-out.txt")]
frames = [json.loads(l) for l in open(out + "/demo-sample.jsonl") if l.strip()]
frames = [f for f in frames if f["event"] == "frame"]
right = sum(f["label"].lower() == truth[f["frame"]] for f in frames)
print("baseline, the bundled model (60,000 pictures, 10 classes) on the held-out clip: %d of %d (%.1f%%)"
      % (right, len(frames), 100.0 * right / len(frames)))
PY
for target in host virtual-m4; do
  s=$(now)
  $M demo --model "$OUT/model" --source "$OUT/clips/held-out.mkv" --target "$target" --json > "$OUT/demo-$target.jsonl"
  e=$(now)
  python3 - "$OUT" "$target" "$s" "$e" "$t0" "$t1" "$t2" <<'PY'
import json, sys
out, target, s, e, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
truth = [l.strip() for l in open(out + "/clips/held-out.txt")]
ev = [json.loads(l) for l in open(out + "/demo-%s.jsonl" % target) if l.strip()]
frames = [x for x in ev if x["event"] == "frame"]
right = sum(f["label"] == truth[f["frame"]] for f in frames)
done = [x for x in ev if x["event"] == "done"][-1]
train = [json.loads(l) for l in open(out + "/train.jsonl") if l.strip()]
fin = [x for x in train if x.get("event") == "done"][-1]
if target == "host":
    print("capture 3 x 30 pictures (from files): %.1f s" % (t1 - t0))
    print("train (mbv2-w0.1-r32, 100 epochs): %.1f s; int8 %.1f%% on %d held-out pictures"
          % (t2 - t1, 100 * fin["int8_accuracy"], fin["test_images"]))
    print("capture to model: %.1f s" % (t2 - t0))
print("%-10s held-out clip: %d of %d frames right (%.1f%%), %.1f frames/s, demo wall %.1f s (build and start included)"
      % (target, right, len(frames), 100.0 * right / len(frames), done["frames_per_second"], e - s))
PY
done
