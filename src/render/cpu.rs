//! The CPU renderer: tiny-skia compositing of cached glyph sprites, then RGB → YUV.
//!
//! Every glyph is turned once into a premultiplied sprite per color it is drawn in. A frame is
//! drawn as horizontal bands in parallel. Consecutive distinct frames of a slide usually differ by
//! one or two words, so when the slide and fade level are unchanged only the rectangles of the
//! words whose state changed are redrawn (background, every glyph touching the rectangle) and
//! reconverted, on a copy of the previous frame: the result is identical to a full redraw.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tiny_skia::{IntSize, Pixmap, PixmapPaint, Transform};

use super::{color, Format, Frame, RenderOptions, Renderer, Yuv420};
use crate::render::backdrop::{Backdrops, Layers};
use crate::scene::{GlyphInstance, Scene};
use crate::timeline::{Backdrop, FrameKey, Pop, SlideText as Text, Wipe, WordState};

/// An axis-aligned region with even corners, so that it maps onto whole chroma samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rect {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl Rect {
    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
    fn touches(&self, g: &GlyphInstance) -> bool {
        let (gx1, gy1) = (g.x + g.width as i32, g.y + g.height as i32);
        g.x < self.x1 as i32 && gx1 > self.x0 as i32 && g.y < self.y1 as i32 && gy1 > self.y0 as i32
    }
}

struct SlideSprites {
    /// Per glyph instance, the sprite drawn for each word state (None: not drawn in it).
    sprites: Vec<[Option<Arc<Pixmap>>; 3]>,
    /// Per word, the even-aligned rectangle covering all its bitmaps in every state.
    word_rects: Vec<Rect>,
    /// The union of the word rectangles: outside it a frame is the background alone.
    text_rect: Rect,
}

pub struct CpuRenderer {
    scene: Arc<Scene>,
    pool: rayon::ThreadPool,
    slides: Vec<Option<SlideSprites>>,
    sprite_pool: HashMap<SpriteKey, Arc<Pixmap>>,
    /// Frames of one background alone, by background.
    blank: HashMap<u16, Yuv420>,
    prev: Option<(FrameKey, Yuv420)>,
    pending: Vec<FrameKey>,
    batch: usize,
    backdrops: Backdrops,
    format: Format,
}

const BAND_ROWS: u32 = 32;

/// A glyph bitmap (its rectangle, in the colour atlas or not) in one color.
type SpriteKey = (u32, u32, u32, u32, bool, [u8; 4]);

impl CpuRenderer {
    /// A renderer of YUV frames.
    pub fn new(scene: Arc<Scene>, opts: &RenderOptions) -> anyhow::Result<CpuRenderer> {
        Self::with_format(scene, opts, Format::Yuv420)
    }

