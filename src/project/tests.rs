use super::raw::RawStyle;
use super::*;

/// Resolves `json` against a fake audio file of `duration` seconds.
fn resolve_json(json: &str, duration: f64) -> Result<Project, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.wav"), b"fake").unwrap();
    let raw: RawProject = serde_json::from_str(json).expect("test JSON parses");
    resolve(raw, dir.path(), &stand_in_probe(duration))
}

fn problems(json: &str) -> Vec<String> {
    resolve_json(json, 10.0).expect_err("should be rejected")
}

fn assert_problem(json: &str, needle: &str) {
    let p = problems(json);
    assert!(
        p.iter().any(|m| m.contains(needle)),
        "expected a problem containing {needle:?}, got {p:#?}"
    );
}

const OK: &str = r#"{"audio": "a.wav", "slides": [
    {"start": 0, "end": 5, "words": [{"text": "Hello", "start": 0.3, "end": 0.6}, {"text": "world.", "start": 0.66, "end": 1.1}]},
    {"start": 5, "text": "A slide with estimated timings"}
]}"#;

#[test]
fn defaults_apply() {
    let p = resolve_json(OK, 10.0).unwrap();
    assert_eq!((p.width, p.height), (1920, 1080));
    assert_eq!(p.fps, Fps { num: 30, den: 1 });
    assert_eq!(p.background, Background::Color([0, 0, 0]));
    let s = &p.slides[0].style;
    assert_eq!(s.font, FontChoice::Bundled);
    assert!((s.font_size - 1080.0 * 0.06).abs() < 1e-3);
    assert!((s.margin - 1920.0 * 0.08).abs() < 1e-3);
    assert_eq!(s.line_height, 1.25);
    assert_eq!((s.align, s.vertical_align), (Align::Center, Align::Center));
    assert!(!s.looks[0].bold && s.looks[1].bold && s.looks[2].bold);
    assert_eq!(s.looks[1].color, [0xff, 0xd5, 0x4a, 0xff]);
    assert_eq!(s.fade, 0.25);
    // the last slide ends with the audio
    assert_eq!(p.slides[1].end, 10.0);
    assert_eq!(p.frame_count(), 300);
}

#[test]
fn estimated_words_fill_the_slide_in_proportion() {
    let p = resolve_json(OK, 10.0).unwrap();
    let w = &p.slides[1].words;
    assert_eq!(w.len(), 5);
    assert_eq!(w[0].start, 5.0);
    assert!((w.last().unwrap().end - 10.0).abs() < 1e-9);
    for pair in w.windows(2) {
        assert!((pair[0].end - pair[1].start).abs() < 1e-9);
    }
    // "estimated" (9 chars) gets more time than "A" (1 char)
    let d = |i: usize| w[i].end - w[i].start;
    assert!(
        (d(3) / d(0) - 10.0 / 2.0).abs() < 1e-6,
        "{} vs {}",
        d(3),
        d(0)
    );
}

#[test]
fn fractional_fps_and_ratio_strings() {
    let p = resolve_json(
        r#"{"video": {"fps": "30000/1001"}, "audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        10.0,
    )
    .unwrap();
    assert_eq!(
        p.fps,
        Fps {
            num: 30000,
            den: 1001
        }
    );
    let p = resolve_json(
        r#"{"video": {"fps": 29.97}, "audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        10.0,
    )
    .unwrap();
    assert_eq!(
        p.fps,
        Fps {
            num: 2997,
            den: 100
        }
    );
}

#[test]
fn slide_style_overrides_field_by_field() {
    let p = resolve_json(
        r##"{"audio": "a.wav", "style": {"font_size": 50, "current": {"color": "#ff0000"}},
            "slides": [{"start": 0, "end": 1, "text": "a"},
                       {"start": 1, "text": "b", "style": {"align": "left", "current": {"weight": "regular"}}}]}"##,
        10.0,
    )
    .unwrap();
    let (a, b) = (&p.slides[0].style, &p.slides[1].style);
    assert_eq!(a.font_size, 50.0);
    assert_eq!(b.font_size, 50.0);
    assert_eq!(a.align, Align::Center);
    assert_eq!(b.align, Align::Start);
    assert!(a.looks[1].bold);
    assert!(!b.looks[1].bold);
    assert_eq!(
        b.looks[1].color,
        [255, 0, 0, 255],
        "color kept from the project style"
    );
    assert_eq!(b.field, "style", "fonts still come from the project style");
}

