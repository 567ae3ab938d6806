//! Layers (`layers`), read back from rendered frames. A logo's pixels are the image's, laid
//! over the background at its place; anchors put it within its margin of the edges; a still
//! layer adds no distinct frame; it lies over a video background's frames too. A waveform's
//! bars follow the narration's loudness as this test measures it and lie flat (and still) in
//! silence; a progress bar's filled width is t / duration of its width; a title shows inside
//! its time range only; bad layers are named by their path. GPU against CPU: tests/gpu.rs
//! ("video-backgrounds" and "live-layers").

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
            {"type": "image", "file": "logo.png", "position": "bottom-right", "margin": 10},
            // From half a second on, drawn per frame rather than flattened: the same pixels.
            {"type": "image", "file": "logo.png", "position": [150, 9], "start": 0.5}
        ]),
    );
    let p = gpucast::prepare(&fx.project).unwrap();
    assert_eq!(
        p.scene.layers.live.len(),
        1,
        "the timed logo is drawn per frame"
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
            let timed = (i >= 15).then_some((150, 9, 1.0));
            let places = [(7, 9, 0.8), (320 - 10 - 40, 180 - 10 - 20, 1.0)];
            for (x0, y0, opacity) in places.into_iter().chain(timed) {
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
        if i < 15 {
            assert_eq!(
                f.get_pixel(189, 28).0[..3],
                bg,
                "frame {i}: before its start"
            );
        }
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
    // Fading in from the first frame, it is drawn per frame.
    with_layers(
        &fx,
        json!({"image": "background.png"}),
        json!([{"type": "image", "file": "logo.png", "fade": 1.0}]),
    );
    let fading = gpucast::prepare(&fx.project).unwrap();
    assert_eq!(fading.scene.layers.live.len(), 1);
    assert_eq!(fading.timeline.key_at(0).unwrap().layers(), [0]);
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
            json!({"type": "sparkles"}),
            "layers[0].type: \"sparkles\" is not a layer type",
        ),
        (
            json!({"type": "waveform", "bars": 0}),
            "layers[0].bars: 0: a whole number from 1 to 256",
        ),
        (
            json!({"type": "waveform", "style": "zigzag"}),
            "layers[0].style: \"zigzag\" is not one of bars, mirror, line",
        ),
        (
            json!({"type": "waveform", "bars": 200, "size": [100, 40]}),
            "layers[0].size: 100 pixels wide cannot hold 200 bars",
        ),
        (
            json!({"type": "progress", "file": "logo.png"}),
            "layers[0].file: not a field of this type of layer",
        ),
        (
            json!({"type": "progress", "color": "blue"}),
            "layers[0].color: \"blue\" is not a color",
        ),
        (json!({"type": "text"}), "layers[0].text: required"),
        (
            json!({"type": "text", "text": "Hi", "size": [10, 10]}),
            "layers[0].size: a text layer is the size of its text",
        ),
        (
            json!({"type": "text", "text": "Hi", "style": {"font_size": -3}}),
            "layers[0].style.font_size",
        ),
        (
            json!({"type": "progress", "start": 2, "end": 1}),
            "layers[0].end: 1 is not after start (2)",
        ),
        (
            json!({"type": "progress", "fade": -1}),
            "layers[0].fade: -1",
        ),
        (
            json!({"type": "image", "file": "logo.png", "size": [8192, 8192]}),
            "layers: the images take 256 MiB at their sizes, over the limit of 128 MiB",
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
            json!({"type": "image", "file": "logo.png", "begin": 2}),
            "unknown field `begin`",
        ),
    ] {
        with_layers(&fx, json!({"color": "#000000"}), json!([layer]));
        assert_invalid(&fx.project, needle);
    }
}

