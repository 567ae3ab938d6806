//! Subtitle files: SubRip (`.srt`) and WebVTT (`.vtt`). A cue gives times for a line or two of
//! text, so its words share the cue's time, each in proportion to its length. Three shapes carry
//! more than that and are read as such: one word per cue, openai-whisper's `--highlight_words`
//! output (one cue per word, the word underlined in the whole line), and WebVTT inline
//! timestamps (`word<00:00:01.500><c> word</c>`), which YouTube's automatic captions use in
//! rolling cues that repeat the previous line.

use super::{Bad, Format, Input, Token};

pub const FORMATS: &[Format] = &[
    Format {
        name: "srt",
        title: "SubRip subtitles (.srt)",
        detect: srt_detect,
        parse: srt_parse,
    },
    Format {
        name: "vtt",
        title: "WebVTT subtitles (.vtt), YouTube captions included",
        detect: vtt_detect,
        parse: vtt_parse,
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
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

fn srt_detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() || is_webvtt(input.text) {
        return false;
    }
    // The first block: an index line (any, it is often wrong) and a time line, or the time
    // line alone.
    let mut lines = input
        .text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let timed = |line: &str| matches!(times(line, Kind::Srt), Some(Ok(_)));
    if first.contains("-->") {
        return timed(first);
    }
    first.chars().count() <= 32 && lines.next().is_some_and(timed)
}

fn vtt_detect(input: &Input<'_>) -> bool {
    input.json.is_none() && is_webvtt(input.text)
}

/// The WebVTT signature: `WEBVTT` alone or followed by a space or tab and a title.
fn is_webvtt(text: &str) -> bool {
    text.trim_start()
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

fn srt_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    words(&read_cues(input.text, Kind::Srt)?)
}

fn vtt_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    words(&read_cues(input.text, Kind::Vtt)?)
}

// ---------------------------------------------------------------------------------------------
// Cues

struct Cue<'a> {
    start: f64,
    end: f64,
    /// The text lines with their 1-based line numbers.
    lines: Vec<(usize, &'a str)>,
}

impl Cue<'_> {
    fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(|(_, l)| *l).collect();
        lines.join("\n")
    }
}

