//! Speech recognisers of the Whisper family: openai-whisper (and the OpenAI API, and
//! faster-whisper dumps), WhisperX, and whisper.cpp's full JSON.

use serde_json::Value;

use super::json::Node;
use super::{Bad, Format, Input, Token};

pub const FORMATS: &[Format] = &[
    Format {
        name: "whisper",
        title: "openai-whisper / OpenAI API / faster-whisper JSON",
        detect: detect_whisper,
        parse: parse_whisper,
    },
    Format {
        name: "whisperx",
        title: "WhisperX JSON",
        detect: detect_whisperx,
        parse: parse_whisperx,
    },
    Format {
        name: "whisper.cpp",
        title: "whisper.cpp JSON (-ojf)",
        detect: detect_cpp,
        parse: parse_cpp,
    },
];

/// The segments list: `segments` of the result object, or the file itself when it is a list of
/// segments (faster-whisper dumps).
fn segments(v: &Value) -> Option<&Vec<Value>> {
    match v {
        Value::Object(o) => o.get("segments")?.as_array(),
        Value::Array(a) => Some(a),
        _ => None,
    }
}

/// The first few word objects of the segments, to look at their keys.
fn first_words(v: &Value) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    segments(v)
        .into_iter()
        .flatten()
        .take(8)
        .filter_map(|s| s.get("words")?.as_array())
        .flatten()
        .take(8)
        .filter_map(Value::as_object)
}

/// A segment as Whisper writes it: text and times, and decoder details WhisperX does not keep.
fn is_whisper_segment(s: &Value) -> bool {
    s.get("start").is_some()
        && s.get("text").is_some()
        && ["seek", "avg_logprob", "tokens", "no_speech_prob"]
            .iter()
            .any(|k| s.get(k).is_some())
}

fn detect_whisper(input: &Input<'_>) -> bool {
    let Some(v) = input.json else { return false };
    // stable-ts saves Whisper's shape too, with keys of its own: it has a format of its own.
    if super::recognisers::is_stable_ts(v) {
        return false;
    }
    // OpenAI API verbose_json: top-level `words` of {word, start, end} (Gentle's have `case`).
    if let Some(w) = v
        .get("words")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return w.get("word").is_some() && w.get("start").is_some() && w.get("case").is_none();
    }
    if v.get("word_segments").is_some() || v.get("transcription").is_some() {
        return false;
    }
    let Some(segs) = segments(v) else {
        return false;
    };
    let mut words = first_words(v).peekable();
    if words.peek().is_some() {
        return words.all(|w| w.contains_key("probability") && !w.contains_key("score"));
    }
    // Segments without word times: claimed, so that the error can say how to get them.
    segs.first().is_some_and(is_whisper_segment)
}

fn detect_whisperx(input: &Input<'_>) -> bool {
    let Some(v) = input.json else { return false };
    if !v.is_object() || v.get("transcription").is_some() {
        return false;
    }
    if v.get("word_segments").is_some_and(Value::is_array) {
        return true;
    }
    // Without `word_segments`: words scored by the aligner, never with Whisper's probability.
    let mut words = first_words(v).peekable();
    words.peek().is_some()
        && words.all(|w| !w.contains_key("probability"))
        && first_words(v).any(|w| w.contains_key("score"))
}

fn detect_cpp(input: &Input<'_>) -> bool {
    input
        .json
        .and_then(|v| v.get("transcription"))
        .and_then(Value::as_array)
        .is_some_and(|t| {
            t.first()
                .is_none_or(|s| s.get("offsets").is_some() || s.get("tokens").is_some())
        })
}

