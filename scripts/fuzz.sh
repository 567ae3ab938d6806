#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer on the stable toolchain: the targets in fuzz/ are built
# with the same SanitizerCoverage flags cargo-fuzz passes (none needs nightly), then each runs
# for SECONDS on a working copy of its committed seed corpus.
#
#   bash scripts/fuzz.sh [SECONDS per target, default 300] [TARGET...]   (targets: project import)
#
# New inputs that reach new code stay in target/fuzz-corpus/TARGET (copy the interesting ones
# into fuzz/corpus/TARGET); an input that crashes is written to target/fuzz-artifacts/TARGET/ and
# the run stops with its name. Once fixed, it belongs in fuzz/regressions/TARGET/, which
# `cargo test` replays (tests/fuzz_corpus.rs). Needs a C++ compiler for libFuzzer (g++).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(project import)
triple=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
# The fuzz targets are built with the very versions the project ships (its Cargo.lock; cargo adds
# libFuzzer's crates); --target keeps the coverage flags off build scripts and proc macros.
cp Cargo.lock fuzz/Cargo.lock
(cd fuzz && cargo build --release --bins --target "$triple")
root=$(pwd)
for t in "${targets[@]}"; do
    work="$root/target/fuzz-corpus/$t"
    artifacts="$root/target/fuzz-artifacts/$t"
    mkdir -p "$work" "$artifacts"
    cp -n fuzz/corpus/"$t"/* "$work"/
    [ -d fuzz/regressions/"$t" ] && cp -n fuzz/regressions/"$t"/* "$work"/
    log="$root/target/fuzz-$t.log"
    echo "fuzzing $t for $seconds s (log: $log)"
    status=0
    "fuzz/target/$triple/release/$t" "$work" -max_total_time="$seconds" -rss_limit_mb=4096 \
        -max_len=65536 -timeout=10 -artifact_prefix="$artifacts/" -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$t: ${runs:-?} executions, exit $status"
    if [ "$status" -ne 0 ]; then
        grep -E "panicked|ERROR|Test unit written" "$log" | head -5
        exit "$status"
    fi
done
