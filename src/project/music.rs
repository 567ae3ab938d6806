//! The music bed: its file, levels and ducking, checked.

use std::path::Path;

use super::model::*;
use super::problems::Checker;
use super::raw::RawMusic;

/// Levels a music bed may be given, in dB: from inaudible to a little louder than the file.
pub(super) const MUSIC_DB: std::ops::RangeInclusive<f64> = -60.0..=12.0;

pub(super) fn music(
    c: &mut Checker,
    m: RawMusic,
    base: &Path,
    probe: Probe<'_>,
    duration: Option<f64>,
) -> Option<Music> {
    let file = match m.file {
        None => {
            c.err("music.file", "required: the music file");
            None
        }
        Some(f) => {
            let p = base.join(f);
            if let Some(problem) = crate::inputs::problem(&p) {
                c.err("music.file", problem);
                None
            } else {
                match probe(&p) {
                    Ok(info) if info.duration > 0.0 => Some(p),
                    Ok(_) => {
                        c.err(
                            "music.file",
                            format!("{} holds no audio samples", p.display()),
                        );
                        None
                    }
                    Err(e) => {
                        c.err(
                            "music.file",
                            format!("{} is not audio FFmpeg can decode: {e:#}", p.display()),
                        );
                        None
                    }
                }
            }
        }
    };
    let mut level =
        |name: &str, v: Option<f64>, default: f64, range: std::ops::RangeInclusive<f64>| {
            let v = v.unwrap_or(default);
            if !v.is_finite() || !range.contains(&v) {
                c.err(
                    format!("music.{name}"),
                    format!("{v} dB is outside {} to {} dB", range.start(), range.end()),
                );
            }
            v
        };
    let volume = level("volume", m.volume, -18.0, MUSIC_DB);
    let duck = level("duck", m.duck, -12.0, -60.0..=0.0);
    let fade_out = m.fade_out.unwrap_or(2.0);
    if !fade_out.is_finite() || fade_out < 0.0 {
        c.err(
            "music.fade_out",
            format!("{fade_out} is not a number of seconds >= 0"),
        );
    } else if let Some(d) = duration {
        if fade_out > d {
            c.err(
                "music.fade_out",
                format!("{fade_out} s is longer than the video ({d:.3} s)"),
            );
        }
    }
    Some(Music {
        file: file?,
        volume,
        duck,
        fade_out,
        looped: m.looped.unwrap_or(true),
    })
}
