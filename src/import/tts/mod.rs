//! Timings that text-to-speech services hand back with the speech they make: ElevenLabs
//! character alignments, Azure Speech and edge-tts word boundaries, Amazon Polly speech marks
//! and Google Cloud timepoints. The words are the ones the service was given, so these are exact;
//! what differs is how each service spells times and words.
//!
//! Each service has a file of its own, and what several of them need is in `common`, so that no
//! service's file depends on another's or on this one, which only lists the formats and passes
//! on the SSML script reader that `script.rs` uses.

mod azure;
mod common;
mod elevenlabs;
mod google;
mod polly;
#[cfg(test)]
mod testing;

pub(super) use google::ssml_words;

use super::Format;
use azure::{azure_detect, azure_parse};
use elevenlabs::{elevenlabs_detect, elevenlabs_parse};
use google::{google_detect, google_parse};
use polly::{polly_detect, polly_parse};

pub const FORMATS: &[Format] = &[
    Format {
        name: "elevenlabs",
        title: "ElevenLabs text to speech with timestamps",
        detect: elevenlabs_detect,
        parse: elevenlabs_parse,
    },
    Format {
        name: "azure",
        title: "Azure Speech / edge-tts word boundaries",
        detect: azure_detect,
        parse: azure_parse,
    },
    Format {
        name: "polly",
        title: "Amazon Polly speech marks",
        detect: polly_detect,
        parse: polly_parse,
    },
    Format {
        name: "google",
        title: "Google Cloud Text-to-Speech timepoints",
        detect: google_detect,
        parse: google_parse,
    },
];

#[cfg(test)]
mod tests {
    use crate::import::tts::testing::{
        claims, AZURE_JS, AZURE_MESSY, AZURE_METADATA, AZURE_SDK, EDGE_TTS, EDGE_TTS_SENTENCES,
        ELEVENLABS, ELEVENLABS_MESSY, ELEVENLABS_STREAM, ELEVENLABS_WS, GOOGLE, GOOGLE_MESSY,
        GOOGLE_PLAIN, POLLY, POLLY_MESSY, POLLY_SSML,
    };

    #[test]
    fn each_sample_is_claimed_by_its_format_alone() {
        for (raw, name) in [
            (ELEVENLABS, "elevenlabs"),
            (ELEVENLABS_STREAM, "elevenlabs"),
            (ELEVENLABS_WS, "elevenlabs"),
            (ELEVENLABS_MESSY, "elevenlabs"),
            (EDGE_TTS, "azure"),
            (EDGE_TTS_SENTENCES, "azure"),
            (AZURE_SDK, "azure"),
            (AZURE_JS, "azure"),
            (AZURE_METADATA, "azure"),
            (AZURE_MESSY, "azure"),
            (POLLY, "polly"),
            (POLLY_SSML, "polly"),
            (POLLY_MESSY, "polly"),
            (GOOGLE, "google"),
            (GOOGLE_PLAIN, "google"),
            (GOOGLE_MESSY, "google"),
        ] {
            assert_eq!(claims(raw), [name], "{raw:.80}");
        }
    }

    #[test]
    fn other_tools_files_are_not_claimed() {
        for raw in [
            // openai-whisper
            r#"{"text": " Hello.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hello.",
                "words": [{"word": " Hello.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
            // OpenAI verbose_json
            r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hello.",
                "words": [{"word": "Hello", "start": 0.0, "end": 0.5}]}"#,
            // whisperx
            r#"{"segments": [{"start": 0.1, "end": 0.5, "text": "Hello", "words": [{"word": "Hello", "start": 0.1, "end": 0.5, "score": 0.9}]}],
                "word_segments": [{"word": "Hello", "start": 0.1, "end": 0.5, "score": 0.9}]}"#,
            // whisper.cpp -ojf
            r#"{"result": {"language": "en"}, "transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"},
                "offsets": {"from": 0, "to": 1000}, "text": " Hello", "tokens": [{"text": " Hello", "offsets": {"from": 0, "to": 500}, "id": 1, "p": 0.9}]}]}"#,
            // gentle
            r#"{"transcript": "Hello", "words": [{"alignedWord": "hello", "case": "success", "end": 0.5, "start": 0.1, "word": "Hello", "startOffset": 0, "endOffset": 5}]}"#,
            // aeneas
            r#"{"fragments": [{"begin": "0.000", "end": "0.500", "id": "f000001", "language": "eng", "lines": ["Hello"], "children": []}]}"#,
            // MFA JSON
            r#"{"start": 0, "end": 1.0, "tiers": {"words": {"type": "interval", "entries": [[0.1, 0.5, "hello"]]}}}"#,
            // Remotion captions
            r#"[{"text": "Hello", "startMs": 100, "endMs": 500, "timestampMs": 300, "confidence": 0.9}]"#,
            // JSON of something else altogether
            r#"{"type": "word", "value": "Hello"}"#,
            r#"[{"time": 1, "kind": "word"}]"#,
            r#"{"timepoints": []}"#,
            r#"[{"name": "w0", "time": 0.5}]"#,
            "[]",
            "{}",
        ] {
            assert!(claims(raw).is_empty(), "{raw}: {:?}", claims(raw));
        }
        // Text formats are never JSON.
        let srt = "1\n00:00:00,100 --> 00:00:00,500\nHello\n";
        assert!(claims(srt).is_empty());
        let vtt = "WEBVTT\n\n00:00.100 --> 00:00.500\nHello\n";
        assert!(claims(vtt).is_empty());
    }
}
