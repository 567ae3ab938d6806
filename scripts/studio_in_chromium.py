#!/usr/bin/env python3
"""Drives a running `gpucast studio` page in headless Chromium, as a user would, and reports.

It talks to Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no port
to open), clicks and types through the page's own controls, and writes what it saw as JSON:

  - every console error and uncaught exception of the page;
  - the PNG the page received and shows after the scrub bar is moved to --at (full size), for
    the caller to compare with `gpucast frame --at`;
  - with --latency N: N scrubs to random times at 960 px, each timed from the input event to
    the frame decoded on screen (milliseconds);
  - with --edit SLIDE WORD START: that word's start typed into its field, then Save clicked,
    and the status the page showed;
  - with --bad-edit SLIDE WORD: that word's end typed before its start, Save clicked, the
    status and the problems listed (then undone);
  - with --playback S: S seconds played from the start at 960 px, sampled every 20 ms: the
    share of samples whose frame on screen is the distinct frame due at the narration's time;
  - with --tour: the other controls, each checked by what it changed: a start nudged one
    frame by the arrow key, a slide split at a word and merged back, a colour changed in
    Looks (the frame redrawn), undo and redo, a second of playback (the frames following the
    narration's clock), and the sync check;
  - with --render: Render clicked, the progress seen until it ends, and the download link;
  - with --screenshot FILE: the page as shown.

  python3 scripts/studio_in_chromium.py URL OUT_DIR [--at T] [--latency N] [--edit S W T]
      [--bad-edit S W] [--render] [--screenshot FILE]

Needs Debian's `chromium`. Prints the report (also OUT_DIR/report.json); exits 0 when the page
ran, whatever it reported: the caller judges.
"""
import argparse
import base64
import fcntl
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Browser:
    """Headless Chromium with one page, driven over --remote-debugging-pipe."""

    def __init__(self, width=1600, height=900):
        exe = next((e for e in ("chromium", "chromium-browser", "google-chrome") if shutil.which(e)), None)
        if not exe:
            sys.exit("no chromium installed")
        self.profile = tempfile.mkdtemp(prefix="studio-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def fds():
            # Moved out of the way first: either pipe may itself be fd 3 or 4.
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--mute-audio",
             "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.answers = {}
        self.events = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.session = None

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                m = json.loads(msg)
                with self.cond:
                    if "id" in m:
                        self.answers[m["id"]] = m
                    else:
                        self.events.append(m)
                    self.cond.notify_all()

    def send(self, method, params=None, session=True, timeout=60):
        with self.cond:
            self.next_id += 1
            i = self.next_id
        msg = {"id": i, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        with self.cond:
            while i not in self.answers:
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(method)
                self.cond.wait(left)
            m = self.answers.pop(i)
        if "error" in m:
            raise RuntimeError(f"{method}: {m['error']}")
        return m["result"]

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})

    def js(self, expression, timeout=60):
        r = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                           "returnByValue": True}, timeout=timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:80]}...: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, condition, timeout=60):
        """Waits until the JavaScript expression is true."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.js(f"!!({condition})"):
                    return True
            except RuntimeError:
                pass
            time.sleep(0.05)
        raise TimeoutError(condition)

    def errors(self):
        out = []
        with self.cond:
            for e in self.events:
                p = e.get("params", {})
                if e["method"] == "Runtime.exceptionThrown":
                    out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:400])
                elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                    out.append("console: " + json.dumps(p.get("args", []))[:400])
                elif (e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error"
                      # Answers the page expects (422 for a bad edit) are network entries.
                      and p["entry"].get("source") != "network"):
                    out.append("log: " + p["entry"].get("text", "")[:400])
        return out

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# Moves the scrub bar as a user does: its value set, then its input event.
SCRUB = """(() => { const s = document.getElementById("scrub"); s.value = %r;
  s.dispatchEvent(new Event("input", {bubbles: true})); })()"""
SHOWN = "studio.shown && Math.abs(studio.shown.t - %r) < 1e-6 && studio.shown.width === %s"
TYPE = """(() => { const i = document.querySelector(%r); i.focus(); i.value = %r;
  i.dispatchEvent(new Event("change", {bubbles: true})); })()"""
CLICK = "document.getElementById(%r).click()"


def tour(b):
    out = {}
    b.js("goSlide(0)")
    fps = b.js("studio.timeline.fps")
    # Arrow up in word 0's start: one frame later.
    before = b.js("studio.project.slides[0].words[0].start")
    b.js("""(() => { const i = document.querySelector('#wordtable tr[data-word="0"] input.start'); i.focus();
      i.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowUp", bubbles: true})); })()""")
    after = b.js("studio.project.slides[0].words[0].start")
    out["nudge"] = [before, after, round(1 / fps, 6)]
    # Split slide 0 at word 2, then merge it back.
    n = b.js("studio.project.slides.length")
    b.js("studio.selected = 2; document.getElementById('split').click()")
    out["split"] = [n, b.js("studio.project.slides.length"), b.js("studio.project.slides[1].words[0].text"),
                    b.js("studio.slide")]
    b.js("goSlide(0); document.getElementById('merge').click()")
    out["merged"] = b.js("studio.project.slides.length")
    b.js(CLICK % "undo")
    b.js(CLICK % "undo")
    b.js(CLICK % "undo")
    out["undone"] = b.js("JSON.stringify(studio.project) === studio.savedJson")
    b.js(CLICK % "redo")
    out["redone_start"] = b.js("studio.project.slides[0].words[0].start")
    b.js(CLICK % "undo")
    # A colour in Looks: the frame at the same time is redrawn from the new draft.
    b.js("document.querySelector('nav button[data-tab=looks]').click()")
    t = b.js("studio.timeline.slides[0][1] - 0.05")
    b.js(SCRUB % t)
    b.wait(f"studio.shown && Math.abs(studio.shown.t - {t}) < 1e-6")
    png_before = b.js("studio.shown.url")
    d = b.js("studio.draft.id")
    b.js(TYPE % ('#looks input[data-path="style.spoken.color"]', "#ff0000"))
    b.wait(f"!studio.pending && studio.draft.id > {d} && studio.shown.url !== {json.dumps(png_before)}")
    out["look"] = {"color": b.js("studio.project.style.spoken.color"),
                   "redrawn": b.js(f"studio.shown.url !== {json.dumps(png_before)}")}
    b.js(CLICK % "undo")
    b.wait(f"!studio.pending && studio.draft.id > {d + 1}")
    out["look_undone"] = b.js("JSON.stringify(studio.project) === studio.savedJson")
    # A second of playback: the preview follows the narration's clock.
    b.js(SCRUB % 0.5)
    b.wait("studio.shown && Math.abs(studio.shown.t - 0.5) < 1e-6")
    b.js(CLICK % "play")
    time.sleep(1.5)
    out["playing"] = b.js("!document.getElementById('narration').paused")
    out["played"] = b.js("[document.getElementById('narration').currentTime, studio.time, studio.shown.t]")
    b.js(CLICK % "play")
    # The sync check on the fixture's narration.
    b.js("document.querySelector('nav button[data-tab=sync]').click()")
    b.js(CLICK % "check")
    b.wait("!document.getElementById('check').disabled", 120)
    out["sync"] = b.js("document.getElementById('syncsummary').textContent")
    out["sync_data"] = b.js("studio.sync")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--at", type=float)
    ap.add_argument("--latency", type=int, default=0)
    ap.add_argument("--edit", nargs=3)
    ap.add_argument("--bad-edit", nargs=2)
    ap.add_argument("--render", action="store_true")
    ap.add_argument("--tour", action="store_true")
    ap.add_argument("--playback", type=float, default=0)
    ap.add_argument("--screenshot")
    ap.add_argument("--shot-at", type=float, help="the time shown in the screenshot")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    report = {}
    b = Browser()
    try:
        b.open(a.url)
        b.wait("window.studio && studio.ready && studio.shown", 90)
        report["title"] = b.js("document.title")
        duration = b.js("studio.timeline.duration")
        if a.at is not None:
            b.js('document.getElementById("size").value = "full"')
            b.js(SCRUB % a.at)
            b.wait(SHOWN % (a.at, "null"))
            png = b.js("""studio.shown.png.arrayBuffer().then(buf => {
                let s = ""; const u = new Uint8Array(buf);
                for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192));
                return btoa(s); })""")
            path = os.path.join(a.out, "scrub.png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(png))
            report["scrub_png"] = path
            report["scrub_frame"] = b.js("studio.shown.frame")
        if a.latency:
            b.js('document.getElementById("size").value = "960"')
            rng = random.Random(7)
            b.js("studio.latencies = []")
            for _ in range(a.latency):
                t = round(rng.uniform(0, duration - 0.01), 3)
                b.js(SCRUB % t)
                b.wait(SHOWN % (t, "960"))
                b.wait("!studio.scrubbing")
                time.sleep(0.05)
            report["latencies_ms"] = b.js("studio.latencies")
        if a.edit:
            s, w, start = int(a.edit[0]), int(a.edit[1]), float(a.edit[2])
            b.js(CLICK % "prev")
            b.js(f"goSlide({s})")
            b.js(TYPE % (f'#wordtable tr[data-word="{w}"] input.start', str(start)))
            b.wait("!studio.pending && studio.draft && studio.draft.valid")
            b.js(CLICK % "save")
            b.wait('["saved"].includes(document.getElementById("status").textContent) || document.getElementById("status").className === "error"')
            report["edit_status"] = b.js('document.getElementById("status").textContent')
        if a.bad_edit:
            s, w = int(a.bad_edit[0]), int(a.bad_edit[1])
            b.js(f"goSlide({s})")
            start = b.js(f"studio.project.slides[{s}].words[{w}].start")
            b.js(TYPE % (f'#wordtable tr[data-word="{w}"] input.end', str(round(start - 0.25, 3))))
            b.wait("!studio.pending && studio.draft && !studio.draft.valid")
            report["bad_problems_listed"] = b.js(
                '[...document.querySelectorAll("#problemlist li.problem")].map(li => li.textContent)')
            b.js(CLICK % "save")
            b.wait('document.getElementById("status").textContent.startsWith("not saved")')
            report["bad_status"] = b.js('document.getElementById("status").textContent')
            b.js(CLICK % "undo")
            b.wait("!studio.pending && studio.draft && studio.draft.valid")
        if a.playback:
            b.js('document.getElementById("size").value = "960"')
            b.js(SCRUB % 0.0)
            b.wait(SHOWN % (0.0, "960"))
            b.js(CLICK % "play")
            report["playback"] = b.js("""new Promise((done) => {
              const a = document.getElementById("narration"), n = {samples: 0, due: 0};
              const t0 = performance.now();
              const tick = setInterval(() => {
                if (a.paused || !studio.shown) return;
                n.samples++;
                if (runOf(frameAt(a.currentTime)) === runOf(studio.shown.frame)) n.due++;
                if (performance.now() - t0 > %d) { clearInterval(tick); a.pause(); done(n); }
              }, 20);
            })""" % int(a.playback * 1000), timeout=a.playback + 60)
        if a.tour:
            report["tour"] = tour(b)
        if a.render:
            b.js(CLICK % "render")
            seen = []
            deadline = time.time() + 300
            while time.time() < deadline:
                r = b.js("studio.render")
                if r and "frames_done" in r:
                    seen.append([r["frames_done"], r["frames_total"]])
                    if r["state"] != "running":
                        break
                time.sleep(0.2)
            report["render"] = b.js("studio.render")
            report["render_progress_seen"] = seen
            report["render_progress_text"] = b.js('document.getElementById("rendering").textContent')
            report["download_href"] = b.js('document.getElementById("download").getAttribute("href")')
            report["download_text"] = b.js('document.getElementById("download").textContent')
        if a.screenshot:
            if a.shot_at is not None:
                b.js('document.getElementById("size").value = "960"')
                b.js("document.querySelector('nav button[data-tab=words]').click()")
                b.js(SCRUB % a.shot_at)
                b.wait(SHOWN % (a.shot_at, "960"))
                b.js("studio.selected = 3; renderWords(); renderLane()")
                time.sleep(0.3)
            shot = b.send("Page.captureScreenshot", {"format": "png"})
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        time.sleep(0.3)
        report["errors"] = b.errors()
    finally:
        b.close()
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
