//! Glyph rasterization into atlases, each distinct glyph once: coverage (A8) for ordinary glyphs
//! and every outline, shadow and box corner, premultiplied RGBA for the fill of colour glyphs
//! (emoji), whose own colours are drawn.
//!
//! Glyphs are packed on shelves: rows as tall as their tallest glyph, filled left to right. Text
//! on slides uses a handful of sizes, so shelves waste little and the packer stays trivial.

use std::collections::HashMap;

use glyphon::cosmic_text::CacheKeyFlags;
use glyphon::{CacheKey, FontSystem, SwashCache, SwashContent};
use swash::scale::{Render, ScaleContext, Source, StrikeWith};
use swash::zeno::{Format, Join, Stroke, Vector};

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

pub const ATLAS_WIDTH: u32 = 2048;
/// Empty space around every glyph, so that no sampling ever reads a neighbour.
const PAD: u32 = 1;

/// A rasterized glyph: its rectangle in the atlas and its offset from the pen position.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub atlas_x: u32,
    pub atlas_y: u32,
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub top: i32,
    /// The rectangle is in the colour atlas (a colour glyph's fill).
    pub rgba: bool,
    /// Drawn from a colour glyph, which synthetic bold leaves as it is.
    pub color_glyph: bool,
}

/// Which bitmap of a glyph: its fill thickened by `thicken` pixels (synthetic bold), that
/// with an `outline` of so many pixels around it, or that blurred over `blur` pixels (a
/// shadow). Lengths are kept as f32 bits so that the spec can be a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Raster {
    thicken: u32,
    outline: u32,
    blur: u32,
}

impl Raster {
    /// A fill with no outline or blur: what a colour glyph draws in its own colours.
    fn is_plain_fill(self) -> bool {
        self.outline == 0 && self.blur == 0
    }
    /// The glyph as it is: no thickening, outline or blur.
    pub fn fill() -> Raster {
        Raster::default()
    }
    pub fn thickened(self, thicken: f32) -> Raster {
        Raster {
            thicken: thicken.to_bits(),
            ..self
        }
    }
    pub fn outline(self, width: f32) -> Raster {
        Raster {
            outline: width.to_bits(),
            ..self
        }
    }
    pub fn blurred(self, blur: f32) -> Raster {
        Raster {
            blur: blur.to_bits(),
            ..self
        }
    }
}

/// A coverage bitmap (or, for a colour glyph's fill, premultiplied RGBA) and where its
/// top-left lies from the pen position (y up).
struct Mask {
    left: i32,
    top: i32,
    width: u32,
    height: u32,
    data: Vec<u8>,
}

/// A corner of a rounded box: which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// One atlas being filled: `ATLAS_WIDTH` texels of `texel` bytes a row, as many rows as used.
struct Shelves {
    texel: u32,
    data: Vec<u8>,
    height: u32,
    shelf_y: u32,
    shelf_h: u32,
    cursor_x: u32,
}

impl Shelves {
    fn new(texel: u32) -> Shelves {
        Shelves {
            texel,
            data: Vec::new(),
            height: 0,
            shelf_y: 0,
            shelf_h: 0,
            cursor_x: PAD,
        }
    }

    /// Copies the bitmap in and gives its top-left; `None` for an empty or too wide one.
    fn insert(&mut self, m: &Mask) -> Option<(u32, u32)> {
        let (w, h) = (m.width, m.height);
        if w == 0 || h == 0 || w + 2 * PAD > ATLAS_WIDTH {
            return None;
        }
        if self.cursor_x + w + PAD > ATLAS_WIDTH {
            self.shelf_y += self.shelf_h + PAD;
            self.shelf_h = 0;
            self.cursor_x = PAD;
        }
        let (x, y) = (self.cursor_x, self.shelf_y + PAD);
        self.cursor_x += w + PAD;
        self.shelf_h = self.shelf_h.max(h + PAD);
        let needed = y + h + PAD;
        let t = self.texel as usize;
        if needed > self.height {
            self.height = needed;
            self.data
                .resize(ATLAS_WIDTH as usize * self.height as usize * t, 0);
        }
        let row_bytes = w as usize * t;
        for row in 0..h as usize {
            let src = &m.data[row * row_bytes..(row + 1) * row_bytes];
            let dst = ((y as usize + row) * ATLAS_WIDTH as usize + x as usize) * t;
            self.data[dst..dst + row_bytes].copy_from_slice(src);
        }
        Some((x, y))
    }

