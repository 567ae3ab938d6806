//! Constant frame rate with repeats as skipped pictures (the default with libx264): the stream
//! decodes to exactly the frames of the slower paths, passes FFmpeg's strict parsers, seeks from
//! every keyframe, and keyframes follow output time.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const FPS: f64 = 30.0;

/// The frames of the variable-rate video at each constant-rate frame time.
fn sampled(vfr: &DecodedVideo, count: usize) -> Vec<&[u8]> {
    let mut k = 0;
    (0..count as i64)
        .map(|i| {
            while k + 1 < vfr.frames.len() && vfr.frames[k + 1].0 <= i {
                k += 1;
            }
            vfr.frames[k].1.as_slice()
        })
        .collect()
}

/// gpucast with its `-v` log on standard error.
fn gpucast_verbose(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(args)
        .arg("-v")
        .env("RUST_LOG", "gpucast=info")
        .output()
        .expect("gpucast runs")
}

#[test]
fn skipped_repeats_decode_to_the_vfr_frames_at_a_constant_rate() {
    let fx = fixture(320, 180, 8.0, "");
    let dir = fx.dir.path();
    let (skip, vfr, every) = (
        dir.join("skip.mp4"),
        dir.join("vfr.mp4"),
        dir.join("every.mp4"),
    );
    let out = gpucast_verbose(&[
        "render",
        fx.project.to_str().unwrap(),
        "-o",
        skip.to_str().unwrap(),
        "--backend",
        "cpu",
    ]);
    assert_ok(&out);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("repeated frames: written as skipped pictures between libx264's"),
        "{log}"
    );
    render_cpu(&fx.project, &vfr, &["--vfr"]);
    render_cpu(&fx.project, &every, &["--repeat-frames", "encode"]);

    let s = decode_video(&skip, FPS);
    let v = decode_video(&vfr, FPS);
    assert_eq!(s.frames.len(), 240);
    assert_eq!(s.frame_rate, (30, 1));
    assert!((s.duration - 8.0).abs() < 1e-6, "lasts {}", s.duration);
    for (i, (pts, _)) in s.frames.iter().enumerate() {
        assert_eq!(*pts, i as i64, "one frame per tick");
    }
    for (i, (a, b)) in s.frames.iter().zip(sampled(&v, 240)).enumerate() {
        assert!(a.1 == b, "frame {i} differs from the --vfr render's");
    }

    // Every sample of the MP4 is one frame long; only the distinct frames carry pictures.
    let p = packets(&skip);
    assert_eq!(p.len(), 240);
    let starts = run_starts(&fx.project);
    for (i, &(pts, _, size)) in p.iter().enumerate() {
        assert_eq!(pts, i as i64);
        if !starts.contains(&(i as u64)) {
            assert!(size <= 12, "repeat {i} takes {size} bytes");
        }
    }
    // The file is the --vfr one (the same x264 pictures) plus a few bytes a repeat: the
    // skipped picture, its length prefix and its entries in the MP4's index.
    let (ls, lv) = (
        std::fs::metadata(&skip).unwrap().len(),
        std::fs::metadata(&vfr).unwrap().len(),
    );
    let repeats = (240 - starts.len()) as u64;
    assert!(
        lv < ls && ls <= lv + 32 * repeats,
        "skip {ls} bytes, vfr {lv}, {repeats} repeats"
    );

    // Audio is the same track in all three.
    assert_clicks_on_words(&decode_audio(&skip), &fx.word_starts);
    assert_eq!(decode_video(&every, FPS).frames.len(), 240);
}

#[test]
fn lossless_skipped_repeats_are_the_rendered_frames() {
    let fx = fixture(320, 180, 5.0, "");
    let out = fx.dir.path().join("lossless.mp4");
    render_cpu(&fx.project, &out, &["--quality", "0"]);
    let raw = raw_frames(&fx.project, 320, 180);
    let v = decode_video(&out, FPS);
    assert_eq!((v.frames.len(), raw.len()), (150, 150));
    for (i, ((_, decoded), rendered)) in v.frames.iter().zip(&raw).enumerate() {
        assert!(rendered == decoded, "frame {i} is not the rendered frame");
    }
}

#[test]
fn strict_parsers_accept_the_stream() {
    let fx = fixture(320, 180, 6.0, "");
    let out = fx.dir.path().join("skip.mp4");
    render_cpu(&fx.project, &out, &[]);
    assert_strict_h264(&out);
}

#[test]
fn keyframes_follow_output_time_and_decoding_from_each_gives_the_same_frames() {
    let fx = fixture(320, 180, 9.0, "");
    let out = fx.dir.path().join("skip.mp4");
    render_cpu(&fx.project, &out, &[]);
    let p = packets(&out);
    let keys: Vec<i64> = p.iter().filter(|k| k.1).map(|k| k.0).collect();
    // The first distinct frame at or past each 2 s mark is a keyframe; none else is needed.
    let starts = run_starts(&fx.project);
    let mut expected = Vec::new();
    let mut next = 0;
    for &s in &starts {
        if s >= next {
            expected.push(s as i64);
            next = (s / 60 + 1) * 60;
        }
    }
    for k in &expected {
        assert!(keys.contains(k), "no keyframe at frame {k}: {keys:?}");
    }
    assert!(keys.len() >= 5, "{keys:?}");

    decodes_the_same_from_every_keyframe(&out);

    // Coding every frame (B-frames and all) must seek as well: closed GOPs, each keyframe an
    // IDR picture.
    let every = fx.dir.path().join("every.mp4");
    render_cpu(&fx.project, &every, &["--repeat-frames", "encode"]);
    decodes_the_same_from_every_keyframe(&every);
}

