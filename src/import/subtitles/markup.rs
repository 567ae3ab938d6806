//! The markup inside cue text: tags (`<i>`, `<c.yellow>`, `<v Speaker>`, inline timestamps),
//! ruby annotations, the ASS override blocks (`{\an8}`) that SubRip files carry, character
//! references, and speaker labels (WhisperX's `[SPEAKER_00]: `, WebVTT's `<v Name>`). A `<` that
//! does not open a tag is text, and a reference that is not known stays as written: subtitle
//! text is often not well-formed markup.

pub(super) enum Bit<'a> {
    Text(&'a str),
    /// What is between `<` and `>`: `i`, `/c`, `c.yellow`, `v Speaker`, `00:00:01.500`.
    Tag(&'a str),
}

/// Splits cue text into text and tags. A `<` that does not open a tag (`a < b`) is text.
pub(super) fn bits(s: &str) -> Vec<Bit<'_>> {
    let mut out = Vec::new();
    let mut text_from = 0;
    let mut pos = 0;
    // Every index used below sits next to an ASCII `<` or `>`, so on a char boundary.
    while let Some(open) = s.get(pos..).and_then(|r| r.find('<')).map(|k| k + pos) {
        let after = s.get(open + 1..).unwrap_or("");
        let opens = after.starts_with(|c: char| c == '/' || c.is_ascii_alphanumeric());
        match after.find(['>', '<', '\n']) {
            Some(k) if opens && after.get(k..).is_some_and(|r| r.starts_with('>')) => {
                if open > text_from {
                    out.push(Bit::Text(s.get(text_from..open).unwrap_or("")));
                }
                out.push(Bit::Tag(after.get(..k).unwrap_or("")));
                text_from = open + k + 2;
                pos = text_from;
            }
            _ => pos = open + 1,
        }
    }
    if let Some(text) = s.get(text_from..).filter(|t| !t.is_empty()) {
        out.push(Bit::Text(text));
    }
    out
}

/// An inline timestamp tag (`<00:00:01.500>`), well written or not.
pub(super) fn stamp_tag(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_digit())
}

/// True if the line has an inline timestamp.
pub(super) fn stamped(line: &str) -> bool {
    bits(line)
        .iter()
        .any(|b| matches!(b, Bit::Tag(t) if stamp_tag(t)))
}

/// The words of cue text: tags and ASS overrides (`{\an8}`) taken out, ruby annotations
/// (`<rt>…</rt>`) dropped, character references decoded.
pub(super) fn clean(s: &str) -> String {
    let mut out = String::new();
    let mut in_ruby_text = false;
    for bit in bits(s) {
        match bit {
            Bit::Text(text) if !in_ruby_text => out.push_str(&strip_overrides(text)),
            Bit::Text(_) => {}
            Bit::Tag(tag) => {
                let name = tag.split([' ', '\t', '.']).next().unwrap_or("");
                if name.eq_ignore_ascii_case("rt") {
                    in_ruby_text = true;
                } else if name.eq_ignore_ascii_case("/rt") {
                    in_ruby_text = false;
                }
            }
        }
    }
    decode(&out)
}

/// A line as shown on screen, to compare lines: clean, one space between words.
pub(super) fn plain(line: &str) -> String {
    clean(line).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes ASS/SSA override blocks like `{\an8}` or `{\i1}` that SubRip files carry.
fn strip_overrides(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find("{\\") {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes the character references subtitle files use; unknown ones stay as written.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let reference = after
            .find(';')
            .filter(|&k| k <= 10)
            .and_then(|k| Some((entity(&after[..k])?, k)));
        match reference {
            Some((text, k)) => {
                out.push_str(&text);
                rest = &after[k + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of `&name;`: the named references WebVTT defines, and numeric ones.
fn entity(name: &str) -> Option<String> {
    let text = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        // Direction marks only steer how the line is drawn.
        "lrm" | "rlm" => "",
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            return char::from_u32(code).map(String::from);
        }
    };
    Some(text.to_string())
}

/// A leading speaker label such as WhisperX's `[SPEAKER_00]: `, and the text after it.
pub(super) fn split_label(s: &str) -> (Option<&str>, &str) {
    let t = s.trim_start();
    let Some(inside) = t.strip_prefix('[') else {
        return (None, s);
    };
    match inside.find(']') {
        Some(k) if !inside[..k].contains(['[', '\n']) => match inside[k + 1..].strip_prefix(':') {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                let label = inside[..k].trim();
                (Some(label).filter(|l| !l.is_empty()), rest)
            }
            _ => (None, s),
        },
        _ => (None, s),
    }
}

/// The name a WebVTT voice tag gives (`v Dr. Okafor`, `v.loud Esme`), if the tag is one.
pub(super) fn voice(tag: &str) -> Option<&str> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with([' ', '\t', '.']) {
        return None;
    }
    // Classes (`v.loud`) come before the name.
    let name = rest.split_once([' ', '\t']).map_or("", |(_, n)| n).trim();
    (!name.is_empty()).then_some(name)
}
