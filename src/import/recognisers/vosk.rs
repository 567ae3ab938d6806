//! Vosk (alphacep/vosk-api) results. With `SetWords(True)`, each `KaldiRecognizer.Result()` /
//! `FinalResult()` is `{"result": [{"conf", "start", "end", "word"}], "text": "..."}`, times in
//! seconds. Read as scripts save them:
//!
//! - one result, a JSON array of them, or one a line (JSON lines);
//! - the strings themselves printed one after another (`print(rec.Result())` into a file, as
//!   Vosk's examples do): Vosk writes each on several lines (`"conf" : 1.000000,`), so the file
//!   is a run of JSON objects, neither one document nor JSON lines;
//! - videogrep's transcript: an array of `{"content", "start", "end", "words": [...]}`, each word
//!   a Vosk word as it came;
//! - a flat array of Vosk words (scripts that keep only each result's `result`);
//! - `vosk-transcriber --output-type json`: `{"schemaVersion": "2.0", "monologues": [{"speaker",
//!   "start", "end", "terms": [{"confidence", "start", "end", "text", "type"}]}], "text": [...]}`
//!   (a speaker `id` other than its `unknown` is kept).
//!
//! Tolerated: results without words (`{"text": ""}`, silence); partial results (`partial`,
//! `partial_result`: the same speech again before its final result, skipped); results of
//! `SetMaxAlternatives(n)` (`alternatives[]`: the first, best one is read); `spk` speaker vectors
//! (numbers, not labels: ignored); and the `[unk]` / `<unk>` placeholders of unknown words,
//! dropped. A result with text but no words (`SetWords` was not called) is an error, and so is a
//! file of partial results only.

use serde_json::Value;

use super::{entries, peek, speaker, Entry};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

/// The keys of a Vosk result (`src/recognizer.cc`).
const RESULT_KEYS: &[&str] = &[
    "text",
    "result",
    "partial",
    "partial_result",
    "alternatives",
    "spk",
    "spk_frames",
];

/// A Vosk word: `word`, `start`, `end` and its confidence `conf`.
fn is_word(v: &Value) -> bool {
    v.get("word").is_some_and(Value::is_string)
        && v.get("start").is_some()
        && v.get("end").is_some()
        && v.get("conf").is_some()
}

/// The first word of a list, if it looks like Vosk's (`conf`, or next to a result's `text`).
fn first_is_word(list: Option<&Value>, with_text: bool) -> bool {
    list.and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|w| {
            is_word(w) || (with_text && w.get("word").is_some() && w.get("start").is_some())
        })
}

/// An object with only the keys a Vosk result has.
fn has_result_keys(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.keys().all(|k| RESULT_KEYS.contains(&k.as_str())))
}

/// A recognizer result with words, or a partial one.
fn is_result(v: &Value) -> bool {
    if !has_result_keys(v) {
        return false;
    }
    let text = v.get("text").is_some_and(Value::is_string);
    first_is_word(v.get("result"), text)
        || v.get("partial").is_some_and(Value::is_string)
        || v.get("alternatives")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|alt| first_is_word(alt.get("result"), true))
}

/// A videogrep transcript entry.
fn is_videogrep(v: &Value) -> bool {
    v.get("content").is_some() && first_is_word(v.get("words"), false)
}

/// vosk-transcriber's JSON.
fn is_transcriber(v: &Value) -> bool {
    v.get("schemaVersion").is_some()
        && v.get("monologues")
            .and_then(Value::as_array)
            .is_some_and(|m| m.iter().take(8).all(|m| m.get("terms").is_some()))
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    if input.json.is_none() && input.lines.is_none() {
        return looks_printed(input.text);
    }
    let first = peek(input);
    if first.len() == 1 && is_transcriber(first[0]) {
        return true;
    }
    first
        .iter()
        .all(|v| is_result(v) || is_videogrep(v) || is_word(v) || has_result_keys(v))
        && first
            .iter()
            .any(|v| is_result(v) || is_videogrep(v) || is_word(v))
}

/// Results as Vosk prints them (`"key" : value`, an object over several lines), one after
/// another; the first few kilobytes are enough to tell.
fn looks_printed(text: &str) -> bool {
    let head = text.trim_start();
    let mut end = head.len().min(4096);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let head = head.get(..end).unwrap_or("");
    head.starts_with('{')
        && [
            "{\n  \"result\" : [",
            "{\n  \"partial\" : \"",
            "{\n  \"text\" : \"",
        ]
        .iter()
        .any(|k| head.contains(k))
}

