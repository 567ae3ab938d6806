//! `validate --lint`: slides a reader would stumble on, each named by its path, on a project
//! that is otherwise valid.

mod common;

use common::*;

/// A slide of `text` from `start` to `end`, its words spread evenly over it.
fn slide(text: &str, start: f64, end: f64) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let step = (end - start) / words.len() as f64;
    let timed: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let s = start + step * k as f64;
            format!(
                r#"{{"text": "{w}", "start": {s:.3}, "end": {:.3}}}"#,
                s + step
            )
        })
        .collect();
    format!(
        r#"{{"start": {start}, "end": {end}, "words": [{}]}}"#,
        timed.join(", ")
    )
}

#[test]
fn slides_too_fast_too_short_too_long_or_too_wide_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write_wav(&dir.path().join("a.wav"), 30.0, &[]);
    let slides = [
        // 39 characters over 4 s on one line: nothing to say.
        slide("This slide is fine to read at this pace", 0.0, 4.0),
        // 38 characters in 1.5 s: 25.3 a second.
        slide("Far too many words go by in one second", 4.0, 5.5),
        slide("Blink", 5.5, 6.0),
        slide("A slide that stays and stays", 6.0, 15.0),
        // 59 characters, small enough to fit one line of the frame.
        slide(
            "One line that runs on and on across the whole wide frame ok",
            15.0,
            22.0,
        ),
    ];
    let project = dir.path().join("p.json");
    std::fs::write(
        &project,
        format!(
            r#"{{"video": {{"width": 1920, "height": 1080, "fps": 30}}, "audio": "a.wav",
                "style": {{"font_size": 30}}, "slides": [{}]}}"#,
            slides.join(", ")
        ),
    )
    .unwrap();

    // Without --lint, validate says nothing of it.
    let plain = gpucast(&["validate", project.to_str().unwrap()]);
    assert_ok(&plain);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("lint"));

    let out = gpucast(&["validate", project.to_str().unwrap(), "--lint"]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("slides["))
        .collect();
    assert_eq!(
        findings,
        [
            "slides[1]: 38 characters in 1.50 s: 25.3 a second (at most 20)",
            "slides[2]: on screen 0.50 s (at least 0.83 s)",
            "slides[3]: on screen 9.00 s (at most 7 s)",
            "slides[4]: line 1 has 59 characters (at most 42)",
        ],
        "{text}"
    );
    assert!(text.contains("lint       4 findings"), "{text}");
}

#[test]
fn words_the_recogniser_was_unsure_of_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write_wav(&dir.path().join("a.wav"), 5.0, &[]);
    let project = dir.path().join("p.json");
    std::fs::write(
        &project,
        r#"{"audio": "a.wav", "slides": [{"start": 0, "words": [
            {"text": "Grey", "start": 0.5, "end": 1.0, "confidence": 0.95},
            {"text": "seals", "start": 1.0, "end": 1.6, "confidence": 0.31},
            {"text": "bask", "start": 1.6, "end": 2.2}]}]}"#,
    )
    .unwrap();
    let out = gpucast(&["validate", project.to_str().unwrap(), "--lint"]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("slides["))
        .collect();
    assert_eq!(
        findings,
        ["slides[0].words[1]: \"seals\" was heard with confidence 0.31 (under 0.5): check the word"],
        "{text}"
    );
}

/// `--preset broadcast`: at most two lines of 42 characters, slides of 5/6 s to 7 s, two
/// frames apart; what `--lint` then finds is only what the timings themselves force.
#[test]
fn the_broadcast_preset_keeps_to_the_guides() {
    let dir = tempfile::tempdir().unwrap();
    write_wav(&dir.path().join("a.wav"), 40.0, &[]);
    // 90 words at a brisk pace, no pauses: slides must be cut by length and time.
    let words: Vec<String> = (0..90)
        .map(|k| {
            let t = 0.5 + k as f64 * 0.33;
            let w = [
                "subtitles",
                "follow",
                "the",
                "voice",
                "closely,",
                "and",
                "readers",
                "keep",
                "up.",
            ][k % 9];
            format!(
                r#"{{"word": "{w}", "start": {t:.2}, "end": {:.2}, "score": 0.9}}"#,
                t + 0.3
            )
        })
        .collect();
    let timings = dir.path().join("t.json");
    std::fs::write(
        &timings,
        format!(r#"{{"segments": [{{"words": [{}]}}]}}"#, words.join(", ")),
    )
    .unwrap();
    let project = dir.path().join("p.json");
    assert_ok(&gpucast(&[
        "import",
        timings.to_str().unwrap(),
        "--audio",
        dir.path().join("a.wav").to_str().unwrap(),
        "--preset",
        "broadcast",
        "-o",
        project.to_str().unwrap(),
    ]));
    let p = gpucast::prepare(&project).unwrap();
    let slides = &p.project.slides;
    assert!(slides.len() >= 5, "{} slides", slides.len());
    for (k, (s, scene)) in slides.iter().zip(&p.scene.slides).enumerate() {
        let lines = scene.slots.iter().map(|s| s.line).max().unwrap() + 1;
        assert!(lines <= 2, "slides[{k}]: {lines} lines");
        for line in 0..lines {
            let text: Vec<&str> = s
                .words
                .iter()
                .zip(&scene.slots)
                .filter(|(_, slot)| slot.line == line)
                .map(|(w, _)| w.text.as_str())
                .collect();
            let n = text.join(" ").chars().count();
            assert!(n <= 42, "slides[{k}] line {line}: {n} characters");
        }
        assert!(
            s.end - s.start <= 7.0,
            "slides[{k}]: {:.2} s",
            s.end - s.start
        );
        if let Some(next) = slides.get(k + 1) {
            assert!(
                next.start - s.end >= 2.0 / 30.0 - 1e-6,
                "slides[{k}] ends {:.3}, the next starts {:.3}",
                s.end,
                next.start
            );
        }
        // Bottom of the frame.
        let bottom = scene
            .slots
            .iter()
            .map(|s| s.y + s.height)
            .fold(0.0f32, f32::max);
        assert!(bottom > 1080.0 - 160.0, "slides[{k}] ends at y {bottom}");
    }
    let out = gpucast(&["validate", project.to_str().unwrap(), "--lint"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("characters (at most 42)"), "{text}");
    assert!(!text.contains("(at most 7 s)"), "{text}");
}
