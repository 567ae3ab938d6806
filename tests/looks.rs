//! How words look on rendered frames: even spacing in every state, and no word moving when
//! another changes look. Measured on the pixels, not on layout numbers.

mod common;

use common::*;

/// The bundled demo's first slide in its own look (72 px DejaVu, regular → bold), with the
/// first word late enough that a frame shows every word upcoming, on a flat background.
fn demo_like(extra_style: &str) -> (tempfile::TempDir, std::path::PathBuf, f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let text = "Welcome to gpucast. It turns narration, slide text and word timings into a \
                video. Each word lights up exactly when it is spoken.";
    let mut words = Vec::new();
    let mut t = 1.0;
    for w in text.split_whitespace() {
        words.push(format!(
            r#"{{"text": "{w}", "start": {t:.2}, "end": {:.2}}}"#,
            t + 0.3
        ));
        t += 0.35;
    }
    let json = format!(
        r##"{{"video": {{"width": 1920, "height": 1080, "fps": 30}},
  "audio": "narration.wav",
  "background": {{"color": "#101828"}},
  "style": {{"font_size": 72, "line_height": 1.3, "margin": 200, "fade": 0,
    "upcoming": {{"weight": "regular", "color": "#b8c2d6"}},
    "current": {{"weight": "bold", "color": "#ffd54a"}},
    "spoken": {{"weight": "bold", "color": "#ffffff"}} {extra_style}}},
  "slides": [{{"start": 0, "words": [{}]}}]}}"##,
        words.join(", ")
    );
    let project = dir.path().join("project.json");
    std::fs::write(&project, json).unwrap();
    write_wav(&dir.path().join("narration.wav"), t + 1.0, &[]);
    (dir, project, 0.5, t + 0.5)
}

/// The gaps between words on each line of slide `slide`, with every word upcoming and with every
/// word spoken, measured on drawn frames: ink is where a frame differs from the background-only
/// frame; in each line's rows the columns with ink form runs, and a line of n words has its
/// n - 1 widest gaps between words. Lines of fewer than three words are left out.
fn gaps_in_states(p: &gpucast::Prepared, slide: usize) -> Vec<(Vec<u32>, Vec<u32>)> {
    use gpucast::timeline::{FrameKey, WordState};
    let slots = &p.scene.slides[slide].slots;
    let blank = gpucast::render::render_one(
        gpucast::render::Backend::Cpu,
        p.scene.clone(),
        &Default::default(),
        &FrameKey::Blank {
            backdrop: gpucast::timeline::Backdrop::only(0),
            layers: Vec::new(),
        },
    )
    .unwrap()
    .to_rgb();
    let lines = slots.iter().map(|s| s.line).max().map_or(0, |l| l + 1);
    let gaps = |img: &image::RgbImage| -> Vec<Vec<u32>> {
        let ink = |x: u32, y: u32| {
            let (a, b) = (img.get_pixel(x, y).0, blank.get_pixel(x, y).0);
            (0..3).any(|c| a[c].abs_diff(b[c]) > 40)
        };
        (0..lines)
            .map(|l| {
                let on: Vec<_> = slots.iter().filter(|s| s.line == l).collect();
                // Chinese and Japanese are closed up: their word gaps are the gaps between
                // characters, checked against unbroken text in their own test.
                let texts: Vec<&str> = slots
                    .iter()
                    .zip(&p.project.slides[slide].words)
                    .filter(|(s, _)| s.line == l)
                    .map(|(_, w)| w.text.as_str())
                    .collect();
                let closed = texts.windows(2).any(|w| {
                    gpucast::segment::Join::between(w[0], w[1]) != gpucast::segment::Join::Space
                });
                // An emoji's picture leaves margins of its own inside its advance, as it does
                // in any text; its colours and place are checked in their own test.
                let emoji = texts.iter().any(|t| {
                    t.chars()
                        .any(|c| matches!(c as u32, 0x2600..=0x27BF | 0x1F000..=0x1FAFF))
                });
                if closed || emoji {
                    return Vec::new();
                }
                // The line box below its top tenth, where the previous line's descenders (with
                // an outline) may reach; Devanagari's headline lies just under it.
                let (top, h) = (on[0].y, on[0].height);
                let y0 = (top + 0.1 * h).max(0.0) as u32;
                let y1 = ((top + 0.85 * h) as u32).min(img.height());
                let cols: Vec<bool> = (0..img.width())
                    .map(|x| (y0..y1).any(|y| ink(x, y)))
                    .collect();
                let (Some(first), Some(last)) =
                    (cols.iter().position(|&c| c), cols.iter().rposition(|&c| c))
                else {
                    return Vec::new();
                };
                let mut gaps = Vec::new();
                let mut run = 0;
                for &c in &cols[first..=last] {
                    if c {
                        if run > 0 {
                            gaps.push(run);
                        }
                        run = 0;
                    } else {
                        run += 1;
                    }
                }
                gaps.sort_unstable();
                let n = on.len().saturating_sub(1);
                if on.len() < 3 || gaps.len() < n {
                    return Vec::new();
                }
                gaps.split_off(gaps.len() - n)
            })
            .collect()
    };
    let regular = gaps(&all_in_state(p, slide, WordState::Upcoming));
    let bold = gaps(&all_in_state(p, slide, WordState::Spoken));
    regular
        .into_iter()
        .zip(bold)
        .filter(|(r, b)| !r.is_empty() && !b.is_empty())
        .collect()
}

