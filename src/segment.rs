//! Where text is cut: into words (at spaces, and Chinese and Japanese, written without them, by
//! ICU4X's dictionary segmenter), between words when they are set (with a space, or closed up
//! as CJK text is), and into lines (only where UAX #14 allows a break).
//!
//! Words are what gpucast highlights, so a "word" here is what a reader sees light up: a CJK
//! run's dictionary words, each carrying the punctuation that follows it (and an opening
//! bracket or quote the word after it), as no line may start with a closing mark or end with
//! an opening one.

use icu_segmenter::options::{LineBreakOptions, WordBreakInvariantOptions};
use icu_segmenter::{LineSegmenter, WordSegmenter};

/// Characters a word never keeps: bidirectional embeddings, overrides and isolates (U+202A to
/// U+202E, U+2066 to U+2069), whose effect would run past the word into the rest of its slide
/// (layout orders each line's words by the bidirectional algorithm itself), and control
/// characters (C0, DEL, C1), which have no place on screen or in captions.
fn is_unwanted(c: char) -> bool {
    matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069) || c.is_control()
}

/// A word's text with the characters no word keeps removed, and whether any were.
pub fn clean(text: &str) -> (String, bool) {
    if !text.chars().any(is_unwanted) {
        return (text.to_string(), false);
    }
    (text.chars().filter(|&c| !is_unwanted(c)).collect(), true)
}

/// Whether text shows anything: a character that is not a space, a control, or one of the
/// invisible format characters (zero-width spaces and joiners, marks, variation selectors).
pub fn is_visible(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !matches!(c as u32,
                0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFE00..=0xFE0F
                | 0xE0100..=0xE01EF | 0x180E | 0x00AD)
    })
}

/// Whether a character belongs to the scripts written without spaces between words: Han,
/// kana, their punctuation and full-width forms. Hangul is not among them (Korean is written
/// with spaces).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x31F0..=0x31FF    // katakana extensions
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFF60    // full-width forms
        | 0xFF61..=0xFF9F    // half-width katakana
        | 0x20000..=0x3FFFF) // extensions B and on
}

/// Splits text into words: at whitespace, and every part holding Chinese or Japanese into its
/// dictionary words. Punctuation and spaces inside a part are not words of their own: they
/// stay with the word before (an opening mark with the word after).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split_whitespace() {
        if !part.chars().any(is_cjk) {
            out.push(part.to_string());
            continue;
        }
        let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
        let bounds: Vec<(usize, bool)> = segmenter
            .segment_str(part)
            .iter_with_word_type()
            .map(|(at, kind)| (at, kind.is_word_like()))
            .collect();
        // Marks that open (brackets, quotes) waiting for the word they belong to.
        let mut opening = String::new();
        let mut first_of_part = true;
        for pair in bounds.windows(2) {
            let ((from, _), (to, word_like)) = (pair[0], pair[1]);
            let piece = &part[from..to];
            if word_like {
                out.push(std::mem::take(&mut opening) + piece);
                first_of_part = false;
            } else if piece.chars().all(opens) || first_of_part {
                opening.push_str(piece);
            } else if let Some(last) = out.last_mut() {
                last.push_str(piece);
            }
        }
        if !opening.is_empty() {
            match out.last_mut() {
                Some(last) if !first_of_part => last.push_str(&opening),
                _ => out.push(opening),
            }
        }
    }
    out
}

/// Marks that open something (brackets, quotes): they go with the word after them.
fn opens(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '«'
            | '‘'
            | '“'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〖'
            | '〘'
            | '〚'
            | '〝'
            | '（'
            | '［'
            | '｛'
            | '｟'
            | '｢'
    )
}

/// How two neighbouring words are set: with a space, closed up (both sides CJK, as Chinese
/// and Japanese are written), or with an eighth of an em between CJK and other text (CSS's
/// `text-autospace`, so that Latin words and numbers inside CJK text do not touch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    Space,
    Closed,
    Autospace,
}

impl Join {
    pub fn between(left: &str, right: &str) -> Join {
        let end = left.chars().next_back().is_some_and(is_cjk);
        let start = right.chars().next().is_some_and(is_cjk);
        match (end, start) {
            (true, true) => Join::Closed,
            (false, false) => Join::Space,
            _ => Join::Autospace,
        }
    }

