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

/// A group: the indices of its first and last words.
pub type Group = (usize, usize);

/// What one pass over the narration gave.
pub struct Heard {
    /// The loudness of every frame (for `offset::measure`).
    pub db: Vec<f32>,
    /// Groups placed by the audio, and why the others were not (espeak missing, say).
    pub placed: usize,
    pub unplaced: Option<String>,
}

/// Places the words of each group inside the group's span (`words` holds start and end times
/// in order, `texts` the words) and reads the narration's loudness, in one pass.
pub fn place(
    words: &mut [(f64, f64)],
    texts: &[&str],
    groups: &[Group],
    audio: &Path,
    voice: &str,
) -> anyhow::Result<Heard> {
    let mut order: Vec<Group> = groups.iter().copied().filter(|g| g.1 > g.0).collect();
    order.sort_by(|a, b| words[a.0].0.total_cmp(&words[b.0].0));
    let mut db = Vec::new();
    let mut held: VecDeque<Frame> = VecDeque::new();
    let mut held_at = 0usize;
    let mut next = 0;
    let mut placed = 0;
    let mut unplaced: Option<String> = None;
    let mut run = |g: Group, frames: &[Frame], from: usize, words: &mut [(f64, f64)]| {
        if unplaced.is_some() {
            return;
        }
        let origin = from as f64 * features::HOP;
        match align::between(&texts[g.0..=g.1], frames, voice) {
            Ok(times) => {
                let (lo, hi) = (words[g.0].0, words[g.1].1);
                let mut prev = lo;
                for (k, (s, e)) in (g.0..=g.1).zip(times) {
                    let s = (origin + s).clamp(prev, hi);
                    let e = (origin + e).clamp(s, hi);
                    words[k] = (if k == g.0 { lo } else { s }, e);
                    prev = words[k].0;
                }
                // Each word ends where the next begins unless a pause was heard between them.
                for k in g.0..g.1 {
                    if words[k].1 > words[k + 1].0 {
                        words[k].1 = words[k + 1].0;
                    }
                }
                words[g.1].1 = hi;
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
            let g = order[next];
            let (start, end) = (words[g.0].0, words[g.1].1);
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
            run(g, &frames, from, words);
            next += 1;
        }
        // Frames before every group still to come are no longer needed.
        let keep_from = match order.get(next) {
            Some(g) => features::frame_at(words[g.0].0),
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
        let from = features::frame_at(words[g.0].0).max(held_at);
        let frames: Vec<Frame> = held.iter().skip(from - held_at).copied().collect();
        if frames.len() > 2 {
            run(g, &frames, from, words);
        }
        next += 1;
    }
    Ok(Heard {
        db,
        placed,
        unplaced,
    })
}
