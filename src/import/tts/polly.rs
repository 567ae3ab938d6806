//! Amazon Polly speech marks: JSON lines, `time` in milliseconds, `start`/`end` byte offsets of
//! the word in the text Polly was given. The script's spelling is used only when every mark's
//! bytes spell its word in it (another script, or one saved with other line ends, must not be
//! cut at those offsets), and SSML tags, which get word marks of their own, are never words.

use serde_json::Value;

use super::common::{entries, peek, unescape_xml};
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

const POLLY_TYPES: &[&str] = &["sentence", "word", "viseme", "ssml"];

pub(super) fn polly_detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| {
        v.get("time").is_some_and(Value::is_number)
            && v.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| POLLY_TYPES.contains(&t))
    })
}

struct Mark {
    time: f64,
    span: Option<(usize, usize)>,
    value: String,
}

impl Mark {
    /// Polly gives SSML tags (`<break time="300ms"/>`) word marks of their own.
    fn is_tag(&self) -> bool {
        let v = self.value.trim();
        v.starts_with('<') && v.ends_with('>')
    }
}

pub(super) fn polly_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut marks = Vec::new();
    let entries = entries(input)?;
    let last = entries.len().saturating_sub(1);
    for (i, e) in entries.iter().enumerate() {
        // Scripts that collect marks from a stream sometimes close the list with a sentinel
        // string ("END"): it is not a mark.
        if i == last && i > 0 && e.node.value.as_str() == Some("END") {
            continue;
        }
        marks.extend(polly_mark(e.object()?).map_err(|b| e.locate(b))?);
    }
    // The script Polly read, if it is the one given: every mark's bytes must spell its value
    // (a script saved with other line ends, for one, is not).
    let script = input.script.filter(|s| {
        marks
            .iter()
            .all(|m| m.span.and_then(|(a, b)| s.get(a..b)) == Some(m.value.as_str()))
    });
    let mut tokens = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        if m.is_tag() {
            continue;
        }
        let text = match (script, m.span) {
            (Some(s), Some(span)) => {
                let lo = i
                    .checked_sub(1)
                    .and_then(|j| marks[j].span)
                    .map_or(0, |p| p.1);
                let hi = marks
                    .get(i + 1)
                    .and_then(|n| n.span)
                    .map_or(s.len(), |n| n.0);
                unescape_xml(widen(s, span, lo, hi))
            }
            _ => unescape_xml(&m.value),
        };
        let next = marks[i + 1..].iter().find(|n| !n.is_tag());
        tokens.push(Token {
            text,
            start: Some(m.time),
            // Polly marks starts only: a word lasts until the next one begins.
            end: next.map(|n| n.time).filter(|&t| t >= m.time),
            speaker: None,
            confidence: None,
            shared: None,
        });
    }
    Ok(tokens)
}

