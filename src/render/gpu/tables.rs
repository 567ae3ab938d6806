//! The CPU-side data the shader reads: per-slide tables (glyphs, tile bins, looks) for the whole
//! project, and the per-batch frame states.
//!
//! Layouts here are the shader's contract: keep in sync with shaders/frame.wgsl.

use crate::frame::Yuv420;
use crate::scene::{GlyphInstance, Scene};
use crate::timeline::{FrameKey, SlideText};

/// Side of the square tiles glyphs are binned into. A multiple of the shader's 8x2 block, so a
/// block never straddles two tiles. Keep in sync with `TILE` in shaders/frame.wgsl.
pub const TILE: u32 = 16;
/// Pixels per invocation along x: Y rows are whole u32 words. Keep in sync with `BLOCK_W`.
pub const BLOCK_W: u32 = 8;
/// u32 words of per-frame header in the frame-state buffer (slide, fade, opacity, states offset,
/// wiped word, wipe column, backdrop from, to, mix, pop and glide, live layer values offset).
pub const HEADER_WORDS: usize = 15;
/// u32 words per live layer in the layer table. Keep in sync with `LAYER_WORDS`.
pub const LAYER_WORDS: usize = 16;
/// Word states packed per u32 (2 bits each).
pub const STATES_PER_WORD: usize = 16;

/// Constant for a renderer. Keep in sync with `Params` in shaders/frame.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Params {
    pub width: u32,
    pub height: u32,
    pub stride: u32,
    pub tiles_x: u32,
    pub atlas_width: u32,
    pub frame_bytes: u32,
    pub inv255: f32,
    /// `MODE_RGBA`: write straight RGBA rather than YUV; `MODE_TRANSPARENT`: start from
    /// nothing rather than the background.
    pub mode: u32,
    /// Where the colour atlas starts in the atlas buffer, in u32 words (one RGBA texel each).
    pub color_base: u32,
    /// Where the live layers' table starts in the backgrounds buffer, in u32 words.
    pub layers_at: u32,
    pub layer_count: u32,
    pub _pad: u32,
}

/// Keep in sync with shaders/frame.wgsl.
pub const MODE_RGBA: u32 = 1;
pub const MODE_TRANSPARENT: u32 = 2;

/// Where one slide's tile table and look colours start in `SlideTables::tiles`. Keep in sync
/// with `SlideInfo` in shaders/frame.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub struct SlideInfo {
    pub tile_base: u32,
    /// RGBA8 per look, layer and word state: `tiles[look_base + look * 12 + layer * 3 + state]`.
    pub look_base: u32,
    pub _pad: [u32; 2],
}

/// Frame geometry as the shader writes it: rows padded to a multiple of `BLOCK_W` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub width: u32,
    pub height: u32,
    /// Bytes per Y row in the GPU's output; chroma rows are half of it. (Pixels per row of
    /// RGBA output.)
    pub stride: u32,
    pub tiles_x: u32,
    pub tiles_y: u32,
    /// The output is RGBA, 4 bytes a pixel, not YUV 4:2:0.
    pub rgba: bool,
}

impl Geometry {
    pub fn new(width: u32, height: u32) -> Geometry {
        let stride = width.div_ceil(BLOCK_W) * BLOCK_W;
        Geometry {
            width,
            height,
            stride,
            tiles_x: stride.div_ceil(TILE),
            tiles_y: height.div_ceil(TILE),
            rgba: false,
        }
    }

    /// Bytes of one padded frame in the GPU's output (a multiple of 4).
    pub fn frame_bytes(&self) -> u64 {
        match self.rgba {
            true => self.stride as u64 * self.height as u64 * 4,
            false => self.stride as u64 * self.height as u64 * 3 / 2,
        }
    }

    /// Copies one padded RGBA frame out of the GPU's output.
    pub fn crop_rgba(&self, src: &[u8]) -> image::RgbaImage {
        let (w, s) = (self.width as usize * 4, self.stride as usize * 4);
        let mut data = Vec::with_capacity(w * self.height as usize);
        for row in src.chunks_exact(s).take(self.height as usize) {
            data.extend_from_slice(&row[..w]);
        }
        image::RgbaImage::from_raw(self.width, self.height, data).expect("size matches")
    }

