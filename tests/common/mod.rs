//! Shared by the end-to-end tests: fixture projects written from Rust, and decoding of what
//! gpucast wrote, through FFmpeg, to check it as a viewer would see it.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ffmpeg_next as ffmpeg;

pub const RATE: u32 = 24000;

/// A fixture like scripts/make_fixture.py writes: words every 0.45 s, six to a slide with a
/// pause between slides, a click in the audio at every word start (to check sync).
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub project: PathBuf,
    pub word_starts: Vec<f64>,
}

pub fn fixture(width: u32, height: u32, seconds: f64, extra_style: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let vocab = [
        "narrated", "slides", "turn", "bold", "exactly", "when", "spoken", "aloud,", "word", "by",
        "word.",
    ];
    let mut slides = Vec::new();
    let mut word_starts = Vec::new();
    let mut t = 0.4;
    let mut k = 0;
    while t < seconds - 1.2 {
        let slide_start = t - 0.3;
        let mut words = Vec::new();
        for _ in 0..6 {
            if t >= seconds - 0.8 {
                break;
            }
            let text = vocab[k % vocab.len()];
            k += 1;
            words.push(format!(
                r#"{{"text": "{text}", "start": {t:.3}, "end": {:.3}}}"#,
                t + 0.3
            ));
            word_starts.push((t * 1000.0).round() / 1000.0);
            t += 0.45;
        }
        t += 0.6;
        slides.push((slide_start, words));
    }
    let n = slides.len();
    let slides_json: Vec<String> = slides
        .iter()
        .enumerate()
        .map(|(i, (start, words))| {
            let end = if i + 1 < n { slides[i + 1].0 } else { seconds };
            format!(
                r#"{{"start": {start:.3}, "end": {end:.3}, "words": [{}]}}"#,
                words.join(", ")
            )
        })
        .collect();
    let json = format!(
        r##"{{"video": {{"width": {width}, "height": {height}, "fps": 30}},
  "audio": "narration.wav",
  "background": {{"image": "background.png", "fit": "cover"}},
  "style": {{"font_size": {fs}, "margin": {m}, "fade": 0.2 {extra_style}}},
  "slides": [{}]}}"##,
        slides_json.join(",\n"),
        fs = (height as f64 * 0.09).round(),
        m = (width as f64 * 0.06).round(),
    );
    let project = dir.path().join("project.json");
    std::fs::write(&project, json).unwrap();
    write_wav(&dir.path().join("narration.wav"), seconds, &word_starts);
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (12 + 30 * x / width) as u8,
            (24 + 40 * y / height) as u8,
            (60 + 70 * (width - x) / width) as u8,
        ])
    })
    .save(dir.path().join("background.png"))
    .unwrap();
    Fixture {
        dir,
        project,
        word_starts,
    }
}

/// Mono 16-bit PCM: a 30 ms 1 kHz click at each time in `clicks`, silence elsewhere.
pub fn write_wav(path: &Path, seconds: f64, clicks: &[f64]) {
    let n = (seconds * RATE as f64).round() as usize;
    let mut samples = vec![0i16; n];
    for &c in clicks {
        let start = (c * RATE as f64).round() as usize;
        for k in 0..(RATE as usize * 3 / 100) {
            if let Some(s) = samples.get_mut(start + k) {
                let v = (2.0 * std::f64::consts::PI * 1000.0 * k as f64 / RATE as f64).sin();
                *s = (v * 0.6 * 32000.0) as i16;
            }
        }
    }
    write_pcm(path, &samples);
}

