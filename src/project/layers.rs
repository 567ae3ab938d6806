//! `layers`: pictures, titles, the narration's waveform and a progress bar, drawn over the
//! background (under the captions, or over them), each checked here with its path, its place
//! and size worked out where they do not depend on how its text lays out.

use std::path::Path;

use super::limits;
use super::model::{Layer, LayerKind, Place, Style, WaveShape};
use super::problems::Checker;
use super::raw::{RawLayer, RawLayerStyle, RawPosition, RawStyle};
use super::style::{parse_color, style};

/// Where an anchor puts a layer, as fractions of the room left around it (0 left or top, 1
/// right or bottom).
const ANCHORS: &[(&str, (f64, f64))] = &[
    ("top-left", (0.0, 0.0)),
    ("top", (0.5, 0.0)),
    ("top-right", (1.0, 0.0)),
    ("left", (0.0, 0.5)),
    ("center", (0.5, 0.5)),
    ("right", (1.0, 0.5)),
    ("bottom-left", (0.0, 1.0)),
    ("bottom", (0.5, 1.0)),
    ("bottom-right", (1.0, 1.0)),
];

const TYPES: &str = "image, text, waveform, progress";
/// Bars a waveform may have: each is a band of the spectrum and a value in every frame's key.
pub const BARS: (u32, u32) = (1, 256);

/// The layers of a project, in drawing order; `captions` is the project's style, which a text
/// layer's own `style` is laid over.
pub(super) fn layers(
    c: &mut Checker,
    raw: Option<Vec<RawLayer>>,
    base: &Path,
    captions: &RawStyle,
    (width, height): (u32, u32),
) -> Vec<Layer> {
    let raw = raw.unwrap_or_default();
    if raw.len() > limits::LAYERS {
        c.err(
            "layers",
            format!(
                "{} layers is over the limit of {}",
                raw.len(),
                limits::LAYERS
            ),
        );
        return Vec::new();
    }
    let layers: Vec<Layer> = raw
        .into_iter()
        .enumerate()
        .filter_map(|(i, l)| {
            layer(
                c,
                &format!("layers[{i}]"),
                l,
                base,
                captions,
                (width, height),
            )
        })
        .collect();
    // Pictures are held at their drawn size, in memory and in the GPU buffer the backgrounds
    // share.
    let bytes: u64 = layers
        .iter()
        .filter(|l| matches!(l.kind, LayerKind::Image { .. }))
        .filter_map(|l| l.size)
        .map(|(w, h)| w as u64 * h as u64 * 4)
        .sum();
    if bytes > limits::BACKGROUND_BYTES {
        c.err(
            "layers",
            format!(
                "the images take {} MiB at their sizes, over the limit of {} MiB for pictures \
                 and backgrounds together: draw them smaller",
                bytes >> 20,
                limits::BACKGROUND_BYTES >> 20
            ),
        );
    }
    layers
}

