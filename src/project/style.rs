//! Styles and looks: a project's or a slide's `style` over its preset, every look field and
//! effect (outline, shadow, box, pop, glide, wipe) checked and given its default; and a style
//! written back out in full for a project the user can edit.

use std::path::Path;

use super::limits;
use super::model::*;
use super::presets;
use super::problems::Checker;
use super::raw::{
    RawBlock, RawBox, RawLook, RawOffset, RawOutline, RawSafeArea, RawShadow, RawStyle,
};

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
                hidden: l.hidden.then_some(true),
                enter: l.enter.map(|e| e.kind.name().to_string()),
                enter_ms: l.enter.map(|e| e.seconds as f64 * 1000.0),
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
            uppercase: self.uppercase.then_some(true),
            line_chars: self.line_chars.map(|n| n as f64),
            // Blocks follow the looks unless a project sets them; imports set none.
            label: None,
            translation: None,
        }
    }
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

pub(super) fn style(
    c: &mut Checker,
    path: &str,
    s: &RawStyle,
    base: &Path,
    size: (u32, u32),
) -> Style {
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
            let size = std::fs::metadata(&p).map_or(0, |m| m.len());
            if let Some(problem) = crate::inputs::problem(&p) {
                c.err(format!("{path}.{field}"), format!("font {problem}"));
            } else if size > limits::FONT_BYTES {
                c.err(
                    format!("{path}.{field}"),
                    format!(
                        "{}: {} MB is over the {} MB limit for fonts",
                        p.display(),
                        size >> 20,
                        limits::FONT_BYTES >> 20
                    ),
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

    let looks = looks(c, path, [&s.upcoming, &s.current, &s.spoken], font_size);
    let synthetic_bold = synthetic_bold(c, path, s, &mut looks.iter());
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
        uppercase: s.uppercase.unwrap_or(false),
        line_chars: match s.line_chars {
            None => None,
            Some(n) if n.fract() == 0.0 && (1.0..=1000.0).contains(&n) => Some(n as usize),
            Some(n) => {
                c.err(
                    format!("{path}.line_chars"),
                    format!("{n} must be a whole number from 1 to 1000"),
                );
                None
            }
        },
        // A speaker's name in the spoken words' look, smaller, above; a translation in the
        // upcoming words' look, under.
        label: block(
            c,
            &format!("{path}.label"),
            &s.label,
            looks[2],
            0.6 * font_size,
            true,
        ),
        translation: block(
            c,
            &format!("{path}.translation"),
            &s.translation,
            looks[0],
            0.7 * font_size,
            false,
        ),
        field: path.to_string(),
    }
}

/// The three looks (upcoming, current, spoken) that `raws` set over the defaults, each field
/// checked and named under `path` (`style.current.color`, `slides[2].words[4].style.current`).
pub(super) fn looks(
    c: &mut Checker,
    path: &str,
    raws: [&Option<RawLook>; 3],
    font_size: f64,
) -> [Look; 3] {
    let plain = |bold, color| Look {
        bold,
        color,
        outline: None,
        shadow: None,
        word_box: None,
        wipe: false,
        scale: 1.0,
        hidden: false,
        enter: None,
    };
    let defaults = [
        plain(false, [0xb8, 0xc2, 0xd6, 255]),
        plain(true, [0xff, 0xd5, 0x4a, 255]),
        plain(true, [0xff, 0xff, 0xff, 255]),
    ];
    let raws = [
        ("upcoming", raws[0]),
        ("current", raws[1]),
        ("spoken", raws[2]),
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
        if let Some(h) = raw.hidden {
            looks[i].hidden = h;
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
        match (&raw.enter, *name) {
            (None, _) => {
                if raw.enter_ms.is_some() {
                    c.err(format!("{at}.enter_ms"), "needs `enter`");
                }
            }
            (Some(e), "current") => {
                let kind = EnterKind::NAMES
                    .iter()
                    .find(|(n, _)| n == e)
                    .map(|(_, k)| *k);
                let seconds = match raw.enter_ms {
                    None => 0.25,
                    Some(ms) if ms.is_finite() && (0.0..=2000.0).contains(&ms) => ms / 1000.0,
                    Some(ms) => {
                        c.err(
                            format!("{at}.enter_ms"),
                            format!("{ms} must be 0 to 2000 milliseconds"),
                        );
                        0.25
                    }
                };
                match kind {
                    Some(kind) => {
                        looks[i].enter = Some(Enter {
                            kind,
                            seconds: seconds as f32,
                        })
                    }
                    None => c.err(
                        format!("{at}.enter"),
                        format!(
                            "\"{e}\" is not one of {}",
                            EnterKind::NAMES.map(|(n, _)| n).join(", ")
                        ),
                    ),
                }
            }
            (Some(_), _) => c.err(
                format!("{at}.enter"),
                "only the current word comes in: set it in `current`",
            ),
        }
        if looks[i].enter.is_some() && (looks[i].wipe || looks[i].scale != 1.0 || looks[i].hidden) {
            c.err(
                format!("{at}.enter"),
                "a word that comes in is neither wiped, popped nor hidden: drop `enter`, or \
                 `wipe`, `scale` and `hidden`",
            );
        }
        if looks[i].hidden && (looks[i].wipe || looks[i].scale != 1.0) {
            c.err(
                format!("{at}.hidden"),
                "a hidden word is neither wiped nor popped: drop `hidden`, `wipe` or `scale`",
            );
        }
        if looks[i].wipe && looks[i].scale != 1.0 {
            c.err(
                format!("{at}.scale"),
                "a word is either wiped or popped, not both: drop `wipe` or `scale`",
            );
        }
    }
    looks
}

/// A block's look and size: `raw` over `base` (a state's look, plain: never hidden, wiped,
/// popped or boxed unless `raw` boxes it) at `size` pixels.
fn block(
    c: &mut Checker,
    path: &str,
    raw: &Option<RawBlock>,
    base: Look,
    size: f64,
    above: bool,
) -> TextBlock {
    let mut look = Look {
        hidden: false,
        enter: None,
        wipe: false,
        scale: 1.0,
        word_box: None,
        ..base
    };
    let Some(raw) = raw else {
        return TextBlock {
            font_size: size as f32,
            look,
            above,
        };
    };
    let font_size = match raw.font_size {
        None => size,
        Some(x) if x.is_finite() && (limits::FONT_SIZE.0..=limits::FONT_SIZE.1).contains(&x) => x,
        Some(x) => {
            c.err(
                format!("{path}.font_size"),
                format!(
                    "{x} must be {} to {} pixels",
                    limits::FONT_SIZE.0,
                    limits::FONT_SIZE.1
                ),
            );
            size
        }
    };
    match raw.weight.as_deref() {
        None => {}
        Some("regular" | "normal") => look.bold = false,
        Some("bold") => look.bold = true,
        Some(other) => c.err(
            format!("{path}.weight"),
            format!("\"{other}\" is not one of regular, bold"),
        ),
    }
    if let Some(col) = &raw.color {
        match parse_color(col) {
            Ok(rgba) => look.color = rgba,
            Err(e) => c.err(format!("{path}.color"), e),
        }
    }
    if let Some(o) = &raw.outline {
        look.outline = outline(c, path, o, font_size);
    }
    if let Some(s) = &raw.shadow {
        look.shadow = shadow(c, path, s, font_size);
    }
    if let Some(b) = &raw.word_box {
        look.word_box = word_box(c, path, b, font_size);
        if b.glide_ms.is_some() {
            c.err(
                format!("{path}.box.glide_ms"),
                "a block's boxes do not glide",
            );
        }
    }
    let above = match raw.position.as_deref() {
        None => above,
        Some("above") => true,
        Some("below") => false,
        Some(other) => {
            c.err(
                format!("{path}.position"),
                format!("\"{other}\" is not one of above, below"),
            );
            above
        }
    };
    TextBlock {
        font_size: font_size as f32,
        look,
        above,
    }
}

/// Whether bold is drawn synthetically: asked for, or (`auto`) where weights change under a
/// word (any of `looks`) and no bold font was chosen, as the bold face's wider advances would
/// otherwise need wider slots and uneven gaps.
pub(super) fn synthetic_bold(
    c: &mut Checker,
    path: &str,
    s: &RawStyle,
    looks: &mut dyn Iterator<Item = &Look>,
) -> bool {
    let (mut bold, mut regular) = (false, false);
    for l in looks.filter(|l| !l.hidden) {
        bold |= l.bold;
        regular |= !l.bold;
    }
    match s.bold.as_deref() {
        None | Some("auto") => bold && regular && s.bold_font.is_none(),
        Some("synthetic") => true,
        Some("font") => false,
        Some(other) => {
            c.err(
                format!("{path}.bold"),
                format!("\"{other}\" is not one of auto, synthetic, font"),
            );
            false
        }
    }
}

/// A length in pixels for an effect: absent is `default`, otherwise finite and in `0..=max`.
pub(super) fn effect_len(c: &mut Checker, path: &str, v: Option<f64>, default: f64) -> f32 {
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

pub(super) fn effect_color(
    c: &mut Checker,
    path: &str,
    v: &Option<String>,
    default: [u8; 4],
) -> [u8; 4] {
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
pub(super) fn outline(
    c: &mut Checker,
    at: &str,
    o: &RawOutline,
    font_size: f64,
) -> Option<Outline> {
    let width = effect_len(c, &format!("{at}.outline.width"), o.width, font_size * 0.06);
    let color = effect_color(c, &format!("{at}.outline.color"), &o.color, [0, 0, 0, 255]);
    (width > 0.0).then_some(Outline { width, color })
}

/// `shadow`: offset (4% of the font size down and right), blur (5%), color (70% black).
pub(super) fn shadow(c: &mut Checker, at: &str, s: &RawShadow, font_size: f64) -> Option<Shadow> {
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
pub(super) fn word_box(c: &mut Checker, at: &str, b: &RawBox, font_size: f64) -> Option<WordBox> {
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