#[test]
fn overlapping_words_are_clamped_with_a_warning() {
    let p = resolve_json(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "words": [
            {"text": "a", "start": 0.1, "end": 0.52}, {"text": "b", "start": 0.5, "end": 0.9}]}]}"#,
        10.0,
    )
    .unwrap();
    assert_eq!(p.slides[0].words[0].end, 0.5);
    assert_eq!(p.warnings.len(), 1);
    assert!(
        p.warnings[0].starts_with("slides[0].words[0]:"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn every_problem_is_reported_at_once_with_its_path() {
    let p = problems(
        r##"{"video": {"width": 1921, "height": 1080, "fps": 0}, "audio": "a.wav",
            "background": {"color": "blue"},
            "style": {"align": "middle", "upcoming": {"weight": "heavy"}},
            "slides": [{"start": 0, "end": 5, "words": [
                {"text": "a", "start": 1.0, "end": 0.5},
                {"text": " ", "start": 1.1, "end": 1.2},
                {"text": "c", "start": 0.9, "end": 1.0},
                {"text": "d", "start": 4.9, "end": 5.5}]},
              {"start": 4, "end": 6, "text": "overlap"}]}"##,
    );
    let expect = [
        "video.width: 1921 is odd",
        "video.fps:",
        "background.color:",
        "style.align: \"middle\"",
        "style.upcoming.weight: \"heavy\"",
        "slides[0].words[0]: end 0.500 s is before start 1.000 s",
        "slides[0].words[1]: empty word",
        "slides[0].words[2]: start 0.900 s is before the previous word's start",
        "slides[0].words[3]: 4.900-5.500 s is outside its slide",
        "slides[1].start: 4.000 s overlaps slides[0]",
    ];
    for e in expect {
        assert!(p.iter().any(|m| m.contains(e)), "missing {e:?} in {p:#?}");
    }
}

/// Effects default from the font size, merge field by field into slide overrides, and are
/// rejected by their full path.
#[test]
fn effects_resolve_merge_and_name_their_field() {
    let p = resolve_json(
        r##"{"audio": "a.wav", "style": {"font_size": 50,
                "current": {"outline": {"width": 4, "color": "#102030"}, "shadow": {}}},
            "slides": [{"start": 0, "end": 1, "text": "a"},
                       {"start": 1, "text": "b", "style": {"current": {"outline": {"color": "#ff0000"},
                                                                       "shadow": {"offset": [1, -2]}}}},
                       {"start": 2, "text": "c", "style": {"current": {"outline": {"width": 0}}}}]}"##,
        10.0,
    )
    .unwrap();
    let looks = |i: usize| p.slides[i].style.looks[1];
    let o = looks(0).outline.unwrap();
    assert_eq!((o.width, o.color), (4.0, [0x10, 0x20, 0x30, 255]));
    let s = looks(0).shadow.unwrap();
    assert_eq!(
        (s.offset, s.blur, s.color),
        ([2.0, 2.0], 2.5, [0, 0, 0, 179])
    );
    let o = looks(1).outline.unwrap();
    assert_eq!((o.width, o.color), (4.0, [255, 0, 0, 255]), "width kept");
    assert_eq!(looks(1).shadow.unwrap().offset, [1.0, -2.0]);
    assert!(looks(2).outline.is_none(), "width 0 turns it off");
    assert!(p.slides[0].style.looks[0].outline.is_none());

    let slide = |style: &str| {
        format!(
            r#"{{"audio": "a.wav", "slides": [{{"start": 0, "text": "x"}}, {{"start": 1, "text": "y"}},
            {{"start": 2, "text": "x", "style": {style}}}]}}"#
        )
    };
    for (style, problem) in [
        (
            r#"{"current": {"outline": {"width": -2}}}"#,
            "slides[2].style.current.outline.width: -2 is out of range",
        ),
        (
            r#"{"spoken": {"shadow": {"blur": 1e9}}}"#,
            "slides[2].style.spoken.shadow.blur: 1000000000 is out of range",
        ),
        (
            r#"{"upcoming": {"shadow": {"offset": [0, -900]}}}"#,
            "slides[2].style.upcoming.shadow.offset: -900 is out of range",
        ),
        (
            r#"{"current": {"outline": {"color": "black"}}}"#,
            "slides[2].style.current.outline.color:",
        ),
        (
            r#"{"spoken": {"wipe": true}}"#,
            "slides[2].style.spoken.wipe: only the current word is wiped",
        ),
        (
            r#"{"spoken": {"scale": 1.2}}"#,
            "slides[2].style.spoken.scale: only the current word pops",
        ),
        (
            r#"{"current": {"scale": 9}}"#,
            "slides[2].style.current.scale: 9 must be 0.5 to 3",
        ),
        (
            r#"{"current": {"scale": 1.2, "wipe": true}}"#,
            "slides[2].style.current.scale: a word is either wiped or popped",
        ),
        (
            r#"{"spoken": {"box": {"glide_ms": 100}}}"#,
            "slides[2].style.spoken.box.glide_ms: only the current word's box glides",
        ),
        (
            r#"{"current": {"box": {"glide_ms": 5000}}}"#,
            "slides[2].style.current.box.glide_ms: 5000 must be 0 to 2000 milliseconds",
        ),
        (
            r#"{"current": {"wipe": true, "box": {"glide_ms": 100}}}"#,
            "slides[2].style.current.box.glide_ms: a wiped word's box does not glide",
        ),
        (
            r#"{"pop_ms": -40}"#,
            "slides[2].style.pop_ms: -40 must be 0 to 2000 milliseconds",
        ),
        (
            r#"{"safe_area": {"bottom": -5}}"#,
            "slides[2].style.safe_area.bottom: -5 must be 0 or more pixels",
        ),
        (
            r#"{"safe_area": {"top": 600, "bottom": 500}}"#,
            "slides[2].style.safe_area: with a margin of",
        ),
        (
            r#"{"current": {"box": {"radius": -3}}}"#,
            "slides[2].style.current.box.radius: -3 is out of range",
        ),
        (
            r#"{"current": {"box": {"padding": [4, -1]}}}"#,
            "slides[2].style.current.box.padding: -1 is out of range",
        ),
    ] {
        assert_problem(&slide(style), problem);
    }
}

