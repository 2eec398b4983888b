#!/usr/bin/env bash
# Engine benchmark, Hark beside Python piper-tts 1.8.0 on the same voice and
# texts, in one run on this machine. Not a test: it prints figures.
#
#   bench/engine.sh [REPS]        (default 5; run on an otherwise idle machine)
#
# Measures: real-time factor (synthesis s / audio s) for a short sentence and a
# ~1000-character paragraph at 1 and 2 threads; time to the first audio chunk;
# aggregate throughput (audio s per wall s) with 1, 2 and 4 parallel requests;
# and the machine's ceiling: one raw 1-thread session per core, back to back.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
REPS=${1:-5}
OUT=$ROOT/bench/out
mkdir -p "$OUT"
PEER="$HARK_HOME/peer-venv/bin/python"
[ -x "$PEER" ] || { echo "run scripts/test.sh once first (it installs the piper-tts peer)" >&2; exit 2; }
VOICE="$HARK_HOME/voices/en_US-joe-medium.onnx"

(cd "$ROOT" && cargo build --release -q -p hark-engine --example bench)
echo "hark (in-process engine)..." >&2
"$ROOT/target/release/examples/bench" "$HARK_HOME" "$ROOT/bench/texts.json" "$REPS" > "$OUT/hark.json"
for t in 1 2; do
  echo "piper-tts, $t thread(s)..." >&2
  "$PEER" "$ROOT/scripts/peer/piper_peer.py" bench "$VOICE" "$ROOT/bench/texts.json" "$t" "$REPS" > "$OUT/piper-$t.json"
done

python3 - "$OUT" <<'PY'
import json, statistics as st, sys, os
out = sys.argv[1]
h = json.load(open(os.path.join(out, "hark.json")))
cores = h["cores"]
print(f"\n## Engine benchmark (Joe voice, {cores} cores, median of runs)\n")
print("| text | threads | Hark RTF | piper-tts RTF | ratio (piper/Hark) | Hark first chunk | Hark first audio, streaming | piper-tts first chunk |")
print("|---|---|---|---|---|---|---|---|")
for name in ("short", "paragraph"):
    for t in (1, cores):
        hr = h["lone"][f"threads_{t}"][name]
        pr = json.load(open(os.path.join(out, f"piper-{t}.json")))[name]
        hrtf = st.median(hr["wall_s"]) / hr["audio_s"]
        prtf = st.median(pr["wall_s"]) / pr["audio_s"]
        print(f"| {name} ({hr['audio_s']:.1f} s audio) | {t} | {hrtf:.4f} | {prtf:.4f} | {prtf/hrtf:.2f}x | "
              f"{st.median(hr['first_chunk_s'])*1000:.0f} ms | {st.median(hr['first_audio_streaming_s'])*1000:.0f} ms | {st.median(pr['first_chunk_s'])*1000:.0f} ms |")
ceil = h["ceiling"]["audio_s_per_s"]
print(f"\nMachine ceiling ({h['ceiling']['sessions']} raw 1-thread sessions in parallel): {ceil:.1f} audio-s per wall-s\n")
print("| parallel requests (paragraph) | Hark audio-s per wall-s | vs ceiling |")
print("|---|---|---|")
for k, v in h["parallel"].items():
    print(f"| {k.split('_')[1]} | {v['audio_s_per_s']:.1f} | {v['audio_s_per_s']/ceil*100:.0f}% |")
PY
