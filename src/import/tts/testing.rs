//! What the text-to-speech format tests share: the sample files, a file read the way
//! `gpucast import` reads it, and assertions on the words that come out.

use serde_json::Value;

use super::FORMATS;
use crate::import::{Bad, Format, Input, Token};

/// A timings file read as `gpucast import` reads it: BOM dropped, CRLF as LF, then JSON or
/// JSON lines.
pub(super) struct File {
    text: String,
    json: Option<Value>,
    pub(super) lines: Option<Vec<(usize, Value)>>,
}

pub(super) fn file(raw: &str) -> File {
    let text = raw
        .strip_prefix('\u{feff}')
        .unwrap_or(raw)
        .replace("\r\n", "\n");
    let json = serde_json::from_str(&text).ok();
    let lines = if json.is_some() {
        None
    } else {
        let mut out = Vec::new();
        let mut ok = true;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(line) {
                Ok(v) => out.push((i + 1, v)),
                Err(_) => ok = false,
            }
        }
        (ok && out.len() >= 2).then_some(out)
    };
    File { text, json, lines }
}

impl File {
    fn input<'a>(&'a self, script: Option<&'a str>) -> Input<'a> {
        Input {
            text: &self.text,
            json: self.json.as_ref(),
            lines: self.lines.as_deref(),
            script,
        }
    }
}

fn format(name: &str) -> &'static Format {
    FORMATS.iter().find(|f| f.name == name).unwrap()
}

fn parse(name: &str, raw: &str, script: Option<&str>) -> Result<Vec<Token>, Bad> {
    let f = file(raw);
    let input = f.input(script);
    (format(name).parse)(&input)
}

pub(super) const ELEVENLABS: &str = include_str!("../../../tests/data/import/elevenlabs.json");
pub(super) const ELEVENLABS_STREAM: &str =
    include_str!("../../../tests/data/import/elevenlabs-stream.jsonl");
pub(super) const ELEVENLABS_WS: &str =
    include_str!("../../../tests/data/import/elevenlabs-ws.jsonl");
pub(super) const ELEVENLABS_MESSY: &str =
    include_str!("../../../tests/data/import/elevenlabs-messy.json");
pub(super) const EDGE_TTS: &str = include_str!("../../../tests/data/import/azure-edge-tts.jsonl");
pub(super) const EDGE_TTS_SENTENCES: &str =
    include_str!("../../../tests/data/import/azure-edge-tts-sentences.jsonl");
pub(super) const AZURE_SDK: &str = include_str!("../../../tests/data/import/azure-sdk.json");
pub(super) const AZURE_JS: &str = include_str!("../../../tests/data/import/azure-js.json");
pub(super) const AZURE_METADATA: &str =
    include_str!("../../../tests/data/import/azure-metadata.jsonl");
pub(super) const AZURE_MESSY: &str = include_str!("../../../tests/data/import/azure-messy.json");
pub(super) const POLLY: &str = include_str!("../../../tests/data/import/polly.marks");
pub(super) const POLLY_SCRIPT: &str = include_str!("../../../tests/data/import/polly-script.txt");
pub(super) const POLLY_SSML: &str = include_str!("../../../tests/data/import/polly-ssml.marks");
pub(super) const POLLY_SSML_SCRIPT: &str =
    include_str!("../../../tests/data/import/polly-ssml-script.ssml");
pub(super) const POLLY_MESSY: &str = include_str!("../../../tests/data/import/polly-messy.json");
pub(super) const GOOGLE: &str = include_str!("../../../tests/data/import/google.json");
pub(super) const GOOGLE_SCRIPT: &str =
    include_str!("../../../tests/data/import/google-script.ssml");
pub(super) const GOOGLE_PLAIN: &str = include_str!("../../../tests/data/import/google-plain.json");
pub(super) const GOOGLE_PLAIN_SCRIPT: &str =
    include_str!("../../../tests/data/import/google-plain-script.txt");
pub(super) const GOOGLE_MESSY: &str = include_str!("../../../tests/data/import/google-messy.json");

pub(super) fn ok(name: &str, raw: &str, script: Option<&str>) -> Vec<Token> {
    parse(name, raw, script).unwrap_or_else(|b| panic!("{}: {}", b.at, b.problem))
}

pub(super) fn err(name: &str, raw: &str, script: Option<&str>) -> (String, String) {
    match parse(name, raw, script) {
        Ok(tokens) => panic!("parsed: {tokens:?}"),
        Err(b) => (b.at, b.problem),
    }
}

/// Asserts the words and times, times to a nanosecond.
pub(super) fn check(tokens: &[Token], expected: &[(&str, Option<f64>, Option<f64>)]) {
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a == b,
    };
    assert_eq!(tokens.len(), expected.len(), "{tokens:?}");
    for (t, (text, start, end)) in tokens.iter().zip(expected) {
        assert!(
            t.text == *text && close(t.start, *start) && close(t.end, *end),
            "got {t:?}, expected {text:?} {start:?} {end:?}"
        );
    }
}

pub(super) fn texts(tokens: &[Token]) -> Vec<&str> {
    tokens.iter().map(|t| t.text.as_str()).collect()
}

pub(super) fn claims(raw: &str) -> Vec<&'static str> {
    let f = file(raw);
    let input = f.input(None);
    FORMATS
        .iter()
        .filter(|fm| (fm.detect)(&input))
        .map(|fm| fm.name)
        .collect()
}
