//! Google Cloud Speech-to-Text responses with word times (`enableWordTimeOffsets`):
//! `results[].alternatives[0].words[]`, each `{word, startTime, endTime}`. Read in every shape the
//! API and its clients write: v1/v1p1beta1 REST JSON (`"startTime": "1.400s"`), v2 (`startOffset`
//! / `endOffset`), the snake_case of Python's `MessageToDict(..., preserving_proto_field_name=True)`
//! (`start_time`), the Node.js client's objects (`{"seconds": "1", "nanos": 400000000}`, seconds
//! as text), a Python `timedelta` dumped as text (`"0:00:01.400000"`), or a plain number of
//! seconds. Also read: the `longrunningrecognize` operation (`response.results`), a bare array of
//! results, and v2 `batchRecognize` responses (`results` by file, with `inlineResult.transcript`
//! or `transcript`) holding one file.
//!
//! proto3 JSON leaves a value at its default out: a word at 0 s may have no `startTime` (the
//! shared step then starts it where the word before ends, or at 0), and a `{}` duration is 0.
//! Speakers come from
//! `speakerLabel` (v2, and newer v1) or `speakerTag` (1, 2...; 0 is none). With diarization, v1
//! repeats every word of the audio, with its speaker, in the LAST result: then only that result
//! is read, so that no word comes twice.

use serde_json::Value;

use super::common::{first_field, first_key, json_root, speaker_of};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

const START: &[&str] = &["startTime", "startOffset", "start_time", "start_offset"];
const END: &[&str] = &["endTime", "endOffset", "end_time", "end_offset"];
/// Keys of a result that only Google's results have, for a file whose words have no times.
const RESULT_KEYS: &[&str] = &[
    "resultEndTime",
    "resultEndOffset",
    "languageCode",
    "result_end_time",
    "result_end_offset",
    "language_code",
];
const SPEAKER_LABEL: &[&str] = &["speakerLabel", "speaker_label"];
const SPEAKER_TAG: &[&str] = &["speakerTag", "speaker_tag"];
const INLINE: &[&str] = &["inlineResult", "inline_result"];
/// How many results detection looks at: the first ones may hold no words.
const PEEK: usize = 8;

/// The list of results: the file when it is an array, else `results` of the file or of the
/// operation's `response`, or of the one file of a v2 batch response.
fn result_list(v: &Value) -> Option<&Vec<Value>> {
    if let Value::Array(a) = v {
        return Some(a);
    }
    let base = v.get("response").filter(|r| r.is_object()).unwrap_or(v);
    match base.get("results")? {
        Value::Array(a) => Some(a),
        Value::Object(files) if files.len() == 1 => {
            let file = files.values().next()?;
            let holder = first_key(file, INLINE).unwrap_or(file);
            holder.get("transcript")?.get("results")?.as_array()
        }
        _ => None,
    }
}

fn top_alternative(result: &Value) -> Option<&Value> {
    result.get("alternatives")?.as_array()?.first()
}

fn is_word(w: &Value) -> bool {
    w.get("word").is_some_and(Value::is_string)
        && START
            .iter()
            .chain(END)
            .chain(SPEAKER_LABEL)
            .chain(SPEAKER_TAG)
            .any(|k| w.get(k).is_some())
}

pub(super) fn google_stt_detect(input: &Input<'_>) -> bool {
    let Some(results) = input.json.and_then(result_list) else {
        return false;
    };
    let mut words = results
        .iter()
        .take(PEEK)
        .filter_map(top_alternative)
        .filter_map(|a| a.get("words")?.as_array()?.first())
        .peekable();
    if words.peek().is_some() {
        return words.all(is_word);
    }
    // No words: claimed when the results are certainly Google's, so that the error can say how
    // to ask for word times.
    results.iter().take(PEEK).any(|r| {
        top_alternative(r).is_some_and(|a| a.get("transcript").is_some_and(Value::is_string))
            && RESULT_KEYS.iter().any(|k| r.get(k).is_some())
    })
}