/// Mono 16-bit PCM at `RATE`.
pub fn write_pcm(path: &Path, samples: &[i16]) {
    let n = samples.len();
    let mut b = Vec::with_capacity(44 + 2 * n);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + 2 * n as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&RATE.to_le_bytes());
    b.extend_from_slice(&(RATE * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(2 * n as u32).to_le_bytes());
    for s in samples {
        b.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

/// `seconds` of samples at `RATE`: silence, except from `from` to `to` a voice-like sound (a
/// 180 Hz buzz with its harmonics) whose loudness rises and falls like syllables.
pub fn voice(seconds: f64, from: f64, to: f64) -> Vec<i16> {
    (0..(seconds * RATE as f64).round() as usize)
        .map(|i| {
            let t = i as f64 / RATE as f64;
            if t < from || t >= to {
                return 0;
            }
            let tau = std::f64::consts::TAU;
            let syllables = (tau * 2.3 * (t - from)).sin().abs().powf(1.5);
            let phrase = 0.35 + 0.65 * (tau * 0.31 * (t - from)).sin().abs();
            let buzz: f64 = (1..=8)
                .map(|h| (tau * 180.0 * h as f64 * t).sin() / h as f64)
                .sum();
            (buzz * 0.3 * syllables * phrase * 32000.0).clamp(-32767.0, 32767.0) as i16
        })
        .collect()
}

pub fn gpucast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(args)
        .env("RUST_LOG", "gpucast=warn")
        .output()
        .expect("gpucast runs")
}

/// `gpucast render PROJECT -o OUT --backend cpu EXTRA...`, which must succeed.
pub fn render_cpu(project: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "render",
        project.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
    ];
    args.extend_from_slice(extra);
    assert_ok(&gpucast(&args));
}

pub fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "gpucast failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The frames where the decoded picture changes: 0, then each that differs from the one
/// before.
pub fn frame_changes(v: &DecodedVideo) -> Vec<u64> {
    std::iter::once(0)
        .chain(
            (1..v.frames.len())
                .filter(|&i| v.frames[i].1 != v.frames[i - 1].1)
                .map(|i| i as u64),
        )
        .collect()
}

pub struct DecodedVideo {
    /// Each frame's pts in frames (pts × time base × fps) and its Y, U, V planes, tightly packed.
    pub frames: Vec<(i64, Vec<u8>)>,
    pub width: u32,
    pub height: u32,
    pub frame_rate: (i32, i32),
    /// Stream duration in seconds.
    pub duration: f64,
    pub start_time: f64,
    pub pix_fmt: String,
    pub color_range: String,
}

/// Decodes every frame of the video stream.
pub fn decode_video(path: &Path, fps: f64) -> DecodedVideo {
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(path).unwrap();
    let stream = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let index = stream.index();
    let tb = stream.time_base();
    let rate = stream.avg_frame_rate();
    let duration = stream.duration() as f64 * f64::from(tb);
    let start_time = stream.start_time() as f64 * f64::from(tb);
    let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).unwrap();
    let mut dec = ctx.decoder().video().unwrap();
    let mut frames = Vec::new();
    let mut frame = ffmpeg::frame::Video::empty();
    let mut info = None;
    let mut take = |dec: &mut ffmpeg::decoder::Video, frames: &mut Vec<(i64, Vec<u8>)>| {
        while dec.receive_frame(&mut frame).is_ok() {
            let (w, h) = (frame.width() as usize, frame.height() as usize);
            let mut data = Vec::with_capacity(w * h * 3 / 2);
            for (i, (pw, ph)) in [(w, h), (w / 2, h / 2), (w / 2, h / 2)]
                .into_iter()
                .enumerate()
            {
                let stride = frame.stride(i);
                for row in 0..ph {
                    data.extend_from_slice(&frame.data(i)[row * stride..row * stride + pw]);
                }
            }
            let pts = frame.timestamp().unwrap_or(0) as f64 * f64::from(tb) * fps;
            info = Some((
                frame.width(),
                frame.height(),
                format!("{:?}", frame.format()),
                format!("{:?}", frame.color_range()),
            ));
            frames.push((pts.round() as i64, data));
        }
    };
    for (s, p) in input.packets() {
        if s.index() == index {
            dec.send_packet(&p).unwrap();
            take(&mut dec, &mut frames);
        }
    }
    dec.send_eof().unwrap();
    take(&mut dec, &mut frames);
    let (width, height, pix_fmt, color_range) = info.expect("at least one frame");
    DecodedVideo {
        frames,
        width,
        height,
        frame_rate: (rate.numerator(), rate.denominator()),
        duration,
        start_time,
        pix_fmt,
        color_range,
    }
}

pub struct DecodedAudio {
    pub rate: u32,
    /// First channel, as f32.
    pub samples: Vec<f32>,
    pub start_time: f64,
    pub codec: String,
}

