//! The two renderers behind one interface, and the frame type they produce.
//!
//! A renderer turns `FrameKey`s into YUV 4:2:0 frames (BT.709, limited range) of one `Scene`.
//! Batches are submitted and finished in order, so a backend can keep several in flight (the GPU
//! draws batch n+1 while batch n is read back); at most `depth()` batches are ever outstanding.

pub mod backdrop;
pub mod color;
pub mod cpu;
pub mod gpu;

use std::sync::Arc;

use crate::scene::Scene;
use crate::timeline::FrameKey;

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

/// A frame shared between the renderer and the encoder; repeats reuse it, never copy it.
pub type SharedFrame = Arc<Yuv420>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The GPU when the adapter is real hardware, otherwise the CPU.
    Auto,
    Gpu,
    Cpu,
}

pub trait Renderer: Send {
    /// Which backend and device, for logs.
    fn describe(&self) -> String;
    /// Frames per batch that suit this backend.
    fn batch_size(&self) -> usize;
    /// How many submitted batches may be outstanding before `finish` must be called.
    fn depth(&self) -> usize;
    /// Starts drawing a batch of frames.
    fn submit(&mut self, keys: &[FrameKey]) -> anyhow::Result<()>;
    /// Completes the oldest outstanding batch: its frames, in the order they were submitted.
    fn finish(&mut self) -> anyhow::Result<Vec<Yuv420>>;
    /// Where backdrop pixels come from: tell it the frames to come to decode clips ahead.
    fn backdrops(&mut self) -> &mut backdrop::Backdrops;
}

/// Options for choosing and sizing a renderer.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Worker threads for CPU drawing; 0 = one per core.
    pub threads: usize,
    /// Frames per batch; 0 = the backend's choice.
    pub batch: usize,
    /// Adapter name filter for the GPU backend.
    pub adapter: Option<String>,
}

/// Creates the renderer `backend` asks for. `Auto` falls back to the CPU when no hardware GPU
/// exists, and says why; an explicit `Gpu` fails instead.
pub fn create(
    backend: Backend,
    scene: Arc<Scene>,
    opts: &RenderOptions,
) -> anyhow::Result<Box<dyn Renderer>> {
    match backend {
        Backend::Cpu => Ok(Box::new(cpu::CpuRenderer::new(scene, opts)?)),
        Backend::Gpu => Ok(Box::new(gpu::GpuRenderer::new(scene, opts, false)?)),
        Backend::Auto => match gpu::GpuRenderer::new(scene.clone(), opts, true) {
            Ok(r) => Ok(Box::new(r)),
            Err(e) => {
                log::info!("using the CPU renderer: {e:#}");
                Ok(Box::new(cpu::CpuRenderer::new(scene, opts)?))
            }
        },
    }
}

/// Draws frames as RGBA rather than YUV (image sequences and `--transparent` overlays): over
/// their background, or the text alone with straight alpha. Both backends draw them alike.
pub enum RgbaRenderer {
    Cpu {
        renderer: cpu::CpuRenderer,
        transparent: bool,
    },
    Gpu(gpu::GpuRenderer),
}

impl RgbaRenderer {
    /// The renderer `backend` asks for, chosen as `create` chooses.
    pub fn create(
        backend: Backend,
        scene: Arc<Scene>,
        opts: &RenderOptions,
        transparent: bool,
    ) -> anyhow::Result<RgbaRenderer> {
        let cpu = |scene| -> anyhow::Result<RgbaRenderer> {
            Ok(RgbaRenderer::Cpu {
                renderer: cpu::CpuRenderer::new(scene, opts)?,
                transparent,
            })
        };
        match backend {
            Backend::Cpu => cpu(scene),
            Backend::Gpu => Ok(RgbaRenderer::Gpu(gpu::GpuRenderer::rgba(
                scene,
                opts,
                false,
                transparent,
            )?)),
            Backend::Auto => match gpu::GpuRenderer::rgba(scene.clone(), opts, true, transparent) {
                Ok(r) => Ok(RgbaRenderer::Gpu(r)),
                Err(e) => {
                    log::info!("using the CPU renderer: {e:#}");
                    cpu(scene)
                }
            },
        }
    }

    pub fn describe(&self) -> String {
        match self {
            RgbaRenderer::Cpu { renderer, .. } => renderer.describe(),
            RgbaRenderer::Gpu(r) => r.describe(),
        }
    }

    /// Starts decoding video backgrounds' frames for `keys`, the frames to be drawn in order.
    pub fn decode_ahead<'a>(&mut self, keys: impl Iterator<Item = &'a FrameKey>) {
        match self {
            // The text alone: no backdrop is drawn.
            RgbaRenderer::Cpu {
                transparent: true, ..
            } => {}
            RgbaRenderer::Cpu { renderer, .. } => renderer.backdrops().decode_ahead(keys),
            RgbaRenderer::Gpu(r) => r.decode_ahead(keys),
        }
    }

    pub fn batch_size(&self) -> usize {
        match self {
            RgbaRenderer::Cpu { .. } => 1,
            RgbaRenderer::Gpu(r) => r.batch_size(),
        }
    }

    /// Draws up to `batch_size()` frames.
    pub fn draw(&mut self, keys: &[FrameKey]) -> anyhow::Result<Vec<image::RgbaImage>> {
        match self {
            RgbaRenderer::Cpu {
                renderer,
                transparent,
            } => keys
                .iter()
                .map(|k| renderer.rgba(k, *transparent))
                .collect(),
            RgbaRenderer::Gpu(r) => {
                r.submit(keys)?;
                r.finish_rgba()
            }
        }
    }
}

/// Draws a single frame with a fresh renderer.
pub fn render_one(
    backend: Backend,
    scene: Arc<Scene>,
    opts: &RenderOptions,
    key: &FrameKey,
) -> anyhow::Result<Yuv420> {
    let mut r = create(backend, scene, opts)?;
    r.submit(std::slice::from_ref(key))?;
    r.finish()?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("renderer returned no frame"))
}
