//! The aligners' formats on the samples in tests/data/import and on files made broken on purpose:
//! the words and times each gives, the entry or line each problem names, and that no format claims
//! another's files.

use serde_json::Value;

use super::textgrid::is_words_tier;
use super::*;
use crate::import::{Bad, Token};

const GENTLE: &str = include_str!("../../../tests/data/import/gentle.json");
const MFA: &str = include_str!("../../../tests/data/import/mfa.TextGrid");
const MFA_SHORT: &str = include_str!("../../../tests/data/import/mfa-short.TextGrid");
const MFA_JSON: &str = include_str!("../../../tests/data/import/mfa.json");
const MFA_SPEAKERS: &str = include_str!("../../../tests/data/import/mfa-speakers.json");
const AENEAS: &str = include_str!("../../../tests/data/import/aeneas.json");
const AENEAS_PLAIN: &str = include_str!("../../../tests/data/import/aeneas-plain.json");
const REMOTION: &str = include_str!("../../../tests/data/import/remotion.json");
const CSV: &str = include_str!("../../../tests/data/import/csv-header.csv");
const TSV: &str = include_str!("../../../tests/data/import/csv-plain.tsv");

use crate::import::testing::{assert_tokens, bad, timed, with};

fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, text)
}

fn claims(text: &str) -> Vec<&'static str> {
    crate::import::testing::claims(FORMATS, text)
}

#[test]
fn gentle_takes_the_transcript_spelling_and_punctuation() {
    let tokens = parse("gentle", GENTLE).unwrap();
    let mut want = timed(&[
        ("Today", 0.52, 0.84),
        ("we'll", 0.86, 1.07),
        ("look", 1.07, 1.31),
        ("at", 1.31, 1.42),
        ("how", 1.42, 1.65),
        ("neural", 1.68, 2.0),
        ("networks", 2.02, 2.48),
        ("learn", 2.52, 2.81),
        ("from", 2.81, 3.02),
        ("data,", 3.02, 3.44),
        ("and", 3.91, 4.08),
        // "um" was heard but is not in the transcript: left out.
        ("why", 4.71, 4.95),
        ("the", 4.95, 5.04),
        ("loss", 5.04, 5.36),
        ("function", 5.36, 5.77),
        ("matters", 5.77, 6.16),
    ]);
    want.push(("so", None, None));
    want.push(("much.", Some(6.55), Some(6.87)));
    assert_tokens(&tokens, &want);
}

#[test]
fn gentle_without_a_usable_transcript_keeps_the_words() {
    let mut v: Value = serde_json::from_str(GENTLE).unwrap();
    v.as_object_mut().unwrap().remove("transcript");
    let tokens = parse("gentle", &v.to_string()).unwrap();
    assert_eq!(tokens[9].text, "data");
    assert_eq!(tokens.len(), 18);
    // Offsets that do not point at the words (an edited transcript): the words as they are.
    let mut v: Value = serde_json::from_str(GENTLE).unwrap();
    v["transcript"] = Value::from("Completely different text.");
    let tokens = parse("gentle", &v.to_string()).unwrap();
    assert_eq!(tokens[9].text, "data");
    assert_eq!(tokens[17].text, "much");
}

#[test]
fn gentle_shares_out_the_text_between_words() {
    let json = r#"{"transcript": "\u201cR & D,\u201d she said \u2014 quietly\u2026 (really)",
      "words": [
        {"case": "success", "word": "R", "startOffset": 1, "endOffset": 2, "start": 0.1, "end": 0.3},
        {"case": "success", "word": "D", "startOffset": 5, "endOffset": 6, "start": 0.5, "end": 0.7},
        {"case": "success", "word": "she", "startOffset": 9, "endOffset": 12, "start": 0.8, "end": 1.0},
        {"case": "not-found-in-audio", "word": "said", "startOffset": 13, "endOffset": 17},
        {"case": "success", "word": "quietly", "startOffset": 20, "endOffset": 27, "start": 1.5, "end": 2.0},
        {"case": "success", "word": "really", "startOffset": 30, "endOffset": 36, "start": 2.1, "end": 2.4}
      ]}"#;
    assert_tokens(
        &parse("gentle", json).unwrap(),
        &[
            ("\u{201c}R", Some(0.1), Some(0.3)),
            ("&", None, None),
            ("D,\u{201d}", Some(0.5), Some(0.7)),
            ("she", Some(0.8), Some(1.0)),
            ("said", None, None),
            ("\u{2014}", None, None),
            ("quietly\u{2026}", Some(1.5), Some(2.0)),
            ("(really)", Some(2.1), Some(2.4)),
        ],
    );
}

