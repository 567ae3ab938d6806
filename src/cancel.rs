//! How a run is stopped: the one stop flag, set by the CLI's signal thread (or the Python
//! package's Ctrl-C and `cancel`) and read by every stage, which then stops at its next step and
//! removes its partial output; and the progress callback, which may stop a run by returning an
//! error.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the Ctrl-C handler; every stage stops at its next step.
pub static CANCELLED: AtomicBool = AtomicBool::new(false);

/// An error once the flag is set.
pub fn check() -> anyhow::Result<()> {
    if CANCELLED.load(Ordering::Relaxed) {
        anyhow::bail!("interrupted");
    }
    Ok(())
}

/// Called as frames are written, with frames done so far and the total. An error stops the
/// render: both threads end, the sink is dropped unfinished (removing its partial file), and
/// the error is returned.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64) -> anyhow::Result<()>;
