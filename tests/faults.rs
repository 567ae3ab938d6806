//! What batch jobs meet and terminals do not: schedulers' signals, readers that go away, outputs
//! that cannot be written. Each test runs the real binary and checks the exit code, the message
//! and that the folder holds nothing but the inputs afterwards.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn partial(dir: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".partial"))
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

/// Renders the fixture and, once the render reports `fraction` of its frames written, freezes
/// it (SIGSTOP, sent directly, within microseconds of the report), sends `signals`, and lets it
/// go on. The progress lines come from `--progress-interval 0`: one after every distinct frame.
fn stop_at(fx: &Fixture, fraction: f64, signals: &[i32]) -> (Option<i32>, String) {
    let out_path = fx.dir.path().join("out.mp4");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "render",
            fx.project.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ])
        .args(["--backend", "cpu", "--progress-interval", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log += &line;
        log.push('\n');
        // "gpucast: N/M frames, ..."
        let Some(progress) = line.strip_prefix("gpucast: ") else {
            continue;
        };
        let Some((n, m)) = progress
            .split_once(' ')
            .and_then(|(f, _)| f.split_once('/'))
            .and_then(|(n, m)| Some((n.parse::<f64>().ok()?, m.parse::<f64>().ok()?)))
        else {
            continue;
        };
        if n >= fraction * m {
            signal(child.id(), libc::SIGSTOP);
            assert!(partial(fx.dir.path()).is_some() && !out_path.exists());
            for &s in signals {
                signal(child.id(), s);
            }
            signal(child.id(), libc::SIGCONT);
            break;
        }
    }
    for line in lines {
        log += &line.unwrap();
        log.push('\n');
    }
    (child.wait().unwrap().code(), log)
}

#[test]
fn signals_stop_a_render_at_any_point_and_leave_nothing() {
    let fx = fixture(640, 360, 20.0, "");
    let before = files_in(fx.dir.path());
    for (sig, code, name) in [
        (libc::SIGTERM, 143, "SIGTERM"),
        (libc::SIGHUP, 129, "SIGHUP"),
        (libc::SIGINT, 130, "SIGINT"),
    ] {
        for fraction in [0.1, 0.5, 0.99] {
            let (status, err) = stop_at(&fx, fraction, &[sig]);
            assert_eq!(status, Some(code), "{name} at {fraction}: {err}");
            assert!(
                err.contains(name) && err.contains("no output was written"),
                "{err}"
            );
            assert_eq!(files_in(fx.dir.path()), before, "{name} at {fraction}");
        }
    }
    // A second signal ends it at once, still leaving nothing.
    let (status, _) = stop_at(&fx, 0.5, &[libc::SIGTERM, libc::SIGTERM]);
    assert_eq!(status, Some(143));
    assert_eq!(files_in(fx.dir.path()), before);
}

#[test]
fn a_reader_that_goes_away_ends_the_render_quietly() {
    let fx = fixture(320, 180, 10.0, "");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "render",
            fx.project.to_str().unwrap(),
            "-o",
            "-",
            "--backend",
            "cpu",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the header and one frame, then close the pipe, as `| head -c` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 100_000];
    std::io::Read::read_exact(&mut stdout, &mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // The same for a command that prints to standard output: the reader is gone before the
    // first line (printing used to panic there).
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["validate", fx.project.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Runs `gpucast render` to `output`; it must fail with one line naming the output and `cause`,
/// and leave the folder as it was.
fn unwritable(fx: &Fixture, output: &Path, shell_prefix: &str, cause: &str) {
    let before = files_in(fx.dir.path());
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{shell_prefix} exec '{}' render '{}' -o '{}' --backend cpu -q",
            env!("CARGO_BIN_EXE_gpucast"),
            fx.project.display(),
            output.display()
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("cannot write {}", output.display())) && err.contains(cause),
        "expected the output and {cause:?} in: {err}"
    );
    assert_eq!(files_in(fx.dir.path()), before);
}

#[test]
fn outputs_that_cannot_be_written_are_named_with_the_cause() {
    let fx = fixture(320, 180, 4.0, "");
    let d = fx.dir.path();
    unwritable(&fx, d, "", "it is a folder");
    unwritable(&fx, &d.join("missing/out.mp4"), "", "does not exist");
    unwritable(
        &fx,
        &d.join("narration.wav"),
        "",
        "one of the project's inputs",
    );
    unwritable(
        &fx,
        &d.join("project.json"),
        "",
        "one of the project's inputs",
    );
    unwritable(
        &fx,
        &d.join("background.png"),
        "",
        "one of the project's inputs",
    );
    // A file size limit: the write fails (not a silent SIGXFSZ kill) and the partial file goes.
    unwritable(&fx, &d.join("out.mp4"), "ulimit -f 1;", "File too large");
}

