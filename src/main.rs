//! The `gpucast` command: see `gpucast::cli`.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(gpucast::cli::run(std::env::args_os()))
}
