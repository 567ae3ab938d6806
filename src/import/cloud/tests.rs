//! The speech-to-text formats on the samples in tests/data/import and on files made broken on
//! purpose: the words, times and speakers each gives, the punctuation the shared step joins, the
//! entry each problem names, and that no format claims another's files.

use std::path::Path;

use serde_json::Value;

use super::FORMATS;
use crate::import::normalize::{normalize, Timed};
use crate::import::testing::{all_claims, assert_tokens, bad, speakers, timed};
use crate::import::{Bad, Token};

const DEEPGRAM: &str = include_str!("../../../tests/data/import/deepgram.json");
const DEEPGRAM_RESULTS: &str = include_str!("../../../tests/data/import/deepgram-results.json");
const ASSEMBLYAI: &str = include_str!("../../../tests/data/import/assemblyai.json");
const ASSEMBLYAI_SENTENCES: &str =
    include_str!("../../../tests/data/import/assemblyai-sentences.json");
const TRANSCRIBE: &str = include_str!("../../../tests/data/import/transcribe.json");
const TRANSCRIBE_SPEAKERS: &str =
    include_str!("../../../tests/data/import/transcribe-speakers.json");
const GOOGLE: &str = include_str!("../../../tests/data/import/google-stt.json");
const GOOGLE_DIARIZED: &str = include_str!("../../../tests/data/import/google-stt-diarized.json");
const REVAI: &str = include_str!("../../../tests/data/import/revai.json");

const SAMPLES: &[(&str, &str)] = &[
    (DEEPGRAM, "deepgram"),
    (DEEPGRAM_RESULTS, "deepgram"),
    (ASSEMBLYAI, "assemblyai"),
    (ASSEMBLYAI_SENTENCES, "assemblyai"),
    (TRANSCRIBE, "transcribe"),
    (TRANSCRIBE_SPEAKERS, "transcribe"),
    (GOOGLE, "google-stt"),
    (GOOGLE_DIARIZED, "google-stt"),
    (REVAI, "revai"),
];

fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, text)
}

fn claims(text: &str) -> Vec<&'static str> {
    crate::import::testing::claims(FORMATS, text)
}

fn texts(words: &[Timed]) -> Vec<&str> {
    words.iter().map(|w| w.text.as_str()).collect()
}

/// `text` with the JSON changed by `edit` first.
fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn each_sample_is_claimed_by_its_format_alone() {
    for (raw, name) in SAMPLES {
        assert_eq!(claims(raw), [*name], "{raw:.80}");
        assert_eq!(all_claims(raw), [*name], "{raw:.80}");
    }
}

#[test]
fn no_other_sample_is_claimed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    let mine = [
        "deepgram",
        "assemblyai",
        "transcribe",
        "google-stt",
        "revai",
    ];
    let mut others = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if mine.iter().any(|m| name.starts_with(m)) {
            continue;
        }
        // UTF-16 files are not JSON, and are read by the shared test of every format.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert!(claims(&text).is_empty(), "{name}: {:?}", claims(&text));
        others += 1;
    }
    assert!(others > 40, "{others}");
}

