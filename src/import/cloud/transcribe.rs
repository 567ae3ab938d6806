//! Amazon Transcribe batch job output (`asrOutput.json`, or the file `TranscriptFileUri` points
//! to): `results.items[]`, each with `type` `pronunciation` (a word, with `start_time` and
//! `end_time` in seconds written as STRINGS, `"4.87"`) or `punctuation` (no times: given
//! untimed, for the shared step to join to the word before), and the word in
//! `alternatives[0].content`. A file saved as only its `results` object is read too.
//!
//! Speakers: with speaker identification, newer outputs give each item a `speaker_label`
//! (`spk_0`); where items lack it, the label comes from `results.audio_segments` (newer outputs:
//! segments listing their items' `id`s) or from `results.speaker_labels.segments[].items` (older
//! outputs: the label of each word, matched to the items by start time, or else the segment
//! whose span holds the word). With channel identification the item's `channel_label` (`ch_0`)
//! names the speaker, and if `results.items` is missing, `results.channel_labels.channels[].items`
//! are read instead.
//!
//! Tolerated: an item whose end is before its start (real outputs have them, `"0.500"` to
//! `"0.460"`) is read with its two times swapped, which keeps it in its place among its
//! neighbours.

use std::collections::HashMap;

use serde_json::Value;

use super::common::{json_root, speaker_label, speaker_of};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

const ITEM_TYPES: &[&str] = &["pronunciation", "punctuation"];

fn is_item(item: &Value) -> bool {
    item.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| ITEM_TYPES.contains(&t))
        && item.get("alternatives").is_some_and(Value::is_array)
}

/// The `results` object, or the file itself when it was saved as only that.
fn results(v: &Value) -> &Value {
    v.get("results").filter(|r| r.is_object()).unwrap_or(v)
}

pub(super) fn transcribe_detect(input: &Input<'_>) -> bool {
    let Some(v @ Value::Object(_)) = input.json else {
        return false;
    };
    let r = results(v);
    let first_item = |list: Option<&Value>| {
        list.and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(is_item)
    };
    first_item(r.get("items"))
        || r.get("channel_labels")
            .and_then(|c| c.get("channels"))
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .is_some_and(|c| first_item(c.get("items")))
}

pub(super) fn transcribe_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let r = match root.get("results") {
        Some(r) if r.value.is_object() => r,
        _ => root.clone(),
    };
    let speakers = Speakers::read(&r)?;
    let mut out = Vec::new();
    match r.get("items") {
        Some(items) => read_items(&items, &speakers, &mut out)?,
        None => {
            let channels = r
                .get("channel_labels")
                .ok_or_else(|| r.bad("missing field \"items\""))?;
            for channel in channels.field("channels")?.items()? {
                read_items(&channel.field("items")?, &speakers, &mut out)?;
            }
        }
    }
    Ok(out)
}

fn read_items(items: &Node<'_>, speakers: &Speakers, out: &mut Vec<Token>) -> Result<(), Bad> {
    for item in items.items()? {
        let kind = item.field("type")?.str()?;
        let alternatives = item.field("alternatives")?;
        let first = alternatives
            .items()?
            .into_iter()
            .next()
            .ok_or_else(|| alternatives.bad("no alternatives"))?;
        let text = first.field("content")?.str()?.to_string();
        let (start, end) = match kind {
            "pronunciation" => {
                let start = item.field("start_time")?.time()?;
                let end = item.field("end_time")?.time()?;
                (Some(start.min(end)), Some(start.max(end)))
            }
            "punctuation" => (None, None),
            other => {
                return Err(item.field("type")?.bad(format!(
                    "unknown item type \"{other}\" (expected \"pronunciation\" or \"punctuation\")"
                )))
            }
        };
        let speaker = speaker_of(&item, &["speaker_label", "channel_label"])
            .or_else(|| speakers.of(&item, start, end));
        out.push(Token {
            text,
            start,
            end,
            speaker,
            // Punctuation items carry a confidence too, of no use once joined to a word.
            confidence: match kind {
                "pronunciation" => first.confidence("confidence")?,
                _ => None,
            },
            shared: None,
        });
    }
    Ok(())
}

/// Speaker labels kept beside the items, for items that do not carry their own.
#[derive(Default)]
struct Speakers {
    /// `audio_segments`: item id to label.
    by_id: HashMap<u64, String>,
    /// `speaker_labels.segments[].items`: start time in milliseconds to label.
    by_start: HashMap<i64, String>,
    /// `speaker_labels.segments`: span and label.
    spans: Vec<(f64, f64, String)>,
}

/// A time as a whole number of milliseconds, the precision Transcribe writes.
fn ms(t: f64) -> i64 {
    (t * 1000.0).round() as i64
}

impl Speakers {
    fn read(r: &Node<'_>) -> Result<Speakers, Bad> {
        let mut s = Speakers::default();
        if let Some(segments) = r.get("audio_segments") {
            for seg in segments.items()? {
                let Some(label) = seg.value.get("speaker_label").and_then(speaker_label) else {
                    continue;
                };
                let Some(ids) = seg.get("items") else {
                    continue;
                };
                for id in ids.items()? {
                    let n = id
                        .value
                        .as_u64()
                        .or_else(|| id.value.as_str().and_then(|t| t.parse().ok()))
                        .ok_or_else(|| {
                            id.bad(format!("expected an item id, found {}", id.value))
                        })?;
                    s.by_id.insert(n, label.clone());
                }
            }
        }
        if let Some(segments) = r.get("speaker_labels").and_then(|l| l.get("segments")) {
            for seg in segments.items()? {
                let Some(label) = seg.value.get("speaker_label").and_then(speaker_label) else {
                    continue;
                };
                if let (Some(a), Some(b)) = (seg.opt_time("start_time")?, seg.opt_time("end_time")?)
                {
                    s.spans.push((a, b, label.clone()));
                }
                let Some(items) = seg.get("items") else {
                    continue;
                };
                for item in items.items()? {
                    let label = item
                        .value
                        .get("speaker_label")
                        .and_then(speaker_label)
                        .unwrap_or_else(|| label.clone());
                    if let Some(t) = item.opt_time("start_time")? {
                        s.by_start.insert(ms(t), label);
                    }
                }
            }
        }
        Ok(s)
    }

    fn of(&self, item: &Node<'_>, start: Option<f64>, end: Option<f64>) -> Option<String> {
        if let Some(label) = item
            .value
            .get("id")
            .and_then(Value::as_u64)
            .and_then(|id| self.by_id.get(&id))
        {
            return Some(label.clone());
        }
        let (start, end) = (start?, end?);
        if let Some(label) = self.by_start.get(&ms(start)) {
            return Some(label.clone());
        }
        let mid = (start + end) / 2.0;
        self.spans
            .iter()
            .find(|(a, b, _)| *a <= mid && mid <= *b)
            .map(|(_, _, label)| label.clone())
    }
}
