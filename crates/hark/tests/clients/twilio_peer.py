"""A scripted Twilio peer: plays Twilio's side of a bidirectional Media
Stream against Hark, as Twilio's documentation describes it.

Usage: twilio_peer.py BASE_URL API_KEY OTHER_KEY OUT_DIR

1. GET /twilio/twiml?text=..&voice=.. with the key; the stream URL and its
   <Parameter>s (text, voice, token) come from that TwiML.
2. Connects to the stream URL with no headers and no query string, as
   Twilio does; sends `connected` and `start` (streamSid, callSid,
   customParameters, mediaFormat), then inbound `media` every 20 ms (mu-law
   silence, sequence numbers and timestamps) for the whole call, and a
   `dtmf` and an unknown event and a binary frame along the way.
3. Checks every outbound `media` (base64 mu-law, 160 bytes, our streamSid),
   the `mark` after each utterance; then `POST /v1/calls/{sid}/say` (and
   the other key's `say`: 404), a long `say` cut by `POST .../clear`
   (Twilio's `clear` event; media after it), a reused token (refused), and
   `stop` (the server closes).
Writes each utterance as OUT_DIR/uttN.wav (decoded to 16-bit PCM, 8 kHz)
and prints a JSON summary.
"""
import asyncio
import base64
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid
import wave
import xml.etree.ElementTree as ET

import websockets

FRAME = 160


def mulaw_to_linear(b):
    b = ~b & 0xFF
    sign = b & 0x80
    exponent = (b >> 4) & 0x07
    mantissa = b & 0x0F
    sample = ((mantissa << 3) + 0x84) << exponent
    sample -= 0x84
    return -sample if sign else sample


TABLE = [mulaw_to_linear(i) for i in range(256)]


def write_wav(path, mulaw):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(TABLE[b].to_bytes(2, "little", signed=True) for b in mulaw))


