//! Timings that text-to-speech services hand back with the speech they make: ElevenLabs
//! character alignments, Azure Speech and edge-tts word boundaries, Amazon Polly speech marks
//! and Google Cloud timepoints. The words are the ones the service was given, so these are exact;
//! what differs is how each service spells times and words.

use std::collections::HashMap;

use serde_json::Value;

use super::json::{kind, Node};
use super::{Bad, Format, Input, Token};

pub const FORMATS: &[Format] = &[
    Format {
        name: "elevenlabs",
        title: "ElevenLabs text to speech with timestamps",
        detect: elevenlabs_detect,
        parse: elevenlabs_parse,
    },
    Format {
        name: "azure",
        title: "Azure Speech / edge-tts word boundaries",
        detect: azure_detect,
        parse: azure_parse,
    },
    Format {
        name: "polly",
        title: "Amazon Polly speech marks",
        detect: polly_detect,
        parse: polly_parse,
    },
    Format {
        name: "google",
        title: "Google Cloud Text-to-Speech timepoints",
        detect: google_detect,
        parse: google_parse,
    },
];

// ---------------------------------------------------------------------------------------------
// Shared

/// How many entries detection looks at: a stream may open with chunks that carry no timings.
const PEEK: usize = 8;

/// The first entries of a file that is a list: a JSON array's items, JSON lines, or one value.
fn peek<'a>(input: &Input<'a>) -> Vec<&'a Value> {
    match (input.json, input.lines) {
        (Some(Value::Array(items)), _) => items.iter().take(PEEK).collect(),
        (Some(v), _) => vec![v],
        (None, Some(lines)) => lines.iter().take(PEEK).map(|(_, v)| v).collect(),
        (None, None) => Vec::new(),
    }
}

/// One entry of a list file, with its line when the file is JSON lines.
struct Entry<'a> {
    node: Node<'a>,
    line: Option<usize>,
}

impl<'a> Entry<'a> {
    /// Puts the line into a problem found inside this entry.
    fn locate(&self, bad: Bad) -> Bad {
        match self.line {
            None => bad,
            Some(n) if bad.at == "top level" => Bad::line(n, bad.problem),
            Some(n) => Bad::new(format!("line {n}, {}", bad.at), bad.problem),
        }
    }

    fn object(&self) -> Result<&Node<'a>, Bad> {
        if self.node.value.is_object() {
            Ok(&self.node)
        } else {
            let found = kind(self.node.value);
            Err(self.locate(self.node.bad(format!("expected an object, found {found}"))))
        }
    }
}

/// The entries of a JSON array or of JSON lines; a file of one JSON object is a list of one.
fn entries<'a>(input: &Input<'a>) -> Result<Vec<Entry<'a>>, Bad> {
    if let Some(v) = input.json {
        let root = Node::root(v);
        if !v.is_array() {
            return Ok(vec![Entry {
                node: root,
                line: None,
            }]);
        }
        return Ok(root
            .items()?
            .into_iter()
            .map(|node| Entry { node, line: None })
            .collect());
    }
    match input.lines {
        Some(lines) => Ok(lines
            .iter()
            .map(|(n, v)| Entry {
                node: Node::root(v),
                line: Some(*n),
            })
            .collect()),
        None => Err(Bad::new("top level", "expected JSON or JSON lines")),
    }
}

/// True if `key` is `name` as some SDK spells it: `audio_offset`, `audioOffset`, `AudioOffset`,
/// or `privAudioOffset`, which `JSON.stringify` writes for the JavaScript SDKs' objects.
/// `name` is in lower case without underscores.
fn same_key(key: &str, name: &str) -> bool {
    let plain = |k: &str| {
        k.chars()
            .filter(|&c| c != '_')
            .map(|c| c.to_ascii_lowercase())
            .eq(name.chars())
    };
    plain(key) || key.strip_prefix("priv").is_some_and(plain)
}

/// A field (not null) under any SDK's spelling of `name` (see `same_key`).
fn any_key<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, v)| same_key(k, name) && !v.is_null())
        .map(|(_, v)| v)
}

/// `any_key` for a node, keeping the key as written in the path.
fn any_field<'a>(node: &Node<'a>, name: &str) -> Option<Node<'a>> {
    let key = node
        .value
        .as_object()?
        .iter()
        .find(|(k, v)| same_key(k, name) && !v.is_null())?
        .0;
    node.get(key)
}

/// `&amp;`, `&lt;`, `&#233;`... as the characters they stand for, for text that went through
/// SSML; anything else is kept as written.
fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entity = rest[1..]
            .find(';')
            .filter(|&j| j <= 10)
            .map(|j| &rest[1..=j]);
        let decoded = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = e.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, entity) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// ElevenLabs: `/v1/text-to-speech/{voice}/with-timestamps` and its streaming and websocket kin.
// Every character of the text has a start and an end; words are cut at whitespace.

fn elevenlabs_detect(input: &Input<'_>) -> bool {
    peek(input).into_iter().any(|v| {
        is_alignment(v)
            || ["alignment", "normalizedalignment"]
                .iter()
                .any(|k| any_key(v, k).is_some_and(is_alignment))
    })
}

/// The HTTP shape (`characters`, seconds) or the websocket one (`chars`, milliseconds).
fn is_alignment(v: &Value) -> bool {
    let has = |k| any_key(v, k).is_some();
    (has("characters") && has("characterstarttimesseconds"))
        || (has("chars") && has("charstarttimesms"))
}

/// A character and its times in seconds from the start of the audio.
struct Char<'a> {
    text: &'a str,
    start: f64,
    end: f64,
}

fn elevenlabs_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let entries = entries(input)?;
    let mut chars = Vec::new();
    if let [only] = entries.as_slice() {
        if is_alignment(only.node.value) {
            read_alignment(&only.node, 0.0, &mut chars)?;
            return Ok(words_of(&chars));
        }
    }
    // The text as it was sent (`1952`), not as it was read (`nineteen fifty-two`), when the
    // file has it: that is what the user wrote and will want to see.
    let mut original = false;
    for e in &entries {
        original |= any_field(e.object()?, "alignment").is_some();
    }
    let key = if original {
        "alignment"
    } else {
        "normalizedalignment"
    };
    // Websocket chunks count from their own start, which is where the chunk before ended.
    let mut clock = 0.0;
    for e in &entries {
        // Chunks of audio only have a null alignment.
        if let Some(alignment) = any_field(&e.node, key) {
            clock = read_alignment(&alignment, clock, &mut chars).map_err(|b| e.locate(b))?;
        }
    }
    Ok(words_of(&chars))
}

