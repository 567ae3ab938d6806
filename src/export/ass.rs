//! Advanced SubStation Alpha (`.ass`, v4.00+) karaoke, as Aegisub edits it and libass (FFmpeg's
//! `ass` and `subtitles` filters, mpv, VLC) and VSFilter draw it.
//!
//! The frame is `PlayResX` x `PlayResY`, the video's size, so that sizes and margins are the
//! video's pixels; `YCbCr Matrix: None`, so that renderers draw the colours as written rather
//! than "correcting" them for a video matrix, as FFmpeg marks the ASS it converts. One `[V4+ Styles]` line per distinct slide style: its font (family name;
//! `Fontsize` the em times the font's Windows cell, which is how VSFilter and libass size fonts),
//! `SecondaryColour` the upcoming look's colour (a word before it is said), `PrimaryColour` the
//! current look's (the colour it turns as it is said), the first outline and shadow the looks
//! have, the upcoming look's weight, and the alignment and margins of the style's text box. One
//! `Dialogue` per slide, from its start to its end, lines broken with `\N` where the video breaks
//! them (`WrapStyle: 2`: the renderer never wraps on its own); the speaker of most of its words
//! in the Name field. Before each word a karaoke tag: `{\kf}` (a fill sweeping across the word,
//! the `wipe` look) or `{\k}` (the word turns at once). A gap between the slide's start and its
//! first word is an empty syllable. Durations are centiseconds between word starts rounded from
//! their absolute times, so rounding never accumulates over a long slide; a swept word ends at
//! its own end, a gap after it being another empty syllable. Where the spoken look's colour is
//! not the current one, `\t` turns each word to it at its end, as the video does. The style's
//! fade (each slide's own) is `\fad`; a shadow offset that is not the same across and down is `\xshad`/`\yshad`; a
//! text box whose middle is not the frame's is placed with `\pos`.
//!
//! ASS has no escape mechanism: a `{` in a word is written as its fullwidth form (a `}` outside
//! a block is plain text), and a backslash is followed by a word joiner (U+2060) so that it
//! never starts `\N` or swallows the next block's brace.

use std::fmt::Write as _;

use super::fonts::{self, FontName};
use super::{Block, Doc};
use crate::project::{Align, Style};
use crate::timeline::WordState;

pub(super) fn write(doc: &Doc<'_>) -> anyhow::Result<String> {
    let fonts = doc
        .styles
        .iter()
        .map(|s| fonts::describe(&s.font))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut out = String::new();
    let title = field(&doc.name);
    let _ = write!(
        out,
        "[Script Info]\n\
         ; Karaoke subtitles written by gpucast {} from {title}\n\
         Title: {title}\n\
         ScriptType: v4.00+\n\
         WrapStyle: 2\n\
         ScaledBorderAndShadow: yes\n\
         YCbCr Matrix: None\n\
         PlayResX: {}\n\
         PlayResY: {}\n\n",
        env!("CARGO_PKG_VERSION"),
        doc.width,
        doc.height
    );
    out.push_str(
        "[V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, \
         BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n",
    );
    for (i, (style, font)) in doc.styles.iter().zip(&fonts).enumerate() {
        out.push_str(&style_line(i, style, font, doc.width, doc.height));
    }
    out.push_str(
        "\n[Events]\n\
         Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
    );
    for block in &doc.blocks {
        if let Some(style) = doc.styles.get(block.style) {
            out.push_str(&dialogue(block, style, doc.width, doc.height));
        }
    }
    Ok(out)
}

fn style_name(i: usize) -> String {
    match i {
        0 => "Default".into(),
        n => format!("Default {}", n + 1),
    }
}

