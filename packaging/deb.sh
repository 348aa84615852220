#!/usr/bin/env bash
# Builds MCUNet Studio's Debian packages and checks them:
#   build/packages/mcunet-studio_VERSION_ARCH.deb        the studio and the command line
#   build/packages/mcunet-studio-train_VERSION_ARCH.deb  training and search (libtorch)
# Installs the build dependencies first (as the README's commands do). Then
# `sudo apt install ./build/packages/*.deb` installs both. docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
bash packaging/make-deb.sh build build/packages
bash packaging/check-deb.sh build/packages
