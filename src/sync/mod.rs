//! Word timings checked and repaired against the narration itself, and a script placed on it
//! with no timings at all.
//!
//! - `features`: the narration as 10 ms frames of loudness and MFCCs, decoded as a stream.
//! - `offset`: how timings sit against the voice (a constant offset, a drift), and the repair.
//! - `espeak` + `dtw` + `align`: the script spoken by espeak-ng and matched with the narration
//!   by dynamic time warping, window by window (`align::script`), or between known times
//!   (`align::between`: a subtitle cue's words, or a phrase's when `snap` puts every word on the
//!   voice).
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

/// Words this far apart or more (once the offset and drift are gone) belong to two phrases.
const PHRASE_PAUSE: f64 = 0.2;

/// Moves every word onto the voice: the words, in phrases split at their pauses, are placed by
/// the audio (`cues::place`, each phrase's own edges free within `cues::LOOSE`). For timings
/// already near it (after `offset::measure`). Returns why nothing moved, if espeak could not
/// speak.
pub fn snap(
    words: &mut [(f64, f64)],
    texts: &[&str],
    audio: &Path,
    voice: &str,
) -> anyhow::Result<Option<String>> {
    let mut groups = Vec::new();
    let mut a = 0;
    for k in 0..words.len() {
        if k + 1 == words.len() || words[k + 1].0 - words[k].1 >= PHRASE_PAUSE {
            groups.push((a, k));
            a = k + 1;
        }
    }
    Ok(cues::place(words, texts, &groups, audio, voice, true)?.unplaced)
}

/// The narration's loudness, one value per `features::HOP` (400 KB an hour).
pub fn loudness(audio: &Path) -> anyhow::Result<Vec<f32>> {
    let mut db = Vec::new();
    features::of_file(audio, &mut |f| {
        db.push(f.db);
        Ok(())
    })?;
    Ok(db)
}
