//! The resolved project: typed values with every default applied, which everything downstream
//! reads. A `Project` is always valid: only `project::resolve` makes one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Fit;
use crate::media::audio::AudioInfo;

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
    pub clip: Arc<crate::media::clip::ClipInfo>,
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
    /// Nothing is drawn in this look: its word keeps its place, empty.
    pub hidden: bool,
    /// How the current word comes in (`current` only).
    pub enter: Option<Enter>,
}

/// An entrance: the current word drawn on its way in, over `seconds` from its start, in
/// `POP_STEPS` steps as the pop is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Enter {
    pub kind: EnterKind,
    pub seconds: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterKind {
    /// From transparent.
    Fade,
    /// Up from below its place, fading in.
    Rise,
    /// Down from above its place, fading in.
    Drop,
    /// From half its size, past its size and back.
    Bounce,
    /// Its characters one after another, left to right.
    Typewriter,
}

impl EnterKind {
    pub const NAMES: [(&'static str, EnterKind); 5] = [
        ("fade", EnterKind::Fade),
        ("rise", EnterKind::Rise),
        ("drop", EnterKind::Drop),
        ("bounce", EnterKind::Bounce),
        ("typewriter", EnterKind::Typewriter),
    ];

    pub fn name(self) -> &'static str {
        EnterKind::NAMES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("fade", |(n, _)| n)
    }
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
    /// Words are shown in capitals (Unicode's full mapping: `ß` becomes `SS`).
    pub uppercase: bool,
    /// At most this many characters a line (spaces included), as subtitle guides ask.
    pub line_chars: Option<usize>,
    /// How a speaker's name is drawn, and a translation.
    pub label: TextBlock,
    pub translation: TextBlock,
    /// Path of the style the fonts came from (`style` or `slides[2].style`), for error messages.
    pub field: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// Who says it, when the project says (`None` for most projects).
    pub speaker: Option<String>,
    /// How sure the recogniser was of the word (0 to 1), when the timing file said.
    pub confidence: Option<f64>,
    /// The word's own looks (its `style` over its slide's); `None`: the slide's.
    pub looks: Option<[Look; 3]>,
}

/// Text drawn with a slide besides its words, in a look of its own: in every word state, as
/// the slide shows and fades.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBlock {
    pub font_size: f32,
    pub look: Look,
    /// Above the spoken text (else under it).
    pub above: bool,
}

impl Style {
    /// A word as this style shows it.
    pub fn shown<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        match self.uppercase {
            true => word.to_uppercase().into(),
            false => word.into(),
        }
    }
}

/// Who speaks a run of words: the speaker of most of them (the first named on a tie), as
/// WhisperX gives a segment the speaker of most of its words.
pub fn most_said<'a>(speakers: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in speakers {
        match counts.iter_mut().find(|(name, _)| *name == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    let most = counts.iter().map(|(_, n)| *n).max()?;
    counts.iter().find(|(_, n)| *n == most).map(|(s, _)| *s)
}

