//! Many videos from one manifest (`gpucast batch`): JSON lines, one render each. Lines run here
//! with bounded parallelism, or one line per scheduler task (`--index`, a Slurm array task or a
//! Kubernetes indexed pod). An output whose recorded fingerprint matches what it would be made
//! from now is skipped, so a retried task never redoes finished work; a failing line never stops
//! the others; the outcome of every line is reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context as _;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::encode::{AudioQuality, Codec, Container, RepeatFrames, Repeats, Speed, VideoSettings};
use crate::inputs::same_file;
use crate::job::{Checks, Output, RenderJob, Source};
use crate::render::{Backend, RenderOptions};

/// One manifest line as written: a project (or timings and audio), an output, options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    project: Option<String>,
    timings: Option<String>,
    audio: Option<String>,
    text: Option<String>,
    preset: Option<String>,
    output: String,
    backend: Option<String>,
    encoder: Option<String>,
    codec: Option<String>,
    speed: Option<String>,
    quality: Option<u32>,
    vfr: Option<bool>,
    repeat_frames: Option<String>,
    strict: Option<bool>,
    allow_partial_audio: Option<bool>,
}

/// A manifest line turned into a render, or why it cannot be one.
pub struct Entry {
    /// 1-based, as an editor shows it.
    pub line: usize,
    pub job: Result<RenderJob, String>,
}

fn value<T: ValueEnum>(name: &str, given: &Option<String>) -> Result<Option<T>, String> {
    given
        .as_deref()
        .map(|v| crate::parse_choice(name, v))
        .transpose()
}

fn job(line: Line, base: &Path) -> Result<RenderJob, String> {
    let path = |p: &str| base.join(p);
    let project = match (&line.project, &line.timings, &line.audio) {
        (Some(p), None, None) => Source::Project(path(p)),
        (None, Some(t), Some(a)) => Source::Timings {
            timings: path(t),
            audio: path(a),
            options: crate::import::Options {
                format: None,
                script: line.text.as_deref().map(path),
                preset: line.preset.clone(),
                max_lines: None,
                max_words: None,
                offset: 0.0,
                emphasize: None,
                translation: None,
                look: None,
                snap: false,
                past_end: false,
                voice: None,
            },
        },
        _ => return Err("give \"project\", or \"timings\" and \"audio\"".into()),
    };
    if line.project.is_some() && (line.text.is_some() || line.preset.is_some()) {
        return Err("\"text\" and \"preset\" go with \"timings\"".into());
    }
    let output = path(&line.output);
    let codec = match value::<Codec>("codec", &line.codec)? {
        Some(c) => c,
        None => Container::from_path(&output)
            .map_err(|e| format!("output: {e:#}"))?
            .default_codec(),
    };
    let repeats = Repeats::from_options(
        line.vfr.unwrap_or(false),
        value::<RepeatFrames>("repeat_frames", &line.repeat_frames)?.unwrap_or(RepeatFrames::Skip),
    );
    Ok(RenderJob {
        project,
        output: Output::File(output),
        backend: value::<Backend>("backend", &line.backend)?.unwrap_or(Backend::Auto),
        render: RenderOptions::default(),
        video: VideoSettings {
            encoder: line.encoder.filter(|e| e != "auto"),
            codec,
            speed: value::<Speed>("speed", &line.speed)?.unwrap_or(Speed::Fast),
            quality: line.quality,
            repeats,
            ..VideoSettings::default()
        },
        audio: AudioQuality::default(),
        captions: None,
        soft_subtitles: false,
        checks: Checks {
            strict: line.strict.unwrap_or(false),
            allow_partial_audio: line.allow_partial_audio.unwrap_or(false),
        },
        fingerprint: None,
        shard: None,
        transparent: false,
    })
}

/// The largest manifest read (a million lines of a typical 60 bytes).
pub const MANIFEST_BYTES: u64 = 64 << 20;

