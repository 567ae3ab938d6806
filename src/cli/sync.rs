//! `gpucast sync`: how a project's words (or a timings file's) sit against the narration, and
//! the project repaired.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::SourceArgs;
use crate as gpucast;
use gpucast::project::raw::{RawFps, RawProject};

pub(super) fn run(
    source: SourceArgs,
    output: Option<PathBuf>,
    json: bool,
    snap: bool,
    force: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    let folder = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let voice = source.import.voice.clone();
    let (mut raw, audio) = match (source.project, source.timings, source.audio) {
        (_, Some(timings), Some(audio)) => {
            let base = output.as_deref().map(folder).unwrap_or_else(|| ".".into());
            let mut options = source.import.options()?;
            // The report is of the timings as given; the repair is this command's.
            options.snap = false;
            options.past_end = true;
            let audio_ref = gpucast::import::relative_path(&audio, &base);
            let imported = gpucast::import::import(
                Some(&timings),
                &audio,
                &audio_ref.to_string_lossy(),
                &base,
                &options,
            )?;
            (imported.project, audio)
        }
        (Some(project), _, _) => {
            let base = folder(&project);
            if let Some(out) = &output {
                let same =
                    std::fs::canonicalize(folder(out)).ok() == std::fs::canonicalize(&base).ok();
                anyhow::ensure!(
                    same,
                    "-o {}: write the repaired project beside {} (in {}), so the files it names \
                     stay where it says",
                    out.display(),
                    project.display(),
                    base.display()
                );
            }
            let text = std::fs::read_to_string(&project)
                .with_context(|| format!("cannot read project file {}", project.display()))?;
            let raw = gpucast::project::parse(&project, &text)?;
            let audio = raw.audio.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: the project names no audio to sync to",
                    project.display()
                )
            })?;
            let audio = base.join(audio);
            (raw, audio)
        }
        _ => anyhow::bail!("sync needs a project file, or --timings and --audio"),
    };
    if let Some(out) = &output {
        if out.exists() && !force {
            anyhow::bail!(
                "{} already exists; pass --force to overwrite it",
                out.display()
            );
        }
    }
    let db = gpucast::sync::loudness(&audio)
        .map_err(|e| anyhow::anyhow!("cannot decode audio {}: {e:#}", audio.display()))?;
    let seconds = db.len() as f64 * gpucast::sync::features::HOP;
    let text_slides = gpucast::sync::project::time_text_slides(&mut raw, &audio, &voice)?;
    let (measured, unsnapped) =
        gpucast::sync::project::measure_and_snap(&raw, &db, &audio, &voice, snap)?;
    let report = gpucast::sync::project::report(&raw, &measured, fps_of(&raw));
    match &text_slides {
        Ok(0) => {}
        Ok(n) if !json && !quiet => {
            out!("{n} text slides' words placed by the audio (written as timed words with -o)")
        }
        Ok(_) => {}
        Err(why) => eprintln!("warning: text slides' words keep their shares by length: {why}"),
    }
    if let Some(why) = &unsnapped {
        eprintln!("warning: words not moved onto the voice (offset and drift removed only): {why}");
    }
    if json {
        out!("{}", serde_json::to_string_pretty(&report)?);
    } else if !quiet {
        print(&report, &audio, seconds)?;
    }
    if let Some(out) = output {
        gpucast::sync::project::apply(&mut raw, &measured, seconds);
        gpucast::import::write_project(&out, &raw, force)?;
        if !quiet && !json {
            out!("wrote {}", out.display());
        }
    }
    Ok(())
}

/// The project's frame rate (30 unless it says), for "off by more than a frame".
fn fps_of(raw: &RawProject) -> f64 {
    match raw.video.as_ref().and_then(|v| v.fps.as_ref()) {
        Some(RawFps::Number(f)) if *f > 0.0 => *f,
        Some(RawFps::Text(t)) => {
            let mut parts = t.split('/').map(|p| p.trim().parse::<f64>().ok());
            match (parts.next().flatten(), parts.next().flatten()) {
                (Some(n), Some(d)) if n > 0.0 && d > 0.0 => n / d,
                (Some(n), None) if n > 0.0 => n,
                _ => 30.0,
            }
        }
        _ => 30.0,
    }
}

fn print(r: &gpucast::sync::project::Report, audio: &Path, seconds: f64) -> std::io::Result<()> {
    let late = |ms: f64| match ms {
        ms if ms > 0.5 => "late",
        ms if ms < -0.5 => "early",
        _ => "on time",
    };
    out!(
        "{} timed words against {} ({seconds:.1} s of narration)",
        r.words,
        audio.display()
    );
    if r.windows == 0 {
        out!(
            "  no offset measured: no stretch of narration held enough words against voiced \
             sound (is the audio silent, or the timings another recording's?)"
        );
        return Ok(());
    }
    out!(
        "  offset: {:+.0} ms (the words come {}) at the start",
        r.offset_ms,
        late(r.offset_ms)
    );
    out!(
        "  drift: {:+.2} s an hour (measured in {} windows, {} agreeing)",
        r.drift_s_per_hour,
        r.windows,
        r.agreeing_windows
    );
    out!(
        "  {} words start more than a frame from where the repair puts them",
        r.off_by_more_than_a_frame
    );
    out!(
        "  {} words start in a pause once the offset and drift are removed",
        r.starting_in_silence
    );
    if !r.worst.is_empty() {
        out!("  moved furthest:");
        for w in &r.worst {
            out!(
                "    {} \"{}\": {:.3} s -> {:.3} s ({:+.0} ms)",
                w.at,
                w.text,
                w.given,
                w.fixed,
                (w.fixed - w.given) * 1000.0
            );
        }
    }
    Ok(())
}
