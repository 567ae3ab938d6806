//! Entry points for the fuzzers (`fuzz/`) and for the corpus replay in the tests: each takes
//! arbitrary bytes through the path a user's file takes, with the narration's length given
//! rather than decoded. An error is a pass; a panic, a hang or a broken promise is a finding.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::media::audio::AudioInfo;

/// What the fuzzers pretend the narration is: an hour, so that most timings fit.
const NARRATION: AudioInfo = AudioInfo {
    duration: 3600.0,
    sample_rate: 48000,
    channels: 1,
    damage: None,
};

/// Frames at most this large are drawn; larger ones are only laid out (drawing a 8192 x 8192
/// frame per input would slow the fuzzer a thousandfold and find nothing new).
const DRAW_PIXELS: u64 = 640 * 360;

/// A folder holding what projects in the corpus name: `narration.wav` (never decoded, only
/// found) and a small `background.png`.
fn base() -> &'static Path {
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gpucast-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        std::fs::write(dir.join("narration.wav"), b"").expect("stand-in narration");
        image::RgbImage::from_fn(64, 36, |x, y| image::Rgb([x as u8 * 4, y as u8 * 7, 90]))
            .save(dir.join("background.png"))
            .expect("stand-in background");
        dir
    })
}

/// A project file's bytes: parsed, resolved, planned, laid out, and for small frames one
/// frame drawn on the CPU.
pub fn project(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz.json");
    let Ok(raw) = crate::project::parse(file, text) else {
        return;
    };
    let Ok(project) = crate::project::from_raw(raw, base(), file, Some(NARRATION)) else {
        return;
    };
    draw(&project);
}

/// Separates a timings file from its script in an import input (text never holds it).
pub const SCRIPT_MARK: &[u8] = b"\0\0\0\0";

/// A timings file's bytes. The first byte picks the format (0: detect it, as `--format auto`
/// does; k: the k-th format); `SCRIPT_MARK` splits off a script (`--text`). Both are decoded as
/// files are (UTF-8 or UTF-16). Whatever the import makes must be a valid project.
pub fn import(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (timings, script) = match rest
        .windows(SCRIPT_MARK.len())
        .position(|w| w == SCRIPT_MARK)
    {
        Some(at) => (&rest[..at], Some(&rest[at + SCRIPT_MARK.len()..])),
        None => (rest, None),
    };
    let Ok(timings) = crate::import::decode_text(timings.to_vec()) else {
        return;
    };
    let script = match script.map(|s| crate::import::decode_text(s.to_vec())) {
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => return,
        None => None,
    };
    let (timings, script) = (timings.as_str(), script.as_deref());
    let formats: Vec<_> = crate::import::formats().collect();
    let format = match pick as usize % (formats.len() + 1) {
        0 => None,
        k => Some(formats[k - 1].name.to_string()),
    };
    let opts = crate::import::Options {
        format,
        script: script.map(|_| PathBuf::from("script.txt")),
        ..Default::default()
    };
    let file = Path::new("fuzz-timings");
    let Ok(imported) = crate::import::from_text(
        timings,
        script,
        NARRATION,
        None,
        "narration.wav",
        base(),
        &opts,
        file,
    ) else {
        return;
    };
    match crate::project::from_raw(imported.project, base(), file, Some(NARRATION)) {
        Ok(project) => {
            crate::timeline::plan(
                &project,
                &|_, _| crate::timeline::WordPlace {
                    width: 100.0,
                    line: 0,
                },
                &|_, _| {},
            );
        }
        Err(e) => panic!("the importer wrote a project that does not resolve: {e:#}"),
    }
}

fn draw(project: &crate::project::Project) {
    let Ok(scene) = crate::scene::Scene::build(project) else {
        return;
    };
    let Ok(motion) = crate::layers::Motion::measure(project, &scene.layers) else {
        return;
    };
    let timeline =
        crate::timeline::plan(project, &|s, w| scene.place(s, w), &|f, v| motion.at(f, v));
    if u64::from(project.width) * u64::from(project.height) > DRAW_PIXELS {
        return;
    }
    let middle = timeline.frame_count / 2;
    if let Some(key) = timeline.key_at(middle) {
        let opts = crate::render::RenderOptions {
            threads: 1,
            ..Default::default()
        };
        crate::render::render_one(crate::render::Backend::Cpu, Arc::new(scene), &opts, key)
            .expect("a valid scene draws");
    }
}
