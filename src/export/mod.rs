//! The project's words and slides written out for other tools: `gpucast export`.
//!
//! Every format is written from one `Doc`: the slides that have words and start before the
//! audio ends, each with its words by line as the video lays them out (the same cues
//! `render --captions` writes), their times clipped to the audio, and the style they are drawn
//! in. SRT and WebVTT are exactly what `render --captions` writes; ASS is karaoke subtitles
//! (`ass.rs`), FCPXML titles for editors (`fcpxml.rs`), and JSON WhisperX's transcript shape
//! (`whisperx.rs`). Nothing is rendered or encoded: the project is laid out, no more.
//!
//! The output appears whole or not at all (`pending::PendingFile`), an existing file only with
//! `--force`, and never over the project or a file it reads.

mod ass;
mod fcpxml;
mod fonts;
#[cfg(test)]
mod tests;
mod whisperx;

use std::path::Path;

use anyhow::Context as _;

use crate::captions::{self, Cue};
use crate::job::Checks;
use crate::prepare::Prepared;
use crate::project::{Fps, Project, Style};
use crate::scene::Scene;

/// A format `gpucast export` writes.
pub struct Format {
    /// The name `--format` takes.
    pub name: &'static str,
    /// The extension that picks it (lowercase, without the dot).
    pub extension: &'static str,
    /// What reads it, for `--help`-like listings and messages.
    pub title: &'static str,
    write: fn(&Doc<'_>) -> anyhow::Result<String>,
}

pub const FORMATS: &[Format] = &[
    Format {
        name: "srt",
        extension: "srt",
        title: "SubRip subtitles, one cue per slide",
        write: |d| Ok(captions::srt(&d.cues)),
    },
    Format {
        name: "vtt",
        extension: "vtt",
        title: "WebVTT subtitles, one cue per slide, a timestamp before each word",
        write: |d| Ok(captions::webvtt(&d.cues)),
    },
    Format {
        name: "ass",
        extension: "ass",
        title: "Advanced SubStation Alpha karaoke (Aegisub, FFmpeg's subtitles filter, mpv)",
        write: ass::write,
    },
    Format {
        name: "fcpxml",
        extension: "fcpxml",
        title: "Final Cut Pro XML titles, one per slide (Final Cut Pro, DaVinci Resolve)",
        write: fcpxml::write,
    },
    Format {
        name: "whisperx",
        extension: "json",
        title: "WhisperX JSON transcript, one segment per slide",
        write: whisperx::write,
    },
];

/// Other names people use for a format.
const ALIASES: &[(&str, &str)] = &[("webvtt", "vtt"), ("json", "whisperx")];

fn names() -> String {
    FORMATS
        .iter()
        .map(|f| format!("{} (.{})", f.name, f.extension))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn find_format(name: &str) -> Option<&'static Format> {
    let lower = name.to_ascii_lowercase();
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, n)| n);
    FORMATS.iter().find(|f| f.name == name)
}

/// The format `--format` names, or else the one the output's extension picks. A known
/// extension that names another format than `--format` is refused: the file would lie.
pub fn choose(output: &Path, given: Option<&str>) -> anyhow::Result<&'static Format> {
    let ext = output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_ext = ext
        .as_deref()
        .and_then(|e| FORMATS.iter().find(|f| f.extension == e));
    match given {
        Some(name) => {
            let f = find_format(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "--format: \"{name}\" is not a format gpucast exports (one of: {})",
                    names()
                )
            })?;
            if let Some(other) = by_ext.filter(|o| o.name != f.name) {
                anyhow::bail!(
                    "--format {} does not match the output {}, which names {} by its extension; \
                     write {} to a .{} file",
                    f.name,
                    output.display(),
                    other.name,
                    f.name,
                    f.extension
                );
            }
            Ok(f)
        }
        None => by_ext.ok_or_else(|| {
            anyhow::anyhow!(
                "cannot tell the format of {} from its extension: give one of {}, or --format",
                output.display(),
                names()
            )
        }),
    }
}

/// What an export wrote, for the summary line.
#[derive(Clone)]
pub struct Exported {
    pub format: &'static Format,
    pub cues: usize,
    pub words: usize,
}

