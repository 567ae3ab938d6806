//! Text layout: fonts resolved, every word shaped in both weights, lines wrapped, glyphs placed.
//!
//! Each word is shaped on its own with cosmic-text and gets a fixed slot: a word never moves when
//! its weight changes, and nothing after it shifts. With synthetic bold (the default where looks
//! mix weights) the bold glyphs are the regular ones thickened in place, so slots keep regular
//! widths and the gaps between words stay even in every state; with the bold face, a slot is as
//! wide as the wider of the weights its looks use.
//! Lines are filled greedily inside the margins, and each line's words are shown in the order
//! the Unicode bidirectional algorithm gives them (mixed Arabic or Hebrew and Latin lines).
//! Glyphs missing from the chosen font fall back to any installed font (cosmic-text's
//! fallback); characters that no font has are warned about once.

mod atlas;
mod blocks;
mod entrance;
mod fonts;
mod glyphs;
mod labeler;
mod measure;

pub use atlas::Atlas;
pub use fonts::font_dir;
use fonts::{shape, Face, Fonts, Shaped};
pub use glyphs::{GlyphInstance, SlideScene, WordSlot};
pub use labeler::Labeler;
pub use measure::Measure;

use std::collections::{BTreeMap, BTreeSet};

use glyphon::{FontSystem, Metrics};

use crate::project::{Align, Look, Project, Style, POP_STEPS};
use crate::segment::{self, Join};
pub use atlas::ATLAS_WIDTH;

pub struct Layout {
    pub atlas: Atlas,
    pub slides: Vec<SlideScene>,
    pub missing_glyphs: Vec<char>,
    /// What was drawn other than asked (text that overflows, glyphs left blank), each with its
    /// path; logged as warnings, and errors under `--strict`.
    pub warnings: Vec<String>,
}

/// Lays out every slide of the project into one atlas.
pub fn build(project: &Project) -> anyhow::Result<Layout> {
    let mut fonts = Fonts::new();
    let mut atlas = atlas::AtlasBuilder::new();
    // Each character no font has, with the slide and word where it first appears.
    let mut missing: BTreeMap<char, (usize, usize)> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut font_errors = BTreeSet::new();
    let mut slides = Vec::with_capacity(project.slides.len());
    for (i, slide) in project.slides.iter().enumerate() {
        let faces = match fonts.faces(&slide.style) {
            Ok(f) => f,
            Err(e) => {
                font_errors.insert(e);
                continue;
            }
        };
        let shown: Vec<std::borrow::Cow<'_, str>> = slide
            .words
            .iter()
            .map(|w| slide.style.shown(&w.text))
            .collect();
        let texts: Vec<&str> = shown.iter().map(|w| w.as_ref()).collect();
        let looks: Vec<[Look; 3]> = (0..texts.len()).map(|w| *slide.looks_of(w)).collect();
        let ctx = SlideContext {
            index: i,
            width: project.width as f32,
            height: project.height as f32,
            style: &slide.style,
            looks: &looks,
            faces: &faces,
            label: slide.label.as_deref(),
            translation: slide.translation.as_deref(),
        };
        let scene = layout_slide(
            &ctx,
            &texts,
            &mut fonts.system,
            &mut atlas,
            &mut missing,
            &mut warnings,
        );
        slides.push(scene);
    }
    if !font_errors.is_empty() {
        let list: Vec<String> = font_errors.into_iter().collect();
        anyhow::bail!("{}", list.join("\n"));
    }
    for (ch, (slide, word)) in &missing {
        warnings.push(format!(
            "slides[{slide}].words[{word}]: no available font has a glyph for {ch:?} (U+{:04X}); it is left blank",
            *ch as u32
        ));
    }
    for w in &warnings {
        log::warn!("{w}");
    }
    Ok(Layout {
        atlas: atlas.finish(),
        slides,
        missing_glyphs: missing.into_keys().collect(),
        warnings,
    })
}

