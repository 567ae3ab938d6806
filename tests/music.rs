//! The music bed, measured in the decoded AAC: its level where nobody speaks, ducked under
//! speech, looped or not, faded out at the end; the narration's clicks still on their words.

mod common;

use std::path::Path;

use common::*;

/// A 16-bit PCM WAV of a sine at `hz` and `amplitude`: stereo at 44.1 kHz, unlike the narration.
fn write_tone(path: &Path, seconds: f64, hz: f64, amplitude: f64) {
    let rate = 44100u32;
    let n = (seconds * rate as f64).round() as usize;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + 4 * n as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 4).to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(4 * n as u32).to_le_bytes());
    for i in 0..n {
        let v = (2.0 * std::f64::consts::PI * hz * i as f64 / rate as f64).sin() * amplitude;
        let s = (v * 32767.0) as i16;
        b.extend_from_slice(&s.to_le_bytes());
        b.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

/// Words from 2.0 to 4.0 s (a click at each start in the narration), nothing else said in 10 s.
fn project(dir: &Path, music: &str) -> std::path::PathBuf {
    let starts = [2.0, 2.5, 3.0, 3.5];
    write_wav(&dir.join("narration.wav"), 10.0, &starts);
    write_tone(&dir.join("bed.wav"), 1.3, 440.0, 0.5);
    let words: Vec<String> = starts
        .iter()
        .map(|s| format!(r#"{{"text": "word", "start": {s}, "end": {}}}"#, s + 0.45))
        .collect();
    let json = format!(
        r##"{{"video": {{"width": 160, "height": 90, "fps": 30}}, "audio": "narration.wav",
  "background": {{"color": "#101820"}}, {music}
  "slides": [{{"start": 0, "words": [{}]}}]}}"##,
        words.join(", ")
    );
    let path = dir.join("project.json");
    std::fs::write(&path, json).unwrap();
    path
}

/// RMS of the decoded audio between two times, leaving out the clicks' 30 ms.
fn rms(a: &DecodedAudio, from: f64, to: f64) -> f64 {
    let r = a.rate as f64;
    let s = &a.samples[(from * r) as usize..(to * r) as usize];
    (s.iter().map(|&x| (x as f64).powi(2)).sum::<f64>() / s.len() as f64).sqrt()
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

#[test]
fn music_is_mixed_ducked_looped_and_faded() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(
        dir.path(),
        r#""music": {"file": "bed.wav", "volume": -18, "duck": -12, "fade_out": 2.0},"#,
    );
    let out = dir.path().join("out.mp4");
    render_cpu(&p, &out, &[]);
    let a = decode_audio(&out);
    assert!((a.samples.len() as f64 / a.rate as f64 - 10.0).abs() < 0.03);

    // The tone's RMS is 0.5/√2; -18 dB where nobody speaks, 12 dB lower under the words.
    let tone = 0.5 / 2f64.sqrt();
    let free = rms(&a, 0.4, 1.6);
    assert!(
        (db(free / tone) + 18.0).abs() < 1.0,
        "bed at {:.1} dB",
        db(free / tone)
    );
    let under = rms(&a, 2.1, 2.45).max(rms(&a, 2.6, 2.95));
    assert!(
        (db(under / free) + 12.0).abs() < 1.0,
        "ducked by {:.1} dB",
        db(under / free)
    );
    // Back up after the release, and still there long after the 1.3 s file ended: looped.
    let after = rms(&a, 5.0, 7.5);
    assert!(
        (db(after / free)).abs() < 1.0,
        "after speech: {:.1} dB",
        db(after / free)
    );
    // Faded out over the last 2 s.
    let late = rms(&a, 9.5, 9.9);
    assert!(late < free * 0.3, "{late} at the end against {free}");
    assert!(rms(&a, 8.1, 8.4) > late);

    // The narration is as it was: every click on its word.
    assert_clicks_on_words(&a, &[2.0, 2.5, 3.0, 3.5]);
}

#[test]
fn music_that_does_not_loop_stops() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(
        dir.path(),
        r#""music": {"file": "bed.wav", "loop": false, "fade_out": 0},"#,
    );
    let out = dir.path().join("out.mp4");
    render_cpu(&p, &out, &[]);
    let a = decode_audio(&out);
    assert!(rms(&a, 0.2, 1.1) > 0.02, "the bed plays at first");
    assert!(rms(&a, 5.0, 9.9) < 1e-3, "and not after its 1.3 s");
}

#[test]
fn bad_music_is_refused_by_its_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not audio").unwrap();
    for (music, expect) in [
        (
            r#""music": {"file": "missing.mp3"},"#,
            "music.file: file not found",
        ),
        (r#""music": {"file": "notes.txt"},"#, "music.file:"),
        (r#""music": {"volume": -10},"#, "music.file: required"),
        (
            r#""music": {"file": "bed.wav", "volume": 40},"#,
            "music.volume: 40 dB is outside",
        ),
        (
            r#""music": {"file": "bed.wav", "duck": 6},"#,
            "music.duck: 6 dB is outside",
        ),
        (
            r#""music": {"file": "bed.wav", "fade_out": -1},"#,
            "music.fade_out",
        ),
        (
            r#""music": {"file": "bed.wav", "fade_out": 60},"#,
            "longer than the video",
        ),
        (
            r#""music": {"file": "bed.wav", "gain": 1},"#,
            "unknown field `gain`",
        ),
    ] {
        let p = project(dir.path(), music);
        let out = dir.path().join("out.mp4");
        let o = gpucast(&["render", p.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(!o.status.success(), "{music} was accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{music}: {err}");
        assert!(!out.exists());
    }
}

/// The music project in assets/ (the demo's narration over a synthesised pad): the bed is
/// heard where the narration is silent, and the narration keeps its length.
#[test]
fn the_music_project_in_assets_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("music.mp4");
    render_cpu(&root.join("assets/music/project.json"), &out, &[]);
    let a = decode_audio(&out);
    let demo = gpucast::prepare(&root.join("assets/demo/project.json")).unwrap();
    let len = a.samples.len() as f64 / a.rate as f64;
    assert!((len - demo.project.duration()).abs() < 0.03, "{len}");
    // The narration is silent for its first 0.3 s; the pad is not.
    let start = rms(&a, 0.0, 0.14);
    assert!(
        db(start) > -50.0 && db(start) < -30.0,
        "bed at {:.1} dBFS",
        db(start)
    );
}