    /// What the join puts between the words when the slide's text is written out.
    pub fn text(self) -> &'static str {
        match self {
            Join::Space => " ",
            Join::Closed | Join::Autospace => "",
        }
    }
}

/// The words written out as text: joined by a space, or by nothing where they are closed up.
pub fn join(words: &[&str]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(Join::between(words[i - 1], w).text());
        }
        out.push_str(w);
    }
    out
}

/// For each pair of neighbouring words, whether a line may end between them: where UAX #14
/// allows a break in the text as set (no line starts with a closing mark or a small kana, none
/// ends with an opening one). A break is always allowed at a space.
pub fn breaks(words: &[&str]) -> Vec<bool> {
    let joins: Vec<Join> = words
        .windows(2)
        .map(|w| Join::between(w[0], w[1]))
        .collect();
    // Text set with spaces only (most slides) breaks at every join: no segmenter needed.
    if joins.iter().all(|&j| j == Join::Space) {
        return vec![true; joins.len()];
    }
    let text = join(words);
    // Where each word after the first starts in `text`.
    let starts = words[1..]
        .iter()
        .zip(&joins)
        .scan(words[0].len(), |at, (w, j)| {
            let start = *at + j.text().len();
            *at = start + w.len();
            Some(start)
        });
    let segmenter = LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());
    let allowed: std::collections::BTreeSet<usize> = segmenter.segment_str(&text).collect();
    starts
        .zip(&joins)
        .map(|(start, &j)| j == Join::Space || allowed.contains(&start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_splits_at_spaces_only() {
        assert_eq!(
            words("  Hello,  world!\n(again) "),
            ["Hello,", "world!", "(again)"]
        );
    }

    #[test]
    fn chinese_and_japanese_split_into_dictionary_words() {
        let zh = words("我们今天学习机器学习。");
        assert!(zh.len() >= 4, "{zh:?}");
        assert_eq!(zh.concat(), "我们今天学习机器学习。");
        assert!(zh.last().unwrap().ends_with('。'), "{zh:?}");
        assert!(zh.contains(&"我们".to_string()), "{zh:?}");
        let ja = words("「こんにちは」と言いました。");
        assert_eq!(ja.concat(), "「こんにちは」と言いました。");
        assert!(
            ja[0].starts_with('「') && ja[0].len() > "「".len(),
            "{ja:?}"
        );
        assert!(
            ja.iter().all(|w| w.chars().any(|c| !"「」。".contains(c))),
            "{ja:?}"
        );
    }

    #[test]
    fn mixed_text_keeps_latin_words_whole() {
        let w = words("我们用GPU渲染视频 and more");
        assert!(w.contains(&"GPU".to_string()), "{w:?}");
        assert_eq!(&w[w.len() - 2..], ["and", "more"]);
    }

    #[test]
    fn text_is_written_out_as_set() {
        assert_eq!(
            join(&["我们", "今天", "用", "GPU", "and", "more"]),
            "我们今天用GPU and more"
        );
    }

    #[test]
    fn joins_close_up_cjk_only() {
        assert_eq!(Join::between("我们", "今天"), Join::Closed);
        assert_eq!(Join::between("学习。", "今天"), Join::Closed);
        assert_eq!(Join::between("用", "GPU"), Join::Autospace);
        assert_eq!(Join::between("hello", "world"), Join::Space);
        assert_eq!(Join::between("안녕", "세상"), Join::Space);
    }

    #[test]
    fn no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one() {
        // Every join between ordinary words allows a break; none before "。" or after "「".
        assert_eq!(breaks(&["我们", "今天", "学习"]), [true, true]);
        assert_eq!(breaks(&["学习", "。"]), [false]);
        assert_eq!(breaks(&["「", "こんにちは"]), [false]);
        assert_eq!(breaks(&["ab", "cd"]), [true]);
        // A small kana may not start a line (strict).
        assert_eq!(breaks(&["ちょ", "っと"]), [false]);
    }

    #[test]
    fn words_are_cleaned_of_what_they_never_keep() {
        assert_eq!(clean("plain"), ("plain".to_string(), false));
        assert_eq!(clean("ab\u{202E}cd\u{0}"), ("abcd".to_string(), true));
        assert_eq!(clean("\u{2067}שלום\u{2069}"), ("שלום".to_string(), true));
        assert!(is_visible("a") && is_visible("😀") && is_visible("中"));
        assert!(!is_visible("\u{200B}\u{200D}\u{FE0F} \u{AD}"));
    }
}
