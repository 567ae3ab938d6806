//! The FFmpeg side of sharded renders: reading what a part holds, and joining parts into one
//! video by copying their packets (no video is re-encoded) beside the narration encoded once.
//!
//! A part's packets carry the whole video's frame numbers as timestamps (Matroska stores them
//! in milliseconds, well within half a frame), so the join renumbers each packet to its frame
//! exactly and the joined stream's timestamps run on without a gap.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ffmpeg::{format, media, Packet, Rational};
use ffmpeg_next as ffmpeg;
use sha2::{Digest, Sha256};

use super::{AudioQuality, Codec, NewAudio};
use crate::pending::PendingFile;
use crate::project::{Fps, Project};
use crate::shard::{PartFile, PartTags};

/// Reads a part's tags, its video stream's parameters and the frame number of every packet.
pub fn read_part(path: &Path, fps: Fps) -> anyhow::Result<PartFile> {
    crate::media::init();
    let input = crate::media::open_input(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let tags = {
        let meta = input.metadata();
        PartTags::from_metadata(&|k| meta.get(k).map(str::to_string))
    };
    let stream = input
        .streams()
        .best(media::Type::Video)
        .with_context(|| format!("{} has no video stream", path.display()))?;
    let index = stream.index();
    let description = describe(&stream);
    let tb = stream.time_base();
    let mut input = input;
    let mut frames = Vec::new();
    for (s, packet) in input.packets() {
        if s.index() != index {
            continue;
        }
        let pts = packet
            .pts()
            .with_context(|| format!("{} is damaged: a picture has no time", path.display()))?;
        frames.push(frame_of(pts, tb, fps));
    }
    Ok(PartFile {
        path: path.to_path_buf(),
        tags,
        stream: description,
        frames,
    })
}

/// Whether `path` already is the part `tags` describes, whole: a rerun of a shard keeps it.
pub fn finished(path: &Path, tags: &PartTags, fps: Fps) -> bool {
    if !path.is_file() {
        return false;
    }
    match read_part(path, fps) {
        Ok(p) => p.tags.as_ref() == Some(tags) && p.frames.iter().copied().eq(tags.frames.clone()),
        Err(_) => false,
    }
}

/// The frame a timestamp falls on (parts' timestamps are frame numbers, rounded by the
/// container's time base).
fn frame_of(pts: i64, tb: Rational, fps: Fps) -> u64 {
    let num = pts as i128 * tb.numerator() as i128 * fps.num as i128;
    let den = tb.denominator() as i128 * fps.den as i128;
    ((2 * num + den).div_euclid(2 * den)).max(0) as u64
}

/// What must be equal between parts to copy them into one stream: the codec, the picture size
/// and the encoder's global header (parameter sets) with the encoder's name.
fn describe(stream: &format::stream::Stream) -> String {
    let par = stream.parameters();
    // SAFETY: the parameters belong to an open input and are read only.
    // (The picture format is left out: FFmpeg learns it by decoding, which a damaged file may
    // not allow; the parameter sets hold it.)
    let (w, h, extradata) = unsafe {
        let p = &*par.as_ptr();
        let extradata = if p.extradata.is_null() || p.extradata_size <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(p.extradata, p.extradata_size as usize)
        };
        (p.width, p.height, extradata)
    };
    let encoder = stream
        .metadata()
        .get("encoder")
        .unwrap_or("unknown encoder")
        .to_string();
    format!(
        "{:?} {w}x{h} by {encoder}, parameter sets sha256:{:x}",
        par.id(),
        Sha256::digest(extradata)
    )
}

/// The codec gpucast calls the parts' video, for choosing the output container.
fn codec_of(id: ffmpeg::codec::Id) -> anyhow::Result<Codec> {
    use ffmpeg::codec::Id;
    Ok(match id {
        Id::H264 => Codec::H264,
        Id::HEVC => Codec::Hevc,
        Id::AV1 => Codec::Av1,
        Id::VP9 => Codec::Vp9,
        Id::PRORES => Codec::Prores,
        other => anyhow::bail!("the parts hold {other:?} video, which gpucast does not write"),
    })
}