/// Lays out one block of text (a text layer) as a slide of its own in `style`, in a frame of
/// `size`, with an atlas of its own: the layer is drawn once from it, not per frame.
pub fn title(style: &Style, text: &str, size: (u32, u32)) -> anyhow::Result<(SlideScene, Atlas)> {
    let mut fonts = Fonts::new();
    let faces = fonts.faces(style).map_err(anyhow::Error::msg)?;
    let mut atlas = atlas::AtlasBuilder::new();
    let mut missing = BTreeMap::new();
    let mut warnings = Vec::new();
    let shown = style.shown(text);
    let texts: Vec<&str> = shown.split_whitespace().collect();
    let looks = vec![style.looks; texts.len()];
    let ctx = SlideContext {
        index: 0,
        width: size.0 as f32,
        height: size.1 as f32,
        style,
        looks: &looks,
        faces: &faces,
        label: None,
        translation: None,
    };
    let scene = layout_slide(
        &ctx,
        &texts,
        &mut fonts.system,
        &mut atlas,
        &mut missing,
        &mut warnings,
    );
    for w in warnings {
        log::warn!("{}: {w}", style.field);
    }
    Ok((scene, atlas.finish()))
}

/// How far synthetic bold grows each glyph's outline, in pixels: about the difference between
/// DejaVu Sans's regular and bold stems at the style's size; 0 when bold is the bold face.
fn thickening(style: &Style) -> f32 {
    if style.synthetic_bold {
        synthetic_bold(style)
    } else {
        0.0
    }
}

/// Synthetic bold's thickening at the style's size, whether or not the style uses it.
fn synthetic_bold(style: &Style) -> f32 {
    style.font_size / 36.0
}

/// The distinct values `of` gives the three looks, each with the mask of the word states
/// (bit 0 upcoming, 1 current, 2 spoken) that share it.
fn by_state<T: PartialEq>(looks: &[Look; 3], of: impl Fn(&Look) -> Option<T>) -> Vec<(T, u32)> {
    let mut out: Vec<(T, u32)> = Vec::new();
    for (state, look) in looks.iter().enumerate() {
        let Some(v) = of(look) else { continue };
        match out.iter_mut().find(|(o, _)| *o == v) {
            Some((_, mask)) => *mask |= 1 << state,
            None => out.push((v, 1 << state)),
        }
    }
    out
}

/// A word shaped in its regular and its bold look. With synthetic bold both are the regular
/// shaping: the bold glyphs are the same glyphs at the same places, only thickened.
fn shape_pair(
    fonts: &mut FontSystem,
    word: &str,
    style: &Style,
    faces: &[Face; 2],
    metrics: Metrics,
) -> [Shaped; 2] {
    let regular = shape(fonts, word, &faces[0], metrics);
    let bold = if style.synthetic_bold {
        Shaped {
            width: regular.width,
            glyphs: regular.glyphs.clone(),
            baseline: regular.baseline,
        }
    } else {
        shape(fonts, word, &faces[1], metrics)
    };
    [regular, bold]
}

/// The room between neighbouring words' slots. Words set with a space get the font's space
/// plus twice the most that any of the style's looks grows a glyph by on each side (synthetic
/// bold's thickening, an outline): the gaps between the ink of neighbouring words are then never
/// narrower than the font's own, whose spread (side bearings) is all that keeps ordinary text
/// from looking evenly spaced; a slimmer look stands a little looser. Chinese and Japanese words
/// are closed up, on the font's own advances, as their characters are inside a word: a word
/// boundary looks like any other between characters. Between those and other text, an eighth
/// of an em (and the growth) keeps them apart.
struct Spacing {
    space: f32,
    grow: f32,
    em: f32,
}

