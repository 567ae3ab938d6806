//! Dynamic time warping between the narration's frames and a reference's (espeak speaking the
//! same words): the cheapest monotonic path through their frame-to-frame distances.

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
        match back[i * m + j] {
            0 => {
                i -= 1;
                j -= 1;
            }
            1 => i -= 1,
            _ => j -= 1,
        }
    }
    Path {
        first,
        last,
        cost,
        narration_used: end_i + 1,
    }
}

/// Frames of 10 ms made into the aligner's vectors: pairs averaged (20 ms frames are fine
/// enough for word starts and four times cheaper to align), each sequence normalised on its
/// own so a voice and a room's colouring cancel out.
pub fn vectors(frames: &[super::features::Frame]) -> Vec<Vector> {
    let pairs: Vec<([f32; super::features::CEPS], f32)> = frames
        .chunks(2)
        .map(|c| {
            let mut m = [0f32; super::features::CEPS];
            let mut db = f32::NEG_INFINITY;
            for f in c {
                for (a, b) in m.iter_mut().zip(&f.mfcc) {
                    *a += b / c.len() as f32;
                }
                db = db.max(f.db);
            }
            (m, db)
        })
        .collect();
    if pairs.is_empty() {
        return Vec::new();
    }
    let n = pairs.len() as f32;
    let mut mean = [0f32; super::features::CEPS];
    let mut var = [0f32; super::features::CEPS];
    for (m, _) in &pairs {
        for k in 0..mean.len() {
            mean[k] += m[k] / n;
        }
    }
    for (m, _) in &pairs {
        for k in 0..var.len() {
            var[k] += (m[k] - mean[k]).powi(2) / n;
        }
    }
    let mut dbs: Vec<f32> = pairs.iter().map(|p| p.1).collect();
    dbs.sort_by(|a, b| a.total_cmp(b));
    let loud = dbs[(dbs.len() * 9 / 10).min(dbs.len() - 1)];
    pairs
        .iter()
        .map(|(m, db)| {
            let mut v = [0f32; DIMS];
            for k in 0..super::features::CEPS {
                v[k] = (m[k] - mean[k]) / var[k].sqrt().max(1e-3);
            }
            // 0 for speech at its usual level, down to -3 for a pause 30 dB or more below it.
            v[DIMS - 1] = ((db - loud) / 10.0).clamp(-3.0, 0.5) * 1.5;
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
