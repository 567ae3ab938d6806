//! Layers that are pictures: images decoded and resized, and texts laid out like a slide and
//! drawn once, both premultiplied with the layer's opacity.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use crate::project::{limits, Layer, Style};

/// A premultiplied picture and its place.
pub struct Picture {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub pixels: Arc<Vec<u8>>,
}

/// Layer `index`'s image at `size`, premultiplied, its alpha times `opacity`.
pub fn image(
    index: usize,
    path: &Path,
    (width, height): (u32, u32),
    opacity: f64,
) -> anyhow::Result<Vec<u8>> {
    let img = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(anyhow::Error::from)
        .and_then(|mut r| {
            r.limits(limits::image());
            Ok(r.decode()?)
        })
        .with_context(|| format!("layers[{index}].file: cannot decode {}", path.display()))?
        .to_rgba8();
    let img = if img.dimensions() == (width, height) {
        img
    } else {
        image::imageops::resize(&img, width, height, image::imageops::FilterType::Triangle)
    };
    let opacity = (opacity * 255.0).round() as u32;
    let mut out = img.into_raw();
    for px in out.chunks_exact_mut(4) {
        let a = div255(px[3] as u32 * opacity);
        for c in &mut px[..3] {
            *c = div255(*c as u32 * a) as u8;
        }
        px[3] = a as u8;
    }
    Ok(out)
}

/// Layer `index`'s text laid out in its style in the frame, drawn in its spoken look and cut
/// to what it covers; placed where the layer says, or where the style put it. None when
/// nothing of it shows.
pub fn text(
    index: usize,
    text: &str,
    style: &Style,
    layer: &Layer,
    frame: (u32, u32),
) -> anyhow::Result<Option<Picture>> {
    let (slide, atlas) = crate::layout::title(style, text, frame)
        .with_context(|| format!("layers[{index}].style"))?;
    let spoken = crate::timeline::WordState::Spoken as usize;
    let glyphs: Vec<_> = slide
        .glyphs
        .iter()
        .filter(|g| g.drawn_at(spoken, 0, 0))
        .collect();
    let Some(first) = glyphs.first() else {
        return Ok(None);
    };
    let bounds = glyphs.iter().fold(
        (first.x, first.y, first.x, first.y),
        |(x0, y0, x1, y1), g| {
            (
                x0.min(g.x),
                y0.min(g.y),
                x1.max(g.x + g.width as i32),
                y1.max(g.y + g.height as i32),
            )
        },
    );
    // Cut to the frame: where its style put it, to what lies inside the frame; moved, to a
    // frame's size from its top-left corner (more could never show at once).
    let bounds = match layer.place {
        crate::project::Place::Style => (
            bounds.0.max(0),
            bounds.1.max(0),
            bounds.2.min(frame.0 as i32),
            bounds.3.min(frame.1 as i32),
        ),
        _ => (
            bounds.0,
            bounds.1,
            bounds.2.min(bounds.0.saturating_add(frame.0 as i32)),
            bounds.3.min(bounds.1.saturating_add(frame.1 as i32)),
        ),
    };
    if bounds.2 <= bounds.0 || bounds.3 <= bounds.1 {
        return Ok(None);
    }
    let (width, height) = ((bounds.2 - bounds.0) as u32, (bounds.3 - bounds.1) as u32);
    let mut pixels = vec![0u8; (width * height * 4) as usize];
    let opacity = (layer.opacity * 255.0).round() as u32;
    for g in glyphs {
        let color = slide.looks[g.look()][spoken].layer_color(g.layer());
        let dim = div255(color[3] as u32 * opacity);
        for row in 0..g.height {
            let y = g.y + row as i32;
            if y < bounds.1 || y >= bounds.3 {
                continue;
            }
            for col in 0..g.width {
                let x = g.x + col as i32;
                if x < bounds.0 || x >= bounds.2 {
                    continue;
                }
                let t = g.texel(&atlas, col, row);
                // Premultiplied: a colour glyph's own, or the look's colour at the coverage.
                let src = if g.is_color() {
                    t.map(|v| div255(v as u32 * dim))
                } else {
                    let a = div255(t[3] as u32 * dim);
                    [
                        div255(color[0] as u32 * a),
                        div255(color[1] as u32 * a),
                        div255(color[2] as u32 * a),
                        a,
                    ]
                };
                if src[3] == 0 {
                    continue;
                }
                let at = (((y - bounds.1) as usize) * width as usize + (x - bounds.0) as usize) * 4;
                let under = &mut pixels[at..at + 4];
                for c in 0..4 {
                    under[c] = (src[c] + div255(under[c] as u32 * (255 - src[3]))) as u8;
                }
            }
        }
    }
    let (x, y) = layer
        .place
        .corner((width, height), frame)
        .unwrap_or((bounds.0, bounds.1));
    Ok(Some(Picture {
        x,
        y,
        width,
        height,
        pixels: Arc::new(pixels),
    }))
}

fn div255(v: u32) -> u32 {
    (v + 127) / 255
}
