//! The caption and karaoke formats on the samples in tests/data/import and on files made broken
//! on purpose: the words and times each gives (karaoke syllables joined, offsets applied, frame
//! and tick times), the line or entry each problem names, that no format claims another's files,
//! and that a file cut anywhere never panics.

use super::*;
use crate::import::testing::{assert_tokens, bad, timed, with};
use crate::import::{Bad, Token};

const JSON3: &str = include_str!("../../../tests/data/import/json3.json");
const JSON3_UPLOADED: &str = include_str!("../../../tests/data/import/json3-uploaded.json");
const LRC: &str = include_str!("../../../tests/data/import/lrc.lrc");
const LRC_ENHANCED: &str = include_str!("../../../tests/data/import/lrc-enhanced.lrc");
const ASS: &str = include_str!("../../../tests/data/import/ass-karaoke.ass");
const SSA: &str = include_str!("../../../tests/data/import/ass-ssa.ssa");
const TTML: &str = include_str!("../../../tests/data/import/ttml.ttml");
const DFXP: &str = include_str!("../../../tests/data/import/ttml-dfxp.xml");
const SBV: &str = include_str!("../../../tests/data/import/sbv.sbv");
const SUBVIEWER: &str = include_str!("../../../tests/data/import/sbv-subviewer.sub");

const SAMPLES: &[(&str, &str)] = &[
    (JSON3, "json3"),
    (JSON3_UPLOADED, "json3"),
    (LRC, "lrc"),
    (LRC_ENHANCED, "lrc"),
    (ASS, "ass"),
    (SSA, "ass"),
    (TTML, "ttml"),
    (DFXP, "ttml"),
    (SBV, "sbv"),
    (SUBVIEWER, "sbv"),
];

fn parse(name: &str, text: &str) -> Result<Vec<Token>, Bad> {
    crate::import::testing::parse(FORMATS, name, text)
}

fn ok(name: &str, text: &str) -> Vec<Token> {
    parse(name, text).unwrap_or_else(|b| panic!("{}: {}", b.at, b.problem))
}

/// Every format gpucast reads that claims `text`.
fn claims(text: &str) -> Vec<&'static str> {
    with(text, None, |input| {
        crate::import::formats()
            .filter(|f| (f.detect)(input))
            .map(|f| f.name)
            .collect()
    })
}

fn speakers(tokens: &[Token]) -> Vec<Option<&str>> {
    tokens.iter().map(|t| t.speaker.as_deref()).collect()
}

fn err(name: &str, text: &str) -> (String, String) {
    bad(parse(name, text))
}

#[test]
fn each_sample_is_claimed_by_its_format_alone() {
    for (text, name) in SAMPLES {
        assert_eq!(claims(text), [*name], "{text:.80}");
    }
    // aeneas's sync maps, as aeneas writes them.
    let sbv = "[SUBTITLE]\n\n00:00:00.000,00:00:02.680\n1\n\n00:00:02.680,00:00:05.880\nFrom here\n\n[END SUBTITLE]\n";
    assert_eq!(claims(sbv), ["sbv"]);
    let ttml = "<?xml version='1.0' encoding='UTF-8'?>\n<tt xmlns=\"http://www.w3.org/ns/ttml\" xml:lang=\"en\">\n  <body>\n    <div>\n      <p xml:id=\"f000001\" begin=\"0.000s\" end=\"2.680s\">1</p>\n    </div>\n  </body>\n</tt>\n";
    assert_eq!(claims(ttml), ["ttml"]);
    assert_tokens(&ok("ttml", ttml), &timed(&[("1", 0.0, 2.68)]));
}

#[test]
fn other_tools_files_are_not_claimed() {
    for text in [
        "1\n00:00:01,000 --> 00:00:02,000\n[SPEAKER_00]: Hi\n",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n",
        "word,start,end\nHello,0.00,0.50\nworld,0.50,1.00\n",
        "0.000000\t0.500000\tHello\n0.500000\t1.000000\tworld\n",
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 1.0\n",
        r#"{"text": " Hi", "segments": [{"start": 0.0, "end": 1.0, "text": " Hi"}]}"#,
        r#"{"events": [{"start": 0, "name": "tick"}]}"#,
        "<speak>Hello <mark name=\"1\"/>world</speak>",
        "<?xml version=\"1.0\"?>\n<html><body><p>Not TTML</p></body></html>",
        "[Chorus]\nNo time tags here\n",
        "Hello world.\nThis is a script, not captions.\n",
        "",
    ] {
        let mine: Vec<&str> = with(text, None, |input| {
            FORMATS
                .iter()
                .filter(|f| (f.detect)(input))
                .map(|f| f.name)
                .collect()
        });
        assert!(mine.is_empty(), "{mine:?} claim {text:.80}");
    }
}

