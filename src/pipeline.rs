//! The overlapped pipeline: drawing on one thread, encoding on another, joined by a bounded
//! channel. Every kind of output is a `FrameSink` fed here, the renderer drawing the format it
//! takes.
//!
//! The render thread walks the timeline's runs in batches, keeping up to `depth()` batches in
//! flight in the renderer, and hands each distinct frame over with its run. The caller's thread
//! feeds the sink (the encoder, which has its own threads; audio is encoded beside it). Memory is
//! bounded by the channel depth and the batch size, never by the video's length.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cancel::check as check_cancelled;
use crate::encode::FrameSink;
use crate::render::{Renderer, SharedFrame};
use crate::timeline::{Run, Timeline};

/// Where the time went, for `-v` and the benchmarks.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub frames: u64,
    pub distinct_frames: u64,
    /// Wall time the render thread spent inside the renderer.
    pub render_busy: Duration,
    /// Wall time the sink spent encoding and writing.
    pub encode_busy: Duration,
    /// Wall time the encoder waited for frames.
    pub encode_waiting: Duration,
    pub wall: Duration,
}

pub use crate::cancel::Progress;

/// Frames held between the two threads (about 3 MB each at 1080p).
const CHANNEL_FRAMES: usize = 4;

pub fn run(
    timeline: &Timeline,
    mut renderer: Box<dyn Renderer>,
    mut sink: Box<dyn FrameSink>,
    progress: Progress<'_>,
) -> anyhow::Result<Stats> {
    let started = Instant::now();
    let runs: Arc<Vec<Run>> = Arc::new(timeline.runs.clone());
    anyhow::ensure!(
        renderer.format() == sink.format(),
        "the renderer draws {:?} frames but the output takes {:?}",
        renderer.format(),
        sink.format()
    );
    // Video backgrounds' frames are decoded ahead, in the order these runs will be drawn.
    renderer.decode_ahead(&mut runs.iter().map(|r| &r.key));
    let (tx, rx) = mpsc::sync_channel::<(SharedFrame, usize)>(CHANNEL_FRAMES);
    let render_runs = runs.clone();
    let render_thread = std::thread::Builder::new()
        .name("gpucast-render".into())
        .spawn(move || -> anyhow::Result<Duration> {
            let mut busy = Duration::ZERO;
            let batch = renderer.batch_size().max(1);
            let depth = renderer.depth().max(1);
            let mut batches = render_runs
                .iter()
                .enumerate()
                .collect::<Vec<_>>()
                .chunks(batch)
                .map(|c| c.iter().map(|(i, _)| *i).collect::<Vec<usize>>())
                .collect::<VecDeque<_>>();
            let mut in_flight: VecDeque<Vec<usize>> = VecDeque::new();
            loop {
                check_cancelled()?;
                while in_flight.len() < depth {
                    let Some(b) = batches.pop_front() else { break };
                    let keys: Vec<_> = b.iter().map(|&i| render_runs[i].key.clone()).collect();
                    let t = Instant::now();
                    renderer.submit(&keys)?;
                    busy += t.elapsed();
                    in_flight.push_back(b);
                }
                let Some(b) = in_flight.pop_front() else {
                    break;
                };
                let t = Instant::now();
                let frames = renderer.finish()?;
                busy += t.elapsed();
                anyhow::ensure!(frames.len() == b.len(), "renderer returned a short batch");
                for (frame, i) in frames.into_iter().zip(b) {
                    if tx.send((Arc::new(frame), i)).is_err() {
                        // The encoder side stopped; it reports why.
                        return Ok(busy);
                    }
                }
            }
            Ok(busy)
        })?;

    let mut stats = Stats {
        frames: timeline.frame_count,
        distinct_frames: runs.len() as u64,
        ..Stats::default()
    };
    let mut done = 0u64;
    let result = (|| -> anyhow::Result<()> {
        loop {
            let t = Instant::now();
            let Ok((frame, i)) = rx.recv() else { break };
            stats.encode_waiting += t.elapsed();
            check_cancelled()?;
            let r = &runs[i];
            let t = Instant::now();
            sink.write(&frame, r.start_frame, r.frames)?;
            stats.encode_busy += t.elapsed();
            done += r.frames;
            progress(done, timeline.frame_count)?;
        }
        Ok(())
    })();
    drop(rx);
    let rendered = render_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the render thread panicked"))?;
    result?;
    stats.render_busy = rendered?;
    anyhow::ensure!(
        done == timeline.frame_count,
        "only {done} of {} frames were produced",
        timeline.frame_count
    );
    let t = Instant::now();
    sink.finish()?;
    stats.encode_busy += t.elapsed();
    stats.wall = started.elapsed();
    Ok(stats)
}
