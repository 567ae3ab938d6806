//! The recognisers' formats on the samples in tests/data/import and on files made broken on
//! purpose: the words and times each gives, the entry or line each problem names, and that each
//! sample is claimed by its own format and by no other of all the importer's formats.

use super::*;
use crate::import::testing::{all_claims as claims, assert_tokens, bad, speakers, timed};
use crate::import::{find_format, Token};

const TIMESTAMPED: &str = include_str!("../../../tests/data/import/whisper-timestamped.json");
const STABLE_TS: &str = include_str!("../../../tests/data/import/stable-ts.json");
const VOSK: &str = include_str!("../../../tests/data/import/vosk.json");
const VOSK_STREAM: &str = include_str!("../../../tests/data/import/vosk-stream.jsonl");
const VOSK_PRINTED: &str = include_str!("../../../tests/data/import/vosk-printed.txt");
const VOSK_VIDEOGREP: &str = include_str!("../../../tests/data/import/vosk-videogrep.json");
const VOSK_TRANSCRIBER: &str = include_str!("../../../tests/data/import/vosk-transcriber.json");
const NEMO: &str = include_str!("../../../tests/data/import/nemo.json");
const NEMO_MANIFEST: &str = include_str!("../../../tests/data/import/nemo-manifest.jsonl");
const NEMO_DIARIZATION: &str = include_str!("../../../tests/data/import/nemo-diarization.json");
const HF: &str = include_str!("../../../tests/data/import/hf-asr.json");
const HF_SPEAKERS: &str = include_str!("../../../tests/data/import/hf-asr-speakers.json");
const HF_LIST: &str = include_str!("../../../tests/data/import/hf-asr-list.json");
const WHISPER: &str = include_str!("../../../tests/data/import/whisper.json");
const WHISPERX: &str = include_str!("../../../tests/data/import/whisperx.json");
const GENTLE: &str = include_str!("../../../tests/data/import/gentle.json");
const POLLY: &str = include_str!("../../../tests/data/import/polly.marks");

fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, text)
}

#[test]
fn each_sample_is_claimed_by_its_format_alone() {
    for (name, text) in [
        ("whisper-timestamped", TIMESTAMPED),
        ("stable-ts", STABLE_TS),
        ("vosk", VOSK),
        ("vosk", VOSK_STREAM),
        ("vosk", VOSK_PRINTED),
        ("vosk", VOSK_VIDEOGREP),
        ("vosk", VOSK_TRANSCRIBER),
        ("nemo", NEMO),
        ("nemo", NEMO_MANIFEST),
        ("nemo", NEMO_DIARIZATION),
        ("hf-asr", HF),
        ("hf-asr", HF_LIST),
        ("hf-asr", HF_SPEAKERS),
    ] {
        assert_eq!(claims(text), [name], "{text:.80}");
    }
    let none: &[&str] = &[];
    for other in [
        WHISPER,
        WHISPERX,
        GENTLE,
        POLLY,
        "{}",
        "[]",
        "{\"text\": \"\"}",
    ] {
        assert_eq!(
            crate::import::testing::claims(FORMATS, other),
            none,
            "{other:.60}"
        );
    }
}

#[test]
fn format_names_and_aliases() {
    for (alias, name) in [
        ("whisper_timestamped", "whisper-timestamped"),
        ("Whisper-Timestamped", "whisper-timestamped"),
        ("stable_ts", "stable-ts"),
        ("stablets", "stable-ts"),
        ("vosk", "vosk"),
        ("parakeet", "nemo"),
        ("huggingface", "hf-asr"),
        ("transformers", "hf-asr"),
        ("hf", "hf-asr"),
    ] {
        assert_eq!(find_format(alias).map(|f| f.name), Some(name), "{alias}");
    }
}

#[test]
fn whisper_timestamped_reads_text_and_drops_disfluency_marks() {
    assert_tokens(
        &parse("whisper-timestamped", TIMESTAMPED).unwrap(),
        &timed(&[
            ("Les", 0.36, 0.52),
            ("volcans", 0.52, 1.04),
            ("dorment", 1.04, 1.48),
            ("longtemps.", 1.48, 2.3),
            // The `[*]` hesitation at 2.62-3.1 is not a word.
            ("Pourquoi", 3.1, 3.56),
            ("se", 3.56, 3.7),
            // French spacing: cut and joined again by the shared step.
            ("réveillent-ils ?", 3.7, 5.02),
        ]),
    );
    // The stdout shape (`filtered_keys`): no decoder keys, words with `confidence` only.
    let stdout = r#"{"text": " Oui.", "segments": [{"start": 0.2, "end": 0.6, "text": " Oui.",
        "confidence": 0.9, "words": [{"text": "Oui.", "start": 0.2, "end": 0.6, "confidence": 0.9}]}],
        "language": "fr"}"#;
    assert_eq!(claims(stdout), ["whisper-timestamped"]);
    assert_tokens(
        &parse("whisper-timestamped", stdout).unwrap(),
        &timed(&[("Oui.", 0.2, 0.6)]),
    );
}

