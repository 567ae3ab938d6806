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
        captions.push((text, start, end, c.confidence("confidence")?));
    }
    // `toCaptions` keeps whisper.cpp's tokens: a leading space starts a word, a token without one
    // continues the word before (" neur" "al"). Without any such space the file was written some
    // other way, and each caption stands on its own.
    let glued = captions
        .iter()
        .skip(1)
        .any(|(t, ..)| t.starts_with(char::is_whitespace));
    let mut out: Vec<Token> = Vec::new();
    for (i, (text, start, end, confidence)) in captions.into_iter().enumerate() {
        if is_marker(text) {
            continue;
        }
        let continues = glued && i > 0 && !text.starts_with(char::is_whitespace);
        // A caption of several words (a whole segment) is known only as a whole.
        let words: Vec<&str> = text.split_whitespace().collect();
        let last = words.len().saturating_sub(1);
        let group = (last > 0).then_some(out.len() as u32);
        for (j, word) in words.into_iter().enumerate() {
            let end = (j == last).then_some(end);
            match out.last_mut() {
                Some(prev) if j == 0 && continues => {
                    prev.text.push_str(word);
                    prev.end = end;
                    prev.confidence = crate::import::least_sure(prev.confidence, confidence);
                }
                _ => out.push(Token {
                    text: word.to_string(),
                    start: (j == 0).then_some(start),
                    end,
                    speaker: None,
                    confidence,
                    shared: group,
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

/// Every cell is a name made of letters then digits (`f000001`, `seg12`), and they differ:
/// identifiers of the rows, not words.
fn is_id_column(rows: &[Record], col: usize) -> bool {
    let mut seen = std::collections::HashSet::new();
    !rows.is_empty()
        && rows.iter().all(|r| {
            let c = cell(r, col);
            let digits = c.trim_start_matches(|ch: char| ch.is_ascii_alphabetic() || ch == '_');
            !digits.is_empty() && digits.chars().all(|ch| ch.is_ascii_digit()) && seen.insert(c)
        })
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
    let candidates: Vec<usize> = (0..width)
        .filter(|&c| c != start && c != end && Some(c) != kind && !numeric.contains(&c))
        .collect();
    // aeneas writes `f000001,0.000,2.680,"text"`: a column of fragment ids before the words.
    let word = named(Role::Word).map(|(i, _)| i).or_else(|| {
        candidates
            .iter()
            .copied()
            .find(|&c| !is_id_column(data, c))
            .or(candidates.first().copied())
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
                speaker: None,
                confidence: None,
                shared: None,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
