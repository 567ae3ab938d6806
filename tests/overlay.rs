//! Transparent overlays (`--transparent`): the text alone in straight alpha. Composited over the
//! project's own background it must give the normal render, within 2 levels, on every frame a
//! timeline draws, with outlines, shadows, boxes, translucent colours and fades.

mod common;

use gpucast::render::{color, Yuv420};
use gpucast::{Backend, RenderOptions};
use serde_json::json;

#[test]
fn an_overlay_over_the_background_is_the_normal_render() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::write_wav(&d.join("narration.wav"), 3.0, &[]);
    let img = image::RgbImage::from_fn(200, 120, |x, y| {
        image::Rgb([
            (x * 255 / 200) as u8,
            (40 + y) as u8,
            ((x ^ y) & 0x7f) as u8 + 60,
        ])
    });
    img.save(d.join("bg.png")).unwrap();
    let text = [
        "every", "word", "turns", "bright", "when", "it", "is", "spoken",
    ];
    let words: Vec<_> = text
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"text": t, "start": 0.2 + i as f64 * 0.3, "end": 0.45 + i as f64 * 0.3}))
        .collect();
    let project = json!({
        "video": {"width": 320, "height": 180, "fps": 30},
        "audio": "narration.wav",
        "background": {"image": "bg.png", "fit": "cover"},
        "style": {
            "font_size": 26, "margin": 12, "fade": 0.4,
            "upcoming": {"weight": "regular", "color": "#ffffffa0",
                         "outline": {"width": 2, "color": "#00000080"}},
            "current": {"weight": "bold", "color": "#ffd54a", "wipe": true,
                        "shadow": {"offset": [3, 3], "blur": 4, "color": "#000000a0"}},
            "spoken": {"weight": "bold", "color": "#ffffff",
                       "box": {"color": "#2040a0c0", "radius": 5}}
        },
        "slides": [{"start": 0.0, "end": 3.0, "words": words}]
    });
    let path = d.join("project.json");
    std::fs::write(&path, project.to_string()).unwrap();
    let p = gpucast::prepare(&path).unwrap();
    let opts = RenderOptions {
        threads: 2,
        ..RenderOptions::default()
    };
    let (w, h) = (320usize, 180usize);
    let bg = &p.scene.backgrounds[0];
    let mut worst = 0u8;
    let mut translucent = 0usize;
    for run in &p.timeline.runs {
        let t = run.start_frame as f64 / 30.0;
        let overlay = gpucast::overlay_of(&p, t + 1e-6, Backend::Cpu, &opts).unwrap();
        // Straight alpha over the opaque background, as an editor composites it.
        let mut rgba = Vec::with_capacity(w * h * 4);
        for (o, b) in overlay.as_raw().chunks_exact(4).zip(bg.chunks_exact(4)) {
            let a = o[3] as u32;
            if a != 0 && a != 255 {
                translucent += 1;
            }
            for c in 0..3 {
                rgba.push(((o[c] as u32 * a + b[c] as u32 * (255 - a) + 127) / 255) as u8);
            }
            rgba.push(255);
        }
        let mut composite = Yuv420 {
            width: w as u32,
            height: h as u32,
            data: vec![0; Yuv420::byte_len(w as u32, h as u32)],
        };
        color::rgba_to_yuv_region(&rgba, w, h, composite.planes_mut(), w, 0, 0);
        let normal =
            gpucast::render::render_one(Backend::Cpu, p.scene.clone(), &opts, &run.key).unwrap();
        for (a, b) in composite.data.iter().zip(&normal.data) {
            worst = worst.max(a.abs_diff(*b));
        }
    }
    assert!(
        worst <= 2,
        "composited overlay differs from the render by {worst} levels"
    );
    assert!(
        translucent > 1000,
        "the overlays carry partial alpha (edges, fades, shadows): {translucent} pixels"
    );
}

#[test]
fn a_transparent_frame_is_an_rgba_png() {
    let fx = common::fixture(160, 90, 3.0, "");
    let out = fx.dir.path().join("o.png");
    let p = fx.project.to_str().unwrap();
    let o = common::gpucast(&[
        "frame",
        p,
        "--at",
        "1.0",
        "--transparent",
        "-o",
        out.to_str().unwrap(),
    ]);
    common::assert_ok(&o);
    let img = image::open(&out).unwrap();
    assert_eq!(img.color(), image::ColorType::Rgba8);
    let rgba = img.to_rgba8();
    let (clear, opaque) = rgba.pixels().fold((0, 0), |(c, o), p| match p[3] {
        0 => (c + 1, o),
        255 => (c, o + 1),
        _ => (c, o),
    });
    let pixels = (rgba.width() * rgba.height()) as usize;
    assert!(
        clear > pixels / 2 && opaque > 20,
        "{clear} clear, {opaque} opaque"
    );
}

