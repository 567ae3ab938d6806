//! gpucast: narrated slides with word-by-word highlighting, rendered straight into video.
//!
//! Data flows one way: `project::load` → `timeline::plan` → `Scene::build` → a `render`
//! backend → `encode`. Everything that can be wrong with the input fails in the first three
//! steps, before an output file exists. The functions here are what the CLI calls.

pub mod batch;
pub mod cancel;
pub mod captions;
pub mod cli;
pub mod encode;
pub mod export;
pub mod fingerprint;
pub mod frame;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod inputs;
pub mod job;
pub mod layers;
pub mod layout;
pub mod lint;
pub mod media;
pub mod native;
pub mod pending;
pub mod pipeline;
pub mod prepare;
pub mod project;
pub mod render;
pub mod scene;
pub mod segment;
pub mod shard;
pub mod sheet;
pub mod studio;
pub mod sync;
pub mod timeline;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;

pub use encode::{Repeats, VideoSettings};
pub use job::{Checks, Output, RenderJob, Source, Summary};
pub use prepare::{prepare, prepare_project, prepare_source, Prepared};
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

/// Renders a project already prepared (and checked) from `job.project`: the output opened as a
/// sink (whatever its kind), a renderer made to draw what it takes, and the pipeline between.
pub fn render_prepared(
    p: &Prepared,
    job: &RenderJob,
    progress: pipeline::Progress<'_>,
) -> anyhow::Result<Summary> {
    let t = Instant::now();
    let Some(out) = open_output(p, job)? else {
        return Ok(Summary {
            renderer: "none".into(),
            encoder: "none".into(),
            stats: pipeline::Stats::default(),
            prepare: t.elapsed(),
            kept: true,
        });
    };
    let part_timeline;
    let timeline = match &out.part {
        Some(frames) => {
            part_timeline = p.timeline.part(frames.clone());
            &part_timeline
        }
        None => &p.timeline,
    };
    let renderer = render::create(job.backend, p.scene.clone(), &job.render, out.sink.format())?;
    let renderer_name = renderer.describe();
    log::info!(
        "{} frames, {} distinct, drawn by {renderer_name} into {}",
        timeline.frame_count,
        timeline.distinct_frames(),
        out.encoder
    );
    let prepare = t.elapsed();
    let stats =
        pipeline::run(timeline, renderer, out.sink, progress).with_context(|| {
            match &job.output {
                Output::File(path) => format!("cannot write {}", path.display()),
                Output::Stdout => "cannot write to standard output".to_string(),
            }
        })?;
    Ok(Summary {
        renderer: renderer_name,
        encoder: out.encoder,
        stats,
        prepare,
        kept: false,
    })
}

/// An output opened for the pipeline to feed.
struct Opened {
    sink: Box<dyn encode::FrameSink>,
    /// What encodes it, for logs and the summary.
    encoder: String,
    /// The frames it holds when it is a shard's part; the whole timeline otherwise.
    part: Option<std::ops::Range<u64>>,
}

/// Opens `job`'s output as a sink, after refusing what that kind of output cannot hold, and
/// writes the captions file beside it. The kinds: a PNG sequence, y4m on standard output, an
/// alpha video (`--transparent`), a shard's part, a video file. `None`: the output is already
/// this part, made from the same inputs and settings, and is kept.
fn open_output(p: &Prepared, job: &RenderJob) -> anyhow::Result<Option<Opened>> {
    let path = match &job.output {
        Output::Stdout => {
            anyhow::ensure!(
                job.video.repeats != Repeats::Vfr,
                "--vfr needs a video file output: yuv4mpegpipe has a constant frame rate"
            );
            anyhow::ensure!(
                !job.soft_subtitles,
                "--soft-subtitles needs an .mp4 or .mov output"
            );
            anyhow::ensure!(
                !job.transparent,
                "--transparent needs an output file: yuv4mpegpipe has no alpha"
            );
            anyhow::ensure!(
                job.shard.is_none(),
                "--shard needs a part file (.mkv), not standard output"
            );
            write_captions(p, job)?;
            let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let (w, h, fps) = (p.project.width, p.project.height, p.project.fps);
            return Ok(Some(Opened {
                sink: Box::new(encode::Y4mWriter::new(out, w, h, fps)?),
                encoder: "yuv4mpegpipe".into(),
                part: None,
            }));
        }
        Output::File(path) => path,
    };
    if let Some(seq) = encode::images::Sequence::from_path(path).transpose()? {
        anyhow::ensure!(
            job.shard.is_none() && !job.soft_subtitles && job.video.repeats != Repeats::Vfr,
            "an image sequence has a PNG for every frame: --shard, --soft-subtitles and --vfr do not apply"
        );
        seq.check()?;
        write_captions(p, job)?;
        return Ok(Some(Opened {
            sink: Box::new(encode::images::ImageWriter::create(&seq, job.transparent)?),
            encoder: "PNG".into(),
            part: None,
        }));
    }
    let mut video = job.video.clone();
    if job.transparent {
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
        video.alpha = true;
    }
    check_output(path, &job.project, &p.project)?;
    encode::container::check(path, job.video.codec, job.soft_subtitles)?;
    // A part's encoder never reorders pictures, so that parts join by copying.
    video.in_order = job.shard.is_some();
    video.stills = p.timeline.stills();
    let part = match job.shard {
        Some(shard) => Some(plan_part(p, job, &video, shard)?),
        None => None,
    };
    if let Some(part) = &part {
        if encode::join::finished(path, part, p.project.fps) {
            return Ok(None);
        }
    }
    write_captions(p, job)?;
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
    Ok(Some(Opened {
        encoder: w.encoder_name().to_string(),
        sink: Box::new(w),
        part: part.map(|part| part.frames),
    }))
}

/// The slides as a WebVTT or SRT file beside the video, when the job asks for one.
fn write_captions(p: &Prepared, job: &RenderJob) -> anyhow::Result<()> {
    match &job.captions {
        Some(path) => captions::write(path, &p.project, &p.scene),
        None => Ok(()),
    }
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
    if let Some(part) = parts.iter().find(|part| inputs::is_same_file(output, part)) {
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
    pending::check_writable(path)?;
    let mut inputs = project.files();
    inputs.extend(source.files());
    if let Some(input) = inputs.iter().find(|i| inputs::is_same_file(path, i)) {
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
    let file = pending::PendingFile::new(path);
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
    let transparent = render::Format::Rgba { transparent: true };
    render::draw_one(backend, p.scene.clone(), opts, transparent, key)?.into_rgba()
}

/// The frame on screen at `seconds`: the last one that started at or before it.
pub fn frame_index_at(p: &Prepared, seconds: f64) -> anyhow::Result<u64> {
    let duration = p.project.duration();
    anyhow::ensure!(
        seconds.is_finite() && seconds >= 0.0 && seconds < duration,
        "--at {seconds} is outside the video (0 to {duration:.3} s)"
    );
    let exact = seconds * p.project.fps.as_f64();
    Ok(((exact + project::TIME_EPSILON).floor() as u64).min(p.timeline.frame_count - 1))
}

/// The key of the frame on screen at `seconds`.
fn key_at_time(p: &Prepared, seconds: f64) -> anyhow::Result<&timeline::FrameKey> {
    let frame = frame_index_at(p, seconds)?;
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
