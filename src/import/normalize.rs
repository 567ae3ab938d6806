//! From the tokens a format gives to clean, timed, ordered words: the same for every format.
//!
//! Formats only read their files; what real files get wrong in the same ways everywhere is fixed
//! here once: stray whitespace, punctuation given as words of its own, entries out of order or
//! overlapping, words the tool left without times, and a global offset.

use super::{Bad, Token};

/// A word with its final times, in seconds on the audio's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub text: String,
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    pub confidence: Option<f64>,
    /// The group whose span this word's time is a share of (`Token::shared`).
    pub shared: Option<u32>,
}

/// What normalizing repaired, for the summary.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Repairs {
    /// Words moved into time order.
    pub sorted: usize,
    /// Word ends pulled back to the next word's start.
    pub clamped: usize,
    /// Words given times between their neighbours.
    pub interpolated: usize,
    /// Punctuation-only tokens joined to a word.
    pub punctuation: usize,
    /// Entries that held several words (a sentence, a segment), cut into words.
    pub phrases: usize,
}

/// Characters that open a phrase: a token of only these joins the word after it.
const OPENING: &[char] = &[
    '(', '[', '{', '"', '“', '‘', '«', '‹', '¿', '¡', '「', '『', '（', '„',
];

/// True for a token that is only punctuation, so it is shown with a word, not as one.
/// Symbols that are read aloud (`&`, `%`, `$`, `+`, `#`, `@`, `=`) are words.
pub fn is_punctuation(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            (c.is_ascii_punctuation() && !"&%$+#@=<>~^|*".contains(c))
                || OPENING.contains(&c)
                || "”’»›…–—―‐‑‒·•。、，．！？：；」』）〜・‚".contains(c)
        })
}

/// Cleans `tokens` (see the module comment) and shifts them by `offset` seconds.
pub fn normalize(tokens: Vec<Token>, offset: f64) -> Result<(Vec<Timed>, Repairs), Bad> {
    let mut repairs = Repairs::default();
    let words = attach_punctuation(split_phrases(tokens, &mut repairs), &mut repairs);
    if words.is_empty() {
        return Err(Bad::new("top level", "no words in the file"));
    }
    for (i, w) in words.iter().enumerate() {
        if let (Some(s), Some(e)) = (w.start, w.end) {
            if e < s - crate::project::TIME_EPSILON {
                return Err(Bad::new(
                    describe(i, &w.text),
                    format!("ends at {e:.3} s, before it starts at {s:.3} s"),
                ));
            }
        }
        for t in [w.start, w.end].into_iter().flatten() {
            if !t.is_finite() || t < 0.0 {
                return Err(Bad::new(describe(i, &w.text), format!("bad time {t}")));
            }
        }
        let chars = w.text.chars().count();
        if chars > crate::project::limits::WORD_CHARS {
            return Err(Bad::new(
                describe(i, &w.text),
                format!(
                    "{chars} characters is over the limit of {} for a word (is this really a timings file?)",
                    crate::project::limits::WORD_CHARS
                ),
            ));
        }
    }
    let words = sort(words, &mut repairs);
    let mut timed = interpolate(words, &mut repairs)?;
    for i in 1..timed.len() {
        let next_start = timed[i].start;
        let prev = &mut timed[i - 1];
        if prev.end > next_start + crate::project::TIME_EPSILON {
            prev.end = next_start.max(prev.start);
            repairs.clamped += 1;
        }
    }
    if offset != 0.0 {
        for (i, w) in timed.iter_mut().enumerate() {
            w.start += offset;
            w.end += offset;
            if w.start < -crate::project::TIME_EPSILON {
                return Err(Bad::new(
                    describe(i, &w.text),
                    format!(
                        "--offset {offset} moves it to {:.3} s, before the audio",
                        w.start
                    ),
                ));
            }
            w.start = w.start.max(0.0);
            w.end = w.end.max(w.start);
        }
    }
    Ok((timed, repairs))
}

/// `word 12 ("hello")`: how a word is named in messages once tokens are merged and sorted.
pub fn describe(index: usize, text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    format!("word {} (\"{short}\")", index + 1)
}

