//! Advanced SubStation Alpha (`.ass`) and SubStation Alpha (`.ssa`) subtitles, karaoke
//! included, as Aegisub and other karaoke timers write them.
//!
//! The `[Events]` section's `Format:` line names the columns of its `Dialogue:` lines (Start and
//! End are `H:MM:SS.cc`; Text is the last column and may hold commas; Name, the actor, is kept as
//! the speaker). A line's words share its time, unless it has karaoke tags: `{\k20}` (also `\K`,
//! `\kf`, `\ko`) gives the syllable after it 20 centiseconds, each syllable starting where the
//! one before ended, from the line's start, as libass reads them (`\k` without a number is 100,
//! `\kt50` moves the next syllable to 50 centiseconds into the line). A syllable that does not
//! start with a space continues the word before: `{\k20}Hel{\k30}lo` is one word.
//!
//! Other override blocks (`{\b1}`, `{\pos(10,20)}`) are removed, and so is the text of drawings
//! (`{\p1}m 0 0 l 10 0{\p0}`); `\N`, `\n` and `\h` are spaces. `Comment:` lines are skipped,
//! except where Aegisub's karaoke templater was applied: it comments out the timed lines (Effect
//! `karaoke`) and adds generated ones (Effect `fx`), and then the commented originals are read
//! and the generated lines skipped.

use super::common::{clock, cue, short, syllable_words, Piece};
use crate::import::{Bad, Input, Token};

pub(super) fn detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() {
        return false;
    }
    let lines = input.text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut events = false;
    for (k, line) in lines.take(2000).enumerate() {
        if k == 0 && line.eq_ignore_ascii_case("[Script Info]") {
            return true;
        }
        // Without the header: an `[Events]` section with a Format or Dialogue line.
        if line.starts_with('[') {
            events = line.eq_ignore_ascii_case("[Events]");
        } else if events && (line.starts_with("Format:") || line.starts_with("Dialogue:")) {
            return true;
        }
    }
    false
}

/// The columns of a Dialogue line when there is no Format line: ASS's (SSA's first column is
/// `Marked`, in the same place).
const DEFAULT_FORMAT: &[&str] = &[
    "Layer", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text",
];

struct Event<'a> {
    number: usize,
    comment: bool,
    fields: Vec<&'a str>,
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut format: Vec<String> = DEFAULT_FORMAT.iter().map(|c| c.to_string()).collect();
    let mut section = String::new();
    let mut events = Vec::new();
    for (i, raw) in input.text.split('\n').enumerate() {
        let line = raw.trim();
        if line.starts_with('[') && line.ends_with(']') {
            section = line.to_ascii_lowercase();
            continue;
        }
        if section != "[events]" {
            continue;
        }
        let Some((kind, rest)) = line.split_once(':') else {
            continue;
        };
        match kind.trim() {
            "Format" => {
                format = rest.split(',').map(|c| c.trim().to_string()).collect();
                let has = |name: &str| format.iter().any(|c| c.eq_ignore_ascii_case(name));
                if !has("Start") || !has("End") {
                    return Err(Bad::line(
                        i + 1,
                        "the Format line names no Start or End column",
                    ));
                }
                if !format
                    .last()
                    .is_some_and(|c| c.eq_ignore_ascii_case("Text"))
                {
                    return Err(Bad::line(
                        i + 1,
                        "the Format line's last column is not Text",
                    ));
                }
            }
            kind @ ("Dialogue" | "Comment") => {
                let fields: Vec<&str> = rest.trim_start().splitn(format.len(), ',').collect();
                if fields.len() < format.len() {
                    return Err(Bad::line(
                        i + 1,
                        format!(
                            "a {kind} line has {} columns ({}), found {}",
                            format.len(),
                            format.join(", "),
                            fields.len()
                        ),
                    ));
                }
                events.push(Event {
                    number: i + 1,
                    comment: kind == "Comment",
                    fields,
                });
            }
            _ => {}
        }
    }
    let column = |name: &str| format.iter().position(|c| c.eq_ignore_ascii_case(name));
    let (start_col, end_col) = (column("Start"), column("End"));
    let text_col = format.len().saturating_sub(1);
    let (name_col, effect_col) = (column("Name"), column("Effect"));
    let effect = |e: &Event<'_>| {
        effect_col
            .and_then(|c| e.fields.get(c))
            .map(|f| f.trim().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let templated = events.iter().any(|e| e.comment && effect(e) == "karaoke")
        && events.iter().any(|e| !e.comment && effect(e) == "fx");

    let mut out = Vec::new();
    for e in &events {
        let wanted = if templated {
            e.comment == (effect(e) == "karaoke") && (e.comment || effect(e) != "fx")
        } else {
            !e.comment
        };
        if !wanted {
            continue;
        }
        let time = |col: Option<usize>, what: &str| -> Result<f64, Bad> {
            let text = col.and_then(|c| e.fields.get(c)).map_or("", |f| f.trim());
            clock(text, 3).ok_or_else(|| {
                Bad::line(
                    e.number,
                    format!("{what} \"{}\" is not a time (H:MM:SS.cc)", short(text)),
                )
            })
        };
        let start = time(start_col, "start")?;
        let end = time(end_col, "end")?;
        if end < start {
            return Err(Bad::line(
                e.number,
                format!("the line ends at {end:.2} s, before it starts at {start:.2} s"),
            ));
        }
        let speaker = name_col
            .and_then(|c| e.fields.get(c))
            .map(|n| n.trim())
            .filter(|n| !n.is_empty());
        let text = e.fields.get(text_col).copied().unwrap_or("");
        read_text(text, start, end, speaker, e.number, &mut out)?;
    }
    Ok(out)
}