pub fn decode_audio(path: &Path) -> DecodedAudio {
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(path).unwrap();
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Audio)
        .expect("an audio stream");
    let index = stream.index();
    let tb = stream.time_base();
    let start_time = stream.start_time() as f64 * f64::from(tb);
    let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).unwrap();
    let mut dec = ctx.decoder().audio().unwrap();
    let codec = format!("{:?}", dec.id());
    let mut samples = Vec::new();
    let mut rate = 0;
    let mut frame = ffmpeg::frame::Audio::empty();
    let mut take = |dec: &mut ffmpeg::decoder::Audio, samples: &mut Vec<f32>| {
        while dec.receive_frame(&mut frame).is_ok() {
            rate = frame.rate();
            assert!(frame.is_planar(), "AAC decodes to planar float");
            samples.extend_from_slice(&frame.plane::<f32>(0)[..frame.samples()]);
        }
    };
    for (s, p) in input.packets() {
        if s.index() == index {
            dec.send_packet(&p).unwrap();
            take(&mut dec, &mut samples);
        }
    }
    dec.send_eof().unwrap();
    take(&mut dec, &mut samples);
    DecodedAudio {
        rate,
        samples,
        start_time,
        codec,
    }
}

/// Times where the audio jumps from silence to a click.
pub fn click_onsets(a: &DecodedAudio) -> Vec<f64> {
    let mut out = Vec::new();
    let mut quiet_for = usize::MAX;
    for (i, s) in a.samples.iter().enumerate() {
        if s.abs() > 0.2 {
            if quiet_for > a.rate as usize / 20 {
                out.push(i as f64 / a.rate as f64);
            }
            quiet_for = 0;
        } else {
            quiet_for = quiet_for.saturating_add(1);
        }
    }
    out
}

/// The files in `dir`, by name.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The raw frames gpucast renders: `render PROJECT -o - --backend cpu`, its y4m split into
/// frames (each Y, U and V planes of `width`×`height`).
pub fn raw_frames(project: &Path, width: usize, height: usize) -> Vec<Vec<u8>> {
    let y4m = gpucast(&[
        "render",
        project.to_str().unwrap(),
        "-o",
        "-",
        "--backend",
        "cpu",
    ]);
    assert_ok(&y4m);
    let raw = &y4m.stdout;
    let header_end = raw.iter().position(|&b| b == b'\n').unwrap() + 1;
    let header = String::from_utf8_lossy(&raw[..header_end]);
    assert!(
        header.starts_with(&format!("YUV4MPEG2 W{width} H{height} ")),
        "{header}"
    );
    let frame_len = width * height * 3 / 2;
    raw[header_end..]
        .chunks(6 + frame_len)
        .map(|f| {
            assert_eq!(&f[..6], b"FRAME\n");
            assert_eq!(f.len(), 6 + frame_len, "a whole frame");
            f[6..].to_vec()
        })
        .collect()
}

/// Every click in the audio is heard when its word is shown: within 15 ms of its start time.
pub fn assert_clicks_on_words(a: &DecodedAudio, word_starts: &[f64]) {
    let onsets = click_onsets(a);
    assert_eq!(onsets.len(), word_starts.len(), "{onsets:?}");
    for (o, w) in onsets.iter().zip(word_starts) {
        assert!(
            (o - w).abs() < 0.015,
            "click at {o:.4} s for a word at {w:.3} s"
        );
    }
}

/// Frame indices where the timeline says the picture changes.
pub fn run_starts(project: &Path) -> Vec<u64> {
    let p = gpucast::prepare(project).unwrap();
    p.timeline.runs.iter().map(|r| r.start_frame).collect()
}

/// Every video packet's (pts in frames at 30 fps, keyframe, size), in file order.
pub fn packets(path: &Path) -> Vec<(i64, bool, usize)> {
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(path).unwrap();
    let stream = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let (index, tb) = (stream.index(), stream.time_base());
    input
        .packets()
        .filter(|(s, _)| s.index() == index)
        .map(|(_, p)| {
            let t = p.pts().unwrap() as f64 * f64::from(tb) * 30.0;
            (t.round() as i64, p.is_key(), p.size())
        })
        .collect()
}

