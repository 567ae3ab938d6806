//! `gpucast._gpucast`: the library behind the Python package. The Python layer
//! (`python/gpucast/__init__.py`) adds what is easier there (dicts to JSON, NumPy arrays, PIL);
//! everything here maps Python arguments onto the same `gpucast` calls the CLI makes, and
//! gpucast's errors onto Python exceptions.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

use clap::ValueEnum;
use gpucast::encode::{AudioQuality, Codec, Repeats, Speed, VideoSettings};
use gpucast::project::InvalidProject;
use gpucast::{Backend, Checks, Output, RenderJob, RenderOptions, Source};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

create_exception!(_gpucast, Error, PyException, "Base of every gpucast error.");
create_exception!(
    _gpucast,
    ProjectError,
    Error,
    "The project (or its timings, audio, fonts, images) is not valid; `.problems` lists each \
     problem with the path of its field."
);
create_exception!(
    _gpucast,
    EncoderError,
    Error,
    "No video encoder asked for works on this machine."
);
create_exception!(
    _gpucast,
    RenderError,
    Error,
    "Drawing, encoding or writing the video failed."
);

/// One problem in a project: the field's path (`slides[2].words[0].start`) and what is wrong.
#[pyclass(frozen, get_all, module = "gpucast")]
#[derive(Clone)]
struct Problem {
    path: String,
    message: String,
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!("Problem(path={:?}, message={:?})", self.path, self.message)
    }
    fn __str__(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.path, self.message)
        }
    }
}

/// The problems of a failed load: each of an invalid project's, or the one error otherwise.
fn problems(e: &anyhow::Error) -> Vec<Problem> {
    if let Some(invalid) = e.chain().find_map(|c| c.downcast_ref::<InvalidProject>()) {
        return invalid
            .problems
            .iter()
            .map(|p| match p.split_once(": ") {
                // A path has no spaces; a message that merely contains ": " is kept whole.
                Some((path, message)) if !path.contains(' ') => Problem {
                    path: path.to_string(),
                    message: message.to_string(),
                },
                _ => Problem {
                    path: String::new(),
                    message: p.clone(),
                },
            })
            .collect();
    }
    vec![Problem {
        path: String::new(),
        message: format!("{e:#}"),
    }]
}

fn project_error(py: Python<'_>, e: &anyhow::Error) -> PyErr {
    let err = ProjectError::new_err(format!("{e:#}"));
    let list: Vec<Problem> = problems(e);
    if let Err(set) = err.value(py).setattr("problems", list) {
        return set;
    }
    err
}

/// Loads, checks and lays out a project without the GIL; any failure is a ProjectError.
fn prepare(py: Python<'_>, source: Source, checks: Checks) -> PyResult<gpucast::Prepared> {
    py.detach(move || {
        let p = gpucast::prepare_source(&source)?;
        p.check(&checks)?;
        Ok::<_, anyhow::Error>(p)
    })
    .map_err(|e| project_error(py, &e))
}

/// A project: from a file, from a dict (as JSON), or from another tool's timings. Nothing is
/// read until it is used, so an invalid one can be asked for its problems.
#[pyclass(frozen, module = "gpucast")]
struct Project {
    source: Source,
}

fn value<T: ValueEnum>(arg: &str, given: &str) -> PyResult<T> {
    gpucast::parse_choice(arg, given).map_err(PyValueError::new_err)
}

#[pymethods]
impl Project {
    #[staticmethod]
    fn load(path: PathBuf) -> Project {
        Project {
            source: Source::Project(path),
        }
    }

    /// `text`: the project's JSON; relative paths in it are taken from `base`.
    #[staticmethod]
    fn from_json(text: String, base: PathBuf) -> Project {
        Project {
            source: Source::Json { text, base },
        }
    }

    #[staticmethod]
    #[pyo3(signature = (timings, audio, text=None, preset=None, format="auto", max_lines=None, max_words=None, offset=0.0, look=None, emphasize=None, translation=None, snap=false, voice=None))]
    #[allow(clippy::too_many_arguments)]
    fn from_timings(
        timings: PathBuf,
        audio: PathBuf,
        text: Option<PathBuf>,
        preset: Option<String>,
        format: &str,
        max_lines: Option<usize>,
        max_words: Option<usize>,
        offset: f64,
        look: Option<String>,
        emphasize: Option<PathBuf>,
        translation: Option<PathBuf>,
        snap: bool,
        voice: Option<String>,
    ) -> PyResult<Project> {
        if !offset.is_finite() {
            return Err(PyValueError::new_err(format!(
                "offset={offset} is not a number of seconds"
            )));
        }
        Ok(Project {
            source: Source::Timings {
                timings,
                audio,
                options: gpucast::import::Options {
                    format: Some(format.to_string()),
                    script: text,
                    preset,
                    max_lines,
                    max_words,
                    offset,
                    look,
                    emphasize,
                    translation,
                    snap,
                    voice,
                    ..Default::default()
                },
            },
        })
    }

