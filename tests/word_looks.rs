//! A word's own looks (`slides[].words[].style`) and capitals (`style.uppercase`), on rendered
//! frames against the same project without them.

mod common;

use common::*;

const TEXT: &str = "The budget for the frame rate was tight this year";

/// A one-slide project of `TEXT` (word k from 0.5 + 0.4 k for 0.35 s) with `word_style` on
/// word `styled` and `extra_style` in the project's style, in `dir`.
fn project(
    dir: &std::path::Path,
    name: &str,
    words: &[&str],
    styled: Option<(usize, &str)>,
    extra_style: &str,
) -> std::path::PathBuf {
    let list: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let t = 0.5 + 0.4 * k as f64;
            let style = match styled {
                Some((i, s)) if i == k => format!(r#", "style": {s}"#),
                _ => String::new(),
            };
            format!(
                r#"{{"text": "{w}", "start": {t:.2}, "end": {:.2}{style}}}"#,
                t + 0.35
            )
        })
        .collect();
    let json = format!(
        r##"{{"video": {{"width": 960, "height": 540, "fps": 25}},
  "audio": "narration.wav",
  "background": {{"color": "#101828"}},
  "style": {{"font_size": 48, "fade": 0,
    "upcoming": {{"weight": "regular", "color": "#b8c2d6"}},
    "current": {{"weight": "bold", "color": "#ffd54a"}},
    "spoken": {{"weight": "bold", "color": "#ffffff"}} {extra_style}}},
  "slides": [{{"start": 0, "words": [{}]}}]}}"##,
        list.join(", ")
    );
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    if !dir.join("narration.wav").exists() {
        write_wav(&dir.join("narration.wav"), 6.0, &[]);
    }
    path
}

fn frame(project: &std::path::Path, t: f64) -> image::RgbImage {
    gpucast::render_frame(
        &project.into(),
        t,
        gpucast::render::Backend::Cpu,
        &Default::default(),
        &Default::default(),
    )
    .unwrap()
}

/// The pixels where two frames differ, as (x, y).
fn differ(a: &image::RgbImage, b: &image::RgbImage) -> Vec<(u32, u32)> {
    a.enumerate_pixels()
        .filter(|(x, y, p)| *p != b.get_pixel(*x, *y))
        .map(|(x, y, _)| (x, y))
        .collect()
}

#[test]
fn a_keywords_look_changes_its_pixels_and_no_others() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let red = r##"{"upcoming": {"color": "#ff3030", "box": {"color": "#60000080", "padding": [6, 3]}},
                   "current": {"color": "#ff3030"}, "spoken": {"color": "#ff3030"}}"##;
    let keyed = project(dir.path(), "keyed.json", &words, Some((1, red)), "");
    let p = gpucast::prepare(&keyed).unwrap();
    let q = gpucast::prepare(&plain).unwrap();
    // The keyword's look keeps its weights, so no slot moves.
    assert_eq!(p.scene.slides[0].slots, q.scene.slides[0].slots);
    let slot = p.scene.slides[0].slots[1];
    // Before it is spoken (upcoming, with its box), while it is (current) and after (spoken).
    for t in [0.3, 1.0, 3.0] {
        let (a, b) = (frame(&plain, t), frame(&keyed, t));
        let changed = differ(&a, &b);
        assert!(changed.len() > 200, "t {t}: {} pixels", changed.len());
        // Inside its slot grown by the box's padding and a pixel of antialiasing.
        let outside: Vec<_> = changed
            .iter()
            .filter(|&&(x, y)| {
                let (x, y) = (x as f32, y as f32);
                x < slot.x - 7.0
                    || x > slot.x + slot.width + 7.0
                    || y < slot.y - 4.0
                    || y > slot.y + slot.height + 4.0
            })
            .collect();
        assert!(
            outside.is_empty(),
            "t {t}: {} pixels outside",
            outside.len()
        );
        // And red where it changed: more red than green in most of them.
        let reddish = changed
            .iter()
            .filter(|&&(x, y)| {
                let px = b.get_pixel(x, y);
                px[0] as i32 > px[1] as i32 + 40
            })
            .count();
        assert!(
            reddish * 2 > changed.len(),
            "t {t}: {reddish} of {}",
            changed.len()
        );
    }
}

