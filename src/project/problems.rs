//! What is wrong with a project: every problem gathered with the path of its field, then
//! reported at once (`InvalidProject`); warnings gathered beside them.

use std::fmt;
use std::path::PathBuf;

/// Every problem found in a project, each with the path of its field.
#[derive(Debug)]
pub struct InvalidProject {
    pub file: PathBuf,
    pub problems: Vec<String>,
}

impl fmt::Display for InvalidProject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} is not a valid project ({n} problem{}):",
            self.file.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidProject {}

pub(super) struct Checker {
    pub(super) problems: Vec<String>,
    pub(super) warnings: Vec<String>,
}

impl Checker {
    pub(super) fn err(&mut self, path: impl fmt::Display, msg: impl fmt::Display) {
        self.problems.push(format!("{path}: {msg}"));
    }
    pub(super) fn warn(&mut self, path: impl fmt::Display, msg: impl fmt::Display) {
        let w = format!("{path}: {msg}");
        log::warn!("{w}");
        self.warnings.push(w);
    }
}
