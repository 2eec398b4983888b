#!/usr/bin/env bash
# Server benchmark: `hark serve` beside Python Piper's HTTP server
# (`python -m piper.http_server`, piper-tts 1.8.0) on the same voice and text,
# in one run on this machine, driven by the same load client over loopback.
#
#   bench/server.sh [REQUESTS]     (default 10 for latency; run on an idle machine)
#
# Reports time to first byte p50/p95 for a ~1000-character text (one client),
# and aggregate throughput (audio s per wall s) with 1, 2, 4 and 8 clients.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
N=${1:-10}
PEER="$HARK_HOME/peer-venv/bin/python"
VOICE="$HARK_HOME/voices/en_US-joe-medium.onnx"
OUT=$ROOT/bench/out
mkdir -p "$OUT"
"$PEER" -c 'import flask' 2>/dev/null || "$HARK_HOME/peer-venv/bin/pip" install -q "piper-tts[http]==1.8.0"
(cd "$ROOT" && cargo build --release -q -p hark)

TEXT=$(python3 -c "import json;print(json.load(open('$ROOT/bench/texts.json'))['paragraph'])")
HARK_PORT=18931; PIPER_PORT=18932
"$ROOT/target/release/hark" serve --addr 127.0.0.1:$HARK_PORT 2>"$OUT/hark-serve.log" &
HPID=$!
"$PEER" -m piper.http_server -m "$VOICE" --host 127.0.0.1 --port $PIPER_PORT >"$OUT/piper-serve.log" 2>&1 &
PPID_=$!
trap 'kill $HPID $PPID_ 2>/dev/null || true' EXIT
for port in $HARK_PORT $PIPER_PORT; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

HBODY=$(python3 -c "import json,sys;print(json.dumps({'model':'hark-piper-v1','input':sys.argv[1],'voice':'joe','response_format':'pcm','sample_rate':22050}))" "$TEXT")
PBODY=$(python3 -c "import json,sys;print(json.dumps({'text':sys.argv[1]}))" "$TEXT")
load() { python3 "$ROOT/bench/load.py" "$@"; }
# Warm both.
load "http://127.0.0.1:$HARK_PORT/v1/audio/speech" "$HBODY" 1 1 22050 0 >/dev/null
load "http://127.0.0.1:$PIPER_PORT/synthesize" "$PBODY" 1 1 22050 44 >/dev/null
for c in 1 2 4 8; do
  per=$(( c == 1 ? N : (N + c - 1) / c > 2 ? (N + c - 1) / c : 2 ))
  echo "clients=$c..." >&2
  load "http://127.0.0.1:$HARK_PORT/v1/audio/speech" "$HBODY" $c $per 22050 0 > "$OUT/server-hark-$c.json"
  load "http://127.0.0.1:$PIPER_PORT/synthesize" "$PBODY" $c $per 22050 44 > "$OUT/server-piper-$c.json"
done
RSS_H=$(ps -o rss= -p $HPID); RSS_P=$(ps -o rss= -p $PPID_)

python3 - "$OUT" "$RSS_H" "$RSS_P" <<'PY'
import json, os, sys
out, rss_h, rss_p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print("\n## Server benchmark (~1000-character paragraph, Joe voice, loopback)\n")
print("| clients | Hark TTFB p50 / p95 | Piper HTTP TTFB p50 / p95 | Hark audio-s/s | Piper HTTP audio-s/s | throughput ratio |")
print("|---|---|---|---|---|---|")
for c in (1, 2, 4, 8):
    h = json.load(open(os.path.join(out, f"server-hark-{c}.json")))
    p = json.load(open(os.path.join(out, f"server-piper-{c}.json")))
    print(f"| {c} | {pct(h['ttfb_s'],50)*1000:.0f} / {pct(h['ttfb_s'],95)*1000:.0f} ms | {pct(p['ttfb_s'],50)*1000:.0f} / {pct(p['ttfb_s'],95)*1000:.0f} ms "
          f"| {h['audio_s_per_s']:.1f} | {p['audio_s_per_s']:.1f} | {h['audio_s_per_s']/p['audio_s_per_s']:.2f}x |")
print(f"\nRSS after the run: Hark {rss_h/1024:.0f} MB, Piper HTTP {rss_p/1024:.0f} MB")
PY
