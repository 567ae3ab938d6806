//! The `gpucast` command line: parse, run, report. The binary (`src/main.rs`) and the Python
//! package's `gpucast` command both run it; all work is in the rest of the library.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Instant;

use crate as gpucast;
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use gpucast::encode::{AudioQuality, Codec, RepeatFrames, Repeats, Speed, VideoSettings};
use gpucast::{Output, RenderJob};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`gpucast validate p.json | head -1`).
macro_rules! out {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

mod args;
mod report;
mod sync;
use args::{DrawArgs, ImportArgs, SourceArgs};
use report::{print_import_summary, Reporter};

#[derive(Parser)]
#[command(
    name = "gpucast",
    version,
    about = "Narrated slides with word-by-word highlighting, rendered to video"
)]
struct Cli {
    /// More log output (-v: stages and timings, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Only errors: no progress, no warnings.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Warnings are errors: a clamped word time, text that overflows the frame, a character no
    /// font has.
    #[arg(long, global = true)]
    strict: bool,
    /// Render narration that is damaged or cut short, with silence where audio is missing
    /// (without it such a file is an error).
    #[arg(long, global = true)]
    allow_partial_audio: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a project to a video file (.mp4, .mov, .mkv, .webm), or y4m on stdout with `-o -`.
    Render {
        #[command(flatten)]
        source: SourceArgs,
        /// Also write the slides as captions: a .vtt (with word timestamps) or .srt file.
        #[arg(long, value_name = "FILE")]
        captions: Option<PathBuf>,
        /// Add the slides' text to the MP4 as a subtitle track (mov_text).
        #[arg(long)]
        soft_subtitles: bool,
        /// Output file (.mp4, .mov, .mkv or .webm: the extension picks the format), or `-` for
        /// yuv4mpegpipe on standard output.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        draw: DrawArgs,
        /// Video encoder: auto (first that works: hardware, then software) or an FFmpeg name.
        #[arg(long, default_value = "auto")]
        encoder: String,
        /// Video codec (default: h264, or vp9 for a .webm output).
        #[arg(long, value_enum)]
        codec: Option<Codec>,
        /// Speed/size trade-off, mapped onto each encoder's presets.
        #[arg(long, value_enum, default_value = "fast")]
        speed: Speed,
        /// Quality: CRF for software encoders, CQ/QP for hardware ones (lower is better).
        #[arg(long, visible_alias = "crf")]
        quality: Option<u32>,
        /// Encoder-specific preset (e.g. x264's `veryfast`), overriding --speed.
        #[arg(long)]
        encoder_preset: Option<String>,
        /// Encoder threads; fixed so that output bytes do not depend on the machine.
        #[arg(long, default_value_t = gpucast::encode::video::DEFAULT_THREADS)]
        encoder_threads: usize,
        /// Encode only the distinct frames, each with its duration (variable frame rate).
        #[arg(long)]
        vfr: bool,
        /// Constant frame rate: how a frame shown for several frame times is written. skip:
        /// the encoder codes it once and each repeat is a skipped picture (libx264; other
        /// encoders code every frame); encode: every frame is coded.
        #[arg(long, value_enum, default_value = "skip", conflicts_with = "vfr")]
        repeat_frames: RepeatFrames,
        /// AAC effort: standard (fast coder, fine for speech) or high (for music).
        #[arg(long, value_enum, default_value = "standard")]
        audio_quality: AudioQuality,
        /// When standard error is not a terminal: seconds between progress lines
        /// (`gpucast: N/M frames ...`) for batch logs; 0 writes one after every distinct frame.
        #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
        progress_interval: f64,
        /// Render only part I of N (from 0) as a video-only .mkv for `gpucast join`; auto/N takes
        /// I from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX. A part
        /// already rendered from the
        /// same inputs and settings is kept.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// The text alone over a transparent background, for an editor to lay over its own
        /// picture: .mov (ProRes 4444), .webm (VP9 with alpha) or an image sequence of RGBA
        /// PNGs (-o frames/), all with straight alpha.
        #[arg(long)]
        transparent: bool,
    },
    /// Join the parts of a sharded render (`render --shard I/N`) into one video: the video is
    /// copied, not re-encoded; the narration is encoded once. Parts may be given in any order;
    /// missing, repeated, truncated or foreign parts are refused.
    Join {
        /// The project the parts were rendered from.
        project: PathBuf,
        /// The parts (.mkv), all N of them.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output file (.mp4, .mov, .mkv, or .webm for VP9/AV1 parts).
        #[arg(short, long)]
        output: PathBuf,
        /// AAC effort: standard (fast coder, fine for speech) or high (for music).
        #[arg(long, value_enum, default_value = "standard")]
        audio_quality: AudioQuality,
        /// Also write the slides as captions: a .vtt (with word timestamps) or .srt file.
        #[arg(long, value_name = "FILE")]
        captions: Option<PathBuf>,
        /// Add the slides' text to the MP4 as a subtitle track (mov_text).
        #[arg(long)]
        soft_subtitles: bool,
    },
    /// Render the single frame shown at a time, as PNG, to iterate on a style.
    Frame {
        #[command(flatten)]
        source: SourceArgs,
        /// Time in seconds.
        #[arg(long)]
        at: f64,
        #[arg(short, long)]
        output: PathBuf,
        /// The text alone over a transparent background (RGBA PNG, straight alpha), as an
        /// overlay for an editor.
        #[arg(long)]
        transparent: bool,
        #[command(flatten)]
        draw: DrawArgs,
    },
    /// Draw a contact sheet as PNG: each slide as it first shows whole, then every word change,
    /// with time codes; a whole video's look at a glance.
    Sheet {
        #[command(flatten)]
        source: SourceArgs,
        #[arg(short, long)]
        output: PathBuf,
        /// Thumbnails a row.
        #[arg(long, default_value_t = 4)]
        columns: u32,
        /// Thumbnail width in pixels.
        #[arg(long, default_value_t = 384)]
        width: u32,
        /// At most this many thumbnails (more are thinned evenly, slides' first looks first).
        #[arg(long, default_value_t = 120)]
        limit: usize,
        #[command(flatten)]
        draw: DrawArgs,
    },
    /// Make a project from another tool's word timings (WhisperX, ElevenLabs, SRT, ...).
    Import {
        /// The timings file; without one, the script (--text) is aligned to the narration.
        #[arg(required_unless_present_any = ["list_formats", "text"])]
        timings: Option<PathBuf>,
        /// The narration the timings belong to.
        #[arg(long, required_unless_present = "list_formats")]
        audio: Option<PathBuf>,
        /// The project file to write.
        #[arg(short, long, required_unless_present = "list_formats")]
        output: Option<PathBuf>,
        #[command(flatten)]
        import: ImportArgs,
        /// Overwrite the project file if it exists.
        #[arg(long)]
        force: bool,
        /// List the formats `--format` takes, with what writes each, and stop.
        #[arg(long, exclusive = true)]
        list_formats: bool,
    },
    /// Measure how the words' timings sit against the narration's voice: the offset, the drift
    /// over the file, and the words furthest off. With -o, write the project repaired: offset
    /// and drift removed, starts and ends moved onto the voice.
    Sync {
        #[command(flatten)]
        source: SourceArgs,
        /// The repaired project to write (beside the project it repairs).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Remove the offset and drift only; leave starts and ends where that puts them.
        #[arg(long)]
        no_snap: bool,
        /// Overwrite the output if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Open the studio: a page on this machine (its address printed, with a token) to see any
    /// frame, play the video with its narration, fix words, timings and looks, save and render.
    Studio {
        /// The project file.
        project: PathBuf,
        /// The port on 127.0.0.1 (0: any free one).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Listen on this address and port instead (0.0.0.0:8765: reachable from other machines).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Print the address only; do not open it in a browser.
        #[arg(long)]
        no_open: bool,
        /// The espeak-ng voice the sync check speaks the words with.
        #[arg(long, default_value = gpucast::sync::VOICE)]
        voice: String,
        #[command(flatten)]
        draw: DrawArgs,
    },
    /// Write the project's words and slides for other tools: subtitles (.srt, .vtt), karaoke
    /// subtitles (.ass), titles for Final Cut Pro and DaVinci Resolve (.fcpxml), or a WhisperX
    /// transcript (.json). Nothing is rendered.
    Export {
        /// The project file.
        project: PathBuf,
        /// The file to write; its extension picks the format unless --format names one.
        #[arg(short, long)]
        output: PathBuf,
        /// srt, vtt, ass, fcpxml or whisperx (default: from the output's extension).
        #[arg(long)]
        format: Option<String>,
        /// Overwrite the output if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Render many videos from a manifest: JSON lines, one render each (`{"project": ..., "output":
    /// ..., options}`, or `{"timings": ..., "audio": ..., ...}`). Outputs already made from the
    /// same inputs and settings are skipped; a failing line does not stop the others.
    Batch {
        /// The manifest (paths in it are relative to its folder).
        manifest: PathBuf,
        /// Render only this line (0-based over non-blank lines), or `auto`: the Slurm array task
        /// (SLURM_ARRAY_TASK_ID), Kubernetes indexed job (JOB_COMPLETION_INDEX) or AWS Batch array
        /// job (AWS_BATCH_JOB_ARRAY_INDEX) index.
        #[arg(long, value_parser = index_arg)]
        index: Option<String>,
        /// Lines rendered at once on this machine.
        #[arg(long, default_value_t = 1)]
        jobs: usize,
        /// Also write every line's outcome as JSON here.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Check a project and summarise it, or list every problem in it.
    Validate {
        #[command(flatten)]
        source: SourceArgs,
        /// Also report what subtitle guides ask of reading: slides over 20 characters a second,
        /// lines over 42 characters, slides on screen under 5/6 s or over 7 s (each with its
        /// path; the exit code stays 0).
        #[arg(long)]
        lint: bool,
    },
    /// List GPU adapters and video encoders, with whether each is usable here.
    Probe,
}

/// Runs the command line given in `args` (the program's name first) and returns its exit code.
/// Signal handlers and the logger are installed for the whole process: call it once, from a
/// process that exists to run it.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    // First, while the process has a single thread.
    crate::native::quiet();
    crate::native::steady_heap();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code().clamp(0, 255) as u8;
        }
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or(format!("gpucast={level}")),
    )
    .format_timestamp(None)
    .format_target(false)
    .try_init()
    .ok();
    install_signal_handlers();
    match run_command(cli) {
        Ok(()) => 0,
        Err(e) => {
            let signal = STOPPED_BY.load(Ordering::SeqCst);
            if signal != 0 && gpucast::cancel::CANCELLED.load(Ordering::SeqCst) {
                let what = match BATCH_KEPT.load(Ordering::SeqCst) {
                    true => {
                        "the lines finished before it are kept, the one being written was removed"
                    }
                    false => "no output was written",
                };
                eprintln!("gpucast: stopped by {}; {what}", signal_name(signal));
                return 128 + signal as u8;
            }
            if is_closed_pipe(&e) {
                // The reader went away (`gpucast render p.json -o - | head`): as Unix tools
                // do, end quietly; the pipeline has already joined its threads.
                return 0;
            }
            eprintln!("error: {e:#}");
            1
        }
    }
}

