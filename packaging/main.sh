#!/usr/bin/env bash
# Quick start, the main job: install what is missing, build, and run TinyNAS
# stage 1 (search-space optimization) for the default board, printing the
# chosen space. Extra arguments go to `mcunet space`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
bash packaging/build.sh
exec ./build/app/mcunet space --board stm32f746g-disco "$@"