    /// Workgroups (8x8 invocations of 8x2 pixels each) covering one frame.
    pub fn workgroups(&self) -> (u32, u32) {
        let blocks_x = self.stride / BLOCK_W;
        let blocks_y = self.height / 2;
        (blocks_x.div_ceil(8), blocks_y.div_ceil(8))
    }

    /// Copies one padded frame out of the GPU's output into tight `Yuv420` planes.
    pub fn crop(&self, src: &[u8]) -> Yuv420 {
        let (w, h, s) = (
            self.width as usize,
            self.height as usize,
            self.stride as usize,
        );
        let len = Yuv420::byte_len(self.width, self.height);
        // Filled by appending, not zeroed first: this copy is a visible part of readback time.
        let mut data = Vec::with_capacity(len);
        if s == w {
            data.extend_from_slice(&src[..len]);
        } else {
            let (cw, cs) = (w / 2, s / 2);
            let (y_src, chroma) = src.split_at(s * h);
            for row in y_src.chunks_exact(s) {
                data.extend_from_slice(&row[..w]);
            }
            // U rows then V rows: both planes are h/2 rows of the same padded stride.
            for row in chroma.chunks_exact(cs).take(h) {
                data.extend_from_slice(&row[..cw]);
            }
        }
        debug_assert_eq!(data.len(), len);
        Yuv420 {
            width: self.width,
            height: self.height,
            data,
        }
    }
}

/// Every slide's drawing data, concatenated so that one upload serves the whole project and a
/// batch may mix slides freely.
pub struct SlideTables {
    pub glyphs: Vec<GlyphInstance>,
    /// Per slide: `tiles_x * tiles_y + 1` absolute offsets into this array, then the lists of
    /// glyph indices (into `glyphs`) they delimit, each ascending (= the CPU's drawing order),
    /// then the colours of its looks (`SlideInfo::look_base`).
    pub tiles: Vec<u32>,
    pub slides: Vec<SlideInfo>,
    /// The most words any slide has (sizes the frame-state buffer).
    pub max_words: usize,
}

impl SlideTables {
    pub fn build(scene: &Scene, geo: &Geometry) -> SlideTables {
        let ntiles = (geo.tiles_x * geo.tiles_y) as usize;
        let mut t = SlideTables {
            glyphs: Vec::new(),
            tiles: Vec::new(),
            slides: Vec::with_capacity(scene.slides.len()),
            max_words: 0,
        };
        for slide in &scene.slides {
            let glyph_base = t.glyphs.len() as u32;
            let tile_base = t.tiles.len();
            t.glyphs.extend_from_slice(&slide.glyphs);
            t.max_words = t.max_words.max(slide.slots.len());

            // The tiles each glyph touches, clipped to the frame; a glyph wholly outside it is
            // never drawn, as on the CPU.
            let spans: Vec<Option<(u32, u32, u32, u32)>> = slide
                .glyphs
                .iter()
                .map(|g| {
                    let x0 = g.x.max(0);
                    let y0 = g.y.max(0);
                    let x1 = (g.x + g.width as i32).min(geo.width as i32);
                    let y1 = (g.y + g.height as i32).min(geo.height as i32);
                    (x0 < x1 && y0 < y1).then(|| {
                        (
                            x0 as u32 / TILE,
                            y0 as u32 / TILE,
                            (x1 as u32 - 1) / TILE,
                            (y1 as u32 - 1) / TILE,
                        )
                    })
                })
                .collect();
            let each_tile = |f: &mut dyn FnMut(usize, u32)| {
                for (i, span) in spans.iter().enumerate() {
                    let Some((tx0, ty0, tx1, ty1)) = *span else {
                        continue;
                    };
                    for ty in ty0..=ty1 {
                        for tx in tx0..=tx1 {
                            f((ty * geo.tiles_x + tx) as usize, glyph_base + i as u32);
                        }
                    }
                }
            };
            let mut counts = vec![0u32; ntiles];
            each_tile(&mut |tile, _| counts[tile] += 1);
            let lists_start = (tile_base + ntiles + 1) as u32;
            let mut cursor = Vec::with_capacity(ntiles);
            let mut at = lists_start;
            for c in &counts {
                cursor.push(at);
                at += c;
            }
            t.tiles.extend_from_slice(&cursor);
            t.tiles.push(at);
            t.tiles.resize(at as usize, 0);
            // Glyphs are visited in order, so every list comes out ascending.
            let tiles = &mut t.tiles;
            each_tile(&mut |tile, glyph| {
                tiles[cursor[tile] as usize] = glyph;
                cursor[tile] += 1;
            });
            let look_base = t.tiles.len() as u32;
            for looks in &slide.looks {
                for i in 0..12 {
                    let color = looks[i % 3].layer_color(i as u32 / 3);
                    t.tiles.push(u32::from_le_bytes(color));
                }
            }
            t.slides.push(SlideInfo {
                tile_base: tile_base as u32,
                look_base,
                _pad: [0; 2],
            });
        }
        // Storage bindings may not be empty; these placeholders are never read.
        if t.glyphs.is_empty() {
            t.glyphs.push(bytemuck::Zeroable::zeroed());
        }
        if t.slides.is_empty() {
            t.slides.push(SlideInfo::default());
        }
        if t.tiles.is_empty() {
            t.tiles.push(0);
        }
        t
    }
}

