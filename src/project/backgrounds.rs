//! Backgrounds as the project and its slides give them: a colour, an image or a video clip,
//! each file checked (and a clip probed) before anything is drawn.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::limits;
use super::model::*;
use super::problems::Checker;
use super::raw::RawBackground;
use super::style::parse_color;
use super::Fit;

/// A background as `field` (`background`, `slides[2].background`) gives it.
pub(super) fn background(
    c: &mut Checker,
    field: &str,
    b: Option<RawBackground>,
    base: &Path,
) -> Background {
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
    let readable = crate::inputs::plain_file(&path)
        .and_then(|()| Ok(image::ImageReader::open(&path)?))
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
pub(super) fn video_background(
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
    if let Some(problem) = crate::inputs::problem(&path) {
        c.err(format!("{field}.video"), problem);
        return fallback;
    }
    let clip = match crate::media::clip::probe(&path) {
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
