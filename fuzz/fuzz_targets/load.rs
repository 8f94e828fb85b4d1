//! Fuzz the loader and checker: front-matter split, TOML into the model, periods, money,
//! every structural rule and every report format. See src/fuzzing.rs for the input layout.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    plansite::fuzzing::run(data);
});
