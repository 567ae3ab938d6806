//! LRC lyrics: lines that start with a time tag, `[mm:ss.xx]text`, and the enhanced (A2) form
//! that times each word with `<mm:ss.xx>` inside the line.
//!
//! A plain line's words share the time from its tag to the next line's (a line with only a tag
//! ends the one before: it clears the screen); in an enhanced line each stretch of text runs
//! from its word tag to the next tag, the text before the first word tag from the line's tag,
//! and the last stretch to the next line (a tag at the end of the line ends it). Stretches that
//! do not start with a space continue the word before, as karaoke syllables do. A line with
//! several time tags (`[00:12.00][01:03.50]chorus`) is sung at each time. Lines are read in
//! time order, whatever their order in the file.
//!
//! Tolerated: `[mm:ss]`, `[mm:ss:xx]` (a colon before the hundredths), one to three digits of
//! fraction, minutes past 59, spaces around tags, lines without a time tag (players do not show
//! them: skipped), and the Walaoke singer marks `F:`, `M:` and `D:` that open a line (kept as
//! the speaker, until the next mark). ID tags (`[ar:...]`, `[ti:...]`, `[length:...]`) are
//! skipped, except `[offset:+/-ms]`, which is applied as LRC players do: a positive offset makes
//! the lyrics come sooner (every time minus the offset).

use super::common::{clock, cue, short, syllable_words, Piece};
use crate::import::{Bad, Input, Token};

/// A tag's text between `[` and `]` (or `<` and `>`) read as a time, if it looks like one (it
/// starts with a digit); the error names the tag.
fn tag_time(inside: &str) -> Option<Result<f64, String>> {
    if !inside
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let t = inside.trim();
    // `mm:ss:xx` puts a colon where `mm:ss.xx` has a dot.
    let dotted = match t.match_indices(':').nth(1) {
        Some((k, _)) if !t.contains('.') => format!("{}.{}", &t[..k], &t[k + 1..]),
        _ => t.to_string(),
    };
    Some(clock(&dotted, 2).ok_or_else(|| format!("\"{}\" is not a time (mm:ss.xx)", short(inside))))
}

/// An ID tag `[name:value]` (letters first), as name and value.
fn id_tag(inside: &str) -> Option<(&str, &str)> {
    let (name, value) = inside.split_once(':')?;
    let name = name.trim();
    (name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some((name, value))
}

/// The first tag on a line: `[` ... `]`, as the text inside and the rest of the line.
fn bracket(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('[')?;
    let close = rest.find(']')?;
    Some((rest.get(..close)?, rest.get(close + 1..)?))
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() {
        return false;
    }
    let timed =
        |l: &str| bracket(l).is_some_and(|(inside, _)| matches!(tag_time(inside), Some(Ok(_))));
    let mut lines = input.text.lines().filter(|l| !l.trim().is_empty()).take(50);
    let Some(first) = lines.next() else {
        return false;
    };
    // ID tags come first, or the lyrics do; a time tag must follow soon.
    timed(first)
        || (bracket(first).is_some_and(|(inside, _)| id_tag(inside).is_some()) && lines.any(timed))
}

struct Line {
    number: usize,
    time: f64,
    /// The text after the time tags, word tags included.
    text: String,
    speaker: Option<String>,
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut offset = 0.0;
    let mut lines: Vec<Line> = Vec::new();
    let mut speaker: Option<String> = None;
    for (i, raw) in input.text.split('\n').enumerate() {
        let number = i + 1;
        let mut rest = raw;
        let mut times = Vec::new();
        while let Some((inside, after)) = bracket(rest) {
            if let Some(time) = tag_time(inside) {
                times.push(time.map_err(|p| Bad::line(number, p))?);
            } else if let Some((name, value)) = id_tag(inside).filter(|_| times.is_empty()) {
                if name.eq_ignore_ascii_case("offset") {
                    offset = offset_ms(value).map_err(|p| Bad::line(number, p))? / 1000.0;
                }
            } else {
                break;
            }
            rest = after;
        }
        if times.is_empty() {
            let open = rest.trim_start();
            if open.starts_with('[')
                && open
                    .get(1..)
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
            {
                return Err(Bad::line(
                    number,
                    format!(
                        "the time tag \"{}\" is not closed with \"]\"",
                        short(open.trim_end())
                    ),
                ));
            }
            // Players show only tagged lines: anything else is a comment or a title.
            continue;
        }
        let mut text = rest.trim();
        if let Some(mark) = singer(text) {
            speaker = Some(mark.to_string());
            text = text.get(2..).unwrap_or("").trim_start();
        }
        for time in times {
            lines.push(Line {
                number,
                time,
                text: text.to_string(),
                speaker: speaker.clone(),
            });
        }
    }
    // Stable: lines sung at the same time keep their order in the file.
    lines.sort_by(|a, b| a.time.total_cmp(&b.time));

    let mut out = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        // Two lines with one time (a translation under the lyrics) both run to the next time.
        let next = lines
            .get(k + 1..)
            .unwrap_or_default()
            .iter()
            .map(|n| n.time)
            .find(|&t| t > line.time);
        read_line(line, next, offset, &mut out)?;
    }
    Ok(out)
}

