//! Background video clips: what a clip holds (every frame's presentation time, read from its
//! packets without decoding), and a decoder that hands out frames by index, converted and fitted
//! to the output size once each. Frames are asked for mostly in order; going back (a loop) or
//! far ahead (a shard that starts mid-clip) seeks.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::util::frame;
use ffmpeg_next as ffmpeg;

use crate::frame::Fit;

/// Times within a microsecond are one instant, as for words' times.
const TIME_EPSILON: f64 = 1e-6;

/// The frames of a clip's video stream, known before any is decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipInfo {
    /// Every frame's presentation time in the stream's time base, sorted, distinct.
    pub pts: Vec<i64>,
    /// The stream's time base, numerator and denominator.
    pub time_base: (i32, i32),
    /// Where the last frame ends (its time plus its duration), in the time base.
    pub end: i64,
    pub width: u32,
    pub height: u32,
}

impl ClipInfo {
    fn seconds(&self, ts: i64) -> f64 {
        (ts - self.pts[0]) as f64 * self.time_base.0 as f64 / self.time_base.1 as f64
    }

    /// Seconds from the first frame's start to the last frame's end.
    pub fn duration(&self) -> f64 {
        self.seconds(self.end)
    }

    /// The frame on screen `t` seconds after the clip's first frame: the last one that
    /// started at or before `t` (1 µs of tolerance, as for words).
    pub fn frame_at(&self, t: f64) -> usize {
        let n = self
            .pts
            .partition_point(|&p| self.seconds(p) <= t + TIME_EPSILON);
        n.saturating_sub(1)
    }

    /// The frame whose time is `ts`, or the last before it.
    fn index_of(&self, ts: i64) -> usize {
        self.pts.partition_point(|&p| p <= ts).saturating_sub(1)
    }
}

/// Reads `path`'s packets to learn its video stream's frames. Fails on a file FFmpeg cannot
/// open, one with no video stream, no frames, or no timestamps.
pub fn probe(path: &Path) -> anyhow::Result<ClipInfo> {
    let (mut ictx, index) = open_video(path)?;
    let stream = ictx.stream(index).expect("found by open_video");
    let tb = stream.time_base();
    let params = stream.parameters();
    let (width, height) = unsafe {
        let p = params.as_ptr();
        ((*p).width.max(0) as u32, (*p).height.max(0) as u32)
    };
    // A frame's own length where packets do not say: the stream's average frame interval.
    let rate = stream.avg_frame_rate();
    let interval = if rate.numerator() > 0 && rate.denominator() > 0 {
        ((rate.denominator() as i64 * tb.denominator() as i64)
            / (rate.numerator() as i64 * tb.numerator().max(1) as i64))
            .max(1)
    } else {
        1
    };
    let mut pts = Vec::new();
    let mut end = i64::MIN;
    for (s, packet) in ictx.packets() {
        if s.index() != index {
            continue;
        }
        let Some(ts) = packet.pts().or(packet.dts()) else {
            anyhow::bail!("{} has video packets without timestamps", path.display());
        };
        let length = if packet.duration() > 0 {
            packet.duration()
        } else {
            interval
        };
        end = end.max(ts + length);
        pts.push(ts);
    }
    pts.sort_unstable();
    pts.dedup();
    anyhow::ensure!(
        !pts.is_empty(),
        "{} has a video stream with no frames",
        path.display()
    );
    anyhow::ensure!(
        width > 0 && height > 0,
        "{} has a video stream with no picture size",
        path.display()
    );
    // The first frame must decode: a stream FFmpeg cannot decode is refused now, not mid-render.
    let info = ClipInfo {
        pts,
        time_base: (tb.numerator(), tb.denominator()),
        end,
        width,
        height,
    };
    let mut dec = Decoder::open(path, &info, Fit::Stretch, 16, 16)?;
    dec.frame(0)
        .with_context(|| format!("{}: cannot decode its first frame", path.display()))?;
    Ok(info)
}

/// The file opened, and the index of the video stream FFmpeg picks as its best.
fn open_video(path: &Path) -> anyhow::Result<(ffmpeg::format::context::Input, usize)> {
    let input = super::open_input(path)
        .with_context(|| format!("cannot open {} as a video", path.display()))?;
    let index = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .with_context(|| format!("{} has no video stream", path.display()))?
        .index();
    Ok((input, index))
}

/// swscale's context, moved to the decoding thread with its decoder and only ever used there.
struct Scaler(scaling::Context);

// SAFETY: an SwsContext has no ties to the thread that made it; it is used by one thread at a
// time (the Decoder owning it is never shared, only moved).
unsafe impl Send for Scaler {}

