#!/usr/bin/env python3
"""Plays gpucast's MP4s in headless Chromium, a second player beside FFmpeg, and checks them.

For each video it:
  - loads it in a <video> element (from a blob, so that seeking needs no HTTP ranges) and reads
    its duration and size;
  - seeks to the middle of a spread of frames (repeats far from a keyframe among them), draws
    each onto a canvas, and checks that it is FFmpeg's decode of that frame: on the pixels where
    the nearest other frames differ from it (the words that change), it must be much closer to
    FFmpeg's frame than to those (colour conversion differs slightly between players; a wrong
    frame differs by whole glyphs);
  - plays it from start to end at 4x and checks that it ends with no media error.
It prints one line per video and exits non-zero if any check fails.

Constant-frame-rate files only (a --vfr file's frames are not sampled here as a player shows
them).

  python3 scripts/play_in_chromium.py VIDEO.mp4 [...] [--frames 40] [--closeness 0.5] [--shift N]

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
    // "seeked" may fire before the sought frame is the one presented: wait for it to be
    // (requestVideoFrameCallback), for at most a moment (a paused seek may present none).
    r.late = 0;
    const presented = () => new Promise((ok) => {
      const late = setTimeout(() => { r.late++; ok(); }, 250);
      if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(() => { clearTimeout(late); ok(); });
    });
    for (const t of TIMES) {
      v.currentTime = t;
      const shown = presented();
      await once(v, "seeked");
      await shown;
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


def ffmpeg_frames(path, width, height):
    """FFmpeg's decode as rgb24 frames (BT.709, limited range in), one at a time."""
    proc = subprocess.Popen(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-fps_mode", "cfr",
                             "-vf", "scale=in_color_matrix=bt709:in_range=tv:out_range=pc:"
                                    "flags=accurate_rnd+full_chroma_int",
                             "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE)
    n = width * height * 3
    while True:
        frame = proc.stdout.read(n)
        if len(frame) < n:
            break
        yield frame
    proc.wait()


def signature(frame, width, height, block=8):
    """Mean green level of each block x block tile: enough to tell a frame whose words changed
    from the same picture coded again (a lossy encoder refines repeats a little each time)."""
    sig = []
    for by in range(0, height - block + 1, block):
        for bx in range(0, width - block + 1, block):
            total = 0
            for y in range(by, by + block):
                start = (y * width + bx) * 3 + 1
                total += sum(frame[start:start + block * 3:3])
            sig.append(total // (block * block))
    return sig


def differs(a, b):
    return any(abs(x - y) > 8 for x, y in zip(a, b))


def reference(path, indices, width, height, shift):
    """For each sampled frame: FFmpeg's frame (`shift` frames later, for the self-test) and the
    nearest frames before and after it that show something else."""
    sigs = [signature(f, width, height) for f in ffmpeg_frames(path, width, height)]
    wanted = {}
    for i in indices:
        j = min(i + shift, len(sigs) - 1)
        before = next((k for k in range(j - 1, -1, -1) if differs(sigs[k], sigs[j])), None)
        after = next((k for k in range(j + 1, len(sigs)) if differs(sigs[k], sigs[j])), None)
        wanted[i] = (j, [k for k in (before, after) if k is not None])
    keep = {j for j, others in wanted.values()} | {k for _, others in wanted.values() for k in others}
    frames = {k: f for k, f in enumerate(ffmpeg_frames(path, width, height)) if k in keep}
    return {i: (frames[j], [frames[k] for k in others]) for i, (j, others) in wanted.items()}


def closeness(got, want, others):
    """How much closer Chromium's frame is to FFmpeg's than to the neighbouring frames, over the
    pixels where those differ from it (the words that change): 0 is as close, 1 identical.
    Colour conversion and chroma upsampling differ slightly between players; a wrong frame
    differs by whole glyphs. None when no neighbour differs visibly."""
    pixels = [k for k in range(0, len(want), 3)
              if any(max(abs(o[k] - want[k]), abs(o[k + 1] - want[k + 1]), abs(o[k + 2] - want[k + 2])) > 40
                     for o in others)]
    if not pixels:
        return None
    def dist(ref):
        return sum(abs(got[k] - ref[k]) + abs(got[k + 1] - ref[k + 1]) + abs(got[k + 2] - ref[k + 2])
                   for k in pixels)
    own = dist(want)
    nearest_other = min(dist(o) for o in others)
    return 1.0 - own / max(nearest_other, 1)


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
        refs = reference(video, indices, width, height, args.shift)
        worst = 1.0
        for i, hexdata in zip(indices, result["frames"]):
            want, others = refs[i]
            c = closeness(bytes.fromhex(hexdata), want, others)
            if c is None:
                continue
            worst = min(worst, c)
            if c < args.closeness:
                problems.append(f"frame {i} is not FFmpeg's frame {i} (closeness {c:.2f})")
        result["worst"] = worst
    return problems, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="+")
    ap.add_argument("--frames", type=int, default=40, help="frames compared with FFmpeg's, spread evenly")
    ap.add_argument("--closeness", type=float, default=0.5,
                    help="how much closer each frame must be to FFmpeg's frame than to its neighbours (0-1)")
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
            print(f"{v}: plays in Chromium: {r['duration']:.3f} s, {r['width']}x{r['height']}, "
                  f"{len(r['frames'])} frames seeked to, each FFmpeg's decode of that frame (closeness "
                  f"against its neighbours: worst {r['worst']:.2f}, 1 is identical), played to the end "
                  f"at 4x with no media error ({r.get('late', 0)} seeks presented no new frame within 250 ms)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