#[test]
fn rejected_inputs_name_their_field() {
    assert_problem(
        r#"{"slides": [{"start": 0, "text": "x"}]}"#,
        "audio: required",
    );
    assert_problem(
        r#"{"audio": "missing.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        "audio: file not found",
    );
    assert_problem(
        r#"{"audio": "a.wav", "background": {"image": "nope.png"}, "slides": [{"start": 0, "text": "x"}]}"#,
        "background.image: cannot read image",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "words": [{"text": "a", "start": 0, "end": 1, "confidence": 1.5}]}]}"#,
        "slides[0].words[0].confidence: 1.5 is not between 0 and 1",
    );
    assert_problem(
        r#"{"video": {"height": 0}, "audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        "video.height: 0 is out of range",
    );
    assert_problem(
        r#"{"video": {"fps": -5}, "audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        "video.fps: -5 must be greater than 0",
    );
    assert_problem(
        r#"{"video": {"fps": "abc"}, "audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        "video.fps: \"abc\"",
    );
    assert_problem(
        r#"{"audio": "a.wav", "style": {"font": "fonts/missing.ttf"}, "slides": [{"start": 0, "text": "x"}]}"#,
        "style.font: font file not found",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": []}"#,
        "slides: the list is empty",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": [{"start": 2, "end": 1, "text": "x"}]}"#,
        "slides[0].end: 1.000 s is not after start 2.000 s",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "text": "x", "words": []}]}"#,
        "slides[0]: give either `words` or `text`",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "words": [{"text": "x", "start": 1}]}]}"#,
        "slides[0].words[0]: needs both `start` and `end`",
    );
    assert_problem(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "text": "x", "style": {"fade": -1}}]}"#,
        "slides[0].style.fade: -1 must be 0 or more",
    );
    assert_problem(
        r##"{"audio": "a.wav", "slides": [{"start": 0, "text": "x", "style": {"spoken": {"color": "#12345"}}}]}"##,
        "slides[0].style.spoken.color:",
    );
}

#[test]
fn audio_shorter_than_a_frame_is_rejected() {
    let p = resolve_json(
        r#"{"audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#,
        0.01,
    )
    .expect_err("no frame to show");
    assert!(
        p[0].starts_with("audio: 0.010 s is shorter than one frame at 30 fps"),
        "{p:?}"
    );
}

#[test]
fn undecodable_audio_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.wav"), b"not audio at all").unwrap();
    let raw: RawProject =
        serde_json::from_str(r#"{"audio": "a.wav", "slides": [{"start": 0, "text": "x"}]}"#)
            .unwrap();
    let probe = |p: &Path| crate::media::audio::probe(p);
    let p = resolve(raw, dir.path(), &probe).unwrap_err();
    assert!(p[0].starts_with("audio: cannot decode"), "{p:?}");
}