#[test]
fn other_tools_words_are_not_claimed() {
    for raw in [
        // OpenAI verbose_json: top-level words of `word` in seconds.
        r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hello.",
            "words": [{"word": "Hello", "start": 0.0, "end": 0.5}]}"#,
        // Gentle
        r#"{"transcript": "Hello", "words": [{"alignedWord": "hello", "case": "success", "end": 0.5,
            "start": 0.1, "word": "Hello", "startOffset": 0, "endOffset": 5}]}"#,
        // Whisper-style words in whole milliseconds, but no transcript object around them.
        r#"{"text": "Hello", "words": [{"text": "Hello", "start": 100, "end": 500}]}"#,
        // ElevenLabs speech to text: `language_code`, and words with a `type`, even at whole
        // seconds.
        r#"{"language_code": "eng", "language_probability": 0.98, "text": "Hello",
            "words": [{"text": "Hello", "start": 0, "end": 1, "type": "word", "speaker_id": "speaker_0", "logprob": -0.1}]}"#,
        // IBM Watson: results of alternatives with `timestamps`, not `words`.
        r#"{"result_index": 0, "results": [{"final": true, "alternatives": [{"transcript": "hello ",
            "confidence": 0.9, "timestamps": [["hello", 0.1, 0.5]]}]}]}"#,
        // Speechmatics json-v2: `results` of typed entries with `alternatives[].content`.
        r#"{"format": "2.9", "results": [{"type": "word", "start_time": 0.1, "end_time": 0.5,
            "alternatives": [{"content": "Hello", "confidence": 1.0, "speaker": "S1"}]}]}"#,
        // Vosk via videogrep
        r#"[{"content": "hello", "start": 0.1, "end": 0.5, "words": [{"conf": 1.0, "end": 0.5, "start": 0.1, "word": "hello"}]}]"#,
        // faster-whisper segments
        r#"[{"id": 0, "seek": 0, "start": 0.0, "end": 1.0, "text": " Hello.", "tokens": [1],
            "words": [{"word": " Hello.", "start": 0.0, "end": 1.0, "probability": 0.9}]}]"#,
        // Google Text-to-Speech timepoints
        r#"{"timepoints": [{"markName": "a", "timeSeconds": 0.5}], "audioContent": "AAAA"}"#,
        r#"{"results": []}"#,
        r#"{"results": {}}"#,
        r#"{"items": []}"#,
        r#"{"words": []}"#,
        "[]",
        "{}",
    ] {
        assert!(claims(raw).is_empty(), "{raw}: {:?}", claims(raw));
    }
}

#[test]
fn deepgram_words_take_the_punctuated_spelling_and_speaker() {
    let t = parse("deepgram", DEEPGRAM).unwrap();
    assert_eq!(t.len(), 20);
    assert_tokens(
        &t[..5],
        &timed(&[
            ("Welcome", 0.31999999, 0.66000003),
            ("back", 0.69999999, 0.92000002),
            ("to", 0.95999998, 1.05999994),
            ("the", 1.10000002, 1.20000005),
            ("workshop.", 1.24000001, 1.75999999),
        ]),
    );
    assert_tokens(
        &t[14..17],
        &timed(&[
            ("iron.", 4.82999992, 5.25),
            ("Got", 5.8499999, 6.05000019),
            ("it,", 6.09000015, 6.26999998),
        ]),
    );
    assert_eq!(
        speakers(&t),
        [[Some("0"); 15].as_slice(), &[Some("1"); 5]].concat()
    );
    // Without `punctuated_word` (no punctuate or smart_format): the plain `word`.
    let plain = edited(DEEPGRAM, |v| {
        for w in v["results"]["channels"][0]["alternatives"][0]["words"]
            .as_array_mut()
            .unwrap()
        {
            w.as_object_mut().unwrap().remove("punctuated_word");
        }
    });
    let t = parse("deepgram", &plain).unwrap();
    assert_eq!(t[0].text, "welcome");
    assert_eq!(t[4].text, "workshop");
}

#[test]
fn deepgram_results_only_with_two_channels() {
    let t = parse("deepgram", DEEPGRAM_RESULTS).unwrap();
    // The channels' words, not the utterances' (the same words again).
    assert_eq!(t.len(), 16);
    assert_tokens(
        &t[7..10],
        &timed(&[("i", 2.4, 2.48), ("help", 2.52, 2.82), ("i'd", 4.1, 4.26)]),
    );
    assert_eq!(t[0].speaker.as_deref(), Some("channel 0"));
    assert_eq!(t[15].speaker.as_deref(), Some("channel 1"));
    let (words, _) = normalize(t, 0.0).unwrap();
    assert_eq!(words.last().unwrap().text, "please");
}

#[test]
fn deepgram_utterances_when_there_are_no_channel_words() {
    let utterances = r#"[
      {"start": 0.5, "end": 1.2, "confidence": 0.9, "channel": 0, "transcript": "hi there", "speaker": 1,
       "id": "a", "words": [{"word": "hi", "start": 0.5, "end": 0.8, "confidence": 0.9, "punctuated_word": "Hi"},
                            {"word": "there", "start": 0.8, "end": 1.2, "confidence": 0.9, "speaker": 0}]}]"#;
    assert_eq!(claims(utterances), ["deepgram"]);
    let t = parse("deepgram", utterances).unwrap();
    assert_tokens(&t, &timed(&[("Hi", 0.5, 0.8), ("there", 0.8, 1.2)]));
    // A word's own speaker wins over its utterance's.
    assert_eq!(speakers(&t), [Some("1"), Some("0")]);
    let wrapped = format!(r#"{{"results": {{"channels": [], "utterances": {utterances}}}}}"#);
    assert_eq!(claims(&wrapped), ["deepgram"]);
    assert_eq!(parse("deepgram", &wrapped).unwrap(), t);
}