fn layer(
    c: &mut Checker,
    at: &str,
    l: RawLayer,
    base: &Path,
    captions: &RawStyle,
    (width, height): (u32, u32),
) -> Option<Layer> {
    let Some(kind) = l.kind.clone() else {
        c.err(format!("{at}.type"), format!("required: one of {TYPES}"));
        return None;
    };
    // Fields another type of layer takes are named, not ignored.
    let foreign: &[(&str, bool)] = &[
        ("file", l.file.is_some() && kind != "image"),
        ("text", l.text.is_some() && kind != "text"),
        (
            "style",
            match &l.style {
                Some(RawLayerStyle::Shape(_)) => kind != "waveform",
                Some(RawLayerStyle::Style(_)) => kind != "text",
                None => false,
            },
        ),
        ("size", l.size.is_some() && kind == "text"),
        ("bars", l.bars.is_some() && kind != "waveform"),
        ("smoothing", l.smoothing.is_some() && kind != "waveform"),
        (
            "color",
            l.color.is_some() && kind != "waveform" && kind != "progress",
        ),
        ("track", l.track.is_some() && kind != "progress"),
    ];
    let before = c.problems.len();
    for (field, wrong) in foreign {
        if *wrong {
            let why = match *field {
                "size" => "a text layer is the size of its text: set its style's font_size",
                "style" if kind == "waveform" => "a waveform's style is bars, mirror or line",
                "style" => "only text (a style object) and waveform (a shape) layers take a style",
                _ => "not a field of this type of layer",
            };
            c.err(format!("{at}.{field}"), format!("{why} ({kind})"));
        }
    }
    let rgba = |c: &mut Checker, field: &str, v: &Option<String>, default: [u8; 4]| match v {
        None => Some(default),
        Some(s) => match parse_color(s) {
            Ok(rgba) => Some(rgba),
            Err(e) => {
                c.err(format!("{at}.{field}"), e);
                None
            }
        },
    };
    let white = [255, 255, 255, 255];
    let shorter = width.min(height) as f64;
    // Per type: what it is, its size where known, and its place and margin by default.
    let (kind, size, default_place, default_margin) = match kind.as_str() {
        "image" => {
            let path = base.join(l.file.as_deref().or_else(|| {
                c.err(format!("{at}.file"), "required: the image to draw");
                None
            })?);
            if let Some(problem) = crate::inputs::problem(&path) {
                c.err(format!("{at}.file"), problem);
                return None;
            }
            // Its own size (read from the header only) where no size is given.
            let own = image::ImageReader::open(&path)
                .and_then(|r| r.with_guessed_format())
                .map_err(|e| e.to_string())
                .and_then(|r| r.into_dimensions().map_err(|e| e.to_string()));
            let own = match own {
                Ok(d) => d,
                Err(e) => {
                    c.err(
                        format!("{at}.file"),
                        format!("cannot read {} as an image: {e}", path.display()),
                    );
                    return None;
                }
            };
            let size = size(c, at, l.size, (own.0 as f64, own.1 as f64))?;
            (
                LayerKind::Image { path },
                Some(size),
                "top-left",
                shorter * 0.04,
            )
        }
        "text" => {
            let Some(text) = l.text.clone().filter(|t| !t.trim().is_empty()) else {
                c.err(format!("{at}.text"), "required: the words to show");
                return None;
            };
            if text.chars().count() > limits::TEXT_CHARS {
                c.err(
                    format!("{at}.text"),
                    format!("over {} characters", limits::TEXT_CHARS),
                );
                return None;
            }
            let own = match &l.style {
                Some(RawLayerStyle::Style(s)) => captions.merged(s),
                _ => captions.clone(),
            };
            let problems = c.problems.len();
            let style: Style = style(c, &format!("{at}.style"), &own, base, (width, height));
            if c.problems.len() > problems {
                return None;
            }
            let kind = LayerKind::Text {
                text,
                style: Box::new(style),
            };
            (kind, None, "", shorter * 0.04)
        }
        "waveform" => {
            let shape = match &l.style {
                None => WaveShape::Bars,
                Some(RawLayerStyle::Shape(s)) => match s.as_str() {
                    "bars" => WaveShape::Bars,
                    "mirror" => WaveShape::Mirror,
                    "line" => WaveShape::Line,
                    other => {
                        c.err(
                            format!("{at}.style"),
                            format!("\"{other}\" is not one of bars, mirror, line"),
                        );
                        return None;
                    }
                },
                Some(RawLayerStyle::Style(_)) => return None,
            };
            let bars = match l.bars {
                None => 48,
                Some(b) if b.fract() == 0.0 && (BARS.0 as f64..=BARS.1 as f64).contains(&b) => {
                    b as u32
                }
                Some(b) => {
                    c.err(
                        format!("{at}.bars"),
                        format!("{b}: a whole number from {} to {}", BARS.0, BARS.1),
                    );
                    return None;
                }
            };
            let smoothing = match l.smoothing {
                None => 0.5,
                Some(s) if (0.0..=1.0).contains(&s) => s,
                Some(s) => {
                    c.err(format!("{at}.smoothing"), format!("{s}: 0 to 1"));
                    return None;
                }
            };
            let margin = l
                .margin
                .unwrap_or(shorter * 0.04)
                .clamp(0.0, width as f64 / 3.0);
            let fallback = (
                (width as f64 - 2.0 * margin).max(1.0),
                (height as f64 * 0.15).round().max(1.0),
            );
            let size = size(c, at, l.size, fallback)?;
            if size.0 < bars {
                c.err(
                    format!("{at}.size"),
                    format!("{} pixels wide cannot hold {bars} bars", size.0),
                );
                return None;
            }
            let color = rgba(c, "color", &l.color, white)?;
            let kind = LayerKind::Waveform {
                shape,
                bars,
                color,
                smoothing,
            };
            (kind, Some(size), "center", shorter * 0.04)
        }
        "progress" => {
            let fallback = (width as f64, (height as f64 / 100.0).round().max(4.0));
            let size = size(c, at, l.size, fallback)?;
            let color = rgba(c, "color", &l.color, white)?;
            let track = rgba(c, "track", &l.track, [255, 255, 255, 64])?;
            (
                LayerKind::Progress { color, track },
                Some(size),
                "bottom",
                0.0,
            )
        }
        other => {
            c.err(
                format!("{at}.type"),
                format!("\"{other}\" is not a layer type gpucast draws ({TYPES})"),
            );
            return None;
        }
    };
    if c.problems.len() > before {
        return None;
    }
    let largest = limits::SIDE as f64;
    let margin = match l.margin {
        None => default_margin.round(),
        Some(m) if m.is_finite() && (0.0..=largest).contains(&m) => m,
        Some(m) => {
            c.err(
                format!("{at}.margin"),
                format!("{m}: 0 to {} pixels", limits::SIDE),
            );
            return None;
        }
    };
    let anchor = |c: &mut Checker, name: &str| match ANCHORS.iter().find(|a| a.0 == name) {
        Some(&(_, (x, y))) => Some(Place::Anchor { x, y, margin }),
        None => {
            let names: Vec<&str> = ANCHORS.iter().map(|a| a.0).collect();
            c.err(
                format!("{at}.position"),
                format!("\"{name}\" is not [x, y] or one of {}", names.join(", ")),
            );
            None
        }
    };
    let place = match l.position {
        None if default_place.is_empty() => Place::Style,
        None => anchor(c, default_place)?,
        Some(RawPosition::Xy([x, y])) => {
            if !(x.is_finite() && y.is_finite() && x.abs() <= largest && y.abs() <= largest) {
                c.err(
                    format!("{at}.position"),
                    format!("[{x}, {y}] is not a place in pixels"),
                );
                return None;
            }
            Place::At(x.round() as i32, y.round() as i32)
        }
        Some(RawPosition::Anchor(name)) => anchor(c, &name)?,
    };
    let opacity = match l.opacity {
        None => 1.0,
        Some(o) if (0.0..=1.0).contains(&o) => o,
        Some(o) => {
            c.err(format!("{at}.opacity"), format!("{o}: 0 to 1"));
            return None;
        }
    };
    let seconds = |c: &mut Checker, field: &str, v: Option<f64>, default: f64| match v {
        None => Some(default),
        Some(s) if s.is_finite() && (0.0..=limits::DURATION).contains(&s) => Some(s),
        Some(s) => {
            c.err(format!("{at}.{field}"), format!("{s}: seconds from 0"));
            None
        }
    };
    let start = seconds(c, "start", l.start, 0.0)?;
    let end = seconds(c, "end", l.end, f64::INFINITY)?;
    if end <= start {
        c.err(
            format!("{at}.end"),
            format!("{end} is not after start ({start})"),
        );
        return None;
    }
    let fade = match l.fade {
        None => 0.0,
        Some(f) if f.is_finite() && (0.0..=limits::EFFECT).contains(&f) => f,
        Some(f) => {
            c.err(
                format!("{at}.fade"),
                format!("{f}: 0 to {} seconds", limits::EFFECT),
            );
            return None;
        }
    };
    Some(Layer {
        kind,
        place,
        size,
        start,
        end,
        fade,
        above: l.above.unwrap_or(false),
        opacity,
    })
}

/// A layer's `[width, height]`, or `fallback`, in whole pixels.
fn size(
    c: &mut Checker,
    at: &str,
    given: Option<[f64; 2]>,
    fallback: (f64, f64),
) -> Option<(u32, u32)> {
    let (w, h) = match given {
        None => fallback,
        Some([w, h]) => (w, h),
    };
    let largest = limits::SIDE as f64;
    if !(w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0 && w <= largest && h <= largest) {
        c.err(
            format!("{at}.size"),
            format!("[{w}, {h}]: each side 1 to {} pixels", limits::SIDE),
        );
        return None;
    }
    Some((w.round() as u32, h.round() as u32))
}
