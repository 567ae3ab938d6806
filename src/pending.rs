//! Outputs that appear whole or not at all: every file gpucast writes (a video, a project, a
//! PNG, a folder of images) is made under a hidden `.NAME.PID-N.partial` name beside its target,
//! synced, and renamed into place; an unfinished one is removed on error, on drop, and by
//! `remove_pending_files` when a second signal ends the process at once.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Refuses an output that cannot be written, before any work: a folder, or a path in a folder
/// that does not exist.
pub fn check_writable(path: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !path.is_dir(),
        "cannot write {}: it is a folder",
        path.display()
    );
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    anyhow::ensure!(
        dir.is_dir(),
        "cannot write {}: folder {} does not exist",
        path.display(),
        dir.display()
    );
    Ok(())
}

/// A file (or a folder of images) that exists under its final name only once `commit` is
/// called.
pub struct PendingFile {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl PendingFile {
    pub fn new(target: &Path) -> PendingFile {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        // Unique per output, not per process: two jobs of one batch never share a partial file.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = target.with_file_name(format!(".{name}.{}-{n}.partial", std::process::id()));
        pending_files().push(temp.clone());
        PendingFile {
            target: target.to_path_buf(),
            temp,
            committed: false,
        }
    }

    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Moves the finished file into place. Its data reaches the disk before the rename, and the
    /// rename before this returns, so a crash right after "done" never leaves a truncated video.
    pub fn commit(self) -> anyhow::Result<()> {
        // A signal that arrived while the file was being finished still wins.
        crate::cancel::check()?;
        self.commit_after_stop()
    }

    /// `commit`, also after a signal: for the record of what a stopped run did (a batch's
    /// report), which must be written then most of all.
    pub fn commit_after_stop(mut self) -> anyhow::Result<()> {
        std::fs::File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        std::fs::rename(&self.temp, &self.target).with_context(|| {
            format!(
                "cannot move {} into place as {}",
                self.temp.display(),
                self.target.display()
            )
        })?;
        self.committed = true;
        let dir = match self.target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // A directory opened read-only can be synced on Linux; elsewhere this may be refused,
        // which costs only the guarantee, not the file.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.committed {
            remove(&self.temp);
        }
        pending_files().retain(|p| p != &self.temp);
    }
}

/// Removes an unfinished output: a file, or a folder of images.
fn remove(temp: &Path) {
    if temp.is_dir() {
        let _ = std::fs::remove_dir_all(temp);
    } else {
        let _ = std::fs::remove_file(temp);
    }
}

fn pending_files() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    static FILES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    FILES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every unfinished output, for an exit that cannot unwind (a second Ctrl-C).
pub fn remove_pending_files() {
    for p in pending_files().iter() {
        remove(p);
    }
}
