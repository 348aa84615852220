#!/usr/bin/env bash
# Usage: check-deb.sh DIR: checks the two packages in DIR as an installed
# system would use them, without installing them: each is unpacked into a
# temporary root, then
#   - the control fields: the computed library dependencies are there;
#   - every file the issue asks for is in the right package;
#   - the desktop entry and the AppStream metadata validate, every manual
#     page renders without a warning, the bash completion completes;
#   - the unpacked programs, started from another folder, find their
#     resources and documentation under their own prefix (never this
#     source tree), print their version, list the boards, generate and
#     build C for the host and run it, and reach mcunet-train.
set -euo pipefail
dir=$(realpath "$1")
studio=$(ls "$dir"/mcunet-studio_*.deb)
train=$(ls "$dir"/mcunet-studio-train_*.deb)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }

depends=$(dpkg-deb -f "$studio" Depends)
[[ "$depends" == *libqt6widgets6* && "$depends" == *libc6* ]] || fail "mcunet-studio: Depends lacks the computed libraries: $depends"
tdepends=$(dpkg-deb -f "$train" Depends)
[[ "$tdepends" == *"mcunet-studio (="* && "$tdepends" == *libtorch* ]] || fail "mcunet-studio-train: Depends: $tdepends"
train_files=$(dpkg-deb -c "$train")
studio_files=$(dpkg-deb -c "$studio")
[[ "$train_files" == *"./usr/bin/mcunet-train"* ]] || fail "mcunet-train is not in mcunet-studio-train"
[[ "$studio_files" != *"./usr/bin/mcunet-train"* ]] || fail "mcunet-train is in mcunet-studio too"

dpkg-deb -x "$studio" "$root"
dpkg-deb -x "$train" "$root"
u=$root/usr
for f in bin/mcunet bin/mcunet-studio bin/mcunet-train \
         share/applications/org.mcunetstudio.Studio.desktop share/metainfo/org.mcunetstudio.Studio.metainfo.xml \
         share/icons/hicolor/scalable/apps/mcunet-studio.svg share/icons/hicolor/48x48/apps/mcunet-studio.png \
         share/icons/hicolor/256x256/apps/mcunet-studio.png share/mime/packages/mcunet-studio.xml \
         share/man/man1/mcunet.1.gz share/man/man1/mcunet-deploy.1.gz share/man/man1/mcunet-studio.1.gz \
         share/man/man1/mcunet-train.1.gz share/bash-completion/completions/mcunet lib/udev/rules.d/49-mcunet.rules \
         share/doc/mcunet-studio/README.md share/doc/mcunet-studio/copyright \
         share/mcunet-studio/resources/boards/virtual-m4.json share/mcunet-studio/resources/projects; do
  [ -e "$u/$f" ] || fail "missing /usr/$f"
done

desktop-file-validate "$u/share/applications/org.mcunetstudio.Studio.desktop"
appstreamcli validate --no-net "$u/share/metainfo/org.mcunetstudio.Studio.metainfo.xml" > /dev/null
for page in "$u"/share/man/man1/*.1.gz; do
  warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1 || true)
  [ -z "$warnings" ] || fail "$(basename "$page"): $warnings"
done
completed=$(bash -c 'source "$1"; COMP_WORDS=(mcunet dep); COMP_CWORD=1; _mcunet; echo "${COMPREPLY[@]}"' _ \
            "$u/share/bash-completion/completions/mcunet")
[ "$completed" = "deploy" ] || fail "bash completion of 'mcunet dep' gave '$completed'"
completed=$(bash -c 'source "$1"; COMP_WORDS=(mcunet deploy --board virtual-m); COMP_CWORD=3; _mcunet; echo "${COMPREPLY[@]}"' _ \
            "$u/share/bash-completion/completions/mcunet")
[ "$completed" = "virtual-m4 virtual-m7" ] || fail "bash completion of '--board virtual-m' gave '$completed'"

work=$(mktemp -d -p "$root")
cd "$work"
unset MCUNET_RESOURCES MCUNET_TRAIN
version=$("$u/bin/mcunet" --version)
[[ "$version" == *"resources: $u/share/mcunet-studio/resources"* ]] || fail "mcunet --version: $version"
studio_version=$(QT_QPA_PLATFORM=offscreen "$u/bin/mcunet-studio" --version 2>/dev/null)
[[ "$studio_version" == "MCUNet Studio 0"* ]] || fail "mcunet-studio --version: $studio_version"
[[ "$("$u/bin/mcunet" boards)" == *virtual-m4* ]] || fail "mcunet boards"
model=$u/share/mcunet-studio/resources/models/fashion-mnist
"$u/bin/mcunet" codegen --model "$model" --board virtual-m4 --out gen > /dev/null || fail "mcunet codegen"
head -c 1024 /dev/zero > input.bin  # the sample model's 32 x 32 x 1 input
"$u/bin/mcunet" run gen --input input.bin > /dev/null || fail "mcunet run of the generated project"
# The firmware sources come from the program: a virtual board is built, flashed and profiled.
"$u/bin/mcunet" deploy --model "$model" --board virtual-m4 --profile --runs 1 --json > deploy.json || fail "mcunet deploy"
grep -Eq '"outputs_match_reference": ?true' deploy.json || fail "mcunet deploy: the board's output differs: $(head -c 400 deploy.json)"
[[ "$("$u/bin/mcunet" train --help)" == *--supernet* ]] || fail "mcunet train --help"
echo "check-deb: both packages are complete and work from $root/usr"