/// Issue 9's spacing rule on one slide's lines: the widest word gap at most 1.5 times the
/// narrowest in each state, and the mean gaps of the two states within 20% of each other.
fn assert_even(what: &str, lines: &[(Vec<u32>, Vec<u32>)]) {
    let mean = |g: &[u32]| g.iter().sum::<u32>() as f64 / g.len() as f64;
    for (line, (r, b)) in lines.iter().enumerate() {
        eprintln!("{what} line {line}: upcoming {r:?}, spoken {b:?}");
        for (state, gaps) in [("upcoming", r), ("spoken", b)] {
            let (min, max) = (gaps[0], *gaps.last().unwrap());
            assert!(
                max as f64 <= 1.5 * min.max(1) as f64,
                "{what} line {line} {state}: gaps {gaps:?} (widest over 1.5x the narrowest)"
            );
        }
        let (mr, mb) = (mean(r), mean(b));
        assert!(
            (mr - mb).abs() <= 0.2 * mr.max(mb),
            "{what} line {line}: mean gap {mr:.1} px upcoming, {mb:.1} px spoken"
        );
    }
}

/// The frame shown at `t`, drawn on the CPU.
fn cpu_frame(project: &std::path::Path, t: f64) -> image::RgbImage {
    gpucast::render_frame(
        &project.into(),
        t,
        gpucast::render::Backend::Cpu,
        &Default::default(),
        &Default::default(),
    )
    .unwrap()
}

/// Issue 9's rule, on the pixels of the demo's look (72 px, regular upcoming, bold spoken).
#[test]
fn word_gaps_are_even_in_every_state() {
    let (_dir, project, _, _) = demo_like("");
    let p = gpucast::prepare(&project).unwrap();
    let lines = gaps_in_states(&p, 0);
    assert!(lines.len() >= 2, "{lines:?}");
    assert_even("demo", &lines);
}

/// The gallery's projects (`assets/styles/*.json`).
fn gallery() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/styles");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}

/// The same rule on every slide of every gallery project (`assets/styles/`).
#[test]
fn the_gallery_keeps_word_gaps_even() {
    let mut checked = 0;
    for path in gallery() {
        let p = gpucast::prepare(&path).unwrap();
        for slide in 0..p.scene.slides.len() {
            // Capitals' own side bearings (the bar of a T, the diagonals of W and A) make the
            // ink between words vary more than lower case does, however even the slots are
            // (`tests/word_looks.rs` checks capitals are laid out as if written so).
            if p.project.slides[slide].style.uppercase {
                continue;
            }
            let lines = gaps_in_states(&p, slide);
            checked += lines.len();
            let name = path.file_name().unwrap().to_string_lossy();
            assert_even(&format!("{name} slide {slide}"), &lines);
        }
    }
    assert!(checked >= 10, "{checked} lines checked");
}

/// A word changing look moves nothing else: between the frame before word k starts (the words
/// before it spoken, with a pause before it) and the frame while it is spoken, every other
/// word's slot has identical pixels (inset by the few pixels a thickened neighbour grows by).
#[test]
fn a_word_changing_look_moves_no_other_word() {
    let (_dir, project, _, _) = demo_like("");
    let p = gpucast::prepare(&project).unwrap();
    let slots = p.scene.slides[0].slots.clone();
    let starts: Vec<f64> = p.project.slides[0].words.iter().map(|w| w.start).collect();
    let frame = |t: f64| cpu_frame(&project, t);
    for k in [1, 5, 9] {
        let before = frame(starts[k] - 0.02);
        let during = frame(starts[k] + 0.02);
        for (j, s) in slots.iter().enumerate() {
            let changed = j == k;
            // Shrunk by the growth of a thickened neighbour.
            let (x0, x1) = (s.x as u32 + 4, (s.x + s.width) as u32 - 4);
            let (y0, y1) = (s.y as u32, (s.y + s.height) as u32);
            let same = (y0..y1)
                .all(|y| (x0..x1).all(|x| before.get_pixel(x, y) == during.get_pixel(x, y)));
            assert_eq!(
                same,
                !changed,
                "word {j} {} when word {k} started",
                if same { "stayed" } else { "changed" }
            );
        }
    }
}

