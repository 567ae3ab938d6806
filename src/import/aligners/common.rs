//! What the JSON aligners share: the parsed file as the root of the paths their problems name,
//! or, for a file that is not JSON, one problem saying so at the top level.

use crate::import::json::Node;
use crate::import::{Bad, Input};

pub(super) fn json_root<'a>(input: &Input<'a>) -> Result<Node<'a>, Bad> {
    input
        .json
        .map(Node::root)
        .ok_or_else(|| Bad::new("top level", "not a JSON file"))
}