/// The words of one line's Text: its karaoke syllables, or its words sharing the line's time.
fn read_text(
    text: &str,
    start: f64,
    end: f64,
    speaker: Option<&str>,
    number: usize,
    out: &mut Vec<Token>,
) -> Result<(), Bad> {
    let mut pieces = vec![Piece {
        text: String::new(),
        start: Some(start),
        end: Some(start),
    }];
    let mut karaoke = false;
    let mut drawing = false;
    // Where the next syllable starts (the end of the one before, or where `\kt` put it).
    let mut next_start = start;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '{' {
            if let Some(close) = rest.find('}') {
                let block = rest.get(1..close).unwrap_or("");
                for tag in block.split('\\').skip(1) {
                    let name: String = tag.chars().take_while(char::is_ascii_alphabetic).collect();
                    let value = tag.get(name.len()..).unwrap_or("").trim();
                    match name.as_str() {
                        "k" | "K" | "kf" | "ko" | "kt" => {
                            let cs = centiseconds(value).ok_or_else(|| {
                                Bad::line(
                                    number,
                                    format!(
                                        "\"\\{}\" is not a karaoke time (centiseconds)",
                                        short(tag)
                                    ),
                                )
                            })?;
                            karaoke = true;
                            if name == "kt" {
                                next_start = start + cs / 100.0;
                                continue;
                            }
                            let from = next_start.min(end);
                            next_start += cs / 100.0;
                            pieces.push(Piece {
                                text: String::new(),
                                start: Some(from),
                                end: Some(next_start.min(end)),
                            });
                        }
                        "p" => drawing = value.parse::<f64>().is_ok_and(|v| v > 0.0),
                        _ => {}
                    }
                }
                rest = rest.get(close + 1..).unwrap_or("");
                continue;
            }
        }
        // `\N` and `\n` break the line, `\h` is a hard space.
        let (shown, take) = match (c, rest.get(1..2)) {
            ('\\', Some("N" | "n" | "h")) => (' ', 2),
            _ => (c, c.len_utf8()),
        };
        if !drawing {
            if let Some(piece) = pieces.last_mut() {
                piece.text.push(shown);
            }
        }
        rest = rest.get(take..).unwrap_or("");
    }
    if !karaoke {
        let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
        out.extend(cue(&text, Some(start), Some(end), speaker));
        return Ok(());
    }
    out.extend(syllable_words(&pieces, speaker));
    Ok(())
}

/// A karaoke duration: a number of centiseconds (100 when left out, as libass reads it).
fn centiseconds(value: &str) -> Option<f64> {
    if value.is_empty() {
        return Some(100.0);
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}
