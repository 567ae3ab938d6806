//! The GPU renderer against the CPU reference, on small generated projects, and end to end.
//!
//! These tests need a wgpu adapter that runs compute shaders (in CI: Mesa's lavapipe, a software
//! Vulkan driver). Without one they are skipped with a message, unless `GPUCAST_REQUIRE_GPU` is
//! set, in which case they fail. Scenes are kept small: lavapipe runs the shader on the CPU.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gpucast::render::cpu::CpuRenderer;
use gpucast::render::gpu::GpuRenderer;
use gpucast::render::{Renderer, Yuv420};
use gpucast::timeline::FrameKey;
use gpucast::{Backend, Output, RenderJob, RenderOptions, VideoSettings};
use serde_json::json;

/// Measured on lavapipe: the shader reproduces the CPU exactly. A little slack is left for
/// drivers that fuse multiply-adds or round differently; the design allows at most 2.
const MAX_DIFF: u8 = 1;
const MEAN_DIFF: f64 = 0.01;

/// Whether a usable adapter exists; fails instead of skipping when CI says one must.
fn gpu_available() -> bool {
    let adapters = gpucast::render::gpu::list_adapters();
    let usable = adapters.iter().any(|a| !a.contains("not usable"));
    if !usable {
        assert!(
            std::env::var_os("GPUCAST_REQUIRE_GPU").is_none(),
            "GPUCAST_REQUIRE_GPU is set but no usable GPU adapter was found: {adapters:?}"
        );
        eprintln!("skipping: no usable GPU adapter (set GPUCAST_REQUIRE_GPU to make this fail)");
    }
    usable
}

const TEXT: &[&str] = &[
    "Quick",
    "brown",
    "foxes",
    "jump",
    "over",
    "lazy",
    "dogs,",
    "while",
    "seven",
    "bright",
    "engineers",
    "render",
    "narrated",
    "slides",
    "with",
    "careful",
    "timing.",
];

/// Timed words filling `start..end`.
fn words(start: f64, end: f64, n: usize) -> serde_json::Value {
    let step = (end - start - 0.2) / n as f64;
    let ws: Vec<_> = (0..n)
        .map(|i| {
            let s = start + 0.1 + i as f64 * step;
            json!({"text": TEXT[i % TEXT.len()], "start": s, "end": s + step * 0.7})
        })
        .collect();
    json!(ws)
}

/// Writes project.json and narration.wav into `dir`.
fn write_project(
    dir: &Path,
    (width, height): (u32, u32),
    seconds: f64,
    background: serde_json::Value,
    style: serde_json::Value,
    slides: serde_json::Value,
) -> PathBuf {
    common::write_wav(&dir.join("narration.wav"), seconds, &[]);
    let project = json!({
        "video": {"width": width, "height": height, "fps": 30},
        "audio": "narration.wav",
        "background": background,
        "style": style,
        "slides": slides,
    });
    let path = dir.join("project.json");
    std::fs::write(&path, serde_json::to_string_pretty(&project).unwrap()).unwrap();
    path
}

fn write_gradient_png(path: &Path, width: u32, height: u32) {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (40 + y * 150 / height) as u8,
            ((x ^ y) & 0x7f) as u8 + 60,
        ])
    });
    img.save(path).unwrap();
}

