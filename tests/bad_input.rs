//! Bad input end to end: each case exits non-zero, says what and where, and leaves no file.

mod common;

use common::*;

/// Renders the fixture after `edit` rewrote its project text; returns stderr.
fn render_broken(edit: impl Fn(&str) -> String, setup: impl Fn(&std::path::Path)) -> String {
    let fx = fixture(160, 90, 5.0, "");
    let text = std::fs::read_to_string(&fx.project).unwrap();
    std::fs::write(&fx.project, edit(&text)).unwrap();
    setup(fx.dir.path());
    let before = files_in(fx.dir.path());
    let out_path = fx.dir.path().join("out.mp4");
    let out = gpucast(&[
        "render",
        fx.project.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
        "--backend",
        "cpu",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "should fail; stderr: {stderr}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        files_in(fx.dir.path()),
        before,
        "no output and no partial file left behind"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn expect(edit: impl Fn(&str) -> String, needle: &str) {
    let e = render_broken(edit, |_| {});
    assert!(e.contains(needle), "expected {needle:?} in:\n{e}");
}

#[test]
fn invalid_json() {
    expect(|t| t.replacen('{', "{,", 1), "invalid JSON at line 1");
}

#[test]
fn missing_audio() {
    expect(
        |t| t.replace("narration.wav", "nowhere.wav"),
        "audio: file not found",
    );
}

/// Overwrites one of the fixture's files with `bytes`; the project itself stays valid.
fn expect_with_file(name: &str, bytes: &[u8], needle: &str) {
    let e = render_broken(
        |t| t.to_string(),
        |d| std::fs::write(d.join(name), bytes).unwrap(),
    );
    assert!(e.contains(needle), "expected {needle:?} in:\n{e}");
}

#[test]
fn undecodable_audio() {
    expect_with_file("narration.wav", b"garbage", "audio: cannot decode");
}

#[test]
fn unreadable_background() {
    expect_with_file(
        "background.png",
        b"not a png",
        "background.image: cannot read image",
    );
}

#[test]
fn odd_size() {
    expect(
        |t| t.replace("\"width\": 160", "\"width\": 161"),
        "video.width: 161 is odd",
    );
}

#[test]
fn zero_fps() {
    expect(
        |t| t.replace("\"fps\": 30", "\"fps\": 0"),
        "video.fps: 0 must be greater than 0",
    );
}

#[test]
fn words_out_of_order() {
    expect(
        |t| t.replacen("\"start\": 0.850", "\"start\": 0.300", 1),
        "slides[0].words[1]: start 0.300 s is before the previous word's start 0.400 s",
    );
}

#[test]
fn word_outside_its_slide() {
    expect(
        |t| t.replacen("\"end\": 0.700", "\"end\": 9.700", 1),
        "slides[0].words[0]: 0.400-9.700 s is outside its slide",
    );
}

#[test]
fn overlapping_slides() {
    // The second slide is made to start inside the first.
    expect(
        |t| t.replacen("\"start\": 3.400", "\"start\": 3.000", 1),
        "overlaps slides[0]",
    );
}

#[test]
fn empty_word() {
    expect(
        |t| t.replacen("\"text\": \"narrated\"", "\"text\": \"  \"", 1),
        "slides[0].words[0]: empty word",
    );
}

#[test]
fn bad_effects() {
    let with = |style: &'static str| move |t: &str| t.replace("\"fade\": 0.2", style);
    expect(
        with(r#""fade": 0.2, "current": {"outline": {"width": -1}}"#),
        "style.current.outline.width: -1 is out of range",
    );
    expect(
        with(r#""fade": 0.2, "current": {"outline": "thick"}"#),
        "invalid type: string \"thick\"",
    );
    expect(
        with(r#""fade": 0.2, "spoken": {"glow": {"width": 2}}"#),
        "unknown field `glow`",
    );
    expect(
        with(r#""fade": 0.2, "spoken": {"shadow": {"blur": "soft"}}"#),
        "invalid type: string \"soft\"",
    );
}

#[test]
fn font_not_found() {
    expect(
        |t| {
            t.replace(
                "\"fade\": 0.2",
                "\"fade\": 0.2, \"font\": \"Nonexistent Sans\"",
            )
        },
        "style.font: no installed font family is named \"Nonexistent Sans\"",
    );
    expect(
        |t| {
            t.replace(
                "\"fade\": 0.2",
                "\"fade\": 0.2, \"bold_font\": \"fonts/nope.ttf\"",
            )
        },
        "style.bold_font: font file not found",
    );
}

#[test]
fn all_problems_at_once() {
    let e = render_broken(
        |t| {
            t.replace("\"width\": 160", "\"width\": 161")
                .replace("narration.wav", "nowhere.wav")
        },
        |_| {},
    );
    assert!(e.contains("2 problems"), "{e}");
    assert!(
        e.contains("video.width") && e.contains("audio: file not found"),
        "{e}"
    );
}

#[test]
fn unwritable_output_leaves_nothing() {
    let fx = fixture(160, 90, 2.0, "");
    let out = gpucast(&[
        "render",
        fx.project.to_str().unwrap(),
        "-o",
        "/nonexistent-dir/out.mp4",
        "--backend",
        "cpu",
    ]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("folder /nonexistent-dir does not exist"), "{e}");
}

#[test]
fn interrupt_leaves_nothing_half_written() {
    let fx = fixture(640, 360, 40.0, "");
    let out_path = fx.dir.path().join("out.mp4");
    let before = files_in(fx.dir.path());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "render",
            fx.project.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
            "--backend",
            "cpu",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the partial file exists, so the interrupt lands mid-render.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !files_in(fx.dir.path())
        .iter()
        .any(|f| f.ends_with(".partial"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no partial file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(files_in(fx.dir.path()), before);
}