#[test]
fn other_encoders_and_settings_take_the_paths_they_say() {
    let fx = fixture(160, 90, 3.0, "");
    let p = fx.project.to_str().unwrap();
    let dir = fx.dir.path();
    let render = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = vec!["render", p, "-o", out.to_str().unwrap(), "--backend", "cpu"];
        args.extend_from_slice(extra);
        let o = gpucast_verbose(&args);
        assert_ok(&o);
        (out, String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (out, log) = render("hevc.mp4", &["--codec", "hevc", "--encoder", "libx265"]);
    assert!(
        log.contains("repeated frames: encoded like any frame (libx265 streams cannot take skipped pictures)"),
        "{log}"
    );
    assert_eq!(decode_video(&out, FPS).frames.len(), 90);
    let (_, log) = render("every.mp4", &["--repeat-frames", "encode"]);
    assert!(log.contains("(--repeat-frames encode)"), "{log}");
    let (_, log) = render("vfr.mp4", &["--vfr"]);
    assert!(log.contains("not written (variable frame rate)"), "{log}");

    let both = gpucast(&[
        "render",
        p,
        "-o",
        "x.mp4",
        "--vfr",
        "--repeat-frames",
        "skip",
    ]);
    assert!(!both.status.success());
    assert!(String::from_utf8_lossy(&both.stderr).contains("--repeat-frames"));
    assert!(!dir.join("x.mp4").exists());
}

/// A second, independent player: headless Chromium plays the default (skipped repeats), the
/// every-frame, the WebM and a sharded-and-joined output, seeks to frames and shows each as FFmpeg decodes it, and plays to the
/// end (scripts/play_in_chromium.py). Skipped where Chromium is not installed, unless
/// GPUCAST_REQUIRE_CHROMIUM=1 (CI) makes that a failure.
#[test]
fn chromium_plays_the_stream() {
    if !chromium("the second-player check") {
        return;
    }
    let fx = fixture(320, 180, 6.0, "");
    let dir = fx.dir.path();
    let (skip, every, webm) = (
        dir.join("skip.mp4"),
        dir.join("every.mp4"),
        dir.join("web.webm"),
    );
    render_cpu(&fx.project, &skip, &[]);
    render_cpu(&fx.project, &every, &["--repeat-frames", "encode"]);
    render_cpu(&fx.project, &webm, &[]);
    // A sharded render, joined: the parts' streams copied one after another.
    let joined = dir.join("joined.mp4");
    let parts: Vec<String> = (0..3)
        .map(|i| {
            let part = dir.join(format!("part-{i}.mkv"));
            render_cpu(&fx.project, &part, &["--shard", &format!("{i}/3")]);
            part.display().to_string()
        })
        .collect();
    let mut args = vec!["join", fx.project.to_str().unwrap()];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["-o", joined.to_str().unwrap()]);
    assert_ok(&gpucast(&args));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/play_in_chromium.py");
    let run = |extra: &[&str]| {
        Command::new("python3")
            .arg(&script)
            .args([
                skip.to_str().unwrap(),
                every.to_str().unwrap(),
                webm.to_str().unwrap(),
                joined.to_str().unwrap(),
            ])
            .args(["--frames", "24"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.matches("plays in Chromium: 6.000 s, 320x180").count(),
        3,
        "{text}"
    );
    // The check itself can fail: compared one frame late, frames that change are caught.
    let shifted = run(&["--shift", "1"]);
    assert!(!shifted.status.success());
    assert!(String::from_utf8_lossy(&shifted.stdout).contains("is not FFmpeg's frame"));
}

/// Where nearly every frame differs (the karaoke wipe), skipping would save nothing and cost
/// x264 its B-frames: every frame goes to the encoder, reordered as x264 likes, and decodes to
/// the drawn frames' count at a constant rate.
#[test]
fn a_wipe_that_changes_every_frame_is_coded_with_b_frames() {
    let fx = fixture(320, 180, 6.0, r#", "current": {"wipe": true}"#);
    let out = fx.dir.path().join("wipe.mp4");
    let run = gpucast_verbose(&[
        "render",
        fx.project.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
    ]);
    assert_ok(&run);
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(
        log.contains("repeated frames: encoded like any frame (nearly every frame differs"),
        "{log}"
    );
    let p = packets(&out);
    assert_eq!(p.len(), 180);
    // In file (decode) order, B-frames come after the picture they refer forward to.
    assert!(
        p.windows(2).any(|w| w[1].0 < w[0].0),
        "no picture was reordered: {:?}",
        &p[..20]
    );
    let v = decode_video(&out, FPS);
    assert_eq!(v.frames.len(), 180);
    // The fixture with no wipe still skips its repeats.
    let plain = fixture(320, 180, 6.0, "");
    let still = plain.dir.path().join("still.mp4");
    let run = gpucast_verbose(&[
        "render",
        plain.project.to_str().unwrap(),
        "-o",
        still.to_str().unwrap(),
        "--backend",
        "cpu",
    ]);
    assert!(String::from_utf8_lossy(&run.stderr).contains("written as skipped pictures"));
}
