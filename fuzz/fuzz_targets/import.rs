//! A timings file's bytes (first byte: the format; after a NUL: a script), through the importer;
//! whatever it makes must be a valid project.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gpucast::fuzzing::import(data));
