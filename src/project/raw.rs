//! The project file exactly as written: every field optional, nothing checked yet.
//!
//! Serde only parses (and, for `gpucast import`, writes) here. Defaults, merging of per-slide style overrides and all validation
//! happen in `project::resolve`, so that every problem can be reported at once with its path.

use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    /// A named set of defaults (`lecture`, `shorts`, ...) under the file's own values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A named look (or a look file) over the preset, under the file's own style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub look: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<RawVideo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<RawBackground>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub music: Option<RawMusic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawStyle>,
    /// Words and phrases given a look of their own wherever they are said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emphasis: Option<Vec<RawEmphasis>>,
    /// Each speaker (as words name them) with a name, a look and whether to label them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<std::collections::BTreeMap<String, RawSpeaker>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slides: Option<Vec<RawSlide>>,
    /// Pictures drawn over the background, under the captions, for the whole video.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<RawLayer>>,
}

/// A layer over the background: an image, a text, the narration's waveform or a progress bar.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLayer {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A text's style (as the captions'), or a waveform's shape (`bars`, `mirror`, `line`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawLayerStyle>,
    /// `[x, y]` of its top-left corner, or an anchor (`top-left`, `bottom`, `center`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<RawPosition>,
    /// Pixels between an anchored layer and the frame's edges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    /// `[width, height]` in pixels; an image's own size when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opacity: Option<f64>,
    /// Seconds: when it comes on screen and leaves (default: the whole video).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// Seconds it takes to fade in and out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fade: Option<f64>,
    /// Drawn over the captions rather than under them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<bool>,
    /// A waveform's bars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bars: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// A waveform's smoothing, 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smoothing: Option<f64>,
    /// A progress bar's unfilled part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
}

/// A text layer's style, or a waveform's shape.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawLayerStyle {
    Shape(String),
    Style(Box<RawStyle>),
}

/// Where a layer goes: its top-left corner in pixels, or an anchor.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawPosition {
    Xy([f64; 2]),
    Anchor(String),
}

/// A speaker's name, look and label.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpeaker {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawWordStyle>,
    /// Their name drawn with the slides they speak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<bool>,
}

/// Text drawn with a slide besides its words (a speaker's name, a translation): its size,
/// where it goes and its look.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlock {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_size: Option<f64>,
    /// `above` or `below` the spoken text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline: Option<RawOutline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadow: Option<RawShadow>,
    #[serde(rename = "box", skip_serializing_if = "Option::is_none")]
    pub word_box: Option<RawBox>,
}

impl RawBlock {
    fn merged(base: &Option<RawBlock>, over: &Option<RawBlock>) -> Option<RawBlock> {
        match (base, over) {
            (Some(b), Some(o)) => Some(RawBlock {
                font_size: o.font_size.or(b.font_size),
                position: o.position.clone().or_else(|| b.position.clone()),
                weight: o.weight.clone().or_else(|| b.weight.clone()),
                color: o.color.clone().or_else(|| b.color.clone()),
                outline: o.outline.clone().or_else(|| b.outline.clone()),
                shadow: o.shadow.clone().or_else(|| b.shadow.clone()),
                word_box: o.word_box.clone().or_else(|| b.word_box.clone()),
            }),
            (b, o) => o.clone().or_else(|| b.clone()),
        }
    }
}

/// One emphasis rule: the words (or phrases) it matches, or a regular expression a whole word
/// matches, and the look they take.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmphasis {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawWordStyle>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawVideo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<RawFps>,
}

/// `30`, `29.97` or `"30000/1001"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawFps {
    Number(f64),
    Text(String),
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBackground {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<String>,
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    pub looped: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
}

/// A music bed under the narration.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMusic {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duck: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fade_out: Option<f64>,
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    pub looped: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawStyle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold_font: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_size: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_height: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_area: Option<RawSafeArea>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical_offset: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical_align: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<RawLook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<RawLook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoken: Option<RawLook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_fade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pop_ms: Option<f64>,
    /// Words shown in capitals (the project keeps them as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uppercase: Option<bool>,
    /// The most characters a line holds (spaces included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_chars: Option<f64>,
    /// How a speaker's name is drawn (`speakers` with `label`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<RawBlock>,
    /// How a slide's `translation` is drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<RawBlock>,
}

/// Pixels on each side, beyond the margin, that text keeps out of (where phone apps draw).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSafeArea {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<f64>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLook {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline: Option<RawOutline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadow: Option<RawShadow>,
    #[serde(rename = "box", skip_serializing_if = "Option::is_none")]
    pub word_box: Option<RawBox>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wipe: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Nothing drawn in this state (words that appear only as they are spoken).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// How the current word comes in: fade, rise, drop, bounce, typewriter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enter_ms: Option<f64>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBox {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// `[x, y]` pixels around the word, or one number for both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding: Option<RawOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glide_ms: Option<f64>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutline {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawShadow {
    /// `[x, y]` pixels, or one number for both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<RawOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawOffset {
    Both(f64),
    Xy([f64; 2]),
}

