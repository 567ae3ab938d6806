//! NVIDIA NeMo word timestamps (Parakeet, Canary, FastConformer): what scripts save from
//! `asr_model.transcribe(..., timestamps=True)`. Each hypothesis's `timestamp` is
//! `{"word": [...], "segment": [...], "char": [...]}`, every entry `{"word" | "segment" |
//! "char", "start_offset", "end_offset", "start", "end"}`: offsets are encoder frames, `start`
//! and `end` the same times in seconds (`timestamp_utils.process_timestamp_outputs`). Read:
//!
//! - `{"text": ..., "timestamp": {"word": [...], ...}}` (a hypothesis's fields dumped), the
//!   `timestamp` object alone, or its `word` list alone;
//! - `transcribe_speech.py`'s output manifest: JSON lines of `{"audio_filepath", "pred_text",
//!   "word", "segment", "char", ...}` (`transcribe_utils.write_transcription`), one audio file's
//!   lines (each line's times count from its `offset`, as NeMo reads that part of the file);
//! - the ASR + diarization session JSON (`diarization_utils.py`): `{"session_id",
//!   "speaker_count", "transcription", "words": [{"word", "start_time", "end_time", "speaker"}],
//!   "sentences"}`, with its speakers.
//!
//! Seconds are read, never offsets: a frame's length depends on the model (its window stride
//! times its subsampling factor) and is not in the file, so an entry with offsets only is an
//! error saying so. `-1`, which NeMo's chunked inference leaves for a time it has not got, is no
//! time. Without a `word` list the `segment` list is read (its entries are cut into words by
//! the shared step); characters are not read.

use serde_json::Value;

use super::{entries, peek, speaker};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

/// An entry of a `timestamp` list: a word (segment, character) with frame offsets.
fn is_stamp(v: &Value) -> bool {
    v.get("start_offset").is_some()
        && v.get("end_offset").is_some()
        && ["word", "segment", "char"]
            .iter()
            .any(|k| v.get(k).is_some())
}

fn first_is_stamp(list: Option<&Value>) -> bool {
    list.and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(is_stamp)
}

/// The `timestamp` object: nested in a hypothesis, or the entry itself.
fn timestamp(v: &Value) -> &Value {
    v.get("timestamp").filter(|t| t.is_object()).unwrap_or(v)
}

fn is_nemo(v: &Value) -> bool {
    if is_stamp(v) {
        return true;
    }
    let t = timestamp(v);
    if first_is_stamp(t.get("word")) || first_is_stamp(t.get("segment")) {
        return true;
    }
    // No words (silence) still has the lists, all three or the two chunked inference keeps.
    let list = |k: &str| t.get(k).is_some_and(Value::is_array);
    if list("word") && list("segment") {
        return true;
    }
    v.get("session_id").is_some()
        && v.get("speaker_count").is_some()
        && v.get("words").is_some_and(Value::is_array)
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| is_nemo(v))
}

/// A time in seconds under `key`; NeMo's `-1` is none.
fn seconds(node: &Node<'_>, key: &str) -> Result<Option<f64>, Bad> {
    match node.get(key) {
        Some(n) if n.f64()? == -1.0 => Ok(None),
        Some(n) => n.time().map(Some),
        None => Ok(None),
    }
}

/// One timed entry; `key` holds its text (`word` or `segment`).
fn stamp(node: &Node<'_>, key: &str, offset: f64) -> Result<Token, Bad> {
    let text = node.field(key)?.str()?;
    let start = match seconds(node, "start")? {
        Some(t) => Some(t),
        None => seconds(node, "start_time")?,
    };
    let end = match seconds(node, "end")? {
        Some(t) => Some(t),
        None => seconds(node, "end_time")?,
    };
    if start.is_none() && end.is_none() && node.get("start_offset").is_some() {
        return Err(node.bad(
            "times only as frame numbers (start_offset, end_offset), whose length depends on the \
             model: save the \"start\" and \"end\" seconds that transcribe(..., timestamps=True) \
             adds to every entry",
        ));
    }
    Ok(Token {
        text: text.to_string(),
        start: start.map(|t| t + offset),
        end: end.map(|t| t + offset),
        speaker: speaker(node, "speaker")?,
        confidence: None,
        shared: None,
    })
}

fn list(node: &Node<'_>, key: &str, offset: f64, out: &mut Vec<Token>) -> Result<(), Bad> {
    for item in node.items()? {
        out.push(stamp(&item, key, offset)?);
    }
    Ok(())
}

/// The words of one entry: a hypothesis, a `timestamp` object, a manifest line, a diarization
/// session, or a single word of a bare list.
fn entry(node: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    if is_stamp(node.value) {
        let key = if node.get("word").is_some() {
            "word"
        } else if node.get("segment").is_some() {
            "segment"
        } else {
            return Err(node.bad("a character timestamp: save the \"word\" list"));
        };
        out.push(stamp(node, key, 0.0)?);
        return Ok(());
    }
    if !node.value.is_object() {
        return Err(node.bad(format!("expected an object, found {}", kind(node.value))));
    }
    let offset = match node.get("offset") {
        Some(o) => o.time()?,
        None => 0.0,
    };
    let t = match node.get("timestamp") {
        Some(t) if t.value.is_object() => t,
        _ => node.clone(),
    };
    if let Some(words) = t.get("word") {
        list(&words, "word", offset, out)
    } else if let Some(segments) = t.get("segment") {
        list(&segments, "segment", offset, out)
    } else if let Some(words) = node.get("words") {
        list(&words, "word", offset, out)
    } else {
        Err(node.bad(
            "no word timestamps (\"timestamp\": {\"word\": [...]}): transcribe with timestamps=True",
        ))
    }
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut out = Vec::new();
    // A manifest's lines may be several audio files; their times cannot share one video.
    let mut audio: Option<(&str, String)> = None;
    for e in entries(input)? {
        if let Some(node) = e.node.get("audio_filepath") {
            let path = node.str().map_err(|b| e.locate(b))?;
            match &audio {
                None => {
                    let at = e
                        .line
                        .map_or_else(|| e.node.path(), |n| format!("line {n}"));
                    audio = Some((path, at));
                }
                Some((first, first_at)) if *first != path => {
                    return Err(e.locate(node.bad(format!(
                        "{path} is another audio file than {first} ({first_at}): import one \
                         recording's lines at a time"
                    ))))
                }
                Some(_) => {}
            }
        }
        entry(&e.node, &mut out).map_err(|b| e.locate(b))?;
    }
    Ok(out)
}
