//! Dynamic time warping between the narration's frames and a reference's (espeak speaking the
//! same words): the cheapest monotonic path through their frame-to-frame distances.

use super::features::{self, Frame, CEPS, MELS};

/// Features compared: 12 cepstral coefficients (mean and variance normalised per sequence) and
/// the loudness below the sequence's loud frames, which tells speech from pause.
pub const DIMS: usize = 13;
pub type Vector = [f32; DIMS];

/// Which end of the path is left free: the one whose sequence may run on past the other's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeEnd {
    /// The reference has more words than the narration window holds.
    Reference,
    /// The narration runs on past the last word (music, silence).
    Narration,
}

/// Every band of both sequences is held at or above the narration's noise floor there (this
/// share of its frames are quieter in the band), a little raised: what the noise hides in the
/// narration is hidden in the reference too, and pauses look alike in both.
const FLOOR_SHARE: f64 = 0.2;
const FLOOR_MARGIN: f32 = 0.7;

fn distance(a: &Vector, b: &Vector) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}

/// The path: for each reference frame j up to where the path ends, the first and last
/// narration frames matched with it, and the distance there; the reference frames past the
/// path's end are left out.
pub struct Path {
    pub first: Vec<usize>,
    pub last: Vec<usize>,
    pub cost: Vec<f32>,
    /// The narration frames the path used (all of them unless the narration's end was free).
    pub narration_used: usize,
}

/// Aligns `narration` (rows) with `reference` (columns), both paths starting at their first
/// frames. Time and memory are rows × columns (one byte a cell for the way back).
pub fn align(narration: &[Vector], reference: &[Vector], free: FreeEnd) -> Path {
    let (n, m) = (narration.len(), reference.len());
    if n == 0 || m == 0 {
        return Path {
            first: Vec::new(),
            last: Vec::new(),
            cost: Vec::new(),
            narration_used: 0,
        };
    }
    // Steps: 0 diagonal, 1 from the row above (narration advances), 2 from the left.
    let mut back = vec![0u8; n * m];
    let mut prev = vec![f32::INFINITY; m];
    let mut row = vec![f32::INFINITY; m];
    let mut last_column = vec![0f32; n];
    for i in 0..n {
        let a = &narration[i];
        for j in 0..m {
            let d = distance(a, &reference[j]);
            let (best, step) = if i == 0 && j == 0 {
                (2.0 * d, 0)
            } else {
                let diag = if i > 0 && j > 0 {
                    prev[j - 1] + 2.0 * d
                } else {
                    f32::INFINITY
                };
                let up = if i > 0 { prev[j] + d } else { f32::INFINITY };
                let left = if j > 0 { row[j - 1] + d } else { f32::INFINITY };
                if diag <= up && diag <= left {
                    (diag, 0)
                } else if up <= left {
                    (up, 1)
                } else {
                    (left, 2)
                }
            };
            row[j] = best;
            back[i * m + j] = step;
        }
        last_column[i] = row[m - 1];
        std::mem::swap(&mut prev, &mut row);
    }
    // `prev` is the last row. A path's weights add up to rows + columns walked, so ends are
    // compared per unit of that.
    let (end_i, end_j) = match free {
        FreeEnd::Reference => {
            let j = (0..m)
                .min_by(|&a, &b| {
                    (prev[a] / (n + a + 1) as f32).total_cmp(&(prev[b] / (n + b + 1) as f32))
                })
                .unwrap_or(m - 1);
            (n - 1, j)
        }
        FreeEnd::Narration => {
            let i = (0..n)
                .min_by(|&a, &b| {
                    (last_column[a] / (m + a + 1) as f32)
                        .total_cmp(&(last_column[b] / (m + b + 1) as f32))
                })
                .unwrap_or(n - 1);
            (i, m - 1)
        }
    };
    let mut first = vec![usize::MAX; end_j + 1];
    let mut last = vec![0usize; end_j + 1];
    let mut cost = vec![0f32; end_j + 1];
    let (mut i, mut j) = (end_i, end_j);
    loop {
        first[j] = first[j].min(i);
        last[j] = last[j].max(i);
        cost[j] = cost[j].max(distance(&narration[i], &reference[j]));
        if i == 0 && j == 0 {
            break;
        }
        // Cells on the edges only come from along the edge.
        match back[i * m + j] {
            0 if i > 0 && j > 0 => {
                i -= 1;
                j -= 1;
            }
            1 if i > 0 => i -= 1,
            _ if j > 0 => j -= 1,
            _ => i -= 1,
        }
    }
    Path {
        first,
        last,
        cost,
        narration_used: end_i + 1,
    }
}

