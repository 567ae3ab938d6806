//! Slides and their words: timed words checked and repaired (ends clamped to the next start),
//! plain `text` slides spread over their time.

use std::path::Path;

use super::backgrounds::background;
use super::emphasis::Emphasis;
use super::limits;
use super::model::*;
use super::problems::Checker;
use super::raw;
use super::raw::{RawSlide, RawSpeaker, RawStyle, RawWordStyle};

/// The speakers a project names, by the label its words carry.
pub(super) type Speakers = std::collections::BTreeMap<String, RawSpeaker>;
use super::style::{looks, style, synthetic_bold};

pub(super) fn time_ok(t: f64) -> bool {
    t.is_finite() && t >= 0.0
}

#[allow(clippy::too_many_arguments)]
pub(super) fn slides(
    c: &mut Checker,
    raw: Option<Vec<RawSlide>>,
    project_style: &RawStyle,
    emphasis: &Emphasis,
    speakers: &Speakers,
    base: &Path,
    size: (u32, u32),
    audio_duration: Option<f64>,
) -> Vec<Slide> {
    let project = style(c, "style", project_style, base, size);
    // Each rule's look checked once, over the project's, so that its problems are named by
    // the rule; a project with a bad rule applies none.
    let before = c.problems.len();
    let alone = WordLooks {
        slide: project_style,
        font_size: project.font_size as f64,
        rules: &[],
        matched: Vec::new(),
        speakers,
    };
    for (i, rule) in emphasis.styles.iter().enumerate() {
        alone.of(c, &format!("emphasis[{i}].style"), 0, None, Some(rule));
    }
    for (who, s) in speakers {
        let path = format!("speakers.{who}");
        if let Some(own) = &s.style {
            alone.of(c, &format!("{path}.style"), 0, None, Some(own));
        }
        if let Some(name) = &s.name {
            if !crate::segment::is_visible(name) || name.chars().count() > limits::SPEAKER_CHARS {
                c.err(
                    format!("{path}.name"),
                    format!(
                        "a name needs 1 to {} visible characters",
                        limits::SPEAKER_CHARS
                    ),
                );
            }
        }
    }
    let emphasis = match c.problems.len() == before {
        true => emphasis,
        false => &Emphasis::default(),
    };
    let Some(raw) = raw else {
        c.err("slides", "required: a list of slides");
        return Vec::new();
    };
    if raw.is_empty() {
        c.err("slides", "the list is empty; give at least one slide");
    }
    if raw.len() > limits::SLIDES {
        c.err(
            "slides",
            format!(
                "{} slides is over the limit of {}",
                raw.len(),
                limits::SLIDES
            ),
        );
        return Vec::new();
    }
    let words: usize = raw
        .iter()
        .map(|s| s.words.as_ref().map_or(0, Vec::len))
        .sum();
    if words > limits::WORDS {
        c.err(
            "slides",
            format!("{words} words is over the limit of {}", limits::WORDS),
        );
        return Vec::new();
    }
    let mut out: Vec<Slide> = Vec::new();
    let mut prev_end: Option<f64> = None;
    for (i, s) in raw.iter().enumerate() {
        let path = format!("slides[{i}]");
        let slide_raw = match &s.style {
            Some(over) => project_style.merged(over),
            None => project_style.clone(),
        };
        let mut style = match &s.style {
            Some(over) => {
                let mut st = style(
                    c,
                    &format!("{path}.style"),
                    &project_style.merged(over),
                    base,
                    size,
                );
                if over.font.is_none() && over.bold_font.is_none() {
                    st.field = project.field.clone();
                }
                st
            }
            None => project.clone(),
        };
        let Some(start) = s.start else {
            c.err(format!("{path}.start"), "required");
            continue;
        };
        if !time_ok(start) {
            c.err(
                format!("{path}.start"),
                format!("{start} must be 0 or more seconds"),
            );
            continue;
        }
        let next_start = raw.get(i + 1).and_then(|n| n.start);
        let end = match s.end.or(next_start).or(audio_duration) {
            Some(e) => e,
            None => continue, // the audio problem is already reported
        };
        if !end.is_finite() || end <= start {
            c.err(
                format!("{path}.end"),
                format!("{end:.3} s is not after start {start:.3} s"),
            );
            continue;
        }
        if let Some(pe) = prev_end {
            if start < pe - TIME_EPSILON {
                c.err(
                    format!("{path}.start"),
                    format!(
                        "{start:.3} s overlaps slides[{}], which ends at {pe:.3} s",
                        i - 1
                    ),
                );
            }
        }
        prev_end = Some(end);
        if let Some(d) = audio_duration {
            if start >= d {
                c.warn(
                    &path,
                    format!("starts at {start:.3} s, after the audio ends at {d:.3} s; it is never shown"),
                );
            }
        }
        // What the slide's words are drawn in, once the words are known.
        let looks_of = |texts: &[&str]| WordLooks {
            slide: &slide_raw,
            font_size: style.font_size as f64,
            rules: &emphasis.styles,
            matched: emphasis.matches(texts),
            speakers,
        };
        let words = match (&s.words, &s.text) {
            (Some(_), Some(_)) => {
                c.err(&path, "give either `words` or `text`, not both");
                Vec::new()
            }
            (None, None) => {
                c.err(&path, "needs `words` (timed) or `text` (timings estimated)");
                Vec::new()
            }
            (None, Some(text)) if text.chars().count() > limits::TEXT_CHARS => {
                c.err(
                    format!("{path}.text"),
                    format!("over the limit of {} characters", limits::TEXT_CHARS),
                );
                Vec::new()
            }
            (None, Some(text)) => {
                let (text, removed) = crate::segment::clean(text);
                if removed {
                    c.warn(format!("{path}.text"), "control characters removed");
                }
                let mut words = estimate_words(&text, start, end);
                let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
                let looks = looks_of(&texts);
                for (j, w) in words.iter_mut().enumerate() {
                    w.looks = looks.of(c, &format!("{path}.words[{j}].style"), j, None, None);
                }
                words
            }
            (Some(words), None) => {
                let texts: Vec<&str> = words
                    .iter()
                    .map(|w| w.text.as_deref().unwrap_or(""))
                    .collect();
                let looks = looks_of(&texts);
                timed_words(c, &path, words, start, end, Some(&looks))
            }
        };
        let auto_bold = matches!(slide_raw.bold.as_deref(), None | Some("auto"));
        if auto_bold && words.iter().any(|w| w.looks.is_some()) {
            let mut all = words.iter().flat_map(|w| w.looks.iter().flatten());
            let mut all = style.looks.iter().chain(&mut all);
            style.synthetic_bold =
                synthetic_bold(c, &format!("{path}.style"), &slide_raw, &mut all);
        }
        let background = s
            .background
            .clone()
            .map(|b| background(c, &format!("{path}.background"), Some(b), base));
        let translation = s.translation.as_deref().and_then(|t| {
            let (t, _) = crate::segment::clean(t);
            if t.chars().count() > limits::TEXT_CHARS {
                c.err(
                    format!("{path}.translation"),
                    format!("over the limit of {} characters", limits::TEXT_CHARS),
                );
                return None;
            }
            crate::segment::is_visible(&t).then(|| t.trim().to_string())
        });
        let label = most_said(words.iter().filter_map(|w| w.speaker.as_deref())).and_then(|who| {
            let s = speakers.get(who)?;
            (s.label == Some(true)).then(|| s.name.clone().unwrap_or_else(|| who.to_string()))
        });
        out.push(Slide {
            start,
            end,
            words,
            style,
            background,
            label,
            translation,
        });
    }
    out
}

