//! The two renderers behind one interface, and the frame type they produce.
//!
//! A renderer turns `FrameKey`s into frames of one `Scene`: YUV 4:2:0 (BT.709, limited range)
//! for encoders, or straight RGBA (over the background, or the text alone) for image sequences
//! and alpha video; both backends draw either.
//! Batches are submitted and finished in order, so a backend can keep several in flight (the GPU
//! draws batch n+1 while batch n is read back); at most `depth()` batches are ever outstanding.

pub mod backdrop;
pub mod cpu;
pub mod gpu;

use std::sync::Arc;

pub use crate::frame::{color, Format, Frame, Yuv420};
use crate::scene::Scene;
use crate::timeline::FrameKey;

/// A frame shared between the renderer and the encoder; repeats reuse it, never copy it.
pub type SharedFrame = Arc<Frame>;

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
    /// What it draws: YUV for encoders, or RGBA (over the background or the text alone).
    fn format(&self) -> Format;
    /// Frames per batch that suit this backend.
    fn batch_size(&self) -> usize;
    /// How many submitted batches may be outstanding before `finish` must be called.
    fn depth(&self) -> usize;
    /// Starts drawing a batch of frames.
    fn submit(&mut self, keys: &[FrameKey]) -> anyhow::Result<()>;
    /// Completes the oldest outstanding batch: its frames, in the order they were submitted.
    fn finish(&mut self) -> anyhow::Result<Vec<Frame>>;
    /// Starts decoding video backgrounds' frames for `keys`, the frames to be drawn in this
    /// order (nothing, where frames are drawn without their backdrop).
    fn decode_ahead(&mut self, keys: &mut dyn Iterator<Item = &FrameKey>);
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

/// Creates the renderer `backend` asks for, drawing frames in `format`. `Auto` falls back to the
/// CPU when no hardware GPU exists, and says why; an explicit `Gpu` fails instead.
pub fn create(
    backend: Backend,
    scene: Arc<Scene>,
    opts: &RenderOptions,
    format: Format,
) -> anyhow::Result<Box<dyn Renderer>> {
    let cpu = |scene| -> anyhow::Result<Box<dyn Renderer>> {
        Ok(Box::new(cpu::CpuRenderer::with_format(
            scene, opts, format,
        )?))
    };
    match backend {
        Backend::Cpu => cpu(scene),
        Backend::Gpu => Ok(Box::new(gpu::GpuRenderer::with_format(
            scene, opts, false, format,
        )?)),
        Backend::Auto => match gpu::GpuRenderer::with_format(scene.clone(), opts, true, format) {
            Ok(r) => Ok(Box::new(r)),
            Err(e) => {
                log::info!("using the CPU renderer: {e:#}");
                cpu(scene)
            }
        },
    }
}

/// Draws a single frame with a fresh renderer.
pub fn draw_one(
    backend: Backend,
    scene: Arc<Scene>,
    opts: &RenderOptions,
    format: Format,
    key: &FrameKey,
) -> anyhow::Result<Frame> {
    let mut r = create(backend, scene, opts, format)?;
    r.submit(std::slice::from_ref(key))?;
    r.finish()?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("renderer returned no frame"))
}

/// Draws a single YUV frame with a fresh renderer.
pub fn render_one(
    backend: Backend,
    scene: Arc<Scene>,
    opts: &RenderOptions,
    key: &FrameKey,
) -> anyhow::Result<Yuv420> {
    draw_one(backend, scene, opts, Format::Yuv420, key)?.into_yuv()
}
