//! Per-slide backgrounds: a slide's own background shows from its first frame until the next
//! slide's, faded in over the one before for `style.background_fade` seconds (0: a cut), read
//! back from a lossless render; bad backgrounds are named by their path.

mod common;

use std::path::Path;

use common::*;
use serde_json::json;

fn project(dir: &Path, slides: serde_json::Value, background_fade: f64) -> std::path::PathBuf {
    write_wav(&dir.join("narration.wav"), 4.0, &[]);
    let img = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 3, 90, y as u8 * 3]));
    img.save(dir.join("photo.png")).unwrap();
    let p = json!({
        "video": {"width": 320, "height": 180, "fps": 30},
        "audio": "narration.wav",
        "background": {"color": "#203040"},
        "style": {"font_size": 20, "margin": 10, "fade": 0.1, "background_fade": background_fade},
        "slides": slides,
    });
    let path = dir.join("project.json");
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    path
}

fn w(text: &str, start: f64, end: f64) -> serde_json::Value {
    json!({"text": text, "start": start, "end": end})
}

#[test]
fn slide_backgrounds_switch_on_the_first_frame_and_cross_fade() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = project(
        d,
        json!([
            {"start": 0.0, "end": 1.0, "words": [w("one", 0.1, 0.5), w("two", 0.5, 0.9)],
             "background": {"image": "photo.png", "fit": "stretch"}},
            {"start": 1.0, "end": 2.0, "words": [w("three", 1.1, 1.5), w("four", 1.5, 1.9)],
             "background": {"color": "#c03020"}},
            // Back to the project's background, cut in.
            {"start": 2.3, "end": 4.0, "words": [w("five", 2.4, 3.0)],
             "style": {"background_fade": 0}}
        ]),
        0.6,
    );
    let out = d.join("out.mp4");
    render_cpu(&project, &out, &["--quality", "0"]);
    let v = decode_video(&out, 30.0);
    assert_eq!(v.frames.len(), 120);
    // A corner pixel, which no text covers: Y, U and V.
    let (wd, ht) = (320usize, 180usize);
    let corner = |i: usize| {
        let f = &v.frames[i].1;
        [f[0], f[wd * ht], f[wd * ht + wd * ht / 4]]
    };
    let photo = corner(0);
    let red = corner(60);
    let navy = corner(100);
    assert!(
        photo != red && red != navy && photo != navy,
        "{photo:?} {red:?} {navy:?}"
    );
    // The photo until slide 1's first frame (30 = ceil(1.0 × 30)), which starts the fade.
    for i in 0..=30 {
        assert_eq!(corner(i), photo, "frame {i}");
    }
    // 0.6 s of fade: frames 31 to 47 between the two, moving steadily towards red.
    let dist = |c: [u8; 3]| {
        c.iter()
            .zip(red)
            .map(|(a, b)| (*a as i32 - b as i32).abs())
            .sum::<i32>()
    };
    for i in 31..48 {
        assert!(corner(i) != photo && corner(i) != red, "frame {i} mid-fade");
        assert!(
            dist(corner(i)) < dist(corner(i - 1)),
            "frame {i} nearer red"
        );
    }
    // Red from frame 48 (1.6 s) on, through the gap after the slide ends at 2.0 s...
    for i in 48..69 {
        assert_eq!(corner(i), red, "frame {i}");
    }
    // ...until slide 2's first frame, 69 = ceil(2.3 × 30), where its cut shows the project's.
    for i in 69..120 {
        assert_eq!(corner(i), navy, "frame {i}");
    }
    // Each fade frame is drawn once: distinct frames include the 17 in between.
    let p = gpucast::prepare(&project).unwrap();
    let starts: Vec<u64> = p.timeline.runs.iter().map(|r| r.start_frame).collect();
    for i in 31..=48 {
        assert!(starts.contains(&i), "frame {i} starts a run");
    }
}

#[test]
fn slides_without_their_own_background_keep_one_run() {
    // Backgrounds that do not change add no frames: the same timeline as without the feature.
    let dir = tempfile::tempdir().unwrap();
    let slides = json!([
        {"start": 0.0, "end": 2.0, "words": [w("one", 0.1, 0.5)]},
        {"start": 2.0, "end": 4.0, "words": [w("two", 2.1, 2.5)],
         "background": {"color": "#203040"}}
    ]);
    let project = project(dir.path(), slides, 0.5);
    let p = gpucast::prepare(&project).unwrap();
    assert_eq!(
        p.scene.backgrounds.len(),
        1,
        "the same colour is one background"
    );
    let fading = p.timeline.runs.iter().any(|r| match &r.key {
        gpucast::timeline::FrameKey::Blank { backdrop, .. }
        | gpucast::timeline::FrameKey::Slide { backdrop, .. } => backdrop.from != backdrop.to,
    });
    assert!(!fading);
}

#[test]
fn bad_slide_backgrounds_are_named_by_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases = [
        (
            json!({"color": "#zz0000"}),
            0.5,
            "slides[1].background.color",
        ),
        (
            json!({"image": "missing.png"}),
            0.5,
            "slides[1].background.image",
        ),
        (
            json!({"color": "#000000", "fit": "cover"}),
            0.5,
            "slides[1].background.fit",
        ),
        (json!({"color": "#000000"}), -1.0, "style.background_fade"),
    ];
    for (bg, fade, path) in cases {
        let slides = json!([
            {"start": 0.0, "end": 2.0, "words": [w("one", 0.1, 0.5)]},
            {"start": 2.0, "end": 4.0, "words": [w("two", 2.1, 2.5)], "background": bg}
        ]);
        let project = project(d, slides, fade);
        let out = d.join("out.mp4");
        let o = gpucast(&[
            "render",
            project.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(path), "{path}: {err}");
        assert!(!out.exists());
    }
    // Too many different backgrounds for memory and the GPU buffer.
    let slides: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            json!({"start": i as f64 * 0.2, "end": (i + 1) as f64 * 0.2,
                   "words": [w("x", i as f64 * 0.2, i as f64 * 0.2 + 0.1)],
                   "background": {"color": format!("#{:02x}0000", i * 10)}})
        })
        .collect();
    let p = project(d, json!(slides), 0.0);
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("\"width\": 320", "\"width\": 1920")
        .replace("\"height\": 180", "\"height\": 1080");
    std::fs::write(&p, text).unwrap();
    assert_invalid(&p, "21 different backgrounds");
}

/// The bundled per-slide deck (`assets/deck/`, the demo with a background per slide) renders
/// whole, and its second slide's colour is on screen from that slide's fade on.
#[test]
fn the_bundled_deck_renders() {
    let (p, v) = render_bundled("deck");
    assert_eq!(v.frames.len() as u64, p.timeline.frame_count);
    assert_eq!(p.scene.backgrounds.len(), 4, "the photo and three colours");
    // Slide 2 (index 1) fades its navy in over 0.8 s from its first frame.
    let first = (p.project.slides[1].start * 30.0).ceil() as usize;
    let corner = |i: usize| v.frames[i].1[0] as i32;
    let navy_y = {
        // #14213d in BT.709 limited range.
        let (r, g, b) = (0x14 as f64, 0x21 as f64, 0x3d as f64);
        (16.0 + (0.2126 * r + 0.7152 * g + 0.0722 * b) * 219.0 / 255.0).round() as i32
    };
    assert!(
        (corner(first + 30) - navy_y).abs() <= 2,
        "{} vs {navy_y}",
        corner(first + 30)
    );
    assert!(
        (corner(first - 1) - navy_y).abs() > 4,
        "the photo before it"
    );
}
