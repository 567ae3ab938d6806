//! Golden hashes: the exact frames gpucast draws for a few small projects, on the CPU path.
//!
//! The hash is of the raw frames (`-o -`, yuv4mpegpipe), so it does not depend on the video
//! encoder's build; any change to what users see (layout, colours, timing, fades) changes it
//! and has to be accepted here, in review, on purpose.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use sha2::{Digest, Sha256};

fn frames_sha256(project: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "render",
            project.to_str().unwrap(),
            "-o",
            "-",
            "--backend",
            "cpu",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!("{:x}", Sha256::digest(&out.stdout))
}

#[test]
fn the_drawn_frames_are_exactly_the_accepted_ones() {
    // The bundled-font fixture with a background image, fades and both weights.
    let fx = fixture(320, 180, 3.0, "");
    let got = frames_sha256(&fx.project, &[]);
    // The same frames whatever the number of drawing threads.
    assert_eq!(frames_sha256(&fx.project, &["--threads", "1"]), got);

    // An imported project (WhisperX sample) in the highlight preset, made small.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_wav(&d.join("a.wav"), 12.0, &[]);
    let timings = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import/whisperx.json");
    let project = d.join("p.json");
    assert_ok(&gpucast(&[
        "import",
        timings.to_str().unwrap(),
        "--audio",
        d.join("a.wav").to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
        "--preset",
        "highlight",
    ]));
    let json = std::fs::read_to_string(&project)
        .unwrap()
        .replace("\"width\": 1920", "\"width\": 384")
        .replace("\"height\": 1080", "\"height\": 216")
        .replace("\"font_size\": 64.8", "\"font_size\": 16")
        .replace("\"margin\": 153.6", "\"margin\": 30");
    std::fs::write(&project, json).unwrap();
    let imported = frames_sha256(&project, &[]);

    assert_eq!(
        [got.as_str(), imported.as_str()],
        [GOLDEN_FIXTURE, GOLDEN_IMPORTED],
        "the drawn frames changed: if that is intended, put the new hashes here"
    );
}

const GOLDEN_FIXTURE: &str = "091342178fb492230f07226f8c65aedad9891cdc3c7806b25dfe50b3afc8727d";
const GOLDEN_IMPORTED: &str = "57abdaa20e882ff6a26775438fee6a0dfb2371e3ec1f31353627f4fa2868629b";