#[test]
fn a_word_pops_on_a_slide_that_does_not_and_its_neighbours_stay_put() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let popped = project(
        dir.path(),
        "pop.json",
        &words,
        Some((3, r#"{"current": {"scale": 1.5}}"#)),
        r#", "pop_ms": 0"#,
    );
    // Word 3 ("frame") current from 1.7 s: drawn 1.5 times its size, over its slot's edges.
    let (a, b) = (frame(&plain, 1.8), frame(&popped, 1.8));
    let slot = gpucast::prepare(&popped).unwrap().scene.slides[0].slots[3];
    let changed = differ(&a, &b);
    let beyond = changed
        .iter()
        .filter(|&&(x, _)| (x as f32) < slot.x - 2.0 || (x as f32) > slot.x + slot.width + 2.0)
        .count();
    assert!(beyond > 50, "{beyond} pixels beyond the slot");
    // The word after it, current in turn, does not pop: its frame is the plain one's but for
    // the spoken "frame" (no larger once spoken).
    let (a, b) = (frame(&plain, 2.2), frame(&popped, 2.2));
    assert!(differ(&a, &b).is_empty());
}

#[test]
fn uppercase_shows_capitals_and_keeps_the_words_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let upper = project(
        dir.path(),
        "upper.json",
        &["Die", "Straße", "ist", "lang"],
        None,
        r#", "uppercase": true"#,
    );
    let written = project(
        dir.path(),
        "written.json",
        &["DIE", "STRASSE", "IST", "LANG"],
        None,
        "",
    );
    // Unicode's full mapping (ß is SS), laid out as if written in capitals.
    for t in [0.3, 1.1, 2.5] {
        assert!(
            differ(&frame(&upper, t), &frame(&written, t)).is_empty(),
            "t {t}"
        );
    }
    let p = gpucast::prepare(&upper).unwrap();
    assert_eq!(p.project.slides[0].words[1].text, "Straße");
    // Captions keep the words as written.
    let srt = dir.path().join("upper.srt");
    assert_ok(&gpucast(&[
        "export",
        upper.to_str().unwrap(),
        "-o",
        srt.to_str().unwrap(),
    ]));
    assert!(std::fs::read_to_string(&srt)
        .unwrap()
        .contains("Die Straße ist lang"));
}

