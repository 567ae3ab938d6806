//! Contact sheets: a whole video's look on one image. One thumbnail per distinct fully faded-in
//! frame (each slide as it first shows whole, then each change of a word's state), in time
//! order, with its time code, so that a style is checked at a glance without playing the video.

use crate::layout::Labeler;
use crate::prepare::Prepared;
use crate::render::{self, Backend, Format, RenderOptions};
use crate::timeline::FrameKey;

#[derive(Debug, Clone)]
pub struct SheetOptions {
    /// Thumbnails a row.
    pub columns: u32,
    /// Thumbnail width in pixels (height follows the frame's aspect).
    pub thumb_width: u32,
    /// At most this many thumbnails; more are thinned evenly (each slide's first kept first).
    pub limit: usize,
}

impl Default for SheetOptions {
    fn default() -> Self {
        SheetOptions {
            columns: 4,
            thumb_width: 384,
            limit: 120,
        }
    }
}

const GAP: u32 = 8;
/// Height of a label line under a thumbnail.
const LABEL: u32 = 26;
/// Thumbnails narrower than this have their label on two lines, so that labels never overlap.
const ONE_LINE_LABEL: u32 = 280;
const SHEET_BG: [u8; 3] = [24, 24, 28];

/// The frames a sheet shows: (frame index, key).
fn pick(p: &Prepared, limit: usize) -> Vec<(u64, &FrameKey)> {
    let mut all: Vec<(u64, &FrameKey, bool)> = Vec::new();
    let mut last_slide = None;
    for run in &p.timeline.runs {
        if let FrameKey::Slide {
            slide, fade: 255, ..
        } = &run.key
        {
            let first = last_slide != Some(*slide);
            last_slide = Some(*slide);
            all.push((run.start_frame, &run.key, first));
        }
    }
    if all.len() <= limit {
        return all.into_iter().map(|(f, k, _)| (f, k)).collect();
    }
    // Each slide's first look first, then word changes spread evenly over what room is left.
    let firsts: Vec<usize> = (0..all.len()).filter(|&i| all[i].2).collect();
    let mut keep = vec![false; all.len()];
    let step = firsts.len() as f64 / limit.min(firsts.len()).max(1) as f64;
    for k in 0..limit.min(firsts.len()) {
        keep[firsts[(k as f64 * step) as usize]] = true;
    }
    let room = limit.saturating_sub(keep.iter().filter(|&&k| k).count());
    let rest: Vec<usize> = (0..all.len()).filter(|&i| !keep[i]).collect();
    if room > 0 && !rest.is_empty() {
        let step = rest.len() as f64 / room.min(rest.len()) as f64;
        for k in 0..room.min(rest.len()) {
            keep[rest[(k as f64 * step) as usize]] = true;
        }
    }
    all.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((f, k, _), _)| (f, k))
        .collect()
}

/// `h:mm:ss.mmm` (or `m:ss.mmm` under an hour) of a frame's start.
fn time_code(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m}:{s:02}.{ms:03}")
    }
}

/// Draws the sheet of a prepared project.
/// The largest sheet drawn, in pixels (300 MB as RGB): checked before it is allocated.
pub const SHEET_PIXELS: u64 = 100_000_000;

pub fn draw(
    p: &Prepared,
    backend: Backend,
    render_opts: &RenderOptions,
    opts: &SheetOptions,
) -> anyhow::Result<image::RgbImage> {
    anyhow::ensure!(opts.columns >= 1, "--columns must be at least 1");
    anyhow::ensure!(
        (16..=p.project.width.max(16)).contains(&opts.thumb_width),
        "--width must be 16 to {} pixels (the frame's width)",
        p.project.width.max(16)
    );
    anyhow::ensure!(opts.limit >= 1, "--limit must be at least 1");
    let frames = pick(p, opts.limit);
    anyhow::ensure!(!frames.is_empty(), "no frame of this project shows text");
    let tw = opts.thumb_width;
    let th = ((tw as u64 * p.project.height as u64) / p.project.width as u64).max(1) as u32;
    let cols = opts.columns.min(frames.len() as u32);
    let rows = (frames.len() as u32).div_ceil(cols);
    let label_lines = if tw < ONE_LINE_LABEL { 2 } else { 1 };
    let (cell_w, cell_h) = (tw + GAP, th + label_lines * (LABEL - 6) + 6 + GAP);
    let (sw, sh) = (
        GAP as u64 + cols as u64 * cell_w as u64,
        GAP as u64 + rows as u64 * cell_h as u64,
    );
    anyhow::ensure!(
        sw * sh <= SHEET_PIXELS,
        "the sheet would be {sw} x {sh} pixels, over the limit of {} million: ask for fewer \
         frames (--limit), narrower thumbnails (--width) or more --columns",
        SHEET_PIXELS / 1_000_000
    );
    let mut sheet = image::RgbImage::from_pixel(sw as u32, sh as u32, image::Rgb(SHEET_BG));
    let mut renderer = render::create(backend, p.scene.clone(), render_opts, Format::Yuv420)?;
    let mut labels = Labeler::new();
    let batch = renderer.batch_size().max(1);
    let fps = p.project.fps.as_f64();
    for (chunk_at, chunk) in frames.chunks(batch).enumerate() {
        let keys: Vec<FrameKey> = chunk.iter().map(|(_, k)| (*k).clone()).collect();
        renderer.submit(&keys)?;
        let drawn = renderer.finish()?;
        for (k, ((frame, key), yuv)) in chunk.iter().zip(drawn).enumerate() {
            let i = (chunk_at * batch + k) as u32;
            let (x, y) = (GAP + (i % cols) * cell_w, GAP + (i / cols) * cell_h);
            let thumb = image::imageops::resize(
                &yuv.yuv()?.to_rgb(),
                tw,
                th,
                image::imageops::FilterType::Triangle,
            );
            image::imageops::replace(&mut sheet, &thumb, x as i64, y as i64);
            let slide = match key {
                FrameKey::Slide { slide, .. } => *slide,
                FrameKey::Blank { .. } => 0,
            };
            let time = time_code(*frame as f64 / fps);
            let place = format!("slide {}  ·  frame {frame}", slide + 1);
            let lines = match label_lines {
                1 => vec![format!("{time}  ·  {place}")],
                _ => vec![time, place],
            };
            for (n, line) in lines.iter().enumerate() {
                labels.draw(
                    &mut sheet,
                    (x as i32, (y + th + 4 + n as u32 * (LABEL - 6)) as i32),
                    line,
                    15.0,
                    [220, 220, 225],
                );
            }
        }
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_codes() {
        assert_eq!(time_code(0.0), "0:00.000");
        assert_eq!(time_code(83.4567), "1:23.457");
        assert_eq!(time_code(3725.0), "1:02:05.000");
    }
}
