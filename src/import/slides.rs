//! Timed words cut into slides that fit the frame, and the slides' own times.
//!
//! A slide grows word by word until the next word would not fit (more lines than allowed,
//! measured with the layout the renderer uses, or more words than allowed). It is then cut at
//! the best place inside it: a sentence end, else a clause end, else the longest pause, as
//! late as keeps the slide at least a third full. A long pause always starts a new slide, and
//! so does every slide break of the user's script, and a change of speaker.

use std::ops::Range;

use super::normalize::Timed;
use crate::layout::Measure;
use crate::project::raw::{RawSlide, RawStyle, RawWord};

/// A silence this long (seconds) between two words always starts a new slide.
const LONG_PAUSE: f64 = 1.5;
/// The first slide appears this long before the first word, if the audio allows.
const LEAD_IN: f64 = 0.5;

pub struct Limits {
    pub max_words: usize,
    pub max_lines: usize,
    /// The longest a slide's words may take, in seconds (the preset's guide).
    pub max_seconds: Option<f64>,
}

/// What a slide's time adds to its words' (half the pauses either side), allowed for when a
/// slide's words are held to `Limits::max_seconds`.
const SLIDE_SLACK: f64 = 0.4;

/// Cuts `words` into slides. `breaks` are the indices where the script starts a new slide.
pub fn split(
    words: &[Timed],
    breaks: &[usize],
    limits: &Limits,
    measure: &mut Measure,
) -> Vec<Range<usize>> {
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < words.len() {
        let pause = i > 0 && words[i].start - words[i - 1].end >= LONG_PAUSE;
        // Another voice starts a slide of its own.
        let turn = i > 0 && words[i].speaker != words[i - 1].speaker;
        if i > start && (breaks.binary_search(&i).is_ok() || pause || turn) {
            out.push(start..i);
            start = i;
        }
        let too_long = limits
            .max_seconds
            .is_some_and(|most| words[i].end - words[start].start > most - SLIDE_SLACK);
        let too_many = i + 1 - start > limits.max_words || too_long;
        if i > start && (too_many || measure.lines(&texts[start..=i]) > limits.max_lines) {
            let cut = best_cut(words, start, i);
            out.push(start..cut);
            start = cut;
            // The word is tried again on the new slide.
            continue;
        }
        i += 1;
    }
    if start < words.len() {
        out.push(start..words.len());
    }
    out
}

/// Where to start the next slide when `words[start..=last]` does not fit: an index in
/// `start + 1..=last`.
fn best_cut(words: &[Timed], start: usize, last: usize) -> usize {
    let min = start + ((last - start) / 3).max(1);
    let mut best = (last, 0.0);
    for cut in min..=last {
        let before = &words[cut - 1];
        let class = match before
            .text
            .trim_end_matches(['"', '”', '’', ')', '»'])
            .chars()
            .last()
        {
            Some('.' | '!' | '?' | '…' | '。' | '！' | '？') => 3.0,
            Some(',' | ';' | ':' | '—' | '–' | '，' | '、' | '；' | '：') => 2.0,
            _ => 0.0,
        };
        let pause = (words[cut].start - before.end).clamp(0.0, 1.0);
        let score = class + pause;
        // Later wins a tie: fuller slides.
        if score >= best.1 {
            best = (cut, score);
        }
    }
    best.0
}

/// For each slide, a smaller font size if one of its words is wider than the frame at the
/// style's size (a long word in large type): the size at which the widest word fits.
pub fn font_sizes(
    words: &[Timed],
    ranges: &[Range<usize>],
    measure: &mut Measure,
    font_size: f32,
) -> Vec<Option<f64>> {
    ranges
        .iter()
        .map(|r| {
            let widest = words[r.clone()]
                .iter()
                .map(|w| measure.width(&w.text))
                .fold(0.0f32, f32::max);
            // Shaped widths scale with the size; 2% spare for rounding in the rasterizer.
            (widest > measure.room()).then(|| {
                (font_size * measure.room() / widest * 0.98)
                    .floor()
                    .max(1.0) as f64
            })
        })
        .collect()
}

