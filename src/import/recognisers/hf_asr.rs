//! The Hugging Face transformers `automatic-speech-recognition` pipeline's output with
//! `return_timestamps="word"`, saved as JSON: `{"text": "...", "chunks": [{"text": " word",
//! "timestamp": [start, end]}]}`, seconds. Whisper models give each word with its leading space,
//! CTC models (wav2vec2) without; either way a chunk is a whole word. Segment-level output
//! (`return_timestamps=True`) has the same shape with sentences in the chunks, cut into words by
//! the shared step.
//!
//! Tolerated: a `null` time (Whisper leaves the last chunk's end `null` when the audio stops
//! mid-word), left for interpolation; a list of outputs (the pipeline called on a list), or one
//! output a line, read in order as consecutive parts of one recording, so an output whose words
//! start before the previous output's last word (another recording, or a part whose times
//! restart at 0) is an error; extra keys (`language` from `return_language=True`).
//!
//! insanely-fast-whisper with diarization adds `speakers`: `[{"speaker", "text", "timestamp":
//! [start, end]}]`, the speaker turns over the same clock. Each word takes the speaker of the
//! turn that holds its middle (or, in a gap between turns, that overlaps it most).

use serde_json::Value;

use super::{entries, peek};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

fn is_output(v: &Value) -> bool {
    v.get("chunks")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .is_some_and(|c| c.get("text").is_some() && c.get("timestamp").is_some_and(Value::is_array))
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| is_output(v))
}

/// `[start, end]`, either one possibly `null`.
fn times(node: &Node<'_>) -> Result<(Option<f64>, Option<f64>), Bad> {
    let pair = node.items()?;
    match pair.as_slice() {
        [start, end] => {
            let time = |n: &Node<'_>| match n.value {
                Value::Null => Ok(None),
                _ => n.time().map(Some),
            };
            Ok((time(start)?, time(end)?))
        }
        other => Err(node.bad(format!(
            "expected [start, end], found {} values",
            other.len()
        ))),
    }
}

/// insanely-fast-whisper's speaker turns: who, from, to.
fn turns(node: &Node<'_>) -> Result<Vec<(String, f64, f64)>, Bad> {
    let Some(list) = node.get("speakers") else {
        return Ok(Vec::new());
    };
    let mut turns = Vec::new();
    for turn in list.items()? {
        let Some(who) = super::speaker(&turn, "speaker")? else {
            continue;
        };
        if let (Some(from), Some(to)) = times(&turn.field("timestamp")?)? {
            turns.push((who, from, to.max(from)));
        }
    }
    Ok(turns)
}

/// The speaker of the turn holding the middle of `from..to`, else of the turn overlapping it most.
fn speaker_at(turns: &[(String, f64, f64)], from: f64, to: f64) -> Option<String> {
    let mid = (from + to) / 2.0;
    if let Some((who, ..)) = turns.iter().find(|(_, s, e)| *s <= mid && mid <= *e) {
        return Some(who.clone());
    }
    turns
        .iter()
        .map(|(who, s, e)| (who, e.min(to) - s.max(from)))
        .filter(|(_, overlap)| *overlap > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(who, _)| who.clone())
}

fn output(node: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    let turns = turns(node)?;
    for chunk in node.field("chunks")?.items()? {
        let text = chunk.field("text")?.str()?;
        let (start, end) = match chunk.get("timestamp") {
            Some(t) => times(&t)?,
            None => (None, None),
        };
        let speaker = match (start, end) {
            (Some(s), Some(e)) => speaker_at(&turns, s, e),
            (Some(t), None) | (None, Some(t)) => speaker_at(&turns, t, t),
            (None, None) => None,
        };
        out.push(Token {
            text: text.to_string(),
            start,
            end,
            speaker,
            confidence: None,
            shared: None,
        });
    }
    Ok(())
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut out = Vec::new();
    // The last start of the outputs read so far.
    let mut last: Option<f64> = None;
    for e in entries(input)? {
        let from = out.len();
        output(&e.node, &mut out).map_err(|b| e.locate(b))?;
        let added = out.get(from..).unwrap_or_default();
        let first = added.iter().find_map(|t| t.start);
        if let (Some(first), Some(before)) = (first, last) {
            if first < before {
                return Err(e.locate(e.node.bad(format!(
                    "its words start at {first:.3} s, before the words of the output before it \
                     ({before:.3} s): each output is read as the next part of one recording, so \
                     import each recording's output on its own"
                ))));
            }
        }
        last = added.iter().rev().find_map(|t| t.start).or(last);
    }
    Ok(out)
}
