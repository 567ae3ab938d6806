//! The project the studio has open: the file as last read or saved (its version), the draft the
//! page is editing (checked and laid out, so that frames are drawn from it), and the frames
//! drawn so far.
//!
//! A draft is any edit of the project the page sends; it is checked exactly as `gpucast
//! validate` checks a file, so the preview is the render and a saved file loads. Drafts may
//! name only the files the project named when the studio opened it: a request never chooses
//! what the studio reads.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use crate::frame::Format;
use crate::project::{self, raw::RawProject, AudioInfo};
use crate::render::{self, Backend, RenderOptions, Renderer};
use crate::Prepared;

/// The draft's frames kept as PNGs, at most this many bytes (a preview frame is about 100 KB, a
/// full-size one 1 to 3 MB); past it the cache starts again.
const CACHED_BYTES: usize = 128 << 20;

/// One checked edit of the project.
pub struct Draft {
    pub id: u64,
    pub text: String,
    /// Laid out and planned; `None` while the draft has problems (the preview keeps the last
    /// good draft's).
    pub prepared: Option<Arc<Prepared>>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// Why a save was refused.
pub enum SaveError {
    /// The project has problems: nothing was written.
    Invalid(Vec<String>),
    /// The file changed on disk since the page loaded it.
    Changed,
    Failed(anyhow::Error),
}

pub struct Session {
    /// The project file (symbolic links followed, so that a save replaces the file itself).
    pub path: PathBuf,
    base: PathBuf,
    /// Every file the project named when opened, as written.
    files: BTreeSet<String>,
    backend: Backend,
    opts: RenderOptions,
    state: Mutex<State>,
    drawing: Mutex<Drawing>,
}

struct State {
    /// SHA-256 of the file as last read or written.
    version: String,
    disk: String,
    draft: Arc<Draft>,
    /// The last draft without problems: what the preview shows.
    shown: Option<Arc<Draft>>,
    next_id: u64,
    /// Narration and music measured once, by the path they resolve to.
    audio: HashMap<PathBuf, AudioInfo>,
}

/// The renderer of the draft shown, and its frames as PNGs by (draft, distinct frame, width).
struct Drawing {
    draft: u64,
    renderer: Option<Box<dyn Renderer>>,
    pngs: HashMap<(u64, usize, u32), Arc<Vec<u8>>>,
    bytes: usize,
}

/// A drawn frame: which draft and frame it is, and the PNG.
pub struct FramePng {
    pub draft: u64,
    pub frame: u64,
    pub png: Arc<Vec<u8>>,
}

pub fn version_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session {
    pub fn open(path: &Path, backend: Backend, opts: RenderOptions) -> anyhow::Result<Session> {
        let path = std::fs::canonicalize(path)
            .with_context(|| format!("cannot open project file {}", path.display()))?;
        crate::inputs::plain_file(&path)
            .with_context(|| format!("cannot open project file {}", path.display()))?;
        let text = read_text(&path)?;
        // A file that is not a project at all cannot be edited here; one with problems can.
        let raw = project::parse(&path, &text)?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let session = Session {
            files: named_files(&raw),
            path,
            base,
            backend,
            opts,
            state: Mutex::new(State {
                version: version_of(text.as_bytes()),
                disk: text.clone(),
                draft: Arc::new(Draft {
                    id: 0,
                    text: String::new(),
                    prepared: None,
                    problems: Vec::new(),
                    warnings: Vec::new(),
                }),
                shown: None,
                next_id: 1,
                audio: HashMap::new(),
            }),
            drawing: Mutex::new(Drawing {
                draft: 0,
                renderer: None,
                pngs: HashMap::new(),
                bytes: 0,
            }),
        };
        session.set_draft(&text);
        Ok(session)
    }

    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The project file as it is on disk now, and its version: read again, so that a page
    /// reloaded after someone else's edit shows it and may then save over it knowingly. The
    /// text last read stands in when the file cannot be read.
    pub fn disk(&self) -> (String, String) {
        let now = read_text(&self.path).ok();
        let mut s = self.state.lock().unwrap();
        if let Some(text) = now {
            s.version = version_of(text.as_bytes());
            s.disk = text;
        }
        (s.disk.clone(), s.version.clone())
    }

    pub fn draft(&self) -> Arc<Draft> {
        self.state.lock().unwrap().draft.clone()
    }

    /// The draft the preview draws: the last one without problems.
    pub fn shown(&self) -> Option<Arc<Draft>> {
        self.state.lock().unwrap().shown.clone()
    }

    /// The narration the project names, as resolved (for the page's player).
    pub fn narration(&self) -> Option<PathBuf> {
        self.shown()
            .and_then(|d| d.prepared.as_ref().map(|p| p.project.audio.clone()))
    }

    /// Checks `text` as the project and makes it the draft (and, without problems, what the
    /// preview shows).
    pub fn set_draft(&self, text: &str) -> Arc<Draft> {
        let known: HashMap<PathBuf, AudioInfo> = self.state.lock().unwrap().audio.clone();
        let (prepared, problems, warnings, measured) = self.check(text, known);
        let mut s = self.state.lock().unwrap();
        s.audio.extend(measured);
        let draft = Arc::new(Draft {
            id: s.next_id,
            text: text.to_string(),
            prepared: prepared.map(Arc::new),
            problems,
            warnings,
        });
        s.next_id += 1;
        s.draft = draft.clone();
        if draft.prepared.is_some() {
            s.shown = Some(draft.clone());
        }
        draft
    }

    /// Loads, resolves and lays out `text` as the project at this path would be. Returns the
    /// prepared project or the problems, the warnings, and what audio it measured.
    fn check(
        &self,
        text: &str,
        known: HashMap<PathBuf, AudioInfo>,
    ) -> (
        Option<Prepared>,
        Vec<String>,
        Vec<String>,
        HashMap<PathBuf, AudioInfo>,
    ) {
        let problems_of = |e: anyhow::Error| match e.downcast::<project::InvalidProject>() {
            Ok(invalid) => invalid.problems,
            Err(e) => vec![format!("{e:#}")],
        };
        let raw = match project::parse(&self.path, text) {
            Ok(raw) => raw,
            Err(e) => return (None, problems_of(e), Vec::new(), HashMap::new()),
        };
        let foreign: Vec<String> = named_files(&raw)
            .difference(&self.files)
            .map(|f| {
                format!(
                    "{f}: the studio reads only the files the project named when it opened; \
                     edit the file and open the studio again to use another"
                )
            })
            .collect();
        if !foreign.is_empty() {
            return (None, foreign, Vec::new(), HashMap::new());
        }
        let measured = Mutex::new(known);
        let probe = |p: &Path| -> anyhow::Result<AudioInfo> {
            if let Some(info) = measured.lock().unwrap().get(p) {
                return Ok(info.clone());
            }
            let info = crate::media::audio::probe(p)?;
            measured
                .lock()
                .unwrap()
                .insert(p.to_path_buf(), info.clone());
            Ok(info)
        };
        let resolved = project::resolve(raw, &self.base, &probe);
        let measured = measured.into_inner().unwrap();
        let project = match resolved {
            Ok(p) => p,
            Err(problems) => return (None, problems, Vec::new(), measured),
        };
        match crate::prepare_project(project) {
            Ok(p) => {
                let warnings = p.warnings();
                (Some(p), Vec::new(), warnings, measured)
            }
            Err(e) => (None, problems_of(e), Vec::new(), measured),
        }
    }

    /// Saves `text` as the project file: checked first, refused if the file changed since it
    /// was read (`expected`, or the version the studio last read or wrote), the previous file
    /// kept as `NAME.bak`, the new one written whole under a temporary name and renamed into
    /// place. Returns the new version.
    pub fn save(&self, text: &str, expected: Option<&str>) -> Result<String, SaveError> {
        let draft = self.set_draft(text);
        if !draft.problems.is_empty() {
            return Err(SaveError::Invalid(draft.problems.clone()));
        }
        let mut s = self.state.lock().unwrap();
        let on_disk = std::fs::read(&self.path).map_err(|e| {
            SaveError::Failed(anyhow::anyhow!("cannot read {}: {e}", self.path.display()))
        })?;
        let now = version_of(&on_disk);
        if now != expected.unwrap_or(&s.version) || now != s.version {
            return Err(SaveError::Changed);
        }
        let write = || -> anyhow::Result<()> {
            let permissions = std::fs::metadata(&self.path)?.permissions();
            let mut bak = self.path.clone().into_os_string();
            bak.push(".bak");
            let bak = PathBuf::from(bak);
            let file = crate::pending::PendingFile::new(&bak);
            std::fs::write(file.temp(), &on_disk)?;
            std::fs::set_permissions(file.temp(), permissions.clone())?;
            file.commit()?;
            let file = crate::pending::PendingFile::new(&self.path);
            std::fs::write(file.temp(), text)?;
            std::fs::set_permissions(file.temp(), permissions)?;
            file.commit()
        };
        write()
            .with_context(|| format!("cannot save {}", self.path.display()))
            .map_err(SaveError::Failed)?;
        s.version = version_of(text.as_bytes());
        s.disk = text.to_string();
        Ok(s.version.clone())
    }

    /// The frame shown at `seconds` of the previewed draft, as PNG, `width` pixels wide
    /// (scaled down from the frame `gpucast frame` draws) or full size.
    pub fn frame(&self, seconds: f64, width: Option<u32>) -> anyhow::Result<FramePng> {
        let draft = self
            .shown()
            .context("the project has problems: no frame to show until they are fixed")?;
        let p = draft.prepared.as_ref().context("no frame to show")?;
        let frame = crate::frame_index_at(p, seconds)?;
        let run = p
            .timeline
            .run_at(frame)
            .context("frame outside the timeline")?;
        let key = &p.timeline.runs[run].key;
        let full = p.project.width;
        let width = width.unwrap_or(full).clamp(16, full);
        let mut d = self.drawing.lock().unwrap();
        if d.draft != draft.id {
            d.draft = draft.id;
            d.renderer = None;
            d.pngs.clear();
            d.bytes = 0;
        }
        if let Some(png) = d.pngs.get(&(draft.id, run, width)) {
            return Ok(FramePng {
                draft: draft.id,
                frame,
                png: png.clone(),
            });
        }
        if d.renderer.is_none() {
            d.renderer = Some(render::create(
                self.backend,
                p.scene.clone(),
                &self.opts,
                Format::Yuv420,
            )?);
        }
        let r = d.renderer.as_mut().unwrap();
        r.submit(std::slice::from_ref(key))?;
        let yuv = r
            .finish()?
            .pop()
            .context("the renderer returned no frame")?
            .into_yuv()?;
        let mut rgb = yuv.to_rgb();
        if width < full {
            let height = ((p.project.height as u64 * width as u64 + full as u64 / 2) / full as u64)
                .max(1) as u32;
            rgb = shrink(&rgb, width, height);
        }
        let png = Arc::new(encode_png(&rgb)?);
        if d.bytes + png.len() > CACHED_BYTES {
            d.pngs.clear();
            d.bytes = 0;
        }
        d.bytes += png.len();
        d.pngs.insert((draft.id, run, width), png.clone());
        Ok(FramePng {
            draft: draft.id,
            frame,
            png,
        })
    }

    pub fn base(&self) -> &Path {
        &self.base
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read project file {}", path.display()))?;
    anyhow::ensure!(
        meta.len() <= project::limits::PROJECT_BYTES,
        "{}: {} MB is over the {} MB limit for project files",
        path.display(),
        meta.len() >> 20,
        project::limits::PROJECT_BYTES >> 20
    );
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read project file {}", path.display()))
}

/// Every file a project names, as written: its inputs and a look file.
fn named_files(raw: &RawProject) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = raw.files().into_iter().map(str::to_string).collect();
    if let Some(look) = &raw.look {
        if project::looks::is_path(look) {
            files.insert(look.clone());
        }
    }
    files
}

/// `img` made smaller by averaging the pixels each output pixel covers (a box filter: exact for
/// whole factors, such as 1920 to 960), several times faster than a filter with a wider kernel.
fn shrink(img: &image::RgbImage, width: u32, height: u32) -> image::RgbImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let span = |i: usize, out: usize, full: usize| {
        let a = i * full / out;
        (a, ((i + 1) * full / out).max(a + 1).min(full))
    };
    let cols: Vec<(usize, usize)> = (0..width as usize)
        .map(|x| span(x, width as usize, w))
        .collect();
    let src = img.as_raw();
    let mut out = Vec::with_capacity(width as usize * height as usize * 3);
    let mut sums = vec![0u32; w * 3];
    for y in 0..height as usize {
        let (y0, y1) = span(y, height as usize, h);
        sums.iter_mut().for_each(|s| *s = 0);
        for row in src[y0 * w * 3..y1 * w * 3].chunks_exact(w * 3) {
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += v as u32;
            }
        }
        for &(x0, x1) in &cols {
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            for c in 0..3 {
                let total: u32 = (x0..x1).map(|x| sums[x * 3 + c]).sum();
                out.push(((total + n / 2) / n) as u8);
            }
        }
    }
    image::RgbImage::from_raw(width, height, out).expect("the size it was made for")
}

/// A PNG made fast rather than small: it crosses a loopback socket once.
fn encode_png(img: &image::RgbImage) -> anyhow::Result<Vec<u8>> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub).write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn shrinking_averages_what_each_pixel_covers() {
        let img =
            image::RgbImage::from_fn(4, 2, |x, y| image::Rgb([(x * 10 + y * 100) as u8, 7, 255]));
        let half = super::shrink(&img, 2, 1);
        // Pixel 0 covers x 0..2, y 0..2: (0 + 10 + 100 + 110) / 4 = 55.
        assert_eq!(half.get_pixel(0, 0).0, [55, 7, 255]);
        assert_eq!(half.get_pixel(1, 0).0, [75, 7, 255]);
        let odd = super::shrink(&img, 3, 2);
        assert_eq!(odd.dimensions(), (3, 2));
    }
}
