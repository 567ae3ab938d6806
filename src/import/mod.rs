//! Timing files from other tools turned into projects: `gpucast import`.
//!
//! Each family of formats has its own file and reads its tool's output into a flat list of
//! `Token`s (a word and its times as that file gives them). From there every format takes the same
//! road: cleaned up (`normalize`), reconciled with the user's script (`script`), cut into slides
//! that fit the frame (`slides`), and written as the same raw project the JSON parser produces.

mod aligners;
mod build;
mod captions;
mod cloud;
pub mod emphasize;
mod json;
mod list;
pub mod normalize;
mod recognisers;
pub mod script;
pub mod slides;
mod subtitles;
mod tables;
#[cfg(test)]
mod testing;
pub mod translation;
mod tts;
mod voice;
mod whisper;

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::project::presets::{self, Preset};
use crate::project::raw::RawProject;

/// A word as a timing file gives it. A missing time is filled in by interpolation later.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// Who says it, where the format tells (a diarized transcript's `SPEAKER_00`, `A`, `spk_1`).
    pub speaker: Option<String>,
    /// How sure the recogniser was of the word, 0 to 1, where the format says.
    pub confidence: Option<f64>,
    /// Set when the format timed a group of words only as a whole (a subtitle cue, a sentence)
    /// and this word's time is its share of the group's by length; the number tells groups
    /// apart. With the narration at hand, such words are placed by the audio instead.
    pub shared: Option<u32>,
}

impl Token {
    pub fn timed(text: impl Into<String>, start: f64, end: f64) -> Token {
        Token {
            text: text.into(),
            start: Some(start),
            end: Some(end),
            speaker: None,
            confidence: None,
            shared: None,
        }
    }
}

/// The confidence of a word made of several tokens: that of its least sure token.
pub(crate) fn least_sure(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One problem in a timings file: where (`segments[2].words[5]`, `line 14`) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Bad {
    pub at: String,
    pub problem: String,
}

impl Bad {
    pub fn new(at: impl Into<String>, problem: impl Into<String>) -> Bad {
        Bad {
            at: at.into(),
            problem: problem.into(),
        }
    }

    /// A problem on a 1-based line of a text format.
    pub fn line(line: usize, problem: impl Into<String>) -> Bad {
        Bad::new(format!("line {line}"), problem)
    }
}

/// A timings file read once and offered to every format: its text, and its JSON when it is JSON.
pub struct Input<'a> {
    /// The whole file, byte-order mark removed, line ends as `\n`.
    pub text: &'a str,
    /// The file parsed as one JSON document, if it is one.
    pub json: Option<&'a Value>,
    /// The file parsed as JSON lines (one value per non-empty line, with its 1-based line number),
    /// if every non-empty line is one and there are at least two.
    pub lines: Option<&'a [(usize, Value)]>,
    /// The user's script (`--text`), for formats that point into the text they were made from.
    pub script: Option<&'a str>,
}

/// A format gpucast reads.
pub struct Format {
    /// The name `--format` takes.
    pub name: &'static str,
    /// The tool(s) that write it, for the summary and error messages.
    pub title: &'static str,
    /// True if the content is this format's; must not claim another format's files.
    pub detect: fn(&Input<'_>) -> bool,
    pub parse: fn(&Input<'_>) -> Result<Vec<Token>, Bad>,
}

/// Every format, in the order they are tried and listed.
pub fn formats() -> impl Iterator<Item = &'static Format> {
    whisper::FORMATS
        .iter()
        .chain(recognisers::FORMATS)
        .chain(cloud::FORMATS)
        .chain(tts::FORMATS)
        .chain(aligners::FORMATS)
        .chain(captions::FORMATS)
        .chain(subtitles::FORMATS)
        .chain(tables::FORMATS)
}

/// Other names people use for a format.
const ALIASES: &[(&str, &str)] = &[
    ("openai", "whisper"),
    ("faster-whisper", "whisper"),
    ("whispercpp", "whisper.cpp"),
    ("whisper-cpp", "whisper.cpp"),
    ("edge-tts", "azure"),
    ("textgrid", "mfa"),
    ("webvtt", "vtt"),
    ("tsv", "csv"),
];

/// One line per format for `import --list-formats`: its name, what writes it, its other names.
pub fn format_list() -> Vec<String> {
    formats()
        .map(|f| {
            let aliases = aliases_of(f.name);
            let aliases = if aliases.is_empty() {
                String::new()
            } else {
                format!(" (also {})", aliases.join(", "))
            };
            format!("{:<20} {}{aliases}", f.name, f.title)
        })
        .collect()
}

/// The other names `--format` takes for the format `name`.
pub fn aliases_of(name: &str) -> Vec<&'static str> {
    ALIASES
        .iter()
        .chain(recognisers::ALIASES)
        .chain(cloud::ALIASES)
        .chain(captions::ALIASES)
        .filter(|(_, n)| *n == name)
        .map(|(alias, _)| *alias)
        .collect()
}