#[test]
fn gentle_errors_name_the_entry() {
    let words = |w: &str| {
        format!(r#"{{"words": [{{"case": "success", "word": "a", "start": 0, "end": 1}}, {w}]}}"#)
    };
    assert_eq!(
        bad(parse(
            "gentle",
            &words(r#"{"case": "success", "word": "b", "start": "soon", "end": 1}"#)
        )),
        (
            "words[1].start".into(),
            "expected a number, found text".into()
        )
    );
    assert_eq!(
        bad(parse(
            "gentle",
            &words(r#"{"case": "success", "start": 1, "end": 2}"#)
        )),
        ("words[1]".into(), "missing field \"word\"".into())
    );
    assert_eq!(
        bad(parse(
            "gentle",
            &words(r#"{"case": "success", "word": "b", "start": -1, "end": 2}"#)
        )),
        ("words[1].start".into(), "negative time -1".into())
    );
    assert_eq!(
        bad(parse("gentle", r#"{"words": {"case": "success"}}"#)),
        ("words".into(), "expected an array, found an object".into())
    );
    assert_eq!(bad(parse("gentle", "not json")).0, "top level".to_string());
    assert!(parse("gentle", r#"{"words": []}"#).unwrap().is_empty());
}

#[test]
fn mfa_reads_the_words_tier_of_a_long_textgrid() {
    assert_tokens(
        &parse("mfa", MFA).unwrap(),
        &timed(&[
            ("so", 0.41, 0.62),
            ("the", 0.62, 0.71),
            ("gradient", 0.71, 1.24),
            ("tells", 1.24, 1.52),
            ("us", 1.52, 1.69),
            ("which", 1.69, 1.9),
            ("direction", 1.9, 2.47),
            ("to", 2.47, 2.58),
            ("move", 2.58, 2.86),
            ("each", 2.86, 3.07),
            ("weight", 3.07, 3.42),
            ("and", 3.93, 4.09),
            ("the", 4.09, 4.16),
            ("learning", 4.16, 4.55),
            ("rate", 4.55, 4.86),
            ("tells", 4.86, 5.12),
            ("us", 5.12, 5.27),
            ("how", 5.27, 5.46),
            ("far", 5.46, 5.93),
        ]),
    );
}

const TWO_SPEAKERS: &[(&str, f64, f64)] = &[
    ("what", 0.35, 0.52),
    ("does", 0.52, 0.66),
    ("the", 0.66, 0.74),
    ("learning", 0.74, 1.12),
    ("rate", 1.12, 1.41),
    ("control", 1.41, 2.02),
    ("the", 2.93, 3.02),
    ("size", 3.02, 3.41),
    ("of", 3.41, 3.5),
    ("every", 3.5, 3.81),
    ("step", 3.81, 4.27),
    ("exactly", 4.81, 5.37),
];

#[test]
fn mfa_merges_the_speakers_of_a_short_textgrid() {
    assert_tokens(&parse("mfa", MFA_SHORT).unwrap(), &timed(TWO_SPEAKERS));
}

#[test]
fn mfa_reads_praat_quoting_and_odd_tiers() {
    // Doubled quotes, a label over two lines, MFA's <eps>, a point tier, one unnamed tier.
    let grid = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n0\n3\n<exists>\n2\n\
        \"TextTier\"\n\"events\"\n0\n3\n1\n1.5\n\"click\"\n\
        \"IntervalTier\"\n\"transcript\"\n0\n3\n4\n0\n1\n\"say \"\"hi\"\"\"\n1\n1.5\n\"<eps>\"\n\
        1.5\n2\n\"two\nlines\"\n2\n3\n\"\"\n";
    assert_tokens(
        &parse("mfa", grid).unwrap(),
        &timed(&[("say \"hi\"", 0.0, 1.0), ("two\nlines", 1.5, 2.0)]),
    );
    let empty = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 1\ntiers? <absent>\n";
    assert!(parse("mfa", empty).unwrap().is_empty());
}

#[test]
fn mfa_errors_name_the_line() {
    let cut = &MFA[..MFA.find("text = \"gradient\"").unwrap()];
    assert_eq!(
        bad(parse("mfa", cut)),
        (
            "line 29".into(),
            "the file ends where the text of interval 4 of tier \"words\" should be (is it cut short?)".into()
        )
    );
    let broken = MFA.replacen("xmax = 0.71 ", "xmax = 0.7l ", 1);
    assert_eq!(
        bad(parse("mfa", &broken)),
        ("line 25".into(), "expected a number, found \"0.7l\"".into())
    );
    let negative = MFA.replacen("xmin = 0.41 ", "xmin = -0.41 ", 1);
    assert_eq!(
        bad(parse("mfa", &negative)),
        (
            "line 20".into(),
            "the start of interval 2 of tier \"words\": negative time -0.41".into()
        )
    );
    let shifted = MFA.replacen("text = \"so\" ", "", 1);
    assert_eq!(
        bad(parse("mfa", &shifted)),
        (
            "line 24".into(),
            "expected the text of interval 2 of tier \"words\", found the number 0.62".into()
        )
    );
    let open = MFA.replacen("text = \"so\" ", "text = \"so ", 1);
    // The quotes pair up wrongly from there on, until the last one is left open.
    assert_eq!(
        bad(parse("mfa", &open)),
        (
            "line 364".into(),
            "a quoted text is never closed (is the file cut short?)".into()
        )
    );
    let unclosed = "File type = \"ooTextFile\"\nObject class = \"TextGrid\n";
    assert_eq!(
        bad(parse("mfa", unclosed)),
        (
            "line 2".into(),
            "a quoted text is never closed (is the file cut short?)".into()
        )
    );
    let pitch = "File type = \"ooTextFile\"\nObject class = \"Pitch 1\"\n";
    assert_eq!(
        bad(parse("mfa", pitch)),
        (
            "line 2".into(),
            "this Praat file holds a \"Pitch 1\", not a TextGrid".into()
        )
    );
    let no_words = MFA.replace("name = \"words\"", "name = \"orthography\"");
    assert_eq!(
        bad(parse("mfa", &no_words)),
        (
            "top level".into(),
            "no tier named \"words\" (or \"SPEAKER - words\") among the tiers \"orthography\", \"phones\"".into()
        )
    );
}

#[test]
fn words_tier_names() {
    for yes in [
        "words",
        "Words",
        "word",
        "Anna - words",
        "spk1-words",
        " anna -  words ",
    ] {
        assert!(is_words_tier(yes), "{yes}");
    }
    for no in ["phones", "swords", "anna - phones", "keywords", ""] {
        assert!(!is_words_tier(no), "{no}");
    }
}

#[test]
fn mfa_json_reads_words_and_speakers() {
    assert_tokens(
        &parse("mfa-json", MFA_JSON).unwrap(),
        &timed(&[
            ("backpropagation", 0.38, 1.27),
            ("applies", 1.27, 1.63),
            ("the", 1.63, 1.71),
            ("chain", 1.71, 2.02),
            ("rule", 2.02, 2.34),
            ("one", 2.79, 2.95),
            ("layer", 2.95, 3.28),
            ("at", 3.28, 3.36),
            ("a", 3.36, 3.41),
            ("time", 3.41, 3.83),
            ("from", 4.22, 4.41),
            ("the", 4.41, 4.49),
            ("output", 4.49, 4.93),
            ("back", 4.93, 5.18),
            ("to", 5.18, 5.27),
            ("the", 5.27, 5.34),
            ("input", 5.34, 5.89),
        ]),
    );
    assert_tokens(
        &parse("mfa-json", MFA_SPEAKERS).unwrap(),
        &timed(TWO_SPEAKERS),
    );
    // praatio's "textgrid_json", with blanks filled in.
    let praatio = r#"{"xmin": 0, "xmax": 2, "tiers": [
        {"class": "IntervalTier", "name": "words", "xmin": 0, "xmax": 2,
         "entries": [[0, 0.5, ""], [0.5, 1.1, "hello"], [1.1, 2, "world"]]}]}"#;
    assert_eq!(claims(praatio), ["mfa-json"]);
    assert_tokens(
        &parse("mfa-json", praatio).unwrap(),
        &timed(&[("hello", 0.5, 1.1), ("world", 1.1, 2.0)]),
    );
}

#[test]
fn mfa_json_errors_name_the_entry() {
    let tier = |entries: &str| {
        format!(
            r#"{{"start": 0, "end": 3, "tiers": {{"words": {{"type": "interval", "entries": [[0, 1, "a"], {entries}]}}}}}}"#
        )
    };
    assert_eq!(
        bad(parse("mfa-json", &tier(r#"[1, 2]"#))),
        (
            "tiers.words.entries[1]".into(),
            "expected [start, end, \"word\"]".into()
        )
    );
    assert_eq!(
        bad(parse("mfa-json", &tier(r#"[1, "2s", "b"]"#))),
        (
            "tiers.words.entries[1][1]".into(),
            "expected a number, found text".into()
        )
    );
    assert_eq!(
        bad(parse("mfa-json", &tier(r#"[1, 2, 3]"#))),
        (
            "tiers.words.entries[1][2]".into(),
            "expected text, found a number".into()
        )
    );
    assert_eq!(
        bad(parse("mfa-json", &tier(r#"{"begin": 1}"#))),
        (
            "tiers.words.entries[1]".into(),
            "expected an array, found an object".into()
        )
    );
    assert_eq!(
        bad(parse("mfa-json", r#"{"tiers": "words"}"#)),
        (
            "tiers".into(),
            "expected an object of tiers, found text".into()
        )
    );
}

#[test]
fn aeneas_takes_the_deepest_fragments() {
    assert_tokens(
        &parse("aeneas", AENEAS).unwrap(),
        &timed(&[
            ("Gradient", 0.48, 0.93),
            ("descent", 0.93, 1.39),
            ("is", 1.39, 1.52),
            ("an", 1.52, 1.6),
            ("iterative", 1.6, 2.16),
            ("method.", 2.16, 2.74),
            ("It", 3.12, 3.21),
            ("takes", 3.21, 3.5),
            ("small", 3.5, 3.86),
            ("steps", 3.86, 4.27),
            ("downhill.", 4.27, 4.96),
            ("Each", 5.64, 5.88),
            ("step", 5.88, 6.2),
            ("follows", 6.2, 6.61),
            ("the", 6.61, 6.7),
            ("negative", 6.7, 7.18),
            ("gradient.", 7.18, 7.92),
        ]),
    );
    // One word per fragment; HEAD and TAIL have no lines.
    let plain = parse("aeneas", AENEAS_PLAIN).unwrap();
    assert_eq!(plain.len(), 11);
    assert_tokens(&plain[..1], &timed(&[("Convolutional", 0.62, 1.31)]));
    assert_tokens(&plain[10..], &timed(&[("image.", 3.89, 4.52)]));
}

#[test]
fn aeneas_spreads_a_fragment_of_several_words() {
    // As in aeneas's own tests (sonnet001.json): a fragment per subtitle of two lines.
    let json = r#"{"fragments": [
      {"begin": "2.680", "children": [], "end": "5.880", "id": "f000002", "language": "en",
       "lines": ["From fairest creatures", "we desire increase,"]},
      {"begin": "5.880", "children": [], "end": "6.200", "id": "f000003", "language": "en",
       "lines": ["That"]}]}"#;
    assert_tokens(
        &parse("aeneas", json).unwrap(),
        &[
            ("From", Some(2.68), None),
            ("fairest", None, None),
            ("creatures", None, None),
            ("we", None, None),
            ("desire", None, None),
            ("increase,", None, Some(5.88)),
            ("That", Some(5.88), Some(6.2)),
        ],
    );
}

#[test]
fn aeneas_errors_name_the_fragment() {
    let frag = |f: &str| {
        format!(
            r#"{{"fragments": [{{"begin": "0.000", "end": "1.000", "lines": ["a"], "children": [{f}]}}]}}"#
        )
    };
    assert_eq!(
        bad(parse(
            "aeneas",
            &frag(r#"{"begin": "1.2.3", "end": "2.000", "lines": ["b"]}"#)
        )),
        (
            "fragments[0].children[0].begin".into(),
            "expected a number, found text".into()
        )
    );
    assert_eq!(
        bad(parse(
            "aeneas",
            &frag(r#"{"begin": "1.000", "end": "2.000"}"#)
        )),
        (
            "fragments[0].children[0]".into(),
            "missing field \"lines\"".into()
        )
    );
    assert_eq!(
        bad(parse(
            "aeneas",
            &frag(r#"{"begin": "1.000", "end": "2.000", "lines": [7]}"#)
        )),
        (
            "fragments[0].children[0].lines[0]".into(),
            "expected text, found a number".into()
        )
    );
    assert_eq!(
        bad(parse(
            "aeneas",
            r#"{"fragments": [{"begin": "0", "end": "1", "lines": ["a"], "children": "none"}]}"#
        )),
        (
            "fragments[0].children".into(),
            "expected an array, found text".into()
        )
    );
}

#[test]
fn each_sample_is_claimed_by_its_format_only() {
    assert_eq!(claims(GENTLE), ["gentle"]);
    assert_eq!(claims(MFA), ["mfa"]);
    assert_eq!(claims(MFA_SHORT), ["mfa"]);
    assert_eq!(claims(MFA_JSON), ["mfa-json"]);
    assert_eq!(claims(MFA_SPEAKERS), ["mfa-json"]);
    assert_eq!(claims(AENEAS), ["aeneas"]);
    assert_eq!(claims(AENEAS_PLAIN), ["aeneas"]);
}

#[test]
fn others_files_are_not_claimed() {
    let others = [
        REMOTION,
        CSV,
        TSV,
        // openai-whisper, OpenAI verbose_json, whisperX, whisper.cpp
        r#"{"text": " Hi.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hi.", "words": [{"word": " Hi.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
        r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hi.", "words": [{"word": "Hi", "start": 0.0, "end": 0.5}]}"#,
        r#"{"segments": [{"start": 0.0, "end": 1.0, "text": "Hi", "words": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}], "word_segments": [{"word": "Hi", "start": 0.0, "end": 0.5, "score": 0.9}]}"#,
        r#"{"transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"}, "offsets": {"from": 0, "to": 1000}, "text": " Hi", "tokens": []}]}"#,
        r#"{"alignment": {"characters": ["H", "i"], "character_start_times_seconds": [0, 0.1], "character_end_times_seconds": [0.1, 0.2]}}"#,
        r#"{"timepoints": [{"markName": "w0", "timeSeconds": 0.1}]}"#,
        "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":2,\"value\":\"Hi\"}\n{\"time\":300,\"type\":\"word\",\"start\":3,\"end\":8,\"value\":\"there\"}\n",
        "1\n00:00:00,000 --> 00:00:01,000\nHello there\n\n2\n00:00:01,000 --> 00:00:02,000\nfriend\n",
        "WEBVTT\n\n00:00.000 --> 00:01.000\nHello there\n",
        "[]",
        "{}",
        r#"{"words": [{"word": "hi", "start": 0, "end": 1}]}"#,
        r#"{"fragments": "none"}"#,
        "",
        "Just some prose, with a comma.\n",
    ];
    for text in others {
        assert!(claims(text).is_empty(), "{:?} claimed {text}", claims(text));
    }
}

#[test]
fn broken_files_never_panic() {
    for (name, text) in [
        ("gentle", GENTLE),
        ("mfa", MFA),
        ("mfa", MFA_SHORT),
        ("mfa-json", MFA_JSON),
        ("aeneas", AENEAS),
    ] {
        let cuts = text.char_indices().map(|(i, _)| i).step_by(3);
        for cut in cuts {
            let part = &text[..cut];
            with(part, None, |input| {
                for f in FORMATS {
                    (f.detect)(input);
                    let _ = (f.parse)(input);
                }
            });
        }
        let mangled = text.replace('"', "").replace('1', "\u{e9}");
        let _ = parse(name, &mangled);
    }
}
