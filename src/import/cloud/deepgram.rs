//! Deepgram pre-recorded responses (`POST /v1/listen`): `results.channels[].alternatives[0].words`,
//! each word with `word` (lower case, no punctuation), `start`/`end` in seconds, and with
//! `punctuate` or `smart_format` a `punctuated_word` that carries case and punctuation, which wins;
//! with `diarize=true`, an integer `speaker`. Also read: a response saved as only its `results`
//! object, and utterances (`results.utterances[].words`, or a bare array of utterances) when there
//! are no channel words. With `multichannel=true` each audio channel is a channel of its own, read
//! in turn (the shared step puts the words in time order), and the channel names the speaker.

use serde_json::Value;

use super::common::{json_root, speaker_of};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

/// An alternative as Deepgram writes it: a `transcript`, and `words` when there are any.
fn is_alternative(a: &Value) -> bool {
    a.get("transcript").is_some_and(Value::is_string) && a.get("words").is_none_or(Value::is_array)
}

/// `{word, start, end, ...}`: a Deepgram word (not Whisper's, which has no `confidence` but a
/// `probability`, nor WhisperX's `score`).
fn is_word(w: &Value) -> bool {
    w.get("word").is_some_and(Value::is_string)
        && w.get("start").is_some()
        && w.get("confidence").is_some()
        && w.get("probability").is_none()
        && w.get("score").is_none()
}

/// An utterance: `transcript`, `words`, and the `channel` (or `id`) Deepgram gives each one.
fn is_utterance(u: &Value) -> bool {
    u.get("transcript").is_some_and(Value::is_string)
        && (u.get("channel").is_some() || u.get("id").is_some())
        && u.get("words")
            .and_then(Value::as_array)
            .is_some_and(|w| w.first().is_none_or(is_word))
}

/// The `results` object, or the file itself when it was saved as only that.
fn results(v: &Value) -> &Value {
    v.get("results").filter(|r| r.is_object()).unwrap_or(v)
}

pub(super) fn deepgram_detect(input: &Input<'_>) -> bool {
    match input.json {
        Some(v @ Value::Object(_)) => {
            let r = results(v);
            let channels = r
                .get("channels")
                .and_then(Value::as_array)
                .and_then(|c| c.first())
                .and_then(|c| c.get("alternatives"))
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .is_some_and(is_alternative);
            channels
                || r.get("utterances")
                    .and_then(Value::as_array)
                    .and_then(|u| u.first())
                    .is_some_and(is_utterance)
        }
        Some(Value::Array(items)) => items.first().is_some_and(is_utterance),
        _ => false,
    }
}

pub(super) fn deepgram_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let mut out = Vec::new();
    if root.value.is_array() {
        utterances(&root, &mut out)?;
        return Ok(out);
    }
    let r = match root.get("results") {
        Some(r) if r.value.is_object() => r,
        _ => root.clone(),
    };
    if let Some(channels) = r.get("channels") {
        let channels = channels.items()?;
        let several = channels.len() > 1;
        for (i, channel) in channels.iter().enumerate() {
            let alternatives = channel.field("alternatives")?.items()?;
            // The first alternative is the likeliest; the others are other readings of the same
            // speech.
            let Some(words) = alternatives.first().and_then(|a| a.get("words")) else {
                continue;
            };
            for w in words.items()? {
                let mut t = word(&w, None)?;
                if several {
                    t.speaker = Some(match t.speaker {
                        Some(s) => format!("channel {i} speaker {s}"),
                        None => format!("channel {i}"),
                    });
                }
                out.push(t);
            }
        }
    }
    if out.is_empty() {
        if let Some(list) = r.get("utterances") {
            utterances(&list, &mut out)?;
        }
    }
    if out.is_empty() && r.get("channels").is_none() && r.get("utterances").is_none() {
        return Err(r.bad("no \"channels\" or \"utterances\": not a Deepgram response"));
    }
    Ok(out)
}

/// The words of a list of utterances, each taking its utterance's speaker when it has none.
fn utterances(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for u in list.items()? {
        let speaker = speaker_of(&u, &["speaker"]);
        for w in u.field("words")?.items()? {
            out.push(word(&w, speaker.as_deref())?);
        }
    }
    Ok(())
}

fn word(w: &Node<'_>, speaker: Option<&str>) -> Result<Token, Bad> {
    let punctuated = w.get("punctuated_word").map(|p| p.str()).transpose()?;
    let text = match punctuated {
        Some(p) if !p.trim().is_empty() => p,
        _ => w.field("word")?.str()?,
    };
    Ok(Token {
        text: text.to_string(),
        start: Some(w.field("start")?.time()?),
        end: Some(w.field("end")?.time()?),
        speaker: speaker_of(w, &["speaker"]).or_else(|| speaker.map(str::to_string)),
        confidence: w.confidence("confidence")?,
        shared: None,
    })
}