/// `--index`: a line number or `auto`, checked as the command line is read (a bad one is a
/// usage error, exit 2).
fn index_arg(given: &str) -> Result<String, String> {
    match given == "auto" || given.parse::<usize>().is_ok() {
        true => Ok(given.to_string()),
        false => Err("give a line number from 0, or auto".into()),
    }
}

/// The signal that stopped the work, 0 if none.
static STOPPED_BY: AtomicI32 = AtomicI32::new(0);

/// Set when a stopped batch keeps the lines it finished, so the last word does not say that
/// nothing was written.
static BATCH_KEPT: AtomicBool = AtomicBool::new(false);

fn signal_name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "Ctrl-C (SIGINT)",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Ctrl-C, and the SIGTERM and SIGHUP that schedulers (Kubernetes, Slurm) and closing
/// terminals send, all stop a render cleanly: every stage stops at its next step, the partial
/// output is removed, and the exit code is 128 + the signal. A second signal exits at once,
/// still removing the partial output.
fn install_signal_handlers() {
    // A file size limit (`ulimit -f`) must be a write error naming the file, not a silent kill.
    // SAFETY: setting a signal's disposition to ignore, before any thread is started.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        log::warn!(
            "cannot install signal handlers; an interrupted render may leave a partial file"
        );
        return;
    };
    let _ = std::thread::Builder::new()
        .name("gpucast-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if gpucast::cancel::CANCELLED.load(Ordering::SeqCst) {
                    gpucast::pending::remove_pending_files();
                    std::process::exit(128 + signal);
                }
                // Which signal first, so that the exit code is known once work stops.
                STOPPED_BY.store(signal, Ordering::SeqCst);
                gpucast::cancel::CANCELLED.store(true, Ordering::SeqCst);
            }
        });
}

