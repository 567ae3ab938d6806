//! What every live layer shows at each frame, as the whole numbers a frame key holds: its level
//! (time range and fade), a progress bar's filled width, a waveform's bar heights. Equal values
//! draw equal pixels, so a layer makes frames distinct only while it changes.

use super::{Layers, Paint};
use crate::project::{Fps, LayerKind, Project};
use crate::timeline::{first_frame_at, frame_time};

/// The per-frame values of a scene's live layers.
pub struct Motion {
    fps: Fps,
    duration: f64,
    items: Vec<Item>,
    values: usize,
}

struct Item {
    at: usize,
    /// The first frame it shows on, and the first it no longer does.
    frames: (u64, u64),
    start: f64,
    end: f64,
    fade: f64,
    what: What,
}

enum What {
    Picture,
    Progress {
        width: u32,
    },
    /// Bar heights, `bars` a frame.
    Wave {
        bars: usize,
        heights: Vec<u16>,
    },
}

impl Motion {
    /// Measures what the live layers need: the narration's levels, for a waveform (one pass
    /// over the audio per distinct kind of waveform).
    pub fn measure(project: &Project, layers: &Layers) -> anyhow::Result<Motion> {
        let fps = project.fps;
        let frames = project.frame_count();
        let mut items = Vec::with_capacity(layers.live.len());
        for live in &layers.live {
            let layer = &project.layers[live.index];
            let what = match (&live.paint, &layer.kind) {
                (Paint::Progress { .. }, _) => What::Progress { width: live.width },
                (Paint::Wave(wave), LayerKind::Waveform { smoothing, .. }) => {
                    let levels = super::waveform::levels(
                        &project.audio,
                        fps,
                        frames,
                        wave.bars,
                        *smoothing,
                    )?;
                    let heights = levels
                        .iter()
                        .map(|&l| wave.quantize(l as f64, live.height))
                        .collect();
                    What::Wave {
                        bars: wave.bars as usize,
                        heights,
                    }
                }
                _ => What::Picture,
            };
            let end = if layer.end.is_finite() {
                first_frame_at(layer.end, fps)
            } else {
                u64::MAX
            };
            items.push(Item {
                at: live.at,
                frames: (first_frame_at(layer.start, fps), end),
                start: layer.start,
                end: layer.end,
                fade: layer.fade,
                what,
            });
        }
        Ok(Motion {
            fps,
            duration: project.duration(),
            items,
            values: layers.values,
        })
    }

    /// The values of frame `frame`, into `out` (cleared first).
    pub fn at(&self, frame: u64, out: &mut Vec<u16>) {
        out.clear();
        out.resize(self.values, 0);
        let t = frame_time(frame, self.fps);
        for item in &self.items {
            if frame < item.frames.0 || frame >= item.frames.1 {
                continue;
            }
            let level = if item.fade > 0.0 {
                let a = ((t - item.start) / item.fade)
                    .min((item.end - t) / item.fade)
                    .clamp(0.0, 1.0);
                (a * 255.0).round() as u16
            } else {
                255
            };
            if level == 0 {
                continue;
            }
            out[item.at] = level;
            match &item.what {
                What::Picture => {}
                What::Progress { width } => {
                    let filled = (*width as f64 * t / self.duration).round();
                    out[item.at + 1] = filled.clamp(0.0, *width as f64) as u16;
                }
                What::Wave { bars, heights } => {
                    let from = frame as usize * bars;
                    if let Some(h) = heights.get(from..from + bars) {
                        out[item.at + 1..item.at + 1 + bars].copy_from_slice(h);
                    }
                }
            }
        }
    }
}
