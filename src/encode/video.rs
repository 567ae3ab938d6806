//! Video encoder choice and settings: one vocabulary (speed, quality) mapped onto every encoder.
//!
//! An encoder being compiled into FFmpeg proves nothing: hardware encoders fail to open where no
//! device or driver exists. Each candidate is therefore opened and made to encode a first frame;
//! the first that succeeds is used, and every refusal is logged with FFmpeg's own error.

use ffmpeg::{codec, format, frame, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;

use crate::frame::Yuv420;
use crate::project::Fps;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Codec {
    H264,
    Hevc,
    Av1,
    Vp9,
    /// Apple ProRes (prores_ks): 422 HQ, or 4444 with alpha for `--transparent`; for editors.
    Prores,
}

/// How a frame shown for several frame times reaches the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Repeats {
    /// Constant frame rate; the encoder codes each distinct frame once and every repeat is a
    /// skipped picture written by `h264` (libx264 only; other encoders code every frame).
    #[default]
    Skip,
    /// Constant frame rate; the encoder codes every frame.
    Encode,
    /// Variable frame rate: each distinct frame once, with its duration.
    Vfr,
    /// Constant frame rate for intra-only encoders (ProRes): each distinct frame coded once and
    /// its packet written again for every repeat (settled by the writer, never asked for).
    Copy,
}

/// `--repeat-frames`: how a constant-frame-rate render writes repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RepeatFrames {
    Skip,
    Encode,
}

impl Repeats {
    /// `--vfr` and `--repeat-frames` (which `--vfr` overrides) as one choice.
    pub fn from_options(vfr: bool, frames: RepeatFrames) -> Repeats {
        match (vfr, frames) {
            (true, _) => Repeats::Vfr,
            (false, RepeatFrames::Skip) => Repeats::Skip,
            (false, RepeatFrames::Encode) => Repeats::Encode,
        }
    }

    /// Whether the encoder sees only the distinct frames.
    /// What `self` becomes for a video whose distinct frames stay `stills`
    /// (`Timeline::stills`) on screen. Where nearly every frame differs (a karaoke fill, a
    /// background video) skipping saves almost nothing and costs x264 its B-frames: 0.6 dB at
    /// the same size on the karaoke fixture. Every frame is coded instead.
    pub fn for_stills(self, stills: f64) -> Repeats {
        if self == Repeats::Skip && stills < 0.5 {
            Repeats::Encode
        } else {
            self
        }
    }

    pub fn distinct_only(self, encoder: &str) -> bool {
        match self {
            Repeats::Skip => skips_repeats(encoder),
            Repeats::Encode => false,
            Repeats::Vfr | Repeats::Copy => true,
        }
    }
}

/// Encoders whose every picture stands alone, so that a repeat is a copy of the packet.
pub fn intra_only(encoder: &str) -> bool {
    encoder == "prores_ks"
}

