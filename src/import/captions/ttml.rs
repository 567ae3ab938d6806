//! TTML, the W3C's Timed Text Markup Language, and its profiles and forerunners: IMSC (Netflix,
//! streaming), EBU-TT-D, DFXP (Flash), YouTube's `ttml` captions and aeneas's TTML sync maps.
//!
//! A `<p>` is a cue: its words share its time. A `<span>` with times of its own inside a `<p>`
//! times its words (spans that touch, `<span>Hel</span><span>lo</span>`, make one word); text of
//! that `<p>` outside timed spans is left for interpolation. Times follow TTML's timing model:
//! every element is a parallel time container unless `timeContainer="seq"`, so a `begin` or
//! `end` counts from the parent's begin (from the end of the element before, in a `seq`), `dur`
//! from the element's own begin, an element without `end` or `dur` lasts as long as its parent
//! (no time at all in a `seq`), and none outlasts its parent. Time expressions are clock times (`00:00:01.500`, or with
//! frames `00:00:01:12`, and sub-frames `00:00:01:12.1`) and offsets (`1.5s`, `1500ms`, `2m`,
//! `1h`, `45f` frames, `12t` ticks), frames at `ttp:frameRate` (30 if not given, times
//! `ttp:frameRateMultiplier`) and ticks at `ttp:tickRate` (if not given, the frame rate times
//! `ttp:subFrameRate` when a frame rate is given, else 1).
//!
//! `<br/>` is a space between words; XML's entities and character references are decoded;
//! `<metadata>`, `<set>`, `<head>` and ruby text are not words. The speaker is the `ttm:name`
//! of the `ttm:agent` a `<p>` or `<span>` names.

use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

use super::common::{clock, cue, fraction_of, short, syllable_words, Piece};
use crate::import::{Bad, Input, Token};

/// TTML's namespaces: the W3C Recommendation's, and the drafts' DFXP still uses.
const NAMESPACES: &[&str] = &[
    "http://www.w3.org/ns/ttml",
    "http://www.w3.org/2006/10/ttaf1",
    "http://www.w3.org/2006/04/ttaf1",
];

/// Elements may nest this deep (a real file needs a handful).
const MAX_DEPTH: usize = 64;

pub(super) fn detect(input: &Input<'_>) -> bool {
    if input.json.is_some() || input.lines.is_some() {
        return false;
    }
    let text = input.text.trim_start();
    if !text.starts_with('<') {
        return false;
    }
    // The root element and its namespace come first; a large file is not searched through.
    let cut = (0..=text.len().min(4096))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let head = text.get(..cut).unwrap_or("");
    head.contains("<tt") && NAMESPACES.iter().any(|ns| head.contains(ns))
}

struct Rates {
    /// Frames a second, multiplier applied.
    frame: f64,
    /// Sub-frames a frame.
    sub_frame: f64,
    /// Ticks a second.
    tick: f64,
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
    rates: Rates,
    /// `ttm:agent` ids and the names they stand for.
    agents: HashMap<&'a str, String>,
    out: Vec<Token>,
}

pub(super) fn parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let options = ParsingOptions {
        // roxmltree guards against entity expansion attacks itself.
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc =
        Document::parse_with_options(input.text, options).map_err(|e| xml_error(&e, input.text))?;
    let tt = doc.root_element();
    if tt.tag_name().name() != "tt" {
        return Err(Bad::line(
            line_of(&doc, tt),
            format!(
                "the document is a <{}>, not a TTML <tt>",
                tt.tag_name().name()
            ),
        ));
    }
    let mut reader = Reader {
        doc: &doc,
        rates: rates(tt, &doc)?,
        agents: agents(tt),
        out: Vec::new(),
    };
    if let Some(body) = tt.children().find(|n| is(n, "body")) {
        let (begin, end) = reader.interval(body, 0.0, None, false)?;
        let speaker = reader.speaker(body, None);
        reader.block(body, begin, end, speaker.as_deref(), 0)?;
    }
    Ok(reader.out)
}

fn xml_error(e: &roxmltree::Error, text: &str) -> Bad {
    if matches!(
        e,
        roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream
    ) {
        return Bad::line(
            text.lines().count().max(1),
            "the file ends before the XML is closed (is it cut short?)",
        );
    }
    let message = e.to_string();
    let at = format!(" at {}", e.pos());
    Bad::line(
        e.pos().row as usize,
        format!(
            "not well-formed XML: {}",
            message.strip_suffix(&at).unwrap_or(&message)
        ),
    )
}

fn line_of(doc: &Document<'_>, node: Node<'_, '_>) -> usize {
    doc.text_pos_at(node.range().start).row as usize
}

/// An element of TTML called `name` (in any of TTML's namespaces, or none).
fn is(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_none_or(|ns| NAMESPACES.contains(&ns))
}