/// A word mark; other marks are `None`.
fn polly_mark(node: &Node<'_>) -> Result<Option<Mark>, Bad> {
    if node.field("type")?.str()? != "word" {
        return Ok(None);
    }
    let byte = |key| -> Result<Option<usize>, Bad> {
        let Some(n) = node.get(key) else {
            return Ok(None);
        };
        match n.value.as_u64().and_then(|b| usize::try_from(b).ok()) {
            Some(b) => Ok(Some(b)),
            None => Err(n.bad(format!("expected a byte offset, found {}", n.value))),
        }
    };
    let span = match (byte("start")?, byte("end")?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Ok(Some(Mark {
        time: node.field("time")?.time()? / 1000.0,
        span,
        value: node.field("value")?.str()?.to_string(),
    }))
}

/// The word at bytes `a..b` of `script` with the punctuation the user wrote around it
/// (`question:`, `"Hello`): widened up to whitespace or a tag, but not into the marks before
/// (ending at `lo`) or after (starting at `hi`).
fn widen(script: &str, (a, b): (usize, usize), lo: usize, hi: usize) -> &str {
    let stop = |c: char| c.is_whitespace() || c == '<' || c == '>';
    let before = script.get(lo.min(a)..a).unwrap_or("");
    let after = script.get(b..hi.max(b)).unwrap_or("");
    let left = a - before
        .chars()
        .rev()
        .take_while(|&c| !stop(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let right = b + after
        .chars()
        .take_while(|&c| !stop(c))
        .map(char::len_utf8)
        .sum::<usize>();
    script.get(left..right).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use crate::import::tts::testing::{
        check, err, ok, texts, POLLY, POLLY_MESSY, POLLY_SCRIPT, POLLY_SSML, POLLY_SSML_SCRIPT,
    };

    #[test]
    fn polly_words_take_the_scripts_spelling_by_byte_offsets() {
        let words = ok("polly", POLLY, Some(POLLY_SCRIPT));
        assert_eq!(
            texts(&words),
            "Schrödinger's famous thought experiment asks a naïve question: is a cat in a sealed box alive, dead, or both?"
                .split(' ')
                .collect::<Vec<_>>()
        );
        check(
            &words[..2],
            &[
                ("Schrödinger's", Some(0.006), Some(0.925)),
                ("famous", Some(0.925), Some(1.406)),
            ],
        );
        check(
            &words[6..8],
            &[
                ("naïve", Some(3.202), Some(3.645)),
                ("question:", Some(3.645), Some(4.487)),
            ],
        );
        // The last word lasts until the shared code gives it an end.
        check(&words[18..], &[("both?", Some(7.516), None)]);
    }

    #[test]
    fn polly_words_without_a_script_or_with_another_one() {
        let plain = ok("polly", POLLY, None);
        check(
            &plain[6..8],
            &[
                ("naïve", Some(3.202), Some(3.645)),
                ("question", Some(3.645), Some(4.487)),
            ],
        );
        assert_eq!(plain.len(), 19);
        // Offsets that land elsewhere (another text, or inside a character) are not trusted.
        let other = POLLY_SCRIPT.replace("Schrödinger's", "Schroedinger's");
        assert_eq!(ok("polly", POLLY, Some(&other)), plain);
        let inside = "{\"time\":6,\"type\":\"word\",\"start\":3,\"end\":5,\"value\":\"rö\"}\n{\"time\":9,\"type\":\"word\",\"start\":5,\"end\":6,\"value\":\"d\"}\n";
        assert_eq!(texts(&ok("polly", inside, Some(POLLY_SCRIPT))), ["rö", "d"]);
    }

    #[test]
    fn polly_ssml_tags_are_not_words() {
        check(
            &ok("polly", POLLY_SSML, Some(POLLY_SSML_SCRIPT)),
            &[
                ("Entropy", Some(0.006), Some(0.539)),
                ("always", Some(0.539), Some(1.322)),
                ("increases", Some(1.322), Some(1.975)),
                ("in", Some(1.975), Some(2.223)),
                ("an", Some(2.223), Some(2.441)),
                ("isolated", Some(2.441), Some(3.032)),
                ("system.", Some(3.032), None),
            ],
        );
        assert_eq!(
            texts(&ok("polly", POLLY_SSML, None)),
            [
                "Entropy",
                "always",
                "increases",
                "in",
                "an",
                "isolated",
                "system"
            ]
        );
    }

    #[test]
    fn polly_marks_as_a_json_array() {
        check(
            &ok("polly", POLLY_MESSY, None),
            &[
                ("Free", Some(0.02), Some(0.364)),
                ("energy", Some(0.364), Some(0.834)),
                ("decides", Some(0.834), Some(1.384)),
                ("which", Some(1.384), Some(1.819)),
                ("reactions", Some(1.819), Some(2.493)),
                ("run", Some(2.493), Some(2.795)),
                ("on", Some(2.795), Some(3.013)),
                ("their", Some(3.013), Some(3.421)),
                ("own", Some(3.421), None),
            ],
        );
    }

    #[test]
    fn polly_bad_files() {
        let lines: Vec<&str> = POLLY.lines().collect();
        let bad = |line: &str| [lines[0], lines[1], line].join("\n");
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":"soon","type":"word","start":15,"end":21,"value":"famous"}"#),
                None
            ),
            (
                "line 3, time".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"start":15,"end":21,"value":"famous"}"#),
                None
            ),
            ("line 3".into(), "missing field \"type\"".into())
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"type":"word","start":1.5,"end":21,"value":"famous"}"#),
                None
            ),
            (
                "line 3, start".into(),
                "expected a byte offset, found 1.5".into()
            )
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":-925,"type":"word","start":15,"end":21,"value":"famous"}"#),
                None
            ),
            ("line 3, time".into(), "negative time -925".into())
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"type":"word","start":15,"end":21}"#),
                None
            ),
            ("line 3".into(), "missing field \"value\"".into())
        );
        assert_eq!(
            err(
                "polly",
                r#"[{"time":925,"type":"word","value":"a"}, "b"]"#,
                None
            ),
            ("[1]".into(), "expected an object, found text".into())
        );
    }

    #[test]
    fn polly_array_closed_by_an_end_sentinel() {
        let marks = r#"[{"time":6,"type":"word","start":0,"end":5,"value":"Rivers"},
            {"time":410,"type":"word","start":6,"end":10,"value":"flow"}, "END"]"#;
        check(
            &ok("polly", marks, None),
            &[
                ("Rivers", Some(0.006), Some(0.41)),
                ("flow", Some(0.41), None),
            ],
        );
        // Only as the last entry: anywhere else a string is a broken file.
        let early = r#"[{"time":6,"type":"word","value":"a"}, "END", {"time":9,"type":"word","value":"b"}]"#;
        assert_eq!(
            err("polly", early, None),
            ("[1]".into(), "expected an object, found text".into())
        );
    }
}