/// How a sequence was heard: its loud level and its noise floor in each band (natural log of
/// energy), so that espeak's clean speech can be heard as if in the narration's room.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    loud: f32,
    floor: [f32; MELS],
}

/// 20 ms frames: pairs of 10 ms frames' log mel energies averaged (fine enough for word
/// starts, and four times cheaper to align).
fn pairs(frames: &[Frame]) -> Vec<[f32; MELS]> {
    frames
        .chunks(2)
        .map(|c| {
            let mut m = [0f32; MELS];
            for f in c {
                for (a, b) in m.iter_mut().zip(&f.mel) {
                    *a += b / c.len() as f32;
                }
            }
            m
        })
        .collect()
}

fn total(mel: &[f32; MELS]) -> f32 {
    mel.iter().map(|m| m.exp()).sum::<f32>().max(1e-12).ln()
}

fn percentile(mut v: Vec<f32>, p: f64) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p) as usize]
}

fn room_of(mels: &[[f32; MELS]]) -> Room {
    let loud = percentile(mels.iter().map(total).collect(), 0.9);
    let mut floor = [0f32; MELS];
    for (b, f) in floor.iter_mut().enumerate() {
        *f = percentile(mels.iter().map(|m| m[b]).collect(), FLOOR_SHARE);
    }
    Room { loud, floor }
}

/// The room the narration's frames were heard in.
pub fn room(frames: &[Frame]) -> Room {
    room_of(&pairs(frames))
}

/// Frames made into the aligner's vectors. With `heard_in`, the frames (espeak's) are first
/// brought to that room's level and its noise floor added to every band, so that a pause in a
/// noisy narration and a pause in espeak's look alike. Each sequence's cepstra are then
/// normalised on their own, so a voice's and a room's colouring cancel out.
pub fn vectors(frames: &[Frame], heard_in: Option<&Room>) -> Vec<Vector> {
    let mut mels = pairs(frames);
    if mels.is_empty() {
        return Vec::new();
    }
    {
        let own = room_of(&mels);
        let room = heard_in.unwrap_or(&own);
        let gain = room.loud - own.loud;
        for m in &mut mels {
            for (b, v) in m.iter_mut().enumerate() {
                *v = (*v + gain).max(room.floor[b] + FLOOR_MARGIN);
            }
        }
    }
    let loud = percentile(mels.iter().map(total).collect(), 0.9);
    let ceps: Vec<[f32; CEPS]> = mels.iter().map(features::cepstra).collect();
    let n = ceps.len() as f32;
    let mut mean = [0f32; CEPS];
    let mut var = [0f32; CEPS];
    for c in &ceps {
        for k in 0..CEPS {
            mean[k] += c[k] / n;
        }
    }
    for c in &ceps {
        for k in 0..CEPS {
            var[k] += (c[k] - mean[k]).powi(2) / n;
        }
    }
    ceps.iter()
        .zip(&mels)
        .map(|(c, m)| {
            let mut v = [0f32; DIMS];
            for k in 0..CEPS {
                v[k] = (c[k] - mean[k]) / var[k].sqrt().max(1e-3);
            }
            // 0 for speech at its usual level, down to -4.5 for a pause 30 dB or more below.
            let db = (total(m) - loud) * 10.0 / std::f32::consts::LN_10;
            v[DIMS - 1] = (db / 10.0).clamp(-3.0, 0.5) * 1.5;
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(values: &[f32]) -> Vec<Vector> {
        values
            .iter()
            .map(|&x| {
                let mut v = [0f32; DIMS];
                v[0] = x;
                v
            })
            .collect()
    }

    #[test]
    fn a_stretched_copy_maps_back_onto_its_original() {
        let reference = seq(&[0., 0., 5., 5., 1., 1., 9., 9., 3.]);
        // The narration says the same, slower, and runs on into silence.
        let narration = seq(&[0., 0., 0., 5., 5., 5., 5., 1., 1., 1., 9., 9., 9., 3., 3.]);
        let p = align(&narration, &reference, FreeEnd::Reference);
        assert_eq!(p.first.len(), 9);
        assert_eq!(p.first[2], 3, "{:?}", p.first);
        assert_eq!(p.first[4], 7, "{:?}", p.first);
        assert_eq!(p.first[6], 10, "{:?}", p.first);
        assert_eq!(p.first[8], 13, "{:?}", p.first);
    }

    #[test]
    fn a_free_reference_end_stops_where_the_narration_does() {
        let reference = seq(&[0., 5., 5., 1., 1., 9., 9., 3., 3., 7., 7.]);
        let narration = seq(&[0., 5., 5., 1., 1., 9.]);
        let p = align(&narration, &reference, FreeEnd::Reference);
        assert!(p.first.len() <= 7, "{}", p.first.len());
        assert_eq!(p.first[3], 3);
    }
}
