#!/usr/bin/env python3
"""End-to-end benchmark: gpucast against the encoder alone on the same frames.

For each fixture length (1920x1080, 30 fps, from scripts/make_fixture.py) it times, alternating
the two and taking the median of --runs runs:
  gpucast     `gpucast render` to MP4 (drawing + libx264 + AAC + mux), per backend;
  encoder     `ffmpeg -i frames.y4m -c:v libx264 <identical settings>`: the encoder alone on the
              very frames gpucast draws (gpucast's y4m output, written once to a file and read from
              the page cache); when the y4m would not fit in memory, gpucast's y4m is piped into
              ffmpeg instead, marked "piped" (that baseline then includes gpucast's drawing);
  gpucast     (default) constant frame rate, repeats written as skipped pictures;
  --repeat-frames encode   constant frame rate, the encoder coding every frame;
  --vfr       gpucast encoding only the distinct frames, each with its duration;
  python      with --python PY: `gpucast.render` called from that interpreter (the package
              installed there), the same render as `gpucast cpu`.
It prints a Markdown table: wall time ratio to the encoder alone, frames per second, peak RSS,
the video stream's size and its PSNR against the drawn frames (where they were written to a file).

  python3 scripts/bench.py [--seconds 20 60 300] [--runs 3] [--backends cpu gpu] [--gpucast PATH] [--wpm 150]
                           [--styles default outline outline+shadow outline+shadow+box karaoke pop box box+glide cjk+emoji]

--background-video CLIP puts the fixture's text over that clip (looped, covering the frame):
every frame then differs, and the encoder alone is timed on those same frames. A 1080p clip:
`python3 scripts/make_footage.py clip.mp4 --size 1920x1080 --seconds 10`.

--project FILE [FILE...] times those projects as they are (the audiogram example, say) instead of
fixtures: `--project assets/audiogram/project.json`.

--styles renders the same fixture in each named look (STYLES below, laid over the fixture's
style): each against the encoder alone on that look's own frames. `look:NAME` (NAME one of
assets/looks/) sets the project's `look` instead, the fixture's state looks taken out so that
the look shows: `--styles look:hormozi look:marker ...`.

With --shards N it instead times a sharded render of each fixture on this machine: the single
render, each of the N parts (`render --shard I/N`, one after another, so each has the machine to
itself), and `gpucast join`, and reports the shards' overhead (the parts' total against the single
render), the join's cost against the single render, and the model for N machines (the slowest
part plus the join).

With --import-hours H it instead times `gpucast import` of an H-hour WhisperX file (2.8 words a
second, about 30,000 words for 3 hours) with a script (--text) that differs from the recognised
words in case, punctuation, numerals and about 3% of the words, against a silent 8 kHz WAV, and
then `gpucast validate` of the project it wrote (load, plan every frame, lay out every slide).
"""
import argparse
import json
import random
import wave
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-threads", "4", "-g", "60",
        "-pix_fmt", "yuv420p"]


def timed(cmd, shell=False):
    """Wall seconds and peak RSS (MB) of a command, measured by GNU time."""
    with tempfile.NamedTemporaryFile("r") as t:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", t.name]
        full += ["bash", "-c", cmd] if shell else cmd
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL)
        wall, rss = t.read().split()[-2:]
    return float(wall), int(rss) / 1024


