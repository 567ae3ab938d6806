#!/usr/bin/env python3
"""Measures gpucast's timing repair and alignment against exact truth, for the README's tables.

Speech with known word times comes from scripts/speech.py (libespeak-ng, continuous speech, in
voices and speeds other than the aligner's own en-us at 175 words a minute), clean and with
white noise or a music bed 15 dB under it. For each, it measures the error of every word's start
(median and 90th percentile, in milliseconds):

  script   `gpucast import --text SCRIPT --audio A` with no timings at all
  cues     `gpucast import CUES.srt --audio A`: cues of up to 8 words, words placed by the audio
           (beside: the same cues spread over their words by length, as before)
  shift    `gpucast sync --timings T --audio A -o F` on timings 350 ms late
  drift    the same on timings drifting by 0.5% (a sample-rate mismatch)
  jitter   the same on timings 200 ms late with every start and end moved by up to 120 ms
           either way (a recogniser's word times)

With --hour it also times `sync` and script alignment on one hour of speech and reports their
peak memory.

  python3 scripts/sync-accuracy.py [--gpucast target/release/gpucast] [--hour] [--keep DIR]
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = os.path.join(HERE, "..", "tests", "data", "lecture.txt")
VOICES = [("en-gb", 160), ("en-us+f3", 200), ("en-gb-x-rp", 140), ("en+m3", 220)]
BEDS = [("clean", []), ("noise 15 dB under", ["--noise-db", "15"]),
        ("music 15 dB under", ["--music-db", "15"])]


def speech(out, voice, rate, bed, text_file=TEXT, extra=()):
    subprocess.run([sys.executable, os.path.join(HERE, "speech.py"), "--text-file", text_file,
                    "-o", out, "--voice", voice, "--rate", str(rate), *bed, *extra],
                   check=True, stdout=subprocess.DEVNULL)
    return json.load(open(out + ".json"))["words"]


def whisperx(words, path, scale=1.0, shift=0.0, jitter=0.0):
    """The words as a WhisperX file (one segment per sentence), times * scale + shift, each
    start and end then moved by up to `jitter` either way (seeded; starts kept in order)."""
    segs, cur = [], []
    rnd = random.Random(3)
    last = 0.0
    for w in words:
        s = max(0.0, w["start"] * scale + shift + rnd.uniform(-jitter, jitter), last + 0.001)
        e = max(s, w["end"] * scale + shift + rnd.uniform(-jitter, jitter))
        last = s
        cur.append({"word": w["text"], "start": round(s, 3), "end": round(e, 3)})
        if w["text"][-1:] in ".?!":
            segs.append(cur)
            cur = []
    if cur:
        segs.append(cur)
    doc = {"segments": [{"start": s[0]["start"], "end": s[-1]["end"],
                         "text": " ".join(w["word"] for w in s), "words": s} for s in segs],
           "word_segments": [w for s in segs for w in s], "language": "en"}
    json.dump(doc, open(path, "w"))


def srt(words, path, size=8):
    """Cues of up to `size` words (a sentence ends a cue), each from its first word's start to
    its last word's end. Returns the cues as (first, last) word indices."""
    def stamp(t):
        ms = int(round(t * 1000))
        return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
    cues, a = [], 0
    for i, w in enumerate(words):
        if i - a + 1 == size or w["text"][-1:] in ".?!," or i == len(words) - 1:
            cues.append((a, i))
            a = i + 1
    with open(path, "w") as f:
        for n, (a, b) in enumerate(cues, 1):
            f.write("%d\n%s --> %s\n%s\n\n" % (n, stamp(words[a]["start"]), stamp(words[b]["end"]),
                                            " ".join(w["text"] for w in words[a:b + 1])))
    return cues


def spread(words, cues):
    """Each cue's words given shares of its span by length: what a cue file gave without audio."""
    out = []
    for a, b in cues:
        s, e = words[a]["start"], words[b]["end"]
        total = sum(len(w["text"]) for w in words[a:b + 1])
        done = 0
        for w in words[a:b + 1]:
            out.append(s + (e - s) * done / total)
            done += len(w["text"])
    return out


