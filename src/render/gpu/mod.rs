//! The wgpu compute renderer (placeholder until the GPU backend lands).

use std::sync::Arc;

use super::{RenderOptions, Renderer, Yuv420};
use crate::scene::Scene;
use crate::timeline::FrameKey;

pub struct GpuRenderer;

impl GpuRenderer {
    pub fn new(
        _scene: Arc<Scene>,
        _opts: &RenderOptions,
        _hardware_only: bool,
    ) -> anyhow::Result<GpuRenderer> {
        anyhow::bail!("the GPU backend is not built yet")
    }
}

impl Renderer for GpuRenderer {
    fn describe(&self) -> String {
        "GPU".into()
    }
    fn batch_size(&self) -> usize {
        1
    }
    fn depth(&self) -> usize {
        1
    }
    fn submit(&mut self, _keys: &[FrameKey]) -> anyhow::Result<()> {
        anyhow::bail!("unavailable")
    }
    fn finish(&mut self) -> anyhow::Result<Vec<Yuv420>> {
        anyhow::bail!("unavailable")
    }
}

/// Every adapter wgpu finds, one line each.
pub fn list_adapters() -> Vec<String> {
    Vec::new()
}
