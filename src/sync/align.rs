//! A script placed on the narration with no timings at all: espeak speaks the words, and
//! dynamic time warping matches its frames with the narration's (the way aeneas does).
//!
//! The narration is taken in windows of `WINDOW` seconds as it is decoded. Each window is
//! matched against espeak speaking the next words (more than the window can hold, the
//! reference's end left free); the words that begin in the first part of the window are kept,
//! and the next window starts where the last kept word ended. Time and memory therefore grow
//! with a window, not with the narration: a three-hour lecture is sixty times the work of three
//! minutes, in the same memory.

use std::collections::VecDeque;
use std::path::Path;

use super::dtw::{self, FreeEnd, Vector};
use super::espeak;
use super::features::{self, Frame};

/// Seconds of narration matched at once.
const WINDOW: f64 = 20.0;
/// Words that begin in this share of a window are kept; the rest wait for the next window,
/// where they are matched with what follows them too.
const KEEP: f64 = 0.6;
/// espeak's speed: the narration may run up to about half again as fast as this and still fit
/// the reference's length.
const WPM: u32 = 175;
/// Seconds of silence put before and after espeak's speech.
const PAD: f64 = 0.3;
/// Seconds of the aligner's 20 ms frames.
const STEP: f64 = 2.0 * features::HOP;

/// Where one word was placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub start: f64,
    pub end: f64,
    /// The mean distance on the word's stretch of the path: how unlike the reference the
    /// narration sounded there.
    pub cost: f32,
    /// The narration gave the word under a third of the time espeak did: the path ran along
    /// the reference without the narration moving, as it does past words not said.
    pub squeezed: bool,
}

#[derive(Debug, Clone)]
pub struct Alignment {
    pub words: Vec<Placed>,
    /// The narration's loudest and quietest frames were this many dB apart: under about 12,
    /// there was no speech to align with.
    pub range_db: f32,
    /// Runs of words (first, last index) whose match was poor: the narration there may not say
    /// the script (an ad lib, a cut, music).
    pub unsure: Vec<(usize, usize)>,
}

impl Alignment {
    /// The share of words matched well.
    pub fn confidence(&self) -> f64 {
        let unsure: usize = self.unsure.iter().map(|(a, b)| b - a + 1).sum();
        1.0 - unsure as f64 / self.words.len().max(1) as f64
    }
}

/// Aligns `words` (the script, in order) with the narration in `audio`.
pub fn script(words: &[String], audio: &Path, voice: &str) -> anyhow::Result<Alignment> {
    let mut aligner = Aligner::new(words, voice);
    features::of_file(audio, &mut |f| aligner.push(f))?;
    aligner.finish()
}

/// Words placed between known times (a subtitle cue's): both ends fixed.
pub fn between(
    words: &[&str],
    narration: &[Frame],
    voice: &str,
) -> Result<Vec<(f64, f64)>, String> {
    let spoken = espeak::speak(words, voice, WPM)?;
    let room = dtw::room(narration);
    let reference = Reference::of(spoken, words, &room);
    let audio = dtw::vectors(narration, Some(&room));
    let path = dtw::align(&audio, &reference.vectors, FreeEnd::Narration);
    let placed = reference.place(&path, 0.0, words.len());
    Ok(placed.into_iter().map(|p| (p.start, p.end)).collect())
}

/// espeak's speech for some words, as the aligner's vectors, with each word's frames.
struct Reference {
    vectors: Vec<Vector>,
    /// Per word: its first frame and the frame after its last voiced one.
    spans: Vec<(usize, usize)>,
}

