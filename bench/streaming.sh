#!/usr/bin/env bash
# Streaming latency benchmark over HTTP: time to first byte of
# `POST /v1/audio/speech` (raw pcm, streamed) for sentences of ~5, ~20 and
# ~60 words and the ~1000-character paragraph, with voices split at the
# decoder (default) and unsplit (`--no-split`), at 1 and 2 threads; then
# aggregate throughput with 4 clients, split vs unsplit (the price of the
# windows). Not a test: prints a table. Run on an idle machine.
#
#   bench/streaming.sh [REQUESTS]      (default 20 per text and setting)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
N=${1:-20}
OUT=$ROOT/bench/out/streaming
mkdir -p "$OUT"
(cd "$ROOT" && cargo build --release -q -p hark)
HARK="$ROOT/target/release/hark"
PORT=18941

start() {
  "$HARK" "$@" serve --addr 127.0.0.1:$PORT 2>"$OUT/serve.log" &
  SPID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && return; sleep 0.2; done
  echo "server did not start" >&2; exit 1
}
stop() { kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true; }
trap stop EXIT
body() { python3 -c "import json,sys;t=json.load(open('$ROOT/bench/texts.json'))[sys.argv[1]];print(json.dumps({'model':'hark-piper-v1','input':t,'voice':'joe','response_format':'pcm','sample_rate':22050}))" "$1"; }
load() { python3 "$ROOT/bench/load.py" "http://127.0.0.1:$PORT/v1/audio/speech" "$@"; }

for mode in split unsplit; do
  for threads in 1 2; do
    flags=(--threads "$threads")
    [ "$mode" = unsplit ] && flags+=(--no-split)
    start "${flags[@]}"
    for t in w5 w20 w60 paragraph; do
      B=$(body $t)
      load "$B" 1 2 22050 0 >/dev/null
      load "$B" 1 "$N" 22050 0 > "$OUT/$mode-$threads-$t.json"
    done
    stop
  done
  start $([ "$mode" = unsplit ] && echo --no-split)
  B=$(body paragraph)
  load "$B" 4 3 22050 0 > "$OUT/$mode-tput4.json"
  stop
done

python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print("\n## Time to first byte over HTTP (ms, p50 / p95), Joe voice, 2 cores\n")
print("| text | split, 1 thread | split, 2 threads | unsplit, 1 thread | unsplit, 2 threads |")
print("|---|---|---|---|---|")
names = {"w5": "5 words", "w20": "20 words, no comma", "w60": "60 words", "paragraph": "1000-char paragraph"}
for t in ("w5", "w20", "w60", "paragraph"):
    cells = []
    for mode in ("split", "unsplit"):
        for th in (1, 2):
            d = json.load(open(os.path.join(out, f"{mode}-{th}-{t}.json")))
            cells.append(f"{pct(d['ttfb_s'],50)*1000:.0f} / {pct(d['ttfb_s'],95)*1000:.0f}")
    print(f"| {names[t]} | " + " | ".join(cells) + " |")
s = json.load(open(os.path.join(out, "split-tput4.json")))["audio_s_per_s"]
u = json.load(open(os.path.join(out, "unsplit-tput4.json")))["audio_s_per_s"]
print(f"\nThroughput, 4 clients streaming the paragraph: split {s:.1f}, unsplit {u:.1f} audio-s per wall-s ({(s/u-1)*100:+.1f}%)")
PY
