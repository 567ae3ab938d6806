//! What an output was made from, as one SHA-256: gpucast's version, the project (file, JSON or
//! timings and their import options), every file it reads (narration, background image, fonts,
//! music, script) and the render settings. Written into the output's metadata by batch renders,
//! so that a rerun can tell a finished output from one that is stale or was never finished;
//! the content part alone is recorded in the parts of a sharded render.

use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use crate::job::{RenderJob, Source};
use crate::prepare::Prepared;

/// The metadata key the fingerprint is stored under.
pub const KEY: &str = "gpucast_input";

/// The fingerprint of rendering `job` (already prepared as `p`): the content and the settings.
pub fn of(p: &Prepared, job: &RenderJob) -> anyhow::Result<String> {
    let mut h = Sha256::new();
    field(&mut h, "version", env!("CARGO_PKG_VERSION").as_bytes());
    let settings = format!(
        "{:?} {:?} {:?} {:?}",
        job.backend, job.video, job.audio, job.soft_subtitles
    );
    field(&mut h, "settings", settings.as_bytes());
    field(&mut h, "content", content(p, &job.project)?.as_bytes());
    Ok(format!("sha256:{:x}", h.finalize()))
}

/// The fingerprint of what a project is made of, whatever it is rendered with: the project
/// (file, JSON or timings with their import options) and every file it reads. The parts of one
/// video record it, and the join compares it with the project it is given.
pub fn content(p: &Prepared, source: &Source) -> anyhow::Result<String> {
    let mut h = Sha256::new();
    match source {
        Source::Json { text, .. } => field(&mut h, "json", text.as_bytes()),
        Source::Timings { options, .. } => {
            field(&mut h, "import", format!("{options:?}").as_bytes())
        }
        Source::Project(_) => {}
    }
    let mut files = p.project.files();
    files.extend(source.files());
    files.sort();
    files.dedup();
    for path in files {
        let mut file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut buf = vec![0u8; 1 << 16];
        // Each file's bytes are framed by its length, so that moving bytes between two files
        // changes the fingerprint.
        let mut len = 0u64;
        let mut inner = Sha256::new();
        loop {
            let n = file
                .read(&mut buf)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if n == 0 {
                break;
            }
            inner.update(&buf[..n]);
            len += n as u64;
        }
        h.update(len.to_le_bytes());
        h.update(inner.finalize());
    }
    Ok(format!("sha256:{:x}", h.finalize()))
}

fn field(h: &mut Sha256, name: &str, bytes: &[u8]) {
    h.update((name.len() as u64).to_le_bytes());
    h.update(name.as_bytes());
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The fingerprint recorded in an existing output, if it has one.
pub fn recorded(output: &Path) -> Option<String> {
    crate::media::init();
    let input = crate::media::open_input(output).ok()?;
    let value = input.metadata().get(KEY).map(str::to_string);
    value
}
