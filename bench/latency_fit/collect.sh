#!/bin/bash
# usage (from this folder): bash collect.sh BOARD TAG [deploy args...]
#   -> raw/BOARD/TAG/{profile.json,plan.json,model.c,stderr}, one deploy at a time
set -u
BOARD=$1; TAG=$2; shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
MCUNET=${MCUNET:-$HERE/../../build/app/mcunet}
mkdir -p "$HERE/tmp" "$HERE/state"
export TMPDIR=$HERE/tmp XDG_STATE_HOME=$HERE/state
OUT=$HERE/raw/$BOARD/$TAG
[ -s $OUT/profile.json ] && { echo "skip $TAG"; exit 0; }
mkdir -p $OUT
"$MCUNET" deploy "$@" --board $BOARD --profile --runs 1 --json > $OUT/profile.json 2> $OUT/stderr
rc=$?
DIR=$(python3 -c "import json,sys;print(json.load(open('$OUT/profile.json'))['directory'])" 2>/dev/null)
if [ -n "$DIR" ] && [ -d "$DIR" ]; then cp $DIR/plan.json $DIR/model.c $OUT/; rm -rf "$DIR"; fi
echo "$TAG rc=$rc $(python3 -c "import json;d=json.load(open('$OUT/profile.json'));print(d['instructions'], d['profile']['estimated_instructions'])" 2>/dev/null)"
