//! The narration encoded: AAC (or Opus for WebM) on its own thread, with the music bed mixed
//! under it, from the samples `media::audio` decodes.

use std::path::Path;
use std::sync::mpsc::SyncSender;

use anyhow::Context as _;
use ffmpeg::{codec, format, frame, ChannelLayout, Packet};
use ffmpeg_next as ffmpeg;

use crate::media::audio::{decode_resampled, AudioInfo};

/// Sample rates the AAC encoder takes; others are resampled to 48 kHz.
const AAC_RATES: [u32; 12] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
];
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

/// Opens the audio encoder for `info`: AAC, or Opus for WebM; `global_header` as the container
/// asks.
pub fn open_encoder(
    info: &AudioInfo,
    quality: AudioQuality,
    global_header: bool,
    kind: super::container::AudioCodec,
) -> anyhow::Result<ffmpeg::encoder::Audio> {
    use super::container::AudioCodec;
    let (codec, name) = match kind {
        AudioCodec::Aac => (ffmpeg::encoder::find(codec::Id::AAC), "AAC"),
        AudioCodec::Opus => (ffmpeg::encoder::find_by_name("libopus"), "Opus (libopus)"),
    };
    let codec = codec.with_context(|| format!("this FFmpeg has no {name} encoder"))?;
    let (rate, layout) = match kind {
        AudioCodec::Aac => aac_format(info),
        // Opus runs at 48 kHz whatever the source.
        AudioCodec::Opus => (48000, aac_format(info).1),
    };
    let mut enc = codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()?;
    enc.set_rate(rate as i32);
    enc.set_channel_layout(layout);
    enc.set_channels(layout.channels());
    // libopus takes interleaved samples; FFmpeg's AAC encoder planar ones.
    enc.set_format(match kind {
        AudioCodec::Aac => format::Sample::F32(format::sample::Type::Planar),
        AudioCodec::Opus => format::Sample::F32(format::sample::Type::Packed),
    });
    let mono = layout.channels() == 1;
    enc.set_bit_rate(match (kind, mono) {
        (AudioCodec::Aac, true) => 96_000,
        (AudioCodec::Aac, false) => 160_000,
        (AudioCodec::Opus, true) => 64_000,
        (AudioCodec::Opus, false) => 96_000,
    });
    enc.set_time_base((1, rate as i32));
    if global_header {
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let mut opts = ffmpeg::Dictionary::new();
    if kind == AudioCodec::Aac {
        opts.set(
            "aac_coder",
            match quality {
                AudioQuality::Standard => "fast",
                AudioQuality::High => "twoloop",
            },
        );
    }
    enc.open_as_with(codec, opts)
        .with_context(|| format!("cannot open the {name} encoder"))
}

/// With `bed`, the music is added under the narration frame by frame.
pub fn encode(
    path: &Path,
    mut bed: Option<super::music::Bed>,
    mut encoder: ffmpeg::encoder::Audio,
    packets: SyncSender<Packet>,
) -> anyhow::Result<()> {
    let rate = encoder.rate();
    let layout = encoder.channel_layout();
    let enc_fmt = encoder.format();
    let channels = layout.channels() as usize;
    let frame_size = match encoder.frame_size() {
        0 => 1024,
        n => n as usize,
    };
    let mut fifo: Vec<Vec<f32>> = vec![Vec::new(); channels];
    let mut pts: i64 = 0;

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
            let mut planes: Vec<Vec<f32>> =
                fifo.iter_mut().map(|s| s.drain(..n).collect()).collect();
            if let Some(bed) = &mut bed {
                let mut views: Vec<&mut [f32]> =
                    planes.iter_mut().map(|p| p.as_mut_slice()).collect();
                bed.mix(&mut views, pts);
            }
            let mut f = frame::Audio::new(enc_fmt, n, layout);
            f.set_rate(rate);
            if enc_fmt.is_planar() {
                for (c, p) in planes.iter().enumerate() {
                    f.plane_mut::<f32>(c)[..n].copy_from_slice(p);
                }
            } else {
                // Interleaved: one plane of channels × samples floats.
                let data = f.data_mut(0);
                for (c, p) in planes.iter().enumerate() {
                    for (i, v) in p.iter().enumerate() {
                        let at = (i * channels + c) * 4;
                        data[at..at + 4].copy_from_slice(&v.to_ne_bytes());
                    }
                }
            }
            f.set_pts(Some(pts));
            pts += n as i64;
            send(encoder, Some(&f))?;
        }
        Ok(())
    };
    decode_resampled(path, rate, Some(layout), &mut |planes| {
        for (samples, plane) in fifo.iter_mut().zip(planes) {
            samples.extend_from_slice(&plane);
        }
        emit(&mut encoder, &mut fifo, false)
    })?;
    emit(&mut encoder, &mut fifo, true)?;
    send(&mut encoder, None)
}
