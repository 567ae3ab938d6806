//! The input contract: a project file resolved into typed, validated values.
//!
//! `load` reads the file, applies every default and per-slide style override, checks every rule of
//! the format and reports all problems at once, each prefixed by its path (`slides[3].words[7]: ...`).
//! Nothing downstream reads raw JSON or re-checks input: a `Project` is always valid.

pub mod presets;
pub mod raw;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use raw::{
    RawBackground, RawBox, RawFps, RawLook, RawMusic, RawOffset, RawOutline, RawProject,
    RawSafeArea, RawShadow, RawSlide, RawStyle, RawVideo,
};

/// Frames per second as an exact ratio, so that 30000/1001 stays exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fps {
    pub num: u32,
    pub den: u32,
}

impl Fps {
    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl fmt::Display for Fps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Cover,
    Contain,
    Stretch,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Background {
    Color([u8; 3]),
    Image { path: PathBuf, fit: Fit },
    Video(VideoBackground),
}

impl Background {
    /// The file it is drawn from, if any.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Background::Color(_) => None,
            Background::Image { path, .. } => Some(path),
            Background::Video(v) => Some(&v.path),
        }
    }
}

/// A video clip played behind the text from the frame its background first shows.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoBackground {
    pub path: PathBuf,
    pub fit: Fit,
    /// Played again from `start` at its end; otherwise its last frame stays.
    pub looped: bool,
    /// Seconds into the clip that play first.
    pub start: f64,
    pub clip: Arc<crate::encode::clip::ClipInfo>,
}

impl VideoBackground {
    /// The clip's frame on screen `t` seconds after the background first showed.
    pub fn frame_at(&self, t: f64) -> usize {
        let length = self.clip.duration();
        let mut at = self.start + t;
        if self.looped && at >= length {
            // Later passes play start..length again.
            let span = (length - self.start).max(1e-9);
            at = self.start + (at - self.start).rem_euclid(span);
        }
        self.clip.frame_at(at)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    Center,
    End,
}

/// How a word in one state is drawn. Colors are straight (not premultiplied) RGBA.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub bold: bool,
    pub color: [u8; 4],
    pub outline: Option<Outline>,
    pub shadow: Option<Shadow>,
    pub word_box: Option<WordBox>,
    /// Karaoke fill (`current` only): the word shows this look left of a line that crosses it
    /// in proportion to the time spoken, and the upcoming look right of it.
    pub wipe: bool,
    /// How much larger the word is drawn (`current` only: the pop), about its centre; 1 is
    /// its size.
    pub scale: f32,
}

impl Look {
    /// The look `scale` times larger: its outline, shadow offset and blur too (not its box,
    /// which follows the word's slot).
    pub fn scaled(&self, scale: f32) -> Look {
        let mut l = *self;
        if let Some(o) = &mut l.outline {
            o.width *= scale;
        }
        if let Some(s) = &mut l.shadow {
            s.offset = s.offset.map(|v| v * scale);
            s.blur *= scale;
        }
        l
    }
}

impl Style {
    /// The rectangle text is laid out in, in a `width` x `height` frame: inside the margin and
    /// the safe area on every side, as (left, top, right, bottom).
    pub fn text_box(&self, width: f32, height: f32) -> (f32, f32, f32, f32) {
        let [t, r, b, l] = self.safe_area;
        let m = self.margin;
        (m + l, m + t, width - m - r, height - m - b)
    }
}

impl Look {
    /// The colour of a layer in this look: 0 fill, 1 outline, 2 shadow, 3 box (transparent
    /// when the look has no such effect).
    pub fn layer_color(&self, layer: u32) -> [u8; 4] {
        match layer {
            0 => self.color,
            1 => self.outline.map_or([0; 4], |o| o.color),
            2 => self.shadow.map_or([0; 4], |s| s.color),
            _ => self.word_box.map_or([0; 4], |b| b.color),
        }
    }
}

/// A rounded box behind the word: its text's height and its slot's width, grown by `padding`
/// (x, y) pixels, corners rounded over `radius` pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordBox {
    pub padding: [f32; 2],
    pub radius: f32,
    pub color: [u8; 4],
    /// Seconds the current word's box takes to glide from the word before (0: it jumps).
    pub glide: f32,
}

/// A stroke around the glyphs, drawn under them: `width` pixels outside their edges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outline {
    pub width: f32,
    pub color: [u8; 4],
}

/// The glyphs (with their outline, if any) again behind them, moved by `offset` pixels and
/// blurred over `blur` pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shadow {
    pub offset: [f32; 2],
    pub blur: f32,
    pub color: [u8; 4],
}

/// A font named by the project: a file, an installed family, or the bundled one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FontChoice {
    Bundled,
    File(PathBuf),
    Family(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub font: FontChoice,
    /// `None`: the bold weight of `font`.
    pub bold_font: Option<FontChoice>,
    /// Bold drawn as the regular font's outlines thickened, on the regular advances (even
    /// spacing in every state), rather than with the bold face.
    pub synthetic_bold: bool,
    pub font_size: f32,
    pub line_height: f32,
    pub margin: f32,
    /// Pixels beyond the margin that text keeps out of: top, right, bottom, left.
    pub safe_area: [f32; 4],
    /// Pixels the aligned text block is moved down (negative: up).
    pub vertical_offset: f32,
    pub align: Align,
    pub vertical_align: Align,
    /// Indexed by `WordState as usize`.
    pub looks: [Look; 3],
    pub fade: f64,
    /// Seconds over which a slide's background fades in over the one before (0: a cut).
    pub background_fade: f64,
    /// Seconds the current word takes to grow to its `scale` (0: at once).
    pub pop: f64,
    /// Path of the style the fonts came from (`style` or `slides[2].style`), for error messages.
    pub field: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    pub start: f64,
    pub end: f64,
    pub words: Vec<Word>,
    pub style: Style,
    /// The slide's own background; `None` shows the project's.
    pub background: Option<Background>,
}

/// A music bed mixed under the narration (levels in dB relative to the music file's own).
#[derive(Debug, Clone, PartialEq)]
pub struct Music {
    pub file: PathBuf,
    /// Gain of the bed where nobody speaks.
    pub volume: f64,
    /// Further gain while the narration speaks (word spans, with short ramps).
    pub duck: f64,
    /// Seconds over which the bed fades to silence at the video's end.
    pub fade_out: f64,
    /// Start the file again when it ends before the video does (else silence).
    pub looped: bool,
}