pub fn find_format(name: &str) -> Option<&'static Format> {
    let lower = name.to_ascii_lowercase();
    let name = ALIASES
        .iter()
        .chain(recognisers::ALIASES)
        .chain(cloud::ALIASES)
        .chain(captions::ALIASES)
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, n)| n);
    formats().find(|f| f.name == name)
}

/// What `gpucast import` was asked to do, beyond the two files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A format name; `None` detects it from the content.
    pub format: Option<String>,
    /// The script whose words, spelling and slide breaks win over the recogniser's.
    pub script: Option<PathBuf>,
    pub preset: Option<String>,
    pub max_lines: Option<usize>,
    pub max_words: Option<usize>,
    /// Added to every time in the file (seconds).
    pub offset: f64,
    /// A list of words and phrases to stress (`--emphasize`), made into `emphasis` rules.
    pub emphasize: Option<PathBuf>,
    /// Subtitles in another language (`--translation`), drawn under the slides they overlap.
    pub translation: Option<PathBuf>,
    /// A named look, or a look file (`--look`), over the preset.
    pub look: Option<String>,
    /// Offset and drift measured from the narration and removed, and starts and ends moved
    /// onto the voice's edges (`--snap`).
    pub snap: bool,
    /// Words timed past the narration's end are kept as they are rather than refused (`gpucast
    /// sync` measures timings that drift past it, and repairs them).
    pub past_end: bool,
    /// The espeak-ng voice the narration is listened for with (`--voice`; `sync::VOICE` when
    /// none): its language should be the script's.
    pub voice: Option<String>,
}

/// A timings file that could not be read, with the entry and the problem.
#[derive(Debug)]
pub struct ImportError {
    pub file: PathBuf,
    /// The format it was read as, when one was chosen.
    pub format: Option<&'static str>,
    pub at: Option<String>,
    pub problem: String,
}

