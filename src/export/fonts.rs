//! What a subtitle renderer or an editor needs of a style's font: the family name it finds the
//! font by, and how large its "font size" must be to draw the glyphs as gpucast does.
//!
//! gpucast's `font_size` is the em in pixels. An ASS `Fontsize` is not: VSFilter sizes a font
//! by its Windows cell (usWinAscent + usWinDescent of the OS/2 table), and libass copies it, so
//! the same em takes `font_size × cell / unitsPerEm` there (DejaVu Sans: × 1.164).

use glyphon::fontdb;
use swash::{tag_from_bytes, FontRef, StringId};

use crate::project::FontChoice;

/// A style's font as other tools name and size it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FontName {
    pub family: String,
    /// The font's Windows cell in ems: an ASS `Fontsize` is the em times this.
    pub cell: f64,
}

/// The bundled font: DejaVu Sans, usWinAscent 1901 + usWinDescent 483 over 2048 units to the em
/// (checked against the file by a test).
const BUNDLED: (&str, f64) = ("DejaVu Sans", (1901.0 + 483.0) / 2048.0);

/// The name and cell of `choice`. A font the machine no longer has (it was found when the
/// project was laid out, so this is rare) keeps the name it was given and DejaVu's cell.
pub(crate) fn describe(choice: &FontChoice) -> anyhow::Result<FontName> {
    match choice {
        FontChoice::Bundled => Ok(FontName {
            family: BUNDLED.0.into(),
            cell: BUNDLED.1,
        }),
        FontChoice::File(path) => {
            let data = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read font file {}: {e}", path.display()))?;
            from_data(&data, 0).ok_or_else(|| {
                anyhow::anyhow!("{} is not a font file gpucast can read", path.display())
            })
        }
        FontChoice::Family(name) => Ok(installed(name).unwrap_or_else(|| FontName {
            family: name.clone(),
            cell: BUNDLED.1,
        })),
    }
}

/// An installed family (or one of the bundled Noto fonts) by name, as layout finds it: the
/// name compared without case, the regular upright face preferred.
fn installed(name: &str) -> Option<FontName> {
    let mut db = fontdb::Database::new();
    if let Some(dir) = crate::layout::font_dir() {
        db.load_fonts_dir(dir);
    }
    db.load_system_fonts();
    let faces = db.faces().filter_map(|f| {
        let (family, _) = f
            .families
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        let regular = f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal;
        Some((f.id, family.clone(), regular))
    });
    let (id, family, _) = faces.max_by_key(|(_, _, regular)| *regular)?;
    let cell = db
        .with_face_data(id, |data, index| {
            from_data(data, index as usize).map(|f| f.cell)
        })
        .flatten()
        .unwrap_or(BUNDLED.1);
    Some(FontName { family, cell })
}

/// The family name (the legacy name, ID 1, which every renderer matches; else the
/// typographic one) and the cell of the font at `index` in `data`.
pub(crate) fn from_data(data: &[u8], index: usize) -> Option<FontName> {
    let font = FontRef::from_index(data, index)?;
    let strings = font.localized_strings();
    let name = [StringId::Family, StringId::TypographicFamily]
        .into_iter()
        .find_map(|id| {
            let s = strings
                .find_by_id(id, Some("en"))
                .or_else(|| strings.find_by_id(id, None))?;
            let text: String = s.chars().collect();
            let text = text.trim().to_string();
            (!text.is_empty()).then_some(text)
        })?;
    let u16_at = |table: &[u8], at: usize| {
        table
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as f64)
    };
    let em = font
        .table(tag_from_bytes(b"head"))
        .and_then(|h| u16_at(h, 18))
        .filter(|&u| u > 0.0)?;
    let win = font.table(tag_from_bytes(b"OS/2")).and_then(|os2| {
        let cell = u16_at(os2, 74)? + u16_at(os2, 76)?;
        (cell > 0.0).then_some(cell)
    });
    // Without an OS/2 table libass sizes by the horizontal header's ascent and descent.
    let cell = match win {
        Some(c) => c / em,
        None => {
            let m = font.metrics(&[]);
            let h = (m.ascent + m.descent) as f64 / m.units_per_em.max(1) as f64;
            if h > 0.0 {
                h
            } else {
                1.0
            }
        }
    };
    Some(FontName { family: name, cell })
}