impl RawOffset {
    /// `[x, y]` as given, or one number for both.
    pub fn xy(&self) -> (f64, f64) {
        match *self {
            RawOffset::Both(v) => (v, v),
            RawOffset::Xy([x, y]) => (x, y),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlide {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<RawWord>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The slide's text in another language, drawn as a block under (or above) its words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawStyle>,
    /// This slide's own background (the project's otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<RawBackground>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawWord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// Who says the word (from a diarized transcript); kept for exports and captions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// How sure the recogniser was of the word, 0 to 1; kept for exports and `validate --lint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// This word's own looks, laid field by field over its slide's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<RawWordStyle>,
}

/// A word's own looks (a keyword in its colour): any look field, in any state.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawWordStyle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<RawLook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<RawLook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoken: Option<RawLook>,
}

impl RawWordStyle {
    /// `self` laid over `base`, field by field: what `self` sets wins.
    pub fn over(&self, base: &RawWordStyle) -> RawWordStyle {
        RawWordStyle {
            upcoming: RawLook::merged(&base.upcoming, &self.upcoming),
            current: RawLook::merged(&base.current, &self.current),
            spoken: RawLook::merged(&base.spoken, &self.spoken),
        }
    }
}

impl RawLook {
    /// Field-wise override: what `over` sets wins.
    fn merged(base: &Option<RawLook>, over: &Option<RawLook>) -> Option<RawLook> {
        match (base, over) {
            (None, None) => None,
            (b, o) => {
                let b = b.clone().unwrap_or_default();
                let o = o.clone().unwrap_or_default();
                Some(RawLook {
                    weight: o.weight.or(b.weight),
                    color: o.color.or(b.color),
                    wipe: o.wipe.or(b.wipe),
                    scale: o.scale.or(b.scale),
                    hidden: o.hidden.or(b.hidden),
                    enter: o.enter.or(b.enter),
                    enter_ms: o.enter_ms.or(b.enter_ms),
                    outline: match (b.outline, o.outline) {
                        (Some(b), Some(o)) => Some(RawOutline {
                            width: o.width.or(b.width),
                            color: o.color.or(b.color),
                        }),
                        (b, o) => o.or(b),
                    },
                    word_box: match (b.word_box, o.word_box) {
                        (Some(b), Some(o)) => Some(RawBox {
                            color: o.color.or(b.color),
                            padding: o.padding.or(b.padding),
                            radius: o.radius.or(b.radius),
                            glide_ms: o.glide_ms.or(b.glide_ms),
                        }),
                        (b, o) => o.or(b),
                    },
                    shadow: match (b.shadow, o.shadow) {
                        (Some(b), Some(o)) => Some(RawShadow {
                            offset: o.offset.or(b.offset),
                            blur: o.blur.or(b.blur),
                            color: o.color.or(b.color),
                        }),
                        (b, o) => o.or(b),
                    },
                })
            }
        }
    }
}

impl RawStyle {
    /// The project style with a slide's override laid over it, field by field.
    pub fn merged(&self, over: &RawStyle) -> RawStyle {
        RawStyle {
            font: over.font.clone().or_else(|| self.font.clone()),
            bold_font: over.bold_font.clone().or_else(|| self.bold_font.clone()),
            bold: over.bold.clone().or_else(|| self.bold.clone()),
            font_size: over.font_size.or(self.font_size),
            line_height: over.line_height.or(self.line_height),
            margin: over.margin.or(self.margin),
            safe_area: match (&self.safe_area, &over.safe_area) {
                (Some(b), Some(o)) => Some(RawSafeArea {
                    top: o.top.or(b.top),
                    right: o.right.or(b.right),
                    bottom: o.bottom.or(b.bottom),
                    left: o.left.or(b.left),
                }),
                (b, o) => o.clone().or_else(|| b.clone()),
            },
            vertical_offset: over.vertical_offset.or(self.vertical_offset),
            align: over.align.clone().or_else(|| self.align.clone()),
            vertical_align: over
                .vertical_align
                .clone()
                .or_else(|| self.vertical_align.clone()),
            upcoming: RawLook::merged(&self.upcoming, &over.upcoming),
            current: RawLook::merged(&self.current, &over.current),
            spoken: RawLook::merged(&self.spoken, &over.spoken),
            fade: over.fade.or(self.fade),
            background_fade: over.background_fade.or(self.background_fade),
            pop_ms: over.pop_ms.or(self.pop_ms),
            uppercase: over.uppercase.or(self.uppercase),
            line_chars: over.line_chars.or(self.line_chars),
            label: RawBlock::merged(&self.label, &over.label),
            translation: RawBlock::merged(&self.translation, &over.translation),
        }
    }
}

impl RawProject {
    /// Every file the project names (narration, backgrounds, clips, music, fonts), as written:
    /// relative names are relative to the project's folder. For checks that need a project's
    /// inputs without resolving it (a batch's plan).
    pub fn files(&self) -> Vec<&str> {
        fn background(b: &Option<RawBackground>) -> impl Iterator<Item = &str> {
            b.iter()
                .flat_map(|b| [b.image.as_deref(), b.video.as_deref()])
                .flatten()
        }
        fn fonts(s: &Option<RawStyle>) -> impl Iterator<Item = &str> {
            s.iter()
                .flat_map(|s| [s.font.as_deref(), s.bold_font.as_deref()])
                .flatten()
        }
        let mut out: Vec<&str> = self.audio.iter().map(String::as_str).collect();
        out.extend(background(&self.background));
        out.extend(self.music.iter().filter_map(|m| m.file.as_deref()));
        out.extend(fonts(&self.style));
        for slide in self.slides.iter().flatten() {
            out.extend(background(&slide.background));
            out.extend(fonts(&slide.style));
        }
        for layer in self.layers.iter().flatten() {
            out.extend(layer.file.as_deref());
            if let Some(RawLayerStyle::Style(s)) = &layer.style {
                out.extend(
                    [s.font.as_deref(), s.bold_font.as_deref()]
                        .into_iter()
                        .flatten(),
                );
            }
        }
        out
    }
}