pub fn ffmpeg_cli(args: &[&str]) -> std::process::Output {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin"])
        .args(args)
        .output()
        .expect("the ffmpeg tool is installed by scripts/setup-debian.sh")
}

/// The stream passes FFmpeg's strict parsers: every NAL unit's header parsed by its syntax
/// tables (trace_headers), a decode with every check on that stops at any irregularity, and
/// nothing about frame numbering or concealment even at debug level.
pub fn assert_strict_h264(out: &Path) {
    let o = out.to_str().unwrap();
    // Every header of every NAL unit, parsed by FFmpeg's own syntax tables.
    let trace = ffmpeg_cli(&[
        "-v",
        "verbose",
        "-i",
        o,
        "-map",
        "0:v",
        "-c",
        "copy",
        "-bsf:v",
        "trace_headers",
        "-f",
        "null",
        "-",
    ]);
    assert!(trace.status.success());
    let text = String::from_utf8_lossy(&trace.stderr);
    let lower = text.to_lowercase();
    for bad in ["error", "invalid", "failed", "overread"] {
        assert!(!lower.contains(bad), "trace_headers: {bad}");
    }
    assert!(
        text.contains("mb_skip_run") || text.matches("pic_parameter_set_id").count() > 100,
        "the trace covers the slices"
    );
    // A decode that stops at any irregularity, with every check on.
    let strict = ffmpeg_cli(&[
        "-v",
        "warning",
        "-err_detect",
        "+crccheck+bitstream+buffer+explode",
        "-i",
        o,
        "-map",
        "0:v",
        "-f",
        "null",
        "-",
    ]);
    assert!(strict.status.success());
    assert_eq!(
        String::from_utf8_lossy(&strict.stderr).trim(),
        "",
        "no warning"
    );
    // And nothing about frame numbering even at debug level (a gap is only said there).
    let debug = ffmpeg_cli(&["-v", "debug", "-i", o, "-map", "0:v", "-f", "null", "-"]);
    let text = String::from_utf8_lossy(&debug.stderr).to_lowercase();
    assert!(!text.contains("frame num gap"), "frame_num gap");
    assert!(!text.contains("concealing"), "errors concealed");
}

/// Seeking: a decoder started at each keyframe's packet gives the frames a decoder started at
/// the beginning gives, and the keyframe is an IDR picture.
pub fn decodes_the_same_from_every_keyframe(out: &Path) {
    let full = decode_video(out, 30.0);
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(&out).unwrap();
    let stream = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let index = stream.index();
    let params = stream.parameters();
    let mut all: Vec<ffmpeg::Packet> = input
        .packets()
        .filter(|(s, _)| s.index() == index)
        .map(|(_, p)| p)
        .collect();
    // Display order of the packets (decode order differs with B-frames).
    let mut order: Vec<i64> = all.iter().map(|p| p.pts().unwrap()).collect();
    order.sort();
    let keys: Vec<usize> = (0..all.len()).filter(|&i| all[i].is_key()).collect();
    assert!(keys.len() >= 4, "{keys:?}");
    for &i in &keys {
        // The first NAL unit after any parameter sets and SEI is an IDR slice (type 5); MP4
        // samples are length-prefixed.
        let data = all[i].data().unwrap();
        let mut at = 0;
        let mut types = Vec::new();
        while at + 4 < data.len() {
            let len = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
            types.push(data[at + 4] & 0x1f);
            at += 4 + len;
        }
        assert!(
            types.contains(&5),
            "keyframe packet {i} has NAL types {types:?}, no IDR"
        );
        let first_shown = order.binary_search(&all[i].pts().unwrap()).unwrap();
        let ctx = ffmpeg::codec::context::Context::from_parameters(params.clone()).unwrap();
        let mut dec = ctx.decoder().video().unwrap();
        let mut got = 0;
        let mut frame = ffmpeg::frame::Video::empty();
        let mut check = |dec: &mut ffmpeg::decoder::Video, got: &mut usize| {
            while dec.receive_frame(&mut frame).is_ok() {
                let n = first_shown + *got;
                let expect = &full.frames[n].1;
                let (w, h) = (full.width as usize, full.height as usize);
                let luma: Vec<u8> = (0..h)
                    .flat_map(|r| frame.data(0)[r * frame.stride(0)..][..w].to_vec())
                    .collect();
                assert!(
                    luma == expect[..w * h],
                    "from keyframe {i}: frame {n} differs"
                );
                *got += 1;
            }
        };
        for p in &mut all[i..] {
            dec.send_packet(p).unwrap();
            check(&mut dec, &mut got);
        }
        dec.send_eof().unwrap();
        check(&mut dec, &mut got);
        assert_eq!(got, all.len() - first_shown, "decoding from keyframe {i}");
    }
}