    pub fn with_format(
        scene: Arc<Scene>,
        opts: &RenderOptions,
        format: Format,
    ) -> anyhow::Result<CpuRenderer> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .thread_name(|i| format!("gpucast-cpu-{i}"))
            .build()?;
        let slides = (0..scene.slides.len()).map(|_| None).collect();
        Ok(CpuRenderer {
            backdrops: Backdrops::new(scene.clone()),
            scene,
            pool,
            slides,
            sprite_pool: HashMap::new(),
            blank: HashMap::new(),
            prev: None,
            pending: Vec::new(),
            batch: if opts.batch > 0 { opts.batch } else { 4 },
            format,
        })
    }

    fn sprite(&mut self, g: &GlyphInstance, color: [u8; 4]) -> Arc<Pixmap> {
        // Solid rectangles have no atlas place: they are told apart by an impossible one.
        let (ax, ay) = match g.is_solid() {
            true => (u32::MAX, u32::MAX),
            false => (g.atlas_x, g.atlas_y),
        };
        let key = (ax, ay, g.width, g.height, g.is_color(), color);
        let atlas = &self.scene.atlas;
        self.sprite_pool
            .entry(key)
            .or_insert_with(|| {
                let mut data = Vec::with_capacity((g.width * g.height * 4) as usize);
                let [r, gg, b, a] = color;
                for row in 0..g.height {
                    for col in 0..g.width {
                        let t = g.texel(atlas, col, row);
                        let alpha = div255(t[3] as u32 * a as u32);
                        if g.is_color() {
                            // Its own colours, dimmed as the state's colour is translucent.
                            data.extend_from_slice(&[
                                div255(t[0] as u32 * a as u32) as u8,
                                div255(t[1] as u32 * a as u32) as u8,
                                div255(t[2] as u32 * a as u32) as u8,
                                alpha as u8,
                            ]);
                        } else {
                            data.extend_from_slice(&[
                                div255(r as u32 * alpha) as u8,
                                div255(gg as u32 * alpha) as u8,
                                div255(b as u32 * alpha) as u8,
                                alpha as u8,
                            ]);
                        }
                    }
                }
                let size = IntSize::from_wh(g.width, g.height).expect("glyphs are never empty");
                Arc::new(Pixmap::from_vec(data, size).expect("size matches data"))
            })
            .clone()
    }

    fn prepare_slide(&mut self, slide: usize) {
        if self.slides[slide].is_some() {
            return;
        }
        let scene = self.scene.clone();
        let s = &scene.slides[slide];
        let sprites = s
            .glyphs
            .iter()
            .map(|g| {
                std::array::from_fn(|state| {
                    let color = s.looks[g.look()][state].layer_color(g.layer());
                    g.drawn_in(state).then(|| self.sprite(g, color))
                })
            })
            .collect();
        let (w, h) = (scene.width as i32, scene.height as i32);
        let mut word_rects = vec![
            Rect {
                x0: 0,
                y0: 0,
                x1: 0,
                y1: 0
            };
            s.slots.len()
        ];
        let mut bounds: Vec<Option<(i32, i32, i32, i32)>> = vec![None; s.slots.len()];
        for g in &s.glyphs {
            let b = &mut bounds[g.word as usize];
            let (x1, y1) = (g.x + g.width as i32, g.y + g.height as i32);
            *b = Some(match *b {
                None => (g.x, g.y, x1, y1),
                Some((a, bb, c, d)) => (a.min(g.x), bb.min(g.y), c.max(x1), d.max(y1)),
            });
        }
        for (r, b) in word_rects.iter_mut().zip(bounds) {
            if let Some((x0, y0, x1, y1)) = b {
                let even_down = |v: i32, max: i32| (v.clamp(0, max) & !1) as u32;
                let even_up = |v: i32, max: i32| ((v.clamp(0, max) + 1) & !1).min(max) as u32;
                *r = Rect {
                    x0: even_down(x0, w),
                    y0: even_down(y0, h),
                    x1: even_up(x1, w),
                    y1: even_up(y1, h),
                };
            }
        }
        let text_rect = word_rects
            .iter()
            .filter(|r| !r.is_empty())
            .fold(None, |acc: Option<Rect>, r| {
                Some(match acc {
                    None => *r,
                    Some(a) => Rect {
                        x0: a.x0.min(r.x0),
                        y0: a.y0.min(r.y0),
                        x1: a.x1.max(r.x1),
                        y1: a.y1.max(r.y1),
                    },
                })
            })
            .unwrap_or(Rect {
                x0: 0,
                y0: 0,
                x1: 0,
                y1: 0,
            });
        self.slides[slide] = Some(SlideSprites {
            sprites,
            word_rects,
            text_rect,
        });
    }

    /// Whether the frame of `backdrop` alone is kept for reuse: single still backgrounds only
    /// (each frame of a cross-fade differs, as does each of a clip's).
    fn keeps(&self, backdrop: Backdrop) -> bool {
        backdrop == Backdrop::only(backdrop.to) && !self.backdrops.is_video(backdrop.to)
    }

    /// A frame drawn whole, in one pass: the backdrop, the live layers and any text.
    fn whole(&self, layers: &Layers, text: Option<Text<'_>>, values: &[u16]) -> Yuv420 {
        let (w, h) = (self.scene.width, self.scene.height);
        let mut frame = Yuv420 {
            width: w,
            height: h,
            data: vec![0; Yuv420::byte_len(w, h)],
        };
        let all = Rect {
            x0: 0,
            y0: 0,
            x1: w,
            y1: h,
        };
        self.draw_bands(&mut frame, all, layers, text, values);
        frame
    }

    /// A frame of the background alone (still layers included, live ones not).
    fn blank(&mut self, backdrop: Backdrop, layers: &Layers) -> Yuv420 {
        if !self.keeps(backdrop) {
            return self.whole(layers, None, &[]);
        }
        if !self.blank.contains_key(&backdrop.to) {
            let frame = self.whole(layers, None, &[]);
            self.blank.insert(backdrop.to, frame);
        }
        self.blank[&backdrop.to].clone()
    }

    /// Redraws `rect` of `frame`, in bands of rows across the worker threads.
    fn draw_bands(
        &self,
        frame: &mut Yuv420,
        rect: Rect,
        layers: &Layers,
        text: Option<Text<'_>>,
        values: &[u16],
    ) {
        let w = frame.width as usize;
        let cw = w / 2;
        let (yp, up, vp) = frame.planes_mut();
        let band = BAND_ROWS as usize;
        self.pool.install(|| {
            yp.par_chunks_mut(band * w)
                .zip(up.par_chunks_mut(band / 2 * cw))
                .zip(vp.par_chunks_mut(band / 2 * cw))
                .enumerate()
                .for_each(|(i, ((y, u), v))| {
                    let band_y0 = i as u32 * BAND_ROWS;
                    let part = Rect {
                        x0: rect.x0,
                        y0: rect.y0.max(band_y0),
                        x1: rect.x1,
                        y1: rect.y1.min(band_y0 + (y.len() / w) as u32),
                    };
                    if part.is_empty() {
                        return;
                    }
                    let rgba = self.compose(part, Some(layers), text, values);
                    color::rgba_to_yuv_region(
                        &rgba,
                        (part.x1 - part.x0) as usize,
                        (part.y1 - part.y0) as usize,
                        (y, u, v),
                        w,
                        part.x0 as usize,
                        (part.y0 - band_y0) as usize,
                    );
                });
        });
    }

    /// The premultiplied RGBA pixels of `rect`: the background (none: transparent, and no
    /// layers), the live layers under the text as `values` say, every glyph touching it, the
    /// layers above.
    fn compose(
        &self,
        rect: Rect,
        layers: Option<&Layers>,
        text: Option<Text<'_>>,
        values: &[u16],
    ) -> Vec<u8> {
        let scene = &*self.scene;
        let (rw, rh) = (rect.x1 - rect.x0, rect.y1 - rect.y0);
        let mut data = Vec::with_capacity((rw * rh * 4) as usize);
        let Some(layers) = layers else {
            data.resize((rw * rh * 4) as usize, 0);
            return self.draw_text(rect, data, text);
        };
        let to = &layers.to;
        let (keep, mix) = (255 - layers.mix as u32, layers.mix as u32);
        for row in rect.y0..rect.y1 {
            let start = ((row * scene.width + rect.x0) * 4) as usize;
            let span = start..start + (rw * 4) as usize;
            if let Some(from) = &layers.from {
                // The shader blends with the same integers.
                data.extend(
                    from[span.clone()]
                        .iter()
                        .zip(&to[span])
                        .map(|(&a, &b)| div255(a as u32 * keep + b as u32 * mix) as u8),
                );
            } else {
                data.extend_from_slice(&to[span]);
            }
        }
        let live = &scene.layers.live;
        let area = (rect.x0, rect.y0, rect.x1, rect.y1);
        crate::layers::draw(live, false, values, area, &mut data);
        let mut data = self.draw_text(rect, data, text);
        crate::layers::draw(live, true, values, area, &mut data);
        data
    }

    /// Draws the text of `text` touching `rect` over `data`, the premultiplied pixels of `rect`.
    fn draw_text(&self, rect: Rect, data: Vec<u8>, text: Option<Text<'_>>) -> Vec<u8> {
        let scene = &*self.scene;
        let (rw, rh) = (rect.x1 - rect.x0, rect.y1 - rect.y0);
        let Some(text) = text else {
            return data;
        };
        let size = IntSize::from_wh(rw, rh).expect("rect is not empty");
        let mut canvas = Pixmap::from_vec(data, size).expect("size matches data");
        let paint = PixmapPaint {
            opacity: text.fade as f32 / 255.0,
            ..PixmapPaint::default()
        };
        let sprites = self.slides[text.slide]
            .as_ref()
            .expect("prepared before drawing");
        let split = text.wipe.map(|w| (w.word, scene.wipe_split(text.slide, w)));
        let mut draw = |sprite: &Pixmap, x: i32, y: i32| {
            canvas.draw_pixmap(
                x - rect.x0 as i32,
                y - rect.y0 as i32,
                sprite.as_ref(),
                &paint,
                Transform::identity(),
                None,
            );
        };
        for (g, per_state) in scene.slides[text.slide].glyphs.iter().zip(&sprites.sprites) {
            if !rect.touches(g) {
                continue;
            }
            match split {
                // A wiped word: its current look left of the split, its upcoming look right
                // of it, column by column (the shader decides per pixel alike).
                Some((word, at)) if word == g.word => {
                    let cut = (at - g.x).clamp(0, g.width as i32) as u32;
                    let parts = [
                        (&per_state[WordState::Current as usize], 0, cut),
                        (&per_state[WordState::Upcoming as usize], cut, g.width),
                    ];
                    for (sprite, c0, c1) in parts {
                        let Some(sprite) = sprite else { continue };
                        let part = tiny_skia::IntRect::from_xywh(
                            c0 as i32,
                            0,
                            c1.saturating_sub(c0),
                            g.height,
                        )
                        .and_then(|r| sprite.clone_rect(r));
                        if let Some(part) = part {
                            draw(&part, g.x + c0 as i32, g.y);
                        }
                    }
                }
                _ => {
                    let state = text.states[g.word as usize] as usize;
                    let step = scene.pop_step_of(text.slide, g.word, state, text.pop);
                    let glide = scene.glide_step_of(g.word, state, text.glide);
                    if !g.drawn_at(state, step, glide) {
                        continue;
                    }
                    if let Some(sprite) = &per_state[state] {
                        draw(sprite, g.x, g.y);
                    }
                }
            }
        }
        canvas.take()
    }

    /// Draws `key`; `prev` is the frame drawn just before it, if any.
    fn render_key(
        &mut self,
        key: &FrameKey,
        prev: Option<(&FrameKey, &Yuv420)>,
    ) -> anyhow::Result<Yuv420> {
        let layers = self.backdrops.layers(key.backdrop())?;
        let (backdrop, text, values) = (key.backdrop(), key.text(), key.layers());
        if let Some(t) = text {
            self.prepare_slide(t.slide);
        }
        let (w, h) = (self.scene.width, self.scene.height);
        let live = &self.scene.layers.live;
        let live_rect = |l: &crate::layers::Live| {
            crate::layers::Layers::rect(l, (w, h))
                .map(|(x0, y0, x1, y1)| even((x0, y0, x1, y1), (w, h)))
        };
        // The frame before showed the same backdrop, and the same slide at the same fade (or no
        // text either): only what changed is drawn again, the words whose look changed and the
        // live layers whose values did.
        let same = prev.filter(|(k, _)| {
            k.backdrop() == backdrop
                && match (k.text(), text) {
                    (Some(a), Some(b)) => a.slide == b.slide && a.fade == b.fade,
                    (None, None) => true,
                    _ => false,
                }
                && k.layers().len() == values.len()
        });
        let mut rects = Vec::new();
        let mut frame = match same {
            Some((pk, prev)) => {
                if let (Some(pt), Some(text)) = (pk.text(), text) {
                    let word_rects = &self.slides[text.slide]
                        .as_ref()
                        .expect("prepared")
                        .word_rects;
                    let on = |p: Option<Pop>, i: usize| p.is_some_and(|p| p.word as usize == i);
                    let wiped = |w: Option<Wipe>, i: usize| w.is_some_and(|w| w.word as usize == i);
                    for (i, (a, b)) in pt.states.iter().zip(text.states).enumerate() {
                        let rewiped =
                            pt.wipe != text.wipe && (wiped(pt.wipe, i) || wiped(text.wipe, i));
                        let repopped = (pt.pop != text.pop && (on(pt.pop, i) || on(text.pop, i)))
                            || (pt.glide != text.glide && (on(pt.glide, i) || on(text.glide, i)));
                        if a != b || rewiped || repopped {
                            rects.push(word_rects[i]);
                        }
                    }
                }
                let before = pk.layers();
                for l in live {
                    let span = l.at..l.at + l.values();
                    if before[span.clone()] != values[span] {
                        rects.extend(live_rect(l));
                    }
                }
                prev.clone()
            }
            // A backdrop drawn anew anyway (a cross-fade, a clip's frame): all in one pass.
            None if !self.keeps(backdrop) => return Ok(self.whole(&layers, text, values)),
            None => {
                if let Some(t) = text {
                    rects.push(self.slides[t.slide].as_ref().expect("prepared").text_rect);
                }
                for l in live {
                    if values.get(l.at).is_some_and(|&level| level > 0) {
                        rects.extend(live_rect(l));
                    }
                }
                self.blank(backdrop, &layers)
            }
        };
        for r in rects.into_iter().filter(|r| !r.is_empty()) {
            self.draw_bands(&mut frame, r, &layers, text, values);
        }
        Ok(frame)
    }
}