/// What the audio file holds, measured by decoding it.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    pub duration: f64,
    pub sample_rate: u32,
    pub channels: u16,
    /// What was damaged or missing, when the file did not decode whole. `duration` then
    /// includes the silence that stands in for the lost audio.
    pub damage: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub width: u32,
    pub height: u32,
    pub fps: Fps,
    pub audio: PathBuf,
    pub audio_info: AudioInfo,
    pub background: Background,
    pub music: Option<Music>,
    pub slides: Vec<Slide>,
    /// Problems that were repaired rather than rejected (clamped word ends, ...).
    pub warnings: Vec<String>,
}

impl Project {
    pub fn duration(&self) -> f64 {
        self.audio_info.duration
    }

    /// round(duration × fps), as the format requires.
    /// The distinct backgrounds, the project's first, and which one each slide shows.
    pub fn backgrounds(&self) -> (Vec<&Background>, Vec<u16>) {
        let mut all = vec![&self.background];
        let per_slide = self
            .slides
            .iter()
            .map(|s| {
                let b = s.background.as_ref().unwrap_or(&self.background);
                let i = all.iter().position(|x| *x == b).unwrap_or_else(|| {
                    all.push(b);
                    all.len() - 1
                });
                i as u16
            })
            .collect();
        (all, per_slide)
    }

    pub fn frame_count(&self) -> u64 {
        (self.duration() * self.fps.as_f64()).round() as u64
    }

    pub fn word_count(&self) -> usize {
        self.slides.iter().map(|s| s.words.len()).sum()
    }
}

/// Every problem found in a project, each with the path of its field.
#[derive(Debug)]
pub struct InvalidProject {
    pub file: PathBuf,
    pub problems: Vec<String>,
}

impl fmt::Display for InvalidProject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} is not a valid project ({n} problem{}):",
            self.file.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidProject {}

/// Reads and validates a project file. Audio is decoded once here to learn its exact length.
pub fn load(path: &Path) -> anyhow::Result<Project> {
    // Refused by size before reading, so a huge file costs neither time nor memory.
    if let Ok(meta) = std::fs::metadata(path) {
        anyhow::ensure!(
            meta.len() <= limits::PROJECT_BYTES,
            "{}: {} MB is over the {} MB limit for project files",
            path.display(),
            meta.len() >> 20,
            limits::PROJECT_BYTES >> 20
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read project file {}", path.display()))?;
    let raw: RawProject = parse(path, &text)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    from_raw(raw, &base, path, None)
}

/// Validates a project held in memory (`gpucast render --timings`): relative paths are taken
/// from `base`, and errors name `file`. `audio`, when the caller has just measured the
/// project's narration, spares decoding it a second time.
pub fn from_raw(
    raw: RawProject,
    base: &Path,
    file: &Path,
    audio: Option<AudioInfo>,
) -> anyhow::Result<Project> {
    let probe = |p: &Path| match &audio {
        Some(info) => Ok(info.clone()),
        None => crate::encode::audio::probe(p),
    };
    resolve(raw, base, &probe).map_err(|problems| {
        InvalidProject {
            file: file.to_path_buf(),
            problems,
        }
        .into()
    })
}

/// The style a project's `style` (over its preset, if any) resolves to in a frame of `size`.
pub fn resolve_style(
    raw: &RawStyle,
    preset: Option<&presets::Preset>,
    base: &Path,
    size: (u32, u32),
) -> Result<Style, Vec<String>> {
    let mut c = Checker {
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let merged = match preset {
        Some(p) => (p.style)().merged(raw),
        None => raw.clone(),
    };
    let st = style(&mut c, "style", &merged, base, size);
    if c.problems.is_empty() {
        Ok(st)
    } else {
        Err(c.problems)
    }
}

impl Style {
    /// Every field written out, for a project file the user can edit. The bundled font is
    /// left unnamed, as it is what no `font` means.
    pub fn to_raw(&self, base: &Path) -> RawStyle {
        let font_name = |f: &FontChoice| match f {
            FontChoice::Bundled => None,
            FontChoice::Family(n) => Some(n.clone()),
            FontChoice::File(p) => Some(
                p.strip_prefix(base)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .into_owned(),
            ),
        };
        let align = |a: Align, names: [&'static str; 3]| match a {
            Align::Start => names[0],
            Align::Center => names[1],
            Align::End => names[2],
        };
        let hex = |c: &[u8; 4]| match c {
            [r, g, b, 255] => format!("#{r:02x}{g:02x}{b:02x}"),
            [r, g, b, a] => format!("#{r:02x}{g:02x}{b:02x}{a:02x}"),
        };
        let look = |l: &Look| {
            let [r, g, b, a] = l.color;
            RawLook {
                weight: Some(if l.bold { "bold" } else { "regular" }.into()),
                color: Some(hex(&[r, g, b, a])),
                wipe: l.wipe.then_some(true),
                scale: (l.scale != 1.0).then_some(l.scale as f64),
                outline: l.outline.map(|o| RawOutline {
                    width: Some(o.width as f64),
                    color: Some(hex(&o.color)),
                }),
                word_box: l.word_box.map(|b| RawBox {
                    color: Some(hex(&b.color)),
                    padding: Some(RawOffset::Xy([b.padding[0] as f64, b.padding[1] as f64])),
                    radius: Some(b.radius as f64),
                    glide_ms: (b.glide > 0.0).then_some(b.glide as f64 * 1000.0),
                }),
                shadow: l.shadow.map(|s| RawShadow {
                    offset: Some(RawOffset::Xy([s.offset[0] as f64, s.offset[1] as f64])),
                    blur: Some(s.blur as f64),
                    color: Some(hex(&s.color)),
                }),
            }
        };
        // Sizes to a tenth of a pixel keep the file readable.
        let tenth = |x: f32| (x as f64 * 10.0).round() / 10.0;
        RawStyle {
            font: font_name(&self.font),
            bold_font: self.bold_font.as_ref().and_then(font_name),
            bold: Some(
                if self.synthetic_bold {
                    "synthetic"
                } else {
                    "font"
                }
                .into(),
            ),
            font_size: Some(tenth(self.font_size)),
            line_height: Some(tenth(self.line_height * 10.0) / 10.0),
            margin: Some(tenth(self.margin)),
            safe_area: (self.safe_area != [0.0; 4]).then(|| {
                let [top, right, bottom, left] = self.safe_area.map(|v| Some(tenth(v)));
                RawSafeArea {
                    top,
                    right,
                    bottom,
                    left,
                }
            }),
            vertical_offset: (self.vertical_offset != 0.0).then(|| tenth(self.vertical_offset)),
            align: Some(align(self.align, ["left", "center", "right"]).into()),
            vertical_align: Some(align(self.vertical_align, ["top", "center", "bottom"]).into()),
            upcoming: Some(look(&self.looks[0])),
            current: Some(look(&self.looks[1])),
            spoken: Some(look(&self.looks[2])),
            fade: Some(self.fade),
            background_fade: (self.background_fade != DEFAULT_BACKGROUND_FADE)
                .then_some(self.background_fade),
            pop_ms: (self.pop != DEFAULT_POP).then_some(self.pop * 1000.0),
        }
    }
}

/// Seconds the current word takes to pop to its `scale` when no style says.
pub const DEFAULT_POP: f64 = 0.12;

/// Seconds a slide's own background takes to fade in when no style says.
pub const DEFAULT_BACKGROUND_FADE: f64 = 0.5;

/// Reads a project file's text; `path` names it in errors (and a `.toml` one is refused).
pub fn parse(path: &Path, text: &str) -> anyhow::Result<RawProject> {
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        anyhow::bail!(
            "{}: TOML projects are not supported; write the project as JSON",
            path.display()
        );
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // A wrong type names its field, as every later check does; broken syntax has no
        // field, only a place in the text.
        let field = e.path().to_string();
        let e = e.into_inner();
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |i| &message[..i]);
        let problem = if matches!(e.classify(), serde_json::error::Category::Data) && field != "." {
            format!(
                "{field}: {message} (line {}, column {})",
                e.line(),
                e.column()
            )
        } else {
            format!(
                "invalid JSON at line {}, column {}: {message}",
                e.line(),
                e.column()
            )
        };
        InvalidProject {
            file: path.to_path_buf(),
            problems: vec![problem],
        }
        .into()
    })
}

