#!/usr/bin/env python3
"""Writes assets/footage/footage.mp4: 8 s of synthetic footage (slowly drifting colour bands under
a blurred field of drifting specks) at 960x540, 30 fps, H.264, the background video of
assets/footage/project.json. Made by FFmpeg's own sources (gradients, life), so no camera
footage or licence is involved.

  python3 scripts/make_footage.py [OUT.mp4] [--size WxH] [--seconds S]

Other sizes and lengths are for benchmarks (a 1080p clip, a 10-minute one).
"""
import argparse
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("out", nargs="?", default=os.path.join(HERE, "..", "assets", "footage", "footage.mp4"))
ap.add_argument("--size", default="960x540")
ap.add_argument("--seconds", type=float, default=8)
a = ap.parse_args()
W, H = (int(v) for v in a.size.split("x"))
OUT = a.out

subprocess.run(
    [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i",
        f"gradients=s={W}x{H}:r=30:c0=0x0b132b:c1=0x1c7c9c:c2=0x5a189a:c3=0x2a6f97"
        f":nb_colors=4:speed=0.015:duration={a.seconds}:seed=7",
        "-f", "lavfi", "-i",
        f"life=s={W // 4}x{H // 4}:r=30:mold=10:ratio=0.12:death_color=#000000:life_color=#ffffff:seed=3",
        "-filter_complex",
        f"[1]scale={W}:{H}:flags=neighbor,format=gray,boxblur=6,format=yuv420p[l];"
        "[0]format=yuv420p[g];[g][l]blend=all_mode=screen:all_opacity=0.35,format=yuv420p",
        "-t", str(a.seconds), "-c:v", "libx264", "-crf", "28", "-preset", "slow", "-g", "60",
        "-threads", "1", "-pix_fmt", "yuv420p", "-movflags", "+faststart", OUT,
    ],
    check=True,
)
print(OUT)
