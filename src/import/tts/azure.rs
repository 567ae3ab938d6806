//! Azure Speech word boundaries: WordBoundary events as the SDKs give them (dumped by the user),
//! the service's own `audio.metadata` messages, and edge-tts's chunks. Offsets are 100-nanosecond
//! ticks or time spans; a plain-number duration's unit (ticks, milliseconds or seconds, by SDK) is
//! decided once for the whole file, from its longest word (`duration_scale`). Word boundaries win
//! over sentence ones when a file has both.

use serde_json::Value;

use super::common::{any_field, any_key, entries, peek, unescape_xml};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

const TICKS_PER_SECOND: f64 = 10_000_000.0;

pub(super) fn azure_detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| is_boundary(v))
}

fn is_boundary(v: &Value) -> bool {
    let metadata_item = |v: &Value| {
        v.get("Type").is_some_and(Value::is_string) && v.get("Data").is_some_and(Value::is_object)
    };
    let edge_tts = matches!(
        v.get("type").and_then(Value::as_str),
        Some("WordBoundary" | "SentenceBoundary")
    ) && v.get("offset").is_some();
    let sdk = any_key(v, "audiooffset").is_some() && any_key(v, "text").is_some();
    let service = v
        .get("Metadata")
        .and_then(Value::as_array)
        .and_then(|m| m.first())
        .is_some_and(metadata_item);
    edge_tts || sdk || service || metadata_item(v)
}

#[derive(Clone, Copy, PartialEq)]
enum Boundary {
    Word,
    Punctuation,
    Sentence,
}

/// A duration as written: a plain number, whose unit the whole file decides, or a time span
/// (`0:00:00.3125`) already in seconds.
#[derive(Clone, Copy)]
enum Span {
    Number(f64),
    Seconds(f64),
}

struct Event {
    boundary: Boundary,
    text: String,
    start: f64,
    duration: Option<Span>,
}

pub(super) fn azure_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut events = Vec::new();
    for e in entries(input)? {
        azure_entry(e.object()?, &mut events).map_err(|b| e.locate(b))?;
    }
    // edge-tts 7 and later reports sentences unless asked for words: then each sentence's words
    // share its time.
    let wanted = if events.iter().any(|e| e.boundary == Boundary::Word) {
        Boundary::Word
    } else {
        Boundary::Sentence
    };
    events.retain(|e| e.boundary == wanted);
    let scale = duration_scale(&events);
    let mut tokens = Vec::new();
    for e in events {
        let end = e.duration.map(|d| match d {
            Span::Number(x) => e.start + x * scale,
            Span::Seconds(s) => e.start + s,
        });
        if wanted == Boundary::Word {
            tokens.push(Token {
                text: e.text,
                start: Some(e.start),
                end,
                speaker: None,
                confidence: None,
                shared: None,
            });
            continue;
        }
        let words: Vec<&str> = e.text.split_whitespace().collect();
        let last = words.len().saturating_sub(1);
        for (i, w) in words.iter().enumerate() {
            tokens.push(Token {
                text: w.to_string(),
                start: (i == 0).then_some(e.start),
                end: if i == last { end } else { None },
                speaker: None,
                confidence: None,
                shared: None,
            });
        }
    }
    Ok(tokens)
}

/// Seconds per unit of the file's plain-number durations. Every SDK gives ticks except C++,
/// whose `Duration` is in milliseconds, and Python's `duration.total_seconds()` gives seconds.
/// Spoken words last between about 50 ms and a few seconds, so the longest one tells them
/// apart: 10,000 or more is ticks (1 ms or more), 60 or more is milliseconds, less is seconds.
fn duration_scale(events: &[Event]) -> f64 {
    let longest = events
        .iter()
        .filter_map(|e| match e.duration {
            Some(Span::Number(x)) => Some(x),
            _ => None,
        })
        .fold(0.0, f64::max);
    if longest >= 10_000.0 {
        1.0 / TICKS_PER_SECOND
    } else if longest >= 60.0 {
        0.001
    } else {
        1.0
    }
}

