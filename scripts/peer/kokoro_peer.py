"""Python kokoro-onnx, the peer bench/kokoro.sh measures Hark's Kokoro against.

    python kokoro_peer.py npz VOICES_DIR OUT.npz
        packs kokoro-js's voices/*.bin (510 x 1 x 256 float32) into the npz kokoro-onnx loads
    python kokoro_peer.py bench MODEL VOICES.npz CONFIG.json TEXTS.json THREADS REPS VOICE
        prints JSON: per text audio_s, wall_s, first_chunk_s (create_stream); parallel
        throughput with 2 and 4 threads sharing the session; resident memory
"""
import asyncio
import glob
import json
import os
import resource
import sys
import threading
import time

import numpy as np


def npz(voices_dir, out):
    packs = {
        os.path.basename(p)[:-4]: np.fromfile(p, dtype=np.float32).reshape(510, 1, 256)
        for p in sorted(glob.glob(os.path.join(voices_dir, "*.bin")))
    }
    np.savez(out, **packs)


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def bench(model, voices, config, texts_path, threads, reps, voice):
    import onnxruntime as rt
    from kokoro_onnx import Kokoro

    so = rt.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = rt.InferenceSession(model, sess_options=so, providers=["CPUExecutionProvider"])
    k = Kokoro.from_session(sess, voices, vocab_config=config)
    texts = json.load(open(texts_path))
    k.create("Hello world.", voice=voice, lang="en-us")  # warm-up
    out = {}
    for name in ("short", "paragraph"):
        text = texts[name]
        walls, firsts, audio_s = [], [], 0.0
        for _ in range(reps):
            t0 = time.perf_counter()
            samples, sr = k.create(text, voice=voice, lang="en-us")
            walls.append(time.perf_counter() - t0)
            audio_s = len(samples) / sr

            async def first():
                t0 = time.perf_counter()
                async for _chunk in k.create_stream(text, voice=voice, lang="en-us"):
                    return time.perf_counter() - t0

            firsts.append(asyncio.run(first()))
        out[name] = {"audio_s": audio_s, "wall_s": walls, "first_chunk_s": firsts}
    out["rss_one_session_mb"] = rss_mb()
    parallel = {}
    for clients in (2, 4):
        audio = [0.0] * clients

        def work(i):
            s, sr = k.create(texts["paragraph"], voice=voice, lang="en-us")
            audio[i] = len(s) / sr

        t0 = time.perf_counter()
        ts = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wall = time.perf_counter() - t0
        parallel[f"clients_{clients}"] = {"audio_s": sum(audio), "wall_s": wall, "audio_s_per_s": sum(audio) / wall}
    out["parallel"] = parallel
    out["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "npz":
        npz(sys.argv[2], sys.argv[3])
    else:
        m, v, c, t, th, r, voice = sys.argv[2:9]
        bench(m, v, c, t, int(th), int(r), voice)
