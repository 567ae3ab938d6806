//! The wgpu compute renderer: every frame of a batch drawn by one dispatch of shaders/frame.wgsl,
//! straight into YUV 4:2:0, in one queue submission, read back through a ring of staging buffers.
//!
//! What must stay true:
//! - Output equals the CPU renderer's (src/render/cpu.rs), the reference, within the tolerance
//!   tests/gpu.rs states; the shader mirrors its arithmetic step by step.
//! - Uploads: background, atlas and every slide's tables (glyphs, tile bins, looks) once per
//!   renderer. All slides go into one concatenated buffer up front rather than lazily per slide:
//!   the tables are small (32 bytes a glyph plus the bins), it keeps the bind group fixed, and a
//!   batch may then mix slides and blank frames freely. The live layers' table and pictures
//!   follow the backgrounds in their buffer. Per batch only the frame-state buffer (header + 2
//!   bits per word + the live layers' values, per frame) is written.
//! - Exactly one `queue.submit` per batch (counted by `submissions`), and at most `RING` batches
//!   in flight, each with its own MAP_READ staging buffer, so batch n+1 is drawn while batch n is
//!   copied out.
//!
//! Every #[repr(C)] struct in `tables` is shared with the shader: keep in sync with
//! shaders/frame.wgsl.

mod adapter;
mod tables;

use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};

use anyhow::Context as _;
use wgpu::util::DeviceExt as _;

use super::backdrop::Backdrops;
use super::{Format, Frame, RenderOptions, Renderer};
use crate::scene::Scene;
use crate::timeline::FrameKey;
pub use adapter::list_adapters;
use tables::{Geometry, Params, SlideTables, HEADER_WORDS};

/// The compute shader, compiled into the binary.
pub const SHADER: &str = include_str!("../../../shaders/frame.wgsl");

/// Staging buffers in the readback ring = batches that may be in flight.
const RING: usize = 2;
/// GPU memory for the output buffer and the ring together, when `--batch` does not say.
const MEMORY_BUDGET: u64 = 160 << 20;
/// More frames per batch gain nothing once a dispatch fills the GPU, and cost latency.
const MAX_BATCH: usize = 16;
/// GPU memory for the video frames a batch shows (two per frame at most: a cross-fade).
const VIDEO_BUDGET: u64 = 128 << 20;

struct InFlight {
    slot: usize,
    frames: usize,
    submission: wgpu::SubmissionIndex,
    mapped: mpsc::Receiver<Result<(), wgpu::BufferAsyncError>>,
}

pub struct GpuRenderer {
    scene: Arc<Scene>,
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    /// Per-batch frame states: the only data written per batch.
    frame_states: wgpu::Buffer,
    /// The shader's output for one batch (padded frames, back to back).
    output: wgpu::Buffer,
    /// The video frames of the batch being drawn, one slot each (`tables::VIDEO_LAYER`).
    video: wgpu::Buffer,
    /// Where each still background starts in the `background` buffer, in pixels.
    still_at: Vec<u32>,
    backdrops: Backdrops,
    /// False for transparent frames: the text alone.
    draws_backdrop: bool,
    ring: Vec<wgpu::Buffer>,
    next_slot: usize,
    in_flight: VecDeque<InFlight>,
    geo: Geometry,
    batch: usize,
    submissions: u64,
    name: String,
    /// The first error wgpu reported outside an error scope.
    errors: Arc<Mutex<Option<String>>>,
}

impl GpuRenderer {
    /// Opens a device and uploads the scene. With `hardware_only` (`--backend auto`), fails with
    /// the reason when the best adapter is a software one, so the caller can fall back to the CPU.
    pub fn new(
        scene: Arc<Scene>,
        opts: &RenderOptions,
        hardware_only: bool,
    ) -> anyhow::Result<GpuRenderer> {
        Self::with_mode(scene, opts, hardware_only, 0)
    }