def video_bytes(path):
    """The bytes of a file's video stream (the audio left out: the encoder alone has none)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size",
                          "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout
    return sum(int(x) for x in out.split())


def psnr(path, frames):
    """The average PSNR (dB, all planes) of a video's decoded frames against the drawn ones."""
    err = subprocess.run(["ffmpeg", "-hide_banner", "-i", path, "-i", frames, "-lavfi", "[0:v][1:v]psnr",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    found = [l for l in err.splitlines() if "PSNR" in l and "average:" in l]
    if not found:
        sys.exit(f"no PSNR for {path}:\n{err[-2000:]}")
    return float(found[-1].split("average:")[1].split()[0])


def mem_total_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


# Looks for --styles, laid over the fixture's style in every state.
EFFECTS = {
    "outline": {"outline": {"width": 4, "color": "#000000"}},
    "shadow": {"shadow": {"offset": [4, 6], "blur": 8, "color": "#000000a0"}},
    "box": {"box": {"color": "#ffd54a", "padding": [14, 6], "radius": 12}},
}
STYLES = {
    "default": {},
    "outline": {s: EFFECTS["outline"] for s in ("upcoming", "current", "spoken")},
    "outline+shadow": {s: {**EFFECTS["outline"], **EFFECTS["shadow"]}
                       for s in ("upcoming", "current", "spoken")},
    # The karaoke fill: every frame of a spoken word is distinct.
    "karaoke": {"current": {"wipe": True}},
    # The pop: the current word grows to 1.2x over 120 ms (a few distinct frames a word).
    "pop": {"current": {"scale": 1.2}},
    # The box behind the current word, still and gliding from the word before over 120 ms.
    "box": {"current": EFFECTS["box"]},
    "box+glide": {"current": {"box": {**EFFECTS["box"]["box"], "glide_ms": 120}}},
    # Outline and shadow on every word, the box behind the current one.
    "outline+shadow+box": {
        **{s: {**EFFECTS["outline"], **EFFECTS["shadow"]} for s in ("upcoming", "spoken")},
        "current": {**EFFECTS["outline"], **EFFECTS["shadow"], **EFFECTS["box"]},
    },
    # The fixture's timings with Chinese words (closed up, from the bundled CJK font) and a
    # colour emoji every fifth word, in the default look.
    "cjk+emoji": {},
}
# The named looks gpucast ships, as --styles choices `look:NAME`.
LOOKS = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "assets", "looks")) if f.endswith(".json"))

# Words for "cjk+emoji", in turn.
CJK_WORDS = ("我们 今天 学习 机器 学习， 模型 从 例子 中 🚀 学会 映射， 然后 测量 它 的 泛化 能力。 "
             "🎉 每个 词 在 说出 的 时候 亮起来 👍").split()


def styled(project, name, video=None):
    """The fixture's project in look `name` (over the clip `video`), written beside it."""
    if name == "default" and not video:
        return project
    with open(project) as f:
        p = json.load(f)
    if name.startswith("look:"):
        p["look"] = name[len("look:"):]
        for state in ("upcoming", "current", "spoken"):
            p["style"].pop(state, None)
    for state, look in STYLES.get(name, {}).items():
        p["style"].setdefault(state, {}).update(look)
    if name == "cjk+emoji":
        k = 0
        for slide in p["slides"]:
            for w in slide.get("words", []):
                w["text"] = CJK_WORDS[k % len(CJK_WORDS)]
                k += 1
    if video:
        p["background"] = {"video": os.path.abspath(video), "fit": "cover", "loop": True}
    slug = name.replace('+', '-').replace(':', '-')
    out = project.replace(".json", f"-{slug}{'-video' if video else ''}.json")
    with open(out, "w") as f:
        json.dump(p, f)
    return out


VOCAB = ("the model learns a mapping from inputs to outputs and we measure how well it "
         "generalises to examples it has never seen before during training").split()


