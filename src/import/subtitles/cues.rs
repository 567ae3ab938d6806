//! The cue blocks of a SubRip or WebVTT file: where each cue starts, its time line, and its text
//! lines, with everything else (the WebVTT header, NOTE, STYLE and REGION blocks) passed over.
//! SubRip players read on over blank lines to the next cue, while WebVTT ends a cue at an empty
//! line. A time line that cannot be read, or in SubRip any line that is not part of a cue, is an
//! error naming that line.

use crate::import::Bad;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Srt,
    Vtt,
}

impl Kind {
    /// How a time is written, for error messages.
    fn shape(self) -> &'static str {
        match self {
            Kind::Srt => "HH:MM:SS,mmm",
            Kind::Vtt => "HH:MM:SS.mmm",
        }
    }
}

/// The WebVTT signature: `WEBVTT` alone or followed by a space or tab and a title.
pub(super) fn is_webvtt(text: &str) -> bool {
    text.trim_start()
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

pub(super) struct Cue<'a> {
    pub(super) start: f64,
    pub(super) end: f64,
    /// The text lines with their 1-based line numbers.
    pub(super) lines: Vec<(usize, &'a str)>,
}

impl Cue<'_> {
    pub(super) fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(|(_, l)| *l).collect();
        lines.join("\n")
    }
}

pub(super) fn read_cues(text: &str, kind: Kind) -> Result<Vec<Cue<'_>>, Bad> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let line = |i: usize| lines.get(i).copied().unwrap_or("");
    let arrow = |i: usize| line(i).contains("-->");
    let blank = |i: usize| line(i).trim().is_empty();
    let number = |i: usize| {
        let l = line(i).trim();
        !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())
    };
    // The line before a time line is that cue's identifier (WebVTT) or index (SubRip) when it
    // follows a blank line or is a number; otherwise it is the last line of the cue before.
    let cue_starts = |i: usize| arrow(i) || (arrow(i + 1) && (i == 0 || blank(i - 1) || number(i)));
    // SubRip: a number after a blank line opens the next cue.
    let index = |i: usize| number(i) && (i == 0 || blank(i - 1));

    let mut i = 0;
    if kind == Kind::Vtt && is_webvtt(text) {
        // The header runs to the first blank line (YouTube's `Kind:` and `Language:` lines).
        i = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
        while i < lines.len() && !blank(i) && !arrow(i) {
            i += 1;
        }
    }

    let mut cues = Vec::new();
    while i < lines.len() {
        if blank(i) {
            i += 1;
        } else if let Some(read) = times(line(i), kind) {
            let (start, end) = read.map_err(|problem| Bad::line(i + 1, problem))?;
            let mut cue = Cue {
                start,
                end,
                lines: Vec::new(),
            };
            i += 1;
            // WebVTT ends a cue at an empty line; a line of spaces is text (YouTube writes
            // one). SubRip players read on over blank lines to the next cue.
            while i < lines.len() && !cue_starts(i) {
                let stop = match kind {
                    Kind::Vtt => line(i).is_empty(),
                    Kind::Srt => index(i),
                };
                if stop {
                    break;
                }
                cue.lines.push((i + 1, line(i)));
                i += 1;
            }
            while cue.lines.last().is_some_and(|(_, l)| l.trim().is_empty()) {
                cue.lines.pop();
            }
            cues.push(cue);
        } else if arrow(i + 1) {
            i += 1;
        } else if kind == Kind::Vtt {
            // NOTE, STYLE and REGION blocks, and anything else that is not a cue.
            while i < lines.len() && !line(i).is_empty() && !cue_starts(i) {
                i += 1;
            }
        } else if index(i) {
            let n = line(i).trim();
            let problem = if lines.iter().skip(i + 1).all(|l| l.trim().is_empty()) {
                format!("the file ends after cue number {n}, without its times (is it cut short?)")
            } else {
                format!(
                    "cue number {n} is not followed by a time line like \
                     \"00:00:01,000 --> 00:00:04,000\""
                )
            };
            return Err(Bad::line(i + 1, problem));
        } else {
            return Err(Bad::line(
                i + 1,
                format!(
                    "expected a cue (a number, then a time line like \
                     \"00:00:01,000 --> 00:00:04,000\"), found \"{}\"",
                    short(line(i))
                ),
            ));
        }
    }
    Ok(cues)
}

/// The start and end of a time line (`00:00:01,000 --> 00:00:04,000`, then settings or
/// coordinates, which are ignored); `None` if the line has no arrow.
pub(super) fn times(line: &str, kind: Kind) -> Option<Result<(f64, f64), String>> {
    let (left, right) = line.split_once("-->")?;
    let start_text = left.trim();
    let end_text = right.split_whitespace().next().unwrap_or("");
    let read = |s: &str, which: &str| -> Result<f64, String> {
        if s.is_empty() {
            return Err(format!("the {which} time is missing around \"-->\""));
        }
        time(s).ok_or_else(|| format!("\"{}\" is not a time ({})", short(s), kind.shape()))
    };
    Some((|| {
        let start = read(start_text, "start")?;
        let end = read(end_text, "end")?;
        if end < start {
            return Err(format!("end {end_text} is before start {start_text}"));
        }
        Ok((start, end))
    })())
}

/// `HH:MM:SS,mmm`, `H:MM:SS.mmm` or `MM:SS.mmm` in seconds. One to three digits of fraction.
pub(super) fn time(s: &str) -> Option<f64> {
    let (clock, fraction) = s.rsplit_once([',', '.'])?;
    let digits = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(fraction, 1, 3) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let (hours, minutes, seconds) = match parts[..] {
        [h, m, s] if digits(h, 1, 4) => (h, m, s),
        [m, s] => ("0", m, s),
        _ => return None,
    };
    if !digits(minutes, 2, 2) || !digits(seconds, 2, 2) {
        return None;
    }
    let number = |t: &str| t.parse::<u64>().ok();
    let (h, m, sec) = (number(hours)?, number(minutes)?, number(seconds)?);
    if m >= 60 || sec >= 60 {
        return None;
    }
    // "5" is 500 ms, "05" is 50 ms.
    let ms = number(fraction)? * 10u64.pow(3 - fraction.len() as u32);
    Some(((h * 3600 + m * 60 + sec) * 1000 + ms) as f64 / 1000.0)
}

/// A piece of user text short enough for an error message.
pub(super) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}