/// Decodes one clip's frames by index into opaque RGBA at the output size.
pub struct Decoder {
    path: PathBuf,
    info: ClipInfo,
    fit: Fit,
    size: (u32, u32),
    input: ffmpeg::format::context::Input,
    stream: usize,
    decoder: ffmpeg::decoder::Video,
    scaler: Option<Scaler>,
    /// The next frame decoded but not yet wanted.
    ahead: Option<(usize, frame::Video)>,
    /// The last frame decoded that was wanted, or passed over on the way.
    behind: Option<(usize, frame::Video)>,
    /// Packets are exhausted and the decoder drained.
    ended: bool,
}

impl Decoder {
    pub fn open(
        path: &Path,
        info: &ClipInfo,
        fit: Fit,
        width: u32,
        height: u32,
    ) -> anyhow::Result<Decoder> {
        let (input, index) = open_video(path)?;
        let stream = input.stream(index).expect("found by open_video");
        let mut ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters())?;
        // Two threads at most: the renderer and the encoder need the rest.
        ctx.set_threading(ffmpeg::threading::Config {
            kind: ffmpeg::threading::Type::Frame,
            count: 2,
            ..Default::default()
        });
        let decoder = ctx
            .decoder()
            .video()
            .with_context(|| format!("{}: no decoder for its video", path.display()))?;
        Ok(Decoder {
            path: path.to_path_buf(),
            info: info.clone(),
            fit,
            size: (width, height),
            input,
            stream: index,
            decoder,
            scaler: None,
            ahead: None,
            behind: None,
            ended: false,
        })
    }

    /// Frame `k` (an index into `ClipInfo::pts`) as opaque RGBA at the output size. A frame the
    /// stream skips is shown as the one before it, as a player would.
    pub fn frame(&mut self, k: usize) -> anyhow::Result<Vec<u8>> {
        let k = k.min(self.info.pts.len() - 1);
        if let Some((i, f)) = &self.behind {
            if *i == k && self.ahead.as_ref().is_none_or(|(a, _)| *a > k) {
                let f = f.clone();
                return self.fitted(&f);
            }
        }
        // Gone past it (a loop starting again): back to a keyframe.
        let passed = self.behind.as_ref().is_some_and(|(i, _)| *i > k);
        let far = self
            .behind
            .as_ref()
            .or(self.ahead.as_ref())
            .map_or(k > 0, |(i, _)| {
                self.info.seconds(self.info.pts[k]) - self.info.seconds(self.info.pts[*i]) > 5.0
            });
        if passed || far {
            self.seek(k)?;
        }
        loop {
            if let Some((i, _)) = &self.ahead {
                if *i > k {
                    break;
                }
                self.behind = self.ahead.take();
                if self.behind.as_ref().is_some_and(|(i, _)| *i == k) {
                    break;
                }
            }
            match self.decode_next()? {
                Some(f) => self.ahead = Some(f),
                None => break,
            }
        }
        let shown = match (&self.behind, &self.ahead) {
            (Some((i, f)), _) if *i <= k => f,
            (_, Some((_, f))) => f,
            _ => anyhow::bail!("{}: frame {k} could not be decoded", self.path.display()),
        };
        let shown = shown.clone();
        self.fitted(&shown)
    }

    /// Goes back to the keyframe at or before frame `k`.
    fn seek(&mut self, k: usize) -> anyhow::Result<()> {
        let tb = self.info.time_base;
        let ts = self.info.pts[k];
        // avformat_seek_file with stream -1 takes microseconds.
        let micros = (ts as i128 * tb.0 as i128 * 1_000_000 / tb.1 as i128) as i64;
        if k == 0 || self.input.seek(micros, ..micros).is_err() {
            self.input
                .seek(i64::MIN, ..)
                .or_else(|_| self.input.seek(0, ..0))
                .with_context(|| format!("{}: cannot seek", self.path.display()))?;
        }
        self.decoder.flush();
        self.ahead = None;
        self.behind = None;
        self.ended = false;
        Ok(())
    }

    /// The next decoded frame with its index, or None at the end.
    fn decode_next(&mut self) -> anyhow::Result<Option<(usize, frame::Video)>> {
        let mut decoded = frame::Video::empty();
        loop {
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => {
                    let ts = decoded.timestamp().or(decoded.pts()).unwrap_or(0);
                    return Ok(Some((self.info.index_of(ts), decoded)));
                }
                Err(ffmpeg::Error::Eof) => return Ok(None),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {}
                // A frame the decoder could not make sense of: the one before stays on screen.
                Err(e) => log::debug!("{}: frame dropped: {e}", self.path.display()),
            }
            if self.ended {
                return Ok(None);
            }
            let mut sent = false;
            while let Some((s, packet)) = self.input.packets().next() {
                if s.index() == self.stream {
                    // A damaged packet is skipped; its frame shows as the one before.
                    if let Err(e) = self.decoder.send_packet(&packet) {
                        log::debug!("{}: packet skipped: {e}", self.path.display());
                    }
                    sent = true;
                    break;
                }
            }
            if !sent {
                self.ended = true;
                let _ = self.decoder.send_eof();
            }
        }
    }

    /// Converts and scales `f` to the output size as `fit` asks: covering it (cropped to the
    /// middle), inside it (on black), or stretched.
    fn fitted(&mut self, f: &frame::Video) -> anyhow::Result<Vec<u8>> {
        let (w, h) = self.size;
        let (iw, ih) = (f.width() as f64, f.height() as f64);
        let (nw, nh) = match self.fit {
            Fit::Stretch => (w, h),
            Fit::Cover | Fit::Contain => {
                let s = if self.fit == Fit::Cover {
                    (w as f64 / iw).max(h as f64 / ih)
                } else {
                    (w as f64 / iw).min(h as f64 / ih)
                };
                (
                    ((iw * s).round() as u32).max(1),
                    ((ih * s).round() as u32).max(1),
                )
            }
        };
        let stale = self.scaler.as_ref().is_none_or(|Scaler(s)| {
            s.input().format != f.format()
                || s.input().width != f.width()
                || s.input().height != f.height()
                || (s.output().width, s.output().height) != (nw, nh)
        });
        if stale {
            let mut s = scaling::Context::get(
                f.format(),
                f.width(),
                f.height(),
                Pixel::RGBA,
                nw,
                nh,
                scaling::Flags::BILINEAR,
            )
            .with_context(|| format!("{}: cannot convert its pixels", self.path.display()))?;
            set_colorspace(&mut s, f);
            self.scaler = Some(Scaler(s));
        }
        let mut scaled = frame::Video::empty();
        self.scaler
            .as_mut()
            .expect("made above")
            .0
            .run(f, &mut scaled)
            .with_context(|| format!("{}: cannot convert a frame", self.path.display()))?;
        let mut out = [0u8, 0, 0, 255].repeat((w * h) as usize);
        let (dx, dy) = ((w as i64 - nw as i64) / 2, (h as i64 - nh as i64) / 2);
        let stride = scaled.stride(0);
        let data = scaled.data(0);
        for y in 0..h as i64 {
            let sy = y - dy;
            if sy < 0 || sy >= nh as i64 {
                continue;
            }
            let x0 = dx.max(0);
            let x1 = (dx + nw as i64).min(w as i64);
            let src = sy as usize * stride + ((x0 - dx) * 4) as usize;
            let dst = ((y * w as i64 + x0) * 4) as usize;
            let len = ((x1 - x0) * 4) as usize;
            out[dst..dst + len].copy_from_slice(&data[src..src + len]);
        }
        // A clip's own alpha is not kept: a video frame is opaque. (Formats without alpha come
        // out of swscale opaque already, and the pad was made so.)
        let alpha = f
            .format()
            .descriptor()
            .is_none_or(|d| matches!(d.nb_components(), 2 | 4));
        if alpha {
            for px in out.chunks_exact_mut(4) {
                px[3] = 255;
            }
        }
        Ok(out)
    }
}

/// Tells swscale the clip's matrix and range (it assumes BT.601, limited): BT.709 where the
/// stream says so or does not say and is HD, full range where the stream says so.
fn set_colorspace(s: &mut scaling::Context, f: &frame::Video) {
    use ffmpeg::color;
    let bt709 = match f.color_space() {
        color::Space::BT709 => true,
        color::Space::Unspecified => f.height() >= 720,
        _ => false,
    };
    let full = f.color_range() == color::Range::JPEG;
    unsafe {
        let ffi = ffmpeg::ffi::sws_getCoefficients(if bt709 {
            ffmpeg::ffi::SWS_CS_ITU709
        } else {
            ffmpeg::ffi::SWS_CS_DEFAULT
        });
        let out = ffmpeg::ffi::sws_getCoefficients(ffmpeg::ffi::SWS_CS_DEFAULT);
        ffmpeg::ffi::sws_setColorspaceDetails(
            s.as_mut_ptr(),
            ffi,
            full as i32,
            out,
            1,
            0,
            1 << 16,
            1 << 16,
        );
    }
}