/// What a word's own looks are laid over: its slide's style as written (at its font size),
/// then the emphasis rules that match it.
pub(super) struct WordLooks<'a> {
    pub slide: &'a RawStyle,
    pub font_size: f64,
    /// Every emphasis rule's style.
    pub rules: &'a [RawWordStyle],
    /// The rules that match each of the slide's words.
    pub matched: Vec<Vec<usize>>,
    /// The project's speakers, whose looks go under the rules.
    pub speakers: &'a Speakers,
}

impl WordLooks<'_> {
    /// The looks of word `j`, said by `speaker`, whose own `style` (at `path`) is `own`;
    /// `None` where no speaker, rule or the word sets any, as it has the slide's.
    fn of(
        &self,
        c: &mut Checker,
        path: &str,
        j: usize,
        speaker: Option<&str>,
        own: Option<&RawWordStyle>,
    ) -> Option<[Look; 3]> {
        let rules = self.matched.get(j).map_or(&[][..], Vec::as_slice);
        let voice = speaker
            .and_then(|s| self.speakers.get(s))
            .and_then(|s| s.style.as_ref());
        if rules.is_empty() && own.is_none() && voice.is_none() {
            return None;
        }
        let s = self.slide;
        let mut merged = RawWordStyle {
            upcoming: s.upcoming.clone(),
            current: s.current.clone(),
            spoken: s.spoken.clone(),
        };
        if let Some(v) = voice {
            merged = v.over(&merged);
        }
        for &r in rules {
            merged = self.rules[r].over(&merged);
        }
        if let Some(own) = own {
            merged = own.over(&merged);
        }
        let raws = [&merged.upcoming, &merged.current, &merged.spoken];
        Some(looks(c, path, raws, self.font_size))
    }
}

