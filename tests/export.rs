//! `gpucast export` end to end: a project imported from a small table of words is written in
//! every format; SRT and WebVTT are byte for byte what `render --captions` writes; what gpucast
//! imports (SRT, WebVTT, WhisperX JSON) reads back as the same words at the same times; the ASS
//! file is parsed by FFmpeg (and burnt into a picture where FFmpeg has libass); the FCPXML is
//! well-formed XML with a title per slide; and an output that would overwrite something is
//! refused before anything is written.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const SECONDS: f64 = 10.0;

/// Two sentences, a pause between them: the import cuts two slides or more.
const WORDS: &str = "Subtitles should read like the picture they belong to. Every word keeps \
                     its time, even after a trip through other tools and back.";

/// A project made as users make one: `gpucast import` of a table of words against a WAV,
/// then made small (640 x 360) so that the render in one test stays quick.
struct Made {
    dir: tempfile::TempDir,
    project: PathBuf,
    audio: PathBuf,
}

impl Made {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn made() -> Made {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("word,start,end\n");
    let mut t = 0.6;
    for w in WORDS.split_whitespace() {
        csv.push_str(&format!("\"{w}\",{t:.3},{:.3}\n", t + 0.27));
        t += if w.ends_with('.') { 1.2 } else { 0.33 };
    }
    std::fs::write(d.join("words.csv"), csv).unwrap();
    let audio = d.join("narration.wav");
    write_wav(&audio, SECONDS, &[]);
    let project = d.join("project.json");
    assert_ok(&gpucast(&[
        "import",
        d.join("words.csv").to_str().unwrap(),
        "--audio",
        audio.to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
        "--max-words",
        "12",
    ]));
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    v["video"]["width"] = Value::from(640);
    v["video"]["height"] = Value::from(360);
    for key in ["font_size", "margin"] {
        let x = v["style"][key].as_f64().unwrap();
        v["style"][key] = Value::from((x / 3.0).round());
    }
    std::fs::write(&project, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    Made {
        dir,
        project,
        audio,
    }
}

/// A project's slides: (start, end, words as (text, start, end)).
type Slides = Vec<(f64, f64, Vec<(String, f64, f64)>)>;

fn slides(project: &Path) -> Slides {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(project).unwrap()).unwrap();
    v["slides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let words = timed_words(&s["words"]);
            (
                s["start"].as_f64().unwrap(),
                s["end"].as_f64().unwrap(),
                words,
            )
        })
        .collect()
}

fn export(m: &Made, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "export",
        m.project.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gpucast(&args)
}

/// `gpucast import FILE` against the project's narration: the format it detected and the words.
fn import_back(m: &Made, file: &Path) -> (String, Vec<(String, f64, f64)>) {
    let back = m.path("back.json");
    let out = gpucast(&[
        "import",
        file.to_str().unwrap(),
        "--audio",
        m.audio.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
        "--force",
    ]);
    assert_ok(&out);
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    let words = slides(&back).into_iter().flat_map(|s| s.2).collect();
    (summary, words)
}

fn texts(words: &[(String, f64, f64)]) -> Vec<&str> {
    words.iter().map(|w| w.0.as_str()).collect()
}

#[test]
fn srt_and_vtt_are_exactly_what_render_captions_writes() {
    let m = made();
    for ext in ["srt", "vtt"] {
        let captions = m.path(&format!("render.{ext}"));
        render_cpu(
            &m.project,
            &m.path("video.mp4"),
            &["--captions", captions.to_str().unwrap(), "-q"],
        );
        std::fs::remove_file(m.path("video.mp4")).unwrap();
        let exported = m.path(&format!("export.{ext}"));
        let out = export(&m, &exported, &[]);
        assert_ok(&out);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&format!("({ext}):")), "{said}");
        assert_eq!(
            std::fs::read_to_string(&exported).unwrap(),
            std::fs::read_to_string(&captions).unwrap(),
            "{ext}"
        );
    }
}

