//! What the format tests share: a sample read as the importer reads files, and assertions on
//! the tokens that come out.

use serde_json::Value;

use super::{clean_text, parse_json, parse_json_lines, Bad, Format, Input, Token};

/// Runs `f` on `text` read the way `import` reads a file (BOM, CRLF, JSON or JSON lines).
pub fn with<R>(text: &str, script: Option<&str>, f: impl FnOnce(&Input<'_>) -> R) -> R {
    let text = clean_text(text);
    let json: Option<Value> = parse_json(&text).ok();
    let lines = match json {
        None => parse_json_lines(&text).and_then(Result::ok),
        Some(_) => None,
    };
    f(&Input {
        text: &text,
        json: json.as_ref(),
        lines: lines.as_deref(),
        script,
    })
}

pub fn format(formats: &'static [Format], name: &str) -> &'static Format {
    formats
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no format {name}"))
}

/// `text` read as the format `name` of `formats`.
pub fn parse(formats: &'static [Format], name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    with(text, None, |i| (format(formats, name).parse)(i))
}

/// The names of the formats in `formats` that claim `text`.
pub fn claims(formats: &[Format], text: &str) -> Vec<&'static str> {
    with(text, None, |i| {
        formats
            .iter()
            .filter(|f| (f.detect)(i))
            .map(|f| f.name)
            .collect()
    })
}

/// A token as a test expects it: text, start, end.
pub type Want<'a> = (&'a str, Option<f64>, Option<f64>);

pub fn assert_tokens(got: &[Token], want: &[Want<'_>]) {
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a == b,
    };
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, (text, start, end)) in got.iter().zip(want) {
        assert!(
            g.text == *text && close(g.start, *start) && close(g.end, *end),
            "got {g:?}, want {text:?} {start:?} {end:?}"
        );
    }
}

/// Words with both times.
pub fn timed(words: &[(&'static str, f64, f64)]) -> Vec<Want<'static>> {
    words
        .iter()
        .map(|&(w, s, e)| (w, Some(s), Some(e)))
        .collect()
}

/// Where and what, of a result that must be an error.
pub fn bad(result: Result<Vec<Token>, Bad>) -> (String, String) {
    let b = result.expect_err("should fail");
    (b.at, b.problem)
}

/// Every format gpucast reads that claims `text`.
pub fn all_claims(text: &str) -> Vec<&'static str> {
    with(text, None, |i| {
        crate::import::formats()
            .filter(|f| (f.detect)(i))
            .map(|f| f.name)
            .collect()
    })
}

/// Each token's speaker.
pub fn speakers(tokens: &[Token]) -> Vec<Option<&str>> {
    tokens.iter().map(|t| t.speaker.as_deref()).collect()
}
