//! A file that is a list of entries: a JSON array, JSON lines, or a single object (a list of
//! one), as text-to-speech engines and recognisers write them. A problem found inside an entry
//! of a JSON-lines file must keep naming that entry's line (`Entry::locate`), and detection
//! looks at the first few entries, not only the first (`peek`), since a stream may open with
//! entries that carry no timings.

use serde_json::Value;

use super::json::{kind, Node};
use super::{Bad, Input};

/// How many entries detection looks at: a stream may open with entries that carry no words.
const PEEK: usize = 8;

/// The first entries of a file that is a list: a JSON array's items, JSON lines, or one value.
pub(crate) fn peek<'a>(input: &Input<'a>) -> Vec<&'a Value> {
    match (input.json, input.lines) {
        (Some(Value::Array(items)), _) => items.iter().take(PEEK).collect(),
        (Some(v), _) => vec![v],
        (None, Some(lines)) => lines.iter().take(PEEK).map(|(_, v)| v).collect(),
        (None, None) => Vec::new(),
    }
}

/// One entry of a list file, with its line when the file is JSON lines.
pub(crate) struct Entry<'a> {
    pub(crate) node: Node<'a>,
    pub(crate) line: Option<usize>,
}

impl<'a> Entry<'a> {
    /// Puts the line into a problem found inside this entry.
    pub(crate) fn locate(&self, bad: Bad) -> Bad {
        match self.line {
            None => bad,
            Some(n) if bad.at == "top level" => Bad::line(n, bad.problem),
            Some(n) => Bad::new(format!("line {n}, {}", bad.at), bad.problem),
        }
    }

    /// Where this entry is, for problems about the entry as a whole.
    pub(crate) fn bad(&self, problem: impl Into<String>) -> Bad {
        self.locate(self.node.bad(problem))
    }

    pub(crate) fn object(&self) -> Result<&Node<'a>, Bad> {
        if self.node.value.is_object() {
            Ok(&self.node)
        } else {
            Err(self.bad(format!(
                "expected an object, found {}",
                kind(self.node.value)
            )))
        }
    }
}

/// The entries of a JSON array or of JSON lines; a file of one JSON object is a list of one.
pub(crate) fn entries<'a>(input: &Input<'a>) -> Result<Vec<Entry<'a>>, Bad> {
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