/// `gpucast sheet`: a grid of thumbnails with time codes, as many as asked, each a different
/// frame; bad options are errors.
#[test]
fn the_contact_sheet_shows_distinct_frames_with_labels() {
    let fx = fixture(320, 180, 6.0, "");
    let sheet = fx.dir.path().join("sheet.png");
    let project = fx.project.to_str().unwrap();
    let out = gpucast(&[
        "sheet",
        project,
        "-o",
        sheet.to_str().unwrap(),
        "--limit",
        "6",
        "--columns",
        "3",
        "--width",
        "160",
        "--backend",
        "cpu",
    ]);
    assert_ok(&out);
    let img = image::open(&sheet).unwrap().to_rgb8();
    // 8 px gaps; 160 x 90 thumbnails, each with a label of two 20 px lines (so narrow that one
    // line would run into the next label) under it.
    assert_eq!(img.dimensions(), (8 + 3 * 168, 8 + 2 * (90 + 46 + 8)));
    let thumb = |i: u32| {
        let (x, y) = (8 + (i % 3) * 168, 8 + (i / 3) * 144);
        image::imageops::crop_imm(&img, x, y, 160, 90).to_image()
    };
    for i in 0..6 {
        for j in 0..i {
            assert_ne!(
                thumb(i),
                thumb(j),
                "thumbnails {i} and {j} are the same frame"
            );
        }
        for line in 0..2 {
            let (x, y) = (8 + (i % 3) * 168, 8 + (i / 3) * 144 + 90 + line * 20);
            let label = image::imageops::crop_imm(&img, x, y, 160, 20).to_image();
            assert!(
                label.pixels().any(|p| p.0[0] > 150),
                "thumbnail {i} has label line {line}"
            );
        }
        // Nothing drawn in the gap between two labels.
        if i % 3 != 2 {
            let (x, y) = (8 + (i % 3) * 168 + 160, 8 + (i / 3) * 144 + 90);
            let gap = image::imageops::crop_imm(&img, x + 1, y, 6, 46).to_image();
            assert!(
                gap.pixels().all(|p| p.0[0] < 100),
                "label {i} runs into the next"
            );
        }
    }
    let out = gpucast(&[
        "sheet",
        project,
        "-o",
        sheet.to_str().unwrap(),
        "--columns",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--columns must be at least 1"));
}

/// `"wipe": true` on the current look fills the spoken word left to right in proportion to the
/// time spoken: at 30% through a 2-second word, its ink left of 30% of its slot is in the
/// current colour and right of it in the upcoming colour; every frame of the word is distinct.
#[test]
fn a_wiped_word_fills_in_proportion_to_the_time_spoken() {
    let dir = tempfile::tempdir().unwrap();
    let json = r##"{"video": {"width": 640, "height": 360, "fps": 30}, "audio": "a.wav",
        "background": {"color": "#000000"},
        "style": {"font_size": 80, "fade": 0,
          "upcoming": {"weight": "regular", "color": "#0000ff"},
          "current": {"weight": "regular", "color": "#ff0000", "wipe": true},
          "spoken": {"weight": "regular", "color": "#ffffff"}},
        "slides": [{"start": 0, "words": [{"text": "MMMMMM", "start": 1, "end": 3}]}]}"##;
    let project = dir.path().join("p.json");
    std::fs::write(&project, json).unwrap();
    write_wav(&dir.path().join("a.wav"), 4.0, &[]);
    let p = gpucast::prepare(&project).unwrap();
    let slot = p.scene.slides[0].slots[0];
    // 60 frames of the word, each a different fill.
    let wiping = p
        .timeline
        .runs
        .iter()
        .filter(|r| {
            matches!(
                &r.key,
                gpucast::timeline::FrameKey::Slide { wipe: Some(_), .. }
            )
        })
        .count();
    assert_eq!(wiping, 60);
    let img = cpu_frame(&project, 1.6);
    let split = slot.x + 0.3 * slot.width;
    let (mut red_left, mut blue_left, mut red_right, mut blue_right) = (0, 0, 0, 0);
    for (x, _, px) in img.enumerate_pixels() {
        let [r, _, b] = px.0;
        // Chroma is shared by 2 x 2 pixels: the column beside the split may mix both.
        let left = (x as f32) < split - 2.5;
        let right = (x as f32) > split + 2.5;
        if r > 128 {
            red_left += left as u32;
            red_right += right as u32;
        }
        if b > 128 {
            blue_left += left as u32;
            blue_right += right as u32;
        }
    }
    assert!(
        red_left > 200 && blue_right > 200,
        "{red_left} {blue_right}"
    );
    assert_eq!((red_right, blue_left), (0, 0), "the split is sharp");
}

/// The spacing rule on right-to-left and mixed lines: an Arabic slide, and an Arabic slide with
/// Latin words and a number inside (both in the bundled DejaVu Sans, regular → synthetic bold).
#[test]
fn arabic_devanagari_and_mixed_lines_keep_word_gaps_even() {
    let dir = tempfile::tempdir().unwrap();
    let words = |text: &str, from: f64| -> String {
        let list: Vec<String> = text
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| {
                let t = from + 0.3 * i as f64;
                format!(
                    r#"{{"text": "{w}", "start": {t:.2}, "end": {:.2}}}"#,
                    t + 0.25
                )
            })
            .collect();
        list.join(", ")
    };
    let json = format!(
        r##"{{"video": {{"width": 1280, "height": 720}}, "audio": "a.wav",
        "background": {{"color": "#101828"}},
        "style": {{"font_size": 56, "margin": 80, "fade": 0}},
        "slides": [
          {{"start": 0, "end": 5, "words": [{}]}},
          {{"start": 5, "end": 10, "words": [{}]}},
          {{"start": 10, "words": [{}]}}]}}"##,
        words(
            "يتعلم النموذج من الأمثلة ثم يقيس مدى تعميمه على بيانات جديدة",
            0.5
        ),
        words(
            "قال الباحث إن neural networks تعلمت في عام 2024 أسرع من قبل",
            5.5
        ),
        words(
            "मॉडल उदाहरणों से सीखता है और फिर नए डेटा पर अपनी समझ को परखता है",
            10.5
        )
    );
    let project = dir.path().join("p.json");
    std::fs::write(&project, json).unwrap();
    write_wav(&dir.path().join("a.wav"), 15.0, &[]);
    let p = gpucast::prepare(&project).unwrap();
    assert!(
        p.scene.missing_glyphs.is_empty(),
        "{:?}",
        p.scene.missing_glyphs
    );
    for slide in 0..3 {
        let lines = gaps_in_states(&p, slide);
        assert!(!lines.is_empty(), "slide {slide} has lines to measure");
        assert_even(&format!("slide {slide}"), &lines);
    }
}