impl Slide {
    /// The looks word `word` is drawn in: its own, else the slide's.
    pub fn looks_of(&self, word: usize) -> &[Look; 3] {
        match self.words.get(word).and_then(|w| w.looks.as_ref()) {
            Some(l) => l,
            None => &self.style.looks,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    pub start: f64,
    pub end: f64,
    pub words: Vec<Word>,
    pub style: Style,
    /// The slide's own background; `None` shows the project's.
    pub background: Option<Background>,
    /// The name of who speaks the slide, drawn with it (`speakers` with `label`).
    pub label: Option<String>,
    /// The slide's text in another language, drawn with it.
    pub translation: Option<String>,
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

/// A layer drawn over the background: under the captions, or over them (`above`), from
/// `start` to `end` seconds, fading in and out over `fade` seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub kind: LayerKind,
    /// Where it goes; a text layer's size is known only once laid out.
    pub place: Place,
    /// `[width, height]` in pixels: None for text (its own).
    pub size: Option<(u32, u32)>,
    pub start: f64,
    /// Seconds; infinity: to the end of the video.
    pub end: f64,
    pub fade: f64,
    pub above: bool,
    /// Its alpha times this, 0 to 1.
    pub opacity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    /// A picture (a logo, cover art, a watermark), PNG alpha kept.
    Image { path: PathBuf },
    /// A title or lower third, laid out as a slide in `style` and drawn in its spoken look.
    Text { text: String, style: Box<Style> },
    /// The narration's loudness, spread over `bars` bands of its spectrum.
    Waveform {
        shape: WaveShape,
        bars: u32,
        color: [u8; 4],
        /// 0 (none) to 1: how much of a bar's height the next frame keeps, as it falls.
        smoothing: f64,
    },
    /// A bar filling from the left as the video plays, over its track.
    Progress { color: [u8; 4], track: [u8; 4] },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveShape {
    /// Bars standing on the layer's bottom edge.
    Bars,
    /// Bars growing up and down from the middle.
    Mirror,
    /// A line through the bars' tops, alternately above and below the middle.
    Line,
}

/// Where a layer's top-left corner goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    At(i32, i32),
    /// At fractions of the room around it (0: left or top, 1: right or bottom), `margin`
    /// pixels from the edges.
    Anchor {
        x: f64,
        y: f64,
        margin: f64,
    },
    /// Where its style's alignment and margins put it (text only).
    Style,
}

impl Place {
    /// The top-left corner of a `size` layer in a `frame`.
    pub fn corner(&self, size: (u32, u32), frame: (u32, u32)) -> Option<(i32, i32)> {
        match *self {
            Place::At(x, y) => Some((x, y)),
            Place::Anchor { x, y, margin } => {
                let room = |frame: u32, side: u32| frame as f64 - 2.0 * margin - side as f64;
                Some((
                    (margin + x * room(frame.0, size.0)).round() as i32,
                    (margin + y * room(frame.1, size.1)).round() as i32,
                ))
            }
            Place::Style => None,
        }
    }
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
    /// Drawn over every background in order: under the captions, or over them.
    pub layers: Vec<Layer>,
    /// Problems that were repaired rather than rejected (clamped word ends, ...).
    pub warnings: Vec<String>,
}

impl Project {
    pub fn duration(&self) -> f64 {
        self.audio_info.duration
    }

    /// Every file the project reads: the narration, background images and clips, the music,
    /// font files (each once).
    pub fn files(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = vec![&self.audio];
        files.extend(self.backgrounds().0.iter().filter_map(|b| b.file()));
        files.extend(self.music.iter().map(|m| m.file.as_path()));
        for l in &self.layers {
            match &l.kind {
                LayerKind::Image { path } => files.push(path),
                LayerKind::Text { style, .. } => {
                    for font in [Some(&style.font), style.bold_font.as_ref()] {
                        if let Some(FontChoice::File(f)) = font {
                            files.push(f);
                        }
                    }
                }
                _ => {}
            }
        }
        for slide in &self.slides {
            for font in [Some(&slide.style.font), slide.style.bold_font.as_ref()] {
                if let Some(FontChoice::File(f)) = font {
                    files.push(f);
                }
            }
        }
        files.sort();
        files.dedup();
        files
    }

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

    /// round(duration × fps), as the format requires.
    pub fn frame_count(&self) -> u64 {
        (self.duration() * self.fps.as_f64()).round() as u64
    }

    pub fn word_count(&self) -> usize {
        self.slides.iter().map(|s| s.words.len()).sum()
    }
}

/// Seconds the current word takes to pop to its `scale` when no style says.
pub const DEFAULT_POP: f64 = 0.12;

/// Sizes the current word passes through as it pops (and steps a gliding box takes), the last
/// its full `scale`: each is rasterized once and is a distinct frame.
pub const POP_STEPS: u32 = 8;

/// Seconds a slide's own background takes to fade in when no style says.
pub const DEFAULT_BACKGROUND_FADE: f64 = 0.5;

/// Times closer than this are equal: JSON times are decimal milliseconds, and `0.3 * 30` is not 9.
pub const TIME_EPSILON: f64 = 1e-6;

/// How the narration is measured: `media::audio::probe`, or what the caller already knows.
pub type Probe<'a> = &'a dyn Fn(&Path) -> anyhow::Result<AudioInfo>;
