//! Subtitle files: SubRip (`.srt`) and WebVTT (`.vtt`). A cue gives times for a line or two of
//! text, so its words share the cue's time, each in proportion to its length. Three shapes carry
//! more than that and are read as such: one word per cue, openai-whisper's `--highlight_words`
//! output (one cue per word, the word underlined in the whole line), and WebVTT inline
//! timestamps (`word<00:00:01.500><c> word</c>`), which YouTube's automatic captions use in
//! rolling cues that repeat the previous line.
//!
//! Both formats go the same way: `cues` reads the blocks, `words` makes words of them, and
//! `markup` reads the text inside a cue; this file only tells the two formats apart.

mod cues;
mod markup;
#[cfg(test)]
mod tests;
mod words;

use super::{Bad, Format, Input, Token};
use cues::{is_webvtt, read_cues, times, Kind};
use words::words;

pub const FORMATS: &[Format] = &[
    Format {
        name: "srt",
        title: "SubRip subtitles (.srt)",
        detect: srt_detect,
        parse: srt_parse,
    },
    Format {
        name: "vtt",
        title: "WebVTT subtitles (.vtt), YouTube captions included",
        detect: vtt_detect,
        parse: vtt_parse,
    },
];

fn srt_detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() || is_webvtt(input.text) {
        return false;
    }
    // The first block: an index line (any, it is often wrong) and a time line, or the time
    // line alone.
    let mut lines = input
        .text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let timed = |line: &str| matches!(times(line, Kind::Srt), Some(Ok(_)));
    if first.contains("-->") {
        return timed(first);
    }
    first.chars().count() <= 32 && lines.next().is_some_and(timed)
}

fn vtt_detect(input: &Input<'_>) -> bool {
    input.json.is_none() && is_webvtt(input.text)
}

/// Each cue of a SubRip or WebVTT file as shown: its times and its lines' plain text (tags and
/// entities read, a speaker's `[NAME]:` or `<v NAME>` left out) on one line.
pub(crate) fn cue_texts(text: &str) -> Result<Vec<(f64, f64, String)>, Bad> {
    let kind = if is_webvtt(text) {
        Kind::Vtt
    } else {
        Kind::Srt
    };
    Ok(read_cues(text, kind)?
        .iter()
        .map(|cue| {
            let lines: Vec<String> = cue
                .lines
                .iter()
                .map(|(_, l)| markup::plain(markup::split_label(l).1))
                .filter(|l| !l.is_empty())
                .collect();
            (cue.start, cue.end, lines.join(" "))
        })
        .filter(|(.., t)| !t.is_empty())
        .collect())
}

fn srt_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    words(&read_cues(input.text, Kind::Srt)?)
}

fn vtt_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    words(&read_cues(input.text, Kind::Vtt)?)
}
