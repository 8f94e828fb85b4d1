//! The commands, each a thin layer over the pipeline. Each returns its exit code:
//! 0 success, 1 the plan has errors, 2 usage or I/O errors.

pub mod build;
pub mod check;
pub mod export;
pub mod new;
pub mod serve;

pub const OK: u8 = 0;
pub const PLAN_ERRORS: u8 = 1;
pub const USAGE_OR_IO: u8 = 2;

/// Peak resident memory of this process in KiB (Linux: VmHWM), for `--timings`.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Leave `x` to the operating system, which takes the whole process's memory back at once when
/// the command returns: freeing the model, the analysis and the page context piece by piece
/// took ~35 ms of an enterprise build (benches/phases.rs, "drop everything"). Only for values
/// whose drop does nothing but free memory, and only on the way out of a command.
pub(crate) fn exit_without_freeing<T>(x: T) {
    std::mem::forget(x);
}