/// Cuts each entry that holds several words (a sentence tier, a segment-level table row, a
/// caption of a whole phrase) into its words, as subtitle cues are cut: the entry's time is
/// shared out by length, so that the words follow one another without gaps. An entry known
/// only by its start (or its end) gives that time to its first (or last) word, and the words
/// between get theirs by interpolation. Only whitespace separates words here: a Chinese or
/// Japanese token without spaces is a word as its tool gave it.
fn split_phrases(tokens: Vec<Token>, repairs: &mut Repairs) -> Vec<Token> {
    let several = |t: &Token| t.text.split_whitespace().nth(1).is_some();
    if !tokens.iter().any(several) {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        if !several(&t) {
            out.push(t);
            continue;
        }
        let words = crate::segment::words(&t.text);
        repairs.phrases += 1;
        // Ids above those the readers hand out.
        let group = t.shared.or(Some((1 << 30) + repairs.phrases as u32));
        let n = words.len();
        let (Some(start), Some(end)) = (t.start, t.end) else {
            for (k, word) in words.into_iter().enumerate() {
                out.push(Token {
                    text: word,
                    start: t.start.filter(|_| k == 0),
                    end: t.end.filter(|_| k + 1 == n),
                    speaker: t.speaker.clone(),
                    confidence: t.confidence,
                    shared: group,
                });
            }
            continue;
        };
        let weights: Vec<f64> = words.iter().map(|w| pace(w)).collect();
        let total: f64 = weights.iter().sum();
        let mut done = 0.0;
        let mut from = start;
        for (k, (word, w)) in words.into_iter().zip(weights).enumerate() {
            done += w;
            let to = if k + 1 == n {
                end
            } else {
                start + (end - start) * done / total
            };
            out.push(Token {
                text: word,
                start: Some(from),
                end: Some(to),
                speaker: t.speaker.clone(),
                confidence: t.confidence,
                shared: group,
            });
            from = to;
        }
    }
    out
}

/// Trims every token, drops empty ones and joins punctuation-only tokens to a neighbour:
/// opening marks to the next word, everything else to the previous one.
fn attach_punctuation(tokens: Vec<Token>, repairs: &mut Repairs) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut pending_open = String::new();
    for mut t in tokens {
        // As a project would take them: no control characters, nothing invisible.
        let (cleaned, _) = crate::segment::clean(&t.text);
        t.text = cleaned;
        let trimmed = t.text.trim();
        if !crate::segment::is_visible(trimmed) {
            continue;
        }
        if trimmed.len() != t.text.len() {
            t.text = trimmed.to_string();
        }
        if is_punctuation(&t.text) {
            repairs.punctuation += 1;
            // A straight quote could open or close; after a word it most often closes.
            let opens = t.text.chars().all(|c| OPENING.contains(&c) && c != '"');
            match out.last_mut() {
                Some(prev) if !opens => prev.text.push_str(&t.text),
                _ => pending_open.push_str(&t.text),
            }
            continue;
        }
        if !pending_open.is_empty() {
            t.text = std::mem::take(&mut pending_open) + &t.text;
        }
        out.push(t);
    }
    // Punctuation with no word after it stays with the last word.
    if let (false, Some(last)) = (pending_open.is_empty(), out.last_mut()) {
        last.text.push_str(&pending_open);
    }
    out
}

/// Puts timed words in order of start. An untimed word travels with the timed word before it
/// (or the first timed word, at the head), so that its place in the text is kept.
fn sort(words: Vec<Token>, repairs: &mut Repairs) -> Vec<Token> {
    let in_order = words
        .iter()
        .filter_map(|w| w.start)
        .try_fold(f64::NEG_INFINITY, |prev, s| (s >= prev).then_some(s))
        .is_some();
    if in_order {
        return words;
    }
    let mut groups: Vec<(f64, Vec<Token>)> = Vec::new();
    let mut head: Vec<Token> = Vec::new();
    for w in words {
        match (w.start, groups.last_mut()) {
            (Some(s), _) => groups.push((s, vec![w])),
            (None, Some((_, g))) => g.push(w),
            (None, None) => head.push(w),
        }
    }
    let before: Vec<f64> = groups.iter().map(|g| g.0).collect();
    groups.sort_by(|a, b| a.0.total_cmp(&b.0));
    repairs.sorted = before
        .iter()
        .zip(&groups)
        .filter(|(b, g)| b.to_bits() != g.0.to_bits())
        .count();
    let mut out = head;
    for (_, g) in groups {
        out.extend(g);
    }
    out
}

