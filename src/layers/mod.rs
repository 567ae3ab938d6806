//! The project's layers made ready to draw: pictures (images, and texts rasterized once),
//! waveforms and progress bars, with what each shows in every frame.
//!
//! Still pictures under everything that moves (a logo for the whole video) are flattened into
//! one `Overlay` and laid over the backgrounds once: still backgrounds when the scene is built,
//! a video's frames as they are decoded (`render::backdrop`). They add nothing per frame.
//! Every other layer is `Live`: drawn per frame by both renderers from the frame key's values
//! (`motion`: its level of fade, a progress bar's filled width, a waveform's bar heights), under
//! the captions or, `above`, over them. `draw` is the rule both follow, in integers:
//! a layer pixel's premultiplied colour `c` and alpha `a` are scaled by the level `l`
//! (`a' = div255(a × l)`, `c' = div255(c × l)`) and laid over what is there as
//! `d = c' + div255(d × (255 − a'))`.

mod draw;
mod motion;
mod pictures;
mod waveform;

use std::sync::Arc;

pub use draw::draw;
pub use motion::Motion;

use crate::project::{LayerKind, Project, WaveShape};

/// The layers of a scene, ready to draw.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// The still layers under everything that moves, flattened.
    pub baked: Option<Arc<Overlay>>,
    /// The layers drawn per frame, in order.
    pub live: Vec<Live>,
    /// Values a frame key holds for them.
    pub values: usize,
}

/// A layer drawn per frame, `width` × `height` at (`x`, `y`) (it may reach past the frame).
#[derive(Debug, Clone)]
pub struct Live {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub above: bool,
    /// Where its values start in a frame key's: its level first (0 hidden, 255 whole).
    pub at: usize,
    pub paint: Paint,
    /// Its index in the project's `layers`.
    pub index: usize,
}

