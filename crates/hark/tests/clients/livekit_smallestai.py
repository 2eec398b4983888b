"""LiveKit Agents' Smallest AI plugin against Hark, unchanged but for its URLs.

Usage: livekit_smallestai.py BASE_URL API_KEY OUT_DIR MODE TEXT
MODE is `synthesize` (HTTP POST /waves/v1/tts) or `stream` (the WebSocket
/waves/v1/tts/live with continuations, pushed word by word). Uses the
plugin's default model and voice. Writes OUT_DIR/MODE.wav; prints JSON.
"""
import asyncio
import json
import sys
import time
import wave

import aiohttp
from livekit.plugins import smallestai

RATE = 24000


async def main(base, key, out_dir, mode, text):
    async with aiohttp.ClientSession() as session:
        tts = smallestai.TTS(
            api_key=key,
            base_url=f"{base}/waves/v1",
            ws_url=f"{base.replace('http', 'ws', 1)}/waves/v1/tts/live",
            http_session=session,
            sample_rate=RATE,
        )
        t0 = time.monotonic()
        first = None
        pcm = bytearray()
        if mode == "synthesize":
            stream = tts.synthesize(text)
        else:
            stream = tts.stream()
            for word in text.split(" "):
                stream.push_text(word + " ")
            stream.end_input()
        async for ev in stream:
            if first is None:
                first = time.monotonic() - t0
            pcm.extend(bytes(ev.frame.data))
        await stream.aclose()
        await tts.aclose()
    path = f"{out_dir}/{mode}.wav"
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(pcm))
    print(json.dumps({"wav": path, "seconds": len(pcm) / 2 / RATE, "first_audio_s": first}))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
