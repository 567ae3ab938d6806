//! Words known only as a group (a subtitle cue's, a sentence's) placed inside the group's span
//! by the audio, in one streaming pass over the narration that also gathers its loudness for
//! the offset and drift repair.

use std::collections::VecDeque;
use std::path::Path;

use super::align;
use super::features::{self, Frame};

/// Seconds of narration looked at past a group's given end, where its last word may still be
/// sounding.
const TAIL: f64 = 0.3;
/// How far a loose group's own edges may move: its first start and last end are placed by the
/// audio too, within this much of where they were given.
pub const LOOSE: f64 = 0.15;
/// Decibels between a stretch's loud and quiet frames below which it holds no speech to place
/// words by.
const SPEECH_RANGE: f32 = 12.0;

/// A group: the indices of its first and last words.
pub type Group = (usize, usize);

/// What one pass over the narration gave.
pub struct Heard {
    /// The loudness of every frame (for `offset::measure`).
    pub db: Vec<f32>,
    /// Groups placed by the audio, those over narration with nothing to hear, and why the
    /// others were not (espeak missing, say).
    pub placed: usize,
    pub silent: usize,
    pub unplaced: Option<String>,
}

/// Places the words of each group inside the group's span (`words` holds start and end times
/// in order, `texts` the words) and reads the narration's loudness, in one pass. A subtitle
/// cue's edges are kept as given; with `loose`, the groups' own edges are placed too, within
/// `LOOSE` of where they were (phrases of timings whose offset was removed).
pub fn place(
    words: &mut [(f64, f64)],
    texts: &[&str],
    groups: &[Group],
    audio: &Path,
    voice: &str,
    loose: bool,
) -> anyhow::Result<Heard> {
    let slack = if loose { LOOSE } else { 0.0 };
    let mut order: Vec<Group> = groups
        .iter()
        .copied()
        .filter(|g| g.1 > g.0 || loose)
        .collect();
    order.sort_by(|a, b| words[a.0].0.total_cmp(&words[b.0].0));
    // Each group's span on the narration, widened by the slack but never over its neighbours'
    // words.
    let spans: Vec<(f64, f64)> = order
        .iter()
        .map(|g| {
            let before = g.0.checked_sub(1).map_or(0.0, |k| words[k].1);
            let after = words.get(g.1 + 1).map_or(f64::INFINITY, |w| w.0);
            let lo = (words[g.0].0 - slack)
                .max(before.min(words[g.0].0))
                .max(0.0);
            let hi = (words[g.1].1 + slack).min(after.max(words[g.1].1));
            (lo, hi)
        })
        .collect();
    let mut db = Vec::new();
    let mut held: VecDeque<Frame> = VecDeque::new();
    let mut held_at = 0usize;
    let mut next = 0;
    let mut placed = 0;
    let mut silent = 0;
    let mut unplaced: Option<String> = None;
    let mut run = |g: Group,
                   (lo, hi): (f64, f64),
                   frames: &[Frame],
                   from: usize,
                   words: &mut [(f64, f64)]| {
        if unplaced.is_some() {
            return;
        }
        if !speaks(frames) {
            silent += 1;
            return;
        }
        let origin = from as f64 * features::HOP;
        match align::between(&texts[g.0..=g.1], frames, voice) {
            Ok(times) => {
                let mut prev = lo;
                for (k, (s, e)) in (g.0..=g.1).zip(times) {
                    let s = (origin + s).clamp(prev, hi);
                    let e = (origin + e).clamp(s, hi);
                    words[k] = (if k == g.0 && !loose { lo } else { s }, e);
                    prev = words[k].0;
                }
                // Each word ends where the next begins unless a pause was heard between them.
                for k in g.0..g.1 {
                    if words[k].1 > words[k + 1].0 {
                        words[k].1 = words[k + 1].0;
                    }
                }
                if !loose {
                    words[g.1].1 = hi;
                }
                placed += 1;
            }
            Err(e) => unplaced = Some(e),
        }
    };
    let mut index = 0usize;
    features::of_file(audio, &mut |f| {
        db.push(f.db);
        held.push_back(f);
        index += 1;
        let now = index as f64 * features::HOP;
        while next < order.len() {
            let (g, (start, end)) = (order[next], spans[next]);
            if now < end + TAIL {
                break;
            }
            let from = features::frame_at(start).max(held_at);
            let to = (features::frame_at(end + TAIL) + 1).min(held_at + held.len());
            let frames: Vec<Frame> = held
                .iter()
                .skip(from - held_at)
                .take(to.saturating_sub(from))
                .copied()
                .collect();
            run(g, spans[next], &frames, from, words);
            next += 1;
        }
        // Frames before every group still to come are no longer needed.
        let keep_from = match spans.get(next) {
            Some(&(start, _)) => features::frame_at(start),
            None => index,
        };
        while held_at < keep_from && !held.is_empty() {
            held.pop_front();
            held_at += 1;
        }
        Ok(())
    })?;
    // Groups reaching past the narration's end.
    while next < order.len() {
        let g = order[next];
        let from = features::frame_at(spans[next].0).max(held_at);
        let frames: Vec<Frame> = held.iter().skip(from - held_at).copied().collect();
        if frames.len() > 2 {
            run(g, spans[next], &frames, from, words);
        }
        next += 1;
    }
    Ok(Heard {
        db,
        placed,
        silent,
        unplaced,
    })
}

/// Whether a stretch of narration holds anything louder than its quietest part by a margin:
/// words over silence (or a steady hum) keep the times they were given.
fn speaks(frames: &[Frame]) -> bool {
    let mut db: Vec<f32> = frames.iter().map(|f| f.db).collect();
    if db.len() < 4 {
        return false;
    }
    db.sort_by(|a, b| a.total_cmp(b));
    db[db.len() * 9 / 10] - db[db.len() / 10] > SPEECH_RANGE
}
