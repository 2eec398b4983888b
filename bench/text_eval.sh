#!/usr/bin/env bash
# Intelligibility of written forms (numbers, money, dates, units...): each
# sentence of bench/text_eval.tsv spoken by Joe with and without Hark's text
# normalization, transcribed by Whisper (../shared/asr-eval), word error rate
# per run. Not a test: prints the two overall figures and the worst sentences.
#
#   bench/text_eval.sh [TSV]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TSV=${1:-$ROOT/bench/text_eval.tsv}
WER="$ROOT/../shared/asr-eval/wer"
OUT=$ROOT/bench/out/text_eval
rm -rf "$OUT"; mkdir -p "$OUT"
(cd "$ROOT" && cargo build --release -q -p hark)
HARK="$ROOT/target/release/hark"
: > "$OUT/before.tsv"; : > "$OUT/after.tsv"
while IFS=$'\t' read -r id text; do
  [ -z "$id" ] && continue
  "$HARK" generate -q --noise-w 0 --sample-rate 16000 --no-normalize -p "$text" -o "$OUT/$id.before.wav"
  "$HARK" generate -q --noise-w 0 --sample-rate 16000 -p "$text" -o "$OUT/$id.after.wav"
  printf '%s\t%s\n' "$OUT/$id.before.wav" "$text" >> "$OUT/before.tsv"
  printf '%s\t%s\n' "$OUT/$id.after.wav" "$text" >> "$OUT/after.tsv"
done < "$TSV"
"$WER" --tsv "$OUT/before.tsv" --json "$OUT/before.json" > "$OUT/before.txt" 2>&1
"$WER" --tsv "$OUT/after.tsv" --json "$OUT/after.json" > "$OUT/after.txt" 2>&1
echo "sentences: $(grep -c . "$TSV")"
echo "before (no normalization): $(grep 'overall WER' "$OUT/before.txt")"
echo "after  (Hark's frontend):  $(grep 'overall WER' "$OUT/after.txt")"
python3 - "$OUT/after.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d.get("files", [])
bad = [r for r in rows if r.get("whisper", {}).get("wer", 0) > 0]
print(f"sentences with errors after: {len(bad)}")
for r in sorted(bad, key=lambda r: -r["whisper"]["wer"])[:15]:
    w = r["whisper"]
    print(f"  {w['wer']*100:.0f}%  ref: {r['ref']}\n        hyp: {r['hyp']}\n        normalized: {w.get('ref_norm')} | {w.get('hyp_norm')}")
PY