struct Case {
    name: &'static str,
    dir: tempfile::TempDir,
    project: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut add = |name, size, bg: &dyn Fn(&Path) -> serde_json::Value, style, slides| {
        let dir = tempfile::tempdir().unwrap();
        let background = bg(dir.path());
        let project = write_project(dir.path(), size, 3.0, background, style, slides);
        out.push(Case { name, dir, project });
    };
    // Width 322: not a multiple of the shader's 8-pixel block. Translucent colors, mid-fades.
    add(
        "left-top-alpha",
        (322, 180),
        &|_| json!({"color": "#203040"}),
        json!({
            "font_size": 22, "margin": 12, "align": "left", "vertical_align": "top",
            "upcoming": {"weight": "regular", "color": "#b8c2d680"},
            "current": {"weight": "bold", "color": "#ffd54a"},
            "spoken": {"weight": "bold", "color": "#ffffffc0"},
            "fade": 0.4
        }),
        json!([{"start": 0.0, "end": 3.0, "words": words(0.0, 3.0, 16)}]),
    );
    // An image background, right/bottom, bold upcoming words, two slides.
    add(
        "right-bottom-image",
        (322, 180),
        &|dir| {
            write_gradient_png(&dir.join("bg.png"), 400, 300);
            json!({"image": "bg.png", "fit": "cover"})
        },
        json!({
            "font_size": 26, "margin": 10, "align": "right", "vertical_align": "bottom",
            "upcoming": {"weight": "bold", "color": "#ff204080"},
            "current": {"weight": "regular", "color": "#20ff40"},
            "spoken": {"weight": "regular", "color": "#8080ffe0"},
            "fade": 0.3
        }),
        json!([
            {"start": 0.0, "end": 1.5, "words": words(0.0, 1.5, 6)},
            {"start": 1.5, "end": 3.0, "words": words(1.5, 3.0, 9)}
        ]),
    );
    // Dark text on a light background, centred, cut (no fade), with a gap between slides.
    add(
        "center-light",
        (320, 180),
        &|_| json!({"color": "#f0eee0"}),
        json!({
            "font_size": 30, "margin": 14, "align": "center", "vertical_align": "center",
            "upcoming": {"weight": "regular", "color": "#102030"},
            "current": {"weight": "bold", "color": "#c01010e0"},
            "spoken": {"weight": "regular", "color": "#000000"},
            "fade": 0.0
        }),
        json!([
            {"start": 0.2, "end": 1.4, "words": words(0.2, 1.4, 5)},
            {"start": 1.8, "end": 3.0, "words": words(1.8, 3.0, 7)}
        ]),
    );
    // Effects over a photo-like image: an outline in every state, a blurred translucent shadow
    // that changes with the state, a slide that overrides the outline's colour.
    add(
        "outline-shadow-box",
        (322, 182),
        &|dir| {
            write_gradient_png(&dir.join("bg.png"), 400, 300);
            json!({"image": "bg.png", "fit": "cover"})
        },
        json!({
            "font_size": 28, "margin": 12, "fade": 0.3,
            "upcoming": {"weight": "regular", "color": "#ffffffd0",
                         "outline": {"width": 2, "color": "#000000"}},
            "current": {"weight": "bold", "color": "#ffd54a", "wipe": true,
                        "outline": {"width": 3, "color": "#202020c0"},
                        "shadow": {"offset": [3, 4], "blur": 5, "color": "#000000a0"}},
            "spoken": {"weight": "bold", "color": "#ffffff",
                       "outline": {"width": 2}, "shadow": {"offset": 2, "blur": 0},
                       "box": {"color": "#2040a0c0", "padding": [3, 1], "radius": 0}}
        }),
        json!([
            {"start": 0.0, "end": 1.5, "words": words(0.0, 1.5, 7)},
            {"start": 1.5, "end": 3.0, "words": words(1.5, 3.0, 9),
             "style": {"upcoming": {"outline": {"color": "#400000"}},
                       "current": {"box": {"color": "#ffd54a", "radius": 6.5}}}}
        ]),
    );
    // Per-slide backgrounds: an image, then a colour faded in over it, then the project's
    // colour cut back in (a slide's style sets background_fade 0), over a gap.
    add(
        "slide-backgrounds",
        (322, 180),
        &|dir| {
            write_gradient_png(&dir.join("bg.png"), 300, 400);
            json!({"color": "#203040"})
        },
        json!({"font_size": 24, "margin": 12, "fade": 0.2, "background_fade": 0.6}),
        json!([
            {"start": 0.0, "end": 1.0, "words": words(0.0, 1.0, 5),
             "background": {"image": "bg.png", "fit": "contain"}},
            {"start": 1.0, "end": 2.0, "words": words(1.0, 2.0, 5),
             "background": {"color": "#c03020"}},
            {"start": 2.3, "end": 3.0, "words": words(2.3, 3.0, 4),
             "style": {"background_fade": 0}}
        ]),
    );
    // The pop: the current word grown about its centre over 150 ms with its outline, shadow
    // and box, over its neighbours, the box gliding from the word before; a second slide
    // without the pop.
    add(
        "pop",
        (322, 180),
        &|_| json!({"color": "#203040"}),
        json!({
            "font_size": 26, "margin": 12, "pop_ms": 150,
            "current": {"weight": "bold", "color": "#ffd54a", "scale": 1.3,
                        "outline": {"width": 2, "color": "#000000"},
                        "shadow": {"offset": 2, "blur": 3, "color": "#00000090"},
                        "box": {"color": "#2040a0c0", "radius": 4, "glide_ms": 120}},
            "fade": 0.2
        }),
        json!([
            {"start": 0.0, "end": 2.0, "words": words(0.0, 2.0, 8)},
            {"start": 2.0, "end": 3.0, "words": words(2.0, 3.0, 4),
             "style": {"current": {"scale": 1.0}}}
        ]),
    );
    // Every script and colour emoji: Chinese and Japanese closed up, Devanagari, Hebrew and
    // Arabic with Latin, emoji popping with their outline and shadow and dimmed by a
    // translucent upcoming colour.
    add(
        "scripts-emoji",
        (322, 180),
        &|_| json!({"color": "#203040"}),
        json!({
            "font_size": 24, "margin": 10, "pop_ms": 120,
            "upcoming": {"weight": "regular", "color": "#ffffff90",
                         "shadow": {"offset": 2, "blur": 2, "color": "#00000090"}},
            "current": {"weight": "bold", "color": "#ffd54a", "scale": 1.3,
                        "outline": {"width": 2, "color": "#000000"},
                        "box": {"color": "#2040a0c0", "radius": 4}},
            "fade": 0.2
        }),
        json!([
            {"start": 0.0, "end": 1.5, "text": "我们今天学习机器学习 🎉 「こんにちは」と言いました 🚀"},
            {"start": 1.5, "end": 3.0, "text": "नमस्ते 👋 Hello שלום مرحبا 2024 😀 👍🏽 🇫🇷"}
        ]),
    );
    // Per-word looks: a keyword red in every state with a box, a word that pops on a slide
    // that does not (next to one that does not, so both pop steps and steady words are in one
    // frame), a word wiped, a bold word on a regular slide (synthetic bold made necessary by
    // a word alone), and a slide whose own style a word's looks are laid over.
    add(
        "word-looks",
        (322, 180),
        &|_| json!({"color": "#203040"}),
        json!({
            "font_size": 24, "margin": 10, "pop_ms": 150, "fade": 0.2,
            "upcoming": {"weight": "regular", "color": "#b8c2d6"},
            "current": {"weight": "regular", "color": "#ffd54a"},
            "spoken": {"weight": "regular", "color": "#ffffff"}
        }),
        {
            let mut first = words(0.0, 1.5, 8);
            first[1]["style"] = json!({
                "upcoming": {"color": "#ff3030", "box": {"color": "#40000080", "radius": 3}},
                "current": {"color": "#ff3030", "box": {"color": "#40000080", "radius": 3}},
                "spoken": {"color": "#ff3030", "box": {"color": "#40000080", "radius": 3}}
            });
            first[3]["style"] = json!({"current": {"weight": "bold", "scale": 1.4,
                "outline": {"width": 2, "color": "#000000"}}});
            first[5]["style"] = json!({"current": {"wipe": true, "color": "#30ff60"}});
            first[6]["style"] = json!({"spoken": {"weight": "bold"}});
            first[2]["style"] = json!({"current": {"enter": "rise", "enter_ms": 200,
                "outline": {"width": 2, "color": "#000000"}}});
            first[7]["style"] = json!({"current": {"enter": "fade"}});
            for w in first.as_array_mut().unwrap() {
                w["speaker"] = "A".into();
            }
            let mut second = words(1.5, 3.0, 6);
            second[2]["style"] = json!({"current": {"color": "#ff00ff"},
                                         "spoken": {"outline": {"color": "#ff0000"}}});
            second[0]["style"] = json!({"current": {"enter": "bounce", "enter_ms": 300}});
            second[4]["style"] = json!({"current": {"enter": "typewriter", "enter_ms": 300}});
            json!([
                {"start": 0.0, "end": 1.5, "words": first,
                 "translation": "Le budget était serré 🎯 cette année"},
                {"start": 1.5, "end": 3.0, "words": second,
                 "translation": "الميزانية كانت محدودة",
                 "style": {"spoken": {"outline": {"width": 2, "color": "#000000"}},
                           "upcoming": {"hidden": true}}}
            ])
        },
    );
    // Video backgrounds: the project's clip (4:3 in 16:9, contained: bars), a slide's own
    // (the same clip covering the frame) cross-fading in over it, then an image fading in.
    add(
        "video-backgrounds",
        (322, 180),
        &|dir| {
            common::write_clip(&dir.join("clip.mp4"), 200, 150, 10, 20);
            write_gradient_png(&dir.join("bg.png"), 300, 400);
            json!({"video": "clip.mp4", "fit": "contain"})
        },
        json!({"font_size": 24, "margin": 12, "fade": 0.2, "background_fade": 0.5}),
        json!([
            {"start": 0.0, "end": 1.0, "words": words(0.0, 1.0, 5)},
            {"start": 1.0, "end": 2.0, "words": words(1.0, 2.0, 5),
             "background": {"video": "clip.mp4", "start": 0.3}},
            {"start": 2.0, "end": 3.0, "words": words(2.0, 3.0, 4),
             "background": {"image": "bg.png"}}
        ]),
    );
    // Layers drawn per frame, over a voice: a logo fading in and out, waveforms of every shape
    // (one above the captions, over them), a progress bar, a title fading in over the text.
    add(
        "live-layers",
        (322, 180),
        &|dir| {
            common::write_logo(&dir.join("logo.png"), 40, 20);
            json!({"color": "#182030"})
        },
        json!({"font_size": 24, "margin": 12, "fade": 0.2}),
        json!([
            {"start": 0.2, "end": 1.4, "words": words(0.2, 1.4, 5)},
            {"start": 1.6, "end": 2.9, "words": words(1.6, 2.9, 5)}
        ]),
    );
    // The speaker's name above the first slide, boxed, in a look of its own.
    let case = out.iter().find(|c| c.name == "word-looks").unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&case.project).unwrap()).unwrap();
    v["speakers"] = json!({"A": {"name": "Ana", "label": true,
                                 "style": {"current": {"color": "#40c0ff"}}}});
    v["style"]["label"] = json!({"color": "#ffd54a", "box": {"color": "#00000080", "radius": 3}});
    std::fs::write(&case.project, v.to_string()).unwrap();
    // Layers over every background (a clip, a clip fading in, an image): a soft-edged logo in
    // a corner, and another half off the frame, translucent.
    let case = out.iter().find(|c| c.name == "video-backgrounds").unwrap();
    common::write_logo(&case.dir.path().join("logo.png"), 48, 24);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&case.project).unwrap()).unwrap();
    v["layers"] = json!([
        {"type": "image", "file": "logo.png", "position": "top-right", "margin": 6},
        {"type": "image", "file": "logo.png", "position": [-20, 150], "size": [60, 40], "opacity": 0.6}
    ]);
    std::fs::write(&case.project, v.to_string()).unwrap();
    let case = out.iter().find(|c| c.name == "live-layers").unwrap();
    common::write_pcm(
        &case.dir.path().join("narration.wav"),
        &common::voice(3.0, 0.3, 2.6),
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&case.project).unwrap()).unwrap();
    v["layers"] = json!([
        {"type": "image", "file": "logo.png", "position": [281, -5], "start": 0.5, "end": 2.5, "fade": 0.4},
        {"type": "waveform", "style": "mirror", "bars": 21, "color": "#80c0ffc0", "position": [5, 40], "size": [312, 70]},
        {"type": "waveform", "style": "bars", "bars": 9, "color": "#ffffff", "position": [-7, 120], "size": [100, 50], "opacity": 0.7},
        {"type": "waveform", "style": "line", "bars": 13, "color": "#ffd54a", "position": [30, 60], "size": [260, 80], "above": true},
        {"type": "progress", "color": "#ff4040", "track": "#ffffff30", "size": [322, 5]},
        {"type": "text", "text": "Episode 42", "start": 0.1, "fade": 0.5, "above": true,
         "style": {"font_size": 20, "vertical_align": "top", "margin": 8,
                   "spoken": {"color": "#ffffffd0", "outline": {"width": 2, "color": "#000000"}}}}
    ]);
    std::fs::write(&case.project, v.to_string()).unwrap();
    out
}