/// Writes `project` to `output` as `format` (a name, or `None` for the output's extension).
pub fn export(
    project: &Path,
    output: &Path,
    format: Option<&str>,
    force: bool,
    checks: &Checks,
) -> anyhow::Result<Exported> {
    let format = choose(output, format)?;
    crate::pending::check_writable(output)?;
    if crate::inputs::is_same_file(output, project) {
        anyhow::bail!(
            "cannot write {}: it is the project itself; choose another output",
            output.display()
        );
    }
    let p = crate::prepare::prepare(project)?;
    p.check(checks)?;
    if let Some(input) = p
        .project
        .files()
        .into_iter()
        .find(|i| crate::inputs::is_same_file(output, i))
    {
        anyhow::bail!(
            "cannot write {}: it is one of the project's inputs ({}); choose another output",
            output.display(),
            input.display()
        );
    }
    if !force && output.symlink_metadata().is_ok() {
        anyhow::bail!(
            "{} already exists; pass --force to overwrite it",
            output.display()
        );
    }
    let doc = Doc::new(&p, &name_of(project));
    let text = (format.write)(&doc)?;
    let file = crate::pending::PendingFile::new(output);
    std::fs::write(file.temp(), text)
        .with_context(|| format!("cannot write {}", output.display()))?;
    file.commit()?;
    Ok(Exported {
        format,
        cues: doc.blocks.len(),
        words: doc.blocks.iter().map(Block::word_count).sum(),
    })
}

/// The project's name for titles inside the files: its file name without the extension.
fn name_of(project: &Path) -> String {
    project
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "gpucast".into())
}

/// A word as exported: its text, its times clipped to the audio, who says it and how sure the
/// recogniser was of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub text: String,
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    pub confidence: Option<f64>,
}

/// One slide: when it is on screen, its style (an index into `Doc::styles`), and its words by
/// line as laid out in the video.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub start: f64,
    pub end: f64,
    pub style: usize,
    /// Seconds the slide's text fades in and out over (its own: the importer shortens it on
    /// slides that follow each other closely).
    pub fade: f64,
    pub lines: Vec<Vec<Word>>,
}

impl Block {
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.lines.iter().flatten()
    }

    pub fn word_count(&self) -> usize {
        self.lines.iter().map(Vec::len).sum()
    }

    /// The slide's text on one line, words joined as they are set (Chinese and Japanese
    /// closed up).
    pub fn text(&self) -> String {
        crate::segment::join(&self.words().map(|w| w.text.as_str()).collect::<Vec<_>>())
    }

    /// Who says the slide: the speaker of most of its words (the first named on a tie), as
    /// WhisperX gives a segment the speaker of most of its words.
    pub fn speaker(&self) -> Option<&str> {
        crate::project::most_said(self.words().filter_map(|w| w.speaker.as_deref()))
    }
}

/// Everything an export writes, gathered once from the prepared project.
pub(crate) struct Doc<'a> {
    /// The project file's name without its extension.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub fps: Fps,
    /// The video's frame count.
    pub frames: u64,
    /// The distinct styles the blocks are drawn in (fades aside), the first slide's first.
    pub styles: Vec<&'a Style>,
    pub blocks: Vec<Block>,
    /// The blocks as `render --captions` writes them.
    pub cues: Vec<Cue>,
}

impl<'a> Doc<'a> {
    pub fn new(p: &'a Prepared, name: &str) -> Doc<'a> {
        Doc::from_parts(&p.project, &p.scene, name)
    }

    pub fn from_parts(project: &'a Project, scene: &Scene, name: &str) -> Doc<'a> {
        let duration = project.duration();
        let mut styles: Vec<&Style> = Vec::new();
        let mut blocks = Vec::new();
        // The slides `captions::cues` keeps, in its order: the cues and the blocks pair up.
        for (slide, laid) in project.slides.iter().zip(&scene.slides) {
            if slide.words.is_empty() || slide.start >= duration {
                continue;
            }
            let mut lines: Vec<Vec<Word>> = Vec::new();
            for (w, slot) in slide.words.iter().zip(&laid.slots) {
                let line = slot.line as usize;
                while lines.len() <= line {
                    lines.push(Vec::new());
                }
                if let Some(l) = lines.get_mut(line) {
                    l.push(Word {
                        text: w.text.clone(),
                        start: w.start.min(duration),
                        end: w.end.min(duration),
                        speaker: w.speaker.clone(),
                        confidence: w.confidence,
                    });
                }
            }
            lines.retain(|l| !l.is_empty());
            let style = match styles.iter().position(|s| same_look(s, &slide.style)) {
                Some(i) => i,
                None => {
                    styles.push(&slide.style);
                    styles.len() - 1
                }
            };
            blocks.push(Block {
                start: slide.start,
                end: slide.end.min(duration),
                style,
                fade: slide.style.fade,
                lines,
            });
        }
        Doc {
            name: name.to_string(),
            width: project.width,
            height: project.height,
            fps: project.fps,
            frames: project.frame_count(),
            styles,
            blocks,
            cues: captions::cues(project, scene),
        }
    }
}

/// Two styles that set words alike: `field` only says where a style was written, and the
/// fades are each block's own.
fn same_look(a: &Style, b: &Style) -> bool {
    let plain = |s: &Style| Style {
        field: String::new(),
        fade: 0.0,
        background_fade: 0.0,
        ..s.clone()
    };
    plain(a) == plain(b)
}
