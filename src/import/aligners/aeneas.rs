//! aeneas JSON sync maps. The words are the deepest fragments (those of an `mplain` map); a
//! fragment of several words gives its start to the first of them and its end to the last,
//! leaving the times between to interpolation, and the HEAD and TAIL fragments, which have no
//! lines, give no words.

use serde_json::Value;

use super::common::json_root;
use crate::import::json::Node;
use crate::import::{Bad, Input, Token};

/// Several words known only as a whole: the first starts with it and the last ends with it; the
/// times in between are left to interpolation.
fn spread(out: &mut Vec<Token>, words: &[&str], start: f64, end: f64) {
    let last = words.len().saturating_sub(1);
    let group = (words.len() > 1).then_some(out.len() as u32);
    for (i, w) in words.iter().enumerate() {
        out.push(Token {
            text: (*w).to_string(),
            start: (i == 0).then_some(start),
            end: (i == last).then_some(end),
            speaker: None,
            confidence: None,
            shared: group,
        });
    }
}

pub(super) fn detect_aeneas(input: &Input<'_>) -> bool {
    let Some(fragments) = input
        .json
        .and_then(|v| v.get("fragments"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    fragments.first().is_none_or(|f| {
        f.get("lines").is_some() || (f.get("begin").is_some() && f.get("end").is_some())
    })
}

pub(super) fn parse_aeneas(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut out = Vec::new();
    aeneas_fragments(&json_root(input)?.field("fragments")?, &mut out)?;
    Ok(out)
}

/// The deepest fragments (the words of an `mplain` map); a fragment of several words is spread.
fn aeneas_fragments(list: &Node<'_>, out: &mut Vec<Token>) -> Result<(), Bad> {
    for fragment in list.items()? {
        if let Some(children) = fragment.get("children") {
            if children.len() != Some(0) {
                aeneas_fragments(&children, out)?;
                continue;
            }
        }
        let mut text = String::new();
        for line in fragment.field("lines")?.items()? {
            text.push_str(line.str()?);
            text.push(' ');
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        // HEAD and TAIL (`os_task_file_head_tail_format=add`) have no lines.
        if words.is_empty() {
            continue;
        }
        let begin = fragment.field("begin")?.time()?;
        let end = fragment.field("end")?.time()?;
        spread(out, &words, begin, end);
    }
    Ok(())
}
