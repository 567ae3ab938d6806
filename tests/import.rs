//! `gpucast import` end to end: every sample timings file in tests/data/import goes through the
//! real binary into a project, is rendered, and the decoded video is checked: the words change
//! on the frames their times say, and a click in the audio at each word start is heard there.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const FPS: f64 = 30.0;
/// Every sample's words lie within 15 s.
const AUDIO_SECONDS: f64 = 16.0;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
}

/// `gpucast import TIMINGS --audio AUDIO -o PROJECT EXTRA...`.
fn import(timings: &Path, audio: &Path, project: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        timings.to_str().unwrap(),
        "--audio",
        audio.to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gpucast(&args)
}

/// `gpucast render --timings TIMINGS --audio AUDIO -o VIDEO --backend cpu EXTRA...`.
fn render_timings(
    timings: &Path,
    audio: &Path,
    video: &Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "render",
        "--timings",
        timings.to_str().unwrap(),
        "--audio",
        audio.to_str().unwrap(),
        "-o",
        video.to_str().unwrap(),
        "--backend",
        "cpu",
    ];
    args.extend_from_slice(extra);
    gpucast(&args)
}

/// What an import of one sample must give.
struct Case {
    file: &'static str,
    format: &'static str,
    script: Option<&'static str>,
    words: usize,
    /// The first and last words, and the first word's start.
    first: &'static str,
    last: &'static str,
    first_start: f64,
}

/// Imports a sample against a silent narration, checks its words, then renders it (made
/// small for speed) over a narration with a click at each word start and checks the video.
fn import_and_render(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let audio = d.join("narration.wav");
    write_wav(&audio, AUDIO_SECONDS, &[]);
    let project = d.join("project.json");
    let sample = data(case.file);
    let script = case.script.map(data);
    let extra = match &script {
        Some(s) => vec!["--text", s.to_str().unwrap()],
        None => vec![],
    };
    let out = import(&sample, &audio, &project, &extra);
    assert_ok(&out);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!("(--format {})", case.format)),
        "{}: {summary}",
        case.file
    );

    let words = project_words(&project);
    let texts: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(words.len(), case.words, "{}: {texts:?}", case.file);
    assert_eq!(texts[0], case.first, "{}", case.file);
    assert_eq!(texts[texts.len() - 1], case.last, "{}", case.file);
    assert!(
        (words[0].1 - case.first_start).abs() < 1e-6,
        "{}: first word at {}",
        case.file,
        words[0].1
    );
    for w in words.windows(2) {
        assert!(
            w[0].1 <= w[1].1 && w[0].2 <= w[1].1 + 1e-6,
            "{}: {w:?} out of order or overlapping",
            case.file
        );
    }

    // The same narration with a click at every word start; words closer than 80 ms would run
    // their clicks together, so those are left silent.
    let mut clicks: Vec<f64> = Vec::new();
    for w in &words {
        if clicks.last().is_none_or(|&c| w.1 - c > 0.08) {
            clicks.push(w.1);
        }
    }
    write_wav(&audio, AUDIO_SECONDS, &clicks);

    // Rendered small (a quarter of the preset's size, everything scaled alike) and lossless,
    // so decoded frames are exactly the drawn ones.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    let scale = |x: &Value| Value::from((x.as_f64().unwrap() / 4.0).round());
    for key in ["width", "height"] {
        v["video"][key] = Value::from(v["video"][key].as_i64().unwrap() / 4);
    }
    for key in ["font_size", "margin"] {
        v["style"][key] = scale(&v["style"][key]);
    }
    let small = d.join("small.json");
    std::fs::write(&small, serde_json::to_string(&v).unwrap()).unwrap();
    let video = d.join("out.mp4");
    render_cpu(&small, &video, &["--quality", "0"]);

    let decoded = decode_video(&video, FPS);
    assert_eq!(decoded.frames.len(), (AUDIO_SECONDS * FPS) as usize);
    let changes: Vec<u64> = (1..decoded.frames.len())
        .filter(|&i| decoded.frames[i].1 != decoded.frames[i - 1].1)
        .map(|i| i as u64)
        .collect();
    for w in &words {
        let frame = ((w.1 - 1e-6) * FPS).ceil() as u64;
        assert!(
            frame == 0 || changes.contains(&frame),
            "{}: \"{}\" starts at {:.3} s but frame {frame} shows no change",
            case.file,
            w.0,
            w.1
        );
    }
    let p = gpucast::prepare(&small).unwrap();
    let runs: Vec<u64> = p
        .timeline
        .runs
        .iter()
        .map(|r| r.start_frame)
        .skip(1)
        .collect();
    assert_eq!(
        changes, runs,
        "{}: frames change only where the timeline says",
        case.file
    );

    let onsets = click_onsets(&decode_audio(&video));
    assert_eq!(onsets.len(), clicks.len(), "{}: {onsets:?}", case.file);
    for (o, c) in onsets.iter().zip(&clicks) {
        assert!(
            (o - c).abs() < 0.015,
            "{}: click at {o:.4} s for a word at {c:.3} s",
            case.file
        );
    }

    // The same in one command, at the preset's full size: `render --timings`. Variable frame
    // rate keeps it cheap (one coded frame per distinct frame), and each coded frame must start
    // where the imported project's timeline starts a run.
    let one = d.join("one.mp4");
    let mut args = vec!["--vfr"];
    args.extend_from_slice(&extra);
    assert_ok(&render_timings(&sample, &audio, &one, &args));
    // Imported again over the clicks: words inside cues are placed by the narration, so the
    // project to compare with is the one these files make.
    let again = d.join("again.json");
    assert_ok(&import(&sample, &audio, &again, &extra));
    let full = gpucast::prepare(&again).unwrap();
    let starts: Vec<i64> = full
        .timeline
        .runs
        .iter()
        .map(|r| r.start_frame as i64)
        .collect();
    let decoded = decode_video(&one, FPS);
    assert_eq!(
        (decoded.width, decoded.height),
        (full.project.width, full.project.height)
    );
    let pts: Vec<i64> = decoded.frames.iter().map(|f| f.0).collect();
    assert_eq!(
        pts, starts,
        "{}: render --timings plays the imported project",
        case.file
    );
    assert!(
        (decoded.duration - AUDIO_SECONDS).abs() < 1e-6,
        "{}: lasts {}",
        case.file,
        decoded.duration
    );
    let onsets = click_onsets(&decode_audio(&one));
    assert_eq!(onsets.len(), clicks.len(), "{}: {onsets:?}", case.file);
}