/// Times closer than this are equal: JSON times are decimal milliseconds, and `0.3 * 30` is not 9.
pub const TIME_EPSILON: f64 = 1e-6;

struct Checker {
    problems: Vec<String>,
    warnings: Vec<String>,
}

impl Checker {
    fn err(&mut self, path: impl fmt::Display, msg: impl fmt::Display) {
        self.problems.push(format!("{path}: {msg}"));
    }
    fn warn(&mut self, path: impl fmt::Display, msg: impl fmt::Display) {
        let w = format!("{path}: {msg}");
        log::warn!("{w}");
        self.warnings.push(w);
    }
}

type Probe<'a> = &'a dyn Fn(&Path) -> anyhow::Result<AudioInfo>;

/// Turns the raw file into a `Project`, or the list of every problem in it.
pub(crate) fn resolve(
    raw: RawProject,
    base: &Path,
    probe: Probe<'_>,
) -> Result<Project, Vec<String>> {
    let mut c = Checker {
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let preset = match raw.preset.as_deref() {
        None => None,
        Some(name) => match presets::find(name) {
            Some(p) => Some(p),
            None => {
                c.err(
                    "preset",
                    format!("\"{name}\" is not one of {}", presets::names()),
                );
                None
            }
        },
    };
    let mut raw_video = raw.video.unwrap_or_default();
    if let Some(p) = preset {
        raw_video.width = raw_video.width.or(Some(p.width.into()));
        raw_video.height = raw_video.height.or(Some(p.height.into()));
    }
    let (width, height, fps) = video(&mut c, raw_video);

    let audio = raw.audio.map(|a| base.join(a));
    let audio_info = match &audio {
        None => {
            c.err("audio", "required: the narration file to render against");
            None
        }
        Some(p) if !p.is_file() => {
            c.err("audio", format!("file not found: {}", p.display()));
            None
        }
        Some(p) => match probe(p) {
            Ok(info) if info.duration > 0.0 => Some(info),
            Ok(_) => {
                c.err("audio", format!("{} holds no audio samples", p.display()));
                None
            }
            Err(e) => {
                c.err("audio", format!("cannot decode {}: {e:#}", p.display()));
                None
            }
        },
    };

    if let Some(info) = &audio_info {
        if info.duration > limits::DURATION {
            c.err(
                "audio",
                format!(
                    "{:.1} hours is over the {} hour limit",
                    info.duration / 3600.0,
                    limits::DURATION / 3600.0
                ),
            );
        }
        if (info.duration * fps.as_f64()).round() < 1.0 {
            c.err(
                "audio",
                format!(
                    "{:.3} s is shorter than one frame at {fps} fps",
                    info.duration
                ),
            );
        }
    }
    let background = background(&mut c, "background", raw.background, base);
    let music = raw.music.and_then(|m| {
        music(
            &mut c,
            m,
            base,
            probe,
            audio_info.as_ref().map(|a| a.duration),
        )
    });
    let project_style = match preset {
        Some(p) => (p.style)().merged(&raw.style.unwrap_or_default()),
        None => raw.style.unwrap_or_default(),
    };
    let duration = audio_info.as_ref().map(|a| a.duration);
    let slides = slides(
        &mut c,
        raw.slides,
        &project_style,
        base,
        (width, height),
        duration,
    );

    // Each distinct still background is held fitted at output size, also in one GPU buffer.
    let mut distinct: Vec<&Background> = Vec::new();
    for b in std::iter::once(&background).chain(slides.iter().filter_map(|s| s.background.as_ref()))
    {
        if !distinct.contains(&b) && !matches!(b, Background::Video(_)) {
            distinct.push(b);
        }
    }
    let bytes = distinct.len() as u64 * width as u64 * height as u64 * 4;
    if bytes > limits::BACKGROUND_BYTES {
        c.err(
            "slides",
            format!(
                "{} different backgrounds at {width}x{height} take {} MiB, over the limit of {} MiB \
                 ({} at this size); let slides share backgrounds",
                distinct.len(),
                bytes >> 20,
                limits::BACKGROUND_BYTES >> 20,
                limits::BACKGROUND_BYTES / (width as u64 * height as u64 * 4).max(1)
            ),
        );
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Project {
        width,
        height,
        fps,
        audio: audio.expect("checked above"),
        audio_info: audio_info.expect("checked above"),
        background,
        music,
        slides,
        warnings: c.warnings,
    })
}

/// Levels a music bed may be given, in dB: from inaudible to a little louder than the file.
const MUSIC_DB: std::ops::RangeInclusive<f64> = -60.0..=12.0;

fn music(
    c: &mut Checker,
    m: RawMusic,
    base: &Path,
    probe: Probe<'_>,
    duration: Option<f64>,
) -> Option<Music> {
    let file = match m.file {
        None => {
            c.err("music.file", "required: the music file");
            None
        }
        Some(f) => {
            let p = base.join(f);
            if !p.is_file() {
                c.err("music.file", format!("file not found: {}", p.display()));
                None
            } else {
                match probe(&p) {
                    Ok(info) if info.duration > 0.0 => Some(p),
                    Ok(_) => {
                        c.err(
                            "music.file",
                            format!("{} holds no audio samples", p.display()),
                        );
                        None
                    }
                    Err(e) => {
                        c.err(
                            "music.file",
                            format!("{} is not audio FFmpeg can decode: {e:#}", p.display()),
                        );
                        None
                    }
                }
            }
        }
    };
    let mut level =
        |name: &str, v: Option<f64>, default: f64, range: std::ops::RangeInclusive<f64>| {
            let v = v.unwrap_or(default);
            if !v.is_finite() || !range.contains(&v) {
                c.err(
                    format!("music.{name}"),
                    format!("{v} dB is outside {} to {} dB", range.start(), range.end()),
                );
            }
            v
        };
    let volume = level("volume", m.volume, -18.0, MUSIC_DB);
    let duck = level("duck", m.duck, -12.0, -60.0..=0.0);
    let fade_out = m.fade_out.unwrap_or(2.0);
    if !fade_out.is_finite() || fade_out < 0.0 {
        c.err(
            "music.fade_out",
            format!("{fade_out} is not a number of seconds >= 0"),
        );
    } else if let Some(d) = duration {
        if fade_out > d {
            c.err(
                "music.fade_out",
                format!("{fade_out} s is longer than the video ({d:.3} s)"),
            );
        }
    }
    Some(Music {
        file: file?,
        volume,
        duck,
        fade_out,
        looped: m.looped.unwrap_or(true),
    })
}

/// The largest projects gpucast takes: far beyond any real lecture, small enough that nothing
/// is exhausted before an error can be given.
pub mod limits {
    /// Project file size.
    pub const PROJECT_BYTES: u64 = 256 << 20;
    /// Frame width and height, in pixels.
    pub const SIDE: i64 = 8192;
    /// Video (audio) length, in seconds: 24 hours.
    pub const DURATION: f64 = 24.0 * 3600.0;
    /// Slides in a project.
    pub const SLIDES: usize = 100_000;
    /// The distinct backgrounds, fitted at output size, together (16 at 1920x1080): they are
    /// held in memory and in one GPU storage buffer, whose size adapters limit to 128 MiB.
    pub const BACKGROUND_BYTES: u64 = 128 << 20;
    /// Words in a project.
    pub const WORDS: usize = 1_000_000;
    /// Characters in one word, and in one slide's `text`.
    pub const WORD_CHARS: usize = 1_000;
    pub const TEXT_CHARS: usize = 100_000;
    /// Outline width, shadow offset and blur, in pixels.
    pub const EFFECT: f64 = 200.0;
    /// `font_size` in pixels, and `line_height` as a multiple of it.
    pub const FONT_SIZE: (f64, f64) = (1.0, 2000.0);
    pub const LINE_HEIGHT: (f64, f64) = (0.1, 10.0);
    /// Background image width and height, and pixels in all (a 16K photo is 16384 x 9216).
    pub const IMAGE_SIDE: u32 = 16384;
    pub const IMAGE_PIXELS: u64 = 16384 * 16384;

    /// Decoder limits for a background image: a file that claims more (a decompression bomb)
    /// is an error before its pixels are allocated.
    pub fn image() -> image::Limits {
        let mut l = image::Limits::default();
        l.max_image_width = Some(IMAGE_SIDE);
        l.max_image_height = Some(IMAGE_SIDE);
        l.max_alloc = Some(IMAGE_PIXELS * 4 + (64 << 20));
        l
    }
}

const MAX_SIDE: i64 = limits::SIDE;

fn video(c: &mut Checker, v: RawVideo) -> (u32, u32, Fps) {
    let mut side = |name: &str, value: Option<i64>, default: u32| -> u32 {
        let Some(n) = value else { return default };
        if n <= 0 || n > MAX_SIDE {
            c.err(
                format!("video.{name}"),
                format!("{n} is out of range (1 to {MAX_SIDE})"),
            );
            default
        } else if n % 2 != 0 {
            c.err(
                format!("video.{name}"),
                format!("{n} is odd; 4:2:0 video needs an even size"),
            );
            default
        } else {
            n as u32
        }
    };
    let width = side("width", v.width, 1920);
    let height = side("height", v.height, 1080);
    let fps = match v.fps {
        None => Fps { num: 30, den: 1 },
        Some(f) => parse_fps(&f).unwrap_or_else(|msg| {
            c.err("video.fps", msg);
            Fps { num: 30, den: 1 }
        }),
    };
    (width, height, fps)
}

fn parse_fps(f: &RawFps) -> Result<Fps, String> {
    let (num, den) = match f {
        RawFps::Number(x) => {
            if !x.is_finite() || *x <= 0.0 {
                return Err(format!("{x} must be greater than 0"));
            }
            if x.fract() == 0.0 {
                (*x, 1.0)
            } else {
                ((x * 1000.0).round(), 1000.0)
            }
        }
        RawFps::Text(s) => {
            let parse = |t: &str| t.trim().parse::<f64>().ok();
            let parsed = match s.split_once('/') {
                Some((n, d)) => parse(n).zip(parse(d)),
                None => parse(s).map(|n| (n, 1.0)),
            };
            match parsed {
                Some((n, d)) if n.fract() == 0.0 && d.fract() == 0.0 => (n, d),
                _ => {
                    return Err(format!(
                        "\"{s}\" is not a number or a ratio like \"30000/1001\""
                    ))
                }
            }
        }
    };
    if num <= 0.0 || den <= 0.0 {
        return Err(format!("{num}/{den} must be greater than 0"));
    }
    if num > 1_000_000.0 || den > 1_000_000.0 || num / den > 240.0 {
        return Err(format!(
            "{num}/{den} is out of range (at most 240 frames per second)"
        ));
    }
    let (mut n, mut d) = (num as u64, den as u64);
    let g = gcd(n, d);
    n /= g;
    d /= g;
    Ok(Fps {
        num: n as u32,
        den: d as u32,
    })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// A background as `field` (`background`, `slides[2].background`) gives it.
fn background(c: &mut Checker, field: &str, b: Option<RawBackground>, base: &Path) -> Background {
    let Some(b) = b else {
        return Background::Color([0, 0, 0]);
    };
    let given = [b.image.is_some(), b.color.is_some(), b.video.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        c.err(field, "give exactly one of `image`, `color` or `video`");
        return Background::Color([0, 0, 0]);
    }
    if b.video.is_none() {
        for (name, set) in [("loop", b.looped.is_some()), ("start", b.start.is_some())] {
            if set {
                c.err(
                    format!("{field}.{name}"),
                    "only applies to a video background",
                );
            }
        }
    }
    if b.color.is_some() && b.fit.is_some() {
        c.err(
            format!("{field}.fit"),
            "only applies to an image or video background",
        );
    }
    let fit = match b.fit.as_deref() {
        None | Some("cover") => Fit::Cover,
        Some("contain") => Fit::Contain,
        Some("stretch") => Fit::Stretch,
        Some(other) => {
            c.err(
                format!("{field}.fit"),
                format!("\"{other}\" is not one of cover, contain, stretch"),
            );
            Fit::Cover
        }
    };
    if let Some(col) = b.color {
        return match parse_color(&col) {
            Ok([r, g, b, 255]) => Background::Color([r, g, b]),
            Ok(_) => {
                c.err(format!("{field}.color"), "must be opaque (#rrggbb)");
                Background::Color([0, 0, 0])
            }
            Err(e) => {
                c.err(format!("{field}.color"), e);
                Background::Color([0, 0, 0])
            }
        };
    }
    if let Some(video) = b.video {
        return video_background(c, field, base.join(video), fit, b.looped, b.start);
    }
    let path = base.join(b.image.expect("one of the three is given"));
    let readable = image::ImageReader::open(&path)
        .map_err(anyhow::Error::from)
        .and_then(|r| Ok(r.with_guessed_format()?))
        .and_then(|r| Ok(r.into_dimensions()?));
    match readable {
        Err(e) => c.err(
            format!("{field}.image"),
            format!("cannot read image {}: {e}", path.display()),
        ),
        Ok((w, h))
            if w > limits::IMAGE_SIDE
                || h > limits::IMAGE_SIDE
                || w as u64 * h as u64 > limits::IMAGE_PIXELS =>
        {
            c.err(
                format!("{field}.image"),
                format!(
                    "{} is {w} x {h} pixels, over the limit of {} on a side",
                    path.display(),
                    limits::IMAGE_SIDE
                ),
            )
        }
        Ok(_) => {}
    }
    Background::Image { path, fit }
}

/// A video background: the clip probed (its frames' times read) now, so that a file that is
/// missing, not a video or empty is refused before anything is drawn.
fn video_background(
    c: &mut Checker,
    field: &str,
    path: PathBuf,
    fit: Fit,
    looped: Option<bool>,
    start: Option<f64>,
) -> Background {
    let start = start.unwrap_or(0.0);
    let fallback = Background::Color([0, 0, 0]);
    if !start.is_finite() || start < 0.0 {
        c.err(format!("{field}.start"), "must be 0 or more seconds");
        return fallback;
    }
    if !path.is_file() {
        c.err(
            format!("{field}.video"),
            format!("file not found: {}", path.display()),
        );
        return fallback;
    }
    let clip = match crate::encode::clip::probe(&path) {
        Ok(clip) => clip,
        Err(e) => {
            c.err(
                format!("{field}.video"),
                format!("not a video FFmpeg can play: {e:#}"),
            );
            return fallback;
        }
    };
    if clip.width > limits::IMAGE_SIDE || clip.height > limits::IMAGE_SIDE {
        c.err(
            format!("{field}.video"),
            format!(
                "{} is {} x {} pixels, over the limit of {} on a side",
                path.display(),
                clip.width,
                clip.height,
                limits::IMAGE_SIDE
            ),
        );
        return fallback;
    }
    if start >= clip.duration() {
        c.err(
            format!("{field}.start"),
            format!(
                "{start} s is not inside the clip, which is {:.3} s long",
                clip.duration()
            ),
        );
        return fallback;
    }
    Background::Video(VideoBackground {
        path,
        fit,
        looped: looped.unwrap_or(true),
        start,
        clip: Arc::new(clip),
    })
}

/// `#rrggbb` or `#rrggbbaa`.
pub fn parse_color(s: &str) -> Result<[u8; 4], String> {
    let hex = s
        .strip_prefix('#')
        .ok_or_else(|| format!("\"{s}\" is not a color like #rrggbb or #rrggbbaa"))?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16);
    let ok_len = (hex.len() == 6 || hex.len() == 8) && hex.is_ascii();
    let parsed = if ok_len {
        (|| -> Result<[u8; 4], std::num::ParseIntError> {
            let a = if hex.len() == 8 { byte(6)? } else { 255 };
            Ok([byte(0)?, byte(2)?, byte(4)?, a])
        })()
        .ok()
    } else {
        None
    };
    parsed.ok_or_else(|| format!("\"{s}\" is not a color like #rrggbb or #rrggbbaa"))
}

fn style(c: &mut Checker, path: &str, s: &RawStyle, base: &Path, size: (u32, u32)) -> Style {
    let (width, height) = size;
    let font_choice = |c: &mut Checker, field: &str, v: &Option<String>| -> Option<FontChoice> {
        let v = v.as_ref()?;
        let looks_like_file = v.contains('/')
            || [".ttf", ".otf", ".ttc", ".otc"]
                .iter()
                .any(|ext| v.to_ascii_lowercase().ends_with(ext));
        if v.trim().is_empty() {
            c.err(format!("{path}.{field}"), "empty font name");
            None
        } else if looks_like_file {
            let p = base.join(v);
            if !p.is_file() {
                c.err(
                    format!("{path}.{field}"),
                    format!("font file not found: {}", p.display()),
                );
            }
            Some(FontChoice::File(p))
        } else {
            Some(FontChoice::Family(v.clone()))
        }
    };
    let font = font_choice(c, "font", &s.font).unwrap_or(FontChoice::Bundled);
    let bold_font = font_choice(c, "bold_font", &s.bold_font);

    // Lower bounds too: a size that rounds to zero in the shaper's f32 is no size at all.
    let in_range = |c: &mut Checker, field: &str, v: Option<f64>, default: f64, (min, max)| match v
    {
        None => default,
        Some(x) if x.is_finite() && (min..=max).contains(&x) => x,
        Some(x) => {
            c.err(
                format!("{path}.{field}"),
                format!("{x} is out of range (at least {min}, at most {max})"),
            );
            default
        }
    };
    let font_size = in_range(
        c,
        "font_size",
        s.font_size,
        height as f64 * 0.06,
        limits::FONT_SIZE,
    );
    let line_height = in_range(c, "line_height", s.line_height, 1.25, limits::LINE_HEIGHT);
    let margin = match s.margin {
        None => width as f64 * 0.08,
        Some(m) if m.is_finite() && m >= 0.0 && 2.0 * m < width.min(height) as f64 => m,
        Some(m) => {
            c.err(
                format!("{path}.margin"),
                format!("{m} leaves no room for text in a {width}x{height} frame"),
            );
            0.0
        }
    };
    let mut safe_area = [0.0f32; 4];
    if let Some(sa) = &s.safe_area {
        let sides = [
            ("top", sa.top),
            ("right", sa.right),
            ("bottom", sa.bottom),
            ("left", sa.left),
        ];
        for (k, (side, v)) in sides.into_iter().enumerate() {
            match v {
                None => {}
                Some(x) if x.is_finite() && x >= 0.0 && x <= limits::SIDE as f64 => {
                    safe_area[k] = x as f32
                }
                Some(x) => c.err(
                    format!("{path}.safe_area.{side}"),
                    format!("{x} must be 0 or more pixels"),
                ),
            }
        }
        let [t, r, b, l] = safe_area.map(f64::from);
        if width as f64 - 2.0 * margin - l - r < 1.0 || height as f64 - 2.0 * margin - t - b < 1.0 {
            c.err(
                format!("{path}.safe_area"),
                format!(
                    "with a margin of {margin}, it leaves no room for text in a {width}x{height} frame"
                ),
            );
        }
    }
    let vertical_offset = match s.vertical_offset {
        None => 0.0,
        Some(v) if v.is_finite() && v.abs() <= limits::SIDE as f64 => v as f32,
        Some(v) => {
            c.err(
                format!("{path}.vertical_offset"),
                format!("{v} is out of range (within the frame's height either way)"),
            );
            0.0
        }
    };
    let fade = match s.fade {
        None => 0.25,
        Some(f) if f.is_finite() && f >= 0.0 => f,
        Some(f) => {
            c.err(
                format!("{path}.fade"),
                format!("{f} must be 0 or more seconds"),
            );
            0.0
        }
    };
    let background_fade = match s.background_fade {
        None => DEFAULT_BACKGROUND_FADE,
        Some(f) if f.is_finite() && (0.0..=60.0).contains(&f) => f,
        Some(f) => {
            c.err(
                format!("{path}.background_fade"),
                format!("{f} must be 0 to 60 seconds"),
            );
            0.0
        }
    };
    let pop = match s.pop_ms {
        None => DEFAULT_POP,
        Some(ms) if ms.is_finite() && (0.0..=2000.0).contains(&ms) => ms / 1000.0,
        Some(ms) => {
            c.err(
                format!("{path}.pop_ms"),
                format!("{ms} must be 0 to 2000 milliseconds"),
            );
            DEFAULT_POP
        }
    };
    let mut align = |field: &str, v: &Option<String>, names: [&str; 3]| match v.as_deref() {
        None => Align::Center,
        Some(x) if x == names[0] => Align::Start,
        Some("center") => Align::Center,
        Some(x) if x == names[2] => Align::End,
        Some(x) => {
            c.err(
                format!("{path}.{field}"),
                format!("\"{x}\" is not one of {}, center, {}", names[0], names[2]),
            );
            Align::Center
        }
    };
    let h_align = align("align", &s.align, ["left", "center", "right"]);
    let v_align = align(
        "vertical_align",
        &s.vertical_align,
        ["top", "center", "bottom"],
    );

    let plain = |bold, color| Look {
        bold,
        color,
        outline: None,
        shadow: None,
        word_box: None,
        wipe: false,
        scale: 1.0,
    };
    let defaults = [
        plain(false, [0xb8, 0xc2, 0xd6, 255]),
        plain(true, [0xff, 0xd5, 0x4a, 255]),
        plain(true, [0xff, 0xff, 0xff, 255]),
    ];
    let raws: [(&str, &Option<RawLook>); 3] = [
        ("upcoming", &s.upcoming),
        ("current", &s.current),
        ("spoken", &s.spoken),
    ];
    let mut looks = defaults;
    for (i, (name, raw)) in raws.iter().enumerate() {
        let Some(raw) = raw else { continue };
        if let Some(w) = &raw.weight {
            match w.as_str() {
                "regular" | "normal" => looks[i].bold = false,
                "bold" => looks[i].bold = true,
                other => c.err(
                    format!("{path}.{name}.weight"),
                    format!("\"{other}\" is not one of regular, bold"),
                ),
            }
        }
        if let Some(col) = &raw.color {
            match parse_color(col) {
                Ok(rgba) => looks[i].color = rgba,
                Err(e) => c.err(format!("{path}.{name}.color"), e),
            }
        }
        let at = format!("{path}.{name}");
        if let Some(o) = &raw.outline {
            looks[i].outline = outline(c, &at, o, font_size);
        }
        if let Some(s) = &raw.shadow {
            looks[i].shadow = shadow(c, &at, s, font_size);
        }
        if let Some(b) = &raw.word_box {
            looks[i].word_box = word_box(c, &at, b, font_size);
            if b.glide_ms.is_some() && *name != "current" {
                c.err(
                    format!("{at}.box.glide_ms"),
                    "only the current word's box glides: set it in `current`",
                );
            }
        }
        match (raw.wipe, *name) {
            (Some(w), "current") => looks[i].wipe = w,
            (Some(true), _) => c.err(
                format!("{at}.wipe"),
                "only the current word is wiped: set it in `current`",
            ),
            _ => {}
        }
        match (raw.scale, *name) {
            (None, _) => {}
            (Some(x), "current") if x.is_finite() && (0.5..=3.0).contains(&x) => {
                looks[i].scale = x as f32
            }
            (Some(x), "current") => c.err(
                format!("{at}.scale"),
                format!("{x} must be 0.5 to 3 (1 is the word's size)"),
            ),
            (Some(_), _) => c.err(
                format!("{at}.scale"),
                "only the current word pops: set it in `current`",
            ),
        }
        if looks[i].wipe && looks[i].word_box.is_some_and(|b| b.glide > 0.0) {
            c.err(
                format!("{at}.box.glide_ms"),
                "a wiped word's box does not glide: drop `wipe` or `glide_ms`",
            );
        }
        if looks[i].wipe && looks[i].scale != 1.0 {
            c.err(
                format!("{at}.scale"),
                "a word is either wiped or popped, not both: drop `wipe` or `scale`",
            );
        }
    }
    // Synthetic bold where weights change under a word and no bold font was chosen: the bold
    // face's wider advances would otherwise need wider slots and uneven gaps.
    let mixed = looks.iter().any(|l| l.bold) && looks.iter().any(|l| !l.bold);
    let synthetic_bold = match s.bold.as_deref() {
        None | Some("auto") => mixed && s.bold_font.is_none(),
        Some("synthetic") => true,
        Some("font") => false,
        Some(other) => {
            c.err(
                format!("{path}.bold"),
                format!("\"{other}\" is not one of auto, synthetic, font"),
            );
            false
        }
    };
    Style {
        font,
        bold_font,
        synthetic_bold,
        font_size: font_size as f32,
        line_height: line_height as f32,
        margin: margin as f32,
        safe_area,
        vertical_offset,
        align: h_align,
        vertical_align: v_align,
        looks,
        fade,
        background_fade,
        pop,
        field: path.to_string(),
    }
}

/// A length in pixels for an effect: absent is `default`, otherwise finite and in `0..=max`.
fn effect_len(c: &mut Checker, path: &str, v: Option<f64>, default: f64) -> f32 {
    match v {
        None => default as f32,
        Some(x) if x.is_finite() && (0.0..=limits::EFFECT).contains(&x) => x as f32,
        Some(x) => {
            c.err(
                path,
                format!("{x} is out of range (0 to {} pixels)", limits::EFFECT),
            );
            0.0
        }
    }
}

fn effect_color(c: &mut Checker, path: &str, v: &Option<String>, default: [u8; 4]) -> [u8; 4] {
    match v.as_deref().map(parse_color) {
        None => default,
        Some(Ok(rgba)) => rgba,
        Some(Err(e)) => {
            c.err(path, e);
            default
        }
    }
}

/// `outline`: width (default 6% of the font size; 0 turns it off) and color (black).
fn outline(c: &mut Checker, at: &str, o: &RawOutline, font_size: f64) -> Option<Outline> {
    let width = effect_len(c, &format!("{at}.outline.width"), o.width, font_size * 0.06);
    let color = effect_color(c, &format!("{at}.outline.color"), &o.color, [0, 0, 0, 255]);
    (width > 0.0).then_some(Outline { width, color })
}

/// `shadow`: offset (4% of the font size down and right), blur (5%), color (70% black).
fn shadow(c: &mut Checker, at: &str, s: &RawShadow, font_size: f64) -> Option<Shadow> {
    let d = font_size * 0.04;
    let (x, y) = s.offset.as_ref().map_or((d, d), RawOffset::xy);
    let mut offset = [0.0f32; 2];
    for (k, v) in [x, y].into_iter().enumerate() {
        if v.is_finite() && v.abs() <= limits::EFFECT {
            offset[k] = v as f32;
        } else {
            c.err(
                format!("{at}.shadow.offset"),
                format!("{v} is out of range (-{0} to {0} pixels)", limits::EFFECT),
            );
        }
    }
    let blur = effect_len(c, &format!("{at}.shadow.blur"), s.blur, font_size * 0.05);
    let color = effect_color(c, &format!("{at}.shadow.color"), &s.color, [0, 0, 0, 179]);
    Some(Shadow {
        offset,
        blur,
        color,
    })
}

/// `box`: padding (20% of the font size left and right, 8% above and below), radius (20%),
/// color (70% black).
fn word_box(c: &mut Checker, at: &str, b: &RawBox, font_size: f64) -> Option<WordBox> {
    let (x, y) = b
        .padding
        .as_ref()
        .map_or((font_size * 0.2, font_size * 0.08), RawOffset::xy);
    let px = effect_len(c, &format!("{at}.box.padding"), Some(x), 0.0);
    let py = effect_len(c, &format!("{at}.box.padding"), Some(y), 0.0);
    let radius = effect_len(c, &format!("{at}.box.radius"), b.radius, font_size * 0.2);
    let color = effect_color(c, &format!("{at}.box.color"), &b.color, [0, 0, 0, 179]);
    let glide = match b.glide_ms {
        None => 0.0,
        Some(ms) if ms.is_finite() && (0.0..=2000.0).contains(&ms) => (ms / 1000.0) as f32,
        Some(ms) => {
            c.err(
                format!("{at}.box.glide_ms"),
                format!("{ms} must be 0 to 2000 milliseconds"),
            );
            0.0
        }
    };
    Some(WordBox {
        padding: [px, py],
        radius,
        color,
        glide,
    })
}

fn time_ok(t: f64) -> bool {
    t.is_finite() && t >= 0.0
}

fn slides(
    c: &mut Checker,
    raw: Option<Vec<RawSlide>>,
    project_style: &RawStyle,
    base: &Path,
    size: (u32, u32),
    audio_duration: Option<f64>,
) -> Vec<Slide> {
    let project = style(c, "style", project_style, base, size);
    let Some(raw) = raw else {
        c.err("slides", "required: a list of slides");
        return Vec::new();
    };
    if raw.is_empty() {
        c.err("slides", "the list is empty; give at least one slide");
    }
    if raw.len() > limits::SLIDES {
        c.err(
            "slides",
            format!(
                "{} slides is over the limit of {}",
                raw.len(),
                limits::SLIDES
            ),
        );
        return Vec::new();
    }
    let words: usize = raw
        .iter()
        .map(|s| s.words.as_ref().map_or(0, Vec::len))
        .sum();
    if words > limits::WORDS {
        c.err(
            "slides",
            format!("{words} words is over the limit of {}", limits::WORDS),
        );
        return Vec::new();
    }
    let mut out: Vec<Slide> = Vec::new();
    let mut prev_end: Option<f64> = None;
    for (i, s) in raw.iter().enumerate() {
        let path = format!("slides[{i}]");
        let style = match &s.style {
            Some(over) => {
                let mut st = style(
                    c,
                    &format!("{path}.style"),
                    &project_style.merged(over),
                    base,
                    size,
                );
                if over.font.is_none() && over.bold_font.is_none() {
                    st.field = project.field.clone();
                }
                st
            }
            None => project.clone(),
        };
        let Some(start) = s.start else {
            c.err(format!("{path}.start"), "required");
            continue;
        };
        if !time_ok(start) {
            c.err(
                format!("{path}.start"),
                format!("{start} must be 0 or more seconds"),
            );
            continue;
        }
        let next_start = raw.get(i + 1).and_then(|n| n.start);
        let end = match s.end.or(next_start).or(audio_duration) {
            Some(e) => e,
            None => continue, // the audio problem is already reported
        };
        if !end.is_finite() || end <= start {
            c.err(
                format!("{path}.end"),
                format!("{end:.3} s is not after start {start:.3} s"),
            );
            continue;
        }
        if let Some(pe) = prev_end {
            if start < pe - TIME_EPSILON {
                c.err(
                    format!("{path}.start"),
                    format!(
                        "{start:.3} s overlaps slides[{}], which ends at {pe:.3} s",
                        i - 1
                    ),
                );
            }
        }
        prev_end = Some(end);
        if let Some(d) = audio_duration {
            if start >= d {
                c.warn(
                    &path,
                    format!("starts at {start:.3} s, after the audio ends at {d:.3} s; it is never shown"),
                );
            }
        }
        let words = match (&s.words, &s.text) {
            (Some(_), Some(_)) => {
                c.err(&path, "give either `words` or `text`, not both");
                Vec::new()
            }
            (None, None) => {
                c.err(&path, "needs `words` (timed) or `text` (timings estimated)");
                Vec::new()
            }
            (None, Some(text)) if text.chars().count() > limits::TEXT_CHARS => {
                c.err(
                    format!("{path}.text"),
                    format!("over the limit of {} characters", limits::TEXT_CHARS),
                );
                Vec::new()
            }
            (None, Some(text)) => estimate_words(text, start, end),
            (Some(words), None) => timed_words(c, &path, words, start, end),
        };
        let background = s
            .background
            .clone()
            .map(|b| background(c, &format!("{path}.background"), Some(b), base));
        out.push(Slide {
            start,
            end,
            words,
            style,
            background,
        });
    }
    out
}

fn timed_words(
    c: &mut Checker,
    path: &str,
    raw: &[raw::RawWord],
    slide_start: f64,
    slide_end: f64,
) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::with_capacity(raw.len());
    let mut prev_start: Option<f64> = None;
    let mut last_pushed: Option<usize> = None;
    for (j, w) in raw.iter().enumerate() {
        let wpath = format!("{path}.words[{j}]");
        let text = w.text.as_deref().map(str::trim).unwrap_or("");
        let mut ok = true;
        if text.is_empty() {
            c.err(
                &wpath,
                "empty word: `text` must hold at least one visible character",
            );
            ok = false;
        }
        if text.chars().count() > limits::WORD_CHARS {
            c.err(
                &wpath,
                format!(
                    "over the limit of {} characters for a word",
                    limits::WORD_CHARS
                ),
            );
            ok = false;
        }
        let (Some(start), Some(end)) = (w.start, w.end) else {
            c.err(&wpath, "needs both `start` and `end`");
            continue;
        };
        if !time_ok(start) || !time_ok(end) {
            c.err(&wpath, "start and end must be 0 or more seconds");
            continue;
        }
        if end < start - TIME_EPSILON {
            c.err(
                &wpath,
                format!("end {end:.3} s is before start {start:.3} s"),
            );
            ok = false;
        }
        if start < slide_start - TIME_EPSILON || end > slide_end + TIME_EPSILON {
            c.err(
                &wpath,
                format!(
                    "{start:.3}-{end:.3} s is outside its slide ({slide_start:.3}-{slide_end:.3} s)"
                ),
            );
            ok = false;
        }
        if let Some(prev_start) = prev_start {
            if start < prev_start - TIME_EPSILON {
                c.err(
                    &wpath,
                    format!(
                        "start {start:.3} s is before the previous word's start {prev_start:.3} s (words must be in spoken order)"
                    ),
                );
                ok = false;
            }
        }
        prev_start = Some(start);
        if let (true, Some(prev)) = (
            ok && last_pushed == Some(j.wrapping_sub(1)),
            words.last_mut(),
        ) {
            if prev.end > start + TIME_EPSILON {
                c.warn(
                    format!("{path}.words[{}]", j - 1),
                    format!(
                        "end {:.3} s overlaps the next word's start; clamped to {start:.3} s",
                        prev.end
                    ),
                );
                prev.end = start;
            }
        }
        if ok {
            last_pushed = Some(j);
            words.push(Word {
                text: text.to_string(),
                start,
                end: end.max(start),
            });
        }
    }
    words
}

