//! Sharded renders: a video rendered as N parts in separate processes (`render --shard I/N`)
//! and joined (`gpucast join`) is the video a single render makes: the same decoded frames
//! with a lossless setting, and with the default one every check a single render passes. A
//! killed shard reruns to the same result; the join refuses any set of parts that is not
//! exactly this project's N parts, whole and made alike, and writes nothing then.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const FPS: f64 = 30.0;

/// Renders part `i` of `n` into `dir/part-i.mkv` in a process of its own.
fn shard(project: &Path, dir: &Path, i: u32, n: u32, extra: &[&str]) -> PathBuf {
    let part = dir.join(format!("part-{i}.mkv"));
    let spec = format!("{i}/{n}");
    let mut args = vec!["--shard", spec.as_str()];
    args.extend_from_slice(extra);
    render_cpu(project, &part, &args);
    part
}

fn join(project: &Path, parts: &[PathBuf], out: &Path) -> std::process::Output {
    let mut args = vec!["join", project.to_str().unwrap()];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    args.extend(["-o", out.to_str().unwrap()]);
    gpucast(&args)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn joined_shards_decode_to_the_frames_of_a_single_render() {
    let fx = fixture(320, 180, 8.0, "");
    let d = fx.dir.path();
    let whole = d.join("whole.mp4");
    render_cpu(&fx.project, &whole, &["--quality", "0"]);
    let w = decode_video(&whole, FPS);
    let wa = decode_audio(&whole);
    assert_eq!(w.frames.len(), 240);
    for n in [1u32, 2, 3, 7] {
        let parts_dir = d.join(format!("n{n}"));
        std::fs::create_dir(&parts_dir).unwrap();
        let mut parts: Vec<PathBuf> = (0..n)
            .map(|i| shard(&fx.project, &parts_dir, i, n, &["--quality", "0"]))
            .collect();
        // Given in any order: the join orders them by what they record.
        parts.reverse();
        let out = parts_dir.join("joined.mp4");
        assert_ok(&join(&fx.project, &parts, &out));
        let j = decode_video(&out, FPS);
        assert_eq!(j.frames.len(), w.frames.len(), "{n} parts");
        assert!((j.duration - 8.0).abs() < 1e-6, "{n} parts: {}", j.duration);
        for (i, (a, b)) in j.frames.iter().zip(&w.frames).enumerate() {
            assert_eq!(a.0, i as i64, "{n} parts: frame {i}'s time");
            assert!(
                a.1 == b.1,
                "{n} parts: frame {i} differs from the single render"
            );
        }
        let ja = decode_audio(&out);
        assert!(
            ja.samples == wa.samples,
            "{n} parts: the narration is encoded once, as in a single render"
        );
    }
}

#[test]
fn a_default_join_passes_every_check_a_single_render_passes() {
    let fx = fixture(320, 180, 9.0, "");
    let d = fx.dir.path();
    let parts: Vec<PathBuf> = (0..3).map(|i| shard(&fx.project, d, i, 3, &[])).collect();
    let out = d.join("joined.mp4");
    assert_ok(&join(&fx.project, &parts, &out));
    let v = decode_video(&out, FPS);
    assert_eq!(v.frames.len(), 270);
    assert_eq!(v.frame_rate, (30, 1));
    assert!((v.duration - 9.0).abs() < 1e-6, "{}", v.duration);
    assert_eq!(v.start_time, 0.0);
    for (i, (pts, _)) in v.frames.iter().enumerate() {
        assert_eq!(*pts, i as i64, "constant frame rate, one frame per tick");
    }
    // The picture changes exactly where the timeline's runs start: repeats are exact copies
    // across the joins as within a part.
    let starts = run_starts(&fx.project);
    let changes = frame_changes(&v);
    assert_eq!(changes, starts);
    let a = decode_audio(&out);
    assert_eq!(a.codec, "AAC");
    let len = a.samples.len() as f64 / a.rate as f64;
    assert!((len - 9.0).abs() < 0.03, "audio lasts {len}");
    assert_clicks_on_words(&a, &fx.word_starts);

    // Each part begins with a keyframe, and the 2 s keyframes fall as in a single render.
    let p = gpucast::prepare(&fx.project).unwrap();
    let cuts = gpucast::shard::cuts(&p.timeline, 3).unwrap();
    let keys: Vec<i64> = packets(&out).iter().filter(|k| k.1).map(|k| k.0).collect();
    for c in &cuts {
        assert!(keys.contains(&(c.start as i64)), "{c:?} {keys:?}");
        assert!(starts.contains(&c.start), "cut {c:?} is at a run start");
    }
    let whole = d.join("whole.mp4");
    render_cpu(&fx.project, &whole, &[]);
    let whole_keys: Vec<i64> = packets(&whole)
        .iter()
        .filter(|k| k.1)
        .map(|k| k.0)
        .collect();
    for k in &whole_keys {
        assert!(keys.contains(k), "keyframe {k} of the single render");
    }
    assert_strict_h264(&out);
    decodes_the_same_from_every_keyframe(&out);
}

#[test]
fn a_killed_shard_reruns_to_the_same_part_and_a_finished_one_is_kept() {
    // Big enough that the shard is still drawing when it is killed.
    let fx = fixture(1280, 720, 40.0, "");
    let d = fx.dir.path();
    let project = fx.project.to_str().unwrap();
    let part = d.join("part-0.mkv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["render", project, "--shard", "0/2", "--backend", "cpu"])
        .args(["--threads", "1", "-o", part.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once its temporary part has data in it.
    let started = Instant::now();
    loop {
        let writing = std::fs::read_dir(d).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".partial")
                && e.metadata().unwrap().len() > 4096
        });
        if writing {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !part.exists(),
        "a killed shard leaves no part under its name"
    );

    let part = shard(&fx.project, d, 0, 2, &[]);
    let other = shard(&fx.project, d, 1, 2, &[]);
    let out = d.join("joined.mp4");
    assert_ok(&join(&fx.project, &[part.clone(), other], &out));
    let whole = d.join("whole.mp4");
    render_cpu(&fx.project, &whole, &[]);
    let (j, w) = (decode_video(&out, FPS), decode_video(&whole, FPS));
    assert_eq!(j.frames.len(), 1200);
    assert_eq!(j.frames.len(), w.frames.len());

    // A retried task finds its part finished and keeps it as it is.
    let before = std::fs::metadata(&part).unwrap().modified().unwrap();
    let o = gpucast(&[
        "render",
        project,
        "--shard",
        "0/2",
        "--backend",
        "cpu",
        "-o",
        part.to_str().unwrap(),
    ]);
    assert_ok(&o);
    assert!(stderr(&o).contains("kept"), "{}", stderr(&o));
    assert_eq!(
        std::fs::metadata(&part).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn the_scheduler_index_picks_the_part() {
    let fx = fixture(160, 90, 3.0, "");
    let d = fx.dir.path();
    let project = fx.project.to_str().unwrap();
    // (JOB_COMPLETION_INDEX is read the same way: tests/batch.rs.)
    for (var, i) in [
        ("SLURM_ARRAY_TASK_ID", "1"),
        ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
    ] {
        let part = d.join(format!("part-{i}.mkv"));
        let o = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args([
                "render",
                project,
                "--shard",
                "auto/2",
                "--backend",
                "cpu",
                "-o",
            ])
            .arg(&part)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .env(var, i)
            .output()
            .unwrap();
        assert_ok(&o);
        assert!(
            stderr(&o).contains(&format!("part {i}/2 (from {var}={i})")),
            "{}",
            stderr(&o)
        );
    }
    let out = d.join("joined.mp4");
    assert_ok(&join(
        &fx.project,
        &[d.join("part-0.mkv"), d.join("part-1.mkv")],
        &out,
    ));
    assert_eq!(decode_video(&out, FPS).frames.len(), 90);
}

#[test]
fn bad_shards_and_bad_joins_are_refused_and_write_nothing() {
    let fx = fixture(160, 90, 4.0, "");
    let d = fx.dir.path();
    let project = fx.project.to_str().unwrap();
    let refused = |args: &[&str], says: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args(args)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    };
    let x = d.join("x.mkv");
    let xs = x.to_str().unwrap();
    for (spec, says) in [
        ("3/3", "part 3 does not exist: parts are numbered 0 to 2"),
        ("0/0", "N must be at least 1"),
        ("1", "give I/N"),
        ("auto/2", "none of SLURM_ARRAY_TASK_ID"),
        ("0/100", "too few for 100 parts"),
    ] {
        refused(&["render", project, "--shard", spec, "-o", xs], says);
    }
    refused(
        &[
            "render",
            project,
            "--shard",
            "0/2",
            "-o",
            d.join("x.mp4").to_str().unwrap(),
        ],
        "name",
    );
    refused(
        &["render", project, "--shard", "0/2", "--vfr", "-o", xs],
        "--vfr",
    );
    assert!(!x.exists());

    let parts: Vec<PathBuf> = (0..3).map(|i| shard(&fx.project, d, i, 3, &[])).collect();
    let out = d.join("out.mp4");
    let refused_join = |parts: &[PathBuf], says: &str| {
        let o = join(&fx.project, parts, &out);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(!out.exists());
        let left: Vec<String> = files_in(d)
            .into_iter()
            .filter(|f| f.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    };
    let name = |p: &Path| p.display().to_string();
    refused_join(&parts[..2], "missing part 2/3");
    refused_join(
        &[
            parts[0].clone(),
            parts[1].clone(),
            parts[1].clone(),
            parts[2].clone(),
        ],
        "are both part 1/3",
    );
    // A part cut short (a copy that failed half way).
    let short = d.join("short.mkv");
    let bytes = std::fs::read(&parts[1]).unwrap();
    std::fs::write(&short, &bytes[..bytes.len() / 2]).unwrap();
    refused_join(
        &[parts[0].clone(), short.clone(), parts[2].clone()],
        &format!("{} is truncated", name(&short)),
    );
    // A part of another project, of another split, made with other settings.
    let other = fixture(160, 90, 4.0, r##", "current": {"color": "#ff0000"}"##);
    let foreign = shard(&other.project, other.dir.path(), 1, 3, &[]);
    refused_join(
        &[parts[0].clone(), foreign.clone(), parts[2].clone()],
        &format!("{} was rendered from another project", name(&foreign)),
    );
    let half_dir = d.join("halves");
    std::fs::create_dir(&half_dir).unwrap();
    let half = shard(&fx.project, &half_dir, 1, 2, &[]);
    refused_join(
        &[parts[0].clone(), half, parts[2].clone()],
        "parts of different splits",
    );
    let q_dir = d.join("q");
    std::fs::create_dir(&q_dir).unwrap();
    let q = shard(&fx.project, &q_dir, 1, 3, &["--quality", "30"]);
    refused_join(
        &[parts[0].clone(), q.clone(), parts[2].clone()],
        &format!("{} was rendered with other settings", name(&q)),
    );
    // Not a part at all.
    let whole = d.join("whole.mp4");
    render_cpu(&fx.project, &whole, &[]);
    refused_join(
        &[parts[0].clone(), whole.clone(), parts[2].clone()],
        "is not a gpucast part",
    );
    // The output may not overwrite a part.
    let o = join(&fx.project, &parts, &parts[0]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("it is one of the parts"),
        "{}",
        stderr(&o)
    );
    // And with all three, in place, the join works.
    assert_ok(&join(&fx.project, &parts, &out));
    assert_eq!(decode_video(&out, FPS).frames.len(), 120);
}