/// Renders `keys` the way the pipeline does: batches, `depth()` of them in flight.
fn render_all(r: &mut dyn Renderer, keys: &[FrameKey]) -> (Vec<Yuv420>, usize) {
    let batches: Vec<&[FrameKey]> = keys.chunks(r.batch_size().max(1)).collect();
    let mut out = Vec::new();
    let mut next = 0;
    let mut in_flight = 0;
    while out.len() < keys.len() {
        while in_flight < r.depth() && next < batches.len() {
            r.submit(batches[next]).unwrap();
            next += 1;
            in_flight += 1;
        }
        out.extend(
            r.finish()
                .unwrap()
                .into_iter()
                .map(|f| f.into_yuv().unwrap()),
        );
        in_flight -= 1;
    }
    (out, batches.len())
}

#[derive(Debug, Default, Clone, Copy)]
struct Diff {
    max: u8,
    sum: u64,
    count: u64,
}

impl Diff {
    fn add(&mut self, a: &[u8], b: &[u8]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            let d = x.abs_diff(*y);
            self.max = self.max.max(d);
            self.sum += d as u64;
        }
        self.count += a.len() as u64;
    }
    fn mean(&self) -> f64 {
        self.sum as f64 / self.count.max(1) as f64
    }
}

fn save_failure(case: &str, i: usize, cpu: &Yuv420, gpu: &Yuv420) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gpu-vs-cpu");
    std::fs::create_dir_all(&dir).unwrap();
    cpu.to_rgb()
        .save(dir.join(format!("{case}-{i}-cpu.png")))
        .unwrap();
    gpu.to_rgb()
        .save(dir.join(format!("{case}-{i}-gpu.png")))
        .unwrap();
    let (w, h) = (gpu.width, gpu.height);
    let (cy, gy) = (cpu.planes().0, gpu.planes().0);
    let diff = image::GrayImage::from_fn(w, h, |x, y| {
        let k = (y * w + x) as usize;
        image::Luma([cy[k].abs_diff(gy[k]).saturating_mul(64)])
    });
    diff.save(dir.join(format!("{case}-{i}-diff.png"))).unwrap();
    eprintln!("wrote {case}-{i}-{{cpu,gpu,diff}}.png to {}", dir.display());
}

