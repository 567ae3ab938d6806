//! ElevenLabs character alignments: `/v1/text-to-speech/{voice}/with-timestamps` and its
//! streaming and websocket kin. Every character of the text has a start and an end; words are cut
//! at whitespace. The text as it was sent wins over the normalized one when the file has both,
//! and websocket chunks count from their own start, so their times must run on from the chunk
//! before.

use serde_json::Value;

use super::common::{any_field, any_key, entries, peek};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

pub(super) fn elevenlabs_detect(input: &Input<'_>) -> bool {
    peek(input).into_iter().any(|v| {
        is_alignment(v)
            || ["alignment", "normalizedalignment"]
                .iter()
                .any(|k| any_key(v, k).is_some_and(is_alignment))
    })
}

/// The HTTP shape (`characters`, seconds) or the websocket one (`chars`, milliseconds).
fn is_alignment(v: &Value) -> bool {
    let has = |k| any_key(v, k).is_some();
    (has("characters") && has("characterstarttimesseconds"))
        || (has("chars") && has("charstarttimesms"))
}

/// A character and its times in seconds from the start of the audio.
struct Char<'a> {
    text: &'a str,
    start: f64,
    end: f64,
}

pub(super) fn elevenlabs_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let entries = entries(input)?;
    let mut chars = Vec::new();
    if let [only] = entries.as_slice() {
        if is_alignment(only.node.value) {
            read_alignment(&only.node, 0.0, &mut chars)?;
            return Ok(words_of(&chars));
        }
    }
    // The text as it was sent (`1952`), not as it was read (`nineteen fifty-two`), when the
    // file has it: that is what the user wrote and will want to see.
    let mut original = false;
    for e in &entries {
        original |= any_field(e.object()?, "alignment").is_some();
    }
    let key = if original {
        "alignment"
    } else {
        "normalizedalignment"
    };
    // Websocket chunks count from their own start, which is where the chunk before ended.
    let mut clock = 0.0;
    for e in &entries {
        // Chunks of audio only have a null alignment.
        if let Some(alignment) = any_field(&e.node, key) {
            clock = read_alignment(&alignment, clock, &mut chars).map_err(|b| e.locate(b))?;
        }
    }
    Ok(words_of(&chars))
}

/// Reads one alignment into `out`: the HTTP shape, whose times are seconds from the start of the
/// whole audio (streamed chunks included), or the websocket one, whose times are milliseconds
/// from the start of its own chunk, which begins at `clock`. Returns where the chunk ends.
fn read_alignment<'a>(al: &Node<'a>, clock: f64, out: &mut Vec<Char<'a>>) -> Result<f64, Bad> {
    let need = |name: &str, shown: &str| {
        any_field(al, name).ok_or_else(|| al.bad(format!("missing field \"{shown}\"")))
    };
    if !al.value.is_object() {
        return Err(al.bad(format!("expected an object, found {}", kind(al.value))));
    }
    if let Some(chars) = any_field(al, "characters") {
        let starts = need(
            "characterstarttimesseconds",
            "character_start_times_seconds",
        )?;
        let ends = need("characterendtimesseconds", "character_end_times_seconds")?;
        let (chars, starts, ends) = (
            chars.items()?,
            aligned(&chars, &starts)?,
            aligned(&chars, &ends)?,
        );
        for ((c, s), e) in chars.iter().zip(&starts).zip(&ends) {
            out.push(Char {
                text: c.str()?,
                start: s.time()?,
                end: e.time()?,
            });
        }
        return Ok(clock);
    }
    if let Some(chars) = any_field(al, "chars") {
        let starts = need("charstarttimesms", "charStartTimesMs")?;
        // Some client libraries spell it `chars_durations_ms`.
        let durations = any_field(al, "chardurationsms")
            .or_else(|| any_field(al, "charsdurationsms"))
            .ok_or_else(|| al.bad("missing field \"charDurationsMs\""))?;
        let (chars, starts, durations) = (
            chars.items()?,
            aligned(&chars, &starts)?,
            aligned(&chars, &durations)?,
        );
        let mut end = clock;
        for ((c, s), d) in chars.iter().zip(&starts).zip(&durations) {
            let start = clock + s.time()? / 1000.0;
            end = start + d.time()? / 1000.0;
            out.push(Char {
                text: c.str()?,
                start,
                end,
            });
        }
        return Ok(end);
    }
    Err(al.bad("missing field \"characters\""))
}