impl ImportError {
    /// A problem in a side file (a list, subtitles): no format, perhaps a place in it.
    fn of(file: &Path, at: Option<String>, problem: String) -> ImportError {
        ImportError {
            file: file.to_path_buf(),
            format: None,
            at,
            problem,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(format) = self.format {
            write!(f, " ({format})")?;
        }
        if let Some(at) = &self.at {
            write!(f, ": {at}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ImportError {}

/// What an import made, for the summary line.
#[derive(Debug, Clone)]
pub struct Summary {
    pub format: &'static str,
    pub title: &'static str,
    pub words: usize,
    pub slides: usize,
    pub duration: f64,
    pub repairs: normalize::Repairs,
    pub script: Option<script::Report>,
    /// What listening to the narration did (words placed by the audio, `--snap`'s repair).
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

pub struct Imported {
    pub project: RawProject,
    pub summary: Summary,
    /// The narration as measured (decoded once, here), for a render that follows at once.
    pub audio: crate::media::audio::AudioInfo,
}

/// Timing files larger than this are refused before they are read: a 3-hour whisper.cpp file
/// with every token is about 40 MB.
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// A word may end this far past the audio's end (aligners round up); it is cut to the end.
const END_SLACK: f64 = 0.5;

/// Reads `timings` (and the script) and builds a project for `audio`; with no timings, the
/// script (`opts.script`) is aligned to the narration alone. `audio_ref` is how the project
/// names the audio (relative to where it will be written); `base` is that folder.
pub fn import(
    timings: Option<&Path>,
    audio: &Path,
    audio_ref: &str,
    base: &Path,
    opts: &Options,
) -> anyhow::Result<Imported> {
    let emphasis = match &opts.emphasize {
        None => None,
        Some(p) => {
            let text = read_text(p).map_err(|e| ImportError::of(p, None, e))?;
            Some(emphasize::rules(&text).map_err(|(line, problem)| {
                ImportError::of(p, (line > 0).then(|| format!("line {line}")), problem)
            })?)
        }
    };
    let mut imported = match timings {
        Some(timings) => {
            let script = match &opts.script {
                None => None,
                Some(p) => Some(read_text(p).map_err(|problem| ImportError {
                    file: p.clone(),
                    format: None,
                    at: None,
                    problem,
                })?),
            };
            let text = read_text(timings).map_err(|problem| ImportError {
                file: timings.to_path_buf(),
                format: opts.format.as_deref().and_then(find_format).map(|f| f.name),
                at: None,
                problem,
            })?;
            let audio_info = crate::media::audio::probe(audio)
                .map_err(|e| anyhow::anyhow!("cannot decode audio {}: {e:#}", audio.display()))?;
            from_text(
                &text,
                script.as_deref(),
                audio_info,
                Some(audio),
                audio_ref,
                base,
                opts,
                timings,
            )?
        }
        None => {
            let script = opts.script.as_deref().ok_or_else(|| {
                anyhow::anyhow!("import needs a timings file, or a script (--text) to align")
            })?;
            voice::from_script(script, audio, audio_ref, base, opts)?
        }
    };
    let damage = imported.audio.damage.clone();
    // Under a look with its own keyword look, the rules take that.
    let look_emphasis = opts
        .look
        .as_deref()
        .and_then(|l| crate::project::looks::built_in(l, Path::new(".")).ok())
        .and_then(|l| l.emphasis_style);
    let emphasis = emphasis.map(|mut rules| {
        if look_emphasis.is_some() {
            for r in &mut rules {
                r.style = None;
            }
        }
        rules
    });
    imported.project.emphasis = emphasis;
    if let Some(p) = &opts.translation {
        let text = read_text(p).map_err(|e| ImportError::of(p, None, e))?;
        let slides = imported.project.slides.get_or_insert_with(Vec::new);
        let lost = translation::assign(&text, slides)
            .map_err(|b| ImportError::of(p, Some(b.at), b.problem))?;
        if lost > 0 {
            imported.summary.warnings.push(format!(
                "{lost} cue{} of {} overlap no slide and are left out",
                if lost == 1 { "" } else { "s" },
                p.display()
            ));
        }
    }
    if let Some(damage) = damage {
        imported.summary.warnings.insert(
            0,
            format!(
                "audio {} is damaged: {damage}; rendering it needs --allow-partial-audio",
                audio.display()
            ),
        );
    }
    Ok(imported)
}

/// The import itself, on a timings file's text (and the script's) already read and audio
/// already measured. `timings` names the file in error messages.
#[allow(clippy::too_many_arguments)]
pub fn from_text(
    text: &str,
    script_text: Option<&str>,
    audio_info: crate::media::audio::AudioInfo,
    narration: Option<&Path>,
    audio_ref: &str,
    base: &Path,
    opts: &Options,
    timings: &Path,
) -> anyhow::Result<Imported> {
    let error = |format: Option<&'static str>, bad: Bad| ImportError {
        file: timings.to_path_buf(),
        format,
        at: Some(bad.at),
        problem: bad.problem,
    };
    let preset = preset_of(opts)?;
    let chosen = match opts.format.as_deref() {
        None | Some("auto") => None,
        Some(name) => Some(find_format(name).ok_or_else(|| {
            anyhow::anyhow!(
                "--format: \"{name}\" is not a format gpucast reads ({})",
                format_names()
            )
        })?),
    };
    let clock = std::time::Instant::now();
    let stage = |name: &str| {
        log::info!(
            "import: {name} done at {:.0} ms",
            clock.elapsed().as_secs_f64() * 1e3
        );
    };
    let json = parse_json(text);
    let lines = match &json {
        Ok(_) => None,
        Err(_) => parse_json_lines(text)
            .transpose()
            .map_err(|bad| error(chosen.map(|f| f.name), bad))?,
    };
    let input = Input {
        text,
        json: json.as_ref().ok(),
        lines: lines.as_deref(),
        script: script_text,
    };
    let format = match chosen {
        Some(f) => f,
        None => detect(&input, &json).map_err(|problem| ImportError {
            file: timings.to_path_buf(),
            format: None,
            at: None,
            problem,
        })?,
    };
    if input.json.is_none()
        && input.lines.is_none()
        && looks_like_json(text)
        && !(format.detect)(&input)
    {
        // A JSON format chosen by name, or a JSON file too broken to detect.
        if let Err(bad) = &json {
            return Err(error(Some(format.name), bad.clone()).into());
        }
    }
    let tokens = (format.parse)(&input).map_err(|b| error(Some(format.name), b))?;
    let (mut heard, repairs) =
        normalize::normalize(tokens, opts.offset).map_err(|b| error(Some(format.name), b))?;
    stage("reading and cleaning the timings");
    let notes = match narration {
        Some(audio) => voice::refine(&mut heard, audio, opts)?,
        None => Vec::new(),
    };

    let (words, breaks, report) = match &script_text {
        None => (heard, Vec::new(), None),
        Some(text) => {
            let script_slides = script::slides(text);
            let all: Vec<String> = script_slides.iter().flatten().cloned().collect();
            if all.is_empty() {
                return Err(ImportError {
                    file: opts.script.clone().unwrap_or_default(),
                    format: None,
                    at: None,
                    problem: "the script has no words".into(),
                }
                .into());
            }
            let mut breaks = Vec::with_capacity(script_slides.len());
            let mut n = 0;
            for s in &script_slides {
                breaks.push(n);
                n += s.len();
            }
            let (tokens, report) = script::reconcile(&all, &heard);
            // A script that is not this recording's would get times made up from nothing.
            let matched = report.exact + report.approximate;
            if matched == 0 || (all.len() >= 50 && matched * 5 < all.len()) {
                return Err(error(
                    Some(format.name),
                    Bad::new(
                        "--text",
                        format!(
                            "the script and the timings do not match: only {matched} of the \
                             script's {} words were found in what was heard (is it the script \
                             of this recording?)",
                            all.len()
                        ),
                    ),
                )
                .into());
            }
            let (words, _) =
                normalize::normalize(tokens, 0.0).map_err(|b| error(Some(format.name), b))?;
            // Punctuation-only script words were joined to neighbours: breaks move with them.
            let breaks = if words.len() == all.len() {
                breaks
            } else {
                Vec::new()
            };
            (words, breaks, Some(report))
        }
    };

    if script_text.is_some() {
        stage("aligning the script");
    }
    build::project(
        words,
        &breaks,
        build::Made {
            format: format.name,
            title: format.title,
            repairs,
            script: report,
            notes,
            warnings: Vec::new(),
        },
        audio_info,
        audio_ref,
        base,
        opts,
        preset,
        timings,
    )
}

/// The preset `--preset` names (lecture when none).
fn preset_of(opts: &Options) -> anyhow::Result<&'static Preset> {
    match opts.preset.as_deref() {
        None => Ok(presets::find("lecture").expect("lecture is a preset")),
        Some(name) => presets::find(name).ok_or_else(|| {
            anyhow::anyhow!("--preset: \"{name}\" is not one of {}", presets::names())
        }),
    }
}

/// Writes the project as pretty JSON, never over an existing file unless `force`, and never
/// half-written: like a video, it goes to a temporary file beside the target that is synced
/// and renamed into place (`pending::PendingFile`).
pub fn write_project(path: &Path, project: &RawProject, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    let mut json = serde_json::to_string_pretty(project)?;
    json.push('\n');
    let file = crate::pending::PendingFile::new(path);
    std::fs::write(file.temp(), json)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    file.commit()
}

/// `target` as seen from the folder `from`: relative when both are on the same tree.
pub fn relative_path(target: &Path, from: &Path) -> PathBuf {
    let (Ok(t), Ok(f)) = (target.canonicalize(), from.canonicalize()) else {
        return target.to_path_buf();
    };
    let common = t
        .components()
        .zip(f.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return t;
    }
    let mut out = PathBuf::new();
    for _ in f.components().skip(common) {
        out.push("..");
    }
    for c in t.components().skip(common) {
        out.push(c);
    }
    out
}

fn format_names() -> String {
    formats().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

/// The file as UTF-8 text without BOM and with `\n` line ends; UTF-16 with a BOM is converted.
fn read_text(path: &Path) -> Result<String, String> {
    crate::inputs::plain_file(path).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} MB is over the {} MB limit for timing files",
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    decode_text(bytes)
}

/// A text file's bytes as text: UTF-8, or UTF-16 with its byte-order mark; the byte-order mark
/// dropped and line ends made `\n` (`clean_text`).
pub(crate) fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] if rest.len() % 2 == 0 => {
            let le = bytes[0] == 0xFF;
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| {
                    if le {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            String::from_utf16(&units).map_err(|_| "not valid UTF-16 text".to_string())?
        }
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not a text file (invalid UTF-8 at byte {})",
                e.utf8_error().valid_up_to()
            )
        })?,
    };
    if text.contains('\0') {
        return Err("not a text file (it holds NUL bytes)".into());
    }
    Ok(clean_text(&text))
}

