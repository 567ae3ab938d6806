//! End to end on the CPU path: the real binary renders fixtures, FFmpeg decodes what it wrote,
//! and the decoded video is checked against the timeline as a viewer would see it.

mod common;

use common::*;

const FPS: f64 = 30.0;

#[test]
fn cpu_render_is_a_correct_video() {
    let fx = fixture(320, 180, 8.0, "");
    let out = fx.dir.path().join("out.mp4");
    render_cpu(&fx.project, &out, &[]);
    assert_eq!(
        files_in(fx.dir.path()),
        ["background.png", "narration.wav", "out.mp4", "project.json"]
    );

    let v = decode_video(&out, FPS);
    assert_eq!(v.frames.len(), 240, "round(8 s × 30 fps)");
    assert_eq!(v.frame_rate, (30, 1));
    assert!(
        (v.duration - 8.0).abs() < 1e-6,
        "video lasts {}",
        v.duration
    );
    assert_eq!(v.start_time, 0.0);
    assert_eq!((v.width, v.height), (320, 180));
    assert_eq!(v.pix_fmt, "YUV420P");
    assert_eq!(v.color_range, "MPEG");
    for (i, (pts, _)) in v.frames.iter().enumerate() {
        assert_eq!(*pts, i as i64, "constant frame rate, one frame per tick");
    }

    let a = decode_audio(&out);
    assert_eq!(a.codec, "AAC");
    assert_eq!(a.start_time, 0.0);
    let audio_len = a.samples.len() as f64 / a.rate as f64;
    assert!((audio_len - 8.0).abs() < 0.03, "audio lasts {audio_len}");
    assert_clicks_on_words(&a, &fx.word_starts);
}

/// Lossless encoding (quality 0) makes the decoded frames exactly the rendered ones, so frames
/// must change exactly where the timeline's runs start and be identical in between.
#[test]
fn frames_change_exactly_where_words_start_and_end() {
    let fx = fixture(320, 180, 6.0, "");
    let out = fx.dir.path().join("lossless.mp4");
    render_cpu(&fx.project, &out, &["--quality", "0"]);
    let v = decode_video(&out, FPS);
    assert_eq!(v.frames.len(), 180);
    let starts = run_starts(&fx.project);
    assert!(starts.len() > 30, "the fixture has many distinct frames");
    let changes = frame_changes(&v);
    assert_eq!(changes, starts);

    // The first word starts at 0.4 s: frame ceil(0.4 × 30) = 12 is the first to show it current.
    assert!(starts.contains(&12), "{starts:?}");

    // And the decoded frames are the frames gpucast renders (y4m on stdout is the raw render).
    let raw = raw_frames(&fx.project, 320, 180);
    assert_eq!(raw.len(), 180);
    for (i, ((_, decoded), rendered)) in v.frames.iter().zip(&raw).enumerate() {
        assert!(rendered == decoded, "frame {i} differs");
    }
}

#[test]
fn renders_are_byte_identical() {
    let fx = fixture(320, 180, 3.0, "");
    let a = fx.dir.path().join("a.mp4");
    let b = fx.dir.path().join("b.mp4");
    for out in [&a, &b] {
        render_cpu(&fx.project, out, &[]);
    }
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "same input, same settings, same bytes"
    );
}

#[test]
fn vfr_output_plays_the_same_frames() {
    let fx = fixture(320, 180, 5.0, "");
    let cfr = fx.dir.path().join("cfr.mp4");
    let vfr = fx.dir.path().join("vfr.mp4");
    render_cpu(&fx.project, &cfr, &["--quality", "0"]);
    render_cpu(&fx.project, &vfr, &["--quality", "0", "--vfr"]);
    let c = decode_video(&cfr, FPS);
    let v = decode_video(&vfr, FPS);
    let starts = run_starts(&fx.project);
    assert_eq!(
        v.frames.len(),
        starts.len(),
        "one coded frame per distinct frame"
    );
    assert!((v.duration - 5.0).abs() < 1e-6, "vfr lasts {}", v.duration);
    // Sampling the variable-rate stream at 30 fps gives the constant-rate frames.
    let mut k = 0;
    for (i, (_, frame)) in c.frames.iter().enumerate() {
        while k + 1 < v.frames.len() && v.frames[k + 1].0 <= i as i64 {
            k += 1;
        }
        assert!(
            v.frames[k].1 == *frame,
            "frame {i} differs between vfr and cfr"
        );
    }
}

#[test]
fn fractional_frame_rate() {
    let fx = fixture(160, 90, 3.0, "");
    let text = std::fs::read_to_string(&fx.project)
        .unwrap()
        .replace("\"fps\": 30", "\"fps\": \"30000/1001\"");
    std::fs::write(&fx.project, text).unwrap();
    let out = fx.dir.path().join("ntsc.mp4");
    render_cpu(&fx.project, &out, &[]);
    let v = decode_video(&out, 30000.0 / 1001.0);
    assert_eq!(v.frame_rate, (30000, 1001));
    assert_eq!(v.frames.len(), 90, "round(3 s × 29.97)");
    let expected = 90.0 * 1001.0 / 30000.0;
    assert!(
        (v.duration - expected).abs() < 1e-3,
        "{} vs {expected}",
        v.duration
    );
}

#[test]
fn frame_and_validate_commands() {
    let fx = fixture(320, 180, 4.0, "");
    let png = fx.dir.path().join("f.png");
    let p = fx.project.to_str().unwrap();
    assert_ok(&gpucast(&[
        "frame",
        p,
        "--at",
        "1.0",
        "-o",
        png.to_str().unwrap(),
        "--backend",
        "cpu",
    ]));
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (320, 180));

    let out = gpucast(&["validate", p]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("frames     120"), "{text}");
    assert!(text.contains("slides     1"), "{text}");
    let distinct = run_starts(&fx.project).len();
    assert!(text.contains(&format!("distinct   {distinct}")), "{text}");

    let out = gpucast(&["frame", p, "--at", "9", "-o", png.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at 9 is outside the video"));
}