/// `(x0, y0, x1, y1)` grown to even corners inside a `frame`: whole chroma samples.
fn even((x0, y0, x1, y1): (u32, u32, u32, u32), (w, h): (u32, u32)) -> Rect {
    Rect {
        x0: x0 & !1,
        y0: y0 & !1,
        x1: ((x1 + 1) & !1).min(w),
        y1: ((y1 + 1) & !1).min(h),
    }
}

impl CpuRenderer {
    /// The frame of `key` as RGBA, over its background or, `transparent`, over nothing
    /// (straight alpha). Image sequences are written from these, not from YUV.
    pub fn rgba(&mut self, key: &FrameKey, transparent: bool) -> anyhow::Result<image::RgbaImage> {
        let (w, h) = (self.scene.width, self.scene.height);
        let layers = match transparent {
            true => None,
            false => Some(self.backdrops.layers(key.backdrop())?),
        };
        let text = key.text();
        if let Some(t) = text {
            self.prepare_slide(t.slide);
        }
        let base = layers.as_ref();
        let mut data = vec![0u8; (w * h * 4) as usize];
        self.pool.install(|| {
            data.par_chunks_mut((BAND_ROWS * w * 4) as usize)
                .enumerate()
                .for_each(|(i, band)| {
                    let y0 = i as u32 * BAND_ROWS;
                    let rect = Rect {
                        x0: 0,
                        y0,
                        x1: w,
                        y1: y0 + (band.len() / (w as usize * 4)) as u32,
                    };
                    let mut px = self.compose(rect, base, text, key.layers());
                    for p in px.chunks_exact_mut(4) {
                        // Premultiplied to straight, rounded: a = 0 stays (0, 0, 0, 0).
                        let a = p[3] as u32;
                        if a != 0 && a != 255 {
                            for c in &mut p[..3] {
                                *c = ((*c as u32 * 255 + a / 2) / a).min(255) as u8;
                            }
                        }
                    }
                    band.copy_from_slice(&px);
                });
        });
        Ok(image::RgbaImage::from_raw(w, h, data).expect("size matches"))
    }
}

