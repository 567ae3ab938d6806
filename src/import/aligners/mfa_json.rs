//! Montreal Forced Aligner's JSON, and praatio's `textgrid_json` (a list of named tiers): the
//! same tiers as a TextGrid, so the words are chosen exactly as `textgrid` chooses them; point
//! tiers hold no words.

use serde_json::Value;

use super::common::json_root;
use super::textgrid::{is_silence, is_words_tier, pick_words};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

pub(super) fn detect_mfa_json(input: &Input<'_>) -> bool {
    let has_entries = |t: &Value| t.get("entries").is_some_and(Value::is_array);
    match input.json.and_then(|v| v.get("tiers")) {
        Some(Value::Object(tiers)) => tiers.values().take(8).any(has_entries),
        // praatio's "textgrid_json": a list of tiers with their names.
        Some(Value::Array(tiers)) => tiers
            .iter()
            .take(8)
            .any(|t| has_entries(t) && t.get("name").is_some()),
        _ => false,
    }
}

pub(super) fn parse_mfa_json(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let tiers_node = root.field("tiers")?;
    let mut tiers: Vec<(String, Node<'_>)> = Vec::new();
    match tiers_node.value {
        Value::Object(map) => {
            for key in map.keys() {
                if let Some(tier) = tiers_node.get(key) {
                    tiers.push((key.clone(), tier));
                }
            }
        }
        Value::Array(_) => {
            for tier in tiers_node.items()? {
                let name = tier.field("name")?.str()?.to_string();
                tiers.push((name, tier));
            }
        }
        other => {
            return Err(tiers_node.bad(format!(
                "expected an object of tiers, found {}",
                kind(other)
            )))
        }
    }
    let mut words = Vec::new();
    let mut words_tiers = 0;
    let mut others = Vec::new();
    for (name, tier) in tiers {
        // MFA writes "interval", praatio "IntervalTier"; point tiers hold no words.
        let class = tier.get("type").or_else(|| tier.get("class"));
        if let Some(class) = class {
            if !matches!(class.str()?, "interval" | "IntervalTier") {
                continue;
            }
        }
        let mut intervals = Vec::new();
        for entry in tier.field("entries")?.items()? {
            let parts = entry.items()?;
            let [start, end, label, ..] = parts.as_slice() else {
                return Err(entry.bad("expected [start, end, \"word\"]"));
            };
            let label = label.str()?;
            if !is_silence(label) {
                intervals.push((start.time()?, end.time()?, label.to_string()));
            }
        }
        if is_words_tier(&name) {
            words_tiers += 1;
            words.extend(intervals);
        } else {
            others.push((name, intervals));
        }
    }
    pick_words(words, words_tiers, others)
}
