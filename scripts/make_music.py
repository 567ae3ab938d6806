#!/usr/bin/env python3
"""Writes assets/music/pad.ogg: a quiet 16 s synthesised pad (four chords crossfading into each
other, looping without a seam), the music bed of assets/music/project.json.

Only the Python standard library and the ffmpeg tool (for the Opus encoding) are used; the
output is the same on every run.

  python3 scripts/make_music.py [OUT.ogg]
"""
import math
import os
import struct
import subprocess
import sys
import tempfile

RATE = 24000
CHORDS = [  # C major, A minor, F major, G major (Hz)
    (261.63, 329.63, 392.00), (220.00, 261.63, 329.63),
    (174.61, 220.00, 261.63), (196.00, 246.94, 293.66),
]
SECONDS_PER_CHORD = 4.0


def samples():
    loop = SECONDS_PER_CHORD * len(CHORDS)
    # Each frequency rounded to a whole number of cycles per loop, so the loop point is seamless.
    chords = [[round(f * loop) / loop for f in c] for c in CHORDS]
    for i in range(int(RATE * loop)):
        t = i / RATE
        v = 0.0
        for k, chord in enumerate(chords):
            # Each chord swells in and out over two chord lengths, overlapping the next by
            # half: the two raised cosines always sum to one, so the level never dips.
            phase = ((t - k * SECONDS_PER_CHORD) % loop) / (2 * SECONDS_PER_CHORD)
            if phase >= 1.0:
                continue
            env = 0.5 - 0.5 * math.cos(2 * math.pi * phase)
            for j, f in enumerate(chord):
                v += env * (math.sin(2 * math.pi * f * t) + 0.3 * math.sin(2 * math.pi * 2 * f * t + j)) / len(chord)
        yield 0.2 * v


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", "music", "pad.ogg")
    data = b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32767)) for s in samples())
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "pad.wav")
        with open(wav, "wb") as f:
            f.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt ")
            f.write(struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16))
            f.write(b"data" + struct.pack("<I", len(data)) + data)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", "32k",
                        "-map_metadata", "-1", "-fflags", "+bitexact", out], check=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
