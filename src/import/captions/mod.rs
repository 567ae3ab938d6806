//! Caption and karaoke formats: YouTube's json3 and SubViewer (`.sbv`) captions, LRC lyrics,
//! ASS/SSA karaoke subtitles and TTML (IMSC, DFXP). Each format has a file of its own; `common`
//! holds what they share (clock times, a cue's text as one entry, karaoke syllables joined into
//! words).

mod ass;
mod common;
mod json3;
mod lrc;
mod sbv;
#[cfg(test)]
mod tests;
mod ttml;

use super::Format;

pub const FORMATS: &[Format] = &[
    Format {
        name: "json3",
        title: "YouTube timedtext json3 captions (yt-dlp --sub-format json3)",
        detect: json3::detect,
        parse: json3::parse,
    },
    Format {
        name: "lrc",
        title: "LRC lyrics, enhanced (A2) word times included",
        detect: lrc::detect,
        parse: lrc::parse,
    },
    Format {
        name: "ass",
        title: "ASS/SSA subtitles, karaoke (\\k) syllables included",
        detect: ass::detect,
        parse: ass::parse,
    },
    Format {
        name: "ttml",
        title: "TTML / IMSC / DFXP timed text",
        detect: ttml::detect,
        parse: ttml::parse,
    },
    Format {
        name: "sbv",
        title: "YouTube SubViewer captions (.sbv)",
        detect: sbv::detect,
        parse: sbv::parse,
    },
];

/// Other names people use for these formats.
pub const ALIASES: &[(&str, &str)] = &[
    ("youtube", "json3"),
    ("yt-json3", "json3"),
    ("ssa", "ass"),
    ("karaoke", "ass"),
    ("dfxp", "ttml"),
    ("imsc", "ttml"),
    ("subviewer", "sbv"),
];
