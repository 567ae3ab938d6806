//! The shape of the source tree (docs/ARCHITECTURE.md, "Floors"): every room imports only rooms
//! on its own floor or below, so the code reads in one direction, from what FFmpeg reads at the
//! bottom to the commands at the top; and no source file grows past 1000 lines.
//!
//! A room is a top-level module of `src/` (a file or a folder). A file "imports" a room when it
//! names `crate::ROOM` (in a `use` or a path), or `super::` from a top-level file (lib.rs).
//! `#[cfg(test)]` modules and `tests.rs`/`testing.rs` files are left out: tests may reach anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Floor of each room, from the ground up; "" is lib.rs. Keep in sync with docs/ARCHITECTURE.md.
const FLOORS: &[(&str, u32)] = &[
    ("segment", 0),
    ("frame", 0),
    ("media", 0),
    ("inputs", 0),
    ("cancel", 0),
    ("pending", 0),
    ("native", 0),
    ("project", 1),
    ("timeline", 2),
    ("layout", 2),
    ("sync", 2),
    ("layers", 2),
    ("scene", 3),
    ("render", 4),
    ("captions", 4),
    ("shard", 4),
    ("encode", 5),
    ("import", 5),
    ("pipeline", 6),
    ("job", 6),
    ("prepare", 7),
    ("fingerprint", 8),
    ("sheet", 8),
    ("export", 8),
    ("lint", 8),
    ("", 9),
    ("batch", 10),
    ("cli", 10),
    ("fuzzing", 10),
    ("studio", 10),
    ("main", 11),
];

const LONG: usize = 1000;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn is_test_file(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some("tests.rs" | "testing.rs")
    )
}

/// The text without its `#[cfg(test)] mod NAME { ... }` blocks.
fn strip_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = &rest[at + "#[cfg(test)]".len()..];
        let head = after.trim_start();
        let is_mod = head.starts_with("mod ") || head.starts_with("pub mod ");
        let open = head.find(['{', ';']);
        match (is_mod, open) {
            (true, Some(o)) if head.as_bytes()[o] == b'{' => {
                out.push_str(&rest[..at]);
                let body_start = rest.len() - head.len() + o + 1;
                let mut depth = 1;
                let mut end = body_start;
                for (i, c) in rest[body_start..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = body_start + i + 1;
                        break;
                    }
                }
                rest = &rest[end..];
            }
            _ => {
                out.push_str(&rest[..at + 1]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first segment of every path the text names after `crate::` (each name of a
/// `crate::{a, b::c}` group).
fn crate_roots(text: &str) -> Vec<String> {
    let mut roots = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `gpucrate::`, not `crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    roots.push(item.trim().split("::").next().unwrap_or("").to_string());
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            roots.push(name);
        }
    }
    roots.retain(|r| !r.is_empty() && r != "self");
    roots
}

#[test]
fn every_room_imports_only_its_floor_and_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let floors: BTreeMap<&str, u32> = FLOORS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // Every top-level module is a room with a floor.
    let rooms: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .map(|n| if n == "lib" { String::new() } else { n })
        .collect();
    for room in &rooms {
        assert!(
            floors.contains_key(room.as_str()),
            "src/{room} has no floor: add it to FLOORS here and to docs/ARCHITECTURE.md"
        );
    }
    let mut up = Vec::new();
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let room = match first.trim_end_matches(".rs") {
            "lib" => "",
            r => r,
        };
        let text = strip_tests(&std::fs::read_to_string(file).unwrap());
        let mut targets = crate_roots(&text);
        // `super::` from a top-level file is lib.rs.
        if rel.components().count() == 1 && text.contains("super::") {
            targets.push(String::new());
        }
        for target in targets {
            let target = if rooms.contains(&target) {
                target
            } else {
                String::new() // an item of lib.rs
            };
            if target == room {
                continue;
            }
            let (from, to) = (floors[room], floors[target.as_str()]);
            if to > from {
                up.push(format!(
                    "src/{} (floor {from}) imports `{}` (floor {to})",
                    rel.display(),
                    if target.is_empty() { "lib.rs" } else { &target }
                ));
            }
        }
    }
    up.sort();
    up.dedup();
    assert!(
        up.is_empty(),
        "imports that point up a floor (move what both need one floor down):\n  {}",
        up.join("\n  ")
    );
}

#[test]
fn no_source_file_is_over_1000_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("python/src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > LONG).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {LONG} lines (is each more than one job?):\n  {}",
        long.join("\n  ")
    );
}

#[test]
fn the_reader_finds_what_it_must() {
    // The test above is only as good as this reader: an upward import must be seen.
    let text = "use crate::{encode::FileWriter, project::{self, Fit}};\nfn f() { crate::render::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let roots = crate_roots(&strip_tests(text));
    assert_eq!(roots, ["encode", "project", "render"]);
}