#[test]
fn gpu_matches_cpu() {
    if !gpu_available() {
        return;
    }
    for case in cases() {
        let p = gpucast::prepare(&case.project).unwrap();
        let mut keys: Vec<FrameKey> = p.timeline.runs.iter().map(|r| r.key.clone()).collect();
        // A batch that mixes blank frames, slides and fade levels out of timeline order, with
        // the background alone of every backdrop a slide frame shows.
        let mut backdrops: Vec<_> = keys.iter().map(FrameKey::backdrop).collect();
        backdrops.sort_by_key(|b| (b.from, b.to, b.mix));
        backdrops.dedup();
        // With the layers hidden: the background alone.
        let hidden = vec![0u16; p.scene.layers.values];
        for &b in &backdrops {
            keys.push(FrameKey::Blank {
                backdrop: b,
                layers: hidden.clone(),
            });
        }
        let third = keys.len() / 3;
        keys.rotate_left(third);
        let fades = keys
            .iter()
            .filter(|k| matches!(k, FrameKey::Slide { fade, .. } if *fade < 255))
            .count();
        let opts = RenderOptions {
            threads: 1,
            batch: 7,
            adapter: None,
        };
        let mut cpu = CpuRenderer::new(p.scene.clone(), &opts).unwrap();
        let mut gpu = GpuRenderer::new(p.scene.clone(), &opts, false).unwrap();
        // Clip frames decoded ahead for one, as asked for the other: the same pixels.
        gpu.decode_ahead(&mut keys.iter());
        let (want, _) = render_all(&mut cpu, &keys);
        let (got, batches) = render_all(&mut gpu, &keys);
        assert_eq!(
            gpu.submissions(),
            batches as u64,
            "one submission per batch"
        );
        assert_eq!(got.len(), keys.len());

        // The comparison means something only if text was drawn over the background.
        let blank = |b| {
            let i = keys
                .iter()
                .position(|k| {
                    *k == FrameKey::Blank {
                        backdrop: b,
                        layers: hidden.clone(),
                    }
                })
                .unwrap();
            &got[i]
        };
        let with_text = keys
            .iter()
            .zip(&got)
            .filter(|(k, g)| {
                matches!(k, FrameKey::Slide { .. }) && g.data != blank(k.backdrop()).data
            })
            .count();
        let slides = keys
            .iter()
            .filter(|k| matches!(k, FrameKey::Slide { .. }))
            .count();
        assert!(
            with_text * 10 >= slides * 9,
            "{}: only {with_text} of {slides} slide frames show text",
            case.name
        );
        if std::env::var_os("GPUCAST_SAVE_FRAMES").is_some() {
            for i in [0, keys.len() / 2] {
                save_failure(case.name, i, &want[i], &got[i]);
            }
        }

        let mut planes = [Diff::default(); 3];
        let mut worst = (0, 0u8);
        for (i, (c, g)) in want.iter().zip(&got).enumerate() {
            assert_eq!((g.width, g.height), (c.width, c.height));
            let (cp, gp) = (c.planes(), g.planes());
            let before = planes.map(|d| d.max);
            planes[0].add(cp.0, gp.0);
            planes[1].add(cp.1, gp.1);
            planes[2].add(cp.2, gp.2);
            let m = planes.iter().map(|d| d.max).max().unwrap();
            if m > before.into_iter().max().unwrap() && m > worst.1 {
                worst = (i, m);
            }
        }
        eprintln!(
            "{}: {} frames ({fades} mid-fade) in {batches} batches on {}: \
             max/mean abs diff Y {}/{:.5} U {}/{:.5} V {}/{:.5}",
            case.name,
            keys.len(),
            gpu.describe(),
            planes[0].max,
            planes[0].mean(),
            planes[1].max,
            planes[1].mean(),
            planes[2].max,
            planes[2].mean(),
        );
        let bad = planes
            .iter()
            .any(|d| d.max > MAX_DIFF || d.mean() >= MEAN_DIFF);
        if bad {
            save_failure(case.name, worst.0, &want[worst.0], &got[worst.0]);
        }
        assert!(
            !bad,
            "{}: GPU differs from CPU beyond max {MAX_DIFF} / mean {MEAN_DIFF}",
            case.name
        );
        drop(case.dir);
    }
}

