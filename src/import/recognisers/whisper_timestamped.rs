//! whisper-timestamped (linto-ai/whisper-timestamped): the `.words.json` its command line writes
//! (`json.dump` of `transcribe_timestamped()`'s result), or that result printed to stdout with
//! fewer keys. Whisper's segments, each with `words[]` of `{text, start, end, confidence}`: the
//! word is under `text`, not Whisper's `word`, and carries no leading space (whisper-timestamped
//! joins sub-word tokens into whole words itself, so there is nothing to join here).
//!
//! Tolerated: French spacing inside a word's text (`"Bonjour !"`, cut and joined again by the
//! shared step), words without `confidence` (`--compute_confidence False`), and the `[*]`
//! words `--detect_disfluencies True` adds for hesitations, which are not words and are dropped.

use serde_json::Value;

use super::root;
use crate::import::{Bad, Input, Token};

/// What `--detect_disfluencies` writes for a probable hesitation (`DISFLUENCY_MARK`).
const DISFLUENCY: &str = "[*]";

/// The first few word objects of the segments.
fn first_words(v: &Value) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    v.get("segments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(8)
        .filter_map(|s| s.get("words")?.as_array())
        .flatten()
        .take(8)
        .filter_map(Value::as_object)
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    let Some(v) = input.json.filter(|v| v.is_object()) else {
        return false;
    };
    if super::is_stable_ts(v) {
        return false;
    }
    let mut words = first_words(v).peekable();
    if words.peek().is_none() {
        return false;
    }
    // Words under `text` and never `word`; and something of whisper-timestamped's own:
    // `confidence` on the words, or Whisper's decoder keys on the segments.
    let whisper_segment = v
        .get("segments")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .is_some_and(|s| {
            ["seek", "tokens", "avg_logprob", "no_speech_prob"]
                .iter()
                .any(|k| s.get(k).is_some())
        });
    let confident = first_words(v).any(|w| w.contains_key("confidence"));
    words.all(|w| w.contains_key("text") && w.contains_key("start") && !w.contains_key("word"))
        && (confident || whisper_segment)
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = root(input)?;
    let mut out = Vec::new();
    for seg in root.field("segments")?.items()? {
        if !seg.value.is_object() {
            return Err(seg.bad("expected a segment object"));
        }
        let Some(words) = seg.get("words") else {
            continue;
        };
        for w in words.items()? {
            let text = w.field("text")?.str()?;
            if text.trim() == DISFLUENCY {
                continue;
            }
            out.push(Token {
                text: text.to_string(),
                start: w.opt_time("start")?,
                end: w.opt_time("end")?,
                speaker: None,
                confidence: w.confidence("confidence")?,
                shared: None,
            });
        }
    }
    Ok(out)
}
