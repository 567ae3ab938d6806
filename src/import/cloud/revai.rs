//! Rev.ai transcripts (`GET /jobs/{id}/transcript` with `Accept:
//! application/vnd.rev.transcript.v1.0+json`, and Rev's human transcripts in the same shape):
//! `monologues[]`, one per turn, each with its integer `speaker` and `elements[]`. An element is
//! `text` (a word, with `ts` and `end_ts` in seconds), `punct` (`,`, `.`, and the spaces between
//! words, without times: given untimed for the shared step to join or drop) or `unknown` (a tag
//! such as `<inaudible>`: not a word, skipped). The speaker is the monologue's name when Rev gives
//! one (`speaker_name`, or `speaker_info.display_name`), else its number. The Python SDK's
//! `to_dict()` writes missing times as null, which reads the same as absent.

use serde_json::Value;

use super::common::{json_root, speaker_label};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

pub(super) fn revai_detect(input: &Input<'_>) -> bool {
    input
        .json
        .and_then(|v| v.get("monologues"))
        .and_then(Value::as_array)
        .is_some_and(|m| {
            m.first().is_none_or(|first| {
                first
                    .get("elements")
                    .and_then(Value::as_array)
                    .is_some_and(|e| {
                        e.first()
                            .is_none_or(|el| el.get("type").is_some() && el.get("value").is_some())
                    })
            })
        })
}

pub(super) fn revai_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let mut out = Vec::new();
    for monologue in root.field("monologues")?.items()? {
        let speaker = speaker(&monologue);
        for el in monologue.field("elements")?.items()? {
            let kind = el.field("type")?.str()?;
            let text = el.field("value")?.str()?.to_string();
            let (start, end) = match kind {
                "text" => (el.opt_time("ts")?, el.opt_time("end_ts")?),
                "punct" => (None, None),
                "unknown" => continue,
                other => {
                    return Err(el.field("type")?.bad(format!(
                        "unknown element type \"{other}\" (expected \"text\", \"punct\" or \"unknown\")"
                    )))
                }
            };
            out.push(Token {
                text,
                start,
                end,
                speaker: speaker.clone(),
                confidence: el.confidence("confidence")?,
                shared: None,
            });
        }
    }
    Ok(out)
}

fn speaker(monologue: &Node<'_>) -> Option<String> {
    let v = monologue.value;
    v.get("speaker_name")
        .and_then(speaker_label)
        .or_else(|| {
            v.get("speaker_info")
                .and_then(|i| i.get("display_name"))
                .and_then(speaker_label)
        })
        .or_else(|| v.get("speaker").and_then(speaker_label))
}
