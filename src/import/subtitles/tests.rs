//! SubRip and WebVTT on the samples in tests/data/import and on files made messy or broken on
//! purpose: how the words share their cues' times, each shape of cue, the line each problem
//! names, and that a file cut anywhere never panics.

use super::*;

const SRT_CUES: &str = include_str!("../../../tests/data/import/srt-cues.srt");
const SRT_WORDS: &str = include_str!("../../../tests/data/import/srt-words.srt");
const SRT_HIGHLIGHT: &str = include_str!("../../../tests/data/import/srt-highlight.srt");
const SRT_MESSY: &str = include_str!("../../../tests/data/import/srt-messy.srt");
const VTT_CUES: &str = include_str!("../../../tests/data/import/vtt-cues.vtt");
const VTT_YOUTUBE: &str = include_str!("../../../tests/data/import/vtt-youtube.vtt");
const VTT_HIGHLIGHT: &str = include_str!("../../../tests/data/import/vtt-highlight.vtt");

use crate::import::testing::{assert_tokens as check, timed};

fn parse(name: &str, raw: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, raw)
}

fn claims(raw: &str) -> Vec<&'static str> {
    crate::import::testing::claims(FORMATS, raw)
}

fn ok(name: &str, raw: &str) -> Vec<Token> {
    parse(name, raw).unwrap_or_else(|b| panic!("{}: {}", b.at, b.problem))
}

fn err(name: &str, raw: &str) -> (String, String) {
    match parse(name, raw) {
        Ok(tokens) => panic!("parsed: {tokens:?}"),
        Err(b) => (b.at, b.problem),
    }
}

fn texts(tokens: &[Token]) -> Vec<&str> {
    tokens.iter().map(|t| t.text.as_str()).collect()
}

/// `(word, start, end)` for words that share `start..end` by their length in characters.
fn shared(
    words: &[&'static str],
    start: f64,
    end: f64,
) -> Vec<(&'static str, Option<f64>, Option<f64>)> {
    let total: usize = words.iter().map(|w| w.chars().count()).sum();
    let mut done = 0;
    words
        .iter()
        .map(|w| {
            let from = start + (end - start) * done as f64 / total as f64;
            done += w.chars().count();
            let to = start + (end - start) * done as f64 / total as f64;
            (*w, Some(from), Some(to))
        })
        .collect()
}

/// The words of the lecture samples with openai-whisper's word times.
const LECTURE: &[(&str, f64, f64)] = &[
    ("Today", 0.62, 0.98),
    ("we", 0.98, 1.14),
    ("will", 1.14, 1.30),
    ("look", 1.30, 1.52),
    ("at", 1.52, 1.66),
    ("how", 1.66, 1.94),
    ("neural", 1.94, 2.36),
    ("networks", 2.36, 2.90),
    ("learn", 2.90, 3.22),
    ("from", 3.22, 3.44),
    ("data.", 3.44, 4.18),
    ("Each", 4.90, 5.16),
    ("layer", 5.16, 5.48),
    ("turns", 5.48, 5.84),
    ("its", 5.84, 6.02),
    ("input", 6.02, 6.60),
    ("into", 7.00, 7.24),
    ("a", 7.24, 7.34),
    ("slightly", 7.34, 7.80),
    ("more", 7.80, 8.04),
    ("useful", 8.04, 8.48),
    ("picture.", 8.48, 9.06),
];

#[test]
fn each_sample_is_claimed_by_its_format_alone() {
    for (raw, name) in [
        (SRT_CUES, "srt"),
        (SRT_WORDS, "srt"),
        (SRT_HIGHLIGHT, "srt"),
        (SRT_MESSY, "srt"),
        (VTT_CUES, "vtt"),
        (VTT_YOUTUBE, "vtt"),
        (VTT_HIGHLIGHT, "vtt"),
    ] {
        assert_eq!(claims(raw), [name], "{raw:.80}");
    }
}

#[test]
fn other_tools_files_are_not_claimed() {
    for raw in [
        // openai-whisper JSON
        r#"{"text": " Hello.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hello.",
           "words": [{"word": " Hello.", "start": 0.0, "end": 1.0, "probability": 0.9}]}]}"#,
        // Remotion captions
        r#"[{"text": "Hello", "startMs": 0, "endMs": 500, "timestampMs": 250, "confidence": 1}]"#,
        // Polly speech marks
        "{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":5,\"value\":\"Hello\"}\n\
         {\"time\":373,\"type\":\"word\",\"start\":6,\"end\":11,\"value\":\"world\"}\n",
        // CSV and TSV word tables
        "word,start,end\nHello,0.00,0.50\nworld,0.50,1.00\n",
        "start\tend\ttext\n0\t500\tHello\n500\t1000\tworld\n",
        "0.000000\t0.500000\tHello\n0.500000\t1.000000\tworld\n",
        // A Praat TextGrid (Montreal Forced Aligner)
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 1.0\n",
        // Plain text
        "Hello world.\nThis is a script, not subtitles.\n",
        "",
    ] {
        assert!(claims(raw).is_empty(), "{raw:.80}");
    }
    // Each format leaves the other's files alone (also checked on every sample above).
    assert_eq!(
        claims("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi\n"),
        ["vtt"]
    );
    assert_eq!(claims("1\n00:00:01.000 --> 00:00:02.000\nHi\n"), ["srt"]);
}

