//! Speech-to-text services' JSON responses: Deepgram, AssemblyAI, Amazon Transcribe, Google Cloud
//! Speech-to-Text and Rev.ai. Each gives the words it heard with their times, often their
//! punctuation and, with diarization, who spoke; what differs is where the words sit, the unit of
//! the times (seconds, milliseconds, strings, protobuf durations) and how punctuation and speakers
//! are written.
//!
//! Each service has a file of its own, and what several of them need is in `common`; this one
//! only lists the formats.

mod assemblyai;
mod common;
mod deepgram;
mod google_stt;
mod revai;
#[cfg(test)]
mod tests;
mod transcribe;

use super::Format;
use assemblyai::{assemblyai_detect, assemblyai_parse};
use deepgram::{deepgram_detect, deepgram_parse};
use google_stt::{google_stt_detect, google_stt_parse};
use revai::{revai_detect, revai_parse};
use transcribe::{transcribe_detect, transcribe_parse};

pub const FORMATS: &[Format] = &[
    Format {
        name: "deepgram",
        title: "Deepgram pre-recorded transcription JSON",
        detect: deepgram_detect,
        parse: deepgram_parse,
    },
    Format {
        name: "assemblyai",
        title: "AssemblyAI transcript JSON",
        detect: assemblyai_detect,
        parse: assemblyai_parse,
    },
    Format {
        name: "transcribe",
        title: "Amazon Transcribe job output JSON",
        detect: transcribe_detect,
        parse: transcribe_parse,
    },
    Format {
        name: "google-stt",
        title: "Google Cloud Speech-to-Text JSON with word times",
        detect: google_stt_detect,
        parse: google_stt_parse,
    },
    Format {
        name: "revai",
        title: "Rev.ai transcript JSON",
        detect: revai_detect,
        parse: revai_parse,
    },
];

/// Other names people use for these formats.
pub const ALIASES: &[(&str, &str)] = &[
    ("assembly-ai", "assemblyai"),
    ("aws-transcribe", "transcribe"),
    ("aws_transcribe", "transcribe"),
    ("amazon-transcribe", "transcribe"),
    ("google-speech", "google-stt"),
    ("rev", "revai"),
    ("rev.ai", "revai"),
    ("rev-ai", "revai"),
];