    /// A renderer whose frames are RGBA (`finish_rgba`): over their background, or with
    /// `transparent` the text alone with straight alpha, as `CpuRenderer::rgba` draws them.
    pub fn rgba(
        scene: Arc<Scene>,
        opts: &RenderOptions,
        hardware_only: bool,
        transparent: bool,
    ) -> anyhow::Result<GpuRenderer> {
        let mode = tables::MODE_RGBA
            | if transparent {
                tables::MODE_TRANSPARENT
            } else {
                0
            };
        Self::with_mode(scene, opts, hardware_only, mode)
    }

    /// A renderer drawing frames in `format`.
    pub fn with_format(
        scene: Arc<Scene>,
        opts: &RenderOptions,
        hardware_only: bool,
        format: Format,
    ) -> anyhow::Result<GpuRenderer> {
        match format {
            Format::Yuv420 => Self::new(scene, opts, hardware_only),
            Format::Rgba { transparent } => Self::rgba(scene, opts, hardware_only, transparent),
        }
    }

    fn with_mode(
        scene: Arc<Scene>,
        opts: &RenderOptions,
        hardware_only: bool,
        mode: u32,
    ) -> anyhow::Result<GpuRenderer> {
        let instance = adapter::instance();
        let (adapter, why) = adapter::choose(&instance, opts.adapter.as_deref(), hardware_only)?;
        let info = adapter.get_info();
        let name = adapter::describe(&info);
        log::info!("GPU adapter: {name} ({why})");
        let errors = Arc::new(Mutex::new(None));
        let (device, queue) = adapter::open_device(&adapter, errors.clone())?;
        let limits = device.limits();

        let mut geo = Geometry::new(scene.width, scene.height);
        geo.rgba = mode & tables::MODE_RGBA != 0;
        anyhow::ensure!(
            geo.width > 0
                && geo.height > 0
                && geo.width.is_multiple_of(2)
                && geo.height.is_multiple_of(2),
            "GPU renderer: frame size {}x{} is not even",
            geo.width,
            geo.height
        );
        let (wx, wy) = geo.workgroups();
        anyhow::ensure!(
            wx.max(wy) <= limits.max_compute_workgroups_per_dimension,
            "GPU renderer: {}x{} needs {wx}x{wy} workgroups, more than {name} allows",
            geo.width,
            geo.height
        );
        let frame_bytes = geo.frame_bytes();
        // The shader addresses the output in u32 byte offsets: stay below 4 GiB.
        let max_binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
            .min(u32::MAX as u64);
        let fit = (max_binding / frame_bytes)
            .min(limits.max_compute_workgroups_per_dimension as u64) as usize;
        anyhow::ensure!(
            fit >= 1,
            "GPU renderer: one {}x{} frame exceeds {name}'s largest storage buffer",
            geo.width,
            geo.height
        );
        let mut batch = if opts.batch > 0 {
            if opts.batch > fit {
                log::warn!(
                    "--batch {} lowered to {fit}: {name}'s buffer limit",
                    opts.batch
                );
            }
            opts.batch.min(fit)
        } else {
            ((MEMORY_BUDGET / ((RING as u64 + 1) * frame_bytes)) as usize)
                .clamp(1, MAX_BATCH.min(fit))
        };

        // Video frames are uploaded per batch, up to two a frame: the batch shrinks to fit them.
        let picture_bytes = scene.width as u64 * scene.height as u64 * 4;
        let video_slots = if scene.videos.iter().any(Option::is_some) {
            let slots = (max_binding.min(VIDEO_BUDGET) / picture_bytes) as usize;
            anyhow::ensure!(
                slots >= 2,
                "GPU renderer: two {}x{} video frames exceed {name}'s largest storage buffer",
                geo.width,
                geo.height
            );
            batch = batch.min(slots / 2);
            2 * batch
        } else {
            0
        };

        let pipeline = create_pipeline(&device)?;
        let tables = SlideTables::build(&scene, &geo);
        // Byte buffers the shader reads as u32 words need a length that is a multiple of 4. The
        // colour atlas follows the coverage one in the same buffer (storage buffers a shader
        // stage may bind are few).
        let mut atlas = scene.atlas.data.clone();
        atlas.resize(atlas.len().next_multiple_of(4).max(4), 0);
        let color_base = u32::try_from(atlas.len() / 4).context("glyph atlas too large")?;
        atlas.extend_from_slice(&scene.atlas.color);
        let stills: Vec<&[u8]> = scene.backgrounds.iter().map(|b| b.as_slice()).collect();
        let mut stills = stills.concat();
        // The live layers' table and pictures follow the backgrounds.
        let layers_at = u32::try_from(stills.len() / 4).context("backgrounds too large")?;
        let table = tables::layer_table(&scene, layers_at);
        stills.extend_from_slice(bytemuck::cast_slice(&table));
        stills.resize(stills.len().max(4), 0);
        let params = Params {
            width: geo.width,
            height: geo.height,
            stride: geo.stride,
            tiles_x: geo.tiles_x,
            atlas_width: scene.atlas.width,
            frame_bytes: u32::try_from(frame_bytes).context("frame too large for the GPU")?,
            inv255: 1.0 / 255.0,
            mode,
            color_base,
            layers_at,
            layer_count: scene.layers.live.len() as u32,
            _pad: 0,
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let init = |label: &str, contents: &[u8], usage| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let params_buf = init(
            "params",
            bytemuck::bytes_of(&params),
            wgpu::BufferUsages::UNIFORM,
        );
        let background = init("backgrounds", &stills, storage);
        let still_at = scene
            .backgrounds
            .iter()
            .scan(0u32, |at, b| {
                let here = *at;
                *at += (b.len() / 4) as u32;
                Some(here)
            })
            .collect();
        let video = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("video frames"),
            size: (video_slots as u64 * picture_bytes).max(4),
            usage: storage | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let atlas = init("atlas", &atlas, storage);
        let glyphs = init("glyphs", bytemuck::cast_slice(&tables.glyphs), storage);
        let tiles = init("tiles", bytemuck::cast_slice(&tables.tiles), storage);
        let slides = init("slides", bytemuck::cast_slice(&tables.slides), storage);
        let state_bytes = 4
            * batch as u64
            * (HEADER_WORDS + tables::state_words(tables.max_words.max(1)) + scene.layers.values)
                as u64;
        let frame_states = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("frame states"),
            size: state_bytes,
            usage: storage | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let output = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("yuv output"),
            size: frame_bytes * batch as u64,
            usage: storage | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let ring = (0..RING)
            .map(|i| {
                device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(&format!("readback {i}")),
                    size: frame_bytes * batch as u64,
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            })
            .collect();
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("frame"),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &[
                &params_buf,
                &background,
                &atlas,
                &glyphs,
                &tiles,
                &slides,
                &frame_states,
                &output,
                &video,
            ]
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect::<Vec<_>>(),
        });
        if let Some(e) = errors.lock().unwrap_or_else(|p| p.into_inner()).take() {
            anyhow::bail!("GPU renderer setup on {name}: {e}");
        }
        log::debug!(
            "GPU renderer: {batch} frames per batch, {RING} in flight, {} glyphs and {} tile \
             entries uploaded for {} slides",
            tables.glyphs.len(),
            tables.tiles.len(),
            scene.slides.len()
        );
        Ok(GpuRenderer {
            backdrops: Backdrops::new(scene.clone()),
            draws_backdrop: mode & tables::MODE_TRANSPARENT == 0,
            still_at,
            video,
            scene,
            device,
            queue,
            pipeline,
            bind_group,
            frame_states,
            output,
            ring,
            next_slot: 0,
            in_flight: VecDeque::new(),
            geo,
            batch,
            submissions: 0,
            name,
            errors,
        })
    }

    /// Queue submissions so far: one per batch.
    pub fn submissions(&self) -> u64 {
        self.submissions
    }

    /// Records and submits one batch: the compute pass and, with `slot`, the copy into that
    /// readback buffer. One queue submission per call.
    fn draw(
        &mut self,
        keys: &[FrameKey],
        slot: Option<usize>,
    ) -> anyhow::Result<wgpu::SubmissionIndex> {
        // The batch's video frames, each once, into their slots; asked for in key order, the
        // order they are decoded in.
        let mut placed: Vec<(u16, u32)> = Vec::new();
        if self.draws_backdrop {
            for key in keys {
                for layer in key.backdrop().layers() {
                    if self.backdrops.is_video(layer.0) && !placed.contains(&layer) {
                        let px = self.backdrops.layer(layer.0, layer.1)?;
                        let at = placed.len() as u64 * px.len() as u64;
                        self.queue.write_buffer(&self.video, at, &px);
                        placed.push(layer);
                    }
                }
            }
        }
        let pixels = self.scene.width * self.scene.height;
        let (backdrops, still_at) = (&self.backdrops, &self.still_at);
        let layer_at = |bg: u16, frame: u32| -> anyhow::Result<u32> {
            if !backdrops.is_video(bg) {
                return Ok(still_at[bg as usize]);
            }
            Ok(match placed.iter().position(|l| *l == (bg, frame)) {
                Some(slot) => tables::VIDEO_LAYER | (slot as u32 * pixels),
                // Not drawn (transparent frames): any offset will do.
                None => tables::VIDEO_LAYER,
            })
        };
        let states = tables::pack_frames(&self.scene, keys, &layer_at)?;
        // Ordered after the previous submission and before this one: the batch in flight still
        // sees its own states.
        self.queue
            .write_buffer(&self.frame_states, 0, bytemuck::cast_slice(&states));
        let bytes = self.geo.frame_bytes() * keys.len() as u64;
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("batch"),
            });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("frames"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &self.bind_group, &[]);
            let (wx, wy) = self.geo.workgroups();
            pass.dispatch_workgroups(wx, wy, keys.len() as u32);
        }
        if let Some(slot) = slot {
            encoder.copy_buffer_to_buffer(&self.output, 0, &self.ring[slot], 0, bytes);
        }
        let submission = self.queue.submit([encoder.finish()]);
        self.submissions += 1;
        Ok(submission)
    }

    /// Draws a batch and waits for the GPU, without reading the frames back: for benchmarks
    /// that separate drawing from readback.
    pub fn draw_and_wait(&mut self, keys: &[FrameKey]) -> anyhow::Result<()> {
        anyhow::ensure!(
            !keys.is_empty() && keys.len() <= self.batch && self.in_flight.is_empty(),
            "GPU renderer: draw_and_wait takes 1 to {} frames with nothing in flight",
            self.batch
        );
        let submission = self.draw(keys, None)?;
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(submission),
                timeout: None,
            })
            .with_context(|| format!("waiting for {}", self.name))?;
        self.check_errors()
    }

    fn check_errors(&self) -> anyhow::Result<()> {
        if let Some(e) = self.errors.lock().unwrap_or_else(|p| p.into_inner()).take() {
            anyhow::bail!("GPU error on {}: {e}", self.name);
        }
        Ok(())
    }
}

