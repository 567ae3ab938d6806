//! What a waveform shows: per video frame, the narration's loudness (RMS over the frame's own
//! span of time) spread over bands of its spectrum, from one streaming pass over the audio:
//! memory holds a window of samples and the levels made, never the narration.
//!
//! Each bar is the frame's RMS times its band's share of the spectrum (the square root of the
//! band's amplitude over the mean of them all), so the bars' mean is the RMS itself: they
//! follow the loudness, and their shape follows the voice. Levels are scaled so that the
//! loudest 1% of bars reach the top, frames quieter than 3% of the loudest are silence, and
//! `smoothing` lets a bar fall no faster than that share of its height per frame.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rustfft::num_complex::Complex32;

use crate::project::Fps;

/// The narration is decoded at this rate: the bands lie below 7 kHz.
const RATE: u32 = 16_000;
/// Samples the spectrum of a frame is taken over (64 ms), centred on the frame's time.
const FFT: usize = 1024;
const LOW_HZ: f64 = 80.0;
const HIGH_HZ: f64 = 7_000.0;
/// Below this share of the loudest frame's RMS, a frame is silence.
const GATE: f32 = 0.03;

/// What the levels were measured for, to reuse them (the studio checks a draft per edit).
#[derive(Debug, Clone, PartialEq)]
struct Key {
    path: std::path::PathBuf,
    modified: Option<std::time::SystemTime>,
    len: u64,
    fps: Fps,
    frames: u64,
    bars: u32,
    smoothing: u64,
}

static LAST: Mutex<Option<(Key, Arc<Vec<f32>>)>> = Mutex::new(None);

/// Per frame, each of `bars` bars' level, 0 to 1: `frames` × `bars` values.
pub fn levels(
    path: &Path,
    fps: Fps,
    frames: u64,
    bars: u32,
    smoothing: f64,
) -> anyhow::Result<Arc<Vec<f32>>> {
    let meta = std::fs::metadata(path).ok();
    let key = Key {
        path: path.to_path_buf(),
        modified: meta.as_ref().and_then(|m| m.modified().ok()),
        len: meta.map_or(0, |m| m.len()),
        fps,
        frames,
        bars,
        smoothing: smoothing.to_bits(),
    };
    let last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((k, levels)) = last.as_ref() {
        if *k == key {
            return Ok(levels.clone());
        }
    }
    drop(last);
    let levels = Arc::new(measure(path, fps, frames, bars, smoothing)?);
    *LAST.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, levels.clone()));
    Ok(levels)
}

fn measure(
    path: &Path,
    fps: Fps,
    frames: u64,
    bars: u32,
    smoothing: f64,
) -> anyhow::Result<Vec<f32>> {
    let mut a = Analyzer::new(fps, frames, bars as usize);
    crate::media::audio::decode_resampled(
        path,
        RATE,
        Some(ffmpeg_next::ChannelLayout::MONO),
        &mut |planes| {
            a.push(&planes[0]);
            Ok(())
        },
    )?;
    a.finish();
    Ok(a.levels(smoothing as f32))
}

struct Analyzer {
    fps: Fps,
    frames: u64,
    bars: usize,
    /// Per band, its FFT bins.
    bands: Vec<std::ops::Range<usize>>,
    window: Vec<f32>,
    fft: Arc<dyn rustfft::Fft<f32>>,
    scratch: Vec<Complex32>,
    /// Samples not yet consumed, and the absolute index of the first one.
    pending: Vec<f32>,
    pending_at: i64,
    /// Per frame made: its RMS, then its bars (RMS times the band's share).
    rms: Vec<f32>,
    raw: Vec<f32>,
}

