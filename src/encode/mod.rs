//! Everything that touches FFmpeg: audio probing, encoder choice, encoding and muxing.
//!
//! Frames arrive in timeline order as (frame, first frame index, repeat count). How repeats reach
//! the file is `VideoSettings::repeats`: by default libx264 codes each distinct frame once and
//! `h264` writes every repeat as a skipped picture; other encoders are sent the same FFmpeg
//! frame again with the next pts (nothing is redrawn or copied); `--vfr` gives each distinct
//! frame its duration instead. The file is
//! written under a temporary name beside the target and renamed only once complete; dropping an
//! unfinished `FileWriter` (error, Ctrl-C) removes the temporary file.

pub mod audio;
pub mod container;
pub mod h264;
pub mod images;
pub mod join;
pub mod music;
mod subtitles;
mod vaapi;
pub mod video;

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

use anyhow::Context as _;
use ffmpeg::{format, Packet, Rational};
use ffmpeg_next as ffmpeg;

use crate::frame::{Format, Frame};
use crate::pending::PendingFile;
use crate::project::{Fps, Project};
pub use audio::AudioQuality;
pub use container::Container;
pub use video::{Codec, RepeatFrames, Repeats, Speed, VideoSettings};

/// Where rendered frames go, in timeline order: every kind of output (a video file, a part of
/// one, y4m on standard output, an image sequence) is one of these, fed by `pipeline::run`.
pub trait FrameSink {
    /// The frames it takes; the renderer is made to draw these.
    fn format(&self) -> Format;
    /// `frame` is shown from frame index `start` for `count` frames.
    fn write(&mut self, frame: &Frame, start: u64, count: u64) -> anyhow::Result<()>;
    /// Flushes everything; the output is complete and in place when this returns.
    fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

/// What a video file holds besides the video.
pub struct Contents {
    /// The narration (with any music bed) at this quality; `None` for a shard's part, which is
    /// video only (the join encodes the audio once).
    pub audio: Option<AudioQuality>,
    /// The slides as a subtitle track.
    pub captions: Option<Vec<crate::captions::Cue>>,
    /// Container metadata: the batch fingerprint, a part's tags.
    pub metadata: Vec<(&'static str, String)>,
    /// The frames of the timeline the file holds: all of them, or a part's.
    pub frames: Range<u64>,
}

impl Contents {
    /// A whole video with its narration.
    pub fn whole(project: &Project, audio: AudioQuality) -> Contents {
        Contents {
            audio: Some(audio),
            captions: None,
            metadata: Vec::new(),
            frames: 0..project.frame_count(),
        }
    }
}

/// An audio stream added to a file whose header is not written yet.
struct NewAudio {
    encoder: ffmpeg::encoder::Audio,
    stream: usize,
}

impl NewAudio {
    fn add(
        octx: &mut format::context::Output,
        project: &Project,
        quality: AudioQuality,
        container: Container,
        global_header: bool,
    ) -> anyhow::Result<NewAudio> {
        let encoder = audio::open_encoder(
            &project.audio_info,
            quality,
            global_header,
            container.audio(),
        )?;
        let mut st = octx.add_stream(ffmpeg::encoder::find(encoder.id()))?;
        st.set_parameters(&encoder);
        st.set_time_base(Rational(1, encoder.rate() as i32));
        let stream = st.index();
        Ok(NewAudio { encoder, stream })
    }

    /// Starts encoding the narration (mixed with the music bed) on its own thread, once the
    /// header is written and the stream's time base is final.
    fn start(
        self,
        octx: &format::context::Output,
        project: &Project,
    ) -> anyhow::Result<AudioTrack> {
        let enc = self.encoder;
        let enc_tb = Rational(1, enc.rate() as i32);
        let tb = octx.stream(self.stream).expect("added").time_base();
        // Enough packets to stay ahead of the video without holding the whole narration.
        let (tx, rx) = mpsc::sync_channel(256);
        let path = project.audio.clone();
        let bed = project
            .music
            .as_ref()
            .map(|m| music::Bed::start(m, project, enc.rate(), enc.channel_layout()));
        let thread = std::thread::Builder::new()
            .name("gpucast-audio".into())
            .spawn(move || audio::encode(&path, bed, enc, tx))?;
        Ok(AudioTrack {
            rx,
            thread: Some(thread),
            enc_tb,
            stream: self.stream,
            tb,
        })
    }
}

/// The audio stream of a file being written: packets arrive from the encoding thread and are
/// muxed between video packets.
struct AudioTrack {
    rx: Receiver<Packet>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
    enc_tb: Rational,
    stream: usize,
    tb: Rational,
}

impl AudioTrack {
    /// Writes the packets encoded so far; with `all`, waits for the rest.
    fn drain(&mut self, octx: &mut format::context::Output, all: bool) -> anyhow::Result<()> {
        loop {
            let p = if all {
                self.rx.recv().ok()
            } else {
                self.rx.try_recv().ok()
            };
            let Some(mut p) = p else { return Ok(()) };
            p.set_stream(self.stream);
            p.rescale_ts(self.enc_tb, self.tb);
            p.write_interleaved(octx).context("writing audio failed")?;
        }
    }

