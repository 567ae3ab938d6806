//! stable-ts (jianfch/stable-ts): what `WhisperResult.save_as_json()` (and the `stable-ts`
//! command line's `-o out.json`) writes, the result's `to_dict()`. Whisper's shape, segments
//! with `words[]` of `{word, start, end, probability, tokens}`, with stable-ts's own keys around
//! it: `ori_dict` (the untouched Whisper result, not read: stable-ts's times are the segments'),
//! `regroup_history`, `nonspeech_sections`, `unfinished` at the top, and before 2.15.7 `id` and
//! `segment_id` on every word.
//!
//! Words carry their leading space as Whisper's do, and a piece the decoder emitted without one
//! continues the word before (read exactly as `whisper` reads them). Segments left with
//! `words: []` after editing are skipped.

use serde_json::Value;

use super::root;
use crate::import::whisper::words_of;
use crate::import::{Bad, Input, Token};

/// True if `v` is stable-ts's result: keys only `to_dict()` writes, or words numbered by
/// stable-ts (versions before 2.15.7 wrote `segment_id` on every word).
pub(in crate::import) fn is_stable_ts(v: &Value) -> bool {
    let Some(segments) = v.get("segments").and_then(Value::as_array) else {
        return false;
    };
    if ["ori_dict", "regroup_history", "nonspeech_sections"]
        .iter()
        .any(|k| v.get(k).is_some())
    {
        return true;
    }
    segments
        .iter()
        .take(8)
        .filter_map(|s| s.get("words")?.as_array()?.first())
        .any(|w| w.get("segment_id").is_some() && w.get("word").is_some())
}

pub(super) fn detect(input: &Input<'_>) -> bool {
    input.json.is_some_and(is_stable_ts)
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = root(input)?;
    let mut out = Vec::new();
    for seg in root.field("segments")?.items()? {
        match seg.get("words") {
            Some(words) => words_of(&words, None, &mut out)?,
            None if seg.value.is_object() => {
                return Err(seg.bad(
                    "no word timings: transcribe with word_timestamps=True (stable-ts's default)",
                ))
            }
            None => return Err(seg.bad("expected a segment object")),
        }
    }
    Ok(out)
}
