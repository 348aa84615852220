#!/usr/bin/env bash
# Configures and builds with the default CMake preset (Ninja, RelWithDebInfo,
# ccache when present) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default
cmake --build --preset default -j "$(nproc)"
