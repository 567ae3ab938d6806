//! The live layers drawn over a rectangle of a frame: the CPU's drawing and the rule the
//! shader (shaders/frame.wgsl, `draw_layers`) follows step by step, all in integers.

use super::{div255, Live, Paint, Wave};
use crate::project::WaveShape;

/// Draws the live layers that are `above` (or under) the captions over `data`, the
/// premultiplied RGBA of the frame's rectangle `(x0, y0, x1, y1)`, as a frame key's `values`
/// say (none: nothing is drawn).
pub fn draw(
    live: &[Live],
    above: bool,
    values: &[u16],
    rect: (u32, u32, u32, u32),
    data: &mut [u8],
) {
    if values.is_empty() {
        return;
    }
    let (rx0, ry0, rx1, ry1) = rect;
    let rw = (rx1 - rx0) as usize;
    for l in live.iter().filter(|l| l.above == above) {
        let v = &values[l.at..];
        let level = v[0] as u32;
        if level == 0 {
            continue;
        }
        let x0 = (l.x.max(rx0 as i32)) as i64;
        let y0 = (l.y.max(ry0 as i32)) as i64;
        let x1 = (l.x as i64 + l.width as i64).min(rx1 as i64);
        let y1 = (l.y as i64 + l.height as i64).min(ry1 as i64);
        let mut put = |x: i64, y: i64, c: [u32; 3], a: u32| {
            let at = (((y - ry0 as i64) as usize) * rw + (x - rx0 as i64) as usize) * 4;
            over(&mut data[at..at + 4], c, a, level);
        };
        if let Paint::Picture(px) = &l.paint {
            for y in y0..y1 {
                for x in x0..x1 {
                    let (lx, ly) = ((x - l.x as i64) as usize, (y - l.y as i64) as usize);
                    let p = &px[(ly * l.width as usize + lx) * 4..][..4];
                    if p[3] != 0 {
                        put(x, y, [p[0] as u32, p[1] as u32, p[2] as u32], p[3] as u32);
                    }
                }
            }
            continue;
        }
        // Solid shapes: what each column covers is one run of rows.
        for x in x0..x1 {
            let lx = (x - l.x as i64) as i32;
            let Some((top, bottom, color)) = column(l, lx, v) else {
                continue;
            };
            let Some((c, a)) = solid(color) else {
                continue;
            };
            let from = y0.max(l.y as i64 + top as i64);
            let to = y1.min(l.y as i64 + bottom as i64);
            for y in from..to {
                put(x, y, c, a);
            }
        }
    }
}

/// `c`, `a` (premultiplied) at `level` laid over the premultiplied pixel `d`.
fn over(d: &mut [u8], c: [u32; 3], a: u32, level: u32) {
    let a = div255(a * level);
    for k in 0..3 {
        d[k] = (div255(c[k] * level) + div255(d[k] as u32 * (255 - a))) as u8;
    }
    d[3] = (a + div255(d[3] as u32 * (255 - a))) as u8;
}

/// Straight RGBA as premultiplied colour and alpha.
fn solid(c: [u8; 4]) -> Option<([u32; 3], u32)> {
    let a = c[3] as u32;
    (a != 0).then(|| {
        (
            [
                div255(c[0] as u32 * a),
                div255(c[1] as u32 * a),
                div255(c[2] as u32 * a),
            ],
            a,
        )
    })
}

/// The rows `[top, bottom)` a solid layer covers in its column `lx`, and their colour; `v` its
/// values.
fn column(l: &Live, lx: i32, v: &[u16]) -> Option<(i32, i32, [u8; 4])> {
    let height = l.height as i32;
    match &l.paint {
        Paint::Picture(_) => None,
        Paint::Progress { color, track } => {
            Some((0, height, if lx < v[1] as i32 { *color } else { *track }))
        }
        Paint::Wave(w) => w.column(lx, height, &v[1..]).map(|(t, b)| (t, b, w.color)),
    }
}

impl Wave {
    /// The rows `[top, bottom)` of a `height` layer the waveform of `heights` covers in its
    /// column `lx`.
    fn column(&self, lx: i32, height: i32, heights: &[u16]) -> Option<(i32, i32)> {
        let (pitch, lead) = (self.pitch as i32, self.lead as i32);
        match self.shape {
            WaveShape::Bars | WaveShape::Mirror => {
                let rel = lx - lead;
                if rel < 0
                    || rel >= pitch * self.bars as i32
                    || rel % pitch >= self.bar_width as i32
                {
                    return None;
                }
                let h = heights[(rel / pitch) as usize] as i32;
                match self.shape {
                    WaveShape::Bars => Some((height - h, height)),
                    _ => {
                        let top = (height - h) / 2;
                        Some((top, top + h))
                    }
                }
            }
            WaveShape::Line => {
                let here = self.line_y(lx, height, heights);
                let before = self.line_y((lx - 1).max(0), height, heights);
                let t = self.thickness as i32;
                Some((here.min(before) - t / 2, here.max(before) - t / 2 + t))
            }
        }
    }

    /// The line's row at column `lx`: through each bar's centre, alternately above and below
    /// the middle by its value, straight between them.
    fn line_y(&self, lx: i32, height: i32, heights: &[u16]) -> i32 {
        let (pitch, n) = (self.pitch as i32, self.bars as i32);
        let first = self.lead as i32 + pitch / 2;
        let point = |i: i32| {
            let v = heights[i as usize] as i32;
            height / 2 + if i % 2 == 0 { -v } else { v }
        };
        if lx <= first {
            return point(0);
        }
        let i = (lx - first) / pitch;
        if i >= n - 1 {
            return point(n - 1);
        }
        let f = (lx - first) % pitch;
        point(i) + (point(i + 1) - point(i)) * f / pitch
    }
}
