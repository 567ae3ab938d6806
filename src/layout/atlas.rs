//! Glyph rasterization into one A8 atlas, each distinct glyph once.
//!
//! Glyphs are packed on shelves: rows as tall as their tallest glyph, filled left to right. Text
//! on slides uses a handful of sizes, so shelves waste little and the packer stays trivial.

use std::collections::HashMap;

use glyphon::cosmic_text::CacheKeyFlags;
use glyphon::{CacheKey, FontSystem, SwashCache, SwashContent};
use swash::scale::{Render, ScaleContext, Source, StrikeWith};
use swash::zeno::{Format, Vector};

use crate::scene::Atlas;

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
}

pub struct AtlasBuilder {
    cache: SwashCache,
    scaler: ScaleContext,
    /// By glyph and by how much it was thickened (0 for none, as f32 bits).
    glyphs: HashMap<(CacheKey, u32), Option<Placed>>,
    data: Vec<u8>,
    height: u32,
    shelf_y: u32,
    shelf_h: u32,
    cursor_x: u32,
}

impl AtlasBuilder {
    pub fn new() -> Self {
        AtlasBuilder {
            cache: SwashCache::new(),
            scaler: ScaleContext::new(),
            glyphs: HashMap::new(),
            data: Vec::new(),
            height: 0,
            shelf_y: 0,
            shelf_h: 0,
            cursor_x: PAD,
        }
    }

    /// The glyph's place in the atlas, rasterizing it on first use. `None` for empty glyphs
    /// (spaces) and glyphs the font cannot draw.
    ///
    /// `strength` > 0 grows the outline by that many pixels (synthetic bold): the rasterizer
    /// cosmic-text uses, with swash's emboldening (FreeType's algorithm) added.
    pub fn glyph(
        &mut self,
        fonts: &mut FontSystem,
        key: CacheKey,
        strength: f32,
    ) -> Option<Placed> {
        let id = (key, strength.to_bits());
        if let Some(p) = self.glyphs.get(&id) {
            return *p;
        }
        let image = if strength == 0.0 {
            self.cache.get_image_uncached(fonts, key)
        } else {
            self.render_thickened(fonts, key, strength)
        };
        let placed = image.and_then(|img| self.insert(&img));
        self.glyphs.insert(id, placed);
        placed
    }

    fn render_thickened(
        &mut self,
        fonts: &mut FontSystem,
        key: CacheKey,
        strength: f32,
    ) -> Option<glyphon::SwashImage> {
        let font = fonts.get_font(key.font_id, key.font_weight)?;
        let mut scaler = self
            .scaler
            .builder(font.as_swash())
            .size(f32::from_bits(key.font_size_bits))
            .hint(!key.flags.contains(CacheKeyFlags::DISABLE_HINTING))
            .build();
        Render::new(&[
            Source::ColorOutline(0),
            Source::ColorBitmap(StrikeWith::BestFit),
            Source::Outline,
        ])
        .format(Format::Alpha)
        .offset(Vector::new(key.x_bin.as_float(), key.y_bin.as_float()))
        .embolden(strength)
        .render(&mut scaler, key.glyph_id)
    }

    fn insert(&mut self, img: &glyphon::SwashImage) -> Option<Placed> {
        let (w, h) = (img.placement.width, img.placement.height);
        if w == 0 || h == 0 || w + 2 * PAD > ATLAS_WIDTH {
            return None;
        }
        let coverage: Vec<u8> = match img.content {
            SwashContent::Mask => img.data.clone(),
            // Color glyphs (emoji) keep their shape; the word's color replaces theirs.
            SwashContent::Color => img.data.chunks_exact(4).map(|p| p[3]).collect(),
            SwashContent::SubpixelMask => img
                .data
                .chunks_exact(4)
                .map(|p| ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3) as u8)
                .collect(),
        };
        if self.cursor_x + w + PAD > ATLAS_WIDTH {
            self.shelf_y += self.shelf_h + PAD;
            self.shelf_h = 0;
            self.cursor_x = PAD;
        }
        let (x, y) = (self.cursor_x, self.shelf_y + PAD);
        self.cursor_x += w + PAD;
        self.shelf_h = self.shelf_h.max(h + PAD);
        let needed = y + h + PAD;
        if needed > self.height {
            self.height = needed;
            self.data.resize((ATLAS_WIDTH * self.height) as usize, 0);
        }
        for row in 0..h {
            let src = &coverage[(row * w) as usize..((row + 1) * w) as usize];
            let dst = ((y + row) * ATLAS_WIDTH + x) as usize;
            self.data[dst..dst + w as usize].copy_from_slice(src);
        }
        Some(Placed {
            atlas_x: x,
            atlas_y: y,
            width: w,
            height: h,
            left: img.placement.left,
            top: img.placement.top,
        })
    }

    pub fn finish(mut self) -> Atlas {
        // Never empty, so that GPU buffers always have a size.
        if self.height == 0 {
            self.height = 1;
            self.data = vec![0; ATLAS_WIDTH as usize];
        }
        Atlas {
            width: ATLAS_WIDTH,
            height: self.height,
            data: self.data,
        }
    }
}