#[test]
fn what_gpucast_imports_reads_back_as_the_same_words() {
    let m = made();
    let slides = slides(&m.project);
    assert!(slides.len() >= 2, "{slides:?}");
    let words: Vec<(String, f64, f64)> = slides.iter().flat_map(|s| s.2.clone()).collect();
    // Where each slide's first word is in the list of all words.
    let firsts: Vec<usize> = slides
        .iter()
        .scan(0, |n, s| {
            let at = *n;
            *n += s.2.len();
            Some(at)
        })
        .collect();
    let close = |a: f64, b: f64| (a - b).abs() <= 0.001 + 1e-9;

    // WhisperX JSON keeps every word's times to the millisecond.
    let json = m.path("talk.json");
    assert_ok(&export(&m, &json, &[]));
    let (summary, back) = import_back(&m, &json);
    assert!(summary.contains("(--format whisperx)"), "{summary}");
    assert_eq!(texts(&back), texts(&words));
    for (b, w) in back.iter().zip(&words) {
        assert!(
            close(b.1, w.1) && close(b.2, w.2),
            "{b:?} read back for {w:?}"
        );
    }

    // WebVTT keeps each word's start after a cue's first, which starts with the cue.
    let vtt = m.path("talk.vtt");
    assert_ok(&export(&m, &vtt, &[]));
    let (summary, back) = import_back(&m, &vtt);
    assert!(summary.contains("(--format vtt)"), "{summary}");
    assert_eq!(texts(&back), texts(&words));
    for (i, (b, w)) in back.iter().zip(&words).enumerate() {
        let expected = match firsts.iter().position(|&f| f == i) {
            Some(s) => slides[s].0,
            None => w.1,
        };
        assert!(close(b.1, expected), "{b:?} read back for {w:?}");
    }

    // ASS karaoke keeps each word's start to the centisecond (`\k` durations rounded from
    // absolute times, so rounding never accumulates).
    let ass = m.path("talk.ass");
    assert_ok(&export(&m, &ass, &[]));
    let (summary, back) = import_back(&m, &ass);
    assert!(summary.contains("(--format ass)"), "{summary}");
    assert_eq!(texts(&back), texts(&words));
    for (b, w) in back.iter().zip(&words) {
        assert!(
            (b.1 - w.1).abs() <= 0.005 + 1e-6,
            "{b:?} read back for {w:?}"
        );
    }

    // SRT has cue times only: the words inside a cue are spread over it, so only each cue's
    // start is kept, on its first word.
    let srt = m.path("talk.srt");
    assert_ok(&export(&m, &srt, &[]));
    let (summary, back) = import_back(&m, &srt);
    assert!(summary.contains("(--format srt)"), "{summary}");
    assert_eq!(texts(&back), texts(&words));
    for (s, &f) in firsts.iter().enumerate() {
        assert!(
            close(back[f].1, slides[s].0),
            "slide {s} starts at {} but reads back at {}",
            slides[s].0,
            back[f].1
        );
    }
}

/// The ASS file's Dialogue lines: (start, end, text).
fn dialogues(ass: &str) -> Vec<(String, String, String)> {
    ass.lines()
        .filter_map(|l| l.strip_prefix("Dialogue: "))
        .map(|l| {
            let f: Vec<&str> = l.splitn(10, ',').collect();
            (f[1].to_string(), f[2].to_string(), f[9].to_string())
        })
        .collect()
}