/// Reads a manifest: every non-blank line, each a render or the reason it is not one. Paths in
/// it are relative to the manifest's folder. The plan is checked whole before anything runs
/// (`check_plan`): a line that would write over what another line (or the run, through
/// `report`) reads or writes is refused.
pub fn read(manifest: &Path, report: Option<&Path>) -> anyhow::Result<Vec<Entry>> {
    let cannot = || format!("cannot read manifest {}", manifest.display());
    crate::inputs::plain_file(manifest).with_context(cannot)?;
    let size = std::fs::metadata(manifest).with_context(cannot)?.len();
    anyhow::ensure!(
        size <= MANIFEST_BYTES,
        "manifest {} is {size} bytes, over the limit of {MANIFEST_BYTES}",
        manifest.display()
    );
    let text = std::fs::read_to_string(manifest).with_context(cannot)?;
    let base = manifest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let entries: Vec<Entry> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Entry {
            line: i + 1,
            job: serde_json::from_str::<Line>(l)
                .map_err(|e| e.to_string())
                .and_then(|line| job(line, base)),
        })
        .collect();
    anyhow::ensure!(
        !entries.is_empty(),
        "manifest {} has no lines",
        manifest.display()
    );
    let mut entries = entries;
    check_plan(&mut entries, manifest, report);
    Ok(entries)
}

/// Refuses, before any render, each line whose output is another line's output (both lines,
/// each naming the other), is a file another line reads (a project, timings, narration, image,
/// clip, music or font), or is the manifest or the report. Such a line would corrupt a file
/// or change another render's input mid-batch.
fn check_plan(entries: &mut [Entry], manifest: &Path, report: Option<&Path>) {
    let mut writers: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut readers: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for e in entries.iter() {
        let Ok(job) = &e.job else { continue };
        if let Output::File(out) = &job.output {
            writers.entry(same_file(out)).or_default().push(e.line);
        }
        for input in inputs_of(&job.project) {
            readers.entry(same_file(&input)).or_default().push(e.line);
        }
    }
    let own: Vec<(PathBuf, &str)> = std::iter::once((same_file(manifest), "the manifest"))
        .chain(report.map(|r| (same_file(r), "the report (--report)")))
        .collect();
    let lines = |ls: &[usize]| {
        ls.iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for e in entries.iter_mut() {
        let Ok(RenderJob {
            output: Output::File(out),
            ..
        }) = &e.job
        else {
            continue;
        };
        let key = same_file(out);
        let shown = out.display();
        let others = |ls: &[usize]| {
            ls.iter()
                .copied()
                .filter(|&l| l != e.line)
                .collect::<Vec<_>>()
        };
        let other_writers = writers.get(&key).map(|ls| others(ls)).unwrap_or_default();
        let other_readers = readers.get(&key).map(|ls| others(ls)).unwrap_or_default();
        let problem = if let Some((_, what)) = own.iter().find(|(k, _)| *k == key) {
            Some(format!("its output {shown} is {what}"))
        } else if !other_writers.is_empty() {
            Some(format!(
                "its output {shown} is also the output of line {}",
                lines(&other_writers)
            ))
        } else if !other_readers.is_empty() {
            Some(format!(
                "its output {shown} is an input of line {}",
                lines(&other_readers)
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            e.job = Err(format!("{p}; nothing was rendered for this line"));
        }
    }
}

/// The files a render of `source` reads, as far as can be told without resolving it: a
/// project and the files it names, or timings and narration.
fn inputs_of(source: &Source) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = source.files().into_iter().map(Path::to_path_buf).collect();
    match source {
        Source::Project(project) => {
            let base = project.parent().unwrap_or(Path::new(""));
            let raw = crate::inputs::plain_file(project)
                .ok()
                .and_then(|()| std::fs::metadata(project).ok())
                .filter(|m| m.len() <= crate::project::limits::PROJECT_BYTES)
                .and_then(|_| std::fs::read_to_string(project).ok())
                .and_then(|text| crate::project::parse(project, &text).ok());
            if let Some(raw) = raw {
                files.extend(raw.files().iter().map(|f| base.join(f)));
            }
        }
        Source::Timings { audio, .. } => files.push(audio.clone()),
        Source::Json { .. } => {}
    }
    files
}

/// What happened to one line.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub line: usize,
    pub output: Option<PathBuf>,
    /// done, skipped (already made from the same inputs), failed, or stopped (by a signal).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub seconds: f64,
}

/// Renders one entry unless its output is already what it would make.
fn run_one(e: &Entry) -> Outcome {
    let started = Instant::now();
    let output = match &e.job {
        Ok(RenderJob {
            output: Output::File(p),
            ..
        }) => Some(p.clone()),
        _ => None,
    };
    let result = (|| -> anyhow::Result<&'static str> {
        let job = e.job.as_ref().map_err(|m| anyhow::anyhow!("{m}"))?;
        let p = crate::prepare_source(&job.project)?;
        p.check(&job.checks)?;
        let fingerprint = crate::fingerprint::of(&p, job)?;
        if let Some(out) = &output {
            if crate::fingerprint::recorded(out).as_deref() == Some(fingerprint.as_str()) {
                return Ok("skipped");
            }
        }
        let job = RenderJob {
            fingerprint: Some(fingerprint),
            ..job.clone()
        };
        crate::render_prepared(&p, &job, &mut |_, _| Ok(()))?;
        Ok("done")
    })();
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(status) => Outcome {
            line: e.line,
            output,
            status,
            error: None,
            seconds,
        },
        Err(err) => Outcome {
            line: e.line,
            output,
            // A render ended by a signal did not fail: its line was not run to the end.
            status: match crate::cancel::CANCELLED.load(Ordering::Relaxed) {
                true => "stopped",
                false => "failed",
            },
            error: Some(format!("{err:#}")),
            seconds,
        },
    }
}