/// Runs `gpucast import FILE --audio A -o P EXTRA` on `content`; it must fail with exit 1, one
/// error line containing every one of `expect`, and write nothing.
fn rejected(content: &[u8], extra: &[&str], expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let timings = d.join("timings.json");
    std::fs::write(&timings, content).unwrap();
    let audio = d.join("narration.wav");
    write_wav(&audio, 4.0, &[]);
    let project = d.join("project.json");
    let out = import(&timings, &audio, &project, extra);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert_eq!(files_in(d), ["narration.wav", "timings.json"]);
}

#[test]
fn unreadable_files_are_refused_with_what_was_found() {
    rejected(
        b"",
        &[],
        &["not a timing format", "an empty file", "whisperx"],
    );
    rejected(
        &[0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 0x00],
        &[],
        &["timings.json", "not a text file"],
    );
    rejected(
        br#"{"name": "x", "items": [1, 2]}"#,
        &[],
        &[
            "not a timing format",
            "JSON: an object with keys \"items\", \"name\"",
            "srt",
        ],
    );
    rejected(
        br#"{"segments": [{"words": [{"word": "a", "start": 0.1"#,
        &[],
        &["truncated"],
    );
    rejected(
        b"{}",
        &["--format", "nonesuch"],
        &["--format", "nonesuch", "whisperx"],
    );
    rejected(
        b"{}",
        &["--preset", "tiktok"],
        &["--preset", "tiktok", "shorts"],
    );
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let timings = dir.path().join("huge.json");
    // A sparse 1 GB file: refused by its size, in no time and no memory.
    std::fs::File::create(&timings)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let audio = dir.path().join("a.wav");
    write_wav(&audio, 1.0, &[]);
    let project = dir.path().join("p.json");
    let out = import(&timings, &audio, &project, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("1024 MB is over the 256 MB limit"), "{err}");
    assert!(!project.exists());
}

