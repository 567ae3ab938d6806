//! The slides as subtitles: a WebVTT or SRT file beside the video, and the cues the MP4's
//! subtitle track carries (`--soft-subtitles`).
//!
//! One cue per slide, broken into lines where the video breaks them, so the captions read like
//! the picture. WebVTT also gets a timestamp tag before every word after the first, which
//! players that support it use to highlight words as they are spoken.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;

use crate::project::Project;
use crate::scene::Scene;

/// One slide's text and when it is on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    /// The words, by line as laid out in the video, with their start times.
    pub lines: Vec<Vec<(String, f64)>>,
}

impl Cue {
    /// The cue as plain text, lines separated by `\n`, words joined as they are set (Chinese
    /// and Japanese closed up).
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| crate::segment::join(&l.iter().map(|w| w.0.as_str()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The cues of a project, one per slide that has words, clipped to the audio.
pub fn cues(project: &Project, scene: &Scene) -> Vec<Cue> {
    let duration = project.duration();
    project
        .slides
        .iter()
        .zip(&scene.slides)
        .filter(|(s, _)| !s.words.is_empty() && s.start < duration)
        .map(|(slide, laid)| {
            let mut lines: Vec<Vec<(String, f64)>> = Vec::new();
            for (w, slot) in slide.words.iter().zip(&laid.slots) {
                let line = slot.line as usize;
                while lines.len() <= line {
                    lines.push(Vec::new());
                }
                lines[line].push((w.text.clone(), w.start));
            }
            lines.retain(|l| !l.is_empty());
            Cue {
                start: slide.start,
                end: slide.end.min(duration),
                lines,
            }
        })
        .collect()
}

/// Writes the cues as WebVTT (`.vtt`) or SRT (`.srt`), chosen by the extension.
pub fn write(path: &Path, project: &Project, scene: &Scene) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let cues = cues(project, scene);
    let text = match ext.as_deref() {
        Some("vtt") => webvtt(&cues),
        Some("srt") => srt(&cues),
        _ => anyhow::bail!(
            "--captions {}: the file must end in .vtt or .srt",
            path.display()
        ),
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub fn webvtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n");
    for c in cues {
        let _ = write!(
            out,
            "\n{} --> {}\n",
            timestamp(c.start, '.'),
            timestamp(c.end, '.')
        );
        for (li, line) in c.lines.iter().enumerate() {
            for (wi, (word, start)) in line.iter().enumerate() {
                if wi > 0 {
                    out.push_str(crate::segment::Join::between(&line[wi - 1].0, word).text());
                }
                // The first word starts with the cue; a tag at the cue's start is redundant.
                if (li, wi) != (0, 0) && *start > c.start && *start < c.end {
                    let _ = write!(out, "<{}>", timestamp(*start, '.'));
                }
                out.push_str(&escape(word));
            }
            out.push('\n');
        }
    }
    out
}

pub fn srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, c) in cues.iter().enumerate() {
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            timestamp(c.start, ','),
            timestamp(c.end, ','),
            c.text()
        );
    }
    out
}

/// `HH:MM:SS.mmm` (WebVTT) or `HH:MM:SS,mmm` (SRT).
fn timestamp(seconds: f64, decimal: char) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{decimal}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// WebVTT cue text is markup: `&`, `<` and `>` must be escaped.
fn escape(word: &str) -> String {
    word.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue() -> Cue {
        Cue {
            start: 1.0,
            end: 3.25,
            lines: vec![
                vec![("Hello,".into(), 1.2), ("<world>".into(), 1.8)],
                vec![("again".into(), 2.5)],
            ],
        }
    }

    #[test]
    fn webvtt_has_word_timestamps() {
        assert_eq!(
            webvtt(&[cue()]),
            "WEBVTT\n\n00:00:01.000 --> 00:00:03.250\nHello, <00:00:01.800>&lt;world&gt;\n<00:00:02.500>again\n"
        );
    }

    #[test]
    fn srt_is_numbered_plain_text() {
        assert_eq!(
            srt(&[cue(), cue()]).lines().take(5).collect::<Vec<_>>(),
            [
                "1",
                "00:00:01,000 --> 00:00:03,250",
                "Hello, <world>",
                "again",
                ""
            ]
        );
        assert_eq!(timestamp(3725.0006, ','), "01:02:05,001");
    }

    #[test]
    fn chinese_words_are_written_closed_up() {
        let c = Cue {
            start: 0.0,
            end: 2.0,
            lines: vec![vec![
                ("我们".into(), 0.0),
                ("今天".into(), 0.5),
                ("用".into(), 1.0),
                ("GPU".into(), 1.2),
                ("ok".into(), 1.5),
            ]],
        };
        assert_eq!(c.text(), "我们今天用GPU ok");
        assert!(webvtt(&[c]).ends_with(
            "\n我们<00:00:00.500>今天<00:00:01.000>用<00:00:01.200>GPU <00:00:01.500>ok\n"
        ),);
    }
}