pub(super) fn timed_words(
    c: &mut Checker,
    path: &str,
    raw: &[raw::RawWord],
    slide_start: f64,
    slide_end: f64,
    word_looks: Option<&WordLooks<'_>>,
) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::with_capacity(raw.len());
    let mut prev_start: Option<f64> = None;
    let mut last_pushed: Option<usize> = None;
    for (j, w) in raw.iter().enumerate() {
        let wpath = format!("{path}.words[{j}]");
        let (cleaned, removed) = crate::segment::clean(w.text.as_deref().unwrap_or(""));
        if removed {
            c.warn(
                &wpath,
                "control characters removed (bidirectional overrides and isolates act on the \
                 whole line; layout orders words itself)",
            );
        }
        let text = cleaned.trim();
        let mut ok = true;
        if !crate::segment::is_visible(text) {
            c.err(
                &wpath,
                "empty word: `text` must hold at least one visible character",
            );
            ok = false;
        }
        if text.chars().count() > limits::WORD_CHARS {
            c.err(
                &wpath,
                format!(
                    "over the limit of {} characters for a word",
                    limits::WORD_CHARS
                ),
            );
            ok = false;
        }
        let speaker = w.speaker.as_deref().and_then(|name| {
            let (cleaned, _) = crate::segment::clean(name);
            let name = cleaned.trim();
            if name.chars().count() > limits::SPEAKER_CHARS {
                c.err(
                    format!("{wpath}.speaker"),
                    format!(
                        "over the limit of {} characters for a speaker's name",
                        limits::SPEAKER_CHARS
                    ),
                );
                return None;
            }
            crate::segment::is_visible(name).then(|| name.to_string())
        });
        let confidence = w.confidence.filter(|x| {
            let fine = (0.0..=1.0).contains(x);
            if !fine {
                c.err(
                    format!("{wpath}.confidence"),
                    format!("{x} is not between 0 and 1"),
                );
            }
            fine
        });
        if let (Some(who), Some(l)) = (&speaker, word_looks) {
            if !l.speakers.is_empty() && !l.speakers.contains_key(who) {
                let known: Vec<&str> = l.speakers.keys().map(String::as_str).collect();
                c.err(
                    format!("{wpath}.speaker"),
                    format!(
                        "\"{who}\" is not one of the project's speakers ({})",
                        known.join(", ")
                    ),
                );
            }
        }
        let looks = word_looks.and_then(|l| {
            let style_path = format!("{wpath}.style");
            l.of(c, &style_path, j, speaker.as_deref(), w.style.as_ref())
        });
        let (Some(start), Some(end)) = (w.start, w.end) else {
            c.err(&wpath, "needs both `start` and `end`");
            continue;
        };
        if !time_ok(start) || !time_ok(end) {
            c.err(&wpath, "start and end must be 0 or more seconds");
            continue;
        }
        if end < start - TIME_EPSILON {
            c.err(
                &wpath,
                format!("end {end:.3} s is before start {start:.3} s"),
            );
            ok = false;
        }
        if start < slide_start - TIME_EPSILON || end > slide_end + TIME_EPSILON {
            c.err(
                &wpath,
                format!(
                    "{start:.3}-{end:.3} s is outside its slide ({slide_start:.3}-{slide_end:.3} s)"
                ),
            );
            ok = false;
        }
        if let Some(prev_start) = prev_start {
            if start < prev_start - TIME_EPSILON {
                c.err(
                    &wpath,
                    format!(
                        "start {start:.3} s is before the previous word's start {prev_start:.3} s (words must be in spoken order)"
                    ),
                );
                ok = false;
            }
        }
        prev_start = Some(start);
        if let (true, Some(prev)) = (
            ok && last_pushed == Some(j.wrapping_sub(1)),
            words.last_mut(),
        ) {
            if prev.end > start + TIME_EPSILON {
                c.warn(
                    format!("{path}.words[{}]", j - 1),
                    format!(
                        "end {:.3} s overlaps the next word's start; clamped to {start:.3} s",
                        prev.end
                    ),
                );
                prev.end = start;
            }
        }
        if ok {
            last_pushed = Some(j);
            words.push(Word {
                text: text.to_string(),
                start,
                end: end.max(start),
                speaker,
                confidence,
                looks,
            });
        }
    }
    words
}

/// Spreads a slide's plain text over its time, each word's share proportional to its length.
/// Chinese and Japanese are cut into words by `segment::words`.
pub fn estimate_words(text: &str, start: f64, end: f64) -> Vec<Word> {
    let mut parts = crate::segment::words(text);
    parts.retain(|w| crate::segment::is_visible(w));
    // The space after a word counts toward its share, as speech pauses between words.
    let weight = |w: &str| w.chars().count() as f64 + 1.0;
    let total: f64 = parts.iter().map(|w| weight(w)).sum();
    let span = end - start;
    let mut t = start;
    parts
        .iter()
        .map(|w| {
            let d = span * weight(w) / total;
            let word = Word {
                text: w.clone(),
                start: t,
                end: (t + d).min(end),
                speaker: None,
                confidence: None,
                looks: None,
            };
            t += d;
            word
        })
        .collect()
}
