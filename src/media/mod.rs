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
/// patterns); the format is probed from the content.
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
    ffmpeg::format::input_with_dictionary(&format!("file:{name}"), options)
        .map_err(|e| anyhow::anyhow!("FFmpeg cannot open it: {e}"))
}

/// Quietens FFmpeg's own logging (errors are reported through ours) once per process.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg::init();
        let level = if log::log_enabled!(log::Level::Trace) {
            ffmpeg::util::log::Level::Info
        } else {
            ffmpeg::util::log::Level::Fatal
        };
        ffmpeg::util::log::set_level(level);
    });
}
