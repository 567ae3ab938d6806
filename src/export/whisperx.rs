//! WhisperX's JSON transcript, so that tools reading WhisperX output take gpucast's corrected
//! words and times: `{"segments": [{"start", "end", "text", "words": [{"word", "start", "end"}]}],
//! "word_segments": [...]}`, one segment per slide (its time on screen, its words joined as they
//! are set) and `word_segments` every word again in order, as WhisperX writes both. Times are
//! seconds rounded to the millisecond, as WhisperX rounds them. A word carries `speaker` when
//! the project's word has one, and a segment the speaker of most of its words, as WhisperX's
//! diarization assigns them. A word carries `score` (WhisperX's confidence) when the project's word
//! has a confidence, as the timing file it was imported from gave it.

use serde::Serialize;

use super::Doc;

#[derive(Serialize)]
struct Transcript<'a> {
    segments: Vec<Segment<'a>>,
    word_segments: Vec<Word<'a>>,
}

#[derive(Serialize)]
struct Segment<'a> {
    start: f64,
    end: f64,
    text: String,
    words: Vec<Word<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
}

#[derive(Serialize, Clone)]
struct Word<'a> {
    word: &'a str,
    start: f64,
    end: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
}

pub(super) fn write(doc: &Doc<'_>) -> anyhow::Result<String> {
    let segments: Vec<Segment<'_>> = doc
        .blocks
        .iter()
        .map(|b| Segment {
            start: ms(b.start),
            end: ms(b.end),
            text: b.text(),
            words: b
                .words()
                .map(|w| Word {
                    word: &w.text,
                    start: ms(w.start),
                    end: ms(w.end),
                    score: w.confidence.map(|c| (c * 1000.0).round() / 1000.0),
                    speaker: w.speaker.as_deref(),
                })
                .collect(),
            speaker: b.speaker(),
        })
        .collect();
    let word_segments = segments.iter().flat_map(|s| s.words.clone()).collect();
    let mut json = serde_json::to_string_pretty(&Transcript {
        segments,
        word_segments,
    })?;
    json.push('\n');
    Ok(json)
}

/// Seconds rounded to the millisecond.
fn ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}