/// One test per sample: `case!(test_name, "file", "format", script, words, "first", "last", start)`.
macro_rules! case {
    ($name:ident, $file:expr, $format:expr, $script:expr, $words:expr, $first:expr, $last:expr, $start:expr) => {
        #[test]
        fn $name() {
            import_and_render(&Case {
                file: $file,
                format: $format,
                script: $script,
                words: $words,
                first: $first,
                last: $last,
                first_start: $start,
            });
        }
    };
}

case!(
    azure_edge_tts,
    "azure-edge-tts.jsonl",
    "azure",
    None,
    18,
    "Entropy",
    "decreases",
    0.1
);
case!(
    azure_edge_tts_sentences,
    "azure-edge-tts-sentences.jsonl",
    "azure",
    None,
    13,
    "The",
    "backwards.",
    0.1
);
case!(
    azure_js,
    "azure-js.json",
    "azure",
    None,
    9,
    "Temperature",
    "particles",
    0.05
);
case!(
    azure_metadata,
    "azure-metadata.jsonl",
    "azure",
    None,
    9,
    "Work",
    "energy",
    0.1
);
case!(
    azure_sdk,
    "azure-sdk.json",
    "azure",
    None,
    11,
    "Heat",
    "round",
    0.1
);
case!(
    azure_messy,
    "azure-messy.json",
    "azure",
    None,
    11,
    "Why",
    "water",
    0.05
);
case!(
    elevenlabs,
    "elevenlabs.json",
    "elevenlabs",
    None,
    18,
    "In",
    "in.",
    0.0
);
case!(
    elevenlabs_stream,
    "elevenlabs-stream.jsonl",
    "elevenlabs",
    None,
    17,
    "Action",
    "signal.",
    0.093
);
case!(
    elevenlabs_ws,
    "elevenlabs-ws.jsonl",
    "elevenlabs",
    None,
    15,
    "Myelin",
    "next.",
    0.051
);
case!(
    elevenlabs_messy,
    "elevenlabs-messy.json",
    "elevenlabs",
    None,
    9,
    "So",
    "diameter.",
    0.0
);
case!(
    polly,
    "polly.marks",
    "polly",
    None,
    19,
    "Schrödinger's",
    "both",
    0.006
);
case!(
    polly_script,
    "polly.marks",
    "polly",
    Some("polly-script.txt"),
    19,
    "Schrödinger's",
    "both?",
    0.006
);
case!(
    polly_messy,
    "polly-messy.json",
    "polly",
    None,
    9,
    "Free",
    "own",
    0.02
);
case!(
    polly_ssml,
    "polly-ssml.marks",
    "polly",
    Some("polly-ssml-script.ssml"),
    7,
    "Entropy",
    "system.",
    0.006
);
case!(
    google,
    "google.json",
    "google",
    Some("google-script.ssml"),
    19,
    "Photosynthesis",
    "green.",
    0.0505
);
case!(
    google_plain,
    "google-plain.json",
    "google",
    Some("google-plain-script.txt"),
    16,
    "Water",
    "lower.",
    0.0613
);
case!(
    google_messy,
    "google-messy.json",
    "google",
    Some("google-plain-script.txt"),
    16,
    "Water",
    "lower.",
    0.0613
);
case!(
    gentle,
    "gentle.json",
    "gentle",
    None,
    18,
    "Today",
    "much.",
    0.52
);
case!(mfa, "mfa.TextGrid", "mfa", None, 19, "so", "far", 0.41);
case!(
    mfa_short,
    "mfa-short.TextGrid",
    "mfa",
    None,
    12,
    "what",
    "exactly",
    0.35
);
case!(
    mfa_json,
    "mfa.json",
    "mfa-json",
    None,
    17,
    "backpropagation",
    "input",
    0.38
);
case!(
    mfa_speakers,
    "mfa-speakers.json",
    "mfa-json",
    None,
    12,
    "what",
    "exactly",
    0.35
);
case!(
    aeneas,
    "aeneas.json",
    "aeneas",
    None,
    17,
    "Gradient",
    "gradient.",
    0.48
);
case!(
    aeneas_plain,
    "aeneas-plain.json",
    "aeneas",
    None,
    11,
    "Convolutional",
    "image.",
    0.62
);
case!(
    remotion,
    "remotion.json",
    "remotion",
    None,
    14,
    "Today",
    "works.",
    0.3
);
case!(
    csv_header,
    "csv-header.csv",
    "csv",
    None,
    13,
    "Regularisation",
    "examples.",
    0.42
);
case!(
    csv_plain,
    "csv-plain.tsv",
    "csv",
    None,
    13,
    "The",
    "overfits.",
    0.31
);
case!(
    csv_audacity,
    "csv-audacity.txt",
    "csv",
    None,
    11,
    "Dropout",
    "co-adapting.",
    0.552381
);
case!(
    csv_messy,
    "csv-messy.csv",
    "csv",
    None,
    11,
    "In",
    "vision.",
    0.38
);
case!(
    csv_mfa,
    "csv-mfa.csv",
    "csv",
    None,
    6,
    "weights",
    "batch",
    0.44
);
case!(
    csv_gentle,
    "csv-gentle.csv",
    "csv",
    None,
    18,
    "Today",
    "much",
    0.52
);
case!(
    csv_whispercpp,
    "csv-whispercpp.csv",
    "csv",
    None,
    8,
    "Weight",
    "weights.",
    0.0
);