#[test]
fn assemblyai_milliseconds_and_speaker_letters() {
    let t = parse("assemblyai", ASSEMBLYAI).unwrap();
    assert_eq!(t.len(), 20);
    assert_tokens(
        &t[7..11],
        &timed(&[
            ("with", 1.92, 2.06),
            ("sunlight?", 2.1, 2.66),
            ("It", 3.36, 3.48),
            ("turns", 3.52, 3.78),
        ]),
    );
    assert_tokens(&t[19..], &timed(&[("later.", 6.03, 6.55)]));
    assert_eq!(
        speakers(&t),
        [[Some("A"); 9].as_slice(), &[Some("B"); 11]].concat()
    );
    // Without `words`, the utterances' words, each with its utterance's speaker.
    let utterances = edited(ASSEMBLYAI, |v| {
        v["words"] = Value::Null;
        for u in v["utterances"].as_array_mut().unwrap() {
            for w in u["words"].as_array_mut().unwrap() {
                w["speaker"] = Value::Null;
            }
        }
    });
    assert_eq!(claims(&utterances), ["assemblyai"]);
    assert_eq!(parse("assemblyai", &utterances).unwrap(), t);
}

#[test]
fn assemblyai_sentences_reply() {
    let t = parse("assemblyai", ASSEMBLYAI_SENTENCES).unwrap();
    assert_eq!(t.len(), 12);
    assert_tokens(
        &t[3..6],
        &timed(&[("a", 1.72, 1.8), ("day.", 1.84, 2.24), ("The", 2.28, 2.4)]),
    );
    assert!(t.iter().all(|w| w.speaker.is_none()));
    // The words list saved on its own, read when asked for by name.
    let words = edited(ASSEMBLYAI_SENTENCES, |v| {
        *v = v["sentences"][0]["words"].clone();
    });
    assert!(claims(&words).is_empty());
    assert_eq!(parse("assemblyai", &words).unwrap(), t[..5]);
    // Multichannel: the channel names the speaker.
    let channels = r#"{"id": "x", "multichannel": true, "audio_channels": 2,
        "words": [{"text": "Hi", "start": 10, "end": 300, "confidence": 0.9, "speaker": null, "channel": "2"}]}"#;
    assert_eq!(
        parse("assemblyai", channels).unwrap()[0].speaker.as_deref(),
        Some("2")
    );
}

#[test]
fn assemblyai_unfinished_or_failed_transcripts_say_so() {
    let queued = r#"{"id": "x", "status": "processing", "audio_url": "https://example.com/a.mp3", "words": null, "utterances": null}"#;
    assert_eq!(claims(queued), ["assemblyai"]);
    let (at, problem) = bad(parse("assemblyai", queued));
    assert_eq!(at, "status");
    assert!(problem.contains("not finished"), "{problem}");
    let failed = r#"{"id": "x", "status": "error", "audio_url": "https://example.com/a.mp3", "error": "Audio file is empty", "words": null}"#;
    assert_eq!(
        bad(parse("assemblyai", failed)),
        (
            "status".into(),
            "the transcription failed: Audio file is empty".into()
        )
    );
}