    /// The rows used, never none, so that GPU buffers always have a size.
    fn finish(mut self) -> (u32, Vec<u8>) {
        if self.height == 0 {
            self.height = 1;
            self.data = vec![0; (ATLAS_WIDTH * self.texel) as usize];
        }
        (self.height, self.data)
    }
}

pub struct AtlasBuilder {
    cache: SwashCache,
    scaler: ScaleContext,
    glyphs: HashMap<(CacheKey, Raster), Option<Placed>>,
    corners: HashMap<(u32, Corner), Option<Placed>>,
    coverage: Shelves,
    color: Shelves,
}

impl AtlasBuilder {
    pub fn new() -> Self {
        AtlasBuilder {
            cache: SwashCache::new(),
            scaler: ScaleContext::new(),
            corners: HashMap::new(),
            glyphs: HashMap::new(),
            coverage: Shelves::new(1),
            color: Shelves::new(4),
        }
    }

    /// The glyph's place in an atlas, rasterizing it on first use. `None` for empty glyphs
    /// (spaces) and glyphs the font cannot draw.
    pub fn glyph(&mut self, fonts: &mut FontSystem, key: CacheKey, spec: Raster) -> Option<Placed> {
        if let Some(p) = self.glyphs.get(&(key, spec)) {
            return *p;
        }
        let placed = self.bitmap(fonts, key, spec).and_then(|(m, color_glyph)| {
            let rgba = color_glyph && spec.is_plain_fill();
            let shelves = if rgba {
                &mut self.color
            } else {
                &mut self.coverage
            };
            let (atlas_x, atlas_y) = shelves.insert(&m)?;
            Some(Placed {
                atlas_x,
                atlas_y,
                width: m.width,
                height: m.height,
                left: m.left,
                top: m.top,
                rgba,
                color_glyph,
            })
        });
        self.glyphs.insert((key, spec), placed);
        placed
    }

    /// A `ceil(radius)`-pixel square holding one rounded corner of radius `radius`, antialiased
    /// by 4 x 4 samples a pixel; its straight sides meet the box's edges and body.
    pub fn corner(&mut self, radius: f32, corner: Corner) -> Option<Placed> {
        if let Some(p) = self.corners.get(&(radius.to_bits(), corner)) {
            return *p;
        }
        let n = radius.ceil() as u32;
        let mut data = Vec::with_capacity((n * n) as usize);
        for row in 0..n {
            for col in 0..n {
                // In top-left terms: distance from the corner's outer edges.
                let (x, y) = match corner {
                    Corner::TopLeft => (col, row),
                    Corner::TopRight => (n - 1 - col, row),
                    Corner::BottomLeft => (col, n - 1 - row),
                    Corner::BottomRight => (n - 1 - col, n - 1 - row),
                };
                let mut inside = 0u32;
                for sy in 0..4 {
                    for sx in 0..4 {
                        // The arc's centre is `radius` in from both outer edges; beyond it
                        // along either axis the box is straight.
                        let px = x as f32 + (sx as f32 + 0.5) / 4.0;
                        let py = y as f32 + (sy as f32 + 0.5) / 4.0;
                        let (dx, dy) = (radius - px, radius - py);
                        if px >= radius || py >= radius || dx * dx + dy * dy <= radius * radius {
                            inside += 1;
                        }
                    }
                }
                data.push(((inside * 255 + 8) / 16) as u8);
            }
        }
        let placed = self
            .coverage
            .insert(&Mask {
                left: 0,
                top: 0,
                width: n,
                height: n,
                data,
            })
            .map(|(atlas_x, atlas_y)| Placed {
                atlas_x,
                atlas_y,
                width: n,
                height: n,
                left: 0,
                top: 0,
                rgba: false,
                color_glyph: false,
            });
        self.corners.insert((radius.to_bits(), corner), placed);
        placed
    }