fn style_line(i: usize, style: &Style, font: &FontName, width: u32, height: u32) -> String {
    let [upcoming, current, _] = style.looks;
    let outline = style.looks.iter().find_map(|l| l.outline);
    let shadow = style.looks.iter().find_map(|l| l.shadow);
    let depth = match shadow {
        Some(s) if s.offset[0] == s.offset[1] && s.offset[0] >= 0.0 => s.offset[0] as f64,
        _ => 0.0,
    };
    let place = placement(style, width, height);
    format!(
        "Style: {},{},{},{},{},{},{},{},0,0,0,100,100,0,0,1,{},{},{},{},{},{},1\n",
        style_name(i),
        field(&font.family),
        num(style.font_size as f64 * font.cell),
        colour(current.color),
        // Words not yet sung are transparent where the video hides them (libass still
        // strokes their outline).
        colour(match upcoming.hidden {
            true => [upcoming.color[0], upcoming.color[1], upcoming.color[2], 0],
            false => upcoming.color,
        }),
        colour(outline.map_or([0, 0, 0, 255], |o| o.color)),
        colour(shadow.map_or([0, 0, 0, 255], |s| s.color)),
        if upcoming.bold { -1 } else { 0 },
        num(outline.map_or(0.0, |o| o.width as f64)),
        num(depth),
        place.alignment,
        place.margin_l,
        place.margin_r,
        place.margin_v,
    )
}

/// Where a style puts its text: the numpad alignment, the margins of its text box, and a
/// position when the margins cannot say it (libass centres middle-aligned text on the frame,
/// whatever the margins).
struct Placement {
    alignment: u8,
    margin_l: i64,
    margin_r: i64,
    margin_v: i64,
    pos: Option<(f64, f64)>,
}

fn placement(style: &Style, width: u32, height: u32) -> Placement {
    let (w, h) = (width as f32, height as f32);
    let (l, t, r, b) = style.text_box(w, h);
    let offset = style.vertical_offset;
    let column = match style.align {
        Align::Start => 1,
        Align::Center => 2,
        Align::End => 3,
    };
    let x = match style.align {
        Align::Start => l,
        Align::Center => (l + r) / 2.0,
        Align::End => r,
    };
    let (row, y, margin_v, fits) = match style.vertical_align {
        Align::Start => (7, t + offset, t + offset, t + offset >= 0.0),
        Align::Center => {
            let y = (t + b) / 2.0 + offset;
            (4, y, 0.0, (y - h / 2.0).abs() < 0.5)
        }
        Align::End => (1, b + offset, h - b - offset, h - b - offset >= 0.0),
    };
    Placement {
        alignment: row + column - 1,
        margin_l: l.round() as i64,
        margin_r: (w - r).round() as i64,
        margin_v: margin_v.round().max(0.0) as i64,
        pos: (!fits).then_some((x as f64, y as f64)),
    }
}