impl Reference {
    fn of(spoken: espeak::Spoken, words: &[&str], room: &dtw::Room) -> Reference {
        // Silence around espeak's speech, which starts at once, so that a pause before the
        // narration's first word has a pause to match.
        let pad = (PAD * spoken.rate as f64) as usize;
        let mut samples = vec![0f32; pad];
        samples.extend_from_slice(&spoken.samples);
        samples.resize(samples.len() + pad, 0.0);
        let frames = features::of_samples(&samples, spoken.rate);
        let vectors = dtw::vectors(&frames, Some(room));
        let n = vectors.len();
        let at = |t: f64| ((t / STEP).round() as usize).min(n.saturating_sub(1));
        // Words espeak ran together share their group's time by length.
        let mut starts: Vec<Option<f64>> = spoken
            .starts
            .iter()
            .map(|s| s.map(|t| t + pad as f64 / spoken.rate as f64))
            .collect();
        let total = samples.len() as f64 / spoken.rate as f64;
        let mut k = 0;
        while k < starts.len() {
            if starts[k].is_some() {
                k += 1;
                continue;
            }
            let lead = pad as f64 / spoken.rate as f64;
            let before = if k == 0 {
                lead
            } else {
                starts[k - 1].unwrap_or(lead)
            };
            let mut g = k;
            while g < starts.len() && starts[g].is_none() {
                g += 1;
            }
            let after = starts.get(g).copied().flatten().unwrap_or(total);
            // The word before the group owns part of the stretch too.
            let from = k.saturating_sub(1);
            let lens: Vec<f64> = (from..g)
                .map(|i| words[i].chars().count() as f64 + 1.0)
                .collect();
            let sum: f64 = lens.iter().sum();
            let mut acc = 0.0;
            for (i, len) in (from..g).zip(&lens) {
                if i >= k {
                    starts[i] = Some(before + (after - before) * acc / sum);
                }
                acc += len;
            }
            k = g;
        }
        let loud: Vec<bool> = frames
            .chunks(2)
            .map(|c| c.iter().any(|f| f.db > -55.0))
            .collect();
        let spans = (0..words.len())
            .map(|k| {
                let s = at(starts[k].unwrap_or(0.0));
                let next = match starts.get(k + 1) {
                    Some(t) => at(t.unwrap_or(total)),
                    None => n,
                };
                let mut e = next.max(s + 1);
                while e > s + 1 && !loud.get(e - 1).copied().unwrap_or(false) {
                    e -= 1;
                }
                // A word after a pause begins where its sound does.
                let mut s = s;
                while s + 1 < e && !loud.get(s).copied().unwrap_or(true) {
                    s += 1;
                }
                (s, e)
            })
            .collect();
        Reference { vectors, spans }
    }

    /// The first `count` words' places on the narration, whose frame 0 is at `origin` seconds.
    fn place(&self, path: &dtw::Path, origin: f64, count: usize) -> Vec<Placed> {
        let reached = path.first.len();
        if reached == 0 {
            return vec![
                Placed {
                    start: origin,
                    end: origin,
                    cost: f32::INFINITY,
                    squeezed: true,
                };
                count
            ];
        }
        (0..count)
            .map(|k| {
                let (s, e) = self.spans[k];
                let s = s.min(reached.saturating_sub(1));
                let e = e.clamp(s + 1, reached.max(s + 1));
                let start = path.first[s];
                let end = path.last[e - 1] + 1;
                let cost = path.cost[s..e].iter().sum::<f32>() / (e - s) as f32;
                // Both sides' frame n stands for n steps from its start.
                Placed {
                    start: origin + start as f64 * STEP,
                    end: origin + end as f64 * STEP,
                    cost,
                    squeezed: 3 * end.saturating_sub(start) < e - s,
                }
            })
            .collect()
    }
}

struct Aligner<'a> {
    words: &'a [String],
    voice: &'a str,
    /// The narration's frames not yet behind a kept word, and the index of the first.
    frames: VecDeque<Frame>,
    frames_at: usize,
    /// The first word not yet placed.
    next: usize,
    placed: Vec<Placed>,
    /// espeak's seconds per character, learnt as it speaks.
    per_char: f64,
    /// The loudest and quietest frames heard.
    loudest: f32,
    quietest: f32,
}

