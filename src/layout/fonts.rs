//! Fonts: the bundled DejaVu Sans built into the binary, the bundled Noto fonts (other scripts,
//! colour emoji) mapped from `font_dir()`, a family the machine has or a file; and one word
//! shaped in one weight with cosmic-text, emoji-presentation runs asked of the emoji font.

use std::collections::HashMap;
use std::path::PathBuf;

use glyphon::{
    fontdb, Attrs, Buffer, Family, FontSystem, LayoutGlyph, Metrics, Shaping, Weight, Wrap,
};

use crate::project::{FontChoice, Style};

pub(super) const BUNDLED_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(super) const BUNDLED_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
pub(super) const BUNDLED_FAMILY: &str = "DejaVu Sans";

/// Where the bundled fonts too large to build into the binary lie (Noto for Arabic, Hebrew,
/// Devanagari, Chinese, Japanese, Korean and colour emoji): `$GPUCAST_FONT_DIR`, else `fonts/`
/// beside the executable or `../share/gpucast/fonts` from it, else the source tree's
/// `assets/fonts` (builds run from a checkout). `None` when none of them exists: text in those
/// scripts then falls back to the machine's fonts.
pub fn font_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GPUCAST_FONT_DIR") {
        return Some(PathBuf::from(dir));
    }
    let beside_exe = std::env::current_exe().ok().and_then(|exe| {
        let bin = exe.parent()?.to_path_buf();
        [bin.join("fonts"), bin.join("../share/gpucast/fonts")]
            .into_iter()
            .find(|d| d.join(FONT_DIR_MARK).is_file())
    });
    beside_exe.or_else(|| {
        let source = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts"));
        source.join(FONT_DIR_MARK).is_file().then_some(source)
    })
}

/// A file every bundled font folder holds, by which one is recognised.
pub(super) const FONT_DIR_MARK: &str = "LICENSE-Noto.txt";

/// A font ready for cosmic-text: a family name and the weight to ask it for.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Face {
    pub(super) family: String,
    pub(super) weight: Weight,
}

pub(super) struct Fonts {
    pub(super) system: FontSystem,
    /// Font files already loaded, by path.
    pub(super) files: HashMap<PathBuf, Face>,
}

impl Fonts {
    pub(super) fn new() -> Fonts {
        let mut db = fontdb::Database::new();
        // The bundled faces go first so that they win over an installed copy of the same family.
        db.load_font_data(BUNDLED_REGULAR.to_vec());
        db.load_font_data(BUNDLED_BOLD.to_vec());
        if let Some(dir) = font_dir() {
            load_font_dir(&mut db, &dir);
        }
        db.load_system_fonts();
        let locale = std::env::var("LANG")
            .ok()
            .and_then(|l| l.split('.').next().map(|s| s.replace('_', "-")))
            .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
            .unwrap_or_else(|| "en-US".to_string());
        Fonts {
            system: FontSystem::new_with_locale_and_db(locale, db),
            files: HashMap::new(),
        }
    }

    pub(super) fn resolve(&mut self, choice: &FontChoice, bold: bool) -> Result<Face, String> {
        let weight = if bold { Weight::BOLD } else { Weight::NORMAL };
        match choice {
            FontChoice::Bundled => Ok(Face {
                family: BUNDLED_FAMILY.to_string(),
                weight,
            }),
            FontChoice::Family(name) => {
                let found = self.system.db().faces().find_map(|f| {
                    f.families
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(n, _)| n.clone())
                });
                match found {
                    Some(family) => Ok(Face { family, weight }),
                    None => Err(format!("no installed font family is named \"{name}\"")),
                }
            }
            FontChoice::File(path) => {
                if let Some(face) = self.files.get(path) {
                    return Ok(Face {
                        weight: if bold { Weight::BOLD } else { face.weight },
                        ..face.clone()
                    });
                }
                let data = std::fs::read(path)
                    .map_err(|e| format!("cannot read font file {}: {e}", path.display()))?;
                let ids = self
                    .system
                    .db_mut()
                    .load_font_source(fontdb::Source::Binary(std::sync::Arc::new(data)));
                let face = ids
                    .first()
                    .and_then(|id| self.system.db().face(*id))
                    .and_then(|f| {
                        Some(Face {
                            family: f.families.first()?.0.clone(),
                            weight: f.weight,
                        })
                    })
                    .ok_or_else(|| {
                        format!("{} is not a font file cosmic-text can read", path.display())
                    })?;
                self.files.insert(path.clone(), face.clone());
                Ok(Face {
                    weight: if bold { Weight::BOLD } else { face.weight },
                    ..face
                })
            }
        }
    }

    /// The regular and bold faces of a style.
    pub(super) fn faces(&mut self, style: &Style) -> Result<[Face; 2], String> {
        let regular = self
            .resolve(&style.font, false)
            .map_err(|e| format!("{}.font: {e}", style.field))?;
        let bold = match &style.bold_font {
            None => self
                .resolve(&style.font, true)
                .map_err(|e| format!("{}.font: {e}", style.field))?,
            Some(choice) => {
                let mut f = self
                    .resolve(choice, false)
                    .map_err(|e| format!("{}.bold_font: {e}", style.field))?;
                // A bold font given as a file keeps its own weight; a family is asked for bold.
                if matches!(choice, FontChoice::Family(_)) {
                    f.weight = Weight::BOLD;
                }
                f
            }
        };
        Ok([regular, bold])
    }
}