#[test]
fn cue_time_is_shared_by_word_length() {
    let tokens = ok("srt", SRT_CUES);
    let mut expected = shared(
        &[
            "Today", "we", "will", "look", "at", "how", "neural", "networks", "learn", "from",
            "data.",
        ],
        0.62,
        4.18,
    );
    expected.extend(shared(
        &["Each", "layer", "turns", "its", "input"],
        4.9,
        6.6,
    ));
    // <i> is markup, not part of the word.
    expected.extend(shared(
        &["into", "a", "slightly", "more", "useful", "picture."],
        7.0,
        9.06,
    ));
    check(&tokens, &expected);
    // Long words get long spans, short ones short, and they follow one another.
    assert!(
        tokens[7].end.unwrap() - tokens[7].start.unwrap()
            > 4.0 * (tokens[4].end.unwrap() - tokens[4].start.unwrap()) - 1e-9
    );
    for pair in tokens[..11].windows(2) {
        assert_eq!(pair[0].end, pair[1].start);
    }
}

#[test]
fn chinese_cues_are_cut_into_dictionary_words() {
    let srt = "1\n00:00:01,000 --> 00:00:03,000\n我们今天学习机器学习。\n";
    let tokens = ok("srt", srt);
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    assert!(words.len() >= 4, "{words:?}");
    assert_eq!(words.concat(), "我们今天学习机器学习。");
    assert_eq!(tokens[0].start, Some(1.0));
    assert_eq!(tokens.last().unwrap().end, Some(3.0));
}

#[test]
fn one_word_per_cue_keeps_each_cues_times() {
    check(&ok("srt", SRT_WORDS), &timed(LECTURE));
}

#[test]
fn whisper_highlight_words_srt_gives_one_word_per_underlined_cue() {
    // The same words as the cue-level sample, with whisper's own word times; the pause cue
    // (00:00:06,600 --> 00:00:07,000, no <u>) adds nothing.
    let tokens = ok("srt", SRT_HIGHLIGHT);
    check(&tokens, &timed(LECTURE));
    assert_eq!(texts(&tokens), texts(&ok("srt", SRT_CUES)));
}

#[test]
fn whisper_highlight_words_vtt_with_line_breaks_and_a_pause() {
    check(
        &ok("vtt", VTT_HIGHLIGHT),
        &timed(&[
            ("The", 0.40, 0.56),
            ("gradient", 0.56, 1.02),
            ("tells", 1.02, 1.30),
            ("each", 1.30, 1.52),
            ("weight", 1.52, 1.84),
            ("which", 1.84, 2.04),
            ("way", 2.04, 2.22),
            ("to", 2.22, 2.34),
            ("move,", 2.34, 2.90),
            ("and", 3.30, 3.46),
            ("the", 3.46, 3.58),
            ("learning", 3.58, 3.96),
            ("rate", 3.96, 4.30),
            ("decides", 4.30, 4.78),
            ("how", 4.78, 4.98),
            ("far.", 4.98, 5.60),
        ]),
    );
}