/// The JSON objects of a file of printed results, each with the line it starts on.
fn printed(text: &str) -> Result<Vec<(usize, Value)>, Bad> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut from = 0;
    loop {
        let start = text
            .get(from..)
            .and_then(|rest| rest.find(|c: char| !c.is_whitespace()))
            .map_or(text.len(), |skip| from + skip);
        let line = text.get(..start).map_or(1, |t| t.matches('\n').count() + 1);
        match stream.next() {
            None => return Ok(out),
            Some(Ok(v)) => out.push((line, v)),
            Some(Err(e)) => {
                let what = if e.is_eof() {
                    "the file ends in the middle of a result (truncated?)".to_string()
                } else {
                    format!("invalid JSON: {e}")
                };
                return Err(Bad::line(e.line(), what));
            }
        }
        from = stream.byte_offset();
    }
}

/// Placeholders Vosk models write for speech they have no word for.
fn is_unknown(word: &str) -> bool {
    matches!(word.trim(), "[unk]" | "<unk>")
}

fn word(node: &Node<'_>, key: &str, who: Option<&str>, out: &mut Vec<Token>) -> Result<(), Bad> {
    let text = node.field(key)?.str()?;
    if is_unknown(text) {
        return Ok(());
    }
    out.push(Token {
        text: text.to_string(),
        start: node.opt_time("start")?,
        end: node.opt_time("end")?,
        speaker: who.map(str::to_string),
        // Vosk's results say `conf`, vosk-transcriber's terms `confidence`.
        confidence: match node.confidence("conf")? {
            Some(c) => Some(c),
            None => node.confidence("confidence")?,
        },
        shared: None,
    });
    Ok(())
}

fn words(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for w in list.items()? {
        word(&w, "word", None, out)?;
    }
    Ok(())
}

fn monologues(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for m in list.items()? {
        let who = match m.get("speaker") {
            Some(s) => speaker(&s, "id")?.filter(|id| id != "unknown"),
            None => None,
        };
        for term in m.field("terms")?.items()? {
            word(&term, "text", who.as_deref(), out)?;
        }
    }
    Ok(())
}

/// What one entry gave: words (perhaps none), or only a partial result.
enum Read {
    Words,
    Partial,
}

fn entry(node: &Node<'_>, out: &mut Vec<Token>) -> Result<Read, Bad> {
    if let Some(list) = node.get("monologues") {
        monologues(&list, out)?;
    } else if let Some(list) = node.get("words") {
        // videogrep: the words are Vosk's; `content` is their text again.
        words(&list, out)?;
    } else if let Some(alts) = node.get("alternatives") {
        if let Some(best) = alts.items()?.first() {
            // An empty final result has an alternative with text and no `result`.
            if let Some(list) = best.get("result") {
                words(&list, out)?;
            } else if !best.field("text")?.str()?.trim().is_empty() {
                return Err(best.bad("text without word times"));
            }
        }
    } else if let Some(list) = node.get("result") {
        words(&list, out)?;
    } else if node.get("word").is_some() {
        word(node, "word", None, out)?;
    } else if node.get("partial").is_some() || node.get("partial_result").is_some() {
        return Ok(Read::Partial);
    } else if let Some(text) = node.get("text") {
        if !text.str()?.trim().is_empty() {
            return Err(text.bad(
                "text without word times: call SetWords(True) on the recognizer before recognising",
            ));
        }
    } else {
        return Err(node.bad("expected a Vosk result (\"result\" and \"text\")"));
    }
    Ok(Read::Words)
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let owned;
    let list = if input.json.is_none() && input.lines.is_none() {
        owned = printed(input.text)?;
        owned
            .iter()
            .map(|(n, v)| Entry {
                node: Node::root(v),
                line: Some(*n),
            })
            .collect()
    } else {
        entries(input)?
    };
    let mut out = Vec::new();
    let mut partial = 0;
    let mut finals = 0;
    for e in &list {
        let node = e.object()?;
        match entry(node, &mut out).map_err(|b| e.locate(b))? {
            Read::Words => finals += 1,
            Read::Partial => partial += 1,
        }
    }
    if finals == 0 && partial > 0 {
        return Err(Bad::new(
            "top level",
            "only partial results (\"partial\"), which carry no word times: save what Result() \
             and FinalResult() return, with SetWords(True)",
        ));
    }
    Ok(out)
}
