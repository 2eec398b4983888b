#!/usr/bin/env bash
# Spanish written forms (numbers, money, dates, times, units) read by a
# Spanish voice with and without Hark's normalization, transcribed by
# Whisper in Spanish (the asr-eval models and venv; its `wer` tool is
# English-only), word error rate after spelling out the digits on both
# sides with num2words, so "7:30" and "siete y media" compare as words.
#
#   bench/text_eval_es.sh [VOICE]      (default: the first Spanish voice)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VOICE=${1:-}
TSV=$ROOT/bench/text_eval_es.tsv
PY=${ASR_HOME:-$HOME/.cache/asr-eval}/venv/bin/python
[ -x "$PY" ] || { echo "run ../shared/asr-eval/setup.sh first" >&2; exit 2; }
OUT=$ROOT/bench/out/text_eval_es
rm -rf "$OUT"; mkdir -p "$OUT"
(cd "$ROOT" && cargo build --release -q -p hark)
HARK="$ROOT/target/release/hark"
voice_args=(--language es)
[ -n "$VOICE" ] && voice_args=(--voice "$VOICE")
: > "$OUT/cases.tsv"
while IFS=$'\t' read -r id text; do
  [ -z "$id" ] && continue
  "$HARK" generate -q "${voice_args[@]}" --sample-rate 16000 --no-normalize -p "$text" -o "$OUT/$id.before.wav"
  "$HARK" generate -q "${voice_args[@]}" --sample-rate 16000 -p "$text" -o "$OUT/$id.after.wav"
  printf '%s\t%s\n' "$id" "$text" >> "$OUT/cases.tsv"
done < "$TSV"
"$PY" - "$OUT" <<'PY'
import os, re, sys, unicodedata
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from faster_whisper import WhisperModel
from num2words import num2words
out = sys.argv[1]
home = os.environ.get("ASR_HOME") or os.path.expanduser("~/.cache/asr-eval")
model = WhisperModel(os.path.join(home, "models", "whisper-base"), device="cpu", compute_type="int8")

def words(s):
    s = s.lower().replace("€", " euros ").replace("$", " dólares ").replace("%", " por ciento ")
    s = re.sub(r"(\d+),(\d+)", r"\1 coma \2", s)
    s = re.sub(r"(\d)\.(\d{3})", r"\1\2", s)
    s = re.sub(r"\d+", lambda m: " " + num2words(int(m.group()), lang="es") + " ", s)
    s = unicodedata.normalize("NFC", s)
    return re.findall(r"[a-záéíóúüñ]+", s)

def dist(a, b):
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[len(b)]

totals = {"before": [0, 0], "after": [0, 0]}
for line in open(os.path.join(out, "cases.tsv"), encoding="utf-8"):
    cid, text = line.rstrip("\n").split("\t", 1)
    ref = words(text)
    for kind in ("before", "after"):
        segs, _ = model.transcribe(os.path.join(out, f"{cid}.{kind}.wav"), language="es", beam_size=5)
        hyp_text = " ".join(s.text for s in segs).strip()
        e = dist(ref, words(hyp_text))
        totals[kind][0] += e; totals[kind][1] += len(ref)
        if kind == "after" and e:
            print(f"  {cid}: {e} errors\n    ref: {text}\n    hyp: {hyp_text}")
for kind, (e, n) in totals.items():
    print(f"{kind:6}: WER {100*e/max(n,1):.1f}% ({e}/{n} words)")
PY
