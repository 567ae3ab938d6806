"""Another tool's word timings (WhisperX, whisper.cpp, ElevenLabs, Polly, SRT, ...) to a video.

    python3 examples/python/timings_to_video.py talk.whisperx.json talk.wav talk.mp4 [script.txt]

The format is detected from the file; a script, if given, corrects the recogniser's spelling.
"""

from __future__ import annotations

import sys

import gpucast


def main(timings: str, audio: str, output: str, script: str | None = None) -> None:
    project = gpucast.Project.from_timings(timings, audio, text=script, preset="lecture")
    problems = project.validate()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        sys.exit(1)
    s = project.summary()
    print(f"{s['words']} words on {s['slides']} slides, {s['duration']:.1f} s")
    gpucast.render(project, output)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
