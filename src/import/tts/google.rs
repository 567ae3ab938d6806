//! Google Cloud Text-to-Speech (v1beta1) timepoints: the time of each SSML `<mark>`, and nothing
//! else, so the words come from the script, read here with or without its SSML. `script.rs` reads
//! `--text` through the same reader (`ssml_words`), so that a script and these timepoints always
//! agree on its words: tags removed (a tag separates words), entities decoded.

use std::collections::HashMap;

use serde_json::Value;

use super::common::{any_field, unescape_xml};
use crate::import::json::{kind, Node};
use crate::import::{Bad, Input, Token};

pub(super) fn google_detect(input: &Input<'_>) -> bool {
    match input.json {
        Some(Value::Object(o)) => {
            o.get("timepoints")
                .and_then(Value::as_array)
                .is_some_and(|tps| match tps.first() {
                    Some(tp) => is_timepoint(tp),
                    None => o.contains_key("audioContent") || o.contains_key("audio_content"),
                })
        }
        Some(Value::Array(items)) => items.first().is_some_and(is_timepoint),
        _ => false,
    }
}

/// `{"markName": "w3", "timeSeconds": 1.25}`, or the snake_case of the Python client's dicts.
fn is_timepoint(v: &Value) -> bool {
    const KEYS: &[&str] = &["markName", "timeSeconds", "mark_name", "time_seconds"];
    v.as_object().is_some_and(|o| {
        (o.contains_key("markName") || o.contains_key("mark_name"))
            && o.keys().all(|k| KEYS.contains(&k.as_str()))
    })
}

pub(super) fn google_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let json = input
        .json
        .ok_or_else(|| Bad::new("top level", "expected JSON"))?;
    let root = Node::root(json);
    let list = if json.is_array() {
        root
    } else {
        root.field("timepoints")?
    };
    let mut timepoints = Vec::new();
    for tp in list.items()? {
        if !tp.value.is_object() {
            return Err(tp.bad(format!("expected an object, found {}", kind(tp.value))));
        }
        // proto3 JSON leaves out a field at its default: an empty name, time 0.
        let name = any_field(&tp, "markname").map(|n| n.str()).transpose()?;
        let time = any_field(&tp, "timeseconds")
            .map(|t| t.time())
            .transpose()?;
        timepoints.push((tp, name.unwrap_or(""), time.unwrap_or(0.0)));
    }
    let script = input.script.ok_or_else(|| {
        Bad::new(
            "top level",
            "Google timepoints hold times but no words: pass the script the speech was made from (its SSML with the <mark> tags, or its text) with --text",
        )
    })?;
    let script = read_script(script);
    let n = script.words.len();
    let mut starts: Vec<Option<f64>> = vec![None; n];
    // A mark after the last word is where the speech ends.
    let mut last_end: Option<f64> = None;
    if script.marks.is_empty() {
        if timepoints.len() != n {
            return Err(list.bad(format!(
                "{} timepoints for {n} words in the script: a script without <mark> tags needs one timepoint for each of its words, in order",
                timepoints.len()
            )));
        }
        for (start, (_, _, t)) in starts.iter_mut().zip(&timepoints) {
            *start = Some(*t);
        }
    } else {
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (name, word) in &script.marks {
            at.entry(name.as_str()).or_insert(*word);
        }
        for (tp, name, t) in &timepoints {
            let word = *at
                .get(name)
                .ok_or_else(|| tp.bad(format!("mark \"{name}\" is not in the script")))?;
            match starts.get_mut(word) {
                Some(start) => *start = Some(start.map_or(*t, |s| s.min(*t))),
                None => last_end = Some(last_end.map_or(*t, |e| e.max(*t))),
            }
        }
    }
    let mut tokens = Vec::with_capacity(n);
    for (i, text) in script.words.into_iter().enumerate() {
        let start = starts[i];
        let end = match starts.get(i + 1) {
            Some(next) => *next,
            None => last_end,
        };
        tokens.push(Token {
            text,
            start,
            end: end.filter(|&e| start.is_none_or(|s| e >= s)),
            speaker: None,
            confidence: None,
            shared: None,
        });
    }
    Ok(tokens)
}

/// A script's words, and for each `<mark>` its name and the index of the word after it.
struct Script {
    words: Vec<String>,
    marks: Vec<(String, usize)>,
}

/// The words of an SSML script (tags removed, entities decoded), or `None` for plain text.
/// `script.rs` reads `--text` through this, so an SSML script shows its words, not its tags.
pub(crate) fn ssml_words(script: &str) -> Option<Vec<String>> {
    is_ssml(script).then(|| read_script(script).words)
}

fn is_ssml(script: &str) -> bool {
    script.trim_start().starts_with('<') || script.contains("<mark")
}

/// Reads a plain script by whitespace, or an SSML one (it starts with a tag, or has a `<mark>`)
/// with its tags removed (a tag separates words) and its entities decoded.
fn read_script(script: &str) -> Script {
    let mut out = Script {
        words: Vec::new(),
        marks: Vec::new(),
    };
    if !is_ssml(script) {
        out.words = script.split_whitespace().map(String::from).collect();
        return out;
    }
    let mut word = String::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = tag_len(rest) {
            flush(&mut word, &mut out.words);
            let tag = &rest[1..len - 1];
            if let Some(name) = mark_name(tag) {
                out.marks.push((name, out.words.len()));
            }
            rest = &rest[len..];
            continue;
        }
        if c.is_whitespace() {
            flush(&mut word, &mut out.words);
        } else {
            word.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut word, &mut out.words);
    out
}

