//! The pictures that pass between the renderers and the encoders, and the colour arithmetic
//! they share: `Yuv420` (BT.709 limited range, what video encoders take) and `color`, the
//! fixed-point conversion both renderers and the alpha encoders use.
//!
//! This floor knows nothing of projects, scenes or FFmpeg: a frame is its size and its bytes.

pub mod color;

/// How a picture (a background image, a video frame) is fitted to the frame: scaled to cover
/// it (cropping), to fit inside it (bars), or stretched to its exact size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Cover,
    Contain,
    Stretch,
}

/// One video frame: the Y plane, then U, then V, each tightly packed (stride = plane width).
#[derive(Clone, PartialEq, Eq)]
pub struct Yuv420 {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Yuv420 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Yuv420({}x{})", self.width, self.height)
    }
}

impl Yuv420 {
    pub fn byte_len(width: u32, height: u32) -> usize {
        let (w, h) = (width as usize, height as usize);
        w * h + 2 * (w / 2) * (h / 2)
    }

    pub fn planes(&self) -> (&[u8], &[u8], &[u8]) {
        let ysz = (self.width * self.height) as usize;
        let csz = ysz / 4;
        let (y, rest) = self.data.split_at(ysz);
        let (u, v) = rest.split_at(csz);
        (y, u, v)
    }

    pub fn planes_mut(&mut self) -> (&mut [u8], &mut [u8], &mut [u8]) {
        let ysz = (self.width * self.height) as usize;
        let csz = ysz / 4;
        let (y, rest) = self.data.split_at_mut(ysz);
        let (u, v) = rest.split_at_mut(csz);
        (y, u, v)
    }

    /// Back to RGB, for previews (`gpucast frame`) and comparisons.
    pub fn to_rgb(&self) -> image::RgbImage {
        let (y, u, v) = self.planes();
        let w = self.width as usize;
        image::RgbImage::from_fn(self.width, self.height, |x, yy| {
            let (x, yy) = (x as usize, yy as usize);
            let c = (yy / 2) * (w / 2) + x / 2;
            image::Rgb(color::yuv_to_rgb(y[yy * w + x], u[c], v[c]))
        })
    }
}

/// What a renderer draws and a sink takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YUV 4:2:0, BT.709 limited range: what video encoders are fed.
    Yuv420,
    /// Straight (not premultiplied) RGBA: over the background, or with `transparent` the text
    /// alone over nothing (image sequences, alpha video, overlays).
    Rgba { transparent: bool },
}

/// One drawn frame, in the format its renderer was made for.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Yuv420(Yuv420),
    Rgba(image::RgbaImage),
}

impl Frame {
    pub fn format_name(&self) -> &'static str {
        match self {
            Frame::Yuv420(_) => "YUV 4:2:0",
            Frame::Rgba(_) => "RGBA",
        }
    }

    /// The YUV frame, or an error naming what it is instead.
    pub fn yuv(&self) -> anyhow::Result<&Yuv420> {
        match self {
            Frame::Yuv420(f) => Ok(f),
            other => anyhow::bail!("a YUV frame was expected, not {}", other.format_name()),
        }
    }

    /// The RGBA frame, or an error naming what it is instead.
    pub fn rgba(&self) -> anyhow::Result<&image::RgbaImage> {
        match self {
            Frame::Rgba(f) => Ok(f),
            other => anyhow::bail!("an RGBA frame was expected, not {}", other.format_name()),
        }
    }

    pub fn into_yuv(self) -> anyhow::Result<Yuv420> {
        match self {
            Frame::Yuv420(f) => Ok(f),
            other => anyhow::bail!("a YUV frame was expected, not {}", other.format_name()),
        }
    }

    pub fn into_rgba(self) -> anyhow::Result<image::RgbaImage> {
        match self {
            Frame::Rgba(f) => Ok(f),
            other => anyhow::bail!("an RGBA frame was expected, not {}", other.format_name()),
        }
    }
}
