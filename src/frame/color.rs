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

/// Straight RGBA into 8-bit 4:2:0 Y, U, V and a full-resolution alpha plane (VP9 with alpha).
/// A 2×2 block's chroma is its pixels' colours weighted by their alpha: the colour of a
/// transparent pixel means nothing, and averaging it in would tint the text's edges.
pub fn rgba_to_yuva420(rgba: &[u8], w: usize, h: usize) -> [Vec<u8>; 4] {
    let (cw, ch) = (w / 2, h / 2);
    let mut y = vec![0u8; w * h];
    let mut u = vec![128u8; cw * ch];
    let mut v = vec![128u8; cw * ch];
    let mut a = vec![0u8; w * h];
    for (i, px) in rgba.chunks_exact(4).enumerate() {
        y[i] = luma(px[0], px[1], px[2]);
        a[i] = px[3];
    }
    for by in 0..ch {
        for bx in 0..cw {
            let (mut s, mut total) = ([0u32; 3], 0u32);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let px = &rgba[((2 * by + dy) * w + 2 * bx + dx) * 4..][..4];
                let al = px[3] as u32;
                for c in 0..3 {
                    s[c] += px[c] as u32 * al;
                }
                total += al;
            }
            if total > 0 {
                // Four times the weighted mean: what `chroma` takes for a block.
                let sum = |c: usize| ((4 * s[c] + total / 2) / total) as i32;
                let (cu, cv) = chroma(sum(0), sum(1), sum(2));
                u[by * cw + bx] = cu;
                v[by * cw + bx] = cv;
            }
        }
    }
    [y, u, v, a]
}

/// Straight RGBA into 10-bit 4:4:4 Y, U, V (limited range) and alpha (full range), ProRes
/// 4444's input: the 8-bit coefficients with two more bits kept.
pub fn rgba_to_yuva444p10(rgba: &[u8]) -> [Vec<u16>; 4] {
    let n = rgba.len() / 4;
    let mut out = [vec![0u16; n], vec![0u16; n], vec![0u16; n], vec![0u16; n]];
    for (i, px) in rgba.chunks_exact(4).enumerate() {
        let (r, g, b) = (px[0] as i32, px[1] as i32, px[2] as i32);
        let dot = |k: [i32; 3]| 4 * (k[0] * r + k[1] * g + k[2] * b);
        out[0][i] = (64 + ((dot(KY) + 32768) >> 16)) as u16;
        out[1][i] = (512 + ((dot(KU) + 32768) >> 16)).clamp(0, 1023) as u16;
        out[2][i] = (512 + ((dot(KV) + 32768) >> 16)).clamp(0, 1023) as u16;
        out[3][i] = ((px[3] as u32 * 1023 + 127) / 255) as u16;
    }
    out
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
    fn alpha_planes_keep_transparent_colours_out_of_chroma() {
        // A 2×2 block: one opaque red pixel, three transparent black ones.
        let mut rgba = vec![0u8; 16];
        rgba[..4].copy_from_slice(&[255, 0, 0, 255]);
        let [y, u, v, a] = rgba_to_yuva420(&rgba, 2, 2);
        assert_eq!(a, [255, 0, 0, 0]);
        assert_eq!(y[0], luma(255, 0, 0));
        // The block's chroma is red's, not a quarter of it.
        assert_eq!((u[0], v[0]), chroma(1020, 0, 0));
        let ten = rgba_to_yuva444p10(&[255, 255, 255, 255, 0, 0, 0, 0]);
        assert_eq!(
            (ten[0][0], ten[1][0], ten[2][0], ten[3][0]),
            (940, 512, 512, 1023)
        );
        assert_eq!((ten[0][1], ten[3][1]), (64, 0));
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