#[test]
fn transcribe_items_with_untimed_punctuation_and_speakers() {
    let t = parse("transcribe", TRANSCRIBE).unwrap();
    assert_eq!(t.len(), 22);
    let mut want = timed(&[
        ("Our", 0.41, 0.59),
        ("next", 0.62, 0.86),
        ("stop", 0.89, 1.19),
        // Written as 1.200 to 1.170: the times swapped.
        ("is", 1.17, 1.2),
        ("the", 1.37, 1.46),
        ("old", 1.49, 1.75),
        ("lighthouse", 1.78, 2.4),
    ]);
    want.push((".", None, None));
    want.push(("When", Some(3.05), Some(3.27)));
    assert_tokens(&t[..9], &want);
    assert_eq!(t[8].speaker.as_deref(), Some("spk_1"));
    assert_eq!(t[13].speaker.as_deref(), Some("spk_0"));
    let (words, _) = normalize(t, 0.0).unwrap();
    assert_eq!(
        texts(&words),
        "Our next stop is the old lighthouse. When was it built? In 1870, and it still works today."
            .split(' ')
            .collect::<Vec<_>>()
    );
    assert_eq!(words[6].speaker.as_deref(), Some("spk_0"));
    assert_eq!(words[7].speaker.as_deref(), Some("spk_1"));
}

#[test]
fn transcribe_speakers_from_segments_when_items_have_none() {
    let t = parse("transcribe", TRANSCRIBE_SPEAKERS).unwrap();
    assert_eq!(t.len(), 17);
    let who: Vec<Option<&str>> = t
        .iter()
        .filter(|w| w.start.is_some())
        .map(|w| w.speaker.as_deref())
        .collect();
    assert_eq!(
        who,
        [[Some("spk_0"); 10].as_slice(), &[Some("spk_1"); 3]].concat()
    );
    let (words, _) = normalize(t, 0.0).unwrap();
    assert_eq!(texts(&words)[4], "fastened.");
    assert_eq!(texts(&words)[12], "captain.");
    // Newer outputs: items without labels of their own, audio segments listing them by id.
    let by_id = edited(TRANSCRIBE, |v| {
        let r = v["results"].as_object_mut().unwrap();
        r.remove("speaker_labels");
        for item in r["items"].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("speaker_label");
        }
    });
    let t = parse("transcribe", &by_id).unwrap();
    assert_eq!(t[0].speaker.as_deref(), Some("spk_0"));
    assert_eq!(t[8].speaker.as_deref(), Some("spk_1"));
    assert_eq!(t[21].speaker.as_deref(), Some("spk_0"));
    // A word the older segments do not list by its start time: the segment whose span holds it.
    let spans = edited(TRANSCRIBE_SPEAKERS, |v| {
        for seg in v["results"]["speaker_labels"]["segments"]
            .as_array_mut()
            .unwrap()
        {
            seg.as_object_mut().unwrap().remove("items");
        }
    });
    assert_eq!(
        speakers(&parse("transcribe", &spans).unwrap()),
        speakers(&parse("transcribe", TRANSCRIBE_SPEAKERS).unwrap())
    );
}

#[test]
fn transcribe_channels_and_results_only() {
    let channels = r#"{"results": {"transcripts": [{"transcript": "Hi. Hello."}], "channel_labels": {"number_of_channels": 2, "channels": [
        {"channel_label": "ch_0", "items": [{"channel_label": "ch_0", "start_time": "0.5", "end_time": "0.8", "alternatives": [{"confidence": "1.0", "content": "Hi"}], "type": "pronunciation"},
                                            {"channel_label": "ch_0", "alternatives": [{"confidence": "0.0", "content": "."}], "type": "punctuation"}]},
        {"channel_label": "ch_1", "items": [{"channel_label": "ch_1", "start_time": "1.1", "end_time": "1.6", "alternatives": [{"confidence": "1.0", "content": "Hello"}], "type": "pronunciation"}]}]}}}"#;
    assert_eq!(claims(channels), ["transcribe"]);
    let t = parse("transcribe", channels).unwrap();
    assert_tokens(
        &t,
        &[
            ("Hi", Some(0.5), Some(0.8)),
            (".", None, None),
            ("Hello", Some(1.1), Some(1.6)),
        ],
    );
    assert_eq!(speakers(&t), [Some("ch_0"), Some("ch_0"), Some("ch_1")]);
    let results_only = edited(TRANSCRIBE, |v| *v = v["results"].clone());
    assert_eq!(claims(&results_only), ["transcribe"]);
    assert_eq!(
        parse("transcribe", &results_only).unwrap(),
        parse("transcribe", TRANSCRIBE).unwrap()
    );
}

