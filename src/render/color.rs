//! RGB → YUV BT.709 limited range, in 16.16 fixed point.
//!
//! The GPU shader (shaders/frame.wgsl) uses these exact integer coefficients and rounding, so
//! both backends produce identical values from identical RGB. Chroma is the rounded conversion
//! of the sum of a 2×2 block (centre-sited, like `yuv4mpegpipe`'s 420jpeg).

/// Keep in sync with shaders/frame.wgsl.
pub const KY: [i32; 3] = [11966, 40254, 4064];
pub const KU: [i32; 3] = [-6595, -22189, 28784];
pub const KV: [i32; 3] = [28784, -26145, -2639];

#[inline(always)]
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let y = KY[0] * r as i32 + KY[1] * g as i32 + KY[2] * b as i32;
    (16 + ((y + 32768) >> 16)) as u8
}

/// Chroma of a 2×2 block from the sums of its four pixels' channels.
#[inline(always)]
pub fn chroma(sr: i32, sg: i32, sb: i32) -> (u8, u8) {
    let u = KU[0] * sr + KU[1] * sg + KU[2] * sb;
    let v = KV[0] * sr + KV[1] * sg + KV[2] * sb;
    // Sums of four pixels: shift by 18 = divide by 4 × 65536, rounding half up.
    let round = |x: i32| (128 + ((x + (1 << 17)) >> 18)).clamp(0, 255) as u8;
    (round(u), round(v))
}

/// Converts an RGBA region (stride in pixels) into the matching region of the planes.
/// `x0`, `y0`, `w` and `h` are even; `rgba` holds exactly the `w`×`h` region.
pub fn rgba_to_yuv_region(
    rgba: &[u8],
    w: usize,
    h: usize,
    planes: (&mut [u8], &mut [u8], &mut [u8]),
    frame_width: usize,
    x0: usize,
    y0: usize,
) {
    let (yp, up, vp) = planes;
    let cw = frame_width / 2;
    for row in (0..h).step_by(2) {
        let top = &rgba[row * w * 4..(row + 1) * w * 4];
        let bot = &rgba[(row + 1) * w * 4..(row + 2) * w * 4];
        let y_top = (y0 + row) * frame_width + x0;
        let y_bot = y_top + frame_width;
        let c_row = (y0 + row) / 2 * cw + x0 / 2;
        for col in (0..w).step_by(2) {
            let p = [
                &top[col * 4..col * 4 + 4],
                &top[col * 4 + 4..col * 4 + 8],
                &bot[col * 4..col * 4 + 4],
                &bot[col * 4 + 4..col * 4 + 8],
            ];
            yp[y_top + col] = luma(p[0][0], p[0][1], p[0][2]);
            yp[y_top + col + 1] = luma(p[1][0], p[1][1], p[1][2]);
            yp[y_bot + col] = luma(p[2][0], p[2][1], p[2][2]);
            yp[y_bot + col + 1] = luma(p[3][0], p[3][1], p[3][2]);
            let sum = |c: usize| p.iter().map(|px| px[c] as i32).sum::<i32>();
            let (u, v) = chroma(sum(0), sum(1), sum(2));
            up[c_row + col / 2] = u;
            vp[c_row + col / 2] = v;
        }
    }
}

/// The inverse, for previews only (not bit-exact with any decoder).
pub fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let y = (y as f32 - 16.0) * (255.0 / 219.0);
    let u = (u as f32 - 128.0) * (255.0 / 224.0);
    let v = (v as f32 - 128.0) * (255.0 / 224.0);
    let r = y + 1.5748 * v;
    let g = y - 0.1873 * u - 0.4681 * v;
    let b = y + 1.8556 * u;
    let c = |x: f32| x.round().clamp(0.0, 255.0) as u8;
    [c(r), c(g), c(b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_range_extremes() {
        assert_eq!(luma(0, 0, 0), 16);
        assert_eq!(luma(255, 255, 255), 235);
        assert_eq!(chroma(0, 0, 0), (128, 128));
        assert_eq!(chroma(1020, 1020, 1020), (128, 128));
        assert_eq!(chroma(0, 0, 1020), (240, 118)); // pure blue: U max
        let (_, v) = chroma(1020, 0, 0);
        assert_eq!(v, 240); // pure red: V max
    }

    #[test]
    fn round_trip_is_close() {
        for &(r, g, b) in &[(10u8, 200u8, 30u8), (255, 128, 0), (90, 90, 90)] {
            let y = luma(r, g, b);
            let (u, v) = chroma(4 * r as i32, 4 * g as i32, 4 * b as i32);
            let back = yuv_to_rgb(y, u, v);
            for (a, b) in back.iter().zip([r, g, b]) {
                assert!(
                    (*a as i32 - b as i32).abs() <= 3,
                    "{back:?} vs {:?}",
                    (r, g, b)
                );
            }
        }
    }
}
