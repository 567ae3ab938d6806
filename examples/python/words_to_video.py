"""Words and their times to a video: the usual MoviePy script, with gpucast instead.

The MoviePy way draws every frame in Python: a `make_frame(t)` function finds the word spoken at
`t`, draws the slide's words with Pillow (that one bold), and MoviePy encodes 1,800 such frames
for a minute of video (about 35 s a minute at 1080p on 2 cores):

    def make_frame(t):
        img = Image.new("RGB", (1920, 1080), "#101820")
        draw = ImageDraw.Draw(img)
        for word in slide_at(t).words:
            font = bold if word.start <= t < word.end else regular
            draw.text(word.position, word.text, font=font, fill="white")
        return np.array(img)

    clip = VideoClip(make_frame, duration=audio.duration).set_audio(audio)
    clip.write_videofile("out.mp4", fps=30)

With gpucast the same words become a project dict, and one call renders it (each distinct
frame drawn once; with libx264 each repeat costs 6 bytes and no encoding):

    python3 examples/python/words_to_video.py narration.wav out.mp4
"""

import sys

import gpucast

# What a TTS engine or an aligner gives: each word with its start and end in seconds.
WORDS = [
    ("Narrated", 0.40, 0.80), ("slides", 0.85, 1.20), ("turn", 1.25, 1.50),
    ("bold", 1.55, 1.90), ("exactly", 1.95, 2.40), ("when", 2.45, 2.70),
    ("spoken", 2.75, 3.20), ("aloud.", 3.25, 3.80),
]


def project(audio: str) -> dict:
    return {
        "video": {"width": 1280, "height": 720, "fps": 30},
        "audio": audio,
        "background": {"color": "#101820"},
        "style": {"font_size": 64},
        "slides": [{"start": 0.0, "words": [{"text": t, "start": s, "end": e} for t, s, e in WORDS]}],
    }


def main(audio: str, output: str) -> None:
    summary = gpucast.render(gpucast.Project.from_dict(project(audio)), output,
                             progress=lambda done, total: print(f"\r{done}/{total} frames", end=""))
    print(f"\nwrote {output}: {summary['frames']} frames ({summary['distinct_frames']} distinct) "
          f"in {summary['seconds']:.1f} s with {summary['encoder']}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