pub(super) fn google_stt_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let list = results_node(&root)?;
    let results = list.items()?;
    let mut per_result: Vec<Vec<Token>> = Vec::with_capacity(results.len());
    let mut untimed_transcript: Option<Node<'_>> = None;
    for result in &results {
        let mut tokens = Vec::new();
        let alternative = match result.get("alternatives") {
            Some(alts) => alts.items()?.into_iter().next(),
            None if result.value.is_object() => None,
            None => {
                return Err(result.bad(format!("expected an object, found {}", kind(result.value))))
            }
        };
        if let Some(alt) = alternative {
            match alt.get("words") {
                Some(words) => {
                    for w in words.items()? {
                        tokens.push(word(&w)?);
                    }
                }
                None => {
                    let said = alt.value.get("transcript").and_then(Value::as_str);
                    if said.is_some_and(|t| !t.trim().is_empty()) && untimed_transcript.is_none() {
                        untimed_transcript = Some(alt);
                    }
                }
            }
        }
        per_result.push(tokens);
    }
    let has_time = |t: &Token| t.start.is_some() || t.end.is_some();
    let any_word = per_result.iter().any(|r| !r.is_empty());
    let timed = per_result.iter().flatten().any(has_time);
    if (any_word && !timed) || (!any_word && untimed_transcript.is_some()) {
        let at = untimed_transcript.unwrap_or(list);
        return Err(at.bad(
            "no word times: ask for them with \"enableWordTimeOffsets\": true in the recognition config (v2: in \"features\")",
        ));
    }
    if let Some(last) = diarized_repeat(&per_result) {
        return Ok(last);
    }
    Ok(per_result.into_iter().flatten().collect())
}

fn results_node<'a>(root: &Node<'a>) -> Result<Node<'a>, Bad> {
    if root.value.is_array() {
        return Ok(root.clone());
    }
    let base = match root.get("response") {
        Some(r) if r.value.is_object() => r,
        _ => root.clone(),
    };
    let results = base.field("results")?;
    let Value::Object(files) = results.value else {
        return Ok(results);
    };
    let mut names = files.keys();
    let (Some(name), None) = (names.next(), names.next()) else {
        return Err(results.bad(format!(
            "the results of {} files: save each file's results on its own",
            files.len()
        )));
    };
    let file = results.field(name)?;
    let holder = first_field(&file, INLINE).unwrap_or(file);
    holder.field("transcript")?.field("results")
}

/// With diarization, v1 gives the words result by result without speakers, then all of them
/// again, with speakers, in the last result. That last result, when it is one (it starts with
/// the first result's words, holds at least as many words as all the others together, and every
/// word has a speaker).
fn diarized_repeat(per_result: &[Vec<Token>]) -> Option<Vec<Token>> {
    let (last, others) = per_result.split_last()?;
    let before: usize = others.iter().map(Vec::len).sum();
    let first = others.iter().find(|r| !r.is_empty())?;
    let repeats = last.len() >= before
        && last.iter().all(|t| t.speaker.is_some())
        && last.iter().zip(first).all(|(a, b)| a.text == b.text);
    repeats.then(|| last.clone())
}

fn word(w: &Node<'_>) -> Result<Token, Bad> {
    if !w.value.is_object() {
        return Err(w.bad(format!("expected an object, found {}", kind(w.value))));
    }
    let text = w.field("word")?.str()?.to_string();
    let start = first_field(w, START).map(|t| duration(&t)).transpose()?;
    let end = first_field(w, END).map(|t| duration(&t)).transpose()?;
    // A speaker tag of 0 is proto3's default: no speaker.
    let speaker =
        speaker_of(w, SPEAKER_LABEL).or_else(|| speaker_of(w, SPEAKER_TAG).filter(|s| s != "0"));
    Ok(Token {
        text,
        start,
        end,
        speaker,
        confidence: w.confidence("confidence")?,
        shared: None,
    })
}

/// A `google.protobuf.Duration` as any client writes it, in seconds.
fn duration(node: &Node<'_>) -> Result<f64, Bad> {
    let bad = || {
        node.bad(format!(
            "expected a duration (\"1.400s\", {{\"seconds\": 1, \"nanos\": 400000000}} or a number of seconds), found {}",
            node.value
        ))
    };
    let t = match node.value {
        Value::Number(_) => node.f64()?,
        Value::String(s) => parse_duration_text(s.trim()).ok_or_else(bad)?,
        Value::Object(_) => {
            let part = |key: &str| -> Result<f64, Bad> {
                match node.get(key) {
                    Some(n) => n.f64(),
                    None => Ok(0.0),
                }
            };
            part("seconds")? + part("nanos")? / 1e9
        }
        _ => return Err(bad()),
    };
    if !t.is_finite() {
        return Err(node.bad(format!("{t} is not a finite number")));
    }
    if t < 0.0 {
        return Err(node.bad(format!("negative time {t}")));
    }
    Ok(t)
}

/// `"1.400s"`, `"1s"`, or a `timedelta`'s `"0:00:01.400000"`.
fn parse_duration_text(s: &str) -> Option<f64> {
    if let Some(secs) = s.strip_suffix('s') {
        return secs.parse().ok();
    }
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [h, m, sec] => {
            let h: f64 = h.parse().ok()?;
            let m: f64 = m.parse().ok()?;
            let sec: f64 = sec.parse().ok()?;
            Some(h * 3600.0 + m * 60.0 + sec)
        }
        [one] => one.parse().ok(),
        _ => None,
    }
}
