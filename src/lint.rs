//! `gpucast validate --lint`: what subtitle guides ask of reading, checked on the slides as they
//! are laid out. A project can be valid and still hard to read: a slide that shows 30
//! characters a second is gone before it is read, one that flashes for a few frames is not seen
//! at all, and a line as wide as the frame makes the eye travel. None of this stops a render;
//! it is reported, each finding with its slide's path, for whoever fixes the timings. Words the
//! recogniser was unsure of (a confidence kept from the timing file) are listed too: they are
//! the ones most likely mis-heard, so the first to check.

use crate::prepare::Prepared;

/// The limits checked. The defaults are those common broadcast and streaming subtitle guides
/// agree on: 20 characters a second for adults, lines of 42 characters, a subtitle on screen
/// from 5/6 s (20 frames at 24 fps) to 7 s.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub chars_per_second: f64,
    pub line_chars: usize,
    pub min_seconds: f64,
    pub max_seconds: f64,
    /// Words heard with a confidence under this are reported.
    pub min_confidence: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            chars_per_second: 20.0,
            line_chars: 42,
            min_seconds: 5.0 / 6.0,
            max_seconds: 7.0,
            min_confidence: 0.5,
        }
    }
}

/// One thing a reader would stumble on: where (`slides[3]`) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Every slide over a limit, in slide order. Characters are counted as readers meet them:
/// the words and the spaces between them on one line, the slide's lines together for its rate.
/// Slides without words (a title card's gap) are not subtitles and are skipped.
pub fn lint(p: &Prepared, limits: &Limits) -> Vec<Finding> {
    let mut found = Vec::new();
    for (i, slide) in p.project.slides.iter().enumerate() {
        if slide.words.is_empty() {
            continue;
        }
        let path = format!("slides[{i}]");
        let seconds = slide.end - slide.start;
        let mut lines: Vec<(u32, usize)> = Vec::new();
        let slots = p.scene.slides.get(i).map(|s| s.slots.as_slice());
        for (k, word) in slide.words.iter().enumerate() {
            let line = slots.and_then(|s| s.get(k)).map_or(0, |s| s.line);
            let chars = word.text.chars().count();
            match lines.last_mut() {
                Some((l, n)) if *l == line => *n += 1 + chars,
                _ => lines.push((line, chars)),
            }
        }
        let chars: usize = lines.iter().map(|l| l.1).sum::<usize>() + lines.len() - 1;
        let rate = chars as f64 / seconds.max(1e-9);
        if rate > limits.chars_per_second {
            found.push(Finding {
                path: path.clone(),
                problem: format!(
                    "{chars} characters in {seconds:.2} s: {rate:.1} a second (at most {})",
                    limits.chars_per_second
                ),
            });
        }
        if seconds < limits.min_seconds {
            found.push(Finding {
                path: path.clone(),
                problem: format!(
                    "on screen {seconds:.2} s (at least {:.2} s)",
                    limits.min_seconds
                ),
            });
        }
        if seconds > limits.max_seconds {
            found.push(Finding {
                path: path.clone(),
                problem: format!(
                    "on screen {seconds:.2} s (at most {} s)",
                    limits.max_seconds
                ),
            });
        }
        for (k, word) in slide.words.iter().enumerate() {
            if let Some(c) = word.confidence.filter(|&c| c < limits.min_confidence) {
                found.push(Finding {
                    path: format!("{path}.words[{k}]"),
                    problem: format!(
                        "\"{}\" was heard with confidence {c:.2} (under {}): check the word",
                        word.text, limits.min_confidence
                    ),
                });
            }
        }
        for (n, (_, len)) in lines.iter().enumerate() {
            if *len > limits.line_chars {
                found.push(Finding {
                    path: path.clone(),
                    problem: format!(
                        "line {} has {len} characters (at most {})",
                        n + 1,
                        limits.line_chars
                    ),
                });
            }
        }
    }
    found
}