/// Reads one alignment into `out`: the HTTP shape, whose times are seconds from the start of the
/// whole audio (streamed chunks included), or the websocket one, whose times are milliseconds
/// from the start of its own chunk, which begins at `clock`. Returns where the chunk ends.
fn read_alignment<'a>(al: &Node<'a>, clock: f64, out: &mut Vec<Char<'a>>) -> Result<f64, Bad> {
    let need = |name: &str, shown: &str| {
        any_field(al, name).ok_or_else(|| al.bad(format!("missing field \"{shown}\"")))
    };
    if !al.value.is_object() {
        return Err(al.bad(format!("expected an object, found {}", kind(al.value))));
    }
    if let Some(chars) = any_field(al, "characters") {
        let starts = need(
            "characterstarttimesseconds",
            "character_start_times_seconds",
        )?;
        let ends = need("characterendtimesseconds", "character_end_times_seconds")?;
        let (chars, starts, ends) = (
            chars.items()?,
            aligned(&chars, &starts)?,
            aligned(&chars, &ends)?,
        );
        for ((c, s), e) in chars.iter().zip(&starts).zip(&ends) {
            out.push(Char {
                text: c.str()?,
                start: s.time()?,
                end: e.time()?,
            });
        }
        return Ok(clock);
    }
    if let Some(chars) = any_field(al, "chars") {
        let starts = need("charstarttimesms", "charStartTimesMs")?;
        // Some client libraries spell it `chars_durations_ms`.
        let durations = any_field(al, "chardurationsms")
            .or_else(|| any_field(al, "charsdurationsms"))
            .ok_or_else(|| al.bad("missing field \"charDurationsMs\""))?;
        let (chars, starts, durations) = (
            chars.items()?,
            aligned(&chars, &starts)?,
            aligned(&chars, &durations)?,
        );
        let mut end = clock;
        for ((c, s), d) in chars.iter().zip(&starts).zip(&durations) {
            let start = clock + s.time()? / 1000.0;
            end = start + d.time()? / 1000.0;
            out.push(Char {
                text: c.str()?,
                start,
                end,
            });
        }
        return Ok(end);
    }
    Err(al.bad("missing field \"characters\""))
}

/// The items of `times`, which must be as many as the characters.
fn aligned<'a>(chars: &Node<'a>, times: &Node<'a>) -> Result<Vec<Node<'a>>, Bad> {
    let items = times.items()?;
    let n = chars.len().unwrap_or(0);
    if items.len() != n {
        return Err(times.bad(format!(
            "{} times for {n} characters: the lists must be as long as each other",
            items.len()
        )));
    }
    Ok(items)
}

/// Words from characters: a word runs from its first character's start to its last one's end;
/// whitespace separates words and its own times are not used.
fn words_of(chars: &[Char<'_>]) -> Vec<Token> {
    let mut words = Vec::new();
    let mut word: Option<Token> = None;
    for c in chars {
        if c.text.is_empty() {
            continue;
        }
        if c.text.trim().is_empty() {
            words.extend(word.take());
            continue;
        }
        match &mut word {
            Some(w) => {
                w.text.push_str(c.text);
                w.end = Some(c.end);
            }
            None => word = Some(Token::timed(c.text, c.start, c.end)),
        }
    }
    words.extend(word);
    words
}

// ---------------------------------------------------------------------------------------------
// Azure Speech: WordBoundary events as the SDKs give them (dumped by the user), the service's own
// `audio.metadata` messages, and edge-tts's chunks. Times are 100-nanosecond ticks.

const TICKS_PER_SECOND: f64 = 10_000_000.0;

fn azure_detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| is_boundary(v))
}

fn is_boundary(v: &Value) -> bool {
    let metadata_item = |v: &Value| {
        v.get("Type").is_some_and(Value::is_string) && v.get("Data").is_some_and(Value::is_object)
    };
    let edge_tts = matches!(
        v.get("type").and_then(Value::as_str),
        Some("WordBoundary" | "SentenceBoundary")
    ) && v.get("offset").is_some();
    let sdk = any_key(v, "audiooffset").is_some() && any_key(v, "text").is_some();
    let service = v
        .get("Metadata")
        .and_then(Value::as_array)
        .and_then(|m| m.first())
        .is_some_and(metadata_item);
    edge_tts || sdk || service || metadata_item(v)
}

#[derive(Clone, Copy, PartialEq)]
enum Boundary {
    Word,
    Punctuation,
    Sentence,
}

/// A duration as written: a plain number, whose unit the whole file decides, or a time span
/// (`0:00:00.3125`) already in seconds.
#[derive(Clone, Copy)]
enum Span {
    Number(f64),
    Seconds(f64),
}

struct Event {
    boundary: Boundary,
    text: String,
    start: f64,
    duration: Option<Span>,
}

fn azure_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut events = Vec::new();
    for e in entries(input)? {
        azure_entry(e.object()?, &mut events).map_err(|b| e.locate(b))?;
    }
    // edge-tts 7 and later reports sentences unless asked for words: then each sentence's words
    // share its time.
    let wanted = if events.iter().any(|e| e.boundary == Boundary::Word) {
        Boundary::Word
    } else {
        Boundary::Sentence
    };
    events.retain(|e| e.boundary == wanted);
    let scale = duration_scale(&events);
    let mut tokens = Vec::new();
    for e in events {
        let end = e.duration.map(|d| match d {
            Span::Number(x) => e.start + x * scale,
            Span::Seconds(s) => e.start + s,
        });
        if wanted == Boundary::Word {
            tokens.push(Token {
                text: e.text,
                start: Some(e.start),
                end,
            });
            continue;
        }
        let words: Vec<&str> = e.text.split_whitespace().collect();
        let last = words.len().saturating_sub(1);
        for (i, w) in words.iter().enumerate() {
            tokens.push(Token {
                text: w.to_string(),
                start: (i == 0).then_some(e.start),
                end: if i == last { end } else { None },
            });
        }
    }
    Ok(tokens)
}

/// Seconds per unit of the file's plain-number durations. Every SDK gives ticks except C++,
/// whose `Duration` is in milliseconds, and Python's `duration.total_seconds()` gives seconds.
/// Spoken words last between about 50 ms and a few seconds, so the longest one tells them
/// apart: 10,000 or more is ticks (1 ms or more), 60 or more is milliseconds, less is seconds.
fn duration_scale(events: &[Event]) -> f64 {
    let longest = events
        .iter()
        .filter_map(|e| match e.duration {
            Some(Span::Number(x)) => Some(x),
            _ => None,
        })
        .fold(0.0, f64::max);
    if longest >= 10_000.0 {
        1.0 / TICKS_PER_SECOND
    } else if longest >= 60.0 {
        0.001
    } else {
        1.0
    }
}

fn azure_entry(node: &Node<'_>, events: &mut Vec<Event>) -> Result<(), Bad> {
    if let Some(list) = node.get("Metadata") {
        for item in list.items()? {
            events.extend(service_event(&item)?);
        }
    } else if node.get("Type").is_some() && node.get("Data").is_some() {
        events.extend(service_event(node)?);
    } else {
        events.extend(sdk_event(node)?);
    }
    Ok(())
}

/// One item of the service's `audio.metadata` message.
fn service_event(item: &Node<'_>) -> Result<Option<Event>, Bad> {
    let boundary = match item.field("Type")?.str()? {
        "WordBoundary" => Boundary::Word,
        "SentenceBoundary" => Boundary::Sentence,
        // Visemes, bookmarks, the session's end...
        _ => return Ok(None),
    };
    let data = item.field("Data")?;
    let text = data.field("text")?;
    let boundary = match text.get("BoundaryType") {
        Some(b) => boundary_type(&b)?,
        None => boundary,
    };
    Ok(Some(Event {
        boundary,
        text: unescape_xml(text.field("Text")?.str()?),
        start: offset(&data.field("Offset")?)?,
        duration: data.get("Duration").map(|d| span(&d)).transpose()?,
    }))
}

/// An SDK's event or an edge-tts chunk.
fn sdk_event(node: &Node<'_>) -> Result<Option<Event>, Bad> {
    let boundary = match any_field(node, "boundarytype").or_else(|| node.get("type")) {
        Some(b) => boundary_type(&b)?,
        // SDKs before 1.21 had word boundaries only.
        None => Boundary::Word,
    };
    let start = any_field(node, "audiooffset")
        .or_else(|| node.get("offset"))
        .ok_or_else(|| {
            node.bad("missing field \"AudioOffset\" (or \"audio_offset\", \"offset\")")
        })?;
    let text = any_field(node, "text").ok_or_else(|| node.bad("missing field \"Text\""))?;
    Ok(Some(Event {
        boundary,
        text: unescape_xml(text.str()?),
        start: offset(&start)?,
        duration: any_field(node, "duration").map(|d| span(&d)).transpose()?,
    }))
}

