//! Background video: a clip with its frame number burned in as a barcode plays behind the text,
//! read back from the render: frame i shows the clip frame on screen at i / fps, looped from
//! `start` or held on its last frame, from the frame its slide's background first shows, in
//! whole renders and in shards that start mid-clip. Bad clips are named by their path.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::json;

const W: usize = 320;
const H: usize = 180;

/// A 5 s project at 30 fps over `background`, with `slides` (two slides by default); the clip
/// `clip.mp4` is 160x90 at 10 fps, 20 frames (2 s).
fn project(
    dir: &Path,
    background: serde_json::Value,
    slides: Option<serde_json::Value>,
) -> PathBuf {
    write_wav(&dir.join("narration.wav"), 5.0, &[]);
    let clip = dir.join("clip.mp4");
    if !clip.exists() {
        write_clip(&clip, 160, 90, 10, 20);
    }
    let slides = slides.unwrap_or_else(|| {
        json!([
            {"start": 0.0, "end": 2.5, "words": [w("one", 0.2, 1.0), w("two", 1.0, 2.0)]},
            {"start": 2.5, "end": 5.0, "words": [w("three", 2.6, 3.5), w("four", 3.5, 4.5)]}
        ])
    });
    let p = json!({
        "video": {"width": W, "height": H, "fps": 30},
        "audio": "narration.wav",
        "background": background,
        // The text at the bottom, clear of the barcode in the top half.
        "style": {"font_size": 18, "margin": 8, "vertical_align": "bottom", "fade": 0.1},
        "slides": slides,
    });
    let path = dir.join("project.json");
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    path
}

fn w(text: &str, start: f64, end: f64) -> serde_json::Value {
    json!({"text": text, "start": start, "end": end})
}

/// The clip frame each rendered frame shows (the clip, covering the frame, is scaled 2x: its
/// barcode spans the width in the top 90 rows).
fn shown(frames: &[Vec<u8>]) -> Vec<u32> {
    frames
        .iter()
        .map(|f| read_barcode(f, W, 20, 0, W))
        .collect()
}

#[test]
fn the_clip_plays_frame_by_frame_and_loops() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path(), json!({"video": "clip.mp4"}), None);
    let frames = raw_frames(&project, W, H);
    assert_eq!(frames.len(), 150);
    // Clip frame k (10 fps) is on screen from output frame 3k (30 fps); 20 frames, looped.
    let want: Vec<u32> = (0..150).map(|i| (i / 3) % 20).collect();
    assert_eq!(shown(&frames), want);

    // Each clip frame is drawn once: the timeline changes backdrop on every third frame only.
    let p = gpucast::prepare(&project).unwrap();
    let mut changes = 0;
    let mut last = None;
    for run in &p.timeline.runs {
        let b = run.key.backdrop();
        if last != Some(b.to_frame) {
            changes += 1;
            assert_eq!(
                run.start_frame % 3,
                0,
                "a clip frame starts at {}",
                run.start_frame
            );
        }
        last = Some(b.to_frame);
    }
    assert_eq!(changes, 50);
    for pair in p.timeline.runs.windows(2) {
        assert_ne!(
            pair[0].key, pair[1].key,
            "equal neighbours collapse into one run"
        );
    }
}

#[test]
fn start_offsets_the_clip_and_loop_false_holds_its_last_frame() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Held: from 0.5 s in (frame 5), the last frame (19) stays once the clip ends at 1.5 s.
    let project_held = project(
        d,
        json!({"video": "clip.mp4", "start": 0.5, "loop": false}),
        None,
    );
    let want: Vec<u32> = (0..150).map(|i| ((15 + i) / 3).min(19)).collect();
    assert_eq!(shown(&raw_frames(&project_held, W, H)), want);
    // Looped: start..end again, 0.5 s to 2 s, so frames 5 to 19 over and over.
    let project_looped = project(d, json!({"video": "clip.mp4", "start": 0.5}), None);
    let want: Vec<u32> = (0..150).map(|i| 5 + (i % 45) / 3).collect();
    assert_eq!(shown(&raw_frames(&project_looped, W, H)), want);
}

#[test]
fn a_slide_clip_starts_on_its_first_frame_and_fits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The second slide's own clip, cut in at 2.0 s (frame 60), "contain": the 16:9 clip fills
    // the 16:9 frame all the same. The first slide's background is a colour.
    let slides = json!([
        {"start": 0.0, "end": 2.0, "words": [w("one", 0.2, 1.0)]},
        {"start": 2.0, "end": 5.0, "words": [w("two", 2.2, 3.0)],
         "background": {"video": "clip.mp4", "fit": "contain"},
         "style": {"background_fade": 0}}
    ]);
    let project = project(d, json!({"color": "#202020"}), Some(slides));
    let frames = raw_frames(&project, W, H);
    for (i, f) in frames.iter().enumerate().take(60) {
        assert_eq!(
            f[20 * W + 5],
            frames[0][20 * W + 5],
            "frame {i} shows the colour"
        );
    }
    let got = shown(&frames[60..]);
    let want: Vec<u32> = (0..90).map(|i| (i / 3) % 20).collect();
    assert_eq!(got, want);
}