fn read_cues(text: &str, kind: Kind) -> Result<Vec<Cue<'_>>, Bad> {
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
fn times(line: &str, kind: Kind) -> Option<Result<(f64, f64), String>> {
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
fn time(s: &str) -> Option<f64> {
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
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Words

fn words(cues: &[Cue<'_>]) -> Result<Vec<Token>, Bad> {
    // YouTube's rolling captions repeat each line in the next cue (once in a 10 ms cue, once
    // above the new line); they are the files with inline timestamps.
    let rolling = cues.iter().flat_map(|c| &c.lines).any(|(_, l)| stamped(l));
    let mut out = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cues.len() {
        let rest = cues.get(i..).unwrap_or_default();
        if let Some(n) = highlighted(rest) {
            read_highlighted(rest.get(..n).unwrap_or_default(), &mut out);
            i += n;
            previous.clear();
            continue;
        }
        let cue = &cues[i];
        let shown: Vec<String> = cue
            .lines
            .iter()
            .map(|(_, l)| plain(l))
            .filter(|l| !l.is_empty())
            .collect();
        let lines = if rolling {
            new_lines(cue, &previous)
        } else {
            &cue.lines[..]
        };
        read_cue(cue, lines, &mut out)?;
        previous = shown;
        i += 1;
    }
    Ok(out)
}

/// The lines of a rolling cue that were not on screen before: the leading untimed lines that
/// repeat the previous cue's last lines are dropped. Only untimed lines can be repeats, so a
/// word said twice survives when it came with its timestamp.
fn new_lines<'c, 'a>(cue: &'c Cue<'a>, previous: &[String]) -> &'c [(usize, &'a str)] {
    let shown: Vec<(usize, String)> = cue
        .lines
        .iter()
        .enumerate()
        .map(|(k, (_, l))| (k, plain(l)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let untimed = |k: usize| cue.lines.get(k).is_some_and(|(_, l)| !stamped(l));
    let most = shown.len().min(previous.len());
    for n in (1..=most).rev() {
        let head = &shown[..n];
        let tail = &previous[previous.len() - n..];
        if head
            .iter()
            .zip(tail)
            .all(|((k, a), b)| a == b && untimed(*k))
        {
            let after = head[n - 1].0 + 1;
            return cue.lines.get(after..).unwrap_or_default();
        }
    }
    &cue.lines
}

/// Words of one cue: its time spread over the words by length, or, with inline timestamps,
/// each stretch of text from its timestamp to the next (the first from the cue's start, the
/// last to its end).
fn read_cue(cue: &Cue<'_>, lines: &[(usize, &str)], out: &mut Vec<Token>) -> Result<(), Bad> {
    let mut runs: Vec<(String, f64)> = vec![(String::new(), cue.start)];
    for (k, (number, line)) in lines.iter().enumerate() {
        if k > 0 {
            if let Some((text, _)) = runs.last_mut() {
                text.push('\n');
            }
        }
        for bit in bits(line) {
            match bit {
                Bit::Tag(tag) if stamp_tag(tag) => {
                    let at = time(tag).ok_or_else(|| {
                        Bad::line(
                            *number,
                            format!("\"<{}>\" is not a time (HH:MM:SS.mmm)", short(tag)),
                        )
                    })?;
                    runs.push((String::new(), at));
                }
                Bit::Tag(tag) => push_tag(runs.last_mut(), tag),
                Bit::Text(text) => {
                    if let Some((run, _)) = runs.last_mut() {
                        run.push_str(text);
                    }
                }
            }
        }
    }
    for (k, (raw, start)) in runs.iter().enumerate() {
        let end = runs.get(k + 1).map_or(cue.end, |(_, next)| *next);
        let text = clean(raw);
        let text = if k == 0 { strip_label(&text) } else { &text };
        spread(text, *start, end, out);
    }
    Ok(())
}

fn push_tag(run: Option<&mut (String, f64)>, tag: &str) {
    if let Some((text, _)) = run {
        text.push('<');
        text.push_str(tag);
        text.push('>');
    }
}

/// Splits `text` into words and gives each a share of `start..end` as long as it is, so that
/// the words follow one another without gaps.
fn spread(text: &str, start: f64, end: f64, out: &mut Vec<Token>) {
    let words = words_of(text);
    let total: usize = words.iter().map(|w| w.chars().count()).sum();
    let mut done = 0;
    let mut from = start;
    for (k, word) in words.iter().enumerate() {
        done += word.chars().count();
        let to = if k + 1 == words.len() {
            end
        } else {
            start + (end - start) * done as f64 / total as f64
        };
        out.push(Token::timed(word, from, to));
        from = to;
    }
}

/// The words of cleaned cue text, without the marks subtitles use for a change of speaker
/// (`>>` in YouTube captions, a dash before each speaker's line in SubRip).
/// Chinese and Japanese are cut into dictionary words (`segment::words`).
fn words_of(text: &str) -> Vec<String> {
    crate::segment::words(text)
        .into_iter()
        .filter(|w| !matches!(w.as_str(), ">>" | "-" | "–"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// openai-whisper --highlight_words
//
// Every word gets a cue whose text is the whole subtitle with that word in `<u>…</u>`; a pause
// between two words gets a cue with the same text and no `<u>`. WhisperX writes the same, with
// words joined by spaces, `[SPEAKER_00]: ` in front, and no cue for a word it could not align.

enum Underline {
    None,
    One {
        base: String,
        from: usize,
        to: usize,
    },
    Many,
}

fn underline(text: &str) -> Underline {
    match (text.matches("<u>").count(), text.matches("</u>").count()) {
        (0, 0) => Underline::None,
        (1, 1) => match (text.find("<u>"), text.find("</u>")) {
            (Some(open), Some(close)) if close > open => {
                let inner = text.get(open + 3..close).unwrap_or("");
                let after = text.get(close + 4..).unwrap_or("");
                let base = format!("{}{inner}{after}", text.get(..open).unwrap_or(""));
                Underline::One {
                    base,
                    from: open,
                    to: close - 3,
                }
            }
            _ => Underline::Many,
        },
        _ => Underline::Many,
    }
}

/// How many cues from the first one are one highlighted subtitle, if they are: the same text
/// once `<u>` is taken out, each underlining a later word than the one before, pauses between.
fn highlighted(cues: &[Cue<'_>]) -> Option<usize> {
    // whisper opens every subtitle with its first word's cue.
    let first = cues.first()?;
    let Underline::One { base, from, to } = underline(&first.text()) else {
        return None;
    };
    let whole = base.trim() == base.get(from..to).unwrap_or("").trim();
    let mut last = from;
    let mut n = 1;
    for (k, cue) in cues.iter().enumerate().skip(1) {
        let text = cue.text();
        match underline(&text) {
            Underline::One { base: b, from, .. } if b == base && from > last => {
                last = from;
                n = k + 1;
            }
            Underline::None if text == base => {}
            _ => break,
        }
    }
    // One cue with a word underlined in a longer line is ordinary emphasis.
    (n >= 2 || whole).then_some(n)
}

fn read_highlighted(cues: &[Cue<'_>], out: &mut Vec<Token>) {
    let mut base = String::new();
    let mut spans = Vec::new();
    for cue in cues {
        if let Underline::One { base: b, from, to } = underline(&cue.text()) {
            base = b;
            spans.push((from, to, cue.start, cue.end));
        }
    }
    let untimed = |text: &str, out: &mut Vec<Token>| {
        for word in words_of(&clean(text)) {
            out.push(Token {
                text: word,
                start: None,
                end: None,
            });
        }
    };
    let mut cursor = base.len() - strip_label(&base).len();
    for (from, to, start, end) in spans {
        if from < cursor {
            continue;
        }
        untimed(base.get(cursor..from).unwrap_or(""), out);
        spread(&clean(base.get(from..to).unwrap_or("")), start, end, out);
        cursor = to;
    }
    untimed(base.get(cursor..).unwrap_or(""), out);
}

// ---------------------------------------------------------------------------------------------
// Markup

enum Bit<'a> {
    Text(&'a str),
    /// What is between `<` and `>`: `i`, `/c`, `c.yellow`, `v Speaker`, `00:00:01.500`.
    Tag(&'a str),
}

/// Splits cue text into text and tags. A `<` that does not open a tag (`a < b`) is text.
fn bits(s: &str) -> Vec<Bit<'_>> {
    let mut out = Vec::new();
    let mut text_from = 0;
    let mut pos = 0;
    // Every index used below sits next to an ASCII `<` or `>`, so on a char boundary.
    while let Some(open) = s.get(pos..).and_then(|r| r.find('<')).map(|k| k + pos) {
        let after = s.get(open + 1..).unwrap_or("");
        let opens = after.starts_with(|c: char| c == '/' || c.is_ascii_alphanumeric());
        match after.find(['>', '<', '\n']) {
            Some(k) if opens && after.get(k..).is_some_and(|r| r.starts_with('>')) => {
                if open > text_from {
                    out.push(Bit::Text(s.get(text_from..open).unwrap_or("")));
                }
                out.push(Bit::Tag(after.get(..k).unwrap_or("")));
                text_from = open + k + 2;
                pos = text_from;
            }
            _ => pos = open + 1,
        }
    }
    if let Some(text) = s.get(text_from..).filter(|t| !t.is_empty()) {
        out.push(Bit::Text(text));
    }
    out
}

/// An inline timestamp tag (`<00:00:01.500>`), well written or not.
fn stamp_tag(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_digit())
}

/// True if the line has an inline timestamp.
fn stamped(line: &str) -> bool {
    bits(line)
        .iter()
        .any(|b| matches!(b, Bit::Tag(t) if stamp_tag(t)))
}

/// The words of cue text: tags and ASS overrides (`{\an8}`) taken out, ruby annotations
/// (`<rt>…</rt>`) dropped, character references decoded.
fn clean(s: &str) -> String {
    let mut out = String::new();
    let mut in_ruby_text = false;
    for bit in bits(s) {
        match bit {
            Bit::Text(text) if !in_ruby_text => out.push_str(&strip_overrides(text)),
            Bit::Text(_) => {}
            Bit::Tag(tag) => {
                let name = tag.split([' ', '\t', '.']).next().unwrap_or("");
                if name.eq_ignore_ascii_case("rt") {
                    in_ruby_text = true;
                } else if name.eq_ignore_ascii_case("/rt") {
                    in_ruby_text = false;
                }
            }
        }
    }
    decode(&out)
}

/// A line as shown on screen, to compare lines: clean, one space between words.
fn plain(line: &str) -> String {
    clean(line).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes ASS/SSA override blocks like `{\an8}` or `{\i1}` that SubRip files carry.
fn strip_overrides(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find("{\\") {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes the character references subtitle files use; unknown ones stay as written.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let reference = after
            .find(';')
            .filter(|&k| k <= 10)
            .and_then(|k| Some((entity(&after[..k])?, k)));
        match reference {
            Some((text, k)) => {
                out.push_str(&text);
                rest = &after[k + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of `&name;`: the named references WebVTT defines, and numeric ones.
fn entity(name: &str) -> Option<String> {
    let text = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        // Direction marks only steer how the line is drawn.
        "lrm" | "rlm" => "",
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            return char::from_u32(code).map(String::from);
        }
    };
    Some(text.to_string())
}

/// Text after a leading speaker label such as WhisperX's `[SPEAKER_00]: `.
fn strip_label(s: &str) -> &str {
    let t = s.trim_start();
    let Some(inside) = t.strip_prefix('[') else {
        return s;
    };
    match inside.find(']') {
        Some(k) if !inside[..k].contains(['[', '\n']) => match inside[k + 1..].strip_prefix(':') {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
            _ => s,
        },
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRT_CUES: &str = include_str!("../../../tests/data/import/srt-cues.srt");
    const SRT_WORDS: &str = include_str!("../../../tests/data/import/srt-words.srt");
    const SRT_HIGHLIGHT: &str = include_str!("../../../tests/data/import/srt-highlight.srt");
    const SRT_MESSY: &str = include_str!("../../../tests/data/import/srt-messy.srt");
    const VTT_CUES: &str = include_str!("../../../tests/data/import/vtt-cues.vtt");
    const VTT_YOUTUBE: &str = include_str!("../../../tests/data/import/vtt-youtube.vtt");
    const VTT_HIGHLIGHT: &str = include_str!("../../../tests/data/import/vtt-highlight.vtt");

    use crate::import::testing::{assert_tokens as check, timed};

    fn parse(name: &str, raw: &str) -> Result<Vec<Token>, Bad> {
        crate::import::testing::parse(FORMATS, name, raw)
    }

    fn claims(raw: &str) -> Vec<&'static str> {
        crate::import::testing::claims(FORMATS, raw)
    }

    fn ok(name: &str, raw: &str) -> Vec<Token> {
        parse(name, raw).unwrap_or_else(|b| panic!("{}: {}", b.at, b.problem))
    }

    fn err(name: &str, raw: &str) -> (String, String) {
        match parse(name, raw) {
            Ok(tokens) => panic!("parsed: {tokens:?}"),
            Err(b) => (b.at, b.problem),
        }
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    /// `(word, start, end)` for words that share `start..end` by their length in characters.
    fn shared(
        words: &[&'static str],
        start: f64,
        end: f64,
    ) -> Vec<(&'static str, Option<f64>, Option<f64>)> {
        let total: usize = words.iter().map(|w| w.chars().count()).sum();
        let mut done = 0;
        words
            .iter()
            .map(|w| {
                let from = start + (end - start) * done as f64 / total as f64;
                done += w.chars().count();
                let to = start + (end - start) * done as f64 / total as f64;
                (*w, Some(from), Some(to))
            })
            .collect()
    }

    /// The words of the lecture samples with openai-whisper's word times.
    const LECTURE: &[(&str, f64, f64)] = &[
        ("Today", 0.62, 0.98),
        ("we", 0.98, 1.14),
        ("will", 1.14, 1.30),
        ("look", 1.30, 1.52),
        ("at", 1.52, 1.66),
        ("how", 1.66, 1.94),
        ("neural", 1.94, 2.36),
        ("networks", 2.36, 2.90),
        ("learn", 2.90, 3.22),
        ("from", 3.22, 3.44),
        ("data.", 3.44, 4.18),
        ("Each", 4.90, 5.16),
        ("layer", 5.16, 5.48),
        ("turns", 5.48, 5.84),
        ("its", 5.84, 6.02),
        ("input", 6.02, 6.60),
        ("into", 7.00, 7.24),
        ("a", 7.24, 7.34),
        ("slightly", 7.34, 7.80),
        ("more", 7.80, 8.04),
        ("useful", 8.04, 8.48),
        ("picture.", 8.48, 9.06),
    ];

    #[test]
    fn each_sample_is_claimed_by_its_format_alone() {
        for (raw, name) in [
            (SRT_CUES, "srt"),
            (SRT_WORDS, "srt"),
            (SRT_HIGHLIGHT, "srt"),
            (SRT_MESSY, "srt"),
            (VTT_CUES, "vtt"),
            (VTT_YOUTUBE, "vtt"),
            (VTT_HIGHLIGHT, "vtt"),
        ] {
            assert_eq!(claims(raw), [name], "{raw:.80}");
        }
    }

    #[test]
    fn other_tools_files_are_not_claimed() {
        for raw in [
            // openai-whisper JSON
            r#"{"text": " Hello.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hello.",
               "words": [{"word": " Hello.", "start": 0.0, "end": 1.0, "probability": 0.9}]}]}"#,
            // Remotion captions
            r#"[{"text": "Hello", "startMs": 0, "endMs": 500, "timestampMs": 250, "confidence": 1}]"#,
            // Polly speech marks
            "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":5,\"value\":\"Hello\"}\n\
             {\"time\":373,\"type\":\"word\",\"start\":6,\"end\":11,\"value\":\"world\"}\n",
            // CSV and TSV word tables
            "word,start,end\nHello,0.00,0.50\nworld,0.50,1.00\n",
            "start\tend\ttext\n0\t500\tHello\n500\t1000\tworld\n",
            "0.000000\t0.500000\tHello\n0.500000\t1.000000\tworld\n",
            // A Praat TextGrid (Montreal Forced Aligner)
            "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 1.0\n",
            // Plain text
            "Hello world.\nThis is a script, not subtitles.\n",
            "",
        ] {
            assert!(claims(raw).is_empty(), "{raw:.80}");
        }
        // Each format leaves the other's files alone (also checked on every sample above).
        assert_eq!(
            claims("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi\n"),
            ["vtt"]
        );
        assert_eq!(claims("1\n00:00:01.000 --> 00:00:02.000\nHi\n"), ["srt"]);
    }

    #[test]
    fn cue_time_is_shared_by_word_length() {
        let tokens = ok("srt", SRT_CUES);
        let mut expected = shared(
            &[
                "Today", "we", "will", "look", "at", "how", "neural", "networks", "learn", "from",
                "data.",
            ],
            0.62,
            4.18,
        );
        expected.extend(shared(
            &["Each", "layer", "turns", "its", "input"],
            4.9,
            6.6,
        ));
        // <i> is markup, not part of the word.
        expected.extend(shared(
            &["into", "a", "slightly", "more", "useful", "picture."],
            7.0,
            9.06,
        ));
        check(&tokens, &expected);
        // Long words get long spans, short ones short, and they follow one another.
        assert!(
            tokens[7].end.unwrap() - tokens[7].start.unwrap()
                > 4.0 * (tokens[4].end.unwrap() - tokens[4].start.unwrap()) - 1e-9
        );
        for pair in tokens[..11].windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
    }

    #[test]
    fn chinese_cues_are_cut_into_dictionary_words() {
        let srt = "1\n00:00:01,000 --> 00:00:03,000\n我们今天学习机器学习。\n";
        let tokens = ok("srt", srt);
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert!(words.len() >= 4, "{words:?}");
        assert_eq!(words.concat(), "我们今天学习机器学习。");
        assert_eq!(tokens[0].start, Some(1.0));
        assert_eq!(tokens.last().unwrap().end, Some(3.0));
    }

    #[test]
    fn one_word_per_cue_keeps_each_cues_times() {
        check(&ok("srt", SRT_WORDS), &timed(LECTURE));
    }

    #[test]
    fn whisper_highlight_words_srt_gives_one_word_per_underlined_cue() {
        // The same words as the cue-level sample, with whisper's own word times; the pause cue
        // (00:00:06,600 --> 00:00:07,000, no <u>) adds nothing.
        let tokens = ok("srt", SRT_HIGHLIGHT);
        check(&tokens, &timed(LECTURE));
        assert_eq!(texts(&tokens), texts(&ok("srt", SRT_CUES)));
    }

    #[test]
    fn whisper_highlight_words_vtt_with_line_breaks_and_a_pause() {
        check(
            &ok("vtt", VTT_HIGHLIGHT),
            &timed(&[
                ("The", 0.40, 0.56),
                ("gradient", 0.56, 1.02),
                ("tells", 1.02, 1.30),
                ("each", 1.30, 1.52),
                ("weight", 1.52, 1.84),
                ("which", 1.84, 2.04),
                ("way", 2.04, 2.22),
                ("to", 2.22, 2.34),
                ("move,", 2.34, 2.90),
                ("and", 3.30, 3.46),
                ("the", 3.46, 3.58),
                ("learning", 3.58, 3.96),
                ("rate", 3.96, 4.30),
                ("decides", 4.30, 4.78),
                ("how", 4.78, 4.98),
                ("far.", 4.98, 5.60),
            ]),
        );
    }

    #[test]
    fn whisperx_highlight_keeps_unaligned_words_untimed_and_drops_the_speaker() {
        // WhisperX joins words with spaces, prefixes the speaker, and gives no cue to a word it
        // could not align ("1984" here).
        let raw = "1\n00:00:01,000 --> 00:00:01,400\n[SPEAKER_00]: <u>Back</u> in 1984 computers\n\n\
                   2\n00:00:01,400 --> 00:00:01,600\n[SPEAKER_00]: Back <u>in</u> 1984 computers\n\n\
                   3\n00:00:01,600 --> 00:00:02,500\n[SPEAKER_00]: Back in 1984 computers\n\n\
                   4\n00:00:02,500 --> 00:00:03,100\n[SPEAKER_00]: Back in 1984 <u>computers</u>\n\n";
        check(
            &ok("srt", raw),
            &[
                ("Back", Some(1.0), Some(1.4)),
                ("in", Some(1.4), Some(1.6)),
                ("1984", None, None),
                ("computers", Some(2.5), Some(3.1)),
            ],
        );
    }

    #[test]
    fn highlight_subtitles_with_the_same_text_stay_apart() {
        // Two one-word subtitles "Yes." in a row: the second starts over at the same word.
        let raw = "1\n00:00:01,000 --> 00:00:01,500\n<u>Yes.</u>\n\n\
                   2\n00:00:02,000 --> 00:00:02,400\n<u>Yes.</u>\n\n";
        check(
            &ok("srt", raw),
            &[
                ("Yes.", Some(1.0), Some(1.5)),
                ("Yes.", Some(2.0), Some(2.4)),
            ],
        );
        // CJK words are written without spaces between them.
        let raw = "1\n00:00:00,000 --> 00:00:00,500\n<u>你好</u>世界\n\n\
                   2\n00:00:00,500 --> 00:00:01,200\n你好<u>世界</u>\n\n";
        check(
            &ok("srt", raw),
            &[
                ("你好", Some(0.0), Some(0.5)),
                ("世界", Some(0.5), Some(1.2)),
            ],
        );
    }

    #[test]
    fn an_underlined_word_in_an_ordinary_subtitle_is_emphasis() {
        let raw = "1\n00:00:01,000 --> 00:00:03,000\nThis is <u>very</u> important\n\n\
                   2\n00:00:03,000 --> 00:00:04,000\nIndeed\n";
        let mut expected = shared(&["This", "is", "very", "important"], 1.0, 3.0);
        expected.push(("Indeed", Some(3.0), Some(4.0)));
        check(&ok("srt", raw), &expected);
    }

    #[test]
    fn webvtt_blocks_identifiers_settings_voices_and_entities() {
        let mut expected = shared(
            &[
                "Welcome",
                "back.",
                "Last",
                "time",
                "we",
                "built",
                "a",
                "tiny",
                "perceptron;",
            ],
            0.5,
            3.2,
        );
        expected.extend(shared(
            &[
                "today", "we", "train", "it", "with", "gradient", "descent", "&", "see", "why",
                "it", "works.",
            ],
            3.6,
            7.45,
        ));
        expected.extend(shared(
            &["Will", "this", "be", "on", "the", "exam?"],
            9.1,
            10.3,
        ));
        check(&ok("vtt", VTT_CUES), &expected);
    }

    #[test]
    fn youtube_rolling_captions_give_each_word_once_at_its_timestamp() {
        let tokens = ok("vtt", VTT_YOUTUBE);
        assert_eq!(
            texts(&tokens).join(" "),
            "[Music] so in this lecture we're going to talk about how gradient descent actually \
             works and why the learning rate matters so much okay let's start with a picture so"
        );
        check(
            &tokens[..10],
            &timed(&[
                ("[Music]", 0.0, 1.91),
                // The first word of a line starts with its cue, the others at their timestamps,
                // and the last word of a line runs to the end of its cue.
                ("so", 1.92, 2.159),
                ("in", 2.159, 2.32),
                ("this", 2.32, 2.56),
                ("lecture", 2.56, 3.04),
                ("we're", 3.04, 3.28),
                ("going", 3.28, 3.439),
                ("to", 3.439, 4.309),
                ("talk", 4.319, 4.6),
                ("about", 4.6, 4.88),
            ]),
        );
        check(
            &tokens[22..],
            &timed(&[
                ("much", 9.92, 12.07),
                ("okay", 12.08, 12.559),
                ("let's", 12.559, 12.88),
                ("start", 12.88, 13.2),
                ("with", 13.2, 13.36),
                ("a", 13.36, 13.44),
                ("picture", 13.44, 14.39),
                // A one-word line has no timestamp: it takes its cue's time.
                ("so", 14.4, 15.0),
            ]),
        );
    }

    #[test]
    fn youtube_repeated_words_are_kept_when_said_twice() {
        // "no" is said twice: the second cue repeats the first line above a new one.
        let raw = "WEBVTT\nKind: captions\nLanguage: en\n\n\
                   00:00:01.000 --> 00:00:02.000 align:start position:0%\n \nwell<00:00:01.500><c> no</c>\n\n\
                   00:00:02.000 --> 00:00:02.010 align:start position:0%\nwell no\n \n\n\
                   00:00:02.010 --> 00:00:03.000 align:start position:0%\nwell no\nno\n\n\
                   00:00:03.000 --> 00:00:03.010 align:start position:0%\nno\n \n\n\
                   00:00:03.010 --> 00:00:04.000 align:start position:0%\nno\nno\n";
        check(
            &ok("vtt", raw),
            &timed(&[
                ("well", 1.0, 1.5),
                ("no", 1.5, 2.0),
                ("no", 2.01, 3.0),
                ("no", 3.01, 4.0),
            ]),
        );
    }

    #[test]
    fn karaoke_timestamps_without_repeats() {
        let raw = "WEBVTT\n\n00:00:00.030 --> 00:00:02.000\n\
                   Hello<00:00:00.526><c> world</c><00:00:01.021><c> again</c>\n\n\
                   00:00:02.000 --> 00:00:03.000\nHello<00:00:02.500><c> world</c>\n";
        check(
            &ok("vtt", raw),
            &timed(&[
                ("Hello", 0.03, 0.526),
                ("world", 0.526, 1.021),
                ("again", 1.021, 2.0),
                ("Hello", 2.0, 2.5),
                ("world", 2.5, 3.0),
            ]),
        );
    }

    #[test]
    fn messy_subrip_bom_crlf_missing_index_blank_lines_and_overrides() {
        let tokens = ok("srt", SRT_MESSY);
        let mut expected = shared(
            &[
                "Aujourd’hui,",
                "nous",
                "allons",
                "voir",
                "comment",
                "les",
                "réseaux",
                "de",
                "neurones",
                "apprennent.",
            ],
            0.8,
            3.95,
        );
        expected.extend(shared(
            &[
                "Chaque",
                "couche",
                "transforme",
                "son",
                "entrée",
                "en",
                "une",
                "représentation",
                "plus",
                "utile.",
            ],
            4.4,
            8.12,
        ));
        // A dot instead of a comma in the times.
        expected.extend(shared(
            &[
                "C’est",
                "là",
                "que",
                "«",
                "l’apprentissage",
                "»",
                "commence.",
            ],
            8.6,
            11.3,
        ));
        check(&tokens, &expected);
    }

    #[test]
    fn speaker_change_marks_are_not_words() {
        let raw = "1\n00:00:01,000 --> 00:00:03,000\n- Ready?\n- Yes.\n\n\
                   2\n00:00:03,000 --> 00:00:04,000\n&gt;&gt; Next question\n";
        let mut expected = shared(&["Ready?", "Yes."], 1.0, 3.0);
        expected.extend(shared(&["Next", "question"], 3.0, 4.0));
        check(&ok("srt", raw), &expected);
    }

    #[test]
    fn markup_and_character_references() {
        let raw = "1\n00:00:00,000 --> 00:00:01,000\n{\\an8}<b>x</b> &lt; y &amp; 3 < 4 &unknown; caf&#233;\n\n\
                   2\n00:00:01,000 --> 00:00:02,000\n<ruby>漢<rt>かん</rt></ruby>字&lrm;&nbsp;ok\n";
        let words: Vec<String> = ok("srt", raw).into_iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            [
                "x",
                "<",
                "y",
                "&",
                "3",
                "<",
                "4",
                "&unknown;",
                "café",
                "漢字",
                "ok"
            ]
        );
    }

    #[test]
    fn time_spellings() {
        let raw = "1\n0:00:01,5 --> 0:00:02,25 X1:40 X2:600 Y1:20 Y2:50\none\n\n\
                   2\n01:00:00.000 --> 01:00:01.000\ntwo\n";
        check(
            &ok("srt", raw),
            &timed(&[("one", 1.5, 2.25), ("two", 3600.0, 3601.0)]),
        );
        let raw = "WEBVTT\n\n00:01.000 --> 00:02.000 align:start\none\n\n1\n00:00:03.000 --> 00:00:04.000\ntwo\n";
        check(
            &ok("vtt", raw),
            &timed(&[("one", 1.0, 2.0), ("two", 3.0, 4.0)]),
        );
        // Without a blank line between cues, and with the text's last line before a time line.
        let raw =
            "00:00:01,000 --> 00:00:02,000\nHello there\n00:00:03,000 --> 00:00:04,000\nfriend\n";
        check(
            &ok("srt", raw),
            &timed(&[
                ("Hello", 1.0, 1.5),
                ("there", 1.5, 2.0),
                ("friend", 3.0, 4.0),
            ]),
        );
    }

    #[test]
    fn files_without_cues_give_no_words() {
        assert!(ok("vtt", "WEBVTT\n").is_empty());
        assert!(ok("vtt", "WEBVTT\n\nNOTE nothing yet\n").is_empty());
        assert!(ok("srt", "").is_empty());
        assert!(ok("srt", "\n\n").is_empty());
        // A cue with no text has no words.
        assert!(ok("srt", "1\n00:00:01,000 --> 00:00:02,000\n\n").is_empty());
    }

    #[test]
    fn bad_files_name_the_line() {
        let mut raw = String::new();
        for (n, t) in [(1, 1), (2, 2), (3, 3)] {
            raw += &format!("{n}\n00:00:0{t},000 --> 00:00:0{t},500\nword\n\n");
        }
        raw += "4\n00:00:1,000 --> 00:00:02,000\nword\n";
        assert_eq!(
            err("srt", &raw),
            (
                "line 14".into(),
                "\"00:00:1,000\" is not a time (HH:MM:SS,mmm)".into()
            )
        );
        assert_eq!(
            err("srt", "1\n00:00:03,000 --> 00:00:02,000\nword\n"),
            (
                "line 2".into(),
                "end 00:00:02,000 is before start 00:00:03,000".into()
            )
        );
        assert_eq!(
            err("vtt", "WEBVTT\n\n00:00:01.000 --> \nword\n"),
            (
                "line 3".into(),
                "the end time is missing around \"-->\"".into()
            )
        );
        assert_eq!(
            err("vtt", "WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nword\n"),
            (
                "line 3".into(),
                "\"00:00:61.000\" is not a time (HH:MM:SS.mmm)".into()
            )
        );
        assert_eq!(
            err(
                "vtt",
                "WEBVTT\n\n00:01.000 --> 00:03.000\none<00:00:1.5><c> two</c>\n"
            ),
            (
                "line 4".into(),
                "\"<00:00:1.5>\" is not a time (HH:MM:SS.mmm)".into()
            )
        );
        assert_eq!(
            err("srt", "1\n00:00:01,000 --> 00:00:02,000\nword\n\n2\n"),
            (
                "line 5".into(),
                "the file ends after cue number 2, without its times (is it cut short?)".into()
            )
        );
        assert_eq!(
            err("srt", "Hello\nworld\n"),
            (
                "line 1".into(),
                "expected a cue (a number, then a time line like \"00:00:01,000 --> \
                 00:00:04,000\"), found \"Hello\""
                    .into()
            )
        );
    }

    #[test]
    fn cut_files_never_panic() {
        for raw in [
            SRT_CUES,
            SRT_WORDS,
            SRT_HIGHLIGHT,
            SRT_MESSY,
            VTT_CUES,
            VTT_YOUTUBE,
            VTT_HIGHLIGHT,
        ] {
            for (cut, _) in raw.char_indices() {
                let part = &raw[..cut];
                let _ = claims(part);
                let _ = parse("srt", part);
                let _ = parse("vtt", part);
            }
        }
        for raw in [
            "<",
            "<u>",
            "</u><u>",
            "&",
            "&#xFFFFFFFF;",
            "&#;",
            "{\\",
            "[a]:",
            "-->",
            "<0",
            "<1>",
        ] {
            let cue = format!("WEBVTT\n\n00:00.000 --> 00:01.000\n{raw}\n");
            let _ = parse("vtt", &cue);
            let _ = parse("srt", &cue);
        }
    }
}