#[test]
fn names_and_aliases() {
    for (alias, name) in [
        ("youtube", "json3"),
        ("yt-json3", "json3"),
        ("SSA", "ass"),
        ("karaoke", "ass"),
        ("dfxp", "ttml"),
        ("imsc", "ttml"),
        ("subviewer", "sbv"),
        ("lrc", "lrc"),
    ] {
        assert_eq!(
            crate::import::find_format(alias).map(|f| f.name),
            Some(name)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// json3

#[test]
fn json3_automatic_captions_time_each_word_from_its_offset() {
    assert_tokens(
        &ok("json3", JSON3),
        &timed(&[
            ("welcome", 0.48, 0.88),
            ("back", 0.88, 1.12),
            ("to", 1.12, 1.24),
            ("the", 1.24, 1.36),
            // An event stays on screen past the next one's start: the word ends there.
            ("course", 1.36, 2.4),
            ("today", 2.4, 2.76),
            ("we", 2.76, 2.92),
            ("look", 2.92, 3.2),
            ("at", 3.2, 3.36),
            ("gradients", 3.36, 4.8),
            // The event ends before the next starts: the word ends with its event.
            ("[Music]", 4.8, 6.8),
            ("and", 7.0, 7.3),
            ("why", 7.3, 9.36),
        ]),
    );
}

#[test]
fn json3_uploaded_captions_share_their_events_time() {
    let tokens = ok("json3", JSON3_UPLOADED);
    assert_tokens(
        &tokens,
        &timed(&[
            ("Gradient descent takes small steps\ndownhill.", 1.2, 4.0),
            ("Each step follows the slope.", 4.3, 6.4),
        ]),
    );
    // The shared step cuts them into words over the event.
    let (words, _) = crate::import::normalize::normalize(tokens, 0.0).unwrap();
    assert_eq!(words.len(), 11);
    assert_eq!((words[0].text.as_str(), words[0].start), ("Gradient", 1.2));
    assert_eq!((words[5].text.as_str(), words[5].end), ("downhill.", 4.0));
}

#[test]
fn json3_without_durations_or_offsets() {
    let raw = r#"{"events": [{"tStartMs": 500, "segs": [{"utf8": "one"}, {"utf8": " two", "tOffsetMs": 250}]},
                 {"tStartMs": 1500, "segs": [{"utf8": "three"}]}]}"#;
    assert_tokens(
        &ok("json3", raw),
        &[
            ("one", Some(0.5), Some(0.75)),
            ("two", Some(0.75), Some(1.5)),
            ("three", Some(1.5), None),
        ],
    );
    assert!(ok("json3", r#"{"wireMagic": "pb3", "events": []}"#).is_empty());
}

#[test]
fn json3_errors_name_the_entry() {
    for (raw, at, problem) in [
        (
            r#"{"events": [{"tStartMs": 0, "segs": [{"tOffsetMs": 5}]}]}"#,
            "events[0].segs[0]",
            "missing field \"utf8\"",
        ),
        (
            r#"{"events": [{"tStartMs": "soon", "segs": [{"utf8": "hi"}]}]}"#,
            "events[0].tStartMs",
            "expected a number, found text",
        ),
        (
            r#"{"events": [{"tStartMs": 0, "segs": [{"utf8": "a"}, {"utf8": " b", "tOffsetMs": -40}]}]}"#,
            "events[0].segs[1].tOffsetMs",
            "negative time -40",
        ),
        (
            r#"{"events": [{"segs": [{"utf8": "hi"}]}]}"#,
            "events[0]",
            "missing field \"tStartMs\"",
        ),
        (
            r#"{"events": [3]}"#,
            "events[0]",
            "expected an object, found a number",
        ),
        (
            r#"{"events": {}}"#,
            "events",
            "expected an array, found an object",
        ),
    ] {
        assert_eq!(
            err("json3", raw),
            (at.to_string(), problem.to_string()),
            "{raw}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// lrc

#[test]
fn lrc_lines_share_the_time_to_the_next_line() {
    let tokens = ok("lrc", LRC);
    assert_tokens(
        &tokens,
        &[
            ("Take a small step down the hill", Some(1.2), Some(4.5)),
            ("Follow the slope and let it go", Some(4.5), Some(8.25)),
            // `[00:08:25]`: a colon before the hundredths.
            ("Every epoch brings us closer", Some(8.25), Some(11.0)),
            // `[00:11]` alone ends the line before; the repeated line comes back at 00:14.
            ("Follow the slope and let it go", Some(14.0), Some(17.0)),
            // The last line's end is left to the shared step.
            ("Closer to the minimum", Some(17.0), None),
        ],
    );
    assert_eq!(speakers(&tokens), [None, None, None, None, Some("F")]);
}

#[test]
fn lrc_enhanced_word_tags_with_the_offset_applied() {
    // [offset:+200]: every time 0.2 s sooner.
    assert_tokens(
        &ok("lrc", LRC_ENHANCED),
        &timed(&[
            ("Small", 1.8, 2.4),
            ("steps", 2.4, 2.9),
            ("down", 2.9, 3.3),
            ("the", 3.3, 3.6),
            ("hill", 3.6, 4.7),
            // `Lear<00:05.90>ning`: one word.
            ("Learning", 5.2, 6.1),
            ("as", 6.1, 6.3),
            ("we", 6.3, 6.6),
            // No closing tag: the word runs to the next line.
            ("go", 6.6, 8.8),
            ("Slow", 8.8, 9.4),
            ("and", 9.4, 9.7),
            ("steady", 9.7, 10.5),
        ]),
    );
}

#[test]
fn lrc_offsets_and_odd_lines() {
    // A negative offset makes the lyrics later; times never go below zero.
    let raw = "[offset:+3000]\n[00:01.00]late\n";
    assert_tokens(&ok("lrc", raw), &[("late", Some(0.0), None)]);
    let raw = "[offset: -500]\n[00:01.00]late\n[00:02.50]\n";
    assert_tokens(&ok("lrc", raw), &timed(&[("late", 1.5, 3.0)]));
    // A translation under the lyrics has the same time: both run to the next line; untagged
    // lines are not shown by players and are skipped; one to three digits of fraction.
    let raw = "[ti:x]\n[offset:]\nA comment\n[00:01.5]hello\n[00:01.500]bonjour\n[00:02.25]\n";
    assert_tokens(
        &ok("lrc", raw),
        &timed(&[("hello", 1.5, 2.25), ("bonjour", 1.5, 2.25)]),
    );
    // The next line may show before this line's last word is over.
    let raw = "[00:01.00]<00:01.00>one <00:02.00>two\n[00:01.80]next\n";
    assert_tokens(
        &ok("lrc", raw),
        &[
            ("one", Some(1.0), Some(2.0)),
            ("two", Some(2.0), None),
            ("next", Some(1.8), None),
        ],
    );
}

#[test]
fn lrc_errors_name_the_line() {
    for (raw, at, problem) in [
        (
            "[ar:x]\n[00:01.00]one\n[00:1x.00]two\n",
            "line 3",
            "\"00:1x.00\" is not a time (mm:ss.xx)",
        ),
        (
            "[00:01.00]one <00:01.50>two <00:02.7>three <00:0z.00>\n",
            "line 1",
            "\"00:0z.00\" is not a time (mm:ss.xx)",
        ),
        (
            "[00:01.00]one\n[00:02.00\n",
            "line 2",
            "the time tag \"[00:02.00\" is not closed with \"]\"",
        ),
        (
            "[offset:soon]\n[00:01.00]one\n",
            "line 1",
            "offset \"soon\" is not a whole number of milliseconds",
        ),
        (
            "[00:01.00]<00:01.00>one <00:00.50>two\n",
            "line 1",
            "the word tags go back in time: 00:00.50 comes after 00:01.00",
        ),
        (
            "[00:61.00]one\n",
            "line 1",
            "\"00:61.00\" is not a time (mm:ss.xx)",
        ),
    ] {
        assert_eq!(
            err("lrc", raw),
            (at.to_string(), problem.to_string()),
            "{raw}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ass

#[test]
fn ass_karaoke_syllables_join_into_words() {
    let tokens = ok("ass", ASS);
    assert_tokens(
        &tokens,
        &[
            ("Small", Some(1.5), Some(1.9)),
            ("steps", Some(1.9), Some(2.4)),
            // A syllable of a space is a pause: "down" starts after it.
            ("down", Some(2.6), Some(2.95)),
            ("the", Some(2.95), Some(3.2)),
            ("hill", Some(3.2), Some(3.8)),
            ("Learning", Some(5.0), Some(5.55)),
            ("as", Some(5.7), Some(5.9)),
            ("we", Some(5.9), Some(6.1)),
            // `\N` ends the word.
            ("go,", Some(6.1), Some(6.7)),
            ("slowly", Some(6.7), Some(7.3)),
            // A line without karaoke tags: its words share its time; override tags removed.
            ("No karaoke here, just a line", Some(8.2), Some(10.0)),
        ],
    );
    let mut want = vec![Some("Lead"); 10];
    want.push(None);
    assert_eq!(speakers(&tokens), want);
}

#[test]
fn ssa_v4_lines_share_their_time() {
    let tokens = ok("ass", SSA);
    assert_tokens(
        &tokens,
        &timed(&[
            (
                "Today we will look at how neural networks learn from data.",
                0.62,
                4.18,
            ),
            ("Each layer turns its input, step by step.", 4.9, 6.6),
        ]),
    );
    assert_eq!(speakers(&tokens), [Some("Okafor"), Some("Okafor")]);
}

const EVENTS: &str =
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";

#[test]
fn ass_karaoke_tags_as_libass_reads_them() {
    let raw = format!(
        "{EVENTS}Dialogue: 0,0:00:10.00,0:00:20.00,Default,,0,0,0,,\
         Intro {{\\k50}}one {{\\kt200\\k50}}two {{\\k}}three{{\\k25.5}} four\n"
    );
    assert_tokens(
        &ok("ass", &raw),
        &[
            // Text before the first \k is sung at once.
            ("Intro", Some(10.0), Some(10.0)),
            ("one", Some(10.0), Some(10.5)),
            // \kt200 moves the next syllable to 2 s into the line.
            ("two", Some(12.0), Some(12.5)),
            // \k alone is 100 centiseconds.
            ("three", Some(12.5), Some(13.5)),
            ("four", Some(13.5), Some(13.755)),
        ],
    );
    // Drawings are not words; syllables past the line's end stop there; \h is a space.
    let raw = format!(
        "{EVENTS}Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,\
         {{\\p1}}m 0 0 l 100 0 100 100{{\\p0}}{{\\k80}}Hi\\hthere{{\\k80}} you\n"
    );
    assert_tokens(
        &ok("ass", &raw),
        &[
            // One syllable of two words: its time shared by length.
            ("Hi", Some(1.0), Some(1.0 + 0.8 * 2.0 / 7.0)),
            ("there", Some(1.0 + 0.8 * 2.0 / 7.0), Some(1.8)),
            ("you", Some(1.8), Some(2.0)),
        ],
    );
}

#[test]
fn ass_after_the_karaoke_templater_reads_the_commented_originals() {
    let raw = format!(
        "{EVENTS}Comment: 0,0:00:00.00,0:00:00.00,Default,,0,0,0,template syl,{{\\an5\\pos($x,$y)}}\n\
         Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,karaoke,{{\\k40}}Hel{{\\k60}}lo\n\
         Dialogue: 0,0:00:01.00,0:00:01.40,Default,,0,0,0,fx,{{\\an5\\pos(10,20)}}Hel\n\
         Dialogue: 0,0:00:01.40,0:00:02.00,Default,,0,0,0,fx,{{\\an5\\pos(30,20)}}lo\n\
         Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,Thanks\n"
    );
    assert_tokens(
        &ok("ass", &raw),
        &timed(&[("Hello", 1.0, 2.0), ("Thanks", 3.0, 4.0)]),
    );
}

#[test]
fn ass_errors_name_the_line() {
    for (raw, at, problem) in [
        (
            format!("{EVENTS}Dialogue: 0,0:00:0x.00,0:00:02.00,Default,,0,0,0,,hi\n"),
            "line 3",
            "start \"0:00:0x.00\" is not a time (H:MM:SS.cc)".to_string(),
        ),
        (
            format!("{EVENTS}Dialogue: 0,0:00:03.00,0:00:02.00,Default,,0,0,0,,hi\n"),
            "line 3",
            "the line ends at 2.00 s, before it starts at 3.00 s".to_string(),
        ),
        (
            format!("{EVENTS}Dialogue: 0,0:00:01.00,0:00:02.00\n"),
            "line 3",
            "a Dialogue line has 10 columns (Layer, Start, End, Style, Name, MarginL, MarginR, \
             MarginV, Effect, Text), found 3"
                .to_string(),
        ),
        (
            format!("{EVENTS}Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{{\\k-5}}hi\n"),
            "line 3",
            "\"\\k-5\" is not a karaoke time (centiseconds)".to_string(),
        ),
        (
            "[Events]\nFormat: Layer, Style, Text\n".to_string(),
            "line 2",
            "the Format line names no Start or End column".to_string(),
        ),
    ] {
        assert_eq!(err("ass", &raw), (at.to_string(), problem), "{raw}");
    }
}

// ---------------------------------------------------------------------------------------------
// ttml

#[test]
fn ttml_ticks_agents_and_word_spans() {
    let tokens = ok("ttml", TTML);
    assert_tokens(
        &tokens,
        &timed(&[
            // 6200000t at ttp:tickRate 10000000.
            (
                "Today we will look at how\nneural networks learn from data.",
                0.62,
                4.18,
            ),
            // Span times count from the p's begin.
            ("Each", 4.9, 5.16),
            ("layer", 5.16, 5.48),
            ("turns", 5.48, 5.84),
            ("its", 5.84, 6.02),
            // Two spans that touch are one word; a span without an end runs to the p's end.
            ("input.", 6.02, 6.6),
        ]),
    );
    assert!(speakers(&tokens).iter().all(|s| *s == Some("Dr. Okafor")));
}

#[test]
fn dfxp_frames_parent_offsets_and_sequences() {
    assert_tokens(
        &ok("ttml", DFXP),
        &timed(&[
            // The div begins at 10 s; 15 frames at 25 frames a second.
            ("Weights & biases\nmove together.", 10.6, 12.2),
            // 75f and a dur; &#8217; decoded.
            ("Q\u{2019}s answer:", 13.0, 14.5),
            // A seq div: each p begins where the one before ended.
            ("First in sequence.", 20.0, 22.0),
            ("Then this one.", 22.0, 23.5),
        ]),
    );
}

fn tt(params: &str, body: &str) -> String {
    format!(
        "<tt xmlns=\"http://www.w3.org/ns/ttml\" xmlns:ttp=\"http://www.w3.org/ns/ttml#parameter\" \
         {params}>\n<body>\n{body}\n</body>\n</tt>\n"
    )
}

#[test]
fn ttml_time_expressions() {
    let one = |params: &str, begin: &str| -> f64 {
        let raw = tt(params, &format!("<p begin=\"{begin}\">x</p>"));
        ok("ttml", &raw)[0].start.unwrap()
    };
    for (params, begin, want) in [
        ("", "1.5s", 1.5),
        ("", "1500ms", 1.5),
        ("", "2m", 120.0),
        ("", "0.5h", 1800.0),
        // 30 frames a second unless told.
        ("", "45f", 1.5),
        ("", "00:00:01:15", 1.5),
        ("", "01:02:03.25", 3723.25),
        // Without a tick rate or a frame rate, a tick is a second.
        ("", "12t", 12.0),
        ("ttp:tickRate=\"4\"", "12t", 3.0),
        // With a frame rate only, ticks are sub-frames.
        ("ttp:frameRate=\"25\" ttp:subFrameRate=\"2\"", "100t", 2.0),
        (
            "ttp:frameRate=\"25\" ttp:subFrameRate=\"2\"",
            "00:00:01:12.1",
            1.5,
        ),
        (
            "ttp:frameRate=\"30\" ttp:frameRateMultiplier=\"1000 1001\"",
            "30f",
            1.001,
        ),
    ] {
        let got = one(params, begin);
        assert!((got - want).abs() < 1e-9, "{params} {begin}: {got}");
    }
}

#[test]
fn ttml_text_outside_timed_spans_is_interpolated() {
    let raw = tt(
        "",
        "<p begin=\"1s\" end=\"3s\"><span begin=\"0s\" end=\"0.5s\">Hello</span> dear \
         <span begin=\"1s\" end=\"2s\">friend</span><metadata>not this</metadata></p>",
    );
    assert_tokens(
        &ok("ttml", &raw),
        &[
            ("Hello", Some(1.0), Some(1.5)),
            ("dear", None, None),
            ("friend", Some(2.0), Some(3.0)),
        ],
    );
    // No body, or an empty one: no words.
    assert!(ok("ttml", &tt("", "")).is_empty());
}

#[test]
fn ttml_errors_name_the_line() {
    let raw = tt(
        "",
        "<p begin=\"1s\" end=\"2s\">one</p>\n<p begin=\"1.5x\">two</p>",
    );
    assert_eq!(
        err("ttml", &raw),
        (
            "line 4".into(),
            "<p> begin=\"1.5x\" is not a TTML time (like 00:00:01.500, 00:00:01:12, 1.5s, \
             1500ms, 45f or 12t)"
                .into()
        )
    );
    let raw = tt("ttp:frameRate=\"fast\"", "");
    assert_eq!(
        err("ttml", &raw),
        (
            "line 1".into(),
            "ttp:frameRate \"fast\" is not a positive number".into()
        )
    );
    let raw = tt("", "<p begin=\"1s\">one & two</p>");
    let (at, problem) = err("ttml", &raw);
    assert_eq!(at, "line 3");
    assert!(problem.starts_with("not well-formed XML"), "{problem}");
    let cut = &TTML[..TTML.len() / 2];
    assert_eq!(
        err("ttml", cut).1,
        "the file ends before the XML is closed (is it cut short?)"
    );
    let deep = tt(
        "",
        &format!("<p>{}x{}</p>", "<span>".repeat(200), "</span>".repeat(200)),
    );
    assert_eq!(
        err("ttml", &deep).1,
        "elements are nested more than 64 deep"
    );
}

// ---------------------------------------------------------------------------------------------
// sbv

#[test]
fn sbv_cues_share_their_time() {
    assert_tokens(
        &ok("sbv", SBV),
        &timed(&[
            (
                "Today we will look at how neural networks learn from data.",
                0.62,
                4.18,
            ),
            // `>>` marks a new speaker: not a word.
            ("Each layer turns its input", 4.9, 6.6),
            ("into a slightly more useful picture.", 7.0, 9.06),
        ]),
    );
    assert_tokens(
        &ok("sbv", SUBVIEWER),
        &timed(&[
            (
                "The gradient points uphill, so we step the other way.",
                1.5,
                3.25,
            ),
            ("Smaller steps, fewer surprises.", 3.6, 5.1),
        ]),
    );
}

#[test]
fn sbv_text_that_looks_like_times_and_missing_blank_lines() {
    let raw = "0:00:01.000,0:00:02.000\n10:30, 11:00 suits me\n0:00:03.000,0:00:04.000\nok\n";
    assert_tokens(
        &ok("sbv", raw),
        &timed(&[("10:30, 11:00 suits me", 1.0, 2.0), ("ok", 3.0, 4.0)]),
    );
}

#[test]
fn sbv_errors_name_the_line() {
    for (raw, at, problem) in [
        (
            "0:00:01.000,0:00:02.000\nhi\n\n0:00:0x.000,0:00:04.000\nthere\n",
            "line 4",
            "\"0:00:0x.000\" is not a time (H:MM:SS.mmm)",
        ),
        (
            "0:00:03.000,0:00:02.000\nhi\n",
            "line 1",
            "end 0:00:02.000 is before start 0:00:03.000",
        ),
        (
            "0:00:01.000,0:00:02.000\nhi\n\nthere\n",
            "line 4",
            "expected a time line like \"0:00:01.000,0:00:03.500\" after a blank line, found \
             \"there\"",
        ),
        (
            "Hello\n0:00:01.000,0:00:02.000\nhi\n",
            "line 1",
            "expected a time line like \"0:00:01.000,0:00:03.500\" before any text, found \
             \"Hello\"",
        ),
    ] {
        assert_eq!(
            err("sbv", raw),
            (at.to_string(), problem.to_string()),
            "{raw}"
        );
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn cut_files_never_panic() {
    for (text, _) in SAMPLES {
        for (cut, _) in text.char_indices() {
            let part = &text[..cut];
            let _ = claims(part);
            for f in FORMATS {
                let _ = parse(f.name, part);
            }
        }
    }
    for raw in [
        "[",
        "[0",
        "[00:",
        "<",
        "{",
        "{\\",
        "{\\k",
        "\\",
        "[Events]\nDialogue:",
        "<tt",
        "&",
        "0:00:01.000,",
        ",",
        "[00:01.00]<",
        "[00:01.00]<00:",
        "[00:01.00]F:",
    ] {
        for f in FORMATS {
            let _ = parse(f.name, raw);
            let _ = parse(
                f.name,
                &format!("{EVENTS}Dialogue: 0,0:00:01.00,0:00:02.00,,,0,0,0,,{raw}"),
            );
        }
    }
}
