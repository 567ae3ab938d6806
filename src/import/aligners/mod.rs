//! Forced aligners: Gentle's JSON, Montreal Forced Aligner's TextGrids and JSON, aeneas sync maps.
//!
//! An aligner is given the script, so its words are the script's words; what differs is how each
//! tool marks silence, words it could not place, and levels (phones, sentences) around the words.

use serde_json::Value;

use super::json::{kind, Node};
use super::{Bad, Format, Input, Token};

pub const FORMATS: &[Format] = &[
    Format {
        name: "gentle",
        title: "Gentle JSON",
        detect: detect_gentle,
        parse: parse_gentle,
    },
    Format {
        name: "mfa",
        title: "Montreal Forced Aligner TextGrid (Praat)",
        detect: detect_mfa,
        parse: parse_mfa,
    },
    Format {
        name: "mfa-json",
        title: "Montreal Forced Aligner JSON",
        detect: detect_mfa_json,
        parse: parse_mfa_json,
    },
    Format {
        name: "aeneas",
        title: "aeneas JSON sync map",
        detect: detect_aeneas,
        parse: parse_aeneas,
    },
];

fn json_root<'a>(input: &Input<'a>) -> Result<Node<'a>, Bad> {
    input
        .json
        .map(Node::root)
        .ok_or_else(|| Bad::new("top level", "not a JSON file"))
}

fn untimed(text: impl Into<String>) -> Token {
    Token {
        text: text.into(),
        start: None,
        end: None,
    }
}

/// Several words known only as a whole: the first starts with it and the last ends with it; the
/// times in between are left to interpolation.
fn spread(out: &mut Vec<Token>, words: &[&str], start: f64, end: f64) {
    let last = words.len().saturating_sub(1);
    for (i, w) in words.iter().enumerate() {
        out.push(Token {
            text: (*w).to_string(),
            start: (i == 0).then_some(start),
            end: (i == last).then_some(end),
        });
    }
}

// ---- Gentle ----------------------------------------------------------------------------------

const GENTLE_CASES: &[&str] = &["success", "not-found-in-audio", "not-found-in-transcript"];

fn detect_gentle(input: &Input<'_>) -> bool {
    let Some(words) = input
        .json
        .and_then(|v| v.get("words"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    words.iter().take(5).any(|w| {
        w.get("case")
            .and_then(Value::as_str)
            .is_some_and(|c| GENTLE_CASES.contains(&c))
    })
}

fn parse_gentle(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let mut words = Vec::new();
    for w in root.field("words")?.items()? {
        let case = w.get("case").map(|c| c.str()).transpose()?;
        // A filler Gentle heard but the transcript does not have (`--disfluency`).
        if case == Some("not-found-in-transcript") {
            continue;
        }
        let text = w.field("word")?.str()?;
        let (start, end) = if matches!(case, None | Some("success")) {
            (w.opt_time("start")?, w.opt_time("end")?)
        } else {
            (None, None)
        };
        let offsets = match (w.get("startOffset"), w.get("endOffset")) {
            (Some(s), Some(e)) => s.value.as_u64().zip(e.value.as_u64()),
            _ => None,
        };
        words.push((
            Token {
                text: text.to_string(),
                start,
                end,
            },
            offsets,
        ));
    }
    let transcript = root.get("transcript").and_then(|t| t.value.as_str());
    Ok(match transcript.and_then(|t| with_transcript(t, &words)) {
        Some(tokens) => tokens,
        None => words.into_iter().map(|(t, _)| t).collect(),
    })
}

/// The words with the transcript's punctuation around them (Gentle's words are only the letters
/// and digits). `None` if the offsets do not point at the words, so the words are used as they are.
fn with_transcript(transcript: &str, words: &[(Token, Option<(u64, u64)>)]) -> Option<Vec<Token>> {
    if words.is_empty() {
        return None;
    }
    // Gentle's offsets count characters (Python string indices), not bytes.
    let bounds: Vec<usize> = transcript
        .char_indices()
        .map(|(i, _)| i)
        .chain([transcript.len()])
        .collect();
    let slice = |a: usize, b: usize| transcript.get(*bounds.get(a)?..*bounds.get(b)?);
    let mut out: Vec<Token> = Vec::new();
    let mut pos = 0;
    for (token, offsets) in words {
        let (s, e) = (*offsets)?;
        let (s, e) = (usize::try_from(s).ok()?, usize::try_from(e).ok()?);
        if s < pos || e < s || slice(s, e)? != token.text {
            return None;
        }
        let lead = share_gap(slice(pos, s)?, &mut out);
        out.push(Token {
            text: format!("{lead}{}", token.text),
            ..token.clone()
        });
        pos = e;
    }
    let rest = share_gap(slice(pos, bounds.len() - 1)?, &mut out);
    if !rest.is_empty() {
        out.push(untimed(rest));
    }
    Some(out)
}

/// Shares out the text between two words: what touches the previous word joins it, what stands
/// alone between spaces (`&`, `—`) becomes a word without times, and what touches the next word is
/// returned to go in front of it.
fn share_gap<'t>(gap: &'t str, out: &mut Vec<Token>) -> &'t str {
    let mut pieces = gap.split(char::is_whitespace);
    let first = pieces.next().unwrap_or("");
    let mut middle: Vec<&str> = pieces.collect();
    let Some(lead) = middle.pop() else {
        // No space in the gap: it all sticks to the previous word, or to the next at the start.
        return match out.last_mut() {
            Some(prev) => {
                prev.text.push_str(first);
                ""
            }
            None => first,
        };
    };
    if let Some(prev) = out.last_mut() {
        prev.text.push_str(first);
    } else if !first.is_empty() {
        out.push(untimed(first));
    }
    for piece in middle {
        if !piece.is_empty() {
            out.push(untimed(piece));
        }
    }
    lead
}