/// The pop (`current.scale`, `style.pop_ms`): the current word grows about its centre, one
/// distinct frame per step of its growth, and nothing else changes: against the same project
/// without the pop, every pixel away from the grown word is identical, frame for frame, and
/// the word's ink is `scale` times as wide about the same middle.
#[test]
fn a_popping_word_grows_about_its_centre_and_moves_no_other_word() {
    let (_dir, plain, _, _) = demo_like("");
    let popping = plain.with_file_name("pop.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    json["style"]["current"]["scale"] = 1.3.into();
    json["style"]["pop_ms"] = 200.into();
    std::fs::write(&popping, json.to_string()).unwrap();
    let (a, b) = (
        gpucast::prepare(&plain).unwrap(),
        gpucast::prepare(&popping).unwrap(),
    );
    let slots = &a.scene.slides[0].slots;
    assert_eq!(slots, &b.scene.slides[0].slots, "the same layout");
    for k in [2usize, 6] {
        let word = &a.project.slides[0].words[k];
        let s = slots[k];
        // Fully grown, still current.
        let t = word.start + 0.25;
        let (fa, fb) = (cpu_frame(&plain, t), cpu_frame(&popping, t));
        let (cx, w) = (s.x + s.width / 2.0, s.width);
        let inside = |x: u32, y: u32| {
            let (x, y) = (x as f32, y as f32);
            (x - cx).abs() <= 0.65 * w + 10.0
                && y >= s.y - 0.3 * s.height - 10.0
                && y <= s.y + 1.3 * s.height + 10.0
        };
        let mut differ = 0;
        for (x, y, p) in fb.enumerate_pixels() {
            if p != fa.get_pixel(x, y) {
                assert!(
                    inside(x, y),
                    "word {k}: pixel ({x}, {y}) changed away from the popped word"
                );
                differ += 1;
            }
        }
        assert!(differ > 500, "word {k}: only {differ} pixels differ");
        // The ink's columns on the word's rows, in each frame.
        let ink = |f: &image::RgbImage| {
            let cols: Vec<u32> = (0..f.width())
                .filter(|&x| (x as f32 - cx).abs() <= 0.65 * w + 10.0)
                .filter(|&x| {
                    (s.y as u32..(s.y + s.height) as u32).any(|y| {
                        let p = f.get_pixel(x, y).0;
                        p[0] > 0xc0 && p[2] < 0x90 // the current word's yellow
                    })
                })
                .collect();
            (*cols.first().unwrap() as f32, *cols.last().unwrap() as f32)
        };
        let ((a0, a1), (b0, b1)) = (ink(&fa), ink(&fb));
        let ratio = (b1 - b0) / (a1 - a0);
        assert!(
            (1.2..1.4).contains(&ratio),
            "word {k}: {ratio:.3} times as wide"
        );
        assert!(
            ((a0 + a1) / 2.0 - (b0 + b1) / 2.0).abs() <= 3.0,
            "word {k}: the same middle"
        );
    }
    // The growth is its own frames: steps rising while the word pops, then the word at rest.
    use gpucast::timeline::FrameKey;
    let pops: Vec<(u64, Option<u32>)> = b
        .timeline
        .runs
        .iter()
        .filter_map(|r| match &r.key {
            FrameKey::Slide { pop, .. } => Some((r.start_frame, pop.map(|p| p.step))),
            _ => None,
        })
        .collect();
    let first = (b.project.slides[0].words[2].start * 30.0).ceil() as u64;
    let during: Vec<Option<u32>> = pops
        .iter()
        .filter(|(f, _)| (first..first + 7).contains(f))
        .map(|(_, s)| *s)
        .collect();
    assert_eq!(during.first(), Some(&Some(0)), "{during:?}");
    assert_eq!(during.last(), Some(&None), "{during:?}");
    let steps: Vec<u32> = during.iter().flatten().copied().collect();
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]) && steps.len() >= 4,
        "{during:?}"
    );
    assert!(b.timeline.runs.len() > a.timeline.runs.len());
    for pair in b.timeline.runs.windows(2) {
        assert_ne!(pair[0].key, pair[1].key);
    }
}

