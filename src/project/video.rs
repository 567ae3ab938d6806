//! The video's size and frame rate, as the project's `video` gives them.

use super::limits;
use super::model::Fps;
use super::problems::Checker;
use super::raw::{RawFps, RawVideo};

pub(super) const MAX_SIDE: i64 = limits::SIDE;

pub(super) fn video(c: &mut Checker, v: RawVideo) -> (u32, u32, Fps) {
    let mut side = |name: &str, value: Option<i64>, default: u32| -> u32 {
        let Some(n) = value else { return default };
        if n <= 0 || n > MAX_SIDE {
            c.err(
                format!("video.{name}"),
                format!("{n} is out of range (1 to {MAX_SIDE})"),
            );
            default
        } else if n % 2 != 0 {
            c.err(
                format!("video.{name}"),
                format!("{n} is odd; 4:2:0 video needs an even size"),
            );
            default
        } else {
            n as u32
        }
    };
    let width = side("width", v.width, 1920);
    let height = side("height", v.height, 1080);
    let fps = match v.fps {
        None => Fps { num: 30, den: 1 },
        Some(f) => parse_fps(&f).unwrap_or_else(|msg| {
            c.err("video.fps", msg);
            Fps { num: 30, den: 1 }
        }),
    };
    (width, height, fps)
}

pub(super) fn parse_fps(f: &RawFps) -> Result<Fps, String> {
    let (num, den) = match f {
        RawFps::Number(x) => {
            if !x.is_finite() || *x <= 0.0 {
                return Err(format!("{x} must be greater than 0"));
            }
            if x.fract() == 0.0 {
                (*x, 1.0)
            } else {
                ((x * 1000.0).round(), 1000.0)
            }
        }
        RawFps::Text(s) => {
            let parse = |t: &str| t.trim().parse::<f64>().ok();
            let parsed = match s.split_once('/') {
                Some((n, d)) => parse(n).zip(parse(d)),
                None => parse(s).map(|n| (n, 1.0)),
            };
            match parsed {
                Some((n, d)) if n.fract() == 0.0 && d.fract() == 0.0 => (n, d),
                _ => {
                    return Err(format!(
                        "\"{s}\" is not a number or a ratio like \"30000/1001\""
                    ))
                }
            }
        }
    };
    if num <= 0.0 || den <= 0.0 {
        return Err(format!("{num}/{den} must be greater than 0"));
    }
    if num > 1_000_000.0 || den > 1_000_000.0 || num / den > 240.0 {
        return Err(format!(
            "{num}/{den} is out of range (at most 240 frames per second)"
        ));
    }
    let (mut n, mut d) = (num as u64, den as u64);
    let g = gcd(n, d);
    n /= g;
    d /= g;
    Ok(Fps {
        num: n as u32,
        den: d as u32,
    })
}

pub(super) fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