/// Encoders whose streams `h264` can put skipped pictures into.
pub fn skips_repeats(encoder: &str) -> bool {
    encoder == "libx264"
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Speed {
    Fast,
    Balanced,
    Quality,
}

/// What the user asked of the video encoder.
#[derive(Debug, Clone)]
pub struct VideoSettings {
    /// `None`: try the candidates of `codec` in order.
    pub encoder: Option<String>,
    pub codec: Codec,
    pub speed: Speed,
    /// CRF for software encoders, CQ/QP for hardware ones; `None`: the codec's default.
    pub quality: Option<u32>,
    /// An encoder-specific preset name that overrides `speed`'s mapping.
    pub preset: Option<String>,
    /// Encoder threads, pinned because x264's output depends on the count.
    pub threads: usize,
    /// Seconds between keyframes.
    pub keyframe_interval: f64,
    pub repeats: Repeats,
    /// Pictures leave the encoder in display order (no B-frames): a shard's part, whose packets
    /// the join copies with their frame numbers as timestamps (Matroska keeps no decode times).
    pub in_order: bool,
    /// Frames carry alpha (`--transparent`): ProRes 4444 or VP9 with alpha (libvpx-vp9).
    pub alpha: bool,
    /// `Timeline::stills` of the whole video (every part of a sharded render alike): how
    /// `quality` maps onto x264's CRF when x264 sees only the distinct frames.
    pub stills: f64,
}

impl Default for VideoSettings {
    fn default() -> Self {
        VideoSettings {
            encoder: None,
            codec: Codec::H264,
            speed: Speed::Fast,
            quality: None,
            preset: None,
            threads: DEFAULT_THREADS,
            keyframe_interval: 2.0,
            repeats: Repeats::default(),
            in_order: false,
            alpha: false,
            stills: 0.0,
        }
    }
}

/// Fixed rather than one per core, so that the same input gives the same bytes on any machine.
pub const DEFAULT_THREADS: usize = 4;

/// Encoders tried for each codec, fastest first; the last is the software fallback.
pub fn candidates(codec: Codec) -> &'static [&'static str] {
    match codec {
        Codec::H264 => &[
            "h264_nvenc",
            "h264_qsv",
            "h264_amf",
            "h264_vaapi",
            "h264_videotoolbox",
            "libx264",
        ],
        Codec::Hevc => &[
            "hevc_nvenc",
            "hevc_qsv",
            "hevc_amf",
            "hevc_vaapi",
            "hevc_videotoolbox",
            "libx265",
        ],
        Codec::Vp9 => &["vp9_qsv", "vp9_vaapi", "libvpx-vp9"],
        Codec::Prores => &["prores_ks"],
        Codec::Av1 => &[
            "av1_nvenc",
            "av1_qsv",
            "av1_amf",
            "av1_vaapi",
            "libsvtav1",
            "libaom-av1",
        ],
    }
}

impl Codec {
    /// As `--codec` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Codec::H264 => "h264",
            Codec::Hevc => "hevc",
            Codec::Av1 => "av1",
            Codec::Vp9 => "vp9",
            Codec::Prores => "prores",
        }
    }
}

/// x264's CRF on the distinct-frames path for `quality` meant as x264's CRF on every frame.
///
/// Seeing only the distinct frames, each with its duration, x264's rate control gives a
/// frame shown for d frames about 2.4 x log2(d) QP less (its VFR rule, durations clipped at a
/// second), more than the every-frame encode's macroblock tree gives a still; and without
/// B-frames no picture gets the B-frames' higher quantiser (about 2.3 QP at x264's pbratio).
/// Both are given back: the result matches x264 on every frame at `quality` in size and PSNR.
/// Calibrated at 1080p30, veryfast with trellis, on the fixture at 90, 150 and 200 words a
/// minute, with the pop and with the karaoke fill (every frame distinct): within 0.3 dB and no
/// larger, except the karaoke fill, 0.4 dB under at equal size (README). Past 8 the offset
/// cost more quality than it saved bytes. 0 stays lossless.
pub fn distinct_crf(quality: f64, stills: f64) -> f64 {
    if quality <= 0.0 {
        return 0.0;
    }
    (quality + (2.3 + 2.9 * stills.max(0.0)).min(8.0)).min(51.0)
}

pub fn default_quality(codec: Codec) -> u32 {
    match codec {
        Codec::H264 => 23,
        Codec::Hevc => 28,
        Codec::Av1 => 35,
        Codec::Vp9 => 33,
        // prores_ks's quantiser scale (1 best to 32); unused unless --quality is given.
        Codec::Prores => 4,
    }
}

