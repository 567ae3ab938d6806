//! What the speech-to-text readers share: the parsed file as the root of the paths their problems
//! name, a field found under whichever spelling of its name a client library wrote (the REST
//! API's camelCase, a Python dump's snake_case), and a speaker label as text.

use serde_json::Value;

use crate::import::json::Node;
use crate::import::{Bad, Input};

pub(super) fn json_root<'a>(input: &Input<'a>) -> Result<Node<'a>, Bad> {
    input
        .json
        .map(Node::root)
        .ok_or_else(|| Bad::new("top level", "not a JSON file"))
}

/// The first of `keys` that the object has (not null).
pub(super) fn first_field<'a>(node: &Node<'a>, keys: &[&str]) -> Option<Node<'a>> {
    keys.iter().find_map(|k| node.get(k))
}

/// The first of `keys` that the value has (not null).
pub(super) fn first_key<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| v.get(k).filter(|x| !x.is_null()))
}

/// A speaker as the service names it: a label kept as written (`"A"`, `"spk_1"`), a number as
/// its digits (`0` is `"0"`, and `1.0`, which some dumps write for an integer, is `"1"`).
/// Empty text is no speaker.
pub(super) fn speaker_label(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Some(i.to_string()),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{f:.0}")),
            (None, Some(f)) => Some(f.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// The speaker in a field, if it is there.
pub(super) fn speaker_of(node: &Node<'_>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| node.value.get(k).and_then(speaker_label))
}

/// True for a JSON number with no fraction (`1240`, not `1.24`): AssemblyAI's milliseconds.
pub(super) fn is_whole(v: &Value) -> bool {
    v.as_u64().is_some() || v.as_i64().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_as_text() {
        let label = |s: &str| speaker_label(&serde_json::from_str(s).unwrap());
        assert_eq!(label("0"), Some("0".into()));
        assert_eq!(label("1.0"), Some("1".into()));
        assert_eq!(label("1.5"), Some("1.5".into()));
        assert_eq!(label("\"spk_1\""), Some("spk_1".into()));
        assert_eq!(label("\" \""), None);
        assert_eq!(label("null"), None);
        assert_eq!(label("true"), None);
    }
}