    /// The glyph's bitmap for `spec`, and whether it comes from a colour glyph: then a plain
    /// fill is its premultiplied colours, and anything else is drawn from its alpha, grown by
    /// the outline's width (a colour bitmap cannot be stroked). Colour glyphs are not thickened.
    fn bitmap(
        &mut self,
        fonts: &mut FontSystem,
        key: CacheKey,
        spec: Raster,
    ) -> Option<(Mask, bool)> {
        let thicken = f32::from_bits(spec.thicken);
        let outline = f32::from_bits(spec.outline);
        let blur = f32::from_bits(spec.blur);
        if blur > 0.0 {
            let (source, color_glyph) = self.bitmap(fonts, key, Raster { blur: 0, ..spec })?;
            // A colour glyph's plain fill comes as colours: its shadow is its alpha.
            let source = if color_glyph && outline == 0.0 {
                alpha_of(&source)
            } else {
                source
            };
            return Some((blurred(&source, blur), color_glyph));
        }
        // Colour glyphs come out the same thickened or not (swash emboldens outlines only).
        let image = if thicken == 0.0 {
            self.cache.get_image_uncached(fonts, key)?
        } else {
            self.render(fonts, key, thicken, None)?
        };
        if image.content == SwashContent::Color {
            let colors = premultiplied(&image);
            if outline == 0.0 {
                return Some((colors, true));
            }
            return Some((dilated(&alpha_of(&colors), outline), true));
        }
        let fill = mask_of(&image);
        if outline == 0.0 {
            return Some((fill, false));
        }
        // A stroke twice as wide as the outline, centred on the glyph's edge, reaches `outline`
        // pixels outside it; with the fill inside, a translucent glyph shows one even colour.
        let stroke = mask_of(&self.render(fonts, key, thicken, Some(outline * 2.0))?);
        Some((union(&stroke, &fill), false))
    }

    /// The rasterizer cosmic-text uses, with swash's emboldening (FreeType's algorithm) and
    /// stroking added.
    fn render(
        &mut self,
        fonts: &mut FontSystem,
        key: CacheKey,
        thicken: f32,
        stroke: Option<f32>,
    ) -> Option<glyphon::SwashImage> {
        let font = fonts.get_font(key.font_id, key.font_weight)?;
        let mut scaler = self
            .scaler
            .builder(font.as_swash())
            .size(f32::from_bits(key.font_size_bits))
            .hint(!key.flags.contains(CacheKeyFlags::DISABLE_HINTING))
            .build();
        let mut render = Render::new(&[
            Source::ColorOutline(0),
            Source::ColorBitmap(StrikeWith::BestFit),
            Source::Outline,
        ]);
        render
            .format(Format::Alpha)
            .offset(Vector::new(key.x_bin.as_float(), key.y_bin.as_float()))
            .embolden(thicken);
        if let Some(width) = stroke {
            let mut s = Stroke::new(width);
            s.join(Join::Round);
            render.style(s);
        }
        render.render(&mut scaler, key.glyph_id)
    }

    pub fn finish(self) -> Atlas {
        let (height, data) = self.coverage.finish();
        let (color_height, color) = self.color.finish();
        Atlas {
            width: ATLAS_WIDTH,
            height,
            data,
            color_height,
            color,
        }
    }
}

/// A colour glyph as premultiplied RGBA (swash gives straight alpha).
fn premultiplied(img: &glyphon::SwashImage) -> Mask {
    let data = img
        .data
        .chunks_exact(4)
        .flat_map(|p| {
            let a = p[3] as u32;
            let pre = |c: u8| ((c as u32 * a + 127) / 255) as u8;
            [pre(p[0]), pre(p[1]), pre(p[2]), p[3]]
        })
        .collect();
    placed_like(img, data)
}

/// `data` as a bitmap where swash placed `img`.
fn placed_like(img: &glyphon::SwashImage, data: Vec<u8>) -> Mask {
    Mask {
        left: img.placement.left,
        top: img.placement.top,
        width: img.placement.width,
        height: img.placement.height,
        data,
    }
}

/// The alpha of an RGBA bitmap, as coverage.
fn alpha_of(m: &Mask) -> Mask {
    Mask {
        left: m.left,
        top: m.top,
        width: m.width,
        height: m.height,
        data: m.data.chunks_exact(4).map(|p| p[3]).collect(),
    }
}

