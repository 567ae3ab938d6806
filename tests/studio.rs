//! `gpucast studio`, end to end: a studio started on a fixture project, talked to over plain
//! HTTP (what it refuses, what it saves, the frames it draws, the renders it runs) and driven
//! in headless Chromium through its page (scripts/studio_in_chromium.py).

mod common;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A studio running on a project, stopped when dropped.
struct Studio {
    child: Child,
    addr: String,
    token: String,
}

impl Studio {
    fn start(project: &Path, extra: &[&str]) -> Studio {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gpucast"))
            .args([
                "studio",
                project.to_str().unwrap(),
                "--port",
                "0",
                "--no-open",
            ])
            .args(["--backend", "cpu"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim();
        let rest = url
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("the studio printed {url:?}, not its address"));
        let (addr, token) = rest.split_once("/?token=").unwrap();
        Studio {
            child,
            addr: addr.to_string(),
            token: token.to_string(),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }

    /// A request with the token and the studio's own Host.
    fn call(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}token={}", self.token);
        http(&self.addr, method, &path, &[("Host", &self.addr)], body)
    }

    fn json(&self, method: &str, path: &str, body: &[u8]) -> (u16, serde_json::Value) {
        let r = self.call(method, path, body);
        let v = serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
        (r.status, v)
    }
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `PUT /api/project` of `text`, saying which version of the file it replaces.
fn save_as(s: &Studio, version: &str, text: &str) -> Reply {
    let path = format!("/api/project?token={}", s.token);
    let headers = [("Host", s.addr.as_str()), ("If-Match", version)];
    http(&s.addr, "PUT", &path, &headers, text.as_bytes())
}

struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// One HTTP/1.1 request on its own connection, headers exactly as given (no Host unless given).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t == "chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
            rest = &rest[nl + 2 + n + 2..];
        }
        body = out;
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn png_pixels(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

/// What `gpucast frame --at T` draws of a project.
fn frame_png(project: &Path, at: f64) -> image::RgbImage {
    let out = project.with_file_name(format!("frame-{at}.png"));
    assert_ok(&gpucast(&[
        "frame",
        project.to_str().unwrap(),
        "--at",
        &at.to_string(),
        "--backend",
        "cpu",
        "-o",
        out.to_str().unwrap(),
    ]));
    image::open(&out).unwrap().to_rgb8()
}

#[test]
fn strangers_are_refused() {
    let fx = fixture(320, 180, 4.0, "");
    let before = std::fs::read(&fx.project).unwrap();
    let s = Studio::start(&fx.project, &[]);
    assert!(s.addr.starts_with("127.0.0.1:"), "{}", s.addr);
    let own = [("Host", s.addr.as_str())];
    let token = format!("token={}", s.token);
    // The token: none, a wrong one, one a character short.
    assert_eq!(http(&s.addr, "GET", "/", &own, b"").status, 401);
    assert_eq!(http(&s.addr, "GET", "/api/project", &own, b"").status, 401);
    let wrong = format!("/api/project?token={}", "0".repeat(32));
    assert_eq!(http(&s.addr, "GET", &wrong, &own, b"").status, 401);
    let short = format!("/api/project?token={}", &s.token[1..]);
    assert_eq!(http(&s.addr, "GET", &short, &own, b"").status, 401);
    // With the token, but another host (DNS rebinding) or another site's page.
    let path = format!("/api/project?{token}");
    for host in ["evil.example", "evil.example:80", "localhost.evil.example"] {
        let r = http(&s.addr, "GET", &path, &[("Host", host)], b"");
        assert_eq!(r.status, 403, "Host {host}");
    }
    let no_host = http(&s.addr, "GET", &path, &[], b"").status;
    assert!(matches!(no_host, 400 | 403), "no Host: {no_host}");
    for origin in ["http://evil.example", "null", "https://127.0.0.1"] {
        let r = http(&s.addr, "GET", &path, &[own[0], ("Origin", origin)], b"");
        assert_eq!(r.status, 403, "Origin {origin}");
    }
    let own_origin = format!("http://{}", s.addr);
    let r = http(
        &s.addr,
        "GET",
        &path,
        &[own[0], ("Origin", &own_origin)],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, before);
    // A PUT from another site changes nothing.
    let r = http(
        &s.addr,
        "PUT",
        &path,
        &[own[0], ("Origin", "http://evil.example")],
        b"{}",
    );
    assert_eq!(r.status, 403);
    // No path from a request reaches the file system.
    for path in [
        "/etc/passwd",
        "/../../etc/passwd",
        "/api/../project.json",
        "/project.json",
        "/narration.wav",
        "/api/file?path=/etc/passwd",
        "/api/render/1/file",
    ] {
        let r = s.call("GET", path, b"");
        assert_eq!(r.status / 100, 4, "{path}: {}", r.status);
        assert!(
            !String::from_utf8_lossy(&r.body).contains("root:"),
            "{path}"
        );
    }
    // A draft or a save naming another file is refused, and nothing is read or written.
    let mut p: serde_json::Value = serde_json::from_slice(&before).unwrap();
    p["background"] = serde_json::json!({"image": "/etc/passwd"});
    let (status, v) = s.json("PUT", "/api/project", p.to_string().as_bytes());
    assert_eq!(status, 422, "{v}");
    assert!(v["problems"][0]
        .as_str()
        .unwrap()
        .contains("/etc/passwd: the studio reads only"));
    let (status, _) = s.json("PUT", "/api/draft", p.to_string().as_bytes());
    assert_eq!(status, 422);
    // Bodies are limited (the project file's own limit).
    let r = http(
        &s.addr,
        "PUT",
        &format!("/api/draft?{token}"),
        &[own[0], ("Content-Length", "300000000")],
        b"",
    );
    assert_eq!(r.status, 413);
    assert_eq!(std::fs::read(&fx.project).unwrap(), before);
    assert!(!fx.project.with_extension("json.bak").exists());
}

#[test]
fn saves_only_what_checks_and_never_over_a_change() {
    let fx = fixture(320, 180, 4.0, "");
    let original = std::fs::read_to_string(&fx.project).unwrap();
    let s = Studio::start(&fx.project, &[]);
    let r = s.call("GET", "/api/project", b"");
    assert_eq!(String::from_utf8(r.body).unwrap(), original);
    let etag = r.headers["etag"].clone();
    let mut p: serde_json::Value = serde_json::from_str(&original).unwrap();
    // An edit with a problem: 422, the problem by path, nothing written.
    let start = p["slides"][0]["words"][1]["start"].as_f64().unwrap();
    p["slides"][0]["words"][1]["end"] = (start - 0.2).into();
    let (status, v) = s.json("PUT", "/api/project", p.to_string().as_bytes());
    assert_eq!(status, 422, "{v}");
    assert!(v["problems"][0]
        .as_str()
        .unwrap()
        .starts_with("slides[0].words[1]"));
    assert_eq!(std::fs::read_to_string(&fx.project).unwrap(), original);
    // A good edit: written whole, the previous file kept beside it.
    p["slides"][0]["words"][1]["end"] = (start + 0.2).into();
    p["slides"][0]["words"][1]["text"] = "fixed".into();
    let text = serde_json::to_string_pretty(&p).unwrap();
    let r = save_as(&s, &etag, &text);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(std::fs::read_to_string(&fx.project).unwrap(), text);
    let bak = fx.dir.path().join("project.json.bak");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), original);
    assert_ok(&gpucast(&["validate", fx.project.to_str().unwrap()]));
    let words = project_words(&fx.project);
    assert_eq!(words[1].0, "fixed");
    // The old version is stale now.
    let r = save_as(&s, &etag, &text);
    assert_eq!(r.status, 409);
    // Someone else changes the file: the studio refuses to write over it.
    let theirs = text.replace("fixed", "theirs");
    std::fs::write(&fx.project, &theirs).unwrap();
    let (status, v) = s.json("PUT", "/api/project", original.as_bytes());
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap().contains("changed on disk"));
    assert_eq!(std::fs::read_to_string(&fx.project).unwrap(), theirs);
    // Read again (a page reloaded), their version may be saved over knowingly.
    let r = s.call("GET", "/api/project", b"");
    assert_eq!(String::from_utf8(r.body).unwrap(), theirs);
    let mine = theirs.replace("theirs", "mine");
    let r = save_as(&s, &r.headers["etag"], &mine);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(std::fs::read_to_string(&fx.project).unwrap(), mine);
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), theirs);
    // Nothing half-written is left in the folder.
    let names = files_in(fx.dir.path());
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
}

