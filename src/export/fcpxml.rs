//! Final Cut Pro XML (FCPXML 1.9, which Final Cut Pro 10.5 and later and DaVinci Resolve 17 and
//! later import): the slides as titles over an empty timeline, for an editor to lay over the
//! picture and restyle.
//!
//! The skeleton Apple's DTD for 1.9 asks for: `resources` with the sequence's `format`
//! (`frameDuration` the frame rate's inverse, the video's size, Rec. 709 as gpucast encodes)
//! and the Basic Title `effect`; `library` > `event` > `project` > `sequence` > `spine`, which
//! holds one `gap` as long as the video; each slide a `title` on lane 1 anchored in that gap.
//! Times are rational seconds in the video's frame rate (`1001/30000s` a frame at 29.97), on
//! whole frames: a title starts on the first frame that shows its slide and lasts until the
//! first frame that does not (the video's own rule, ceil(t x fps)). A title holds the slide's
//! text, lines broken where the video breaks them, in one `text-style`: the font's family, its
//! size, the spoken look's colour and weight (a title does not change word by word), the
//! first outline (`strokeColor`, `strokeWidth` negative: around the letters, not over them) and
//! shadow (`shadowOffset` as distance and angle) the looks have, and the alignment. Titles stay
//! where the Basic Title puts them, centred; the editor moves them.

use std::fmt::Write as _;

use super::fonts;
use super::Doc;
use crate::project::{Align, Fps, Style};
use crate::timeline::{first_frame_at, WordState};

/// Final Cut Pro's Basic Title, by the path it gives its built-in Motion templates.
const BASIC_TITLE: &str =
    ".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti";

pub(super) fn write(doc: &Doc<'_>) -> anyhow::Result<String> {
    let fonts = doc
        .styles
        .iter()
        .map(|s| fonts::describe(&s.font))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let length = time(doc.frames, doc.fps);
    let name = xml(&doc.name);
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE fcpxml>\n\
         <!-- Titles written by gpucast {} -->\n\
         <fcpxml version=\"1.9\">\n\
         \x20 <resources>\n\
         \x20   <format id=\"r1\" frameDuration=\"{}\" width=\"{}\" height=\"{}\" colorSpace=\"1-1-1 (Rec. 709)\"/>\n\
         \x20   <effect id=\"r2\" name=\"Basic Title\" uid=\"{BASIC_TITLE}\"/>\n\
         \x20 </resources>\n\
         \x20 <library>\n\
         \x20   <event name=\"gpucast\">\n\
         \x20     <project name=\"{name}\">\n\
         \x20       <sequence format=\"r1\" duration=\"{length}\" tcStart=\"0s\" tcFormat=\"NDF\">\n\
         \x20         <spine>\n\
         \x20           <gap name=\"Gap\" offset=\"0s\" start=\"0s\" duration=\"{length}\">\n",
        env!("CARGO_PKG_VERSION"),
        time(1, doc.fps),
        doc.width,
        doc.height,
    );
    for (i, block) in doc.blocks.iter().enumerate() {
        let (Some(style), Some(font)) = (doc.styles.get(block.style), fonts.get(block.style))
        else {
            continue;
        };
        let first = first_frame_at(block.start, doc.fps).min(doc.frames);
        let last = first_frame_at(block.end, doc.fps).min(doc.frames);
        if last <= first {
            continue;
        }
        let lines: Vec<String> = block
            .lines
            .iter()
            .map(|l| crate::segment::join(&l.iter().map(|w| w.text.as_str()).collect::<Vec<_>>()))
            .collect();
        let _ = write!(
            out,
            "              <title ref=\"r2\" lane=\"1\" offset=\"{}\" duration=\"{}\" name=\"{}\">\n\
             \x20               <text><text-style ref=\"ts{n}\">{}</text-style></text>\n\
             \x20               <text-style-def id=\"ts{n}\"><text-style {}/></text-style-def>\n\
             \x20             </title>\n",
            time(first, doc.fps),
            time(last - first, doc.fps),
            xml(&short(&block.text())),
            xml(&lines.join("\n")),
            text_style(style, &font.family),
            n = i + 1,
        );
    }
    out.push_str(
        "            </gap>\n\
         \x20         </spine>\n\
         \x20       </sequence>\n\
         \x20     </project>\n\
         \x20   </event>\n\
         \x20 </library>\n\
         </fcpxml>\n",
    );
    Ok(out)
}

/// The attributes of a slide's `text-style`.
fn text_style(style: &Style, family: &str) -> String {
    let look = style.looks[WordState::Spoken as usize];
    let mut a = format!(
        "font=\"{}\" fontSize=\"{}\" fontColor=\"{}\" bold=\"{}\"",
        xml(family),
        num(style.font_size as f64),
        rgba(look.color),
        u8::from(look.bold)
    );
    if let Some(o) = style.looks.iter().find_map(|l| l.outline) {
        let _ = write!(
            a,
            " strokeColor=\"{}\" strokeWidth=\"{}\"",
            rgba(o.color),
            num(-(o.width as f64))
        );
    }
    if let Some(s) = style.looks.iter().find_map(|l| l.shadow) {
        let [x, y] = s.offset.map(|v| v as f64);
        // Final Cut measures the angle anticlockwise from the right, y up; gpucast's y is down.
        let angle = (-y).atan2(x).to_degrees().rem_euclid(360.0);
        let _ = write!(
            a,
            " shadowColor=\"{}\" shadowOffset=\"{} {}\" shadowBlurRadius=\"{}\"",
            rgba(s.color),
            num(x.hypot(y)),
            num(angle),
            num(s.blur as f64)
        );
    }
    let align = match style.align {
        Align::Start => "left",
        Align::Center => "center",
        Align::End => "right",
    };
    let _ = write!(a, " alignment=\"{align}\"");
    a
}

/// `frames` frames as FCPXML time: rational seconds over the frame rate's numerator, as Final
/// Cut writes them (`3003/30000s`), or whole seconds (`2s`).
pub(super) fn time(frames: u64, fps: Fps) -> String {
    let num = frames.saturating_mul(fps.den as u64);
    let den = fps.num.max(1) as u64;
    if num.is_multiple_of(den) {
        format!("{}s", num / den)
    } else {
        format!("{num}/{den}s")
    }
}

/// A colour as Final Cut writes one: red, green, blue and alpha from 0 to 1.
fn rgba(c: [u8; 4]) -> String {
    c.iter()
        .map(|&v| {
            let s = format!("{:.4}", v as f64 / 255.0);
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s.is_empty() {
                "0".to_string()
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn num(x: f64) -> String {
    super::ass::num(x)
}

/// A title's name in the editor's timeline: the slide's first words.
fn short(text: &str) -> String {
    const MOST: usize = 40;
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or(text).trim_end()),
        None => text.to_string(),
    }
}

/// Text as XML character data or an attribute value. Characters XML 1.0 cannot hold at all
/// (most controls) are dropped; a line break stays one.
pub(super) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
