//! Word timings checked and repaired against the narration itself, and a script placed on it
//! with no timings at all.
//!
//! - `features`: the narration as 10 ms frames of loudness and MFCCs, decoded as a stream.
//! - `offset`: how timings sit against the voice (a constant offset, a drift), the repair, and
//!   starts and ends moved onto the pause edges near them.
//! - `espeak` + `dtw` + `align`: the script spoken by espeak-ng and matched with the narration
//!   by dynamic time warping, window by window (`align::script`), or between known times
//!   (`align::between`: a subtitle cue's words).
//!
//! `project` applies all of it to a project's words. Nothing here knows where the timings came
//! from: `import` calls in with plain times.

pub mod align;
pub mod cues;
pub mod dtw;
pub mod espeak;
pub mod features;
pub mod offset;
pub mod project;

use std::path::Path;

/// The aligner's voice: espeak-ng's name for it (`espeak-ng --voices`). The narration need not
/// sound like it; its language should match the script's.
pub const VOICE: &str = "en-us";

/// The narration's loudness, one value per `features::HOP` (400 KB an hour).
pub fn loudness(audio: &Path) -> anyhow::Result<Vec<f32>> {
    let mut db = Vec::new();
    features::of_file(audio, &mut |f| {
        db.push(f.db);
        Ok(())
    })?;
    Ok(db)
}