#[test]
fn whisperx_highlight_keeps_unaligned_words_untimed_and_the_speaker() {
    // WhisperX joins words with spaces, prefixes the speaker, and gives no cue to a word it
    // could not align ("1984" here).
    let raw = "1\n00:00:01,000 --> 00:00:01,400\n[SPEAKER_00]: <u>Back</u> in 1984 computers\n\n\
               2\n00:00:01,400 --> 00:00:01,600\n[SPEAKER_00]: Back <u>in</u> 1984 computers\n\n\
               3\n00:00:01,600 --> 00:00:02,500\n[SPEAKER_00]: Back in 1984 computers\n\n\
               4\n00:00:02,500 --> 00:00:03,100\n[SPEAKER_00]: Back in 1984 <u>computers</u>\n\n";
    let tokens = ok("srt", raw);
    check(
        &tokens,
        &[
            ("Back", Some(1.0), Some(1.4)),
            ("in", Some(1.4), Some(1.6)),
            ("1984", None, None),
            ("computers", Some(2.5), Some(3.1)),
        ],
    );
    assert!(tokens
        .iter()
        .all(|t| t.speaker.as_deref() == Some("SPEAKER_00")));
}

#[test]
fn diarized_cues_keep_their_speaker_label() {
    // WhisperX and whisper-ctranslate2 put the speaker in front of each cue.
    let raw = "1\n00:00:00,000 --> 00:00:02,000\n[SPEAKER_01]: Hola, bon dia.\n\n\
               2\n00:00:02,000 --> 00:00:04,000\n[SPEAKER_00]: Hola!\nEm dic Carme.\n\n\
               3\n00:00:04,000 --> 00:00:05,000\nNo label here\n";
    let tokens = ok("srt", raw);
    assert_eq!(
        texts(&tokens),
        ["Hola,", "bon", "dia.", "Hola!", "Em", "dic", "Carme.", "No", "label", "here"]
    );
    let speakers: Vec<Option<&str>> = tokens.iter().map(|t| t.speaker.as_deref()).collect();
    let mut want = vec![Some("SPEAKER_01"); 3];
    want.extend([Some("SPEAKER_00"); 4]);
    want.extend([None; 3]);
    assert_eq!(speakers, want);
    // A bracket that is not a label stays a word.
    let raw = "1\n00:00:00,000 --> 00:00:01,000\n[Music] plays\n";
    assert_eq!(texts(&ok("srt", raw)), ["[Music]", "plays"]);
    assert_eq!(ok("srt", raw)[0].speaker, None);
}

#[test]
fn webvtt_voices_per_line_and_with_classes() {
    let raw =
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Esme>It's blue!\n<v.loud Mary>No way!</v>\n\n\
               00:00:03.000 --> 00:00:04.000\n<v Esme>Yes</v> really\n\n\
               00:00:04.000 --> 00:00:05.000\nnobody\n";
    let tokens = ok("vtt", raw);
    assert_eq!(
        texts(&tokens),
        ["It's", "blue!", "No", "way!", "Yes", "really", "nobody"]
    );
    let speakers: Vec<Option<&str>> = tokens.iter().map(|t| t.speaker.as_deref()).collect();
    // A voice closed in the middle of a line still names the whole line.
    assert_eq!(
        speakers,
        [
            Some("Esme"),
            Some("Esme"),
            Some("Mary"),
            Some("Mary"),
            Some("Esme"),
            Some("Esme"),
            None
        ]
    );
    // WhisperX's label in a WebVTT file.
    let raw = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[SPEAKER_02]: fine\n";
    assert_eq!(ok("vtt", raw)[0].speaker.as_deref(), Some("SPEAKER_02"));
}

