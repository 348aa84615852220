#!/usr/bin/env bash
# Training speed: our libtorch supernet step against the very same steps in
# Debian's python3-torch (same network, subnets, batch, threads), in one run.
# Usage: bash bench/train_speed.sh [threads] [batch]   (after packaging/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
BATCH=${2:-64}
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
fi
SCHEDULE=$(mktemp /tmp/mcunet-train-schedule-XXXXXX.json)
trap 'rm -f "$SCHEDULE"' EXIT
echo "### Training speed (supernet sandwich step, mcunet space R 32 W 0.5, 1 channel, batch $BATCH, $THREADS threads)"
echo
for round in 1 2; do
  ours=$(OMP_WAIT_POLICY=PASSIVE ./build/bench/bench_train --threads "$THREADS" --batch "$BATCH" --steps 30 --schedule "$SCHEDULE")
  theirs=$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/bench_train_torch.py "$SCHEDULE")
  python3 - "$ours" "$theirs" "$round" <<'PY'
import json, sys
a, b, r = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"- round {r}: libtorch C++ {a['images_per_second']:.0f} images/s, {b['engine']} {b['images_per_second']:.0f} images/s: "
      f"**{a['images_per_second'] / b['images_per_second']:.2f}x**")
PY
done
