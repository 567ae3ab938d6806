//! Everything FFmpeg reads: the narration and the music measured and decoded (`audio`), and
//! background clips probed and decoded frame by frame (`clip`).
//!
//! This floor names no project type: it takes paths and plain numbers and returns what it
//! measured (`AudioInfo`, `ClipInfo`) or decoded. Writing (encoders, muxers) is `encode`'s.

pub mod audio;
pub mod clip;

use std::sync::Once;

use ffmpeg_next as ffmpeg;

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
