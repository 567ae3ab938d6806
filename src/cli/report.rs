//! What the command prints as it goes: the import summary and render progress.

use std::io::{IsTerminal, Write as _};
use std::time::Instant;

use crate as gpucast;

pub(super) fn print_import_summary(
    timings: &std::path::Path,
    s: &gpucast::import::Summary,
) -> std::io::Result<()> {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    out!(
        "imported {} as {} ({}): {}, {}, {:.1} s of audio",
        timings.display(),
        s.title,
        match s.format {
            "script" => "no timings".to_string(),
            f => format!("--format {f}"),
        },
        plural(s.words, "word"),
        plural(s.slides, "slide"),
        s.duration
    );
    let r = &s.repairs;
    if r.interpolated > 0 {
        out!(
            "  {} words had no times and got them from their neighbours",
            r.interpolated
        );
    }
    if r.phrases > 0 {
        out!(
            "  {} entries held several words and were cut into words, sharing their time by length",
            r.phrases
        );
    }
    if r.punctuation > 0 {
        out!(
            "  {} punctuation marks joined to their words",
            r.punctuation
        );
    }
    if let Some(rep) = &s.script {
        out!(
            "  script: {} words matched exactly, {} approximately, {} heard as other words (their times kept), {} not at all",
            rep.exact,
            rep.approximate,
            rep.substituted,
            rep.unmatched
        );
        for w in &rep.worst {
            out!("    {w}");
        }
    }
    for n in &s.notes {
        out!("  {n}");
    }
    for w in &s.warnings {
        out!("  warning: {w}");
    }
    Ok(())
}

/// A progress bar on a terminal, a log line every few seconds otherwise.
pub(super) struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
    total: Option<u64>,
    last_line: Instant,
    started: Instant,
    /// Seconds between log lines.
    interval: f64,
}

impl Reporter {
    pub(super) fn new(quiet: bool, interval: f64) -> Reporter {
        Reporter {
            bar: None,
            quiet,
            total: None,
            last_line: Instant::now(),
            started: Instant::now(),
            interval,
        }
    }

    pub(super) fn update(&mut self, done: u64, total: u64) {
        if self.quiet {
            return;
        }
        self.total = Some(total);
        if std::io::stderr().is_terminal() {
            let bar = self.bar.get_or_insert_with(|| {
                let b = indicatif::ProgressBar::new(0);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40.cyan/blue} {pos}/{len} frames  {fps} frames/s  ETA {eta}",
                    )
                    .expect("valid template")
                    .with_key(
                        "fps",
                        |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.0}", s.per_sec());
                        },
                    ),
                );
                b
            });
            if bar.length() == Some(0) {
                if let Some(t) = self.total {
                    bar.set_length(t);
                }
            }
            bar.set_position(done);
        } else if self.last_line.elapsed().as_secs_f64() >= self.interval {
            self.last_line = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64().max(1e-9);
            let fps = done as f64 / elapsed;
            let eta = total.saturating_sub(done) as f64 / fps.max(1e-9);
            eprintln!("gpucast: {done}/{total} frames, {fps:.0} frames/s, ETA {eta:.0} s");
        }
    }

    pub(super) fn done(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
