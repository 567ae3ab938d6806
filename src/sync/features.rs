//! What the sync report and the aligner hear: the audio cut into 10 ms frames, each with its
//! loudness and its energy in 26 mel bands (the spectral envelope, which says which sound is
//! spoken whatever the voice's pitch; `cepstra` turns it into MFCCs).
//!
//! Any sample rate is analysed with the same frames in seconds (25 ms windows every 10 ms, a
//! hop that may fall between samples) and the same mel bands in hertz (up to 8 kHz), so the
//! narration decoded at 16 kHz and espeak's 22.05 kHz speech give comparable frames without
//! resampling either.

use std::path::Path;
use std::sync::Arc;

use rustfft::num_complex::Complex32;

/// The narration is decoded at this rate: speech's envelope lies below 8 kHz.
pub const RATE: u32 = 16_000;
/// Seconds between frames.
pub const HOP: f64 = 0.010;
/// Seconds a frame's window spans; a frame's time is its window's centre.
const WINDOW: f64 = 0.025;
pub const MELS: usize = 26;
/// Cepstral coefficients kept, c1..c12: c0 (overall level) is left to the loudness.
pub const CEPS: usize = 12;
const TOP_HZ: f64 = 8_000.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct Frame {
    /// Loudness of the window, dB relative to full scale.
    pub db: f32,
    /// Natural log of each mel band's energy.
    pub mel: [f32; MELS],
}

/// MFCCs c1..c12 of a frame's log mel energies (DCT-II).
pub fn cepstra(mel: &[f32; MELS]) -> [f32; CEPS] {
    static DCT: std::sync::OnceLock<Vec<[f32; MELS]>> = std::sync::OnceLock::new();
    let dct = DCT.get_or_init(|| {
        (1..=CEPS)
            .map(|c| {
                let mut row = [0f32; MELS];
                for (m, v) in row.iter_mut().enumerate() {
                    *v = (std::f64::consts::PI * c as f64 * (m as f64 + 0.5) / MELS as f64).cos()
                        as f32;
                }
                row
            })
            .collect()
    });
    let mut out = [0f32; CEPS];
    for (o, row) in out.iter_mut().zip(dct) {
        *o = row.iter().zip(mel).map(|(a, b)| a * b).sum();
    }
    out
}

/// The time of frame `i`'s centre, in seconds from the start of what was analysed.
pub fn time_of(i: usize) -> f64 {
    i as f64 * HOP + WINDOW / 2.0
}

/// The frame whose centre is nearest to `t`.
pub fn frame_at(t: f64) -> usize {
    ((t - WINDOW / 2.0) / HOP).round().max(0.0) as usize
}

/// Turns samples, pushed in pieces of any length, into frames.
pub struct Analyzer {
    rate: f64,
    window: Vec<f32>,
    fft: Arc<dyn rustfft::Fft<f32>>,
    /// Per mel band: the first FFT bin and its weights.
    bands: Vec<(usize, Vec<f32>)>,
    /// Samples not yet consumed, and the absolute index of the first one.
    pending: Vec<f32>,
    pending_at: usize,
    /// Frames made so far.
    made: usize,
    scratch: Vec<Complex32>,
}

impl Analyzer {
    pub fn new(rate: u32) -> Analyzer {
        let rate = rate as f64;
        let win = (WINDOW * rate).round() as usize;
        let n = win.next_power_of_two();
        let window: Vec<f32> = (0..win)
            .map(|i| {
                let x = std::f64::consts::TAU * i as f64 / (win - 1) as f64;
                (0.54 - 0.46 * x.cos()) as f32
            })
            .collect();
        let fft = rustfft::FftPlanner::new().plan_fft_forward(n);
        let mel = |hz: f64| 2595.0 * (1.0 + hz / 700.0).log10();
        let hz = |m: f64| 700.0 * (10f64.powf(m / 2595.0) - 1.0);
        let top = TOP_HZ.min(rate / 2.0);
        let (lo, hi) = (mel(60.0), mel(top));
        let edges: Vec<f64> = (0..MELS + 2)
            .map(|k| hz(lo + (hi - lo) * k as f64 / (MELS + 1) as f64) * n as f64 / rate)
            .collect();
        let bands = (0..MELS)
            .map(|b| {
                let (l, c, r) = (edges[b], edges[b + 1], edges[b + 2]);
                let first = l.ceil() as usize;
                let weights = (first..=r.floor() as usize)
                    .map(|k| {
                        let k = k as f64;
                        let w = if k <= c {
                            (k - l) / (c - l)
                        } else {
                            (r - k) / (r - c)
                        };
                        w.max(0.0) as f32
                    })
                    .collect();
                (first, weights)
            })
            .collect();
        Analyzer {
            rate,
            window,
            fft,
            bands,
            pending: Vec::new(),
            pending_at: 0,
            made: 0,
            scratch: vec![Complex32::default(); n],
        }
    }