impl Analyzer {
    fn new(fps: Fps, frames: u64, bars: usize) -> Analyzer {
        let bin_hz = RATE as f64 / FFT as f64;
        let edge = |b: usize| LOW_HZ * (HIGH_HZ / LOW_HZ).powf(b as f64 / bars as f64) / bin_hz;
        let bands = (0..bars)
            .map(|b| {
                let lo = edge(b).floor() as usize;
                lo..(edge(b + 1).floor() as usize).max(lo + 1)
            })
            .collect();
        let window = (0..FFT)
            .map(|i| (0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / FFT as f64).cos()) as f32)
            .collect();
        Analyzer {
            fps,
            frames,
            bars,
            bands,
            window,
            fft: rustfft::FftPlanner::new().plan_fft_forward(FFT),
            scratch: vec![Complex32::default(); FFT],
            pending: Vec::new(),
            pending_at: 0,
            rms: Vec::new(),
            raw: Vec::new(),
        }
    }

    /// Frame `i`'s centre and the half span its RMS is taken over, in samples.
    fn span(&self, i: u64) -> (i64, i64) {
        let per = RATE as f64 * self.fps.den as f64 / self.fps.num as f64;
        (
            (i as f64 * per).round() as i64,
            (per / 2.0).round().max(1.0) as i64,
        )
    }

    fn reach(&self, i: u64) -> (i64, i64) {
        let (centre, half) = self.span(i);
        let wide = half.max(FFT as i64 / 2);
        (centre - wide, centre + wide)
    }

    fn push(&mut self, samples: &[f32]) {
        self.pending.extend_from_slice(samples);
        let have = self.pending_at + self.pending.len() as i64;
        while (self.rms.len() as u64) < self.frames {
            let i = self.rms.len() as u64;
            if self.reach(i).1 > have {
                break;
            }
            self.frame(i);
        }
        // Keep only what later frames still reach.
        let keep_from = self.reach(self.rms.len() as u64).0.max(self.pending_at);
        let drop = ((keep_from - self.pending_at) as usize).min(self.pending.len());
        self.pending.drain(..drop);
        self.pending_at += drop as i64;
    }

    /// The end padded with silence, so every frame is made.
    fn finish(&mut self) {
        while (self.rms.len() as u64) < self.frames {
            let (_, end) = self.reach(self.rms.len() as u64);
            let have = self.pending_at + self.pending.len() as i64;
            let pad = (end - have).max(0) as usize + 1;
            self.push(&vec![0.0; pad.min(1 << 20)]);
        }
    }

    fn sample(&self, at: i64) -> f32 {
        let i = at - self.pending_at;
        if i < 0 || i >= self.pending.len() as i64 {
            0.0
        } else {
            self.pending[i as usize]
        }
    }

    fn frame(&mut self, i: u64) {
        let (centre, half) = self.span(i);
        let energy: f64 = (centre - half..centre + half)
            .map(|s| (self.sample(s) as f64).powi(2))
            .sum();
        let rms = (energy / (2 * half) as f64).sqrt() as f32;
        let start = centre - FFT as i64 / 2;
        for k in 0..FFT {
            let s = self.sample(start + k as i64) * self.window[k];
            self.scratch[k] = Complex32::new(s, 0.0);
        }
        self.fft.process(&mut self.scratch);
        let shares: Vec<f32> = self
            .bands
            .iter()
            .map(|r| {
                let e: f32 = self.scratch[r.clone()].iter().map(|c| c.norm_sqr()).sum();
                (e / r.len() as f32).sqrt().sqrt()
            })
            .collect();
        let mean = shares.iter().sum::<f32>() / self.bars as f32;
        self.rms.push(rms);
        for s in shares {
            self.raw.push(if mean > 0.0 { rms * s / mean } else { rms });
        }
    }

    /// Every frame's bars scaled to 0..1, gated and smoothed.
    fn levels(self, smoothing: f32) -> Vec<f32> {
        let peak = self.rms.iter().copied().fold(0.0, f32::max);
        let gate = peak * GATE;
        let mut loud: Vec<f32> = self
            .raw
            .chunks_exact(self.bars)
            .zip(&self.rms)
            .filter(|(_, &r)| r > gate)
            .flat_map(|(b, _)| b.iter().copied())
            .collect();
        let top = if loud.is_empty() {
            0.0
        } else {
            let k = ((loud.len() as f64 * 0.99) as usize).min(loud.len() - 1);
            *loud.select_nth_unstable_by(k, f32::total_cmp).1
        };
        let mut out = Vec::with_capacity(self.raw.len());
        let mut held = vec![0f32; self.bars];
        for (bars, &rms) in self.raw.chunks_exact(self.bars).zip(&self.rms) {
            for (b, h) in bars.iter().zip(held.iter_mut()) {
                let level = if rms > gate && top > 0.0 {
                    (b / top).min(1.0)
                } else {
                    0.0
                };
                *h = level.max(*h * smoothing);
                // Below half a percent it is gone: silence settles to a still frame.
                if *h < 0.005 {
                    *h = 0.0;
                }
                out.push(*h);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_follow_the_loudness_and_rest_in_silence() {
        let fps = Fps { num: 30, den: 1 };
        let frames = 60u64;
        let mut a = Analyzer::new(fps, frames, 8);
        // One second of a tone getting louder, then one of silence.
        let samples: Vec<f32> = (0..RATE as usize)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                t * 0.8 * (std::f32::consts::TAU * 440.0 * t).sin()
            })
            .chain(std::iter::repeat_n(0.0, RATE as usize))
            .collect();
        for chunk in samples.chunks(777) {
            a.push(chunk);
        }
        a.finish();
        let levels = a.levels(0.0);
        assert_eq!(levels.len(), 60 * 8);
        let mean = |f: usize| levels[f * 8..f * 8 + 8].iter().sum::<f32>() / 8.0;
        assert!(mean(25) > mean(10) && mean(10) > mean(3), "{}", mean(10));
        assert!(levels[35 * 8..].iter().all(|&l| l == 0.0));
    }
}