/// The coverage grown by `radius` pixels on every side: each pixel takes the largest coverage
/// within a disc of that radius (an outline for a bitmap, which has no contour to stroke).
fn dilated(m: &Mask, radius: f32) -> Mask {
    let r = radius.ceil() as i32;
    let (w, h) = (m.width as i32 + 2 * r, m.height as i32 + 2 * r);
    let reach: Vec<(i32, i32)> = (-r..=r)
        .flat_map(|dy| (-r..=r).map(move |dx| (dx, dy)))
        .filter(|&(dx, dy)| ((dx * dx + dy * dy) as f32) <= radius * radius + 0.5)
        .collect();
    let at = |x: i32, y: i32| -> u8 {
        if x < 0 || y < 0 || x >= m.width as i32 || y >= m.height as i32 {
            0
        } else {
            m.data[(y as u32 * m.width + x as u32) as usize]
        }
    };
    let mut data = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let v = reach
                .iter()
                .map(|&(dx, dy)| at(x - r + dx, y - r + dy))
                .max()
                .unwrap_or(0);
            data.push(v);
        }
    }
    Mask {
        left: m.left - r,
        top: m.top + r,
        width: w as u32,
        height: h as u32,
        data,
    }
}

/// A rasterized glyph as coverage.
fn mask_of(img: &glyphon::SwashImage) -> Mask {
    let data = match img.content {
        SwashContent::Mask => img.data.clone(),
        SwashContent::Color => img.data.chunks_exact(4).map(|p| p[3]).collect(),
        SwashContent::SubpixelMask => img
            .data
            .chunks_exact(4)
            .map(|p| ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3) as u8)
            .collect(),
    };
    placed_like(img, data)
}

/// The larger coverage of two masks at each pixel, on the rectangle holding both.
fn union(a: &Mask, b: &Mask) -> Mask {
    let left = a.left.min(b.left);
    let top = a.top.max(b.top);
    let right = (a.left + a.width as i32).max(b.left + b.width as i32);
    let bottom = (a.top - a.height as i32).min(b.top - b.height as i32);
    let (width, height) = ((right - left).max(0) as u32, (top - bottom).max(0) as u32);
    let mut data = vec![0u8; (width * height) as usize];
    for m in [a, b] {
        let (dx, dy) = ((m.left - left) as u32, (top - m.top) as u32);
        for row in 0..m.height {
            let src = &m.data[(row * m.width) as usize..((row + 1) * m.width) as usize];
            let at = ((dy + row) * width + dx) as usize;
            for (d, &s) in data[at..at + m.width as usize].iter_mut().zip(src) {
                *d = (*d).max(s);
            }
        }
    }
    Mask {
        left,
        top,
        width,
        height,
        data,
    }
}

/// The mask blurred by three passes of a box filter each way (close to a Gaussian), in
/// integers so that it is the same on every machine; grown by the blur's reach on every side.
fn blurred(m: &Mask, blur: f32) -> Mask {
    let r = ((blur / 3.0).round() as u32).max(1);
    let grow = 3 * r;
    let (w, h) = (m.width + 2 * grow, m.height + 2 * grow);
    let mut data = vec![0u32; (w * h) as usize];
    for row in 0..m.height {
        for col in 0..m.width {
            data[((row + grow) * w + col + grow) as usize] =
                m.data[(row * m.width + col) as usize] as u32;
        }
    }
    let mut line = Vec::new();
    let mut pass = |data: &mut [u32], len: u32, count: u32, step: (u32, u32)| {
        let n = 2 * r + 1;
        for k in 0..count {
            let at = |i: u32| (k * step.0 + i * step.1) as usize;
            line.clear();
            line.extend((0..len).map(|i| data[at(i)]));
            let mut sum: u32 = 0;
            // Sliding window over line[i - r ..= i + r], zero outside.
            for i in 0..r.min(len) {
                sum += line[i as usize];
            }
            for i in 0..len {
                if i + r < len {
                    sum += line[(i + r) as usize];
                }
                data[at(i)] = (sum + n / 2) / n;
                if i >= r {
                    sum -= line[(i - r) as usize];
                }
            }
        }
    };
    for _ in 0..3 {
        pass(&mut data, w, h, (w, 1));
        pass(&mut data, h, w, (1, w));
    }
    Mask {
        left: m.left - grow as i32,
        top: m.top + grow as i32,
        width: w,
        height: h,
        data: data.into_iter().map(|v| v.min(255) as u8).collect(),
    }
}