#[test]
fn whisper_timestamped_errors_name_the_entry() {
    let e = bad(parse(
        "whisper-timestamped",
        r#"{"segments": [{"seek": 0, "words": [{"text": "a", "start": 0, "end": 1}]},
           {"seek": 0, "words": [{"text": "b", "start": "x", "end": 2}]}]}"#,
    ));
    assert_eq!(
        e,
        (
            "segments[1].words[0].start".into(),
            "expected a number, found text".into()
        )
    );
    let e = bad(parse(
        "whisper-timestamped",
        r#"{"segments": [{"words": [{"word": "a", "start": 0, "end": 1}]}]}"#,
    ));
    assert_eq!(
        e,
        (
            "segments[0].words[0]".into(),
            "missing field \"text\"".into()
        )
    );
    assert_eq!(
        bad(parse("whisper-timestamped", r#"{"segments": [3]}"#)),
        ("segments[0]".into(), "expected a segment object".into())
    );
}

#[test]
fn stable_ts_joins_continuation_tokens_and_ignores_ori_dict() {
    assert_tokens(
        &parse("stable-ts", STABLE_TS).unwrap(),
        &timed(&[
            (" Glaciers", 0.5, 1.06),
            (" carve", 1.06, 1.4),
            (" valleys", 1.4, 1.92),
            (" slowly.", 1.92, 2.5),
            (" The", 3.2, 3.34),
            // " Kil" + "imanjaro": a token without its space continues the word before.
            (" Kilimanjaro", 3.34, 4.1),
            (" ice", 4.1, 4.36),
            (" field", 4.36, 4.7),
            (" is", 4.7, 4.84),
            (" shrinking.", 4.84, 5.6),
        ]),
    );
}

#[test]
fn stable_ts_before_2_15_7_numbered_its_words() {
    // `id` and `segment_id` on every word, even without the top-level keys.
    let old = r#"{"segments": [{"id": 0, "seek": 0, "start": 0.1, "end": 0.9, "text": " Hi there",
        "words": [{"word": " Hi", "start": 0.1, "end": 0.4, "probability": 0.9, "tokens": [2421],
                   "segment_id": 0, "id": 0},
                  {"word": " there", "start": 0.4, "end": 0.9, "probability": 0.8, "tokens": [456],
                   "segment_id": 0, "id": 1}]}]}"#;
    assert_eq!(claims(old), ["stable-ts"]);
    assert_tokens(
        &parse("stable-ts", old).unwrap(),
        &timed(&[(" Hi", 0.1, 0.4), (" there", 0.4, 0.9)]),
    );
}

