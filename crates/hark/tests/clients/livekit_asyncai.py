"""LiveKit Agents' AsyncAI plugin against Hark, unchanged but for its base URL.

Usage: livekit_asyncai.py BASE_URL API_KEY OUT_DIR TEXT [TEXT...]
Speaks each TEXT as one turn (one `tts.stream()`, pushed word by word as an
LLM would) on the plugin's pooled WebSocket, with its default model and
voice, and writes OUT_DIR/turnN.wav. Prints a JSON summary.
"""
import asyncio
import json
import sys
import time
import wave

import aiohttp
from livekit.plugins import asyncai

RATE = 16000


async def main(base, key, out_dir, texts):
    summary = {"turns": []}
    async with aiohttp.ClientSession() as session:
        tts = asyncai.TTS(api_key=key, base_url=base, http_session=session, sample_rate=RATE)
        for i, text in enumerate(texts):
            t0 = time.monotonic()
            first = None
            pcm = bytearray()
            stream = tts.stream()
            for word in text.split(" "):
                stream.push_text(word + " ")
            stream.end_input()
            async for ev in stream:
                if first is None:
                    first = time.monotonic() - t0
                pcm.extend(bytes(ev.frame.data))
            await stream.aclose()
            path = f"{out_dir}/turn{i}.wav"
            with wave.open(path, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(bytes(pcm))
            summary["turns"].append(
                {"wav": path, "seconds": len(pcm) / 2 / RATE, "first_audio_s": first}
            )
        await tts.aclose()
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
