//! Memory that does not grow with the narration: an hour-long lecture at 48 kHz stereo renders
//! in about the memory its first minute takes (plus its MP4 index and its words' plan), and
//! `validate` never holds the narration.
//!
//! Peak memory is each run's own maximum resident set, so nothing else the test runs counts
//! toward it.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use common::*;

/// 48 kHz stereo 16-bit PCM of `seconds`, a quiet tone that changes every second (so that the
/// AAC encoder has real work), written as it is made.
fn write_stereo(path: &Path, seconds: u32) {
    const RATE: u32 = 48_000;
    let bytes = seconds * RATE * 4;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(b"RIFF").unwrap();
    f.write_all(&(36 + bytes).to_le_bytes()).unwrap();
    f.write_all(b"WAVEfmt ").unwrap();
    for v in [16u32.to_le_bytes(), [1, 0, 2, 0]] {
        f.write_all(&v).unwrap();
    }
    f.write_all(&RATE.to_le_bytes()).unwrap();
    f.write_all(&(RATE * 4).to_le_bytes()).unwrap();
    f.write_all(&[4, 0, 16, 0]).unwrap();
    f.write_all(b"data").unwrap();
    f.write_all(&bytes.to_le_bytes()).unwrap();
    let mut second = Vec::with_capacity(RATE as usize * 4);
    for s in 0..seconds {
        second.clear();
        let hz = 200.0 + 37.0 * (s % 11) as f64;
        for i in 0..RATE {
            let v = (2.0 * std::f64::consts::PI * hz * i as f64 / RATE as f64).sin() * 3000.0;
            let v = (v as i16).to_le_bytes();
            second.extend_from_slice(&v);
            second.extend_from_slice(&v);
        }
        f.write_all(&second).unwrap();
    }
    f.flush().unwrap();
}

/// Runs `gpucast ARGS`; its exit status and its peak resident memory in MB. Through a small
/// Python parent: a child started straight from this test would count this process's own peak
/// (the child shares its memory map until it execs, and the kernel keeps that high-water mark).
fn peak_mb(args: &[&str]) -> (bool, f64) {
    let measure = "import resource, subprocess, sys\n\
                   ok = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode == 0\n\
                   print(int(ok), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
    let out = Command::new("python3")
        .args(["-c", measure, env!("CARGO_BIN_EXE_gpucast")])
        .args(args)
        .env("RUST_LOG", "gpucast=warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let ok = fields.next() == Some("1");
    let kb: f64 = fields.next().and_then(|k| k.parse().ok()).unwrap();
    (ok, kb / 1024.0)
}

#[test]
fn an_hour_of_narration_renders_in_the_memory_of_a_minute() {
    let minute = fixture(320, 180, 60.0, "");
    let hour = fixture(320, 180, 3600.0, "");
    for fx in [&minute, &hour] {
        let seconds = if std::ptr::eq(fx, &minute) { 60 } else { 3600 };
        write_stereo(&fx.dir.path().join("narration.wav"), seconds);
    }
    let project = hour.project.to_str().unwrap();

    let (ok, validate) = peak_mb(&["validate", project]);
    assert!(ok);
    // 691 MB of samples on disk; none of them held.
    assert!(validate < 150.0, "validate of an hour: {validate:.0} MB");

    let mut peaks = Vec::new();
    for fx in [&minute, &hour] {
        let out = fx.dir.path().join("out.mp4");
        let (ok, mb) = peak_mb(&[
            "render",
            fx.project.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--backend",
            "cpu",
            "-q",
        ]);
        assert!(ok);
        peaks.push(mb);
    }
    let hour_out = hour.dir.path().join("out.mp4");
    let decoded = probe_duration(&hour_out);
    assert!(
        (decoded - 3600.0).abs() < 0.05,
        "the hour lasts {decoded} s"
    );
    let (a, b) = (peaks[0], peaks[1]);
    eprintln!("peak memory: a minute {a:.0} MB, an hour {b:.0} MB, validate {validate:.0} MB");
    // What does grow with the hour is small and bounded by design: the MP4's sample index,
    // which a seekable MP4 holds until its end (about 64 bytes for each of the hour's 277,000
    // packets: 18 MB), and the plan of the hour's 6,500 words (7 MB). The samples alone would
    // be 691 MB, and were held whole before.
    assert!(
        b <= a * 1.15 + 30.0,
        "an hour took {b:.0} MB where a minute took {a:.0} MB"
    );
}

/// The container's duration, by ffprobe.
fn probe_duration(path: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