    /// Every problem, as a list (empty when the project is valid); never raises for the
    /// project's content.
    #[pyo3(signature = (strict=false, allow_partial_audio=false))]
    fn validate(&self, py: Python<'_>, strict: bool, allow_partial_audio: bool) -> Vec<Problem> {
        let checks = Checks {
            strict,
            allow_partial_audio,
        };
        let source = self.source.clone();
        py.detach(
            move || match gpucast::prepare_source(&source).and_then(|p| p.check(&checks)) {
                Ok(()) => Vec::new(),
                Err(e) => problems(&e),
            },
        )
    }

    /// What a render would make: size, rate, duration, frames and distinct frames, slides,
    /// words, warnings. Raises ProjectError when the project is not valid.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let source = self.source.clone();
        let p = py
            .detach(move || gpucast::prepare_source(&source))
            .map_err(|e| project_error(py, &e))?;
        let d = PyDict::new(py);
        let pr = &p.project;
        d.set_item("width", pr.width)?;
        d.set_item("height", pr.height)?;
        d.set_item("fps", pr.fps.as_f64())?;
        d.set_item("duration", pr.duration())?;
        d.set_item("frames", p.timeline.frame_count)?;
        d.set_item("distinct_frames", p.timeline.distinct_frames())?;
        d.set_item("slides", pr.slides.len())?;
        d.set_item("words", pr.word_count())?;
        d.set_item("warnings", p.warnings())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        match &self.source {
            Source::Project(p) => format!("Project.load({:?})", p.display().to_string()),
            Source::Json { .. } => "Project.from_dict(...)".into(),
            Source::Timings { timings, .. } => {
                format!(
                    "Project.from_timings({:?}, ...)",
                    timings.display().to_string()
                )
            }
        }
    }
}

/// What stopped a render from Python: the callback's own exception, or a signal.
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped from Python")
    }
}

impl std::error::Error for Stopped {}

