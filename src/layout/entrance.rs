//! Entrances: how the current word looks at each step on its way in. The timeline eases time
//! into steps as for the pop, so step `k` of `POP_STEPS` is `k / POP_STEPS` of the way; at the
//! last step every entrance is the word at rest, in its place.

use super::fonts::Shaped;
use crate::project::{EnterKind, Look, POP_STEPS};

/// The current word at one step of its entrance.
pub(super) struct Way {
    /// Pixels below its place (negative: above).
    pub dy: f32,
    /// Its size, about the middle of its text.
    pub scale: f32,
    /// How much of its colours' opacity shows.
    alpha: f32,
    /// How much of its characters are drawn (typewriter).
    typed: f32,
}

impl Way {
    /// Step `step` of `kind` for text of `font_size`; `None` where nothing is drawn yet.
    pub(super) fn at(kind: EnterKind, step: u32, font_size: f32) -> Option<Way> {
        let q = step as f32 / POP_STEPS as f32;
        let rest = Way {
            dy: 0.0,
            scale: 1.0,
            alpha: 1.0,
            typed: 1.0,
        };
        let travel = 0.35 * font_size * (1.0 - q);
        let way = match kind {
            EnterKind::Fade => Way { alpha: q, ..rest },
            EnterKind::Rise => Way {
                dy: travel.round(),
                alpha: q,
                ..rest
            },
            EnterKind::Drop => Way {
                dy: -travel.round(),
                alpha: q,
                ..rest
            },
            // From half its size, a tenth past it about three quarters of the way, then at rest.
            EnterKind::Bounce => Way {
                scale: 0.5 + 0.5 * q + 0.3 * (std::f32::consts::PI * q).sin(),
                ..rest
            },
            EnterKind::Typewriter => Way { typed: q, ..rest },
        };
        (way.alpha > 0.0 && way.typed > 0.0).then_some(way)
    }

    /// `current` as drawn at this step: its colours (and its outline's and shadow's) at this
    /// step's opacity.
    pub(super) fn look(&self, current: &Look) -> Look {
        let fade = |c: [u8; 4]| {
            let a = (c[3] as f32 * self.alpha).round() as u8;
            [c[0], c[1], c[2], a]
        };
        let mut l = *current;
        l.color = fade(l.color);
        if let Some(o) = &mut l.outline {
            o.color = fade(o.color);
        }
        if let Some(s) = &mut l.shadow {
            s.color = fade(s.color);
        }
        l
    }

    /// The glyphs drawn at this step: the first ones of the word, left to right, for the
    /// typewriter; all of them otherwise. The width stays the word's, so nothing shifts.
    pub(super) fn typed(&self, shaped: &Shaped) -> Shaped {
        let n = shaped.glyphs.len();
        let keep = ((n as f32 * self.typed).ceil() as usize).min(n);
        Shaped {
            width: shaped.width,
            glyphs: shaped.glyphs[..keep].to_vec(),
            baseline: shaped.baseline,
        }
    }
}
