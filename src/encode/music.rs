//! The music bed: decoded on its own thread (started again at its end when looped), resampled to
//! the narration's output format, and added under the narration, frame by frame, at a level that
//! ducks while the narration speaks and fades to silence at the end. The narration's samples and
//! timing are untouched, so sync is what it was without music.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use ffmpeg::ChannelLayout;
use ffmpeg_next as ffmpeg;

use crate::project::{Music, Project};

/// Seconds over which the bed ducks before a word starts, so it is down when the word begins.
const ATTACK: f64 = 0.15;
/// Seconds over which it comes back up after speech ends.
const RELEASE: f64 = 0.5;

/// The bed's gain at any time: its volume, lowered by `duck` while the narration speaks, faded
/// out over the last `fade_out` seconds.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Spans of speech, sorted and merged where a pause is too short to come back up in.
    speech: Vec<(f64, f64)>,
    volume: f64,
    duck: f64,
    fade_out: f64,
    duration: f64,
}

impl Envelope {
    pub fn new(music: &Music, project: &Project) -> Envelope {
        let mut words: Vec<(f64, f64)> = project
            .slides
            .iter()
            .flat_map(|s| s.words.iter().map(|w| (w.start, w.end)))
            .collect();
        words.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut speech: Vec<(f64, f64)> = Vec::new();
        for (s, e) in words {
            match speech.last_mut() {
                Some(last) if s - last.1 < ATTACK + RELEASE => last.1 = last.1.max(e),
                _ => speech.push((s, e)),
            }
        }
        Envelope {
            speech,
            volume: music.volume,
            duck: music.duck,
            fade_out: music.fade_out,
            duration: project.duration(),
        }
    }

    /// 0 (no speech near) to 1 (speaking).
    fn ducking(&self, t: f64) -> f64 {
        let first = self.speech.partition_point(|&(_, e)| e + RELEASE < t);
        let mut level: f64 = 0.0;
        for &(s, e) in &self.speech[first..] {
            if s - ATTACK > t {
                break;
            }
            let l = if t < s {
                (t - (s - ATTACK)) / ATTACK
            } else if t <= e {
                1.0
            } else {
                1.0 - (t - e) / RELEASE
            };
            level = level.max(l.clamp(0.0, 1.0));
        }
        level
    }

    /// The linear gain at `t` seconds.
    pub fn gain(&self, t: f64) -> f64 {
        let db = self.volume + self.duck * self.ducking(t);
        let fade = if self.fade_out > 0.0 {
            ((self.duration - t) / self.fade_out).clamp(0.0, 1.0)
        } else {
            1.0
        };
        10f64.powf(db / 20.0) * fade
    }
}

/// The bed as it is mixed: samples from the decoding thread and the envelope.
pub struct Bed {
    feed: Receiver<Vec<Vec<f32>>>,
    pending: Vec<VecDeque<f32>>,
    envelope: Envelope,
    rate: u32,
}

impl Bed {
    /// Starts decoding `music` in the output format (`rate`, `layout`).
    pub fn start(music: &Music, project: &Project, rate: u32, layout: ChannelLayout) -> Bed {
        // A few seconds of music ahead of the mix at most.
        let (tx, feed) = mpsc::sync_channel::<Vec<Vec<f32>>>(64);
        let path: PathBuf = music.file.clone();
        let looped = music.looped;
        let spawned = std::thread::Builder::new()
            .name("gpucast-music".into())
            .spawn(move || loop {
                let mut samples = 0usize;
                let pass = decode_pass(&path, rate, layout, &mut |planes| {
                    samples += planes[0].len();
                    tx.send(planes)
                        .map_err(|_| anyhow::anyhow!("the mix is done"))
                });
                match pass {
                    Ok(()) if looped && samples > 0 => continue,
                    Ok(()) => break,
                    Err(e) => {
                        // Either the mix ended (nothing to say) or the file failed to decode
                        // although it probed well: the bed stops, the narration goes on.
                        if tx.send(Vec::new()).is_ok() {
                            log::warn!("music {}: {e:#}; the rest is silent", path.display());
                        }
                        break;
                    }
                }
            });
        if let Err(e) = spawned {
            log::warn!("music: cannot start its decoder ({e}); rendering without it");
        }
        Bed {
            feed,
            pending: vec![VecDeque::new(); layout.channels() as usize],
            envelope: Envelope::new(music, project),
            rate,
        }
    }