/// `{word, start, end}` objects into tokens; missing times stay missing. A word's own `speaker`
/// (WhisperX after diarization) is read; a word without one takes `speaker`, its segment's.
///
/// openai-whisper and faster-whisper cut words at the spaces of the decoded text, each word with
/// its leading space, but a token the decoder emitted without one (`" L" "'esquelet"`,
/// `" impulsar" "-los"`) comes out as a "word" of its own: it continues the word before, which
/// takes its end. That holds only in lists where words do carry their spaces: the API's words,
/// and Chinese or Japanese words, have none, and each stands alone.
pub(super) fn words_of(
    list: &Node<'_>,
    speaker: Option<&str>,
    out: &mut Vec<Token>,
) -> Result<(), Bad> {
    let items = list.items()?;
    let mut read = Vec::with_capacity(items.len());
    for w in &items {
        let text = w.field("word")?.str()?;
        read.push(Token {
            text: text.to_string(),
            start: w.opt_time("start")?,
            end: w.opt_time("end")?,
            speaker: super::recognisers::speaker(w, "speaker")?
                .or_else(|| speaker.map(str::to_string)),
            // openai-whisper, faster-whisper and stable-ts say `probability`, WhisperX `score`.
            confidence: match w.confidence("probability")? {
                Some(p) => Some(p),
                None => w.confidence("score")?,
            },
            shared: None,
        });
    }
    let spaced = read
        .iter()
        .filter(|t| t.text.starts_with(char::is_whitespace))
        .count();
    let glued = spaced * 2 > read.len();
    let first = out.len();
    for t in read {
        let continues = glued && out.len() > first && !t.text.starts_with(char::is_whitespace);
        match out.last_mut() {
            Some(prev) if continues => {
                prev.text.push_str(&t.text);
                if t.end.is_some() {
                    prev.end = t.end;
                }
                prev.confidence = super::least_sure(prev.confidence, t.confidence);
            }
            _ => out.push(t),
        }
    }
    Ok(())
}

fn parse_whisper(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = Node::root(
        input
            .json
            .ok_or_else(|| Bad::new("top level", "not JSON"))?,
    );
    let mut out = Vec::new();
    if let Some(words) = root.get("words") {
        words_of(&words, None, &mut out)?;
        return Ok(out);
    }
    let segs = match root.value {
        Value::Array(_) => root.clone(),
        _ => root.field("segments")?,
    };
    for seg in segs.items()? {
        match seg.get("words") {
            Some(words) => words_of(&words, None, &mut out)?,
            None if seg.value.is_object() => {
                return Err(seg.bad(
                    "no word timings: run whisper with --word_timestamps True (faster-whisper: word_timestamps=True)",
                ))
            }
            None => return Err(seg.bad("expected a segment object")),
        }
    }
    Ok(out)
}

fn parse_whisperx(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = Node::root(
        input
            .json
            .ok_or_else(|| Bad::new("top level", "not JSON"))?,
    );
    let mut out = Vec::new();
    // The segments keep each word where WhisperX put it, timed or not; `word_segments` is the
    // same words flattened, read only when there are no segments. `assign_word_speakers` gives
    // a speaker only to words with a time: the others take their segment's.
    if let Some(segs) = root.get("segments") {
        for seg in segs.items()? {
            if let Some(words) = seg.get("words") {
                let speaker = super::recognisers::speaker(&seg, "speaker")?;
                words_of(&words, speaker.as_deref(), &mut out)?;
            }
        }
    }
    if out.is_empty() {
        if let Some(words) = root.get("word_segments") {
            words_of(&words, None, &mut out)?;
        }
    }
    Ok(out)
}

/// `[_BEG_]`, `[_TT_150]`, `[_SOT_]`, `<|endoftext|>`: decoder markers, not speech.
fn is_special(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("[_") && t.ends_with(']')) || (t.starts_with("<|") && t.ends_with("|>"))
}