// ---- Montreal Forced Aligner: TextGrid -------------------------------------------------------

/// (start, end, label) of an interval.
type Interval = (f64, f64, String);

/// MFA's word tiers: `words`, or `SPEAKER - words` when a file has several speakers.
fn is_words_tier(name: &str) -> bool {
    let name = name.trim().to_lowercase();
    let Some(rest) = name
        .strip_suffix("words")
        .or_else(|| name.strip_suffix("word"))
    else {
        return false;
    };
    let rest = rest.trim_end();
    rest.is_empty() || rest.ends_with('-')
}

/// Labels that mark silence rather than a word: Praat's empty interval, and MFA's silence word
/// when its TextGrid clean-up is turned off.
fn is_silence(label: &str) -> bool {
    matches!(label.trim(), "" | "<eps>")
}

fn detect_mfa(input: &Input<'_>) -> bool {
    let text = input.text.trim_start();
    let head = text.get(..200).unwrap_or(text);
    text.starts_with("File type = \"ooTextFile") && head.contains("\"TextGrid\"")
}

/// What a Praat text file is made of once the labels (`xmin =`, `intervals [3]:`) are dropped:
/// the long and short formats give the same sequence.
#[derive(Debug)]
enum Tok {
    Text(String),
    Number(f64),
    Flag(String),
}

struct Lexed {
    tok: Tok,
    line: usize,
}

fn lex_praat(text: &str) -> Result<Vec<Lexed>, Bad> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
            continue;
        }
        if c.is_whitespace() || c == '=' {
            continue;
        }
        if c == '"' {
            let start = line;
            let mut s = String::new();
            loop {
                match chars.next() {
                    None => {
                        return Err(Bad::line(
                            start,
                            "a quoted text is never closed (is the file cut short?)",
                        ))
                    }
                    // Praat doubles a quote inside a text.
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        s.push('"');
                    }
                    Some('"') => break,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        s.push(ch);
                    }
                }
            }
            out.push(Lexed {
                tok: Tok::Text(s),
                line: start,
            });
            continue;
        }
        let mut word = String::from(c);
        while let Some(&n) = chars.peek() {
            if n.is_whitespace() || n == '=' || n == '"' {
                break;
            }
            word.push(n);
            chars.next();
        }
        let tok = if c.is_ascii_digit() || "+-.".contains(c) {
            match word.parse::<f64>() {
                Ok(x) => Tok::Number(x),
                Err(_) => {
                    return Err(Bad::line(
                        line,
                        format!("expected a number, found \"{word}\""),
                    ))
                }
            }
        } else if c == '<' {
            Tok::Flag(word)
        } else {
            continue;
        };
        out.push(Lexed { tok, line });
    }
    Ok(out)
}

struct Praat {
    toks: std::vec::IntoIter<Lexed>,
    last_line: usize,
}

impl Praat {
    fn next(&mut self, what: &dyn Fn() -> String) -> Result<Lexed, Bad> {
        let lexed = self.toks.next().ok_or_else(|| {
            Bad::line(
                self.last_line,
                format!(
                    "the file ends where {} should be (is it cut short?)",
                    what()
                ),
            )
        })?;
        self.last_line = lexed.line;
        Ok(lexed)
    }

    fn number(&mut self, what: &dyn Fn() -> String) -> Result<(f64, usize), Bad> {
        match self.next(what)? {
            Lexed {
                tok: Tok::Number(x),
                line,
            } if x.is_finite() => Ok((x, line)),
            other => Err(unexpected(&other, what)),
        }
    }

    fn time(&mut self, what: &dyn Fn() -> String) -> Result<f64, Bad> {
        let (t, line) = self.number(what)?;
        if t < 0.0 {
            return Err(Bad::line(line, format!("{}: negative time {t}", what())));
        }
        Ok(t)
    }