/// The items of `times`, which must be as many as the characters.
fn aligned<'a>(chars: &Node<'a>, times: &Node<'a>) -> Result<Vec<Node<'a>>, Bad> {
    let items = times.items()?;
    let n = chars.len().unwrap_or(0);
    if items.len() != n {
        return Err(times.bad(format!(
            "{} times for {n} characters: the lists must be as long as each other",
            items.len()
        )));
    }
    Ok(items)
}

/// Words from characters: a word runs from its first character's start to its last one's end;
/// whitespace separates words and its own times are not used.
fn words_of(chars: &[Char<'_>]) -> Vec<Token> {
    let mut words = Vec::new();
    let mut word: Option<Token> = None;
    for c in chars {
        if c.text.is_empty() {
            continue;
        }
        if c.text.trim().is_empty() {
            words.extend(word.take());
            continue;
        }
        match &mut word {
            Some(w) => {
                w.text.push_str(c.text);
                w.end = Some(c.end);
            }
            None => word = Some(Token::timed(c.text, c.start, c.end)),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tts::testing::{
        check, claims, err, ok, texts, ELEVENLABS, ELEVENLABS_MESSY, ELEVENLABS_STREAM,
        ELEVENLABS_WS,
    };

    #[test]
    fn elevenlabs_words_from_the_text_as_sent() {
        let words = ok("elevenlabs", ELEVENLABS, None);
        assert_eq!(words.len(), 18);
        check(
            &words[..3],
            &[
                ("In", Some(0.0), Some(0.23)),
                // The alignment of the text as sent: the normalized one reads "nineteen-fifty-two,".
                ("1952,", Some(0.256), Some(1.655)),
                ("Hodgkin", Some(1.678), Some(2.278)),
            ],
        );
        check(
            &words[10..12],
            &[
                ("fires:", Some(5.408), Some(5.887)),
                ("a", Some(6.249), Some(6.434)),
            ],
        );
        check(&words[17..], &[("in.", Some(8.668), Some(8.885))]);
    }

    #[test]
    fn elevenlabs_falls_back_to_the_normalized_text() {
        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"] = Value::Null;
        let words = ok("elevenlabs", &doc.to_string(), None);
        check(
            &words[..2],
            &[
                ("In", Some(0.0), Some(0.23)),
                ("nineteen-fifty-two,", Some(0.256), Some(1.655)),
            ],
        );
        assert_eq!(words.len(), 18);
    }

    #[test]
    fn elevenlabs_stream_times_run_on_across_chunks() {
        let words = ok("elevenlabs", ELEVENLABS_STREAM, None);
        assert_eq!(
            texts(&words),
            "Action potentials travel along the axon without losing strength, because each patch of membrane regenerates the signal."
                .split(' ')
                .collect::<Vec<_>>()
        );
        check(
            &words[3..6],
            &[
                ("along", Some(2.072), Some(2.542)),
                // Its "th" ends the first chunk and its "e" opens the third.
                ("the", Some(2.59), Some(2.888)),
                ("axon", Some(2.931), Some(3.315)),
            ],
        );
        check(&words[9..10], &[("because", Some(5.585), Some(6.167))]);
        check(&words[16..], &[("signal.", Some(9.454), Some(9.98))]);
    }

    #[test]
    fn elevenlabs_websocket_chunks_count_from_their_own_start() {
        let words = ok("elevenlabs", ELEVENLABS_WS, None);
        assert_eq!(words.len(), 15);
        check(
            &words[..5],
            &[
                ("Myelin", Some(0.051), Some(0.556)),
                ("speeds", Some(0.604), Some(1.138)),
                ("this", Some(1.198), Some(1.597)),
                ("up:", Some(1.629), Some(1.862)),
                // The second chunk starts where the first one's last character (a space) ends.
                ("the", Some(2.129), Some(2.416)),
            ],
        );
        check(&words[14..], &[("next.", Some(6.218), Some(6.624))]);
    }

    #[test]
    fn elevenlabs_bare_alignment_with_newlines_and_double_spaces() {
        let words = ok("elevenlabs", ELEVENLABS_MESSY, None);
        check(
            &words,
            &[
                ("So", Some(0.0), Some(0.223)),
                ("what", Some(0.252), Some(0.622)),
                ("sets", Some(0.661), Some(1.049)),
                ("the", Some(1.079), Some(1.365)),
                ("speed?", Some(1.402), Some(1.923)),
                ("Mostly", Some(2.365), Some(2.915)),
                ("the", Some(2.962), Some(3.274)),
                ("axon's", Some(3.319), Some(3.855)),
                ("diameter.", Some(3.877), Some(4.568)),
            ],
        );
    }

    #[test]
    fn elevenlabs_camel_case_from_the_javascript_sdk() {
        let raw = r#"{"audioBase64": "AAAA", "alignment": {"characters": ["H", "i", " ", "a", "l", "l"],
            "characterStartTimesSeconds": [0.1, 0.2, 0.3, 0.35, 0.4, 0.5],
            "characterEndTimesSeconds": [0.2, 0.3, 0.35, 0.4, 0.5, 0.6]}, "normalizedAlignment": null}"#;
        assert_eq!(claims(raw), ["elevenlabs"]);
        check(
            &ok("elevenlabs", raw, None),
            &[("Hi", Some(0.1), Some(0.3)), ("all", Some(0.35), Some(0.6))],
        );
    }

    #[test]
    fn elevenlabs_bad_files() {
        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["character_end_times_seconds"]
            .as_array_mut()
            .unwrap()
            .pop();
        let n = doc["alignment"]["characters"].as_array().unwrap().len();
        let (at, problem) = err("elevenlabs", &doc.to_string(), None);
        assert_eq!(at, "alignment.character_end_times_seconds");
        assert_eq!(
            problem,
            format!(
                "{} times for {n} characters: the lists must be as long as each other",
                n - 1
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["character_start_times_seconds"][4] = (-0.5).into();
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment.character_start_times_seconds[4]".into(),
                "negative time -0.5".into()
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["characters"][2] = 7.into();
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment.characters[2]".into(),
                "expected text, found a number".into()
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]
            .as_object_mut()
            .unwrap()
            .remove("character_start_times_seconds");
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment".into(),
                "missing field \"character_start_times_seconds\"".into()
            )
        );

        let lines: Vec<&str> = ELEVENLABS_STREAM.lines().collect();
        let third = lines[2].replacen(
            "\"character_start_times_seconds\": [",
            "\"character_start_times_seconds\": [\"soon\", ",
            1,
        );
        let third = third.replacen("\"characters\": [", "\"characters\": [\"x\", ", 1);
        let third = third.replacen(
            "\"character_end_times_seconds\": [",
            "\"character_end_times_seconds\": [1, ",
            1,
        );
        let stream = [lines[0], lines[1], &third, lines[3]].join("\n");
        assert_eq!(
            err("elevenlabs", &stream, None),
            (
                "line 3, alignment.character_start_times_seconds[0]".into(),
                "expected a number, found text".into()
            )
        );

        let ws = ELEVENLABS_WS.replace("\"charDurationsMs\"", "\"durations\"");
        assert_eq!(
            err("elevenlabs", &ws, None),
            (
                "line 1, alignment".into(),
                "missing field \"charDurationsMs\"".into()
            )
        );

        assert_eq!(
            err("elevenlabs", &format!("{}\n[1, 2]\n", lines[0]), None),
            ("line 2".into(), "expected an object, found an array".into())
        );
        assert_eq!(
            err("elevenlabs", r#"{"alignment": [1]}"#, None),
            (
                "alignment".into(),
                "expected an object, found an array".into()
            )
        );
        assert_eq!(
            err("elevenlabs", "Hello", None),
            ("top level".into(), "expected JSON or JSON lines".into())
        );
        // Nothing but audio: no words, which the shared code reports.
        assert!(ok(
            "elevenlabs",
            r#"{"audio_base64": "AAAA", "alignment": null}"#,
            None
        )
        .is_empty());
    }
}
