//! The narration (and any audio file) as FFmpeg reads it: measured once at load time, then
//! decoded and resampled as the encoder asks.
//!
//! Any format FFmpeg reads is accepted. The length used everywhere is the decoded sample count,
//! not the container's claim, so the video lasts exactly as long as the audio really does. A
//! damaged or truncated file is noticed here and described; whether it may be rendered (with
//! silence where audio was lost) is the caller's decision (`--allow-partial-audio`).

use std::path::Path;

use anyhow::Context as _;

use ffmpeg::{codec, format, frame, media, software, ChannelLayout, Packet};
use ffmpeg_next as ffmpeg;

/// What the audio file holds, measured by decoding it.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    pub duration: f64,
    pub sample_rate: u32,
    pub channels: u16,
    /// What was damaged or missing, when the file did not decode whole. `duration` then
    /// includes the silence that stands in for the lost audio.
    pub damage: Option<String>,
}

/// How far short of its declared length a file may decode before it counts as cut short:
/// containers round, and encoders pad or trim a frame at either end.
const SHORTFALL_SECONDS: f64 = 0.25;
const SHORTFALL_SHARE: f64 = 0.01;
/// A hole in the timestamps longer than this is lost audio, not rounding.
const GAP_SECONDS: f64 = 0.1;

/// What went wrong while decoding a file that still gave some audio.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Damage {
    /// Packets the demuxer or the decoder rejected.
    bad_packets: u64,
    /// Where, in seconds of output, the first bad packet fell.
    first_bad: Option<f64>,
    /// A read error that ended the file early.
    read_error: Option<String>,
    /// Holes in the timestamps (where the demuxer skipped damaged data): where, and how long.
    gaps: Vec<(f64, f64)>,
    /// The decoded length and the length the file declares, when it falls short.
    short: Option<(f64, f64)>,
}

impl Damage {
    fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.bad_packets > 0 {
            parts.push(format!(
                "{} damaged packet{} (the first at {:.2} s)",
                self.bad_packets,
                if self.bad_packets == 1 { "" } else { "s" },
                self.first_bad.unwrap_or(0.0)
            ));
        }
        if let Some((at, len)) = self.gaps.first() {
            let more = match self.gaps.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            parts.push(format!("{len:.2} s missing at {at:.2} s{more}"));
        }
        if let Some(e) = &self.read_error {
            parts.push(format!("reading stopped with an error: {e}"));
        }
        if let Some((decoded, declared)) = self.short {
            parts.push(format!(
                "it decodes to {decoded:.2} s of the {declared:.2} s it declares (cut short?)"
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Decodes every packet of the file's best audio stream, handing each frame over, and says
/// what was damaged. Audio lost to damage is handed over as silence of the same length (a bad
/// packet's duration, and the shortfall from the declared length at the end), so that
/// whatever decodes after a gap stays in sync with the word timings.
pub(crate) fn decode(
    path: &Path,
    mut on_frame: impl FnMut(&mut frame::Audio) -> anyhow::Result<()>,
) -> anyhow::Result<Damage> {
    let declared_wav = wav_declared_duration(path);
    let mut input = super::open_input(path)?;
    let stream = input
        .streams()
        .best(media::Type::Audio)
        .ok_or_else(|| anyhow::anyhow!("it holds no audio stream"))?;
    let index = stream.index();
    let stream_tb = stream.time_base();
    let ctx = codec::context::Context::from_parameters(stream.parameters())?;
    let mut decoder = ctx
        .decoder()
        .audio()
        .context("no decoder for its audio codec")?;
    let declared = declared_wav.or_else(|| container_duration(&input));

    let mut damage = Damage::default();
    let mut out = Output {
        on_frame: &mut on_frame,
        written: 0,
        owed: 0.0,
        last: None,
        time_base: f64::from(stream_tb),
        first_pts: None,
        gaps: Vec::new(),
    };
    let mut frame = frame::Audio::empty();
    let mut drain = |decoder: &mut ffmpeg::decoder::Audio,
                     out: &mut Output<'_>,
                     damage: &mut Damage|
     -> anyhow::Result<()> {
        loop {
            match decoder.receive_frame(&mut frame) {
                Ok(()) => {
                    if frame.channel_layout().is_empty() {
                        frame.set_channel_layout(ChannelLayout::default(frame.channels() as i32));
                    }
                    out.real(&mut frame)?;
                }
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other {
                    errno: ffmpeg::error::EAGAIN,
                }) => return Ok(()),
                Err(_) => {
                    // The decoder dropped a frame it could not make sense of.
                    damage.bad_packets += 1;
                    damage.first_bad.get_or_insert(out.seconds());
                }
            }
        }
    };
    loop {
        // A new packet each time: `av_read_frame` does not release the packet it is given, so
        // one packet read into again and again keeps every buffer it ever held (the whole file).
        let mut packet = Packet::empty();
        match packet.read(&mut input) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(ffmpeg::Error::InvalidData) => {
                // The demuxer skips to its next sync point; the lost length is not known.
                damage.bad_packets += 1;
                damage.first_bad.get_or_insert(out.seconds());
                continue;
            }
            Err(e) => {
                damage.read_error = Some(e.to_string());
                break;
            }
        }
        if packet.stream() != index {
            continue;
        }
        match decoder.send_packet(&packet) {
            Ok(()) => drain(&mut decoder, &mut out, &mut damage)?,
            Err(_) => {
                damage.bad_packets += 1;
                damage.first_bad.get_or_insert(out.seconds());
                // Silence in its place, as long as the packet says it lasts.
                if packet.duration() > 0 {
                    out.owed += packet.duration() as f64 * f64::from(stream_tb);
                }
            }
        }
    }
    decoder.send_eof()?;
    drain(&mut decoder, &mut out, &mut damage)?;
    damage.gaps = std::mem::take(&mut out.gaps);

    if let Some(declared) = declared {
        let decoded = out.seconds() + out.owed;
        if declared - decoded > SHORTFALL_SECONDS.max(declared * SHORTFALL_SHARE) {
            damage.short = Some((decoded, declared));
            out.owed = declared - out.seconds();
        }
    }
    out.pay_silence()?;
    Ok(damage)
}

/// The decoder's output as it goes to the caller, with silence owed for audio lost to damage.
struct Output<'a> {
    on_frame: &'a mut dyn FnMut(&mut frame::Audio) -> anyhow::Result<()>,
    /// Samples handed over, at the stream's rate.
    written: u64,
    /// Seconds of silence still to hand over.
    owed: f64,
    /// The format of the last real frame: silence is made in it.
    last: Option<(format::Sample, ChannelLayout, u32)>,
    /// The stream's time base in seconds, and its first frame's timestamp.
    time_base: f64,
    first_pts: Option<i64>,
    /// Holes in the timestamps that silence filled: where, and how long.
    gaps: Vec<(f64, f64)>,
}

impl Output<'_> {
    fn seconds(&self) -> f64 {
        match self.last {
            Some((_, _, rate)) => self.written as f64 / rate as f64,
            None => 0.0,
        }
    }