#[test]
fn ass_parses_in_ffmpeg_and_burns_in_as_karaoke() {
    let m = made();
    let ass = m.path("talk.ass");
    assert_ok(&export(&m, &ass, &[]));
    let text = std::fs::read_to_string(&ass).unwrap();
    let slides = slides(&m.project);
    let d = dialogues(&text);
    assert_eq!(d.len(), slides.len(), "{text}");
    assert!(text.contains("PlayResX: 640\nPlayResY: 360\n"), "{text}");

    // FFmpeg reads every event, at the slides' times (ASS keeps centiseconds).
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "packet=pts_time,duration_time",
        ])
        .args(["-of", "csv=p=0", ass.to_str().unwrap()])
        .output()
        .expect("ffprobe is installed with ffmpeg");
    assert!(probe.status.success(), "{probe:?}");
    let events: Vec<(f64, f64)> = String::from_utf8_lossy(&probe.stdout)
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    assert_eq!(events.len(), slides.len(), "{events:?}");
    for (e, s) in events.iter().zip(&slides) {
        assert!((e.0 - s.0).abs() <= 0.005 + 1e-9, "{e:?} for {s:?}");
        assert!((e.0 + e.1 - s.1).abs() <= 0.01 + 1e-9, "{e:?} for {s:?}");
    }

    let filters = ffmpeg_cli(&["-filters"]);
    let has_ass = String::from_utf8_lossy(&filters.stdout)
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some("ass"));
    if !has_ass {
        println!("note: this FFmpeg has no `ass` filter (libass); the burn-in check is skipped");
        return;
    }
    // Two seconds from the first slide's start burnt onto black, one frame a tenth of a second.
    // Before its first word a slide shows only the upcoming colour (#b8c2d6: blue the
    // brightest); once a word is said it turns the current colour (#ffd54a: red bright, blue
    // low).
    let (start, _, words) = &slides[0];
    let first = words[0].1;
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let filter = format!(
        "ass=filename={}:fontsdir={}",
        ass.display(),
        fonts.display()
    );
    let out = ffmpeg_cli(&[
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        &format!("color=c=black:s=640x360:r=10:d={:.2}", start + 2.0),
        "-vf",
        &filter,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let frame_bytes = 640 * 360 * 3;
    let frames: Vec<&[u8]> = out.stdout.chunks_exact(frame_bytes).collect();
    let count = |f: &[u8], pick: &dyn Fn(u8, u8, u8) -> bool| {
        f.chunks_exact(3).filter(|p| pick(p[0], p[1], p[2])).count()
    };
    let upcoming = |r: u8, _: u8, b: u8| b > 150 && b > r;
    let current = |r: u8, _: u8, b: u8| r > 200 && b < 120;
    let at = |t: f64| frames[(t * 10.0).round() as usize];
    if *start > 0.15 {
        assert_eq!(count(at(start - 0.1), &|r, g, b| r | g | b > 40), 0);
    }
    let before = at(start + (first - start) / 2.0);
    if first - start >= 0.2 {
        assert!(count(before, &upcoming) > 50, "the slide shows");
        assert_eq!(count(before, &current), 0, "no word is said yet");
    }
    // Halfway through the first word (0.27 s long).
    let during = at(first + 0.135);
    assert!(count(during, &current) > 20, "the first word turns");
    assert!(count(during, &upcoming) > 50, "the rest wait");
}

#[test]
fn fcpxml_is_well_formed_with_a_title_per_slide_on_whole_frames() {
    let m = made();
    let x = m.path("talk.fcpxml");
    assert_ok(&export(&m, &x, &[]));
    let text = std::fs::read_to_string(&x).unwrap();
    let slides = slides(&m.project);
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom as m\n\
             d = m.parse(sys.argv[1])\n\
             assert d.documentElement.tagName == 'fcpxml'\n\
             gap = d.getElementsByTagName('spine')[0].getElementsByTagName('gap')[0]\n\
             for t in gap.getElementsByTagName('title'):\n\
             \x20   print(t.getAttribute('offset'), t.getAttribute('duration'), repr(t.getElementsByTagName('text-style')[0].firstChild.data))",
            x.to_str().unwrap(),
        ])
        .output();
    match check {
        Ok(out) => {
            assert!(
                out.status.success(),
                "not well-formed: {}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
            let titles = String::from_utf8_lossy(&out.stdout).into_owned();
            assert_eq!(titles.lines().count(), slides.len(), "{titles}");
            // At 30 fps, every time is a whole number of thirtieths.
            for t in titles.lines() {
                for time in t.split_whitespace().take(2) {
                    let time = time.strip_suffix('s').unwrap();
                    let frames = match time.split_once('/') {
                        Some((n, d)) => {
                            n.parse::<f64>().unwrap() * 30.0 / d.parse::<f64>().unwrap()
                        }
                        None => time.parse::<f64>().unwrap() * 30.0,
                    };
                    assert!((frames - frames.round()).abs() < 1e-9, "{t}");
                }
            }
            let first = &slides[0].2[0].0;
            assert!(
                titles.lines().next().unwrap().contains(first.as_str()),
                "{titles}"
            );
        }
        Err(e) => println!("note: python3 not found ({e}); the XML check is skipped"),
    }
    assert!(text.contains("<fcpxml version=\"1.9\">"));
    assert!(text.contains("frameDuration=\"1/30s\" width=\"640\" height=\"360\""));
}

#[test]
fn speakers_travel_with_their_words() {
    let m = made();
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&m.project).unwrap()).unwrap();
    for (s, slide) in v["slides"].as_array_mut().unwrap().iter_mut().enumerate() {
        for w in slide["words"].as_array_mut().unwrap() {
            w["speaker"] = Value::from(format!("SPEAKER_0{s}"));
        }
    }
    std::fs::write(&m.project, serde_json::to_string(&v).unwrap()).unwrap();
    let json = m.path("talk.json");
    assert_ok(&export(&m, &json, &[]));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(t["segments"][1]["speaker"], "SPEAKER_01");
    assert_eq!(t["segments"][0]["words"][0]["speaker"], "SPEAKER_00");
    assert_eq!(t["word_segments"][0]["speaker"], "SPEAKER_00");
    let ass = m.path("talk.ass");
    assert_ok(&export(&m, &ass, &[]));
    let text = std::fs::read_to_string(&ass).unwrap();
    assert!(text.contains(",Default,SPEAKER_01,0,0,0,,"), "{text}");

    // And back: each format that carries speakers gives every word its own, and a new slide
    // starts where the speaker changes.
    for file in [&json, &ass] {
        import_back(&m, file);
        let back: Value =
            serde_json::from_str(&std::fs::read_to_string(m.path("back.json")).unwrap()).unwrap();
        let speakers: Vec<Vec<&str>> = back["slides"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let words = s["words"].as_array().unwrap();
                words
                    .iter()
                    .map(|w| w["speaker"].as_str().unwrap())
                    .collect()
            })
            .collect();
        assert!(speakers.len() >= 2, "{}: {speakers:?}", file.display());
        for (k, slide) in speakers.iter().enumerate() {
            assert!(
                slide.iter().all(|s| *s == format!("SPEAKER_0{k}")),
                "{}: slide {k} {slide:?}",
                file.display()
            );
        }
    }
}

