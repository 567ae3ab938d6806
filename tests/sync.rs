//! Timings against the voice, checked on speech whose word times are exact: scripts/speech.py
//! has libespeak-ng speak tests/data/lecture.txt in one go (continuous speech) in voices and
//! speeds other than the aligner's own (en-us, 175 words a minute), and says where each word
//! begins. Every claim of `gpucast sync`, `import --snap`, cue words placed by the audio and a
//! script aligned alone is measured here against that truth.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_ok, gpucast, project_words};

const TEXT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lecture.txt");

struct Speech {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    wav: PathBuf,
    /// (text, start, end) of every word, exact.
    words: Vec<(String, f64, f64)>,
}

/// The lecture spoken in `voice` at `rate` words a minute, with `extra` (a noise or music bed).
fn speech(voice: &str, rate: u32, extra: &[&str]) -> Speech {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("speech");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/speech.py");
    let o = Command::new("python3")
        .args([script, "--text-file", TEXT, "-o"])
        .arg(&out)
        .args(["--voice", voice, "--rate", &rate.to_string()])
        .args(extra)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "speech.py (needs libespeak-ng1): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
            .unwrap();
    let words = common::timed_words(&doc["words"]);
    Speech {
        folder: dir.path().to_path_buf(),
        wav: out.with_extension("wav"),
        _dir: dir,
        words,
    }
}

/// Median and 90th percentile of the start errors, in seconds.
fn errors(got: &[f64], truth: &[(String, f64, f64)]) -> (f64, f64) {
    assert_eq!(got.len(), truth.len());
    let mut e: Vec<f64> = got
        .iter()
        .zip(truth)
        .map(|(g, t)| (g - t.1).abs())
        .collect();
    e.sort_by(f64::total_cmp);
    (e[e.len() / 2], e[e.len() * 9 / 10])
}

fn starts(project: &Path) -> Vec<f64> {
    project_words(project).iter().map(|w| w.1).collect()
}

/// The words as a WhisperX file, each time × `scale` + `shift`, then each start and end moved
/// by up to `jitter` either way (seeded; starts kept in order and never below 0).
fn whisperx(words: &[(String, f64, f64)], path: &Path, scale: f64, shift: f64, jitter: f64) {
    let mut seed = 12345u64;
    let mut wobble = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f64 / (1u64 << 31) as f64 * 2.0 - 1.0) * jitter
    };
    let mut last = 0.0f64;
    let w: Vec<serde_json::Value> = words
        .iter()
        .map(|(t, s, e)| {
            let s = (s * scale + shift + wobble()).max(last + 0.001).max(0.0);
            let e = (e * scale + shift + wobble()).max(s);
            last = s;
            serde_json::json!({"word": t, "start": s, "end": e})
        })
        .collect();
    let doc = serde_json::json!({
        "segments": [{"start": w[0]["start"], "end": w[w.len() - 1]["end"], "text": "", "words": w}],
        "word_segments": w,
    });
    std::fs::write(path, doc.to_string()).unwrap();
}