/// `WordBoundary`, `Word`, `SpeechSynthesisBoundaryType.Word` (Python's `str()`), or the enum's
/// number (0 word, 1 punctuation, 2 sentence), which C# serializers write by default.
fn boundary_type(node: &Node<'_>) -> Result<Boundary, Bad> {
    let unknown = || node.bad(format!("unknown boundary type {}", node.value));
    match node.value {
        Value::Number(n) => match n.as_u64() {
            Some(0) => Ok(Boundary::Word),
            Some(1) => Ok(Boundary::Punctuation),
            Some(2) => Ok(Boundary::Sentence),
            _ => Err(unknown()),
        },
        Value::String(s) => {
            let name = s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
            match name.strip_suffix("boundary").unwrap_or(&name) {
                "word" => Ok(Boundary::Word),
                "punctuation" => Ok(Boundary::Punctuation),
                "sentence" => Ok(Boundary::Sentence),
                _ => Err(unknown()),
            }
        }
        other => Err(node.bad(format!("expected a boundary type, found {}", kind(other)))),
    }
}

/// An audio offset in seconds: ticks, or a time span.
fn offset(node: &Node<'_>) -> Result<f64, Bad> {
    match span(node)? {
        Span::Number(ticks) => Ok(ticks / TICKS_PER_SECOND),
        Span::Seconds(s) => Ok(s),
    }
}

fn span(node: &Node<'_>) -> Result<Span, Bad> {
    if let Some(s) = node.value.as_str() {
        if s.contains(':') || s.starts_with("PT") {
            return match time_span(s) {
                Some(t) => Ok(Span::Seconds(t)),
                None => Err(node.bad(format!("\"{s}\" is not a time span like 0:00:00.3125"))),
            };
        }
    }
    Ok(Span::Number(node.time()?))
}

/// A time span as serializers write one: C# `TimeSpan` (`00:00:00.3125000`, `1.02:03:04`),
/// Python `timedelta` (`0:00:00.312500`) or ISO 8601 (`PT0.3125S`).
fn time_span(s: &str) -> Option<f64> {
    let s = s.trim();
    let t = if let Some(iso) = s.strip_prefix("PT").filter(|r| !r.is_empty()) {
        let mut total = 0.0;
        let mut rest = iso;
        while !rest.is_empty() {
            let i = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let x: f64 = rest[..i].parse().ok()?;
            let unit = match &rest[i..=i] {
                "H" => 3600.0,
                "M" => 60.0,
                "S" => 1.0,
                _ => return None,
            };
            total += x * unit;
            rest = &rest[i + 1..];
        }
        total
    } else {
        let mut parts = s.split(':');
        let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let hours = match h.split_once('.') {
            Some((d, h)) => {
                f64::from(d.parse::<u32>().ok()?) * 24.0 + f64::from(h.parse::<u32>().ok()?)
            }
            None => f64::from(h.parse::<u32>().ok()?),
        };
        let minutes = f64::from(m.parse::<u32>().ok()?);
        let seconds: f64 = sec.parse().ok()?;
        hours * 3600.0 + minutes * 60.0 + seconds
    };
    (t.is_finite() && t >= 0.0).then_some(t)
}

// ---------------------------------------------------------------------------------------------
// Amazon Polly speech marks: JSON lines, `time` in milliseconds, `start`/`end` byte offsets of the
// word in the text Polly was given.

const POLLY_TYPES: &[&str] = &["sentence", "word", "viseme", "ssml"];

fn polly_detect(input: &Input<'_>) -> bool {
    peek(input).first().is_some_and(|v| {
        v.get("time").is_some_and(Value::is_number)
            && v.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| POLLY_TYPES.contains(&t))
    })
}

struct Mark {
    time: f64,
    span: Option<(usize, usize)>,
    value: String,
}

impl Mark {
    /// Polly gives SSML tags (`<break time="300ms"/>`) word marks of their own.
    fn is_tag(&self) -> bool {
        let v = self.value.trim();
        v.starts_with('<') && v.ends_with('>')
    }
}

fn polly_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let mut marks = Vec::new();
    for e in entries(input)? {
        marks.extend(polly_mark(e.object()?).map_err(|b| e.locate(b))?);
    }
    // The script Polly read, if it is the one given: every mark's bytes must spell its value
    // (a script saved with other line ends, for one, is not).
    let script = input.script.filter(|s| {
        marks
            .iter()
            .all(|m| m.span.and_then(|(a, b)| s.get(a..b)) == Some(m.value.as_str()))
    });
    let mut tokens = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        if m.is_tag() {
            continue;
        }
        let text = match (script, m.span) {
            (Some(s), Some(span)) => {
                let lo = i
                    .checked_sub(1)
                    .and_then(|j| marks[j].span)
                    .map_or(0, |p| p.1);
                let hi = marks
                    .get(i + 1)
                    .and_then(|n| n.span)
                    .map_or(s.len(), |n| n.0);
                unescape_xml(widen(s, span, lo, hi))
            }
            _ => unescape_xml(&m.value),
        };
        let next = marks[i + 1..].iter().find(|n| !n.is_tag());
        tokens.push(Token {
            text,
            start: Some(m.time),
            // Polly marks starts only: a word lasts until the next one begins.
            end: next.map(|n| n.time).filter(|&t| t >= m.time),
        });
    }
    Ok(tokens)
}