#[test]
fn a_shard_that_starts_mid_clip_shows_the_same_frames() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = project(d, json!({"video": "clip.mp4"}), None);
    let p = project.to_str().unwrap();
    for i in 0..3 {
        let part = d.join(format!("part-{i}.mkv"));
        let o = gpucast(&[
            "render",
            p,
            "--shard",
            &format!("{i}/3"),
            "--backend",
            "cpu",
            "--quality",
            "0",
            "-o",
            part.to_str().unwrap(),
        ]);
        assert_ok(&o);
        let v = decode_video(&part, 30.0);
        assert!(v.frames.len() > 40, "{} frames", v.frames.len());
        if i > 0 {
            assert!(v.frames[0].0 > 30, "part {i} starts mid-clip");
        }
        for (pts, f) in &v.frames {
            let want = ((*pts as u32) / 3) % 20;
            assert_eq!(read_barcode(f, W, 20, 0, W), want, "shard {i}, frame {pts}");
        }
    }
}

#[test]
fn bad_background_videos_are_named_by_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes.mp4"), "not a video at all").unwrap();
    write_wav(&d.join("tone.wav"), 1.0, &[]);
    let o = ffmpeg_cli(&[
        "-y",
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=160x90:r=10:d=1",
        "-frames:v",
        "0",
        "-c:v",
        "libx264",
        d.join("empty.mp4").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let cases = [
        (
            json!({"video": "missing.mp4"}),
            "background.video",
            "file not found",
        ),
        (
            json!({"video": "notes.mp4"}),
            "background.video",
            "not a video",
        ),
        (
            json!({"video": "tone.wav"}),
            "background.video",
            "no video stream",
        ),
        (
            json!({"video": "empty.mp4"}),
            "background.video",
            "not a video",
        ),
        (
            json!({"video": "clip.mp4", "start": 2.0}),
            "background.start",
            "not inside",
        ),
        (
            json!({"video": "clip.mp4", "start": -1}),
            "background.start",
            "0 or more",
        ),
        (
            json!({"video": "clip.mp4", "fit": "fill"}),
            "background.fit",
            "not one of",
        ),
        (
            json!({"color": "#000000", "loop": true}),
            "background.loop",
            "video",
        ),
        (
            json!({"image": "x.png", "start": 1}),
            "background.start",
            "video",
        ),
        (
            json!({"video": "clip.mp4", "color": "#000000"}),
            "background",
            "exactly one",
        ),
        (json!({"video": 3}), "background.video", ""),
    ];
    for (bg, path, words) in cases {
        let project = project(d, bg.clone(), None);
        let out = d.join("out.mp4");
        let o = gpucast(&[
            "render",
            project.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{bg}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(path) && err.contains(words), "{bg}: {err}");
        assert!(!out.exists());
    }
    // On a slide, the slide's path.
    let slides = json!([
        {"start": 0.0, "end": 2.0, "words": [w("one", 0.2, 1.0)]},
        {"start": 2.0, "end": 5.0, "words": [w("two", 2.2, 3.0)],
         "background": {"video": "notes.mp4"}}
    ]);
    let project = project(d, json!({"color": "#000000"}), Some(slides));
    assert_invalid(&project, "slides[1].background.video");
}

/// The bundled footage project (`assets/footage/`) renders whole: every frame, the clip moving
/// under the text, and looped on time (its 8 s are 240 frames: frame 240 shows clip frame 0).
#[test]
fn the_bundled_footage_renders() {
    let (p, v) = render_bundled("footage");
    assert_eq!(v.frames.len() as u64, p.timeline.frame_count);
    // A 64x64 block in the top-left corner, where no text is, as mean luma.
    let corner = |i: usize| {
        let f = &v.frames[i].1;
        let sum: u32 = (0..64)
            .flat_map(|y| (0..64).map(move |x| f[y * 1920 + x] as u32))
            .sum();
        sum as f64 / 4096.0
    };
    let moving = (1..240)
        .filter(|&i| (corner(i) - corner(i - 1)).abs() > 0.01)
        .count();
    assert!(moving > 100, "the picture moves on {moving} of 239 frames");
    for i in [0usize, 37, 150] {
        let (a, b) = (corner(i), corner(i + 240));
        assert!(
            (a - b).abs() < 1.5,
            "frame {i}: {a:.2}, a loop later {b:.2}"
        );
    }
    assert!(
        (corner(120) - corner(0)).abs() > 1.5,
        "mid-clip differs from its start"
    );
}