/// Renders `project` to `output` (an MP4). Mirrors `gpucast render`'s options.
#[pyfunction]
#[pyo3(signature = (project, output, *, backend="auto", encoder="auto", codec="auto", speed="fast", quality=None, encoder_preset=None, encoder_threads=4, vfr=false, repeat_frames="skip", audio_quality="standard", captions=None, soft_subtitles=false, threads=0, batch=0, adapter=None, strict=false, allow_partial_audio=false, progress=None, cancel=None))]
#[allow(clippy::too_many_arguments)]
fn render<'py>(
    py: Python<'py>,
    project: &Project,
    output: PathBuf,
    backend: &str,
    encoder: &str,
    codec: &str,
    speed: &str,
    quality: Option<u32>,
    encoder_preset: Option<String>,
    encoder_threads: usize,
    vfr: bool,
    repeat_frames: &str,
    audio_quality: &str,
    captions: Option<PathBuf>,
    soft_subtitles: bool,
    threads: usize,
    batch: usize,
    adapter: Option<String>,
    strict: bool,
    allow_partial_audio: bool,
    progress: Option<Py<PyAny>>,
    cancel: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let repeats = Repeats::from_options(vfr, value("repeat_frames", repeat_frames)?);
    if output.as_os_str() == "-" {
        return Err(PyValueError::new_err(
            "output: give a file name (standard output is the CLI's `-o -`)",
        ));
    }
    let job = RenderJob {
        project: project.source.clone(),
        output: Output::File(output.clone()),
        backend: value::<Backend>("backend", backend)?,
        render: RenderOptions {
            threads,
            batch,
            adapter,
        },
        video: VideoSettings {
            encoder: (encoder != "auto").then(|| encoder.to_string()),
            codec: match codec {
                "auto" => gpucast::encode::container::default_codec(&output),
                c => value::<Codec>("codec", c)?,
            },
            speed: value::<Speed>("speed", speed)?,
            quality,
            preset: encoder_preset,
            threads: encoder_threads.max(1),
            repeats,
            ..VideoSettings::default()
        },
        audio: value::<AudioQuality>("audio_quality", audio_quality)?,
        captions,
        soft_subtitles,
        checks: Checks {
            strict,
            allow_partial_audio,
        },
        fingerprint: None,
        shard: None,
        transparent: false,
    };
    // The output's container must take the codec (and subtitles) asked for. (A folder is
    // named as such by the render's own checks.)
    if !output.is_dir() {
        gpucast::encode::container::check(&output, job.video.codec, soft_subtitles)
            .map_err(|e| PyValueError::new_err(format!("{e:#}")))?;
    }
    let source = job.project.clone();
    let checks = job.checks;
    let prepared = prepare(py, source, checks)?;

    // Python runs only between runs of frames, with the GIL taken back: Ctrl-C (on the main
    // thread), `cancel.is_set()` and the callback's own exceptions all stop the render there.
    let stop: Mutex<Option<PyErr>> = Mutex::new(None);
    let result = py.detach(|| {
        gpucast::render_prepared(&prepared, &job, &mut |done, total| {
            Python::attach(|py| {
                let outcome = py.check_signals().and_then(|()| {
                    if let Some(c) = &cancel {
                        if c.bind(py).call_method0("is_set")?.is_truthy()? {
                            return Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(
                                "render cancelled",
                            ));
                        }
                    }
                    if let Some(cb) = &progress {
                        cb.bind(py).call1((done, total))?;
                    }
                    Ok(())
                });
                outcome.map_err(|e| {
                    *stop.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    anyhow::Error::new(Stopped)
                })
            })
        })
    });
    match result {
        Ok(s) => {
            let d = PyDict::new(py);
            d.set_item("frames", s.stats.frames)?;
            d.set_item("distinct_frames", s.stats.distinct_frames)?;
            d.set_item("seconds", s.stats.wall.as_secs_f64())?;
            d.set_item("renderer", s.renderer)?;
            d.set_item("encoder", s.encoder)?;
            Ok(d)
        }
        Err(e) => {
            if let Some(err) = stop.lock().unwrap_or_else(|p| p.into_inner()).take() {
                return Err(err);
            }
            if e.chain()
                .any(|c| c.is::<gpucast::encode::video::NoEncoder>())
            {
                return Err(EncoderError::new_err(format!("{e:#}")));
            }
            Err(RenderError::new_err(format!("{e:#}")))
        }
    }
}

/// The frame shown at `t` seconds: (RGB bytes, width, height).
#[pyfunction]
#[pyo3(signature = (project, t, *, backend="cpu", threads=0, adapter=None, strict=false, allow_partial_audio=false))]
#[allow(clippy::too_many_arguments)]
fn frame<'py>(
    py: Python<'py>,
    project: &Project,
    t: f64,
    backend: &str,
    threads: usize,
    adapter: Option<String>,
    strict: bool,
    allow_partial_audio: bool,
) -> PyResult<(Bound<'py, PyBytes>, u32, u32)> {
    let backend = value::<Backend>("backend", backend)?;
    let source = project.source.clone();
    let checks = Checks {
        strict,
        allow_partial_audio,
    };
    let prepared = prepare(py, source, checks)?;
    let opts = RenderOptions {
        threads,
        batch: 0,
        adapter,
    };
    let img = py
        .detach(|| gpucast::frame_of(&prepared, t, backend, &opts))
        .map_err(|e| {
            if e.to_string().contains("is outside the video") {
                PyValueError::new_err(format!("t: {e:#}"))
            } else {
                RenderError::new_err(format!("{e:#}"))
            }
        })?;
    let (w, h) = img.dimensions();
    Ok((PyBytes::new(py, img.as_raw()), w, h))
}

/// Runs the `gpucast` command line (`args[0]` is the program's name); returns its exit code.
#[pyfunction]
fn cli(py: Python<'_>, args: Vec<OsString>) -> u8 {
    py.detach(|| gpucast::cli::run(args))
}

#[pymodule]
fn _gpucast(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Before any thread of ours runs: Mesa and SVT-AV1 read these when they load.
    gpucast::native::quiet();
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("ProjectError", py.get_type::<ProjectError>())?;
    m.add("EncoderError", py.get_type::<EncoderError>())?;
    m.add("RenderError", py.get_type::<RenderError>())?;
    m.add_class::<Problem>()?;
    m.add_class::<Project>()?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(frame, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