/// The FFmpeg private options for `name` under `s` (documented in the README's table).
pub fn options_for(name: &str, s: &VideoSettings) -> Vec<(&'static str, String)> {
    let quality = s.quality.unwrap_or_else(|| default_quality(s.codec));
    let q = quality.to_string();
    let pick = |fast: &str, balanced: &str, quality: &str| {
        s.preset.clone().unwrap_or_else(|| {
            match s.speed {
                Speed::Fast => fast,
                Speed::Balanced => balanced,
                Speed::Quality => quality,
            }
            .to_string()
        })
    };
    let family = name.split('_').next_back().unwrap_or(name);
    match (name, family) {
        ("libx264", _) | ("libx265", _) => {
            let mut o = vec![("preset", pick("veryfast", "medium", "slow")), ("crf", q)];
            if s.repeats.distinct_only(name) {
                // Keyframes are forced where output time needs them; no B-frames and one
                // reference are what skipped pictures between x264's need, and --vfr is
                // encoded alike so that both decode to the same frames.
                o.push(("forced-idr", "1".into()));
                if name == "libx264" {
                    o[1].1 = format!("{:.2}", distinct_crf(quality as f64, s.stills));
                    let mut params = String::from("bframes=0:ref=1:weightp=0");
                    // Trellis quantisation: veryfast leaves it off to save time on every
                    // frame; on the distinct ones alone it pays for itself (3% smaller and
                    // 0.3 dB better on the fixture). Slower presets have it already.
                    if o[0].1 == "veryfast" {
                        params.push_str(":trellis=1");
                    }
                    o.push(("x264-params", params));
                }
            }
            if name == "libx265" {
                o.push((
                    "x265-params",
                    format!("pools={}:log-level=error", s.threads),
                ));
            }
            o
        }
        ("libsvtav1", _) => vec![("preset", pick("10", "8", "5")), ("crf", q)],
        // Constant quality needs a bitrate of 0; rows in parallel use the threads.
        ("libvpx-vp9", _) => vec![
            ("deadline", pick("realtime", "good", "good")),
            ("cpu-used", pick("8", "4", "2")),
            ("crf", q),
            ("b", "0".into()),
            ("row-mt", "1".into()),
        ],
        ("libaom-av1", _) => vec![("cpu-used", pick("8", "6", "4")), ("crf", q)],
        // 4444 with alpha, 422 HQ without; the quantiser only when asked for (else the
        // profile's own rate). "apl0": the vendor Apple's decoders expect.
        ("prores_ks", _) => {
            let mut o = vec![
                ("profile", if s.alpha { "4444" } else { "hq" }.to_string()),
                ("vendor", "apl0".into()),
            ];
            if let Some(q) = s.quality {
                o.push(("qscale", q.clamp(1, 32).to_string()));
            }
            o
        }
        (_, "nvenc") => vec![
            ("preset", pick("p2", "p4", "p6")),
            ("rc", "vbr".into()),
            ("cq", q),
            ("b", "0".into()),
        ],
        (_, "qsv") => vec![
            ("preset", pick("veryfast", "medium", "veryslow")),
            ("global_quality", q),
        ],
        (_, "amf") => vec![
            ("quality", pick("speed", "balanced", "quality")),
            ("rc", "cqp".into()),
            ("qp_i", q.clone()),
            ("qp_p", q.clone()),
            ("qp_b", q),
        ],
        (_, "vaapi") => vec![("rc_mode", "CQP".into()), ("qp", q)],
        (_, "videotoolbox") => vec![("q", q)],
        _ => vec![],
    }
}

/// The picture format `name` is fed: 4:2:0 as drawn, ProRes's 10-bit 4:2:2 or 4:4:4, and the
/// alpha-carrying formats for `--transparent`.
fn pixel_format(name: &str, alpha: bool) -> Result<format::Pixel, String> {
    Ok(match (name, alpha) {
        ("prores_ks", true) => format::Pixel::YUVA444P10LE,
        ("prores_ks", false) => format::Pixel::YUV422P10LE,
        ("libvpx-vp9", true) => format::Pixel::YUVA420P,
        (_, false) => format::Pixel::YUV420P,
        (other, true) => return Err(format!("{other} cannot encode alpha")),
    })
}

/// An opened video encoder with what the muxer needs to know about it.
pub struct VideoEncoder {
    pub name: String,
    pub encoder: ffmpeg::encoder::Video,
    pub time_base: Rational,
    width: u32,
    height: u32,
    /// What the encoder is fed (`pixel_format`).
    format: format::Pixel,
    /// For `*_vaapi` encoders: the device surfaces frames are uploaded into.
    vaapi: Option<super::vaapi::VaapiFrames>,
}

