//! The user's script over the recogniser's words: the script's spelling, the recogniser's times.
//!
//! Words are compared by a key (lower case, letters and digits only), so case, punctuation,
//! apostrophes and hyphens never matter. A diff of the keys (patience: anchored on words unique
//! to both sides, so near-linear whatever the texts) pairs the long equal stretches; each stretch where they differ is then aligned word by word with a small dynamic
//! program that also accepts near spellings (recognition errors), one script word heard as
//! several (`well-known` / `well known`, `2024` / `twenty twenty four`) and the reverse.

use std::collections::HashMap;
use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffTag};

use super::normalize::Timed;
use super::Token;

/// The script cut into slides: at blank lines, or at a line holding only `---`. An SSML
/// script (for Google or Polly) is one run of words, its tags removed.
pub fn slides(text: &str) -> Vec<Vec<String>> {
    if let Some(words) = super::tts::ssml_words(text) {
        return vec![words];
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t == "---" {
            if out.last().is_some_and(|s| !s.is_empty()) {
                out.push(Vec::new());
            }
            continue;
        }
        if let Some(slide) = out.last_mut() {
            slide.extend(crate::segment::words(t));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// How well the script and the recognised words agreed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub exact: usize,
    pub approximate: usize,
    /// Script words heard as something else entirely, that took the time of what was heard in
    /// their place (between the same matched words).
    pub substituted: usize,
    pub unmatched: usize,
    /// The weakest pairings and the script words with no partner, worst first.
    pub worst: Vec<String>,
}

/// Below this similarity two words are not taken as the same word.
const MIN_SIMILARITY: f64 = 0.5;
/// Differing stretches larger than this (words on each side, multiplied) are not aligned word
/// by word; their script words are spread over the stretch's time instead.
const MAX_BLOCK_CELLS: usize = 400 * 400;

/// The script's words, each with the times of its partner among `heard` (none if it has no
/// partner: to be interpolated).
pub fn reconcile(script: &[String], heard: &[Timed]) -> (Vec<Token>, Report) {
    let skeys: Vec<String> = script.iter().map(|w| key(w)).collect();
    let hkeys: Vec<String> = heard.iter().map(|w| key(&w.text)).collect();
    // Words that are only punctuation take part in nothing and get times from their neighbours.
    let sidx: Vec<usize> = (0..script.len())
        .filter(|&i| !skeys[i].is_empty())
        .collect();
    let hidx: Vec<usize> = (0..heard.len()).filter(|&i| !hkeys[i].is_empty()).collect();
    let s: Vec<&str> = sidx.iter().map(|&i| skeys[i].as_str()).collect();
    let h: Vec<&str> = hidx.iter().map(|&i| hkeys[i].as_str()).collect();

    // Each script word's times and the heard word (the first, for a group) they come from.
    let mut times: Vec<Option<(f64, f64, usize)>> = vec![None; script.len()];
    let mut report = Report::default();
    let mut weak: Vec<(f64, String)> = Vec::new();
    for (tag, sr, hr) in diff(&s, &h) {
        if tag == DiffTag::Equal {
            for (a, b) in sr.zip(hr) {
                let w = &heard[hidx[b]];
                times[sidx[a]] = Some((w.start, w.end, hidx[b]));
                report.exact += 1;
            }
            continue;
        }
        let sa: Vec<usize> = sr.map(|a| sidx[a]).collect();
        let hb: Vec<usize> = hr.map(|b| hidx[b]).collect();
        if sa.len() * hb.len() > MAX_BLOCK_CELLS {
            report.unmatched += sa.len();
            weak.push((
                0.0,
                format!(
                    "{} script words from \"{}\" differ too much from what was heard; times spread evenly",
                    sa.len(),
                    script[sa[0]]
                ),
            ));
            continue;
        }
        // Script and heard words that paired with nothing since the last pairing: heard
        // words in the place of script words are what the recogniser made of them.
        let mut lone: (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut pairs = align_block(&sa, &hb, &skeys, &hkeys);
        pairs.push(Pairing::End);
        for pair in pairs {
            match pair {
                Pairing::Unmatched(a) => lone.0.push(a),
                Pairing::Skipped(b) => lone.1.push(b),
                Pairing::End => {}
                Pairing::Matched { .. } => {}
            }
            if !matches!(pair, Pairing::Unmatched(_) | Pairing::Skipped(_)) {
                let (said, got) = std::mem::take(&mut lone);
                substitute(
                    script,
                    heard,
                    &said,
                    &got,
                    &mut times,
                    &mut report,
                    &mut weak,
                );
            }
            match pair {
                Pairing::Unmatched(_) | Pairing::Skipped(_) | Pairing::End => {}
                Pairing::Matched {
                    script: sw,
                    heard: hw,
                    similarity,
                } => {
                    report.approximate += sw.len();
                    let said: Vec<&str> = sw.iter().map(|&a| script[a].as_str()).collect();
                    let got: Vec<&str> = hw.iter().map(|&b| heard[b].text.as_str()).collect();
                    weak.push((
                        similarity,
                        format!("\"{}\" heard as \"{}\"", said.join(" "), got.join(" ")),
                    ));
                    share(script, heard, &sw, &hw, &mut times);
                }
            }
        }
    }
    weak.sort_by(|a, b| a.0.total_cmp(&b.0));
    report.worst = weak.into_iter().take(8).map(|(_, s)| s).collect();
    // A word with no time of its own is said by whoever said the word before it. The
    // recogniser's confidence holds only for a script word it heard as that very word.
    let mut speaker = None;
    let tokens = script
        .iter()
        .zip(&skeys)
        .zip(times)
        .map(|((w, k), t)| {
            if let Some((.., b)) = t {
                speaker = heard[b].speaker.clone();
            }
            Token {
                text: w.clone(),
                start: t.map(|t| t.0),
                end: t.map(|t| t.1),
                speaker: speaker.clone(),
                confidence: t
                    .filter(|&(.., b)| hkeys[b] == *k)
                    .and_then(|(.., b)| heard[b].confidence),
                shared: None,
            }
        })
        .collect();
    (tokens, report)
}

/// Script words `sw` said as heard words `hw`: they share the heard words' span by length
/// (one for one when the counts agree, as each then gets its partner's span exactly).
fn share(
    script: &[String],
    heard: &[Timed],
    sw: &[usize],
    hw: &[usize],
    times: &mut [Option<(f64, f64, usize)>],
) {
    if sw.len() == hw.len() {
        for (&a, &b) in sw.iter().zip(hw) {
            times[a] = Some((heard[b].start, heard[b].end, b));
        }
        return;
    }
    let (Some(&first), Some(&last)) = (hw.first(), hw.last()) else {
        return;
    };
    let (start, end) = (heard[first].start, heard[last].end.max(heard[first].start));
    let total: usize = sw.iter().map(|&a| script[a].chars().count()).sum();
    let mut t = start;
    for &a in sw {
        let d = (end - start) * script[a].chars().count() as f64 / total.max(1) as f64;
        // The heard word under the middle of this script word's share, for its speaker.
        let mid = t + d / 2.0;
        let b = hw
            .iter()
            .copied()
            .find(|&b| heard[b].end >= mid)
            .unwrap_or(last);
        times[a] = Some((t, t + d, b));
        t += d;
    }
}

/// Between two pairings (or a pairing and the edge of a differing stretch), the script words
/// `said` that paired with nothing and the heard words `got` that did not either: the heard
/// words are what the recogniser made of the script words, so these take their times, in order.
/// Script words with no heard word in their place are left to interpolation.
fn substitute(
    script: &[String],
    heard: &[Timed],
    said: &[usize],
    got: &[usize],
    times: &mut [Option<(f64, f64, usize)>],
    report: &mut Report,
    weak: &mut Vec<(f64, String)>,
) {
    if said.is_empty() {
        return;
    }
    if got.is_empty() {
        report.unmatched += said.len();
        for &a in said {
            weak.push((0.0, format!("\"{}\" was not heard", script[a])));
        }
        return;
    }
    report.substituted += said.len();
    let words = |list: &[usize], text: &dyn Fn(usize) -> String| {
        list.iter().map(|&i| text(i)).collect::<Vec<_>>().join(" ")
    };
    weak.push((
        0.1,
        format!(
            "\"{}\" heard as \"{}\" (timed by what was heard there)",
            words(said, &|a| script[a].clone()),
            words(got, &|b| heard[b].text.clone())
        ),
    ));
    share(script, heard, said, got, times);
}

/// Cells (script words × heard words) of a stretch that Myers' diff may take on as it is: its
/// cost is at most about this many steps.
const MAX_DIFF_CELLS: usize = 4_000_000;

/// The stretches where two key lists are equal and where they differ, in near-linear time
/// whatever the input (patience diff). Words found exactly once on each side are anchors (the
/// longest run of them in the same order); the stretches between anchors are diffed the same
/// way, and Myers' diff, whose cost grows with the product of the sides where they differ,
/// runs only on stretches small enough for that to be cheap. A large stretch with no anchor
/// left (the texts do not match there) is one differing stretch.
fn diff(s: &[&str], h: &[&str]) -> Vec<(DiffTag, Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    diff_into(s, h, (0, 0), &mut out);
    out
}

fn diff_into(
    s: &[&str],
    h: &[&str],
    (si, hi): (usize, usize),
    out: &mut Vec<(DiffTag, Range<usize>, Range<usize>)>,
) {
    let (n, m) = (s.len(), h.len());
    if n == 0 && m == 0 {
        return;
    }
    if n * m <= MAX_DIFF_CELLS {
        for op in capture_diff_slices(Algorithm::Myers, s, h) {
            let (tag, x, y) = op.as_tag_tuple();
            out.push((tag, x.start + si..x.end + si, y.start + hi..y.end + hi));
        }
        return;
    }
    // Each key's (count, position) on either side.
    let mut seen: HashMap<&str, [(u32, usize); 2]> = HashMap::new();
    for (side, list) in [s, h].into_iter().enumerate() {
        for (i, k) in list.iter().enumerate() {
            let e = &mut seen.entry(k).or_default()[side];
            *e = (e.0 + 1, i);
        }
    }
    let mut unique: Vec<(usize, usize)> = seen
        .values()
        .filter(|[a, b]| a.0 == 1 && b.0 == 1)
        .map(|[a, b]| (a.1, b.1))
        .collect();
    if unique.is_empty() {
        out.push((DiffTag::Replace, si..si + n, hi..hi + m));
        return;
    }
    unique.sort_unstable();
    let (mut a0, mut b0) = (0, 0);
    for (a, b) in increasing_run(&unique) {
        diff_into(&s[a0..a], &h[b0..b], (si + a0, hi + b0), out);
        out.push((DiffTag::Equal, si + a..si + a + 1, hi + b..hi + b + 1));
        (a0, b0) = (a + 1, b + 1);
    }
    diff_into(&s[a0..], &h[b0..], (si + a0, hi + b0), out);
}

/// The longest run of `pairs` (sorted by their first) whose seconds also increase, in
/// O(n log n).
fn increasing_run(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: the index in `pairs` ending the best run of length k + 1 found so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(_, y)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < y);
        before[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(pairs[i]);
        at = before[i];
    }
    run.reverse();
    run
}

/// The comparison key: lower case, letters and digits only (`%` read as `percent`).
pub fn key(word: &str) -> String {
    let mut k = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_alphanumeric() {
            k.extend(c.to_lowercase());
        } else if c == '%' {
            k.push_str("percent");
        }
    }
    k
}

enum Pairing {
    /// A script word paired with nothing.
    Unmatched(usize),
    /// A heard word paired with nothing.
    Skipped(usize),
    /// The end of the stretch (never made by `align_block`).
    End,
    Matched {
        script: Vec<usize>,
        heard: Vec<usize>,
        similarity: f64,
    },
}

/// Longest groups tried on either side of a pairing (`twenty twenty four` is three).
const MAX_GROUP: usize = 4;

/// Aligns a stretch where script and recognition differ, maximising the summed similarity of
/// the pairs made; a word left out costs a little, so close pairs win over skipping.
fn align_block(sa: &[usize], hb: &[usize], skeys: &[String], hkeys: &[String]) -> Vec<Pairing> {
    let (n, m) = (sa.len(), hb.len());
    const SKIP: f64 = -0.2;
    // best[i][j]: the best score aligning sa[i..] with hb[j..]; step: the move that gets it.
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    let mut step = vec![vec![(0u8, 0u8, 0.0f64); m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            if i == n && j == m {
                continue;
            }
            let mut choice = (0u8, 0u8, 0.0, f64::NEG_INFINITY);
            if i < n {
                choice = (1, 0, 0.0, SKIP + best[i + 1][j]);
            }
            if j < m && SKIP + best[i][j + 1] > choice.3 {
                choice = (0, 1, 0.0, SKIP + best[i][j + 1]);
            }
            for ks in 1..=MAX_GROUP.min(n - i.min(n)) {
                for kh in 1..=MAX_GROUP.min(m - j.min(m)) {
                    if ks > 1 && kh > 1 {
                        break;
                    }
                    let a: String = sa[i..i + ks].iter().map(|&x| skeys[x].as_str()).collect();
                    let b: String = hb[j..j + kh].iter().map(|&x| hkeys[x].as_str()).collect();
                    let sim = similarity(&a, &b);
                    if sim < MIN_SIMILARITY {
                        continue;
                    }
                    // Groups must earn their place: a grouped pair counts as one, its parts
                    // would otherwise pay SKIP each.
                    let score = sim + best[i + ks][j + kh] + 0.1 * (ks + kh - 2) as f64 * -SKIP;
                    if score > choice.3 {
                        choice = (ks as u8, kh as u8, sim, score);
                    }
                }
            }
            best[i][j] = choice.3;
            step[i][j] = (choice.0, choice.1, choice.2);
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        let (ks, kh, sim) = step[i][j];
        let (ks, kh) = (ks as usize, kh as usize);
        match (ks, kh) {
            (1, 0) => out.push(Pairing::Unmatched(sa[i])),
            (0, 1) => out.push(Pairing::Skipped(hb[j])),
            (0, _) => {}
            _ => out.push(Pairing::Matched {
                script: sa[i..i + ks].to_vec(),
                heard: hb[j..j + kh].to_vec(),
                similarity: sim,
            }),
        }
        i += ks;
        j += kh;
        if ks == 0 && kh == 0 {
            break;
        }
    }
    out
}

/// 1 for the same key, 0 for nothing in common; a number matches its spoken forms.
fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    // A number, with what follows it (`90percent`), against the words it is read as.
    let spoken = |n: &str, words: &str| {
        let split = n.find(|c: char| !c.is_ascii_digit()).unwrap_or(n.len());
        let (digits, rest) = n.split_at(split);
        !digits.is_empty()
            && words.ends_with(rest)
            && digits.parse::<u64>().ok().is_some_and(|d| {
                let head = &words[..words.len() - rest.len()];
                readings(d).iter().any(|r| r == head)
            })
    };
    if spoken(a, b) || spoken(b, a) {
        return 0.95;
    }
    strsim::normalized_levenshtein(a, b)
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The ways an English speaker reads a number aloud, as keys (no spaces or hyphens): `2024` is
/// `twothousandtwentyfour`, `twothousandandtwentyfour` and, as a year, `twentytwentyfour`.
fn readings(n: u64) -> Vec<String> {
    let mut out = vec![cardinal(n, false), cardinal(n, true)];
    if (1100..10000).contains(&n) && !n.is_multiple_of(100) || (1100..2000).contains(&n) {
        let (hi, lo) = (n / 100, n % 100);
        let low = match lo {
            0 => "hundred".to_string(),
            1..=9 => format!("oh{}", ONES[lo as usize]),
            _ => cardinal(lo, false),
        };
        out.push(format!("{}{low}", cardinal(hi, false)));
    }
    out.dedup();
    out
}

fn cardinal(n: u64, with_and: bool) -> String {
    let under_100 = |n: u64| -> String {
        if n < 20 {
            ONES[n as usize].to_string()
        } else if n.is_multiple_of(10) {
            TENS[(n / 10) as usize].to_string()
        } else {
            format!("{}{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize])
        }
    };
    let under_1000 = |n: u64| -> String {
        let (h, r) = (n / 100, n % 100);
        match (h, r) {
            (0, r) => under_100(r),
            (h, 0) => format!("{}hundred", ONES[h as usize]),
            (h, r) => format!(
                "{}hundred{}{}",
                ONES[h as usize],
                if with_and { "and" } else { "" },
                under_100(r)
            ),
        }
    };
    if n >= 1_000_000_000 {
        return n.to_string();
    }
    let (millions, thousands, rest) = (n / 1_000_000, n / 1000 % 1000, n % 1000);
    let mut s = String::new();
    if millions > 0 {
        s += &under_1000(millions);
        s += "million";
    }
    if thousands > 0 {
        s += &under_1000(thousands);
        s += "thousand";
    }
    if rest > 0 || s.is_empty() {
        if !s.is_empty() && rest < 100 && with_and {
            s += "and";
        }
        s += &under_1000(rest);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(words: &[(&str, f64, f64)]) -> Vec<Timed> {
        words
            .iter()
            .map(|&(t, s, e)| Timed {
                text: t.into(),
                start: s,
                end: e,
                speaker: None,
                confidence: None,
                shared: None,
            })
            .collect()
    }

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn script_slides_break_at_blank_lines_and_rules() {
        let s = slides("One two.\nthree\n\n\nFour\n---\nfive six\n");
        assert_eq!(
            s,
            vec![words("One two. three"), words("Four"), words("five six")]
        );
    }

    #[test]
    fn numbers_are_read_aloud() {
        assert!(readings(2024).contains(&"twentytwentyfour".to_string()));
        assert!(readings(2024).contains(&"twothousandtwentyfour".to_string()));
        assert!(readings(1905).contains(&"nineteenohfive".to_string()));
        assert!(readings(115).contains(&"onehundredandfifteen".to_string()));
        assert_eq!(readings(7), vec!["seven"]);
    }

    #[test]
    fn the_script_keeps_its_spelling_and_takes_the_heard_times() {
        let h = heard(&[
            ("in", 0.0, 0.2),
            ("twenty", 0.2, 0.5),
            ("twenty", 0.5, 0.8),
            ("four", 0.8, 1.0),
            ("the", 1.0, 1.1),
            ("well", 1.1, 1.3),
            ("known", 1.3, 1.6),
            ("colonel", 1.6, 2.0),
            ("sed", 2.0, 2.3),
            ("hello", 2.5, 3.0),
        ]);
        let s = words("In 2024, the well-known Kernel said: “Hello!” Goodbye.");
        let (t, r) = reconcile(&s, &h);
        let got: Vec<(&str, Option<f64>, Option<f64>)> = t
            .iter()
            .map(|t| (t.text.as_str(), t.start, t.end))
            .collect();
        assert_eq!(got[1], ("2024,", Some(0.2), Some(1.0)));
        assert_eq!(got[3], ("well-known", Some(1.1), Some(1.6)));
        assert_eq!(got[5], ("said:", Some(2.0), Some(2.3)));
        assert_eq!(got[6], ("“Hello!”", Some(2.5), Some(3.0)));
        assert_eq!(got[7], ("Goodbye.", None, None));
        // Kernel/colonel are too far apart to pair, but "colonel" was heard where "Kernel" was
        // said, between the same two pairings: its time is Kernel's.
        assert_eq!(got[4], ("Kernel", Some(1.6), Some(2.0)));
        // In, the, Hello exact; 2024, well-known, said approximate; Kernel substituted.
        assert_eq!(
            (r.exact, r.approximate, r.substituted, r.unmatched),
            (3, 3, 1, 1),
            "{r:?}"
        );
        assert!(r.worst.iter().any(|w| w.contains("Goodbye.")), "{r:?}");
    }

    /// Words from a small vocabulary (so most repeat) with a fraction of unique ones.
    fn text(n: usize, seed: u64, unique_every: usize) -> Vec<String> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % unique_every == 0 {
                    format!("w{seed}x{i}")
                } else {
                    format!("v{}", (x >> 33) % 50)
                }
            })
            .collect()
    }

    #[test]
    fn long_scripts_align_through_their_unique_words() {
        // 60,000 words, every 20th unique, 3% of them changed in the recognition.
        let script = text(60_000, 1, 20);
        let mut said = script.clone();
        for (i, w) in said.iter_mut().enumerate() {
            if i % 33 == 7 {
                *w = format!("zz{i}");
            }
        }
        let h: Vec<Timed> = said
            .iter()
            .enumerate()
            .map(|(i, w)| Timed {
                text: w.clone(),
                start: i as f64,
                end: i as f64 + 0.5,
                speaker: None,
                confidence: None,
                shared: None,
            })
            .collect();
        let (tokens, r) = reconcile(&script, &h);
        let changed = (0..60_000).filter(|i| i % 33 == 7).count();
        assert_eq!(r.exact, 60_000 - changed, "{r:?}");
        assert_eq!(r.substituted + r.approximate, changed, "{r:?}");
        // The changed words took the times of what was heard in their place.
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(t.start, Some(i as f64), "word {i}");
        }
    }

    #[test]
    fn substitutions_keep_the_recognisers_time() {
        let h = heard(&[
            ("the", 0.0, 0.2),
            ("kwizzical", 0.2, 0.6),
            ("brown", 0.6, 0.9),
            ("fox", 0.9, 1.2),
            ("jumped", 1.2, 1.5),
            ("zz", 1.5, 1.7),
            ("qq", 1.7, 2.1),
            ("dog", 2.1, 2.4),
        ]);
        // One for one, then two script words heard as three, then a word with nothing heard.
        let s = words("the quick brown fox jumped over lazy dog barked");
        let (t, r) = reconcile(&s, &h);
        let got: Vec<(&str, Option<f64>, Option<f64>)> = t
            .iter()
            .map(|t| (t.text.as_str(), t.start, t.end))
            .collect();
        assert_eq!(got[1], ("quick", Some(0.2), Some(0.6)));
        // "over lazy" over "zz qq" (1.5-2.1): one for one, as the counts agree.
        assert_eq!(got[5], ("over", Some(1.5), Some(1.7)));
        assert_eq!(got[6], ("lazy", Some(1.7), Some(2.1)));
        assert_eq!(got[8], ("barked", None, None));
        assert_eq!((r.substituted, r.unmatched), (3, 1), "{r:?}");

        // Counts that differ share the heard span by length.
        let h = heard(&[
            ("a", 0.0, 0.5),
            ("xx", 0.5, 0.8),
            ("yy", 0.8, 1.4),
            ("b", 1.4, 2.0),
        ]);
        let (t, _) = reconcile(&words("a one two three b"), &h);
        let (one, three) = (&t[1], &t[3]);
        assert_eq!(one.start, Some(0.5));
        assert!(
            (one.end.unwrap() - 0.5 - 0.9 * 3.0 / 11.0).abs() < 1e-9,
            "{one:?}"
        );
        assert!((three.end.unwrap() - 1.4).abs() < 1e-9, "{three:?}");
    }

    #[test]
    fn script_words_take_the_speaker_of_what_was_heard() {
        let mut h = heard(&[("hi", 0.0, 0.5), ("there", 0.5, 1.0), ("bye", 1.5, 2.0)]);
        h[0].speaker = Some("A".into());
        h[1].speaker = Some("A".into());
        h[2].speaker = Some("B".into());
        let (t, _) = reconcile(&words("Hi there, friend. Bye!"), &h);
        let who: Vec<Option<&str>> = t.iter().map(|t| t.speaker.as_deref()).collect();
        assert_eq!(who, [Some("A"), Some("A"), Some("A"), Some("B")]);
    }

    #[test]
    fn only_words_heard_as_themselves_keep_the_recognisers_confidence() {
        let mut h = heard(&[
            ("the", 0.0, 0.2),
            ("kwizzical", 0.2, 0.6),
            ("fox", 0.6, 1.0),
        ]);
        for (w, c) in h.iter_mut().zip([0.9, 0.3, 0.8]) {
            w.confidence = Some(c);
        }
        let (t, _) = reconcile(&words("The quick fox."), &h);
        let got: Vec<Option<f64>> = t.iter().map(|t| t.confidence).collect();
        assert_eq!(got, [Some(0.9), None, Some(0.8)]);
    }

    #[test]
    fn scripts_that_do_not_match_end_without_aligning_everything_with_everything() {
        // Two unrelated texts of 200,000 words: no anchor; the old whole-file diff took minutes.
        let script = text(200_000, 2, 1_000_000);
        let said = text(200_000, 3, 1_000_000);
        let ops = diff(
            &script.iter().map(String::as_str).collect::<Vec<_>>(),
            &said.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let covered: usize = ops.iter().map(|(_, a, _)| a.len()).sum();
        assert_eq!(covered, 200_000, "every script word is in one stretch");
    }
}
