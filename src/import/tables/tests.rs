use super::*;

const REMOTION: &str = include_str!("../../../tests/data/import/remotion.json");
const CSV_HEADER: &str = include_str!("../../../tests/data/import/csv-header.csv");
const CSV_PLAIN: &str = include_str!("../../../tests/data/import/csv-plain.tsv");
const CSV_AUDACITY: &str = include_str!("../../../tests/data/import/csv-audacity.txt");
const CSV_MESSY: &str = include_str!("../../../tests/data/import/csv-messy.csv");
const CSV_MFA: &str = include_str!("../../../tests/data/import/csv-mfa.csv");
const CSV_GENTLE: &str = include_str!("../../../tests/data/import/csv-gentle.csv");
const CSV_WHISPERCPP: &str = include_str!("../../../tests/data/import/csv-whispercpp.csv");
const GENTLE: &str = include_str!("../../../tests/data/import/gentle.json");
const MFA: &str = include_str!("../../../tests/data/import/mfa.TextGrid");
const MFA_SHORT: &str = include_str!("../../../tests/data/import/mfa-short.TextGrid");
const MFA_JSON: &str = include_str!("../../../tests/data/import/mfa.json");
const AENEAS: &str = include_str!("../../../tests/data/import/aeneas.json");

use crate::import::testing::{assert_tokens, bad, timed, with};

fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, text)
}

fn claims(text: &str) -> Vec<&'static str> {
    crate::import::testing::claims(FORMATS, text)
}

#[test]
fn remotion_joins_whisper_cpp_tokens_into_words() {
    assert_tokens(
        &parse("remotion", REMOTION).unwrap(),
        &timed(&[
            ("Today", 0.3, 0.61),
            ("we'll", 0.61, 0.83),
            ("look", 0.83, 1.06),
            ("at", 1.06, 1.17),
            ("how", 1.17, 1.39),
            ("neural", 1.39, 1.72),
            ("networks", 1.72, 2.23),
            ("learn", 2.23, 2.51),
            ("from", 2.51, 2.69),
            ("data,", 2.69, 3.2),
            ("and", 3.76, 3.93),
            ("why", 3.93, 4.18),
            ("backpropagation", 4.18, 5.26),
            ("works.", 5.26, 5.79),
        ]),
    );
    // Confidences kept, a joined word taking its least sure token's (" we" 0.87, "'ll" 0.99).
    let t = parse("remotion", REMOTION).unwrap();
    assert_eq!(t[0].confidence, Some(0.942154));
    assert_eq!(t[1].confidence, Some(0.871346));
    assert_eq!(t[5].text, "neural");
    assert!(t[5].confidence.is_some_and(|c| c <= 0.614283));
}

#[test]
fn remotion_captions_written_by_hand_stand_alone() {
    let json = r#"{"captions": [
        {"text": "Hello", "startMs": 0, "endMs": 400, "timestampMs": null, "confidence": null},
        {"text": "big world", "startMs": 400, "endMs": 1000, "timestampMs": null, "confidence": null},
        {"text": "[BLANK_AUDIO]", "startMs": 1000, "endMs": 2000, "timestampMs": null, "confidence": null},
        {"text": "again", "startMs": 2000, "endMs": 2500.5, "timestampMs": null, "confidence": null}]}"#;
    assert_eq!(claims(json), ["remotion"]);
    assert_tokens(
        &parse("remotion", json).unwrap(),
        &[
            ("Hello", Some(0.0), Some(0.4)),
            ("big", Some(0.4), None),
            ("world", None, Some(1.0)),
            ("again", Some(2.0), Some(2.5005)),
        ],
    );
    // Whole segments (transcribe() without token timestamps) with a continuation.
    let json = r#"[{"text": "So this is", "startMs": 0, "endMs": 900, "timestampMs": null, "confidence": 0.9},
        {"text": " back", "startMs": 900, "endMs": 1200, "timestampMs": null, "confidence": 0.9},
        {"text": "prop now", "startMs": 1200, "endMs": 1800, "timestampMs": null, "confidence": 0.9}]"#;
    assert_tokens(
        &parse("remotion", json).unwrap(),
        &[
            ("So", Some(0.0), None),
            ("this", None, None),
            ("is", None, Some(0.9)),
            ("backprop", Some(0.9), None),
            ("now", None, Some(1.8)),
        ],
    );
}

