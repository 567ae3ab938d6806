//! The backend-neutral scene: everything either renderer needs, already shaped and rasterized.
//!
//! Built once per project. Neither backend shapes text, reads the project or touches files: they
//! only combine this scene with a `FrameKey` (and a video background's frames, which
//! `render::backdrop` decodes). The compositing rule both must follow, per pixel:
//! `out = bg + (color − bg) × a`, with `a = coverage/255 × color.alpha/255 × fade/255`, in the
//! sRGB-encoded values (no linearisation), then converted with `color::rgb_to_yuv`; a colour
//! glyph's fill brings its own premultiplied colour and alpha, scaled by `color.alpha/255` (the
//! state's colour only dims it); `bg` is the
//! key's backdrop: one background, or two mixed per channel as
//! `(from × (255 − mix) + to × mix + 127) / 255` in integers.

use anyhow::Context;
use image::imageops::FilterType;

use crate::layout;
use crate::project::{Background, Fit, Look, Project};

/// One glyph bitmap placed in the frame. Keep in sync with `GlyphInstance` in shaders/frame.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct GlyphInstance {
    /// Top-left of the bitmap in frame pixels (may lie partly outside the frame).
    pub x: i32,
    pub y: i32,
    /// The bitmap's rectangle in the atlas.
    pub atlas_x: u32,
    pub atlas_y: u32,
    pub width: u32,
    pub height: u32,
    /// Index of the word in its slide.
    pub word: u32,
    /// Bits 0-2: the word states (upcoming, current, spoken) that draw this bitmap; bits 8-9:
    /// its layer (0 fill, 1 outline, 2 shadow, 3 box), which picks its colour in the state's
    /// look; bit 10 (`SOLID`): full coverage over the rectangle, no atlas bitmap (box bodies);
    /// bits 11-14: the pop step it is drawn at (`pop_bits`); bit 15 (`COLOR`): a colour glyph's
    /// fill, whose rectangle is in the colour atlas.
    pub paint: u32,
}

/// Sizes the current word passes through as it pops, the last its full `scale`.
pub const POP_STEPS: u32 = 8;

impl GlyphInstance {
    pub const SOLID: u32 = 1 << 10;
    pub const COLOR: u32 = 1 << 15;

    /// Bits 11-14 of `paint`: the step of the pop (1 to `POP_STEPS`) the bitmap is drawn at;
    /// 0 for the word at its own size.
    pub fn pop_bits(step: u32) -> u32 {
        step << 11
    }
    pub fn pop_step(&self) -> u32 {
        (self.paint >> 11) & 15
    }

    pub fn paint_bits(states: u32, layer: u32) -> u32 {
        states | (layer << 8)
    }
    pub fn is_solid(&self) -> bool {
        self.paint & Self::SOLID != 0
    }
    pub fn is_color(&self) -> bool {
        self.paint & Self::COLOR != 0
    }
    /// Whether the word draws this bitmap in `state`.
    pub fn drawn_in(&self, state: usize) -> bool {
        (self.paint >> state) & 1 == 1
    }
    /// Whether the word draws this bitmap in `state` at pop step `pop` with its box at glide
    /// step `glide` (bits 11-14 are the glide step of a box, the pop step of anything else).
    pub fn drawn_at(&self, state: usize, pop: u32, glide: u32) -> bool {
        let step = if self.layer() == 3 { glide } else { pop };
        self.drawn_in(state) && self.pop_step() == step
    }
    pub fn layer(&self) -> u32 {
        (self.paint >> 8) & 3
    }
    /// The premultiplied RGBA at `(x, y)` inside the instance, before the state's colour: a
    /// colour glyph's own texel, or else white at its coverage (its atlas texel, 255 when
    /// solid), which the state's colour tints.
    pub fn texel(&self, atlas: &Atlas, x: u32, y: u32) -> [u8; 4] {
        let at = ((self.atlas_y + y) * atlas.width + self.atlas_x + x) as usize;
        if self.is_color() {
            let c = &atlas.color[at * 4..at * 4 + 4];
            return [c[0], c[1], c[2], c[3]];
        }
        let cov = if self.is_solid() { 255 } else { atlas.data[at] };
        [cov; 4]
    }
}

/// Where a word sits: its slot never moves, and is as wide as the word in its regular weight
/// (synthetic bold) or as the wider of its two weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordSlot {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct SlideScene {
    /// Indexed by `WordState as usize`.
    pub looks: [Look; 3],
    pub slots: Vec<WordSlot>,
    /// Every layer of every word in every look it has, in drawing order (all boxes, then all
    /// shadows, all outlines, all fills); a frame draws those its words' states select.
    pub glyphs: Vec<GlyphInstance>,
}

/// The glyph atlases: coverage (one byte a texel) and, for colour glyphs' fills, premultiplied
/// RGBA (four), both `width` texels a row.
#[derive(Debug, Clone)]
pub struct Atlas {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
    pub color_height: u32,
    pub color: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    /// The distinct backgrounds (`Project::backgrounds`), opaque RGBA8 at output size, fitted;
    /// empty for a video, whose frames `render::backdrop` decodes as they are drawn.
    pub backgrounds: Vec<std::sync::Arc<Vec<u8>>>,
    /// Per background, the clip where it is a video.
    pub videos: Vec<Option<crate::project::VideoBackground>>,
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
            _ if self.slides[slide].looks[current].scale != 1.0 => POP_STEPS,
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
        let backgrounds = all
            .iter()
            .map(|b| match b {
                Background::Video(_) => Ok(Default::default()),
                _ => fit_background(b, project.width, project.height).map(std::sync::Arc::new),
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let videos = all
            .iter()
            .map(|b| match b {
                Background::Video(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let layout = layout::build(project)?;
        Ok(Scene {
            width: project.width,
            height: project.height,
            backgrounds,
            videos,
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