/// RGBA frames (image sequences, `--transparent` overlays): the GPU's straight alpha and
/// colours are the CPU's, over nothing and over the background, on every case.
#[test]
fn gpu_rgba_matches_cpu() {
    if !gpu_available() {
        return;
    }
    for case in cases() {
        let p = gpucast::prepare(&case.project).unwrap();
        let keys: Vec<FrameKey> = p.timeline.runs.iter().map(|r| r.key.clone()).collect();
        let opts = RenderOptions {
            threads: 1,
            batch: 5,
            adapter: None,
        };
        for transparent in [true, false] {
            let mut cpu = CpuRenderer::new(p.scene.clone(), &opts).unwrap();
            let mut gpu = GpuRenderer::rgba(p.scene.clone(), &opts, false, transparent).unwrap();
            gpu.decode_ahead(&mut keys.iter());
            let mut worst = 0u8;
            let mut partial = 0usize;
            for batch in keys.chunks(gpu.batch_size()) {
                gpu.submit(batch).unwrap();
                let got = gpu.finish().unwrap();
                for (k, g) in batch.iter().zip(got) {
                    let g = g.into_rgba().unwrap();
                    let c = cpu.rgba(k, transparent).unwrap();
                    assert_eq!(g.dimensions(), c.dimensions());
                    for (a, b) in g.as_raw().iter().zip(c.as_raw()) {
                        worst = worst.max(a.abs_diff(*b));
                    }
                    partial += c.pixels().filter(|px| px[3] != 0 && px[3] != 255).count();
                }
            }
            eprintln!(
                "{} rgba (transparent {transparent}): {} frames, max abs diff {worst}",
                case.name,
                keys.len()
            );
            assert!(worst <= MAX_DIFF, "{}: max diff {worst}", case.name);
            assert_eq!(partial > 0, transparent, "{}: edges carry alpha", case.name);
        }
    }
}

