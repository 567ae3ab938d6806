//! Inputs are plain local files. A path a project (or the command line) names is opened as that
//! file and nothing else: a FIFO, a device, a socket or a folder is refused by its type before
//! anything opens it (opening a FIFO would wait for a writer forever), and FFmpeg is handed the
//! path through its `file` protocol alone (`media::open_input`), so that no name a shared
//! project holds (`http:`, `concat:`, `pipe:`, an image-sequence pattern) reaches the network or
//! files it does not name.

use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};

/// Refuses `path` unless it is a regular file (after following links), saying what it is.
pub fn plain_file(path: &Path) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| anyhow::anyhow!("cannot read it: {e}"))?;
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    anyhow::bail!("it is {what}, not a file")
}

/// What is wrong with `path` as an input file, as a project's problem says it: missing, or
/// not a regular file (and what it is instead).
pub fn problem(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!("file not found: {}", path.display()));
        }
        // A loop of links, a folder that cannot be entered: say so, not "not found".
        Err(e) => return Some(format!("{}: cannot read it: {e}", path.display())),
        Ok(_) => {}
    }
    plain_file(path)
        .err()
        .map(|e| format!("{}: {e}", path.display()))
}

/// One name for one file however it is spelled: the real path where it exists, else its
/// folder's real path and its name.
pub fn same_file(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), path.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Whether `a` and `b` name one file (either may not exist yet).
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    same_file(a) == same_file(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_named_by_type() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, b"x").unwrap();
        assert!(plain_file(&file).is_ok());
        let err = |p: &Path| plain_file(p).unwrap_err().to_string();
        assert_eq!(err(dir.path()), "it is a folder, not a file");
        assert_eq!(err(Path::new("/dev/null")), "it is a device, not a file");
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(err(&fifo), "it is a FIFO (named pipe), not a file");
        assert!(err(&dir.path().join("missing")).starts_with("cannot read it: "));
    }
}
