//! What real tools' timing files do that their documentation does not say, each in a small
//! input of the project's own, imported through the CLI and checked word by word: entries that
//! hold a whole sentence, a column of row ids, tokens that continue the word before, sentinels
//! and doubled line ends.

mod common;

use common::*;

/// A word of the written project: text, start, end.
type Word = (String, f64, f64);

/// Imports `content` (saved as `name`) against 10 s of silence: the words and the summary, or
/// the error.
fn import(name: &str, content: &[u8]) -> Result<(Vec<Word>, String), String> {
    import_with(name, content, None)
}

/// `import`, with a script (`--text`) beside the timings when given.
fn import_with(
    name: &str,
    content: &[u8],
    script: Option<&str>,
) -> Result<(Vec<Word>, String), String> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let timings = d.join(name);
    std::fs::write(&timings, content).unwrap();
    let audio = d.join("narration.wav");
    write_wav(&audio, 10.0, &[]);
    let project = d.join("project.json");
    let script_file = d.join("script.txt");
    let mut args = vec![
        "import",
        timings.to_str().unwrap(),
        "--audio",
        audio.to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ];
    if let Some(text) = script {
        std::fs::write(&script_file, text).unwrap();
        args.extend(["--text", script_file.to_str().unwrap()]);
    }
    let out = gpucast(&args);
    if !out.status.success() {
        assert!(!project.exists(), "a refused import writes nothing");
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok((
        project_words(&project),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.0.as_str()).collect()
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

/// The words of one entry follow one another without gaps, from its start to its end, each
/// with a share that grows with its length.
fn spread_over(words: &[Word], start: f64, end: f64) {
    assert!(near(words[0].1, start), "{words:?}");
    assert!(near(words[words.len() - 1].2, end), "{words:?}");
    for w in words.windows(2) {
        assert!(near(w[0].2, w[1].1), "no gap: {w:?}");
    }
    let longest = words.iter().max_by_key(|w| w.0.chars().count()).unwrap();
    let shortest = words.iter().min_by_key(|w| w.0.chars().count()).unwrap();
    assert!(longest.2 - longest.1 > shortest.2 - shortest.1, "{words:?}");
}

#[test]
fn sentence_entries_are_cut_into_words() {
    let expected = [
        "1",
        "From",
        "fairest",
        "creatures",
        "we",
        "desire",
        "increase,",
        "That",
        "thereby",
    ];
    // aeneas's CSV: a row id, begin, end and the fragment's text.
    let csv = b"f000001,0.000,2.680,\"1\"\nf000002,2.680,5.880,\"From fairest creatures we desire increase,\"\nf000003,5.880,7.000,\"That thereby\"\n";
    // Audacity's labels (aeneas writes them too), tab-separated, no header.
    let aud = b"0.000\t2.680\t1\n2.680\t5.880\tFrom fairest creatures we desire increase,\n5.880\t7.000\tThat thereby\n";
    // A TextGrid whose intervals hold sentences (Praat's short text form).
    let grid = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n0\n8\n<exists>\n1\n\"IntervalTier\"\n\"Token\"\n0\n8\n4\n0\n2.68\n\"1\"\n2.68\n5.88\n\"From fairest creatures we desire increase,\"\n5.88\n7\n\"That thereby\"\n7\n8\n\"\"\n";
    for (name, content) in [
        ("sonnet.csv", &csv[..]),
        ("sonnet.txt", &aud[..]),
        ("sonnet.TextGrid", grid.as_bytes()),
    ] {
        let (w, summary) = import(name, content).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(texts(&w), expected, "{name}");
        assert!(near(w[0].1, 0.0) && near(w[0].2, 2.68), "{name}: {w:?}");
        spread_over(&w[1..7], 2.68, 5.88);
        spread_over(&w[7..], 5.88, 7.0);
        assert!(
            summary.contains("2 entries held several words"),
            "{name}: {summary}"
        );
    }

    // WhisperX's TSV: segments, in milliseconds.
    let tsv = b"start\tend\ttext\n1200\t2400\tHello there.\n3000\t5400\tHow are you today?\n";
    let (w, _) = import("call.tsv", tsv).unwrap();
    assert_eq!(
        texts(&w),
        ["Hello", "there.", "How", "are", "you", "today?"]
    );
    spread_over(&w[..2], 1.2, 2.4);
    spread_over(&w[2..], 3.0, 5.4);

    // The same in a UTF-16 TextGrid (Praat's default on Windows), long form.
    let long = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 2\ntiers? <exists>\nsize = 1\nitem []:\n    item [1]:\n        class = \"IntervalTier\"\n        name = \"talker\"\n        xmin = 0\n        xmax = 2\n        intervals: size = 2\n        intervals [1]:\n            xmin = 0\n            xmax = 0.5\n            text = \"\"\n        intervals [2]:\n            xmin = 0.5\n            xmax = 2\n            text = \"ở địa bàn vùng núi\"\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(long.encode_utf16().flat_map(u16::to_le_bytes));
    let (w, _) = import("talk.TextGrid", &utf16).unwrap();
    assert_eq!(texts(&w), ["ở", "địa", "bàn", "vùng", "núi"]);
    spread_over(&w, 0.5, 2.0);
}

#[test]
fn a_column_of_row_ids_is_not_the_words() {
    // With a header naming no column, and without one.
    for csv in [
        "id,begin,end,text\nseg1,0.5,1.0,alpha\nseg2,1.0,1.5,beta\nseg3,1.5,2.0,gamma\n",
        "f1,0.5,1.0,alpha\nf2,1.0,1.5,beta\nf3,1.5,2.0,gamma\n",
    ] {
        let (w, _) = import("fragments.csv", csv.as_bytes()).unwrap();
        assert_eq!(texts(&w), ["alpha", "beta", "gamma"], "{csv}");
        assert!(near(w[1].1, 1.0) && near(w[1].2, 1.5));
    }
    // Words that only look like ids, because they repeat, are still words.
    let (w, _) = import("words.csv", b"0.5,1.0,a1\n1.0,1.5,a1\n").unwrap();
    assert_eq!(texts(&w), ["a1", "a1"]);
}

#[test]
fn whisper_tokens_without_a_space_continue_the_word_before() {
    let json = r#"{"text": " L'esquelet ancestral els permet impulsar-los.", "language": "ca",
      "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 4.0, "text": " L'esquelet ancestral els permet impulsar-los.",
        "tokens": [50364], "avg_logprob": -0.2, "no_speech_prob": 0.01,
        "words": [
          {"word": " L", "start": 0.10, "end": 0.22, "probability": 0.9},
          {"word": "'esquelet", "start": 0.22, "end": 0.80, "probability": 0.9},
          {"word": " ancestral", "start": 0.80, "end": 1.40, "probability": 0.9},
          {"word": " els", "start": 1.40, "end": 1.60, "probability": 0.9},
          {"word": " permet", "start": 1.60, "end": 2.00, "probability": 0.9},
          {"word": " impulsar", "start": 2.00, "end": 2.60, "probability": 0.9},
          {"word": "-los.", "start": 2.60, "end": 3.00, "probability": 0.9}]}]}"#;
    let (w, _) = import("gossos.json", json.as_bytes()).unwrap();
    assert_eq!(
        texts(&w),
        ["L'esquelet", "ancestral", "els", "permet", "impulsar-los."]
    );
    assert!(near(w[0].1, 0.10) && near(w[0].2, 0.80), "{w:?}");
    assert!(near(w[4].1, 2.00) && near(w[4].2, 3.00), "{w:?}");

    // Words that never carry a space (Chinese) each stand alone.
    let zh = r#"{"segments": [{"seek": 0, "start": 0.0, "end": 2.0, "text": "你好世界", "tokens": [1],
        "words": [{"word": "你好", "start": 0.1, "end": 0.6, "probability": 0.9},
                  {"word": "世界", "start": 0.6, "end": 1.2, "probability": 0.9}]}]}"#;
    let (w, _) = import("zh.json", zh.as_bytes()).unwrap();
    assert_eq!(texts(&w), ["你好", "世界"]);
}