#[test]
fn image_sequences_hold_every_frame_once_drawn() {
    let fx = common::fixture(160, 90, 4.0, "");
    let d = fx.dir.path();
    let p = fx.project.to_str().unwrap();
    let prepared = gpucast::prepare(&fx.project).unwrap();
    let seq = d.join("over");
    let o = common::gpucast(&[
        "render",
        p,
        "--transparent",
        "-o",
        &format!("{}/", seq.display()),
    ]);
    common::assert_ok(&o);
    let files = common::files_in(&seq);
    assert_eq!(files.len(), 120);
    assert_eq!(files[0], "000000.png");
    assert_eq!(files[119], "000119.png");
    use std::os::unix::fs::MetadataExt;
    let inode = |i: u64| {
        std::fs::metadata(seq.join(format!("{i:06}.png")))
            .unwrap()
            .ino()
    };
    let opts = RenderOptions::default();
    for run in &prepared.timeline.runs {
        // A run is one file, linked under each of its frames' names.
        for i in run.start_frame + 1..run.start_frame + run.frames {
            assert_eq!(inode(i), inode(run.start_frame), "frame {i}");
        }
        let png = image::open(seq.join(format!("{:06}.png", run.start_frame)))
            .unwrap()
            .to_rgba8();
        let t = run.start_frame as f64 / 30.0 + 1e-6;
        let want = gpucast::overlay_of(&prepared, t, Backend::Cpu, &opts).unwrap();
        assert!(png == want, "frame {} is the overlay", run.start_frame);
    }
    // Without --transparent: the frames over their background, opaque, named by the pattern.
    let opaque = d.join("frames");
    let o = common::gpucast(&[
        "render",
        p,
        "-o",
        opaque.join("f_%04d.png").to_str().unwrap(),
    ]);
    common::assert_ok(&o);
    let files = common::files_in(&opaque);
    assert_eq!(files.len(), 120);
    assert_eq!(files[5], "f_0005.png");
    let img = image::open(opaque.join("f_0030.png")).unwrap().to_rgba8();
    assert!(img.pixels().all(|p| p[3] == 255));
}