#[test]
fn highlight_subtitles_with_the_same_text_stay_apart() {
    // Two one-word subtitles "Yes." in a row: the second starts over at the same word.
    let raw = "1\n00:00:01,000 --> 00:00:01,500\n<u>Yes.</u>\n\n\
               2\n00:00:02,000 --> 00:00:02,400\n<u>Yes.</u>\n\n";
    check(
        &ok("srt", raw),
        &[
            ("Yes.", Some(1.0), Some(1.5)),
            ("Yes.", Some(2.0), Some(2.4)),
        ],
    );
    // CJK words are written without spaces between them.
    let raw = "1\n00:00:00,000 --> 00:00:00,500\n<u>你好</u>世界\n\n\
               2\n00:00:00,500 --> 00:00:01,200\n你好<u>世界</u>\n\n";
    check(
        &ok("srt", raw),
        &[
            ("你好", Some(0.0), Some(0.5)),
            ("世界", Some(0.5), Some(1.2)),
        ],
    );
}

#[test]
fn an_underlined_word_in_an_ordinary_subtitle_is_emphasis() {
    let raw = "1\n00:00:01,000 --> 00:00:03,000\nThis is <u>very</u> important\n\n\
               2\n00:00:03,000 --> 00:00:04,000\nIndeed\n";
    let mut expected = shared(&["This", "is", "very", "important"], 1.0, 3.0);
    expected.push(("Indeed", Some(3.0), Some(4.0)));
    check(&ok("srt", raw), &expected);
}

#[test]
fn webvtt_blocks_identifiers_settings_voices_and_entities() {
    let mut expected = shared(
        &[
            "Welcome",
            "back.",
            "Last",
            "time",
            "we",
            "built",
            "a",
            "tiny",
            "perceptron;",
        ],
        0.5,
        3.2,
    );
    expected.extend(shared(
        &[
            "today", "we", "train", "it", "with", "gradient", "descent", "&", "see", "why", "it",
            "works.",
        ],
        3.6,
        7.45,
    ));
    expected.extend(shared(
        &["Will", "this", "be", "on", "the", "exam?"],
        9.1,
        10.3,
    ));
    let tokens = ok("vtt", VTT_CUES);
    check(&tokens, &expected);
    // `<v Name>` is who says the words, up to its `</v>` or the end of the cue.
    let speakers: Vec<Option<&str>> = tokens.iter().map(|t| t.speaker.as_deref()).collect();
    let mut want = vec![Some("Dr. Okafor"); 21];
    want.extend([Some("Student"); 6]);
    assert_eq!(speakers, want);
}

#[test]
fn youtube_rolling_captions_give_each_word_once_at_its_timestamp() {
    let tokens = ok("vtt", VTT_YOUTUBE);
    assert_eq!(
        texts(&tokens).join(" "),
        "[Music] so in this lecture we're going to talk about how gradient descent actually \
         works and why the learning rate matters so much okay let's start with a picture so"
    );
    check(
        &tokens[..10],
        &timed(&[
            ("[Music]", 0.0, 1.91),
            // The first word of a line starts with its cue, the others at their timestamps,
            // and the last word of a line runs to the end of its cue.
            ("so", 1.92, 2.159),
            ("in", 2.159, 2.32),
            ("this", 2.32, 2.56),
            ("lecture", 2.56, 3.04),
            ("we're", 3.04, 3.28),
            ("going", 3.28, 3.439),
            ("to", 3.439, 4.309),
            ("talk", 4.319, 4.6),
            ("about", 4.6, 4.88),
        ]),
    );
    check(
        &tokens[22..],
        &timed(&[
            ("much", 9.92, 12.07),
            ("okay", 12.08, 12.559),
            ("let's", 12.559, 12.88),
            ("start", 12.88, 13.2),
            ("with", 13.2, 13.36),
            ("a", 13.36, 13.44),
            ("picture", 13.44, 14.39),
            // A one-word line has no timestamp: it takes its cue's time.
            ("so", 14.4, 15.0),
        ]),
    );
}

