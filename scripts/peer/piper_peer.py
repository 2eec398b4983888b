#!/usr/bin/env python3
"""Python piper-tts, the peer Hark is measured and checked against.

  piper_peer.py ids   VOICE.onnx IDS_CSV OUT.f32   raw model output (noise scales 0) for given phoneme ids
  piper_peer.py phonemize VOICE.onnx TEXT          piper-tts's phoneme ids for TEXT, one sentence per line
  piper_peer.py bench VOICE.onnx TEXTS.json THREADS REPS   timings as JSON (see bench/engine.sh)
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig


def load(model: str, threads: int = 0) -> PiperVoice:
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    session = ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])
    with open(f"{model}.json", encoding="utf-8") as f:
        config = PiperConfig.from_dict(json.load(f))
    return PiperVoice(session=session, config=config)


def cmd_ids(model, ids_csv, out):
    voice = load(model)
    ids = [int(x) for x in ids_csv.split(",")]
    audio = voice.phoneme_ids_to_audio(ids, SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))
    np.asarray(audio, dtype="<f4").tofile(out)


def cmd_phonemize(model, text):
    voice = load(model)
    for sentence in voice.phonemize(text):
        print(",".join(str(i) for i in voice.phonemes_to_ids(sentence)))


def cmd_bench(model, texts_json, threads, reps):
    """Real-time factor and first-chunk time of piper-tts's own synthesize()."""
    texts = json.loads(Path(texts_json).read_text())
    voice = load(model, int(threads))
    rate = voice.config.sample_rate
    list(voice.synthesize("Warm up."))
    out = {}
    for name, text in texts.items():
        walls, firsts, audio_s = [], [], 0.0
        for _ in range(int(reps)):
            t0 = time.perf_counter()
            first = None
            n = 0
            for chunk in voice.synthesize(text):
                if first is None:
                    first = time.perf_counter() - t0
                n += len(chunk.audio_float_array)
            walls.append(time.perf_counter() - t0)
            firsts.append(first)
            audio_s = n / rate
        out[name] = {"audio_s": audio_s, "wall_s": walls, "first_chunk_s": firsts}
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    {"ids": cmd_ids, "phonemize": cmd_phonemize, "bench": cmd_bench}[sys.argv[1]](*sys.argv[2:])