    /// Writes the rest and reports how the encoding thread ended.
    fn finish(&mut self, octx: &mut format::context::Output) -> anyhow::Result<()> {
        self.drain(octx, true)?;
        let ended = self
            .thread
            .take()
            .expect("finished once")
            .join()
            .map_err(|_| anyhow::anyhow!("the audio encoder panicked"))?;
        ended.context("audio encoding failed")
    }
}

/// A video file: the codec chosen (H.264 by default) plus AAC in MP4 (`+faststart`), MOV or
/// Matroska, or VP9/AV1 plus Opus in WebM, by the output's extension.
pub struct FileWriter {
    // Declared before `file`: the muxer closes the file before an unfinished one is removed.
    octx: format::context::Output,
    file: PendingFile,
    video: video::VideoEncoder,
    video_stream: usize,
    video_tb: Rational,
    /// `None` in a shard's part, which is video only.
    audio: Option<AudioTrack>,
    /// The frames of the timeline this file holds.
    frames: Range<u64>,
    /// How repeats are written, as settled for this encoder (`Skip` only where it applies).
    repeats: Repeats,
    /// Writes repeats as skipped pictures and renumbers the encoder's (with `Repeats::Skip`).
    repeater: Option<h264::Repeater>,
    /// What it is fed: YUV, or straight RGBA for an alpha video (`--transparent`).
    format: Format,
    /// Frames between forced keyframes, when the encoder sees only the distinct frames.
    keyframe_every: u64,
    /// The first frame index at or past which the next distinct frame is a keyframe.
    next_keyframe: u64,
    /// When the encoder sees only distinct frames: each one's run length by pts.
    durations: HashMap<i64, i64>,
    frames_sent: u64,
    /// The first video packet's decode time (negative by the encoder's reorder delay).
    first_dts: Option<i64>,
}

impl FileWriter {
    pub fn create(
        target: &Path,
        project: &Project,
        settings: &VideoSettings,
        contents: Contents,
    ) -> anyhow::Result<FileWriter> {
        crate::media::init();
        let Contents {
            audio,
            captions,
            metadata,
            frames,
        } = contents;
        let container = container::check(target, settings.codec, captions.is_some())?;
        let file = PendingFile::new(target);
        let mut octx = format::output_as(file.temp(), container.muxer())
            .with_context(|| format!("cannot create {}", file.temp().display()))?;
        let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let asked = settings.repeats;
        let settings = &VideoSettings {
            repeats: asked.for_stills(settings.stills),
            ..settings.clone()
        };
        let video = video::choose(
            settings,
            project.width,
            project.height,
            project.fps,
            global_header,
        )?;
        let (repeats, repeater) = settle_repeats(asked, settings.repeats, &video);
        let Fps { num, den } = project.fps;
        let video_stream = {
            let mut st = octx.add_stream(ffmpeg::encoder::find_by_name(&video.name))?;
            st.set_parameters(&video.encoder);
            st.set_time_base(video.time_base);
            st.set_avg_frame_rate(Rational(num as i32, den as i32));
            st.set_rate(Rational(num as i32, den as i32));
            // Which encoder made the stream, for players' info panes and the join's checks.
            let mut meta = ffmpeg::Dictionary::new();
            meta.set("encoder", &video.name);
            st.set_metadata(meta);
            if let Some(r) = &repeater {
                // The skipped pictures' PPS joins x264's in the MP4's avcC.
                let mut extradata = extradata(&video.encoder).to_vec();
                extradata.extend_from_slice(&[0, 0, 0, 1]);
                extradata.extend_from_slice(&r.parameter_set());
                // SAFETY: the stream was just added and its parameters set; the header is not
                // written yet, so nothing has read the old extradata.
                unsafe { set_extradata(&mut st, &extradata) };
            }
            st.index()
        };
        let audio = match audio {
            Some(quality) => Some(NewAudio::add(
                &mut octx,
                project,
                quality,
                container,
                global_header,
            )?),
            None => None,
        };
        let subtitle_stream = match &captions {
            Some(_) => Some(subtitles::add_stream(&mut octx)?),
            None => None,
        };
        let mut opts = ffmpeg::Dictionary::new();
        if matches!(container, Container::Mp4 | Container::Mov) {
            // use_metadata_tags: an MP4 keeps only keys it knows unless told to keep any.
            opts.set("movflags", "+faststart+use_metadata_tags");
        }
        if !metadata.is_empty() {
            let mut meta = ffmpeg::Dictionary::new();
            for (k, v) in &metadata {
                meta.set(k, v);
            }
            octx.set_metadata(meta);
        }
        octx.write_header_with(opts)
            .with_context(|| format!("cannot write to {}", file.temp().display()))?;
        if let (Some(cues), Some(index)) = (&captions, subtitle_stream) {
            let tb = octx.stream(index).expect("added").time_base();
            for mut p in subtitles::packets(cues, index) {
                p.rescale_ts(subtitles::TIME_BASE, tb);
                p.write_interleaved(&mut octx)
                    .context("writing subtitles failed")?;
            }
        }
        let video_tb = octx.stream(video_stream).expect("added").time_base();
        let audio = match audio {
            Some(a) => Some(a.start(&octx, project)?),
            None => None,
        };
        Ok(FileWriter {
            file,
            octx,
            video,
            video_stream,
            video_tb,
            audio,
            next_keyframe: frames.start,
            frames,
            repeats,
            repeater,
            format: if settings.alpha {
                Format::Rgba { transparent: true }
            } else {
                Format::Yuv420
            },
            keyframe_every: (settings.keyframe_interval * project.fps.as_f64())
                .round()
                .max(1.0) as u64,
            durations: HashMap::new(),
            frames_sent: 0,
            first_dts: None,
        })
    }