#[test]
fn auto_backend_refuses_software_adapters() {
    if !gpu_available() {
        return;
    }
    let case = cases().remove(2);
    let p = gpucast::prepare(&case.project).unwrap();
    match GpuRenderer::new(p.scene.clone(), &RenderOptions::default(), true) {
        Ok(r) => assert!(
            !r.describe().contains("Cpu"),
            "a software adapter was accepted as hardware: {}",
            r.describe()
        ),
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(msg.contains("software adapter"), "unexpected reason: {msg}");
        }
    }
    // A name filter that matches nothing says what exists.
    let opts = RenderOptions {
        adapter: Some("no such adapter, surely".into()),
        ..RenderOptions::default()
    };
    let err = GpuRenderer::new(p.scene.clone(), &opts, false)
        .err()
        .expect("no adapter has that name");
    assert!(format!("{err:#}").contains("found:"), "{err:#}");
}

/// The Y plane of every decoded frame.
fn decode_luma(path: &Path) -> Vec<Vec<u8>> {
    let v = common::decode_video(path, 30.0);
    let luma = (v.width * v.height) as usize;
    v.frames
        .into_iter()
        .map(|(_, mut f)| {
            f.truncate(luma);
            f
        })
        .collect()
}

fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y) as u64)
        .sum::<u64>() as f64
        / a.len() as f64
}

