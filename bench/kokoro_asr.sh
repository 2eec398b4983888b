#!/usr/bin/env bash
# Intelligibility of every English Kokoro voice (28): each says the same plain
# sentences, Whisper (../shared/asr-eval) transcribes them, and the word error
# rate is printed per voice and overall. Not in the suite (takes ~10 min on 2
# cores); the suite checks four representative voices.
#
#   bench/kokoro_asr.sh [VOICE...]      (default: every af_, am_, bf_, bm_ voice)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export HARK_HOME=${HARK_HOME:-$ROOT/.hark}
WER=${HARK_ASR_WER:-$ROOT/../shared/asr-eval/wer}
[ -x "$WER" ] || { echo "no ASR checker at $WER" >&2; exit 2; }
(cd "$ROOT" && cargo build --release -q --bin hark)
HARK=$ROOT/target/release/hark
if [ $# -gt 0 ]; then VOICES=("$@"); else
  mapfile -t VOICES < <(ls "$HARK_HOME/kokoro/voices" | sed -n 's/^\([ab][fm]_[a-z]*\)\.bin$/\1/p')
fi
TEXT="The quick brown fox jumps over the lazy dog. She opened the window and looked at the garden below. \
Please remember to bring your umbrella tomorrow morning. Our team will meet in the library after lunch. \
The river flows quietly through the old town, past the market and the church."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
: > "$DIR/cases.tsv"
for v in "${VOICES[@]}"; do
  "$HARK" generate -q --voice "$v" -p "$TEXT" --sample-rate 16000 -o "$DIR/$v.wav"
  printf '%s\t%s\n' "$DIR/$v.wav" "$TEXT" >> "$DIR/cases.tsv"
done
"$WER" --tsv "$DIR/cases.tsv" --json "$DIR/r.json" > "$DIR/log" 2>&1 || true
python3 - "$DIR/r.json" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
print("| voice | WER | errors / words |")
print("|---|---|---|")
for f in r["files"]:
    w = f["whisper"]
    print(f"| {os.path.basename(f['wav'])[:-4]} | {100*w['wer']:.1f}% | {w['S']+w['D']+w['I']} / {w['N']} |")
print(f"\noverall WER {100*r['overall_wer']['whisper']:.2f}% over {len(r['files'])} voices")
PY
