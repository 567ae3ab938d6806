#!/usr/bin/env python3
"""Regenerates assets/demo/: a spoken narration with exact word timings, its project, a background.

Each word is spoken separately by espeak-ng (Debian package espeak-ng) and the clips are joined
with short pauses, so every word's start and end time is known exactly. Needs espeak-ng and
ffmpeg on PATH; uses only the Python standard library otherwise.

    python3 scripts/make_demo.py [OUT_DIR]   (default: assets/demo)
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import wave
import zlib

SLIDES = [
    "Welcome to gpucast. It turns narration, slide text and word timings into a video.",
    "Every word turns bold and bright at the very frame it is spoken, over your background.",
    "Slides fade in and out, and the whole lecture is drawn once per distinct frame.",
    "On a graphics card the frames are drawn by compute shaders; without one, by every core.",
    "The encoder, not the drawing, sets the pace. Thank you for watching.",
]
RATE = 22050
WORD_GAP = 0.06
SENTENCE_GAP = 0.30
SLIDE_GAP = 0.60


def speak(word, path):
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", path, word], check=True)
    with wave.open(path) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    samples = list(struct.unpack(f"<{len(frames) // 2}h", frames))
    # Trim espeak's leading and trailing silence so that timings are the word itself.
    loud = [i for i, s in enumerate(samples) if abs(s) > 300]
    if loud:
        samples = samples[max(0, loud[0] - 40):loud[-1] + 40]
    if rate != RATE:
        raise SystemExit(f"espeak-ng wrote {rate} Hz, expected {RATE}")
    return samples


def png(width, height):
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        fy = y / (height - 1)
        for x in range(width):
            fx = x / (width - 1)
            raw += bytes((int(10 + 25 * fx), int(18 + 30 * fy), int(48 + 60 * (1 - fx * fy))))
    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "assets", "demo")
    os.makedirs(out, exist_ok=True)
    audio, slides, t = [], [], 0.3
    audio += [0] * int(t * RATE)
    with tempfile.TemporaryDirectory() as tmp:
        for text in SLIDES:
            slide = {"start": round(max(0.0, t - 0.3), 3), "words": []}
            for word in text.split():
                clip = speak(word.strip(".,;"), os.path.join(tmp, "w.wav"))
                start = len(audio) / RATE
                audio += clip
                end = len(audio) / RATE
                slide["words"].append({"text": word, "start": round(start, 3), "end": round(end, 3)})
                gap = SENTENCE_GAP if word[-1] in ".;" else WORD_GAP
                audio += [0] * int(gap * RATE)
            audio += [0] * int(SLIDE_GAP * RATE)
            t = len(audio) / RATE
            slides.append(slide)
        for a, b in zip(slides, slides[1:]):
            a["end"] = b["start"]
        wav = os.path.join(tmp, "narration.wav")
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(struct.pack(f"<{len(audio)}h", *audio))
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", "48k",
                        os.path.join(out, "narration.ogg")], check=True)
    with open(os.path.join(out, "background.png"), "wb") as f:
        f.write(png(1920, 1080))
    project = {
        "video": {"width": 1920, "height": 1080, "fps": 30},
        "audio": "narration.ogg",
        "background": {"image": "background.png", "fit": "cover"},
        "style": {
            "font_size": 72, "line_height": 1.3, "margin": 200, "align": "center",
            "upcoming": {"weight": "regular", "color": "#b8c2d6"},
            "current": {"weight": "bold", "color": "#ffd54a"},
            "spoken": {"weight": "bold", "color": "#ffffff"},
            "fade": 0.3,
        },
        "slides": slides,
    }
    with open(os.path.join(out, "project.json"), "w") as f:
        json.dump(project, f, indent=1)
        f.write("\n")
    words = sum(len(s["words"]) for s in slides)
    print(f"{out}: {len(slides)} slides, {words} words, {len(audio) / RATE:.1f} s")


if __name__ == "__main__":
    main()