    /// Takes the next samples and hands over every frame whose window they complete.
    pub fn push(&mut self, samples: &[f32], out: &mut dyn FnMut(Frame)) {
        self.pending.extend_from_slice(samples);
        let win = self.window.len();
        loop {
            let start = (self.made as f64 * HOP * self.rate).round() as usize;
            if start < self.pending_at {
                // Cannot happen: frames start in order and only consumed samples are dropped.
                self.made += 1;
                continue;
            }
            let at = start - self.pending_at;
            if at + win > self.pending.len() {
                break;
            }
            let frame = self.frame(at);
            out(frame);
            self.made += 1;
        }
        let next = (self.made as f64 * HOP * self.rate).round() as usize;
        let drop = next.saturating_sub(self.pending_at).min(self.pending.len());
        self.pending.drain(..drop);
        self.pending_at += drop;
    }

    /// Pads the end with silence so the last samples make frames too.
    pub fn finish(&mut self, out: &mut dyn FnMut(Frame)) {
        let pad = vec![0f32; self.window.len()];
        self.push(&pad, out);
    }

    fn frame(&mut self, at: usize) -> Frame {
        let win = self.window.len();
        let samples = &self.pending[at..at + win];
        let mut energy = 0f64;
        for (i, c) in self.scratch.iter_mut().enumerate() {
            let s = if i < win { samples[i] } else { 0.0 };
            energy += (s as f64) * (s as f64);
            *c = Complex32::new(if i < win { s * self.window[i] } else { 0.0 }, 0.0);
        }
        self.fft.process(&mut self.scratch);
        // Band energies per sample of window, so that rates with longer windows compare.
        let norm = 1.0 / win as f32;
        let mut mel = [0f32; MELS];
        for (b, (first, weights)) in self.bands.iter().enumerate() {
            let mut e = 0f32;
            for (k, w) in weights.iter().enumerate() {
                e += w * self.scratch[first + k].norm_sqr();
            }
            mel[b] = (e * norm + 1e-10).ln();
        }
        let db = (10.0 * (energy / win as f64 + 1e-10).log10()) as f32;
        Frame { db, mel }
    }
}

/// Every frame of an audio file, decoded as mono at `RATE`, handed over in order: memory does
/// not grow with the file's length.
pub fn of_file(
    path: &Path,
    out: &mut dyn FnMut(Frame) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut analyzer = Analyzer::new(RATE);
    let mut failed: Option<anyhow::Error> = None;
    let mut take = |f: Frame| {
        if failed.is_none() {
            if let Err(e) = out(f) {
                failed = Some(e);
            }
        }
    };
    crate::media::audio::decode_resampled(
        path,
        RATE,
        Some(ffmpeg_next::ChannelLayout::MONO),
        &mut |planes| {
            analyzer.push(&planes[0], &mut take);
            Ok(())
        },
    )?;
    analyzer.finish(&mut take);
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The frames of samples already in memory (espeak's speech).
pub fn of_samples(samples: &[f32], rate: u32) -> Vec<Frame> {
    let mut frames = Vec::with_capacity((samples.len() as f64 / rate as f64 / HOP) as usize + 4);
    let mut analyzer = Analyzer::new(rate);
    analyzer.push(samples, &mut |f| frames.push(f));
    analyzer.finish(&mut |f| frames.push(f));
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f64, seconds: f64) -> Vec<f32> {
        (0..(rate as f64 * seconds) as usize)
            .map(|i| (0.5 * (std::f64::consts::TAU * hz * i as f64 / rate as f64).sin()) as f32)
            .collect()
    }

    #[test]
    fn frames_are_the_same_in_seconds_at_any_rate() {
        let a = of_samples(&tone(16_000, 440.0, 1.0), 16_000);
        let b = of_samples(&tone(22_050, 440.0, 1.0), 22_050);
        assert!(
            (a.len() as i64 - b.len() as i64).abs() <= 1,
            "{} {}",
            a.len(),
            b.len()
        );
        assert!((a.len() as f64 - 100.0).abs() <= 3.0, "{}", a.len());
        // The same tone gives nearly the same loudness and envelope at both rates.
        let (fa, fb) = (a[50], b[50]);
        assert!((fa.db - fb.db).abs() < 0.5, "{} {}", fa.db, fb.db);
        let other = of_samples(&tone(16_000, 1500.0, 1.0), 16_000)[50];
        let d = |x: &Frame, y: &Frame| -> f32 {
            let (x, y) = (cepstra(&x.mel), cepstra(&y.mel));
            x.iter().zip(&y).map(|(a, b)| (a - b).abs()).sum()
        };
        assert!(d(&fa, &fb) < 0.2 * d(&fa, &other));
        // A sine at amplitude 0.5 has a mean square of 1/8: -9 dB.
        assert!((fa.db + 9.03).abs() < 0.3, "{}", fa.db);
    }

    #[test]
    fn pieces_give_the_frames_one_push_gives() {
        let s = tone(16_000, 300.0, 0.5);
        let whole = of_samples(&s, 16_000);
        let mut pieces = Vec::new();
        let mut an = Analyzer::new(16_000);
        for chunk in s.chunks(777) {
            an.push(chunk, &mut |f| pieces.push(f));
        }
        an.finish(&mut |f| pieces.push(f));
        assert_eq!(whole.len(), pieces.len());
        for (a, b) in whole.iter().zip(&pieces) {
            assert_eq!(a.db, b.db);
            assert_eq!(a.mel, b.mel);
        }
    }
}
