//! Text drawn with a slide besides its spoken words: the speaker's name above them, a
//! translation under (or above) them. A block is laid out as the words are (shaped, wrapped
//! in the same room, each line aligned and ordered as the slide's), at its own size and in its
//! own look, and drawn in every word state: it shows and fades with the slide and never
//! changes while it is on screen.

use glyphon::{FontSystem, Metrics};

use super::atlas::AtlasBuilder;
use super::fonts::{shape, Face, Shaped};
use super::{
    box_instances, shape_pair, space_width, visual_order, word_levels, wrap, GlyphInstance, Layer,
    Paint, Pen, WordSlot,
};
use crate::project::{Align, Style, TextBlock};
use crate::segment::{self, Join};

/// A block measured, ready to be placed once the slide knows where it goes.
pub(super) struct Block {
    words: Vec<String>,
    shaped: Vec<Shaped>,
    /// Each word's room, and the room after it (none after the last).
    widths: Vec<f32>,
    gaps: Vec<f32>,
    lines: Vec<(usize, usize, f32)>,
    line_h: f32,
    look: TextBlock,
}

impl Block {
    /// `text` shaped in `block`'s size and weight and wrapped in `room`.
    pub(super) fn new(
        fonts: &mut FontSystem,
        style: &Style,
        faces: &[Face; 2],
        text: &str,
        block: &TextBlock,
        room: f32,
    ) -> Block {
        let words: Vec<String> = segment::words(text)
            .into_iter()
            .filter(|w| segment::is_visible(w))
            .collect();
        let line_h = block.font_size * style.line_height;
        let metrics = Metrics::new(block.font_size, line_h);
        let shaped: Vec<Shaped> = words
            .iter()
            .map(|w| {
                let [regular, bold] = shape_pair(fonts, w, style, faces, metrics);
                if block.look.bold {
                    bold
                } else {
                    regular
                }
            })
            .collect();
        // As between the slide's words: the font's space, plus what an outline adds each side.
        let grow = 2.0 * block.look.outline.map_or(0.0, |o| o.width);
        let space = space_width(fonts, &faces[0], metrics);
        let gaps: Vec<f32> = words
            .windows(2)
            .map(|w| match Join::between(&w[0], &w[1]) {
                Join::Space => space + grow,
                Join::Closed => 0.0,
                Join::Autospace => block.font_size / 8.0 + grow,
            })
            .collect();
        let widths: Vec<f32> = shaped.iter().map(|s| s.width).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let lines = wrap(&widths, &gaps, &segment::breaks(&refs), room);
        Block {
            words,
            shaped,
            widths,
            gaps,
            lines,
            line_h,
            look: *block,
        }
    }

    /// The block's height, and the room left between it and the spoken text.
    pub(super) fn height(&self) -> f32 {
        match self.lines.len() {
            0 => 0.0,
            n => n as f32 * self.line_h + 0.3 * self.line_h,
        }
    }

    pub(super) fn above(&self) -> bool {
        self.look.above
    }

    pub(super) fn look(&self) -> crate::project::Look {
        self.look.look
    }

    /// Places the block's glyphs with their top at `top` (below the gap when under the text),
    /// lines aligned as the slide's between `left` and `right`, coloured by the slide's look
    /// set `look` and attached to word 0 in every state.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn place(
        &self,
        fonts: &mut FontSystem,
        atlas: &mut AtlasBuilder,
        glyphs: &mut Vec<GlyphInstance>,
        style: &Style,
        faces: &[Face; 2],
        (top, left, right): (f32, f32, f32),
        look: u32,
    ) {
        if self.words.is_empty() {
            return;
        }
        let top = if self.look.above {
            top
        } else {
            top + 0.3 * self.line_h
        };
        let refs: Vec<&str> = self.words.iter().map(String::as_str).collect();
        let (levels, rtl) = word_levels(&refs);
        let baseline = shape(
            fonts,
            "x",
            &faces[0],
            Metrics::new(self.look.font_size, self.line_h),
        )
        .baseline;
        let pen = Pen {
            font_size: self.look.font_size,
            synthetic_bold: style.synthetic_bold,
            bold_family: &faces[1].family,
            baseline,
        };
        let thicken = match style.synthetic_bold && self.look.look.bold {
            true => self.look.font_size / 36.0,
            false => 0.0,
        };
        let always = GlyphInstance::STEADY | GlyphInstance::look_bits(look);
        let mut slots = Vec::with_capacity(self.words.len());
        for (li, &(first, end, lw)) in self.lines.iter().enumerate() {
            let x = match (style.align, rtl) {
                (Align::Center, _) => (left + right - lw) / 2.0,
                (Align::Start, false) | (Align::End, true) => left,
                (Align::End, false) | (Align::Start, true) => right - lw,
            };
            let y = top + li as f32 * self.line_h;
            let mut pen_x = 0.0;
            let mut before: Option<usize> = None;
            for k in visual_order(&levels[first..end]) {
                let i = first + k;
                if let Some(b) = before {
                    pen_x += self.gaps[b.min(i)..b.max(i)].iter().sum::<f32>();
                }
                slots.push((
                    i,
                    WordSlot {
                        x: x + pen_x,
                        y,
                        width: self.widths[i],
                        height: self.line_h,
                        line: li as u32,
                    },
                ));
                pen_x += self.widths[i];
                before = Some(i);
            }
        }
        if let Some(b) = self.look.look.word_box {
            for (_, slot) in &slots {
                let base = slot.y + baseline;
                let size = self.look.font_size;
                let rect = (
                    (slot.x - b.padding[0]).round() as i32,
                    (base - 0.8 * size - b.padding[1]).round() as i32,
                    (slot.x + slot.width + b.padding[0]).round() as i32,
                    (base + 0.25 * size + b.padding[1]).round() as i32,
                );
                let from = glyphs.len();
                box_instances(atlas, rect, b.radius, 0, 0b111, glyphs);
                for g in &mut glyphs[from..] {
                    g.paint |= always;
                }
            }
        }
        for layer in [Layer::Shadow, Layer::Outline, Layer::Fill] {
            let Some(paint) = Paint::of(&self.look.look, layer, thicken) else {
                continue;
            };
            let bits = GlyphInstance::paint_bits(0b111, layer as u32) | always;
            for &(i, slot) in &slots {
                let shaped = &self.shaped[i];
                pen.place(fonts, atlas, glyphs, (slot, 0), shaped, 1.0, paint, bits);
            }
        }
    }
}