/// Spreads a slide's plain text over its time, each word's share proportional to its length.
/// Chinese and Japanese are cut into words by `segment::words`.
fn estimate_words(text: &str, start: f64, end: f64) -> Vec<Word> {
    let parts = crate::segment::words(text);
    // The space after a word counts toward its share, as speech pauses between words.
    let weight = |w: &str| w.chars().count() as f64 + 1.0;
    let total: f64 = parts.iter().map(|w| weight(w)).sum();
    let span = end - start;
    let mut t = start;
    parts
        .iter()
        .map(|w| {
            let d = span * weight(w) / total;
            let word = Word {
                text: w.clone(),
                start: t,
                end: (t + d).min(end),
            };
            t += d;
            word
        })
        .collect()
}

/// A project from JSON text, with relative paths resolved against `base` and a stand-in for
/// the audio file of `duration` seconds (for tests of later stages).
#[cfg(test)]
pub(crate) fn from_json(json: &str, base: &Path, duration: f64) -> Project {
    let raw: RawProject = serde_json::from_str(json).expect("test JSON parses");
    let probe = stand_in_probe(duration);
    let audio = base.join("a.wav");
    if !audio.exists() {
        std::fs::write(&audio, b"stand-in").expect("temp dir is writable");
    }
    resolve(raw, base, &probe).unwrap_or_else(|p| panic!("invalid test project: {p:#?}"))
}

/// An audio probe that reports `duration` seconds of 48 kHz mono for any file.
#[cfg(test)]
pub(crate) fn stand_in_probe(duration: f64) -> impl Fn(&Path) -> anyhow::Result<AudioInfo> {
    move |_: &Path| {
        Ok(AudioInfo {
            duration,
            sample_rate: 48000,
            channels: 1,
            damage: None,
        })
    }
}

#[cfg(test)]
mod tests;