    pub fn encoder_name(&self) -> &str {
        &self.video.name
    }

    /// Writes the packets the encoder has ready. `at_end`: the encoder is flushed, so the last
    /// packet is the last one of the stream.
    fn drain_video(&mut self, at_end: bool) -> anyhow::Result<()> {
        // One packet is held back until the next arrives, so that the stream's last is known.
        let mut held: Option<Packet> = None;
        let mut p = Packet::empty();
        while self.video.encoder.receive_packet(&mut p).is_ok() {
            if let Some(earlier) = held.replace(std::mem::replace(&mut p, Packet::empty())) {
                self.write_video(earlier, false)?;
            }
        }
        if let Some(last) = held {
            self.write_video(last, at_end)?;
        }
        self.drain_audio(false)
    }

    /// Gives a video packet its duration and time base and muxes it; `last`: the stream's end.
    fn write_video(&mut self, mut p: Packet, last: bool) -> anyhow::Result<()> {
        if self.first_dts.is_none() {
            self.first_dts = p.dts();
        }
        if self.repeater.is_some() {
            return self.write_with_repeats(p);
        }
        if self.repeats == Repeats::Copy {
            return self.write_copies(p);
        }
        if self.repeats == Repeats::Vfr {
            if let Some(d) = p.pts().and_then(|pts| self.durations.remove(&pts)) {
                p.set_duration(d);
            }
            // MP4 derives a track's length from decode times: with reordered frames the last
            // packet is decoded well before the last run ends, so it carries the rest of the
            // video, or the track would end early. (Decode times start before 0 by the
            // reorder delay, so the end is shifted too.)
            if let (true, Some(dts)) = (last, p.dts()) {
                let rest = self.frames_sent as i64 + self.first_dts.unwrap_or(0) - dts;
                if rest > p.duration() {
                    p.set_duration(rest);
                }
            }
        } else {
            p.set_duration(1);
        }
        p.set_stream(self.video_stream);
        p.rescale_ts(self.video.time_base, self.video_tb);
        p.write_interleaved(&mut self.octx)
            .context("writing video failed")
    }

    /// Writes an intra-only picture once for each frame of its run.
    fn write_copies(&mut self, p: Packet) -> anyhow::Result<()> {
        let pts = p
            .pts()
            .context("the encoder wrote a picture with no time")?;
        let count = self.durations.remove(&pts).unwrap_or(1);
        for i in 0..count {
            let mut q = p.clone();
            q.set_pts(Some(pts + i));
            q.set_dts(Some(pts + i));
            q.set_duration(1);
            q.set_stream(self.video_stream);
            q.rescale_ts(self.video.time_base, self.video_tb);
            q.write_interleaved(&mut self.octx)
                .context("writing video failed")?;
        }
        Ok(())
    }