#[test]
fn frames_are_what_gpucast_frame_draws() {
    let fx = fixture(640, 360, 5.0, r#", "current": {"scale": 1.3}"#);
    let s = Studio::start(&fx.project, &[]);
    for at in [0.0, 0.55, 1.234, 2.6, 4.99] {
        let r = s.call("GET", &format!("/api/frame?t={at}"), b"");
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["content-type"], "image/png");
        let got = png_pixels(&r.body);
        let want = frame_png(&fx.project, at);
        assert_eq!(got.dimensions(), want.dimensions());
        assert!(
            got == want,
            "the studio's frame at {at} s differs from gpucast frame's"
        );
        let frame: u64 = r.headers["x-frame"].parse().unwrap();
        assert_eq!(frame, (at * 30.0 + 1e-6).floor() as u64);
    }
    // Reduced for the preview, in proportion.
    let r = s.call("GET", "/api/frame?t=1.2&width=320", b"");
    assert_eq!(png_pixels(&r.body).dimensions(), (320, 180));
    // Outside the video, or no time: a clear 400.
    for q in ["t=5.0", "t=-1", "t=nan", "", "t=1&width=x"] {
        let (status, v) = s.json("GET", &format!("/api/frame?{q}"), b"");
        assert_eq!(status, 400, "{q}");
        assert!(!v["error"].as_str().unwrap().is_empty());
    }
    // A draft changes the preview at once, without touching the file.
    let before = std::fs::read_to_string(&fx.project).unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&before).unwrap();
    p["style"]["spoken"] = serde_json::json!({"color": "#ff0000", "weight": "bold"});
    let (status, v) = s.json("PUT", "/api/draft", p.to_string().as_bytes());
    assert_eq!(status, 200, "{v}");
    let red = png_pixels(&s.call("GET", "/api/frame?t=2.6", b"").body);
    assert!(red != frame_png(&fx.project, 2.6));
    let reds = red
        .pixels()
        .filter(|p| p[0] > 200 && p[1] < 60 && p[2] < 60)
        .count();
    assert!(
        reds > 100,
        "spoken words are not red in the draft's frame ({reds})"
    );
    assert_eq!(std::fs::read_to_string(&fx.project).unwrap(), before);
    // A draft with problems: 422 with them; the preview keeps the last good draft.
    p["style"]["font_size"] = (-3).into();
    let (status, v) = s.json("PUT", "/api/draft", p.to_string().as_bytes());
    assert_eq!(status, 422);
    assert!(
        v["problems"][0]
            .as_str()
            .unwrap()
            .contains("style.font_size"),
        "{v}"
    );
    assert!(png_pixels(&s.call("GET", "/api/frame?t=2.6", b"").body) == red);
}