impl Spacing {
    fn new(
        fonts: &mut FontSystem,
        style: &Style,
        looks: &[[Look; 3]],
        face: &Face,
        metrics: Metrics,
    ) -> Spacing {
        let thicken = thickening(style);
        let most = style
            .looks
            .iter()
            .chain(looks.iter().flatten())
            .filter(|l| !l.hidden)
            .map(|l| if l.bold { thicken } else { 0.0 } + l.outline.map_or(0.0, |o| o.width))
            .fold(0.0f32, f32::max);
        Spacing {
            space: space_width(fonts, face, metrics),
            grow: 2.0 * most,
            em: metrics.font_size,
        }
    }

    fn gap(&self, left: &str, right: &str) -> f32 {
        match Join::between(left, right) {
            Join::Space => self.space + self.grow,
            Join::Closed => 0.0,
            Join::Autospace => self.em / 8.0 + self.grow,
        }
    }

    /// The gap after each word but the last.
    fn gaps(&self, words: &[&str]) -> Vec<f32> {
        words.windows(2).map(|w| self.gap(w[0], w[1])).collect()
    }
}

/// Each word's embedding level from the Unicode bidirectional algorithm run over the slide's
/// text (odd: right to left), and whether the slide reads right to left (its first strong
/// character does). A word takes the level of its first character.
fn word_levels(words: &[&str]) -> (Vec<u8>, bool) {
    let text = words.join(" ");
    let info = unicode_bidi::BidiInfo::new(&text, None);
    let rtl = info.paragraphs.first().is_some_and(|p| p.level.is_rtl());
    let mut at = 0;
    let levels = words
        .iter()
        .map(|w| {
            let level = info.levels.get(at).map_or(0, |l| l.number());
            at += w.len() + 1;
            level
        })
        .collect();
    (levels, rtl)
}

/// The order, left to right, in which a line's words are shown, from their levels (rule L2:
/// from the highest level down to the lowest odd one, reverse every run at that level or above).
fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&max) = levels.iter().max() else {
        return order;
    };
    let lowest_odd = levels
        .iter()
        .copied()
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(max + 1);
    for level in (lowest_odd..=max).rev() {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
    order
}

/// What a glyph instance draws, bottom to top. The values index a slide's colours.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layer {
    Fill = 0,
    Outline = 1,
    Shadow = 2,
    Box = 3,
}

/// A rounded box over `(x0, y0, x1, y1)` as instances: solid rectangles for its body and edges,
/// and one atlas corner at each corner.
fn box_instances(
    atlas: &mut atlas::AtlasBuilder,
    (x0, y0, x1, y1): (i32, i32, i32, i32),
    radius: f32,
    word: u32,
    states: u32,
    out: &mut Vec<GlyphInstance>,
) {
    let (w, h) = (x1 - x0, y1 - y0);
    if w <= 0 || h <= 0 {
        return;
    }
    let radius = radius.min(w.min(h) as f32 / 2.0);
    let n = radius.ceil() as i32;
    let paint = GlyphInstance::paint_bits(states, Layer::Box as u32);
    let mut solid = |x: i32, y: i32, width: i32, height: i32| {
        if width > 0 && height > 0 {
            out.push(GlyphInstance {
                x,
                y,
                atlas_x: 0,
                atlas_y: 0,
                width: width as u32,
                height: height as u32,
                word,
                paint: paint | GlyphInstance::SOLID,
            });
        }
    };
    solid(x0 + n, y0, w - 2 * n, h);
    solid(x0, y0 + n, n, h - 2 * n);
    solid(x1 - n, y0 + n, n, h - 2 * n);
    if n == 0 {
        return;
    }
    for (corner, x, y) in [
        (atlas::Corner::TopLeft, x0, y0),
        (atlas::Corner::TopRight, x1 - n, y0),
        (atlas::Corner::BottomLeft, x0, y1 - n),
        (atlas::Corner::BottomRight, x1 - n, y1 - n),
    ] {
        if let Some(p) = atlas.corner(radius, corner) {
            out.push(GlyphInstance {
                x,
                y,
                atlas_x: p.atlas_x,
                atlas_y: p.atlas_y,
                width: p.width,
                height: p.height,
                word,
                paint,
            });
        }
    }
}

