//! The input contract: a project file resolved into typed, validated values.
//!
//! `load` reads the file, applies every default and per-slide style override, checks every rule of
//! the format and reports all problems at once, each prefixed by its path (`slides[3].words[7]: ...`).
//! Nothing downstream reads raw JSON or re-checks input: a `Project` is always valid.

mod backgrounds;
pub mod emphasis;
mod layers;
pub mod limits;
pub mod looks;
mod model;
mod music;
pub mod presets;
mod problems;
pub mod raw;
mod slides;
mod style;
mod video;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use crate::frame::Fit;
pub use crate::media::audio::AudioInfo;
pub use model::*;
use problems::Checker;
pub use problems::InvalidProject;
use raw::RawProject;
pub use slides::estimate_words;
pub use style::{parse_color, resolve_style};

/// Reads and validates a project file. Audio is decoded once here to learn its exact length.
pub fn load(path: &Path) -> anyhow::Result<Project> {
    // Refused by type and size before reading: a FIFO would block, a huge file cost time and
    // memory.
    if path.exists() {
        crate::inputs::plain_file(path)
            .with_context(|| format!("cannot read project file {}", path.display()))?;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        anyhow::ensure!(
            meta.len() <= limits::PROJECT_BYTES,
            "{}: {} MB is over the {} MB limit for project files",
            path.display(),
            meta.len() >> 20,
            limits::PROJECT_BYTES >> 20
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read project file {}", path.display()))?;
    let raw: RawProject = parse(path, &text)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    from_raw(raw, &base, path, None)
}

/// Validates a project held in memory (`gpucast render --timings`): relative paths are taken
/// from `base`, and errors name `file`. `audio`, when the caller has just measured the
/// project's narration, spares decoding it a second time.
pub fn from_raw(
    raw: RawProject,
    base: &Path,
    file: &Path,
    audio: Option<AudioInfo>,
) -> anyhow::Result<Project> {
    let probe = |p: &Path| match &audio {
        Some(info) => Ok(info.clone()),
        None => crate::media::audio::probe(p),
    };
    resolve(raw, base, &probe).map_err(|problems| {
        InvalidProject {
            file: file.to_path_buf(),
            problems,
        }
        .into()
    })
}

/// Reads a project file's text; `path` names it in errors (and a `.toml` one is refused).
pub fn parse(path: &Path, text: &str) -> anyhow::Result<RawProject> {
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        anyhow::bail!(
            "{}: TOML projects are not supported; write the project as JSON",
            path.display()
        );
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // A wrong type names its field, as every later check does; broken syntax has no
        // field, only a place in the text.
        let field = e.path().to_string();
        let e = e.into_inner();
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |i| &message[..i]);
        let problem = if matches!(e.classify(), serde_json::error::Category::Data) && field != "." {
            format!(
                "{field}: {message} (line {}, column {})",
                e.line(),
                e.column()
            )
        } else {
            format!(
                "invalid JSON at line {}, column {}: {message}",
                e.line(),
                e.column()
            )
        };
        InvalidProject {
            file: path.to_path_buf(),
            problems: vec![problem],
        }
        .into()
    })
}

