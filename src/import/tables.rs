//! Lists of words with their times: Remotion's `Caption[]` JSON, and CSV/TSV tables (spreadsheets,
//! Audacity labels, MFA's and Gentle's CSV output, whisper.cpp `-ocsv`).

use std::collections::HashMap;

use serde_json::Value;

use super::json::Node;
use super::{Bad, Format, Input, Token};

pub const FORMATS: &[Format] = &[
    Format {
        name: "remotion",
        title: "Remotion captions JSON (Caption[])",
        detect: detect_remotion,
        parse: parse_remotion,
    },
    Format {
        name: "csv",
        title: "CSV/TSV table of words and times (spreadsheets, Audacity labels)",
        detect: detect_csv,
        parse: parse_csv,
    },
];

// ---- Remotion --------------------------------------------------------------------------------

/// A file holds the array itself (`JSON.stringify(captions)`) or `{"captions": [...]}`.
fn caption_list(v: &Value) -> Option<&Vec<Value>> {
    v.as_array().or_else(|| v.get("captions")?.as_array())
}

fn detect_remotion(input: &Input<'_>) -> bool {
    let Some(first) = input.json.and_then(caption_list).and_then(|l| l.first()) else {
        return false;
    };
    first.get("text").is_some_and(Value::is_string)
        && first.get("startMs").is_some()
        && first.get("endMs").is_some()
}

/// whisper.cpp's markers (`[_BEG_]`, `[_TT_153]`, `[BLANK_AUDIO]`): not speech.
fn is_marker(text: &str) -> bool {
    text.trim()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
}

fn parse_remotion(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = input
        .json
        .map(Node::root)
        .ok_or_else(|| Bad::new("top level", "not a JSON file"))?;
    let list = if root.value.is_array() {
        root
    } else {
        root.field("captions")?
    };
    let mut captions = Vec::new();
    for c in list.items()? {
        let text = c.field("text")?.str()?;
        let start = c.field("startMs")?.time()? / 1000.0;
        let end = c.field("endMs")?.time()? / 1000.0;
        captions.push((text, start, end));
    }
    // `toCaptions` keeps whisper.cpp's tokens: a leading space starts a word, a token without one
    // continues the word before (" neur" "al"). Without any such space the file was written some
    // other way, and each caption stands on its own.
    let glued = captions
        .iter()
        .skip(1)
        .any(|(t, ..)| t.starts_with(char::is_whitespace));
    let mut out: Vec<Token> = Vec::new();
    for (i, (text, start, end)) in captions.into_iter().enumerate() {
        if is_marker(text) {
            continue;
        }
        let continues = glued && i > 0 && !text.starts_with(char::is_whitespace);
        // A caption of several words (a whole segment) is known only as a whole.
        let words: Vec<&str> = text.split_whitespace().collect();
        let last = words.len().saturating_sub(1);
        for (j, word) in words.into_iter().enumerate() {
            let end = (j == last).then_some(end);
            match out.last_mut() {
                Some(prev) if j == 0 && continues => {
                    prev.text.push_str(word);
                    prev.end = end;
                }
                _ => out.push(Token {
                    text: word.to_string(),
                    start: (j == 0).then_some(start),
                    end,
                }),
            }
        }
    }
    Ok(out)
}

// ---- CSV / TSV -------------------------------------------------------------------------------

/// Tried in this order: a tab rarely appears in a word, a comma often does.
const DELIMITERS: [char; 3] = ['\t', ';', ','];
/// Rows read to find the delimiter, the header and the columns.
const SAMPLE: usize = 50;

struct Record {
    line: usize,
    cells: Vec<String>,
}