/// Opens `name` for `width`×`height` at `fps`.
pub fn open(
    name: &str,
    s: &VideoSettings,
    width: u32,
    height: u32,
    fps: Fps,
    global_header: bool,
) -> Result<VideoEncoder, String> {
    crate::media::init();
    let codec = ffmpeg::encoder::find_by_name(name)
        .ok_or_else(|| "not compiled into this FFmpeg".to_string())?;
    let mut enc = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(|e| e.to_string())?;
    let time_base = Rational(fps.den as i32, fps.num as i32);
    let vaapi = if name.ends_with("_vaapi") {
        Some(super::vaapi::VaapiFrames::new(width, height)?)
    } else {
        None
    };
    enc.set_width(width);
    enc.set_height(height);
    let pixels = pixel_format(name, s.alpha)?;
    enc.set_format(pixels);
    if let Some(v) = &vaapi {
        // SAFETY: the context is valid and not yet opened.
        unsafe { v.attach(enc.as_mut_ptr()) };
    }
    enc.set_time_base(time_base);
    enc.set_frame_rate(Some(Rational(fps.num as i32, fps.den as i32)));
    enc.set_gop((s.keyframe_interval * fps.as_f64()).round().max(1.0) as u32);
    enc.set_colorspace(ffmpeg::color::Space::BT709);
    enc.set_color_range(ffmpeg::color::Range::MPEG);
    enc.set_color_primaries(ffmpeg::color::Primaries::BT709);
    enc.set_color_transfer_characteristic(ffmpeg::color::TransferCharacteristic::BT709);
    // Closed GOPs: a keyframe is where a player may start decoding. (libx264 through FFmpeg
    // otherwise writes open GOPs, whose leading B-frames refer back across the keyframe; FFmpeg
    // conceals that after a seek, Chromium refuses to play on.)
    let mut flags = codec::Flags::CLOSED_GOP;
    if global_header {
        flags |= codec::Flags::GLOBAL_HEADER;
    }
    enc.set_flags(flags);
    if s.in_order {
        enc.set_max_b_frames(0);
    }
    let mut opts = Dictionary::new();
    for (k, v) in options_for(name, s) {
        opts.set(k, &v);
    }
    opts.set("threads", &s.threads.to_string());
    let encoder = enc.open_as_with(codec, opts).map_err(|e| e.to_string())?;
    Ok(VideoEncoder {
        name: name.to_string(),
        encoder,
        time_base,
        width,
        height,
        format: pixels,
        vaapi,
    })
}

/// Opens `name` and encodes one grey frame with it: the only real proof that it works here.
pub fn try_encoder(
    name: &str,
    s: &VideoSettings,
    width: u32,
    height: u32,
    fps: Fps,
) -> Result<(), String> {
    let mut enc = open(name, s, width, height, fps, true)?;
    let grey = Yuv420 {
        width,
        height,
        data: vec![128; Yuv420::byte_len(width, height)],
    };
    let mut f = if s.alpha {
        enc.frame_rgba(&image::RgbaImage::new(width, height))
    } else {
        enc.frame(&grey)
    }
    .map_err(|e| format!("{e:#}"))?;
    f.set_pts(Some(0));
    let e = |e: ffmpeg::Error| format!("opened, but encoding failed: {e}");
    enc.encoder.send_frame(&f).map_err(e)?;
    enc.encoder.send_eof().map_err(e)?;
    let mut p = Packet::empty();
    let mut got = false;
    loop {
        match enc.encoder.receive_packet(&mut p) {
            Ok(()) => got = true,
            Err(ffmpeg::Error::Eof) => break,
            Err(err) => return Err(e(err)),
        }
    }
    if got {
        Ok(())
    } else {
        Err("opened, but produced no packet".into())
    }
}

/// No encoder asked for (or none of the candidates) works here; each refusal with its reason.
#[derive(Debug)]
pub struct NoEncoder(pub Vec<String>);

impl std::fmt::Display for NoEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no usable video encoder:\n  {}", self.0.join("\n  "))
    }
}

impl std::error::Error for NoEncoder {}

/// Opens the first candidate that really encodes. Returns it and what each refusal said.
pub fn choose(
    s: &VideoSettings,
    width: u32,
    height: u32,
    fps: Fps,
    global_header: bool,
) -> anyhow::Result<VideoEncoder> {
    let names: Vec<&str> = match &s.encoder {
        Some(n) => vec![n.as_str()],
        None => candidates(s.codec).to_vec(),
    };
    let mut refusals = Vec::new();
    for name in names {
        // Software encoders need no device: opening them is proof enough.
        let software = name.starts_with("lib") || name == "prores_ks";
        let tried = if software {
            Ok(())
        } else {
            try_encoder(name, s, width, height, fps)
        }
        .and_then(|_| open(name, s, width, height, fps, global_header));
        match tried {
            Ok(enc) => {
                log::info!("video encoder: {name}");
                return Ok(enc);
            }
            Err(e) => {
                log::info!("encoder {name} is not usable: {e}");
                refusals.push(format!("{name}: {e}"));
            }
        }
    }
    Err(NoEncoder(refusals).into())
}