/// Runs `entries` on `jobs` threads (lines in order as threads free up); `each` hears of every
/// outcome as it comes. Returns the outcomes in line order.
pub fn run(entries: &[Entry], jobs: usize, each: &(dyn Fn(&Outcome) + Sync)) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::with_capacity(entries.len()));
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, entries.len().max(1)) {
            s.spawn(|| loop {
                if crate::cancel::CANCELLED.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(e) = entries.get(i) else { break };
                let o = run_one(e);
                each(&o);
                outcomes.lock().unwrap_or_else(|p| p.into_inner()).push(o);
            });
        }
    });
    let mut all = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    all.sort_by_key(|o| o.line);
    all
}

/// The line a scheduler task renders: `I`, or with `auto` from `SLURM_ARRAY_TASK_ID`,
/// `JOB_COMPLETION_INDEX` (Kubernetes indexed jobs) or `AWS_BATCH_JOB_ARRAY_INDEX`; 0-based over
/// non-blank lines.
pub fn index(given: &str) -> anyhow::Result<(usize, String)> {
    if given != "auto" {
        let i = given
            .parse::<usize>()
            .map_err(|_| anyhow::anyhow!("--index {given}: give a line number from 0, or auto"))?;
        return Ok((i, "--index".into()));
    }
    let (i, var) = crate::shard::scheduler_index("--index auto")?;
    Ok((i, var.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_jobs_or_name_their_problem() {
        let base = Path::new("/m");
        let ok = |s: &str| job(serde_json::from_str(s).unwrap(), base);
        let j = ok(r#"{"project": "a.json", "output": "a.webm", "quality": 30}"#).unwrap();
        assert_eq!(j.video.codec, Codec::Vp9);
        assert!(matches!(j.project, Source::Project(ref p) if p == Path::new("/m/a.json")));
        let j = ok(r#"{"timings": "t.json", "audio": "a.wav", "output": "x.mp4", "vfr": true}"#)
            .unwrap();
        assert_eq!(j.video.repeats, Repeats::Vfr);
        let err = |s: &str| ok(s).err().unwrap();
        assert!(err(r#"{"output": "x.mp4"}"#).contains("give \"project\""));
        assert!(
            err(r#"{"project": "a", "output": "x.mp4", "backend": "tpu"}"#)
                .contains("backend: \"tpu\" is not a valid value")
        );
        assert!(err(r#"{"project": "a", "output": "x.avi"}"#).contains("output: -o"));
        assert!(
            serde_json::from_str::<Line>(r#"{"project": "a", "output": "x", "colour": 1}"#)
                .unwrap_err()
                .to_string()
                .contains("unknown field `colour`")
        );
    }
}
