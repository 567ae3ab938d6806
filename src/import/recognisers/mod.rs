//! Other speech recognisers' JSON (filled in by the formats that follow).

use super::Format;

pub const FORMATS: &[Format] = &[];
/// Other names people use for these formats.
pub const ALIASES: &[(&str, &str)] = &[];