fn azure_entry(node: &Node<'_>, events: &mut Vec<Event>) -> Result<(), Bad> {
    if let Some(list) = node.get("Metadata") {
        for item in list.items()? {
            events.extend(service_event(&item)?);
        }
    } else if node.get("Type").is_some() && node.get("Data").is_some() {
        events.extend(service_event(node)?);
    } else {
        events.extend(sdk_event(node)?);
    }
    Ok(())
}

/// One item of the service's `audio.metadata` message.
fn service_event(item: &Node<'_>) -> Result<Option<Event>, Bad> {
    let boundary = match item.field("Type")?.str()? {
        "WordBoundary" => Boundary::Word,
        "SentenceBoundary" => Boundary::Sentence,
        // Visemes, bookmarks, the session's end...
        _ => return Ok(None),
    };
    let data = item.field("Data")?;
    let text = data.field("text")?;
    let boundary = match text.get("BoundaryType") {
        Some(b) => boundary_type(&b)?,
        None => boundary,
    };
    Ok(Some(Event {
        boundary,
        text: unescape_xml(text.field("Text")?.str()?),
        start: offset(&data.field("Offset")?)?,
        duration: data.get("Duration").map(|d| span(&d)).transpose()?,
    }))
}

/// An SDK's event or an edge-tts chunk.
fn sdk_event(node: &Node<'_>) -> Result<Option<Event>, Bad> {
    let boundary = match any_field(node, "boundarytype").or_else(|| node.get("type")) {
        Some(b) => boundary_type(&b)?,
        // SDKs before 1.21 had word boundaries only.
        None => Boundary::Word,
    };
    let start = any_field(node, "audiooffset")
        .or_else(|| node.get("offset"))
        .ok_or_else(|| {
            node.bad("missing field \"AudioOffset\" (or \"audio_offset\", \"offset\")")
        })?;
    let text = any_field(node, "text").ok_or_else(|| node.bad("missing field \"Text\""))?;
    Ok(Some(Event {
        boundary,
        text: unescape_xml(text.str()?),
        start: offset(&start)?,
        duration: any_field(node, "duration").map(|d| span(&d)).transpose()?,
    }))
}

/// `WordBoundary`, `Word`, `SpeechSynthesisBoundaryType.Word` (Python's `str()`), or the enum's
/// number (0 word, 1 punctuation, 2 sentence), which C# serializers write by default.
fn boundary_type(node: &Node<'_>) -> Result<Boundary, Bad> {
    let unknown = || node.bad(format!("unknown boundary type {}", node.value));
    match node.value {
        Value::Number(n) => match n.as_u64() {
            Some(0) => Ok(Boundary::Word),
            Some(1) => Ok(Boundary::Punctuation),
            Some(2) => Ok(Boundary::Sentence),
            _ => Err(unknown()),
        },
        Value::String(s) => {
            let name = s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
            match name.strip_suffix("boundary").unwrap_or(&name) {
                "word" => Ok(Boundary::Word),
                "punctuation" => Ok(Boundary::Punctuation),
                "sentence" => Ok(Boundary::Sentence),
                _ => Err(unknown()),
            }
        }
        other => Err(node.bad(format!("expected a boundary type, found {}", kind(other)))),
    }
}

/// An audio offset in seconds: ticks, or a time span.
fn offset(node: &Node<'_>) -> Result<f64, Bad> {
    match span(node)? {
        Span::Number(ticks) => Ok(ticks / TICKS_PER_SECOND),
        Span::Seconds(s) => Ok(s),
    }
}

fn span(node: &Node<'_>) -> Result<Span, Bad> {
    if let Some(s) = node.value.as_str() {
        if s.contains(':') || s.starts_with("PT") {
            return match time_span(s) {
                Some(t) => Ok(Span::Seconds(t)),
                None => Err(node.bad(format!("\"{s}\" is not a time span like 0:00:00.3125"))),
            };
        }
    }
    Ok(Span::Number(node.time()?))
}