/// Without a byte-order mark, and with `\n` line ends only.
fn clean_text(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        // `\r\r\n` is one line end too: text with Windows line ends written again through a
        // Windows text stream (edge-tts's WebVTT on Windows).
        text.replace("\r\r\n", "\n")
            .replace("\r\n", "\n")
            .replace('\r', "\n")
    } else {
        text.to_string()
    }
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

fn parse_json(text: &str) -> Result<Value, Bad> {
    if !looks_like_json(text) {
        return Err(Bad::new("top level", "not JSON"));
    }
    serde_json::from_str(text).map_err(|e| {
        let what = if e.is_eof() {
            "the file ends in the middle of the JSON (truncated?)".to_string()
        } else {
            format!("invalid JSON: {e}")
        };
        Bad::line(e.line(), what)
    })
}

/// One JSON value per non-empty line, if the first line is one (and there are two or more);
/// a later line that is not JSON is an error naming it.
fn parse_json_lines(text: &str) -> Option<Result<Vec<(usize, Value)>, Bad>> {
    if !looks_like_json(text) {
        return None;
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(v) => out.push((i + 1, v)),
            Err(_) if out.is_empty() => return None,
            Err(e) => {
                let what = if e.is_eof() {
                    "the line ends in the middle of its JSON (truncated?)".to_string()
                } else {
                    format!("invalid JSON: {e}")
                };
                return Some(Err(Bad::line(i + 1, what)));
            }
        }
    }
    (out.len() >= 2).then_some(Ok(out))
}

