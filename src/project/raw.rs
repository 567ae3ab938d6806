//! The project file exactly as written: every field optional, nothing checked yet.
//!
//! Serde only parses here. Defaults, merging of per-slide style overrides and all validation
//! happen in `project::resolve`, so that every problem can be reported at once with its path.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    pub video: Option<RawVideo>,
    pub audio: Option<String>,
    pub background: Option<RawBackground>,
    pub style: Option<RawStyle>,
    pub slides: Option<Vec<RawSlide>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVideo {
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub fps: Option<RawFps>,
}

/// `30`, `29.97` or `"30000/1001"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawFps {
    Number(f64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBackground {
    pub image: Option<String>,
    pub fit: Option<String>,
    pub color: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStyle {
    pub font: Option<String>,
    pub bold_font: Option<String>,
    pub font_size: Option<f64>,
    pub line_height: Option<f64>,
    pub margin: Option<f64>,
    pub align: Option<String>,
    pub vertical_align: Option<String>,
    pub upcoming: Option<RawLook>,
    pub current: Option<RawLook>,
    pub spoken: Option<RawLook>,
    pub fade: Option<f64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLook {
    pub weight: Option<String>,
    pub color: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlide {
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub words: Option<Vec<RawWord>>,
    pub text: Option<String>,
    pub style: Option<RawStyle>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWord {
    pub text: Option<String>,
    pub start: Option<f64>,
    pub end: Option<f64>,
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
            font_size: over.font_size.or(self.font_size),
            line_height: over.line_height.or(self.line_height),
            margin: over.margin.or(self.margin),
            align: over.align.clone().or_else(|| self.align.clone()),
            vertical_align: over
                .vertical_align
                .clone()
                .or_else(|| self.vertical_align.clone()),
            upcoming: RawLook::merged(&self.upcoming, &over.upcoming),
            current: RawLook::merged(&self.current, &over.current),
            spoken: RawLook::merged(&self.spoken, &over.spoken),
            fade: over.fade.or(self.fade),
        }
    }
}
