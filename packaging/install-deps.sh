#!/usr/bin/env bash
# Installs every Debian 12 package MCUNet Studio needs to build and test.
# Idempotent and non-interactive: packages already present are skipped, and
# nothing is downloaded when everything is there. Run as root (or via sudo).
set -euo pipefail

# What each package is for: see README.md, section "Dependencies".
PACKAGES=(
  build-essential   # gcc/g++ 12 (C++20)
  cmake             # build system (3.25), CTest runs the suite
  ninja-build       # fast builds, used by CMakePresets.json
  ccache            # compiler cache: cheap rebuilds and CI runs
  pkg-config        # finds libraries without CMake configs
  nlohmann-json3-dev  # JSON for architecture, board, plan and CLI output
  libcli11-dev      # CLI11 (header-only): command lines of mcunet and mcunet-train
  qt6-base-dev      # Qt 6 (Qt Test for the suite; Widgets for the studio)
  qt6-svg-dev       # the studio: SVG export of every chart (QSvgGenerator)
  qt6-multimedia-dev  # the studio: the microphone of the wake-word demo (QAudioSource)
  libqcustomplot-dev  # the studio's charts (QCustomPlot header and CMake config)
  libqcustomplot2.1-qt6  # QCustomPlot built against Qt 6 (libqcustomplot-dev alone is the Qt 5 build)
  xvfb              # virtual X server: the screenshot test and the studio on machines without a display
  xauth             # needed by xvfb-run
  imagemagick       # inspecting the studio's screenshots (import, identify)
  gcc-arm-none-eabi       # cross compiler: generated code for Cortex-M4/M7
  libnewlib-arm-none-eabi # C library for the Cortex-M builds
  binutils-arm-none-eabi  # objdump/size for the Cortex-M builds
  qemu-system-arm         # the virtual boards: real firmware on emulated Cortex-M7/M4
  flatbuffers-compiler    # flatc: compiles our TF Lite schema subset (.tflite export)
  libflatbuffers-dev      # flatbuffers C++ headers (.tflite export)
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22  # Arm NN: independent engine for the .tflite cross-check
  libtorch-dev            # libtorch (CPU): supernet and network training, only in core/nas
  libopencv-dev           # OpenCV core/imgproc/imgcodecs: decoding and resizing image-folder datasets (core/data)
  libopenmpi-dev openmpi-bin  # Open MPI: data-parallel training (mpirun -np N mcunet train)
  zlib1g-dev              # zlib: reading the gzip-compressed IDX files in place
  dataset-fashion-mnist   # Fashion-MNIST IDX files: the default demo data and the training tests' data
  libusb-1.0-0-dev        # libusb-1.0: USB discovery, hot-plug and DfuSe flashing of real boards (core/device)
  libstlink-dev stlink-tools  # libstlink: flashing STM32 boards through their ST-LINK (core/device); st-flash by hand
  umockdev libumockdev-dev  # emulated USB devices beneath libusb for the core/device tests (umockdev-wrapper)
  dfu-util                # cross-checks the tests' DfuSe simulator; flashes DFU boards by hand too
  libkissfft-dev          # kissfft: the real FFT of the MFCC front end (core/audio)
  libsoxr-dev             # libsoxr: resampling WAV files and microphones to 16 kHz (core/audio)
  espeak-ng sox           # the synthesized keyword-spotting dataset (tools/make-kws-dataset.sh) and its test
  dpkg-dev                # packaging: dpkg-shlibdeps computes the .deb's library dependencies (CPack)
  desktop-file-utils      # packaging: desktop-file-validate checks the menu entry
  appstream               # packaging: appstreamcli validates the AppStream metadata
  groff-base              # packaging: the manual pages are rendered with warnings on (groff -ww)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