/// A gliding box (`current.box.glide_ms`): while a word starts, its box slides from the word
/// before (on the same line) to it, one distinct frame per step; only the box's path between the
/// two words changes against the same project without the glide, and once there the frames are
/// identical.
#[test]
fn a_gliding_box_slides_from_the_word_before_and_settles() {
    let (_dir, plain, _, _) = demo_like("");
    let write = |name: &str, glide: Option<f64>| {
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
        json["style"]["current"]["box"] = serde_json::json!({"color": "#2060c0", "radius": 10});
        if let Some(ms) = glide {
            json["style"]["current"]["box"]["glide_ms"] = ms.into();
        }
        let path = plain.with_file_name(name);
        std::fs::write(&path, json.to_string()).unwrap();
        path
    };
    let (still, gliding) = (write("still.json", None), write("glide.json", Some(200.0)));
    let p = gpucast::prepare(&gliding).unwrap();
    let slots = &p.scene.slides[0].slots;
    let words = &p.project.slides[0].words;
    let k = (1..slots.len())
        .find(|&k| slots[k].line == slots[k - 1].line && k > 2)
        .unwrap();
    let (a, b) = (slots[k - 1], slots[k]);
    let box_blue = |px: &image::Rgb<u8>| px.0[2] > 0xa0 && px.0[0] < 0x50;
    // Mid-glide: the box is between the two words, and nothing changed elsewhere.
    let mid = words[k].start + 0.05;
    let (fs, fg) = (cpu_frame(&still, mid), cpu_frame(&gliding, mid));
    let (x_lo, x_hi) = (a.x - 40.0, b.x + b.width + 40.0);
    let (y_lo, y_hi) = (b.y - 20.0, b.y + b.height + 20.0);
    let mut differ = 0;
    for (x, y, px) in fg.enumerate_pixels() {
        if px != fs.get_pixel(x, y) {
            let (xf, yf) = (x as f32, y as f32);
            assert!(
                xf >= x_lo && xf <= x_hi && yf >= y_lo && yf <= y_hi,
                "pixel ({x}, {y}) changed away from the two words"
            );
            differ += 1;
        }
    }
    assert!(differ > 200, "{differ} pixels differ mid-glide");
    // The box's blue on the box's middle row: its left edge between the two words' left edges.
    let row = (b.y + b.height * 0.5) as u32;
    let left = (0..fg.width())
        .find(|&x| box_blue(fg.get_pixel(x, row)))
        .unwrap() as f32;
    assert!(
        left > a.x - 30.0 && left < b.x - 5.0,
        "box's left edge at {left}, words at {} and {}",
        a.x,
        b.x
    );
    // Settled: the same frame as without the glide.
    let rest = words[k].start + 0.25;
    assert!(cpu_frame(&still, rest) == cpu_frame(&gliding, rest));
    // The glide's frames are distinct and each key is drawn once.
    let s = gpucast::prepare(&still).unwrap();
    assert!(p.timeline.runs.len() > s.timeline.runs.len());
    for pair in p.timeline.runs.windows(2) {
        assert_ne!(pair[0].key, pair[1].key);
    }
}

/// A project of one slide per text, each word timed in turn from 1 s (0.35 s apart), in the
/// demo's look at `size` px on 1280 x 720; `split` cuts each text into words.
fn texts_project(
    texts: &[&str],
    split: &dyn Fn(&str) -> Vec<String>,
    size: u32,
    extra_style: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut slides = Vec::new();
    let mut t = 0.0;
    for text in texts {
        let start = t;
        let mut words = Vec::new();
        t += 1.0;
        for w in split(text) {
            words.push(serde_json::json!({"text": w, "start": t, "end": t + 0.3}));
            t += 0.35;
        }
        t += 0.5;
        slides.push(serde_json::json!({"start": start, "end": t, "words": words}));
    }
    let style: serde_json::Value = serde_json::from_str(&format!(
        r##"{{"font_size": {size}, "line_height": 1.3, "margin": 60, "fade": 0,
            "upcoming": {{"weight": "regular", "color": "#b8c2d6"}},
            "current": {{"weight": "bold", "color": "#ffd54a"}},
            "spoken": {{"weight": "bold", "color": "#ffffff"}} {extra_style}}}"##
    ))
    .unwrap();
    let json = serde_json::json!({
        "video": {"width": 1280, "height": 720, "fps": 30},
        "audio": "a.wav",
        "background": {"color": "#101828"},
        "style": style,
        "slides": slides,
    });
    let project = dir.path().join("p.json");
    std::fs::write(&project, json.to_string()).unwrap();
    write_wav(&dir.path().join("a.wav"), t + 1.0, &[]);
    (dir, project)
}

