#!/usr/bin/env bash
# Realtime benchmark: first audio after a forced clause over the AsyncFlow and
# Waves WebSockets (warm sockets), beside HTTP streaming of the same sentences
# on the same server in the same run; then 32 sockets speaking at once (time
# to first audio, errors, underruns). Not a test: prints a table. Run on an
# idle machine.
#
#   bench/realtime.sh [N] [SOCKETS]     (default 40 sentences, 32 sockets)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
N=${1:-40}
SOCKETS=${2:-32}
OUT=$ROOT/bench/out/realtime
mkdir -p "$OUT"
VENV="$HARK_HOME/bench-venv"
if ! "$VENV/bin/python" -c 'import websockets' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "websockets==15.0.1"
fi
(cd "$ROOT" && cargo build --release -q -p hark)
PORT=18951
DATA=$(mktemp -d)
"$ROOT/target/release/hark" serve --addr 127.0.0.1:$PORT --data-dir "$DATA" 2>"$OUT/serve.log" &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
KEY=$(cat "$DATA/admin.key")
"$VENV/bin/python" "$ROOT/bench/realtime.py" "http://127.0.0.1:$PORT" "$KEY" "$N" "$SOCKETS" > "$OUT/result.json"
python3 - "$OUT/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("\n## Realtime benchmark (Joe voice, one sentence per turn, loopback)\n")
print("| path | first audio p50 / p95 | n |")
print("|---|---|---|")
for k, name in [("asyncflow_warm", "AsyncFlow WebSocket, forced clause, warm socket"),
                ("waves_warm", "Waves WebSocket, flushed utterance, warm socket"),
                ("http_streaming", "HTTP streaming (/v1/audio/speech, pcm), kept-alive connection")]:
    s = r[k]
    print(f"| {name} | {s['p50_ms']:.0f} / {s['p95_ms']:.0f} ms | {s['n']} |")
c = r["crowd"]
print(f"\n{c['sockets']} AsyncFlow sockets at once (two sentences each): first audio p50 {c['ttfa']['p50_ms']:.0f} ms, "
      f"p95 {c['ttfa']['p95_ms']:.0f} ms; failed {c['failed']}, error messages {c['error_messages']}, "
      f"underruns {c['underruns']}; all done in {c['wall_s']} s")
PY
