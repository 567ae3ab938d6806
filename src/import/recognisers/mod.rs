//! Other speech recognisers' JSON: whisper-timestamped, stable-ts, Vosk, NVIDIA NeMo (Parakeet)
//! and the Hugging Face transformers ASR pipeline.
//!
//! Each tool has a file of its own; this one lists the formats and holds what they share: reading
//! a file that is a list of entries (a JSON array, JSON lines, or one object), each problem
//! naming its entry's line when the file is JSON lines, and speaker labels.

mod hf_asr;
mod nemo;
mod stable_ts;
#[cfg(test)]
mod tests;
mod vosk;
mod whisper_timestamped;

use serde_json::Value;

use super::json::{kind, Node};
use super::list::{entries, peek, Entry};
use super::{Bad, Format, Input};

pub(super) use stable_ts::is_stable_ts;

pub const FORMATS: &[Format] = &[
    Format {
        name: "whisper-timestamped",
        title: "whisper-timestamped JSON",
        detect: whisper_timestamped::detect,
        parse: whisper_timestamped::parse,
    },
    Format {
        name: "stable-ts",
        title: "stable-ts JSON",
        detect: stable_ts::detect,
        parse: stable_ts::parse,
    },
    Format {
        name: "vosk",
        title: "Vosk recognizer results",
        detect: vosk::detect,
        parse: vosk::parse,
    },
    Format {
        name: "nemo",
        title: "NVIDIA NeMo / Parakeet word timestamps",
        detect: nemo::detect,
        parse: nemo::parse,
    },
    Format {
        name: "hf-asr",
        title: "Hugging Face transformers ASR pipeline",
        detect: hf_asr::detect,
        parse: hf_asr::parse,
    },
];

/// Other names people use for these formats.
pub const ALIASES: &[(&str, &str)] = &[
    ("whisper_timestamped", "whisper-timestamped"),
    ("stable_ts", "stable-ts"),
    ("stablets", "stable-ts"),
    ("parakeet", "nemo"),
    ("huggingface", "hf-asr"),
    ("transformers", "hf-asr"),
    ("hf", "hf-asr"),
];

/// A speaker label as the tool gives it: text as it is, a number as its digits (`0` is "0").
/// An empty label is no speaker.
pub(super) fn speaker(node: &Node<'_>, key: &str) -> Result<Option<String>, Bad> {
    let Some(n) = node.get(key) else {
        return Ok(None);
    };
    match n.value {
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(x) => Ok(Some(x.to_string())),
        other => Err(n.bad(format!("expected a speaker label, found {}", kind(other)))),
    }
}

/// The file as one JSON document, for the formats that are never a list of entries.
fn root<'a>(input: &Input<'a>) -> Result<Node<'a>, Bad> {
    input
        .json
        .map(Node::root)
        .ok_or_else(|| Bad::new("top level", "not JSON"))
}