impl VideoEncoder {
    /// Copies a rendered frame into a new FFmpeg frame (or a VAAPI surface), once per distinct
    /// frame; repeats send the same frame again.
    pub fn frame(&self, yuv: &Yuv420) -> anyhow::Result<frame::Video> {
        anyhow::ensure!(
            (yuv.width, yuv.height) == (self.width, self.height),
            "frame is {}x{}, the encoder {}x{}",
            yuv.width,
            yuv.height,
            self.width,
            self.height
        );
        let mut f = match &self.vaapi {
            Some(v) => v.upload(yuv).map_err(anyhow::Error::msg)?,
            None if self.format == format::Pixel::YUV422P10LE => {
                // ProRes 422: each chroma row serves two rows, every sample two more bits.
                let mut f = frame::Video::new(self.format, self.width, self.height);
                let (y, u, v) = yuv.planes();
                let (w, h) = (self.width as usize, self.height as usize);
                for (i, (src, pw)) in [(y, w), (u, w / 2), (v, w / 2)].into_iter().enumerate() {
                    let stride = f.stride(i);
                    let dst = f.data_mut(i);
                    for row in 0..h {
                        let from = if i == 0 { row } else { row / 2 };
                        for (x, &val) in src[from * pw..][..pw].iter().enumerate() {
                            let at = row * stride + 2 * x;
                            dst[at..at + 2].copy_from_slice(&((val as u16) << 2).to_le_bytes());
                        }
                    }
                }
                f
            }
            None => {
                let mut f = frame::Video::new(format::Pixel::YUV420P, self.width, self.height);
                let (y, u, v) = yuv.planes();
                let w = self.width as usize;
                for (i, (src, pw)) in [(y, w), (u, w / 2), (v, w / 2)].into_iter().enumerate() {
                    let stride = f.stride(i);
                    let dst = f.data_mut(i);
                    for (row, chunk) in src.chunks_exact(pw).enumerate() {
                        dst[row * stride..row * stride + pw].copy_from_slice(chunk);
                    }
                }
                f
            }
        };
        tag_bt709(&mut f);
        Ok(f)
    }

    /// A frame with straight alpha (`--transparent`) in the encoder's alpha format.
    pub fn frame_rgba(&self, img: &image::RgbaImage) -> anyhow::Result<frame::Video> {
        let (w, h) = (self.width as usize, self.height as usize);
        anyhow::ensure!(
            img.dimensions() == (self.width, self.height),
            "frame is {}x{}, the encoder {w}x{h}",
            img.width(),
            img.height()
        );
        let mut f = frame::Video::new(self.format, self.width, self.height);
        match self.format {
            format::Pixel::YUVA420P => {
                let planes = crate::frame::color::rgba_to_yuva420(img.as_raw(), w, h);
                for (i, plane) in planes.iter().enumerate() {
                    let pw = if i == 1 || i == 2 { w / 2 } else { w };
                    let stride = f.stride(i);
                    let dst = f.data_mut(i);
                    for (row, chunk) in plane.chunks_exact(pw).enumerate() {
                        dst[row * stride..row * stride + pw].copy_from_slice(chunk);
                    }
                }
            }
            format::Pixel::YUVA444P10LE => {
                let planes = crate::frame::color::rgba_to_yuva444p10(img.as_raw());
                for (i, plane) in planes.iter().enumerate() {
                    let stride = f.stride(i);
                    let dst = f.data_mut(i);
                    for (row, chunk) in plane.chunks_exact(w).enumerate() {
                        for (x, v) in chunk.iter().enumerate() {
                            let at = row * stride + 2 * x;
                            dst[at..at + 2].copy_from_slice(&v.to_le_bytes());
                        }
                    }
                }
            }
            other => anyhow::bail!("{} takes no alpha ({other:?})", self.name),
        }
        tag_bt709(&mut f);
        Ok(f)
    }
}

