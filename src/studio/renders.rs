//! Renders started from the page: one at a time, each on its own thread through the same
//! `render` as the command line, into a folder only this user can read, with its progress, a
//! way to stop it and the finished file to download. The folder goes when the studio closes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::encode::{self, Speed, VideoSettings};
use crate::render::{Backend, RenderOptions};
use crate::{Checks, Output, RenderJob, Source};

/// What the page may ask of a render: choices, never paths.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The container: `mp4` (H.264 and AAC), `mov`, `mkv` or `webm` (VP9 and Opus).
    #[serde(default = "mp4")]
    pub format: String,
    /// `fast`, `balanced` or `quality`.
    #[serde(default)]
    pub speed: Option<String>,
    /// The encoder's quality (x264's CRF); its default otherwise.
    #[serde(default)]
    pub quality: Option<u32>,
}

fn mp4() -> String {
    "mp4".into()
}

const FORMATS: &[&str] = &["mp4", "mov", "mkv", "webm"];

/// A render's progress, as the API reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub id: u64,
    /// `running`, `done`, `failed` or `cancelled`.
    pub state: &'static str,
    pub frames_done: u64,
    pub frames_total: u64,
    pub frames_per_second: f64,
    pub seconds: f64,
    pub seconds_left: Option<f64>,
    pub error: Option<String>,
    /// Where the finished file is downloaded from (with the token), and its name and size.
    pub download: Option<String>,
    pub file_name: String,
    pub bytes: Option<u64>,
}

struct Job {
    id: u64,
    output: PathBuf,
    file_name: String,
    started: Instant,
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    end: Mutex<Option<(Result<(), String>, f64)>>,
}

pub struct Renders {
    dir: PathBuf,
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
    backend: Backend,
    opts: RenderOptions,
    checks: Checks,
}

impl Renders {
    /// Makes the private folder renders go to.
    pub fn new(backend: Backend, opts: RenderOptions, checks: Checks) -> anyhow::Result<Renders> {
        use std::os::unix::fs::DirBuilderExt as _;
        let dir = std::env::temp_dir().join(format!(
            "gpucast-studio-{}-{}",
            std::process::id(),
            &super::guard::new_token()?[..8]
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| anyhow::anyhow!("cannot make {}: {e}", dir.display()))?;
        Ok(Renders {
            dir,
            next: AtomicU64::new(1),
            jobs: Mutex::new(HashMap::new()),
            backend,
            opts,
            checks,
        })
    }

    /// Starts rendering `text` (the project as the page has it) unless a render is running.
    pub fn start(
        &self,
        text: String,
        base: &Path,
        name: &str,
        request: &Request,
    ) -> Result<u64, String> {
        let format = request.format.to_ascii_lowercase();
        if !FORMATS.contains(&format.as_str()) {
            return Err(format!(
                "format: \"{}\" is not one of {}",
                request.format,
                FORMATS.join(", ")
            ));
        }
        if let Some(q) = request.quality {
            if q > 63 {
                return Err(format!("quality: {q} is over 63"));
            }
        }
        let speed = match &request.speed {
            Some(given) => crate::parse_choice::<Speed>("speed", given)?,
            None => Speed::Fast,
        };
        let mut jobs = self.jobs.lock().unwrap();
        if jobs.values().any(|j| j.end.lock().unwrap().is_none()) {
            return Err("a render is already running; cancel it or wait for it".into());
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let stem: String = Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(
                |c| match c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    true => c,
                    false => '_',
                },
            )
            .collect();
        let file_name = format!("{}.{format}", if stem.is_empty() { "video" } else { &stem });
        let folder = self.dir.join(id.to_string());
        std::fs::create_dir(&folder)
            .map_err(|e| format!("cannot make {}: {e}", folder.display()))?;
        let output = folder.join(&file_name);
        let job = Arc::new(Job {
            id,
            output: output.clone(),
            file_name,
            started: Instant::now(),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            end: Mutex::new(None),
        });
        let render = RenderJob {
            project: Source::Json {
                text,
                base: base.to_path_buf(),
            },
            output: Output::File(output.clone()),
            backend: self.backend,
            render: self.opts.clone(),
            video: VideoSettings {
                codec: encode::container::default_codec(&output),
                speed,
                quality: request.quality,
                ..VideoSettings::default()
            },
            audio: encode::AudioQuality::default(),
            captions: None,
            soft_subtitles: false,
            checks: self.checks,
            fingerprint: None,
            shard: None,
            transparent: false,
        };
        let worker = job.clone();
        std::thread::Builder::new()
            .name(format!("studio render {id}"))
            .spawn(move || {
                let result = crate::render(&render, &mut |done, total| {
                    worker.done.store(done, Ordering::Relaxed);
                    worker.total.store(total, Ordering::Relaxed);
                    match worker.cancel.load(Ordering::Relaxed) {
                        true => anyhow::bail!("cancelled"),
                        false => Ok(()),
                    }
                });
                let seconds = worker.started.elapsed().as_secs_f64();
                *worker.end.lock().unwrap() =
                    Some((result.map(|_| ()).map_err(|e| format!("{e:#}")), seconds));
            })
            .map_err(|e| format!("cannot start the render: {e}"))?;
        jobs.insert(id, job);
        Ok(id)
    }

    pub fn status(&self, id: u64, token: &str) -> Option<Status> {
        let job = self.jobs.lock().unwrap().get(&id)?.clone();
        let done = job.done.load(Ordering::Relaxed);
        let total = job.total.load(Ordering::Relaxed);
        let end = job.end.lock().unwrap().clone();
        let seconds = end
            .as_ref()
            .map_or_else(|| job.started.elapsed().as_secs_f64(), |e| e.1);
        let rate = done as f64 / seconds.max(1e-3);
        let (state, error) = match &end {
            None => ("running", None),
            Some((Ok(()), _)) => ("done", None),
            Some((Err(_), _)) if job.cancel.load(Ordering::Relaxed) => ("cancelled", None),
            Some((Err(e), _)) => ("failed", Some(e.clone())),
        };
        let finished = state == "done";
        Some(Status {
            id: job.id,
            state,
            frames_done: done,
            frames_total: total,
            frames_per_second: rate,
            seconds,
            seconds_left: (state == "running" && done > 0)
                .then(|| total.saturating_sub(done) as f64 / rate),
            error,
            download: finished.then(|| format!("/api/render/{id}/file?token={token}")),
            bytes: finished
                .then(|| std::fs::metadata(&job.output).ok().map(|m| m.len()))
                .flatten(),
            file_name: job.file_name.clone(),
        })
    }

    /// Asks a running render to stop; false when there is no such render.
    pub fn cancel(&self, id: u64) -> bool {
        match self.jobs.lock().unwrap().get(&id) {
            Some(job) => {
                job.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// A finished render's file and its name.
    pub fn file(&self, id: u64) -> Option<(PathBuf, String)> {
        let job = self.jobs.lock().unwrap().get(&id)?.clone();
        let done = matches!(&*job.end.lock().unwrap(), Some((Ok(()), _)));
        done.then(|| (job.output.clone(), job.file_name.clone()))
    }

    /// Stops every render, waits for them to end (their partial files removed) and removes
    /// the folder.
    pub fn close(&self) {
        let jobs: Vec<Arc<Job>> = self.jobs.lock().unwrap().values().cloned().collect();
        for job in &jobs {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while jobs.iter().any(|j| j.end.lock().unwrap().is_none()) && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