    /// Writes one of the encoder's pictures, renumbered, then each repeat of it as a skipped
    /// picture with the next frame time.
    fn write_with_repeats(&mut self, p: Packet) -> anyhow::Result<()> {
        let repeater = self.repeater.as_mut().expect("called with a repeater");
        let pts = p
            .pts()
            .context("the encoder wrote a picture with no time")?;
        let count = self.durations.remove(&pts).unwrap_or(1);
        let data = p.data().context("the encoder wrote an empty picture")?;
        let fail = |e: String| anyhow::anyhow!("cannot insert repeated frames: {e}");
        let mut first = Some(Packet::copy(&repeater.picture(data).map_err(fail)?));
        // Each written as it is made: a frame shown for an hour is 100,000 repeats.
        for i in 0..count {
            let mut q = match first.take() {
                Some(mut q) => {
                    q.set_flags(p.flags());
                    q
                }
                None => Packet::copy(&repeater.repeat().map_err(fail)?),
            };
            q.set_pts(Some(pts + i));
            q.set_dts(Some(pts + i));
            q.set_duration(1);
            q.set_stream(self.video_stream);
            q.rescale_ts(self.video.time_base, self.video_tb);
            q.write_interleaved(&mut self.octx)
                .context("writing video failed")?;
        }
        Ok(())
    }

    /// Writes the audio packets encoded so far; with `all`, waits for the rest.
    fn drain_audio(&mut self, all: bool) -> anyhow::Result<()> {
        match &mut self.audio {
            Some(a) => a.drain(&mut self.octx, all),
            None => Ok(()),
        }
    }
}

impl FileWriter {
    /// Sends one distinct frame (and its repeats, as `repeats` says) to the encoder.
    fn send(&mut self, mut f: ffmpeg::frame::Video, start: u64, count: u64) -> anyhow::Result<()> {
        if self.repeats.distinct_only(&self.video.name) {
            // Keyframes at least every interval of output time, not of distinct frames, so
            // that seeking stays cheap however long a frame is shown.
            // Not on a part's last frame: two IDR pictures in a row across a join would need
            // different idr_pic_ids, and each part's first is always 0.
            let last = start + count == self.frames.end && start > self.frames.start;
            if start >= self.next_keyframe && !last {
                f.set_kind(ffmpeg::picture::Type::I);
                self.next_keyframe = (start / self.keyframe_every + 1) * self.keyframe_every;
            }
            f.set_pts(Some(start as i64));
            self.durations.insert(start as i64, count as i64);
            self.video.encoder.send_frame(&f)?;
            self.drain_video(false)?;
        } else {
            for i in 0..count {
                f.set_pts(Some((start + i) as i64));
                self.video.encoder.send_frame(&f)?;
                self.drain_video(false)?;
            }
        }
        self.frames_sent += count;
        Ok(())
    }
}

impl FrameSink for FileWriter {
    fn format(&self) -> Format {
        self.format
    }

