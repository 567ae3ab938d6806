//! What a render is asked to do: where the project comes from (`Source`), where the video goes
//! (`Output`), which problems may pass (`Checks`), and every setting (`RenderJob`), as the CLI,
//! batch manifests and the Python package fill them in.

use std::path::{Path, PathBuf};

use crate::encode::{self, VideoSettings};
use crate::render::{Backend, RenderOptions};
use crate::{import, pipeline, shard};

/// Where the video goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// An MP4 file (video and audio).
    File(PathBuf),
    /// yuv4mpegpipe on standard output (video only), for piping into another encoder.
    Stdout,
}

/// Where a project comes from: a project file, a project held in memory, or a timings file
/// imported on the fly.
#[derive(Debug, Clone)]
// One is made per render: its size does not matter, and boxing the import options would only
// make every caller's literal longer.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    Project(PathBuf),
    /// A project's JSON text (the Python package's `Project.from_dict`); relative paths in it
    /// are taken from `base`.
    Json {
        text: String,
        base: PathBuf,
    },
    Timings {
        timings: PathBuf,
        audio: PathBuf,
        options: import::Options,
    },
}

impl Source {
    /// The files it is read from: a project file, or timings (and a script).
    pub fn files(&self) -> Vec<&Path> {
        match self {
            Source::Project(path) => vec![path],
            Source::Json { .. } => Vec::new(),
            Source::Timings {
                timings, options, ..
            } => std::iter::once(timings.as_path())
                .chain(options.script.as_deref())
                .collect(),
        }
    }
}

impl From<PathBuf> for Source {
    fn from(path: PathBuf) -> Source {
        Source::Project(path)
    }
}

impl From<&Path> for Source {
    fn from(path: &Path) -> Source {
        Source::Project(path.to_path_buf())
    }
}

/// Problems a user may choose to refuse or to accept.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    /// Every warning is an error (`--strict`).
    pub strict: bool,
    /// Narration that is damaged or cut short is rendered, with silence where audio is lost,
    /// rather than refused (`--allow-partial-audio`).
    pub allow_partial_audio: bool,
}

#[derive(Debug, Clone)]
pub struct RenderJob {
    pub project: Source,
    pub output: Output,
    pub backend: Backend,
    pub render: RenderOptions,
    pub video: VideoSettings,
    pub audio: encode::AudioQuality,
    /// Also write the slides as a subtitle file (`.vtt` or `.srt`).
    pub captions: Option<PathBuf>,
    /// Add the slides' text as a subtitle track in the MP4.
    pub soft_subtitles: bool,
    /// What may be rendered despite a problem (`Prepared::check`).
    pub checks: Checks,
    /// Recorded in the output's metadata under `fingerprint::KEY` (batch renders).
    pub fingerprint: Option<String>,
    /// Render only this part of the video, as a video-only Matroska part for `gpucast join`.
    pub shard: Option<shard::Shard>,
    /// The text alone over nothing, with straight alpha (an image sequence), for editors.
    pub transparent: bool,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub renderer: String,
    pub encoder: String,
    pub stats: pipeline::Stats,
    pub prepare: std::time::Duration,
    /// The output was already this part of this project, rendered with these settings, and
    /// was kept as it is (`--shard`).
    pub kept: bool,
}
