#!/usr/bin/env bash
# The accuracy benchmark: all of fashion-MNIST (60k train, 10k test), an
# mcunet-vww1-shaped network scaled to fit a Cortex-M4 with 128 kB SRAM and
# 512 kB Flash (R 32, 1 channel, W 0.4), trained, quantized, measured on all
# 10k test images (float and int8) and on the virtual board (200 images).
# Takes about 20-30 minutes on 2 cores. Usage: bash bench/train_fashion.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/mcunet-bench-fashion}
M=./build/app/mcunet
ARCH=$(mktemp /tmp/mcunet-vww1-fashion-XXXXXX.json)
trap 'rm -f "$ARCH"' EXIT
$M preset mcunet-vww1 --out "$ARCH" >/dev/null
python3 - "$ARCH" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a.update(name="vww1-fashion-r32-w0.4", resolution=32, input_channels=1, num_classes=10, width_multiplier=0.4)
json.dump(a, open(sys.argv[1], "w"), indent=1)
PY
rm -rf "$OUT" "$OUT.training"
$M cost "$ARCH" --board virtual-m4 --json | python3 -c "import json,sys; d=json.load(sys.stdin); print('network:', d['macs'], 'MACs, peak SRAM', d['peak_sram_bytes'], 'B, Flash', d['flash_bytes'], 'B')"
/usr/bin/time -f "training wall time %e s" $M train --data fashion-mnist --arch "$ARCH" --board virtual-m4 --sram 128 --flash 512 \
  --epochs 15 --batch 64 --threads 2 --out "$OUT"
$M eval --model "$OUT" --data fashion-mnist --board virtual-m4 --sram 128 --flash 512 --board-images 200
