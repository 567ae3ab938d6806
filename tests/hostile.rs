//! Inputs a shared project can hold to make gpucast reach what it does not name: names that
//! FFmpeg would read as URLs or protocols, and special files that block whoever opens them.
//! Every path a project names is a local file, opened as that file only.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, Fixture};

/// `gpucast validate NAME` run inside `dir` (so a relative project path leaves the names in it
/// as written), failing the test if it takes more than 60 s (a hang).
fn validate_in(dir: &Path, name: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args(["validate", name])
        .current_dir(dir)
        .env("RUST_LOG", "gpucast=warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gpucast runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("gpucast validate hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn set_background(project: &Path, background: serde_json::Value) {
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project).unwrap()).unwrap();
    json["background"] = background;
    std::fs::write(project, json.to_string()).unwrap();
}

/// A small fixture and its project's file name, for running gpucast inside its folder.
fn small_fixture() -> (Fixture, String) {
    let fx = fixture(320, 180, 2.0, "");
    let name = fx
        .project
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (fx, name)
}

fn footage() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/footage/footage.mp4"
    ))
}

/// A background video named like a URL is the local file of that name: nothing connects to
/// the listener it names. A `concat:` name is the one file of that name, not the files listed
/// in it.
#[test]
fn names_are_local_files_not_urls_or_protocols() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let local = d.join(format!("http:/127.0.0.1:{port}/x.mp4"));
    std::fs::create_dir_all(local.parent().unwrap()).unwrap();
    std::fs::copy(footage(), &local).unwrap();
    set_background(
        &fx.project,
        serde_json::json!({ "video": format!("http://127.0.0.1:{port}/x.mp4") }),
    );
    let out = validate_in(d, &name);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the local file is a good clip: {err}");
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("gpucast connected to the listener (from {peer})"),
        Err(e) => panic!("{e}"),
    }

    std::fs::copy(footage(), d.join("clip.mp4")).unwrap();
    std::fs::write(d.join("concat:clip.mp4|clip.mp4"), b"not a video").unwrap();
    set_background(
        &fx.project,
        serde_json::json!({ "video": "concat:clip.mp4|clip.mp4" }),
    );
    let out = validate_in(d, &name);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("background.video") && err.contains("concat:clip.mp4|clip.mp4"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// A file whose content is a concatenation list or a playlist, whatever its name, is not
/// followed to the files it lists: FFmpeg would read them although the project names only the
/// list. The narration and the music are refused the same way.
#[test]
fn lists_of_other_files_are_refused_whatever_their_name() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();
    std::fs::copy(footage(), d.join("real.mp4")).unwrap();
    let lists = [
        ("concat", "ffconcat version 1.0\nfile real.mp4\n"),
        (
            "hls",
            "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nreal.mp4\n#EXT-X-ENDLIST\n",
        ),
    ];
    for (format, text) in lists {
        std::fs::write(d.join("clip.mp4"), text).unwrap();
        set_background(&fx.project, serde_json::json!({ "video": "clip.mp4" }));
        let out = validate_in(d, &name);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {err}");
        assert!(
            err.contains("background.video") && err.contains(&format!("\"{format}\" file")),
            "{format}: {err}"
        );
    }

    // The same list as the narration.
    set_background(&fx.project, serde_json::json!({ "color": "#102030" }));
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    json["audio"] = "clip.mp4".into();
    std::fs::write(&fx.project, json.to_string()).unwrap();
    let out = validate_in(d, &name);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("audio") && err.contains("\"hls\" file"),
        "{err}"
    );
}

/// A FIFO (or a folder, or a device) where a file should be is refused by what it is, at once:
/// opening a FIFO would wait for a writer forever.
#[test]
fn special_files_are_refused_by_type_without_waiting() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();
    let fifo = d.join("pipe.png");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let cases = [
        (
            serde_json::json!({ "image": "pipe.png" }),
            "background.image",
            "FIFO",
        ),
        (
            serde_json::json!({ "video": "pipe.png" }),
            "background.video",
            "FIFO",
        ),
        (
            serde_json::json!({ "image": "." }),
            "background.image",
            "a folder",
        ),
        (
            serde_json::json!({ "video": "/dev/zero" }),
            "background.video",
            "a device",
        ),
    ];
    for (background, field, what) in cases {
        set_background(&fx.project, background.clone());
        let out = validate_in(d, &name);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{background}: {err}");
        assert!(
            err.contains(field) && err.contains(what),
            "{background}: {err}"
        );
    }
}