/// How a word's glyphs are put in the frame: its type's size and bold, and where the
/// baseline sits in its line.
struct Pen<'a> {
    font_size: f32,
    synthetic_bold: bool,
    /// The bold face's family: glyphs from any other face drawn bold are thickened.
    bold_family: &'a str,
    baseline: f32,
}

impl Pen<'_> {
    /// Places the glyphs of word `at.1` in slot `at.0` at `scale` about the middle of its text
    /// (1: where they stand), each bitmap marked `bits`.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &self,
        fonts: &mut FontSystem,
        atlas: &mut atlas::AtlasBuilder,
        glyphs: &mut Vec<GlyphInstance>,
        at: (WordSlot, u32),
        shaped: &Shaped,
        scale: f32,
        paint: Paint,
        bits: u32,
    ) {
        let (slot, word) = at;
        // The narrower weight is centred in the slot.
        let x0 = slot.x + (slot.width - shaped.width) / 2.0;
        let base = slot.y + self.baseline;
        let (cx, cy) = (slot.x + slot.width / 2.0, base - 0.275 * self.font_size);
        let origin = (cx + (x0 - cx) * scale, cy + (base - cy) * scale);
        for g in &shaped.glyphs {
            let phys = g.physical(origin, scale);
            // A bold look whose glyphs fall back to a face without a bold (the CJK fonts) is
            // thickened as synthetic bold is.
            let fallback_regular = paint.bold
                && !self.synthetic_bold
                && fonts.db().face(g.font_id).is_some_and(|f| {
                    f.weight.0 < 600 && f.families.iter().all(|(n, _)| n != self.bold_family)
                });
            let paint = match fallback_regular {
                true => paint.thickened(self.font_size / 36.0 * scale),
                false => paint,
            };
            let Some(p) = atlas.glyph(fonts, phys.cache_key, paint.raster) else {
                continue;
            };
            let (dx, dy) = match p.color_glyph {
                true => paint.offset,
                false => (
                    paint.offset.0 + paint.nudge.0,
                    paint.offset.1 + paint.nudge.1,
                ),
            };
            glyphs.push(GlyphInstance {
                x: phys.x + p.left + dx,
                y: phys.y - p.top + dy,
                atlas_x: p.atlas_x,
                atlas_y: p.atlas_y,
                width: p.width,
                height: p.height,
                word,
                paint: if p.rgba {
                    bits | GlyphInstance::COLOR
                } else {
                    bits
                },
            });
        }
    }
}

/// How one layer of a word is drawn in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Paint {
    bold: bool,
    raster: atlas::Raster,
    /// Added to the bitmap's position, in pixels: the shadow's offset.
    offset: (i32, i32),
    /// Added as well where the glyph is thickened (not a colour glyph's): see `Paint::of`.
    nudge: (i32, i32),
}

impl Paint {
    fn of(look: &Look, layer: Layer, thicken: f32) -> Option<Paint> {
        if look.hidden {
            return None;
        }
        let fill = atlas::Raster::fill();
        let outlined = match look.outline {
            Some(o) => fill.outline(o.width),
            None => fill,
        };
        let (raster, offset) = match layer {
            Layer::Fill => (fill, (0, 0)),
            Layer::Outline => (fill.outline(look.outline?.width), (0, 0)),
            Layer::Shadow => {
                let s = look.shadow?;
                let offset = (s.offset[0].round() as i32, s.offset[1].round() as i32);
                let raster = if s.blur > 0.0 {
                    outlined.blurred(s.blur)
                } else {
                    outlined
                };
                (raster, offset)
            }
            // Boxes follow slots, not glyphs: `box_instances`.
            Layer::Box => return None,
        };
        let paint = Paint {
            bold: look.bold,
            raster,
            offset,
            nudge: (0, 0),
        };
        Some(match look.bold && thicken > 0.0 {
            true => paint.thickened(thicken),
            false => paint,
        })
    }

