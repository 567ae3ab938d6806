//! Timed words made into a project: checked against the narration's length, cut into slides
//! that fit the preset's frame, styled, and summed up. Every way into a project ends here: a
//! timings file (with or without a script) and a script aligned to the narration alone.

use std::path::Path;

use super::normalize::{self, Repairs, Timed};
use super::{script, slides, ImportError, Imported, Options, Summary, END_SLACK};
use crate::project::presets::Preset;
use crate::project::raw::{RawProject, RawVideo};

/// What came before: where the words came from and what was done to them on the way.
pub(super) struct Made {
    pub format: &'static str,
    pub title: &'static str,
    pub repairs: Repairs,
    pub script: Option<script::Report>,
    /// Lines for the summary from the steps before (words placed by the audio, a repair),
    /// and what the user should look at.
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn project(
    mut words: Vec<Timed>,
    breaks: &[usize],
    made: Made,
    audio_info: crate::media::audio::AudioInfo,
    audio_ref: &str,
    base: &Path,
    opts: &Options,
    preset: &Preset,
    timings: &Path,
) -> anyhow::Result<Imported> {
    let duration = audio_info.duration;
    let mut warnings = made.warnings;
    let mut cut = 0;
    for (i, w) in words.iter_mut().enumerate() {
        if opts.past_end {
            break;
        }
        if w.start >= duration || w.end > duration + END_SLACK {
            return Err(ImportError {
                file: timings.to_path_buf(),
                format: Some(made.format),
                at: Some(normalize::describe(i, &w.text)),
                problem: format!(
                    "{:.3}-{:.3} s is past the end of the audio ({duration:.3} s): is the audio file (or --offset) the right one?",
                    w.start, w.end
                ),
            }
            .into());
        }
        if w.end > duration {
            w.end = duration;
            cut += 1;
        }
    }
    for (n, what) in [
        (
            made.repairs.sorted,
            "out of order in the file, sorted by start time",
        ),
        (
            made.repairs.clamped,
            "overlapping the next word, ends moved back to its start",
        ),
        (cut, "ending a little after the audio, cut at its end"),
    ] {
        if n > 0 {
            warnings.push(format!("{n} word{} {what}", if n == 1 { "" } else { "s" }));
        }
    }

    // A look file is named from the working folder, and written relative to the project's.
    let look = match opts.look.as_deref() {
        None => None,
        Some(given) => {
            let file = crate::project::looks::built_in(given, Path::new("."))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let name = match crate::project::looks::BUILT_IN
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(given))
            {
                true => given.to_ascii_lowercase(),
                false => {
                    let abs = std::path::absolute(given).unwrap_or_else(|_| given.into());
                    super::relative_path(&abs, base)
                        .to_string_lossy()
                        .into_owned()
                }
            };
            Some((name, file))
        }
    };
    let look_style = look
        .as_ref()
        .and_then(|(_, l)| l.style.clone())
        .unwrap_or_default();
    let style = crate::project::resolve_style(
        &look_style,
        Some(preset),
        base,
        (preset.width, preset.height),
    )
    .map_err(|p| anyhow::anyhow!("preset {} with its look: {}", preset.name, p.join("; ")))?;
    let mut measure = crate::layout::Measure::new(&style, preset.width, preset.height)?;
    let limits = slides::Limits {
        max_words: opts.max_words.unwrap_or(preset.max_words).max(1),
        max_lines: opts
            .max_lines
            .unwrap_or(preset.max_lines)
            .clamp(1, measure.lines_that_fit()),
        max_seconds: preset.seconds.map(|s| s.1),
    };
    let ranges = slides::split(&words, breaks, &limits, &mut measure);
    let sizes = slides::font_sizes(&words, &ranges, &mut measure, style.font_size);
    let mut raw_slides = slides::timed_slides(&words, &ranges, &sizes, style.fade, duration);
    if preset.seconds.is_some() || preset.gap_frames > 0 {
        // Projects from import run at 30 fps.
        let gap = preset.gap_frames as f64 / 30.0;
        slides::keep_to(&mut raw_slides, preset.seconds, gap);
    }
    log::info!("import: slides fitted");
    let summary = Summary {
        format: made.format,
        title: made.title,
        words: words.len(),
        slides: raw_slides.len(),
        duration,
        repairs: made.repairs,
        script: made.script,
        notes: made.notes,
        warnings,
    };
    let project = RawProject {
        preset: Some(preset.name.to_string()),
        look: look.map(|(name, _)| name),
        video: Some(RawVideo {
            width: Some(preset.width.into()),
            height: Some(preset.height.into()),
            fps: Some(crate::project::raw::RawFps::Number(30.0)),
        }),
        audio: Some(audio_ref.to_string()),
        background: Some(crate::project::raw::RawBackground {
            color: Some("#1d2433".into()),
            ..Default::default()
        }),
        music: None,
        style: Some(style.to_raw(base)),
        emphasis: None,
        speakers: None,
        slides: Some(raw_slides),
        layers: None,
    };
    Ok(Imported {
        project,
        summary,
        audio: audio_info,
    })
}