fn parse_cpp(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = Node::root(
        input
            .json
            .ok_or_else(|| Bad::new("top level", "not JSON"))?,
    );
    let mut out: Vec<Token> = Vec::new();
    for seg in root.field("transcription")?.items()? {
        let Some(tokens) = seg.get("tokens") else {
            // Plain `-oj`: segment times only. Each segment's words share its time (with `-ml 1`
            // every segment is one word, so nothing is lost).
            let text = seg.field("text")?.str()?;
            let offsets = seg.field("offsets")?;
            let from = offsets.field("from")?.time()? / 1000.0;
            let to = offsets.field("to")?.time()? / 1000.0;
            let parts: Vec<&str> = text.split_whitespace().filter(|p| !is_special(p)).collect();
            let n = parts.len();
            for (i, p) in parts.into_iter().enumerate() {
                out.push(Token {
                    text: p.to_string(),
                    start: (i == 0).then_some(from),
                    end: (i + 1 == n).then_some(to),
                    speaker: None,
                    confidence: None,
                    shared: None,
                });
            }
            continue;
        };
        for tok in tokens.items()? {
            let text = tok.field("text")?.str()?;
            if is_special(text) || text.is_empty() {
                continue;
            }
            let (from, to) = match tok.get("offsets") {
                Some(o) => (
                    Some(o.field("from")?.time()? / 1000.0),
                    Some(o.field("to")?.time()? / 1000.0),
                ),
                None => (None, None),
            };
            // t_dtw (10 ms units, -1 when not computed) marks when the token is heard, more
            // precisely than the offsets; it is the word's start when its first token has one.
            let dtw = match tok.get("t_dtw") {
                Some(t) => Some(t.f64()?).filter(|&t| t >= 0.0).map(|t| t / 100.0),
                None => None,
            };
            let p = tok.confidence("p")?;
            let starts_word = text.starts_with(char::is_whitespace) || out.is_empty();
            match out.last_mut() {
                Some(word) if !starts_word => {
                    word.text.push_str(text);
                    if to.is_some() {
                        word.end = to;
                    }
                    word.confidence = super::least_sure(word.confidence, p);
                }
                _ => out.push(Token {
                    text: text.to_string(),
                    start: dtw.or(from),
                    end: to,
                    speaker: None,
                    confidence: p,
                    shared: None,
                }),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(text: &str) -> Vec<&'static str> {
        crate::import::testing::claims(FORMATS, text)
    }

    fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
        crate::import::testing::parse(FORMATS, name, text)
    }

    const WHISPER: &str = include_str!("../../tests/data/import/whisper.json");
    const VERBOSE: &str = include_str!("../../tests/data/import/whisper-verbose.json");
    const FASTER: &str = include_str!("../../tests/data/import/whisper-faster.json");
    const WHISPERX: &str = include_str!("../../tests/data/import/whisperx.json");
    const CPP: &str = include_str!("../../tests/data/import/whisper-cpp.json");
    const GENTLE: &str = include_str!("../../tests/data/import/gentle.json");
    const REMOTION: &str = include_str!("../../tests/data/import/remotion.json");
    const ELEVEN: &str = include_str!("../../tests/data/import/elevenlabs.json");
    const SPEAKERS: &str = include_str!("../../tests/data/import/whisperx-speakers.json");
    const STABLE_TS: &str = include_str!("../../tests/data/import/stable-ts.json");

    #[test]
    fn each_sample_is_claimed_by_its_format_alone() {
        assert_eq!(claims(WHISPER), ["whisper"]);
        assert_eq!(claims(VERBOSE), ["whisper"]);
        assert_eq!(claims(FASTER), ["whisper"]);
        assert_eq!(claims(WHISPERX), ["whisperx"]);
        assert_eq!(claims(CPP), ["whisper.cpp"]);
        assert_eq!(claims(SPEAKERS), ["whisperx"]);
        for other in [GENTLE, REMOTION, ELEVEN, "{}", "[]", r#"{"segments": []}"#] {
            assert!(claims(other).is_empty(), "{other:.60}");
        }
    }

    #[test]
    fn whisper_words_keep_their_spaces_and_punctuation_for_later() {
        let t = parse("whisper", WHISPER).unwrap();
        assert_eq!(t.len(), 28);
        assert_eq!(
            t[0],
            Token {
                confidence: Some(0.6928),
                ..Token::timed(" In", 0.42, 0.63)
            }
        );
        assert_eq!(t[10].text, " images.");
        let v = parse("whisper", VERBOSE).unwrap();
        assert_eq!(v.len(), 28);
        assert_eq!(
            v[10],
            Token::timed("images", t[10].start.unwrap(), t[10].end.unwrap())
        );
        // faster-whisper's sample gives every word the same probability; times are the same.
        let times = |t: &[Token]| -> Vec<(String, Option<f64>, Option<f64>)> {
            t.iter().map(|t| (t.text.clone(), t.start, t.end)).collect()
        };
        assert_eq!(times(&parse("whisper", FASTER).unwrap()), times(&t));
    }

    #[test]
    fn whisperx_leaves_numerals_untimed() {
        let t = parse("whisperx", WHISPERX).unwrap();
        assert_eq!(t.len(), 28);
        assert_eq!(t[1].text, "2024");
        assert_eq!((t[1].start, t[1].end), (None, None));
        assert!(t[2].start.is_some());
    }

    #[test]
    fn whisperx_speakers_are_the_words_else_their_segments() {
        let t = parse("whisperx", SPEAKERS).unwrap();
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Ready", "in", "5", "minutes?", "Yes,", "almost", "done."]
        );
        let who: Vec<Option<&str>> = t.iter().map(|t| t.speaker.as_deref()).collect();
        let (a, b) = (Some("SPEAKER_00"), Some("SPEAKER_01"));
        // `5` has no time, so assign_word_speakers gave it no speaker: its segment's.
        assert_eq!(who, [a, a, a, a, b, b, b]);
        assert_eq!((t[2].start, t[2].end), (None, None));
        // Flattened words only: each its own speaker, none from a segment.
        let mut v: Value = serde_json::from_str(SPEAKERS).unwrap();
        v.as_object_mut().unwrap().remove("segments");
        let flat = parse("whisperx", &v.to_string()).unwrap();
        let who: Vec<Option<&str>> = flat.iter().map(|t| t.speaker.as_deref()).collect();
        assert_eq!(who, [a, a, None, a, b, b, b]);
        // The sample without speakers has them on every word; whisper's have none.
        assert!(parse("whisperx", WHISPERX)
            .unwrap()
            .iter()
            .all(|t| t.speaker.as_deref() == Some("SPEAKER_00")));
        assert!(parse("whisper", WHISPER)
            .unwrap()
            .iter()
            .all(|t| t.speaker.is_none()));
        // A number is a label too; anything else is an error naming the word.
        let n = r#"{"segments": [{"speaker": 0, "words": [{"word": "a", "start": 0, "end": 1, "score": 0.9}]}]}"#;
        assert_eq!(
            parse("whisperx", n).unwrap()[0].speaker.as_deref(),
            Some("0")
        );
        let e = parse(
            "whisperx",
            r#"{"segments": [{"words": [{"word": "a", "start": 0, "end": 1, "score": 0.9, "speaker": true}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "segments[0].words[0].speaker");
    }

    #[test]
    fn stable_ts_is_left_to_its_own_format() {
        // Whisper's shape with stable-ts's keys: not whisper's, whichever key tells.
        assert!(claims(STABLE_TS).is_empty());
        let mut v: Value = serde_json::from_str(STABLE_TS).unwrap();
        for key in ["ori_dict", "regroup_history", "nonspeech_sections"] {
            let mut one: Value = serde_json::from_str(WHISPER).unwrap();
            one[key] = v[key].take();
            assert!(claims(&one.to_string()).is_empty(), "{key}");
        }
        // stable-ts's words read by whisper's rule give what the stable-ts format gives.
        let mut as_whisper: Value = serde_json::from_str(STABLE_TS).unwrap();
        for key in [
            "ori_dict",
            "regroup_history",
            "nonspeech_sections",
            "unfinished",
        ] {
            as_whisper.as_object_mut().unwrap().remove(key);
        }
        let text = as_whisper.to_string();
        assert_eq!(claims(&text), ["whisper"]);
        let stable = crate::import::testing::parse(
            crate::import::recognisers::FORMATS,
            "stable-ts",
            STABLE_TS,
        )
        .unwrap();
        assert_eq!(parse("whisper", &text).unwrap(), stable);
    }

    #[test]
    fn whisper_cpp_merges_sub_words_and_drops_markers() {
        let t = parse("whisper.cpp", CPP).unwrap();
        let texts: Vec<&str> = t.iter().map(|t| t.text.trim()).collect();
        assert_eq!(texts.len(), 28, "{texts:?}");
        assert_eq!(texts[6], "network");
        assert_eq!(texts[10], "images.");
        assert!(texts.iter().all(|w| !w.contains("[_")));
        // The first token's t_dtw (10 ms units) is the start: 42 + 2 centiseconds.
        assert_eq!(t[0].start, Some(0.44));
        assert_eq!(t[0].end, Some(0.63));
    }

    #[test]
    fn bad_entries_are_named() {
        let e = parse(
            "whisper",
            r#"{"segments": [{"seek": 0, "start": 0, "end": 1, "text": " Hi", "tokens": []}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "segments[0]");
        assert!(e.problem.contains("--word_timestamps"));
        let e = parse(
            "whisperx",
            r#"{"segments": [{"words": [{"word": "a", "start": "x"}]}], "word_segments": []}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "segments[0].words[0].start");
        let e = parse(
            "whisper.cpp",
            r#"{"transcription": [{"offsets": {"from": 0, "to": 10}, "tokens": [{"text": " a", "offsets": {"from": -5, "to": 3}}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "transcription[0].tokens[0].offsets.from");
        assert!(e.problem.contains("negative"));
    }
}