    /// Adds the bed to one frame of output: `planes` per channel, starting at sample `at`.
    pub fn mix(&mut self, planes: &mut [&mut [f32]], at: i64) {
        let n = planes.first().map_or(0, |p| p.len());
        while self.pending[0].len() < n {
            match self.feed.recv() {
                Ok(chunk) if !chunk.is_empty() => {
                    for (c, samples) in chunk.into_iter().enumerate() {
                        self.pending[c].extend(samples);
                    }
                }
                _ => break,
            }
        }
        let rate = self.rate as f64;
        let g0 = self.envelope.gain(at as f64 / rate);
        let g1 = self.envelope.gain((at + n as i64) as f64 / rate);
        for (plane, pending) in planes.iter_mut().zip(&mut self.pending) {
            for (i, s) in plane.iter_mut().enumerate() {
                let m = pending.pop_front().unwrap_or(0.0);
                let g = g0 + (g1 - g0) * i as f64 / n.max(1) as f64;
                *s = (*s + m * g as f32).clamp(-1.0, 1.0);
            }
        }
    }
}

/// Decodes `path` once, handing over its samples at `rate` with `layout`'s channels, planar.
///
/// Channels are mapped here, not by the resampler, so that the bed keeps the file's level: a
/// stereo file under mono narration is the mean of its two channels (the resampler's
/// equal-power fold would be 3 dB louder), a mono file under stereo narration is copied to both.
/// Files of more than two channels are first folded to stereo by the resampler.
fn decode_pass(
    path: &std::path::Path,
    rate: u32,
    layout: ChannelLayout,
    send: &mut dyn FnMut(Vec<Vec<f32>>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let channels = layout.channels() as usize;
    crate::media::audio::decode_resampled(path, rate, None, &mut |planes| {
        send(match (planes.len(), channels) {
            (2, 1) => vec![planes[0]
                .iter()
                .zip(&planes[1])
                .map(|(l, r)| 0.5 * (l + r))
                .collect()],
            (1, 2) => vec![planes[0].clone(), planes[0].clone()],
            _ => planes,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(speech: Vec<(f64, f64)>) -> Envelope {
        Envelope {
            speech,
            volume: -18.0,
            duck: -12.0,
            fade_out: 2.0,
            duration: 20.0,
        }
    }

    fn db(g: f64) -> f64 {
        20.0 * g.log10()
    }

    #[test]
    fn ducks_under_speech_with_ramps_and_fades_out() {
        let e = envelope(vec![(2.0, 4.0), (8.0, 9.0)]);
        assert!((db(e.gain(1.0)) + 18.0).abs() < 1e-9, "the bed's own level");
        assert!(
            (db(e.gain(2.0)) + 30.0).abs() < 1e-9,
            "down by `duck` as the word starts"
        );
        assert!((db(e.gain(3.0)) + 30.0).abs() < 1e-9);
        // Halfway down the attack, halfway back up the release.
        assert!((db(e.gain(2.0 - ATTACK / 2.0)) + 24.0).abs() < 1e-9);
        assert!((db(e.gain(4.0 + RELEASE / 2.0)) + 24.0).abs() < 1e-9);
        assert!((db(e.gain(6.0)) + 18.0).abs() < 1e-9);
        // The last 2 s fade to silence.
        assert!((e.gain(19.0) / e.gain(17.5) - 0.5).abs() < 1e-9);
        assert_eq!(e.gain(20.0), 0.0);
    }
}