/// `[offset:+250]`: milliseconds, signed; empty is none.
fn offset_ms(value: &str) -> Result<f64, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(0.0);
    }
    v.strip_prefix('+')
        .unwrap_or(v)
        .parse::<i64>()
        .map(|ms| ms as f64)
        .map_err(|_| {
            format!(
                "offset \"{}\" is not a whole number of milliseconds",
                short(value)
            )
        })
}

/// A Walaoke singer mark opening a line: `F:` female, `M:` male, `D:` duet.
fn singer(text: &str) -> Option<&str> {
    let mark = text.get(..2)?;
    let after = text.get(2..)?;
    (matches!(mark, "F:" | "M:" | "D:") && (after.is_empty() || after.starts_with(' ')))
        .then(|| &mark[..1])
}

/// The words of one line: with word tags, each stretch from its tag to the next; without, the
/// line's text sharing its time.
fn read_line(line: &Line, next: Option<f64>, offset: f64, out: &mut Vec<Token>) -> Result<(), Bad> {
    let shift = |t: f64| (t - offset).max(0.0);
    let mut stretches: Vec<(String, f64)> = vec![(String::new(), line.time)];
    let mut rest = line.text.as_str();
    while let Some(open) = rest.find('<') {
        let after = rest.get(open + 1..).unwrap_or("");
        let time = after
            .find('>')
            .and_then(|close| Some((tag_time(after.get(..close)?)?, close)));
        let Some((time, close)) = time else {
            // Not a word tag: text.
            if let Some((text, _)) = stretches.last_mut() {
                text.push_str(rest.get(..=open).unwrap_or(""));
            }
            rest = after;
            continue;
        };
        let time = time.map_err(|p| Bad::line(line.number, p))?;
        if let Some((text, _)) = stretches.last_mut() {
            text.push_str(rest.get(..open).unwrap_or(""));
        }
        stretches.push((String::new(), time));
        rest = after.get(close + 1..).unwrap_or("");
    }
    if let Some((text, _)) = stretches.last_mut() {
        text.push_str(rest);
    }
    let speaker = line.speaker.as_deref();
    if let [(text, _)] = stretches.as_slice() {
        out.extend(cue(text, Some(shift(line.time)), next.map(shift), speaker));
        return Ok(());
    }
    let mut pieces = Vec::with_capacity(stretches.len());
    for (k, (text, start)) in stretches.iter().enumerate() {
        // The next line may be shown before this one's last word is over.
        let end = match stretches.get(k + 1) {
            Some((_, t)) => Some(*t),
            None => next.filter(|&n| n >= *start),
        };
        if let Some(e) = end.filter(|&e| e < *start) {
            return Err(Bad::line(
                line.number,
                format!(
                    "the word tags go back in time: {} comes after {}",
                    mmss(e),
                    mmss(*start)
                ),
            ));
        }
        pieces.push(Piece {
            text: text.clone(),
            start: Some(shift(*start)),
            end: end.map(shift),
        });
    }
    out.extend(syllable_words(&pieces, speaker));
    Ok(())
}

fn mmss(t: f64) -> String {
    let cs = (t * 100.0).round() as u64;
    format!("{:02}:{:02}.{:02}", cs / 6000, cs / 100 % 60, cs % 100)
}