#[test]
fn stable_ts_errors_name_the_entry() {
    let e = bad(parse(
        "stable-ts",
        r#"{"ori_dict": {}, "segments": [{"start": 0, "end": 1, "text": " a", "seek": 0}]}"#,
    ));
    assert_eq!(e.0, "segments[0]");
    assert!(e.1.contains("word_timestamps=True"), "{}", e.1);
    let e = bad(parse(
        "stable-ts",
        r#"{"ori_dict": {}, "segments": [{"words": [{"word": " a", "start": 0, "end": -2}]}]}"#,
    ));
    assert_eq!(
        e,
        ("segments[0].words[0].end".into(), "negative time -2".into())
    );
    // An empty segment list reads as no words (the shared step says so).
    assert!(parse("stable-ts", r#"{"ori_dict": {}, "segments": []}"#)
        .unwrap()
        .is_empty());
}

#[test]
fn vosk_results_as_an_array_skip_silence_and_unknown_words() {
    assert_tokens(
        &parse("vosk", VOSK).unwrap(),
        &timed(&[
            ("bees", 0.42, 0.81),
            ("dance", 0.84, 1.26),
            ("to", 1.26, 1.38),
            ("share", 1.38, 1.74),
            ("directions", 1.74, 2.43),
            ("the", 3.09, 3.18),
            // "[unk]" at 3.18-3.51 is dropped.
            ("points", 3.51, 3.93),
            ("toward", 3.93, 4.29),
            ("flowers", 4.29, 4.86),
        ]),
    );
}

#[test]
fn vosk_streams_skip_partial_results() {
    let want = timed(&[
        ("salt", 0.3, 0.69),
        ("water", 0.69, 1.05),
        ("freezes", 1.05, 1.56),
        ("below", 1.89, 2.22),
        ("zero", 2.22, 2.61),
    ]);
    assert_tokens(&parse("vosk", VOSK_STREAM).unwrap(), &want);
    assert_tokens(
        &parse("vosk", VOSK_PRINTED).unwrap(),
        &timed(&[
            ("owls", 0.42, 0.87),
            ("hunt", 0.87, 1.2),
            ("quietly", 1.2, 1.62),
            ("at", 2.16, 2.55),
            ("night", 2.55, 3.09),
        ]),
    );
}

#[test]
fn vosk_videogrep_transcriber_alternatives_and_flat_words() {
    assert_tokens(
        &parse("vosk", VOSK_VIDEOGREP).unwrap(),
        &timed(&[
            ("rivers", 0.27, 0.72),
            ("carry", 0.72, 1.02),
            ("sand", 1.02, 1.41),
            ("to", 1.41, 1.53),
            ("the", 1.53, 1.62),
            ("sea", 1.62, 2.04),
        ]),
    );
    let transcriber = parse("vosk", VOSK_TRANSCRIBER).unwrap();
    assert_tokens(
        &transcriber,
        &timed(&[
            ("light", 0.36, 0.75),
            ("bends", 0.75, 1.17),
            ("in", 1.17, 1.29),
            ("water", 1.29, 1.71),
            ("glass", 2.55, 2.97),
        ]),
    );
    // Its `unknown` speaker is no speaker; a named one is kept.
    assert!(transcriber.iter().all(|t| t.speaker.is_none()));
    let named = VOSK_TRANSCRIBER.replacen("\"unknown\"", "\"spk_1\"", 1);
    assert_eq!(
        speakers(&parse("vosk", &named).unwrap())[..2],
        [Some("spk_1"), Some("spk_1")]
    );
    let alternatives = r#"{"alternatives": [
        {"confidence": 401.2, "result": [{"end": 0.9, "start": 0.3, "word": "rain"}], "text": "rain"},
        {"confidence": 398.7, "result": [{"end": 0.9, "start": 0.3, "word": "reign"}], "text": "reign"}]}"#;
    assert_eq!(claims(alternatives), ["vosk"]);
    assert_tokens(
        &parse("vosk", alternatives).unwrap(),
        &timed(&[("rain", 0.3, 0.9)]),
    );
    let flat = r#"[{"conf": 1.0, "end": 0.5, "start": 0.1, "word": "dry"},
                   {"conf": 0.8, "end": 0.9, "start": 0.5, "word": "ice"}]"#;
    assert_eq!(claims(flat), ["vosk"]);
    assert_tokens(
        &parse("vosk", flat).unwrap(),
        &timed(&[("dry", 0.1, 0.5), ("ice", 0.5, 0.9)]),
    );
}

#[test]
fn vosk_errors_name_the_line_or_entry() {
    let lines: Vec<&str> = VOSK_STREAM.lines().collect();
    let broken = [
        lines[0],
        lines[1],
        r#"{"result": [{"conf": 1.0, "end": 0.69, "start": 0.3, "word": "salt"}, {"conf": 1.0, "end": 1.05, "word": "water", "start": "later"}], "text": "salt water"}"#,
    ]
    .join("\n");
    assert_eq!(
        bad(parse("vosk", &broken)),
        (
            "line 3, result[1].start".into(),
            "expected a number, found text".into()
        )
    );
    assert_eq!(
        bad(parse(
            "vosk",
            r#"[{"text": ""}, {"result": [{"conf": 1, "start": 0, "end": 1}], "text": "x"}]"#
        )),
        ("[1].result[0]".into(), "missing field \"word\"".into())
    );
    let (at, problem) = bad(parse("vosk", "{\"text\": \"no words here\"}"));
    assert_eq!(at, "text");
    assert!(problem.contains("SetWords(True)"), "{problem}");
    let only_partials = "{\"partial\": \"\"}\n{\"partial\": \"so\"}\n{\"partial\": \"so far\"}\n";
    assert_eq!(claims(only_partials), ["vosk"]);
    let (at, problem) = bad(parse("vosk", only_partials));
    assert_eq!(at, "top level");
    assert!(problem.contains("only partial results"), "{problem}");
    // Printed results cut short: the line where the JSON stops.
    let cut = &VOSK_PRINTED[..VOSK_PRINTED.find("hunt").unwrap()];
    let (at, problem) = bad(parse("vosk", cut));
    assert_eq!(at, "line 17");
    assert!(problem.contains("truncated"), "{problem}");
    assert_eq!(
        bad(parse("vosk", "[{\"text\": \"\"}, 7]")),
        ("[1]".into(), "expected an object, found a number".into())
    );
}

