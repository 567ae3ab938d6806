#!/usr/bin/env python3
"""Writes a synthetic narrated-slides project, for benchmarks and end-to-end checks.

Into OUT_DIR it writes `project.json` (the format in docs/FORMAT.md), `narration.wav` (mono
16-bit, 24 kHz: a 30 ms 1 kHz click at every word's start and a quiet hum while the word lasts,
so that audio sync can be measured on a rendered video) and `background.png` (a gradient at the
output size). Words come at about --wpm words a minute, 12 to 40 to a slide, with a pause between
slides; the same --seed gives the same project. Standard library only.

  python3 scripts/make_fixture.py OUT_DIR [--seconds 60] [--width 1920 --height 1080 --fps 30]
                                          [--wpm 150] [--seed 1] [--no-background-image]
"""
import argparse
import array
import json
import math
import os
import random
import struct
import wave
import zlib

WORDS = ("the quick brown fox jumps over lazy dog while seven bright engineers render narrated "
         "slides with careful timing every spoken word turns bold exactly when the voice reaches "
         "it batching frames across many cores keeps encoders busy and latency low graphics "
         "processors draw thousands of glyphs per millisecond yet video encoding often dominates "
         "the budget so planning unique frames once saves real work on long lectures history "
         "science mathematics language music economics biology chemistry physics").split()

RATE = 24000


def slides_for(rng, seconds, wpm):
    """Timed words grouped into slides; each slide ends where the next begins."""
    slides = []
    t = 0.4
    per_word = 60.0 / wpm
    while t < seconds - 1.0:
        count = rng.randint(12, 40)
        slide = {"start": round(max(0.0, t - 0.4), 3), "words": []}
        for _ in range(count):
            if t >= seconds - 0.8:
                break
            text = rng.choice(WORDS)
            if rng.random() < 0.08:
                text = text.capitalize()
            if rng.random() < 0.06:
                text += rng.choice([",", ".", "!", "?"])
            # Longer words take longer; 15% of each word's time is the gap after it.
            d = min(per_word * rng.uniform(0.6, 1.3) * (0.6 + 0.08 * len(text)), 0.9)
            slide["words"].append({"text": text, "start": round(t, 3), "end": round(t + 0.85 * d, 3)})
            t += d
        if slide["words"]:
            slides.append(slide)
        t += rng.uniform(0.5, 1.2)
    for this, after in zip(slides, slides[1:]):
        this["end"] = after["start"]
    if slides:
        slides[-1]["end"] = round(seconds, 3)
    return slides


def write_narration(path, seconds, slides):
    n = int(seconds * RATE)
    signal = [0.0] * n
    click = int(0.03 * RATE)
    for slide in slides:
        for w in slide["words"]:
            start = int(w["start"] * RATE)
            for k in range(click):
                if start + k < n:
                    signal[start + k] += 0.6 * math.sin(2 * math.pi * 1000 * k / RATE)
            for k in range(start + click, min(n, int(w["end"] * RATE))):
                signal[k] += 0.05 * math.sin(2 * math.pi * 180 * k / RATE)
    pcm = array.array("h", (int(max(-1.0, min(1.0, v)) * 32000) for v in signal))
    if pcm.itemsize != 2:
        raise SystemExit("16-bit samples are needed")
    if struct.pack("=h", 1) != struct.pack("<h", 1):
        pcm.byteswap()
    with wave.open(path, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(pcm.tobytes())


def gradient_png(width, height):
    """An RGB PNG: blue-grey, lighter to the right and downwards."""
    rows = bytearray()
    for y in range(height):
        fy = y / max(1, height - 1)
        rows.append(0)  # no filter
        for x in range(width):
            fx = x / max(1, width - 1)
            rows += bytes((int(12 + 30 * fx), int(24 + 40 * fy), int(60 + 70 * (1 - fx * fy))))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--wpm", type=float, default=150.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-background-image", action="store_true")
    a = ap.parse_args()

    os.makedirs(a.out_dir, exist_ok=True)
    slides = slides_for(random.Random(a.seed), a.seconds, a.wpm)
    write_narration(os.path.join(a.out_dir, "narration.wav"), a.seconds, slides)
    if a.no_background_image:
        background = {"color": "#0b1d3a"}
    else:
        with open(os.path.join(a.out_dir, "background.png"), "wb") as f:
            f.write(gradient_png(a.width, a.height))
        background = {"image": "background.png"}
    project = {
        "video": {"width": a.width, "height": a.height, "fps": a.fps},
        "audio": "narration.wav",
        "background": background,
        "style": {
            "font_size": round(a.height * 0.06),
            "margin": round(a.width * 0.08),
            "align": "center",
            "upcoming": {"weight": "regular", "color": "#b8c2d6"},
            "current": {"weight": "bold", "color": "#ffd54a"},
            "spoken": {"weight": "bold", "color": "#ffffff"},
            "fade": 0.25,
        },
        "slides": slides,
    }
    with open(os.path.join(a.out_dir, "project.json"), "w") as f:
        json.dump(project, f, indent=1)
    words = sum(len(s["words"]) for s in slides)
    print(f"{a.out_dir}: {len(slides)} slides, {words} words, {a.seconds:.1f} s, "
          f"{a.width}x{a.height}@{a.fps}")


if __name__ == "__main__":
    main()