/// Splits the text into rows of cells (RFC 4180: a quoted cell may hold the delimiter, doubled
/// quotes and line breaks). Unquoted cells are trimmed; blank rows are dropped.
fn records(text: &str, delim: char, limit: usize) -> Result<Vec<Record>, Bad> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while out.len() < limit && chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        // The cell began with a quote; `open` until its closing quote.
        let mut quoted = false;
        let mut open = false;
        loop {
            let c = chars.next();
            if open {
                match c {
                    None => {
                        return Err(Bad::line(
                            start,
                            "a quote opened on this line is never closed",
                        ))
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    // whisper.cpp's `-ocsv` escapes quotes with a backslash.
                    Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => {
                        cell.extend(chars.next());
                    }
                    Some('"') => open = false,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        cell.push(ch);
                    }
                }
                continue;
            }
            match c {
                None | Some('\n') => {
                    cells.push(finish(std::mem::take(&mut cell), quoted));
                    if c.is_some() {
                        line += 1;
                    }
                    break;
                }
                Some(ch) if ch == delim => {
                    cells.push(finish(std::mem::take(&mut cell), quoted));
                    quoted = false;
                }
                Some('"') if !quoted && cell.trim().is_empty() => {
                    quoted = true;
                    open = true;
                    cell.clear();
                }
                // Spaces after a closing quote are not part of the cell.
                Some(ch) if quoted && ch.is_whitespace() => {}
                Some(ch) => cell.push(ch),
            }
        }
        if cells.iter().any(|c| !c.is_empty()) {
            out.push(Record { line: start, cells });
        }
    }
    Ok(out)
}

fn finish(cell: String, quoted: bool) -> String {
    if quoted {
        cell
    } else {
        cell.trim().to_string()
    }
}

/// Audacity writes a second line `\ f0 f1` after a label with a frequency range.
fn is_continuation(r: &Record) -> bool {
    r.cells.first().is_some_and(|c| c == "\\")
}

/// A number in a cell: `1.25`, or `1,25` where commas do not separate the columns.
fn number(cell: &str, delim: char) -> Option<f64> {
    let cell = cell.trim();
    // Rust reads "inf" and "NaN" as numbers; in a table they are words.
    if !cell.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        return None;
    }
    let x = cell.parse::<f64>().ok().or_else(|| {
        let decimal_comma = delim != ',' && cell.matches(',').count() == 1 && !cell.contains('.');
        decimal_comma
            .then(|| cell.replace(',', ".").parse().ok())
            .flatten()
    })?;
    x.is_finite().then_some(x)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Word,
    Start,
    End,
    Duration,
    Kind,
}

/// Units per second, by the names a header may give a unit.
const UNITS: &[(&str, f64)] = &[
    ("milliseconds", 1000.0),
    ("millis", 1000.0),
    ("msec", 1000.0),
    ("ms", 1000.0),
    ("seconds", 1.0),
    ("secs", 1.0),
    ("sec", 1.0),
    ("s", 1.0),
];

/// A header cell's role and, if it names one, its unit: `start_ms`, `End (s)`, `startMs`.
fn column(name: &str) -> Option<(Role, Option<f64>)> {
    let lower = name.trim().to_lowercase();
    let (base, scale) = split_unit(&lower);
    let compact: String = base.chars().filter(|c| c.is_alphanumeric()).collect();
    let role = match compact.as_str() {
        "word" | "words" | "text" | "token" | "label" | "name" => Role::Word,
        "start" | "begin" | "starttime" | "begintime" | "from" | "onset" | "tmin" | "xmin" => {
            Role::Start
        }
        "end" | "stop" | "endtime" | "stoptime" | "to" | "tmax" | "xmax" => Role::End,
        "duration" | "dur" | "length" => Role::Duration,
        // MFA's CSV lists words and phones in one table.
        "type" | "tier" => Role::Kind,
        _ => return None,
    };
    Some((role, scale))
}

fn split_unit(name: &str) -> (&str, Option<f64>) {
    let unit_scale = |u: &str| UNITS.iter().find(|(n, _)| *n == u.trim()).map(|(_, s)| *s);
    // "End (s)", "start [ms]"
    if name.ends_with([')', ']']) {
        if let Some(open) = name.rfind(['(', '[']) {
            let inner = name.get(open + 1..name.len() - 1).unwrap_or("");
            if let (Some(scale), Some(base)) = (unit_scale(inner), name.get(..open)) {
                return (base.trim(), Some(scale));
            }
        }
    }
    for (unit, scale) in UNITS {
        let Some(base) = name.strip_suffix(unit) else {
            continue;
        };
        let bare = base.trim_end_matches(['_', ' ', '-', '.']);
        // A bare "s" only after a separator: "words" is not "word" in seconds.
        if bare.is_empty() || (*unit == "s" && bare.len() == base.len()) {
            continue;
        }
        return (bare, Some(*scale));
    }
    (name, None)
}

/// Where the words and times are in a table, found from its first rows.
#[derive(Debug)]
struct Layout {
    delim: char,
    header: bool,
    word: usize,
    start: usize,
    end: usize,
    /// The end column holds durations.
    duration: bool,
    kind: Option<usize>,
    /// Units per second, when the header says.
    start_scale: Option<f64>,
    end_scale: Option<f64>,
}

