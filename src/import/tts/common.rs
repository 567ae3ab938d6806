//! What the text-to-speech formats share: reading a file that is a list of entries (a JSON
//! array, JSON lines, or a single object), finding a field under whichever spelling of its name an
//! SDK wrote, and decoding the XML entities of text that went through SSML. A problem found inside
//! an entry of a JSON-lines file must keep naming that entry's line (`Entry::locate`), and
//! detection looks at the first few entries, not only the first (`peek`), since a stream may open
//! with chunks that carry no timings.

use serde_json::Value;

use crate::import::json::{kind, Node};
use crate::import::{Bad, Input};

/// How many entries detection looks at: a stream may open with chunks that carry no timings.
const PEEK: usize = 8;

/// The first entries of a file that is a list: a JSON array's items, JSON lines, or one value.
pub(super) fn peek<'a>(input: &Input<'a>) -> Vec<&'a Value> {
    match (input.json, input.lines) {
        (Some(Value::Array(items)), _) => items.iter().take(PEEK).collect(),
        (Some(v), _) => vec![v],
        (None, Some(lines)) => lines.iter().take(PEEK).map(|(_, v)| v).collect(),
        (None, None) => Vec::new(),
    }
}

/// One entry of a list file, with its line when the file is JSON lines.
pub(super) struct Entry<'a> {
    pub(super) node: Node<'a>,
    pub(super) line: Option<usize>,
}

impl<'a> Entry<'a> {
    /// Puts the line into a problem found inside this entry.
    pub(super) fn locate(&self, bad: Bad) -> Bad {
        match self.line {
            None => bad,
            Some(n) if bad.at == "top level" => Bad::line(n, bad.problem),
            Some(n) => Bad::new(format!("line {n}, {}", bad.at), bad.problem),
        }
    }

    pub(super) fn object(&self) -> Result<&Node<'a>, Bad> {
        if self.node.value.is_object() {
            Ok(&self.node)
        } else {
            let found = kind(self.node.value);
            Err(self.locate(self.node.bad(format!("expected an object, found {found}"))))
        }
    }
}

/// The entries of a JSON array or of JSON lines; a file of one JSON object is a list of one.
pub(super) fn entries<'a>(input: &Input<'a>) -> Result<Vec<Entry<'a>>, Bad> {
    if let Some(v) = input.json {
        let root = Node::root(v);
        if !v.is_array() {
            return Ok(vec![Entry {
                node: root,
                line: None,
            }]);
        }
        return Ok(root
            .items()?
            .into_iter()
            .map(|node| Entry { node, line: None })
            .collect());
    }
    match input.lines {
        Some(lines) => Ok(lines
            .iter()
            .map(|(n, v)| Entry {
                node: Node::root(v),
                line: Some(*n),
            })
            .collect()),
        None => Err(Bad::new("top level", "expected JSON or JSON lines")),
    }
}

/// True if `key` is `name` as some SDK spells it: `audio_offset`, `audioOffset`, `AudioOffset`,
/// or `privAudioOffset`, which `JSON.stringify` writes for the JavaScript SDKs' objects.
/// `name` is in lower case without underscores.
fn same_key(key: &str, name: &str) -> bool {
    let plain = |k: &str| {
        k.chars()
            .filter(|&c| c != '_')
            .map(|c| c.to_ascii_lowercase())
            .eq(name.chars())
    };
    plain(key) || key.strip_prefix("priv").is_some_and(plain)
}

/// A field (not null) under any SDK's spelling of `name` (see `same_key`).
pub(super) fn any_key<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, v)| same_key(k, name) && !v.is_null())
        .map(|(_, v)| v)
}

/// `any_key` for a node, keeping the key as written in the path.
pub(super) fn any_field<'a>(node: &Node<'a>, name: &str) -> Option<Node<'a>> {
    let key = node
        .value
        .as_object()?
        .iter()
        .find(|(k, v)| same_key(k, name) && !v.is_null())?
        .0;
    node.get(key)
}

/// `&amp;`, `&lt;`, `&#233;`... as the characters they stand for, for text that went through
/// SSML; anything else is kept as written.
pub(super) fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entity = rest[1..]
            .find(';')
            .filter(|&j| j <= 10)
            .map(|j| &rest[1..=j]);
        let decoded = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = e.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, entity) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_entities() {
        assert_eq!(
            unescape_xml("AT&amp;T &lt;b&gt; &#233;t&#xE9; &quot;&apos;"),
            "AT&T <b> été \"'"
        );
        assert_eq!(
            unescape_xml("a & b &nope; &#xD800; &"),
            "a & b &nope; &#xD800; &"
        );
    }
}
