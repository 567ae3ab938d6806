"""The Python package, installed from this repository into a fresh virtual environment (see
.ci/run): API round trips, validation, a render decoded and checked, progress, cancellation,
errors, and `frame` against the CLI's PNG."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import gpucast

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "scripts" / "make_fixture.py"


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    """A 6 s 320x180 project with a click in the narration at every word start."""
    d = tmp_path_factory.mktemp("fx")
    subprocess.run([sys.executable, FIXTURE, str(d), "--seconds", "6", "--width", "320", "--height", "180"],
                   check=True, stdout=subprocess.DEVNULL)
    return d


def probe(path, *entries):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries", ",".join(entries),
                          "-of", "json", str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_load_summary_and_dict_round_trip(fx):
    p = gpucast.Project.load(fx / "project.json")
    s = p.summary()
    assert (s["width"], s["height"], s["fps"]) == (320, 180, 30.0)
    assert s["frames"] == 180 and 0 < s["distinct_frames"] < 180
    assert abs(s["duration"] - 6.0) < 1e-6
    assert s["warnings"] == []
    # The same project as a dict gives the same summary (paths taken from `base`).
    d = json.loads((fx / "project.json").read_text())
    q = gpucast.Project.from_dict(d, base=fx)
    assert q.summary() == s
    assert q.validate() == []
    assert "Project.load" in repr(p)


def test_validate_lists_problems_with_paths(fx):
    d = json.loads((fx / "project.json").read_text())
    # A value of the wrong type stops reading: that one problem, named by its field.
    d["slides"][0]["words"][0]["start"] = "soon"
    problems = gpucast.Project.from_dict(d, base=fx).validate()
    assert [p.path for p in problems] == ["slides[0].words[0].start"], problems
    assert "expected f64" in problems[0].message
    # Values of the right type but wrong: every one is listed.
    d = json.loads((fx / "project.json").read_text())
    d["style"]["font_size"] = -3
    d["slides"][0]["words"][3]["end"] = -1.0
    problems = gpucast.Project.from_dict(d, base=fx).validate()
    paths = [p.path for p in problems]
    assert "style.font_size" in paths, problems
    assert any(p.startswith("slides[0].words[3]") for p in paths), problems
    with pytest.raises(gpucast.ProjectError) as e:
        gpucast.Project.from_dict(d, base=fx).summary()
    assert [p.path for p in e.value.problems] == paths
    assert all(isinstance(p, gpucast.Problem) for p in e.value.problems)
    assert isinstance(e.value, gpucast.Error)
    assert str(e.value.problems[0]).startswith(e.value.problems[0].path + ": ")


def test_missing_file_and_bad_arguments(fx, tmp_path):
    with pytest.raises(gpucast.ProjectError) as e:
        gpucast.Project.load(tmp_path / "nope.json").summary()
    assert "nope.json" in str(e.value)
    p = gpucast.Project.load(fx / "project.json")
    out = tmp_path / "x.mp4"
    with pytest.raises(ValueError, match="backend"):
        gpucast.render(p, out, backend="quantum")
    with pytest.raises(ValueError, match="repeat_frames"):
        gpucast.render(p, out, repeat_frames="sometimes")
    with pytest.raises(TypeError):
        gpucast.render(p, out, no_such_option=1)
    with pytest.raises(TypeError):
        gpucast.Project.from_dict(["not", "a", "dict"])
    with pytest.raises(TypeError):
        gpucast.Project.from_dict({"when": object()})
    with pytest.raises(gpucast.EncoderError):
        gpucast.render(p, out, encoder="no_such_encoder")
    with pytest.raises(ValueError, match="gpucast writes .mp4, .mov, .mkv or .webm"):
        gpucast.render(p, tmp_path / "x.avi")
    with pytest.raises(ValueError, match="cannot go in a .webm file"):
        gpucast.render(p, tmp_path / "x.webm", codec="h264")
    assert not out.exists()
    assert [f for f in os.listdir(tmp_path) if f.startswith(".")] == []


def test_render_is_a_correct_video_with_progress(fx, tmp_path):
    out = tmp_path / "out.mp4"
    calls = []
    s = gpucast.render(gpucast.Project.load(fx / "project.json"), out, backend="cpu",
                       progress=lambda done, total: calls.append((done, total)))
    assert s["frames"] == 180 and s["encoder"] == "libx264"
    assert calls and calls[-1] == (180, 180)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:])), "progress only grows"
    info = probe(out, "stream=codec_name,nb_read_frames,r_frame_rate,duration")
    video = [st for st in info["streams"] if st["codec_name"] == "h264"][0]
    audio = [st for st in info["streams"] if st["codec_name"] == "aac"][0]
    assert int(video["nb_read_frames"]) == 180 and video["r_frame_rate"] == "30/1"
    assert abs(float(video["duration"]) - 6.0) < 1e-6
    assert abs(float(audio["duration"]) - 6.0) < 0.05
    # The Python render writes the same bytes as the CLI with the same settings.
    cli = tmp_path / "cli.mp4"
    subprocess.run(["gpucast", "render", str(fx / "project.json"), "-o", str(cli), "--backend", "cpu", "-q"],
                   check=True)
    assert cli.read_bytes() == out.read_bytes()


def test_a_healthy_headless_render_prints_nothing(fx, tmp_path):
    """Mesa's device-select layer says "error: XDG_RUNTIME_DIR is invalid" on machines without a
    desktop session, and SVT-AV1 prints a banner, unless the package silences them as the CLI
    does: a render through the package, GPU first as a user's would be, leaves stderr empty."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NODEVICE_SELECT", "SVT_LOG", "XDG_RUNTIME_DIR", "WAYLAND_DISPLAY")}
    code = ("import sys, gpucast\n"
            "gpucast.render(gpucast.Project.load(sys.argv[1]), sys.argv[2])\n"
            "gpucast.render(gpucast.Project.load(sys.argv[1]), sys.argv[3])\n")
    r = subprocess.run([sys.executable, "-c", code, str(fx / "project.json"),
                        str(tmp_path / "quiet.mp4"), str(tmp_path / "quiet.webm")],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr


def test_webm_by_extension(fx, tmp_path):
    out = tmp_path / "out.webm"
    gpucast.render(fx / "project.json", out, backend="cpu")
    info = probe(out, "stream=codec_name,nb_read_frames")
    codecs = sorted(st["codec_name"] for st in info["streams"])
    assert codecs == ["opus", "vp9"]
    assert [int(st["nb_read_frames"]) for st in info["streams"] if st["codec_name"] == "vp9"] == [180]


def test_progress_exception_stops_and_leaves_nothing(fx, tmp_path):
    out = tmp_path / "out.mp4"

    def boom(done, total):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        gpucast.render(fx / "project.json", out, backend="cpu", progress=boom)
    assert os.listdir(tmp_path) == []


def test_cancel_from_another_thread(fx, tmp_path):
    out = tmp_path / "out.mp4"
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if len(seen) == 3:
            threading.Thread(target=cancel.set).start()
            time.sleep(0.05)

    with pytest.raises(KeyboardInterrupt):
        gpucast.render(fx / "project.json", out, backend="cpu", progress=progress, cancel=cancel)
    assert seen[-1] < 180
    assert os.listdir(tmp_path) == []


def test_ctrl_c_in_python_cancels_cleanly(fx, tmp_path):
    """SIGINT to a Python process in the middle of gpucast.render: KeyboardInterrupt, no file."""
    script = f"""
import os, signal, sys, gpucast
# As in an interactive session: a runner started in the background (`cmd &` in a script,
# nohup) passes SIGINT on ignored, and Python then leaves it ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
n = 0
def progress(done, total):
    global n
    n += 1
    if n == 3:
        os.kill(os.getpid(), signal.SIGINT)
try:
    gpucast.render({str(fx / 'project.json')!r}, {str(tmp_path / 'out.mp4')!r}, backend="cpu", progress=progress)
except KeyboardInterrupt:
    print("interrupted")
    sys.exit(3)
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stderr
    assert "interrupted" in r.stdout
    assert os.listdir(tmp_path) == []


def test_frame_matches_the_cli_png(fx, tmp_path):
    from PIL import Image

    f = gpucast.frame(gpucast.Project.load(fx / "project.json"), 2.0)
    assert isinstance(f, np.ndarray) and f.dtype == np.uint8 and f.shape == (180, 320, 3)
    png = tmp_path / "f.png"
    subprocess.run(["gpucast", "frame", str(fx / "project.json"), "--at", "2.0", "-o", str(png),
                    "--backend", "cpu", "-q"], check=True)
    cli = np.asarray(Image.open(png).convert("RGB"))
    assert np.array_equal(np.asarray(f), cli)
    assert f.to_pil().size == (320, 180)
    with pytest.raises(ValueError, match="outside the video"):
        gpucast.frame(fx / "project.json", 60.0)


def test_from_timings(tmp_path):
    whisperx = ROOT / "tests" / "data" / "import" / "whisper-verbose.json"
    wav = tmp_path / "n.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "30", str(wav)],
                   check=True)
    p = gpucast.Project.from_timings(whisperx, wav, preset="lecture")
    s = p.summary()
    assert s["words"] > 0 and s["slides"] > 0
    with pytest.raises(ValueError):
        gpucast.Project.from_timings(whisperx, wav, offset=float("nan"))


def test_from_timings_takes_the_import_options(tmp_path):
    whisperx = ROOT / "tests" / "data" / "import" / "whisper-verbose.json"
    wav = tmp_path / "n.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "30", str(wav)],
                   check=True)
    stress = tmp_path / "stress.txt"
    stress.write_text("the\n")
    p = gpucast.Project.from_timings(whisperx, wav, look="hormozi", emphasize=stress, snap=True,
                                     voice="en-us")
    assert p.summary()["words"] > 0
    with pytest.raises(gpucast.Error, match="hormozi"):
        gpucast.Project.from_timings(whisperx, wav, look="no-such-look").summary()


def test_the_command_comes_with_the_package():
    r = subprocess.run(["gpucast", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("gpucast ")
    assert shutil.which("gpucast").startswith(sys.prefix)
    bad = subprocess.run(["gpucast", "render"], capture_output=True, text=True)
    assert bad.returncode == 2 and "PROJECT" in bad.stderr.upper()


def test_cli_runs_a_command_in_this_process(fx, tmp_path, capfd):
    # A batch of one line through gpucast.cli: rendered, then skipped; exit codes, not exceptions.
    (tmp_path / "m.jsonl").write_text(
        json.dumps({"project": str(fx / "project.json"), "output": "v.mp4", "backend": "cpu"}) + "\n")
    report = tmp_path / "r.json"
    args = ["gpucast", "batch", tmp_path / "m.jsonl", "--index", "0", "--report", report]
    assert gpucast.cli(args) == 0
    assert json.loads(report.read_text())["done"] == 1
    assert int(probe(tmp_path / "v.mp4", "stream=nb_read_frames")["streams"][0]["nb_read_frames"]) == 180
    assert gpucast.cli(args) == 0
    assert json.loads(report.read_text())["skipped"] == 1
    capfd.readouterr()
    assert gpucast.cli(["gpucast", "validate", str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capfd.readouterr().err
    assert gpucast.cli(["gpucast", "render"]) == 2
    with pytest.raises(TypeError, match="list of arguments"):
        gpucast.cli("gpucast --version")


def test_examples_run(fx, tmp_path):
    """The examples in examples/python/ do what they say."""
    examples = ROOT / "examples" / "python"
    wav = tmp_path / "n.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=24000:cl=mono", "-t", "4", str(wav)],
                   check=True)
    out = tmp_path / "words.mp4"
    r = subprocess.run([sys.executable, examples / "words_to_video.py", str(wav), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    info = probe(out, "stream=codec_name,nb_read_frames")
    assert int(info["streams"][0]["nb_read_frames"]) == 120
    png = tmp_path / "f.png"
    r = subprocess.run([sys.executable, examples / "preview_frame.py", str(fx / "project.json"), "1.0", str(png)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and png.exists(), r.stderr
    timings = ROOT / "tests" / "data" / "import" / "whisper-verbose.json"
    long_wav = tmp_path / "long.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "13",
                    str(long_wav)], check=True)
    out = tmp_path / "timings.mp4"
    r = subprocess.run([sys.executable, examples / "timings_to_video.py", str(timings), str(long_wav), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and out.exists(), r.stderr


def test_three_lines_render_the_demo(tmp_path):
    script = (
        "import gpucast\n"
        f"project = gpucast.Project.load({str(ROOT / 'assets' / 'demo' / 'project.json')!r})\n"
        f"gpucast.render(project, {str(tmp_path / 'demo.mp4')!r})\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    info = probe(tmp_path / "demo.mp4", "stream=codec_name,width,height,nb_read_frames")
    video = [st for st in info["streams"] if st["codec_name"] == "h264"][0]
    assert (video["width"], video["height"]) == (1920, 1080)
    summary = gpucast.Project.load(ROOT / "assets" / "demo" / "project.json").summary()
    assert int(video["nb_read_frames"]) == summary["frames"]