/// The live layers' table, then their pictures, for the backgrounds buffer from word `base`:
/// `LAYER_WORDS` per layer, as shaders/frame.wgsl reads them.
pub fn layer_table(scene: &Scene, base: u32) -> Vec<u32> {
    use crate::layers::Paint;
    use crate::project::WaveShape;
    let live = &scene.layers.live;
    let mut table = vec![0u32; live.len() * LAYER_WORDS];
    let mut pictures: Vec<u32> = Vec::new();
    let pictures_at = base + table.len() as u32;
    for (l, row) in live.iter().zip(table.chunks_exact_mut(LAYER_WORDS)) {
        let (kind, paint, track, wave) = match &l.paint {
            Paint::Picture(px) => {
                let at = pictures_at + pictures.len() as u32;
                pictures.extend(
                    px.chunks_exact(4)
                        .map(|p| u32::from_le_bytes([p[0], p[1], p[2], p[3]])),
                );
                (0, at, 0, None)
            }
            Paint::Progress { color, track } => (
                1,
                u32::from_le_bytes(*color),
                u32::from_le_bytes(*track),
                None,
            ),
            Paint::Wave(w) => {
                let kind = match w.shape {
                    WaveShape::Bars => 2,
                    WaveShape::Mirror => 3,
                    WaveShape::Line => 4,
                };
                (kind, u32::from_le_bytes(w.color), 0, Some(w))
            }
        };
        row[..8].copy_from_slice(&[
            kind | (l.above as u32) << 8,
            l.x as u32,
            l.y as u32,
            l.width,
            l.height,
            l.at as u32,
            paint,
            track,
        ]);
        if let Some(w) = wave {
            row[8..13].copy_from_slice(&[w.bars, w.pitch, w.bar_width, w.lead, w.thickness]);
        }
    }
    table.extend(pictures);
    table
}

/// u32 words one frame's states take in the frame-state buffer.
pub fn state_words(words: usize) -> usize {
    words.div_ceil(STATES_PER_WORD)
}

/// Marks a layer's offset as one into the `video` buffer rather than `background`.
pub const VIDEO_LAYER: u32 = 1 << 31;

