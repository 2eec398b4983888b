#!/usr/bin/env bash
# Telephone audio quality: the default voice at its own rate, Hark's 8 kHz
# mu-law (rubato FFT resampling + the telephone emphasis, a +4 dB shelf
# above 1.5 kHz), and sox's plain 8 kHz mu-law of the same rendering as the
# peer; Whisper word error rate and DNSMOS of each (../shared/asr-eval).
# Noise scales are 0 so every row is the same rendering.
#
#   bench/telephony.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export HARK_HOME=${HARK_HOME:-$ROOT/.hark}
ASR=$ROOT/../shared/asr-eval
OUT=$ROOT/bench/out/telephony
rm -rf "$OUT"; mkdir -p "$OUT"
(cd "$ROOT" && cargo build --release -q -p hark)
H=$ROOT/target/release/hark
i=0
while IFS=$'\t' read -r _ text; do
  i=$((i + 1))
  "$H" generate -p "$text" --noise-scale 0 --noise-w 0 -o "$OUT/native$i.wav" 2>/dev/null
  "$H" generate -p "$text" --noise-scale 0 --noise-w 0 --container wav --encoding pcm_mulaw \
    --sample-rate 8000 -o "$OUT/hark$i.wav" 2>/dev/null
  sox "$OUT/native$i.wav" -r 8000 -e mu-law "$OUT/sox$i.wav"
  for v in native hark sox; do printf '%s\t%s\n' "$OUT/$v$i.wav" "$text" >> "$OUT/$v.tsv"; done
done < "$ASR/sentences.tsv"
echo
echo "| rendering | WER (whisper normalizer) | DNSMOS OVRL / SIG / BAK |"
echo "|---|---|---|"
for v in native hark sox; do
  wer=$("$ASR/wer" --tsv "$OUT/$v.tsv" 2>/dev/null | sed -n 's/^overall WER \([0-9.]*%\).*/\1/p')
  mos=$("$ASR/mos" "$OUT"/$v[0-9]*.wav 2>/dev/null | awk '/^mean/ {print $3 " / " $5 " / " $7}')
  case $v in
    native) name="Joe at 22.05 kHz (reference)" ;;
    hark) name="Hark 8 kHz mu-law (resampled, telephone emphasis)" ;;
    sox) name="sox 8 kHz mu-law of the same audio (peer)" ;;
  esac
  echo "| $name | $wer | $mos |"
done
