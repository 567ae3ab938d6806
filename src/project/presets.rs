//! Named starting points for a project's look: a frame size and style defaults that the file's
//! own values override field by field.

use super::raw::{RawLayer, RawLayerStyle, RawLook, RawPosition, RawSafeArea, RawStyle};

pub struct Preset {
    pub name: &'static str,
    pub about: &'static str,
    pub width: u32,
    pub height: u32,
    /// Style defaults; fields left `None` take the format's own defaults.
    pub style: fn() -> RawStyle,
    /// How `gpucast import` fills slides for this look.
    pub max_words: usize,
    pub max_lines: usize,
    /// Slide lengths import keeps to, in seconds (subtitle guides' 5/6 s to 7 s), and the
    /// frames left blank between slides; `None` and 0 where the look has no such rule.
    pub seconds: Option<(f64, f64)>,
    pub gap_frames: u32,
    /// The layers a project without `layers` of its own gets.
    pub layers: fn() -> Vec<RawLayer>,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "lecture",
        about: "1920x1080, up to three lines a slide, words turn bold as they are spoken",
        width: 1920,
        height: 1080,
        style: RawStyle::default,
        max_words: 30,
        max_lines: 3,
        seconds: None,
        gap_frames: 0,
        layers: Vec::new,
    },
    Preset {
        name: "shorts",
        about: "1080x1920 for phones: 1-4 large words a slide, centred, clear of the controls at the bottom",
        width: 1080,
        height: 1920,
        style: shorts,
        max_words: 4,
        max_lines: 3,
        seconds: None,
        gap_frames: 0,
        layers: Vec::new,
    },
    Preset {
        name: "square",
        about: "1080x1080 for feeds",
        width: 1080,
        height: 1080,
        style: RawStyle::default,
        max_words: 20,
        max_lines: 4,
        seconds: None,
        gap_frames: 0,
        layers: Vec::new,
    },
    Preset {
        name: "highlight",
        about: "1920x1080 like lecture, but spoken words change colour only, never weight",
        width: 1920,
        height: 1080,
        style: highlight,
        max_words: 30,
        max_lines: 3,
        seconds: None,
        gap_frames: 0,
        layers: Vec::new,
    },
    Preset {
        name: "broadcast",
        about: "1920x1080 subtitles as broadcast guides ask: at the bottom, at most 2 lines of 42 characters, slides of 5/6 s to 7 s, 2 frames apart",
        width: 1920,
        height: 1080,
        style: broadcast,
        max_words: 30,
        max_lines: 2,
        seconds: Some((5.0 / 6.0, 7.0)),
        gap_frames: 2,
        layers: Vec::new,
    },
    Preset {
        name: "audiogram",
        about: "1080x1080 podcast clip: the narration's waveform in the middle, captions below, a progress bar; add cover art and a title as layers",
        width: 1080,
        height: 1080,
        style: audiogram,
        max_words: 12,
        max_lines: 2,
        seconds: None,
        gap_frames: 0,
        layers: audiogram_layers,
    },
];

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// `lecture, shorts, square, highlight, broadcast`, for error messages.
pub fn names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn shorts() -> RawStyle {
    RawStyle {
        // About 14 characters a line at 1080 px wide: one to four words read at a glance.
        font_size: Some(96.0),
        line_height: Some(1.2),
        margin: Some(90.0),
        align: Some("center".into()),
        // Phone apps draw the caption and account name over the bottom quarter, a column of
        // buttons down the right, and tabs along the top: text is centred in what is left.
        safe_area: Some(RawSafeArea {
            top: Some(190.0),
            right: Some(140.0),
            bottom: Some(480.0),
            left: Some(40.0),
        }),
        vertical_align: Some("center".into()),
        upcoming: Some(look("bold", "#ffffff")),
        ..RawStyle::default()
    }
}

fn broadcast() -> RawStyle {
    RawStyle {
        font_size: Some(54.0),
        margin: Some(80.0),
        vertical_align: Some("bottom".into()),
        line_chars: Some(42.0),
        // Subtitles cut in and out.
        fade: Some(0.0),
        upcoming: Some(outlined("regular", "#ffffff")),
        current: Some(outlined("regular", "#ffe14d")),
        spoken: Some(outlined("regular", "#ffffff")),
        ..RawStyle::default()
    }
}

/// A look with a black outline for legibility over any picture.
fn outlined(weight: &str, color: &str) -> RawLook {
    RawLook {
        outline: Some(super::raw::RawOutline {
            width: Some(3.0),
            color: Some("#000000".into()),
        }),
        ..look(weight, color)
    }
}

fn highlight() -> RawStyle {
    RawStyle {
        upcoming: Some(look("regular", "#8f9bb3")),
        current: Some(look("regular", "#ffd54a")),
        spoken: Some(look("regular", "#ffffff")),
        ..RawStyle::default()
    }
}

fn look(weight: &str, color: &str) -> RawLook {
    RawLook {
        weight: Some(weight.into()),
        color: Some(color.into()),
        ..RawLook::default()
    }
}

fn audiogram() -> RawStyle {
    RawStyle {
        font_size: Some(60.0),
        margin: Some(80.0),
        align: Some("center".into()),
        vertical_align: Some("bottom".into()),
        safe_area: Some(RawSafeArea {
            bottom: Some(60.0),
            ..RawSafeArea::default()
        }),
        upcoming: Some(look("bold", "#ffffff8c")),
        current: Some(look("bold", "#ffd54a")),
        spoken: Some(look("bold", "#ffffff")),
        ..RawStyle::default()
    }
}

/// The waveform across the middle and a progress bar along the bottom edge.
fn audiogram_layers() -> Vec<RawLayer> {
    vec![
        RawLayer {
            kind: Some("waveform".into()),
            style: Some(RawLayerStyle::Shape("mirror".into())),
            bars: Some(48.0),
            color: Some("#ffffffd9".into()),
            position: Some(RawPosition::Anchor("center".into())),
            size: Some([920.0, 240.0]),
            ..RawLayer::default()
        },
        RawLayer {
            kind: Some("progress".into()),
            color: Some("#ffd54a".into()),
            size: Some([1080.0, 10.0]),
            ..RawLayer::default()
        },
    ]
}