/// Writes `target`: the parts' video in order, copied, and the narration (with any music bed)
/// encoded once for the whole timeline, plus the slides as a subtitle track if given. Written
/// under a temporary name and renamed when complete, like every output.
pub fn join(
    project: &Project,
    parts: &[&PartFile],
    target: &Path,
    audio_quality: AudioQuality,
    captions: Option<Vec<crate::captions::Cue>>,
    progress: crate::cancel::Progress<'_>,
) -> anyhow::Result<()> {
    crate::media::init();
    let first = parts.first().context("no parts to join")?;
    let first_input = crate::media::open_input(&first.path)
        .with_context(|| format!("cannot read {}", first.path.display()))?;
    let first_stream = first_input
        .streams()
        .best(media::Type::Video)
        .with_context(|| format!("{} has no video stream", first.path.display()))?;
    let parameters = first_stream.parameters();
    let codec = codec_of(parameters.id())?;
    let container = super::container::check(target, codec, captions.is_some())?;
    let file = PendingFile::new(target);
    let mut octx = format::output_as(file.temp(), container.muxer())
        .with_context(|| format!("cannot create {}", file.temp().display()))?;
    let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
    let Fps { num, den } = project.fps;
    let frame_tb = Rational(den as i32, num as i32);
    let video_stream = {
        let mut st = octx.add_stream(ffmpeg::encoder::find(parameters.id()))?;
        st.set_parameters(parameters);
        // SAFETY: the stream was just added; its codec tag was Matroska's, which another
        // container may not take: 0 lets the muxer choose its own.
        unsafe { (*(*st.as_mut_ptr()).codecpar).codec_tag = 0 };
        st.set_time_base(frame_tb);
        st.set_avg_frame_rate(Rational(num as i32, den as i32));
        st.set_rate(Rational(num as i32, den as i32));
        st.set_metadata(first_stream.metadata().to_owned());
        st.index()
    };
    drop(first_input);
    let audio = NewAudio::add(&mut octx, project, audio_quality, container, global_header)?;
    let subtitle_stream = match &captions {
        Some(_) => Some(super::subtitles::add_stream(&mut octx)?),
        None => None,
    };
    let mut opts = ffmpeg::Dictionary::new();
    if matches!(container, super::Container::Mp4 | super::Container::Mov) {
        opts.set("movflags", "+faststart+use_metadata_tags");
    }
    octx.write_header_with(opts)
        .with_context(|| format!("cannot write to {}", file.temp().display()))?;
    if let (Some(cues), Some(index)) = (&captions, subtitle_stream) {
        let tb = octx.stream(index).expect("added").time_base();
        for mut p in super::subtitles::packets(cues, index) {
            p.rescale_ts(super::subtitles::TIME_BASE, tb);
            p.write_interleaved(&mut octx)
                .context("writing subtitles failed")?;
        }
    }
    let video_tb = octx.stream(video_stream).expect("added").time_base();
    let mut audio = audio.start(&octx, project)?;
    let total: u64 = parts.iter().map(|p| p.frames.len() as u64).sum();
    let mut done = 0u64;
    let copying = std::time::Instant::now();
    for part in parts {
        copy_part(
            part,
            project.fps,
            &mut octx,
            video_stream,
            frame_tb,
            video_tb,
        )?;
        audio.drain(&mut octx, false)?;
        done += part.frames.len() as u64;
        crate::cancel::check()?;
        progress(done, total)?;
    }
    let copied = copying.elapsed();
    let waiting = std::time::Instant::now();
    audio.finish(&mut octx)?;
    log::info!(
        "join: video copied in {copied:.2?}, then waited {:.2?} for the audio encoder",
        waiting.elapsed()
    );
    octx.write_trailer()
        .with_context(|| format!("finishing {} failed", target.display()))?;
    drop(octx); // closes the file before it is renamed
    file.commit()
}

/// Copies one part's video packets, each renumbered to its exact frame.
fn copy_part(
    part: &PartFile,
    fps: Fps,
    octx: &mut format::context::Output,
    stream: usize,
    frame_tb: Rational,
    out_tb: Rational,
) -> anyhow::Result<()> {
    let name: PathBuf = part.path.clone();
    let mut input = crate::media::open_input(&name)
        .with_context(|| format!("cannot read {}", name.display()))?;
    let index = input
        .streams()
        .best(media::Type::Video)
        .with_context(|| format!("{} has no video stream", name.display()))?
        .index();
    let tb = input.stream(index).expect("found").time_base();
    for (s, packet) in input.packets() {
        if s.index() != index {
            continue;
        }
        let pts = packet
            .pts()
            .with_context(|| format!("{} is damaged: a picture has no time", name.display()))?;
        let frame = frame_of(pts, tb, fps) as i64;
        let mut p = Packet::copy(packet.data().unwrap_or(&[]));
        p.set_flags(packet.flags());
        p.set_pts(Some(frame));
        p.set_dts(Some(frame));
        p.set_duration(1);
        p.set_stream(stream);
        p.rescale_ts(frame_tb, out_tb);
        p.write_interleaved(octx)
            .with_context(|| format!("copying {} failed", name.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_timestamps_find_their_frame() {
        let ms = Rational(1, 1000);
        for fps in [
            Fps { num: 30, den: 1 },
            Fps {
                num: 30000,
                den: 1001,
            },
            Fps { num: 60, den: 1 },
            Fps { num: 24, den: 1 },
        ] {
            for frame in [0u64, 1, 2, 29, 30, 1799, 107_999, 1_000_000] {
                // As Matroska stores it: the frame's time rounded to a millisecond.
                let exact = frame as f64 * fps.den as f64 / fps.num as f64 * 1000.0;
                let pts = exact.round() as i64;
                assert_eq!(frame_of(pts, ms, fps), frame, "{fps:?} frame {frame}");
            }
        }
    }
}
