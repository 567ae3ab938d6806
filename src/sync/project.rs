//! A project's timed words measured against its narration (`gpucast sync`), and the project
//! rewritten with the repair.

use std::path::Path;

use serde::Serialize;

use super::offset::{self, Measured};
use crate::project::raw::{RawProject, RawWord};

/// Words shown in the report's list of the furthest moved.
const WORST: usize = 10;

/// One word of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    /// Where it is: `slides[3].words[7]`.
    pub at: String,
    pub text: String,
    pub given: f64,
    pub fixed: f64,
}

/// What `gpucast sync` says (and prints as JSON with `--json`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub words: usize,
    /// Milliseconds the timings run late (negative: early) at the start of the narration.
    pub offset_ms: f64,
    /// Seconds the lateness grows by over an hour of narration.
    pub drift_s_per_hour: f64,
    /// Windows the offset was measured in, and how many agree with the line through them.
    pub windows: usize,
    pub agreeing_windows: usize,
    /// Words whose start the repair moves by more than a frame.
    pub off_by_more_than_a_frame: usize,
    /// Words whose start (offset and drift removed) lies in a pause.
    pub starting_in_silence: usize,
    /// The words the repair moves furthest.
    pub worst: Vec<Moved>,
}

/// The timed words of a project in order, with where each is.
pub fn timed_words(raw: &RawProject) -> Vec<(String, String, f64, f64)> {
    let mut out = Vec::new();
    for (i, slide) in raw.slides.iter().flatten().enumerate() {
        for (j, w) in slide.words.iter().flatten().enumerate() {
            if let (Some(s), Some(e)) = (w.start, w.end) {
                out.push((
                    format!("slides[{i}].words[{j}]"),
                    w.text.clone().unwrap_or_default(),
                    s,
                    e,
                ));
            }
        }
    }
    out
}

/// Measures the project's timed words against the narration's loudness.
pub fn measure(raw: &RawProject, db: &[f32]) -> Measured {
    let spans: Vec<(f64, f64)> = timed_words(raw).iter().map(|w| (w.2, w.3)).collect();
    offset::measure(&spans, db)
}

/// The project's timed words measured against the narration's loudness `db` and, with `snap`,
/// each put on the voice (`super::snap`). Also returns why nothing was snapped, if espeak
/// could not speak.
pub fn measure_and_snap(
    raw: &RawProject,
    db: &[f32],
    audio: &Path,
    voice: &str,
    snap: bool,
) -> anyhow::Result<(Measured, Option<String>)> {
    let words = timed_words(raw);
    anyhow::ensure!(
        !words.is_empty(),
        "the project has no timed words to measure"
    );
    let mut measured = measure(raw, db);
    let mut unsnapped = None;
    if snap {
        let texts: Vec<&str> = words.iter().map(|w| w.1.as_str()).collect();
        unsnapped = super::snap(&mut measured.repaired, &texts, audio, voice)?;
    }
    Ok((measured, unsnapped))
}

/// The report on a measurement (and on the snap that may have followed it).
pub fn report(raw: &RawProject, m: &Measured, fps: f64) -> Report {
    let words = timed_words(raw);
    let frame = 1.0 / fps.max(1.0);
    let mut moved: Vec<Moved> = words
        .iter()
        .zip(&m.repaired)
        .map(|(w, r)| Moved {
            at: w.0.clone(),
            text: w.1.clone(),
            given: w.2,
            fixed: r.0,
        })
        .collect();
    let off = moved
        .iter()
        .filter(|w| (w.fixed - w.given).abs() > frame)
        .count();
    moved.sort_by(|a, b| {
        (b.fixed - b.given)
            .abs()
            .total_cmp(&(a.fixed - a.given).abs())
    });
    moved.truncate(WORST);
    Report {
        words: words.len(),
        offset_ms: m.offset * 1000.0,
        drift_s_per_hour: m.drift * 3600.0,
        windows: m.windows,
        agreeing_windows: m.agreeing,
        off_by_more_than_a_frame: off,
        starting_in_silence: m.in_silence.len(),
        worst: moved,
    }
}

