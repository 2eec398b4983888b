#!/usr/bin/env python3
"""The official OpenAI Python SDK against a running Hark: a real client no
one here wrote. Exit 0 when every check passes; prints what it did.

  openai_sdk_check.py BASE_URL FORMAT[,FORMAT...]
"""
import io
import json
import subprocess
import sys
import tempfile
import wave

from openai import OpenAI


def probe(data: bytes, suffix: str) -> tuple[dict, float]:
    """Codec facts from ffprobe, and the duration found by decoding it all
    (a streamed file's header may not know its length)."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels",
             "-of", "json", f.name],
            capture_output=True, text=True, check=True)
        pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", f.name, "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                             capture_output=True, check=True)
        assert not pcm.stderr, pcm.stderr
    return json.loads(out.stdout), len(pcm.stdout) / 2 / 16000


def main():
    base, formats = sys.argv[1], sys.argv[2].split(",")
    client = OpenAI(base_url=f"{base}/v1", api_key="unused-until-keys-land")
    text = "Hello from the official OpenAI SDK. This is Hark."
    for fmt in formats:
        resp = client.audio.speech.create(model="hark-piper-v1", voice="joe", input=text, response_format=fmt)
        data = resp.content
        assert len(data) > 1000, (fmt, len(data))
        if fmt == "pcm":
            secs = len(data) / 2 / 24000
        elif fmt == "wav":
            # A streamed wav has unknown sizes in its header: read what is there.
            secs = (len(data) - 44) / 2 / 24000
            assert data[:4] == b"RIFF", data[:4]
        else:
            info, secs = probe(data, "." + fmt)
            print(f"{fmt}: {info['streams'][0]['codec_name']} {info['streams'][0]['sample_rate']} Hz")
        assert 1.5 < secs < 8.0, (fmt, secs)
        print(f"create {fmt}: {len(data)} bytes, {secs:.2f} s")

    # Streaming: bytes arrive in several pieces before the response ends.
    pieces = 0
    total = 0
    with client.audio.speech.with_streaming_response.create(
        model="hark-piper-v1", voice="joe", response_format="pcm",
        input="First sentence streams early. The second follows. And a third one ends it.",
    ) as resp:
        for chunk in resp.iter_bytes(chunk_size=4096):
            pieces += 1
            total += len(chunk)
    assert pieces >= 3 and total > 24000 * 2, (pieces, total)
    print(f"with_streaming_response: {pieces} pieces, {total} bytes")

    # Errors come back as the SDK's typed exceptions with our body.
    try:
        client.audio.speech.create(model="hark-piper-v1", voice="nobody-at-all", input="x")
        raise SystemExit("expected an error for an unknown voice")
    except Exception as e:  # openai.NotFoundError
        assert getattr(e, "status_code", None) == 404, e
        # The SDK reads our error body: its code and message come through.
        assert getattr(e, "code", None) == "VOICE_NOT_FOUND", (getattr(e, "code", None), getattr(e, "body", None))
        print("unknown voice:", type(e).__name__)
    print("openai sdk: all checks passed")


if __name__ == "__main__":
    main()