    fn real(&mut self, f: &mut frame::Audio) -> anyhow::Result<()> {
        self.last = Some((f.format(), f.channel_layout(), f.rate()));
        if let Some(pts) = f.timestamp().or(f.pts()) {
            // A frame that starts well after the audio so far ends follows skipped data:
            // silence takes the missing time, so later words stay in sync.
            let first = *self.first_pts.get_or_insert(pts);
            let due = (pts - first) as f64 * self.time_base;
            let at = self.seconds() + self.owed;
            if due - at > GAP_SECONDS {
                self.gaps.push((at, due - at));
                self.owed += due - at;
            }
        }
        self.pay_silence()?;
        self.written += f.samples() as u64;
        (self.on_frame)(f)
    }

    fn pay_silence(&mut self) -> anyhow::Result<()> {
        let Some((fmt, layout, rate)) = self.last else {
            return Ok(());
        };
        let mut samples = (self.owed * rate as f64).round().max(0.0) as u64;
        self.owed = 0.0;
        while samples > 0 {
            let n = samples.min(4096) as usize;
            let mut f = frame::Audio::new(fmt, n, layout);
            f.set_rate(rate);
            // Unsigned 8-bit PCM is centred on 128; every other format on zero.
            let fill = if matches!(fmt, format::Sample::U8(_)) {
                0x80
            } else {
                0
            };
            for plane in 0..f.planes() {
                f.data_mut(plane).fill(fill);
            }
            self.written += n as u64;
            (self.on_frame)(&mut f)?;
            samples -= n as u64;
        }
        Ok(())
    }
}

/// The length a container states for itself, where that is a measurement rather than a guess
/// from the bitrate (which a truncated file would shrink along with it).
fn container_duration(input: &format::context::Input) -> Option<f64> {
    let method = unsafe { (*input.as_ptr()).duration_estimation_method };
    if method == ffmpeg::ffi::AVDurationEstimationMethod::AVFMT_DURATION_FROM_BITRATE {
        return None;
    }
    let d = input.duration();
    (d > 0).then(|| d as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE))
}