/// The slide's Dialogue line.
fn dialogue(block: &Block, style: &Style, width: u32, height: u32) -> String {
    let start = centis(block.start);
    let end = centis(block.end).max(start);
    let current = style.looks[WordState::Current as usize];
    let spoken = style.looks[WordState::Spoken as usize];
    let sweep = if current.wipe { "kf" } else { "k" };

    let mut head = String::new();
    if let Some((x, y)) = placement(style, width, height).pos {
        let _ = write!(head, "\\pos({},{})", num(x), num(y));
    }
    if let Some(s) = style.looks.iter().find_map(|l| l.shadow) {
        if s.offset[0] != s.offset[1] || s.offset[0] < 0.0 {
            let _ = write!(
                head,
                "\\xshad{}\\yshad{}",
                num(s.offset[0] as f64),
                num(s.offset[1] as f64)
            );
        }
    }
    let fade = (block.fade * 1000.0).round() as i64;
    if fade > 0 {
        let _ = write!(head, "\\fad({fade},{fade})");
    }
    // Colours only change when the spoken look's differs from the current one.
    let turn = (spoken.color != current.color).then(|| {
        let mut to = format!("\\1c{}", bgr(spoken.color));
        let mut back = format!("\\1c{}", bgr(current.color));
        if spoken.color[3] != current.color[3] {
            let _ = write!(to, "\\1a{}", alpha(spoken.color));
            let _ = write!(back, "\\1a{}", alpha(current.color));
        }
        (to, back)
    });

    let words: Vec<(usize, &super::Word)> = block
        .lines
        .iter()
        .enumerate()
        .flat_map(|(li, l)| l.iter().map(move |w| (li, w)))
        .collect();
    // Each word's start in whole centiseconds, never before the one before, all inside the
    // slide: the durations between them add up exactly.
    let mut starts = Vec::with_capacity(words.len());
    let mut at = start;
    for (_, w) in &words {
        at = centis(w.start).clamp(at, end);
        starts.push(at);
    }
    let mut text = String::new();
    if let Some(&first) = starts.first() {
        if first > start {
            open(&format!("\\k{}", first - start), &mut text, &mut head);
        }
    }
    for (i, (line, w)) in words.iter().enumerate() {
        let here = starts.get(i).copied().unwrap_or(end);
        let next = starts.get(i + 1).copied().unwrap_or(end);
        let own_end = centis(w.end).clamp(here, next);
        // A swept word fills over its own time; a word that turns at once keeps its syllable
        // until the next word starts.
        let until = if current.wipe || i + 1 == words.len() {
            own_end
        } else {
            next
        };
        let mut tags = format!("\\{sweep}{}", until - here);
        if let Some((to, back)) = &turn {
            if i > 0 {
                tags.push_str(back);
            }
            let at_ms = ((w.end * 1000.0).round() as i64 - start * 10).max(0);
            let _ = write!(tags, "\\t({at_ms},{at_ms},{to})");
        }
        open(&tags, &mut text, &mut head);
        text.push_str(&escape(&w.text));
        match words.get(i + 1) {
            Some((next_line, _)) if next_line != line => text.push_str("\\N"),
            Some((_, next_word)) => {
                text.push_str(crate::segment::Join::between(&w.text, &next_word.text).text())
            }
            None => {}
        }
        if until < next && i + 1 < words.len() {
            open(&format!("\\k{}", next - until), &mut text, &mut head);
        }
    }
    if !head.is_empty() {
        open("", &mut text, &mut head);
    }
    format!(
        "Dialogue: 0,{},{},{},{},0,0,0,,{text}\n",
        time(start),
        time(end),
        style_name(block.style),
        block.speaker().map(field).unwrap_or_default(),
    )
}

/// Opens an override block holding `head` (the slide's own tags, written once, in the first
/// block) and `tags`.
fn open(tags: &str, text: &mut String, head: &mut String) {
    text.push('{');
    text.push_str(head);
    head.clear();
    text.push_str(tags);
    text.push('}');
}

/// Seconds as whole centiseconds, ASS's unit of time.
pub(super) fn centis(seconds: f64) -> i64 {
    (seconds.max(0.0) * 100.0).round() as i64
}

/// `H:MM:SS.cc`.
pub(super) fn time(cs: i64) -> String {
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        cs / 6000 % 60,
        cs / 100 % 60,
        cs % 100
    )
}

/// A style or Dialogue field: commas separate fields and a line ends the entry.
fn field(s: &str) -> String {
    s.chars()
        .map(|c| if c == ',' || c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A word as Dialogue text: `{` opens an override block and a backslash starts `\N`, and ASS
/// escapes neither.
pub(super) fn escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '{' => out.push('\u{FF5B}'),
            '\\' => out.push_str("\\\u{2060}"),
            c => out.push(c),
        }
    }
    out
}

/// A style colour, `&HAABBGGRR` with ASS's alpha: 00 opaque, FF transparent.
pub(super) fn colour([r, g, b, a]: [u8; 4]) -> String {
    format!("&H{:02X}{b:02X}{g:02X}{r:02X}", 255 - a)
}

/// An override's colour, `&HBBGGRR&`.
fn bgr([r, g, b, _]: [u8; 4]) -> String {
    format!("&H{b:02X}{g:02X}{r:02X}&")
}

/// An override's alpha, `&HAA&` (00 opaque).
fn alpha([.., a]: [u8; 4]) -> String {
    format!("&H{:02X}&", 255 - a)
}

/// A number with at most two decimals, trailing zeros dropped.
pub(super) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".into(),
        s => s.to_string(),
    }
}
