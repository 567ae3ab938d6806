//! Image layers (`layers`): read back from rendered frames. A logo's pixels are the image's,
//! laid over the background at its place; anchors put it within its margin of the edges; a
//! still layer adds no distinct frame; it lies over a video background's frames too; bad layers
//! are named by their path. GPU against CPU: tests/gpu.rs ("video-backgrounds" has layers).

mod common;

use std::path::Path;

use common::*;
use serde_json::json;

/// The fixture with `layers` added (and a plain colour background, to compute what a frame
/// must show).
fn with_layers(fx: &Fixture, background: serde_json::Value, layers: serde_json::Value) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    v["background"] = background;
    v["layers"] = layers;
    std::fs::write(&fx.project, v.to_string()).unwrap();
}

/// Frame `i` of a render as straight RGBA: `render -o frames/` (drawn as RGBA, no YUV).
fn rgba_frames(project: &Path) -> std::path::PathBuf {
    let out = project.with_file_name("frames");
    let arg = format!("{}/", out.display());
    assert_ok(&gpucast(&[
        "render",
        project.to_str().unwrap(),
        "--backend",
        "cpu",
        "-o",
        &arg,
    ]));
    out
}

fn frame(dir: &Path, i: usize) -> image::RgbaImage {
    image::open(dir.join(format!("{i:06}.png")))
        .unwrap()
        .to_rgba8()
}

/// `logo` (straight RGBA) at opacity over an opaque `bg`, by the format's rule.
fn expected(bg: [u8; 3], logo: image::Rgba<u8>, opacity: f64) -> [u8; 3] {
    let a = (logo[3] as f64 * opacity).round();
    let mut out = [0u8; 3];
    for c in 0..3 {
        out[c] = ((bg[c] as f64 * (255.0 - a) + logo[c] as f64 * a) / 255.0).round() as u8;
    }
    out
}

#[test]
fn a_logo_is_the_image_at_its_place() {
    let fx = fixture(320, 180, 2.0, "");
    write_logo(&fx.dir.path().join("logo.png"), 40, 20);
    with_layers(
        &fx,
        json!({"color": "#204060"}),
        json!([
            {"type": "image", "file": "logo.png", "position": [7, 9], "opacity": 0.8},
            {"type": "image", "file": "logo.png", "position": "bottom-right", "margin": 10}
        ]),
    );
    let frames = rgba_frames(&fx.project);
    let logo = image::open(fx.dir.path().join("logo.png"))
        .unwrap()
        .to_rgba8();
    let bg = [0x20, 0x40, 0x60];
    for i in [0, 30, 59] {
        let f = frame(&frames, i);
        let mut worst = 0u8;
        for (lx, ly, p) in logo.enumerate_pixels() {
            for (x0, y0, opacity) in [(7, 9, 0.8), (320 - 10 - 40, 180 - 10 - 20, 1.0)] {
                let want = expected(bg, *p, opacity);
                let got = f.get_pixel(x0 + lx, y0 + ly);
                for c in 0..3 {
                    worst = worst.max(got[c].abs_diff(want[c]));
                }
            }
        }
        assert!(worst <= 2, "frame {i}: the logo is off by {worst} levels");
        // Around it, the background.
        assert_eq!(f.get_pixel(6, 9).0[..3], bg);
        assert_eq!(f.get_pixel(47, 9).0[..3], bg);
        assert_eq!(f.get_pixel(269, 149).0[..3], bg);
    }
}

#[test]
fn a_still_layer_adds_no_distinct_frame() {
    let fx = fixture(320, 180, 4.0, "");
    let before = gpucast::prepare(&fx.project).unwrap();
    write_logo(&fx.dir.path().join("logo.png"), 40, 20);
    with_layers(
        &fx,
        json!({"image": "background.png"}),
        json!([{"type": "image", "file": "logo.png", "position": "top-left"}]),
    );
    let after = gpucast::prepare(&fx.project).unwrap();
    assert_eq!(after.timeline.runs, before.timeline.runs);
    assert_eq!(after.project.layers.len(), 1);
    let l = &after.project.layers[0];
    assert_eq!(l.place.corner(l.size.unwrap(), (320, 180)), Some((7, 7)));
    // Laid over the background once: nothing is drawn per frame.
    assert!(after.scene.layers.live.is_empty());
}

#[test]
fn a_logo_lies_over_a_video_background() {
    let fx = fixture(320, 180, 2.0, "");
    write_clip(&fx.dir.path().join("clip.mp4"), 320, 180, 30, 60);
    // Opaque: its pixels whatever the clip shows under them.
    image::RgbaImage::from_fn(30, 16, |x, y| {
        image::Rgba([(x * 8) as u8, (y * 15) as u8, 200, 255])
    })
    .save(fx.dir.path().join("logo.png"))
    .unwrap();
    with_layers(
        &fx,
        json!({"video": "clip.mp4"}),
        json!([{"type": "image", "file": "logo.png", "position": "top"}]),
    );
    let frames = rgba_frames(&fx.project);
    let x0 = (320 - 30) / 2;
    let y0 = (180f64.min(320.0) * 0.04).round() as u32;
    for i in [0, 17, 45] {
        let f = frame(&frames, i);
        for y in 0..16 {
            for x in 0..30 {
                assert_eq!(
                    f.get_pixel(x0 + x, y0 + y).0[..3],
                    [(x * 8) as u8, (y * 15) as u8, 200],
                    "frame {i} at ({x}, {y}) of the logo"
                );
            }
        }
    }
}

#[test]
fn bad_layers_are_named() {
    let fx = fixture(320, 180, 2.0, "");
    write_logo(&fx.dir.path().join("logo.png"), 40, 20);
    std::fs::write(fx.dir.path().join("not.png"), b"not an image").unwrap();
    for (layer, needle) in [
        (
            json!({"type": "waveform"}),
            "layers[0].type: \"waveform\" is not a layer type",
        ),
        (json!({"file": "logo.png"}), "layers[0].type: required"),
        (json!({"type": "image"}), "layers[0].file: required"),
        (
            json!({"type": "image", "file": "gone.png"}),
            "layers[0].file:",
        ),
        (
            json!({"type": "image", "file": "not.png"}),
            "layers[0].file: cannot read",
        ),
        (
            json!({"type": "image", "file": "logo.png", "position": "middle"}),
            "layers[0].position: \"middle\" is not [x, y] or one of top-left",
        ),
        (
            json!({"type": "image", "file": "logo.png", "size": [0, 10]}),
            "layers[0].size: [0, 10]",
        ),
        (
            json!({"type": "image", "file": "logo.png", "opacity": 1.5}),
            "layers[0].opacity: 1.5: 0 to 1",
        ),
        (
            json!({"type": "image", "file": "logo.png", "start": 2}),
            "unknown field `start`",
        ),
    ] {
        with_layers(&fx, json!({"color": "#000000"}), json!([layer]));
        assert_invalid(&fx.project, needle);
    }
}
