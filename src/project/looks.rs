//! Named looks: a partial style kept as a file, chosen by name (`"look": "hormozi"`) or path
//! (`"look": "looks/ours.json"`), and shared. A look goes over the preset and under the
//! project's own `style`; its `emphasis_style` is the look of emphasised words whose rule
//! gives none (what `import --emphasize` writes takes it). The looks gpucast ships are in
//! `assets/looks/`, built into the program.

use std::path::Path;

use serde::Deserialize;

use super::problems::Checker;
use super::raw::{RawStyle, RawWordStyle};

/// A look file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookFile {
    /// What it looks like, for `--list-looks` and the reader.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub style: Option<RawStyle>,
    #[serde(default)]
    pub emphasis_style: Option<RawWordStyle>,
}

/// The looks built in, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("hormozi", include_str!("../../assets/looks/hormozi.json")),
    ("marker", include_str!("../../assets/looks/marker.json")),
    ("one-word", include_str!("../../assets/looks/one-word.json")),
    (
        "typewriter",
        include_str!("../../assets/looks/typewriter.json"),
    ),
    ("bounce", include_str!("../../assets/looks/bounce.json")),
    ("neon", include_str!("../../assets/looks/neon.json")),
    ("classic", include_str!("../../assets/looks/classic.json")),
    ("reveal", include_str!("../../assets/looks/reveal.json")),
];

/// The built-in looks' names, for messages.
pub fn names() -> String {
    BUILT_IN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `given` names a file rather than a built-in look.
pub fn is_path(given: &str) -> bool {
    given.contains('/') || given.contains('\\') || given.to_ascii_lowercase().ends_with(".json")
}

/// The look `given` names (a built-in name, or a file relative to `base`), read and parsed;
/// a problem is named at `path`.
pub(super) fn load(c: &mut Checker, path: &str, given: &str, base: &Path) -> Option<LookFile> {
    let (text, from) = if is_path(given) {
        let file = base.join(given);
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        if size > 1 << 20 {
            c.err(path, format!("{}: over 1 MB, not a look", file.display()));
            return None;
        }
        match std::fs::read_to_string(&file) {
            Ok(t) => (t, file.display().to_string()),
            Err(e) => {
                c.err(path, format!("cannot read {}: {e}", file.display()));
                return None;
            }
        }
    } else {
        match BUILT_IN.iter().find(|(n, _)| n.eq_ignore_ascii_case(given)) {
            Some((_, text)) => (text.to_string(), format!("the look {given}")),
            None => {
                c.err(
                    path,
                    format!(
                        "\"{given}\" is not a look: give one of {}, or a .json file",
                        names()
                    ),
                );
                return None;
            }
        }
    };
    match serde_json::from_str::<LookFile>(&text) {
        Ok(l) => Some(l),
        Err(e) => {
            c.err(path, format!("{from}: {e}"));
            None
        }
    }
}

/// A built-in look by name, for the importer (which writes its style out in full).
pub fn built_in(name: &str, base: &Path) -> Result<LookFile, String> {
    let mut c = Checker {
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    load(&mut c, "--look", name, base).ok_or_else(|| c.problems.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_look_parses_and_a_wrong_name_lists_them() {
        for (name, _) in BUILT_IN {
            let l = built_in(name, Path::new(".")).unwrap();
            assert!(l.style.is_some() && l.description.is_some(), "{name}");
        }
        let e = built_in("mrbeast", Path::new(".")).unwrap_err();
        assert!(e.contains("hormozi, marker, one-word"), "{e}");
    }
}
