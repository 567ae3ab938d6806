"""Types of the native module; the public API is re-exported by ``gpucast``."""

from typing import Any, Callable, Optional

__version__: str

class Error(Exception): ...

class ProjectError(Error):
    problems: list[Problem]

class EncoderError(Error): ...
class RenderError(Error): ...

class Problem:
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...

class Project:
    @staticmethod
    def load(path: str) -> Project: ...
    @staticmethod
    def from_json(text: str, base: str) -> Project: ...
    @staticmethod
    def from_timings(
        timings: str,
        audio: str,
        text: Optional[str] = None,
        preset: Optional[str] = None,
        format: str = "auto",
        max_lines: Optional[int] = None,
        max_words: Optional[int] = None,
        offset: float = 0.0,
    ) -> Project: ...
    def validate(self, strict: bool = False, allow_partial_audio: bool = False) -> list[Problem]: ...
    def summary(self) -> dict[str, Any]: ...

def render(
    project: Project,
    output: str,
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
    captions: Optional[str] = None,
    soft_subtitles: bool = False,
    threads: int = 0,
    batch: int = 0,
    adapter: Optional[str] = None,
    strict: bool = False,
    allow_partial_audio: bool = False,
    progress: Optional[Callable[[int, int], Any]] = None,
    cancel: Any = None,
) -> dict[str, Any]: ...
def frame(
    project: Project,
    t: float,
    *,
    backend: str = "cpu",
    threads: int = 0,
    adapter: Optional[str] = None,
    strict: bool = False,
    allow_partial_audio: bool = False,
) -> tuple[bytes, int, int]: ...
def cli(args: list[str]) -> int: ...