impl<'a> Aligner<'a> {
    fn new(words: &'a [String], voice: &'a str) -> Aligner<'a> {
        Aligner {
            words,
            voice,
            frames: VecDeque::new(),
            frames_at: 0,
            next: 0,
            placed: Vec::with_capacity(words.len()),
            per_char: 0.07,
            loudest: f32::NEG_INFINITY,
            quietest: f32::INFINITY,
        }
    }

    fn window_frames() -> usize {
        (WINDOW / features::HOP) as usize
    }

    /// Takes the next frame and aligns the window it completes.
    fn push(&mut self, frame: Frame) -> anyhow::Result<()> {
        self.loudest = self.loudest.max(frame.db);
        self.quietest = self.quietest.min(frame.db);
        self.frames.push_back(frame);
        while self.frames.len() >= Self::window_frames() && self.next < self.words.len() {
            self.window(false)?;
        }
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<Alignment> {
        while self.next < self.words.len() {
            let last = self.frames.len() < Self::window_frames();
            self.window(last)?;
        }
        let mut costs: Vec<f32> = self.placed.iter().map(|p| p.cost).collect();
        costs.sort_by(|a, b| a.total_cmp(b));
        let median = costs.get(costs.len() / 2).copied().unwrap_or(0.0);
        let poor: Vec<bool> = self
            .placed
            .iter()
            .map(|p| p.squeezed || p.cost > 2.0 * median)
            .collect();
        let mut unsure = Vec::new();
        let mut k = 0;
        while k < poor.len() {
            if !poor[k] {
                k += 1;
                continue;
            }
            let a = k;
            let mut end = k;
            // A stretch runs on over a word or two that matched by chance ("a", "the").
            while k < poor.len() && (poor[k] || poor[k..(k + 3).min(poor.len())].contains(&true)) {
                if poor[k] {
                    end = k;
                }
                k += 1;
            }
            k = end + 1;
            let count = poor[a..=end].iter().filter(|p| **p).count();
            // One poor word among good ones is a cough or a mumble; three is a stretch.
            if count >= 3 {
                unsure.push((a, end));
            }
        }
        Ok(Alignment {
            words: self.placed,
            range_db: (self.loudest - self.quietest).max(0.0),
            unsure,
        })
    }

    /// Aligns the frames held with the next words and keeps those placed early in them. The
    /// last window keeps every word left and leaves the narration's end free instead.
    fn window(&mut self, last: bool) -> anyhow::Result<()> {
        let n = self.frames.len().min(Self::window_frames());
        let origin = self.frames_at as f64 * features::HOP;
        if n < 2 {
            self.place_rest_at_end(origin);
            return Ok(());
        }
        let held: Vec<Frame> = self.frames.iter().take(n).copied().collect();
        let seconds = n as f64 * features::HOP;
        // Enough words for half again the window's length at espeak's pace.
        let mut count = 0;
        let mut chars = 0.0;
        while self.next + count < self.words.len()
            && (last || chars * self.per_char < 1.5 * seconds + 2.0)
        {
            chars += self.words[self.next + count].chars().count() as f64 + 1.0;
            count += 1;
        }
        let words: Vec<&str> = self.words[self.next..self.next + count]
            .iter()
            .map(|s| s.as_str())
            .collect();
        let spoken = espeak::speak(&words, self.voice, WPM).map_err(|e| anyhow::anyhow!(e))?;
        let spoken_secs = spoken.samples.len() as f64 / spoken.rate as f64;
        if chars > 0.0 {
            self.per_char = 0.5 * self.per_char + 0.5 * spoken_secs / chars;
        }
        let room = dtw::room(&held);
        let reference = Reference::of(spoken, &words, &room);
        let audio = dtw::vectors(&held, Some(&room));
        let everything_left = self.next + count == self.words.len();
        let free = if last || (everything_left && reference.vectors.len() < audio.len()) {
            FreeEnd::Narration
        } else {
            FreeEnd::Reference
        };
        let path = dtw::align(&audio, &reference.vectors, free);
        let placed = reference.place(&path, origin, count);
        let reached = path.first.len();
        let keep_before = origin + KEEP * seconds;
        let mut kept = 0;
        for (k, p) in placed.iter().enumerate() {
            let whole = reference.spans[k].1 <= reached;
            let keep = match free {
                FreeEnd::Narration => true,
                // The last word of the reference is never kept from a free-end window: what
                // follows it was not heard.
                FreeEnd::Reference => {
                    whole && p.start < keep_before && (k + 1 < count || everything_left)
                }
            };
            if !keep {
                break;
            }
            kept += 1;
        }
        let mut resume = None;
        for p in &placed[..kept] {
            let mut p = *p;
            if let Some(prev) = self.placed.last() {
                p.start = p.start.max(prev.start);
            }
            p.end = p.end.max(p.start);
            self.placed.push(p);
            resume = Some(p.end);
        }
        log::debug!(
            "align: window at {origin:.2} s ({seconds:.1} s, {:?}): words {}..{} of {count} kept, cost {:.2}",
            free,
            self.next,
            self.next + kept,
            path.cost.iter().sum::<f32>() / path.cost.len().max(1) as f32
        );
        self.next += kept;
        // The next window starts where the last kept word ended (or half a window on, when
        // this one held no word it could keep: a long pause or music).
        let resume_frame = match resume {
            Some(t) => ((t / features::HOP).floor() as usize).max(self.frames_at + 1),
            None => self.frames_at + n / 2,
        };
        let drop = (resume_frame - self.frames_at).min(self.frames.len());
        self.frames.drain(..drop);
        self.frames_at += drop;
        if last {
            self.place_rest_at_end(origin + seconds);
        }
        Ok(())
    }

    /// The narration ended before the script: the words left are placed where the last placed
    /// word ended (or at `end`), matched with nothing.
    fn place_rest_at_end(&mut self, end: f64) {
        let t = self.placed.last().map(|p| p.end).unwrap_or(end);
        while self.next < self.words.len() {
            self.placed.push(Placed {
                start: t,
                end: t,
                cost: f32::INFINITY,
                squeezed: true,
            });
            self.next += 1;
        }
    }
}