/// A time span as serializers write one: C# `TimeSpan` (`00:00:00.3125000`, `1.02:03:04`),
/// Python `timedelta` (`0:00:00.312500`) or ISO 8601 (`PT0.3125S`).
fn time_span(s: &str) -> Option<f64> {
    let s = s.trim();
    let t = if let Some(iso) = s.strip_prefix("PT").filter(|r| !r.is_empty()) {
        let mut total = 0.0;
        let mut rest = iso;
        while !rest.is_empty() {
            let i = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let x: f64 = rest[..i].parse().ok()?;
            let unit = match &rest[i..=i] {
                "H" => 3600.0,
                "M" => 60.0,
                "S" => 1.0,
                _ => return None,
            };
            total += x * unit;
            rest = &rest[i + 1..];
        }
        total
    } else {
        let mut parts = s.split(':');
        let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let hours = match h.split_once('.') {
            Some((d, h)) => {
                f64::from(d.parse::<u32>().ok()?) * 24.0 + f64::from(h.parse::<u32>().ok()?)
            }
            None => f64::from(h.parse::<u32>().ok()?),
        };
        let minutes = f64::from(m.parse::<u32>().ok()?);
        let seconds: f64 = sec.parse().ok()?;
        hours * 3600.0 + minutes * 60.0 + seconds
    };
    (t.is_finite() && t >= 0.0).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tts::testing::{
        check, claims, err, file, ok, texts, AZURE_JS, AZURE_MESSY, AZURE_METADATA, AZURE_SDK,
        EDGE_TTS, EDGE_TTS_SENTENCES,
    };

    #[test]
    fn edge_tts_word_boundaries() {
        let words = ok("azure", EDGE_TTS, None);
        assert_eq!(words.len(), 18);
        check(
            &words[..2],
            &[
                ("Entropy", Some(0.1), Some(0.675)),
                ("measures", Some(0.725), Some(1.375)),
            ],
        );
        check(
            &words[9..11],
            &[
                ("observe", Some(4.5875), Some(5.15)),
                ("and", Some(5.475), Some(5.8)),
            ],
        );
        check(&words[17..], &[("decreases", Some(8.3), Some(9.025))]);
    }

    #[test]
    fn edge_tts_sentences_only_share_their_time() {
        check(
            &ok("azure", EDGE_TTS_SENTENCES, None),
            &[
                ("The", Some(0.1), None),
                ("second", None, None),
                ("law", None, None),
                ("is", None, None),
                ("statistical,", None, None),
                ("not", None, None),
                ("absolute.", None, Some(3.2875)),
                ("Small", Some(3.775), None),
                ("systems", None, None),
                ("can", None, None),
                ("briefly", None, None),
                ("run", None, None),
                ("backwards.", None, Some(6.4875)),
            ],
        );
    }

    #[test]
    fn azure_csharp_events_skip_punctuation() {
        let words = ok("azure", AZURE_SDK, None);
        assert_eq!(
            texts(&words),
            [
                "Heat", "flows", "from", "hot", "to", "cold", "never", "the", "other", "way",
                "round"
            ]
        );
        check(
            &words[..2],
            &[
                ("Heat", Some(0.1), Some(0.425)),
                ("flows", Some(0.4375), Some(0.8375)),
            ],
        );
        check(&words[10..], &[("round", Some(3.3875), Some(3.8))]);
    }

    #[test]
    fn azure_javascript_events_skip_sentences() {
        let words = ok("azure", AZURE_JS, None);
        assert_eq!(
            texts(&words),
            [
                "Temperature",
                "is",
                "the",
                "average",
                "kinetic",
                "energy",
                "of",
                "the",
                "particles"
            ]
        );
        check(&words[..1], &[("Temperature", Some(0.05), Some(0.6625))]);
        check(&words[8..], &[("particles", Some(2.4875), Some(3.15))]);
    }

    #[test]
    fn azure_service_metadata_messages() {
        let words = ok("azure", AZURE_METADATA, None);
        assert_eq!(
            texts(&words),
            ["Work", "and", "heat", "are", "two", "ways", "to", "move", "energy"]
        );
        check(&words[..1], &[("Work", Some(0.1), Some(0.4))]);
        check(&words[8..], &[("energy", Some(1.975), Some(2.4375))]);
        // A bare list of metadata items reads the same.
        let items: Vec<Value> = file(AZURE_METADATA)
            .lines
            .unwrap()
            .into_iter()
            .map(|(_, v)| v["Metadata"][0].clone())
            .collect();
        let raw = Value::Array(items).to_string();
        assert_eq!(claims(&raw), ["azure"]);
        assert_eq!(ok("azure", &raw, None), words);
    }

    #[test]
    fn azure_python_dump_with_timedelta_strings() {
        let words = ok("azure", AZURE_MESSY, None);
        assert_eq!(
            texts(&words),
            [
                "Why", "does", "ice", "float", "Because", "it", "is", "less", "dense", "than",
                "water"
            ]
        );
        check(
            &words[..2],
            &[
                ("Why", Some(0.05), Some(0.25)),
                ("does", Some(0.2625), Some(0.45)),
            ],
        );
        // str(timedelta(seconds=1)) is "0:00:01".
        check(&words[10..], &[("water", Some(3.15), Some(4.15))]);
    }

    #[test]
    fn azure_duration_units() {
        let events = |durations: [&str; 2]| {
            format!(
                r#"[{{"AudioOffset": 1000000, "Duration": {}, "Text": "Heat", "BoundaryType": 0}},
                    {{"AudioOffset": 5000000, "Duration": {}, "Text": "flows", "BoundaryType": 0}},
                    {{"AudioOffset": 9000000, "Duration": 0, "Text": ".", "BoundaryType": 1}}]"#,
                durations[0], durations[1]
            )
        };
        let expected = [
            ("Heat", Some(0.1), Some(0.425)),
            ("flows", Some(0.5), Some(0.9)),
        ];
        // Ticks, C++ milliseconds, seconds, and time spans in three spellings.
        for durations in [
            ["3250000", "4000000"],
            ["325", "400"],
            ["0.325", "0.4"],
            [r#""00:00:00.3250000""#, r#""0:00:00.400000""#],
            [r#""PT0.325S""#, r#""PT0.4S""#],
        ] {
            check(&ok("azure", &events(durations), None), &expected);
        }
    }

    #[test]
    fn azure_bad_files() {
        let raw = r#"[{"AudioOffset": 1000000, "Duration": 3250000, "Text": "Heat", "BoundaryType": "Syllable"}]"#;
        assert_eq!(
            err("azure", raw, None),
            (
                "[0].BoundaryType".into(),
                "unknown boundary type \"Syllable\"".into()
            )
        );
        let raw = r#"[{"AudioOffset": 1000000, "Duration": "0:xx:00", "Text": "Heat"}]"#;
        assert_eq!(
            err("azure", raw, None),
            (
                "[0].Duration".into(),
                "\"0:xx:00\" is not a time span like 0:00:00.3125".into()
            )
        );
        let raw = r#"[{"AudioOffset": 1000000, "Duration": 3250000}]"#;
        assert_eq!(
            err("azure", raw, None),
            ("[0]".into(), "missing field \"Text\"".into())
        );
        let raw = "{\"type\": \"WordBoundary\", \"offset\": 1000000, \"duration\": 2, \"text\": \"a\"}\n{\"type\": \"WordBoundary\", \"duration\": 2, \"text\": \"b\"}\n";
        assert_eq!(
            err("azure", raw, None),
            (
                "line 2".into(),
                "missing field \"AudioOffset\" (or \"audio_offset\", \"offset\")".into()
            )
        );
        let metadata = AZURE_METADATA.replacen("\"Offset\":4125000", "\"Offset\":-5", 1);
        assert_eq!(
            err("azure", &metadata, None),
            (
                "line 3, Metadata[0].Data.Offset".into(),
                "negative time -5".into()
            )
        );
        let metadata = AZURE_METADATA.replacen("\"Text\":\"heat\"", "\"Text\":null", 1);
        assert_eq!(
            err("azure", &metadata, None),
            (
                "line 4, Metadata[0].Data.text".into(),
                "missing field \"Text\"".into()
            )
        );
    }

    #[test]
    fn time_spans() {
        assert_eq!(time_span("00:00:00.3125000"), Some(0.3125));
        assert_eq!(time_span("0:00:01"), Some(1.0));
        assert_eq!(time_span("1.00:00:02.5"), Some(86_402.5));
        assert_eq!(time_span("PT1M2.5S"), Some(62.5));
        for bad in [
            "PT", "PT5", "PT5X", "1:2", "1:2:3:4", "a:00:00", "0:00:inf", "-0:00:01", "0:00:-1",
        ] {
            assert_eq!(time_span(bad), None, "{bad}");
        }
    }
}