/// Slides with their times: each begins and ends in the silence between its words and the
/// neighbours' (halfway), the first a little before speech and the last at the audio's end.
/// Where that silence is shorter than two fades, the slide's fade is shortened so that no
/// word is ever spoken while its text is fading.
pub fn timed_slides(
    words: &[Timed],
    ranges: &[Range<usize>],
    font_sizes: &[Option<f64>],
    fade: f64,
    duration: f64,
) -> Vec<RawSlide> {
    let mut ranges = ranges.to_vec();
    let mut font_sizes = font_sizes.to_vec();
    font_sizes.resize(ranges.len(), None);
    loop {
        let slides = time_slides(words, &ranges, &font_sizes, fade, duration);
        // Words all spoken at one instant (a broken file's zero times) give a slide of no
        // length; each such slide takes in its neighbour (the smaller font of the two).
        let empty: Vec<usize> = slides
            .iter()
            .enumerate()
            .filter(|(_, s)| s.end <= s.start)
            .map(|(k, _)| k)
            .collect();
        if empty.is_empty() || ranges.len() < 2 {
            return slides;
        }
        for &k in empty.iter().rev() {
            if ranges.len() < 2 {
                break;
            }
            let k = k.min(ranges.len() - 2);
            let next = ranges.remove(k + 1);
            ranges[k].end = next.end;
            let size = font_sizes.remove(k + 1);
            font_sizes[k] = match (font_sizes[k], size) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
}

fn time_slides(
    words: &[Timed],
    ranges: &[Range<usize>],
    font_sizes: &[Option<f64>],
    fade: f64,
    duration: f64,
) -> Vec<RawSlide> {
    let bounds: Vec<(f64, f64)> = ranges
        .iter()
        .map(|r| (words[r.start].start, words[r.end - 1].end))
        .collect();
    let mut out = Vec::with_capacity(ranges.len());
    for (k, r) in ranges.iter().enumerate() {
        let (first, last) = bounds[k];
        let start = match k {
            0 => (first - LEAD_IN.max(fade)).max(0.0),
            _ => (bounds[k - 1].1 + first) / 2.0,
        };
        let end = match bounds.get(k + 1) {
            Some(next) => (last + next.0) / 2.0,
            None => duration,
        };
        let (start, end) = (round(start), round(end));
        let room = (first - start).min(end - last);
        let fade = (room < fade).then(|| (room * 1000.0).floor().max(0.0) / 1000.0);
        let font_size = font_sizes.get(k).copied().flatten();
        let style = (fade.is_some() || font_size.is_some()).then(|| RawStyle {
            fade,
            font_size,
            ..RawStyle::default()
        });
        out.push(RawSlide {
            start: Some(start),
            end: Some(end),
            words: Some(
                words[r.clone()]
                    .iter()
                    .map(|w| RawWord {
                        text: Some(w.text.clone()),
                        start: Some(round(w.start)),
                        end: Some(round(w.end)),
                        speaker: w.speaker.clone(),
                        confidence: w.confidence,
                        style: None,
                    })
                    .collect(),
            ),
            text: None,
            translation: None,
            style,
            background: None,
        });
    }
    out
}

/// Holds slides to a subtitle guide: each on screen at least `min` seconds where the silence
/// after it allows (it runs on toward the next slide's first word), and `gap` seconds of
/// nothing between one slide and the next, taken from the end of the first; where the words
/// leave no such silence, its last word ends that much sooner (never before it starts).
pub fn keep_to(slides: &mut [RawSlide], seconds: Option<(f64, f64)>, gap: f64) {
    let min = seconds.map(|s| s.0);
    let word_times = |s: &RawSlide| {
        let w = s.words.as_deref().unwrap_or_default();
        (
            w.first().and_then(|w| w.start).unwrap_or(0.0),
            w.last().and_then(|w| w.end).unwrap_or(0.0),
        )
    };
    for k in 0..slides.len().saturating_sub(1) {
        let (_, last) = word_times(&slides[k]);
        let (next_first, _) = word_times(&slides[k + 1]);
        let start = slides[k].start.unwrap_or(0.0);
        let mut end = slides[k].end.unwrap_or(start);
        if let Some(min) = min {
            if end - start < min {
                end = (start + min).min(next_first).max(end);
            }
        }
        let next_start = end.max(slides[k + 1].start.unwrap_or(end));
        let last_start = slides[k]
            .words
            .as_deref()
            .and_then(|w| w.last())
            .and_then(|w| w.start)
            .unwrap_or(start);
        end = (next_start - gap).min(end).max(last_start + 0.001);
        if end < last {
            if let Some(w) = slides[k].words.as_mut().and_then(|w| w.last_mut()) {
                w.end = Some(round(end));
            }
        }
        slides[k].end = Some(round(end));
        slides[k + 1].start = Some(round((end + gap).min(next_first).max(next_start)));
    }
    // None stays longer than the guide allows, past its words (the last one too, which
    // otherwise lasts to the audio's end).
    if let Some((_, max)) = seconds {
        for s in slides.iter_mut() {
            let (_, last) = word_times(s);
            let start = s.start.unwrap_or(0.0);
            if let Some(end) = s.end.filter(|&e| e - start > max) {
                // A microsecond short, so that rounding never puts it over.
                let most = round(start + max - 1e-6);
                s.end = Some(most.max(last).min(end));
            }
        }
    }
}

/// Microseconds are plenty, and keep the written file free of `0.30000000000000004`.
fn round(t: f64) -> f64 {
    (t * 1e6).round() / 1e6
}