/// A WAV file's length as its header states it. FFmpeg trusts the file size over a `data`
/// chunk that runs past the end, so a WAV cut short reads as complete unless this is asked.
fn wav_declared_duration(path: &Path) -> Option<f64> {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return None;
    }
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(head.get(at..at + 4)?.try_into().ok()?))
    };
    let mut at = 12;
    let mut bytes_per_second = None;
    while at + 8 <= head.len() {
        let id = &head[at..at + 4];
        let size = u32_at(at + 4)?;
        if id == b"fmt " {
            bytes_per_second = u32_at(at + 16);
        } else if id == b"data" {
            // 0 and 0xFFFFFFFF mean "unknown" (a file written as a stream).
            if size == 0 || size == u32::MAX {
                return None;
            }
            let rate = bytes_per_second.filter(|&b| b > 0)?;
            return Some(size as f64 / rate as f64);
        }
        at += 8 + size as usize + (size as usize & 1);
    }
    None
}

/// Decodes the whole file once to learn its exact length and format, and whether any of it
/// is damaged (the length then counts the silence that stands in for what is lost).
pub fn probe(path: &Path) -> anyhow::Result<AudioInfo> {
    let mut samples = 0u64;
    let mut rate = 0u32;
    let mut channels = 0u16;
    let damage = decode(path, |f| {
        samples += f.samples() as u64;
        rate = f.rate();
        channels = f.channels();
        Ok(())
    })?;
    anyhow::ensure!(rate > 0, "no audio could be decoded");
    Ok(AudioInfo {
        duration: samples as f64 / rate as f64,
        sample_rate: rate,
        channels,
        damage: damage.describe(),
    })
}

/// Decodes `path` and resamples it to `rate`, handing over planar float samples, one vector per
/// channel. `layout`: the channels wanted, mixed by the resampler; `None` keeps the file's own
/// (mono or stereo; more are folded to stereo) for the caller to map.
pub(crate) fn decode_resampled(
    path: &Path,
    rate: u32,
    layout: Option<ChannelLayout>,
    on_samples: &mut dyn FnMut(Vec<Vec<f32>>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let fmt = format::Sample::F32(format::sample::Type::Planar);
    let mut resampler: Option<(software::resampling::Context, ChannelLayout)> = None;
    let planes = |out: &frame::Audio, layout: ChannelLayout| -> Vec<Vec<f32>> {
        (0..layout.channels() as usize)
            .map(|c| out.plane::<f32>(c)[..out.samples()].to_vec())
            .collect()
    };
    decode(path, |f| {
        let (r, to) = match &mut resampler {
            Some(r) => r,
            None => {
                let to = layout.unwrap_or(if f.channels() == 1 {
                    ChannelLayout::MONO
                } else {
                    ChannelLayout::STEREO
                });
                let ctx = software::resampling::Context::get(
                    f.format(),
                    f.channel_layout(),
                    f.rate(),
                    fmt,
                    to,
                    rate,
                )?;
                resampler.insert((ctx, to))
            }
        };
        let capacity = f.samples() * rate as usize / f.rate().max(1) as usize + 256;
        let mut out = frame::Audio::new(fmt, capacity, *to);
        r.run(f, &mut out)?;
        if out.samples() > 0 {
            on_samples(planes(&out, *to))?;
        }
        Ok(())
    })?;
    if let Some((r, to)) = &mut resampler {
        loop {
            let mut out = frame::Audio::new(fmt, 4096, *to);
            r.flush(&mut out)?;
            if out.samples() == 0 {
                break;
            }
            on_samples(planes(&out, *to))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod gap_tests {
    use super::*;

    fn frame(pts: i64, n: usize) -> frame::Audio {
        let mut f = frame::Audio::new(
            format::Sample::I16(format::sample::Type::Packed),
            n,
            ChannelLayout::MONO,
        );
        f.set_rate(1000);
        f.set_pts(Some(pts));
        f.data_mut(0).fill(1);
        f
    }

    /// Holes in the timestamps become silence of their length; small jitter does not.
    #[test]
    fn timestamp_holes_are_filled_with_silence() {
        let mut got: Vec<(usize, bool)> = Vec::new();
        let mut on_frame = |f: &mut frame::Audio| {
            got.push((f.samples(), f.data(0)[0] == 0));
            Ok(())
        };
        let mut out = Output {
            on_frame: &mut on_frame,
            written: 0,
            owed: 0.0,
            last: None,
            time_base: 1.0 / 1000.0,
            first_pts: None,
            gaps: Vec::new(),
        };
        out.real(&mut frame(500, 100)).unwrap();
        out.real(&mut frame(620, 100)).unwrap(); // 20 ms late: jitter
        out.real(&mut frame(1000, 100)).unwrap(); // 200 ms after the last ended
        out.owed = 0.05;
        out.pay_silence().unwrap();
        assert_eq!(out.written, 650);
        assert_eq!(out.gaps.len(), 1);
        let (at, len) = out.gaps[0];
        assert!(
            (at - 0.2).abs() < 1e-9 && (len - 0.3).abs() < 1e-9,
            "{at} {len}"
        );
        let silence: usize = got.iter().filter(|g| g.1).map(|g| g.0).sum();
        assert_eq!(silence, 300 + 50);
    }
}