def http(method, url, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"x-api-key": key, "content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Call:
    def __init__(self, ws, sid):
        self.ws = ws
        self.sid = sid
        self.seq = 0
        self.events = asyncio.Queue()
        self.bad_frames = []
        self.inbound = 0

    def next_seq(self):
        self.seq += 1
        return str(self.seq)

    async def send(self, msg):
        await self.ws.send(json.dumps(msg))

    async def pace_inbound(self):
        """Inbound audio as Twilio sends it: 20 ms of mu-law every 20 ms."""
        silence = base64.b64encode(bytes([0xFF]) * FRAME).decode()
        t0 = time.monotonic()
        n = 0
        while True:
            await self.send({"event": "media", "sequenceNumber": self.next_seq(), "streamSid": self.sid,
                             "media": {"track": "inbound", "chunk": str(n + 1),
                                       "timestamp": str(n * 20), "payload": silence}})
            self.inbound += 1
            n += 1
            await asyncio.sleep(max(0.0, t0 + n * 0.02 - time.monotonic()))

    async def read(self):
        try:
            async for raw in self.ws:
                m = json.loads(raw)
                if m.get("event") == "media":
                    payload = base64.b64decode(m["media"]["payload"])
                    if len(payload) != FRAME or m.get("streamSid") != self.sid:
                        self.bad_frames.append((len(payload), m.get("streamSid")))
                    await self.events.put(("media", payload, time.monotonic()))
                else:
                    await self.events.put((m.get("event"), m, time.monotonic()))
        except websockets.ConnectionClosed as e:
            await self.events.put(("closed", e.rcvd.code if e.rcvd else None, time.monotonic()))
            return
        await self.events.put(("closed", self.ws.close_code, time.monotonic()))

    async def utterance(self, t0, timeout=60):
        """Media until a mark: (mulaw bytes, mark name, first media delay)."""
        audio = bytearray()
        first = None
        while True:
            kind, data, at = await asyncio.wait_for(self.events.get(), timeout)
            if kind == "media":
                if first is None:
                    first = at - t0
                audio.extend(data)
            elif kind == "mark":
                return bytes(audio), data["mark"]["name"], first
            elif kind == "closed":
                raise SystemExit(f"closed while speaking: {data}")


def twiml_stream(base, key, text, voice):
    q = urllib.parse.urlencode({"text": text, "voice": voice})
    status, body = http("GET", f"{base}/twilio/twiml?{q}", key)
    assert status == 200, (status, body)
    root = ET.fromstring(body)
    stream = root.find("./Connect/Stream")
    params = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    return stream.get("url"), params


def start_msg(sid, params):
    return {"event": "start", "sequenceNumber": "1", "streamSid": sid,
            "start": {"accountSid": "AC" + uuid.uuid4().hex, "streamSid": sid,
                      "callSid": "CA" + uuid.uuid4().hex, "tracks": ["inbound"],
                      "customParameters": params,
                      "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}


async def main(base, key, other_key, out_dir):
    first_text = "Hello, thanks for calling. How can I help you today?"
    url, params = twiml_stream(base, key, first_text, "joe")
    summary = {"stream_url": url, "params": sorted(params)}
    # Twilio drops query strings and sends no custom headers.
    ws = await websockets.connect(url.split("?")[0], max_size=None, compression=None)
    sid = "MZ" + uuid.uuid4().hex
    call = Call(ws, sid)
    reader = asyncio.create_task(call.read())
    await call.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
    t0 = time.monotonic()
    await call.send(start_msg(sid, params))
    pacer = asyncio.create_task(call.pace_inbound())
    audio, mark, first = await call.utterance(t0)
    summary["utt1"] = {"mark": mark, "first_media_s": first, "seconds": len(audio) / 8000}
    write_wav(f"{out_dir}/utt1.wav", audio)

    # Things Twilio may send that change nothing.
    await call.send({"event": "dtmf", "streamSid": sid, "sequenceNumber": call.next_seq(),
                     "dtmf": {"track": "inbound_track", "digit": "7"}})
    await call.send({"event": "something-new", "streamSid": sid})
    await ws.send(b"\x00\x01binary")
    await call.send({"event": "mark", "streamSid": sid, "sequenceNumber": call.next_seq(),
                     "mark": {"name": mark}})

    # Say, by HTTP.
    second_text = "Your table for two is booked for eight o'clock tonight."
    t0 = time.monotonic()
    status, body = http("POST", f"{base}/v1/calls/{sid}/say", key, {"text": second_text, "mark": "booked"})
    summary["say_status"] = status
    summary["say_body"] = json.loads(body)
    audio, mark, first = await call.utterance(t0)
    summary["utt2"] = {"mark": mark, "first_media_s": first, "seconds": len(audio) / 8000}
    write_wav(f"{out_dir}/utt2.wav", audio)

    # Another key cannot drive this call; an unknown call is 404 too.
    summary["other_say_status"] = http("POST", f"{base}/v1/calls/{sid}/say", other_key, {"text": "Hi"})[0]
    summary["unknown_say_status"] = http("POST", f"{base}/v1/calls/MZnope/say", key, {"text": "Hi"})[0]

    # Barge-in: a long answer, cleared at its first audio.
    long_text = "Let me read you the whole menu, starting with the soups of the day. " * 12
    t0 = time.monotonic()
    http("POST", f"{base}/v1/calls/{sid}/say", key, {"text": long_text, "mark": "menu"})
    while True:
        kind, data, at = await asyncio.wait_for(call.events.get(), 60)
        if kind == "media":
            break
    t_clear = time.monotonic()
    status, _ = http("POST", f"{base}/v1/calls/{sid}/clear", key)
    summary["clear_status"] = status
    media_before_clear_event = 0
    clear_at = None
    while clear_at is None:
        kind, data, at = await asyncio.wait_for(call.events.get(), 10)
        if kind == "media":
            media_before_clear_event += 1
        elif kind == "clear":
            clear_at = at
        elif kind == "mark":
            summary["mark_after_clear"] = data["mark"]["name"]
    summary["clear_event_after_s"] = clear_at - t_clear
    summary["media_frames_after_clear_request"] = media_before_clear_event
    # Nothing more of the cleared answer.
    late = 0
    try:
        while True:
            kind, data, at = await asyncio.wait_for(call.events.get(), 1.0)
            if kind == "media":
                late += 1
            if kind == "mark":
                summary["mark_after_clear"] = data["mark"]["name"]
    except asyncio.TimeoutError:
        pass
    summary["media_frames_after_clear_event"] = late

    # The call still speaks after a clear.
    t0 = time.monotonic()
    http("POST", f"{base}/v1/calls/{sid}/say", key, {"text": "Sorry, go ahead."})
    audio, mark, first = await call.utterance(t0)
    summary["utt3"] = {"mark": mark, "first_media_s": first, "seconds": len(audio) / 8000}
    write_wav(f"{out_dir}/utt3.wav", audio)

    # A reused token is refused.
    ws2 = await websockets.connect(url.split("?")[0], max_size=None)
    await ws2.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
    await ws2.send(json.dumps(start_msg("MZ" + uuid.uuid4().hex, params)))
    try:
        await asyncio.wait_for(ws2.recv(), 10)
        summary["reused_token"] = "accepted"
    except websockets.ConnectionClosed as e:
        summary["reused_token"] = e.rcvd.code if e.rcvd else None

    # Stop: the server closes the stream.
    pacer.cancel()
    t_stop = time.monotonic()
    await call.send({"event": "stop", "sequenceNumber": call.next_seq(), "streamSid": sid,
                     "stop": {"accountSid": "AC", "callSid": "CA"}})
    while True:
        kind, data, at = await asyncio.wait_for(call.events.get(), 10)
        if kind == "closed":
            summary["stop_close_code"] = data
            summary["stop_close_after_s"] = at - t_stop
            break
    await reader
    summary["bad_frames"] = call.bad_frames[:5]
    summary["inbound_frames_sent"] = call.inbound
    status, body = http("GET", f"{base}/v1/calls", key)
    summary["calls_after_stop"] = json.loads(body)["calls"]
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