    fn write(&mut self, frame: &Frame, start: u64, count: u64) -> anyhow::Result<()> {
        let f = match frame {
            Frame::Yuv420(f) => self.video.frame(f)?,
            // Straight alpha (`--transparent`): ProRes 4444 or VP9 with alpha.
            Frame::Rgba(img) => self.video.frame_rgba(img)?,
        };
        self.send(f, start, count)
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        self.video.encoder.send_eof()?;
        self.drain_video(true)?;
        if let Some(a) = &mut self.audio {
            a.finish(&mut self.octx)?;
        }
        self.octx
            .write_trailer()
            .context("finishing the MP4 failed")?;
        let FileWriter { file, octx, .. } = *self;
        drop(octx); // closes the file before it is renamed
        file.commit()
    }
}

/// Keeps `Repeats::Skip` only where skipped pictures can join the encoder's stream, and says
/// which path was taken and why.
fn settle_repeats(
    asked: Repeats,
    planned: Repeats,
    video: &video::VideoEncoder,
) -> (Repeats, Option<h264::Repeater>) {
    if asked != Repeats::Vfr && video::intra_only(&video.name) {
        log::info!(
            "repeated frames: copies of the picture ({} pictures stand alone)",
            video.name
        );
        return (Repeats::Copy, None);
    }
    if planned != asked {
        log::info!(
            "repeated frames: encoded like any frame (nearly every frame differs: skipping would \
             save nothing and cost the B-frames)"
        );
        return (planned, None);
    }
    if asked != Repeats::Skip {
        log::info!(
            "repeated frames: {}",
            match asked {
                Repeats::Vfr => "not written (variable frame rate)",
                _ => "encoded like any frame (--repeat-frames encode)",
            }
        );
        return (asked, None);
    }
    if !video::skips_repeats(&video.name) {
        log::info!(
            "repeated frames: encoded like any frame ({} streams cannot take skipped pictures)",
            video.name
        );
        return (Repeats::Encode, None);
    }
    match h264::Repeater::new(extradata(&video.encoder)) {
        Ok(r) => {
            log::info!(
                "repeated frames: written as skipped pictures between {}'s",
                video.name
            );
            (Repeats::Skip, Some(r))
        }
        Err(why) => {
            log::info!(
                "repeated frames: encoded like any frame ({}: {why})",
                video.name
            );
            (Repeats::Encode, None)
        }
    }
}

/// The encoder's global header (its parameter sets), empty if it has none.
fn extradata(enc: &ffmpeg::encoder::Video) -> &[u8] {
    // SAFETY: an opened encoder's extradata is `extradata_size` bytes, or null.
    unsafe {
        let ctx = enc.as_ptr();
        if (*ctx).extradata.is_null() || (*ctx).extradata_size <= 0 {
            return &[];
        }
        std::slice::from_raw_parts((*ctx).extradata, (*ctx).extradata_size as usize)
    }
}

/// Replaces a stream's extradata with a copy of `data`.
///
/// # Safety
/// Nothing may hold the stream's old extradata.
unsafe fn set_extradata(st: &mut ffmpeg::format::stream::StreamMut, data: &[u8]) {
    let par = (*st.as_mut_ptr()).codecpar;
    let pad = ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
    let buf = ffmpeg::ffi::av_mallocz(data.len() + pad) as *mut u8;
    assert!(!buf.is_null(), "out of memory");
    std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len());
    ffmpeg::ffi::av_free((*par).extradata as *mut _);
    (*par).extradata = buf;
    (*par).extradata_size = data.len() as i32;
}

/// Raw frames as yuv4mpegpipe, for piping into any encoder (video only).
pub struct Y4mWriter<W: Write> {
    out: W,
}

impl<W: Write> Y4mWriter<W> {
    pub fn new(mut out: W, width: u32, height: u32, fps: Fps) -> anyhow::Result<Self> {
        writeln!(
            out,
            "YUV4MPEG2 W{width} H{height} F{}:{} Ip A1:1 C420jpeg XYSCSS=420JPEG XCOLORRANGE=LIMITED",
            fps.num, fps.den
        )?;
        Ok(Y4mWriter { out })
    }
}

impl<W: Write> FrameSink for Y4mWriter<W> {
    fn format(&self) -> Format {
        Format::Yuv420
    }

    fn write(&mut self, frame: &Frame, _start: u64, count: u64) -> anyhow::Result<()> {
        let frame = frame.yuv()?;
        for _ in 0..count {
            self.out.write_all(b"FRAME\n")?;
            self.out.write_all(&frame.data)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// What `gpucast probe` prints about outputs: each container with its audio encoder, usable
/// or why not (the video encoders are listed by `probe_encoders`).
pub fn probe_outputs() -> Vec<(String, Result<(), String>)> {
    crate::media::init();
    let info = crate::media::audio::AudioInfo {
        duration: 1.0,
        sample_rate: 48000,
        channels: 1,
        damage: None,
    };
    let mut out = Vec::new();
    for (what, kind) in [
        (".mp4 .mov .mkv: AAC audio", container::AudioCodec::Aac),
        (".webm: Opus audio (libopus)", container::AudioCodec::Opus),
    ] {
        let r = audio::open_encoder(&info, AudioQuality::Standard, true, kind)
            .map(|_| ())
            .map_err(|e| format!("{e:#}"));
        out.push((what.to_string(), r));
    }
    out
}

/// What `gpucast probe` prints about encoders: every candidate, usable or why not.
pub fn probe_encoders(settings: &VideoSettings) -> Vec<(String, Result<(), String>)> {
    let fps = Fps { num: 30, den: 1 };
    let mut out = Vec::new();
    for codec in [
        Codec::H264,
        Codec::Hevc,
        Codec::Av1,
        Codec::Vp9,
        Codec::Prores,
    ] {
        let s = VideoSettings {
            codec,
            ..settings.clone()
        };
        for name in video::candidates(codec) {
            out.push((
                name.to_string(),
                video::try_encoder(name, &s, 256, 144, fps),
            ));
        }
    }
    out
}
