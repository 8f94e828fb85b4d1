//! The commands, each a thin layer over the pipeline. Each returns its exit code:
//! 0 success, 1 the plan has errors, 2 usage or I/O errors.

pub mod build;
pub mod check;
pub mod new;
pub mod serve;

pub const OK: u8 = 0;
pub const PLAN_ERRORS: u8 = 1;
pub const USAGE_OR_IO: u8 = 2;