/// A clip of `frames` frames at `fps` (H.264 in MP4, a keyframe every 4 frames), `width` wide:
/// its top half is a barcode of the frame's number (8 stripes, bit 0 leftmost, white for 1),
/// its bottom half a gradient.
pub fn write_clip(path: &Path, width: u32, height: u32, fps: u32, frames: u32) {
    let source = format!(
        "color=c=gray:s={width}x{height}:r={fps},format=yuv420p,\
         geq=lum='if(lt(Y,H/2),if(bitand(N,pow(2,floor(X*8/W))),235,16),60+X/2)':cb=128:\
         cr='if(lt(Y,H/2),128,90+Y/2)'"
    );
    let o = ffmpeg_cli(&[
        "-y",
        "-f",
        "lavfi",
        "-i",
        &source,
        "-frames:v",
        &frames.to_string(),
        "-c:v",
        "libx264",
        "-g",
        "4",
        "-pix_fmt",
        "yuv420p",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The number a `write_clip` barcode shows in a decoded frame's luma (`width` wide), read on
/// row `y` across `x0..x0 + span`.
pub fn read_barcode(luma: &[u8], width: usize, y: usize, x0: usize, span: usize) -> u32 {
    (0..8)
        .map(|b| {
            let x = x0 + span * (2 * b + 1) / 16;
            ((luma[y * width + x] > 128) as u32) << b
        })
        .sum()
}

/// Renders the bundled project `assets/<name>/project.json` with the CPU renderer and decodes it.
pub fn render_bundled(name: &str) -> (gpucast::Prepared, DecodedVideo) {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
        .join("project.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    render_cpu(&project, &out, &[]);
    (
        gpucast::prepare(&project).unwrap(),
        decode_video(&out, 30.0),
    )
}

/// `gpucast validate` refuses `project` with exit 1, saying `needle`.
pub fn assert_invalid(project: &Path, needle: &str) {
    let o = gpucast(&["validate", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(needle), "{needle}: {err}");
}

/// The words of a written project: (text, start, end), in order.
pub fn project_words(project: &Path) -> Vec<(String, f64, f64)> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project).unwrap()).unwrap();
    v["slides"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| timed_words(&s["words"]))
        .collect()
}

/// A JSON array of `{text, start, end}` words as (text, start, end).
pub fn timed_words(words: &serde_json::Value) -> Vec<(String, f64, f64)> {
    words
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["text"].as_str().unwrap().to_string(),
                w["start"].as_f64().unwrap(),
                w["end"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// A `width`×`height` RGBA PNG whose colour and alpha vary across it (a logo with soft edges):
/// alpha runs 0 to 255 left to right, colour changes down and across.
pub fn write_logo(path: &Path, width: u32, height: u32) {
    image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([
            (255 - x * 200 / width) as u8,
            (30 + y * 200 / height) as u8,
            ((x * 7 + y * 3) % 256) as u8,
            (x * 255 / (width - 1).max(1)) as u8,
        ])
    })
    .save(path)
    .unwrap();
}

/// Whether headless Chromium is installed; where it is not, says what is skipped, unless
/// GPUCAST_REQUIRE_CHROMIUM=1 (CI) makes that a failure.
pub fn chromium(skipping: &str) -> bool {
    let have = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .any(|b| {
            Command::new("sh")
                .args(["-c", &format!("command -v {b}")])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if !have {
        assert!(
            std::env::var("GPUCAST_REQUIRE_CHROMIUM").is_err(),
            "GPUCAST_REQUIRE_CHROMIUM is set but no chromium is installed"
        );
        eprintln!("chromium not installed: skipping {skipping}");
    }
    have
}