/// `import -o` onto one of its own inputs (the narration, the timings, the script) is refused,
/// even with `--force`, and the input is left as it was.
#[test]
fn import_never_writes_over_its_inputs() {
    let (fx, _) = small_fixture();
    let d = fx.dir.path();
    let timings = d.join("talk.srt");
    std::fs::write(&timings, "1\n00:00:00,000 --> 00:00:01,500\nhello there\n").unwrap();
    let script = d.join("script.txt");
    std::fs::write(&script, "hello there\n").unwrap();
    let audio = d.join("narration.wav");
    for (output, extra) in [(&audio, None), (&timings, None), (&script, Some(&script))] {
        let before = std::fs::read(output).unwrap();
        let mut args = vec![
            "import".to_string(),
            timings.display().to_string(),
            "--audio".into(),
            audio.display().to_string(),
            "-o".into(),
            // Spelled another way: the same file.
            d.join(".")
                .join(output.file_name().unwrap())
                .display()
                .to_string(),
            "--force".into(),
        ];
        if let Some(s) = extra {
            args.extend(["--text".into(), s.display().to_string()]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("it is one of the inputs"), "{err}");
        assert_eq!(
            std::fs::read(output).unwrap(),
            before,
            "{}",
            output.display()
        );
    }
}

/// Inputs are refused by type or size before they are read: a FIFO as the project or the
/// timings (which would block), a sparse 300 MB font, and a contact sheet too large to allocate.
#[test]
fn inputs_and_outputs_are_bounded_before_any_work() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();
    let mkfifo = |p: &Path| {
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    };
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args(args)
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("gpucast {args:?} hung");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    mkfifo(&d.join("fifo.json"));
    let err = run(&["validate", "fifo.json"]);
    assert!(err.contains("FIFO"), "{err}");
    mkfifo(&d.join("fifo.srt"));
    let err = run(&[
        "import",
        "fifo.srt",
        "--audio",
        "narration.wav",
        "-o",
        "p2.json",
    ]);
    assert!(err.contains("FIFO"), "{err}");

    let font = std::fs::File::create(d.join("huge.ttf")).unwrap();
    font.set_len(300 << 20).unwrap();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    json["style"]["font"] = "huge.ttf".into();
    std::fs::write(&fx.project, json.to_string()).unwrap();
    let err = run(&["validate", &name]);
    assert!(
        err.contains("style.font") && err.contains("over the 256 MB limit for fonts"),
        "{err}"
    );

    let big = fixture(7680, 4320, 6.0, "");
    let project = big.project.to_str().unwrap().to_string();
    let err = run(&[
        "sheet",
        &project,
        "-o",
        "sheet.png",
        "--width",
        "7680",
        "--columns",
        "1",
    ]);
    assert!(err.contains("over the limit of 100 million"), "{err}");
    assert!(!d.join("sheet.png").exists());
}

/// A script that is not the recording's is said to be so, not aligned word against word.
#[test]
fn a_script_that_does_not_match_is_named_as_such() {
    let (fx, _) = small_fixture();
    let d = fx.dir.path();
    let timings = d.join("talk.srt");
    std::fs::write(
        &timings,
        "1\n00:00:00,000 --> 00:00:01,500\nnarrated slides turn bold exactly when spoken\n",
    )
    .unwrap();
    let script = d.join("script.txt");
    let other: Vec<String> = (0..300).map(|i| format!("other{}", i % 37)).collect();
    std::fs::write(&script, other.join(" ")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpucast"))
        .args([
            "import",
            "talk.srt",
            "--audio",
            "narration.wav",
            "--text",
            "script.txt",
        ])
        .args(["-o", "p.json"])
        .current_dir(d)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the script and the timings do not match: only 0 of the script's 300 words"),
        "{err}"
    );
    assert!(!d.join("p.json").exists());
}

/// Text is cleaned at the door: a bidirectional override or a control character inside a word
/// is removed with a warning (an error under --strict) and never reaches the captions; a word
/// with nothing visible is refused.
#[test]
fn words_are_cleaned_of_controls_and_invisible_words_refused() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    json["slides"][0]["words"][0]["text"] = "nar\u{202E}ra\u{1b}ted".into();
    std::fs::write(&fx.project, json.to_string()).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args(args)
            .current_dir(d)
            .env("RUST_LOG", "gpucast=warn")
            .output()
            .unwrap()
    };
    let out = run(&["validate", &name]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("slides[0].words[0]") && err.contains("control characters removed"),
        "{err}"
    );
    let out = run(&["validate", &name, "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&[
        "render",
        &name,
        "-o",
        "v.mp4",
        "--backend",
        "cpu",
        "--captions",
        "c.vtt",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vtt = std::fs::read_to_string(d.join("c.vtt")).unwrap();
    assert!(vtt.contains("narrated"), "{vtt}");
    assert!(!vtt.chars().any(|c| c.is_control() && c != '\n'), "{vtt:?}");
    assert!(!vtt.contains('\u{202E}'), "{vtt:?}");

    json["slides"][0]["words"][0]["text"] = "\u{200B}\u{FE0F}".into();
    std::fs::write(&fx.project, json.to_string()).unwrap();
    let out = run(&["validate", &name]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("slides[0].words[0]") && err.contains("visible character"),
        "{err}"
    );
}

/// Messages say what happened: a loop of links is not "not found", a device is named as one,
/// one plain background too large for the frame size is not "too many backgrounds", and a bad
/// `--index` is a usage error.
#[test]
fn messages_say_what_happened() {
    let (fx, name) = small_fixture();
    let d = fx.dir.path();
    std::os::unix::fs::symlink(d.join("loop-b.wav"), d.join("loop-a.wav")).unwrap();
    std::os::unix::fs::symlink(d.join("loop-a.wav"), d.join("loop-b.wav")).unwrap();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fx.project).unwrap()).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args(args)
            .current_dir(d)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (audio, expect) in [
        ("loop-a.wav", "cannot read it"),
        ("/dev/urandom", "a device"),
    ] {
        json["audio"] = audio.into();
        std::fs::write(&fx.project, json.to_string()).unwrap();
        let (code, err) = run(&["validate", &name]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(expect) && !err.contains("not found"), "{err}");
    }
    json["audio"] = "narration.wav".into();
    json["video"]["width"] = 8192.into();
    json["video"]["height"] = 4320.into();
    json["background"] = serde_json::json!({ "color": "#203040" });
    std::fs::write(&fx.project, json.to_string()).unwrap();
    let (code, err) = run(&["validate", &name]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the background takes") && !err.contains("different backgrounds"),
        "{err}"
    );
    let (code, err) = run(&["batch", "jobs.jsonl", "--index", "one"]);
    assert_eq!(code, Some(2), "{err}");
}