#[test]
fn youtube_repeated_words_are_kept_when_said_twice() {
    // "no" is said twice: the second cue repeats the first line above a new one.
    let raw = "WEBVTT\nKind: captions\nLanguage: en\n\n\
               00:00:01.000 --> 00:00:02.000 align:start position:0%\n \nwell<00:00:01.500><c> no</c>\n\n\
               00:00:02.000 --> 00:00:02.010 align:start position:0%\nwell no\n \n\n\
               00:00:02.010 --> 00:00:03.000 align:start position:0%\nwell no\nno\n\n\
               00:00:03.000 --> 00:00:03.010 align:start position:0%\nno\n \n\n\
               00:00:03.010 --> 00:00:04.000 align:start position:0%\nno\nno\n";
    check(
        &ok("vtt", raw),
        &timed(&[
            ("well", 1.0, 1.5),
            ("no", 1.5, 2.0),
            ("no", 2.01, 3.0),
            ("no", 3.01, 4.0),
        ]),
    );
}

#[test]
fn karaoke_timestamps_without_repeats() {
    let raw = "WEBVTT\n\n00:00:00.030 --> 00:00:02.000\n\
               Hello<00:00:00.526><c> world</c><00:00:01.021><c> again</c>\n\n\
               00:00:02.000 --> 00:00:03.000\nHello<00:00:02.500><c> world</c>\n";
    check(
        &ok("vtt", raw),
        &timed(&[
            ("Hello", 0.03, 0.526),
            ("world", 0.526, 1.021),
            ("again", 1.021, 2.0),
            ("Hello", 2.0, 2.5),
            ("world", 2.5, 3.0),
        ]),
    );
}

#[test]
fn messy_subrip_bom_crlf_missing_index_blank_lines_and_overrides() {
    let tokens = ok("srt", SRT_MESSY);
    let mut expected = shared(
        &[
            "Aujourd’hui,",
            "nous",
            "allons",
            "voir",
            "comment",
            "les",
            "réseaux",
            "de",
            "neurones",
            "apprennent.",
        ],
        0.8,
        3.95,
    );
    expected.extend(shared(
        &[
            "Chaque",
            "couche",
            "transforme",
            "son",
            "entrée",
            "en",
            "une",
            "représentation",
            "plus",
            "utile.",
        ],
        4.4,
        8.12,
    ));
    // A dot instead of a comma in the times.
    expected.extend(shared(
        &[
            "C’est",
            "là",
            "que",
            "«",
            "l’apprentissage",
            "»",
            "commence.",
        ],
        8.6,
        11.3,
    ));
    check(&tokens, &expected);
}

#[test]
fn speaker_change_marks_are_not_words() {
    let raw = "1\n00:00:01,000 --> 00:00:03,000\n- Ready?\n- Yes.\n\n\
               2\n00:00:03,000 --> 00:00:04,000\n&gt;&gt; Next question\n";
    let mut expected = shared(&["Ready?", "Yes."], 1.0, 3.0);
    expected.extend(shared(&["Next", "question"], 3.0, 4.0));
    check(&ok("srt", raw), &expected);
}

#[test]
fn markup_and_character_references() {
    let raw = "1\n00:00:00,000 --> 00:00:01,000\n{\\an8}<b>x</b> &lt; y &amp; 3 < 4 &unknown; caf&#233;\n\n\
               2\n00:00:01,000 --> 00:00:02,000\n<ruby>漢<rt>かん</rt></ruby>字&lrm;&nbsp;ok\n";
    let words: Vec<String> = ok("srt", raw).into_iter().map(|t| t.text).collect();
    assert_eq!(
        words,
        [
            "x",
            "<",
            "y",
            "&",
            "3",
            "<",
            "4",
            "&unknown;",
            "café",
            "漢字",
            "ok"
        ]
    );
}