/// The first delimiter that splits most rows into the same number (3 or more) of cells.
fn delimiter(text: &str) -> Result<(char, Vec<Record>), Bad> {
    let mut broken = None;
    for d in DELIMITERS {
        let sample = match records(text, d, SAMPLE) {
            Ok(s) => s,
            Err(bad) => {
                broken.get_or_insert(bad);
                continue;
            }
        };
        let sample: Vec<Record> = sample.into_iter().filter(|r| !is_continuation(r)).collect();
        let mut widths: HashMap<usize, usize> = HashMap::new();
        for r in &sample {
            *widths.entry(r.cells.len()).or_default() += 1;
        }
        let Some((&width, &rows)) = widths.iter().max_by_key(|(w, n)| (**n, **w)) else {
            continue;
        };
        if width >= 3 && rows * 5 >= sample.len() * 4 {
            return Ok((d, sample));
        }
    }
    Err(broken.unwrap_or_else(|| {
        Bad::new(
            "top level",
            "no table found: expected rows of a word, a start and an end time separated by tabs, commas or semicolons",
        )
    }))
}

fn cell(r: &Record, col: usize) -> &str {
    r.cells.get(col).map_or("", String::as_str)
}

/// Most filled cells of the column are numbers, and at least half the rows fill it.
fn is_numeric(rows: &[Record], col: usize, delim: char) -> bool {
    let filled: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, col))
        .filter(|c| !c.is_empty())
        .collect();
    let numbers = filled.iter().filter(|c| number(c, delim).is_some()).count();
    !filled.is_empty() && filled.len() * 2 >= rows.len() && numbers * 5 >= filled.len() * 4
}

fn layout(text: &str) -> Result<Layout, Bad> {
    let (delim, sample) = delimiter(text)?;
    let Some(first) = sample.first() else {
        return Err(Bad::new("top level", "no rows"));
    };
    let width = sample.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let below = sample.get(1..).filter(|rows| !rows.is_empty());
    let names: Vec<Option<(Role, Option<f64>)>> = first.cells.iter().map(|c| column(c)).collect();
    // A header has no numbers, and names a known column or titles a column of numbers.
    let header = first.cells.iter().all(|c| number(c, delim).is_none())
        && (names.iter().any(Option::is_some)
            || below.is_some_and(|rows| {
                (0..width).any(|c| !cell(first, c).is_empty() && is_numeric(rows, c, delim))
            }));
    let data = if header {
        below.unwrap_or(&[])
    } else {
        &sample[..]
    };
    let named = |role: Role| {
        names
            .iter()
            .enumerate()
            .filter(|_| header)
            .find_map(|(i, n)| n.filter(|(r, _)| *r == role).map(|(_, scale)| (i, scale)))
    };
    let numeric: Vec<usize> = (0..width).filter(|&c| is_numeric(data, c, delim)).collect();
    let (start, start_scale, end, end_scale, duration) = match named(Role::Start) {
        Some((start, start_scale)) => {
            let (end, end_scale, duration) = match (named(Role::End), named(Role::Duration)) {
                (Some((end, scale)), _) => (end, scale, false),
                (None, Some((dur, scale))) => (dur, scale, true),
                (None, None) => {
                    return Err(Bad::line(
                        first.line,
                        "the header names a start column but no end (or duration) column",
                    ))
                }
            };
            (start, start_scale, end, end_scale, duration)
        }
        None => match numeric.as_slice() {
            [start, end, ..] => (*start, None, *end, None, false),
            _ => {
                return Err(Bad::new(
                    "top level",
                    "no two columns of numbers (start and end times) found",
                ))
            }
        },
    };
    let kind = named(Role::Kind).map(|(i, _)| i);
    let word = named(Role::Word).map(|(i, _)| i).or_else(|| {
        (0..width).find(|&c| c != start && c != end && Some(c) != kind && !numeric.contains(&c))
    });
    let Some(word) = word else {
        return Err(Bad::new("top level", "no column of words found"));
    };
    for (col, what) in [
        (start, "start"),
        (end, if duration { "duration" } else { "end" }),
    ] {
        if !data.is_empty() && !is_numeric(data, col, delim) {
            return Err(Bad::line(
                first.line,
                format!("column {} ({what} times) does not hold numbers", col + 1),
            ));
        }
    }
    Ok(Layout {
        delim,
        header,
        word,
        start,
        end,
        duration,
        kind,
        start_scale,
        end_scale,
    })
}

