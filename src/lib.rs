//! gpucast: narrated slides with word-by-word highlighting, rendered straight into video.
//!
//! Data flows one way: `project::load` → `timeline::plan` → `Scene::build` → a `render`
//! backend → `encode`. Everything that can be wrong with the input fails in the first three
//! steps, before an output file exists. The functions here are what the CLI calls.

pub mod batch;
pub mod captions;
pub mod cli;
pub mod encode;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod layout;
pub mod pipeline;
pub mod project;
pub mod render;
pub mod scene;
pub mod segment;
pub mod shard;
pub mod sheet;
pub mod timeline;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;

pub use encode::{Repeats, VideoSettings};
pub use project::Project;
pub use render::{Backend, RenderOptions};
pub use scene::Scene;
pub use timeline::Timeline;

/// Parses one of a `ValueEnum`'s names (`--codec`'s, `--backend`'s, ...) given as text, as the
/// Python package and batch manifests give them; the error names `what` and the choices.
pub fn parse_choice<T: clap::ValueEnum>(what: &str, given: &str) -> Result<T, String> {
    T::from_str(given, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!(
            "{what}: \"{given}\" is not a valid value (one of: {})",
            names.join(", ")
        )
    })
}

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

/// A project loaded, planned and laid out: everything a render needs, all input checked.
pub struct Prepared {
    pub project: Project,
    pub timeline: Timeline,
    pub scene: Arc<Scene>,
}

impl Prepared {
    /// Everything that was repaired or will be drawn other than asked, each with its path:
    /// clamped word times, text overflowing the frame, characters no font has.
    pub fn warnings(&self) -> Vec<String> {
        let mut all = self.project.warnings.clone();
        if let Some(damage) = &self.project.audio_info.damage {
            all.push(format!(
                "audio: {} is damaged: {damage}",
                self.project.audio.display()
            ));
        }
        all.extend(self.scene.warnings.iter().cloned());
        all
    }

    /// Refuses what `checks` does not allow: narration that did not decode whole (unless
    /// `allow_partial_audio`), and under `strict` any warning at all.
    pub fn check(&self, checks: &Checks) -> anyhow::Result<()> {
        if let Some(damage) = &self.project.audio_info.damage {
            let file = self.project.audio.display();
            if !checks.allow_partial_audio {
                anyhow::bail!(
                    "audio {file} is damaged: {damage}. --allow-partial-audio renders it with silence where audio is missing"
                );
            }
            log::warn!("audio {file} is damaged: {damage}; silence stands in for what is missing");
        }
        if checks.strict {
            self.check_strict()?;
        }
        Ok(())
    }

    /// `--strict`: the warnings as one error.
    fn check_strict(&self) -> anyhow::Result<()> {
        let w = self.warnings();
        if w.is_empty() {
            return Ok(());
        }
        let what = match w.len() {
            1 => "1 warning is an error".to_string(),
            n => format!("{n} warnings are errors"),
        };
        anyhow::bail!("--strict: {what}:\n  {}", w.join("\n  "))
    }
}

pub fn prepare(path: &Path) -> anyhow::Result<Prepared> {
    prepare_source(&Source::Project(path.to_path_buf()))
}

pub fn prepare_source(source: &Source) -> anyhow::Result<Prepared> {
    let project = match source {
        Source::Project(path) => project::load(path)?,
        Source::Timings {
            timings,
            audio,
            options,
        } => {
            // Paths stay as the user gave them, relative to the working folder.
            let here = Path::new(".");
            let imported = import::import(timings, audio, &audio.to_string_lossy(), here, options)?;
            project::from_raw(imported.project, here, timings, Some(imported.audio))?
        }
        Source::Json { text, base } => {
            let name = Path::new("project dict");
            project::from_raw(project::parse(name, text)?, base, name, None)?
        }
    };
    let scene = Scene::build(&project)?;
    let timeline = timeline::plan(&project, &|s, w| scene.slides[s].slots[w]);
    Ok(Prepared {
        project,
        timeline,
        scene: Arc::new(scene),
    })
}

