//! `layers`: pictures drawn over the background and under the captions for the whole video (a
//! course's logo, a watermark, cover art), each file checked and its place worked out here.

use std::path::Path;

use super::limits;
use super::model::ImageLayer;
use super::problems::Checker;
use super::raw::{RawLayer, RawPosition};

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

pub(super) fn layers(
    c: &mut Checker,
    raw: Option<Vec<RawLayer>>,
    base: &Path,
    (width, height): (u32, u32),
) -> Vec<ImageLayer> {
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
    raw.into_iter()
        .enumerate()
        .filter_map(|(i, l)| layer(c, &format!("layers[{i}]"), l, base, (width, height)))
        .collect()
}

fn layer(
    c: &mut Checker,
    at: &str,
    l: RawLayer,
    base: &Path,
    (width, height): (u32, u32),
) -> Option<ImageLayer> {
    match l.kind.as_deref() {
        Some("image") => {}
        Some(other) => {
            c.err(
                format!("{at}.type"),
                format!("\"{other}\" is not a layer type gpucast draws (image)"),
            );
            return None;
        }
        None => {
            c.err(format!("{at}.type"), "required: \"image\"");
            return None;
        }
    }
    let Some(file) = l.file else {
        c.err(format!("{at}.file"), "required: the image to draw");
        return None;
    };
    let path = base.join(&file);
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
    let (w, h) = match l.size {
        None => (own.0 as f64, own.1 as f64),
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
    let (w, h) = (w.round() as u32, h.round() as u32);
    let margin = match l.margin {
        None => (width.min(height) as f64 * 0.04).round(),
        Some(m) if m.is_finite() && (0.0..=largest).contains(&m) => m,
        Some(m) => {
            c.err(
                format!("{at}.margin"),
                format!("{m}: 0 to {} pixels", limits::SIDE),
            );
            return None;
        }
    };
    let (x, y) = match l.position {
        None => place((0.0, 0.0), margin, (w, h), (width, height)),
        Some(RawPosition::Xy([x, y])) => {
            if !(x.is_finite() && y.is_finite() && x.abs() <= largest && y.abs() <= largest) {
                c.err(
                    format!("{at}.position"),
                    format!("[{x}, {y}] is not a place in pixels"),
                );
                return None;
            }
            (x.round() as i32, y.round() as i32)
        }
        Some(RawPosition::Anchor(name)) => match ANCHORS.iter().find(|a| a.0 == name) {
            Some(&(_, f)) => place(f, margin, (w, h), (width, height)),
            None => {
                let names: Vec<&str> = ANCHORS.iter().map(|a| a.0).collect();
                c.err(
                    format!("{at}.position"),
                    format!("\"{name}\" is not [x, y] or one of {}", names.join(", ")),
                );
                return None;
            }
        },
    };
    let opacity = match l.opacity {
        None => 1.0,
        Some(o) if (0.0..=1.0).contains(&o) => o,
        Some(o) => {
            c.err(format!("{at}.opacity"), format!("{o}: 0 to 1"));
            return None;
        }
    };
    Some(ImageLayer {
        path,
        x,
        y,
        width: w,
        height: h,
        opacity,
    })
}

/// The top-left corner that puts a `size` layer at `anchor` within `margin` of the edges.
fn place(anchor: (f64, f64), margin: f64, size: (u32, u32), frame: (u32, u32)) -> (i32, i32) {
    let room = |frame: u32, side: u32| frame as f64 - 2.0 * margin - side as f64;
    (
        (margin + anchor.0 * room(frame.0, size.0)).round() as i32,
        (margin + anchor.1 * room(frame.1, size.1)).round() as i32,
    )
}