/// A word mark; other marks are `None`.
fn polly_mark(node: &Node<'_>) -> Result<Option<Mark>, Bad> {
    if node.field("type")?.str()? != "word" {
        return Ok(None);
    }
    let byte = |key| -> Result<Option<usize>, Bad> {
        let Some(n) = node.get(key) else {
            return Ok(None);
        };
        match n.value.as_u64().and_then(|b| usize::try_from(b).ok()) {
            Some(b) => Ok(Some(b)),
            None => Err(n.bad(format!("expected a byte offset, found {}", n.value))),
        }
    };
    let span = match (byte("start")?, byte("end")?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Ok(Some(Mark {
        time: node.field("time")?.time()? / 1000.0,
        span,
        value: node.field("value")?.str()?.to_string(),
    }))
}

/// The word at bytes `a..b` of `script` with the punctuation the user wrote around it
/// (`question:`, `"Hello`): widened up to whitespace or a tag, but not into the marks before
/// (ending at `lo`) or after (starting at `hi`).
fn widen(script: &str, (a, b): (usize, usize), lo: usize, hi: usize) -> &str {
    let stop = |c: char| c.is_whitespace() || c == '<' || c == '>';
    let before = script.get(lo.min(a)..a).unwrap_or("");
    let after = script.get(b..hi.max(b)).unwrap_or("");
    let left = a - before
        .chars()
        .rev()
        .take_while(|&c| !stop(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let right = b + after
        .chars()
        .take_while(|&c| !stop(c))
        .map(char::len_utf8)
        .sum::<usize>();
    script.get(left..right).unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Google Cloud Text-to-Speech (v1beta1) timepoints: the time of each SSML `<mark>`, and nothing
// else, so the words come from the script.

fn google_detect(input: &Input<'_>) -> bool {
    match input.json {
        Some(Value::Object(o)) => {
            o.get("timepoints")
                .and_then(Value::as_array)
                .is_some_and(|tps| match tps.first() {
                    Some(tp) => is_timepoint(tp),
                    None => o.contains_key("audioContent") || o.contains_key("audio_content"),
                })
        }
        Some(Value::Array(items)) => items.first().is_some_and(is_timepoint),
        _ => false,
    }
}

/// `{"markName": "w3", "timeSeconds": 1.25}`, or the snake_case of the Python client's dicts.
fn is_timepoint(v: &Value) -> bool {
    const KEYS: &[&str] = &["markName", "timeSeconds", "mark_name", "time_seconds"];
    v.as_object().is_some_and(|o| {
        (o.contains_key("markName") || o.contains_key("mark_name"))
            && o.keys().all(|k| KEYS.contains(&k.as_str()))
    })
}

fn google_parse(input: &Input<'_>) -> Result<Vec<Token>, Bad> {
    let json = input
        .json
        .ok_or_else(|| Bad::new("top level", "expected JSON"))?;
    let root = Node::root(json);
    let list = if json.is_array() {
        root
    } else {
        root.field("timepoints")?
    };
    let mut timepoints = Vec::new();
    for tp in list.items()? {
        if !tp.value.is_object() {
            return Err(tp.bad(format!("expected an object, found {}", kind(tp.value))));
        }
        // proto3 JSON leaves out a field at its default: an empty name, time 0.
        let name = any_field(&tp, "markname").map(|n| n.str()).transpose()?;
        let time = any_field(&tp, "timeseconds")
            .map(|t| t.time())
            .transpose()?;
        timepoints.push((tp, name.unwrap_or(""), time.unwrap_or(0.0)));
    }
    let script = input.script.ok_or_else(|| {
        Bad::new(
            "top level",
            "Google timepoints hold times but no words: pass the script the speech was made from (its SSML with the <mark> tags, or its text) with --text",
        )
    })?;
    let script = read_script(script);
    let n = script.words.len();
    let mut starts: Vec<Option<f64>> = vec![None; n];
    // A mark after the last word is where the speech ends.
    let mut last_end: Option<f64> = None;
    if script.marks.is_empty() {
        if timepoints.len() != n {
            return Err(list.bad(format!(
                "{} timepoints for {n} words in the script: a script without <mark> tags needs one timepoint for each of its words, in order",
                timepoints.len()
            )));
        }
        for (start, (_, _, t)) in starts.iter_mut().zip(&timepoints) {
            *start = Some(*t);
        }
    } else {
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (name, word) in &script.marks {
            at.entry(name.as_str()).or_insert(*word);
        }
        for (tp, name, t) in &timepoints {
            let word = *at
                .get(name)
                .ok_or_else(|| tp.bad(format!("mark \"{name}\" is not in the script")))?;
            match starts.get_mut(word) {
                Some(start) => *start = Some(start.map_or(*t, |s| s.min(*t))),
                None => last_end = Some(last_end.map_or(*t, |e| e.max(*t))),
            }
        }
    }
    let mut tokens = Vec::with_capacity(n);
    for (i, text) in script.words.into_iter().enumerate() {
        let start = starts[i];
        let end = match starts.get(i + 1) {
            Some(next) => *next,
            None => last_end,
        };
        tokens.push(Token {
            text,
            start,
            end: end.filter(|&e| start.is_none_or(|s| e >= s)),
        });
    }
    Ok(tokens)
}

/// A script's words, and for each `<mark>` its name and the index of the word after it.
struct Script {
    words: Vec<String>,
    marks: Vec<(String, usize)>,
}

/// The words of an SSML script (tags removed, entities decoded), or `None` for plain text.
/// `script.rs` reads `--text` through this, so an SSML script shows its words, not its tags.
pub(super) fn ssml_words(script: &str) -> Option<Vec<String>> {
    is_ssml(script).then(|| read_script(script).words)
}

fn is_ssml(script: &str) -> bool {
    script.trim_start().starts_with('<') || script.contains("<mark")
}

/// Reads a plain script by whitespace, or an SSML one (it starts with a tag, or has a `<mark>`)
/// with its tags removed (a tag separates words) and its entities decoded.
fn read_script(script: &str) -> Script {
    let mut out = Script {
        words: Vec::new(),
        marks: Vec::new(),
    };
    if !is_ssml(script) {
        out.words = script.split_whitespace().map(String::from).collect();
        return out;
    }
    let mut word = String::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = tag_len(rest) {
            flush(&mut word, &mut out.words);
            let tag = &rest[1..len - 1];
            if let Some(name) = mark_name(tag) {
                out.marks.push((name, out.words.len()));
            }
            rest = &rest[len..];
            continue;
        }
        if c.is_whitespace() {
            flush(&mut word, &mut out.words);
        } else {
            word.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut word, &mut out.words);
    out
}

fn flush(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(unescape_xml(word));
        word.clear();
    }
}

/// The length of the tag (or comment) that `text` starts with, if it starts with a whole one.
fn tag_len(text: &str) -> Option<usize> {
    if !text.starts_with('<') {
        return None;
    }
    if text.starts_with("<!--") {
        return text.find("-->").map(|i| i + 3);
    }
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The name of a `<mark name="..."/>` tag, given what is between `<` and `>`.
fn mark_name(tag: &str) -> Option<String> {
    let tag = tag.trim();
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    if !tag[..end].eq_ignore_ascii_case("mark") {
        return None;
    }
    let mut rest = &tag[end..];
    while let Some(i) = rest.find("name") {
        let after = &rest[i + 4..];
        if rest[..i].ends_with(char::is_whitespace) {
            if let Some(value) = after.trim_start().strip_prefix('=') {
                let value = value.trim_start();
                for q in ['"', '\''] {
                    if let Some(body) = value.strip_prefix(q) {
                        return body.find(q).map(|j| unescape_xml(&body[..j]));
                    }
                }
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timings file read as `gpucast import` reads it: BOM dropped, CRLF as LF, then JSON or
    /// JSON lines.
    struct File {
        text: String,
        json: Option<Value>,
        lines: Option<Vec<(usize, Value)>>,
    }

    fn file(raw: &str) -> File {
        let text = raw
            .strip_prefix('\u{feff}')
            .unwrap_or(raw)
            .replace("\r\n", "\n");
        let json = serde_json::from_str(&text).ok();
        let lines = if json.is_some() {
            None
        } else {
            let mut out = Vec::new();
            let mut ok = true;
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str(line) {
                    Ok(v) => out.push((i + 1, v)),
                    Err(_) => ok = false,
                }
            }
            (ok && out.len() >= 2).then_some(out)
        };
        File { text, json, lines }
    }

    impl File {
        fn input<'a>(&'a self, script: Option<&'a str>) -> Input<'a> {
            Input {
                text: &self.text,
                json: self.json.as_ref(),
                lines: self.lines.as_deref(),
                script,
            }
        }
    }

    fn format(name: &str) -> &'static Format {
        FORMATS.iter().find(|f| f.name == name).unwrap()
    }

    fn parse(name: &str, raw: &str, script: Option<&str>) -> Result<Vec<Token>, Bad> {
        let f = file(raw);
        let input = f.input(script);
        (format(name).parse)(&input)
    }

    const ELEVENLABS: &str = include_str!("../../../tests/data/import/elevenlabs.json");
    const ELEVENLABS_STREAM: &str =
        include_str!("../../../tests/data/import/elevenlabs-stream.jsonl");
    const ELEVENLABS_WS: &str = include_str!("../../../tests/data/import/elevenlabs-ws.jsonl");
    const ELEVENLABS_MESSY: &str = include_str!("../../../tests/data/import/elevenlabs-messy.json");
    const EDGE_TTS: &str = include_str!("../../../tests/data/import/azure-edge-tts.jsonl");
    const EDGE_TTS_SENTENCES: &str =
        include_str!("../../../tests/data/import/azure-edge-tts-sentences.jsonl");
    const AZURE_SDK: &str = include_str!("../../../tests/data/import/azure-sdk.json");
    const AZURE_JS: &str = include_str!("../../../tests/data/import/azure-js.json");
    const AZURE_METADATA: &str = include_str!("../../../tests/data/import/azure-metadata.jsonl");
    const AZURE_MESSY: &str = include_str!("../../../tests/data/import/azure-messy.json");
    const POLLY: &str = include_str!("../../../tests/data/import/polly.marks");
    const POLLY_SCRIPT: &str = include_str!("../../../tests/data/import/polly-script.txt");
    const POLLY_SSML: &str = include_str!("../../../tests/data/import/polly-ssml.marks");
    const POLLY_SSML_SCRIPT: &str =
        include_str!("../../../tests/data/import/polly-ssml-script.ssml");
    const POLLY_MESSY: &str = include_str!("../../../tests/data/import/polly-messy.json");
    const GOOGLE: &str = include_str!("../../../tests/data/import/google.json");
    const GOOGLE_SCRIPT: &str = include_str!("../../../tests/data/import/google-script.ssml");
    const GOOGLE_PLAIN: &str = include_str!("../../../tests/data/import/google-plain.json");
    const GOOGLE_PLAIN_SCRIPT: &str =
        include_str!("../../../tests/data/import/google-plain-script.txt");
    const GOOGLE_MESSY: &str = include_str!("../../../tests/data/import/google-messy.json");

    fn ok(name: &str, raw: &str, script: Option<&str>) -> Vec<Token> {
        parse(name, raw, script).unwrap_or_else(|b| panic!("{}: {}", b.at, b.problem))
    }

    fn err(name: &str, raw: &str, script: Option<&str>) -> (String, String) {
        match parse(name, raw, script) {
            Ok(tokens) => panic!("parsed: {tokens:?}"),
            Err(b) => (b.at, b.problem),
        }
    }

    /// Asserts the words and times, times to a nanosecond.
    fn check(tokens: &[Token], expected: &[(&str, Option<f64>, Option<f64>)]) {
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a == b,
        };
        assert_eq!(tokens.len(), expected.len(), "{tokens:?}");
        for (t, (text, start, end)) in tokens.iter().zip(expected) {
            assert!(
                t.text == *text && close(t.start, *start) && close(t.end, *end),
                "got {t:?}, expected {text:?} {start:?} {end:?}"
            );
        }
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn claims(raw: &str) -> Vec<&'static str> {
        let f = file(raw);
        let input = f.input(None);
        FORMATS
            .iter()
            .filter(|fm| (fm.detect)(&input))
            .map(|fm| fm.name)
            .collect()
    }

    #[test]
    fn each_sample_is_claimed_by_its_format_alone() {
        for (raw, name) in [
            (ELEVENLABS, "elevenlabs"),
            (ELEVENLABS_STREAM, "elevenlabs"),
            (ELEVENLABS_WS, "elevenlabs"),
            (ELEVENLABS_MESSY, "elevenlabs"),
            (EDGE_TTS, "azure"),
            (EDGE_TTS_SENTENCES, "azure"),
            (AZURE_SDK, "azure"),
            (AZURE_JS, "azure"),
            (AZURE_METADATA, "azure"),
            (AZURE_MESSY, "azure"),
            (POLLY, "polly"),
            (POLLY_SSML, "polly"),
            (POLLY_MESSY, "polly"),
            (GOOGLE, "google"),
            (GOOGLE_PLAIN, "google"),
            (GOOGLE_MESSY, "google"),
        ] {
            assert_eq!(claims(raw), [name], "{raw:.80}");
        }
    }

    #[test]
    fn other_tools_files_are_not_claimed() {
        for raw in [
            // openai-whisper
            r#"{"text": " Hello.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Hello.",
                "words": [{"word": " Hello.", "start": 0.0, "end": 1.0, "probability": 0.9}]}], "language": "en"}"#,
            // OpenAI verbose_json
            r#"{"task": "transcribe", "language": "english", "duration": 1.0, "text": "Hello.",
                "words": [{"word": "Hello", "start": 0.0, "end": 0.5}]}"#,
            // whisperx
            r#"{"segments": [{"start": 0.1, "end": 0.5, "text": "Hello", "words": [{"word": "Hello", "start": 0.1, "end": 0.5, "score": 0.9}]}],
                "word_segments": [{"word": "Hello", "start": 0.1, "end": 0.5, "score": 0.9}]}"#,
            // whisper.cpp -ojf
            r#"{"result": {"language": "en"}, "transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:01,000"},
                "offsets": {"from": 0, "to": 1000}, "text": " Hello", "tokens": [{"text": " Hello", "offsets": {"from": 0, "to": 500}, "id": 1, "p": 0.9}]}]}"#,
            // gentle
            r#"{"transcript": "Hello", "words": [{"alignedWord": "hello", "case": "success", "end": 0.5, "start": 0.1, "word": "Hello", "startOffset": 0, "endOffset": 5}]}"#,
            // aeneas
            r#"{"fragments": [{"begin": "0.000", "end": "0.500", "id": "f000001", "language": "eng", "lines": ["Hello"], "children": []}]}"#,
            // MFA JSON
            r#"{"start": 0, "end": 1.0, "tiers": {"words": {"type": "interval", "entries": [[0.1, 0.5, "hello"]]}}}"#,
            // Remotion captions
            r#"[{"text": "Hello", "startMs": 100, "endMs": 500, "timestampMs": 300, "confidence": 0.9}]"#,
            // JSON of something else altogether
            r#"{"type": "word", "value": "Hello"}"#,
            r#"[{"time": 1, "kind": "word"}]"#,
            r#"{"timepoints": []}"#,
            r#"[{"name": "w0", "time": 0.5}]"#,
            "[]",
            "{}",
        ] {
            assert!(claims(raw).is_empty(), "{raw}: {:?}", claims(raw));
        }
        // Text formats are never JSON.
        let srt = "1\n00:00:00,100 --> 00:00:00,500\nHello\n";
        assert!(claims(srt).is_empty());
        let vtt = "WEBVTT\n\n00:00.100 --> 00:00.500\nHello\n";
        assert!(claims(vtt).is_empty());
    }

    // ElevenLabs --------------------------------------------------------------------------------

    #[test]
    fn elevenlabs_words_from_the_text_as_sent() {
        let words = ok("elevenlabs", ELEVENLABS, None);
        assert_eq!(words.len(), 18);
        check(
            &words[..3],
            &[
                ("In", Some(0.0), Some(0.23)),
                // The alignment of the text as sent: the normalized one reads "nineteen-fifty-two,".
                ("1952,", Some(0.256), Some(1.655)),
                ("Hodgkin", Some(1.678), Some(2.278)),
            ],
        );
        check(
            &words[10..12],
            &[
                ("fires:", Some(5.408), Some(5.887)),
                ("a", Some(6.249), Some(6.434)),
            ],
        );
        check(&words[17..], &[("in.", Some(8.668), Some(8.885))]);
    }

    #[test]
    fn elevenlabs_falls_back_to_the_normalized_text() {
        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"] = Value::Null;
        let words = ok("elevenlabs", &doc.to_string(), None);
        check(
            &words[..2],
            &[
                ("In", Some(0.0), Some(0.23)),
                ("nineteen-fifty-two,", Some(0.256), Some(1.655)),
            ],
        );
        assert_eq!(words.len(), 18);
    }

    #[test]
    fn elevenlabs_stream_times_run_on_across_chunks() {
        let words = ok("elevenlabs", ELEVENLABS_STREAM, None);
        assert_eq!(
            texts(&words),
            "Action potentials travel along the axon without losing strength, because each patch of membrane regenerates the signal."
                .split(' ')
                .collect::<Vec<_>>()
        );
        check(
            &words[3..6],
            &[
                ("along", Some(2.072), Some(2.542)),
                // Its "th" ends the first chunk and its "e" opens the third.
                ("the", Some(2.59), Some(2.888)),
                ("axon", Some(2.931), Some(3.315)),
            ],
        );
        check(&words[9..10], &[("because", Some(5.585), Some(6.167))]);
        check(&words[16..], &[("signal.", Some(9.454), Some(9.98))]);
    }

    #[test]
    fn elevenlabs_websocket_chunks_count_from_their_own_start() {
        let words = ok("elevenlabs", ELEVENLABS_WS, None);
        assert_eq!(words.len(), 15);
        check(
            &words[..5],
            &[
                ("Myelin", Some(0.051), Some(0.556)),
                ("speeds", Some(0.604), Some(1.138)),
                ("this", Some(1.198), Some(1.597)),
                ("up:", Some(1.629), Some(1.862)),
                // The second chunk starts where the first one's last character (a space) ends.
                ("the", Some(2.129), Some(2.416)),
            ],
        );
        check(&words[14..], &[("next.", Some(6.218), Some(6.624))]);
    }

    #[test]
    fn elevenlabs_bare_alignment_with_newlines_and_double_spaces() {
        let words = ok("elevenlabs", ELEVENLABS_MESSY, None);
        check(
            &words,
            &[
                ("So", Some(0.0), Some(0.223)),
                ("what", Some(0.252), Some(0.622)),
                ("sets", Some(0.661), Some(1.049)),
                ("the", Some(1.079), Some(1.365)),
                ("speed?", Some(1.402), Some(1.923)),
                ("Mostly", Some(2.365), Some(2.915)),
                ("the", Some(2.962), Some(3.274)),
                ("axon's", Some(3.319), Some(3.855)),
                ("diameter.", Some(3.877), Some(4.568)),
            ],
        );
    }

    #[test]
    fn elevenlabs_camel_case_from_the_javascript_sdk() {
        let raw = r#"{"audioBase64": "AAAA", "alignment": {"characters": ["H", "i", " ", "a", "l", "l"],
            "characterStartTimesSeconds": [0.1, 0.2, 0.3, 0.35, 0.4, 0.5],
            "characterEndTimesSeconds": [0.2, 0.3, 0.35, 0.4, 0.5, 0.6]}, "normalizedAlignment": null}"#;
        assert_eq!(claims(raw), ["elevenlabs"]);
        check(
            &ok("elevenlabs", raw, None),
            &[("Hi", Some(0.1), Some(0.3)), ("all", Some(0.35), Some(0.6))],
        );
    }

    #[test]
    fn elevenlabs_bad_files() {
        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["character_end_times_seconds"]
            .as_array_mut()
            .unwrap()
            .pop();
        let n = doc["alignment"]["characters"].as_array().unwrap().len();
        let (at, problem) = err("elevenlabs", &doc.to_string(), None);
        assert_eq!(at, "alignment.character_end_times_seconds");
        assert_eq!(
            problem,
            format!(
                "{} times for {n} characters: the lists must be as long as each other",
                n - 1
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["character_start_times_seconds"][4] = (-0.5).into();
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment.character_start_times_seconds[4]".into(),
                "negative time -0.5".into()
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]["characters"][2] = 7.into();
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment.characters[2]".into(),
                "expected text, found a number".into()
            )
        );

        let mut doc: Value = serde_json::from_str(ELEVENLABS).unwrap();
        doc["alignment"]
            .as_object_mut()
            .unwrap()
            .remove("character_start_times_seconds");
        assert_eq!(
            err("elevenlabs", &doc.to_string(), None),
            (
                "alignment".into(),
                "missing field \"character_start_times_seconds\"".into()
            )
        );

        let lines: Vec<&str> = ELEVENLABS_STREAM.lines().collect();
        let third = lines[2].replacen(
            "\"character_start_times_seconds\": [",
            "\"character_start_times_seconds\": [\"soon\", ",
            1,
        );
        let third = third.replacen("\"characters\": [", "\"characters\": [\"x\", ", 1);
        let third = third.replacen(
            "\"character_end_times_seconds\": [",
            "\"character_end_times_seconds\": [1, ",
            1,
        );
        let stream = [lines[0], lines[1], &third, lines[3]].join("\n");
        assert_eq!(
            err("elevenlabs", &stream, None),
            (
                "line 3, alignment.character_start_times_seconds[0]".into(),
                "expected a number, found text".into()
            )
        );

        let ws = ELEVENLABS_WS.replace("\"charDurationsMs\"", "\"durations\"");
        assert_eq!(
            err("elevenlabs", &ws, None),
            (
                "line 1, alignment".into(),
                "missing field \"charDurationsMs\"".into()
            )
        );

        assert_eq!(
            err("elevenlabs", &format!("{}\n[1, 2]\n", lines[0]), None),
            ("line 2".into(), "expected an object, found an array".into())
        );
        assert_eq!(
            err("elevenlabs", r#"{"alignment": [1]}"#, None),
            (
                "alignment".into(),
                "expected an object, found an array".into()
            )
        );
        assert_eq!(
            err("elevenlabs", "Hello", None),
            ("top level".into(), "expected JSON or JSON lines".into())
        );
        // Nothing but audio: no words, which the shared code reports.
        assert!(ok(
            "elevenlabs",
            r#"{"audio_base64": "AAAA", "alignment": null}"#,
            None
        )
        .is_empty());
    }

    // Azure ------------------------------------------------------------------------------------

    #[test]
    fn edge_tts_word_boundaries() {
        let words = ok("azure", EDGE_TTS, None);
        assert_eq!(words.len(), 18);
        check(
            &words[..2],
            &[
                ("Entropy", Some(0.1), Some(0.675)),
                ("measures", Some(0.725), Some(1.375)),
            ],
        );
        check(
            &words[9..11],
            &[
                ("observe", Some(4.5875), Some(5.15)),
                ("and", Some(5.475), Some(5.8)),
            ],
        );
        check(&words[17..], &[("decreases", Some(8.3), Some(9.025))]);
    }

    #[test]
    fn edge_tts_sentences_only_share_their_time() {
        check(
            &ok("azure", EDGE_TTS_SENTENCES, None),
            &[
                ("The", Some(0.1), None),
                ("second", None, None),
                ("law", None, None),
                ("is", None, None),
                ("statistical,", None, None),
                ("not", None, None),
                ("absolute.", None, Some(3.2875)),
                ("Small", Some(3.775), None),
                ("systems", None, None),
                ("can", None, None),
                ("briefly", None, None),
                ("run", None, None),
                ("backwards.", None, Some(6.4875)),
            ],
        );
    }

    #[test]
    fn azure_csharp_events_skip_punctuation() {
        let words = ok("azure", AZURE_SDK, None);
        assert_eq!(
            texts(&words),
            [
                "Heat", "flows", "from", "hot", "to", "cold", "never", "the", "other", "way",
                "round"
            ]
        );
        check(
            &words[..2],
            &[
                ("Heat", Some(0.1), Some(0.425)),
                ("flows", Some(0.4375), Some(0.8375)),
            ],
        );
        check(&words[10..], &[("round", Some(3.3875), Some(3.8))]);
    }

    #[test]
    fn azure_javascript_events_skip_sentences() {
        let words = ok("azure", AZURE_JS, None);
        assert_eq!(
            texts(&words),
            [
                "Temperature",
                "is",
                "the",
                "average",
                "kinetic",
                "energy",
                "of",
                "the",
                "particles"
            ]
        );
        check(&words[..1], &[("Temperature", Some(0.05), Some(0.6625))]);
        check(&words[8..], &[("particles", Some(2.4875), Some(3.15))]);
    }

    #[test]
    fn azure_service_metadata_messages() {
        let words = ok("azure", AZURE_METADATA, None);
        assert_eq!(
            texts(&words),
            ["Work", "and", "heat", "are", "two", "ways", "to", "move", "energy"]
        );
        check(&words[..1], &[("Work", Some(0.1), Some(0.4))]);
        check(&words[8..], &[("energy", Some(1.975), Some(2.4375))]);
        // A bare list of metadata items reads the same.
        let items: Vec<Value> = file(AZURE_METADATA)
            .lines
            .unwrap()
            .into_iter()
            .map(|(_, v)| v["Metadata"][0].clone())
            .collect();
        let raw = Value::Array(items).to_string();
        assert_eq!(claims(&raw), ["azure"]);
        assert_eq!(ok("azure", &raw, None), words);
    }

    #[test]
    fn azure_python_dump_with_timedelta_strings() {
        let words = ok("azure", AZURE_MESSY, None);
        assert_eq!(
            texts(&words),
            [
                "Why", "does", "ice", "float", "Because", "it", "is", "less", "dense", "than",
                "water"
            ]
        );
        check(
            &words[..2],
            &[
                ("Why", Some(0.05), Some(0.25)),
                ("does", Some(0.2625), Some(0.45)),
            ],
        );
        // str(timedelta(seconds=1)) is "0:00:01".
        check(&words[10..], &[("water", Some(3.15), Some(4.15))]);
    }

    #[test]
    fn azure_duration_units() {
        let events = |durations: [&str; 2]| {
            format!(
                r#"[{{"AudioOffset": 1000000, "Duration": {}, "Text": "Heat", "BoundaryType": 0}},
                    {{"AudioOffset": 5000000, "Duration": {}, "Text": "flows", "BoundaryType": 0}},
                    {{"AudioOffset": 9000000, "Duration": 0, "Text": ".", "BoundaryType": 1}}]"#,
                durations[0], durations[1]
            )
        };
        let expected = [
            ("Heat", Some(0.1), Some(0.425)),
            ("flows", Some(0.5), Some(0.9)),
        ];
        // Ticks, C++ milliseconds, seconds, and time spans in three spellings.
        for durations in [
            ["3250000", "4000000"],
            ["325", "400"],
            ["0.325", "0.4"],
            [r#""00:00:00.3250000""#, r#""0:00:00.400000""#],
            [r#""PT0.325S""#, r#""PT0.4S""#],
        ] {
            check(&ok("azure", &events(durations), None), &expected);
        }
    }

    #[test]
    fn azure_bad_files() {
        let raw = r#"[{"AudioOffset": 1000000, "Duration": 3250000, "Text": "Heat", "BoundaryType": "Syllable"}]"#;
        assert_eq!(
            err("azure", raw, None),
            (
                "[0].BoundaryType".into(),
                "unknown boundary type \"Syllable\"".into()
            )
        );
        let raw = r#"[{"AudioOffset": 1000000, "Duration": "0:xx:00", "Text": "Heat"}]"#;
        assert_eq!(
            err("azure", raw, None),
            (
                "[0].Duration".into(),
                "\"0:xx:00\" is not a time span like 0:00:00.3125".into()
            )
        );
        let raw = r#"[{"AudioOffset": 1000000, "Duration": 3250000}]"#;
        assert_eq!(
            err("azure", raw, None),
            ("[0]".into(), "missing field \"Text\"".into())
        );
        let raw = "{\"type\": \"WordBoundary\", \"offset\": 1000000, \"duration\": 2, \"text\": \"a\"}\n{\"type\": \"WordBoundary\", \"duration\": 2, \"text\": \"b\"}\n";
        assert_eq!(
            err("azure", raw, None),
            (
                "line 2".into(),
                "missing field \"AudioOffset\" (or \"audio_offset\", \"offset\")".into()
            )
        );
        let metadata = AZURE_METADATA.replacen("\"Offset\":4125000", "\"Offset\":-5", 1);
        assert_eq!(
            err("azure", &metadata, None),
            (
                "line 3, Metadata[0].Data.Offset".into(),
                "negative time -5".into()
            )
        );
        let metadata = AZURE_METADATA.replacen("\"Text\":\"heat\"", "\"Text\":null", 1);
        assert_eq!(
            err("azure", &metadata, None),
            (
                "line 4, Metadata[0].Data.text".into(),
                "missing field \"Text\"".into()
            )
        );
    }

    // Polly ------------------------------------------------------------------------------------

    #[test]
    fn polly_words_take_the_scripts_spelling_by_byte_offsets() {
        let words = ok("polly", POLLY, Some(POLLY_SCRIPT));
        assert_eq!(
            texts(&words),
            "Schrödinger's famous thought experiment asks a naïve question: is a cat in a sealed box alive, dead, or both?"
                .split(' ')
                .collect::<Vec<_>>()
        );
        check(
            &words[..2],
            &[
                ("Schrödinger's", Some(0.006), Some(0.925)),
                ("famous", Some(0.925), Some(1.406)),
            ],
        );
        check(
            &words[6..8],
            &[
                ("naïve", Some(3.202), Some(3.645)),
                ("question:", Some(3.645), Some(4.487)),
            ],
        );
        // The last word lasts until the shared code gives it an end.
        check(&words[18..], &[("both?", Some(7.516), None)]);
    }

    #[test]
    fn polly_words_without_a_script_or_with_another_one() {
        let plain = ok("polly", POLLY, None);
        check(
            &plain[6..8],
            &[
                ("naïve", Some(3.202), Some(3.645)),
                ("question", Some(3.645), Some(4.487)),
            ],
        );
        assert_eq!(plain.len(), 19);
        // Offsets that land elsewhere (another text, or inside a character) are not trusted.
        let other = POLLY_SCRIPT.replace("Schrödinger's", "Schroedinger's");
        assert_eq!(ok("polly", POLLY, Some(&other)), plain);
        let inside = "{\"time\":6,\"type\":\"word\",\"start\":3,\"end\":5,\"value\":\"rö\"}\n{\"time\":9,\"type\":\"word\",\"start\":5,\"end\":6,\"value\":\"d\"}\n";
        assert_eq!(texts(&ok("polly", inside, Some(POLLY_SCRIPT))), ["rö", "d"]);
    }

    #[test]
    fn polly_ssml_tags_are_not_words() {
        check(
            &ok("polly", POLLY_SSML, Some(POLLY_SSML_SCRIPT)),
            &[
                ("Entropy", Some(0.006), Some(0.539)),
                ("always", Some(0.539), Some(1.322)),
                ("increases", Some(1.322), Some(1.975)),
                ("in", Some(1.975), Some(2.223)),
                ("an", Some(2.223), Some(2.441)),
                ("isolated", Some(2.441), Some(3.032)),
                ("system.", Some(3.032), None),
            ],
        );
        assert_eq!(
            texts(&ok("polly", POLLY_SSML, None)),
            [
                "Entropy",
                "always",
                "increases",
                "in",
                "an",
                "isolated",
                "system"
            ]
        );
    }

    #[test]
    fn polly_marks_as_a_json_array() {
        check(
            &ok("polly", POLLY_MESSY, None),
            &[
                ("Free", Some(0.02), Some(0.364)),
                ("energy", Some(0.364), Some(0.834)),
                ("decides", Some(0.834), Some(1.384)),
                ("which", Some(1.384), Some(1.819)),
                ("reactions", Some(1.819), Some(2.493)),
                ("run", Some(2.493), Some(2.795)),
                ("on", Some(2.795), Some(3.013)),
                ("their", Some(3.013), Some(3.421)),
                ("own", Some(3.421), None),
            ],
        );
    }

    #[test]
    fn polly_bad_files() {
        let lines: Vec<&str> = POLLY.lines().collect();
        let bad = |line: &str| [lines[0], lines[1], line].join("\n");
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":"soon","type":"word","start":15,"end":21,"value":"famous"}"#),
                None
            ),
            (
                "line 3, time".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"start":15,"end":21,"value":"famous"}"#),
                None
            ),
            ("line 3".into(), "missing field \"type\"".into())
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"type":"word","start":1.5,"end":21,"value":"famous"}"#),
                None
            ),
            (
                "line 3, start".into(),
                "expected a byte offset, found 1.5".into()
            )
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":-925,"type":"word","start":15,"end":21,"value":"famous"}"#),
                None
            ),
            ("line 3, time".into(), "negative time -925".into())
        );
        assert_eq!(
            err(
                "polly",
                &bad(r#"{"time":925,"type":"word","start":15,"end":21}"#),
                None
            ),
            ("line 3".into(), "missing field \"value\"".into())
        );
        assert_eq!(
            err(
                "polly",
                r#"[{"time":925,"type":"word","value":"a"}, "b"]"#,
                None
            ),
            ("[1]".into(), "expected an object, found text".into())
        );
    }

    // Google -----------------------------------------------------------------------------------

    #[test]
    fn google_marks_in_ssml_time_the_words_after_them() {
        check(
            &ok("google", GOOGLE, Some(GOOGLE_SCRIPT)),
            &[
                ("Photosynthesis", Some(0.0505), Some(0.8923)),
                ("turns", Some(0.8923), None),
                ("light", None, None),
                ("into", None, None),
                ("chemical", None, None),
                ("energy.", None, Some(3.1117)),
                ("Chlorophyll", Some(3.1117), None),
                ("absorbs", None, Some(4.2406)),
                ("mostly", Some(4.2406), None),
                ("red", None, None),
                ("&", None, None),
                ("blue", None, None),
                ("light,", None, Some(6.0772)),
                ("which", Some(6.0772), None),
                ("is", None, None),
                ("why", None, None),
                ("leaves", None, None),
                ("look", None, Some(7.5013)),
                // The mark after the last word ends it.
                ("green.", Some(7.5013), Some(7.9826)),
            ],
        );
    }

    #[test]
    fn google_one_timepoint_per_word_of_a_plain_script() {
        let words = ok("google", GOOGLE_PLAIN, Some(GOOGLE_PLAIN_SCRIPT));
        assert_eq!(
            texts(&words),
            GOOGLE_PLAIN_SCRIPT.split_whitespace().collect::<Vec<_>>()
        );
        check(
            &words[..2],
            &[
                ("Water", Some(0.0613), Some(0.4488)),
                ("boils", Some(0.4488), Some(0.8012)),
            ],
        );
        check(&words[15..], &[("lower.", Some(5.2712), None)]);
        // The Python client's snake_case, as a bare array.
        assert_eq!(ok("google", GOOGLE_MESSY, Some(GOOGLE_PLAIN_SCRIPT)), words);
    }

    #[test]
    fn google_edge_cases() {
        // proto3 JSON leaves out a time of 0; words before the first mark have no time; two
        // marks before one word give it the earlier time.
        let raw = r#"{"timepoints": [{"markName": "a"}, {"markName": "b", "timeSeconds": 0.8}, {"markName": "c", "timeSeconds": 0.7}]}"#;
        let script = "<?xml version=\"1.0\"?>\n<speak>So, <mark name='a'/>light <!-- <mark name=\"x\"/> --><mark name=\"b\"/><mark name=\"c\"/>bends.</speak>";
        check(
            &ok("google", raw, Some(script)),
            &[
                ("So,", None, Some(0.0)),
                ("light", Some(0.0), Some(0.7)),
                ("bends.", Some(0.7), None),
            ],
        );
        // A mark the timepoints do not name is simply untimed.
        check(
            &ok(
                "google",
                r#"[{"markName": "b", "timeSeconds": 0.8}]"#,
                Some(script),
            ),
            &[
                ("So,", None, None),
                ("light", None, Some(0.8)),
                ("bends.", Some(0.8), None),
            ],
        );
    }

    #[test]
    fn google_bad_files() {
        assert_eq!(
            err("google", GOOGLE, None),
            (
                "top level".into(),
                "Google timepoints hold times but no words: pass the script the speech was made from (its SSML with the <mark> tags, or its text) with --text".into()
            )
        );
        assert_eq!(
            err("google", GOOGLE_PLAIN, Some("Water boils at a lower temperature.")),
            (
                "timepoints".into(),
                "16 timepoints for 6 words in the script: a script without <mark> tags needs one timepoint for each of its words, in order".into()
            )
        );
        let script = GOOGLE_SCRIPT.replace("\"m3\"", "\"m33\"");
        assert_eq!(
            err("google", GOOGLE, Some(&script)),
            (
                "timepoints[3]".into(),
                "mark \"m3\" is not in the script".into()
            )
        );
        assert_eq!(
            err(
                "google",
                r#"{"timepoints": [{"markName": "a", "timeSeconds": "later"}]}"#,
                Some("a")
            ),
            (
                "timepoints[0].timeSeconds".into(),
                "expected a number, found text".into()
            )
        );
        assert_eq!(
            err("google", r#"{"timepoints": [3]}"#, Some("a")),
            (
                "timepoints[0]".into(),
                "expected an object, found a number".into()
            )
        );
        assert_eq!(
            err("google", r#"{"audioContent": "AAAA"}"#, Some("a")),
            ("top level".into(), "missing field \"timepoints\"".into())
        );
    }

    // Helpers ----------------------------------------------------------------------------------

    #[test]
    fn xml_entities() {
        assert_eq!(
            unescape_xml("AT&amp;T &lt;b&gt; &#233;t&#xE9; &quot;&apos;"),
            "AT&T <b> été \"'"
        );
        assert_eq!(
            unescape_xml("a & b &nope; &#xD800; &"),
            "a & b &nope; &#xD800; &"
        );
    }

    #[test]
    fn time_spans() {
        assert_eq!(time_span("00:00:00.3125000"), Some(0.3125));
        assert_eq!(time_span("0:00:01"), Some(1.0));
        assert_eq!(time_span("1.00:00:02.5"), Some(86_402.5));
        assert_eq!(time_span("PT1M2.5S"), Some(62.5));
        for bad in [
            "PT", "PT5", "PT5X", "1:2", "1:2:3:4", "a:00:00", "0:00:inf", "-0:00:01", "0:00:-1",
        ] {
            assert_eq!(time_span(bad), None, "{bad}");
        }
    }
}
