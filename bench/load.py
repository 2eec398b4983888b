#!/usr/bin/env python3
"""A small load client for the server benchmark (stdlib only).

  load.py URL BODY_JSON CLIENTS REQUESTS_PER_CLIENT SAMPLE_RATE HEADER_BYTES

POSTs BODY_JSON to URL from CLIENTS threads, each REQUESTS_PER_CLIENT times,
reading the body as it streams. Prints JSON: time to first byte and to the
last byte per request, audio seconds (16-bit mono at SAMPLE_RATE after
HEADER_BYTES of header), and aggregate audio seconds per wall second.
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse


def one(url, body):
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    t0 = time.perf_counter()
    conn.request("POST", u.path, body=body, headers={"content-type": "application/json", "version": "v1"})
    resp = conn.getresponse()
    first = None
    n = 0
    while True:
        b = resp.read1(65536)
        if not b:
            break
        if first is None:
            first = time.perf_counter() - t0
        n += len(b)
    total = time.perf_counter() - t0
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"HTTP {resp.status}")
    return first, total, n


def main():
    url, body, clients, per, rate, header = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    results = []
    lock = threading.Lock()

    def worker():
        for _ in range(per):
            r = one(url, body)
            with lock:
                results.append(r)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    audio = sum((n - header) / 2 / rate for _, _, n in results)
    print(json.dumps({
        "clients": clients,
        "ttfb_s": sorted(r[0] for r in results),
        "total_s": sorted(r[1] for r in results),
        "audio_s": audio,
        "wall_s": wall,
        "audio_s_per_s": audio / wall,
    }))


if __name__ == "__main__":
    main()
