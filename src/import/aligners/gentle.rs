//! Gentle's JSON: a word per entry with its `case`, and the transcript with each word's character
//! offsets in it. Words Gentle could not place keep their place without times, fillers it heard
//! but the transcript lacks are dropped, and the transcript's punctuation is put back around the
//! words only when every offset points at its word; otherwise the words stand as Gentle wrote them.

use serde_json::Value;

use super::common::json_root;
use crate::import::{Bad, Input, Token};

fn untimed(text: impl Into<String>) -> Token {
    Token {
        text: text.into(),
        start: None,
        end: None,
        speaker: None,
        confidence: None,
        shared: None,
    }
}

const GENTLE_CASES: &[&str] = &["success", "not-found-in-audio", "not-found-in-transcript"];

pub(super) fn detect_gentle(input: &Input<'_>) -> bool {
    let Some(words) = input
        .json
        .and_then(|v| v.get("words"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    words.iter().take(5).any(|w| {
        w.get("case")
            .and_then(Value::as_str)
            .is_some_and(|c| GENTLE_CASES.contains(&c))
    })
}

pub(super) fn parse_gentle(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let root = json_root(input)?;
    let mut words = Vec::new();
    for w in root.field("words")?.items()? {
        let case = w.get("case").map(|c| c.str()).transpose()?;
        // A filler Gentle heard but the transcript does not have (`--disfluency`).
        if case == Some("not-found-in-transcript") {
            continue;
        }
        let text = w.field("word")?.str()?;
        let (start, end) = if matches!(case, None | Some("success")) {
            (w.opt_time("start")?, w.opt_time("end")?)
        } else {
            (None, None)
        };
        let offsets = match (w.get("startOffset"), w.get("endOffset")) {
            (Some(s), Some(e)) => s.value.as_u64().zip(e.value.as_u64()),
            _ => None,
        };
        words.push((
            Token {
                text: text.to_string(),
                start,
                end,
                speaker: None,
                confidence: None,
                shared: None,
            },
            offsets,
        ));
    }
    let transcript = root.get("transcript").and_then(|t| t.value.as_str());
    Ok(match transcript.and_then(|t| with_transcript(t, &words)) {
        Some(tokens) => tokens,
        None => words.into_iter().map(|(t, _)| t).collect(),
    })
}

/// The words with the transcript's punctuation around them (Gentle's words are only the letters
/// and digits). `None` if the offsets do not point at the words, so the words are used as they are.
fn with_transcript(transcript: &str, words: &[(Token, Option<(u64, u64)>)]) -> Option<Vec<Token>> {
    if words.is_empty() {
        return None;
    }
    // Gentle's offsets count characters (Python string indices), not bytes.
    let bounds: Vec<usize> = transcript
        .char_indices()
        .map(|(i, _)| i)
        .chain([transcript.len()])
        .collect();
    let slice = |a: usize, b: usize| transcript.get(*bounds.get(a)?..*bounds.get(b)?);
    let mut out: Vec<Token> = Vec::new();
    let mut pos = 0;
    for (token, offsets) in words {
        let (s, e) = (*offsets)?;
        let (s, e) = (usize::try_from(s).ok()?, usize::try_from(e).ok()?);
        if s < pos || e < s || slice(s, e)? != token.text {
            return None;
        }
        let lead = share_gap(slice(pos, s)?, &mut out);
        out.push(Token {
            text: format!("{lead}{}", token.text),
            ..token.clone()
        });
        pos = e;
    }
    let rest = share_gap(slice(pos, bounds.len() - 1)?, &mut out);
    if !rest.is_empty() {
        out.push(untimed(rest));
    }
    Some(out)
}

/// Shares out the text between two words: what touches the previous word joins it, what stands
/// alone between spaces (`&`, `—`) becomes a word without times, and what touches the next word is
/// returned to go in front of it.
fn share_gap<'t>(gap: &'t str, out: &mut Vec<Token>) -> &'t str {
    let mut pieces = gap.split(char::is_whitespace);
    let first = pieces.next().unwrap_or("");
    let mut middle: Vec<&str> = pieces.collect();
    let Some(lead) = middle.pop() else {
        // No space in the gap: it all sticks to the previous word, or to the next at the start.
        return match out.last_mut() {
            Some(prev) => {
                prev.text.push_str(first);
                ""
            }
            None => first,
        };
    };
    if let Some(prev) = out.last_mut() {
        prev.text.push_str(first);
    } else if !first.is_empty() {
        out.push(untimed(first));
    }
    for piece in middle {
        if !piece.is_empty() {
            out.push(untimed(piece));
        }
    }
    lead
}
