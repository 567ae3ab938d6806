//! Which file an output path asks for, and what goes in it: the muxer, the video codecs it
//! takes, and its audio codec.

use std::path::Path;

use super::video::Codec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `.mp4` / `.m4v`: H.264, HEVC or AV1 with AAC, `+faststart`.
    Mp4,
    /// `.mov`: as MP4, for editors that prefer QuickTime files.
    Mov,
    /// `.mkv`: Matroska, any of the codecs, AAC.
    Mkv,
    /// `.webm`: VP9 or AV1 with Opus, for the web.
    Webm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioCodec {
    Aac,
    Opus,
}

impl Container {
    /// The container an output file's extension names.
    pub fn from_path(path: &Path) -> anyhow::Result<Container> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        Ok(match ext.as_str() {
            "mp4" | "m4v" => Container::Mp4,
            "mov" => Container::Mov,
            "mkv" => Container::Mkv,
            "webm" => Container::Webm,
            _ => anyhow::bail!(
                "-o {}: gpucast writes .mp4, .mov, .mkv or .webm files (or `-o -` for raw y4m)",
                path.display()
            ),
        })
    }

    /// FFmpeg's name for the muxer.
    pub fn muxer(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::Mkv => "matroska",
            Container::Webm => "webm",
        }
    }

    /// The codec used when none is asked for.
    pub fn default_codec(self) -> Codec {
        match self {
            Container::Webm => Codec::Vp9,
            _ => Codec::H264,
        }
    }

    pub fn takes(self, codec: Codec) -> bool {
        match self {
            Container::Webm => matches!(codec, Codec::Vp9 | Codec::Av1),
            Container::Mp4 => !matches!(codec, Codec::Vp9 | Codec::Prores),
            Container::Mov => codec != Codec::Vp9,
            Container::Mkv => true,
        }
    }

    pub fn audio(self) -> AudioCodec {
        match self {
            Container::Webm => AudioCodec::Opus,
            _ => AudioCodec::Aac,
        }
    }

    /// Whether the MP4 family's mov_text subtitle track can go in.
    pub fn takes_mov_text(self) -> bool {
        matches!(self, Container::Mp4 | Container::Mov)
    }
}

/// The codec for `path` when none is asked for: the container's default, or H.264 where the
/// extension is not one gpucast writes (that is refused later, in the render's own checks).
pub fn default_codec(path: &Path) -> Codec {
    Container::from_path(path).map_or(Codec::H264, Container::default_codec)
}

/// The codec for `path` with `--transparent`: one that carries alpha where the container has
/// one (ProRes 4444 in .mov and .mkv, VP9 in .webm), else the plain default (refused later).
pub fn default_alpha_codec(path: &Path) -> Codec {
    match Container::from_path(path) {
        Ok(Container::Mov | Container::Mkv) => Codec::Prores,
        Ok(Container::Webm) => Codec::Vp9,
        _ => default_codec(path),
    }
}

/// Refuses, before any work, an output that cannot hold what was asked for.
pub fn check(path: &Path, codec: Codec, soft_subtitles: bool) -> anyhow::Result<Container> {
    let container = Container::from_path(path)?;
    anyhow::ensure!(
        container.takes(codec),
        "--codec {} cannot go in a .{} file: {}",
        codec.name(),
        path.extension().unwrap_or_default().to_string_lossy(),
        match (container, codec) {
            (Container::Webm, _) => "WebM takes vp9 or av1",
            (_, Codec::Prores) => "use .mov or .mkv for prores",
            _ => "use .webm or .mkv for vp9",
        }
    );
    anyhow::ensure!(
        !soft_subtitles || container.takes_mov_text(),
        "--soft-subtitles needs an .mp4 or .mov output"
    );
    Ok(container)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_pick_containers_and_codecs() {
        let c = |p: &str| Container::from_path(Path::new(p));
        assert_eq!(c("a.mp4").unwrap(), Container::Mp4);
        assert_eq!(c("a.WebM").unwrap(), Container::Webm);
        assert_eq!(c("dir/a.mkv").unwrap().muxer(), "matroska");
        let e = c("a.avi").unwrap_err().to_string();
        assert!(
            e.contains("-o a.avi: gpucast writes .mp4, .mov, .mkv or .webm"),
            "{e}"
        );
        assert!(c("noext").is_err());
        assert_eq!(Container::Webm.default_codec(), Codec::Vp9);
        assert!(!Container::Webm.takes(Codec::H264));
        assert!(Container::Webm.takes(Codec::Av1));
        assert!(!Container::Mp4.takes(Codec::Vp9));
        assert_eq!(Container::Webm.audio(), AudioCodec::Opus);
    }
}
