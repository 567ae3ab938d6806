//! How word timings sit against the voice: a constant offset and a drift measured from where
//! the narration is voiced, and removed.
//!
//! The offset is measured window by window (a minute of narration every half minute): within
//! each, the shift that best lays the words' spans over the voiced frames (pauses between
//! phrases make the match unambiguous). The shifts are followed from window to window, so a
//! drift of seconds over an hour is tracked, and a line through them gives the offset at the
//! start and the drift. Nothing here holds more than the frames' loudness (400 KB an hour).

/// Seconds of narration each shift is first measured over (windows half a window apart).
const WINDOW: f64 = 60.0;
/// How far the first window's shift is looked for, and how far later ones move from the last.
const FIRST_SEARCH: f64 = 3.0;
const NEXT_SEARCH: f64 = 0.6;

/// The narration as voiced or not, frame by frame (`features::HOP` apart).
pub struct Voicing {
    pub voiced: Vec<bool>,
}

impl Voicing {
    /// Voiced means louder than the quiet frames by a share of the gap to the loud ones, so a
    /// noise or music bed under the voice raises the bar with it.
    pub fn of(db: &[f32]) -> Voicing {
        if db.is_empty() {
            return Voicing { voiced: Vec::new() };
        }
        let mut sorted = db.to_vec();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let at = |p: f64| sorted[((sorted.len() - 1) as f64 * p) as usize];
        let (quiet, loud) = (at(0.1), at(0.95));
        let bar = quiet + 0.3 * (loud - quiet).max(6.0);
        Voicing {
            voiced: db.iter().map(|&d| d > bar).collect(),
        }
    }

    fn at(&self, t: f64) -> bool {
        let i = (t / super::features::HOP).round();
        i >= 0.0 && self.voiced.get(i as usize).copied().unwrap_or(false)
    }
}

/// The timings against the voice, and the repair.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Seconds the timings run late (positive) or early at the start of the narration.
    pub offset: f64,
    /// Seconds the lateness grows by per second of narration.
    pub drift: f64,
    /// Windows the offset was measured in, and how many agreed with the line through them.
    pub windows: usize,
    pub agreeing: usize,
    /// Each word's start and end with the offset and drift removed.
    pub repaired: Vec<(f64, f64)>,
    /// Words whose start, with offset and drift removed, lies inside a pause.
    pub in_silence: Vec<usize>,
}

/// Where a time given in the timings' clock lands on the narration's, once the offset and
/// drift are removed.
pub fn corrected(t: f64, offset: f64, drift: f64) -> f64 {
    t - offset - drift * t
}

/// Measures `words` (start, end; in order) against the narration's loudness `db` (one value
/// per `features::HOP`), and removes the offset and drift found.
pub fn measure(words: &[(f64, f64)], db: &[f32]) -> Measured {
    let voicing = Voicing::of(db);
    // First the shift followed window by window from anywhere near; then, with that line
    // removed, what is left measured again in shorter windows (a drifting shift is not one
    // shift across a whole minute) and the two lines combined.
    let (offset, drift, _, _) = line(words, &voicing, WINDOW, FIRST_SEARCH, NEXT_SEARCH);
    let nearer: Vec<(f64, f64)> = words
        .iter()
        .map(|&(s, e)| (corrected(s, offset, drift), corrected(e, offset, drift)))
        .collect();
    let (r0, r1, windows, agreeing) = line(&nearer, &voicing, WINDOW / 2.0, 0.25, 0.1);
    let offset = offset + r0 - r1 * offset;
    let drift = drift + r1 - r1 * drift;
    let repaired: Vec<(f64, f64)> = words
        .iter()
        .map(|&(s, e)| (corrected(s, offset, drift), corrected(e, offset, drift)))
        .collect();
    let in_silence = repaired
        .iter()
        .enumerate()
        .filter(|(_, w)| !voicing.at(w.0) && !voicing.at(w.0 + 0.05))
        .map(|(i, _)| i)
        .collect();
    Measured {
        offset,
        drift,
        windows,
        agreeing,
        repaired,
        in_silence,
    }
}

/// The shifts measured in windows of `width` seconds (half a window apart), the first looked
/// for within `first` of none, each next within `next` of the last, and the line through them:
/// (offset, drift, windows, windows on the line).
fn line(
    words: &[(f64, f64)],
    voicing: &Voicing,
    width: f64,
    first: f64,
    next: f64,
) -> (f64, f64, usize, usize) {
    let length = voicing.voiced.len() as f64 * super::features::HOP;
    let mut shifts: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    let mut centre = (width / 2.0).min(length / 2.0);
    loop {
        let (a, b) = (
            (centre - width / 2.0).max(0.0),
            (centre + width / 2.0).min(length),
        );
        let inside = words.iter().filter(|w| w.0 >= a && w.0 < b).count();
        let (f0, f1) = (
            ((a / super::features::HOP) as usize).min(voicing.voiced.len()),
            ((b / super::features::HOP) as usize).min(voicing.voiced.len()),
        );
        let voiced = voicing.voiced[f0..f1].iter().filter(|v| **v).count();
        // A window of silence (or of music alone) says nothing about where words are.
        if inside >= 8 && voiced * 10 >= f1 - f0 {
            let (around, search) = match last {
                None => (0.0, first),
                Some(s) => (s, next),
            };
            let shift = best_shift(words, voicing, a, b, around, search);
            shifts.push((centre, shift));
            last = Some(shift);
        }
        if centre + width / 2.0 >= length {
            break;
        }
        centre += width / 2.0;
    }
    // The line, refitted without the shifts far off it.
    let (mut offset, mut drift) = fit(&shifts);
    let mut agreeing = shifts.len();
    if shifts.len() >= 3 {
        let close: Vec<(f64, f64)> = shifts
            .iter()
            .copied()
            .filter(|(c, s)| (s - (offset + drift * (c + s))).abs() < 0.1)
            .collect();
        if close.len() >= 2 {
            agreeing = close.len();
            (offset, drift) = fit(&close);
        }
    }
    (offset, drift, shifts.len(), agreeing)
}