/// Gives every word both times. A run of untimed words shares the gap between its timed
/// neighbours in proportion to length; a missing end is the next start; a missing start the
/// previous end.
fn interpolate(words: Vec<Token>, repairs: &mut Repairs) -> Result<Vec<Timed>, Bad> {
    if words.iter().all(|w| w.start.is_none() && w.end.is_none()) {
        return Err(Bad::new("top level", "no word has a time"));
    }
    let n = words.len();
    // Known anchors: a word's start, or failing that the end of the word before.
    let mut start: Vec<Option<f64>> = words.iter().map(|w| w.start).collect();
    let mut end: Vec<Option<f64>> = words.iter().map(|w| w.end).collect();
    for i in 0..n {
        if start[i].is_none() && end[i].is_some() && i > 0 {
            start[i] = end[i - 1]
                .or(start[i - 1])
                .filter(|&s| s <= end[i].unwrap_or(s));
        }
    }
    let mut i = 0;
    while i < n {
        if start[i].is_some() {
            i += 1;
            continue;
        }
        // A run [i, j) with no start: spread it from the previous word's end to the next start.
        let mut j = i;
        while j < n && start[j].is_none() {
            j += 1;
        }
        let from = if i == 0 {
            0.0
        } else {
            end[i - 1].or(start[i - 1]).unwrap_or(0.0)
        };
        let (from, to) = match (j < n).then(|| start[j]).flatten() {
            // The word before may overlap the next start: the run never goes past it.
            Some(t) => (from.min(t), t),
            // A run at the very end: assume an ordinary pace after the last known time.
            None => (
                from,
                from + words[i..j].iter().map(|w| pace(&w.text)).sum::<f64>(),
            ),
        };
        let weights: Vec<f64> = words[i..j].iter().map(|w| pace(&w.text)).collect();
        let total: f64 = weights.iter().sum();
        let mut t = from;
        for (k, wgt) in (i..j).zip(weights) {
            let d = (to - from) * wgt / total;
            start[k] = Some(t);
            if end[k].is_none_or(|e| e < t || e > to) {
                end[k] = Some(t + d);
            }
            t += d;
            repairs.interpolated += 1;
        }
        i = j;
    }
    // Given starts are sorted; each derived one is kept between its neighbours' starts, so
    // that overlapping times around it cannot put the words out of spoken order.
    for i in (0..n.saturating_sub(1)).rev() {
        if let (None, Some(s), Some(next)) = (words[i].start, start[i], start[i + 1]) {
            start[i] = Some(s.min(next));
        }
    }
    for i in 1..n {
        if let (None, Some(s), Some(prev)) = (words[i].start, start[i], start[i - 1]) {
            start[i] = Some(s.max(prev));
        }
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let s = start[i].unwrap_or(0.0);
        let e = match end[i] {
            Some(e) => e,
            None => {
                // No end given (speech marks): the next word's start, or a usual length at the end.
                match start.get(i + 1).copied().flatten() {
                    Some(next) if next >= s => next,
                    _ => s + pace(&words[i].text),
                }
            }
        };
        out.push(Timed {
            text: words[i].text.clone(),
            start: s,
            end: e.max(s),
            speaker: words[i].speaker.clone(),
            confidence: words[i].confidence,
            shared: words[i].shared,
        });
    }
    Ok(out)
}