/// The one format that claims the file, or an error listing what was seen and what is known.
fn detect(input: &Input<'_>, json: &Result<Value, Bad>) -> Result<&'static Format, String> {
    let claims: Vec<&'static Format> = formats().filter(|f| (f.detect)(input)).collect();
    match claims.as_slice() {
        [one] => Ok(one),
        [] => {
            let seen = if let Some(v) = input.json {
                format!("JSON: {}", describe_json(v))
            } else if let Some(lines) = input.lines {
                format!(
                    "{} lines of JSON, the first {}",
                    lines.len(),
                    describe_json(&lines[0].1)
                )
            } else if let (true, Err(bad)) = (looks_like_json(input.text), json) {
                format!("broken JSON ({}: {})", bad.at, bad.problem)
            } else {
                let first: String = input
                    .text
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                if first.is_empty() {
                    "an empty file".to_string()
                } else {
                    format!("text starting \"{first}\"")
                }
            };
            Err(format!(
                "not a timing format gpucast recognises: found {seen}; tried {}. Pass --format NAME if it is one of these",
                format_names()
            ))
        }
        many => Err(format!(
            "could be any of {}; pass --format NAME to choose",
            many.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `an object with keys "a", "b"` or `an array of 12 objects with keys ...`.
fn describe_json(v: &Value) -> String {
    let keys = |o: &serde_json::Map<String, Value>| {
        let mut k: Vec<String> = o.keys().take(8).map(|k| format!("\"{k}\"")).collect();
        if o.len() > 8 {
            k.push("...".into());
        }
        k.join(", ")
    };
    match v {
        Value::Object(o) => format!("an object with keys {}", keys(o)),
        Value::Array(a) => match a.first() {
            Some(Value::Object(o)) => {
                format!("an array of {} objects with keys {}", a.len(), keys(o))
            }
            _ => format!("an array of {} values", a.len()),
        },
        other => json::kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format's detector and parser on every sample, whole and cut short at many places,
    /// with and without a script: errors are fine, panics are not.
    #[test]
    fn no_input_makes_any_format_panic() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
        let mut samples = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            samples += 1;
            let cuts: Vec<usize> = (0..=40)
                .map(|k| text.len() * k / 40)
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for cut in cuts {
                let part = &text[..cut];
                let json = parse_json(part);
                let lines = parse_json_lines(part).and_then(Result::ok);
                for script in [None, Some(text.as_str())] {
                    let input = Input {
                        text: part,
                        json: json.as_ref().ok(),
                        lines: lines.as_deref(),
                        script,
                    };
                    let _ = detect(&input, &json);
                    for f in formats() {
                        if let Ok(tokens) = (f.parse)(&input) {
                            let _ = normalize::normalize(tokens, 0.0);
                        }
                    }
                }
            }
        }
        assert!(samples > 40, "{samples} samples");
    }

    /// Every sample in tests/data/import is claimed by its own format and by no other, read
    /// the way `import` reads files (UTF-16 included).
    #[test]
    fn every_sample_is_detected_as_its_format_alone() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("SOURCES") || name.contains("script") {
                continue;
            }
            let expected = match name.as_str() {
                n if n.starts_with("whisper-cpp") => "whisper.cpp",
                n if n.starts_with("whisperx") => "whisperx",
                n if n.starts_with("whisper-timestamped") => "whisper-timestamped",
                n if n.starts_with("whisper") => "whisper",
                n if n.starts_with("stable-ts") => "stable-ts",
                n if n.starts_with("hf-asr") => "hf-asr",
                n if n.starts_with("google-stt") => "google-stt",
                n if n.starts_with("mfa") && n.ends_with(".json") => "mfa-json",
                n => n.split(['-', '.']).next().unwrap(),
            };
            let text = read_text(&path).unwrap();
            let json = parse_json(&text);
            let lines = parse_json_lines(&text).and_then(Result::ok);
            let input = Input {
                text: &text,
                json: json.as_ref().ok(),
                lines: lines.as_deref(),
                script: None,
            };
            let claims: Vec<&str> = formats()
                .filter(|f| (f.detect)(&input))
                .map(|f| f.name)
                .collect();
            assert_eq!(claims, [expected], "{name}");
            checked += 1;
        }
        assert_eq!(checked, 78);
    }

    /// The formats that give each word a confidence keep it, as the file writes it (the first
    /// three word-level values of each sample, read off the file), and a word the tool gave
    /// none (WhisperX's numbers) has none.
    #[test]
    fn confidences_are_kept_where_the_format_has_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
        let cases: &[(&str, [Option<f64>; 3])] = &[
            ("whisper.json", [Some(0.6928), Some(0.8122), Some(0.7443)]),
            ("whisper-cpp.json", [Some(0.91), Some(0.91), Some(0.91)]),
            ("whisperx.json", [Some(0.852), None, Some(0.931)]),
            (
                "whisper-timestamped.json",
                [Some(0.954), Some(0.881), Some(0.902)],
            ),
            ("stable-ts.json", [Some(0.91), Some(0.88), Some(0.95)]),
            ("vosk.json", [Some(1.0), Some(1.0), Some(0.987654)]),
            ("vosk-printed.txt", [Some(1.0), Some(0.962), Some(1.0)]),
            ("vosk-transcriber.json", [Some(1.0), Some(1.0), Some(0.91)]),
            ("deepgram.json", [Some(0.9987), Some(0.99312), Some(0.9975)]),
            (
                "assemblyai.json",
                [Some(0.98712), Some(0.99534), Some(0.99102)],
            ),
            ("transcribe.json", [Some(0.999), Some(0.998), Some(0.997)]),
            ("revai.json", [Some(0.97), Some(0.99), Some(0.98)]),
            // Google gives word confidences only when asked (`enableWordConfidence`).
            ("google-stt.json", [None, None, None]),
            ("nemo.json", [None, None, None]),
        ];
        for (name, want) in cases {
            let text = read_text(&dir.join(name)).unwrap();
            let tokens = testing::with(&text, None, |input| {
                let format = formats().find(|f| (f.detect)(input)).unwrap();
                (format.parse)(input).unwrap()
            });
            let (words, _) = normalize::normalize(tokens, 0.0).unwrap();
            let got: Vec<Option<f64>> = words.iter().take(3).map(|w| w.confidence).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn a_word_of_several_tokens_is_as_sure_as_its_least_sure_and_bad_values_are_named() {
        let text = r#"{"segments": [{"words": [
            {"word": " L", "start": 0.0, "end": 0.1, "probability": 0.9},
            {"word": "'esquelet", "start": 0.1, "end": 0.5, "probability": 0.4},
            {"word": " és", "start": 0.5, "end": 0.7, "probability": 0.8}]}]}"#;
        let json = parse_json(text);
        let input = Input {
            text,
            json: json.as_ref().ok(),
            lines: None,
            script: None,
        };
        let tokens = (find_format("whisper").unwrap().parse)(&input).unwrap();
        let got: Vec<(&str, Option<f64>)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.confidence))
            .collect();
        assert_eq!(got, [(" L'esquelet", Some(0.4)), (" és", Some(0.8))]);

        let bad = text.replace("0.4", "1.5");
        let json = parse_json(&bad);
        let input = Input {
            text: &bad,
            json: json.as_ref().ok(),
            lines: None,
            script: None,
        };
        let e = (find_format("whisper").unwrap().parse)(&input).unwrap_err();
        assert_eq!(e.at, "segments[0].words[1].probability");
        assert!(e.problem.contains("not between 0 and 1"), "{}", e.problem);
    }

    #[test]
    fn format_names_and_aliases() {
        assert_eq!(find_format("WhisperX").unwrap().name, "whisperx");
        assert_eq!(find_format("edge-tts").unwrap().name, "azure");
        assert_eq!(find_format("tsv").unwrap().name, "csv");
        assert!(find_format("docx").is_none());
        let names: Vec<&str> = formats().map(|f| f.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
    }

    #[test]
    fn relative_paths_climb_out_of_the_project_folder() {
        let dir = tempfile::tempdir().unwrap();
        let audio = dir.path().join("media/a.wav");
        std::fs::create_dir_all(audio.parent().unwrap()).unwrap();
        std::fs::write(&audio, b"x").unwrap();
        let project_dir = dir.path().join("projects/one");
        std::fs::create_dir_all(&project_dir).unwrap();
        assert_eq!(
            relative_path(&audio, &project_dir),
            Path::new("../../media/a.wav")
        );
        assert_eq!(relative_path(&audio, dir.path()), Path::new("media/a.wav"));
    }
}