#[test]
fn end_to_end_mp4_with_gpu_backend() {
    if !gpu_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = write_project(
        dir.path(),
        (320, 180),
        2.0,
        json!({"color": "#0b1d3a"}),
        json!({"font_size": 28, "margin": 16, "fade": 0.25}),
        json!([{"start": 0.0, "end": 2.0, "words": words(0.0, 2.0, 8)}]),
    );
    let output = dir.path().join("out.mp4");
    let job = RenderJob {
        project: project.clone().into(),
        output: Output::File(output.clone()),
        backend: Backend::Gpu,
        render: RenderOptions::default(),
        video: VideoSettings::default(),
        audio: Default::default(),
        captions: None,
        soft_subtitles: false,
        checks: Default::default(),
        fingerprint: None,
        shard: None,
        transparent: false,
    };
    let summary = gpucast::render(&job, &mut |_, _| Ok(())).unwrap();
    assert!(summary.renderer.starts_with("GPU"), "{}", summary.renderer);

    let p = gpucast::prepare(&project).unwrap();
    let expected_frames = (p.project.duration() * p.project.fps.as_f64()).round() as usize;
    let decoded = decode_luma(&output);
    assert_eq!(decoded.len(), expected_frames, "decoded frame count");
    assert_eq!(p.timeline.frame_count as usize, expected_frames);

    // Every decoded frame shows (up to compression) the CPU's drawing of its key.
    let mut cpu = CpuRenderer::new(p.scene.clone(), &RenderOptions::default()).unwrap();
    let keys: Vec<FrameKey> = p.timeline.runs.iter().map(|r| r.key.clone()).collect();
    let (reference, _) = render_all(&mut cpu, &keys);
    let reference: Vec<Arc<Vec<u8>>> = reference
        .iter()
        .map(|f| Arc::new(f.planes().0.to_vec()))
        .collect();
    let mut worst: f64 = 0.0;
    for (run_i, run) in p.timeline.runs.iter().enumerate() {
        for f in run.start_frame..run.start_frame + run.frames {
            let d = mean_diff(&decoded[f as usize], &reference[run_i]);
            worst = worst.max(d);
            // Where the picture changes, the new frame is nearer its own key than the old one.
            if f == run.start_frame && run_i > 0 {
                let change = mean_diff(&reference[run_i - 1], &reference[run_i]);
                if change > 0.5 {
                    let to_prev = mean_diff(&decoded[f as usize], &reference[run_i - 1]);
                    assert!(
                        d < to_prev,
                        "frame {f}: looks like the previous run ({to_prev:.3}) more than its own ({d:.3})"
                    );
                }
            }
        }
    }
    // The same job on the CPU: the encoder sees (nearly) the same frames, so decodes agree.
    let cpu_output = dir.path().join("cpu.mp4");
    let cpu_job = RenderJob {
        output: Output::File(cpu_output.clone()),
        backend: Backend::Cpu,
        ..job
    };
    gpucast::render(&cpu_job, &mut |_, _| Ok(())).unwrap();
    let cpu_decoded = decode_luma(&cpu_output);
    assert_eq!(cpu_decoded.len(), decoded.len());
    let vs_cpu = decoded
        .iter()
        .zip(&cpu_decoded)
        .map(|(a, b)| mean_diff(a, b))
        .fold(0.0, f64::max);
    eprintln!(
        "end to end: {expected_frames} frames by {}, encoder {}, worst mean luma error {worst:.3} \
         against the drawn frames, {vs_cpu:.4} against the CPU-rendered video",
        summary.renderer, summary.encoder
    );
    assert!(
        worst < 3.0,
        "decoded frames drift from the CPU reference: {worst}"
    );
}