/// A usual speaking time for a word: about 14 characters a second, at least a fifth of one.
fn pace(text: &str) -> f64 {
    (text.chars().count() as f64 / 14.0).max(0.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, start: Option<f64>, end: Option<f64>) -> Token {
        Token {
            text: text.into(),
            start,
            end,
            speaker: None,
            confidence: None,
            shared: None,
        }
    }

    fn texts(w: &[Timed]) -> Vec<&str> {
        w.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn punctuation_joins_its_neighbour() {
        let tokens = vec![
            tok(" Hello", Some(0.0), Some(0.5)),
            tok(",", Some(0.5), Some(0.5)),
            tok("(", None, None),
            tok("world ", Some(0.6), Some(1.0)),
            tok(")", None, None),
            tok("&", Some(1.1), Some(1.2)),
            tok("…", None, None),
        ];
        let (w, r) = normalize(tokens, 0.0).unwrap();
        assert_eq!(texts(&w), ["Hello,", "(world)", "&…"]);
        assert_eq!(r.punctuation, 4);
        assert_eq!(w[1].start, 0.6);
    }

    #[test]
    fn untimed_words_share_the_gap_by_length() {
        let tokens = vec![
            tok("in", Some(0.0), Some(1.0)),
            tok("2024", None, None),
            tok("it", None, None),
            tok("rose", Some(2.0), Some(2.5)),
        ];
        let (w, r) = normalize(tokens, 0.0).unwrap();
        assert_eq!(r.interpolated, 2);
        // "2024" and "it" split 1.0..2.0 by pace: 4/14 vs the 0.2 floor.
        let a = (4.0 / 14.0_f64).max(0.2);
        let b = 0.2;
        assert!((w[1].start - 1.0).abs() < 1e-9);
        assert!((w[1].end - (1.0 + a / (a + b))).abs() < 1e-9);
        assert!((w[2].end - 2.0).abs() < 1e-9);
    }

    /// Found by the fuzzer: an untimed word after one that overlaps the next start used to be
    /// placed after that start, out of spoken order.
    #[test]
    fn untimed_words_stay_in_order_beside_overlaps() {
        let tokens = vec![
            tok("2012", Some(0.52), Some(1.31)),
            tok("a", None, None),
            tok("c51", Some(0.99), None),
            tok("network", Some(1.42), Some(1.83)),
        ];
        let (w, _) = normalize(tokens, 0.0).unwrap();
        assert_eq!(texts(&w), ["2012", "a", "c51", "network"]);
        for pair in w.windows(2) {
            assert!(pair[0].start <= pair[1].start, "{w:?}");
            assert!(pair[0].end <= pair[1].start + 1e-9, "{w:?}");
        }
    }

    #[test]
    fn out_of_order_words_are_sorted_and_overlaps_clamped() {
        let tokens = vec![
            tok("a", Some(0.0), Some(0.6)),
            tok("c", Some(1.0), Some(1.4)),
            tok("b", Some(0.5), Some(1.2)),
        ];
        let (w, r) = normalize(tokens, 0.0).unwrap();
        assert_eq!(texts(&w), ["a", "b", "c"]);
        assert_eq!(r.sorted, 2);
        assert_eq!(r.clamped, 2);
        assert_eq!(w[0].end, 0.5);
        assert_eq!(w[1].end, 1.0);
    }

    #[test]
    fn missing_ends_run_to_the_next_start() {
        let tokens = vec![tok("one", Some(0.2), None), tok("two", Some(0.9), None)];
        let (w, _) = normalize(tokens, 0.5).unwrap();
        assert!((w[0].start - 0.7).abs() < 1e-9 && (w[0].end - 1.4).abs() < 1e-9);
        assert!((w[1].end - (1.4 + 0.2_f64.max(3.0 / 14.0))).abs() < 1e-9);
    }

    #[test]
    fn bad_times_name_the_word() {
        let e = normalize(vec![tok("x", Some(2.0), Some(1.0))], 0.0).unwrap_err();
        assert_eq!(e.at, "word 1 (\"x\")");
        let e = normalize(vec![tok("x", Some(0.5), Some(1.0))], -1.0).unwrap_err();
        assert!(e.problem.contains("--offset"), "{e:?}");
        let e = normalize(vec![tok(" ", Some(0.5), Some(1.0))], 0.0).unwrap_err();
        assert_eq!(e.problem, "no words in the file");
        let e = normalize(vec![tok("a", None, None)], 0.0).unwrap_err();
        assert_eq!(e.problem, "no word has a time");
    }
}