/// Confidences kept from the timing file go out as WhisperX's `score` and come back in.
#[test]
fn confidences_travel_with_their_words() {
    let m = made();
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&m.project).unwrap()).unwrap();
    let mut given = Vec::new();
    for (k, w) in v["slides"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|s| s["words"].as_array_mut().unwrap().iter_mut())
        .enumerate()
    {
        // Every third word without one, as WhisperX leaves numerals.
        let c = (k % 3 != 2).then_some(0.5 + (k % 7) as f64 * 0.061);
        if let Some(c) = c {
            w["confidence"] = Value::from(c);
        }
        given.push(c.map(|c| (c * 1000.0).round() / 1000.0));
    }
    std::fs::write(&m.project, serde_json::to_string(&v).unwrap()).unwrap();
    let json = m.path("talk.json");
    assert_ok(&export(&m, &json, &[]));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let scores: Vec<Option<f64>> = t["word_segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["score"].as_f64())
        .collect();
    assert_eq!(scores, given);
    import_back(&m, &json);
    let back: Value =
        serde_json::from_str(&std::fs::read_to_string(m.path("back.json")).unwrap()).unwrap();
    let kept: Vec<Option<f64>> = back["slides"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["words"].as_array().unwrap().iter())
        .map(|w| w["confidence"].as_f64())
        .collect();
    assert_eq!(kept, given);
}

#[test]
fn outputs_that_would_overwrite_something_are_refused_before_anything_is_written() {
    let m = made();
    let fail = |out: &Path, extra: &[&str], needle: &str| {
        let before = files_in(m.dir.path());
        let r = export(&m, out, extra);
        assert_eq!(r.status.code(), Some(1), "{needle}: {r:?}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains(needle), "expected \"{needle}\" in: {err}");
        assert_eq!(
            files_in(m.dir.path()),
            before,
            "{needle}: something was written"
        );
    };
    let project_text = std::fs::read(&m.project).unwrap();
    let audio_bytes = std::fs::read(&m.audio).unwrap();

    let srt = m.path("talk.srt");
    std::fs::write(&srt, "mine\n").unwrap();
    fail(
        &srt,
        &[],
        "talk.srt already exists; pass --force to overwrite it",
    );
    assert_eq!(std::fs::read_to_string(&srt).unwrap(), "mine\n");
    assert_ok(&export(&m, &srt, &["--force"]));
    assert!(std::fs::read_to_string(&srt).unwrap().starts_with("1\n"));

    // The project and what it reads, however spelled, whatever --force says.
    let spelled = m.dir.path().join(".").join("project.json");
    fail(
        &spelled,
        &["--format", "whisperx", "--force"],
        "it is the project itself",
    );
    fail(
        &m.audio,
        &["--format", "srt", "--force"],
        "it is one of the project's inputs",
    );
    assert_eq!(std::fs::read(&m.project).unwrap(), project_text);
    assert_eq!(std::fs::read(&m.audio).unwrap(), audio_bytes);

    fail(
        &m.path("talk.docx"),
        &[],
        "give one of srt (.srt), vtt (.vtt), ass (.ass), fcpxml (.fcpxml), whisperx (.json), or --format",
    );
    fail(
        &m.path("talk.txt"),
        &["--format", "pdf"],
        "\"pdf\" is not a format gpucast exports",
    );
    fail(
        &m.path("talk.srt"),
        &["--format", "ass", "--force"],
        "does not match the output",
    );
    fail(&m.path("missing/talk.srt"), &[], "folder");
    fail(m.dir.path(), &["--format", "srt"], "it is a folder");
    assert!(!files_in(m.dir.path())
        .iter()
        .any(|f| f.ends_with(".partial")));
}