/// Polls a render until it ends; returns its last status.
fn wait_render(s: &Studio, id: u64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let (status, v) = s.json("GET", &format!("/api/render/{id}"), b"");
        assert_eq!(status, 200);
        if v["state"] != "running" || Instant::now() > deadline {
            return v;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn renders_run_report_and_cancel() {
    let fx = fixture(320, 180, 4.0, "");
    let s = Studio::start(&fx.project, &[]);
    let (status, v) = s.json("POST", "/api/render", br#"{"format": "mp4"}"#);
    assert_eq!(status, 202, "{v}");
    let id = v["id"].as_u64().unwrap();
    let done = wait_render(&s, id);
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["frames_done"], 120);
    assert_eq!(done["frames_total"], 120);
    let r = s.call("GET", &format!("/api/render/{id}/file"), b"");
    assert_eq!(r.status, 200);
    assert!(r.headers["content-disposition"].contains("project.mp4"));
    let out = fx.dir.path().join("downloaded.mp4");
    std::fs::write(&out, &r.body).unwrap();
    let v = decode_video(&out, 30.0);
    assert_eq!(v.frames.len(), 120);
    assert_eq!((v.width, v.height), (320, 180));
    // Choices only: an unknown format or field is refused.
    for body in [
        &br#"{"format": "exe"}"#[..],
        br#"{"output": "/tmp/x.mp4"}"#,
        br#"{"speed": "warp"}"#,
    ] {
        let (status, _) = s.json("POST", "/api/render", body);
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(body));
    }
    // A long render, cancelled: it stops, and has no file.
    let long = fixture(1280, 720, 60.0, r#", "current": {"wipe": true}"#);
    let s = Studio::start(&long.project, &[]);
    let (_, v) = s.json("POST", "/api/render", b"");
    let id = v["id"].as_u64().unwrap();
    let (status, v) = s.json("POST", "/api/render", b"");
    assert_eq!(status, 409, "a second render while one runs: {v}");
    assert_eq!(
        s.call("DELETE", &format!("/api/render/{id}"), b"").status,
        204
    );
    let end = wait_render(&s, id);
    assert_eq!(end["state"], "cancelled", "{end}");
    assert!(end["frames_done"].as_u64().unwrap() < 1800);
    assert_eq!(
        s.call("GET", &format!("/api/render/{id}/file"), b"").status,
        404
    );
    assert_eq!(s.call("DELETE", "/api/render/99", b"").status, 404);
}

#[test]
fn narration_plays_with_ranges() {
    let fx = fixture(320, 180, 3.0, "");
    let s = Studio::start(&fx.project, &[]);
    let wav = std::fs::read(fx.dir.path().join("narration.wav")).unwrap();
    let r = s.call("GET", "/api/audio", b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, wav);
    assert_eq!(r.headers["content-type"], "audio/wav");
    let r = http(
        &s.addr,
        "GET",
        &format!("/api/audio?token={}", s.token),
        &[("Host", &s.addr), ("Range", "bytes=100-199")],
        b"",
    );
    assert_eq!(r.status, 206);
    assert_eq!(r.body, wav[100..200]);
    assert_eq!(
        r.headers["content-range"],
        format!("bytes 100-199/{}", wav.len())
    );
}

/// Runs scripts/studio_in_chromium.py on the studio's page with `args`; its report, after
/// checking that the page showed no console error or exception.
fn drive(s: &Studio, out: &Path, args: &[&str]) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/studio_in_chromium.py");
    let run = Command::new("python3")
        .arg(&script)
        .args([&s.url(), out.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    report
}

/// The page, as a user drives it in a real browser: it loads with no error; the scrub bar
/// shows `gpucast frame`'s pixels; a word's start typed and saved is in the file; a bad edit
/// shows its problem and saves nothing; a render runs with progress and its file decodes.
#[test]
fn the_page_in_chromium() {
    if !chromium("the studio's page") {
        return;
    }
    let fx = fixture(640, 360, 12.0, "");
    let original = fx.dir.path().join("original.json");
    std::fs::copy(&fx.project, &original).unwrap();
    let s = Studio::start(&fx.project, &[]);
    let out: PathBuf = fx.dir.path().join("browser");
    let words = project_words(&fx.project);
    let new_start = ((words[1].1 + 0.1) * 1000.0).round() / 1000.0;
    let start = new_start.to_string();
    let report = drive(
        &s,
        &out,
        &[
            "--at",
            "2.345",
            "--edit",
            "0",
            "1",
            &start,
            "--bad-edit",
            "0",
            "2",
            "--render",
        ],
    );
    assert_eq!(report["title"], "project.json: gpucast studio");
    // The scrub bar at 2.345 s showed exactly what gpucast frame draws there.
    let shown = image::open(out.join("scrub.png")).unwrap().to_rgb8();
    assert!(
        shown == frame_png(&original, 2.345),
        "the page showed another frame"
    );
    assert_eq!(report["scrub_frame"], 70);
    // The word moved and was saved; the file validates.
    assert_eq!(report["edit_status"], "saved", "{report:#}");
    assert_ok(&gpucast(&["validate", fx.project.to_str().unwrap()]));
    let saved = project_words(&fx.project);
    assert_eq!(saved[1].1, new_start);
    assert_eq!(saved[1].0, words[1].0);
    for k in (0..saved.len()).filter(|&k| k != 1) {
        assert_eq!(saved[k], words[k]);
    }
    assert_eq!(
        std::fs::read(fx.dir.path().join("project.json.bak")).unwrap(),
        std::fs::read(&original).unwrap()
    );
    // The bad edit: its problem listed, nothing saved.
    let problems = report["bad_problems_listed"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.as_str().unwrap().starts_with("slides[0].words[2]: end")),
        "{report:#}"
    );
    assert!(report["bad_status"]
        .as_str()
        .unwrap()
        .starts_with("not saved: 1 problem"));
    assert_eq!(project_words(&fx.project), saved);
    // The render ran to its end with progress, and its file decodes.
    let render = &report["render"];
    assert_eq!(render["state"], "done", "{report:#}");
    assert_eq!(render["frames_total"], 360);
    let seen = report["render_progress_seen"].as_array().unwrap();
    assert_eq!(seen.last().unwrap()[0], 360);
    if render["seconds"].as_f64().unwrap() > 1.5 {
        assert!(
            seen.iter()
                .any(|p| p[0].as_u64().unwrap() > 0 && p[0].as_u64().unwrap() < 360),
            "no progress seen during a {} s render",
            render["seconds"]
        );
    }
    assert!(report["download_text"]
        .as_str()
        .unwrap()
        .starts_with("Download project.mp4"));
    let href = report["download_href"].as_str().unwrap();
    let r = http(&s.addr, "GET", href, &[("Host", &s.addr)], b"");
    assert_eq!(r.status, 200);
    let video = fx.dir.path().join("from-page.mp4");
    std::fs::write(&video, &r.body).unwrap();
    assert_eq!(decode_video(&video, 30.0).frames.len(), 360);
}

/// The page's other controls, on the bundled demo (real speech): a time nudged a frame by the
/// arrow key, a slide split and merged, undo and redo, a look changed and the frame redrawn,
/// playback following the narration, and the sync check.
#[test]
fn the_page_s_controls_in_chromium() {
    if !chromium("the studio's page") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    for f in ["project.json", "narration.ogg", "background.png"] {
        std::fs::copy(demo.join(f), dir.path().join(f)).unwrap();
    }
    let project = dir.path().join("project.json");
    let original = std::fs::read(&project).unwrap();
    let s = Studio::start(&project, &[]);
    let report = drive(&s, &dir.path().join("browser"), &["--tour"]);
    let tour = &report["tour"];
    let nudge = tour["nudge"].as_array().unwrap();
    let frame = 1.0 / 30.0;
    let moved = nudge[1].as_f64().unwrap() - nudge[0].as_f64().unwrap();
    assert!((moved - frame).abs() < 0.001, "{tour:#}");
    // Split at the third word: one slide more, the new one current and starting with it.
    assert_eq!(tour["split"][1], tour["split"][0].as_u64().unwrap() + 1);
    assert_eq!(tour["split"][2], "gpucast.");
    assert_eq!(tour["split"][3], 1);
    assert_eq!(tour["merged"], tour["split"][0]);
    assert_eq!(
        tour["undone"], true,
        "three undos give back the file as loaded"
    );
    assert_eq!(tour["redone_start"], nudge[1]);
    assert_eq!(tour["look"]["color"], "#ff0000");
    assert_eq!(tour["look"]["redrawn"], true);
    assert_eq!(tour["look_undone"], true);
    // Playing from 0.5 s for about 1.5 s: the preview is at the narration's time.
    assert_eq!(tour["playing"], true);
    let played: Vec<f64> = tour["played"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(played[0] > 1.0, "the narration did not play: {played:?}");
    assert!((played[1] - played[0]).abs() < 0.25, "{played:?}");
    // The demo's timings are espeak's own: no offset to speak of.
    let sync = &tour["sync_data"];
    assert_eq!(sync["words"], 73, "{tour:#}");
    assert!(sync["offset_ms"].as_f64().unwrap().abs() < 40.0, "{sync}");
    // Nothing was saved.
    assert_eq!(std::fs::read(&project).unwrap(), original);
}