#[test]
fn nemo_reads_seconds_of_a_hypothesis_dump() {
    assert_tokens(
        &parse("nemo", NEMO).unwrap(),
        &timed(&[
            ("Tides", 0.4, 0.8),
            ("follow", 0.88, 1.28),
            ("the", 1.28, 1.44),
            ("moon.", 1.44, 2.0),
            ("Twice", 2.64, 3.12),
            ("a", 3.12, 3.2),
            ("day.", 3.2, 3.76),
        ]),
    );
    // The `timestamp` object alone, and its word list alone.
    let v: serde_json::Value = serde_json::from_str(NEMO).unwrap();
    let stamps = v["timestamp"].to_string();
    let words = v["timestamp"]["word"].to_string();
    for text in [&stamps, &words] {
        assert_eq!(claims(text), ["nemo"]);
        assert_eq!(parse("nemo", text).unwrap(), parse("nemo", NEMO).unwrap());
    }
    // Without words, the segments (cut into words later).
    let segments = serde_json::json!({"segment": v["timestamp"]["segment"], "word": []});
    let none = parse("nemo", &segments.to_string()).unwrap();
    assert!(none.is_empty());
    let segments = serde_json::json!({"timestamp": {"segment": v["timestamp"]["segment"]}});
    assert_tokens(
        &parse("nemo", &segments.to_string()).unwrap(),
        &timed(&[
            ("Tides follow the moon.", 0.4, 2.0),
            ("Twice a day.", 2.64, 3.76),
        ]),
    );
}

#[test]
fn nemo_manifest_lines_count_from_their_offset() {
    assert_tokens(
        &parse("nemo", NEMO_MANIFEST).unwrap(),
        &timed(&[
            ("Copper", 0.24, 0.72),
            ("conducts", 0.8, 1.36),
            ("heat", 1.36, 1.76),
            ("and", 4.16, 4.4),
            ("electricity", 4.4, 5.12),
            ("well", 5.12, 5.52),
        ]),
    );
    let other = NEMO_MANIFEST.replacen("/data/lecture.wav", "/data/other.wav", 1);
    let (at, problem) = bad(parse("nemo", &other));
    assert_eq!(at, "line 2, audio_filepath");
    assert!(
        problem.contains("/data/lecture.wav is another audio file than /data/other.wav (line 1)"),
        "{problem}"
    );
}

#[test]
fn nemo_diarization_keeps_speakers() {
    let t = parse("nemo", NEMO_DIARIZATION).unwrap();
    assert_tokens(
        &t,
        &timed(&[
            ("so", 0.48, 0.64),
            ("who", 0.64, 0.8),
            ("goes", 0.8, 1.04),
            ("first", 1.04, 1.44),
            ("i", 1.92, 2.0),
            ("will", 2.0, 2.24),
        ]),
    );
    let s0 = Some("speaker_0");
    let s1 = Some("speaker_1");
    assert_eq!(speakers(&t), [s0, s0, s0, s0, s1, s1]);
}