#[test]
fn time_spellings() {
    let raw = "1\n0:00:01,5 --> 0:00:02,25 X1:40 X2:600 Y1:20 Y2:50\none\n\n\
               2\n01:00:00.000 --> 01:00:01.000\ntwo\n";
    check(
        &ok("srt", raw),
        &timed(&[("one", 1.5, 2.25), ("two", 3600.0, 3601.0)]),
    );
    let raw = "WEBVTT\n\n00:01.000 --> 00:02.000 align:start\none\n\n1\n00:00:03.000 --> 00:00:04.000\ntwo\n";
    check(
        &ok("vtt", raw),
        &timed(&[("one", 1.0, 2.0), ("two", 3.0, 4.0)]),
    );
    // Without a blank line between cues, and with the text's last line before a time line.
    let raw = "00:00:01,000 --> 00:00:02,000\nHello there\n00:00:03,000 --> 00:00:04,000\nfriend\n";
    check(
        &ok("srt", raw),
        &timed(&[
            ("Hello", 1.0, 1.5),
            ("there", 1.5, 2.0),
            ("friend", 3.0, 4.0),
        ]),
    );
}

#[test]
fn files_without_cues_give_no_words() {
    assert!(ok("vtt", "WEBVTT\n").is_empty());
    assert!(ok("vtt", "WEBVTT\n\nNOTE nothing yet\n").is_empty());
    assert!(ok("srt", "").is_empty());
    assert!(ok("srt", "\n\n").is_empty());
    // A cue with no text has no words.
    assert!(ok("srt", "1\n00:00:01,000 --> 00:00:02,000\n\n").is_empty());
}

#[test]
fn bad_files_name_the_line() {
    let mut raw = String::new();
    for (n, t) in [(1, 1), (2, 2), (3, 3)] {
        raw += &format!("{n}\n00:00:0{t},000 --> 00:00:0{t},500\nword\n\n");
    }
    raw += "4\n00:00:1,000 --> 00:00:02,000\nword\n";
    assert_eq!(
        err("srt", &raw),
        (
            "line 14".into(),
            "\"00:00:1,000\" is not a time (HH:MM:SS,mmm)".into()
        )
    );
    assert_eq!(
        err("srt", "1\n00:00:03,000 --> 00:00:02,000\nword\n"),
        (
            "line 2".into(),
            "end 00:00:02,000 is before start 00:00:03,000".into()
        )
    );
    assert_eq!(
        err("vtt", "WEBVTT\n\n00:00:01.000 --> \nword\n"),
        (
            "line 3".into(),
            "the end time is missing around \"-->\"".into()
        )
    );
    assert_eq!(
        err("vtt", "WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nword\n"),
        (
            "line 3".into(),
            "\"00:00:61.000\" is not a time (HH:MM:SS.mmm)".into()
        )
    );
    assert_eq!(
        err(
            "vtt",
            "WEBVTT\n\n00:01.000 --> 00:03.000\none<00:00:1.5><c> two</c>\n"
        ),
        (
            "line 4".into(),
            "\"<00:00:1.5>\" is not a time (HH:MM:SS.mmm)".into()
        )
    );
    assert_eq!(
        err("srt", "1\n00:00:01,000 --> 00:00:02,000\nword\n\n2\n"),
        (
            "line 5".into(),
            "the file ends after cue number 2, without its times (is it cut short?)".into()
        )
    );
    assert_eq!(
        err("srt", "Hello\nworld\n"),
        (
            "line 1".into(),
            "expected a cue (a number, then a time line like \"00:00:01,000 --> \
             00:00:04,000\"), found \"Hello\""
                .into()
        )
    );
}

#[test]
fn cut_files_never_panic() {
    for raw in [
        SRT_CUES,
        SRT_WORDS,
        SRT_HIGHLIGHT,
        SRT_MESSY,
        VTT_CUES,
        VTT_YOUTUBE,
        VTT_HIGHLIGHT,
    ] {
        for (cut, _) in raw.char_indices() {
            let part = &raw[..cut];
            let _ = claims(part);
            let _ = parse("srt", part);
            let _ = parse("vtt", part);
        }
    }
    for raw in [
        "<",
        "<u>",
        "</u><u>",
        "&",
        "&#xFFFFFFFF;",
        "&#;",
        "{\\",
        "[a]:",
        "-->",
        "<0",
        "<1>",
    ] {
        let cue = format!("WEBVTT\n\n00:00.000 --> 00:01.000\n{raw}\n");
        let _ = parse("vtt", &cue);
        let _ = parse("srt", &cue);
    }
}
