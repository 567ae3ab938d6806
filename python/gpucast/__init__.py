"""gpucast: narrated slides with word-by-word highlighting, rendered straight into video.

The same engine as the ``gpucast`` command, from Python::

    import gpucast
    project = gpucast.Project.load("assets/demo/project.json")
    gpucast.render(project, "demo.mp4")

A project comes from a file (:meth:`Project.load`), a dict in the file's JSON shape
(:meth:`Project.from_dict`), or another tool's word timings (:meth:`Project.from_timings`).
:func:`render` writes an MP4 (releasing the GIL; Ctrl-C or a ``cancel`` event stops it and leaves
no file), :func:`frame` returns one frame as a NumPy array, :func:`cli` runs any ``gpucast``
command line in this process. Errors are :class:`ProjectError`
(with ``.problems``), :class:`EncoderError` and :class:`RenderError`, all :class:`Error`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _gpucast
from ._gpucast import EncoderError, Error, Problem, ProjectError, RenderError

__version__ = _gpucast.__version__
__all__ = [
    "Project",
    "Frame",
    "render",
    "frame",
    "cli",
    "Problem",
    "Error",
    "ProjectError",
    "EncoderError",
    "RenderError",
]

PathLike = Union[str, "os.PathLike[str]"]


class Project:
    """A gpucast project. Nothing is read until it is used, so an invalid project can still be
    asked for its problems with :meth:`validate`."""

    __slots__ = ("_native",)

    def __init__(self, native: "_gpucast.Project"):
        self._native = native

    @classmethod
    def load(cls, path: PathLike) -> "Project":
        """A project file (JSON); relative paths in it are taken from its folder."""
        return cls(_gpucast.Project.load(os.fspath(path)))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], base: Optional[PathLike] = None) -> "Project":
        """A project given as a dict of the project file's shape (docs/FORMAT.md); relative
        paths in it are taken from ``base`` (default: the working folder)."""
        if not isinstance(d, Mapping):
            raise TypeError(f"from_dict() takes a dict, not {type(d).__name__}")
        try:
            text = json.dumps(d, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise TypeError(f"the project dict cannot be written as JSON: {e}") from None
        return cls(_gpucast.Project.from_json(text, os.fspath(base if base is not None else ".")))

    @classmethod
    def from_timings(
        cls,
        timings: PathLike,
        audio: PathLike,
        *,
        text: Optional[PathLike] = None,
        preset: Optional[str] = None,
        format: str = "auto",
        max_lines: Optional[int] = None,
        max_words: Optional[int] = None,
        offset: float = 0.0,
        look: Optional[str] = None,
        emphasize: Optional[PathLike] = None,
        translation: Optional[PathLike] = None,
        snap: bool = False,
        voice: Optional[str] = None,
    ) -> "Project":
        """Another tool's word timings (WhisperX, whisper.cpp, ElevenLabs, SRT, ...) and the
        narration they belong to, imported as ``gpucast import`` does: ``look`` a named look or
        look file, ``emphasize`` a list of words to stress, ``translation`` subtitles in another
        language, ``snap`` the timings' offset and drift removed and every word put on the voice,
        ``voice`` the espeak-ng voice the narration is listened for with."""
        path = lambda p: os.fspath(p) if p is not None else None
        return cls(
            _gpucast.Project.from_timings(
                os.fspath(timings),
                os.fspath(audio),
                path(text),
                preset,
                format,
                max_lines,
                max_words,
                float(offset),
                look,
                path(emphasize),
                path(translation),
                bool(snap),
                voice,
            )
        )

    def validate(self, *, strict: bool = False, allow_partial_audio: bool = False) -> list[Problem]:
        """Every problem with its field path; an empty list when the project is valid."""
        return self._native.validate(strict, allow_partial_audio)

    def summary(self) -> dict[str, Any]:
        """Size, fps, duration, frames, distinct frames, slides, words and warnings; raises
        :class:`ProjectError` if the project is not valid."""
        return self._native.summary()

    def __repr__(self) -> str:
        return repr(self._native)


class Frame(np.ndarray):
    """An RGB frame: a ``uint8`` NumPy array of shape (height, width, 3)."""

    def to_pil(self):
        """The frame as a PIL image (needs Pillow)."""
        from PIL import Image

        return Image.fromarray(np.asarray(self), "RGB")


def _project(p: Any) -> "_gpucast.Project":
    if isinstance(p, Project):
        return p._native
    if isinstance(p, (str, os.PathLike)):
        return _gpucast.Project.load(os.fspath(p))
    if isinstance(p, Mapping):
        return Project.from_dict(p)._native
    raise TypeError(f"project: expected a Project, a path or a dict, not {type(p).__name__}")


def render(
    project: Union[Project, PathLike, Mapping[str, Any]],
    output: PathLike,
    *,
    backend: str = "auto",
    encoder: str = "auto",
    codec: str = "auto",
    speed: str = "fast",
    quality: Optional[int] = None,
    encoder_preset: Optional[str] = None,
    encoder_threads: int = 4,
    vfr: bool = False,
    repeat_frames: str = "skip",
    audio_quality: str = "standard",
    captions: Optional[PathLike] = None,
    soft_subtitles: bool = False,
    threads: int = 0,
    batch: int = 0,
    adapter: Optional[str] = None,
    strict: bool = False,
    allow_partial_audio: bool = False,
    progress: Optional[Callable[[int, int], Any]] = None,
    cancel: Any = None,
) -> dict[str, Any]:
    """Renders ``project`` to the MP4 ``output``; the options are ``gpucast render``'s.

    ``progress(frames_done, frames_total)`` is called as frames are written. ``cancel`` is any
    object with ``is_set()`` (a ``threading.Event``): once set, the render stops. Ctrl-C stops it
    too (KeyboardInterrupt). A stopped or failed render leaves no file. Returns frames, distinct
    frames, seconds, renderer and encoder.
    """
    return _gpucast.render(
        _project(project),
        os.fspath(output),
        backend=backend,
        encoder=encoder,
        codec=codec,
        speed=speed,
        quality=quality,
        encoder_preset=encoder_preset,
        encoder_threads=encoder_threads,
        vfr=vfr,
        repeat_frames=repeat_frames,
        audio_quality=audio_quality,
        captions=os.fspath(captions) if captions is not None else None,
        soft_subtitles=soft_subtitles,
        threads=threads,
        batch=batch,
        adapter=adapter,
        strict=strict,
        allow_partial_audio=allow_partial_audio,
        progress=progress,
        cancel=cancel,
    )


def frame(
    project: Union[Project, PathLike, Mapping[str, Any]],
    t: float,
    *,
    backend: str = "cpu",
    threads: int = 0,
    adapter: Optional[str] = None,
    strict: bool = False,
    allow_partial_audio: bool = False,
) -> Frame:
    """The frame on screen at ``t`` seconds, as an RGB :class:`Frame` (a NumPy array; shown
    inline by notebooks through ``.to_pil()``)."""
    data, width, height = _gpucast.frame(
        _project(project),
        float(t),
        backend=backend,
        threads=threads,
        adapter=adapter,
        strict=strict,
        allow_partial_audio=allow_partial_audio,
    )
    # A copy, so that the array is writable like any other.
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3).copy().view(Frame)


def cli(args: Sequence[PathLike]) -> int:
    """Runs the ``gpucast`` command line in this process, as the ``gpucast`` command does, and
    returns its exit code: ``args[0]`` is the program's name, as in ``sys.argv``
    (``gpucast.cli(["gpucast", "batch", "manifest.jsonl", "--index", "3"])``). Messages go to
    standard error; failures are exit codes (1, or 2 for a bad command line), not exceptions."""
    if isinstance(args, (str, bytes, os.PathLike)):
        raise TypeError("cli() takes a list of arguments, the program's name first, not one string")
    return _gpucast.cli([os.fspath(a) for a in args])