fn stamp(t: f64) -> String {
    let ms = (t * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02},{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Subtitles of up to 8 words a cue (a sentence or a comma ends one), each cue from its first
/// word's start to its last word's end; and the cues as word ranges.
fn cues(words: &[(String, f64, f64)], path: &Path) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut a = 0;
    for (i, w) in words.iter().enumerate() {
        if i - a + 1 == 8 || w.0.ends_with(['.', '?', '!', ',']) || i + 1 == words.len() {
            ranges.push((a, i));
            a = i + 1;
        }
    }
    let mut srt = String::new();
    for (n, &(a, b)) in ranges.iter().enumerate() {
        let text: Vec<&str> = words[a..=b].iter().map(|w| w.0.as_str()).collect();
        srt += &format!(
            "{}\n{} --> {}\n{}\n\n",
            n + 1,
            stamp(words[a].1),
            stamp(words[b].2),
            text.join(" ")
        );
    }
    std::fs::write(path, srt).unwrap();
    ranges
}

fn run(args: &[&str]) -> String {
    let o = gpucast(args);
    assert_ok(&o);
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_script_alone_is_placed_on_the_narration() {
    for (voice, rate, bed) in [
        ("en-gb", 160, &[][..]),
        ("en-us+f3", 200, &["--music-db", "15"][..]),
        ("en-gb-x-rp", 140, &["--noise-db", "15"][..]),
    ] {
        let sp = speech(voice, rate, bed);
        let project = sp.folder.join("p.json");
        let out = run(&[
            "import",
            "--text",
            TEXT,
            "--audio",
            s(&sp.wav),
            "-o",
            s(&project),
        ]);
        assert!(out.contains("no timings"), "{out}");
        assert!(out.contains("matched well"), "{out}");
        let (median, p90) = errors(&starts(&project), &sp.words);
        assert!(
            median < 0.08 && p90 < 0.2,
            "{voice} {rate} {bed:?}: median {median:.3} s, 90% {p90:.3} s"
        );
        // The script's words, spelling and slide breaks are kept; the project renders.
        let got: Vec<String> = project_words(&project).into_iter().map(|w| w.0).collect();
        let want: Vec<String> = sp.words.iter().map(|w| w.0.clone()).collect();
        assert_eq!(got, want);
        assert_ok(&gpucast(&["validate", s(&project)]));
    }
}

#[test]
fn words_inside_cues_are_placed_by_the_audio() {
    let sp = speech("en-us+f3", 200, &["--noise-db", "15"]);
    let srt = sp.folder.join("cues.srt");
    let ranges = cues(&sp.words, &srt);
    let project = sp.folder.join("p.json");
    let out = run(&["import", s(&srt), "--audio", s(&sp.wav), "-o", s(&project)]);
    assert!(out.contains("placed by the audio"), "{out}");
    let (median, p90) = errors(&starts(&project), &sp.words);
    // What the cues alone give: each cue's span shared by its words' lengths.
    let mut by_length = Vec::new();
    for &(a, b) in &ranges {
        let (s0, e0) = (sp.words[a].1, sp.words[b].2);
        let total: usize = sp.words[a..=b].iter().map(|w| w.0.chars().count()).sum();
        let mut done = 0;
        for w in &sp.words[a..=b] {
            by_length.push(s0 + (e0 - s0) * done as f64 / total as f64);
            done += w.0.chars().count();
        }
    }
    let (m0, p0) = errors(&by_length, &sp.words);
    assert!(
        median < 0.05 && p90 < 0.15,
        "placed by the audio: median {median:.3} s, 90% {p90:.3} s (by length: {m0:.3}, {p0:.3})"
    );
    assert!(median < m0 && p90 < p0);
}

#[test]
fn sync_measures_and_removes_a_shift_and_a_drift() {
    let sp = speech("en-gb", 170, &["--music-db", "15"]);
    // Late, drifting late, drifting early, and late with every word a little off either way
    // (what a recogniser gives).
    for (scale, shift, jitter) in [
        (1.0, 0.35, 0.0),
        (1.005, 0.0, 0.0),
        (0.997, 0.1, 0.0),
        (1.0, 0.2, 0.12),
    ] {
        let late = sp.folder.join("late.json");
        whisperx(&sp.words, &late, scale, shift, jitter);
        let report = run(&[
            "sync",
            "--timings",
            s(&late),
            "--audio",
            s(&sp.wav),
            "--json",
        ]);
        let r: serde_json::Value = serde_json::from_str(&report).unwrap();
        let offset = r["offset_ms"].as_f64().unwrap();
        let drift = r["drift_s_per_hour"].as_f64().unwrap();
        // Timings at t·scale + shift are late by shift + (scale - 1)·t.
        // Words each a little off either way blur the offset; the snap below still puts every
        // word on the voice.
        let tolerance = if jitter > 0.0 { 80.0 } else { 40.0 };
        assert!(
            (offset - shift * 1000.0).abs() < tolerance,
            "{scale} {shift} {jitter}: offset {offset} ms"
        );
        assert!(
            (drift - (scale - 1.0) * 3600.0).abs() < 3.0,
            "{scale} {shift} {jitter}: drift {drift} s an hour"
        );
        assert!(r["off_by_more_than_a_frame"].as_u64().unwrap() > 100);
        assert_eq!(r["worst"].as_array().unwrap().len(), 10);
        let fixed = sp.folder.join("fixed.json");
        run(&[
            "sync",
            "--timings",
            s(&late),
            "--audio",
            s(&sp.wav),
            "-o",
            s(&fixed),
            "--force",
            "-q",
        ]);
        let (median, p90) = errors(&starts(&fixed), &sp.words);
        assert!(
            median < 0.03 && p90 < 0.08,
            "{scale} {shift} {jitter}: median {median:.3} s, 90% {p90:.3} s"
        );
        // The repaired project syncs clean: no offset left to speak of.
        let again = run(&["sync", s(&fixed), "--json"]);
        let r: serde_json::Value = serde_json::from_str(&again).unwrap();
        assert!(r["offset_ms"].as_f64().unwrap().abs() < 25.0, "{again}");
        assert_ok(&gpucast(&["validate", s(&fixed)]));
    }
}

#[test]
fn import_snap_repairs_timings_on_the_way_in() {
    let sp = speech("en+m3", 210, &[]);
    let late = sp.folder.join("late.json");
    whisperx(&sp.words, &late, 1.0, 0.3, 0.0);
    let project = sp.folder.join("p.json");
    let plain = sp.folder.join("plain.json");
    run(&["import", s(&late), "--audio", s(&sp.wav), "-o", s(&plain)]);
    let out = run(&[
        "import",
        s(&late),
        "--audio",
        s(&sp.wav),
        "-o",
        s(&project),
        "--snap",
    ]);
    assert!(out.contains("--snap: offset +"), "{out}");
    let (m0, _) = errors(&starts(&plain), &sp.words);
    let (median, p90) = errors(&starts(&project), &sp.words);
    assert!(m0 > 0.25, "{m0}");
    assert!(median < 0.03 && p90 < 0.08, "{median} {p90}");
    // A project file carries its own times: --snap goes with --timings.
    let o = gpucast(&["render", s(&project), "-o", "x.mp4", "--snap"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--snap goes with --timings"));
}

#[test]
fn sync_reports_in_words_and_refuses_what_it_cannot_do() {
    let sp = speech("en-us", 180, &[]);
    let late = sp.folder.join("late.json");
    whisperx(&sp.words, &late, 1.0, -0.25, 0.0);
    let project = sp.folder.join("p.json");
    run(&["import", s(&late), "--audio", s(&sp.wav), "-o", s(&project)]);
    let out = run(&["sync", s(&project)]);
    assert!(out.contains("(the words come early)"), "{out}");
    assert!(out.contains("moved furthest:"), "{out}");
    assert!(out.contains("slides["), "{out}");
    // The repaired project goes beside the one it repairs (the files it names are relative).
    let elsewhere = tempfile::tempdir().unwrap();
    let o = gpucast(&[
        "sync",
        s(&project),
        "-o",
        s(&elsewhere.path().join("fixed.json")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("beside"));
    // Never over an existing file without --force, and the file is left as it was.
    let before = std::fs::read(&project).unwrap();
    let o = gpucast(&["sync", s(&project), "-o", s(&project)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&project).unwrap(), before);
    // No audio: said plainly.
    let text = std::fs::read_to_string(&project).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("audio");
    let silent = sp.folder.join("silent.json");
    std::fs::write(&silent, v.to_string()).unwrap();
    let o = gpucast(&["sync", s(&silent)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("names no audio"));
}

#[test]
fn text_slides_get_their_words_from_the_audio() {
    let sp = speech("en-gb", 165, &["--music-db", "15"]);
    // A project of plain `text` slides, one a sentence, each with its own start and end.
    let mut slides = Vec::new();
    let mut a = 0;
    for (i, w) in sp.words.iter().enumerate() {
        if w.0.ends_with(['.', '?', '!']) || i + 1 == sp.words.len() {
            let text: Vec<&str> = sp.words[a..=i].iter().map(|w| w.0.as_str()).collect();
            slides.push(serde_json::json!({
                "start": sp.words[a].1, "end": sp.words[i].2, "text": text.join(" ")
            }));
            a = i + 1;
        }
    }
    let project = sp.folder.join("p.json");
    let doc = serde_json::json!({"audio": s(&sp.wav), "slides": slides});
    std::fs::write(&project, doc.to_string()).unwrap();
    let fixed = sp.folder.join("fixed.json");
    let out = run(&["sync", s(&project), "-o", s(&fixed), "--no-snap"]);
    assert!(
        out.contains("text slides' words placed by the audio"),
        "{out}"
    );
    let (median, p90) = errors(&starts(&fixed), &sp.words);
    assert!(median < 0.05 && p90 < 0.15, "{median} {p90}");
    assert_ok(&gpucast(&["validate", s(&fixed)]));
}

#[test]
fn a_stretch_the_narration_does_not_say_is_reported() {
    let sp = speech("en-us+f3", 185, &[]);
    // The script as edited after the recording: a paragraph the narrator never read.
    let text = std::fs::read_to_string(TEXT).unwrap();
    let mut paragraphs: Vec<&str> = text.split("\n\n").collect();
    let extra = "This paragraph was cut in the edit at the last minute, before the recording \
                 began, so nobody ever read it aloud.";
    paragraphs.insert(4, extra);
    let script = sp.folder.join("edited.txt");
    std::fs::write(&script, paragraphs.join("\n\n")).unwrap();
    let project = sp.folder.join("p.json");
    let out = run(&[
        "import",
        "--text",
        s(&script),
        "--audio",
        s(&sp.wav),
        "-o",
        s(&project),
    ]);
    let first = paragraphs[..4].join(" ").split_whitespace().count() + 1;
    let last = first + extra.split_whitespace().count() - 1;
    assert!(
        out.contains(&format!(
            "warning: words {first}-{last} (\"This\" ... \"aloud.\""
        )),
        "{out}"
    );
    // The words around it are still on the voice.
    let got = starts(&project);
    let mut said: Vec<f64> = got[..first - 1].to_vec();
    said.extend_from_slice(&got[last..]);
    let (median, p90) = errors(&said, &sp.words);
    assert!(median < 0.08 && p90 < 0.2, "{median} {p90}");
    assert_ok(&gpucast(&["validate", s(&project)]));
}

#[test]
fn a_script_that_is_not_the_recording_is_refused() {
    let sp = speech("en-gb", 175, &[]);
    // The script three times over over a recording of it once: most of it is not there.
    let text = std::fs::read_to_string(TEXT).unwrap();
    let twice = sp.folder.join("thrice.txt");
    std::fs::write(&twice, format!("{text}\n\n{text}\n\n{text}")).unwrap();
    let project = sp.folder.join("p.json");
    let o = gpucast(&[
        "import",
        "--text",
        s(&twice),
        "--audio",
        s(&sp.wav),
        "-o",
        s(&project),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is it the recording of this script?"), "{err}");
    assert!(!project.exists());
    // Silence: nothing to align with.
    let silent = sp.folder.join("silent.wav");
    common::write_wav(&silent, 3.0, &[]);
    let o = gpucast(&[
        "import",
        "--text",
        TEXT,
        "--audio",
        s(&silent),
        "-o",
        s(&project),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no speech heard in"), "{err}");
    assert!(!project.exists());
}