fn run_command(cli: Cli) -> anyhow::Result<()> {
    let quiet = cli.quiet;
    let checks = gpucast::Checks {
        strict: cli.strict,
        allow_partial_audio: cli.allow_partial_audio,
    };
    match cli.command {
        Command::Render {
            source,
            captions,
            soft_subtitles,
            output,
            draw,
            encoder,
            codec,
            speed,
            quality,
            encoder_preset,
            encoder_threads,
            vfr,
            repeat_frames,
            audio_quality,
            progress_interval,
            shard,
            transparent,
        } => {
            let to_stdout = output.as_os_str() == "-";
            let shard = match shard {
                Some(given) => {
                    let (shard, from) = gpucast::shard::Shard::parse(&given)?;
                    if !quiet {
                        eprintln!("gpucast: part {shard} (from {from})");
                    }
                    Some(shard)
                }
                None => None,
            };
            let source = source.source()?;
            let job = RenderJob {
                project: source,
                output: if to_stdout {
                    Output::Stdout
                } else {
                    Output::File(output.clone())
                },
                backend: draw.backend,
                render: draw.options(),
                video: VideoSettings {
                    encoder: (encoder != "auto").then_some(encoder),
                    codec: codec.unwrap_or_else(|| match transparent {
                        true => gpucast::encode::container::default_alpha_codec(&output),
                        false => gpucast::encode::container::default_codec(&output),
                    }),
                    speed,
                    quality,
                    preset: encoder_preset,
                    threads: encoder_threads.max(1),
                    repeats: Repeats::from_options(vfr, repeat_frames),
                    ..VideoSettings::default()
                },
                audio: audio_quality,
                captions,
                soft_subtitles,
                checks,
                fingerprint: None,
                shard,
                transparent,
            };
            let started = Instant::now();
            let mut reporter = Reporter::new(quiet, progress_interval);
            let summary = gpucast::render(&job, &mut |done, total| {
                reporter.update(done, total);
                Ok(())
            })?;
            reporter.done();
            let s = &summary.stats;
            log::info!(
                "timings: prepare {:.2?}, render busy {:.2?}, encode busy {:.2?}, encoder waited {:.2?}",
                summary.prepare,
                s.render_busy,
                s.encode_busy,
                s.encode_waiting
            );
            if !quiet && summary.kept {
                eprintln!(
                    "kept {}: it already is this part, rendered from the same inputs and settings",
                    output.display()
                );
            } else if !quiet && !to_stdout {
                let secs = started.elapsed().as_secs_f64();
                eprintln!(
                    "wrote {}: {} frames ({} distinct) in {secs:.1} s, {:.0} frames/s; {}, {}",
                    output.display(),
                    s.frames,
                    s.distinct_frames,
                    s.frames as f64 / secs.max(1e-9),
                    summary.renderer,
                    summary.encoder
                );
            }
            Ok(())
        }
        Command::Join {
            project,
            parts,
            output,
            audio_quality,
            captions,
            soft_subtitles,
        } => {
            let started = Instant::now();
            let mut reporter = Reporter::new(quiet, 5.0);
            let frames = gpucast::join(
                &project,
                &parts,
                &output,
                audio_quality,
                captions.as_deref(),
                soft_subtitles,
                &checks,
                &mut |done, total| {
                    reporter.update(done, total);
                    Ok(())
                },
            )?;
            reporter.done();
            if !quiet {
                eprintln!(
                    "wrote {}: {frames} frames from {} parts in {:.1} s",
                    output.display(),
                    parts.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        Command::Frame {
            source,
            at,
            output,
            transparent,
            draw,
        } => {
            if transparent {
                let p = gpucast::prepare_source(&source.source()?)?;
                p.check(&checks)?;
                let img = gpucast::overlay_of(&p, at, draw.backend, &draw.options())?;
                gpucast::write_png(&output, &img)?;
            } else {
                let img = gpucast::render_frame(
                    &source.source()?,
                    at,
                    draw.backend,
                    &draw.options(),
                    &checks,
                )?;
                gpucast::write_png(&output, &img)?;
            }
            if !quiet {
                eprintln!("wrote {}", output.display());
            }
            Ok(())
        }
        Command::Sheet {
            source,
            output,
            columns,
            width,
            limit,
            draw,
        } => {
            let source = source.source()?;
            let p = gpucast::prepare_source(&source)?;
            p.check(&checks)?;
            let opts = gpucast::sheet::SheetOptions {
                columns,
                thumb_width: width,
                limit,
            };
            let img = gpucast::sheet::draw(&p, draw.backend, &draw.options(), &opts)?;
            gpucast::write_png(&output, &img)?;
            if !quiet {
                eprintln!(
                    "wrote {} ({}x{})",
                    output.display(),
                    img.width(),
                    img.height()
                );
            }
            Ok(())
        }
        Command::Import {
            list_formats: true, ..
        } => {
            for line in gpucast::import::format_list() {
                out!("{line}");
            }
            Ok(())
        }
        Command::Import {
            timings,
            audio: Some(audio),
            output: Some(output),
            import,
            force,
            ..
        } => {
            let base = match output.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            anyhow::ensure!(
                base.is_dir(),
                "cannot write {}: folder {} does not exist",
                output.display(),
                base.display()
            );
            anyhow::ensure!(
                audio.is_file(),
                "--audio: file not found: {}",
                audio.display()
            );
            let options = import.options()?;
            let inputs = [timings.as_ref(), Some(&audio), options.script.as_ref()];
            if let Some(input) = inputs
                .into_iter()
                .flatten()
                .find(|i| gpucast::inputs::is_same_file(&output, i))
            {
                anyhow::bail!(
                    "cannot write {}: it is one of the inputs ({}); choose another output",
                    output.display(),
                    input.display()
                );
            }
            let audio_ref = gpucast::import::relative_path(&audio, &base);
            let imported = gpucast::import::import(
                timings.as_deref(),
                &audio,
                &audio_ref.to_string_lossy(),
                &base,
                &options,
            )?;
            gpucast::import::write_project(&output, &imported.project, force)?;
            if !quiet {
                print_import_summary(
                    timings
                        .as_deref()
                        .or(options.script.as_deref())
                        .unwrap_or(&audio),
                    &imported.summary,
                )?;
                out!(
                    "wrote {}; render it with: gpucast render {} -o video.mp4",
                    output.display(),
                    output.display()
                );
            }
            Ok(())
        }
        Command::Import { .. } => {
            anyhow::bail!("import needs a timings file, --audio and -o (or --list-formats)")
        }
        Command::Sync {
            source,
            output,
            json,
            no_snap,
            force,
        } => sync::run(source, output, json, !no_snap, force, quiet),
        Command::Studio {
            project,
            port,
            listen,
            no_open,
            voice,
            draw,
        } => gpucast::studio::serve(gpucast::studio::Options {
            project,
            listen,
            port,
            open: !no_open,
            backend: draw.backend,
            render: draw.options(),
            checks,
            voice,
        }),
        Command::Export {
            project,
            output,
            format,
            force,
        } => {
            let done =
                gpucast::export::export(&project, &output, format.as_deref(), force, &checks)?;
            if !quiet {
                eprintln!(
                    "wrote {} ({}): {} slides, {} words",
                    output.display(),
                    done.format.name,
                    done.cues,
                    done.words
                );
            }
            Ok(())
        }
        Command::Batch {
            manifest,
            index,
            jobs,
            report,
        } => {
            let mut entries = gpucast::batch::read(&manifest, report.as_deref())?;
            if let Some(given) = index {
                let (i, from) = gpucast::batch::index(&given)?;
                anyhow::ensure!(
                    i < entries.len(),
                    "--index {i} (from {from}) is past the manifest's {} lines",
                    entries.len()
                );
                log::info!("batch: line index {i}, from {from}");
                entries = vec![entries.swap_remove(i)];
            }
            // The report's file is made now, so that one that cannot be written is refused
            // before the first render rather than after the last.
            let report_file = match &report {
                Some(path) => {
                    let file = gpucast::pending::PendingFile::new(path);
                    std::fs::File::create(file.temp())
                        .with_context(|| format!("cannot write the report {}", path.display()))?;
                    Some((path, file))
                }
                None => None,
            };
            let total = entries.len();
            let outcomes = gpucast::batch::run(&entries, jobs, &|o| {
                if !quiet || o.status == "failed" {
                    let what = o
                        .output
                        .as_ref()
                        .map_or(String::new(), |p| format!(" {}", p.display()));
                    match &o.error {
                        Some(e) => {
                            eprintln!("gpucast batch: line {}{what}: {}: {e}", o.line, o.status)
                        }
                        None => eprintln!(
                            "gpucast batch: line {}{what}: {} ({:.1} s)",
                            o.line, o.status, o.seconds
                        ),
                    }
                }
            });
            // After a signal the report and the summary still say exactly what was written:
            // lines finished before it are kept, the one being rendered was removed.
            let stopped = gpucast::cancel::CANCELLED.load(Ordering::SeqCst);
            let count = |s: &str| outcomes.iter().filter(|o| o.status == s).count();
            let (done, skipped, failed) = (count("done"), count("skipped"), count("failed"));
            let not_run = total - outcomes.len() + count("stopped");
            if let Some((path, file)) = report_file {
                let json = serde_json::json!({
                    "manifest": manifest,
                    "lines": total,
                    "done": done,
                    "skipped": skipped,
                    "failed": failed,
                    "stopped": stopped,
                    "not_run": not_run,
                    "outcomes": outcomes,
                });
                std::fs::write(file.temp(), serde_json::to_string_pretty(&json)? + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?;
                file.commit_after_stop()?;
            }
            let summary = format!(
                "{total} lines: {done} done, {skipped} skipped, {failed} failed, {not_run} not run"
            );
            if stopped {
                BATCH_KEPT.store(true, Ordering::SeqCst);
                eprintln!("gpucast batch: stopped; {summary}");
                gpucast::cancel::check()?;
            }
            if !quiet {
                eprintln!(
                    "gpucast batch: {total} lines: {done} done, {skipped} skipped, {failed} failed"
                );
            }
            anyhow::ensure!(failed == 0, "{failed} of {total} lines failed");
            Ok(())
        }
        Command::Validate { source, lint } => {
            let source = source.source()?;
            let p = gpucast::prepare_source(&source)?;
            p.check(&checks)?;
            let pr = &p.project;
            let name = match &source {
                gpucast::Source::Project(path) => path,
                gpucast::Source::Timings { timings, .. } => timings,
                gpucast::Source::Json { .. } => std::path::Path::new("project"),
            };
            out!("{}: valid", name.display());
            out!("  video      {}x{} at {} fps", pr.width, pr.height, pr.fps);
            out!("  duration   {:.3} s (from the audio)", pr.duration());
            out!("  slides     {}", pr.slides.len());
            out!("  words      {}", pr.word_count());
            out!("  frames     {}", p.timeline.frame_count);
            out!("  distinct   {}", p.timeline.distinct_frames());
            if !pr.layers.is_empty() {
                let live = p.scene.layers.live.len();
                out!("  layers     {} ({live} drawn per frame)", pr.layers.len());
            }
            let warnings = p.warnings();
            if !warnings.is_empty() {
                out!("  warnings   {}", warnings.len());
            }
            if lint {
                let found = gpucast::lint::lint(&p, &gpucast::lint::Limits::default());
                out!("  lint       {} findings", found.len());
                for f in &found {
                    out!("    {f}");
                }
            }
            Ok(())
        }
        Command::Probe => {
            out!("GPU adapters:");
            let adapters = gpucast::render::gpu::list_adapters();
            if adapters.is_empty() {
                out!("  none found");
            }
            for a in adapters {
                out!("  {a}");
            }
            out!("Video encoders (opened and tried on one frame):");
            for (name, result) in gpucast::encode::probe_encoders(&VideoSettings::default()) {
                match result {
                    Ok(()) => out!("  {name:<18} usable"),
                    Err(e) => out!("  {name:<18} not usable: {e}"),
                }
            }
            out!("Outputs (and the audio encoder each needs):");
            for (what, result) in gpucast::encode::probe_outputs() {
                match result {
                    Ok(()) => out!("  {what:<30} usable"),
                    Err(e) => out!("  {what:<30} not usable: {e}"),
                }
            }
            Ok(())
        }
    }
}
