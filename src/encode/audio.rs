//! Narration audio: measured at load time, then decoded, resampled and encoded to AAC.
//!
//! Any format FFmpeg reads is accepted. The length used everywhere is the decoded sample count,
//! not the container's claim, so the video lasts exactly as long as the audio really does.

use std::path::Path;
use std::sync::mpsc::SyncSender;

use anyhow::Context as _;
use ffmpeg::{codec, format, frame, media, software, ChannelLayout, Packet};
use ffmpeg_next as ffmpeg;

use crate::project::AudioInfo;

/// Sample rates the AAC encoder takes; others are resampled to 48 kHz.
const AAC_RATES: [u32; 12] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
];

/// Decodes every packet of the file's best audio stream, handing each frame over.
fn decode(
    path: &Path,
    mut on_frame: impl FnMut(&mut frame::Audio) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    super::init();
    let mut input = format::input(path).context("FFmpeg cannot open it")?;
    let stream = input
        .streams()
        .best(media::Type::Audio)
        .ok_or_else(|| anyhow::anyhow!("it holds no audio stream"))?;
    let index = stream.index();
    let ctx = codec::context::Context::from_parameters(stream.parameters())?;
    let mut decoder = ctx
        .decoder()
        .audio()
        .context("no decoder for its audio codec")?;
    let mut frame = frame::Audio::empty();
    let mut drain = |decoder: &mut ffmpeg::decoder::Audio| -> anyhow::Result<()> {
        while decoder.receive_frame(&mut frame).is_ok() {
            if frame.channel_layout().is_empty() {
                frame.set_channel_layout(ChannelLayout::default(frame.channels() as i32));
            }
            on_frame(&mut frame)?;
        }
        Ok(())
    };
    for (s, packet) in input.packets() {
        if s.index() != index {
            continue;
        }
        // A damaged packet is skipped, as players do; a file with no decodable audio still fails.
        if decoder.send_packet(&packet).is_ok() {
            drain(&mut decoder)?;
        }
    }
    decoder.send_eof()?;
    drain(&mut decoder)?;
    Ok(())
}

/// Decodes the whole file once to learn its exact length and format.
pub fn probe(path: &Path) -> anyhow::Result<AudioInfo> {
    let mut samples = 0u64;
    let mut rate = 0u32;
    let mut channels = 0u16;
    decode(path, |f| {
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
    })
}

/// The AAC stream's format, chosen from the source's.
pub fn aac_format(info: &AudioInfo) -> (u32, ChannelLayout) {
    let rate = if AAC_RATES.contains(&info.sample_rate) {
        info.sample_rate
    } else {
        48000
    };
    let layout = if info.channels == 1 {
        ChannelLayout::MONO
    } else {
        ChannelLayout::STEREO
    };
    (rate, layout)
}

/// How hard the AAC encoder works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AudioQuality {
    /// FFmpeg's `fast` AAC coder: about 2.5× less CPU than `high`, ample for speech.
    #[default]
    Standard,
    /// FFmpeg's default `twoloop` coder: spends the whole bitrate, for music.
    High,
}

/// Opens the AAC encoder for `info`; `global_header` as the container asks.
pub fn open_encoder(
    info: &AudioInfo,
    quality: AudioQuality,
    global_header: bool,
) -> anyhow::Result<ffmpeg::encoder::Audio> {
    let codec = ffmpeg::encoder::find(codec::Id::AAC).context("FFmpeg has no AAC encoder")?;
    let (rate, layout) = aac_format(info);
    let mut enc = codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()?;
    enc.set_rate(rate as i32);
    enc.set_channel_layout(layout);
    enc.set_channels(layout.channels());
    enc.set_format(format::Sample::F32(format::sample::Type::Planar));
    enc.set_bit_rate(if layout.channels() == 1 {
        96_000
    } else {
        160_000
    });
    enc.set_time_base((1, rate as i32));
    if global_header {
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let mut opts = ffmpeg::Dictionary::new();
    opts.set(
        "aac_coder",
        match quality {
            AudioQuality::Standard => "fast",
            AudioQuality::High => "twoloop",
        },
    );
    enc.open_as_with(codec, opts)
        .context("cannot open the AAC encoder")
}

/// Decodes `path`, resamples to the encoder's format and encodes it all, sending packets (in
/// the encoder's time base, 1/rate) as they come. Runs on its own thread beside the video.
pub fn encode(
    path: &Path,
    mut encoder: ffmpeg::encoder::Audio,
    packets: SyncSender<Packet>,
) -> anyhow::Result<()> {
    let rate = encoder.rate();
    let layout = encoder.channel_layout();
    let out_fmt = format::Sample::F32(format::sample::Type::Planar);
    let channels = layout.channels() as usize;
    let frame_size = match encoder.frame_size() {
        0 => 1024,
        n => n as usize,
    };
    let mut fifo: Vec<Vec<f32>> = vec![Vec::new(); channels];
    let mut pts: i64 = 0;
    let mut resampler: Option<software::resampling::Context> = None;

    let send =
        |encoder: &mut ffmpeg::encoder::Audio, f: Option<&frame::Audio>| -> anyhow::Result<()> {
            match f {
                Some(f) => encoder.send_frame(f)?,
                None => encoder.send_eof()?,
            }
            let mut packet = Packet::empty();
            while encoder.receive_packet(&mut packet).is_ok() {
                // The receiver gone means the video side failed; it reports why.
                if packets
                    .send(std::mem::replace(&mut packet, Packet::empty()))
                    .is_err()
                {
                    anyhow::bail!("audio receiver closed");
                }
            }
            Ok(())
        };
    let mut emit = |encoder: &mut ffmpeg::encoder::Audio,
                    fifo: &mut Vec<Vec<f32>>,
                    all: bool|
     -> anyhow::Result<()> {
        while fifo[0].len() >= frame_size || (all && !fifo[0].is_empty()) {
            let n = fifo[0].len().min(frame_size);
            let mut f = frame::Audio::new(out_fmt, n, layout);
            f.set_rate(rate);
            for (c, samples) in fifo.iter_mut().enumerate() {
                f.plane_mut::<f32>(c)[..n].copy_from_slice(&samples[..n]);
                samples.drain(..n);
            }
            f.set_pts(Some(pts));
            pts += n as i64;
            send(encoder, Some(&f))?;
        }
        Ok(())
    };
    let push = |fifo: &mut Vec<Vec<f32>>, out: &frame::Audio| {
        let n = out.samples();
        for (c, samples) in fifo.iter_mut().enumerate() {
            samples.extend_from_slice(&out.plane::<f32>(c)[..n]);
        }
    };

    decode(path, |f| {
        let r = match &mut resampler {
            Some(r) => r,
            None => resampler.insert(software::resampling::Context::get(
                f.format(),
                f.channel_layout(),
                f.rate(),
                out_fmt,
                layout,
                rate,
            )?),
        };
        let capacity = f.samples() * rate as usize / f.rate().max(1) as usize + 256;
        let mut out = frame::Audio::new(out_fmt, capacity, layout);
        r.run(f, &mut out)?;
        push(&mut fifo, &out);
        emit(&mut encoder, &mut fifo, false)
    })?;
    if let Some(r) = &mut resampler {
        loop {
            let mut out = frame::Audio::new(out_fmt, 4096, layout);
            r.flush(&mut out)?;
            if out.samples() == 0 {
                break;
            }
            push(&mut fifo, &out);
        }
    }
    emit(&mut encoder, &mut fifo, true)?;
    send(&mut encoder, None)
}
