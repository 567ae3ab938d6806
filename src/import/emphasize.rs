//! `gpucast import --emphasize FILE`: a plain list of what to stress, one word or phrase a
//! line (or `regex:` and an expression a whole word matches), made into the project's
//! `emphasis` rules, each with the look of a keyword: its own colour in every state, so it
//! stands out before, while and after it is spoken. Blank lines and lines starting with `#`
//! are skipped. The rules are the project's to edit afterwards.

use crate::project::raw::{RawEmphasis, RawLook, RawWordStyle};

/// The look emphasised words take: a warm red, bold, in every state.
fn keyword() -> RawWordStyle {
    let look = || {
        Some(RawLook {
            color: Some("#ff7a59".into()),
            weight: Some("bold".into()),
            ..Default::default()
        })
    };
    RawWordStyle {
        upcoming: look(),
        current: look(),
        spoken: look(),
    }
}

/// The rules a list gives: one for all its words and phrases (in order), one per expression.
/// A problem names its line.
pub fn rules(text: &str) -> Result<Vec<RawEmphasis>, (usize, String)> {
    let mut words = Vec::new();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_prefix("regex:") {
            Some(re) if re.trim().is_empty() => {
                return Err((n + 1, "`regex:` with no expression after it".into()))
            }
            Some(re) => out.push(RawEmphasis {
                regex: Some(re.trim().to_string()),
                style: Some(keyword()),
                ..Default::default()
            }),
            None => words.push(line.split_whitespace().collect::<Vec<_>>().join(" ")),
        }
    }
    if !words.is_empty() {
        out.insert(
            0,
            RawEmphasis {
                words: Some(words),
                style: Some(keyword()),
                ..Default::default()
            },
        );
    }
    if out.is_empty() {
        return Err((0, "no words, phrases or `regex:` lines".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_expressions() {
        let r = rules("# keywords\nbudget\n\n  frame   rate \nregex: \\d+%\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].words.as_deref(),
            Some(&["budget".to_string(), "frame rate".to_string()][..])
        );
        assert_eq!(r[1].regex.as_deref(), Some("\\d+%"));
        assert_eq!(rules("regex:   \n").unwrap_err().0, 1);
        assert!(rules("# nothing\n\n").is_err());
    }
}