/// Slide `slide` drawn with every word in `state`, on the CPU.
fn all_in_state(
    p: &gpucast::Prepared,
    slide: usize,
    state: gpucast::timeline::WordState,
) -> image::RgbImage {
    use gpucast::timeline::{Backdrop, FrameKey};
    let key = FrameKey::Slide {
        backdrop: Backdrop::only(0),
        layers: Vec::new(),
        slide,
        fade: 255,
        states: vec![state; p.scene.slides[slide].slots.len()],
        wipe: None,
        pop: None,
        glide: None,
    };
    gpucast::render::render_one(
        gpucast::render::Backend::Cpu,
        p.scene.clone(),
        &Default::default(),
        &key,
    )
    .unwrap()
    .to_rgb()
}

/// The columns of each ink run (differing from the background by more than 40) on rows
/// `y0..y1`: `(first, end)` pairs, left to right.
fn ink_runs(img: &image::RgbImage, y0: u32, y1: u32) -> Vec<(u32, u32)> {
    let bg = [0x10u8, 0x18, 0x28];
    let ink = |x: u32| {
        (y0..y1).any(|y| {
            let p = img.get_pixel(x, y).0;
            (0..3).any(|c| p[c].abs_diff(bg[c]) > 40)
        })
    };
    let mut runs = Vec::new();
    let mut start = None;
    for x in 0..=img.width() {
        match (x < img.width() && ink(x), start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                runs.push((s, x));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Chinese and Japanese cut into words are set as the unbroken text is: closed up on the
/// font's own advances, every character where it would stand with no words at all, so that a
/// word boundary looks like any other between characters. In the regular and in the bold
/// look.
#[test]
fn chinese_and_japanese_words_are_closed_up_like_unbroken_text() {
    let texts = ["我们今天学习机器学习。", "「こんにちは」と言いました。"];
    let segmented = |t: &str| gpucast::segment::words(t);
    let whole = |t: &str| vec![t.to_string()];
    let (_a, words) = texts_project(&texts, &segmented, 64, "");
    let (_b, unbroken) = texts_project(&texts, &whole, 64, "");
    let (pw, pu) = (
        gpucast::prepare(&words).unwrap(),
        gpucast::prepare(&unbroken).unwrap(),
    );
    assert!(
        pw.scene.missing_glyphs.is_empty() && pw.scene.warnings.is_empty(),
        "{:?}",
        pw.scene.warnings
    );
    use gpucast::timeline::WordState::{Spoken, Upcoming};
    for slide in 0..texts.len() {
        let n = pw.scene.slides[slide].slots.len();
        assert!(n >= 4, "slide {slide}: {n} words");
        let s = pw.scene.slides[slide].slots[0];
        let (y0, y1) = (s.y as u32, (s.y + s.height) as u32);
        for state in [Upcoming, Spoken] {
            let a = ink_runs(&all_in_state(&pw, slide, state), y0, y1);
            let b = ink_runs(&all_in_state(&pu, slide, state), y0, y1);
            assert_eq!(a.len(), b.len(), "slide {slide} {state:?}: {a:?} vs {b:?}");
            for (ra, rb) in a.iter().zip(&b) {
                assert!(
                    ra.0.abs_diff(rb.0) <= 1 && ra.1.abs_diff(rb.1) <= 1,
                    "slide {slide} {state:?}: ink {ra:?} as words, {rb:?} unbroken"
                );
            }
            // For the record: the gaps are the font's, between characters, word boundary or
            // not; emboldened, characters come closer as a bold CJK face's do.
            let gaps: Vec<u32> = a.windows(2).map(|w| w[1].0 - w[0].1).collect();
            eprintln!("slide {slide} {state:?}: character gaps {gaps:?}");
        }
    }
}

/// A word changing look moves no other word, in every script: Chinese closed up, Arabic with
/// Latin and a number (right to left), Devanagari, and a line with colour emoji (each slot
/// inset by the pixels a thickened neighbour grows into it). Only the word that started
/// changes, unless it is an emoji, which this look (colour and weight) leaves as it is.
#[test]
fn a_word_changing_look_moves_no_other_word_in_any_script() {
    let texts = [
        "我们今天学习机器学习，然后用显卡渲染视频。",
        "قال الباحث إن neural networks تعلمت في عام 2024",
        "मॉडल उदाहरणों से सीखता है और फिर परखता है",
        "Launch day 🚀 party 🎉 thumbs 👍🏽 done",
    ];
    let (_dir, project) = texts_project(&texts, &|t| gpucast::segment::words(t), 56, "");
    let p = gpucast::prepare(&project).unwrap();
    assert!(p.scene.missing_glyphs.is_empty());
    for (slide, text) in texts.iter().enumerate() {
        let slots = p.scene.slides[slide].slots.clone();
        let starts: Vec<f64> = p.project.slides[slide]
            .words
            .iter()
            .map(|w| w.start)
            .collect();
        assert!(slots.len() >= 6, "{text}: {slots:?}");
        for k in [1, 3, slots.len() - 2] {
            let before = cpu_frame(&project, starts[k] - 0.02);
            let during = cpu_frame(&project, starts[k] + 0.02);
            for (j, s) in slots.iter().enumerate() {
                let (x0, x1) = (s.x as u32 + 3, (s.x + s.width) as u32 - 3);
                let (y0, y1) = (s.y as u32, (s.y + s.height) as u32);
                let same = (y0..y1)
                    .all(|y| (x0..x1).all(|x| before.get_pixel(x, y) == during.get_pixel(x, y)));
                // An emoji keeps its own colours: in a look that only recolours and thickens,
                // it shows no change of its own (a pop, box or outline would).
                let word = &p.project.slides[slide].words[j].text;
                let emoji = word.chars().any(|c| c as u32 >= 0x1F000);
                assert_eq!(
                    same,
                    j != k || emoji,
                    "{text}: word {j} when word {k} started"
                );
            }
        }
    }
}

/// Chinese, Japanese and emoji end to end: a lossless render decoded by FFmpeg changes frame
/// exactly where the timeline's runs start (each dictionary word lighting up on its own).
#[test]
fn cjk_and_emoji_videos_change_exactly_on_their_words() {
    let dir = tempfile::tempdir().unwrap();
    let json = r##"{"video": {"width": 320, "height": 180, "fps": 30}, "audio": "a.wav",
        "background": {"color": "#101828"},
        "style": {"font_size": 20, "margin": 12, "fade": 0.2,
                  "current": {"weight": "bold", "color": "#ffd54a", "scale": 1.2}},
        "slides": [{"start": 0, "end": 2, "text": "我们今天学习机器学习。🎉"},
                   {"start": 2, "text": "「こんにちは」と言いました 🚀"}]}"##;
    let project = dir.path().join("p.json");
    std::fs::write(&project, json).unwrap();
    write_wav(&dir.path().join("a.wav"), 4.0, &[]);
    let p = gpucast::prepare(&project).unwrap();
    assert!(p.project.slides[0].words.len() >= 5, "segmented into words");
    let out = dir.path().join("out.mp4");
    render_cpu(&project, &out, &["--quality", "0"]);
    let v = decode_video(&out, 30.0);
    assert_eq!(v.frames.len(), 120);
    let changes = frame_changes(&v);
    assert_eq!(changes, run_starts(&project));
    // Every word's start is a change: ceil(start x fps).
    for w in p.project.slides.iter().flat_map(|s| &s.words) {
        let f = (w.start * 30.0 - 1e-6).ceil() as u64;
        assert!(changes.contains(&f), "{} at frame {f}", w.text);
    }
}

/// Colour emoji are drawn in their own colours from the bundled font, in every state, in
/// the same place whatever the weight (synthetic bold leaves them as they are), dimmed by a
/// translucent state colour; an emoji no font has is warned about with its slide and word.
#[test]
fn colour_emoji_keep_their_colours_and_place() {
    let texts = ["Launch day 🚀 party 🎉 thumbs 👍🏽 flag 🇫🇷 ok"];
    let split = |t: &str| gpucast::segment::words(t);
    let (_dir, project) = texts_project(&texts, &split, 64, "");
    let p = gpucast::prepare(&project).unwrap();
    assert!(
        p.scene.missing_glyphs.is_empty(),
        "{:?}",
        p.scene.missing_glyphs
    );
    let words: Vec<String> = split(texts[0]);
    use gpucast::timeline::WordState::{Spoken, Upcoming};
    let (up, spoken) = (all_in_state(&p, 0, Upcoming), all_in_state(&p, 0, Spoken));
    for (i, w) in words.iter().enumerate() {
        let s = p.scene.slides[0].slots[i];
        let cells = |img: &image::RgbImage| -> Vec<[u8; 3]> {
            let mut v = Vec::new();
            for y in s.y as u32..(s.y + s.height) as u32 {
                for x in s.x as u32..(s.x + s.width) as u32 {
                    v.push(img.get_pixel(x, y).0);
                }
            }
            v
        };
        // Far from any grey: upcoming text is a blue-grey, the background a darker one.
        let colourful = cells(&up)
            .iter()
            .filter(|p| {
                let (hi, lo) = (*p.iter().max().unwrap(), *p.iter().min().unwrap());
                hi - lo > 60
            })
            .count();
        let emoji = !w.is_ascii();
        assert_eq!(colourful > 50, emoji, "{w}: {colourful} colourful pixels");
        if emoji {
            // Regular and bold draw the same pixels (the text colour does not tint them).
            assert!(
                cells(&up) == cells(&spoken),
                "{w} moved or changed with the weight"
            );
        }
    }

    // Dimmed by a translucent upcoming colour: nearer the background, same shape.
    let (_dim_dir, dim) = texts_project(
        &texts,
        &split,
        64,
        r##", "upcoming": {"weight": "regular", "color": "#b8c2d680"}"##,
    );
    let pd = gpucast::prepare(&dim).unwrap();
    let faded = all_in_state(&pd, 0, Upcoming);
    let s = pd.scene.slides[0].slots[2];
    let (mut strong, mut weak) = (0u64, 0u64);
    for y in s.y as u32..(s.y + s.height) as u32 {
        for x in s.x as u32..(s.x + s.width) as u32 {
            let d = |img: &image::RgbImage| {
                let p = img.get_pixel(x, y).0;
                p.iter()
                    .zip([0x10u8, 0x18, 0x28])
                    .map(|(a, b)| a.abs_diff(b) as u64)
                    .sum::<u64>()
            };
            strong += d(&up);
            weak += d(&faded);
        }
    }
    let ratio = weak as f64 / strong as f64;
    assert!(
        (0.4..0.6).contains(&ratio),
        "half-alpha emoji: {ratio:.2} of full"
    );

    // U+1FAE9 (Unicode 16) is in no bundled font: warned about, naming it, its slide and word.
    let (_new_dir, newer) = texts_project(&["tired \u{1FAE9} face"], &split, 64, "");
    let pn = gpucast::prepare(&newer).unwrap();
    assert_eq!(pn.scene.missing_glyphs, vec!['\u{1FAE9}']);
    assert!(
        pn.scene
            .warnings
            .iter()
            .any(|w| w.starts_with("slides[0].words[1]") && w.contains("U+1FAE9")),
        "{:?}",
        pn.scene.warnings
    );
}

/// Every gallery look moves no word when another changes state: for each slide, at a few word
/// starts, the frame before and the frame after differ only inside the word that started
/// (slots inset by a thickened neighbour's growth). Looks that grow or slide over their
/// neighbours (pop, gliding box) have their own tests above.
#[test]
fn every_gallery_look_moves_no_other_word() {
    let mut checked = 0;
    for path in gallery() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let p = gpucast::prepare(&path).unwrap();
        let fps = p.project.fps.as_f64();
        let frame = |f: u64| {
            let key = p.timeline.key_at(f).unwrap();
            gpucast::render::render_one(
                gpucast::render::Backend::Cpu,
                p.scene.clone(),
                &Default::default(),
                key,
            )
            .unwrap()
            .to_rgb()
        };
        for (slide, s) in p.scene.slides.iter().enumerate() {
            let current = s.looks[0][1];
            // Pops, glides and entrances that move the word (rising into place) pass over
            // their neighbours by design.
            use gpucast::project::EnterKind;
            let moves = current.enter.is_some_and(|e| {
                matches!(
                    e.kind,
                    EnterKind::Rise | EnterKind::Drop | EnterKind::Bounce
                )
            });
            if current.scale != 1.0 || current.word_box.is_some_and(|b| b.glide > 0.0) || moves {
                continue;
            }
            let words = &p.project.slides[slide].words;
            for k in [1, words.len() / 2, words.len() - 1] {
                // The frame before word k is current, and one while it is: away from the
                // slide's fade in, and after the word before has ended.
                let first = (words[k].start * fps - 1e-6).ceil() as u64;
                let t = (first - 1) as f64 / fps;
                // Two frames in, so that a karaoke wipe has begun to fill.
                let later = (first + 2) as f64 / fps;
                if t < words[k - 1].end
                    || t < p.project.slides[slide].start + 0.3
                    || later >= words[k].end
                {
                    continue;
                }
                let (before, during) = (frame(first - 1), frame(first + 2));
                for (j, slot) in s.slots.iter().enumerate() {
                    let (x0, x1) = (slot.x as u32 + 4, (slot.x + slot.width) as u32 - 4);
                    let (y0, y1) = (slot.y as u32, (slot.y + slot.height) as u32);
                    let same = (y0..y1.min(before.height())).all(|y| {
                        (x0..x1.min(before.width()))
                            .all(|x| before.get_pixel(x, y) == during.get_pixel(x, y))
                    });
                    let emoji = words[j].text.chars().any(|c| c as u32 >= 0x1F000);
                    if j == k && !emoji {
                        assert!(!same, "{name} slide {slide}: word {k} did not change");
                    }
                    if j != k && !same {
                        let diff: Vec<(u32, u32)> = (y0..y1)
                            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                            .filter(|&(x, y)| before.get_pixel(x, y) != during.get_pixel(x, y))
                            .collect();
                        panic!(
                            "{name} slide {slide}: word {j} {slot:?} changed when {k} {:?} started: {} pixels, first {:?} last {:?}",
                            s.slots[k], diff.len(), diff.first(), diff.last()
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "{checked} word starts checked");
}
