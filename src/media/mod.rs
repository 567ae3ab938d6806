//! Everything FFmpeg reads: the narration and the music measured and decoded (`audio`), and
//! background clips probed and decoded frame by frame (`clip`).
//!
//! This floor names no project type: it takes paths and plain numbers and returns what it
//! measured (`AudioInfo`, `ClipInfo`) or decoded. Writing (encoders, muxers) is `encode`'s.

pub mod audio;
pub mod clip;

use std::path::Path;
use std::sync::Once;

use ffmpeg_next as ffmpeg;

/// Opens `path` for reading as a local file and nothing else: special files are refused by type
/// before anything opens them (`inputs::plain_file`); FFmpeg gets the absolute path behind its
/// `file:` protocol with every other protocol refused (so no `http:`, `concat:`, `pipe:`, even
/// for what a demuxer opens itself), and the name is taken literally (no image-sequence
/// patterns); the format is probed from the content, and only a container that holds its media
/// in itself is opened (`DEMUXERS`): a playlist or a concatenation script (`hls`, `dash`,
/// `concat`), whatever its name, would have FFmpeg read files the project does not name.
pub fn open_input(path: &Path) -> anyhow::Result<ffmpeg::format::context::Input> {
    init();
    crate::inputs::plain_file(path)?;
    let absolute = std::path::absolute(path).map_err(|e| anyhow::anyhow!("cannot read it: {e}"))?;
    let name = absolute
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("FFmpeg cannot open a path that is not UTF-8"))?;
    let mut options = ffmpeg::Dictionary::new();
    options.set("protocol_whitelist", "file");
    options.set("pattern_type", "none");
    options.set("format_whitelist", DEMUXERS);
    ffmpeg::format::input_with_dictionary(&format!("file:{name}"), options).map_err(|e| {
        match refused_format(&absolute) {
            Some(kind) => anyhow::anyhow!(
                "it is {kind}, not an audio or video file: gpucast does not open formats that \
                 make FFmpeg read other files"
            ),
            None => anyhow::anyhow!("FFmpeg cannot open it: {e}"),
        }
    })
}

/// What FFmpeg's probe takes the file for, when that is a format `DEMUXERS` leaves out: the
/// message then names it instead of FFmpeg's bare "Invalid argument".
fn refused_format(path: &Path) -> Option<String> {
    use std::io::Read as _;
    const PROBE: usize = 1 << 16;
    let mut head = Vec::with_capacity(PROBE);
    std::fs::File::open(path)
        .ok()?
        .take(PROBE as u64)
        .read_to_end(&mut head)
        .ok()?;
    let len = head.len();
    head.resize(len + ffmpeg::ffi::AVPROBE_PADDING_SIZE as usize, 0);
    let filename = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
    let data = ffmpeg::ffi::AVProbeData {
        filename: filename.as_ptr(),
        buf: head.as_mut_ptr(),
        buf_size: len as i32,
        mime_type: std::ptr::null(),
    };
    // SAFETY: `data` points at a buffer padded as FFmpeg's probe requires, and at a filename
    // that outlives the call; the returned format is a static FFmpeg table entry.
    let format = unsafe { ffmpeg::ffi::av_probe_input_format(&data, 1) };
    if format.is_null() {
        return None;
    }
    // SAFETY: a probed format's name is a static C string.
    let name = unsafe { std::ffi::CStr::from_ptr((*format).name) }
        .to_string_lossy()
        .into_owned();
    let allowed = DEMUXERS.split(',').any(|d| name.split(',').any(|n| n == d));
    (!allowed).then(|| format!("an FFmpeg \"{name}\" file"))
}

/// The demuxers `open_input` may use: audio and video containers and raw streams, each reading
/// the one file it is given. Left out on purpose: those that read other files or sources by what
/// the file says (`concat`, `hls`, `dash`, `webm_dash_manifest`, `image2`, `tee`, `lavfi`) and
/// text formats that are no media (`ffmetadata`, subtitles, `sbg`).
const DEMUXERS: &str = "wav,w64,mp3,flac,ogg,aac,ac3,eac3,aiff,caf,au,amr,ape,wv,tta,mpc,\
                        asf,mov,mp4,matroska,webm,avi,flv,mpegts,mpeg,mxf,nut,ivf,gif,\
                        yuv4mpegpipe,h264,hevc,m4v";

/// Quietens FFmpeg's own logging (errors are reported through ours) once per process.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // SVT-AV1 reads its log level when an encoder is opened.
        crate::native::quiet();
        let _ = ffmpeg::init();
        let level = if log::log_enabled!(log::Level::Trace) {
            ffmpeg::util::log::Level::Info
        } else {
            ffmpeg::util::log::Level::Fatal
        };
        ffmpeg::util::log::set_level(level);
    });
}
