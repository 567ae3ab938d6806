#!/usr/bin/env python3
"""Plays gpucast's MP4s in headless Chromium, a second player beside FFmpeg, and checks them.

For each video it:
  - loads it in a <video> element (from a blob, so that seeking needs no HTTP ranges) and reads
    its duration and size;
  - seeks to the middle of a spread of frames (repeats far from a keyframe among them), draws
    each onto a canvas, and compares the pixels with FFmpeg's decode of the same frame (colour
    conversion differs slightly between the two, so pixels count as different only past 40
    levels; a wrong frame differs by whole glyphs);
  - plays it from start to end at 4x and checks that it ends with no media error.
It prints one line per video and exits non-zero if any check fails.

  python3 scripts/play_in_chromium.py VIDEO.mp4 [...] [--frames 40] [--tolerance 0.05] [--shift N]

Needs Debian's `chromium` (`apt-get install chromium`) and the ffmpeg tool.
"""
import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

PAGE = """<!doctype html><meta charset="utf-8"><body>
<video id="v" muted playsinline></video><canvas id="c"></canvas>
<script>
const send = (r) => fetch("/result", {method: "POST", body: JSON.stringify(r)});
const once = (el, ev) => new Promise((ok, bad) => {
  el.addEventListener(ev, ok, {once: true});
  el.addEventListener("error", () => bad(new Error("media error " + (el.error && el.error.code) + ": " + (el.error && el.error.message))), {once: true});
});
(async () => {
  const r = {errors: []};
  try {
    const blob = await (await fetch("/video.mp4")).blob();
    const v = document.getElementById("v");
    v.src = URL.createObjectURL(blob);
    await once(v, "loadeddata");
    r.duration = v.duration; r.width = v.videoWidth; r.height = v.videoHeight;
    const c = document.getElementById("c");
    c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext("2d", {willReadFrequently: true});
    r.frames = [];
    for (const t of TIMES) {
      v.currentTime = t;
      await once(v, "seeked");
      g.drawImage(v, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      // RGB only, as hex, to compare with FFmpeg's rgb24.
      const rgb = new Uint8Array(c.width * c.height * 3);
      for (let i = 0, j = 0; i < d.length; i += 4) { rgb[j++] = d[i]; rgb[j++] = d[i+1]; rgb[j++] = d[i+2]; }
      let s = ""; for (const b of rgb) s += b.toString(16).padStart(2, "0");
      r.frames.push(s);
    }
    v.currentTime = 0;
    await once(v, "seeked");
    v.playbackRate = 4;
    const ended = once(v, "ended");
    await v.play();
    await ended;
    r.ended_at = v.currentTime;
    const q = v.getVideoPlaybackQuality();
    r.played_frames = q.totalVideoFrames; r.corrupted = q.corruptedVideoFrames;
  } catch (e) { r.errors.push(String(e)); }
  send(r);
})();
</script>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium not found: apt-get install chromium")


def probe(path):
    """Size, frame rate, frame count and duration; the rate of a variable-rate file is the
    one its frames are sampled at (FFmpeg's r_frame_rate)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v",
                          "-show_entries", "stream=width,height,r_frame_rate:format=duration",
                          "-of", "json", path], capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    s = j["streams"][0]
    num, den = map(int, s["r_frame_rate"].split("/"))
    duration = float(j["format"]["duration"])
    return s["width"], s["height"], num / den, round(duration * num / den), duration


def ffmpeg_frames(path, indices, width, height, shift):
    """FFmpeg's decode of the given frames as rgb24 (BT.709, limited range in)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-fps_mode", "cfr",
                          "-vf", "scale=in_color_matrix=bt709:in_range=tv:out_range=pc:flags=accurate_rnd+full_chroma_int",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    n = width * height * 3
    count = len(raw) // n
    return {i: raw[min(i + shift, count - 1) * n:(min(i + shift, count - 1) + 1) * n] for i in indices}


def differing(a, b):
    """Percent of pixels where a channel differs by more than 40 levels: colour conversion and
    chroma upsampling differ slightly between players, a wrong frame differs by whole glyphs."""
    n = 0
    for k in range(0, len(b), 3):
        if (abs(a[k] - b[k]) > 40 or abs(a[k + 1] - b[k + 1]) > 40 or abs(a[k + 2] - b[k + 2]) > 40):
            n += 1
    return 100.0 * n / (len(b) // 3)


def check(video, args, browser):
    width, height, fps, count, duration = probe(video)
    step = max(1, count // args.frames)
    indices = sorted(set(list(range(0, count, step)) + [count - 1]))
    times = [(i + 0.5) / fps for i in indices]
    result = {}
    done = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path == "/":
                body = PAGE.replace("TIMES", json.dumps(times)).encode()
                kind = "text/html"
            elif self.path == "/video.mp4":
                body = open(video, "rb").read()
                kind = "video/mp4"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers["Content-Length"])
            result.update(json.loads(self.rfile.read(n)))
            self.send_response(204)
            self.end_headers()
            done.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="gpucast-chromium-")
    proc = subprocess.Popen([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio",
                             "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={profile}",
                             f"http://127.0.0.1:{server.server_address[1]}/"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        finished = done.wait(args.timeout)
    finally:
        proc.kill()
        proc.wait()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    problems = []
    if not finished:
        return [f"no result from chromium within {args.timeout} s"], {}
    problems += result.get("errors", [])
    if not problems:
        if abs(result["duration"] - duration) > 0.5 / fps:
            problems.append(f"duration {result['duration']} s, FFmpeg says {duration} s")
        if (result["width"], result["height"]) != (width, height):
            problems.append(f"size {result['width']}x{result['height']}")
        if abs(result["ended_at"] - duration) > 0.5 / fps:
            problems.append(f"playback ended at {result['ended_at']} s")
        if result.get("corrupted"):
            problems.append(f"{result['corrupted']} corrupted frames")
        reference = ffmpeg_frames(video, indices, width, height, args.shift)
        worst = 0.0
        for i, hexdata in zip(indices, result["frames"]):
            off = differing(bytes.fromhex(hexdata), reference[i])
            worst = max(worst, off)
            if off > args.tolerance:
                problems.append(f"frame {i}: {off:.2f}% of pixels differ from FFmpeg's decode")
        result["worst"] = worst
    return problems, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="+")
    ap.add_argument("--frames", type=int, default=40, help="frames compared with FFmpeg's, spread evenly")
    ap.add_argument("--tolerance", type=float, default=0.05,
                    help="percent of pixels allowed to differ by more than 40 levels from FFmpeg's decode")
    ap.add_argument("--shift", type=int, default=0,
                    help="compare with FFmpeg's frame this many frames later (a self-test: must fail)")
    ap.add_argument("--timeout", type=float, default=120.0)
    a = ap.parse_args()
    browser = chromium()
    failed = False
    for v in a.videos:
        problems, r = check(v, a, browser)
        if problems:
            failed = True
            print(f"{v}: FAILED: " + "; ".join(problems))
        else:
            print(f"{v}: plays to the end in Chromium: {r['duration']:.3f} s, {r['width']}x{r['height']}, "
                  f"{len(r['frames'])} frames seeked to match FFmpeg's decode (worst: {r['worst']:.3f}% of "
                  f"pixels off by over 40 levels), {r['played_frames']} frames played at 4x, none corrupted")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