def write_import_fixture(work, hours):
    """A WhisperX JSON, the script it was read from (with differences), and silent audio."""
    rng = random.Random(7)
    seconds = hours * 3600.0
    segments, script_paras, para = [], [], []
    t, words = 0.5, []
    while t < seconds - 5:
        w = rng.choice(VOCAB)
        said = w.capitalize() if not para else w
        heard = w
        r = rng.random()
        if r < 0.02:
            said, heard = "2024", "twenty"  # followed by two more heard words below
        elif r < 0.05:
            heard = w[::-1]  # a recognition error
        d = 0.1 + 0.035 * len(w)
        if said == "2024":
            for part in ("twenty", "twenty", "four"):
                words.append({"word": part, "start": round(t, 3), "end": round(t + 0.25, 3), "score": 0.9})
                t += 0.3
        else:
            words.append({"word": heard, "start": round(t, 3), "end": round(t + d, 3), "score": 0.8})
            t += d + 0.06
        para.append(said)
        if len(para) % 12 == 0:
            para[-1] += "."
            t += 0.4
        if len(words) >= 40 or t >= seconds - 5:
            segments.append({"start": words[0]["start"], "end": words[-1]["end"],
                             "text": " ".join(x["word"] for x in words), "words": words})
            words = []
        if len(para) >= 60:
            script_paras.append(" ".join(para))
            para = []
    if words:
        segments.append({"start": words[0]["start"], "end": words[-1]["end"],
                         "text": " ".join(x["word"] for x in words), "words": words})
    if para:
        script_paras.append(" ".join(para))
    timings = os.path.join(work, "whisperx.json")
    with open(timings, "w") as f:
        json.dump({"segments": segments,
                   "word_segments": [w for s in segments for w in s["words"]], "language": "en"}, f)
    script = os.path.join(work, "script.txt")
    with open(script, "w") as f:
        f.write("\n\n".join(script_paras) + "\n")
    audio = os.path.join(work, "silence.wav")
    with wave.open(audio, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        chunk = b"\0" * 16000 * 60
        for _ in range(int(seconds // 60) + 1):
            w.writeframes(chunk)
    n = sum(len(s["words"]) for s in segments)
    return timings, script, audio, n


def bench_import(a, work):
    timings, script, audio, n = write_import_fixture(work, a.import_hours)
    runs = []
    for i in range(a.runs):
        out = os.path.join(work, "project.json")
        cmd = [a.gpucast, "import", timings, "--audio", audio, "--text", script, "-o", out, "--force", "-q"]
        runs.append(timed(cmd))
    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    log = subprocess.run([a.gpucast, "-v", "import", timings, "--audio", audio, "--text", script,
                          "-o", os.path.join(work, "project.json"), "--force"],
                         capture_output=True, text=True, check=True)
    print(f"import of a {a.import_hours:g}-hour WhisperX file ({n} words) with --text: "
          f"{wall:.2f} s median of {a.runs}, peak RSS {rss:.0f} MB")
    print(log.stdout.strip())
    for line in log.stderr.splitlines():
        if "import:" in line:
            print("  " + line.strip())
    # The project it wrote: loading, checking, planning every frame and laying out every slide.
    project = os.path.join(work, "project.json")
    runs = [timed([a.gpucast, "validate", project]) for _ in range(a.runs)]
    print(f"validate (load, plan, lay out) of that project: "
          f"{statistics.median(r[0] for r in runs):.2f} s median of {a.runs}, "
          f"peak RSS {max(r[1] for r in runs):.0f} MB")


def targets(a, work):
    """(seconds, project or None, work folder) for each fixture length, or each --project as it
    is (seconds None until measured); fixtures are written on first use."""
    if a.project:
        for p in a.project:
            fx = os.path.join(work, os.path.basename(os.path.dirname(os.path.abspath(p))))
            os.makedirs(fx, exist_ok=True)
            yield None, os.path.abspath(p), fx
        return
    for seconds in a.seconds:
        fx = os.path.join(work, f"fx{int(seconds)}" + (f"-{a.wpm:g}wpm" if a.wpm else ""))
        if not os.path.exists(os.path.join(fx, "project.json")):
            pace = ["--wpm", str(a.wpm)] if a.wpm else []
            subprocess.run([sys.executable, a.fixture_gen, fx, "--seconds", str(seconds), *pace], check=True,
                           stdout=subprocess.DEVNULL)
        yield seconds, None, fx


def bench_shards(a, work):
    n = a.shards
    print(f"| fixture | single render | {n} parts, total (overhead) | slowest part | join (of single) | "
          f"on {n} machines: slowest part + join (speed-up) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for seconds, given, fx in targets(a, work):
        project = given or os.path.join(fx, "project.json")
        single, parts, joins = [], [[] for _ in range(n)], []
        for _ in range(a.runs):
            single.append(timed([a.gpucast, "render", project, "-o", f"{fx}/whole.mp4", "-q", "--backend", "cpu"])[0])
            for i in range(n):
                part = f"{fx}/part-{i}.mkv"
                if os.path.exists(part):
                    os.remove(part)  # a finished part would be kept, not rendered
                parts[i].append(timed([a.gpucast, "render", project, "--shard", f"{i}/{n}", "-o", part,
                                       "-q", "--backend", "cpu"])[0])
            joins.append(timed([a.gpucast, "join", project] + [f"{fx}/part-{i}.mkv" for i in range(n)]
                               + ["-o", f"{fx}/joined.mp4", "-q"])[0])
        s = statistics.median(single)
        p = [statistics.median(t) for t in parts]
        j = statistics.median(joins)
        total, slowest = sum(p), max(p)
        name = os.path.relpath(given, ROOT) if given else f"{int(seconds)} s"
        print(f"| {name} | {s:.2f} s | {total:.2f} s ({(total / s - 1) * 100:+.1f}%) | {slowest:.2f} s | "
              f"{j:.2f} s ({j / s * 100:.1f}%) | {slowest + j:.2f} s ({s / (slowest + j):.2f}x) |")
        print(json.dumps({"seconds": seconds, "single": single, "parts": parts, "join": joins}), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, nargs="+", default=[20, 60, 300])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--project", nargs="+", default=None,
                    help="time these projects as written instead of fixtures")
    ap.add_argument("--wpm", type=float, default=None,
                    help="the fixture's words a minute (make_fixture.py's default, 150, when not given)")
    ap.add_argument("--backends", nargs="+", default=["cpu", "gpu"])
    ap.add_argument("--gpucast", default=os.path.join(ROOT, "target", "release", "gpucast"))
    ap.add_argument("--fixture-gen", default=os.path.join(ROOT, "scripts", "make_fixture.py"))
    ap.add_argument("--workdir", default=None, help="where fixtures and outputs go (default: a temp dir)")
    ap.add_argument("--styles", nargs="+", default=["default"],
                    choices=sorted(STYLES) + [f"look:{n}" for n in LOOKS])
    ap.add_argument("--background-video", default=None,
                    help="a clip to put the text over (looped), instead of the fixture's still background")
    ap.add_argument("--python", default=None,
                    help="a Python interpreter with the gpucast package installed: also time gpucast.render")
    ap.add_argument("--shards", type=int, default=None,
                    help="time a render split into this many parts and joined instead")
    ap.add_argument("--import-hours", type=float, default=None,
                    help="time `gpucast import` of a WhisperX file this many hours long instead")
    a = ap.parse_args()

    if not os.path.exists(a.gpucast):
        sys.exit(f"{a.gpucast} not found: run `cargo build --release` first")
    work = a.workdir or tempfile.mkdtemp(prefix="gpucast-bench-")
    os.makedirs(work, exist_ok=True)
    if a.shards:
        bench_shards(a, work)
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
        return
    if a.import_hours:
        bench_import(a, work)
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
        return
    probe = subprocess.run([a.gpucast, "probe"], capture_output=True, text=True).stdout
    has_gpu = "none found" not in probe.split("Video encoders")[0]
    rows = []
    for seconds, given, fx in targets(a, work):
        for style in a.styles:
            project = given or styled(os.path.join(fx, "project.json"), style, a.background_video)
            summary = subprocess.run([a.gpucast, "validate", project], capture_output=True, text=True, check=True).stdout
            frames = int(summary.split("frames")[1].split()[0])
            if given:
                seconds = frames / 30.0
            distinct = int(summary.split("distinct")[1].split()[0])
            y4m_size = frames * (1920 * 1080 * 3 // 2 + 6)
            piped = y4m_size > mem_total_bytes() * 0.4
            y4m = os.path.join(fx, "frames.y4m")
            if piped:
                encoder_cmd = (f"{a.gpucast} render {project} -o - -q --backend cpu | "
                               f"ffmpeg -loglevel error -y -f yuv4mpegpipe -i - {' '.join(X264)} {fx}/alone.mp4")
            else:
                subprocess.run(f"{a.gpucast} render {project} -o - -q --backend cpu > {y4m}", shell=True, check=True)
                subprocess.run(f"cat {y4m} > /dev/null", shell=True, check=True)
                encoder_cmd = f"ffmpeg -loglevel error -y -i {y4m} {' '.join(X264)} {fx}/alone.mp4"

            variants = []
            for b in a.backends:
                if b == "gpu" and not has_gpu:
                    continue
                variants.append((f"{b}", [a.gpucast, "render", project, "-o", f"{fx}/out-{b}.mp4", "-q", "--backend", b]))
            variants.append(("cpu --repeat-frames encode", [a.gpucast, "render", project, "-o", f"{fx}/every.mp4", "-q",
                                                            "--backend", "cpu", "--repeat-frames", "encode"]))
            variants.append(("cpu --vfr", [a.gpucast, "render", project, "-o", f"{fx}/vfr.mp4", "-q", "--backend", "cpu", "--vfr"]))
            if a.python:
                code = f"import gpucast; gpucast.render({project!r}, {fx + '/py.mp4'!r}, backend='cpu')"
                variants.append(("python gpucast.render (cpu)", [a.python, "-c", code]))

            times = {name: [] for name, _ in variants}
            rss = {name: 0.0 for name, _ in variants}
            alone = []
            alone_rss = 0.0
            for _ in range(a.runs):
                w, m = timed(encoder_cmd, shell=True)
                alone.append(w)
                alone_rss = max(alone_rss, m)
                for name, cmd in variants:
                    w, m = timed(cmd)
                    times[name].append(w)
                    rss[name] = max(rss[name], m)
            # Size and quality of each output's video: PSNR against the drawn frames, which
            # only the written y4m holds.
            quality = lambda path: (video_bytes(path) / 1e6, None if piped else psnr(path, y4m))
            measured = {"alone": quality(f"{fx}/alone.mp4")}
            for name, cmd in variants:
                measured[name] = quality(cmd[cmd.index("-o") + 1] if "-o" in cmd else f"{fx}/py.mp4")
            if not piped:
                os.remove(y4m)
            base = statistics.median(alone)
            label = "encoder alone" + (" (piped)" if piped else "")
            if a.background_video:
                style += " over video"
            if given:
                style = os.path.relpath(given, ROOT)
            rows.append((seconds, style, label, base, 1.0, frames / base, alone_rss, frames, distinct,
                         *measured["alone"]))
            for name, cmd in variants:
                t = statistics.median(times[name])
                rows.append((seconds, style, f"gpucast {name}", t, t / base, frames / t, rss[name], frames, distinct,
                             *measured[name]))
            print(json.dumps({"seconds": seconds, "style": style, "alone": alone, **times}), file=sys.stderr)

    print("| fixture | style | what | wall (median) | ratio to encoder alone | frames/s | peak RSS | video size | PSNR |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for seconds, style, name, t, ratio, fps, mem, frames, distinct, mb, db in rows:
        db = "-" if db is None else f"{db:.2f} dB"
        print(f"| {int(seconds)} s, {frames} frames ({distinct} distinct) | {style} | {name} | {t:.2f} s | "
              f"{ratio:.2f} | {fps:.0f} | {mem:.0f} MB | {mb:.2f} MB | {db} |")
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