#[test]
fn google_operation_with_duration_strings() {
    let t = parse("google-stt", GOOGLE).unwrap();
    assert_tokens(
        &t,
        &timed(&[
            ("The", 0.3, 0.5),
            ("glacier", 0.5, 1.0),
            ("has", 1.0, 1.2),
            ("retreated", 1.2, 1.8),
            ("two", 1.8, 2.1),
            ("kilometres", 2.1, 2.8),
            ("since", 2.8, 3.1),
            ("1990.", 3.1, 4.0),
            ("Scientists", 4.6, 5.2),
            ("measure", 5.2, 5.6),
            ("it", 5.6, 5.7),
            ("every", 5.7, 6.0),
            ("summer.", 6.0, 6.6),
        ]),
    );
    assert!(t.iter().all(|w| w.speaker.is_none()));
    // The response alone, and its results alone.
    let response = edited(GOOGLE, |v| *v = v["response"].clone());
    assert_eq!(claims(&response), ["google-stt"]);
    assert_eq!(parse("google-stt", &response).unwrap(), t);
    let bare = edited(GOOGLE, |v| *v = v["response"]["results"].clone());
    assert_eq!(claims(&bare), ["google-stt"]);
    assert_eq!(parse("google-stt", &bare).unwrap(), t);
}

#[test]
fn google_diarization_reads_the_repeated_words_once() {
    let t = parse("google-stt", GOOGLE_DIARIZED).unwrap();
    assert_eq!(t.len(), 11);
    assert_tokens(
        &t[5..7],
        &timed(&[("Sundays?", 1.6, 2.3), ("Yes,", 3.1, 3.5)]),
    );
    assert_eq!(
        speakers(&t),
        [[Some("1"); 6].as_slice(), &[Some("2"); 5]].concat()
    );
    // Without the speakers' result: the other results, each word once.
    let plain = edited(GOOGLE_DIARIZED, |v| {
        v["results"].as_array_mut().unwrap().pop();
    });
    let p = parse("google-stt", &plain).unwrap();
    assert_eq!(p.len(), 11);
    assert!(p.iter().all(|w| w.speaker.is_none()));
}

#[test]
fn google_other_clients_spellings() {
    // v2: offsets and string speaker labels.
    let v2 = r#"{"results": [{"alternatives": [{"transcript": "Hi there", "words": [
        {"startOffset": "0.100s", "endOffset": "0.400s", "word": "Hi", "speakerLabel": "1"},
        {"startOffset": "0.400s", "endOffset": "0.900s", "word": "there", "speakerLabel": "2"}]}],
        "resultEndOffset": "1s", "languageCode": "en-US"}], "metadata": {"totalBilledDuration": "2s"}}"#;
    let want = timed(&[("Hi", 0.1, 0.4), ("there", 0.4, 0.9)]);
    assert_eq!(claims(v2), ["google-stt"]);
    let t = parse("google-stt", v2).unwrap();
    assert_tokens(&t, &want);
    assert_eq!(speakers(&t), [Some("1"), Some("2")]);
    // The v2 batch response, one file, inline.
    let batch = format!(
        r#"{{"results": {{"gs://bucket/a.wav": {{"inlineResult": {{"transcript": {v2}}}}}}}, "totalBilledDuration": "2s"}}"#
    );
    assert_eq!(claims(&batch), ["google-stt"]);
    assert_tokens(&parse("google-stt", &batch).unwrap(), &want);
    // Node.js: {seconds, nanos} with seconds as text, a zero part left out, speakerTag 0 is none.
    let node = r#"[{"alternatives": [{"transcript": "Hi there", "confidence": 0.9, "words": [
        {"startTime": {"nanos": 100000000}, "endTime": {"nanos": 400000000}, "word": "Hi", "speakerTag": 0},
        {"startTime": {"nanos": 400000000}, "endTime": {"seconds": "0", "nanos": 900000000}, "word": "there"}]}]}]"#;
    assert_eq!(claims(node), ["google-stt"]);
    let t = parse("google-stt", node).unwrap();
    assert_tokens(&t, &want);
    assert_eq!(speakers(&t), [None, None]);
    // Python: snake_case, `timedelta` text, plain seconds; a word at 0 without its start.
    let python = r#"{"results": [{"alternatives": [{"transcript": "Hi there", "words": [
        {"end_time": "0:00:00.400000", "word": "Hi", "speaker_tag": 3},
        {"start_time": 0.4, "end_time": "0.9s", "word": "there"}]}], "language_code": "en-us"}]}"#;
    assert_eq!(claims(python), ["google-stt"]);
    let t = parse("google-stt", python).unwrap();
    assert_tokens(
        &t,
        &[("Hi", None, Some(0.4)), ("there", Some(0.4), Some(0.9))],
    );
    assert_eq!(t[0].speaker.as_deref(), Some("3"));
    let (words, _) = normalize(t, 0.0).unwrap();
    assert_eq!((words[0].start, words[0].end), (0.0, 0.4));
}

