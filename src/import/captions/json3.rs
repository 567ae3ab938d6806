//! YouTube's timedtext `json3` captions, as yt-dlp saves them with `--sub-format json3`: a list
//! of `events`, each shown from `tStartMs` for `dDurationMs`, whose `segs` hold the text.
//!
//! Automatic captions give a seg per word (`" lesson"` with a leading space), timed by
//! `tOffsetMs` from its event's start; a seg without `tOffsetMs` starts with its event. Uploaded
//! captions give one seg holding the whole line, which then shares its event's time. Events
//! without `segs` (the window and position set up at the top) and segs that are only a line
//! break (the `aAppend` events between two lines of rolling automatic captions) are not words.
//! A word ends where the next one starts, and no later than its event's end: automatic captions
//! keep an event on screen long after its last word was said.

use serde_json::Value;

use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

pub(super) fn detect(input: &Input<'_>) -> bool {
    let Some(v) = input.json else {
        return false;
    };
    let Some(events) = v.get("events").and_then(Value::as_array) else {
        return false;
    };
    v.get("wireMagic").and_then(Value::as_str) == Some("pb3")
        || events
            .iter()
            .take(8)
            .any(|e| e.get("tStartMs").is_some_and(Value::is_number))
}

struct Seg<'a> {
    text: &'a str,
    /// Milliseconds.
    start: f64,
    event_end: Option<f64>,
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = Node::root(
        input
            .json
            .ok_or_else(|| Bad::new("top level", "not JSON"))?,
    );
    let mut segs = Vec::new();
    for event in root.field("events")?.items()? {
        if !event.value.is_object() {
            return Err(event.bad(format!(
                "expected an object, found {}",
                crate::import::json::kind(event.value)
            )));
        }
        let Some(list) = event.get("segs") else {
            continue;
        };
        let start = event.field("tStartMs")?.time()?;
        let event_end = event.opt_time("dDurationMs")?.map(|d| start + d);
        for seg in list.items()? {
            let text = seg.field("utf8")?.str()?;
            let offset = seg.opt_time("tOffsetMs")?.unwrap_or(0.0);
            if text.trim().is_empty() {
                continue;
            }
            segs.push(Seg {
                text,
                start: start + offset,
                event_end,
            });
        }
    }
    let mut out = Vec::with_capacity(segs.len());
    for (k, seg) in segs.iter().enumerate() {
        let next = segs.get(k + 1).map(|n| n.start).filter(|&n| n >= seg.start);
        let end = match (seg.event_end, next) {
            (Some(e), Some(n)) => Some(e.min(n)),
            (e, n) => e.or(n),
        }
        .map(|e| e.max(seg.start));
        out.extend(super::common::cue(
            seg.text,
            Some(seg.start / 1000.0),
            end.map(|e| e / 1000.0),
            None,
        ));
    }
    Ok(out)
}
