//! Text measured as `layout::build` sets it, without drawing: the importer cuts slides that
//! fit with it, so its widths and wrapping must stay those of `build`.

use std::collections::HashMap;

use glyphon::Metrics;

use super::fonts::{Face, Fonts};
use super::{shape_pair, slot_width, wrap_within, Spacing};
use crate::project::Style;
use crate::segment;

/// Measures text as `build` would lay it out, without drawing it: how many lines a run of
/// words takes in a style. `gpucast import` cuts slides with it so that each one fits.
pub struct Measure {
    style: Style,
    fonts: Fonts,
    faces: [Face; 2],
    metrics: Metrics,
    spacing: Spacing,
    room: f32,
    fit: usize,
    widths: HashMap<String, f32>,
}

impl Measure {
    pub fn new(style: &Style, width: u32, height: u32) -> anyhow::Result<Measure> {
        let mut fonts = Fonts::new();
        let faces = fonts.faces(style).map_err(anyhow::Error::msg)?;
        let line_h = style.font_size * style.line_height;
        let metrics = Metrics::new(style.font_size, line_h);
        let spacing = Spacing::new(&mut fonts.system, style, &[], &faces[0], metrics);
        let (left, top, right, bottom) = style.text_box(width as f32, height as f32);
        let room_h = bottom - top;
        Ok(Measure {
            style: style.clone(),
            fonts,
            faces,
            metrics,
            spacing,
            room: right - left,
            fit: ((room_h + 0.5) / line_h).floor().max(1.0) as usize,
            widths: HashMap::new(),
        })
    }

    /// The width between the side margins (and safe area).
    pub fn room(&self) -> f32 {
        self.room
    }

    /// How many lines fit between the top and bottom margins (and safe area).
    pub fn lines_that_fit(&self) -> usize {
        self.fit
    }

    /// The slot a word takes, as `build` sizes it.
    pub fn width(&mut self, word: &str) -> f32 {
        if let Some(&w) = self.widths.get(word) {
            return w;
        }
        let [regular, bold] = shape_pair(
            &mut self.fonts.system,
            &self.style.shown(word),
            &self.style,
            &self.faces,
            self.metrics,
        );
        let w = slot_width(&self.style.looks, regular.width, bold.width);
        self.widths.insert(word.to_string(), w);
        w
    }

    /// Lines a slide of these words takes.
    pub fn lines(&mut self, words: &[&str]) -> usize {
        let widths: Vec<f32> = words.iter().map(|w| self.width(w)).collect();
        let gaps = self.spacing.gaps(words);
        let counts: Vec<usize> = words
            .iter()
            .map(|w| self.style.shown(w).chars().count())
            .collect();
        let chars = self.style.line_chars.map(|most| (counts.as_slice(), most));
        wrap_within(&widths, &gaps, &segment::breaks(words), self.room, chars).len()
    }
}
