//! Cues turned into words. A cue's time is shared out over its words by their length, or, with
//! inline timestamps, each stretch of text runs from its timestamp to the next. YouTube's rolling
//! captions repeat the lines already on screen, and openai-whisper's `--highlight_words` repeats
//! the whole subtitle once per word: both must give each word once. A word keeps who says it: the
//! label in front of its cue (WhisperX's `[SPEAKER_00]: `) or the WebVTT voice of its line.

use super::cues::{short, time, Cue};
use super::markup::{bits, clean, plain, split_label, stamp_tag, stamped, voice, Bit};
use crate::import::{Bad, Token};

pub(super) fn words(cues: &[Cue<'_>]) -> Result<Vec<Token>, Bad> {
    // YouTube's rolling captions repeat each line in the next cue (once in a 10 ms cue, once
    // above the new line); they are the files with inline timestamps.
    let rolling = cues.iter().flat_map(|c| &c.lines).any(|(_, l)| stamped(l));
    let mut out = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cues.len() {
        let rest = cues.get(i..).unwrap_or_default();
        if let Some(n) = highlighted(rest) {
            read_highlighted(rest.get(..n).unwrap_or_default(), &mut out);
            i += n;
            previous.clear();
            continue;
        }
        let cue = &cues[i];
        let shown: Vec<String> = cue
            .lines
            .iter()
            .map(|(_, l)| plain(l))
            .filter(|l| !l.is_empty())
            .collect();
        let lines = if rolling {
            new_lines(cue, &previous)
        } else {
            &cue.lines[..]
        };
        read_cue(cue, lines, &mut out)?;
        previous = shown;
        i += 1;
    }
    Ok(out)
}

/// The lines of a rolling cue that were not on screen before: the leading untimed lines that
/// repeat the previous cue's last lines are dropped. Only untimed lines can be repeats, so a
/// word said twice survives when it came with its timestamp.
fn new_lines<'c, 'a>(cue: &'c Cue<'a>, previous: &[String]) -> &'c [(usize, &'a str)] {
    let shown: Vec<(usize, String)> = cue
        .lines
        .iter()
        .enumerate()
        .map(|(k, (_, l))| (k, plain(l)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let untimed = |k: usize| cue.lines.get(k).is_some_and(|(_, l)| !stamped(l));
    let most = shown.len().min(previous.len());
    for n in (1..=most).rev() {
        let head = &shown[..n];
        let tail = &previous[previous.len() - n..];
        if head
            .iter()
            .zip(tail)
            .all(|((k, a), b)| a == b && untimed(*k))
        {
            let after = head[n - 1].0 + 1;
            return cue.lines.get(after..).unwrap_or_default();
        }
    }
    &cue.lines
}

/// Words of one cue: its time spread over the words by length, or, with inline timestamps,
/// each stretch of text from its timestamp to the next (the first from the cue's start, the
/// last to its end).
fn read_cue(cue: &Cue<'_>, lines: &[(usize, &str)], out: &mut Vec<Token>) -> Result<(), Bad> {
    let mut runs: Vec<(String, f64)> = vec![(String::new(), cue.start)];
    for (k, (number, line)) in lines.iter().enumerate() {
        if k > 0 {
            if let Some((text, _)) = runs.last_mut() {
                text.push('\n');
            }
        }
        for bit in bits(line) {
            match bit {
                Bit::Tag(tag) if stamp_tag(tag) => {
                    let at = time(tag).ok_or_else(|| {
                        Bad::line(
                            *number,
                            format!("\"<{}>\" is not a time (HH:MM:SS.mmm)", short(tag)),
                        )
                    })?;
                    runs.push((String::new(), at));
                }
                Bit::Tag(tag) => push_tag(runs.last_mut(), tag),
                Bit::Text(text) => {
                    if let Some((run, _)) = runs.last_mut() {
                        run.push_str(text);
                    }
                }
            }
        }
    }
    let from = out.len();
    let mut label = None;
    for (k, (raw, start)) in runs.iter().enumerate() {
        let end = runs.get(k + 1).map_or(cue.end, |(_, next)| *next);
        let text = clean(raw);
        let text = if k == 0 {
            let (l, rest) = split_label(&text);
            label = l.map(str::to_string);
            rest
        } else {
            &text
        };
        spread(text, *start, end, out);
    }
    if let Some(words) = out.get_mut(from..) {
        speakers(lines, label.as_deref(), words);
    }
    Ok(())
}

/// Gives a cue's words their speaker: the label in front of the cue (`[SPEAKER_00]: `), or the
/// voice (`<v Name>`) each line is spoken in. A voice runs to its `</v>` or the end of the cue.
fn speakers(lines: &[(usize, &str)], label: Option<&str>, words: &mut [Token]) {
    let mut current: Option<&str> = None;
    // Each line's speaker and how many words it has.
    let mut per_line: Vec<(Option<&str>, usize)> = Vec::new();
    for (k, (_, line)) in lines.iter().enumerate() {
        let mut speaker = None;
        let mut spoken = false;
        for bit in bits(line) {
            match bit {
                Bit::Tag(tag) if voice(tag).is_some() => current = voice(tag),
                Bit::Tag(tag) if tag.trim() == "/v" => current = None,
                Bit::Text(text) if !spoken && !text.trim().is_empty() => {
                    speaker = current;
                    spoken = true;
                }
                _ => {}
            }
        }
        let text = clean(line);
        let text = if k == 0 { split_label(&text).1 } else { &text };
        per_line.push((speaker.or(label), words_of(text).len()));
    }
    if per_line.iter().all(|(s, _)| s.is_none()) {
        return;
    }
    let mut rest = &mut words[..];
    if per_line.iter().map(|(_, n)| n).sum::<usize>() == rest.len() {
        for (speaker, n) in per_line {
            let (these, after) = rest.split_at_mut(n);
            for w in these {
                w.speaker = speaker.map(str::to_string);
            }
            rest = after;
        }
    } else {
        // Timestamps cut a word: the cue's first speaker for all of it.
        let first = per_line.iter().find_map(|(s, _)| *s);
        for w in rest {
            w.speaker = first.map(str::to_string);
        }
    }
}

fn push_tag(run: Option<&mut (String, f64)>, tag: &str) {
    if let Some((text, _)) = run {
        text.push('<');
        text.push_str(tag);
        text.push('>');
    }
}

/// Splits `text` into words and gives each a share of `start..end` as long as it is, so that
/// the words follow one another without gaps.
fn spread(text: &str, start: f64, end: f64, out: &mut Vec<Token>) {
    let words = words_of(text);
    let total: usize = words.iter().map(|w| w.chars().count()).sum();
    let mut done = 0;
    let mut from = start;
    // The group's number: where its first word lands in the file's words.
    let group = (words.len() > 1).then_some(out.len() as u32);
    for (k, word) in words.iter().enumerate() {
        done += word.chars().count();
        let to = if k + 1 == words.len() {
            end
        } else {
            start + (end - start) * done as f64 / total as f64
        };
        out.push(Token {
            shared: group,
            ..Token::timed(word, from, to)
        });
        from = to;
    }
}

/// The words of cleaned cue text, without the marks subtitles use for a change of speaker
/// (`>>` in YouTube captions, a dash before each speaker's line in SubRip).
/// Chinese and Japanese are cut into dictionary words (`segment::words`).
fn words_of(text: &str) -> Vec<String> {
    crate::segment::words(text)
        .into_iter()
        .filter(|w| !matches!(w.as_str(), ">>" | "-" | "–"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// openai-whisper --highlight_words
//
// Every word gets a cue whose text is the whole subtitle with that word in `<u>…</u>`; a pause
// between two words gets a cue with the same text and no `<u>`. WhisperX writes the same, with
// words joined by spaces, `[SPEAKER_00]: ` in front, and no cue for a word it could not align.

enum Underline {
    None,
    One {
        base: String,
        from: usize,
        to: usize,
    },
    Many,
}

fn underline(text: &str) -> Underline {
    match (text.matches("<u>").count(), text.matches("</u>").count()) {
        (0, 0) => Underline::None,
        (1, 1) => match (text.find("<u>"), text.find("</u>")) {
            (Some(open), Some(close)) if close > open => {
                let inner = text.get(open + 3..close).unwrap_or("");
                let after = text.get(close + 4..).unwrap_or("");
                let base = format!("{}{inner}{after}", text.get(..open).unwrap_or(""));
                Underline::One {
                    base,
                    from: open,
                    to: close - 3,
                }
            }
            _ => Underline::Many,
        },
        _ => Underline::Many,
    }
}

/// How many cues from the first one are one highlighted subtitle, if they are: the same text
/// once `<u>` is taken out, each underlining a later word than the one before, pauses between.
fn highlighted(cues: &[Cue<'_>]) -> Option<usize> {
    // whisper opens every subtitle with its first word's cue.
    let first = cues.first()?;
    let Underline::One { base, from, to } = underline(&first.text()) else {
        return None;
    };
    let whole = base.trim() == base.get(from..to).unwrap_or("").trim();
    let mut last = from;
    let mut n = 1;
    for (k, cue) in cues.iter().enumerate().skip(1) {
        let text = cue.text();
        match underline(&text) {
            Underline::One { base: b, from, .. } if b == base && from > last => {
                last = from;
                n = k + 1;
            }
            Underline::None if text == base => {}
            _ => break,
        }
    }
    // One cue with a word underlined in a longer line is ordinary emphasis.
    (n >= 2 || whole).then_some(n)
}

fn read_highlighted(cues: &[Cue<'_>], out: &mut Vec<Token>) {
    let mut base = String::new();
    let mut spans = Vec::new();
    for cue in cues {
        if let Underline::One { base: b, from, to } = underline(&cue.text()) {
            base = b;
            spans.push((from, to, cue.start, cue.end));
        }
    }
    let untimed = |text: &str, out: &mut Vec<Token>| {
        for word in words_of(&clean(text)) {
            out.push(Token {
                text: word,
                start: None,
                end: None,
                speaker: None,
                confidence: None,
                shared: None,
            });
        }
    };
    let first = out.len();
    let (label, after_label) = split_label(&base);
    let mut cursor = base.len() - after_label.len();
    for (from, to, start, end) in spans {
        if from < cursor {
            continue;
        }
        untimed(base.get(cursor..from).unwrap_or(""), out);
        spread(&clean(base.get(from..to).unwrap_or("")), start, end, out);
        cursor = to;
    }
    untimed(base.get(cursor..).unwrap_or(""), out);
    for w in out.get_mut(first..).unwrap_or_default() {
        w.speaker = label.map(str::to_string);
    }
}
