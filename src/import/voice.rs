//! The narration heard on the way in: words the format timed only as a group placed by the
//! audio, `--snap`'s repair, and a script with no timings aligned to the narration alone. The
//! listening itself is `sync`'s; this file only hands it the words and reads back the times.

use std::path::Path;

use super::normalize::{self, Timed};
use super::{build, script, ImportError, Imported, Options, Token};
use crate::sync;

fn voice_of(opts: &Options) -> &str {
    opts.voice.as_deref().unwrap_or(sync::VOICE)
}

/// Places the words of each group the format timed as a whole by the audio and, with
/// `opts.snap`, removes the offset and drift the narration shows and moves starts and ends onto
/// its edges. Returns lines for the summary.
pub(super) fn refine(
    words: &mut [Timed],
    audio: &Path,
    opts: &Options,
) -> anyhow::Result<Vec<String>> {
    let mut groups = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let mut j = k;
        while j + 1 < words.len()
            && words[k].shared.is_some()
            && words[j + 1].shared == words[k].shared
        {
            j += 1;
        }
        if j > k {
            groups.push((k, j));
        }
        k = j + 1;
    }
    let mut notes = Vec::new();
    if groups.is_empty() && !opts.snap {
        return Ok(notes);
    }
    let mut spans: Vec<(f64, f64)> = words.iter().map(|w| (w.start, w.end)).collect();
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let heard = sync::cues::place(&mut spans, &texts, &groups, audio, voice_of(opts), false)
        .map_err(|e| anyhow::anyhow!("cannot decode audio {}: {e:#}", audio.display()))?;
    match heard.unplaced {
        Some(why) if !groups.is_empty() => notes.push(format!(
            "words inside {} cues are spread by their length, not placed by the audio: {why}",
            groups.len()
        )),
        _ if heard.placed > 0 => notes.push(format!(
            "the words inside {} cue{} were placed by the audio",
            heard.placed,
            if heard.placed == 1 { "" } else { "s" }
        )),
        _ => {}
    }
    if heard.silent > 0 && !groups.is_empty() {
        notes.push(format!(
            "{} cue{} over narration with no speech to hear kept their words' shares by length",
            heard.silent,
            if heard.silent == 1 { "" } else { "s" }
        ));
    }
    if opts.snap {
        let m = sync::offset::measure(&spans, &heard.db);
        spans = m.repaired;
        let moved = match sync::snap(&mut spans, &texts, audio, voice_of(opts))? {
            None => ", every word moved onto the voice".to_string(),
            Some(why) => format!(" (words not moved onto the voice: {why})"),
        };
        notes.push(format!(
            "--snap: offset {:+.0} ms and drift {:+.2} s an hour removed{moved}",
            m.offset * 1000.0,
            m.drift * 3600.0
        ));
    }
    for (w, (s, e)) in words.iter_mut().zip(spans) {
        w.start = s.max(0.0);
        w.end = e.max(w.start);
    }
    Ok(notes)
}

/// A project from a script and the narration alone: the script's words placed on the audio by
/// `sync::align`, its blank lines breaking slides as with timings.
pub fn from_script(
    script_file: &Path,
    audio: &Path,
    audio_ref: &str,
    base: &Path,
    opts: &Options,
) -> anyhow::Result<Imported> {
    let bad = |problem: String| ImportError {
        file: script_file.to_path_buf(),
        format: None,
        at: None,
        problem,
    };
    let text = super::read_text(script_file).map_err(bad)?;
    let script_slides = script::slides(&text);
    let all: Vec<String> = script_slides.iter().flatten().cloned().collect();
    if all.is_empty() {
        return Err(bad("the script has no words".into()).into());
    }
    let mut breaks = Vec::with_capacity(script_slides.len());
    let mut n = 0;
    for s in &script_slides {
        breaks.push(n);
        n += s.len();
    }
    let audio_info = crate::media::audio::probe(audio)
        .map_err(|e| anyhow::anyhow!("cannot decode audio {}: {e:#}", audio.display()))?;
    let alignment = sync::align::script(&all, audio, voice_of(opts)).map_err(|e| {
        anyhow::anyhow!(
            "aligning {} to {}: {e:#}",
            script_file.display(),
            audio.display()
        )
    })?;
    if alignment.range_db < 12.0 {
        return Err(bad(format!(
            "no speech heard in {} (its loudest and quietest moments are {:.0} dB apart)",
            audio.display(),
            alignment.range_db
        ))
        .into());
    }
    let placed = &alignment.words;
    // Words the narration ended before are not in it: a script longer than the recording, or
    // another recording.
    if let Some(&(k, _)) = alignment
        .unsure
        .last()
        .filter(|u| u.1 + 3 >= placed.len() && placed[u.0].squeezed)
    {
        let left = all.len() - k;
        return Err(bad(format!(
            "the narration ({:.1} s) ends before the script does: the last {left} word{} (from \
             word {}, \"{}\") are not in it; is {} the recording of this script?",
            audio_info.duration,
            if left == 1 { "" } else { "s" },
            k + 1,
            all[k],
            audio.display()
        ))
        .into());
    }
    let tokens: Vec<Token> = all
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let p = placed[k];
            // A word's sound may run into the next word's: it ends where that one begins.
            let next = placed.get(k + 1).map_or(f64::INFINITY, |n| n.start);
            Token::timed(w.as_str(), p.start, p.end.min(next).max(p.start))
        })
        .collect();
    let (words, repairs) = normalize::normalize(tokens, 0.0).map_err(|b| ImportError {
        file: script_file.to_path_buf(),
        format: None,
        at: Some(b.at),
        problem: b.problem,
    })?;
    let breaks = if words.len() == all.len() {
        breaks
    } else {
        Vec::new()
    };
    if alignment.confidence() < 0.6 {
        return Err(bad(format!(
            "only {:.0}% of the script's words match the narration in {}: is it the recording \
             of this script?",
            alignment.confidence() * 100.0,
            audio.display()
        ))
        .into());
    }
    let notes = vec![format!(
        "aligned to the narration: {:.0}% of the words matched well",
        alignment.confidence() * 100.0
    )];
    let mut warnings = Vec::new();
    for &(a, b) in alignment.unsure.iter().take(5) {
        let (s, e) = (alignment.words[a].start, alignment.words[b].end);
        warnings.push(format!(
            "words {}-{} (\"{}\" ... \"{}\", {s:.1}-{e:.1} s) could not be placed with confidence: \
             does the narration say them?",
            a + 1,
            b + 1,
            all[a],
            all[b]
        ));
    }
    if alignment.unsure.len() > 5 {
        warnings.push(format!(
            "{} more such stretches",
            alignment.unsure.len() - 5
        ));
    }
    let preset = super::preset_of(opts)?;
    build::project(
        words,
        &breaks,
        build::Made {
            format: "script",
            title: "a script aligned to the narration",
            repairs,
            script: None,
            notes,
            warnings,
        },
        audio_info,
        audio_ref,
        base,
        opts,
        preset,
        script_file,
    )
}
