"""The official `smallestai` SDK's live WebSocket (`waves.tts.connect()`)
against Hark, unchanged but for its environment's URLs.

Usage: smallestai_ws.py BASE_URL API_KEY OUT_DIR VOICE TEXT
Sends TEXT as one request message and reads `chunk` messages until
`complete`; writes OUT_DIR/ws.wav; prints JSON.
"""
import base64
import json
import sys
import wave

from smallestai import SmallestAI
from smallestai.environment import SmallestAIEnvironment
from smallestai.waves.tts.types import TtsRequestMessage

RATE = 24000


def main(base, key, out_dir, voice, text):
    ws_base = base.replace("http", "ws", 1)
    env = SmallestAIEnvironment(atoms=base, waves=base, waves_ws=ws_base, payment=base)
    client = SmallestAI(api_key=key, environment=env)
    pcm = bytearray()
    kinds = []
    with client.waves.tts.connect() as socket:
        socket.synthesize_streaming_tts(
            TtsRequestMessage(voice_id=voice, text=text, sample_rate=RATE, word_timestamps=True)
        )
        for msg in socket:
            status = getattr(msg, "status", None)
            kinds.append(str(status))
            if status == "chunk":
                pcm.extend(base64.b64decode(msg.data.audio))
            elif status == "complete":
                break
            elif status == "error":
                raise SystemExit(f"error from the server: {msg}")
    path = f"{out_dir}/ws.wav"
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(pcm))
    print(json.dumps({"wav": path, "seconds": len(pcm) / 2 / RATE, "statuses": sorted(set(kinds))}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
