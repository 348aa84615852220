#!/usr/bin/env bash
# The TinyNAS benchmark: `mcunet tinynas --budget default` on all of
# fashion-MNIST (60k train, 10k test) for board virtual-m4 at two budgets,
# SRAM 128 kB / Flash 512 kB and SRAM 64 kB / Flash 256 kB. Each run's
# report.json holds, measured in that run at the same limits and epochs:
# the searched network, random search in the same space (same evaluation
# budget) and the best uniformly scaled MobileNetV2 that fits (trained from
# scratch), each quantized to int8 and scored on all 10,000 test images;
# plus the searched network's int8 accuracy on the virtual board and each
# step's wall time. About an hour per budget on 2 cores.
# Usage: [SPACE=mcunet|mcunet-mix|mbv2] bash bench/tinynas_fashion.sh [OUT] [BUDGETS]   (BUDGETS e.g. "128:512 64:256";
# SPACE: the search space, tinynas's default when unset)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/mcunet-bench-tinynas}
BUDGETS=${2:-"128:512 64:256"}
M=${MCUNET:-./build/app/mcunet}  # MCUNET / MCUNET_TRAIN: a copy of the programs, to rebuild while it runs
SPACE_ARGS=()
if [ -n "${SPACE:-}" ]; then SPACE_ARGS=(--space "$SPACE"); fi
mkdir -p "$OUT"
for b in $BUDGETS; do
  sram=${b%%:*}; flash=${b##*:}
  run="$OUT/s${sram}-f${flash}"
  echo "== tinynas default budget, virtual-m4, SRAM $sram kB, Flash $flash kB -> $run"
  /usr/bin/time -f "whole flow wall time %e s" \
    $M tinynas --data fashion-mnist --board virtual-m4 --sram "$sram" --flash "$flash" \
      --budget default "${SPACE_ARGS[@]}" --out "$run" --force
  python3 - "$run/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def pct(x): return "%.2f%%" % (100 * x)
acc = r["accuracy"]
print("searched:", r["network"]["key"], "(%d networks evaluated)" % r["network"]["networks_evaluated"],
      "float", pct(acc["float"]["accuracy"]), "int8", pct(acc["int8-reference"]["accuracy"]),
      "int8 on board", pct(acc["int8-board"]["accuracy"]), "(%d images)" % acc["int8-board"]["images"])
for name, b in r["baselines"].items():
    if "int8-reference" not in b:  # no such baseline at these limits: say why
        print("baseline %s: %s" % (name, b.get("how", "none")))
        continue
    print("baseline %s: int8 %s, margin %+.2f points" % (name, pct(b["int8-reference"]["accuracy"]), r["margins_points"][name]))
print("step seconds:", json.dumps(r["step_seconds"]))
PY
done