#[test]
fn a_words_look_errors_name_the_word() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let both = project(
        dir.path(),
        "both.json",
        &words,
        Some((2, r#"{"current": {"wipe": true, "scale": 1.3}}"#)),
        "",
    );
    assert_invalid(
        &both,
        "slides[0].words[2].style.current.scale: a word is either wiped or popped",
    );
    let spoken_pop = project(
        dir.path(),
        "spoken.json",
        &words,
        Some((4, r##"{"spoken": {"scale": 1.3, "color": "#12"}}"##)),
        "",
    );
    assert_invalid(
        &spoken_pop,
        "slides[0].words[4].style.spoken.scale: only the current word pops",
    );
    assert_invalid(&spoken_pop, "slides[0].words[4].style.spoken.color");
    let unknown = project(
        dir.path(),
        "unknown.json",
        &words,
        Some((0, r##"{"currant": {"color": "#ff0000"}}"##)),
        "",
    );
    assert_invalid(&unknown, "currant");
}

/// `emphasis` rules as a project gives them: `extra` added to its top level.
fn with_rules(plain: &std::path::Path, name: &str, rules: serde_json::Value) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plain).unwrap()).unwrap();
    v["emphasis"] = rules;
    let path = plain.with_file_name(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

#[test]
fn emphasis_rules_change_their_words_pixels_and_no_others() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = "The Budget, for the frame rate was 40% this year"
        .split(' ')
        .collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let green = serde_json::json!({"color": "#20ff60"});
    let look = serde_json::json!({"upcoming": green, "current": green, "spoken": green});
    let ruled = with_rules(
        &plain,
        "ruled.json",
        serde_json::json!([{"words": ["budget", "Frame Rate"], "style": look},
                           {"regex": "\\d+%", "style": look}]),
    );
    let p = gpucast::prepare(&ruled).unwrap();
    let slots = &p.scene.slides[0].slots;
    let matched = [1usize, 4, 5, 7];
    for t in [0.3, 2.6, 4.9] {
        let (a, b) = (frame(&plain, t), frame(&ruled, t));
        let changed = differ(&a, &b);
        for &k in &matched {
            let s = slots[k];
            let inside = changed
                .iter()
                .filter(|&&(x, y)| {
                    (x as f32) >= s.x - 2.0
                        && (x as f32) <= s.x + s.width + 2.0
                        && (y as f32) >= s.y
                        && (y as f32) <= s.y + s.height
                })
                .count();
            assert!(inside > 50, "t {t}: word {k} changed {inside} pixels");
        }
        let stray = changed
            .iter()
            .filter(|&&(x, y)| {
                !matched.iter().any(|&k| {
                    let s = slots[k];
                    (x as f32) >= s.x - 2.0
                        && (x as f32) <= s.x + s.width + 2.0
                        && (y as f32) >= s.y
                        && (y as f32) <= s.y + s.height
                })
            })
            .count();
        assert_eq!(stray, 0, "t {t}: pixels changed outside the matched words");
    }
    let bad = with_rules(
        &plain,
        "bad.json",
        serde_json::json!([{"regex": "(\\d+", "style": look},
                           {"words": ["budget"], "style": {"current": {"color": "#12"}}}]),
    );
    assert_invalid(&bad, "emphasis[0].regex: not a regular expression");
    assert_invalid(&bad, "emphasis[1].style.current.color");
    let unknown = with_rules(
        &plain,
        "unknown.json",
        serde_json::json!([{"words": ["budget"], "style": {"current": {"colour": "#fff"}}}]),
    );
    assert_invalid(&unknown, "emphasis[0].style.current.colour: unknown field");
}

#[test]
fn import_emphasize_writes_rules_that_render() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    write_wav(&dir.path().join("a.wav"), 14.0, &[]);
    let list = dir.path().join("keywords.txt");
    std::fs::write(&list, "# stress these\ndata augmentation\nregex: \\d+%\n").unwrap();
    let out = dir.path().join("p.json");
    assert_ok(&gpucast(&[
        "import",
        data.join("whisperx.json").to_str().unwrap(),
        "--audio",
        dir.path().join("a.wav").to_str().unwrap(),
        "--emphasize",
        list.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["emphasis"][0]["words"][0], "data augmentation");
    assert_eq!(v["emphasis"][1]["regex"], "\\d+%");
    let p = gpucast::prepare(&out).unwrap();
    let styled: Vec<&str> = p
        .project
        .slides
        .iter()
        .flat_map(|s| s.words.iter())
        .filter(|w| w.looks.is_some())
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(styled, ["90%", "data", "augmentation."]);

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "regex:\n").unwrap();
    let out2 = dir.path().join("p2.json");
    let r = gpucast(&[
        "import",
        data.join("whisperx.json").to_str().unwrap(),
        "--audio",
        dir.path().join("a.wav").to_str().unwrap(),
        "--emphasize",
        empty.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("empty.txt") && err.contains("line 1"), "{err}");
    assert!(!out2.exists());
}

#[test]
fn hidden_upcoming_words_leave_no_ink_until_they_are_spoken() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    v["style"]["upcoming"]["hidden"] = true.into();
    let reveal = dir.path().join("reveal.json");
    std::fs::write(&reveal, v.to_string()).unwrap();
    let background = frame(&reveal, 0.1);
    let p = gpucast::prepare(&reveal).unwrap();
    let slots = &p.scene.slides[0].slots;
    // At 1.8 s words 0-3 have started (word 3 from 1.7 s), words 4 on have not.
    let f = frame(&reveal, 1.8);
    let ink = |k: usize| {
        let s = slots[k];
        (s.y as u32..(s.y + s.height) as u32)
            .flat_map(|y| (s.x as u32..(s.x + s.width) as u32).map(move |x| (x, y)))
            .filter(|&(x, y)| f.get_pixel(x, y) != background.get_pixel(x, y))
            .count()
    };
    for k in 0..4 {
        assert!(ink(k) > 50, "word {k} shows");
    }
    for k in 4..words.len() {
        assert_eq!(ink(k), 0, "word {k} before its start");
    }
    // Slots are those of words that are bold in every state: the hidden regular weight takes
    // no room (and makes no synthetic bold).
    v["style"]["upcoming"] = serde_json::json!({"weight": "bold"});
    let bold = dir.path().join("bold.json");
    std::fs::write(&bold, v.to_string()).unwrap();
    assert_eq!(
        gpucast::prepare(&bold).unwrap().scene.slides[0].slots,
        *slots
    );
    let both = project(
        dir.path(),
        "both.json",
        &words,
        Some((2, r#"{"current": {"hidden": true, "scale": 1.3}}"#)),
        "",
    );
    assert_invalid(
        &both,
        "slides[0].words[2].style.current.hidden: a hidden word is neither wiped nor popped",
    );
}

/// A copy of `plain` with `edit` applied to its JSON.
fn edited(
    plain: &std::path::Path,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plain).unwrap()).unwrap();
    edit(&mut v);
    let path = plain.with_file_name(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

/// The projects' background alone (`#101828`), at `f`'s size.
fn flat(f: &image::RgbImage) -> image::RgbImage {
    image::RgbImage::from_pixel(f.width(), f.height(), image::Rgb([0x10, 0x18, 0x28]))
}

/// Rows (y) of `f` with any pixel unlike `bg`.
fn ink_rows(f: &image::RgbImage, bg: &image::RgbImage) -> Vec<u32> {
    (0..f.height())
        .filter(|&y| (0..f.width()).any(|x| f.get_pixel(x, y) != bg.get_pixel(x, y)))
        .collect()
}

#[test]
fn speakers_have_their_colours_and_their_names_above_their_slides() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    // Words 0-4 said by A, 5 on by B, on two slides cut at word 5.
    let split = |v: &mut serde_json::Value| {
        let all = v["slides"][0]["words"].as_array().unwrap().clone();
        let mut a: Vec<serde_json::Value> = all[..5].to_vec();
        let mut b: Vec<serde_json::Value> = all[5..].to_vec();
        for w in &mut a {
            w["speaker"] = "SPEAKER_00".into();
        }
        for w in &mut b {
            w["speaker"] = "SPEAKER_01".into();
        }
        v["slides"] = serde_json::json!([
            {"start": 0, "end": 2.45, "words": a},
            {"start": 2.45, "words": b}
        ]);
    };
    let unstyled = edited(&plain, "unstyled.json", split);
    let styled = edited(&unstyled, "styled.json", |v| {
        v["speakers"] = serde_json::json!({
            "SPEAKER_00": {"name": "Ana", "label": true,
                           "style": {"spoken": {"color": "#40c0ff"}}},
            "SPEAKER_01": {"name": "Benedikt Oyelaran", "label": true,
                           "style": {"spoken": {"color": "#ff8040"}}}
        });
    });
    let p = gpucast::prepare(&styled).unwrap();
    let labels: Vec<Option<&str>> = p
        .project
        .slides
        .iter()
        .map(|s| s.label.as_deref())
        .collect();
    assert_eq!(labels, [Some("Ana"), Some("Benedikt Oyelaran")]);
    // Each speaker's spoken words in their colour: bluish on slide 0, orange on slide 1.
    let tint = |f: &image::RgbImage, slot: gpucast::scene::WordSlot| {
        let (mut r, mut b) = (0u64, 0u64);
        for y in slot.y as u32..(slot.y + slot.height) as u32 {
            for x in slot.x as u32..(slot.x + slot.width) as u32 {
                let px = f.get_pixel(x, y);
                r += px[0] as u64;
                b += px[2] as u64;
            }
        }
        (r, b)
    };
    let f = frame(&styled, 2.4);
    let (r, b) = tint(&f, p.scene.slides[0].slots[1]);
    assert!(b > r + r / 4, "SPEAKER_00's spoken word: r {r} b {b}");
    let f = frame(&styled, 5.0);
    let (r, b) = tint(&f, p.scene.slides[1].slots[1]);
    assert!(r > b + b / 4, "SPEAKER_01's spoken word: r {r} b {b}");
    // The label's ink lies above the first line of words, with a row of no ink between, and a
    // longer name is wider.
    let bg = flat(&frame(&styled, 0.05));
    let q = gpucast::prepare(&unstyled).unwrap();
    for (slide, t) in [(0usize, 1.0), (1, 4.0)] {
        let f = frame(&styled, t);
        let first = p.scene.slides[slide].slots[0];
        let rows = ink_rows(&f, &bg);
        let above: Vec<u32> = rows
            .iter()
            .copied()
            .filter(|&y| (y as f32) < first.y)
            .collect();
        assert!(above.len() > 8, "slide {slide}: label rows {above:?}");
        assert!(
            (*above.last().unwrap() as f32) < first.y - 1.0,
            "slide {slide}: the label runs into the words"
        );
        // Without labels, nothing is above the words (which sit lower, as the group is
        // centred without its label).
        let g = frame(&unstyled, t);
        let top = q.scene.slides[slide].slots[0].y;
        assert!(ink_rows(&g, &bg).iter().all(|&y| y as f32 >= top - 2.0));
    }
    let width = |f: &image::RgbImage, below: f32| {
        let cols: Vec<u32> = (0..f.width())
            .filter(|&x| (0..below as u32).any(|y| f.get_pixel(x, y) != bg.get_pixel(x, y)))
            .collect();
        cols.last().unwrap() - cols.first().unwrap()
    };
    let ana = width(&frame(&styled, 1.0), p.scene.slides[0].slots[0].y);
    let ben = width(&frame(&styled, 4.0), p.scene.slides[1].slots[0].y);
    assert!(ben > 3 * ana, "label widths {ana} and {ben}");

    let unknown = edited(&styled, "unknown.json", |v| {
        v["slides"][1]["words"][2]["speaker"] = "SPEAKER_07".into();
    });
    assert_invalid(
        &unknown,
        "slides[1].words[2].speaker: \"SPEAKER_07\" is not one of the project's speakers (SPEAKER_00, SPEAKER_01)",
    );
}

#[test]
fn a_translation_is_drawn_under_the_words_without_touching_them() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let translated = edited(&plain, "fr.json", |v| {
        v["slides"][0]["translation"] =
            "Le budget pour la fréquence d'images était serré cette année".into();
    });
    let p = gpucast::prepare(&translated).unwrap();
    let slots = &p.scene.slides[0].slots;
    let bottom = slots.iter().map(|s| s.y + s.height).fold(0.0f32, f32::max);
    let bg = flat(&frame(&translated, 0.05));
    // Before any word is spoken, and with every word spoken: the same block.
    for t in [0.3, 5.0] {
        let f = frame(&translated, t);
        let rows = ink_rows(&f, &bg);
        let under: Vec<u32> = rows
            .iter()
            .copied()
            .filter(|&y| y as f32 > bottom)
            .collect();
        assert!(under.len() > 10, "t {t}: translation rows {under:?}");
        // A clear row between the words' ink and the translation's.
        let gap = ((bottom as u32 - 4)..under[0]).any(|y| !rows.contains(&y));
        assert!(gap, "t {t}: no clear row above the translation");
    }
    let (a, b) = (frame(&translated, 0.3), frame(&translated, 5.0));
    let under_a: Vec<_> = (bottom as u32 + 2..a.height())
        .flat_map(|y| (0..a.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| a.get_pixel(x, y) != b.get_pixel(x, y))
        .collect();
    assert!(
        under_a.is_empty(),
        "the translation changed as words were spoken"
    );
    // Above, with `style.translation.position`.
    let above = edited(&translated, "above.json", |v| {
        v["style"]["translation"] = serde_json::json!({"position": "above", "color": "#ff0000"});
    });
    let q = gpucast::prepare(&above).unwrap();
    let top = q.scene.slides[0].slots[0].y;
    let f = frame(&above, 0.3);
    let red_above = (0..top as u32)
        .flat_map(|y| (0..f.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let px = f.get_pixel(x, y);
            px[0] > 150 && px[1] < 80
        })
        .count();
    assert!(red_above > 100, "{red_above} red pixels above the words");
    let bad = edited(&translated, "bad.json", |v| {
        v["style"]["translation"] = serde_json::json!({"position": "beside"});
    });
    assert_invalid(
        &bad,
        "style.translation.position: \"beside\" is not one of above, below",
    );
}

#[test]
fn import_translation_gives_each_slide_the_cues_it_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    write_wav(&dir.path().join("a.wav"), 14.0, &[]);
    let srt = dir.path().join("fr.srt");
    std::fs::write(
        &srt,
        "1\n00:00:00,400 --> 00:00:04,600\nEn 2024, nous avons entraîné un petit réseau\n\n\
         2\n00:00:04,900 --> 00:00:11,900\nIl a appris à distinguer les chats des chiens.\n\n\
         3\n00:01:00,000 --> 00:01:02,000\nHors du temps.\n",
    )
    .unwrap();
    let out = dir.path().join("p.json");
    let run = gpucast(&[
        "import",
        data.join("whisperx.json").to_str().unwrap(),
        "--audio",
        dir.path().join("a.wav").to_str().unwrap(),
        "--translation",
        srt.to_str().unwrap(),
        "--max-words",
        "12",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_ok(&run);
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(summary.contains("1 cue of"), "{summary}");
    let p = gpucast::prepare(&out).unwrap();
    let got: Vec<(String, Option<String>)> = p
        .project
        .slides
        .iter()
        .map(|s| (s.words[0].text.clone(), s.translation.clone()))
        .collect();
    // Each cue lands on the slide it overlaps most; none is lost or repeated.
    let all: Vec<&str> = got.iter().filter_map(|(_, t)| t.as_deref()).collect();
    assert_eq!(
        all.join(" "),
        "En 2024, nous avons entraîné un petit réseau Il a appris à distinguer les chats des chiens.",
        "{got:?}"
    );
    assert!(
        got[0].1.as_deref().unwrap().starts_with("En 2024"),
        "{got:?}"
    );
}

/// Ink in word `k`'s slot (grown by half a line up and down) of a frame at `t`: how much,
/// its mean row, and its rightmost column.
fn word_ink(project: &std::path::Path, k: usize, t: f64) -> (u64, f64, u32) {
    let p = gpucast::prepare(project).unwrap();
    let s = p.scene.slides[0].slots[k];
    let f = frame(project, t);
    let bg = flat(&f);
    let (mut sum, mut rows, mut right) = (0u64, 0f64, 0u32);
    let y0 = (s.y - s.height / 2.0).max(0.0) as u32;
    let y1 = ((s.y + 1.5 * s.height) as u32).min(f.height());
    for y in y0..y1 {
        for x in s.x as u32..(s.x + s.width) as u32 {
            let (a, b) = (f.get_pixel(x, y), bg.get_pixel(x, y));
            let d: u64 = (0..3)
                .map(|c| (a[c] as i64 - b[c] as i64).unsigned_abs())
                .sum();
            if d > 30 {
                sum += d;
                rows += y as f64 * d as f64;
                right = right.max(x);
            }
        }
    }
    (sum, rows / sum.max(1) as f64, right)
}

#[test]
fn entrances_step_to_rest() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    let with = |name: &str, enter: &str| {
        edited(&plain, name, |v| {
            v["style"]["current"]["enter"] = enter.into();
            v["style"]["current"]["enter_ms"] = 320.into();
            // Upcoming words hidden, so a word's slot shows only its entrance.
            v["style"]["upcoming"]["hidden"] = true.into();
        })
    };
    // Word 3 is current from 1.7 s to 2.05 s; at 25 fps its entrance takes frames 43 to 50.
    let times: Vec<f64> = (0..8).map(|j| 1.7 + j as f64 / 25.0 + 0.001).collect();
    let rest = |p: &std::path::Path| word_ink(p, 3, 2.02);

    let rise = with("rise.json", "rise");
    let steps: Vec<(u64, f64, u32)> = times.iter().map(|&t| word_ink(&rise, 3, t)).collect();
    let (ink_end, row_end, _) = rest(&rise);
    let seen: Vec<&(u64, f64, u32)> = steps.iter().filter(|s| s.0 > 0).collect();
    assert!(seen.len() >= 4, "{steps:?}");
    // Rising: from below its place, up to it; fading in: more ink each step.
    for w in seen.windows(2) {
        assert!(w[1].1 <= w[0].1 + 0.5, "rows {steps:?}");
        assert!(w[1].0 + w[1].0 / 50 >= w[0].0, "ink {steps:?}");
    }
    assert!(
        seen[0].1 > row_end + 3.0,
        "first step not below: {steps:?} rest {row_end}"
    );
    assert!((seen.last().unwrap().1 - row_end).abs() < 3.0);
    assert!(seen[0].0 < ink_end / 2, "first step not faint");

    let typed = with("typed.json", "typewriter");
    let rights: Vec<u32> = times
        .iter()
        .map(|&t| word_ink(&typed, 3, t))
        .filter(|s| s.0 > 0)
        .map(|s| s.2)
        .collect();
    let (_, _, right_end) = rest(&typed);
    assert!(rights.len() >= 4, "{rights:?}");
    assert!(rights.windows(2).all(|w| w[1] >= w[0]), "{rights:?}");
    assert!(rights[0] + 8 < right_end, "{rights:?} rest {right_end}");

    let bounce = with("bounce.json", "bounce");
    let inks: Vec<u64> = times.iter().map(|&t| word_ink(&bounce, 3, t).0).collect();
    let (ink_rest, ..) = rest(&bounce);
    // From smaller than at rest, past it, back.
    let first = inks.iter().copied().find(|&i| i > 0).unwrap();
    assert!(first < ink_rest * 3 / 4, "{inks:?} rest {ink_rest}");
    assert!(
        inks.iter().any(|&i| i > ink_rest),
        "no overshoot: {inks:?} rest {ink_rest}"
    );

    let bad = edited(&plain, "bad.json", |v| {
        v["style"]["current"]["enter"] = "spin".into();
        v["style"]["spoken"]["enter"] = "fade".into();
    });
    assert_invalid(
        &bad,
        "style.current.enter: \"spin\" is not one of fade, rise, drop, bounce, typewriter",
    );
    assert_invalid(&bad, "style.spoken.enter: only the current word comes in");
    let both = edited(&plain, "both.json", |v| {
        v["style"]["current"]["enter"] = "fade".into();
        v["style"]["current"]["wipe"] = true.into();
    });
    assert_invalid(
        &both,
        "style.current.enter: a word that comes in is neither wiped",
    );
}

#[test]
fn named_looks_by_name_file_or_flag() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<&str> = TEXT.split(' ').collect();
    let plain = project(dir.path(), "plain.json", &words, None, "");
    // The project's own style goes over the look: take it out, so the look shows.
    let bare = edited(&plain, "bare.json", |v| {
        v.as_object_mut().unwrap().remove("style");
    });
    let hormozi = edited(&bare, "hormozi.json", |v| v["look"] = "hormozi".into());
    let p = gpucast::prepare(&hormozi).unwrap();
    let style = &p.project.slides[0].style;
    assert!(style.uppercase && style.looks[1].scale > 1.0);
    assert!(style.looks.iter().all(|l| l.outline.is_some() && l.bold));
    // A look file, relative to the project; the project's own fields over it.
    std::fs::write(
        dir.path().join("ours.json"),
        r##"{"style": {"current": {"color": "#00ff00", "enter": "fade"}}}"##,
    )
    .unwrap();
    let ours = edited(&plain, "ours-project.json", |v| {
        v["look"] = "ours.json".into();
    });
    let p = gpucast::prepare(&ours).unwrap();
    let current = p.project.slides[0].style.looks[1];
    // The project sets current's colour and weight; the look its entrance.
    assert_eq!(current.color, [0xff, 0xd5, 0x4a, 0xff]);
    assert!(current.enter.is_some());
    let wrong = edited(&bare, "wrong.json", |v| v["look"] = "mrbeast".into());
    assert_invalid(
        &wrong,
        "look: \"mrbeast\" is not a look: give one of hormozi, marker, one-word, typewriter, bounce, neon, classic, reveal",
    );
    // `--look` on render over a project: the same frames as the look in the file.
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    assert_ok(&gpucast(&[
        "frame",
        bare.to_str().unwrap(),
        "--look",
        "neon",
        "--at",
        "1.8",
        "-o",
        a.to_str().unwrap(),
    ]));
    let neon = edited(&bare, "neon.json", |v| v["look"] = "neon".into());
    assert_ok(&gpucast(&[
        "frame",
        neon.to_str().unwrap(),
        "--at",
        "1.8",
        "-o",
        b.to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    // `import --look`: the look named in the project and its style written out; emphasised
    // words take the look's keyword look.
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    write_wav(&dir.path().join("a.wav"), 14.0, &[]);
    let list = dir.path().join("k.txt");
    std::fs::write(&list, "images\n").unwrap();
    let out = dir.path().join("imported.json");
    assert_ok(&gpucast(&[
        "import",
        data.join("whisperx.json").to_str().unwrap(),
        "--audio",
        dir.path().join("a.wav").to_str().unwrap(),
        "--look",
        "hormozi",
        "--emphasize",
        list.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["look"], "hormozi");
    assert_eq!(v["style"]["uppercase"], true);
    assert!(v["emphasis"][0].get("style").is_none(), "{}", v["emphasis"]);
    let p = gpucast::prepare(&out).unwrap();
    let keyword = p
        .project
        .slides
        .iter()
        .flat_map(|s| &s.words)
        .find(|w| w.text == "images.")
        .unwrap();
    assert_eq!(keyword.looks.unwrap()[2].color, [0x39, 0xff, 0x6a, 0xff]);
}
