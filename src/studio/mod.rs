//! `gpucast studio`: a page on this machine where a project is seen frame by frame, played with
//! its narration, edited (words, times, looks), saved and rendered, all drawn by the engine
//! itself, so that the preview is the render.
//!
//! - `guard`: the token, `Host` and `Origin` every request must pass.
//! - `session`: the project file, the drafts the page sends (each checked and laid out) and the
//!   frames drawn from them.
//! - `renders`: renders started from the page, their progress and files.
//! - `api`: the HTTP routes (axum on tokio); `page/` the page, embedded in the binary.

mod api;
pub mod guard;
mod renders;
mod session;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::json;

use crate::render::{Backend, RenderOptions};
use crate::Checks;

pub struct Options {
    pub project: PathBuf,
    /// Where to listen: 127.0.0.1 and `port` unless `--listen` says otherwise.
    pub listen: Option<SocketAddr>,
    /// 0: any free port.
    pub port: u16,
    /// Open the page in the user's browser.
    pub open: bool,
    pub backend: Backend,
    pub render: RenderOptions,
    pub checks: Checks,
    pub voice: String,
}

/// Serves the studio until the process is told to stop (Ctrl-C). Prints the page's address
/// (with its token) on standard output as soon as it listens.
pub fn serve(opts: Options) -> anyhow::Result<()> {
    let session = session::Session::open(&opts.project, opts.backend, opts.render.clone())?;
    let addr = opts
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], opts.port)));
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: the studio listens on {addr}, beyond this machine: anyone who can reach \
             it and learns the token can read the project's frames and narration, edit the \
             project and render"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let bound = listener.local_addr()?;
        let access = guard::Access::new(guard::new_token()?, bound);
        let host = match bound.ip().is_unspecified() {
            true => SocketAddr::from(([127, 0, 0, 1], bound.port())),
            false => bound,
        };
        let url = format!("http://{host}/?token={}", access.token());
        let studio = Arc::new(api::Studio {
            renders: renders::Renders::new(opts.backend, opts.render.clone(), opts.checks)?,
            session,
            access,
            voice: opts.voice.clone(),
        });
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{url}")?;
            out.flush()?;
        }
        eprintln!(
            "gpucast studio: {} at {url} (Ctrl-C stops it)",
            studio.session.path.display()
        );
        if opts.open {
            open_browser(&url);
        }
        let app = api::router(studio.clone());
        let stop = async {
            while !crate::cancel::CANCELLED.load(Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        };
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
        studio.renders.close();
        served.map_err(|e| anyhow::anyhow!("the studio's server stopped: {e}"))
    })?;
    eprintln!("gpucast studio: closed");
    Ok(())
}

/// The user's browser, if the desktop has a way to open one; the address is printed anyway.
fn open_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        let started = std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if started.is_ok() {
            return;
        }
    }
}

/// The sync check on the draft: the narration's offset and drift against its words, and each
/// word whose start the voice puts more than a frame away (as `gpucast sync` counts them), with
/// the times it would have.
fn check_sync(session: &session::Session, voice: &str) -> anyhow::Result<serde_json::Value> {
    use crate::sync;
    let draft = session.draft();
    let p = draft
        .prepared
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the project has problems; fix them first"))?;
    let raw = crate::project::parse(&session.path, &draft.text)?;
    let audio = p.project.audio.clone();
    let db = sync::loudness(&audio)?;
    let (measured, unsnapped) = sync::project::measure_and_snap(&raw, &db, &audio, voice, true)?;
    let words = sync::project::timed_words(&raw);
    let frame = 1.0 / p.project.fps.as_f64();
    let off: Vec<_> = words
        .iter()
        .zip(&measured.repaired)
        .filter(|(w, r)| (r.0 - w.2).abs() > frame)
        .map(|(w, r)| {
            json!({
                "path": w.0, "text": w.1, "start": w.2, "end": w.3,
                "voice_start": r.0, "voice_end": r.1,
            })
        })
        .collect();
    Ok(json!({
        "words": words.len(),
        "offset_ms": measured.offset * 1000.0,
        "drift_s_per_hour": measured.drift * 3600.0,
        "windows": measured.windows,
        "off": off,
        "unplaced": unsnapped,
    }))
}