/// The fixture's narration replaced by a voice-like sound from `from` to `to` seconds.
fn with_voice(fx: &Fixture, seconds: f64, from: f64, to: f64) -> Vec<i16> {
    let samples = voice(seconds, from, to);
    write_pcm(&fx.dir.path().join("narration.wav"), &samples);
    samples
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn a_waveform_follows_the_narration_and_rests_in_silence() {
    let seconds = 4.0;
    let fx = fixture(320, 180, seconds, r#", "vertical_align": "bottom""#);
    let samples = with_voice(&fx, seconds, 0.6, 3.0);
    // 16 bars of 14 pixels, 20 apart, standing on the bottom of a 60-pixel band at the top.
    with_layers(
        &fx,
        json!({"color": "#000000"}),
        json!([{"type": "waveform", "bars": 16, "color": "#ffffff", "position": [0, 0],
                "size": [320, 60]}]),
    );
    let frames = rgba_frames(&fx.project);
    let count = (seconds * 30.0) as usize;
    // Each bar's height: the white pixels in the column through its middle.
    let heights: Vec<Vec<u32>> = (0..count)
        .map(|i| {
            let f = frame(&frames, i);
            (0..16)
                .map(|b| {
                    (0..60)
                        .filter(|&y| f.get_pixel(b * 20 + 7, y).0[..3] == [255; 3])
                        .count() as u32
                })
                .collect()
        })
        .collect();
    // The loudness this test measures: RMS over each frame's own thirtieth of a second.
    let rate = RATE as f64;
    let rms: Vec<f64> = (0..count)
        .map(|i| {
            let centre = i as f64 / 30.0 * rate;
            let span = (centre - rate / 60.0).max(0.0) as usize
                ..((centre + rate / 60.0) as usize).min(samples.len());
            let n = span.len() as f64;
            (samples[span]
                .iter()
                .map(|&s| (s as f64 / 32768.0).powi(2))
                .sum::<f64>()
                / n)
                .sqrt()
        })
        .collect();
    let spoken: Vec<usize> = (0..count).filter(|&i| rms[i] > 0.0).collect();
    let mean: Vec<f64> = spoken
        .iter()
        .map(|&i| heights[i].iter().sum::<u32>() as f64 / 16.0)
        .collect();
    let loud: Vec<f64> = spoken.iter().map(|&i| rms[i]).collect();
    let r = correlation(&mean, &loud);
    eprintln!("bar heights against the RMS: correlation {r:.3}");
    assert!(
        r > 0.9,
        "bar heights against the narration's RMS: correlation {r:.3}"
    );
    // In silence (before the voice, and once the bars have fallen after it) every bar is the
    // least one, 2 pixels, and the frames' layer values are equal: still frames.
    let p = gpucast::prepare(&fx.project).unwrap();
    for i in (0..15).chain(105..count) {
        assert!(
            heights[i].iter().all(|&h| h == 2),
            "frame {i}: {:?}",
            heights[i]
        );
        assert_eq!(
            p.timeline.key_at(i as u64).unwrap().layers(),
            p.timeline.key_at(0).unwrap().layers(),
            "frame {i}"
        );
    }
    // While the voice sounds the bars move.
    let moving = (20..90).filter(|&i| heights[i] != heights[i - 1]).count();
    assert!(moving > 60, "{moving} of 70 spoken frames changed");
}

#[test]
fn a_progress_bar_fills_as_the_video_plays() {
    let seconds = 3.0;
    let fx = fixture(320, 180, seconds, r#", "vertical_align": "bottom""#);
    with_layers(
        &fx,
        json!({"color": "#000000"}),
        json!([{"type": "progress", "color": "#ff0000", "track": "#0000ff",
                "position": [10, 4], "size": [300, 6]}]),
    );
    let frames = rgba_frames(&fx.project);
    for i in 0..(seconds * 30.0) as usize {
        let f = frame(&frames, i);
        for y in 4..10 {
            let filled = (10..310)
                .filter(|&x| f.get_pixel(x, y).0[..3] == [255, 0, 0])
                .count();
            let track = (10..310)
                .filter(|&x| f.get_pixel(x, y).0[..3] == [0, 0, 255])
                .count();
            let want = 300.0 * (i as f64 / 30.0) / seconds;
            assert!(
                (filled as f64 - want).abs() <= 1.0,
                "frame {i}: {filled} filled, {want:.1} due"
            );
            assert_eq!(filled + track, 300, "frame {i}");
        }
        assert_eq!(f.get_pixel(5, 6).0[..3], [0, 0, 0], "outside the bar");
    }
}

#[test]
fn a_title_shows_inside_its_time_range_only() {
    let seconds = 3.0;
    let fx = fixture(320, 180, seconds, r#", "vertical_align": "bottom""#);
    with_layers(
        &fx,
        json!({"color": "#102030"}),
        json!([{"type": "text", "text": "Episode 42", "start": 1.0, "end": 2.0,
                "style": {"font_size": 30, "vertical_align": "top",
                          "spoken": {"color": "#ffd54a"}}}]),
    );
    let p = gpucast::prepare(&fx.project).unwrap();
    let live = &p.scene.layers.live[0];
    assert!(live.y < 60 && live.width > 60, "{live:?}");
    let frames = rgba_frames(&fx.project);
    for i in 0..(seconds * 30.0) as usize {
        let f = frame(&frames, i);
        let lit = (0..live.height)
            .flat_map(|y| (0..live.width).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                f.get_pixel(live.x as u32 + x, live.y as u32 + y).0[..3] != [0x10, 0x20, 0x30]
            })
            .count();
        let inside = (30..60).contains(&i);
        assert_eq!(lit > 0, inside, "frame {i}: {lit} pixels of the title");
        if inside {
            // The title's colour shows whole (no fade asked for).
            assert!((0..live.height).any(|y| (0..live.width).any(|x| {
                f.get_pixel(live.x as u32 + x, live.y as u32 + y).0[..3] == [0xff, 0xd5, 0x4a]
            })));
        }
    }
}

/// `gpucast render assets/audiogram/project.json` makes the clip the README shows: every frame
/// there, nearly all distinct, the waveform moving with the voice and the progress bar filling.
#[test]
fn the_audiogram_example_renders() {
    let (p, video) = render_bundled("audiogram");
    assert_eq!((video.width, video.height), (1080, 1080));
    assert_eq!(video.frames.len() as u64, p.timeline.frame_count);
    assert!(p.timeline.distinct_frames() as u64 > p.timeline.frame_count * 9 / 10);
    assert_eq!(
        p.scene.layers.live.len(),
        3,
        "a title, the waveform, the progress bar"
    );
    // The progress bar's filled part (yellow: high luma) along the bottom rows.
    let filled = |i: usize| {
        let y = &video.frames[i].1;
        (0..1080).filter(|&x| y[1075 * 1080 + x] > 150).count()
    };
    let last = video.frames.len() - 1;
    assert!(filled(0) < 5, "{}", filled(0));
    assert!(
        (filled(last / 2) as i64 - 540).abs() < 8,
        "{}",
        filled(last / 2)
    );
    assert!(filled(last) > 1060, "{}", filled(last));
}
