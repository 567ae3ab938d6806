#!/usr/bin/env python3
"""Measures the studio as a user feels it: the time from moving the scrub bar to the frame on
screen, in headless Chromium, on a copy of the bundled demo (1920x1080, previewed at 960x540),
and writes the page's screenshot for the README.

  python3 scripts/studio_latency.py [--gpucast target/release/gpucast] [--scrubs 60]
      [--screenshot docs/studio.png]

Each scrub goes to a random time (most frames not drawn before), so each is a frame drawn by the
CPU renderer, scaled, encoded as PNG, sent and decoded by the page. Prints the median, the 90th
percentile and the worst, in milliseconds; then plays the start (--playback seconds) and says
how often the frame on screen was the one due at the narration's time (sampled every 20 ms).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpucast", default=os.path.join(root, "target/release/gpucast"))
    ap.add_argument("--scrubs", type=int, default=60)
    ap.add_argument("--screenshot")
    ap.add_argument("--playback", type=float, default=30, help="seconds of playback to sample")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for f in ("project.json", "narration.ogg", "background.png"):
            shutil.copy(os.path.join(root, "assets/demo", f), d)
        studio = subprocess.Popen([a.gpucast, "studio", os.path.join(d, "project.json"), "--port", "0",
                                   "--no-open", "--backend", "cpu"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = studio.stdout.readline().strip()
            args = [sys.executable, os.path.join(here, "studio_in_chromium.py"), url, os.path.join(d, "out"),
                    "--latency", str(a.scrubs), "--playback", str(a.playback)]
            if a.screenshot:
                args += ["--screenshot", os.path.abspath(a.screenshot), "--shot-at", "6.3"]
            report = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        finally:
            studio.terminate()
            studio.wait()
    ms = sorted(report["latencies_ms"])
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(f"scrub to frame shown, 960x540 preview of a 1920x1080 project, {len(ms)} scrubs: "
          f"median {statistics.median(ms):.0f} ms, 90th percentile {p90:.0f} ms, worst {ms[-1]:.0f} ms")
    p = report["playback"]
    print(f"playback at 960 px, {a.playback:.0f} s from the start: the due frame on screen in "
          f"{100 * p['due'] / max(1, p['samples']):.1f}% of {p['samples']} samples")
    if report["errors"]:
        sys.exit(f"page errors: {report['errors']}")


if __name__ == "__main__":
    main()