fn create_pipeline(device: &wgpu::Device) -> anyhow::Result<wgpu::ComputePipeline> {
    // Shader errors come back here rather than through the panicking default handler.
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("shaders/frame.wgsl"),
        source: wgpu::ShaderSource::Wgsl(SHADER.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("frame"),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    if let Some(e) = pollster::block_on(scope.pop()) {
        anyhow::bail!("compiling shaders/frame.wgsl: {e}");
    }
    Ok(pipeline)
}

impl Renderer for GpuRenderer {
    fn describe(&self) -> String {
        format!("GPU ({})", self.name)
    }

    fn format(&self) -> Format {
        match (self.geo.rgba, self.draws_backdrop) {
            (false, _) => Format::Yuv420,
            (true, draws_backdrop) => Format::Rgba {
                transparent: !draws_backdrop,
            },
        }
    }

    fn batch_size(&self) -> usize {
        self.batch
    }

    fn depth(&self) -> usize {
        RING
    }

    fn submit(&mut self, keys: &[FrameKey]) -> anyhow::Result<()> {
        anyhow::ensure!(!keys.is_empty(), "GPU renderer: empty batch");
        anyhow::ensure!(
            keys.len() <= self.batch,
            "GPU renderer: {} frames in a batch of at most {}",
            keys.len(),
            self.batch
        );
        anyhow::ensure!(
            self.in_flight.len() < RING,
            "GPU renderer: all {RING} readback buffers are in flight; finish one first"
        );
        let slot = self.next_slot;
        self.next_slot = (self.next_slot + 1) % RING;
        let bytes = self.geo.frame_bytes() * keys.len() as u64;
        let submission = self.draw(keys, Some(slot))?;
        let (tx, rx) = mpsc::channel();
        self.ring[slot].map_async(wgpu::MapMode::Read, 0..bytes, move |r| {
            let _ = tx.send(r);
        });
        log::debug!(
            "batch {}: {} frames in 1 submission",
            self.submissions,
            keys.len()
        );
        self.in_flight.push_back(InFlight {
            slot,
            frames: keys.len(),
            submission,
            mapped: rx,
        });
        self.check_errors()
    }

    fn finish(&mut self) -> anyhow::Result<Vec<Frame>> {
        let geo = self.geo;
        match geo.rgba {
            true => self.read_batch(|f| Frame::Rgba(geo.crop_rgba(f))),
            false => self.read_batch(|f| Frame::Yuv420(geo.crop(f))),
        }
    }

    fn decode_ahead(&mut self, keys: &mut dyn Iterator<Item = &FrameKey>) {
        if self.draws_backdrop {
            self.backdrops.decode_ahead(keys);
        }
    }
}

impl GpuRenderer {
    /// Waits for the oldest batch and turns each of its padded frames into a frame.
    fn read_batch<T>(&mut self, frame: impl Fn(&[u8]) -> T) -> anyhow::Result<Vec<T>> {
        let batch = self
            .in_flight
            .pop_front()
            .context("GPU renderer: finish without a submitted batch")?;
        // Wait for this batch only: the next one keeps drawing meanwhile.
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(batch.submission.clone()),
                timeout: None,
            })
            .with_context(|| format!("waiting for {}", self.name))?;
        let mapped = loop {
            match batch.mapped.try_recv() {
                Ok(r) => break r,
                Err(mpsc::TryRecvError::Empty) => {
                    self.device
                        .poll(wgpu::PollType::wait_indefinitely())
                        .with_context(|| format!("waiting for {}", self.name))?;
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    anyhow::bail!("GPU renderer: readback was dropped")
                }
            }
        };
        self.check_errors()?;
        mapped.with_context(|| format!("mapping the readback buffer on {}", self.name))?;
        let staging = &self.ring[batch.slot];
        let frame_bytes = self.geo.frame_bytes() as usize;
        let frames = {
            let view = staging
                .get_mapped_range(0..(frame_bytes * batch.frames) as u64)
                .context("reading the readback buffer")?;
            view.chunks_exact(frame_bytes).map(frame).collect()
        };
        staging.unmap();
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shader_parses_and_validates() {
        let module = naga::front::wgsl::parse_str(super::SHADER)
            .map_err(|e| e.emit_to_string(super::SHADER))
            .unwrap_or_else(|e| panic!("shaders/frame.wgsl does not parse:\n{e}"));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::all(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("shaders/frame.wgsl does not validate: {e:?}"));
    }
}