fn tag_bt709(f: &mut frame::Video) {
    f.set_color_space(ffmpeg::color::Space::BT709);
    f.set_color_range(ffmpeg::color::Range::MPEG);
    f.set_color_primaries(ffmpeg::color::Primaries::BT709);
    f.set_color_transfer_characteristic(ffmpeg::color::TransferCharacteristic::BT709);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt<'a>(o: &'a [(&str, String)], k: &str) -> Option<&'a str> {
        o.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn speed_and_quality_map_per_encoder() {
        let mut s = VideoSettings::default();
        let x = options_for("libx264", &s);
        assert_eq!(opt(&x, "preset"), Some("veryfast"));
        // Distinct frames only: the CRF that means x264's 23 on every frame.
        assert_eq!(opt(&x, "crf"), Some("25.30"));
        assert_eq!(
            opt(&x, "x264-params"),
            Some("bframes=0:ref=1:weightp=0:trellis=1")
        );
        s.stills = 1.6;
        assert_eq!(opt(&options_for("libx264", &s), "crf"), Some("29.94"));
        s.stills = 4.9;
        assert_eq!(opt(&options_for("libx264", &s), "crf"), Some("31.00"));
        s.quality = Some(0);
        assert_eq!(opt(&options_for("libx264", &s), "crf"), Some("0.00"));
        s.quality = Some(50);
        assert_eq!(opt(&options_for("libx264", &s), "crf"), Some("51.00"));
        s.quality = None;
        s.repeats = Repeats::Encode;
        assert_eq!(opt(&options_for("libx264", &s), "crf"), Some("23"));
        s.repeats = Repeats::default();
        s.speed = Speed::Quality;
        s.quality = Some(19);
        let n = options_for("h264_nvenc", &s);
        assert_eq!(opt(&n, "preset"), Some("p6"));
        assert_eq!(opt(&n, "cq"), Some("19"));
        assert_eq!(opt(&n, "rc"), Some("vbr"));
        let q = options_for("h264_qsv", &s);
        assert_eq!(opt(&q, "global_quality"), Some("19"));
        assert_eq!(opt(&q, "preset"), Some("veryslow"));
        let a = options_for("h264_amf", &s);
        assert_eq!(opt(&a, "quality"), Some("quality"));
        assert_eq!(opt(&a, "qp_p"), Some("19"));
        let v = options_for("h264_vaapi", &s);
        assert_eq!(opt(&v, "qp"), Some("19"));
        s.preset = Some("ultrafast".into());
        assert_eq!(
            opt(&options_for("libx264", &s), "preset"),
            Some("ultrafast")
        );
        s.codec = Codec::Av1;
        s.quality = None;
        s.preset = None;
        s.speed = Speed::Balanced;
        let sv = options_for("libsvtav1", &s);
        assert_eq!(opt(&sv, "preset"), Some("8"));
        assert_eq!(opt(&sv, "crf"), Some("35"));
    }

    #[test]
    fn hardware_first_software_last() {
        for c in [Codec::H264, Codec::Hevc, Codec::Av1] {
            let list = candidates(c);
            assert!(list[0].ends_with("_nvenc"));
            assert!(list.last().unwrap().starts_with("lib"));
        }
    }

    #[test]
    fn fallback_skips_encoders_that_cannot_open() {
        // No NVENC device exists on test machines (and if one does, it must really encode).
        let s = VideoSettings::default();
        let fps = Fps { num: 30, den: 1 };
        let enc = choose(&s, 128, 72, fps, true).expect("libx264 at least works");
        let list = candidates(Codec::H264);
        let pos = list.iter().position(|n| *n == enc.name).unwrap();
        for earlier in &list[..pos] {
            assert!(
                try_encoder(earlier, &s, 128, 72, fps).is_err(),
                "{earlier} works but was skipped"
            );
        }
        let forced = VideoSettings {
            encoder: Some("no_such_encoder".into()),
            ..VideoSettings::default()
        };
        let err = choose(&forced, 128, 72, fps, true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("no_such_encoder: not compiled"), "{err}");
    }
}