/// The frame-state buffer for a batch: a header per frame, then each frame's packed states.
/// `layer_at(background, clip frame)` is where that picture starts, in pixels, in `background`
/// or (with `VIDEO_LAYER`) in `video`.
pub fn pack_frames(
    scene: &Scene,
    keys: &[FrameKey],
    layer_at: &dyn Fn(u16, u32) -> anyhow::Result<u32>,
) -> anyhow::Result<Vec<u32>> {
    let mut data = vec![0u32; keys.len() * HEADER_WORDS];
    let count = scene.layers.values;
    for (i, key) in keys.iter().enumerate() {
        // The live layers' values (none in the key: all hidden).
        let values = key.layers();
        anyhow::ensure!(
            values.is_empty() || values.len() == count,
            "frame key has {} layer values for {count}",
            values.len()
        );
        data[i * HEADER_WORDS + 14] = data.len() as u32;
        data.extend(values.iter().map(|&v| v as u32));
        data.resize(data.len() + count - values.len(), 0);
        let backdrop = key.backdrop();
        anyhow::ensure!(
            (backdrop.from.max(backdrop.to) as usize) < scene.backgrounds.len(),
            "frame key names background {}, which is not in the scene",
            backdrop.from.max(backdrop.to)
        );
        // Where each background starts, and the mix.
        data[i * HEADER_WORDS + 6..i * HEADER_WORDS + 9].copy_from_slice(&[
            layer_at(backdrop.from, backdrop.from_frame)?,
            layer_at(backdrop.to, backdrop.to_frame)?,
            backdrop.mix as u32,
        ]);
        let Some(SlideText {
            slide,
            fade,
            states,
            wipe,
            pop,
            glide,
        }) = key.text()
        else {
            // fade 0: background only; the text words of the header are not read.
            continue;
        };
        let s = scene.slides.get(slide).ok_or_else(|| {
            anyhow::anyhow!("frame key names slide {slide}, which is not in the scene")
        })?;
        anyhow::ensure!(
            states.len() == s.slots.len(),
            "frame key for slide {slide} has {} word states for {} words",
            states.len(),
            s.slots.len()
        );
        let at = data.len();
        data.resize(at + state_words(states.len()), 0);
        for (w, st) in states.iter().enumerate() {
            data[at + w / STATES_PER_WORD] |= (*st as u32) << ((w % STATES_PER_WORD) * 2);
        }
        // The CPU draws with tiny-skia opacity `fade / 255` computed in f32: the same bits here.
        let opacity = fade as f32 / 255.0;
        // No wiped word: an index no word has.
        let (wipe_word, split) = match wipe {
            Some(w) => (w.word, scene.wipe_split(slide, w)),
            None => (u32::MAX, 0),
        };
        data[i * HEADER_WORDS..i * HEADER_WORDS + 6].copy_from_slice(&[
            slide as u32,
            fade as u32,
            opacity.to_bits(),
            at as u32,
            wipe_word,
            split as u32,
        ]);
        // The popping word and its step (none: an index no word has), and the step every
        // other current word draws at.
        let current = crate::timeline::WordState::Current as usize;
        data[i * HEADER_WORDS + 9..i * HEADER_WORDS + 14].copy_from_slice(&[
            pop.map_or(u32::MAX, |p| p.word),
            pop.map_or(0, |p| p.step),
            scene.pop_step_of(slide, u32::MAX, current, None),
            // The gliding box's word and its step, as Scene::glide_step_of.
            glide.map_or(u32::MAX, |g| g.word),
            glide.map_or(0, |g| 1 + g.step),
        ]);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_pads_rows_to_the_block() {
        let g = Geometry::new(322, 180);
        assert_eq!(g.stride, 328);
        assert_eq!(g.frame_bytes() % 4, 0);
        assert_eq!((g.tiles_x, g.tiles_y), (21, 12));
        let g = Geometry::new(1920, 1080);
        assert_eq!(g.stride, 1920);
        assert_eq!(g.workgroups(), (30, 68));
    }

    #[test]
    fn crop_drops_the_padding() {
        let g = Geometry::new(6, 4);
        assert_eq!(g.stride, 8);
        // Padded source: value = plane*100 + row*10 + column.
        let mut src = Vec::new();
        for r in 0..4 {
            src.extend((0..8).map(|c| (r * 10 + c) as u8));
        }
        for plane in 1..=2 {
            for r in 0..2 {
                src.extend((0..4).map(|c| (plane * 100 + r * 10 + c) as u8));
            }
        }
        assert_eq!(src.len() as u64, g.frame_bytes());
        let f = g.crop(&src);
        let (y, u, v) = f.planes();
        assert_eq!(&y[6..12], &[10, 11, 12, 13, 14, 15]);
        assert_eq!(u, &[100, 101, 102, 110, 111, 112]);
        assert_eq!(v, &[200, 201, 202, 210, 211, 212]);
    }
}