def starts(project):
    p = json.load(open(project))
    return [w["start"] for s in p["slides"] for w in s.get("words", [])]


def errors(got, truth):
    assert len(got) == len(truth), (len(got), len(truth))
    e = sorted(abs(g - t["start"]) * 1000 for g, t in zip(got, truth))
    return e[len(e) // 2], e[int(len(e) * 0.9)]


def run(gpucast, *args):
    subprocess.run([gpucast, *args, "--force", "-q"], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gpucast", default=os.path.join(HERE, "..", "target", "release", "gpucast"))
    ap.add_argument("--hour", action="store_true")
    ap.add_argument("--keep")
    a = ap.parse_args()
    d = a.keep or tempfile.mkdtemp()
    os.makedirs(d, exist_ok=True)
    rows = []
    for voice, rate in VOICES:
        for bed_name, bed in BEDS:
            base = os.path.join(d, "s")
            truth = speech(base, voice, rate, bed)
            wav = base + ".wav"
            row = ["%s %d wpm, %s" % (voice, rate, bed_name)]
            run(a.gpucast, "import", "--text", TEXT, "--audio", wav, "-o", d + "/script.json")
            row.append(errors(starts(d + "/script.json"), truth))
            cues = srt(truth, d + "/cues.srt")
            run(a.gpucast, "import", d + "/cues.srt", "--audio", wav, "-o", d + "/cues.json")
            row.append(errors(starts(d + "/cues.json"), truth))
            row.append(errors(spread(truth, cues), truth))
            for name, scale, shift, jitter in (("shift", 1.0, 0.35, 0.0),
                                               ("drift", 1.005, 0.0, 0.0),
                                               ("jitter", 1.0, 0.2, 0.12)):
                whisperx(truth, d + "/off.json", scale, shift, jitter)
                run(a.gpucast, "sync", "--timings", d + "/off.json", "--audio", wav,
                    "-o", d + "/fixed.json")
                row.append(errors(starts(d + "/fixed.json"), truth))
            rows.append(row)
            print(row, file=sys.stderr)
    print("| speech | script alone | cue words by audio | cue words by length | sync: 350 ms late "
          "| sync: 0.5% drift | sync: late, ±120 ms jitter |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| %s | %s |" % (r[0], " | ".join("%.0f / %.0f" % c for c in r[1:])))
    cols = list(zip(*[r[1:] for r in rows]))
    print("| **median of medians / worst 90th** | %s |" % " | ".join(
        "%.0f / %.0f" % (statistics.median(c[0] for c in col), max(c[1] for c in col)) for col in cols))
    if a.hour:
        hour(a.gpucast, d)


def hour(gpucast, d):
    text = open(TEXT).read()
    # 23 readings of the lecture are about an hour at 160 words a minute.
    long_text = os.path.join(d, "hour.txt")
    with open(long_text, "w") as f:
        for _ in range(23):
            f.write(text + "\n")
    base = os.path.join(d, "hour")
    truth = speech(base, "en-gb", 160, [], text_file=long_text)
    whisperx(truth, base + ".late.json", 1.0, 0.35)
    print("\n%.1f minutes of speech" % (truth[-1]["end"] / 60))
    for name, args in (("sync", ["sync", "--timings", base + ".late.json", "--audio", base + ".wav",
                                 "-o", d + "/hour-fixed.json"]),
                       ("script alignment", ["import", "--text", long_text, "--audio",
                                             base + ".wav", "-o", d + "/hour-script.json"])):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.time()
        # A child of its own so that its peak memory is its own.
        out = subprocess.run([sys.executable, "-c",
                              "import resource,subprocess,sys;subprocess.run(sys.argv[1:],check=True);"
                              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                              gpucast, *args, "--force", "-q"], check=True, capture_output=True,
                             text=True)
        wall = time.time() - t
        rss = int(out.stdout.split()[-1]) / 1024
        got = starts(d + ("/hour-fixed.json" if name == "sync" else "/hour-script.json"))
        med, p90 = errors(got, truth)
        print("%s: %.1f s wall, peak memory %.0f MiB, error median %.0f ms, 90%% %.0f ms"
              % (name, wall, rss, med, p90))


if __name__ == "__main__":
    main()