#[test]
fn invalid_json_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::write(&path, "{\"audio\": \"a.wav\",\n \"slides\": [}").unwrap();
    let e = format!("{:#}", load(&path).unwrap_err());
    assert!(e.contains("invalid JSON at line 2"), "{e}");
    std::fs::write(&path, r#"{"audio": "a.wav", "slidez": []}"#).unwrap();
    let e = format!("{:#}", load(&path).unwrap_err());
    assert!(e.contains("unknown field `slidez`"), "{e}");
    // A value of the wrong type is named by its field's path, like every other problem.
    std::fs::write(
        &path,
        "{\"audio\": \"a.wav\",\n \"slides\": [{\"start\": 0, \"end\": 1,\n \"words\": [{\"text\": \"a\", \"start\": \"soon\"}]}]}",
    )
    .unwrap();
    let e = format!("{:#}", load(&path).unwrap_err());
    assert!(
        e.contains("slides[0].words[0].start: invalid type: string \"soon\", expected f64 (line 3"),
        "{e}"
    );
}

#[test]
fn colors_parse() {
    assert_eq!(parse_color("#ffd54a"), Ok([0xff, 0xd5, 0x4a, 0xff]));
    assert_eq!(parse_color("#ffd54a80"), Ok([0xff, 0xd5, 0x4a, 0x80]));
    assert!(parse_color("ffd54a").is_err());
    assert!(parse_color("#ffd54").is_err());
    assert!(parse_color("#gggggg").is_err());
    assert!(parse_color("#ffd5é").is_err());
}

#[test]
fn a_preset_sets_defaults_the_file_overrides() {
    let with = |fields: &str| OK.replacen('{', &format!("{{{fields}"), 1);
    let p = resolve_json(&with(r#""preset": "shorts", "#), 10.0).unwrap();
    assert_eq!((p.width, p.height), (1080, 1920));
    let s = &p.slides[0].style;
    assert_eq!(s.font_size, 96.0);
    assert!(s.looks.iter().all(|l| l.bold));
    // Fields the file sets win, field by field.
    let p = resolve_json(
        &with(r##""preset": "shorts", "video": {"width": 720}, "style": {"font_size": 80, "current": {"color": "#ff0000"}}, "##),
        10.0,
    )
    .unwrap();
    assert_eq!((p.width, p.height), (720, 1920));
    let s = &p.slides[0].style;
    assert_eq!(s.font_size, 80.0);
    assert_eq!(s.looks[1].color, [255, 0, 0, 255]);
    assert!(s.looks[1].bold, "the preset's weight stays");
    let p = resolve_json(&with(r#""preset": "highlight", "#), 10.0).unwrap();
    assert!(p.slides[0].style.looks.iter().all(|l| !l.bold));
    assert_problem(
        &with(r#""preset": "tiktok", "#),
        "preset: \"tiktok\" is not one of lecture, shorts, square, highlight, broadcast",
    );
}

/// What `gpucast import` writes out resolves to the same style it was written from.
#[test]
fn a_style_written_out_reads_back_the_same() {
    for preset in presets::PRESETS {
        let base = Path::new("/nonexistent");
        let style = resolve_style(
            &RawStyle::default(),
            Some(preset),
            base,
            (preset.width, preset.height),
        )
        .unwrap();
        let again = resolve_style(
            &style.to_raw(base),
            None,
            base,
            (preset.width, preset.height),
        )
        .unwrap();
        assert_eq!(style, again, "{}", preset.name);
    }
}

#[test]
fn limits_are_errors_not_exhaustion() {
    let p = resolve_json(OK, limits::DURATION + 1.0).unwrap_err();
    assert!(
        p.iter()
            .any(|m| m.contains("audio: 24.0 hours is over the 24 hour limit")),
        "{p:?}"
    );
    assert_problem(
        r#"{"audio": "a.wav", "video": {"width": 100000, "height": 100000}, "slides": [{"start": 0, "text": "a"}]}"#,
        "video.width: 100000 is out of range (1 to 8192)",
    );
    let long = "x".repeat(limits::WORD_CHARS + 1);
    assert_problem(
        &format!(
            r#"{{"audio": "a.wav", "slides": [{{"start": 0, "words": [{{"text": "{long}", "start": 0, "end": 1}}]}}]}}"#
        ),
        "slides[0].words[0]: over the limit of 1000 characters for a word",
    );
    let text = "a ".repeat(limits::TEXT_CHARS);
    assert_problem(
        &format!(r#"{{"audio": "a.wav", "slides": [{{"start": 0, "text": "{text}"}}]}}"#),
        "slides[0].text: over the limit of 100000 characters",
    );
    let slides: Vec<String> = (0..=limits::SLIDES)
        .map(|i| format!(r#"{{"start": {}, "text": "a"}}"#, i as f64 * 1e-4))
        .collect();
    assert_problem(
        &format!(r#"{{"audio": "a.wav", "slides": [{}]}}"#, slides.join(",")),
        "slides: 100001 slides is over the limit of 100000",
    );
}
