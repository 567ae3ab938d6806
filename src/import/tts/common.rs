//! What the text-to-speech formats share: reading a file that is a list of entries (`list`),
//! finding a field under whichever spelling of its name an SDK wrote, and decoding the XML
//! entities of text that went through SSML.

use serde_json::Value;

use crate::import::json::Node;
pub(super) use crate::import::list::{entries, peek};

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