#[test]
fn sentinels_and_doubled_line_ends_are_tolerated() {
    // Polly speech marks gathered into an array that a script closed with "END".
    let polly = br#"[{"time":6,"type":"word","start":0,"end":6,"value":"Rivers"},
        {"time":410,"type":"word","start":7,"end":11,"value":"flow"},
        "END"]"#;
    let (w, _) = import("marks.json", polly).unwrap();
    assert_eq!(texts(&w), ["Rivers", "flow"]);
    assert!(near(w[0].1, 0.006) && near(w[1].1, 0.41));

    // WebVTT whose Windows line ends went through a Windows text stream again: `\r\r\n`.
    let vtt = "WEBVTT\r\r\n\r\r\n00:00:00.100 --> 00:00:01.500\r\r\nfirst cue here\r\r\n\r\r\n00:00:01.500 --> 00:00:03.000\r\r\nsecond one\r\r\n\r\r\n";
    let (w, _) = import("edge.vtt", vtt.as_bytes()).unwrap();
    assert_eq!(texts(&w), ["first", "cue", "here", "second", "one"]);
    assert!(near(w[0].1, 0.1) && near(w[3].1, 1.5), "{w:?}");
}

#[test]
fn a_script_word_heard_as_another_keeps_that_words_time() {
    let heard =
        b"word,start,end\nthe,0.50,0.70\nkwizzical,0.70,1.25\nbrown,1.31,1.60\nfox,1.60,2.00\n";
    let (w, summary) = import_with("heard.csv", heard, Some("The quick brown fox.\n")).unwrap();
    assert_eq!(texts(&w), ["The", "quick", "brown", "fox."]);
    // The recogniser heard a word exactly there: its span, not one made up between neighbours.
    assert!(near(w[1].1, 0.70) && near(w[1].2, 1.25), "{w:?}");
    assert!(
        summary.contains("1 heard as other words") && summary.contains("0 not at all"),
        "{summary}"
    );
}

#[test]
fn list_formats_names_every_format_once_with_its_aliases() {
    let out = gpucast(&["import", "--list-formats"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let every = [
        "whisper",
        "whisperx",
        "whisper.cpp",
        "whisper-timestamped",
        "stable-ts",
        "vosk",
        "nemo",
        "hf-asr",
        "deepgram",
        "assemblyai",
        "transcribe",
        "google-stt",
        "revai",
        "elevenlabs",
        "azure",
        "polly",
        "google",
        "gentle",
        "mfa",
        "mfa-json",
        "aeneas",
        "json3",
        "lrc",
        "ass",
        "ttml",
        "sbv",
        "srt",
        "vtt",
        "remotion",
        "csv",
    ];
    let mut sorted = names.clone();
    sorted.sort();
    let mut expected = every.to_vec();
    expected.sort();
    assert_eq!(sorted, expected, "{text}");
    for alias in [
        "edge-tts",
        "parakeet",
        "aws-transcribe",
        "rev.ai",
        "dfxp",
        "subviewer",
    ] {
        assert!(text.contains(alias), "{alias}: {text}");
    }
    // Nothing else may come with it.
    let out = gpucast(&["import", "--list-formats", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
}