/// `--strict` turns each kind of warning into an error naming its place; without it the same
/// project is valid.
#[test]
fn strict_makes_warnings_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_wav(&d.join("a.wav"), 3.0, &[]);
    let cases = [
        (
            r#"{"text": "a", "start": 0.1, "end": 0.9}, {"text": "b", "start": 0.5, "end": 1.0}"#,
            "",
            "slides[0].words[0]: end 0.900 s overlaps the next word's start",
        ),
        (
            r#"{"text": "\udbff\udffd", "start": 0.1, "end": 0.9}"#,
            "",
            "slides[0].words[0]: no available font has a glyph for '\\u{10fffd}'",
        ),
        // A colour emoji newer than the bundled emoji font.
        (
            r#"{"text": "ok", "start": 0.1, "end": 0.4}, {"text": "\ud83e\udee9", "start": 0.5, "end": 0.9}"#,
            "",
            "slides[0].words[1]: no available font has a glyph for '🫩' (U+1FAE9)",
        ),
        (
            r#"{"text": "Incomprehensibilities", "start": 0.1, "end": 0.9}"#,
            r#", "style": {"font_size": 60}"#,
            "slides[0].words[0]: \"Incomprehensibilities\" is wider than the room",
        ),
    ];
    for (words, style, expect) in cases {
        let project = d.join("p.json");
        std::fs::write(
            &project,
            format!(
                r#"{{"video": {{"width": 320, "height": 180}}, "audio": "a.wav" {style},
                    "slides": [{{"start": 0, "words": [{words}]}}]}}"#
            ),
        )
        .unwrap();
        let p = project.to_str().unwrap();
        assert_ok(&gpucast(&["validate", p]));
        let out = gpucast(&["validate", p, "--strict"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("--strict: 1 warning is an error:"), "{err}");
        assert!(err.contains(expect), "expected {expect:?} in {err}");
        let video = d.join("v.mp4");
        let out = gpucast(&["render", p, "-o", video.to_str().unwrap(), "--strict"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!video.exists());
    }
}

#[test]
fn a_huge_project_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("huge.json");
    // Sparse: 1 GB on paper, nothing on disk; refused by its size, not read.
    std::fs::File::create(&project)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = gpucast(&["validate", project.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("1024 MB is over the 256 MB limit for project files"),
        "{err}"
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG that claims `w` x `h` pixels and holds none: what a decompression bomb looks like to
/// a decoder before it allocates.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

/// Broken or hostile media: an error naming the file and the field, never a panic, a hang or
/// an allocation the size of the claim.
#[test]
fn corrupt_media_is_named() {
    let fx = fixture(320, 180, 2.0, "");
    let d = fx.dir.path();
    let project = fx.project.to_str().unwrap();
    let check = |expect: &[&str]| {
        let out = gpucast(&["validate", project]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        for e in expect {
            assert!(err.contains(e), "expected {e:?} in {err}");
        }
    };
    let background = d.join("background.png");
    let good = std::fs::read(&background).unwrap();

    std::fs::write(&background, png_claiming(100_000, 100_000)).unwrap();
    check(&["background.image", "100000 x 100000 pixels, over the limit"]);
    std::fs::write(&background, &good[..good.len() / 2]).unwrap();
    check(&["background.image", "background.png"]);
    std::fs::write(&background, b"not an image at all").unwrap();
    check(&["background.image", "background.png"]);
    std::fs::write(&background, &good).unwrap();

    let audio = d.join("narration.wav");
    let wav = std::fs::read(&audio).unwrap();
    std::fs::write(&audio, &wav[..40]).unwrap();
    check(&["audio", "narration.wav"]);
    std::fs::write(&audio, &wav).unwrap();

    let font = d.join("garbage.ttf");
    std::fs::write(&font, vec![0x5a; 4096]).unwrap();
    let json = std::fs::read_to_string(&fx.project).unwrap();
    std::fs::write(
        &fx.project,
        json.replacen(r#""style": {"#, r#""style": {"font": "garbage.ttf", "#, 1),
    )
    .unwrap();
    check(&["style.font", "garbage.ttf", "not a font file"]);
}

/// A narration cut short (its header still declares the whole length) is refused by name;
/// `--allow-partial-audio` renders the whole video, silence after the cut, sync kept before it.
#[test]
fn partial_audio_is_refused_unless_allowed() {
    let fx = fixture(320, 180, 4.0, "");
    let d = fx.dir.path();
    let project = fx.project.to_str().unwrap();
    let audio = d.join("narration.wav");
    let wav = std::fs::read(&audio).unwrap();
    // Cut at 2.5 s, on a sample boundary so that nothing but the length gives it away.
    std::fs::write(&audio, &wav[..44 + 2 * (RATE as usize * 5 / 2)]).unwrap();
    let before = files_in(d);

    let out = gpucast(&["validate", project]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for e in [
        "narration.wav",
        "2.50 s of the 4.00 s",
        "--allow-partial-audio",
    ] {
        assert!(err.contains(e), "expected {e:?} in {err}");
    }
    let video = d.join("out.mp4");
    let out = gpucast(&["render", project, "-o", video.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(files_in(d), before, "a refused render leaves nothing");

    let out = gpucast(&[
        "render",
        project,
        "-o",
        video.to_str().unwrap(),
        "--backend",
        "cpu",
        "--allow-partial-audio",
    ]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2.50 s of the 4.00 s"), "{err}");
    let v = decode_video(&video, 30.0);
    assert_eq!(v.frames.len(), 120, "the whole declared length is rendered");
    let a = decode_audio(&video);
    let seconds = a.samples.len() as f64 / a.rate as f64;
    assert!((seconds - 4.0).abs() < 0.05, "audio lasts {seconds} s");
    let onsets = click_onsets(&a);
    let expected: Vec<f64> = fx
        .word_starts
        .iter()
        .copied()
        .filter(|&t| t < 2.45)
        .collect();
    assert_eq!(onsets.len(), expected.len(), "{onsets:?} vs {expected:?}");
    for (got, want) in onsets.iter().zip(&expected) {
        assert!((got - a.start_time - want).abs() < 0.01, "{got} vs {want}");
    }
    let tail = &a.samples[(2.6 * a.rate as f64) as usize..];
    assert!(tail.iter().all(|s| s.abs() < 0.01), "silence after the cut");
}