#[test]
fn bad_entries_name_the_format_the_entry_and_the_problem() {
    rejected(
        br#"[{"text": " Hello", "startMs": 0, "endMs": 400},
            {"text": " world", "startMs": "soon", "endMs": 900}]"#,
        &[],
        &["(remotion)", "[1].startMs", "expected a number"],
    );
    rejected(
        b"word,start,end\nhello,0.5,0.9\nworld,-1.0,1.4\n",
        &[],
        &["(csv)", "line 3", "negative"],
    );
    rejected(
        br#"{"fragments": [{"begin": "0.000", "end": "NaN", "id": "f1", "lines": ["Hello"], "children": []}]}"#,
        &[],
        &["(aeneas)", "fragments[0].end", "not a finite number"],
    );
    rejected(
        br#"{"transcript": "Hi there", "words": [{"case": "success", "word": "Hi", "start": 0.1, "end": 0.3}, {"case": "success", "word": "there", "start": 0.4, "end": 0.2}]}"#,
        &[],
        &["(gentle)", "word 2 (\"there\")", "before it starts"],
    );
    // The narration is 4 s long; a word at 5 s means the wrong audio (or offset).
    rejected(
        b"word,start,end\nhello,0.5,0.9\nlate,5.0,5.4\n",
        &[],
        &["(csv)", "word 2 (\"late\")", "past the end of the audio"],
    );
    rejected(
        b"word,start,end\nhello,0.5,0.9\n",
        &["--offset", "-1"],
        &["word 1 (\"hello\")", "--offset -1"],
    );
    // Broken JSON lines: the broken line is named.
    rejected(
        b"{\"time\":6,\"type\":\"word\",\"start\":0,\"end\":5,\"value\":\"Hello\"}\n{\"time\":373,\"type\":\"wo\n",
        &[],
        &["line 2", "truncated"],
    );
}

#[test]
fn an_existing_project_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let timings = d.join("t.csv");
    std::fs::write(&timings, "hello,0.5,0.9\nworld,1.0,1.4\n").unwrap();
    let audio = d.join("a.wav");
    write_wav(&audio, 3.0, &[]);
    let project = d.join("p.json");
    std::fs::write(&project, "keep me").unwrap();
    let out = import(&timings, &audio, &project, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&project).unwrap(), "keep me");
    assert_ok(&import(&timings, &audio, &project, &["--force"]));
    let words = project_words(&project);
    assert_eq!(words.len(), 2);
    // The audio is named relative to the project, which renders as written.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    assert_eq!(v["audio"], "a.wav");
    assert_eq!(v["preset"], "lecture");
    assert_eq!(v["style"]["current"]["weight"], "bold");
    assert_ok(&gpucast(&["validate", project.to_str().unwrap()]));
    assert_eq!(files_in(d), ["a.wav", "p.json", "t.csv"]);
}

