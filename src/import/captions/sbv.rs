//! SubViewer subtitles: YouTube's `.sbv` captions and the SubViewer files they come from (aeneas
//! writes them too). A cue is a time line, `0:00:01.000,0:00:03.500`, then its text lines up to
//! a blank line; its words share its time.
//!
//! Tolerated: SubViewer's header lines in brackets before the first cue (`[INFORMATION]`,
//! `[TITLE]...`, `[SUBTITLE]`, `[COLF]...`) and its closing `[END SUBTITLE]`, SubViewer 2's
//! `[br]` line breaks, hundredths instead of milliseconds, a missing blank line between a cue's
//! text and the next time line, and YouTube's `>>` speaker-change marks (not words).

use super::common::{clock, cue, short};
use crate::import::{Bad, Input, Token};

/// The two times of a time line, if the line is one; an error if it looks like one and is not.
fn times(line: &str) -> Option<Result<(f64, f64), String>> {
    let t = line.trim();
    let (a, b) = t.split_once(',')?;
    let looks = |s: &str| {
        let s = s.trim();
        s.starts_with(|c: char| c.is_ascii_digit()) && s.contains(':')
    };
    if !looks(a) || !looks(b) || b.contains(',') {
        return None;
    }
    let read = |s: &str| {
        clock(s.trim(), 3)
            .ok_or_else(|| format!("\"{}\" is not a time (H:MM:SS.mmm)", short(s.trim())))
    };
    Some((|| {
        let (start, end) = (read(a)?, read(b)?);
        if end < start {
            return Err(format!("end {} is before start {}", b.trim(), a.trim()));
        }
        Ok((start, end))
    })())
}

fn header(line: &str) -> bool {
    line.trim_start().starts_with('[')
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() {
        return false;
    }
    input
        .text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .find(|l| !header(l))
        .is_some_and(|l| matches!(times(l), Some(Ok(_))))
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut out = Vec::new();
    let mut cue_times: Option<(f64, f64)> = None;
    let mut text = String::new();
    let mut seen_cue = false;
    for (i, line) in input.text.split('\n').enumerate() {
        match (times(line), cue_times.is_some()) {
            (Some(Ok(read)), _) => {
                flush(cue_times.take(), &mut text, &mut out);
                cue_times = Some(read);
                seen_cue = true;
            }
            // Inside a cue, a line that is not quite a time line ("at 10:30, 11:00") is text.
            (Some(Err(problem)), false) => return Err(Bad::line(i + 1, problem)),
            _ if line.trim().is_empty() => flush(cue_times.take(), &mut text, &mut out),
            (_, true) => {
                text.push_str(&line.replace("[br]", "\n"));
                text.push('\n');
            }
            // SubViewer's header, and its `[END SUBTITLE]`.
            _ if header(line) => {}
            _ => {
                let what = if seen_cue {
                    "expected a time line like \"0:00:01.000,0:00:03.500\" after a blank line"
                } else {
                    "expected a time line like \"0:00:01.000,0:00:03.500\" before any text"
                };
                return Err(Bad::line(
                    i + 1,
                    format!("{what}, found \"{}\"", short(line.trim())),
                ));
            }
        }
    }
    flush(cue_times.take(), &mut text, &mut out);
    Ok(out)
}

/// The cue read so far, as one entry; YouTube's `>>` marks a new speaker and is not a word.
fn flush(times: Option<(f64, f64)>, text: &mut String, out: &mut Vec<Token>) {
    if let Some((start, end)) = times {
        let words: Vec<&str> = text.split_whitespace().filter(|w| *w != ">>").collect();
        out.extend(cue(&words.join(" "), Some(start), Some(end), None));
    }
    text.clear();
}