/// Gives `text` slides (those with their own start and end) timed words: the text cut into
/// words as the project cuts it, placed inside the slide's span by the audio. Returns how many
/// slides were given words, or why none could be (espeak-ng missing).
pub fn time_text_slides(
    raw: &mut RawProject,
    audio: &Path,
    voice: &str,
) -> anyhow::Result<Result<usize, String>> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut groups: Vec<(usize, usize, usize)> = Vec::new();
    for (i, slide) in raw.slides.iter().flatten().enumerate() {
        let (Some(text), None, Some(start), Some(end)) =
            (&slide.text, &slide.words, slide.start, slide.end)
        else {
            continue;
        };
        // Shares by length to begin with, the words cut as the project cuts them.
        let (text, _) = crate::segment::clean(text);
        if end.is_nan() || start.is_nan() || end <= start {
            continue;
        }
        let words = crate::project::estimate_words(&text, start, end);
        if words.is_empty() {
            continue;
        }
        let first = spans.len();
        for w in words {
            spans.push((w.start, w.end));
            texts.push(w.text);
        }
        groups.push((i, first, spans.len() - 1));
    }
    if groups.is_empty() {
        return Ok(Ok(0));
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let ranges: Vec<(usize, usize)> = groups.iter().map(|g| (g.1, g.2)).collect();
    let heard = super::cues::place(&mut spans, &refs, &ranges, audio, voice, false)?;
    if let Some(why) = heard.unplaced {
        return Ok(Err(why));
    }
    let slides = raw.slides.as_deref_mut().unwrap_or_default();
    for &(i, a, b) in &groups {
        slides[i].words = Some(
            (a..=b)
                .map(|k| RawWord {
                    text: Some(texts[k].clone()),
                    start: Some(spans[k].0),
                    end: Some(spans[k].1),
                    ..Default::default()
                })
                .collect(),
        );
        slides[i].text = None;
    }
    Ok(Ok(groups.len()))
}

/// Writes the repaired times into the project: each timed word's, and each slide's own start
/// and end moved by the same offset and drift (and widened to hold its words).
pub fn apply(raw: &mut RawProject, m: &Measured, duration: f64) {
    let clamp = |t: f64| t.clamp(0.0, duration.max(0.0));
    let mut repaired = m.repaired.iter();
    // Each slide's words' span, once moved.
    let mut spans: Vec<Option<(f64, f64)>> = Vec::new();
    for slide in raw.slides.iter_mut().flatten() {
        let mut span: Option<(f64, f64)> = None;
        for w in slide.words.iter_mut().flatten() {
            if w.start.is_some() && w.end.is_some() {
                if let Some(&(s, e)) = repaired.next() {
                    let (s, e) = (clamp(s), clamp(e));
                    w.start = Some(s);
                    w.end = Some(e.max(s));
                    span = Some(match span {
                        None => (s, e.max(s)),
                        Some((a, b)) => (a.min(s), b.max(e)),
                    });
                }
            }
        }
        if let Some(t) = slide.start.as_mut() {
            *t = clamp(offset::corrected(*t, m.offset, m.drift));
            if let Some((a, _)) = span {
                *t = t.min(a);
            }
        }
        if let Some(t) = slide.end.as_mut() {
            *t = clamp(offset::corrected(*t, m.offset, m.drift));
            if let Some((_, b)) = span {
                *t = t.max(b);
            }
        }
        spans.push(span);
    }
    // Words that moved onto the voice may have carried a slide's edge past its neighbour's:
    // the two meet between the one's last word and the other's first.
    let slides = raw.slides.as_deref_mut().unwrap_or_default();
    for i in 1..slides.len() {
        let (before, after) = slides.split_at_mut(i);
        let (prev, next) = (&mut before[i - 1], &mut after[0]);
        if let (Some(end), Some(start)) = (prev.end, next.start) {
            if end > start {
                let last_word = spans[i - 1].map_or(start, |s| s.1);
                let end = last_word.max(start);
                prev.end = Some(end);
                next.start = Some(end.min(spans[i].map_or(end, |s| s.0)).max(start));
            }
        }
    }
}