/// An attribute by its local name, whatever its namespace prefix (`ttp:`, `ttm:`).
fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn rates(tt: Node<'_, '_>, doc: &Document<'_>) -> Result<Rates, Bad> {
    let number = |name: &str| -> Result<Option<f64>, Bad> {
        let Some(v) = attribute(tt, name) else {
            return Ok(None);
        };
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
            _ => Err(Bad::line(
                line_of(doc, tt),
                format!("ttp:{name} \"{}\" is not a positive number", short(v)),
            )),
        }
    };
    let frame = number("frameRate")?;
    let multiplier = match attribute(tt, "frameRateMultiplier") {
        None => 1.0,
        Some(v) => {
            let parts: Vec<f64> = v
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            match parts[..] {
                [n, d] if n > 0.0 && d > 0.0 => n / d,
                _ => {
                    return Err(Bad::line(
                        line_of(doc, tt),
                        format!(
                            "ttp:frameRateMultiplier \"{}\" is not two numbers like \"1000 1001\"",
                            short(v)
                        ),
                    ))
                }
            }
        }
    };
    let sub_frame = number("subFrameRate")?.unwrap_or(1.0);
    let effective = frame.unwrap_or(30.0) * multiplier;
    let tick = match number("tickRate")? {
        Some(t) => t,
        None if frame.is_some() => effective * sub_frame,
        None => 1.0,
    };
    Ok(Rates {
        frame: effective,
        sub_frame,
        tick,
    })
}

/// Agent ids and their names (`<ttm:agent xml:id="a1"><ttm:name>Ada</ttm:name></ttm:agent>`).
fn agents<'a>(tt: Node<'a, '_>) -> HashMap<&'a str, String> {
    let mut map = HashMap::new();
    for agent in tt
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "agent")
    {
        let Some(id) = attribute(agent, "id") else {
            continue;
        };
        let name = agent
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "name")
            .and_then(|n| n.text())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(id);
        map.insert(id, name.to_string());
    }
    map
}

/// A TTML time expression in seconds.
fn time(s: &str, rates: &Rates) -> Option<f64> {
    let s = s.trim();
    if s.contains(':') {
        let parts: Vec<&str> = s.split(':').collect();
        return match parts[..] {
            [_, _, _] => clock(s, 3),
            [h, m, sec, frames] => {
                let whole = clock(&format!("{h}:{m}:{sec}"), 3)?;
                let (frames, sub) = match frames.split_once('.') {
                    Some((f, sub)) => (f, Some(sub)),
                    None => (frames, None),
                };
                let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                if !digits(frames) || !sub.is_none_or(digits) {
                    return None;
                }
                let mut t = whole + frames.parse::<f64>().ok()? / rates.frame;
                if let Some(sub) = sub {
                    t += sub.parse::<f64>().ok()? / (rates.frame * rates.sub_frame);
                }
                Some(t)
            }
            _ => None,
        };
    }
    let unit_at = s.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = s.split_at(unit_at);
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, fraction_of(f)?),
        None => (number, 0.0),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = whole.parse::<f64>().ok()? + fraction;
    let seconds = match unit {
        "h" => value * 3600.0,
        "m" => value * 60.0,
        "s" => value,
        "ms" => value / 1000.0,
        "f" => value / rates.frame,
        "t" => value / rates.tick,
        _ => return None,
    };
    seconds.is_finite().then_some(seconds)
}

impl<'a, 'input> Reader<'a, 'input> {
    /// An element's begin and end on the media's clock; `base` is where its times count from,
    /// `parent_end` its parent's end. In a `seq` container an element without `end` or `dur`
    /// lasts no time at all, in a `par` one as long as its parent.
    fn interval(
        &self,
        node: Node<'a, 'input>,
        base: f64,
        parent_end: Option<f64>,
        seq: bool,
    ) -> Result<(f64, Option<f64>), Bad> {
        let read = |name: &str| -> Result<Option<f64>, Bad> {
            let Some(v) = node.attribute(name) else {
                return Ok(None);
            };
            time(v, &self.rates).map(Some).ok_or_else(|| {
                Bad::line(
                    line_of(self.doc, node),
                    format!(
                        "<{}> {name}=\"{}\" is not a TTML time (like 00:00:01.500, \
                         00:00:01:12, 1.5s, 1500ms, 45f or 12t)",
                        node.tag_name().name(),
                        short(v)
                    ),
                )
            })
        };
        let begin = base + read("begin")?.unwrap_or(0.0);
        let end = match (
            read("end")?.map(|e| base + e),
            read("dur")?.map(|d| begin + d),
        ) {
            (Some(e), Some(d)) => Some(e.min(d)),
            (None, None) if seq => Some(begin),
            (e, d) => e.or(d).or(parent_end),
        };
        let end = match (end, parent_end) {
            (Some(e), Some(p)) => Some(e.min(p)),
            (e, _) => e,
        }
        .map(|e| e.max(begin));
        Ok((begin, end))
    }

