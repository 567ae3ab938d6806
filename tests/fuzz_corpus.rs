//! The fuzzers' inputs run as tests: every file of the committed seed corpus and every input a
//! fuzzer ever crashed on (`fuzz/regressions/`) goes through the same entry points as under
//! libFuzzer, then a short seeded mutation pass over the seeds (the CI's fuzzing; the long runs
//! are `scripts/fuzz.sh`). Each entry point turns its input into errors or output, never a
//! panic; the importer's output must also be a valid project.
//!
//! `GPUCAST_FUZZ_MUTATIONS=N` mutates each seed N times (default 40).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

type Entry = fn(&[u8]);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn inputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    v.sort();
    v
}

/// Runs `entry` on `data`, returning the panic message if it panicked.
fn run(entry: Entry, data: &[u8]) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| entry(data)))
        .err()
        .map(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into())
        })
}

/// A small, seeded xorshift: the same mutations on every run, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const BYTES: &[u8] = b"\0\xff\"{}[],:-9\n.e\\ \t0";
const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "1e308",
    "-1e308",
    "NaN",
    "99999999999999999999",
    "-0.0",
    "1e-320",
    "4294967297",
    "0.0000001",
    "8193",
    "65536",
    "null",
    "\"\"",
];

/// One to four edits: a bit flipped, a byte replaced, a stretch deleted or repeated, a number
/// replaced by an extreme one, the end cut off, or a stretch of another seed spliced in.
fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let len = d.len();
        let at = rng.below(len);
        match rng.below(7) {
            0 if len > 0 => d[at] ^= 1 << rng.below(8),
            1 if len > 0 => d[at] = BYTES[rng.below(BYTES.len())],
            2 if len > 0 => {
                let n = (1 + rng.below(16)).min(len - at);
                d.drain(at..at + n);
            }
            3 if len > 0 => {
                let n = (1 + rng.below(64)).min(len - at);
                let copy = d[at..at + n].to_vec();
                d.splice(at..at, copy);
            }
            4 => {
                // The number starting at or after `at`, if any.
                if let Some(start) = (at..len).find(|&i| d[i].is_ascii_digit()) {
                    let end = (start..len)
                        .find(|&i| !(d[i].is_ascii_digit() || d[i] == b'.'))
                        .unwrap_or(len);
                    let n = NUMBERS[rng.below(NUMBERS.len())].as_bytes();
                    d.splice(start..end, n.iter().copied());
                }
            }
            5 => d.truncate(at),
            _ if !other.is_empty() => {
                let from = rng.below(other.len());
                let n = (1 + rng.below(256)).min(other.len() - from);
                d.splice(at..at, other[from..from + n].iter().copied());
            }
            _ => {}
        }
    }
    d
}

fn check(name: &str, entry: Entry) {
    let seeds = inputs(&root().join("corpus").join(name));
    assert!(seeds.len() >= 8, "{} seeds for {name}", seeds.len());
    let mut failures = Vec::new();
    let regressions = inputs(&root().join("regressions").join(name));
    for (path, data) in seeds.iter().chain(&regressions) {
        if let Some(msg) = run(entry, data) {
            failures.push(format!("{}: {msg}", path.display()));
        }
    }

    let per_seed: usize = std::env::var("GPUCAST_FUZZ_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-failures-{name}"));
    let mut runs = 0;
    for (i, (path, seed)) in seeds.iter().enumerate() {
        let other = &seeds[(i + 1 + rng.below(seeds.len())) % seeds.len()].1;
        for k in 0..per_seed {
            let data = mutate(&mut rng, seed, other);
            runs += 1;
            if let Some(msg) = run(entry, &data) {
                std::fs::create_dir_all(&out).unwrap();
                let file = out.join(format!(
                    "{}-{k}",
                    path.file_name().unwrap().to_string_lossy()
                ));
                std::fs::write(&file, &data).unwrap();
                failures.push(format!("{} (mutated): {msg}", file.display()));
            }
        }
    }
    eprintln!(
        "{name}: {} seeds, {} regressions, {runs} mutated inputs, {} failures",
        seeds.len(),
        regressions.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{name}: inputs that broke a promise (copy each into fuzz/regressions/{name}/ once fixed):\n{}",
        failures.join("\n")
    );
}

#[test]
fn project_files_never_panic() {
    check("project", gpucast::fuzzing::project);
}

#[test]
fn timing_files_never_panic_and_import_to_valid_projects() {
    check("import", gpucast::fuzzing::import);
}
