//! The options several commands share: how frames are drawn (`DrawArgs`), how a timings file
//! becomes a project (`ImportArgs`), and where a project comes from (`SourceArgs`).

use std::path::PathBuf;

use crate as gpucast;
use anyhow::Context as _;
use gpucast::{Backend, RenderOptions};

#[derive(clap::Args, Clone)]
pub(super) struct DrawArgs {
    /// Which renderer draws the frames.
    #[arg(long, value_enum, default_value = "auto")]
    pub(super) backend: Backend,
    /// Use the GPU adapter whose name contains this text.
    #[arg(long)]
    pub(super) adapter: Option<String>,
    /// Drawing threads for the CPU renderer (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub(super) threads: usize,
    /// Frames per batch (0: the backend's choice).
    #[arg(long, default_value_t = 0)]
    pub(super) batch: usize,
}

impl DrawArgs {
    pub(super) fn options(&self) -> RenderOptions {
        RenderOptions {
            threads: self.threads,
            batch: self.batch,
            adapter: self.adapter.clone(),
        }
    }
}

/// How a timings file becomes a project (`import`, and `render --timings`).
#[derive(clap::Args, Clone)]
pub(super) struct ImportArgs {
    /// Timings format, or auto to detect it from the content.
    #[arg(long, default_value = "auto")]
    pub(super) format: String,
    /// The script: its spelling wins over the recogniser's; blank lines or `---` break slides.
    #[arg(long, value_name = "SCRIPT")]
    pub(super) text: Option<PathBuf>,
    /// Look and frame size: lecture, shorts, square, highlight, broadcast, audiogram.
    #[arg(long)]
    pub(super) preset: Option<String>,
    /// Most lines of text on a slide (default: the preset's).
    #[arg(long)]
    pub(super) max_lines: Option<usize>,
    /// Most words on a slide (default: the preset's).
    #[arg(long)]
    pub(super) max_words: Option<usize>,
    /// Seconds added to every time in the timings file (negative moves words earlier).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub(super) offset: f64,
    /// Words and phrases to stress, one a line (or `regex:` lines): each takes a keyword's look.
    #[arg(long, value_name = "FILE")]
    pub(super) emphasize: Option<PathBuf>,
    /// Subtitles in another language (SRT or WebVTT): each slide shows the cues it overlaps most.
    #[arg(long, value_name = "FILE")]
    pub(super) translation: Option<PathBuf>,
    /// A named look (hormozi, marker, one-word, typewriter, bounce, neon, classic, reveal) or a
    /// look file, over the preset; for a project, over its own `look`.
    #[arg(long, value_name = "LOOK")]
    pub(super) look: Option<String>,
    /// Measure the timings against the narration, remove their offset and drift, and move word
    /// starts and ends onto the voice (see `gpucast sync`).
    #[arg(long)]
    pub(super) snap: bool,
    /// The espeak-ng voice the narration is listened for with, in the script's language
    /// (`espeak-ng --voices`: en-us, de, fr, es, ...).
    #[arg(long, default_value = "en-us")]
    pub(super) voice: String,
}

impl ImportArgs {
    pub(super) fn options(&self) -> anyhow::Result<gpucast::import::Options> {
        anyhow::ensure!(
            self.offset.is_finite(),
            "--offset {} is not a number of seconds",
            self.offset
        );
        Ok(gpucast::import::Options {
            format: Some(self.format.clone()),
            script: self.text.clone(),
            preset: self.preset.clone(),
            max_lines: self.max_lines,
            max_words: self.max_words,
            offset: self.offset,
            emphasize: self.emphasize.clone(),
            translation: self.translation.clone(),
            look: self.look.clone(),
            snap: self.snap,
            past_end: false,
            voice: Some(self.voice.clone()),
        })
    }
}

/// A project file, or a timings file and its audio imported on the fly.
#[derive(clap::Args, Clone)]
pub(super) struct SourceArgs {
    /// The project file; or give --timings and --audio instead.
    #[arg(required_unless_present = "timings")]
    pub(super) project: Option<PathBuf>,
    /// A timings file from another tool, imported on the fly (see `gpucast import`).
    #[arg(long, conflicts_with = "project", requires = "audio")]
    pub(super) timings: Option<PathBuf>,
    /// The narration, with --timings.
    #[arg(long, requires = "timings")]
    pub(super) audio: Option<PathBuf>,
    #[command(flatten)]
    pub(super) import: ImportArgs,
}

impl SourceArgs {
    pub(super) fn source(self) -> anyhow::Result<gpucast::Source> {
        let import = self.import;
        match (self.project, self.timings, self.audio) {
            (_, Some(timings), Some(audio)) => Ok(gpucast::Source::Timings {
                timings,
                audio,
                options: import.options()?,
            }),
            (Some(project), _, _) => {
                let given = [
                    (import.text.is_some(), "--text"),
                    (import.preset.is_some(), "--preset"),
                    (import.max_lines.is_some(), "--max-lines"),
                    (import.max_words.is_some(), "--max-words"),
                    (import.offset != 0.0, "--offset"),
                    (import.format != "auto", "--format"),
                    (import.snap, "--snap"),
                    (import.voice != "en-us", "--voice"),
                ];
                if let Some((_, flag)) = given.iter().find(|g| g.0) {
                    anyhow::bail!("{flag} goes with --timings; a project file sets its own");
                }
                let Some(look) = import.look else {
                    return Ok(gpucast::Source::Project(project));
                };
                // The project as written, with the look asked for instead of its own.
                let text = std::fs::read_to_string(&project)
                    .with_context(|| format!("cannot read project file {}", project.display()))?;
                let mut v: serde_json::Value = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not JSON", project.display()))?;
                let obj = v
                    .as_object_mut()
                    .with_context(|| format!("{} is not a project", project.display()))?;
                let given = std::path::Path::new(&look);
                let look = match given.exists() {
                    // A look file named from here, as the project's folder would name it.
                    true => {
                        let abs = std::path::absolute(given)?;
                        let base = project.parent().unwrap_or(std::path::Path::new("."));
                        let base = std::path::absolute(base)?;
                        gpucast::import::relative_path(&abs, &base)
                            .to_string_lossy()
                            .into_owned()
                    }
                    false => look,
                };
                obj.insert("look".into(), look.into());
                Ok(gpucast::Source::Json {
                    text: v.to_string(),
                    base: project
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default(),
                })
            }
            _ => anyhow::bail!("give a project file, or --timings and --audio"),
        }
    }
}