    fn count(&mut self, what: &dyn Fn() -> String) -> Result<u64, Bad> {
        let (n, line) = self.number(what)?;
        if n < 0.0 || n.fract() != 0.0 || n > 1e15 {
            return Err(Bad::line(line, format!("{}: {n} is not a count", what())));
        }
        // Whole and in range, so the conversion is exact.
        Ok(n as u64)
    }

    fn text(&mut self, what: &dyn Fn() -> String) -> Result<(String, usize), Bad> {
        match self.next(what)? {
            Lexed {
                tok: Tok::Text(s),
                line,
            } => Ok((s, line)),
            other => Err(unexpected(&other, what)),
        }
    }
}

fn unexpected(found: &Lexed, what: &dyn Fn() -> String) -> Bad {
    let desc = match &found.tok {
        Tok::Text(s) => format!("the text \"{s}\""),
        Tok::Number(x) => format!("the number {x}"),
        Tok::Flag(f) => f.clone(),
    };
    Bad::line(found.line, format!("expected {}, found {desc}", what()))
}

fn parse_mfa(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut p = Praat {
        toks: lex_praat(input.text)?.into_iter(),
        last_line: 1,
    };
    let (file_type, line) = p.text(&|| "the file type \"ooTextFile\"".into())?;
    if !file_type.starts_with("ooTextFile") {
        return Err(Bad::line(
            line,
            format!("file type \"{file_type}\" is not a Praat text file (\"ooTextFile\")"),
        ));
    }
    let (class, line) = p.text(&|| "the object class \"TextGrid\"".into())?;
    if !class.starts_with("TextGrid") {
        return Err(Bad::line(
            line,
            format!("this Praat file holds a \"{class}\", not a TextGrid"),
        ));
    }
    p.number(&|| "the TextGrid's start time".into())?;
    p.number(&|| "the TextGrid's end time".into())?;
    match p.next(&|| "<exists>".into())? {
        Lexed {
            tok: Tok::Flag(f), ..
        } if f == "<exists>" => {}
        Lexed {
            tok: Tok::Flag(f), ..
        } if f == "<absent>" => return Ok(Vec::new()),
        other => return Err(unexpected(&other, &|| "<exists>".into())),
    }
    let tiers = p.count(&|| "the number of tiers".into())?;
    // (start, end, label) of every words tier, and every interval tier's name.
    let mut words: Vec<Interval> = Vec::new();
    let mut words_tiers = 0;
    let mut interval_tiers: Vec<(String, Vec<Interval>)> = Vec::new();
    for t in 1..=tiers {
        let (class, line) = p.text(&|| format!("the class of tier {t}"))?;
        let (name, _) = p.text(&|| format!("the name of tier {t}"))?;
        p.number(&|| format!("the start time of tier \"{name}\""))?;
        p.number(&|| format!("the end time of tier \"{name}\""))?;
        let n = p.count(&|| format!("the size of tier \"{name}\""))?;
        match class.as_str() {
            "IntervalTier" => {
                let mut intervals = Vec::new();
                for i in 1..=n {
                    let start =
                        p.time(&|| format!("the start of interval {i} of tier \"{name}\""))?;
                    let end = p.time(&|| format!("the end of interval {i} of tier \"{name}\""))?;
                    let (label, _) =
                        p.text(&|| format!("the text of interval {i} of tier \"{name}\""))?;
                    if !is_silence(&label) {
                        intervals.push((start, end, label));
                    }
                }
                if is_words_tier(&name) {
                    words_tiers += 1;
                    words.extend(intervals);
                } else {
                    interval_tiers.push((name, intervals));
                }
            }
            "TextTier" => {
                for i in 1..=n {
                    p.number(&|| format!("the time of point {i} of tier \"{name}\""))?;
                    p.text(&|| format!("the mark of point {i} of tier \"{name}\""))?;
                }
            }
            _ => {
                return Err(Bad::line(
                    line,
                    format!("tier class \"{class}\" is neither \"IntervalTier\" nor \"TextTier\""),
                ))
            }
        }
    }
    pick_words(words, words_tiers, interval_tiers)
}