/// A lecture-like CSV: `n` words of varied length at a steady pace, sentences of 9 words, a
/// long pause every 40 words.
fn long_csv(n: usize) -> (String, f64) {
    let vocab = [
        "gradient",
        "descent",
        "moves",
        "every",
        "weight",
        "a",
        "little",
        "downhill",
        "on",
        "the",
        "surface",
        "of",
        "loss",
        "internationalisation",
        "is",
        "long",
    ];
    let mut csv = String::from("word,start,end\n");
    let mut t = 0.3;
    for i in 0..n {
        let mut w = vocab[(i * 7 + i / 3) % vocab.len()].to_string();
        if i % 9 == 8 {
            w.push('.');
        }
        let d = 0.1 + 0.03 * w.len() as f64;
        csv += &format!("{w},{t:.3},{:.3}\n", t + d);
        t += d + if i % 40 == 39 { 2.0 } else { 0.08 };
    }
    (csv, t + 1.0)
}

/// Imports `csv` with `extra` options and returns the loaded project and its scene.
fn import_csv(csv: &str, seconds: f64, extra: &[&str]) -> (tempfile::TempDir, gpucast::Prepared) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("t.csv"), csv).unwrap();
    write_wav(&d.join("a.wav"), seconds, &[]);
    let project = d.join("p.json");
    assert_ok(&import(&d.join("t.csv"), &d.join("a.wav"), &project, extra));
    let p = gpucast::prepare(&project).unwrap();
    (dir, p)
}

#[test]
fn slides_fit_the_frame_and_never_fade_over_a_word() {
    let (csv, seconds) = long_csv(400);
    for (preset, lines, words) in [("lecture", 3, 30), ("shorts", 3, 4), ("square", 4, 20)] {
        let (_dir, p) = import_csv(&csv, seconds, &["--preset", preset]);
        let pr = &p.project;
        assert_eq!(pr.word_count(), 400, "{preset}");
        let expected = gpucast::project::presets::find(preset).unwrap();
        assert_eq!((pr.width, pr.height), (expected.width, expected.height));
        for (i, (slide, laid)) in pr.slides.iter().zip(&p.scene.slides).enumerate() {
            let n_lines = laid.slots.iter().map(|s| s.line).max().unwrap() + 1;
            assert!(
                n_lines as usize <= lines,
                "{preset} slide {i}: {n_lines} lines"
            );
            assert!(
                slide.words.len() <= words,
                "{preset} slide {i}: {} words",
                slide.words.len()
            );
            // Every slot inside the margins: the layout measured is the layout drawn.
            for s in &laid.slots {
                assert!(
                    s.x >= slide.style.margin - 0.5
                        && s.x + s.width <= pr.width as f32 - slide.style.margin + 0.5
                );
            }
            let fade = slide.style.fade;
            let first = slide.words[0].start;
            let last = slide.words[slide.words.len() - 1].end;
            assert!(
                first >= slide.start + fade - 1e-6,
                "{preset} slide {i} fades in over its first word"
            );
            assert!(
                last <= slide.end - fade + 1e-6,
                "{preset} slide {i} fades out over its last word"
            );
        }
        // Slides end at sentence ends where they can: most do.
        let ends = pr
            .slides
            .iter()
            .filter(|s| s.words.last().unwrap().text.ends_with('.'))
            .count();
        if preset != "shorts" {
            assert!(
                ends * 2 > pr.slides.len(),
                "{preset}: {ends} of {} slides end a sentence",
                pr.slides.len()
            );
        }
    }
}

