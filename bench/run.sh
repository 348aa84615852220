#!/usr/bin/env bash
# Builds and runs the benchmarks, printing the Markdown report that
# bench/RESULTS.md records. Usage: bash bench/run.sh > /tmp/report.md
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build.sh >/dev/null
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
echo
./build/bench/bench_foundation
echo
./build/bench/bench_codegen
echo
# TF Lite Micro's person_detect, when the peer model is beside the project.
if [ -f ../shared/models/person_detect.tflite ]; then export MCUNET_PERSON_DETECT=../shared/models/person_detect.tflite; fi
./build/bench/bench_virtual_board virtual-m7
echo
./build/bench/bench_virtual_board virtual-m4
echo
./build/bench/bench_latency_model virtual-m7
echo
./build/bench/bench_latency_model virtual-m4
echo
bash bench/train_speed.sh
