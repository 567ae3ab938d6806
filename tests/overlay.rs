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
fn a_transparent_frame_is_an_rgba_png_and_the_gpu_refuses_it() {
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
    let o = common::gpucast(&[
        "frame",
        p,
        "--at",
        "1.0",
        "--transparent",
        "--backend",
        "gpu",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--transparent"));
}