#[test]
fn google_without_word_times_says_how_to_get_them() {
    let no_words = r#"{"results": [{"alternatives": [{"transcript": "hello there", "confidence": 0.9}],
        "resultEndTime": "1.200s", "languageCode": "en-us"}], "totalBilledTime": "2s"}"#;
    assert_eq!(claims(no_words), ["google-stt"]);
    let (at, problem) = bad(parse("google-stt", no_words));
    assert_eq!(at, "results[0].alternatives[0]");
    assert!(problem.contains("enableWordTimeOffsets"), "{problem}");
    // Words with speakers but no times (diarization alone).
    let untimed = r#"{"results": [{"alternatives": [{"transcript": "hi", "words": [{"word": "hi", "speakerTag": 1}]}]}]}"#;
    assert!(bad(parse("google-stt", untimed))
        .1
        .contains("enableWordTimeOffsets"));
    // Several files of a batch response are several recordings.
    let two = r#"{"results": {"gs://a.wav": {"transcript": {"results": []}}, "gs://b.wav": {"transcript": {"results": []}}}}"#;
    assert_eq!(bad(parse("google-stt", two)).0, "results");
}

#[test]
fn revai_elements_with_punctuation_joined() {
    let t = parse("revai", REVAI).unwrap();
    let spoken: Vec<&Token> = t.iter().filter(|w| w.start.is_some()).collect();
    assert_eq!(spoken.len(), 14);
    assert_tokens(
        &t[..4],
        &[
            ("Okay", Some(0.21), Some(0.55)),
            (",", None, None),
            (" ", None, None),
            ("let's", Some(0.61), Some(0.83)),
        ],
    );
    // `<inaudible>` is not a word.
    assert!(t.iter().all(|w| w.text != "<inaudible>"));
    let (words, _) = normalize(t, 0.0).unwrap();
    assert_eq!(
        texts(&words),
        "Okay, let's start the quiz. First question: what is the capital of Peru? Lima."
            .split(' ')
            .collect::<Vec<_>>()
    );
    assert_eq!(words[12].speaker.as_deref(), Some("0"));
    assert_eq!(words[13].speaker.as_deref(), Some("1"));
    assert_eq!((words[13].start, words[13].end), (6.05, 6.5));
}

#[test]
fn revai_speaker_names_and_python_nulls() {
    let named = r#"{"monologues": [{"speaker": 0, "speaker_name": "Host", "elements": [
        {"type": "text", "value": "Hi", "ts": 0.1, "end_ts": 0.4, "confidence": 1.0},
        {"type": "punct", "value": "!", "ts": null, "end_ts": null, "confidence": null}]},
      {"speaker": 1, "speaker_info": {"id": "s1", "display_name": "Guest"}, "elements": [
        {"type": "text", "value": "Hello", "ts": 0.6, "end_ts": 1.0, "confidence": 0.9}]}]}"#;
    assert_eq!(claims(named), ["revai"]);
    let t = parse("revai", named).unwrap();
    assert_tokens(
        &t,
        &[
            ("Hi", Some(0.1), Some(0.4)),
            ("!", None, None),
            ("Hello", Some(0.6), Some(1.0)),
        ],
    );
    assert_eq!(speakers(&t), [Some("Host"), Some("Host"), Some("Guest")]);
}