/// Turns the raw file into a `Project`, or the list of every problem in it.
pub(crate) fn resolve(
    raw: RawProject,
    base: &Path,
    probe: Probe<'_>,
) -> Result<Project, Vec<String>> {
    let mut c = Checker {
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let preset = match raw.preset.as_deref() {
        None => None,
        Some(name) => match presets::find(name) {
            Some(p) => Some(p),
            None => {
                c.err(
                    "preset",
                    format!("\"{name}\" is not one of {}", presets::names()),
                );
                None
            }
        },
    };
    let mut raw_video = raw.video.unwrap_or_default();
    if let Some(p) = preset {
        raw_video.width = raw_video.width.or(Some(p.width.into()));
        raw_video.height = raw_video.height.or(Some(p.height.into()));
    }
    let (width, height, fps) = video::video(&mut c, raw_video);

    let audio = raw.audio.map(|a| base.join(a));
    let audio_info = match &audio {
        None => {
            c.err("audio", "required: the narration file to render against");
            None
        }
        Some(p) => match crate::inputs::problem(p) {
            Some(problem) => {
                c.err("audio", problem);
                None
            }
            None => match probe(p) {
                Ok(info) if info.duration > 0.0 => Some(info),
                Ok(_) => {
                    c.err("audio", format!("{} holds no audio samples", p.display()));
                    None
                }
                Err(e) => {
                    c.err("audio", format!("cannot decode {}: {e:#}", p.display()));
                    None
                }
            },
        },
    };

    if let Some(info) = &audio_info {
        if info.duration > limits::DURATION {
            c.err(
                "audio",
                format!(
                    "{:.1} hours is over the {} hour limit",
                    info.duration / 3600.0,
                    limits::DURATION / 3600.0
                ),
            );
        }
        if (info.duration * fps.as_f64()).round() < 1.0 {
            c.err(
                "audio",
                format!(
                    "{:.3} s is shorter than one frame at {fps} fps",
                    info.duration
                ),
            );
        }
    }
    let background = backgrounds::background(&mut c, "background", raw.background, base);
    let music = raw.music.and_then(|m| {
        music::music(
            &mut c,
            m,
            base,
            probe,
            audio_info.as_ref().map(|a| a.duration),
        )
    });
    let look = raw
        .look
        .as_deref()
        .and_then(|l| looks::load(&mut c, "look", l, base))
        .unwrap_or_default();
    let under = match preset {
        Some(p) => (p.style)().merged(&look.style.unwrap_or_default()),
        None => look.style.unwrap_or_default(),
    };
    let project_style = under.merged(&raw.style.unwrap_or_default());
    let raw_layers = match (raw.layers, preset) {
        (None, Some(p)) => Some((p.layers)()),
        (given, _) => given,
    };
    let layers = layers::layers(&mut c, raw_layers, base, &project_style, (width, height));
    let duration = audio_info.as_ref().map(|a| a.duration);
    let emphasis = emphasis::Emphasis::new(
        &mut c,
        raw.emphasis.as_deref(),
        look.emphasis_style.as_ref(),
    );
    let speakers = raw.speakers.unwrap_or_default();
    let slides = slides::slides(
        &mut c,
        raw.slides,
        &project_style,
        &emphasis,
        &speakers,
        base,
        (width, height),
        duration,
    );

    // Each distinct still background is held fitted at output size, also in one GPU buffer.
    let mut distinct: Vec<&Background> = Vec::new();
    for b in std::iter::once(&background).chain(slides.iter().filter_map(|s| s.background.as_ref()))
    {
        if !distinct.contains(&b) && !matches!(b, Background::Video(_)) {
            distinct.push(b);
        }
    }
    let bytes = distinct.len() as u64 * width as u64 * height as u64 * 4;
    if bytes > limits::BACKGROUND_BYTES {
        c.err(
            "slides",
            format!(
                "{} at {width}x{height} {} MiB, over the limit of {} MiB for all \
                 backgrounds together ({}): {}",
                match distinct.len() {
                    1 => "the background takes".to_string(),
                    n => format!("{n} different backgrounds take"),
                },
                bytes >> 20,
                limits::BACKGROUND_BYTES >> 20,
                match limits::BACKGROUND_BYTES / (width as u64 * height as u64 * 4).max(1) {
                    0 => "not one at this size".to_string(),
                    n => format!("{n} at this size"),
                },
                if distinct.len() == 1 {
                    "choose a smaller video size"
                } else {
                    "let slides share backgrounds, or choose a smaller video size"
                }
            ),
        );
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Project {
        width,
        height,
        fps,
        audio: audio.expect("checked above"),
        audio_info: audio_info.expect("checked above"),
        background,
        music,
        slides,
        layers,
        warnings: c.warnings,
    })
}

/// A project from JSON text, with relative paths resolved against `base` and a stand-in for
/// the audio file of `duration` seconds (for tests of later stages).
#[cfg(test)]
pub(crate) fn from_json(json: &str, base: &Path, duration: f64) -> Project {
    let raw: RawProject = serde_json::from_str(json).expect("test JSON parses");
    let probe = stand_in_probe(duration);
    let audio = base.join("a.wav");
    if !audio.exists() {
        std::fs::write(&audio, b"stand-in").expect("temp dir is writable");
    }
    resolve(raw, base, &probe).unwrap_or_else(|p| panic!("invalid test project: {p:#?}"))
}

/// An audio probe that reports `duration` seconds of 48 kHz mono for any file.
#[cfg(test)]
pub(crate) fn stand_in_probe(duration: f64) -> impl Fn(&Path) -> anyhow::Result<AudioInfo> {
    move |_: &Path| {
        Ok(AudioInfo {
            duration,
            sample_rate: 48000,
            channels: 1,
            damage: None,
        })
    }
}

#[cfg(test)]
mod tests;