/// Every font file of the bundled folder but the faces built into the binary. Files are mapped,
/// not read: the CJK collection alone is 19 MB, of which a slide touches a few glyphs.
pub(super) fn load_font_dir(db: &mut fontdb::Database, dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        log::warn!("cannot read the font folder {}", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let font = [".ttf", ".otf", ".ttc"].iter().any(|e| name.ends_with(e));
            font && !name.starts_with("DejaVu")
        })
        .collect();
    // A fixed order, so that the same text always picks the same face.
    files.sort();
    for file in files {
        if let Err(e) = db.load_font_file(&file) {
            log::warn!("cannot load the font {}: {e}", file.display());
        }
    }
}

/// The bundled colour emoji font's family.
pub(super) const EMOJI_FAMILY: &str = "Noto Color Emoji";

/// The text cut into runs of emoji and of other text. An emoji is a character shown as one by
/// default (`is_emoji`) or followed by U+FE0F (the emoji variation selector); the joiners,
/// skin-tone modifiers, selectors, keycaps and tags that follow belong to its run.
pub(super) fn emoji_runs(text: &str) -> Vec<(std::ops::Range<usize>, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut runs: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut in_emoji = false;
    for (k, &(at, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let extends = matches!(c as u32,
            0x200D | 0xFE0F | 0x20E3 | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F);
        let emoji = is_emoji(c) || next == Some('\u{FE0F}') || (in_emoji && extends);
        let end = at + c.len_utf8();
        match runs.last_mut() {
            Some((r, e)) if *e == emoji => r.end = end,
            _ => runs.push((at..end, emoji)),
        }
        in_emoji = emoji;
    }
    runs
}

/// Characters shown as emoji by default (Unicode's Emoji_Presentation), by block: the
/// pictograph blocks whole, and the older symbols one by one.
pub(super) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1F5FF | 0x1F600..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF | 0x1F1E6..=0x1F1FF | 0x1F004 | 0x1F0CF | 0x1F18E
        | 0x1F191..=0x1F19A | 0x1F201 | 0x1F21A | 0x1F22F | 0x1F232..=0x1F236
        | 0x1F238..=0x1F23A | 0x1F250..=0x1F251 | 0x231A..=0x231B | 0x23E9..=0x23EC | 0x23F0
        | 0x23F3 | 0x25FD..=0x25FE | 0x2614..=0x2615 | 0x2648..=0x2653 | 0x267F | 0x2693
        | 0x26A1 | 0x26AA..=0x26AB | 0x26BD..=0x26BE | 0x26C4..=0x26C5 | 0x26CE | 0x26D4
        | 0x26EA | 0x26F2..=0x26F3 | 0x26F5 | 0x26FA | 0x26FD | 0x2705 | 0x270A..=0x270B
        | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797 | 0x27B0
        | 0x27BF | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55)
}

/// One word shaped in one weight.
pub(super) struct Shaped {
    pub(super) width: f32,
    pub(super) glyphs: Vec<LayoutGlyph>,
    pub(super) baseline: f32,
}

pub(super) fn shape(fonts: &mut FontSystem, text: &str, face: &Face, metrics: Metrics) -> Shaped {
    let mut buffer = Buffer::new(fonts, metrics);
    buffer.set_wrap(Wrap::None);
    buffer.set_size(None, None);
    let attrs = Attrs::new()
        .family(Family::Name(&face.family))
        .weight(face.weight);
    // Emoji are asked of the colour font even where the face has a plain glyph of its own.
    let emoji = attrs.clone().family(Family::Name(EMOJI_FAMILY));
    let spans = emoji_runs(text).into_iter().map(|(range, is_emoji)| {
        let a = if is_emoji { &emoji } else { &attrs };
        (&text[range], a.clone())
    });
    buffer.set_rich_text(spans, &attrs, Shaping::Advanced, None);
    buffer.shape_until_scroll(fonts, false);
    let mut out = Shaped {
        width: 0.0,
        glyphs: Vec::new(),
        baseline: metrics.line_height * 0.8,
    };
    if let Some(run) = buffer.layout_runs().next() {
        out.width = run.line_w;
        out.baseline = run.line_y - run.line_top;
        out.glyphs = run.glyphs.to_vec();
    }
    out
}
