//! The project's image layers flattened into one picture at frame size, laid over every
//! background before any text is drawn. Still backgrounds get it once, when the scene is built;
//! a video background's frames as they are decoded (`render::backdrop`). Both renderers take
//! those pixels as they are, so a layer is drawn by both alike and adds no distinct frame.
//!
//! The rule, per pixel, in the sRGB-encoded values as the rest of the frame: each image is
//! resized to its layer's size (triangle filter), its alpha scaled by the layer's opacity, and
//! laid over the ones before it; the flattened picture (premultiplied) is laid over the
//! background as `out = (bg × (255 − a) + c × 255 + 127) / 255` with `c` premultiplied.

use anyhow::Context as _;

use crate::project::{limits, ImageLayer};

/// The layers flattened: premultiplied RGBA over the rows and columns they touch.
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
    /// The layers over a frame of `width` × `height`; None when there are none (or none in
    /// the frame).
    pub fn build(
        layers: &[ImageLayer],
        width: u32,
        height: u32,
    ) -> anyhow::Result<Option<Overlay>> {
        let inside = |l: &ImageLayer| {
            let x0 = l.x.clamp(0, width as i32) as u32;
            let y0 = l.y.clamp(0, height as i32) as u32;
            let x1 = (l.x as i64 + l.width as i64).clamp(0, width as i64) as u32;
            let y1 = (l.y as i64 + l.height as i64).clamp(0, height as i64) as u32;
            (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
        };
        let spans: Vec<_> = layers.iter().filter_map(inside).collect();
        let Some(&first) = spans.first() else {
            return Ok(None);
        };
        let (x0, y0, x1, y1) = spans.iter().fold(first, |a, b| {
            (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
        });
        let (w, h) = (x1 - x0, y1 - y0);
        let mut pixels = vec![0u8; (w * h * 4) as usize];
        for (i, l) in layers.iter().enumerate() {
            if inside(l).is_none() {
                continue;
            }
            let img = image::ImageReader::open(&l.path)
                .and_then(|r| r.with_guessed_format())
                .map_err(anyhow::Error::from)
                .and_then(|mut r| {
                    r.limits(limits::image());
                    Ok(r.decode()?)
                })
                .with_context(|| format!("layers[{i}].file: cannot decode {}", l.path.display()))?
                .to_rgba8();
            let img = if img.dimensions() == (l.width, l.height) {
                img
            } else {
                image::imageops::resize(
                    &img,
                    l.width,
                    l.height,
                    image::imageops::FilterType::Triangle,
                )
            };
            let opacity = (l.opacity * 255.0).round() as u32;
            for (sy, row) in img.rows().enumerate() {
                let y = l.y as i64 + sy as i64;
                if y < y0 as i64 || y >= y1 as i64 {
                    continue;
                }
                for (sx, px) in row.enumerate() {
                    let x = l.x as i64 + sx as i64;
                    if x < x0 as i64 || x >= x1 as i64 {
                        continue;
                    }
                    let a = div255(px[3] as u32 * opacity);
                    let at = (((y as u32 - y0) * w + (x as u32 - x0)) * 4) as usize;
                    let under = &mut pixels[at..at + 4];
                    // Premultiplied "over": this layer's colour plus what lies under it, dimmed.
                    for c in 0..3 {
                        under[c] =
                            (div255(px[c] as u32 * a) + div255(under[c] as u32 * (255 - a))) as u8;
                    }
                    under[3] = (a + div255(under[3] as u32 * (255 - a))) as u8;
                }
            }
        }
        Ok(Some(Overlay {
            x0,
            y0,
            width: w,
            height: h,
            pixels,
        }))
    }

    /// Lays the layers over opaque RGBA pixels of the whole frame (`frame_width` wide).
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

fn div255(v: u32) -> u32 {
    (v + 127) / 255
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(
        dir: &std::path::Path,
        name: &str,
        rgba: [u8; 4],
        x: i32,
        y: i32,
        opacity: f64,
    ) -> ImageLayer {
        let path = dir.join(name);
        image::RgbaImage::from_pixel(4, 2, image::Rgba(rgba))
            .save(&path)
            .unwrap();
        ImageLayer {
            path,
            x,
            y,
            width: 4,
            height: 2,
            opacity,
        }
    }

    #[test]
    fn layers_flatten_and_lie_over_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let red = layer(dir.path(), "red.png", [255, 0, 0, 255], 1, 1, 0.5);
        let blue = layer(dir.path(), "blue.png", [0, 0, 255, 128], 3, 2, 1.0);
        let o = Overlay::build(&[red, blue], 8, 6).unwrap().unwrap();
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
    fn layers_outside_the_frame_are_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let off = layer(dir.path(), "off.png", [255, 255, 255, 255], 20, 0, 1.0);
        assert_eq!(Overlay::build(&[off], 8, 6).unwrap(), None);
        let part = layer(dir.path(), "part.png", [255, 255, 255, 255], -2, -1, 1.0);
        let o = Overlay::build(&[part], 8, 6).unwrap().unwrap();
        assert_eq!((o.x0, o.y0, o.width, o.height), (0, 0, 2, 1));
    }
}
