//! Forced aligners: Gentle's JSON, Montreal Forced Aligner's TextGrids and JSON, aeneas sync maps.
//!
//! An aligner is given the script, so its words are the script's words; what differs is how each
//! tool marks silence, words it could not place, and levels (phones, sentences) around the words.
//!
//! Each tool has a file of its own and this one only lists the formats; `common` holds what the
//! JSON ones share.

mod aeneas;
mod common;
mod gentle;
mod mfa_json;
#[cfg(test)]
mod tests;
mod textgrid;

use super::Format;
use aeneas::{detect_aeneas, parse_aeneas};
use gentle::{detect_gentle, parse_gentle};
use mfa_json::{detect_mfa_json, parse_mfa_json};
use textgrid::{detect_mfa, parse_mfa};

pub const FORMATS: &[Format] = &[
    Format {
        name: "gentle",
        title: "Gentle JSON",
        detect: detect_gentle,
        parse: parse_gentle,
    },
    Format {
        name: "mfa",
        title: "Montreal Forced Aligner TextGrid (Praat)",
        detect: detect_mfa,
        parse: parse_mfa,
    },
    Format {
        name: "mfa-json",
        title: "Montreal Forced Aligner JSON",
        detect: detect_mfa_json,
        parse: parse_mfa_json,
    },
    Format {
        name: "aeneas",
        title: "aeneas JSON sync map",
        detect: detect_aeneas,
        parse: parse_aeneas,
    },
];