/// Renders a whole project. `progress` is called with the number of frames written so far; an
/// error from it stops the render (nothing is left behind) and is returned.
pub fn render(job: &RenderJob, progress: pipeline::Progress<'_>) -> anyhow::Result<Summary> {
    let t = Instant::now();
    let p = prepare_source(&job.project)?;
    p.check(&job.checks)?;
    let prepared = t.elapsed();
    let mut summary = render_prepared(&p, job, progress)?;
    summary.prepare += prepared;
    Ok(summary)
}

/// Renders a project already prepared (and checked) from `job.project`.
pub fn render_prepared(
    p: &Prepared,
    job: &RenderJob,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<Summary> {
    let t = Instant::now();
    if let (Output::Stdout, Repeats::Vfr) = (&job.output, job.video.repeats) {
        anyhow::bail!("--vfr needs a video file output: yuv4mpegpipe has a constant frame rate");
    }
    if let (Output::Stdout, true) = (&job.output, job.soft_subtitles) {
        anyhow::bail!("--soft-subtitles needs an .mp4 or .mov output");
    }
    let sequence = match &job.output {
        Output::File(path) => encode::images::Sequence::from_path(path).transpose()?,
        Output::Stdout => None,
    };
    if let Some(seq) = sequence {
        return render_images(p, job, &seq, progress);
    }
    if job.transparent {
        return render_alpha_video(p, job, progress);
    }
    if let Output::File(path) = &job.output {
        check_output(path, &job.project, &p.project)?;
        encode::container::check(path, job.video.codec, job.soft_subtitles)?;
    }
    if let Some(path) = &job.captions {
        captions::write(path, &p.project, &p.scene)?;
    }
    // A part's encoder never reorders pictures, so that parts join by copying.
    let video = VideoSettings {
        in_order: job.shard.is_some(),
        ..job.video.clone()
    };
    let part = match job.shard {
        Some(shard) => Some(plan_part(p, job, &video, shard)?),
        None => None,
    };
    let part_timeline;
    let timeline = match &part {
        Some(part) => {
            part_timeline = p.timeline.part(part.frames.clone());
            &part_timeline
        }
        None => &p.timeline,
    };
    if let (Some(part), Output::File(path)) = (&part, &job.output) {
        if encode::join::finished(path, part, p.project.fps) {
            return Ok(Summary {
                renderer: "none".into(),
                encoder: "none".into(),
                stats: pipeline::Stats::default(),
                prepare: t.elapsed(),
                kept: true,
            });
        }
    }
    let renderer = render::create(job.backend, p.scene.clone(), &job.render)?;
    let renderer_name = renderer.describe();
    log::info!(
        "{} frames, {} distinct, drawn by {renderer_name}",
        timeline.frame_count,
        timeline.distinct_frames()
    );
    let (sink, encoder): (Box<dyn encode::FrameSink>, String) = match &job.output {
        Output::File(path) => {
            let mut contents = encode::Contents::whole(&p.project, job.audio);
            contents.captions = job
                .soft_subtitles
                .then(|| captions::cues(&p.project, &p.scene));
            if let Some(f) = &job.fingerprint {
                contents.metadata.push((fingerprint::KEY, f.clone()));
            }
            if let Some(part) = &part {
                contents.audio = None;
                contents.frames = part.frames.clone();
                contents.metadata.extend(part.to_metadata());
            }
            let w = encode::FileWriter::create(path, &p.project, &video, contents)?;
            let name = w.encoder_name().to_string();
            (Box::new(w), name)
        }
        Output::Stdout => {
            let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let w = encode::Y4mWriter::new(out, p.project.width, p.project.height, p.project.fps)?;
            (Box::new(w), "yuv4mpegpipe".into())
        }
    };
    let prepare = t.elapsed();
    let stats =
        pipeline::run(timeline, renderer, sink, progress).with_context(|| match &job.output {
            Output::File(path) => format!("cannot write {}", path.display()),
            Output::Stdout => "cannot write to standard output".to_string(),
        })?;
    Ok(Summary {
        renderer: renderer_name,
        encoder,
        stats,
        prepare,
        kept: false,
    })
}

/// Renders every frame as a PNG into an image sequence's folder: each distinct frame drawn
/// and encoded once, its repeats linked to it; over the background, or with `transparent` the
/// text alone with straight alpha. Drawn as RGBA, not YUV.
fn render_images(
    p: &Prepared,
    job: &RenderJob,
    seq: &encode::images::Sequence,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<Summary> {
    let t = Instant::now();
    anyhow::ensure!(
        job.shard.is_none() && !job.soft_subtitles && job.video.repeats != Repeats::Vfr,
        "an image sequence has a PNG for every frame: --shard, --soft-subtitles and --vfr do not apply"
    );
    seq.check()?;
    if let Some(path) = &job.captions {
        captions::write(path, &p.project, &p.scene)?;
    }
    let mut writer = encode::images::ImageWriter::create(seq)?;
    let (renderer, mut stats) = draw_rgba(
        p,
        job,
        &mut |img, start, count| writer.write(img, start, count),
        progress,
    )?;
    writer.finish()?;
    stats.wall = t.elapsed();
    Ok(Summary {
        renderer,
        encoder: "PNG".into(),
        stats,
        prepare: std::time::Duration::ZERO,
        kept: false,
    })
}

/// `--transparent` into a video file: ProRes 4444 (.mov, .mkv) or VP9 with alpha (.webm), the
/// narration beside it. Frames are drawn as RGBA; ProRes codes each
/// distinct frame once and copies its picture, VP9 codes every frame.
fn render_alpha_video(
    p: &Prepared,
    job: &RenderJob,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<Summary> {
    let t = Instant::now();
    let Output::File(path) = &job.output else {
        anyhow::bail!("--transparent needs an output file: yuv4mpegpipe has no alpha");
    };
    anyhow::ensure!(
        matches!(job.video.codec, encode::Codec::Prores | encode::Codec::Vp9),
        "--transparent: {} has no alpha here; write .mov (ProRes 4444), .webm (VP9 with alpha) \
         or an image sequence (-o frames/)",
        job.video.codec.name()
    );
    anyhow::ensure!(
        job.shard.is_none() && job.video.repeats != Repeats::Vfr,
        "--transparent: --shard and --vfr do not apply"
    );
    check_output(path, &job.project, &p.project)?;
    encode::container::check(path, job.video.codec, job.soft_subtitles)?;
    if let Some(c) = &job.captions {
        captions::write(c, &p.project, &p.scene)?;
    }
    let video = VideoSettings {
        alpha: true,
        ..job.video.clone()
    };
    let mut contents = encode::Contents::whole(&p.project, job.audio);
    contents.captions = job
        .soft_subtitles
        .then(|| captions::cues(&p.project, &p.scene));
    let mut writer = encode::FileWriter::create(path, &p.project, &video, contents)?;
    let encoder = writer.encoder_name().to_string();
    let (renderer, mut stats) = draw_rgba(
        p,
        job,
        &mut |img, start, count| writer.write_rgba(img, start, count),
        progress,
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    encode::FrameSink::finish(Box::new(writer))
        .with_context(|| format!("cannot write {}", path.display()))?;
    stats.wall = t.elapsed();
    Ok(Summary {
        renderer,
        encoder,
        stats,
        prepare: std::time::Duration::ZERO,
        kept: false,
    })
}

/// Draws every distinct frame as RGBA (over its background, or the text alone with
/// `job.transparent`), in batches, and hands each to `sink` with its run.
fn draw_rgba(
    p: &Prepared,
    job: &RenderJob,
    sink: &mut dyn FnMut(&image::RgbaImage, u64, u64) -> anyhow::Result<()>,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<(String, pipeline::Stats)> {
    let mut renderer =
        render::RgbaRenderer::create(job.backend, p.scene.clone(), &job.render, job.transparent)?;
    renderer.decode_ahead(p.timeline.runs.iter().map(|r| &r.key));
    let mut stats = pipeline::Stats {
        frames: p.timeline.frame_count,
        distinct_frames: p.timeline.distinct_frames() as u64,
        ..Default::default()
    };
    let mut done = 0;
    for runs in p.timeline.runs.chunks(renderer.batch_size().max(1)) {
        pipeline::check_cancelled()?;
        let drawn = Instant::now();
        let keys: Vec<_> = runs.iter().map(|r| r.key.clone()).collect();
        let images = renderer.draw(&keys)?;
        stats.render_busy += drawn.elapsed();
        let written = Instant::now();
        for (img, run) in images.iter().zip(runs) {
            sink(img, run.start_frame, run.frames)?;
            done += run.frames;
        }
        stats.encode_busy += written.elapsed();
        progress(done, p.timeline.frame_count)?;
    }
    Ok((renderer.describe(), stats))
}

/// Joins the parts of a sharded render of `project` (`render --shard I/N`) into `output`,
/// after checking they are exactly its N parts, whole and made alike; returns the frame count.
/// `captions` and `soft_subtitles` are as for `render`.
#[allow(clippy::too_many_arguments)]
pub fn join(
    project: &Path,
    parts: &[PathBuf],
    output: &Path,
    audio: encode::AudioQuality,
    captions: Option<&Path>,
    soft_subtitles: bool,
    checks: &Checks,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<u64> {
    let started = Instant::now();
    let source = Source::Project(project.to_path_buf());
    let p = prepare_source(&source)?;
    p.check(checks)?;
    check_output(output, &source, &p.project)?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(part) = parts.iter().find(|part| same(output, part)) {
        anyhow::bail!(
            "cannot write {}: it is one of the parts ({}); choose another output",
            output.display(),
            part.display()
        );
    }
    let content = fingerprint::content(&p, &source)?;
    let files = parts
        .iter()
        .map(|f| encode::join::read_part(f, p.project.fps))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ordered = shard::order(&files, &content, &p.timeline)?;
    log::info!(
        "join: project prepared and {} parts checked in {:.2?}",
        files.len(),
        started.elapsed()
    );
    if let Some(path) = captions {
        captions::write(path, &p.project, &p.scene)?;
    }
    let cues = soft_subtitles.then(|| captions::cues(&p.project, &p.scene));
    encode::join::join(&p.project, &ordered, output, audio, cues, progress)
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(p.timeline.frame_count)
}

/// What part `shard` of `job` holds and records, after refusing what a part cannot be.
fn plan_part(
    p: &Prepared,
    job: &RenderJob,
    video: &VideoSettings,
    shard: shard::Shard,
) -> anyhow::Result<shard::PartTags> {
    let Output::File(path) = &job.output else {
        anyhow::bail!("--shard needs a part file (.mkv), not standard output");
    };
    shard::check_part_name(path)?;
    anyhow::ensure!(
        job.video.repeats != Repeats::Vfr,
        "--shard writes constant-frame-rate parts: --vfr cannot be joined"
    );
    anyhow::ensure!(
        !job.soft_subtitles && job.captions.is_none(),
        "--shard: parts are video only; give --soft-subtitles or --captions to gpucast join"
    );
    let frames = shard::cuts(&p.timeline, shard.count)?[shard.index as usize].clone();
    Ok(shard::PartTags {
        content: fingerprint::content(p, &job.project)?,
        settings: format!("gpucast {}; {video:?}", env!("CARGO_PKG_VERSION")),
        shard,
        frames,
        total: p.timeline.frame_count,
    })
}

/// Refuses an output that cannot be a video file, before any work: a folder, a path in a
/// folder that does not exist, or one of the project's own input files.
fn check_output(path: &Path, source: &Source, project: &Project) -> anyhow::Result<()> {
    anyhow::ensure!(
        !path.is_dir(),
        "cannot write {}: it is a folder",
        path.display()
    );
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    anyhow::ensure!(
        dir.is_dir(),
        "cannot write {}: folder {} does not exist",
        path.display(),
        dir.display()
    );
    let mut inputs: Vec<&Path> = vec![&project.audio];
    match source {
        Source::Project(p) => inputs.push(p),
        Source::Timings { timings, .. } => inputs.push(timings),
        Source::Json { .. } => {}
    }
    inputs.extend(project.backgrounds().0.iter().filter_map(|b| b.file()));
    if let Some(m) = &project.music {
        inputs.push(&m.file);
    }
    for slide in &project.slides {
        for font in [Some(&slide.style.font), slide.style.bold_font.as_ref()]
            .into_iter()
            .flatten()
        {
            if let project::FontChoice::File(f) = font {
                inputs.push(f);
            }
        }
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(input) = inputs.iter().find(|i| same(path, i)) {
        anyhow::bail!(
            "cannot write {}: it is one of the project's inputs ({}); choose another output",
            path.display(),
            input.display()
        );
    }
    Ok(())
}

/// Writes an image as PNG like every other output: to a temporary file beside `path`, synced
/// and renamed into place, so that an interrupted write leaves nothing half-written.
pub fn write_png<P>(
    path: &Path,
    img: &image::ImageBuffer<P, Vec<P::Subpixel>>,
) -> anyhow::Result<()>
where
    P: image::PixelWithColorType,
    [P::Subpixel]: image::EncodableLayout,
{
    let file = encode::PendingFile::new(path);
    img.save_with_format(file.temp(), image::ImageFormat::Png)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    file.commit()
}

/// Draws the frame shown at `seconds` as an RGB image.
pub fn render_frame(
    path: &Source,
    seconds: f64,
    backend: Backend,
    opts: &RenderOptions,
    checks: &Checks,
) -> anyhow::Result<image::RgbImage> {
    let p = prepare_source(path)?;
    p.check(checks)?;
    frame_of(&p, seconds, backend, opts)
}

/// The text of the frame shown at `seconds` alone, over nothing, as straight RGBA
/// (`--transparent`): an editor composites it over its own picture.
pub fn overlay_of(
    p: &Prepared,
    seconds: f64,
    backend: Backend,
    opts: &RenderOptions,
) -> anyhow::Result<image::RgbaImage> {
    let key = key_at_time(p, seconds)?;
    let mut r = render::RgbaRenderer::create(backend, p.scene.clone(), opts, true)?;
    r.draw(std::slice::from_ref(key))?
        .pop()
        .context("the renderer returned no frame")
}

/// The key of the frame on screen at `seconds`: the last one that started at or before it.
fn key_at_time(p: &Prepared, seconds: f64) -> anyhow::Result<&timeline::FrameKey> {
    let duration = p.project.duration();
    anyhow::ensure!(
        seconds.is_finite() && seconds >= 0.0 && seconds < duration,
        "--at {seconds} is outside the video (0 to {duration:.3} s)"
    );
    let exact = seconds * p.project.fps.as_f64();
    let frame = ((exact + project::TIME_EPSILON).floor() as u64).min(p.timeline.frame_count - 1);
    p.timeline
        .key_at(frame)
        .context("frame outside the timeline")
}

/// Draws the frame of a prepared project shown at `seconds`.
pub fn frame_of(
    p: &Prepared,
    seconds: f64,
    backend: Backend,
    opts: &RenderOptions,
) -> anyhow::Result<image::RgbImage> {
    let key = key_at_time(p, seconds)?;
    let yuv = render::render_one(backend, p.scene.clone(), opts, key)?;
    Ok(yuv.to_rgb())
}