    /// The same paint on glyphs thickened by `thicken` pixels. Emboldening grows an outline
    /// about twice `thicken` to the right and upwards only; moving it back by `thicken` keeps
    /// the thicker word centred where the regular one stands, so its gaps on both sides shrink
    /// alike.
    fn thickened(self, thicken: f32) -> Paint {
        let n = thicken.round() as i32;
        Paint {
            raster: self.raster.thickened(thicken),
            nudge: (-n, n),
            ..self
        }
    }
}

/// The width of a space between words in a face.
fn space_width(fonts: &mut FontSystem, face: &Face, metrics: Metrics) -> f32 {
    let two = shape(fonts, "x x", face, metrics).width;
    let one = shape(fonts, "xx", face, metrics).width;
    (two - one).max(metrics.font_size * 0.25)
}

/// The room a word takes: as wide as the widest weight its looks use, so that no word moves
/// when it changes weight, and words never change weight get the spacing of ordinary text.
fn slot_width(looks: &[Look; 3], regular: f32, bold: f32) -> f32 {
    let uses = |b: bool| looks.iter().any(|l| l.bold == b && !l.hidden);
    match (uses(false), uses(true)) {
        (true, false) => regular,
        (false, true) => bold,
        _ => regular.max(bold),
    }
}

/// Greedy wrapping inside `room`: `(first word, end, width)` per line, `gaps[i]` lying between
/// words i and i + 1 and a line ending there only where `breaks[i]` allows. A line that would
/// overflow ends at its last allowed break; with none, or a word wider than the room, it
/// overflows where it must.
fn wrap(slot_w: &[f32], gaps: &[f32], breaks: &[bool], room: f32) -> Vec<(usize, usize, f32)> {
    wrap_within(slot_w, gaps, breaks, room, None)
}

/// `wrap`, a line also holding at most `chars.1` characters, each word counting `chars.0` of
/// them and each gap between words one (the subtitle guides' line length).
fn wrap_within(
    slot_w: &[f32],
    gaps: &[f32],
    breaks: &[bool],
    room: f32,
    chars: Option<(&[usize], usize)>,
) -> Vec<(usize, usize, f32)> {
    let width = |from: usize, to: usize| {
        slot_w[from..to].iter().sum::<f32>() + gaps[from..to - 1].iter().sum::<f32>()
    };
    let mut lines = Vec::new();
    let mut start = 0;
    while start < slot_w.len() {
        let mut end = start + 1;
        let mut w = slot_w[start];
        let mut n = chars.map_or(0, |(c, _)| c[start]);
        let fits = |n: usize| chars.is_none_or(|(_, most)| n <= most);
        while end < slot_w.len()
            && w + gaps[end - 1] + slot_w[end] <= room
            && fits(n + 1 + chars.map_or(0, |(c, _)| c[end]))
        {
            w += gaps[end - 1] + slot_w[end];
            n += 1 + chars.map_or(0, |(c, _)| c[end]);
            end += 1;
        }
        if end < slot_w.len() && !breaks[end - 1] {
            if let Some(b) = (start + 1..end).rev().find(|&b| breaks[b - 1]) {
                end = b;
            } else {
                // No break inside: the unbreakable run goes on to its end.
                while end < slot_w.len() && !breaks[end - 1] {
                    end += 1;
                }
            }
        }
        lines.push((start, end, width(start, end)));
        start = end;
    }
    lines
}

struct SlideContext<'a> {
    index: usize,
    width: f32,
    height: f32,
    style: &'a Style,
    /// Each word's looks: its own, or the slide's.
    looks: &'a [[Look; 3]],
    faces: &'a [Face; 2],
    /// The speaker's name and the translation drawn with the slide, if any.
    label: Option<&'a str>,
    translation: Option<&'a str>,
}

