//! AssemblyAI transcripts (`GET /v2/transcript/{id}`, or what the SDKs' `json_response` holds):
//! top-level `words` of `{text, start, end, confidence, speaker, channel}` with times in whole
//! MILLISECONDS, `speaker` `"A"`, `"B"`... with `speaker_labels`, else null. When `words` is empty
//! or absent, the words of `utterances` are read, then those of the `/sentences` and
//! `/paragraphs` endpoints' lists, each word taking its group's speaker if it has none; with
//! `multichannel`, a word without a speaker takes its `channel`. A transcript that failed or is
//! not finished says so instead of offering no words.
//!
//! Other tools write top-level `words` too (OpenAI's `verbose_json` with `word` in seconds,
//! Gentle with `case`), so detection asks for AssemblyAI's own word keys (`text`, whole-number
//! `start`/`end`) and one of the transcript object's own keys (`id`, `status`, `audio_url`...).

use serde_json::Value;

use super::common::{is_whole, json_root, speaker_of};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

/// Keys of AssemblyAI's transcript object (and of the `/sentences` and `/paragraphs` replies,
/// which carry the transcript's `id`).
const TRANSCRIPT_KEYS: &[&str] = &[
    "id",
    "status",
    "audio_url",
    "acoustic_model",
    "language_model",
    "speech_model",
    "speech_model_used",
    "language_code",
    "audio_duration",
    "speaker_labels",
];

/// Where the words are, in the order they are looked for.
const LISTS: &[&str] = &["words", "utterances", "sentences", "paragraphs"];

/// The keys of AssemblyAI's `TranscriptWord`, which allows no others.
const WORD_KEYS: &[&str] = &["text", "start", "end", "confidence", "speaker", "channel"];

/// `{text, start, end}` in whole milliseconds, and nothing AssemblyAI's words do not have: not
/// the `word` of OpenAI's words, nor the `type`, `speaker_id` and `logprob` of ElevenLabs'.
fn is_word(w: &Value) -> bool {
    w.get("text").is_some_and(Value::is_string)
        && w.get("start").is_some_and(is_whole)
        && w.get("end").is_some_and(is_whole)
        && w.as_object()
            .is_some_and(|o| o.keys().all(|k| WORD_KEYS.contains(&k.as_str())))
}

/// The first word of a list of words, or of a list of groups that hold words.
fn first_word(list: &Value) -> Option<&Value> {
    let first = list.as_array()?.first()?;
    match first.get("words") {
        Some(words) => words.as_array()?.first(),
        None => Some(first),
    }
}

pub(super) fn assemblyai_detect(input: &Input<'_>) -> bool {
    let Some(Value::Object(o)) = input.json else {
        return false;
    };
    if !TRANSCRIPT_KEYS.iter().any(|k| o.contains_key(*k)) {
        return false;
    }
    let mut lists = LISTS.iter().filter_map(|k| o.get(*k));
    let words = lists.clone().any(|l| first_word(l).is_some_and(is_word));
    // A transcript still queued, or one that failed, has no words yet: claimed, so that the
    // error can say so.
    let pending = o.contains_key("audio_url")
        && o.get("status").is_some_and(Value::is_string)
        && lists.all(|l| l.as_array().is_none_or(|a| a.is_empty()));
    words || pending
}

pub(super) fn assemblyai_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let mut out = Vec::new();
    if root.value.is_array() {
        // The `words` (or `utterances`) list saved on its own, read when asked for by name.
        read_list(&root, &mut out)?;
        return Ok(out);
    }
    if let Some(node) = root.get("status") {
        let status = node.str()?;
        if status == "error" {
            let why = root
                .value
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no reason given");
            return Err(node.bad(format!("the transcription failed: {why}")));
        }
        if status == "queued" || status == "processing" {
            return Err(node.bad(format!(
                "the transcript is not finished (\"{status}\"): fetch it again once its status is \"completed\""
            )));
        }
    }
    for key in LISTS {
        if let Some(list) = root.get(key) {
            read_list(&list, &mut out)?;
            if !out.is_empty() {
                break;
            }
        }
    }
    Ok(out)
}

/// A list of words, or of groups (utterances, sentences, paragraphs) that hold words.
fn read_list(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for item in list.items()? {
        match item.get("words") {
            Some(words) => {
                let speaker = group_speaker(&item);
                for w in words.items()? {
                    out.push(word(&w, speaker.as_deref())?);
                }
            }
            None => out.push(word(&item, None)?),
        }
    }
    Ok(())
}

fn group_speaker(node: &Node<'_>) -> Option<String> {
    speaker_of(node, &["speaker", "channel"])
}

fn word(w: &Node<'_>, speaker: Option<&str>) -> Result<Token, Bad> {
    let ms = |key: &str| -> Result<f64, Bad> { Ok(w.field(key)?.time()? / 1000.0) };
    Ok(Token {
        text: w.field("text")?.str()?.to_string(),
        start: Some(ms("start")?),
        end: Some(ms("end")?),
        speaker: group_speaker(w).or_else(|| speaker.map(str::to_string)),
        confidence: w.confidence("confidence")?,
        shared: None,
    })
}