fn flush(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(unescape_xml(word));
        word.clear();
    }
}

/// The length of the tag (or comment) that `text` starts with, if it starts with a whole one.
fn tag_len(text: &str) -> Option<usize> {
    if !text.starts_with('<') {
        return None;
    }
    if text.starts_with("<!--") {
        return text.find("-->").map(|i| i + 3);
    }
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The name of a `<mark name="..."/>` tag, given what is between `<` and `>`.
fn mark_name(tag: &str) -> Option<String> {
    let tag = tag.trim();
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    if !tag[..end].eq_ignore_ascii_case("mark") {
        return None;
    }
    let mut rest = &tag[end..];
    while let Some(i) = rest.find("name") {
        let after = &rest[i + 4..];
        if rest[..i].ends_with(char::is_whitespace) {
            if let Some(value) = after.trim_start().strip_prefix('=') {
                let value = value.trim_start();
                for q in ['"', '\''] {
                    if let Some(body) = value.strip_prefix(q) {
                        return body.find(q).map(|j| unescape_xml(&body[..j]));
                    }
                }
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::import::tts::testing::{
        check, err, ok, texts, GOOGLE, GOOGLE_MESSY, GOOGLE_PLAIN, GOOGLE_PLAIN_SCRIPT,
        GOOGLE_SCRIPT,
    };

    #[test]
    fn google_marks_in_ssml_time_the_words_after_them() {
        check(
            &ok("google", GOOGLE, Some(GOOGLE_SCRIPT)),
            &[
                ("Photosynthesis", Some(0.0505), Some(0.8923)),
                ("turns", Some(0.8923), None),
                ("light", None, None),
                ("into", None, None),
                ("chemical", None, None),
                ("energy.", None, Some(3.1117)),
                ("Chlorophyll", Some(3.1117), None),
                ("absorbs", None, Some(4.2406)),
                ("mostly", Some(4.2406), None),
                ("red", None, None),
                ("&", None, None),
                ("blue", None, None),
                ("light,", None, Some(6.0772)),
                ("which", Some(6.0772), None),
                ("is", None, None),
                ("why", None, None),
                ("leaves", None, None),
                ("look", None, Some(7.5013)),
                // The mark after the last word ends it.
                ("green.", Some(7.5013), Some(7.9826)),
            ],
        );
    }

    #[test]
    fn google_one_timepoint_per_word_of_a_plain_script() {
        let words = ok("google", GOOGLE_PLAIN, Some(GOOGLE_PLAIN_SCRIPT));
        assert_eq!(
            texts(&words),
            GOOGLE_PLAIN_SCRIPT.split_whitespace().collect::<Vec<_>>()
        );
        check(
            &words[..2],
            &[
                ("Water", Some(0.0613), Some(0.4488)),
                ("boils", Some(0.4488), Some(0.8012)),
            ],
        );
        check(&words[15..], &[("lower.", Some(5.2712), None)]);
        // The Python client's snake_case, as a bare array.
        assert_eq!(ok("google", GOOGLE_MESSY, Some(GOOGLE_PLAIN_SCRIPT)), words);
    }

    #[test]
    fn google_edge_cases() {
        // proto3 JSON leaves out a time of 0; words before the first mark have no time; two
        // marks before one word give it the earlier time.
        let raw = r#"{"timepoints": [{"markName": "a"}, {"markName": "b", "timeSeconds": 0.8}, {"markName": "c", "timeSeconds": 0.7}]}"#;
        let script = "<?xml version=\"1.0\"?>\n<speak>So, <mark name='a'/>light <!-- <mark name=\"x\"/> --><mark name=\"b\"/><mark name=\"c\"/>bends.</speak>";
        check(
            &ok("google", raw, Some(script)),
            &[
                ("So,", None, Some(0.0)),
                ("light", Some(0.0), Some(0.7)),
                ("bends.", Some(0.7), None),
            ],
        );
        // A mark the timepoints do not name is simply untimed.
        check(
            &ok(
                "google",
                r#"[{"markName": "b", "timeSeconds": 0.8}]"#,
                Some(script),
            ),
            &[
                ("So,", None, None),
                ("light", None, Some(0.8)),
                ("bends.", Some(0.8), None),
            ],
        );
    }

    #[test]
    fn google_bad_files() {
        assert_eq!(
            err("google", GOOGLE, None),
            (
                "top level".into(),
                "Google timepoints hold times but no words: pass the script the speech was made from (its SSML with the <mark> tags, or its text) with --text".into()
            )
        );
        assert_eq!(
            err("google", GOOGLE_PLAIN, Some("Water boils at a lower temperature.")),
            (
                "timepoints".into(),
                "16 timepoints for 6 words in the script: a script without <mark> tags needs one timepoint for each of its words, in order".into()
            )
        );
        let script = GOOGLE_SCRIPT.replace("\"m3\"", "\"m33\"");
        assert_eq!(
            err("google", GOOGLE, Some(&script)),
            (
                "timepoints[3]".into(),
                "mark \"m3\" is not in the script".into()
            )
        );
        assert_eq!(
            err(
                "google",
                r#"{"timepoints": [{"markName": "a", "timeSeconds": "later"}]}"#,
                Some("a")
            ),
            (
                "timepoints[0].timeSeconds".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            err("google", r#"{"timepoints": [3]}"#, Some("a")),
            (
                "timepoints[0]".into(),
                "expected an object, found a number".into()
            )
        );
        assert_eq!(
            err("google", r#"{"audioContent": "AAAA"}"#, Some("a")),
            ("top level".into(), "missing field \"timepoints\"".into())
        );
    }
}
