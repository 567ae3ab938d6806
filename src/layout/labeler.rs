//! Plain text drawn onto an image in the bundled font, for labels (a contact sheet's time
//! codes), not for slide text.

use glyphon::{Attrs, Buffer, Family, Metrics, Shaping, Wrap};

use super::fonts::{Fonts, BUNDLED_FAMILY};

/// Plain text drawn straight onto an image in the bundled font: the time codes of a contact
/// sheet, not slide text.
pub struct Labeler {
    fonts: Fonts,
    cache: glyphon::SwashCache,
}

impl Labeler {
    pub fn new() -> Labeler {
        Labeler {
            fonts: Fonts::new(),
            cache: glyphon::SwashCache::new(),
        }
    }

    /// Draws `text` with its top-left at `(x, y)`, `size` pixels high, blended over the image.
    pub fn draw(
        &mut self,
        img: &mut image::RgbImage,
        (x, y): (i32, i32),
        text: &str,
        size: f32,
        rgb: [u8; 3],
    ) {
        let metrics = Metrics::new(size, size * 1.2);
        let mut buffer = Buffer::new(&mut self.fonts.system, metrics);
        buffer.set_wrap(Wrap::None);
        buffer.set_size(None, None);
        let attrs = Attrs::new().family(Family::Name(BUNDLED_FAMILY));
        buffer.set_text(text, &attrs, Shaping::Advanced, None);
        let color = glyphon::Color::rgb(rgb[0], rgb[1], rgb[2]);
        let (w, h) = (img.width() as i32, img.height() as i32);
        buffer.draw(
            &mut self.fonts.system,
            &mut self.cache,
            color,
            |gx, gy, gw, gh, c| {
                let a = c.a() as u32;
                for py in y + gy..y + gy + gh as i32 {
                    for px in x + gx..x + gx + gw as i32 {
                        if px < 0 || py < 0 || px >= w || py >= h || a == 0 {
                            continue;
                        }
                        let p = img.get_pixel_mut(px as u32, py as u32);
                        for (k, v) in [c.r(), c.g(), c.b()].into_iter().enumerate() {
                            p.0[k] = ((p.0[k] as u32 * (255 - a) + v as u32 * a + 127) / 255) as u8;
                        }
                    }
                }
            },
        );
    }
}

impl Default for Labeler {
    fn default() -> Self {
        Labeler::new()
    }
}