#[test]
fn nemo_errors_name_the_entry() {
    let (at, problem) = bad(parse(
        "nemo",
        r#"{"word": [{"word": "a", "start_offset": 2, "end_offset": 4, "start": 0.16, "end": 0.32},
                     {"word": "b", "start_offset": 5, "end_offset": 9}], "segment": []}"#,
    ));
    assert_eq!(at, "word[1]");
    assert!(problem.contains("frame numbers"), "{problem}");
    assert_eq!(
        bad(parse(
            "nemo",
            r#"{"timestamp": {"word": [{"word": "a", "start_offset": 2, "end_offset": 4, "start": "0.1x", "end": 0.3}]}}"#
        )),
        (
            "timestamp.word[0].start".into(),
            "expected a number, found text".into()
        )
    );
    // NeMo's -1 is no time; any other negative time is an error.
    let unset = r#"[{"word": "a", "start_offset": -1, "end_offset": 4, "start": -1, "end": 0.3}]"#;
    assert_tokens(&parse("nemo", unset).unwrap(), &[("a", None, Some(0.3))]);
    assert_eq!(
        bad(parse(
            "nemo",
            r#"[{"word": "a", "start_offset": 1, "end_offset": 4, "start": -0.5, "end": 0.3}]"#
        )),
        ("[0].start".into(), "negative time -0.5".into())
    );
    let (at, problem) = bad(parse("nemo", r#"{"text": "hello", "timestamp": {}}"#));
    assert_eq!(at, "top level");
    assert!(problem.contains("timestamps=True"), "{problem}");
    assert_eq!(
        bad(parse(
            "nemo",
            r#"{"session_id": "x", "speaker_count": 1, "words": [{"word": "a", "start_time": 0, "end_time": 1, "speaker": ["s"]}]}"#
        )),
        (
            "words[0].speaker".into(),
            "expected a speaker label, found an array".into()
        )
    );
}

#[test]
fn hf_asr_reads_chunks_and_leaves_a_null_end() {
    assert_tokens(
        &parse("hf-asr", HF).unwrap(),
        &[
            (" Moss", Some(0.0), Some(0.52)),
            (" grows", Some(0.52), Some(0.9)),
            (" on", Some(0.9), Some(1.04)),
            (" the", Some(1.04), Some(1.18)),
            (" north", Some(1.18), Some(1.5)),
            (" side,", Some(1.5), Some(2.06)),
            (" mostly.", Some(2.3), None),
        ],
    );
    assert_tokens(
        &parse("hf-asr", HF_LIST).unwrap(),
        &timed(&[
            ("FROGS", 0.34, 0.7),
            ("SING", 0.76, 1.06),
            ("AT", 1.12, 1.2),
            ("DUSK", 1.28, 1.66),
            ("AND", 2.4, 2.52),
            ("AT", 2.58, 2.66),
            ("DAWN", 2.72, 3.1),
        ]),
    );
    // One output a line reads as the list does.
    let v: serde_json::Value = serde_json::from_str(HF_LIST).unwrap();
    let lines = format!("{}\n{}\n", v[0], v[1]);
    assert_eq!(claims(&lines), ["hf-asr"]);
    assert_eq!(
        parse("hf-asr", &lines).unwrap(),
        parse("hf-asr", HF_LIST).unwrap()
    );
}

#[test]
fn insanely_fast_whisper_speaker_turns_name_each_word() {
    let t = parse("hf-asr", HF_SPEAKERS).unwrap();
    let mut want = vec![Some("SPEAKER_01"); 4];
    want.extend([Some("SPEAKER_00"); 5]);
    assert_eq!(speakers(&t), want);
    // A word in the gap between turns takes the turn it overlaps most, and none when it
    // overlaps none.
    let gap = r#"{"speakers": [{"speaker": "A", "text": " a", "timestamp": [0.0, 1.0]},
        {"speaker": "B", "text": " b", "timestamp": [2.0, 3.0]}],
        "chunks": [{"text": " x", "timestamp": [0.9, 1.5]}, {"text": " y", "timestamp": [1.6, 1.8]}]}"#;
    assert_eq!(speakers(&parse("hf-asr", gap).unwrap()), [Some("A"), None]);
}

#[test]
fn hf_asr_errors_name_the_entry() {
    assert_eq!(
        bad(parse(
            "hf-asr",
            r#"{"text": " a b", "chunks": [{"text": " a", "timestamp": [0.1, 0.4]}, {"text": " b", "timestamp": [0.5]}]}"#
        )),
        (
            "chunks[1].timestamp".into(),
            "expected [start, end], found 1 values".into()
        )
    );
    assert_eq!(
        bad(parse(
            "hf-asr",
            r#"{"chunks": [{"text": " a", "timestamp": [0.1, "soon"]}]}"#
        )),
        (
            "chunks[0].timestamp[1]".into(),
            "expected a number, found text".into()
        )
    );
    assert_eq!(
        bad(parse(
            "hf-asr",
            r#"{"chunks": [{"timestamp": [0.1, 0.2]}]}"#
        )),
        ("chunks[0]".into(), "missing field \"text\"".into())
    );
    // Two recordings' outputs in one list: the second starts again at 0.
    let two = HF_LIST.replacen("2.4", "0.0", 1);
    let (at, problem) = bad(parse("hf-asr", &two));
    assert_eq!(at, "[1]");
    assert!(
        problem.contains("each recording's output on its own"),
        "{problem}"
    );
}