    fn speaker(&self, node: Node<'a, 'input>, inherited: Option<&str>) -> Option<String> {
        match attribute(node, "agent") {
            Some(ids) => {
                let names: Vec<&str> = ids
                    .split_whitespace()
                    .map(|id| self.agents.get(id).map_or(id, String::as_str))
                    .collect();
                (!names.is_empty()).then(|| names.join(", "))
            }
            None => inherited.map(str::to_string),
        }
    }

    fn too_deep(&self, node: Node<'a, 'input>, depth: usize) -> Result<(), Bad> {
        if depth > MAX_DEPTH {
            return Err(Bad::line(
                line_of(self.doc, node),
                format!("elements are nested more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    /// `body` and `div`: the cues inside.
    fn block(
        &mut self,
        node: Node<'a, 'input>,
        begin: f64,
        end: Option<f64>,
        speaker: Option<&str>,
        depth: usize,
    ) -> Result<(), Bad> {
        self.too_deep(node, depth)?;
        let seq = node.attribute("timeContainer") == Some("seq");
        let mut previous_end = begin;
        for child in node.children() {
            let paragraph = is(&child, "p");
            if !paragraph && !is(&child, "div") {
                continue;
            }
            let base = if seq { previous_end } else { begin };
            let (b, e) = self.interval(child, base, end, seq)?;
            previous_end = e.unwrap_or(b);
            let who = self.speaker(child, speaker);
            if paragraph {
                self.paragraph(child, b, e, who.as_deref(), depth + 1)?;
            } else {
                self.block(child, b, e, who.as_deref(), depth + 1)?;
            }
        }
        Ok(())
    }

    /// A `p`: its words share its time, or take their spans' own.
    fn paragraph(
        &mut self,
        node: Node<'a, 'input>,
        begin: f64,
        end: Option<f64>,
        speaker: Option<&str>,
        depth: usize,
    ) -> Result<(), Bad> {
        let mut pieces: Vec<(Piece, bool, Option<String>)> = Vec::new();
        self.inline(node, begin, end, false, speaker, &mut pieces, depth)?;
        if !pieces.iter().any(|(_, timed, _)| *timed) {
            let text: String = pieces.iter().map(|(p, _, _)| p.text.as_str()).collect();
            self.out.extend(cue(&text, Some(begin), end, speaker));
            return Ok(());
        }
        // Text outside the timed spans is placed by interpolation.
        let mut run: Vec<Piece> = Vec::new();
        let mut run_speaker: Option<String> = None;
        for (mut piece, timed, who) in pieces {
            if !timed {
                piece.start = None;
                piece.end = None;
            }
            if who != run_speaker && !run.is_empty() {
                self.out
                    .extend(syllable_words(&run, run_speaker.as_deref()));
                run.clear();
            }
            run_speaker = who;
            run.push(piece);
        }
        self.out
            .extend(syllable_words(&run, run_speaker.as_deref()));
        Ok(())
    }

    /// The text inside a `p` or `span`, with the times of the innermost element around it and
    /// whether one of those has times of its own.
    #[allow(clippy::too_many_arguments)]
    fn inline(
        &self,
        node: Node<'a, 'input>,
        begin: f64,
        end: Option<f64>,
        timed: bool,
        speaker: Option<&str>,
        pieces: &mut Vec<(Piece, bool, Option<String>)>,
        depth: usize,
    ) -> Result<(), Bad> {
        self.too_deep(node, depth)?;
        let seq = node.attribute("timeContainer") == Some("seq");
        let mut previous_end = begin;
        for child in node.children() {
            let piece = |text: &str| Piece {
                text: text.to_string(),
                start: Some(begin),
                end,
            };
            if child.is_text() {
                let text = child.text().unwrap_or("");
                pieces.push((piece(text), timed, speaker.map(str::to_string)));
            } else if is(&child, "br") {
                pieces.push((piece("\n"), timed, speaker.map(str::to_string)));
            } else if is(&child, "span") {
                // TTML2 ruby: the annotation above the base text is not read aloud.
                if matches!(attribute(child, "ruby"), Some("text" | "textContainer")) {
                    continue;
                }
                let base = if seq { previous_end } else { begin };
                let (b, e) = self.interval(child, base, end, seq)?;
                previous_end = e.unwrap_or(b);
                let own = ["begin", "end", "dur"]
                    .iter()
                    .any(|a| child.attribute(*a).is_some());
                let who = self.speaker(child, speaker);
                self.inline(child, b, e, timed || own, who.as_deref(), pieces, depth + 1)?;
            }
        }
        Ok(())
    }
}