#[test]
fn remotion_errors_name_the_caption() {
    let caps = |c: &str| format!(r#"[{{"text": "a", "startMs": 0, "endMs": 10}}, {c}]"#);
    assert_eq!(
        bad(parse(
            "remotion",
            &caps(r#"{"text": "b", "startMs": "10ms", "endMs": 20}"#)
        )),
        ("[1].startMs".into(), "expected a number, found text".into())
    );
    assert_eq!(
        bad(parse("remotion", &caps(r#"{"text": "b", "startMs": 10}"#))),
        ("[1]".into(), "missing field \"endMs\"".into())
    );
    assert_eq!(
        bad(parse(
            "remotion",
            &caps(r#"{"text": 5, "startMs": 10, "endMs": 20}"#)
        )),
        ("[1].text".into(), "expected text, found a number".into())
    );
    assert_eq!(
        bad(parse(
            "remotion",
            &caps(r#"{"text": "b", "startMs": -10, "endMs": 20}"#)
        )),
        ("[1].startMs".into(), "negative time -10".into())
    );
    assert_eq!(
        bad(parse("remotion", r#"{"captions": {"text": "a"}}"#)),
        (
            "captions".into(),
            "expected an array, found an object".into()
        )
    );
    assert!(parse("remotion", "[]").unwrap().is_empty());
}

#[test]
fn csv_with_a_header_in_milliseconds() {
    assert_tokens(
        &parse("csv", CSV_HEADER).unwrap(),
        &timed(&[
            ("Regularisation", 0.42, 1.18),
            ("keeps", 1.18, 1.46),
            ("the", 1.46, 1.54),
            ("weights", 1.54, 1.93),
            ("small", 1.93, 2.37),
            ("so", 2.81, 2.96),
            ("the", 2.96, 3.03),
            ("model", 3.03, 3.36),
            ("generalises", 3.36, 4.05),
            ("better", 4.05, 4.37),
            ("to", 4.37, 4.46),
            ("unseen", 4.46, 4.9),
            ("examples.", 4.9, 5.62),
        ]),
    );
}

#[test]
fn tsv_without_a_header_in_seconds() {
    assert_tokens(
        &parse("csv", CSV_PLAIN).unwrap(),
        &timed(&[
            ("The", 0.31, 0.42),
            ("validation", 0.42, 1.03),
            ("loss", 1.03, 1.38),
            ("tells", 1.38, 1.66),
            ("us", 1.66, 1.8),
            ("when", 1.8, 1.98),
            ("to", 1.98, 2.07),
            ("stop", 2.07, 2.46),
            ("training", 2.46, 2.99),
            ("before", 3.41, 3.78),
            ("the", 3.78, 3.86),
            ("model", 3.86, 4.19),
            ("overfits.", 4.19, 4.93),
        ]),
    );
}

#[test]
fn audacity_labels() {
    assert_tokens(
        &parse("csv", CSV_AUDACITY).unwrap(),
        &timed(&[
            ("Dropout", 0.552381, 0.917007),
            ("switches", 0.917007, 1.271565),
            ("off", 1.271565, 1.423129),
            ("random", 1.423129, 1.834467),
            // Its frequency line ("\ 180 3950.5") is not a label.
            ("neurons", 1.834467, 2.367347),
            ("during", 2.367347, 2.521542),
            ("training,", 2.521542, 3.104762),
            ("which", 3.55102, 3.702494),
            ("stops", 3.702494, 4.145125),
            ("them", 4.145125, 4.402721),
            ("co-adapting.", 4.402721, 4.985034),
        ]),
    );
}

#[test]
fn messy_csv() {
    // BOM, CRLF, spaces, quoted commas, blank lines, an extra column, an untimed word, rows out
    // of order (sorted later, by shared code).
    assert_tokens(
        &parse("csv", CSV_MESSY).unwrap(),
        &[
            ("In", Some(0.38), Some(0.52)),
            ("2012,", Some(0.52), Some(1.31)),
            ("a", None, None),
            ("network", Some(1.42), Some(1.83)),
            ("trained", Some(1.83), Some(2.21)),
            ("on", Some(2.21), Some(2.32)),
            ("1,000", Some(2.32), Some(2.97)),
            ("changed", Some(3.71), Some(4.08)),
            ("categories", Some(2.97), Some(3.62)),
            ("computer", Some(4.08), Some(4.51)),
            ("vision.", Some(4.51), Some(5.12)),
        ],
    );
}

#[test]
fn csv_from_other_tools() {
    // MFA --output_format csv: words only, not phones.
    assert_tokens(
        &parse("csv", CSV_MFA).unwrap(),
        &timed(&[
            ("weights", 0.44, 0.83),
            ("are", 0.83, 0.95),
            ("updated", 0.95, 1.48),
            ("after", 1.48, 1.79),
            ("every", 1.79, 2.08),
            ("batch", 2.08, 2.61),
        ]),
    );
    // Gentle's align.csv: word, aligned word, start, end; empty times for unaligned words.
    let gentle = parse("csv", CSV_GENTLE).unwrap();
    assert_eq!(gentle.len(), 18);
    assert_tokens(&gentle[..1], &timed(&[("Today", 0.52, 0.84)]));
    assert_tokens(
        &gentle[16..],
        &[("so", None, None), ("much", Some(6.55), Some(6.87))],
    );
    // whisper.cpp -ocsv: start,end,text in whole milliseconds.
    let whisper = parse("csv", CSV_WHISPERCPP).unwrap();
    assert_tokens(
        &whisper[..2],
        &timed(&[(" Weight", 0.0, 0.52), (" decay", 0.52, 0.91)]),
    );
    assert_eq!(whisper.len(), 8);
}

#[test]
fn csv_headers_and_units() {
    let one = |text: &str| {
        let t = parse("csv", text).unwrap();
        assert_eq!(t.len(), 2, "{t:?}");
        (t[1].text.clone(), t[1].start, t[1].end)
    };
    let want = |w: &str, s: f64, e: f64| (w.to_string(), Some(s), Some(e));
    assert_eq!(
        one("Start (s),End (s),Text\n0.5,1,hi\n1,1.5,there\n"),
        want("there", 1.0, 1.5)
    );
    assert_eq!(
        one("token;startMs;endMs\nhi;500;1000\nthere;1000;1500\n"),
        want("there", 1.0, 1.5)
    );
    assert_eq!(
        one("label\tbegin [ms]\tduration [ms]\nhi\t500\t500\nthere\t1000\t250\n"),
        want("there", 1.0, 1.25)
    );
    // Columns in any order; extra columns ignored.
    assert_eq!(
        one("id,end_time,word,start_time\n1,1,hi,0.5\n2,1.5,there,1\n"),
        want("there", 1.0, 1.5)
    );
    // A header the importer does not know, over columns of numbers.
    assert_eq!(
        one("Wort,Anfang,Ende\nhi,0.5,1\nthere,1,1.5\n"),
        want("there", 1.0, 1.5)
    );
    // No header: whole numbers with long "words" are milliseconds, short ones seconds.
    assert_eq!(
        one("hi,500,1000\nthere,1000,1500\n"),
        want("there", 1.0, 1.5)
    );
    assert_eq!(one("hi,1,2\nthere,2,3\n"), want("there", 2.0, 3.0));
    assert_eq!(
        one("hi,500.0,1000\nthere,1000,1500\n"),
        want("there", 1000.0, 1500.0)
    );
    // Older Audacity wrote labels with "%f", in the locale's decimal separator.
    assert_eq!(one("0,5\t1\thi\n1\t1,5\tthere\n"), want("there", 1.0, 1.5));
    // Semicolons and decimal commas.
    assert_eq!(one("hi;0,5;1\nthere;1;1,5\n"), want("there", 1.0, 1.5));
    // whisper.cpp escapes quotes with a backslash.
    assert_eq!(
        one("start,end,text\n0,500,\" hi\"\n500,1000,\" \\\"there\\\"\"\n"),
        want(" \"there\"", 0.5, 1.0)
    );
    // RFC 4180: doubled quotes, a line break in a quoted cell.
    let t = parse(
        "csv",
        "word,start,end\n\"say \"\"hi\"\"\",0,1\n\"two\nlines\",1,2\nnext,2,3\n",
    )
    .unwrap();
    assert_eq!(t[0].text, "say \"hi\"");
    assert_eq!(t[1].text, "two\nlines");
    assert_eq!(t[2].text, "next");
}

#[test]
fn csv_errors_name_the_line_and_column() {
    assert_eq!(
        bad(parse(
            "csv",
            "word,start,end\na,0,1\nb,1.2.3,2\nc,2,3\nd,3,4\ne,4,5\n"
        )),
        (
            "line 3, column 2".into(),
            "start time: expected a number, found \"1.2.3\"".into()
        )
    );
    assert_eq!(
        bad(parse("csv", "a\t0\t1\nb\t1\t-2\nc\t2\t3\n")),
        (
            "line 2, column 3".into(),
            "end time: negative time -2".into()
        )
    );
    assert_eq!(
        bad(parse("csv", "a,0,1\nb,1,NaN\nc,2,3\nd,3,4\ne,4,5\n")),
        (
            "line 2, column 3".into(),
            "end time: expected a number, found \"NaN\"".into()
        )
    );
    assert_eq!(
        bad(parse("csv", "word,start,end\na,0,1\n\"b,1,2\nc,2,3\n")),
        (
            "line 3".into(),
            "a quote opened on this line is never closed".into()
        )
    );
    assert_eq!(
        bad(parse("csv", "word,start,confidence\na,0,1\nb,1,1\n")),
        (
            "line 1".into(),
            "the header names a start column but no end (or duration) column".into()
        )
    );
    assert_eq!(
        bad(parse("csv", "word,start,end\na,soon,later\nb,then,after\n")),
        (
            "line 1".into(),
            "column 2 (start times) does not hold numbers".into()
        )
    );
    assert_eq!(bad(parse("csv", "just words\nand more\n")).0, "top level");
    assert_eq!(
        bad(parse("csv", "a,b,c\nd,e,f\n")),
        (
            "top level".into(),
            "no two columns of numbers (start and end times) found".into()
        )
    );
    assert!(parse("csv", "word,start,end\n").unwrap().is_empty());
}

#[test]
fn units_in_header_names() {
    assert_eq!(column("start_ms"), Some((Role::Start, Some(1000.0))));
    assert_eq!(column("End (s)"), Some((Role::End, Some(1.0))));
    assert_eq!(column("startMs"), Some((Role::Start, Some(1000.0))));
    assert_eq!(
        column("Start Time [msec]"),
        Some((Role::Start, Some(1000.0)))
    );
    assert_eq!(column("end_sec"), Some((Role::End, Some(1.0))));
    assert_eq!(column("start_s"), Some((Role::Start, Some(1.0))));
    assert_eq!(column("words"), Some((Role::Word, None)));
    assert_eq!(column("Label"), Some((Role::Word, None)));
    assert_eq!(column("Begin"), Some((Role::Start, None)));
    assert_eq!(column("ends"), None);
    assert_eq!(column("confidence"), None);
}

#[test]
fn each_sample_is_claimed_by_its_format_only() {
    assert_eq!(claims(REMOTION), ["remotion"]);
    for csv in [
        CSV_HEADER,
        CSV_PLAIN,
        CSV_AUDACITY,
        CSV_MESSY,
        CSV_MFA,
        CSV_GENTLE,
        CSV_WHISPERCPP,
    ] {
        assert_eq!(claims(csv), ["csv"], "{csv}");
    }
}

#[test]
fn others_files_are_not_claimed() {
    let others = [
        GENTLE,
        MFA,
        MFA_SHORT,
        MFA_JSON,
        AENEAS,
        r#"{"text": " Hi.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hi.", "words": [{"word": " Hi.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
        r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hi.", "words": [{"word": "Hi", "start": 0.0, "end": 0.5}]}"#,
        r#"{"segments": [{"start": 0.0, "end": 1.0, "text": "Hi", "words": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}], "word_segments": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}"#,
        r#"{"transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"}, "offsets": {"from": 0, "to": 1000}, "text": " Hi", "tokens": []}]}"#,
        r#"{"alignment": {"characters": ["H", "i"], "character_start_times_seconds": [0, 0.1], "character_end_times_seconds": [0.1, 0.2]}}"#,
        r#"[{"Type": "WordBoundary", "Data": {"Offset": 1000000, "Duration": 2000000, "text": {"Text": "Hi"}}}]"#,
        "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":2,\"value\":\"Hi\"}\n{\"time\":300,\"type\":\"word\",\"start\":3,\"end\":8,\"value\":\"there\"}\n",
        "1\n00:00:00,000 --> 00:00:01,000\nHello, there, friend\n\n2\n00:00:01,000 --> 00:00:02,000\nfriend, a, b\n\n3\n00:00:02,000 --> 00:00:03,000\nx, y, z\n",
        "WEBVTT\n\n00:00.000 --> 00:01.000\nHello, there, you\n\n00:01.000 --> 00:02.000\nfriend, a, b\n",
        "[]",
        "{}",
        "",
        "Just some prose, with a comma, or two.\nAnd another line, with, commas.\n",
        "0.5 1.0 hello\n1.0 1.5 world\n",
    ];
    for text in others {
        assert!(claims(text).is_empty(), "{:?} claimed {text}", claims(text));
    }
}

#[test]
fn broken_files_never_panic() {
    for (name, text) in [
        ("remotion", REMOTION),
        ("csv", CSV_MESSY),
        ("csv", CSV_AUDACITY),
        ("csv", CSV_HEADER),
    ] {
        for cut in text.char_indices().map(|(i, _)| i).step_by(3) {
            with(&text[..cut], None, |input| {
                for f in FORMATS {
                    (f.detect)(input);
                    let _ = (f.parse)(input);
                }
            });
        }
        let _ = parse(name, &text.replace(',', "\"").replace('1', "\u{e9}"));
        let _ = parse(name, &text.replace('\n', "\"\n"));
    }
}
