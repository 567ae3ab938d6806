//! Emphasis rules: a project's `emphasis` list gives words and phrases (or words a regular
//! expression matches) a look of their own, as if each matched word had that `style` itself.
//!
//! Words are compared as readers see them, not as typed: in any case, without the sentence
//! punctuation around them (`Budget,` is `budget`), so a rule needs one spelling. A phrase
//! matches consecutive words of one slide. Rules are applied in order, each over the one
//! before; a word's own `style` goes over them all.

use std::collections::HashMap;

use super::limits;
use super::problems::Checker;
use super::raw::{RawEmphasis, RawWordStyle};

/// The checked rules, ready to match a slide's words.
#[derive(Default)]
pub(super) struct Emphasis {
    /// Each rule's style, by rule index.
    pub styles: Vec<RawWordStyle>,
    /// Phrases (their words' keys) by their first key, with their rule.
    phrases: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// Whole-word expressions, with their rule.
    patterns: Vec<(regex::Regex, usize)>,
}

/// A word as rules see it: without the sentence punctuation around it, in lower case.
/// Symbols that belong to the word (`%`, `$`, `#`, `@`, `&`, `+`) stay.
pub fn key(word: &str) -> String {
    bare(word).to_lowercase()
}

fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '.' | ','
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | '"'
                    | '\''
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '«'
                    | '»'
                    | '‹'
                    | '›'
                    | '„'
                    | '…'
                    | '—'
                    | '–'
                    | '-'
                    | '¡'
                    | '¿'
                    | '。'
                    | '，'
                    | '、'
                    | '！'
                    | '？'
                    | '「'
                    | '」'
                    | '『'
                    | '』'
                    | '（'
                    | '）'
            )
    })
}

/// The longest expression a rule may give, in characters, and the most rules.
const PATTERN_CHARS: usize = 1000;
const RULES: usize = 10_000;

impl Emphasis {
    /// Checks `raw` (the project's `emphasis`), naming each problem's rule; a rule without a
    /// `style` takes `look` (the project look's `emphasis_style`).
    pub(super) fn new(
        c: &mut Checker,
        raw: Option<&[RawEmphasis]>,
        look: Option<&RawWordStyle>,
    ) -> Emphasis {
        let mut out = Emphasis::default();
        let Some(raw) = raw else {
            return out;
        };
        if raw.len() > RULES {
            c.err(
                "emphasis",
                format!("{} rules is over the limit of {RULES}", raw.len()),
            );
            return out;
        }
        for (i, rule) in raw.iter().enumerate() {
            let path = format!("emphasis[{i}]");
            match (&rule.words, &rule.regex) {
                (Some(_), Some(_)) => c.err(&path, "give either `words` or `regex`, not both"),
                (None, None) => c.err(&path, "needs `words` (a list) or `regex`"),
                (Some(words), None) => {
                    if words.is_empty() {
                        c.err(format!("{path}.words"), "the list is empty");
                    }
                    for (k, phrase) in words.iter().enumerate() {
                        let keys: Vec<String> = phrase
                            .split_whitespace()
                            .map(key)
                            .filter(|k| !k.is_empty())
                            .collect();
                        if keys.is_empty() || phrase.chars().count() > limits::WORD_CHARS {
                            c.err(
                                format!("{path}.words[{k}]"),
                                format!("\"{phrase:.40}\" is not a word or phrase"),
                            );
                            continue;
                        }
                        out.phrases
                            .entry(keys[0].clone())
                            .or_default()
                            .push((keys, i));
                    }
                }
                (None, Some(pattern)) => {
                    if pattern.chars().count() > PATTERN_CHARS {
                        c.err(
                            format!("{path}.regex"),
                            format!("over the limit of {PATTERN_CHARS} characters"),
                        );
                    } else {
                        match regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                            .case_insensitive(true)
                            .size_limit(1 << 20)
                            .build()
                        {
                            Ok(re) => out.patterns.push((re, i)),
                            Err(e) => c.err(
                                format!("{path}.regex"),
                                format!(
                                    "not a regular expression: {}",
                                    e.to_string().lines().last().unwrap_or_default().trim()
                                ),
                            ),
                        }
                    }
                }
            }
            match rule.style.as_ref().or(look) {
                Some(s) => out.styles.push(s.clone()),
                None => {
                    c.err(
                        format!("{path}.style"),
                        "required (the project's look has no `emphasis_style`): the look of \
                         what matches",
                    );
                    out.styles.push(RawWordStyle::default());
                }
            }
        }
        out
    }

    pub(super) fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.patterns.is_empty()
    }

    /// For each of a slide's words, the rules that match it, in rule order.
    pub(super) fn matches(&self, words: &[&str]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); words.len()];
        if self.is_empty() {
            return out;
        }
        let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
        for (i, k) in keys.iter().enumerate() {
            if let Some(phrases) = self.phrases.get(k) {
                for (phrase, rule) in phrases {
                    if keys.get(i..i + phrase.len()) == Some(phrase.as_slice()) {
                        for m in &mut out[i..i + phrase.len()] {
                            m.push(*rule);
                        }
                    }
                }
            }
            let word = bare(words[i]);
            for (re, rule) in &self.patterns {
                if re.is_match(word) || re.is_match(words[i].trim()) {
                    out[i].push(*rule);
                }
            }
        }
        for m in &mut out {
            m.sort_unstable();
            m.dedup();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: &str) -> (Emphasis, Vec<String>) {
        let raw: Vec<RawEmphasis> = serde_json::from_str(json).unwrap();
        let mut c = Checker {
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        let e = Emphasis::new(&mut c, Some(&raw), None);
        (e, c.problems)
    }

    #[test]
    fn words_and_phrases_match_in_any_case_without_punctuation() {
        let (e, problems) = rules(
            r#"[{"words": ["budget", "frame rate"], "style": {}},
                {"regex": "\\d+%", "style": {}}]"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let words = [
            "The", "Budget,", "for", "the", "frame", "RATE.", "frame", "is", "40%,", "(budget)",
        ];
        let m = e.matches(&words);
        let hit: Vec<usize> = (0..words.len()).filter(|&i| !m[i].is_empty()).collect();
        assert_eq!(hit, [1, 4, 5, 8, 9]);
        assert_eq!(m[8], [1]);
    }

    #[test]
    fn bad_rules_are_named() {
        let (_, problems) = rules(
            r#"[{"words": ["a"], "regex": "b", "style": {}},
                {"regex": "(unclosed", "style": {}},
                {"words": ["..."], "style": {}},
                {"words": ["ok"]}]"#,
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("emphasis[0]: give either"));
        assert!(problems[1].starts_with("emphasis[1].regex: not a regular expression"));
        assert!(problems[2].starts_with("emphasis[2].words[0]"));
        assert!(problems[3].starts_with("emphasis[3].style: required"));
    }
}