/// Least squares of shift = offset + drift × (time in the timings' clock). The shift measured
/// at narration time `c` was seen at `c + shift` in the timings' clock.
fn fit(shifts: &[(f64, f64)]) -> (f64, f64) {
    match shifts.len() {
        0 => (0.0, 0.0),
        1 => (shifts[0].1, 0.0),
        _ => {
            let pts: Vec<(f64, f64)> = shifts.iter().map(|&(c, s)| (c + s, s)).collect();
            let n = pts.len() as f64;
            let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
            let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
            let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            if sxx < 1.0 {
                return (my, 0.0);
            }
            let drift = sxy / sxx;
            (my - drift * mx, drift)
        }
    }
}

/// The shift (seconds the timings are late) within `around ± search` that lays the words in
/// narration window `a..b` best over its voiced frames.
fn best_shift(
    words: &[(f64, f64)],
    voicing: &Voicing,
    a: f64,
    b: f64,
    around: f64,
    search: f64,
) -> f64 {
    let hop = super::features::HOP;
    // The words' coverage on the frame grid, over the window widened by the search.
    let lo = a + around - search - 1.0;
    let hi = b + around + search + 1.0;
    let cells = ((hi - lo) / hop).ceil().max(1.0) as usize;
    let mut covered = vec![false; cells];
    for &(s, e) in words {
        if e < lo || s > hi {
            continue;
        }
        let i0 = ((s - lo) / hop).round().max(0.0) as usize;
        let i1 = (((e - lo) / hop).round().max(0.0) as usize).min(cells);
        for c in covered.iter_mut().take(i1).skip(i0) {
            *c = true;
        }
    }
    let f0 = (a / hop).round() as usize;
    let f1 = ((b / hop).round() as usize).min(voicing.voiced.len());
    let steps = (search / hop).round() as i64;
    let mut best = (i64::MIN, around);
    for k in -steps..=steps {
        let shift = around + k as f64 * hop;
        let mut score = 0i64;
        for f in f0..f1 {
            // Narration frame f is, in the timings' clock, at f·hop + shift.
            let c = ((f as f64 * hop + shift - lo) / hop).round();
            let w = c >= 0.0 && covered.get(c as usize).copied().unwrap_or(false);
            score += if w == voicing.voiced[f] { 1 } else { -1 };
        }
        // Ties go to the smaller move.
        if score > best.0 || (score == best.0 && (shift - around).abs() < (best.1 - around).abs()) {
            best = (score, shift);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loudness of a made-up narration: phrases of voice with pauses of varied length.
    fn narration(seconds: f64) -> (Vec<f32>, Vec<(f64, f64)>) {
        let hop = crate::sync::features::HOP;
        let n = (seconds / hop) as usize;
        let mut db = vec![-60f32; n];
        let mut words = Vec::new();
        let mut t = 0.5;
        let mut k = 0u64;
        while t < seconds - 3.0 {
            // Words of 0.2-0.5 s in phrases of 3-8, pauses of 0.3-0.9 s between phrases.
            let phrase = 3 + (k * 7 % 6);
            for _ in 0..phrase {
                k += 1;
                let len = 0.2 + (k * 13 % 7) as f64 * 0.05;
                words.push((t, t + len));
                let (a, b) = ((t / hop) as usize, (((t + len) / hop) as usize).min(n));
                db[a..b].fill(-20.0);
                t += len + 0.02;
            }
            t += 0.3 + (k * 11 % 7) as f64 * 0.1;
        }
        (db, words)
    }

    #[test]
    fn a_shift_and_a_drift_are_measured_and_removed() {
        let (db, truth) = narration(300.0);
        let given: Vec<(f64, f64)> = truth
            .iter()
            .map(|&(s, e)| (s * 1.005 + 0.35, e * 1.005 + 0.35))
            .collect();
        let m = measure(&given, &db);
        assert!((m.offset - 0.35).abs() < 0.03, "offset {}", m.offset);
        assert!((m.drift - 0.005).abs() < 0.0005, "drift {}", m.drift);
        let mut errors: Vec<f64> = m
            .repaired
            .iter()
            .zip(&truth)
            .map(|(r, t)| (r.0 - t.0).abs())
            .collect();
        errors.sort_by(|a, b| a.total_cmp(b));
        assert!(
            errors[errors.len() / 2] < 0.02,
            "median {}",
            errors[errors.len() / 2]
        );
    }
}