fn layout_slide(
    ctx: &SlideContext<'_>,
    words: &[&str],
    fonts: &mut FontSystem,
    atlas: &mut atlas::AtlasBuilder,
    missing: &mut BTreeMap<char, (usize, usize)>,
    warnings: &mut Vec<String>,
) -> SlideScene {
    let style = ctx.style;
    let line_h = style.font_size * style.line_height;
    let metrics = Metrics::new(style.font_size, line_h);
    let shaped: Vec<[Shaped; 2]> = words
        .iter()
        .map(|w| shape_pair(fonts, w, style, ctx.faces, metrics))
        .collect();
    for (i, (w, pair)) in words.iter().zip(&shaped).enumerate() {
        for s in pair {
            for g in s.glyphs.iter().filter(|g| g.glyph_id == 0) {
                for ch in w[g.start..g.end].chars().filter(|c| !c.is_whitespace()) {
                    missing.entry(ch).or_insert((ctx.index, i));
                }
            }
        }
    }
    let spacing = Spacing::new(fonts, style, ctx.looks, &ctx.faces[0], metrics);
    let gaps = spacing.gaps(words);
    let slot_w: Vec<f32> = shaped
        .iter()
        .zip(ctx.looks)
        .map(|(p, looks)| slot_width(looks, p[0].width, p[1].width))
        .collect();
    // The distinct looks of the slide's words; each glyph carries its word's (`look_bits`).
    let mut sets: Vec<[Look; 3]> = Vec::new();
    let set_of: Vec<u32> = ctx
        .looks
        .iter()
        .map(|l| match sets.iter().position(|s| s == l) {
            Some(k) => k as u32,
            None => {
                sets.push(*l);
                sets.len() as u32 - 1
            }
        })
        .collect();
    // Glyph bits every glyph of word `i` carries: its looks, and whether it never pops.
    let word_bits = |i: usize| {
        let steady = ctx.looks[i][1].scale == 1.0;
        GlyphInstance::look_bits(set_of[i]) | if steady { GlyphInstance::STEADY } else { 0 }
    };
    let (levels, rtl) = word_levels(words);
    let baseline = shaped.first().map_or(line_h * 0.8, |p| p[0].baseline);

    let (box_left, box_top, box_right, box_bottom) = style.text_box(ctx.width, ctx.height);
    let room = box_right - box_left;
    for (i, &w) in slot_w.iter().enumerate() {
        if w > room {
            warnings.push(format!(
                "slides[{}].words[{i}]: \"{}\" is wider than the room between the margins and will be cut",
                ctx.index,
                words[i]
            ));
        }
    }
    let counts: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
    let chars = style.line_chars.map(|most| (counts.as_slice(), most));
    let lines = wrap_within(&slot_w, &gaps, &segment::breaks(words), room, chars);
    let text_h = lines.len() as f32 * line_h;
    let blocks: Vec<blocks::Block> = [
        (ctx.label, &style.label),
        (ctx.translation, &style.translation),
    ]
    .into_iter()
    .filter_map(|(text, look)| {
        Some(blocks::Block::new(
            fonts, style, ctx.faces, text?, look, room,
        ))
    })
    .collect();
    let above: f32 = blocks
        .iter()
        .filter(|b| b.above())
        .map(|b| b.height())
        .sum();
    let below: f32 = blocks
        .iter()
        .filter(|b| !b.above())
        .map(|b| b.height())
        .sum();
    let group_h = above + text_h + below;
    if group_h > box_bottom - box_top + 0.5 {
        warnings.push(format!(
            "slides[{}]: {} lines of text{} are taller than the room between the margins",
            ctx.index,
            lines.len(),
            if blocks.is_empty() {
                ""
            } else {
                " with the slide's label or translation"
            }
        ));
    }
    // The spoken text and its blocks are aligned together.
    let group_top = style.vertical_offset
        + match style.vertical_align {
            Align::Start => box_top,
            Align::Center => (box_top + box_bottom - group_h) / 2.0,
            Align::End => box_bottom - group_h,
        };
    let top = group_top + above;

    let mut slots = vec![
        WordSlot {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: line_h,
            line: 0
        };
        words.len()
    ];
    for (li, &(first, end, lw)) in lines.iter().enumerate() {
        let left = match (style.align, rtl) {
            (Align::Center, _) => (box_left + box_right - lw) / 2.0,
            (Align::Start, false) | (Align::End, true) => box_left,
            (Align::End, false) | (Align::Start, true) => box_right - lw,
        };
        let y = top + li as f32 * line_h;
        let mut pen = 0.0;
        let mut before: Option<usize> = None;
        // Words are placed left to right in visual order; their slots keep spoken order. Each
        // pair of words shown side by side is set apart as its text joins.
        for k in visual_order(&levels[first..end]) {
            let i = first + k;
            if let Some(b) = before {
                pen += spacing.gap(words[b.min(i)], words[b.max(i)]);
            }
            slots[i] = WordSlot {
                x: left + pen,
                y,
                width: slot_w[i],
                height: line_h,
                line: li as u32,
            };
            pen += slot_w[i];
            before = Some(i);
        }
    }

    let thicken = thickening(style);
    let mut glyphs = Vec::new();
    // Boxes first, each shape once for the states that share it (colours come per state).
    for (i, slot) in slots.iter().enumerate() {
        let boxes = by_state(&ctx.looks[i], |l| {
            l.word_box
                .filter(|_| !l.hidden)
                .map(|b| (b.padding, b.radius))
        });
        let first = glyphs.len();
        for &((padding, radius), states) in &boxes {
            // The text's height about its baseline (ascenders to descenders), not the line's.
            let base = slot.y + baseline;
            let rect = (
                (slot.x - padding[0]).round() as i32,
                (base - 0.8 * style.font_size - padding[1]).round() as i32,
                (slot.x + slot.width + padding[0]).round() as i32,
                (base + 0.25 * style.font_size + padding[1]).round() as i32,
            );
            box_instances(atlas, rect, radius, i as u32, states, &mut glyphs);
        }
        for g in &mut glyphs[first..] {
            g.paint |= word_bits(i);
        }
    }
    // The current word's box on its way from the word before on the same line, at each step of
    // the glide (its own place is the box above): drawn for the frames that show that step.
    for i in 1..slots.len() {
        let current = ctx.looks[i][1];
        let Some(b) = current
            .word_box
            .filter(|b| b.glide > 0.0 && !current.hidden)
        else {
            continue;
        };
        let rect_of = |slot: &WordSlot| {
            let base = slot.y + baseline;
            [
                slot.x - b.padding[0],
                base - 0.8 * style.font_size - b.padding[1],
                slot.x + slot.width + b.padding[0],
                base + 0.25 * style.font_size + b.padding[1],
            ]
        };
        if slots[i - 1].line != slots[i].line {
            continue;
        }
        let (from, to) = (rect_of(&slots[i - 1]), rect_of(&slots[i]));
        for step in 0..POP_STEPS {
            let f = step as f32 / POP_STEPS as f32;
            let at = |k: usize| (from[k] + (to[k] - from[k]) * f).round() as i32;
            let first = glyphs.len();
            box_instances(
                atlas,
                (at(0), at(1), at(2), at(3)),
                b.radius,
                i as u32,
                1 << 1,
                &mut glyphs,
            );
            for g in &mut glyphs[first..] {
                g.paint |= GlyphInstance::pop_bits(1 + step) | word_bits(i);
            }
        }
    }
    // Layer by layer over the whole slide, so that no word's shadow or outline covers another
    // word's glyphs. Within a layer, states that draw alike share their instances.
    let pen = Pen {
        font_size: style.font_size,
        synthetic_bold: style.synthetic_bold,
        bold_family: &ctx.faces[1].family,
        baseline,
    };
    let place = |fonts: &mut FontSystem,
                 atlas: &mut atlas::AtlasBuilder,
                 glyphs: &mut Vec<GlyphInstance>,
                 i: usize,
                 shaped: &Shaped,
                 scale: f32,
                 paint: Paint,
                 bits: u32| {
        let at = (slots[i], i as u32);
        pen.place(fonts, atlas, glyphs, at, shaped, scale, paint, bits);
    };
    for layer in [Layer::Shadow, Layer::Outline, Layer::Fill] {
        for (i, pair) in shaped.iter().enumerate() {
            // A word that comes in is drawn current only at the steps of its entrance below.
            let mut looks = ctx.looks[i];
            if looks[1].enter.is_some() {
                looks[1].hidden = true;
            }
            let paints = by_state(&looks, |l| Paint::of(l, layer, thicken));
            for &(paint, states) in &paints {
                let bits = GlyphInstance::paint_bits(states, layer as u32) | word_bits(i);
                place(
                    fonts,
                    atlas,
                    &mut glyphs,
                    i,
                    &pair[paint.bold as usize],
                    1.0,
                    paint,
                    bits,
                );
            }
        }
        // The pop: the current look again at each step of its growth, over the other words'
        // glyphs of this layer, for the frames that show that step.
        for step in 1..=POP_STEPS {
            for (i, pair) in shaped.iter().enumerate() {
                let current = ctx.looks[i][1];
                if current.scale == 1.0 {
                    continue;
                }
                let s = 1.0 + (current.scale - 1.0) * step as f32 / POP_STEPS as f32;
                let Some(paint) = Paint::of(&current.scaled(s), layer, thicken * s) else {
                    continue;
                };
                let bits = GlyphInstance::paint_bits(1 << 1, layer as u32)
                    | GlyphInstance::pop_bits(step)
                    | word_bits(i);
                place(
                    fonts,
                    atlas,
                    &mut glyphs,
                    i,
                    &pair[paint.bold as usize],
                    s,
                    paint,
                    bits,
                );
            }
        }
        // Entrances: the current look at each step on its way in (from step 0, the word's
        // first frame, to `POP_STEPS`, where it is at rest).
        for (i, pair) in shaped.iter().enumerate() {
            let current = ctx.looks[i][1];
            let Some(enter) = current.enter else {
                continue;
            };
            for step in 0..=POP_STEPS {
                let Some(way) = entrance::Way::at(enter.kind, step, style.font_size) else {
                    continue;
                };
                let mut step_looks = ctx.looks[i];
                step_looks[1] = way.look(&current);
                let look = match sets.iter().position(|s| *s == step_looks) {
                    Some(k) => k,
                    None => {
                        sets.push(step_looks);
                        sets.len() - 1
                    }
                };
                let Some(paint) =
                    Paint::of(&step_looks[1].scaled(way.scale), layer, thicken * way.scale)
                else {
                    continue;
                };
                let bits = GlyphInstance::paint_bits(1 << 1, layer as u32)
                    | GlyphInstance::pop_bits(step)
                    | GlyphInstance::look_bits(look as u32);
                let shaped = way.typed(&pair[paint.bold as usize]);
                let mut slot = slots[i];
                slot.y += way.dy;
                pen.place(
                    fonts,
                    atlas,
                    &mut glyphs,
                    (slot, i as u32),
                    &shaped,
                    way.scale,
                    paint,
                    bits,
                );
            }
        }
    }
    let (mut over, mut under) = (group_top, top + text_h);
    for block in &blocks {
        let at = match block.above() {
            true => &mut over,
            false => &mut under,
        };
        let look = [block.look(); 3];
        let index = match sets.iter().position(|s| *s == look) {
            Some(k) => k,
            None => {
                sets.push(look);
                sets.len() - 1
            }
        };
        let place = (*at, box_left, box_right);
        block.place(
            fonts,
            atlas,
            &mut glyphs,
            style,
            ctx.faces,
            place,
            index as u32,
        );
        *at += block.height();
    }
    SlideScene {
        looks: sets,
        slots,
        glyphs,
    }
}

#[cfg(test)]
mod tests;
