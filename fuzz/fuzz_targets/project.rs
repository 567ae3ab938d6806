//! A project file's bytes, through parsing, validation, planning, layout and one drawn frame.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gpucast::fuzzing::project(data));