#[inline(always)]
fn div255(x: u32) -> u32 {
    (x + 127) / 255
}

impl Renderer for CpuRenderer {
    fn describe(&self) -> String {
        format!(
            "CPU (tiny-skia, {} thread{})",
            self.pool.current_num_threads(),
            if self.pool.current_num_threads() == 1 {
                ""
            } else {
                "s"
            }
        )
    }

    fn format(&self) -> Format {
        self.format
    }

    fn batch_size(&self) -> usize {
        self.batch
    }

    fn depth(&self) -> usize {
        1
    }

    fn submit(&mut self, keys: &[FrameKey]) -> anyhow::Result<()> {
        anyhow::ensure!(self.pending.is_empty(), "CPU renderer: one batch at a time");
        self.pending = keys.to_vec();
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<Vec<Frame>> {
        let keys = std::mem::take(&mut self.pending);
        if let Format::Rgba { transparent } = self.format {
            return keys
                .iter()
                .map(|k| Ok(Frame::Rgba(self.rgba(k, transparent)?)))
                .collect();
        }
        let mut out: Vec<Yuv420> = Vec::with_capacity(keys.len());
        let carried = self.prev.take();
        for (i, key) in keys.iter().enumerate() {
            let prev = match i {
                0 => carried.as_ref().map(|(k, f)| (k, f)),
                _ => Some((&keys[i - 1], &out[i - 1])),
            };
            let frame = self.render_key(key, prev)?;
            out.push(frame);
        }
        // Only the last frame is kept for the next batch.
        self.prev = match (keys.last(), out.last()) {
            (Some(k), Some(f)) => Some((k.clone(), f.clone())),
            _ => None,
        };
        Ok(out.into_iter().map(Frame::Yuv420).collect())
    }

    fn decode_ahead(&mut self, keys: &mut dyn Iterator<Item = &FrameKey>) {
        // The text alone: no backdrop is drawn.
        if self.format != (Format::Rgba { transparent: true }) {
            self.backdrops.decode_ahead(keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::from_json;

    /// The frame drawn the plain way: every pixel composed, every pixel converted.
    fn reference(r: &mut CpuRenderer, key: &FrameKey) -> Yuv420 {
        let (w, h) = (r.scene.width, r.scene.height);
        let (backdrop, text) = (key.backdrop(), key.text());
        if let Some(t) = text {
            r.prepare_slide(t.slide);
        }
        let whole = Rect {
            x0: 0,
            y0: 0,
            x1: w,
            y1: h,
        };
        let layers = r.backdrops.layers(backdrop).unwrap();
        let rgba = r.compose(whole, Some(&layers), text, key.layers());
        let mut f = Yuv420 {
            width: w,
            height: h,
            data: vec![0; Yuv420::byte_len(w, h)],
        };
        color::rgba_to_yuv_region(
            &rgba,
            w as usize,
            h as usize,
            f.planes_mut(),
            w as usize,
            0,
            0,
        );
        f
    }

    #[test]
    fn incremental_frames_equal_full_redraws() {
        let dir = tempfile::tempdir().unwrap();
        let json = r##"{"video": {"width": 322, "height": 182}, "audio": "a.wav",
            "background": {"color": "#203040"},
            "style": {"font_size": 22, "margin": 12, "fade": 0.1,
                      "current": {"color": "#ffd54acc", "outline": {"width": 2},
                                  "shadow": {"offset": [6, 3], "blur": 4}, "wipe": true}},
            "slides": [
              {"start": 0, "end": 2, "text": "The quick brown fox jumps over the lazy dog while seven engineers watch"},
              {"start": 2.5, "end": 4, "text": "Second slide, right aligned", "style": {"align": "right"}}]}"##;
        let project = from_json(json, dir.path(), 4.0);
        let scene = Arc::new(Scene::build(&project).unwrap());
        let timeline = crate::timeline::plan(&project, &|s, w| scene.place(s, w), &|_, _| {});
        let opts = RenderOptions {
            threads: 2,
            batch: 3,
            adapter: None,
        };
        let mut r = CpuRenderer::new(scene.clone(), &opts).unwrap();
        let mut reference_r = CpuRenderer::new(scene, &opts).unwrap();
        let keys: Vec<FrameKey> = timeline.runs.iter().map(|r| r.key.clone()).collect();
        assert!(keys.len() > 20);
        for chunk in keys.chunks(3) {
            r.submit(chunk).unwrap();
            for (key, frame) in chunk.iter().zip(r.finish().unwrap()) {
                assert!(
                    frame == Frame::Yuv420(reference(&mut reference_r, key)),
                    "{key:?} differs from a full redraw"
                );
            }
        }
    }
}