#[test]
fn presets_set_the_frame_and_the_look_and_options_override_them() {
    let (csv, seconds) = long_csv(60);
    let (_d, p) = import_csv(&csv, seconds, &["--preset", "highlight"]);
    let looks = p.project.slides[0].style.looks;
    assert!(
        looks.iter().all(|l| !l.bold),
        "highlight changes colour only"
    );
    assert_ne!(looks[0].color, looks[1].color);
    let (_d, p) = import_csv(&csv, seconds, &["--preset", "shorts", "--max-words", "2"]);
    assert!(p.project.slides.iter().all(|s| s.words.len() <= 2));
    assert_eq!((p.project.width, p.project.height), (1080, 1920));
    let (_d, p) = import_csv(&csv, seconds, &["--max-lines", "1"]);
    for laid in &p.scene.slides {
        assert!(laid.slots.iter().all(|s| s.line == 0));
    }
}
case!(
    srt_cues,
    "srt-cues.srt",
    "srt",
    None,
    22,
    "Today",
    "picture.",
    0.62
);
case!(
    srt_words,
    "srt-words.srt",
    "srt",
    None,
    22,
    "Today",
    "picture.",
    0.62
);
case!(
    srt_highlight,
    "srt-highlight.srt",
    "srt",
    None,
    22,
    "Today",
    "picture.",
    0.62
);
case!(
    srt_messy,
    "srt-messy.srt",
    "srt",
    None,
    25,
    "Aujourd’hui,",
    "commence.",
    0.8
);
case!(
    vtt_cues,
    "vtt-cues.vtt",
    "vtt",
    None,
    27,
    "Welcome",
    "exam?",
    0.5
);
case!(
    vtt_youtube,
    "vtt-youtube.vtt",
    "vtt",
    None,
    30,
    "[Music]",
    "so",
    0.0
);
case!(
    vtt_highlight,
    "vtt-highlight.vtt",
    "vtt",
    None,
    16,
    "The",
    "far.",
    0.4
);
case!(
    whisper,
    "whisper.json",
    "whisper",
    None,
    28,
    "In",
    "augmentation.",
    0.42
);
case!(
    whisper_verbose,
    "whisper-verbose.json",
    "whisper",
    None,
    28,
    "In",
    "augmentation",
    0.42
);
case!(
    whisper_faster,
    "whisper-faster.json",
    "whisper",
    None,
    28,
    "In",
    "augmentation.",
    0.42
);
case!(
    whisperx,
    "whisperx.json",
    "whisperx",
    None,
    28,
    "In",
    "augmentation.",
    0.42
);
case!(
    whisperx_messy,
    "whisperx-messy.json",
    "whisperx",
    None,
    6,
    "Écoutez",
    "maintenant.",
    0.3
);
case!(
    whisper_cpp,
    "whisper-cpp.json",
    "whisper.cpp",
    None,
    28,
    "In",
    "augmentation.",
    0.44
);
case!(
    whisperx_script,
    "whisperx.json",
    "whisperx",
    Some("whisperx-script.txt"),
    30,
    "In",
    "augmentation.",
    0.42
);

/// The script's words are shown with the recogniser's times, however they differ in case,
/// punctuation, numerals and a few words; the summary says how well they matched.
#[test]
fn the_script_wins_over_the_recogniser() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let audio = d.join("a.wav");
    write_wav(&audio, AUDIO_SECONDS, &[]);
    let project = d.join("p.json");
    let (timings, script) = (data("whisperx.json"), data("whisperx-script.txt"));
    let out = import(
        &timings,
        &audio,
        &project,
        &["--text", script.to_str().unwrap()],
    );
    assert_ok(&out);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(
            "22 words matched exactly, 8 approximately, 0 heard as other words (their times kept), 0 not at all"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("\"ninety percent\" heard as \"90%\""),
        "{summary}"
    );
    let heard = {
        let h = d.join("heard.json");
        let out = import(&timings, &audio, &h, &[]);
        assert_ok(&out);
        project_words(&h)
    };
    let words = project_words(&project);
    let find = |list: &[(String, f64, f64)], w: &str| {
        list.iter()
            .find(|x| x.0 == w)
            .cloned()
            .unwrap_or_else(|| panic!("{w} not in {list:?}"))
    };
    // Same word, the script's spelling, the recogniser's time.
    assert_eq!(find(&words, "SMALL").1, find(&heard, "small").1);
    assert_eq!(find(&words, "learnt").1, find(&heard, "learned").1);
    assert_eq!(find(&words, "accuracy;").1, find(&heard, "accuracy,").1);
    // One script word for two heard ones spans both; two for one share it.
    assert_eq!(find(&words, "2,000").1, find(&heard, "two").1);
    assert_eq!(find(&words, "2,000").2, find(&heard, "thousand").2);
    let (tw1, tw2) = (find(&words, "twenty"), find(&words, "twenty-four,"));
    let y = find(&heard, "2024");
    assert!((tw1.1 - y.1).abs() < 1e-6 && (tw2.2 - y.2).abs() < 1e-6 && tw1.2 <= tw2.1 + 1e-6);
    // The blank line in the script starts the second slide at "It".
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    assert_eq!(v["slides"][1]["words"][0]["text"], "It");
}

