//! `gpucast batch`: many renders from a manifest, each line on its own; finished outputs are
//! skipped on a rerun (their recorded fingerprint matches), changed inputs are rendered again,
//! a scheduler's index picks one line, and an interrupted batch resumes where it stopped.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn batch(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gpucast"));
    c.arg("batch").args(args).env("RUST_LOG", "gpucast=info");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_manifest_renders_skips_what_is_done_and_reports_failures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fx: Vec<Fixture> = (0..3).map(|_| fixture(160, 90, 2.0, "")).collect();
    let p = |i: usize| fx[i].project.display().to_string();
    let manifest = d.join("jobs.jsonl");
    std::fs::write(
        &manifest,
        format!(
            concat!(
                r#"{{"project": "{}", "output": "one.mp4"}}"#,
                "\n",
                r#"{{"project": "{}", "output": "two.webm", "quality": 40}}"#,
                "\n",
                "\n",
                r#"{{"project": "{}", "output": "broken.mp4""#,
                "\n",
                r#"{{"project": "{}", "output": "tpu.mp4", "backend": "tpu"}}"#,
                "\n",
                r#"{{"project": "missing.json", "output": "missing.mp4"}}"#,
                "\n",
                r#"{{"project": "{}", "output": "three.mp4", "repeat_frames": "encode"}}"#,
                "\n",
            ),
            p(0),
            p(1),
            p(2),
            p(2),
            p(2)
        ),
    )
    .unwrap();
    let rep = d.join("report.json");
    let m = manifest.to_str().unwrap();
    let out = batch(&[m, "--jobs", "2", "--report", rep.to_str().unwrap()], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("6 lines: 3 done, 0 skipped, 3 failed"),
        "{err}"
    );
    assert!(
        err.contains("line 4"),
        "the malformed line is named by its number: {err}"
    );
    assert!(
        err.contains("backend: \"tpu\" is not a valid value"),
        "{err}"
    );
    assert!(err.contains("missing.json"), "{err}");
    for name in ["one.mp4", "two.webm", "three.mp4"] {
        let v = decode_video(&d.join(name), 30.0);
        assert_eq!(v.frames.len(), 60, "{name}");
    }
    assert!(!d.join("tpu.mp4").exists() && !d.join("missing.mp4").exists());
    let r = report(&rep);
    assert_eq!(
        (r["done"].as_u64(), r["failed"].as_u64()),
        (Some(3), Some(3))
    );
    let lines: Vec<u64> = r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [1, 2, 4, 5, 6, 7],
        "line numbers as an editor shows them"
    );

    // A rerun redoes nothing that is finished.
    let before = std::fs::metadata(d.join("one.mp4"))
        .unwrap()
        .modified()
        .unwrap();
    let out = batch(&[m, "--report", rep.to_str().unwrap()], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 done, 3 skipped, 3 failed"), "{err}");
    assert_eq!(
        std::fs::metadata(d.join("one.mp4"))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );

    // A changed input is rendered again; the others are still skipped.
    let text = std::fs::read_to_string(&fx[0].project).unwrap();
    std::fs::write(
        &fx[0].project,
        text.replace("\"fade\": 0.2", "\"fade\": 0.1"),
    )
    .unwrap();
    let out = batch(&[m], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 done, 2 skipped, 3 failed"), "{err}");
    assert!(err.contains("one.mp4: done"), "{err}");

    // One line per scheduler task: an index, or the scheduler's variable.
    std::fs::remove_file(d.join("two.webm")).unwrap();
    let out = batch(&[m, "--index", "1"], &[]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 lines: 1 done"), "{err}");
    assert!(d.join("two.webm").exists());
    let out = batch(&[m, "--index", "auto"], &[("SLURM_ARRAY_TASK_ID", "0")]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("from SLURM_ARRAY_TASK_ID") && err.contains("1 skipped"),
        "{err}"
    );
    let out = batch(&[m, "--index", "auto"], &[("JOB_COMPLETION_INDEX", "5")]);
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("from JOB_COMPLETION_INDEX"));
    let out = batch(
        &[m, "--index", "auto"],
        &[("AWS_BATCH_JOB_ARRAY_INDEX", "1")],
    );
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("from AWS_BATCH_JOB_ARRAY_INDEX"));
    let out = batch(&[m, "--index", "auto"], &[("JOB_COMPLETION_INDEX", "9")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("--index 9 (from JOB_COMPLETION_INDEX) is past"));
    let out = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["batch", m, "--index", "auto"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of SLURM_ARRAY_TASK_ID"));
}

/// A manifest of `n` renders slow enough to stop midway (every frame encoded), outputs
/// `v0.mp4`... in `d`; the fixtures must live as long as the batch.
fn slow_manifest(d: &Path, n: usize) -> (Vec<Fixture>, std::path::PathBuf) {
    let fx: Vec<Fixture> = (0..n).map(|_| fixture(320, 180, 3.0, "")).collect();
    let manifest = d.join("jobs.jsonl");
    let lines: Vec<String> = fx
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                r#"{{"project": "{}", "output": "v{i}.mp4", "backend": "cpu", "repeat_frames": "encode"}}"#,
                f.project.display()
            )
        })
        .collect();
    std::fs::write(&manifest, lines.join("\n")).unwrap();
    (fx, manifest)
}

