//! A PNG per frame, the image sequence editors import (`-o frames/` or `-o frames/%05d.png`).
//!
//! Each distinct frame is encoded once; its repeats are hard links to it (copies where the file
//! system has none). The folder is written under a temporary name beside the target and renamed
//! when every frame is in it, like every output, so a folder under the target's name is whole.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::frame::{Format, Frame};
use crate::pending::PendingFile;

/// Where the frames go: a folder, and how frame numbers become file names in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    pub dir: PathBuf,
    prefix: String,
    digits: usize,
    suffix: String,
}

impl Sequence {
    /// `DIR/` (files `000000.png`, ...) or `DIR/NAME%0Nd.png`; `None` for any other output.
    pub fn from_path(path: &Path) -> Option<anyhow::Result<Sequence>> {
        let text = path.to_string_lossy();
        if text.ends_with('/') {
            return Some(Ok(Sequence {
                dir: PathBuf::from(text.trim_end_matches('/')),
                prefix: String::new(),
                digits: 6,
                suffix: ".png".into(),
            }));
        }
        let name = path.file_name()?.to_string_lossy().into_owned();
        let at = name.find('%')?;
        Some(Self::pattern(path, &name, at))
    }

    fn pattern(path: &Path, name: &str, at: usize) -> anyhow::Result<Sequence> {
        let bad = || {
            anyhow::anyhow!(
                "-o {}: an image sequence is a folder (`frames/`) or a pattern with one %d, \
                 %0Nd, ending in .png (`frames/%05d.png`)",
                path.display()
            )
        };
        let rest = &name[at + 1..];
        let d = rest.find('d').ok_or_else(bad)?;
        let width = &rest[..d];
        let digits = match width {
            "" => 1,
            w if w.starts_with('0') && w.len() >= 2 => w[1..].parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        let suffix = rest[d + 1..].to_string();
        anyhow::ensure!(
            !suffix.contains('%') && suffix.to_ascii_lowercase().ends_with(".png") && digits <= 12,
            bad()
        );
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => anyhow::bail!(
                "-o {}: put the images in a folder of their own (`frames/{name}`)",
                path.display()
            ),
        };
        Ok(Sequence {
            dir,
            prefix: name[..at].to_string(),
            digits,
            suffix,
        })
    }

    pub fn file_name(&self, frame: u64) -> String {
        format!(
            "{}{:0width$}{}",
            self.prefix,
            frame,
            self.suffix,
            width = self.digits
        )
    }

    /// Refuses a folder that holds anything already: the sequence replaces it whole.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.dir.exists() {
            let empty = std::fs::read_dir(&self.dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            anyhow::ensure!(
                self.dir.is_dir() && empty,
                "cannot write images into {}: it exists and is not an empty folder",
                self.dir.display()
            );
        }
        let parent = match self.dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        anyhow::ensure!(
            parent.is_dir(),
            "cannot write {}: folder {} does not exist",
            self.dir.display(),
            parent.display()
        );
        Ok(())
    }
}

/// Writes frames as PNG files into the sequence's folder.
pub struct ImageWriter {
    seq: Sequence,
    folder: PendingFile,
    /// Over the background, or the text alone with straight alpha.
    transparent: bool,
}

impl ImageWriter {
    pub fn create(seq: &Sequence, transparent: bool) -> anyhow::Result<ImageWriter> {
        seq.check()?;
        let folder = PendingFile::new(&seq.dir);
        std::fs::create_dir(folder.temp())
            .with_context(|| format!("cannot create {}", folder.temp().display()))?;
        Ok(ImageWriter {
            seq: seq.clone(),
            folder,
            transparent,
        })
    }
}

impl super::FrameSink for ImageWriter {
    fn format(&self) -> Format {
        Format::Rgba {
            transparent: self.transparent,
        }
    }

    /// `frame` is frame `start` and the `count - 1` after it.
    fn write(&mut self, frame: &Frame, start: u64, count: u64) -> anyhow::Result<()> {
        let img = frame.rgba()?;
        let first = self.folder.temp().join(self.seq.file_name(start));
        img.save_with_format(&first, image::ImageFormat::Png)
            .with_context(|| format!("cannot write {}", first.display()))?;
        for i in start + 1..start + count {
            let name = self.folder.temp().join(self.seq.file_name(i));
            if std::fs::hard_link(&first, &name).is_err() {
                std::fs::copy(&first, &name)
                    .with_context(|| format!("cannot write {}", name.display()))?;
            }
        }
        Ok(())
    }

    /// Moves the finished folder into place (replacing an empty one of that name).
    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        if self.seq.dir.is_dir() {
            std::fs::remove_dir(&self.seq.dir)
                .with_context(|| format!("cannot replace {}", self.seq.dir.display()))?;
        }
        self.folder.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_patterns_name_frames() {
        let s = Sequence::from_path(Path::new("out/")).unwrap().unwrap();
        assert_eq!(s.dir, Path::new("out"));
        assert_eq!(s.file_name(42), "000042.png");
        let s = Sequence::from_path(Path::new("a/b/f_%05d.png"))
            .unwrap()
            .unwrap();
        assert_eq!(s.dir, Path::new("a/b"));
        assert_eq!(s.file_name(7), "f_00007.png");
        assert_eq!(
            Sequence::from_path(Path::new("x/%d.PNG"))
                .unwrap()
                .unwrap()
                .file_name(12),
            "12.PNG"
        );
        assert!(Sequence::from_path(Path::new("video.mp4")).is_none());
        for bad in [
            "x/%5d.png",
            "x/%05d.jpg",
            "x/%05d%d.png",
            "%05d.png",
            "x/%0xd.png",
        ] {
            assert!(
                Sequence::from_path(Path::new(bad)).unwrap().is_err(),
                "{bad}"
            );
        }
    }
}