fn detect_csv(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() {
        return false;
    }
    let head = input.text.trim_start();
    if head.starts_with(['{', '['])
        || head.starts_with("WEBVTT")
        || head.starts_with("File type")
        // SRT and VTT cue timings.
        || input.text.lines().take(SAMPLE).any(|l| l.contains("-->"))
    {
        return false;
    }
    layout(input.text).is_ok()
}

/// A time cell as written (`None` when empty) and whether it is a whole number.
fn time_cell(r: &Record, col: usize, what: &str, delim: char) -> Result<Option<(f64, bool)>, Bad> {
    let text = cell(r, col);
    if text.is_empty() {
        return Ok(None);
    }
    let at = format!("line {}, column {}", r.line, col + 1);
    let x = number(text, delim)
        .ok_or_else(|| Bad::new(&at, format!("{what}: expected a number, found \"{text}\"")))?;
    if x < 0.0 {
        return Err(Bad::new(&at, format!("{what}: negative time {x}")));
    }
    Ok(Some((x, text.chars().all(|c| c.is_ascii_digit()))))
}

fn parse_csv(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let l = layout(input.text)?;
    let all = records(input.text, l.delim, usize::MAX)?;
    let rows: Vec<&Record> = all
        .iter()
        .skip(usize::from(l.header))
        .filter(|r| !is_continuation(r))
        .collect();
    let is_word_kind = |r: &Record| {
        l.kind
            .is_some_and(|k| matches!(cell(r, k).to_lowercase().as_str(), "words" | "word"))
    };
    // MFA's CSV: keep the words, not the phones.
    let only_words = rows.iter().any(|r| is_word_kind(r));
    let end_what = if l.duration { "duration" } else { "end time" };
    let mut read = Vec::new();
    for r in rows {
        if only_words && !is_word_kind(r) {
            continue;
        }
        let start = time_cell(r, l.start, "start time", l.delim)?;
        let end = time_cell(r, l.end, end_what, l.delim)?;
        read.push((cell(r, l.word), start, end));
    }
    // Without a unit in the header: seconds, unless every time is a whole number and the median
    // word lasts 20 or more (no word lasts 20 seconds, many last 200 ms).
    let unscaled =
        |scale: Option<f64>, value: Option<(f64, bool)>| scale.is_none().then_some(value).flatten();
    let all_whole = read.iter().all(|(_, s, e)| {
        unscaled(l.start_scale, *s).is_none_or(|(_, whole)| whole)
            && unscaled(l.end_scale, *e).is_none_or(|(_, whole)| whole)
    });
    let mut lengths: Vec<f64> = read
        .iter()
        .filter_map(|(_, s, e)| match (s, e) {
            (_, Some((d, _))) if l.duration => Some(*d),
            (Some((s, _)), Some((e, _))) => Some(e - s),
            _ => None,
        })
        .collect();
    lengths.sort_by(f64::total_cmp);
    let median = lengths.get(lengths.len() / 2).copied().unwrap_or(0.0);
    let guess = if all_whole && median >= 20.0 {
        1000.0
    } else {
        1.0
    };
    let start_scale = l.start_scale.unwrap_or(guess);
    let end_scale = l.end_scale.unwrap_or(guess);
    Ok(read
        .into_iter()
        .map(|(text, s, e)| {
            let start = s.map(|(x, _)| x / start_scale);
            let e = e.map(|(x, _)| x / end_scale);
            let end = if l.duration {
                start.zip(e).map(|(s, d)| s + d)
            } else {
                e
            };
            Token {
                text: text.to_string(),
                start,
                end,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REMOTION: &str = include_str!("../../tests/data/import/remotion.json");
    const CSV_HEADER: &str = include_str!("../../tests/data/import/csv-header.csv");
    const CSV_PLAIN: &str = include_str!("../../tests/data/import/csv-plain.tsv");
    const CSV_AUDACITY: &str = include_str!("../../tests/data/import/csv-audacity.txt");
    const CSV_MESSY: &str = include_str!("../../tests/data/import/csv-messy.csv");
    const CSV_MFA: &str = include_str!("../../tests/data/import/csv-mfa.csv");
    const CSV_GENTLE: &str = include_str!("../../tests/data/import/csv-gentle.csv");
    const CSV_WHISPERCPP: &str = include_str!("../../tests/data/import/csv-whispercpp.csv");
    const GENTLE: &str = include_str!("../../tests/data/import/gentle.json");
    const MFA: &str = include_str!("../../tests/data/import/mfa.TextGrid");
    const MFA_SHORT: &str = include_str!("../../tests/data/import/mfa-short.TextGrid");
    const MFA_JSON: &str = include_str!("../../tests/data/import/mfa.json");
    const AENEAS: &str = include_str!("../../tests/data/import/aeneas.json");

    use crate::import::testing::{assert_tokens, bad, timed, with};

    fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
        crate::import::testing::parse(FORMATS, name, text)
    }

    fn claims(text: &str) -> Vec<&'static str> {
        crate::import::testing::claims(FORMATS, text)
    }

    #[test]
    fn remotion_joins_whisper_cpp_tokens_into_words() {
        assert_tokens(
            &parse("remotion", REMOTION).unwrap(),
            &timed(&[
                ("Today", 0.3, 0.61),
                ("we'll", 0.61, 0.83),
                ("look", 0.83, 1.06),
                ("at", 1.06, 1.17),
                ("how", 1.17, 1.39),
                ("neural", 1.39, 1.72),
                ("networks", 1.72, 2.23),
                ("learn", 2.23, 2.51),
                ("from", 2.51, 2.69),
                ("data,", 2.69, 3.2),
                ("and", 3.76, 3.93),
                ("why", 3.93, 4.18),
                ("backpropagation", 4.18, 5.26),
                ("works.", 5.26, 5.79),
            ]),
        );
    }

    #[test]
    fn remotion_captions_written_by_hand_stand_alone() {
        let json = r#"{"captions": [
            {"text": "Hello", "startMs": 0, "endMs": 400, "timestampMs": null, "confidence": null},
            {"text": "big world", "startMs": 400, "endMs": 1000, "timestampMs": null, "confidence": null},
            {"text": "[BLANK_AUDIO]", "startMs": 1000, "endMs": 2000, "timestampMs": null, "confidence": null},
            {"text": "again", "startMs": 2000, "endMs": 2500.5, "timestampMs": null, "confidence": null}]}"#;
        assert_eq!(claims(json), ["remotion"]);
        assert_tokens(
            &parse("remotion", json).unwrap(),
            &[
                ("Hello", Some(0.0), Some(0.4)),
                ("big", Some(0.4), None),
                ("world", None, Some(1.0)),
                ("again", Some(2.0), Some(2.5005)),
            ],
        );
        // Whole segments (transcribe() without token timestamps) with a continuation.
        let json = r#"[{"text": "So this is", "startMs": 0, "endMs": 900, "timestampMs": null, "confidence": 0.9},
            {"text": " back", "startMs": 900, "endMs": 1200, "timestampMs": null, "confidence": 0.9},
            {"text": "prop now", "startMs": 1200, "endMs": 1800, "timestampMs": null, "confidence": 0.9}]"#;
        assert_tokens(
            &parse("remotion", json).unwrap(),
            &[
                ("So", Some(0.0), None),
                ("this", None, None),
                ("is", None, Some(0.9)),
                ("backprop", Some(0.9), None),
                ("now", None, Some(1.8)),
            ],
        );
    }

    #[test]
    fn remotion_errors_name_the_caption() {
        let caps = |c: &str| format!(r#"[{{"text": "a", "startMs": 0, "endMs": 10}}, {c}]"#);
        assert_eq!(
            bad(parse(
                "remotion",
                &caps(r#"{"text": "b", "startMs": "10ms", "endMs": 20}"#)
            )),
            ("[1].startMs".into(), "expected a number, found text".into())
        );
        assert_eq!(
            bad(parse("remotion", &caps(r#"{"text": "b", "startMs": 10}"#))),
            ("[1]".into(), "missing field \"endMs\"".into())
        );
        assert_eq!(
            bad(parse(
                "remotion",
                &caps(r#"{"text": 5, "startMs": 10, "endMs": 20}"#)
            )),
            ("[1].text".into(), "expected text, found a number".into())
        );
        assert_eq!(
            bad(parse(
                "remotion",
                &caps(r#"{"text": "b", "startMs": -10, "endMs": 20}"#)
            )),
            ("[1].startMs".into(), "negative time -10".into())
        );
        assert_eq!(
            bad(parse("remotion", r#"{"captions": {"text": "a"}}"#)),
            (
                "captions".into(),
                "expected an array, found an object".into()
            )
        );
        assert!(parse("remotion", "[]").unwrap().is_empty());
    }

    #[test]
    fn csv_with_a_header_in_milliseconds() {
        assert_tokens(
            &parse("csv", CSV_HEADER).unwrap(),
            &timed(&[
                ("Regularisation", 0.42, 1.18),
                ("keeps", 1.18, 1.46),
                ("the", 1.46, 1.54),
                ("weights", 1.54, 1.93),
                ("small", 1.93, 2.37),
                ("so", 2.81, 2.96),
                ("the", 2.96, 3.03),
                ("model", 3.03, 3.36),
                ("generalises", 3.36, 4.05),
                ("better", 4.05, 4.37),
                ("to", 4.37, 4.46),
                ("unseen", 4.46, 4.9),
                ("examples.", 4.9, 5.62),
            ]),
        );
    }

    #[test]
    fn tsv_without_a_header_in_seconds() {
        assert_tokens(
            &parse("csv", CSV_PLAIN).unwrap(),
            &timed(&[
                ("The", 0.31, 0.42),
                ("validation", 0.42, 1.03),
                ("loss", 1.03, 1.38),
                ("tells", 1.38, 1.66),
                ("us", 1.66, 1.8),
                ("when", 1.8, 1.98),
                ("to", 1.98, 2.07),
                ("stop", 2.07, 2.46),
                ("training", 2.46, 2.99),
                ("before", 3.41, 3.78),
                ("the", 3.78, 3.86),
                ("model", 3.86, 4.19),
                ("overfits.", 4.19, 4.93),
            ]),
        );
    }

    #[test]
    fn audacity_labels() {
        assert_tokens(
            &parse("csv", CSV_AUDACITY).unwrap(),
            &timed(&[
                ("Dropout", 0.552381, 0.917007),
                ("switches", 0.917007, 1.271565),
                ("off", 1.271565, 1.423129),
                ("random", 1.423129, 1.834467),
                // Its frequency line ("\ 180 3950.5") is not a label.
                ("neurons", 1.834467, 2.367347),
                ("during", 2.367347, 2.521542),
                ("training,", 2.521542, 3.104762),
                ("which", 3.55102, 3.702494),
                ("stops", 3.702494, 4.145125),
                ("them", 4.145125, 4.402721),
                ("co-adapting.", 4.402721, 4.985034),
            ]),
        );
    }

    #[test]
    fn messy_csv() {
        // BOM, CRLF, spaces, quoted commas, blank lines, an extra column, an untimed word, rows out
        // of order (sorted later, by shared code).
        assert_tokens(
            &parse("csv", CSV_MESSY).unwrap(),
            &[
                ("In", Some(0.38), Some(0.52)),
                ("2012,", Some(0.52), Some(1.31)),
                ("a", None, None),
                ("network", Some(1.42), Some(1.83)),
                ("trained", Some(1.83), Some(2.21)),
                ("on", Some(2.21), Some(2.32)),
                ("1,000", Some(2.32), Some(2.97)),
                ("changed", Some(3.71), Some(4.08)),
                ("categories", Some(2.97), Some(3.62)),
                ("computer", Some(4.08), Some(4.51)),
                ("vision.", Some(4.51), Some(5.12)),
            ],
        );
    }

    #[test]
    fn csv_from_other_tools() {
        // MFA --output_format csv: words only, not phones.
        assert_tokens(
            &parse("csv", CSV_MFA).unwrap(),
            &timed(&[
                ("weights", 0.44, 0.83),
                ("are", 0.83, 0.95),
                ("updated", 0.95, 1.48),
                ("after", 1.48, 1.79),
                ("every", 1.79, 2.08),
                ("batch", 2.08, 2.61),
            ]),
        );
        // Gentle's align.csv: word, aligned word, start, end; empty times for unaligned words.
        let gentle = parse("csv", CSV_GENTLE).unwrap();
        assert_eq!(gentle.len(), 18);
        assert_tokens(&gentle[..1], &timed(&[("Today", 0.52, 0.84)]));
        assert_tokens(
            &gentle[16..],
            &[("so", None, None), ("much", Some(6.55), Some(6.87))],
        );
        // whisper.cpp -ocsv: start,end,text in whole milliseconds.
        let whisper = parse("csv", CSV_WHISPERCPP).unwrap();
        assert_tokens(
            &whisper[..2],
            &timed(&[(" Weight", 0.0, 0.52), (" decay", 0.52, 0.91)]),
        );
        assert_eq!(whisper.len(), 8);
    }

    #[test]
    fn csv_headers_and_units() {
        let one = |text: &str| {
            let t = parse("csv", text).unwrap();
            assert_eq!(t.len(), 2, "{t:?}");
            (t[1].text.clone(), t[1].start, t[1].end)
        };
        let want = |w: &str, s: f64, e: f64| (w.to_string(), Some(s), Some(e));
        assert_eq!(
            one("Start (s),End (s),Text\n0.5,1,hi\n1,1.5,there\n"),
            want("there", 1.0, 1.5)
        );
        assert_eq!(
            one("token;startMs;endMs\nhi;500;1000\nthere;1000;1500\n"),
            want("there", 1.0, 1.5)
        );
        assert_eq!(
            one("label\tbegin [ms]\tduration [ms]\nhi\t500\t500\nthere\t1000\t250\n"),
            want("there", 1.0, 1.25)
        );
        // Columns in any order; extra columns ignored.
        assert_eq!(
            one("id,end_time,word,start_time\n1,1,hi,0.5\n2,1.5,there,1\n"),
            want("there", 1.0, 1.5)
        );
        // A header the importer does not know, over columns of numbers.
        assert_eq!(
            one("Wort,Anfang,Ende\nhi,0.5,1\nthere,1,1.5\n"),
            want("there", 1.0, 1.5)
        );
        // No header: whole numbers with long "words" are milliseconds, short ones seconds.
        assert_eq!(
            one("hi,500,1000\nthere,1000,1500\n"),
            want("there", 1.0, 1.5)
        );
        assert_eq!(one("hi,1,2\nthere,2,3\n"), want("there", 2.0, 3.0));
        assert_eq!(
            one("hi,500.0,1000\nthere,1000,1500\n"),
            want("there", 1000.0, 1500.0)
        );
        // Older Audacity wrote labels with "%f", in the locale's decimal separator.
        assert_eq!(one("0,5\t1\thi\n1\t1,5\tthere\n"), want("there", 1.0, 1.5));
        // Semicolons and decimal commas.
        assert_eq!(one("hi;0,5;1\nthere;1;1,5\n"), want("there", 1.0, 1.5));
        // whisper.cpp escapes quotes with a backslash.
        assert_eq!(
            one("start,end,text\n0,500,\" hi\"\n500,1000,\" \\\"there\\\"\"\n"),
            want(" \"there\"", 0.5, 1.0)
        );
        // RFC 4180: doubled quotes, a line break in a quoted cell.
        let t = parse(
            "csv",
            "word,start,end\n\"say \"\"hi\"\"\",0,1\n\"two\nlines\",1,2\nnext,2,3\n",
        )
        .unwrap();
        assert_eq!(t[0].text, "say \"hi\"");
        assert_eq!(t[1].text, "two\nlines");
        assert_eq!(t[2].text, "next");
    }

    #[test]
    fn csv_errors_name_the_line_and_column() {
        assert_eq!(
            bad(parse(
                "csv",
                "word,start,end\na,0,1\nb,1.2.3,2\nc,2,3\nd,3,4\ne,4,5\n"
            )),
            (
                "line 3, column 2".into(),
                "start time: expected a number, found \"1.2.3\"".into()
            )
        );
        assert_eq!(
            bad(parse("csv", "a\t0\t1\nb\t1\t-2\nc\t2\t3\n")),
            (
                "line 2, column 3".into(),
                "end time: negative time -2".into()
            )
        );
        assert_eq!(
            bad(parse("csv", "a,0,1\nb,1,NaN\nc,2,3\nd,3,4\ne,4,5\n")),
            (
                "line 2, column 3".into(),
                "end time: expected a number, found \"NaN\"".into()
            )
        );
        assert_eq!(
            bad(parse("csv", "word,start,end\na,0,1\n\"b,1,2\nc,2,3\n")),
            (
                "line 3".into(),
                "a quote opened on this line is never closed".into()
            )
        );
        assert_eq!(
            bad(parse("csv", "word,start,confidence\na,0,1\nb,1,1\n")),
            (
                "line 1".into(),
                "the header names a start column but no end (or duration) column".into()
            )
        );
        assert_eq!(
            bad(parse("csv", "word,start,end\na,soon,later\nb,then,after\n")),
            (
                "line 1".into(),
                "column 2 (start times) does not hold numbers".into()
            )
        );
        assert_eq!(bad(parse("csv", "just words\nand more\n")).0, "top level");
        assert_eq!(
            bad(parse("csv", "a,b,c\nd,e,f\n")),
            (
                "top level".into(),
                "no two columns of numbers (start and end times) found".into()
            )
        );
        assert!(parse("csv", "word,start,end\n").unwrap().is_empty());
    }

    #[test]
    fn units_in_header_names() {
        assert_eq!(column("start_ms"), Some((Role::Start, Some(1000.0))));
        assert_eq!(column("End (s)"), Some((Role::End, Some(1.0))));
        assert_eq!(column("startMs"), Some((Role::Start, Some(1000.0))));
        assert_eq!(
            column("Start Time [msec]"),
            Some((Role::Start, Some(1000.0)))
        );
        assert_eq!(column("end_sec"), Some((Role::End, Some(1.0))));
        assert_eq!(column("start_s"), Some((Role::Start, Some(1.0))));
        assert_eq!(column("words"), Some((Role::Word, None)));
        assert_eq!(column("Label"), Some((Role::Word, None)));
        assert_eq!(column("Begin"), Some((Role::Start, None)));
        assert_eq!(column("ends"), None);
        assert_eq!(column("confidence"), None);
    }

    #[test]
    fn each_sample_is_claimed_by_its_format_only() {
        assert_eq!(claims(REMOTION), ["remotion"]);
        for csv in [
            CSV_HEADER,
            CSV_PLAIN,
            CSV_AUDACITY,
            CSV_MESSY,
            CSV_MFA,
            CSV_GENTLE,
            CSV_WHISPERCPP,
        ] {
            assert_eq!(claims(csv), ["csv"], "{csv}");
        }
    }

    #[test]
    fn others_files_are_not_claimed() {
        let others = [
            GENTLE,
            MFA,
            MFA_SHORT,
            MFA_JSON,
            AENEAS,
            r#"{"text": " Hi.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hi.", "words": [{"word": " Hi.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
            r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hi.", "words": [{"word": "Hi", "start": 0.0, "end": 0.5}]}"#,
            r#"{"segments": [{"start": 0.0, "end": 1.0, "text": "Hi", "words": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}], "word_segments": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}"#,
            r#"{"transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"}, "offsets": {"from": 0, "to": 1000}, "text": " Hi", "tokens": []}]}"#,
            r#"{"alignment": {"characters": ["H", "i"], "character_start_times_seconds": [0, 0.1], "character_end_times_seconds": [0.1, 0.2]}}"#,
            r#"[{"Type": "WordBoundary", "Data": {"Offset": 1000000, "Duration": 2000000, "text": {"Text": "Hi"}}}]"#,
            "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":2,\"value\":\"Hi\"}\n{\"time\":300,\"type\":\"word\",\"start\":3,\"end\":8,\"value\":\"there\"}\n",
            "1\n00:00:00,000 --> 00:00:01,000\nHello, there, friend\n\n2\n00:00:01,000 --> 00:00:02,000\nfriend, a, b\n\n3\n00:00:02,000 --> 00:00:03,000\nx, y, z\n",
            "WEBVTT\n\n00:00.000 --> 00:01.000\nHello, there, you\n\n00:01.000 --> 00:02.000\nfriend, a, b\n",
            "[]",
            "{}",
            "",
            "Just some prose, with a comma, or two.\nAnd another line, with, commas.\n",
            "0.5 1.0 hello\n1.0 1.5 world\n",
        ];
        for text in others {
            assert!(claims(text).is_empty(), "{:?} claimed {text}", claims(text));
        }
    }

    #[test]
    fn broken_files_never_panic() {
        for (name, text) in [
            ("remotion", REMOTION),
            ("csv", CSV_MESSY),
            ("csv", CSV_AUDACITY),
            ("csv", CSV_HEADER),
        ] {
            for cut in text.char_indices().map(|(i, _)| i).step_by(3) {
                with(&text[..cut], None, |input| {
                    for f in FORMATS {
                        (f.detect)(input);
                        let _ = (f.parse)(input);
                    }
                });
            }
            let _ = parse(name, &text.replace(',', "\"").replace('1', "\u{e9}"));
            let _ = parse(name, &text.replace('\n', "\"\n"));
        }
    }
}