/// One command from aligner output to video, at the preset's full size, with captions beside it
/// and inside it.
#[test]
fn render_timings_goes_from_timings_to_video_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let timings = data("whisperx.json");
    // Word starts from an import, for the clicks.
    let silent = d.join("silent.wav");
    write_wav(&silent, AUDIO_SECONDS, &[]);
    let p = d.join("p.json");
    assert_ok(&import(&timings, &silent, &p, &[]));
    let words = project_words(&p);
    let clicks: Vec<f64> = words.iter().map(|w| w.1).collect();
    let audio = d.join("narration.wav");
    write_wav(&audio, AUDIO_SECONDS, &clicks);

    let video = d.join("talk.mp4");
    let vtt = d.join("talk.vtt");
    let out = render_timings(
        &timings,
        &audio,
        &video,
        &["--captions", vtt.to_str().unwrap(), "--soft-subtitles"],
    );
    assert_ok(&out);
    let v = decode_video(&video, FPS);
    assert_eq!((v.width, v.height), (1920, 1080));
    assert_eq!(v.frames.len(), (AUDIO_SECONDS * FPS) as usize);
    let onsets = click_onsets(&decode_audio(&video));
    assert_eq!(onsets.len(), clicks.len());
    for (o, c) in onsets.iter().zip(&clicks) {
        assert!(
            (o - c).abs() < 0.015,
            "click at {o:.4} s for a word at {c:.3} s"
        );
    }

    // WebVTT: a cue per slide, a timestamp before every word after the first.
    let cues = std::fs::read_to_string(&vtt).unwrap();
    assert!(cues.starts_with("WEBVTT\n"));
    assert_eq!(cues.matches(" --> ").count(), 2, "{cues}");
    assert!(cues.contains("In <00:00:00.630>2024 <"), "{cues}");
    assert_eq!(cues.matches('<').count(), words.len() - 2, "{cues}");

    // The MP4's subtitle track, read back by FFmpeg, holds the same text and times.
    let srt = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-i",
            video.to_str().unwrap(),
            "-map",
            "0:s",
            "-f",
            "srt",
            "-",
        ])
        .output()
        .unwrap();
    assert!(
        srt.status.success(),
        "{}",
        String::from_utf8_lossy(&srt.stderr)
    );
    let srt = String::from_utf8_lossy(&srt.stdout);
    assert!(srt.contains("00:00:00,000 --> "), "{srt}");
    assert!(srt.contains("augmentation."), "{srt}");
    let text: String = words
        .iter()
        .map(|w| w.0.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let plain: String = srt
        .lines()
        .filter(|l| !l.contains("-->") && l.parse::<u32>().is_err())
        .map(|l| {
            // FFmpeg wraps mov_text styling in a font tag: keep what is outside tags.
            let mut out = String::new();
            let mut in_tag = false;
            for c in l.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.trim().to_string()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(plain, text);
}

#[test]
fn import_options_go_with_timings_only() {
    let fx = fixture(320, 180, 3.0, "");
    let out = gpucast(&[
        "render",
        fx.project.to_str().unwrap(),
        "-o",
        fx.dir.path().join("x.mp4").to_str().unwrap(),
        "--preset",
        "shorts",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--preset goes with --timings"));
    assert!(!fx.dir.path().join("x.mp4").exists());
}

#[test]
fn a_missing_or_mistyped_array_is_named() {
    rejected(
        br#"{"segments": [{"words": 5}], "word_segments": []}"#,
        &[],
        &["(whisperx)", "segments[0].words", "expected an array"],
    );
    rejected(
        br#"{"transcription": [{"offsets": {"from": 0, "to": 900}}]}"#,
        &["--format", "whisper.cpp"],
        &[
            "(whisper.cpp)",
            "transcription[0]",
            "missing field \"text\"",
        ],
    );
}
case!(
    mfa_utf16,
    "mfa-utf16.TextGrid",
    "mfa",
    None,
    19,
    "so",
    "far",
    0.41
);