/// The words tiers' intervals, or those of the only interval tier in a file made by hand.
fn pick_words(
    mut words: Vec<Interval>,
    words_tiers: usize,
    mut others: Vec<(String, Vec<Interval>)>,
) -> Result<Vec<Token>, Bad> {
    if words_tiers == 0 {
        if others.len() != 1 {
            let names: Vec<String> = others.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            return Err(Bad::new(
                "top level",
                if names.is_empty() {
                    "no interval tier of words".to_string()
                } else {
                    format!(
                        "no tier named \"words\" (or \"SPEAKER - words\") among the tiers {}",
                        names.join(", ")
                    )
                },
            ));
        }
        words = others.pop().map(|(_, w)| w).unwrap_or_default();
    }
    if words_tiers > 1 {
        // One tier per speaker: their words interleave in time.
        words.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(words
        .into_iter()
        .map(|(start, end, text)| Token::timed(text, start, end))
        .collect())
}

// ---- Montreal Forced Aligner: JSON -----------------------------------------------------------

fn detect_mfa_json(input: &Input<'_>) -> bool {
    let has_entries = |t: &Value| t.get("entries").is_some_and(Value::is_array);
    match input.json.and_then(|v| v.get("tiers")) {
        Some(Value::Object(tiers)) => tiers.values().take(8).any(has_entries),
        // praatio's "textgrid_json": a list of tiers with their names.
        Some(Value::Array(tiers)) => tiers
            .iter()
            .take(8)
            .any(|t| has_entries(t) && t.get("name").is_some()),
        _ => false,
    }
}

fn parse_mfa_json(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let tiers_node = root.field("tiers")?;
    let mut tiers: Vec<(String, Node<'_>)> = Vec::new();
    match tiers_node.value {
        Value::Object(map) => {
            for key in map.keys() {
                if let Some(tier) = tiers_node.get(key) {
                    tiers.push((key.clone(), tier));
                }
            }
        }
        Value::Array(_) => {
            for tier in tiers_node.items()? {
                let name = tier.field("name")?.str()?.to_string();
                tiers.push((name, tier));
            }
        }
        other => {
            return Err(tiers_node.bad(format!(
                "expected an object of tiers, found {}",
                kind(other)
            )))
        }
    }
    let mut words = Vec::new();
    let mut words_tiers = 0;
    let mut others = Vec::new();
    for (name, tier) in tiers {
        // MFA writes "interval", praatio "IntervalTier"; point tiers hold no words.
        let class = tier.get("type").or_else(|| tier.get("class"));
        if let Some(class) = class {
            if !matches!(class.str()?, "interval" | "IntervalTier") {
                continue;
            }
        }
        let mut intervals = Vec::new();
        for entry in tier.field("entries")?.items()? {
            let parts = entry.items()?;
            let [start, end, label, ..] = parts.as_slice() else {
                return Err(entry.bad("expected [start, end, \"word\"]"));
            };
            let label = label.str()?;
            if !is_silence(label) {
                intervals.push((start.time()?, end.time()?, label.to_string()));
            }
        }
        if is_words_tier(&name) {
            words_tiers += 1;
            words.extend(intervals);
        } else {
            others.push((name, intervals));
        }
    }
    pick_words(words, words_tiers, others)
}

// ---- aeneas ----------------------------------------------------------------------------------

fn detect_aeneas(input: &Input<'_>) -> bool {
    let Some(fragments) = input
        .json
        .and_then(|v| v.get("fragments"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    fragments.first().is_none_or(|f| {
        f.get("lines").is_some() || (f.get("begin").is_some() && f.get("end").is_some())
    })
}

fn parse_aeneas(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut out = Vec::new();
    aeneas_fragments(&json_root(input)?.field("fragments")?, &mut out)?;
    Ok(out)
}

/// The deepest fragments (the words of an `mplain` map); a fragment of several words is spread.
fn aeneas_fragments(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for fragment in list.items()? {
        if let Some(children) = fragment.get("children") {
            if children.len() != Some(0) {
                aeneas_fragments(&children, out)?;
                continue;
            }
        }
        let mut text = String::new();
        for line in fragment.field("lines")?.items()? {
            text.push_str(line.str()?);
            text.push(' ');
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        // HEAD and TAIL (`os_task_file_head_tail_format=add`) have no lines.
        if words.is_empty() {
            continue;
        }
        let begin = fragment.field("begin")?.time()?;
        let end = fragment.field("end")?.time()?;
        spread(out, &words, begin, end);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENTLE: &str = include_str!("../../../tests/data/import/gentle.json");
    const MFA: &str = include_str!("../../../tests/data/import/mfa.TextGrid");
    const MFA_SHORT: &str = include_str!("../../../tests/data/import/mfa-short.TextGrid");
    const MFA_JSON: &str = include_str!("../../../tests/data/import/mfa.json");
    const MFA_SPEAKERS: &str = include_str!("../../../tests/data/import/mfa-speakers.json");
    const AENEAS: &str = include_str!("../../../tests/data/import/aeneas.json");
    const AENEAS_PLAIN: &str = include_str!("../../../tests/data/import/aeneas-plain.json");
    const REMOTION: &str = include_str!("../../../tests/data/import/remotion.json");
    const CSV: &str = include_str!("../../../tests/data/import/csv-header.csv");
    const TSV: &str = include_str!("../../../tests/data/import/csv-plain.tsv");

    use crate::import::testing::{assert_tokens, bad, timed, with};

    fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
        crate::import::testing::parse(FORMATS, name, text)
    }

    fn claims(text: &str) -> Vec<&'static str> {
        crate::import::testing::claims(FORMATS, text)
    }

    #[test]
    fn gentle_takes_the_transcript_spelling_and_punctuation() {
        let tokens = parse("gentle", GENTLE).unwrap();
        let mut want = timed(&[
            ("Today", 0.52, 0.84),
            ("we'll", 0.86, 1.07),
            ("look", 1.07, 1.31),
            ("at", 1.31, 1.42),
            ("how", 1.42, 1.65),
            ("neural", 1.68, 2.0),
            ("networks", 2.02, 2.48),
            ("learn", 2.52, 2.81),
            ("from", 2.81, 3.02),
            ("data,", 3.02, 3.44),
            ("and", 3.91, 4.08),
            // "um" was heard but is not in the transcript: left out.
            ("why", 4.71, 4.95),
            ("the", 4.95, 5.04),
            ("loss", 5.04, 5.36),
            ("function", 5.36, 5.77),
            ("matters", 5.77, 6.16),
        ]);
        want.push(("so", None, None));
        want.push(("much.", Some(6.55), Some(6.87)));
        assert_tokens(&tokens, &want);
    }

    #[test]
    fn gentle_without_a_usable_transcript_keeps_the_words() {
        let mut v: Value = serde_json::from_str(GENTLE).unwrap();
        v.as_object_mut().unwrap().remove("transcript");
        let tokens = parse("gentle", &v.to_string()).unwrap();
        assert_eq!(tokens[9].text, "data");
        assert_eq!(tokens.len(), 18);
        // Offsets that do not point at the words (an edited transcript): the words as they are.
        let mut v: Value = serde_json::from_str(GENTLE).unwrap();
        v["transcript"] = Value::from("Completely different text.");
        let tokens = parse("gentle", &v.to_string()).unwrap();
        assert_eq!(tokens[9].text, "data");
        assert_eq!(tokens[17].text, "much");
    }

    #[test]
    fn gentle_shares_out_the_text_between_words() {
        let json = r#"{"transcript": "\u201cR & D,\u201d she said \u2014 quietly\u2026 (really)",
          "words": [
            {"case": "success", "word": "R", "startOffset": 1, "endOffset": 2, "start": 0.1, "end": 0.3},
            {"case": "success", "word": "D", "startOffset": 5, "endOffset": 6, "start": 0.5, "end": 0.7},
            {"case": "success", "word": "she", "startOffset": 9, "endOffset": 12, "start": 0.8, "end": 1.0},
            {"case": "not-found-in-audio", "word": "said", "startOffset": 13, "endOffset": 17},
            {"case": "success", "word": "quietly", "startOffset": 20, "endOffset": 27, "start": 1.5, "end": 2.0},
            {"case": "success", "word": "really", "startOffset": 30, "endOffset": 36, "start": 2.1, "end": 2.4}
          ]}"#;
        assert_tokens(
            &parse("gentle", json).unwrap(),
            &[
                ("\u{201c}R", Some(0.1), Some(0.3)),
                ("&", None, None),
                ("D,\u{201d}", Some(0.5), Some(0.7)),
                ("she", Some(0.8), Some(1.0)),
                ("said", None, None),
                ("\u{2014}", None, None),
                ("quietly\u{2026}", Some(1.5), Some(2.0)),
                ("(really)", Some(2.1), Some(2.4)),
            ],
        );
    }

    #[test]
    fn gentle_errors_name_the_entry() {
        let words = |w: &str| {
            format!(
                r#"{{"words": [{{"case": "success", "word": "a", "start": 0, "end": 1}}, {w}]}}"#
            )
        };
        assert_eq!(
            bad(parse(
                "gentle",
                &words(r#"{"case": "success", "word": "b", "start": "soon", "end": 1}"#)
            )),
            (
                "words[1].start".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            bad(parse(
                "gentle",
                &words(r#"{"case": "success", "start": 1, "end": 2}"#)
            )),
            ("words[1]".into(), "missing field \"word\"".into())
        );
        assert_eq!(
            bad(parse(
                "gentle",
                &words(r#"{"case": "success", "word": "b", "start": -1, "end": 2}"#)
            )),
            ("words[1].start".into(), "negative time -1".into())
        );
        assert_eq!(
            bad(parse("gentle", r#"{"words": {"case": "success"}}"#)),
            ("words".into(), "expected an array, found an object".into())
        );
        assert_eq!(bad(parse("gentle", "not json")).0, "top level".to_string());
        assert!(parse("gentle", r#"{"words": []}"#).unwrap().is_empty());
    }

    #[test]
    fn mfa_reads_the_words_tier_of_a_long_textgrid() {
        assert_tokens(
            &parse("mfa", MFA).unwrap(),
            &timed(&[
                ("so", 0.41, 0.62),
                ("the", 0.62, 0.71),
                ("gradient", 0.71, 1.24),
                ("tells", 1.24, 1.52),
                ("us", 1.52, 1.69),
                ("which", 1.69, 1.9),
                ("direction", 1.9, 2.47),
                ("to", 2.47, 2.58),
                ("move", 2.58, 2.86),
                ("each", 2.86, 3.07),
                ("weight", 3.07, 3.42),
                ("and", 3.93, 4.09),
                ("the", 4.09, 4.16),
                ("learning", 4.16, 4.55),
                ("rate", 4.55, 4.86),
                ("tells", 4.86, 5.12),
                ("us", 5.12, 5.27),
                ("how", 5.27, 5.46),
                ("far", 5.46, 5.93),
            ]),
        );
    }

    const TWO_SPEAKERS: &[(&str, f64, f64)] = &[
        ("what", 0.35, 0.52),
        ("does", 0.52, 0.66),
        ("the", 0.66, 0.74),
        ("learning", 0.74, 1.12),
        ("rate", 1.12, 1.41),
        ("control", 1.41, 2.02),
        ("the", 2.93, 3.02),
        ("size", 3.02, 3.41),
        ("of", 3.41, 3.5),
        ("every", 3.5, 3.81),
        ("step", 3.81, 4.27),
        ("exactly", 4.81, 5.37),
    ];

    #[test]
    fn mfa_merges_the_speakers_of_a_short_textgrid() {
        assert_tokens(&parse("mfa", MFA_SHORT).unwrap(), &timed(TWO_SPEAKERS));
    }

    #[test]
    fn mfa_reads_praat_quoting_and_odd_tiers() {
        // Doubled quotes, a label over two lines, MFA's <eps>, a point tier, one unnamed tier.
        let grid = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n0\n3\n<exists>\n2\n\
            \"TextTier\"\n\"events\"\n0\n3\n1\n1.5\n\"click\"\n\
            \"IntervalTier\"\n\"transcript\"\n0\n3\n4\n0\n1\n\"say \"\"hi\"\"\"\n1\n1.5\n\"<eps>\"\n\
            1.5\n2\n\"two\nlines\"\n2\n3\n\"\"\n";
        assert_tokens(
            &parse("mfa", grid).unwrap(),
            &timed(&[("say \"hi\"", 0.0, 1.0), ("two\nlines", 1.5, 2.0)]),
        );
        let empty = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 1\ntiers? <absent>\n";
        assert!(parse("mfa", empty).unwrap().is_empty());
    }

    #[test]
    fn mfa_errors_name_the_line() {
        let cut = &MFA[..MFA.find("text = \"gradient\"").unwrap()];
        assert_eq!(
            bad(parse("mfa", cut)),
            (
                "line 29".into(),
                "the file ends where the text of interval 4 of tier \"words\" should be (is it cut short?)".into()
            )
        );
        let broken = MFA.replacen("xmax = 0.71 ", "xmax = 0.7l ", 1);
        assert_eq!(
            bad(parse("mfa", &broken)),
            ("line 25".into(), "expected a number, found \"0.7l\"".into())
        );
        let negative = MFA.replacen("xmin = 0.41 ", "xmin = -0.41 ", 1);
        assert_eq!(
            bad(parse("mfa", &negative)),
            (
                "line 20".into(),
                "the start of interval 2 of tier \"words\": negative time -0.41".into()
            )
        );
        let shifted = MFA.replacen("text = \"so\" ", "", 1);
        assert_eq!(
            bad(parse("mfa", &shifted)),
            (
                "line 24".into(),
                "expected the text of interval 2 of tier \"words\", found the number 0.62".into()
            )
        );
        let open = MFA.replacen("text = \"so\" ", "text = \"so ", 1);
        // The quotes pair up wrongly from there on, until the last one is left open.
        assert_eq!(
            bad(parse("mfa", &open)),
            (
                "line 364".into(),
                "a quoted text is never closed (is the file cut short?)".into()
            )
        );
        let unclosed = "File type = \"ooTextFile\"\nObject class = \"TextGrid\n";
        assert_eq!(
            bad(parse("mfa", unclosed)),
            (
                "line 2".into(),
                "a quoted text is never closed (is the file cut short?)".into()
            )
        );
        let pitch = "File type = \"ooTextFile\"\nObject class = \"Pitch 1\"\n";
        assert_eq!(
            bad(parse("mfa", pitch)),
            (
                "line 2".into(),
                "this Praat file holds a \"Pitch 1\", not a TextGrid".into()
            )
        );
        let no_words = MFA.replace("name = \"words\"", "name = \"orthography\"");
        assert_eq!(
            bad(parse("mfa", &no_words)),
            (
                "top level".into(),
                "no tier named \"words\" (or \"SPEAKER - words\") among the tiers \"orthography\", \"phones\"".into()
            )
        );
    }

    #[test]
    fn words_tier_names() {
        for yes in [
            "words",
            "Words",
            "word",
            "Anna - words",
            "spk1-words",
            " anna -  words ",
        ] {
            assert!(is_words_tier(yes), "{yes}");
        }
        for no in ["phones", "swords", "anna - phones", "keywords", ""] {
            assert!(!is_words_tier(no), "{no}");
        }
    }

    #[test]
    fn mfa_json_reads_words_and_speakers() {
        assert_tokens(
            &parse("mfa-json", MFA_JSON).unwrap(),
            &timed(&[
                ("backpropagation", 0.38, 1.27),
                ("applies", 1.27, 1.63),
                ("the", 1.63, 1.71),
                ("chain", 1.71, 2.02),
                ("rule", 2.02, 2.34),
                ("one", 2.79, 2.95),
                ("layer", 2.95, 3.28),
                ("at", 3.28, 3.36),
                ("a", 3.36, 3.41),
                ("time", 3.41, 3.83),
                ("from", 4.22, 4.41),
                ("the", 4.41, 4.49),
                ("output", 4.49, 4.93),
                ("back", 4.93, 5.18),
                ("to", 5.18, 5.27),
                ("the", 5.27, 5.34),
                ("input", 5.34, 5.89),
            ]),
        );
        assert_tokens(
            &parse("mfa-json", MFA_SPEAKERS).unwrap(),
            &timed(TWO_SPEAKERS),
        );
        // praatio's "textgrid_json", with blanks filled in.
        let praatio = r#"{"xmin": 0, "xmax": 2, "tiers": [
            {"class": "IntervalTier", "name": "words", "xmin": 0, "xmax": 2,
             "entries": [[0, 0.5, ""], [0.5, 1.1, "hello"], [1.1, 2, "world"]]}]}"#;
        assert_eq!(claims(praatio), ["mfa-json"]);
        assert_tokens(
            &parse("mfa-json", praatio).unwrap(),
            &timed(&[("hello", 0.5, 1.1), ("world", 1.1, 2.0)]),
        );
    }

    #[test]
    fn mfa_json_errors_name_the_entry() {
        let tier = |entries: &str| {
            format!(
                r#"{{"start": 0, "end": 3, "tiers": {{"words": {{"type": "interval", "entries": [[0, 1, "a"], {entries}]}}}}}}"#
            )
        };
        assert_eq!(
            bad(parse("mfa-json", &tier(r#"[1, 2]"#))),
            (
                "tiers.words.entries[1]".into(),
                "expected [start, end, \"word\"]".into()
            )
        );
        assert_eq!(
            bad(parse("mfa-json", &tier(r#"[1, "2s", "b"]"#))),
            (
                "tiers.words.entries[1][1]".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            bad(parse("mfa-json", &tier(r#"[1, 2, 3]"#))),
            (
                "tiers.words.entries[1][2]".into(),
                "expected text, found a number".into()
            )
        );
        assert_eq!(
            bad(parse("mfa-json", &tier(r#"{"begin": 1}"#))),
            (
                "tiers.words.entries[1]".into(),
                "expected an array, found an object".into()
            )
        );
        assert_eq!(
            bad(parse("mfa-json", r#"{"tiers": "words"}"#)),
            (
                "tiers".into(),
                "expected an object of tiers, found text".into()
            )
        );
    }

    #[test]
    fn aeneas_takes_the_deepest_fragments() {
        assert_tokens(
            &parse("aeneas", AENEAS).unwrap(),
            &timed(&[
                ("Gradient", 0.48, 0.93),
                ("descent", 0.93, 1.39),
                ("is", 1.39, 1.52),
                ("an", 1.52, 1.6),
                ("iterative", 1.6, 2.16),
                ("method.", 2.16, 2.74),
                ("It", 3.12, 3.21),
                ("takes", 3.21, 3.5),
                ("small", 3.5, 3.86),
                ("steps", 3.86, 4.27),
                ("downhill.", 4.27, 4.96),
                ("Each", 5.64, 5.88),
                ("step", 5.88, 6.2),
                ("follows", 6.2, 6.61),
                ("the", 6.61, 6.7),
                ("negative", 6.7, 7.18),
                ("gradient.", 7.18, 7.92),
            ]),
        );
        // One word per fragment; HEAD and TAIL have no lines.
        let plain = parse("aeneas", AENEAS_PLAIN).unwrap();
        assert_eq!(plain.len(), 11);
        assert_tokens(&plain[..1], &timed(&[("Convolutional", 0.62, 1.31)]));
        assert_tokens(&plain[10..], &timed(&[("image.", 3.89, 4.52)]));
    }

    #[test]
    fn aeneas_spreads_a_fragment_of_several_words() {
        // As in aeneas's own tests (sonnet001.json): a fragment per subtitle of two lines.
        let json = r#"{"fragments": [
          {"begin": "2.680", "children": [], "end": "5.880", "id": "f000002", "language": "en",
           "lines": ["From fairest creatures", "we desire increase,"]},
          {"begin": "5.880", "children": [], "end": "6.200", "id": "f000003", "language": "en",
           "lines": ["That"]}]}"#;
        assert_tokens(
            &parse("aeneas", json).unwrap(),
            &[
                ("From", Some(2.68), None),
                ("fairest", None, None),
                ("creatures", None, None),
                ("we", None, None),
                ("desire", None, None),
                ("increase,", None, Some(5.88)),
                ("That", Some(5.88), Some(6.2)),
            ],
        );
    }

    #[test]
    fn aeneas_errors_name_the_fragment() {
        let frag = |f: &str| {
            format!(
                r#"{{"fragments": [{{"begin": "0.000", "end": "1.000", "lines": ["a"], "children": [{f}]}}]}}"#
            )
        };
        assert_eq!(
            bad(parse(
                "aeneas",
                &frag(r#"{"begin": "1.2.3", "end": "2.000", "lines": ["b"]}"#)
            )),
            (
                "fragments[0].children[0].begin".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            bad(parse(
                "aeneas",
                &frag(r#"{"begin": "1.000", "end": "2.000"}"#)
            )),
            (
                "fragments[0].children[0]".into(),
                "missing field \"lines\"".into()
            )
        );
        assert_eq!(
            bad(parse(
                "aeneas",
                &frag(r#"{"begin": "1.000", "end": "2.000", "lines": [7]}"#)
            )),
            (
                "fragments[0].children[0].lines[0]".into(),
                "expected text, found a number".into()
            )
        );
        assert_eq!(
            bad(parse(
                "aeneas",
                r#"{"fragments": [{"begin": "0", "end": "1", "lines": ["a"], "children": "none"}]}"#
            )),
            (
                "fragments[0].children".into(),
                "expected an array, found text".into()
            )
        );
    }

    #[test]
    fn each_sample_is_claimed_by_its_format_only() {
        assert_eq!(claims(GENTLE), ["gentle"]);
        assert_eq!(claims(MFA), ["mfa"]);
        assert_eq!(claims(MFA_SHORT), ["mfa"]);
        assert_eq!(claims(MFA_JSON), ["mfa-json"]);
        assert_eq!(claims(MFA_SPEAKERS), ["mfa-json"]);
        assert_eq!(claims(AENEAS), ["aeneas"]);
        assert_eq!(claims(AENEAS_PLAIN), ["aeneas"]);
    }

    #[test]
    fn others_files_are_not_claimed() {
        let others = [
            REMOTION,
            CSV,
            TSV,
            // openai-whisper, OpenAI verbose_json, whisperX, whisper.cpp
            r#"{"text": " Hi.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hi.", "words": [{"word": " Hi.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
            r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hi.", "words": [{"word": "Hi", "start": 0.0, "end": 0.5}]}"#,
            r#"{"segments": [{"start": 0.0, "end": 1.0, "text": "Hi", "words": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}], "word_segments": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}"#,
            r#"{"transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"}, "offsets": {"from": 0, "to": 1000}, "text": " Hi", "tokens": []}]}"#,
            r#"{"alignment": {"characters": ["H", "i"], "character_start_times_seconds": [0, 0.1], "character_end_times_seconds": [0.1, 0.2]}}"#,
            r#"{"timepoints": [{"markName": "w0", "timeSeconds": 0.1}]}"#,
            "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":2,\"value\":\"Hi\"}\n{\"time\":300,\"type\":\"word\",\"start\":3,\"end\":8,\"value\":\"there\"}\n",
            "1\n00:00:00,000 --> 00:00:01,000\nHello there\n\n2\n00:00:01,000 --> 00:00:02,000\nfriend\n",
            "WEBVTT\n\n00:00.000 --> 00:01.000\nHello there\n",
            "[]",
            "{}",
            r#"{"words": [{"word": "hi", "start": 0, "end": 1}]}"#,
            r#"{"fragments": "none"}"#,
            "",
            "Just some prose, with a comma.\n",
        ];
        for text in others {
            assert!(claims(text).is_empty(), "{:?} claimed {text}", claims(text));
        }
    }

    #[test]
    fn broken_files_never_panic() {
        for (name, text) in [
            ("gentle", GENTLE),
            ("mfa", MFA),
            ("mfa", MFA_SHORT),
            ("mfa-json", MFA_JSON),
            ("aeneas", AENEAS),
        ] {
            let cuts = text.char_indices().map(|(i, _)| i).step_by(3);
            for cut in cuts {
                let part = &text[..cut];
                with(part, None, |input| {
                    for f in FORMATS {
                        (f.detect)(input);
                        let _ = (f.parse)(input);
                    }
                });
            }
            let mangled = text.replace('"', "").replace('1', "\u{e9}");
            let _ = parse(name, &mangled);
        }
    }
}
