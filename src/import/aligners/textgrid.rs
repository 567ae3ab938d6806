//! Montreal Forced Aligner's TextGrids, read with a lexer for Praat's text files: the long and the
//! short format give the same sequence once the labels are dropped. The words are the `words`
//! tiers (one per speaker, interleaved in time), or the only interval tier of a file made by
//! hand; silence is not a word. MFA's JSON (`mfa_json`) picks its words by the same rules, so
//! both spellings of one alignment give the same words. A problem in the text names its line.

use crate::import::{Bad, Input, Token};

/// (start, end, label) of an interval.
type Interval = (f64, f64, String);

/// MFA's word tiers: `words`, or `SPEAKER - words` when a file has several speakers.
pub(super) fn is_words_tier(name: &str) -> bool {
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
pub(super) fn is_silence(label: &str) -> bool {
    matches!(label.trim(), "" | "<eps>")
}

pub(super) fn detect_mfa(input: &Input<'_>) -> bool {
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

pub(super) fn parse_mfa(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
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
pub(super) fn pick_words(
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
