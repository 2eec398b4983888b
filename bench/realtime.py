#!/usr/bin/env python3
"""Realtime benchmark client: time to first audio over the WebSockets,
beside HTTP streaming of the same sentences, on one running server.

  realtime.py BASE_URL API_KEY N SOCKETS

1. Warm AsyncFlow socket: N times, a new context gets one sentence with
   `force: true`; time from that send to the context's first audio message.
2. The same on a warm Waves socket (`flush: true`).
3. HTTP streaming (`POST /v1/audio/speech`, pcm) of the same sentences on
   a kept-alive connection: time to the first body byte.
4. SOCKETS AsyncFlow sockets at once, each speaking a sentence pair:
   time to first audio, errors, and underruns (an audio message arriving
   after everything sent before it would have finished playing).
Prints JSON.
"""
import asyncio
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

import websockets

RATE = 16000
SENTENCES = [
    "Sure, I can help you with that.",
    "Your order will arrive on Tuesday afternoon.",
    "Let me check the calendar for next week.",
    "The meeting has been moved to three o'clock.",
    "Thanks for waiting, I found your reservation.",
    "Is there anything else I can do for you today?",
]
LONG = ("Thanks for calling the front desk, I can see your booking for two nights. "
        "Breakfast is served from seven until ten in the garden room on the ground floor.")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def summary(xs):
    return {"n": len(xs), "p50_ms": round(pct(xs, 50) * 1000, 1), "p95_ms": round(pct(xs, 95) * 1000, 1),
            "mean_ms": round(statistics.mean(xs) * 1000, 1)}


def ws_base(base):
    return base.replace("http", "ws", 1)


async def asyncflow_socket(base, key):
    ws = await websockets.connect(f"{ws_base(base)}/text_to_speech/websocket/ws?api_key={key}&version=v1",
                                  max_size=None, compression=None)
    await ws.send(json.dumps({"model_id": "hark-piper-v1", "voice": {"mode": "id", "id": "joe"},
                              "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": RATE}}))
    return ws


async def speak_asyncflow(ws, ctx, text, track_gaps=False):
    """Returns (time to first audio, underruns, errors) for one context."""
    t0 = time.perf_counter()
    await ws.send(json.dumps({"transcript": text + " ", "context_id": ctx, "force": True}))
    await ws.send(json.dumps({"transcript": "", "context_id": ctx}))
    first = None
    sent_audio = 0.0
    underruns = 0
    errors = 0
    while True:
        m = json.loads(await ws.recv())
        if m.get("context_id") != ctx:
            continue
        if "error_code" in m:
            errors += 1
            continue
        if m.get("final"):
            break
        now = time.perf_counter()
        n = len(m.get("audio", "")) * 3 // 4 // 2
        if first is None:
            first = now - t0
            t_play = now
        elif track_gaps and now - t_play > sent_audio + 0.02:
            underruns += 1
        sent_audio += n / RATE
    return first, underruns, errors


async def warm_asyncflow(base, key, n):
    ws = await asyncflow_socket(base, key)
    for i in range(3):
        await speak_asyncflow(ws, f"warm{i}", SENTENCES[i])
    out = []
    for i in range(n):
        first, _, _ = await speak_asyncflow(ws, f"c{i}", SENTENCES[i % len(SENTENCES)])
        out.append(first)
    await ws.close()
    return out


async def warm_waves(base, key, n):
    ws = await websockets.connect(f"{ws_base(base)}/waves/v1/tts/live",
                                  additional_headers={"Authorization": f"Bearer {key}"},
                                  max_size=None, compression=None)
    out = []
    for i in range(n + 3):
        t0 = time.perf_counter()
        await ws.send(json.dumps({"text": SENTENCES[i % len(SENTENCES)], "voice_id": "joe", "model": "hark-piper-v1",
                                  "sample_rate": RATE, "output_format": "pcm", "context_id": f"w{i}",
                                  "continue": True, "flush": True}))
        first = None
        while True:
            m = json.loads(await ws.recv())
            if m.get("status") == "chunk" and first is None:
                first = time.perf_counter() - t0
            if m.get("status") == "complete":
                break
        if i >= 3:
            out.append(first)
    await ws.close()
    return out


def http_streaming(base, key, n):
    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    out = []
    for i in range(n + 3):
        body = json.dumps({"model": "hark-piper-v1", "voice": "joe", "input": SENTENCES[i % len(SENTENCES)],
                           "response_format": "pcm"})
        t0 = time.perf_counter()
        conn.request("POST", "/v1/audio/speech", body=body,
                     headers={"content-type": "application/json", "x-api-key": key})
        r = conn.getresponse()
        first = None
        while True:
            b = r.read1(65536)
            if not b:
                break
            if first is None:
                first = time.perf_counter() - t0
        if r.status != 200:
            raise SystemExit(f"HTTP {r.status}")
        if i >= 3:
            out.append(first)
    conn.close()
    return out


async def crowd(base, key, sockets):
    conns = await asyncio.gather(*[asyncflow_socket(base, key) for _ in range(sockets)])
    # One warm-up turn each, so the figure is of warm sockets.
    await asyncio.gather(*[speak_asyncflow(ws, "warm", SENTENCES[i % 6]) for i, ws in enumerate(conns)])
    t0 = time.perf_counter()
    results = await asyncio.gather(*[speak_asyncflow(ws, "x", LONG, track_gaps=True) for ws in conns],
                                   return_exceptions=True)
    wall = time.perf_counter() - t0
    for ws in conns:
        await ws.close()
    firsts = [r[0] for r in results if not isinstance(r, Exception) and r[0] is not None]
    failures = sum(1 for r in results if isinstance(r, Exception) or r[0] is None)
    return {"sockets": sockets, "ttfa": summary(firsts), "failed": failures,
            "error_messages": sum(r[2] for r in results if not isinstance(r, Exception)),
            "underruns": sum(r[1] for r in results if not isinstance(r, Exception)),
            "wall_s": round(wall, 2)}


async def main(base, key, n, sockets):
    res = {"asyncflow_warm": summary(await warm_asyncflow(base, key, n)),
           "waves_warm": summary(await warm_waves(base, key, n)),
           "http_streaming": summary(http_streaming(base, key, n)),
           "crowd": await crowd(base, key, sockets)}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