impl Live {
    /// How many values it holds in a frame key.
    pub fn values(&self) -> usize {
        1 + match &self.paint {
            Paint::Picture(_) => 0,
            Paint::Progress { .. } => 1,
            Paint::Wave(w) => w.bars as usize,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Paint {
    /// Premultiplied RGBA, `width` × `height`.
    Picture(Arc<Vec<u8>>),
    /// The filled part (`color`) left of the key's width, the track right of it.
    Progress {
        color: [u8; 4],
        track: [u8; 4],
    },
    Wave(Wave),
}

/// A waveform's geometry in whole pixels: `bars` bars `pitch` apart, each `bar_width` wide,
/// the first `lead` pixels from the layer's left edge; the key holds each bar's height (for
/// `Line`, how far its point lies from the middle).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wave {
    pub shape: WaveShape,
    pub bars: u32,
    pub pitch: u32,
    pub bar_width: u32,
    pub lead: u32,
    /// The smallest bar (what silence shows), or the line's thickness.
    pub thickness: u32,
    pub color: [u8; 4],
}

impl Wave {
    fn new(shape: WaveShape, bars: u32, (width, height): (u32, u32), color: [u8; 4]) -> Wave {
        let pitch = (width / bars).max(1);
        // A third of each pitch is the gap between bars, where there is room for one.
        let bar_width = match pitch {
            1 | 2 => pitch,
            p => p - p / 3,
        };
        let thickness = match shape {
            WaveShape::Line => (height / 24).max(2),
            _ => (height / 40).max(2),
        }
        .min(height);
        Wave {
            shape,
            bars,
            pitch,
            bar_width,
            lead: (width - pitch * bars) / 2,
            thickness,
            color,
        }
    }

    /// The height a bar of `level` (0 to 1) shows, in whole pixels of a `height` layer.
    pub fn quantize(&self, level: f64, height: u32) -> u16 {
        let level = level.clamp(0.0, 1.0);
        let least = self.thickness;
        match self.shape {
            WaveShape::Bars => (least as f64 + level * (height - least) as f64).round() as u16,
            // Even steps either side of the middle: the bar stays centred.
            WaveShape::Mirror => {
                let least = least + (height - least) % 2;
                let steps = ((height - least) / 2) as f64;
                (least + 2 * (level * steps).round() as u32) as u16
            }
            WaveShape::Line => (level * (height - least) as f64 / 2.0).round() as u16,
        }
    }
}

impl Layers {
    /// Decodes and rasterizes every layer and decides which are still. Fails on an image
    /// that cannot be decoded or a text whose font cannot be found.
    pub fn build(project: &Project) -> anyhow::Result<Layers> {
        let frame = (project.width, project.height);
        let mut live: Vec<Live> = Vec::new();
        let mut still: Vec<pictures::Picture> = Vec::new();
        let mut values = 0;
        for (index, layer) in project.layers.iter().enumerate() {
            // Solid colours take the layer's opacity here; pictures when they are drawn.
            let dim = |c: &[u8; 4]| {
                let alpha = (c[3] as f64 * layer.opacity).round() as u8;
                [c[0], c[1], c[2], alpha]
            };
            let (x, y, width, height, paint) = match &layer.kind {
                LayerKind::Image { path } => {
                    let size = layer.size.expect("an image's size is known");
                    let pixels = pictures::image(index, path, size, layer.opacity)?;
                    let (x, y) = layer.place.corner(size, frame).expect("not a text");
                    (x, y, size.0, size.1, Paint::Picture(Arc::new(pixels)))
                }
                LayerKind::Text { text, style } => {
                    let p = pictures::text(index, text, style, layer, frame)?;
                    let Some(p) = p else { continue };
                    (p.x, p.y, p.width, p.height, Paint::Picture(p.pixels))
                }
                LayerKind::Progress { color, track } => {
                    let size = layer.size.expect("a progress bar's size is known");
                    let (x, y) = layer.place.corner(size, frame).expect("not a text");
                    let paint = Paint::Progress {
                        color: dim(color),
                        track: dim(track),
                    };
                    (x, y, size.0, size.1, paint)
                }
                LayerKind::Waveform {
                    shape, bars, color, ..
                } => {
                    let size = layer.size.expect("a waveform's size is known");
                    let (x, y) = layer.place.corner(size, frame).expect("not a text");
                    let wave = Wave::new(*shape, *bars, size, dim(color));
                    (x, y, size.0, size.1, Paint::Wave(wave))
                }
            };
            let whole =
                layer.start <= 0.0 && layer.end.is_infinite() && layer.fade == 0.0 && !layer.above;
            let covered = |l: &Live| {
                !l.above
                    && l.x < x + width as i32
                    && x < l.x + l.width as i32
                    && l.y < y + height as i32
                    && y < l.y + l.height as i32
            };
            match paint {
                // Shown whole from the first frame to the last, with nothing that moves under
                // it: laid over the backgrounds once.
                Paint::Picture(pixels) if whole && !live.iter().any(covered) => {
                    still.push(pictures::Picture {
                        x,
                        y,
                        width,
                        height,
                        pixels,
                    })
                }
                paint => {
                    let extra = match &paint {
                        Paint::Picture(_) => 0,
                        Paint::Progress { .. } => 1,
                        Paint::Wave(w) => w.bars as usize,
                    };
                    live.push(Live {
                        x,
                        y,
                        width,
                        height,
                        above: layer.above,
                        at: values,
                        paint,
                        index,
                    });
                    values += 1 + extra;
                }
            }
        }
        Ok(Layers {
            baked: Overlay::flatten(&still, frame).map(Arc::new),
            live,
            values,
        })
    }

    /// Bytes of the pictures the renderers hold: the flattened still ones and the live ones.
    pub fn picture_bytes(&self) -> u64 {
        let live: usize = self
            .live
            .iter()
            .map(|l| match &l.paint {
                Paint::Picture(px) => px.len(),
                _ => 0,
            })
            .sum();
        live as u64 + self.baked.as_ref().map_or(0, |o| o.pixels.len() as u64)
    }

    /// A live layer's rectangle inside a `frame`, as (x0, y0, x1, y1).
    pub fn rect(live: &Live, frame: (u32, u32)) -> Option<(u32, u32, u32, u32)> {
        clip((live.x, live.y, live.width, live.height), frame)
    }
}

/// Still pictures flattened: premultiplied RGBA over the rows and columns they touch.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    pub x0: u32,
    pub y0: u32,
    pub width: u32,
    pub height: u32,
    /// Premultiplied RGBA, `width` × `height`.
    pub pixels: Vec<u8>,
}

impl Overlay {
    /// The pictures, in order, over a `frame`; None when none shows in it.
    fn flatten(pictures: &[pictures::Picture], frame: (u32, u32)) -> Option<Overlay> {
        let spans: Vec<_> = pictures
            .iter()
            .filter_map(|p| clip((p.x, p.y, p.width, p.height), frame))
            .collect();
        let &first = spans.first()?;
        let (x0, y0, x1, y1) = spans.iter().fold(first, |a, b| {
            (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
        });
        let (w, h) = (x1 - x0, y1 - y0);
        let mut pixels = vec![0u8; (w * h * 4) as usize];
        for p in pictures {
            for sy in 0..p.height {
                let y = p.y as i64 + sy as i64;
                if y < y0 as i64 || y >= y1 as i64 {
                    continue;
                }
                for sx in 0..p.width {
                    let x = p.x as i64 + sx as i64;
                    if x < x0 as i64 || x >= x1 as i64 {
                        continue;
                    }
                    let src = &p.pixels[((sy * p.width + sx) * 4) as usize..][..4];
                    let a = src[3] as u32;
                    let at = (((y as u32 - y0) * w + (x as u32 - x0)) * 4) as usize;
                    let under = &mut pixels[at..at + 4];
                    // Premultiplied "over": this picture plus what lies under it, dimmed.
                    for c in 0..4 {
                        under[c] = (src[c] as u32 + div255(under[c] as u32 * (255 - a))) as u8;
                    }
                }
            }
        }
        Some(Overlay {
            x0,
            y0,
            width: w,
            height: h,
            pixels,
        })
    }

    /// Lays the pictures over opaque RGBA pixels of the whole frame (`frame_width` wide).
    pub fn lay_over(&self, frame: &mut [u8], frame_width: u32) {
        for row in 0..self.height {
            let src = &self.pixels[(row * self.width * 4) as usize..][..(self.width * 4) as usize];
            let start = (((self.y0 + row) * frame_width + self.x0) * 4) as usize;
            let dst = &mut frame[start..start + (self.width * 4) as usize];
            for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                let a = s[3] as u32;
                if a == 0 {
                    continue;
                }
                for c in 0..3 {
                    d[c] = ((d[c] as u32 * (255 - a) + s[c] as u32 * 255 + 127) / 255) as u8;
                }
            }
        }
    }
}

/// The part of `(x, y, width, height)` inside a `frame`, as (x0, y0, x1, y1); None if none.
fn clip(
    (x, y, width, height): (i32, i32, u32, u32),
    frame: (u32, u32),
) -> Option<(u32, u32, u32, u32)> {
    let x0 = x.clamp(0, frame.0 as i32) as u32;
    let y0 = y.clamp(0, frame.1 as i32) as u32;
    let x1 = (x as i64 + width as i64).clamp(0, frame.0 as i64) as u32;
    let y1 = (y as i64 + height as i64).clamp(0, frame.1 as i64) as u32;
    (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
}

fn div255(v: u32) -> u32 {
    (v + 127) / 255
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(rgba: [u8; 4], x: i32, y: i32, opacity: f64) -> pictures::Picture {
        let a = div255(rgba[3] as u32 * (opacity * 255.0).round() as u32);
        let px = [
            div255(rgba[0] as u32 * a) as u8,
            div255(rgba[1] as u32 * a) as u8,
            div255(rgba[2] as u32 * a) as u8,
            a as u8,
        ];
        pictures::Picture {
            x,
            y,
            width: 4,
            height: 2,
            pixels: Arc::new(px.repeat(8)),
        }
    }

    #[test]
    fn pictures_flatten_and_lie_over_the_background() {
        let red = picture([255, 0, 0, 255], 1, 1, 0.5);
        let blue = picture([0, 0, 255, 128], 3, 2, 1.0);
        let o = Overlay::flatten(&[red, blue], (8, 6)).unwrap();
        assert_eq!((o.x0, o.y0, o.width, o.height), (1, 1, 6, 3));
        let mut frame = [0u8, 255, 0, 255].repeat(48);
        o.lay_over(&mut frame, 8);
        let at = |x: usize, y: usize| &frame[(y * 8 + x) * 4..][..4];
        // Half red over green.
        assert_eq!(at(1, 1), [128, 127, 0, 255]);
        // Half blue over half red over green.
        assert_eq!(at(3, 2), [64, 63, 128, 255]);
        // Outside every layer: the background.
        assert_eq!(at(0, 0), [0, 255, 0, 255]);
        assert_eq!(at(7, 5), [0, 255, 0, 255]);
    }

    #[test]
    fn pictures_outside_the_frame_are_nothing() {
        let off = picture([255, 255, 255, 255], 20, 0, 1.0);
        assert_eq!(Overlay::flatten(&[off], (8, 6)), None);
        let part = picture([255, 255, 255, 255], -2, -1, 1.0);
        let o = Overlay::flatten(&[part], (8, 6)).unwrap();
        assert_eq!((o.x0, o.y0, o.width, o.height), (0, 0, 2, 1));
    }

    #[test]
    fn mirrored_bars_stay_centred_and_silence_is_the_least() {
        for height in [40u32, 41] {
            let w = Wave::new(WaveShape::Mirror, 8, (80, height), [255; 4]);
            for level in [0.0, 0.3, 0.77, 1.0] {
                let h = w.quantize(level, height) as u32;
                assert_eq!((height - h) % 2, 0, "{height} {level}");
                assert!(h <= height);
            }
            assert_eq!(w.quantize(0.0, height), w.quantize(-1.0, height));
        }
        let b = Wave::new(WaveShape::Bars, 10, (95, 60), [255; 4]);
        assert_eq!((b.pitch, b.bar_width, b.lead), (9, 6, 2));
        assert_eq!(b.quantize(1.0, 60), 60);
        assert_eq!(b.quantize(0.0, 60), 2);
    }
}
