#!/usr/bin/env bash
# Kokoro benchmark, Hark beside Python kokoro-onnx 0.5.0 on the same model
# (kokoro-v1.0.int8.onnx), voice and texts, in one run on this machine. Not a
# test: it prints figures.
#
#   bench/kokoro.sh [REPS] [VOICE]      (default 3, af_heart; run on an idle machine)
#
# Measures: real-time factor (synthesis s / audio s) for a short sentence and a
# ~1000-character paragraph at 1 and all threads; time to the first audio
# chunk of the paragraph (Hark streaming vs kokoro-onnx's create_stream);
# throughput (audio s per wall s) with 2 and 4 parallel requests; memory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
REPS=${1:-3}
VOICE=${2:-af_heart}
OUT=$ROOT/bench/out
KDIR=$HARK_HOME/kokoro
mkdir -p "$OUT"
[ -f "$KDIR/kokoro-v1.0.int8.onnx" ] || { echo "run scripts/setup.sh first (it fetches Kokoro)" >&2; exit 2; }

# The peer: kokoro-onnx in a venv of its own, and the voices as the npz it loads.
PEER="$HARK_HOME/kokoro-peer-venv"
if [ ! -x "$PEER/bin/python" ] || ! "$PEER/bin/python" -c 'import kokoro_onnx' 2>/dev/null; then
  echo "installing the peer (kokoro-onnx 0.5.0) into $PEER" >&2
  python3 -m venv "$PEER"
  "$PEER/bin/pip" install -q "kokoro-onnx==0.5.0" "onnxruntime==1.32.0"
fi
NPZ="$KDIR/voices-v1.0.npz"
[ -f "$NPZ" ] || "$PEER/bin/python" "$ROOT/scripts/peer/kokoro_peer.py" npz "$KDIR/voices" "$NPZ"

(cd "$ROOT" && cargo build --release -q -p hark-engine --example kokoro_bench)
echo "hark (in-process engine)..." >&2
"$ROOT/target/release/examples/kokoro_bench" "$HARK_HOME" "$ROOT/bench/texts.json" "$REPS" "$VOICE" > "$OUT/hark-kokoro.json"
CORES=$(nproc)
for t in 1 "$CORES"; do
  echo "kokoro-onnx, $t thread(s)..." >&2
  "$PEER/bin/python" "$ROOT/scripts/peer/kokoro_peer.py" bench "$KDIR/kokoro-v1.0.int8.onnx" "$NPZ" \
    "$KDIR/config.json" "$ROOT/bench/texts.json" "$t" "$REPS" "$VOICE" > "$OUT/kokoro-onnx-$t.json"
done

python3 - "$OUT" "$VOICE" <<'PY'
import json, statistics as st, sys, os
out, voice = sys.argv[1], sys.argv[2]
h = json.load(open(os.path.join(out, "hark-kokoro.json")))
cores = h["cores"]
peer = {t: json.load(open(os.path.join(out, f"kokoro-onnx-{t}.json"))) for t in {1, cores}}
print(f"\n## Kokoro benchmark ({voice}, {cores} cores, median of runs)\n")
print("| text | threads | Hark RTF | kokoro-onnx RTF | ratio (peer/Hark) | Hark first chunk, streaming | kokoro-onnx first chunk (create_stream) |")
print("|---|---|---|---|---|---|---|")
for name in ("short", "paragraph"):
    for t in (1, cores):
        hr = h["lone"][f"threads_{t}"][name]
        pr = peer[t][name]
        hrtf = st.median(hr["wall_s"]) / hr["audio_s"]
        prtf = st.median(pr["wall_s"]) / pr["audio_s"]
        print(f"| {name} ({hr['audio_s']:.1f} s audio) | {t} | {hrtf:.3f} | {prtf:.3f} | {prtf/hrtf:.2f}x | "
              f"{st.median(hr['first_audio_streaming_s'])*1000:.0f} ms | {st.median(pr['first_chunk_s'])*1000:.0f} ms |")
p = peer[cores]
print("\n| parallel requests (paragraph) | Hark audio-s per wall-s | kokoro-onnx (one shared session) | ratio |")
print("|---|---|---|---|")
for k in ("clients_2", "clients_4"):
    a, b = h["parallel"][k]["audio_s_per_s"], p["parallel"][k]["audio_s_per_s"]
    print(f"| {k.split('_')[1]} | {a:.2f} | {b:.2f} | {a/b:.2f}x |")
print(f"\nMemory: one session loaded and used: Hark {h['rss_one_session_mb']:.0f} MB, kokoro-onnx {p['rss_one_session_mb']:.0f} MB; "
      f"peak (Hark: wide + {cores} narrow sessions) {h['rss_peak_mb']:.0f} MB vs {p['rss_peak_mb']:.0f} MB")
PY
