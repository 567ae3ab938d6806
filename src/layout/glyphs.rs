//! What layout hands the scene: every word's fixed slot, and every glyph bitmap of every look
//! placed in the frame, tagged with the word states that draw it.

use super::atlas::Atlas;
use crate::project::Look;

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
    /// Bits 0-2: the word states (upcoming, current, spoken) that draw this bitmap; bit 3
    /// (`STEADY`): its word never pops, so it is drawn at every pop step; bits 8-9:
    /// its layer (0 fill, 1 outline, 2 shadow, 3 box), which picks its colour in the state's
    /// look; bit 10 (`SOLID`): full coverage over the rectangle, no atlas bitmap (box bodies);
    /// bits 11-14: the pop step it is drawn at (`pop_bits`); bit 15 (`COLOR`): a colour glyph's
    /// fill, whose rectangle is in the colour atlas; bits 16-31: which of its slide's looks
    /// (`SlideScene::looks`) colours it, its word's.
    pub paint: u32,
}

impl GlyphInstance {
    pub const STEADY: u32 = 1 << 3;
    pub const SOLID: u32 = 1 << 10;
    pub const COLOR: u32 = 1 << 15;
    const LOOK_SHIFT: u32 = 16;

    /// Bits 16-31 of `paint`: the index of the looks, in its slide's, that colour the bitmap.
    pub fn look_bits(look: u32) -> u32 {
        look << Self::LOOK_SHIFT
    }
    pub fn look(&self) -> usize {
        (self.paint >> Self::LOOK_SHIFT) as usize
    }

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
        let step = match self.layer() {
            3 => glide,
            _ if self.paint & Self::STEADY != 0 => self.pop_step(),
            _ => pop,
        };
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
    /// The distinct looks of the slide's words (the slide's own, and those words that have
    /// their own), each indexed by `WordState as usize`; a glyph's `look()` picks one.
    pub looks: Vec<[Look; 3]>,
    pub slots: Vec<WordSlot>,
    /// Every layer of every word in every look it has, in drawing order (all boxes, then all
    /// shadows, all outlines, all fills); a frame draws those its words' states select.
    pub glyphs: Vec<GlyphInstance>,
}