/// Frames per second of both renderers at 1080p (not run by default: slow on software Vulkan).
/// `cargo test --release --test gpu throughput -- --ignored --nocapture`
#[test]
#[ignore]
fn throughput_1080p() {
    if !gpu_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_gradient_png(&dir.path().join("bg.png"), 1920, 1080);
    let project = write_project(
        dir.path(),
        (1920, 1080),
        8.0,
        json!({"image": "bg.png"}),
        json!({"font_size": 65, "margin": 154, "fade": 0.25}),
        json!([
            {"start": 0.0, "end": 4.0, "words": words(0.0, 4.0, 30)},
            {"start": 4.0, "end": 8.0, "words": words(4.0, 8.0, 24)}
        ]),
    );
    let p = gpucast::prepare(&project).unwrap();
    let keys: Vec<FrameKey> = p.timeline.runs.iter().map(|r| r.key.clone()).collect();
    let opts = RenderOptions::default();
    let mut gpu = GpuRenderer::new(p.scene.clone(), &opts, false).unwrap();
    let warm_up = gpu.batch_size().min(keys.len());
    render_all(&mut gpu, &keys[..warm_up]);
    let t = std::time::Instant::now();
    let (frames, batches) = render_all(&mut gpu, &keys);
    let gpu_s = t.elapsed().as_secs_f64();
    let mut cpu = CpuRenderer::new(p.scene.clone(), &opts).unwrap();
    let t = std::time::Instant::now();
    let (reference, _) = render_all(&mut cpu, &keys);
    let cpu_s = t.elapsed().as_secs_f64();
    let mut diff = Diff::default();
    for (a, b) in frames.iter().zip(&reference) {
        diff.add(&a.data, &b.data);
    }
    eprintln!(
        "1080p, {} distinct frames: {} {:.1} frames/s ({batches} batches of up to {}), \
         {} {:.1} frames/s; max/mean diff {}/{:.5}",
        keys.len(),
        gpu.describe(),
        keys.len() as f64 / gpu_s,
        gpu.batch_size(),
        cpu.describe(),
        keys.len() as f64 / cpu_s,
        diff.max,
        diff.mean()
    );
}

/// Every project of the style gallery (`assets/styles/`) draws the same on the GPU as on the
/// CPU: every fully faded-in distinct frame (at most 40 a project), within the usual tolerance.
#[test]
fn the_style_gallery_matches_on_both_backends() {
    if !gpu_available() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/styles");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    projects.sort();
    assert!(projects.len() >= 6, "{projects:?}");
    for project in projects {
        let p = gpucast::prepare(&project).unwrap();
        let keys: Vec<FrameKey> = p
            .timeline
            .runs
            .iter()
            .map(|r| r.key.clone())
            .filter(|k| matches!(k, FrameKey::Slide { fade: 255, .. }))
            .take(40)
            .collect();
        let opts = RenderOptions {
            threads: 2,
            batch: 8,
            adapter: None,
        };
        let mut cpu = CpuRenderer::new(p.scene.clone(), &opts).unwrap();
        let mut gpu = GpuRenderer::new(p.scene.clone(), &opts, false).unwrap();
        // Clip frames decoded ahead for one, as asked for the other: the same pixels.
        gpu.decode_ahead(&mut keys.iter());
        let (want, _) = render_all(&mut cpu, &keys);
        let (got, _) = render_all(&mut gpu, &keys);
        let mut d = Diff::default();
        for (w, g) in want.iter().zip(&got) {
            d.add(&w.data, &g.data);
        }
        assert!(
            d.max <= MAX_DIFF && d.mean() < MEAN_DIFF,
            "{}: GPU differs from CPU by max {} mean {:.5}",
            project.display(),
            d.max,
            d.mean()
        );
    }
}

/// Every named look (`assets/looks/`) over the gallery's plain project draws the same on the
/// GPU as on the CPU, its entrances' and pops' steps included.
#[test]
fn every_named_look_matches_on_both_backends() {
    if !gpu_available() {
        return;
    }
    let plain = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/styles/lecture.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    for (name, _) in gpucast::project::looks::BUILT_IN {
        v["look"] = (*name).into();
        let source = gpucast::Source::Json {
            text: v.to_string(),
            base: plain.parent().unwrap().to_path_buf(),
        };
        let p = gpucast::prepare_source(&source).unwrap();
        // The frames around the first words: entrances, pops and boxes on their way.
        let keys: Vec<FrameKey> = p
            .timeline
            .runs
            .iter()
            .map(|r| r.key.clone())
            .filter(|k| matches!(k, FrameKey::Slide { fade: 255, .. }))
            .take(40)
            .collect();
        assert!(keys.len() >= 20, "{name}: {} frames", keys.len());
        let opts = RenderOptions {
            threads: 2,
            batch: 8,
            adapter: None,
        };
        let mut cpu = CpuRenderer::new(p.scene.clone(), &opts).unwrap();
        let mut gpu = GpuRenderer::new(p.scene.clone(), &opts, false).unwrap();
        let (want, _) = render_all(&mut cpu, &keys);
        let (got, _) = render_all(&mut gpu, &keys);
        let mut d = Diff::default();
        for (w, g) in want.iter().zip(&got) {
            d.add(&w.data, &g.data);
        }
        // Byte for byte.
        assert!(
            d.max == 0,
            "look {name}: GPU differs from CPU by max {} mean {:.5}",
            d.max,
            d.mean()
        );
    }
}