#[test]
fn an_interrupted_batch_resumes_without_redoing_finished_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_fx, manifest) = slow_manifest(d, 20);
    let m = manifest.to_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["batch", m])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Stop it once two videos are finished, well before the twentieth.
    let started = Instant::now();
    while !(d.join("v0.mp4").exists() && d.join("v1.mp4").exists()) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no output appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143), "stopped by SIGTERM");
    let finished: Vec<String> = files_in(d)
        .into_iter()
        .filter(|f| f.ends_with(".mp4"))
        .collect();
    assert!(finished.len() < 20, "{finished:?}");
    assert!(
        files_in(d).iter().all(|f| !f.contains(".partial")),
        "no partial file is left: {:?}",
        files_in(d)
    );
    let out = batch(&[m], &[]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    let expect = format!(
        "20 lines: {} done, {} skipped, 0 failed",
        20 - finished.len(),
        finished.len()
    );
    assert!(err.contains(&expect), "{expect} in {err}");
    for i in 0..20 {
        assert_eq!(
            decode_video(&d.join(format!("v{i}.mp4")), 30.0)
                .frames
                .len(),
            90
        );
    }
}

/// The plan is checked whole before any render: a line whose output is another line's output,
/// another line's input (here the project's background clip), the manifest or the report is
/// refused with the other line's number, and nothing it names is touched; the rest render.
#[test]
fn lines_that_would_overwrite_each_other_or_their_inputs_are_refused() {
    let fx = fixture(160, 90, 2.0, "");
    let d = fx.dir.path();
    let background = d.join("clip.mp4");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/footage/footage.mp4"),
        &background,
    )
    .unwrap();
    let mut project: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    project["background"] = serde_json::json!({ "video": "clip.mp4" });
    std::fs::write(&fx.project, project.to_string()).unwrap();
    let image = std::fs::read(&background).unwrap();
    let manifest = d.join("jobs.jsonl");
    let line = |output: &str| {
        format!(
            "{{\"project\": {}, \"output\": {}}}\n",
            serde_json::to_string(&fx.project).unwrap(),
            serde_json::to_string(output).unwrap()
        )
    };
    let text = [
        line("same.mp4"),
        line("same.mp4"),
        line(background.to_str().unwrap()),
        line("jobs.jsonl"),
        line("ok.mp4"),
        line("./status.mkv"),
    ]
    .concat();
    std::fs::write(&manifest, &text).unwrap();
    // A report named like a video, which line 6 would write.
    let rep = d.join("status.mkv");
    let out = batch(
        &[
            manifest.to_str().unwrap(),
            "--jobs",
            "2",
            "--report",
            rep.to_str().unwrap(),
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("6 lines: 1 done, 0 skipped, 5 failed"),
        "{err}"
    );
    let r = report(&rep);
    let error = |line: usize| {
        r["outcomes"][line - 1]["error"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        error(1).contains("is also the output of line 2"),
        "{}",
        error(1)
    );
    assert!(
        error(2).contains("is also the output of line 1"),
        "{}",
        error(2)
    );
    assert!(
        error(3).contains("is an input of line 1, 2, 5"),
        "{}",
        error(3)
    );
    // Refused by its extension before the plan is looked at; untouched either way.
    assert!(error(4).contains("jobs.jsonl"), "{}", error(4));
    assert!(error(6).contains("is the report"), "{}", error(6));
    assert_eq!(r["outcomes"][4]["status"], "done");
    assert_eq!(
        std::fs::read(&background).unwrap(),
        image,
        "the input was not touched"
    );
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), text);
    assert!(!d.join("same.mp4").exists());
    assert_eq!(decode_video(&d.join("ok.mp4"), 30.0).frames.len(), 60);
}

/// A report that cannot be written is refused before the first render, not after the last.
#[test]
fn an_unwritable_report_is_refused_before_any_render() {
    let fx = fixture(160, 90, 2.0, "");
    let d = fx.dir.path();
    let manifest = d.join("jobs.jsonl");
    std::fs::write(
        &manifest,
        format!(
            "{{\"project\": {}, \"output\": \"out.mp4\"}}\n",
            serde_json::to_string(&fx.project).unwrap()
        ),
    )
    .unwrap();
    let rep = d.join("no such folder").join("report.json");
    let out = batch(
        &[
            manifest.to_str().unwrap(),
            "--report",
            rep.to_str().unwrap(),
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write the report"), "{err}");
    assert!(!d.join("out.mp4").exists(), "nothing was rendered");
}

/// Stopped by SIGTERM, a batch still writes its report, and both the report and its last words
/// say exactly which outputs were written.
#[test]
fn a_stopped_batch_reports_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_fx, manifest) = slow_manifest(d, 12);
    let rep = d.join("report.json");
    let child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["batch", manifest.to_str().unwrap(), "--report"])
        .arg(&rep)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !d.join("v1.mp4").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no output appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{err}");
    let written = files_in(d).iter().filter(|f| f.ends_with(".mp4")).count();
    let r = report(&rep);
    assert_eq!(r["stopped"], true);
    assert_eq!(r["done"].as_u64(), Some(written as u64), "{r}");
    assert_eq!(
        r["not_run"].as_u64(),
        Some(12 - written as u64 - r["failed"].as_u64().unwrap()),
        "{r}"
    );
    assert!(
        err.contains(&format!("stopped; 12 lines: {written} done")),
        "{err}"
    );
    assert!(
        err.contains("the lines finished before it are kept"),
        "{err}"
    );
    assert!(!err.contains("no output was written"), "{err}");
}
