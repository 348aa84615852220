#!/usr/bin/env bash
# Synthesizes a keyword-spotting dataset in the layout of Google's Speech
# Commands (docs/audio.md, "The synthesized keyword dataset"): twelve classes
# (yes no up down left right on off stop go, _silence_, _unknown_), one-second
# 16 kHz mono 16-bit WAV files, spoken by espeak-ng voices (an accent and a
# voice variant make a speaker) at varied speed and pitch, placed at a random
# time in the second and mixed by sox with white, pink or brown noise at a
# random level. Train and test speakers differ: every fifth speaker is a test
# speaker. Deterministic for a seed.
#
# Usage: bash tools/make-kws-dataset.sh OUT [--takes N] [--seed S] [--speakers K]
#   OUT          the folder to create (refused if it exists and is not empty)
#   --takes N    clips per speaker and word (default 3)
#   --seed S     random seed (default 1)
#   --speakers K speakers to use, of the 77 (default 77; the tests use fewer)
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
OUT=$1
shift
TAKES=3 SEED=1 SPEAKERS=77
while [ $# -gt 0 ]; do
  case $1 in
    --takes) TAKES=${2:-}; shift 2 ;;
    --seed) SEED=${2:-}; shift 2 ;;
    --speakers) SPEAKERS=${2:-}; shift 2 ;;
    *) echo "make-kws-dataset: unknown option $1" >&2; usage ;;
  esac
done
for v in TAKES SEED SPEAKERS; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] && [ "${!v}" -le 100000 ] ||
    { echo "make-kws-dataset: --${v,,} must be a whole number from 1 to 100000 (got '${!v}')" >&2; exit 2; }
done
for p in espeak-ng sox; do
  command -v $p >/dev/null || { echo "make-kws-dataset: $p is missing (bash packaging/install-deps.sh installs it)" >&2; exit 2; }
done
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null || echo x)" ]; then
  echo "make-kws-dataset: $OUT exists and is not empty; choose a new folder" >&2
  exit 2
fi

WORDS=(yes no up down left right on off stop go)
OTHERS=(bed bird cat dog happy house marvin sheila tree wow zero one two three four five six seven eight nine
        learn follow forward backward visual)
ACCENTS=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029)
VARIANTS=(m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4)
NOISES=(whitenoise pinknoise brownnoise)

RANDOM=$SEED
work=$(mktemp -d "${TMPDIR:-/tmp}/mcunet-kws-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

# One clip: WORD said by VOICE at SPEED words/min and PITCH (0-99), trimmed,
# placed at a random start in one second and mixed with noise.
clip() {  # out voice speed pitch word
  local out=$1 voice=$2 speed=$3 pitch=$4 word=$5
  espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$work/raw.wav" "$word"
  sox "$work/raw.wav" -r 16000 -c 1 -b 16 "$work/word.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse
  # Longer than 0.9 s (a slow voice): sped up to fit.
  local length
  length=$(soxi -D "$work/word.wav")
  if awk "BEGIN{exit !($length > 0.9)}"; then
    sox "$work/word.wav" "$work/fit.wav" tempo "$(awk "BEGIN{print $length / 0.9}")"
    mv "$work/fit.wav" "$work/word.wav"
    length=$(soxi -D "$work/word.wav")
  fi
  local room start
  room=$(awk "BEGIN{print 1.0 - $length}")
  start=$(awk "BEGIN{print $room * $((RANDOM % 1000)) / 1000}")
  noise "$work/noise.wav"
  sox "$work/word.wav" "$work/placed.wav" pad "$start"  # the mix below fills the rest of the second
  sox -m -v 1 "$work/placed.wav" -v 1 "$work/noise.wav" -b 16 "$out" trim 0 1
}

noise() {  # out: one second of noise at a random level (about -46 to -20 dBFS)
  local kind=${NOISES[$((RANDOM % 3))]} level
  level=$(awk "BEGIN{print 0.005 + 0.095 * $((RANDOM % 1000)) / 1000}")
  sox -n -r 16000 -c 1 -b 16 "$1" synth 1 "$kind" vol "$level"
}

speakers=()
for a in "${ACCENTS[@]}"; do for v in "${VARIANTS[@]}"; do speakers+=("$a+$v"); done; done
speakers=("${speakers[@]:0:$SPEAKERS}")
echo "make-kws-dataset: ${#speakers[@]} speakers, $TAKES takes per word, seed $SEED -> $OUT"

for i in "${!speakers[@]}"; do
  voice=${speakers[$i]}
  split=train
  [ $((i % 5)) -eq 4 ] && split=test
  name=${voice//+/_}
  for word in "${WORDS[@]}"; do
    mkdir -p "$OUT/$split/$word"
    for t in $(seq 1 "$TAKES"); do
      clip "$OUT/$split/$word/${name}_$t.wav" "$voice" $((120 + RANDOM % 100)) $((20 + RANDOM % 60)) "$word"
    done
  done
  # _unknown_: other words, as many clips per speaker as one keyword gets.
  mkdir -p "$OUT/$split/_unknown_" "$OUT/$split/_silence_"
  for t in $(seq 1 "$TAKES"); do
    other=${OTHERS[$((RANDOM % ${#OTHERS[@]}))]}
    clip "$OUT/$split/_unknown_/${name}_${other}_$t.wav" "$voice" $((120 + RANDOM % 100)) $((20 + RANDOM % 60)) "$other"
    noise "$OUT/$split/_silence_/${name}_$t.wav"
  done
done

{
  echo '{"format": "mcunet-kws-dataset", "version": 1,'
  echo " \"seed\": $SEED, \"takes\": $TAKES, \"sample_rate\": 16000, \"seconds\": 1,"
  printf ' "classes": ["%s"],\n' "$(IFS=,; echo "${WORDS[*]}" | sed 's/,/", "/g')\", \"_silence_\", \"_unknown_"
  printf ' "speakers": {"train": ['
  sep=""
  for i in "${!speakers[@]}"; do [ $((i % 5)) -ne 4 ] && printf '%s"%s"' "$sep" "${speakers[$i]}" && sep=", "; done
  printf '], "test": ['
  sep=""
  for i in "${!speakers[@]}"; do [ $((i % 5)) -eq 4 ] && printf '%s"%s"' "$sep" "${speakers[$i]}" && sep=", "; done
  echo ']}}'
} > "$OUT/dataset.json"
for s in train test; do
  echo "make-kws-dataset: $s: $(find "$OUT/$s" -name '*.wav' | wc -l) clips"
done