#[test]
fn bad_sequences_and_interrupted_ones_leave_nothing() {
    let fx = common::fixture(160, 90, 3.0, "");
    let d = fx.dir.path();
    let p = fx.project.to_str().unwrap();
    let refused = |args: &[&str], says: &str| {
        let o = common::gpucast(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    };
    let mp4 = d.join("x.mp4");
    refused(
        &["render", p, "--transparent", "-o", mp4.to_str().unwrap()],
        "h264 has no alpha",
    );
    assert!(!mp4.exists());
    let full = d.join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("keep.txt"), "mine").unwrap();
    let full_arg = format!("{}/", full.display());
    refused(
        &["render", p, "--transparent", "-o", &full_arg],
        "is not an empty folder",
    );
    assert_eq!(common::files_in(&full), ["keep.txt"]);
    refused(
        &["render", p, "-o", d.join("s/%5d.png").to_str().unwrap()],
        "an image sequence is a folder",
    );

    // SIGTERM while the folder is being written: exit 143, no folder, partial or whole.
    let big = common::fixture(1280, 720, 30.0, "");
    let bd = big.dir.path();
    let target = bd.join("seq");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "render",
            big.project.to_str().unwrap(),
            "--threads",
            "1",
            "-o",
        ])
        .arg(format!("{}/", target.display()))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let partial = std::fs::read_dir(bd).unwrap().find_map(|e| {
            let e = e.unwrap();
            e.file_name()
                .to_string_lossy()
                .ends_with(".partial")
                .then(|| e.path())
        });
        if partial.is_some_and(|p| std::fs::read_dir(p).unwrap().count() > 3) {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "finished too soon");
        assert!(started.elapsed() < std::time::Duration::from_secs(120));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let left: Vec<String> = common::files_in(bd)
        .into_iter()
        .filter(|f| f.contains("seq"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Composites an overlay video over the background alone with FFmpeg's overlay filter and
/// compares it, sample by sample (8-bit 4:2:0), with the normal render: the fraction of samples
/// more than 2 levels off and the mean difference.
fn composite_vs_normal(
    bg: &std::path::Path,
    overlay: &std::path::Path,
    decoder: &[&str],
    normal: &[u8],
) -> (f64, f64) {
    let mut args = vec!["-v", "error", "-i", bg.to_str().unwrap()];
    args.extend_from_slice(decoder);
    args.extend([
        "-i",
        overlay.to_str().unwrap(),
        "-filter_complex",
        "[0:v][1:v]overlay=format=yuv420",
        "-frames:v",
        "180",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-",
    ]);
    let out = std::process::Command::new("ffmpeg")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.len(), normal.len(), "same frames");
    let diffs: Vec<u8> = out
        .stdout
        .iter()
        .zip(normal)
        .map(|(a, b)| a.abs_diff(*b))
        .collect();
    let over = diffs.iter().filter(|d| **d > 2).count() as f64 / diffs.len() as f64;
    let mean = diffs.iter().map(|d| *d as f64).sum::<f64>() / diffs.len() as f64;
    (over, mean)
}

#[test]
fn prores_and_vp9_overlays_composite_to_the_normal_render() {
    let fx = common::fixture(
        320,
        180,
        6.0,
        r##", "upcoming": {"outline": {"width": 2}}, "current": {"weight": "bold", "color": "#ffd54a", "outline": {"width": 2}, "shadow": {"offset": [3, 3], "blur": 4, "color": "#000000a0"}}, "spoken": {"weight": "bold", "color": "#ffffff", "outline": {"width": 2}}"##,
    );
    let d = fx.dir.path();
    // The same project with every look invisible: the background alone, frame for frame.
    let mut bg_only: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    for state in ["upcoming", "current", "spoken"] {
        bg_only["style"][state] = json!({"color": "#00000000"});
    }
    let bg_project = d.join("bg-only.json");
    std::fs::write(&bg_project, bg_only.to_string()).unwrap();
    let (normal, bg) = (d.join("normal.mp4"), d.join("bg.mp4"));
    common::render_cpu(&fx.project, &normal, &["--quality", "0"]);
    common::render_cpu(&bg_project, &bg, &["--quality", "0"]);
    let normal_raw = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i", normal.to_str().unwrap()])
        .args(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(normal_raw.len(), 180 * 320 * 180 * 3 / 2);

    let mov = d.join("overlay.mov");
    common::render_cpu(&fx.project, &mov, &["--transparent"]);
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,profile,pix_fmt",
        ])
        .args(["-of", "compact", mov.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&probe.stdout);
    assert!(
        text.contains("codec_name=prores|profile=4444|pix_fmt=yuva444p"),
        "{text}"
    );
    assert!(
        text.contains("codec_name=aac"),
        "the narration is in it: {text}"
    );
    let (over, mean) = composite_vs_normal(&bg, &mov, &[], &normal_raw);
    assert!(
        over < 0.002 && mean < 0.1,
        "ProRes 4444: {over} over 2 levels, mean {mean}"
    );

    let webm = d.join("overlay.webm");
    common::render_cpu(&fx.project, &webm, &["--transparent", "--quality", "10"]);
    // FFmpeg's own VP9 decoder drops the alpha; libvpx's reads it.
    let (over, mean) = composite_vs_normal(&bg, &webm, &["-c:v", "libvpx-vp9"], &normal_raw);
    assert!(
        over < 0.01 && mean < 0.2,
        "VP9 alpha: {over} over 2 levels, mean {mean}"
    );

    // No alpha where the codec has none.
    let o = common::gpucast(&[
        "render",
        fx.project.to_str().unwrap(),
        "--transparent",
        "--codec",
        "h264",
        "-o",
        d.join("x.mov").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("h264 has no alpha"));
    assert!(!d.join("x.mov").exists());
}

/// The README's editor overlay of the bundled demo (`--transparent -o overlay.mov`): ProRes
/// 4444 with alpha, every frame of the timeline, the text opaque and the rest transparent.
#[test]
fn the_bundled_demo_as_a_prores_overlay() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = root.join("assets/demo/project.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("overlay.mov");
    common::render_cpu(&project, &out, &["--transparent"]);
    let p = gpucast::prepare(&project).unwrap();
    let probe = common::ffmpeg_cli(&["-i", out.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&probe.stderr);
    assert!(
        info.contains("prores (4444)") && info.contains("yuva444p"),
        "{info}"
    );
    assert!(info.contains("Audio: aac"), "{info}");
    // Frame 400 (13.3 s, mid-slide): its alpha plane, 8-bit, from FFmpeg.
    let alpha = common::ffmpeg_cli(&[
        "-i",
        out.to_str().unwrap(),
        "-vf",
        "select=eq(n\\,400),alphaextract",
        "-frames:v",
        "1",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-",
    ]);
    assert!(alpha.status.success());
    let a = &alpha.stdout;
    assert_eq!(a.len(), 1920 * 1080);
    let clear = a.iter().filter(|&&v| v == 0).count();
    let solid = a.iter().filter(|&&v| v == 255).count();
    assert!(clear > a.len() * 3 / 4, "{clear} transparent pixels");
    assert!(solid > 5000, "{solid} opaque pixels of text");
    let frames = common::ffmpeg_cli(&[
        "-i",
        out.to_str().unwrap(),
        "-map",
        "0:v",
        "-c",
        "copy",
        "-f",
        "null",
        "-",
    ]);
    let log = String::from_utf8_lossy(&frames.stderr);
    let count: u64 = log
        .rsplit("frame=")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("ffmpeg's frame count");
    assert_eq!(count, p.timeline.frame_count);
}
