//! The backend-neutral scene: everything either renderer needs, already shaped and rasterized.
//!
//! Built once per project. Neither backend shapes text, reads the project or touches files: they
//! only combine this scene with a `FrameKey` (and a video background's frames, which
//! `render::backdrop` decodes). The compositing rule both must follow, per pixel:
//! `out = bg + (color − bg) × a`, with `a = coverage/255 × color.alpha/255 × fade/255`, in the
//! sRGB-encoded values (no linearisation), then converted with `color::rgb_to_yuv`; the live
//! layers (`layers::draw`) are drawn over the backdrop before the text and, `above`, after it,
//! from the key's layer values; a colour
//! glyph's fill brings its own premultiplied colour and alpha, scaled by `color.alpha/255` (the
//! state's colour only dims it); `bg` is the
//! key's backdrop: one background, or two mixed per channel as
//! `(from × (255 − mix) + to × mix + 127) / 255` in integers.

use anyhow::Context;
use image::imageops::FilterType;

use crate::layout;
pub use crate::layout::{Atlas, GlyphInstance, SlideScene, WordSlot};
use crate::project::{Background, Fit, Project, POP_STEPS};

#[derive(Debug, Clone)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    /// The distinct backgrounds (`Project::backgrounds`), opaque RGBA8 at output size, fitted;
    /// empty for a video, whose frames `render::backdrop` decodes as they are drawn.
    pub backgrounds: Vec<std::sync::Arc<Vec<u8>>>,
    /// Per background, the clip where it is a video.
    pub videos: Vec<Option<crate::project::VideoBackground>>,
    /// The project's layers: the still ones flattened (`baked`), laid over every background
    /// (the stills here, a video's frames as they are decoded), and those drawn per frame.
    pub layers: crate::layers::Layers,
    pub atlas: Atlas,
    pub slides: Vec<SlideScene>,
    /// Characters no available font could draw (each warned about once).
    pub missing_glyphs: Vec<char>,
    /// Text that overflows the frame, glyphs left blank: logged, errors under `--strict`.
    pub warnings: Vec<String>,
}

impl Scene {
    /// The pop step word `word` of `slide` draws at in `state`, `pop` being the frame's.
    pub fn pop_step_of(
        &self,
        slide: usize,
        word: u32,
        state: usize,
        pop: Option<crate::timeline::Pop>,
    ) -> u32 {
        let current = crate::timeline::WordState::Current as usize;
        match pop {
            _ if state != current => 0,
            Some(p) if p.word == word => p.step,
            // Words that pop rest grown (and those that come in, arrived); those that never pop
            // are `STEADY` at any step.
            _ if self.slides[slide]
                .looks
                .iter()
                .any(|l| l[current].scale != 1.0 || l[current].enter.is_some()) =>
            {
                POP_STEPS
            }
            _ => 0,
        }
    }

    /// The glide step word `word` draws its box at in `state`, `glide` being the frame's: 0 at
    /// rest, 1 + `step` on its way.
    pub fn glide_step_of(
        &self,
        word: u32,
        state: usize,
        glide: Option<crate::timeline::Pop>,
    ) -> u32 {
        match glide {
            Some(g) if g.word == word && state == crate::timeline::WordState::Current as usize => {
                1 + g.step
            }
            _ => 0,
        }
    }

    /// Where word `word` of slide `slide` sits, as the timeline needs it.
    pub fn place(&self, slide: usize, word: usize) -> crate::timeline::WordPlace {
        let slot = self.slides[slide].slots[word];
        crate::timeline::WordPlace {
            width: slot.width,
            line: slot.line,
        }
    }

    /// The first column a wiped word shows in its upcoming look: everything left of it shows
    /// the current look. Both renderers use exactly this.
    pub fn wipe_split(&self, slide: usize, wipe: crate::timeline::Wipe) -> i32 {
        let slot = self.slides[slide].slots[wipe.word as usize];
        slot.x.round() as i32 + wipe.px as i32
    }

    /// Lays out every slide and fits the background. Fails on fonts that cannot be found or
    /// images that cannot be decoded, before any frame is drawn.
    pub fn build(project: &Project) -> anyhow::Result<Scene> {
        let all = project.backgrounds().0;
        let layers = crate::layers::Layers::build(project)?;
        let backgrounds = all
            .iter()
            .map(|b| match b {
                Background::Video(_) => Ok(Default::default()),
                _ => {
                    let mut px = fit_background(b, project.width, project.height)?;
                    if let Some(o) = &layers.baked {
                        o.lay_over(&mut px, project.width);
                    }
                    Ok(std::sync::Arc::new(px))
                }
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let videos = all
            .iter()
            .map(|b| match b {
                Background::Video(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        // Backgrounds and layer pictures share one GPU buffer.
        let pictures: u64 = backgrounds.iter().map(|b| b.len() as u64).sum::<u64>()
            + layers.picture_bytes()
            + (layers.live.len() * 64) as u64;
        anyhow::ensure!(
            pictures <= crate::project::limits::BACKGROUND_BYTES,
            "layers: the backgrounds and layer pictures take {} MiB together, over the limit of \
             {} MiB: draw the layers smaller, or choose a smaller video size",
            pictures >> 20,
            crate::project::limits::BACKGROUND_BYTES >> 20
        );
        let layout = layout::build(project)?;
        Ok(Scene {
            width: project.width,
            height: project.height,
            backgrounds,
            videos,
            layers,
            atlas: layout.atlas,
            slides: layout.slides,
            missing_glyphs: layout.missing_glyphs,
            warnings: layout.warnings,
        })
    }
}

/// The background as opaque RGBA at exactly `width`×`height`.
pub fn fit_background(bg: &Background, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let (path, fit) = match bg {
        Background::Color([r, g, b]) => {
            return Ok([*r, *g, *b, 255].repeat((width * height) as usize));
        }
        Background::Image { path, fit } => (path, *fit),
        Background::Video(v) => anyhow::bail!("{}: a video is not a still", v.path.display()),
    };
    let img = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(anyhow::Error::from)
        .and_then(|mut r| {
            r.limits(crate::project::limits::image());
            Ok(r.decode()?)
        })
        .with_context(|| format!("background.image: cannot decode {}", path.display()))?
        .to_rgba8();
    let (iw, ih) = (img.width() as f64, img.height() as f64);
    let (w, h) = (width as f64, height as f64);
    let mut canvas = image::RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 0, 255]));
    let resized = |nw: u32, nh: u32| {
        if (nw, nh) == img.dimensions() {
            img.clone()
        } else {
            image::imageops::resize(&img, nw.max(1), nh.max(1), FilterType::Triangle)
        }
    };
    match fit {
        Fit::Stretch => canvas = resized(width, height),
        Fit::Cover | Fit::Contain => {
            let scale = if fit == Fit::Cover {
                (w / iw).max(h / ih)
            } else {
                (w / iw).min(h / ih)
            };
            let (nw, nh) = ((iw * scale).round() as u32, (ih * scale).round() as u32);
            let scaled = resized(nw, nh);
            let dx = (width as i64 - nw as i64) / 2;
            let dy = (height as i64 - nh as i64) / 2;
            image::imageops::overlay(&mut canvas, &scaled, dx, dy);
        }
    }
    // Transparent images are shown over black, as a video has no alpha.
    let mut out = canvas.into_raw();
    for px in out.chunks_exact_mut(4) {
        let a = px[3] as u32;
        for c in &mut px[..3] {
            *c = ((*c as u32 * a + 127) / 255) as u8;
        }
        px[3] = 255;
    }
    Ok(out)
}