#[test]
fn bad_entries_are_named() {
    let dg = edited(DEEPGRAM, |v| {
        v["results"]["channels"][0]["alternatives"][0]["words"][3]["start"] = Value::from("soon");
    });
    assert_eq!(
        bad(parse("deepgram", &dg)),
        (
            "results.channels[0].alternatives[0].words[3].start".into(),
            "expected a number, found text".into()
        )
    );
    let dg = edited(DEEPGRAM, |v| {
        v["results"]["channels"][0]["alternatives"][0]["words"][1]["punctuated_word"] =
            Value::from(7);
    });
    assert_eq!(
        bad(parse("deepgram", &dg)).0,
        "results.channels[0].alternatives[0].words[1].punctuated_word"
    );
    let aai = edited(ASSEMBLYAI, |v| v["words"][1]["start"] = Value::from(-40));
    assert_eq!(
        bad(parse("assemblyai", &aai)),
        ("words[1].start".into(), "negative time -40".into())
    );
    let aai = edited(ASSEMBLYAI, |v| {
        v["words"][2].as_object_mut().unwrap().remove("text");
    });
    assert_eq!(
        bad(parse("assemblyai", &aai)),
        ("words[2]".into(), "missing field \"text\"".into())
    );
    let tr = edited(TRANSCRIBE, |v| {
        v["results"]["items"][2]["start_time"] = Value::from("1,190");
    });
    assert_eq!(
        bad(parse("transcribe", &tr)),
        (
            "results.items[2].start_time".into(),
            "expected a number, found text".into()
        )
    );
    let tr = edited(TRANSCRIBE, |v| {
        v["results"]["items"][4]["type"] = Value::from("word")
    });
    assert_eq!(bad(parse("transcribe", &tr)).0, "results.items[4].type");
    let tr = edited(TRANSCRIBE, |v| {
        v["results"]["items"][5]["alternatives"] = Value::Array(vec![]);
    });
    assert_eq!(
        bad(parse("transcribe", &tr)),
        (
            "results.items[5].alternatives".into(),
            "no alternatives".into()
        )
    );
    let g = edited(GOOGLE, |v| {
        v["response"]["results"][1]["alternatives"][0]["words"][2]["endTime"] =
            Value::from("half past");
    });
    let (at, problem) = bad(parse("google-stt", &g));
    assert_eq!(at, "response.results[1].alternatives[0].words[2].endTime");
    assert!(problem.starts_with("expected a duration"), "{problem}");
    let g = edited(GOOGLE, |v| {
        v["response"]["results"][0]["alternatives"][0]["words"][0]["startTime"] =
            Value::from("-1s");
    });
    assert_eq!(
        bad(parse("google-stt", &g)),
        (
            "response.results[0].alternatives[0].words[0].startTime".into(),
            "negative time -1".into()
        )
    );
    let rev = edited(REVAI, |v| {
        v["monologues"][0]["elements"][3]["ts"] = Value::from("early");
    });
    assert_eq!(
        bad(parse("revai", &rev)),
        (
            "monologues[0].elements[3].ts".into(),
            "expected a number, found text".into()
        )
    );
    let rev = edited(REVAI, |v| {
        v["monologues"][1]["elements"][0]["type"] = Value::from("tag")
    });
    let (at, problem) = bad(parse("revai", &rev));
    assert_eq!(at, "monologues[1].elements[0].type");
    assert!(problem.contains("\"tag\""), "{problem}");
    // Not JSON at all, read by name.
    for (_, name) in SAMPLES {
        assert_eq!(
            bad(parse(name, "1\n00:00:01,000 --> 00:00:02,000\nHi\n")).1,
            "not a JSON file"
        );
    }
}

#[test]
fn names_and_aliases() {
    use crate::import::find_format;
    for (alias, name) in [
        ("Deepgram", "deepgram"),
        ("assembly-ai", "assemblyai"),
        ("aws-transcribe", "transcribe"),
        ("AWS_Transcribe", "transcribe"),
        ("amazon-transcribe", "transcribe"),
        ("google-speech", "google-stt"),
        ("Google-STT", "google-stt"),
        ("rev", "revai"),
        ("rev.ai", "revai"),
        ("rev-ai", "revai"),
    ] {
        assert_eq!(find_format(alias).map(|f| f.name), Some(name), "{alias}");
    }
    // `google` stays Google's text to speech.
    assert_eq!(find_format("google").unwrap().name, "google");
}
