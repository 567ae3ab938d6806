//! What the caption readers share: clock times (`H:MM:SS.fff` and shorter), the text of a cue
//! given as one entry, and karaoke syllables put together into words.

use crate::import::Token;
use crate::segment::{is_cjk, words};

/// `H:MM:SS.fff` (`parts` 3) or `MM:SS.ff` (`parts` 2) in seconds, the fraction optional. The
/// first part may have any number of digits (minutes past 59 in lyrics, hours in films), the
/// others one or two, below 60; the fraction, after a dot, any number of digits
/// (`5` is 500 ms, `05` is 50 ms). `None` if it is not such a time.
pub(super) fn clock(s: &str, parts: usize) -> Option<f64> {
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let fields: Vec<&str> = whole.split(':').collect();
    if fields.len() != parts {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mut seconds = 0.0;
    for (k, field) in fields.iter().enumerate() {
        if !digits(field) || (k > 0 && field.len() > 2) {
            return None;
        }
        let value: f64 = field.parse().ok()?;
        if k > 0 && value >= 60.0 {
            return None;
        }
        seconds = seconds * 60.0 + value;
    }
    if let Some(f) = fraction {
        seconds += fraction_of(f)?;
    }
    Some(seconds)
}

/// The digits after a decimal point as a fraction: `"05"` is 0.05.
pub(super) fn fraction_of(digits: &str) -> Option<f64> {
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<f64>().ok()? / 10f64.powi(digits.len() as i32))
}

/// A piece of user text short enough for an error message.
pub(super) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// A cue's text as one entry sharing the cue's time: the shared step cuts it into words at
/// spaces. Chinese and Japanese, written without spaces, are cut into their dictionary words
/// here, so that the shared step sees several words too.
pub(super) fn cue(
    text: &str,
    start: Option<f64>,
    end: Option<f64>,
    speaker: Option<&str>,
) -> Option<Token> {
    if !crate::segment::is_visible(text) {
        return None;
    }
    let text = if text.chars().any(is_cjk) {
        words(text).join(" ")
    } else {
        text.trim().to_string()
    };
    Some(Token {
        text,
        start,
        end,
        speaker: speaker.map(str::to_string),
        confidence: None,
        shared: None,
    })
}

/// A karaoke syllable (or any stretch of text with its own times).
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub(super) text: String,
    pub(super) start: Option<f64>,
    pub(super) end: Option<f64>,
}

/// A visible character with the start and end of the stretch of its syllable it belongs to.
type TimedChar = (char, Option<f64>, Option<f64>);

/// Words of consecutive syllables. Karaoke cuts words into syllables (`Hel` `lo `), so a
/// syllable that does not start with a space continues the word before; a word runs from its
/// first syllable's start to its last one's end. A syllable of several words shares its time
/// among them by length. Chinese and Japanese runs are cut into dictionary words, each from the
/// start of the syllable holding its first character to the end of the one holding its last.
pub(super) fn syllable_words(pieces: &[Piece], speaker: Option<&str>) -> Vec<Token> {
    // Every visible character with the times of the stretch of its syllable it belongs to;
    // `None` between words.
    let mut chars: Vec<Option<TimedChar>> = Vec::new();
    for piece in pieces {
        let parts: Vec<&str> = piece.text.split_whitespace().collect();
        let total: usize = parts.iter().map(|p| p.chars().count()).sum();
        if piece.text.starts_with(char::is_whitespace) {
            chars.push(None);
        }
        let mut done = 0;
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                chars.push(None);
            }
            let n = part.chars().count();
            let (from, to) = match (piece.start, piece.end) {
                (Some(s), Some(e)) if parts.len() > 1 && total > 0 => (
                    Some(s + (e - s) * done as f64 / total as f64),
                    Some(s + (e - s) * (done + n) as f64 / total as f64),
                ),
                _ => (piece.start, piece.end),
            };
            done += n;
            chars.extend(part.chars().map(|c| Some((c, from, to))));
        }
        if piece.text.ends_with(char::is_whitespace) {
            chars.push(None);
        }
    }
    let mut out = Vec::new();
    for word in chars.split(Option::is_none) {
        let word: Vec<TimedChar> = word.iter().flatten().copied().collect();
        push_word(&word, speaker, &mut out);
    }
    out
}

/// One run of characters between spaces; a run holding Chinese or Japanese is cut into its
/// dictionary words.
fn push_word(run: &[TimedChar], speaker: Option<&str>, out: &mut Vec<Token>) {
    let text: String = run.iter().map(|(c, _, _)| *c).collect();
    if !crate::segment::is_visible(&text) {
        return;
    }
    let token = |range: &[(char, Option<f64>, Option<f64>)]| Token {
        text: range.iter().map(|(c, _, _)| *c).collect(),
        start: range.first().and_then(|(_, s, _)| *s),
        end: range.last().and_then(|(_, _, e)| *e),
        speaker: speaker.map(str::to_string),
        confidence: None,
        shared: None,
    };
    let parts = if text.chars().any(is_cjk) {
        words(&text)
    } else {
        Vec::new()
    };
    if parts.len() < 2 || parts.concat() != text {
        out.push(token(run));
        return;
    }
    let mut at = 0;
    for part in parts {
        let n = part.chars().count();
        if let Some(range) = run.get(at..at + n) {
            out.push(token(range));
        }
        at += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(clock("1:02:03.5", 3), Some(3723.5));
        assert_eq!(clock("0:00:01.050", 3), Some(1.05));
        assert_eq!(clock("75:00.00", 2), Some(4500.0));
        assert_eq!(clock("01:02", 2), Some(62.0));
        for bad in [
            "1:60:00.00",
            "1:2:3:4",
            "a:00.00",
            "1:00.",
            "1::00",
            "",
            ".5",
            "1:00.5x",
        ] {
            assert_eq!(clock(bad, 3).or(clock(bad, 2)), None, "{bad}");
        }
    }

    fn piece(text: &str, start: f64, end: f64) -> Piece {
        Piece {
            text: text.into(),
            start: Some(start),
            end: Some(end),
        }
    }

    #[test]
    fn syllables_join_into_words() {
        let words = syllable_words(
            &[
                piece("Hel", 1.0, 1.2),
                piece("lo ", 1.2, 1.5),
                piece("big wide", 1.5, 2.2),
                piece("world", 2.2, 2.5),
            ],
            Some("A"),
        );
        let got: Vec<(&str, f64, f64)> = words
            .iter()
            .map(|t| (t.text.as_str(), t.start.unwrap(), t.end.unwrap()))
            .collect();
        // "wide" and "world" touch: one word, as the file writes it.
        assert_eq!(
            got,
            [
                ("Hello", 1.0, 1.5),
                ("big", 1.5, 1.8),
                ("wideworld", 1.8, 2.5)
            ]
        );
        assert_eq!(words[0].speaker.as_deref(), Some("A"));
    }
}
