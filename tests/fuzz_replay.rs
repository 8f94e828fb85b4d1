//! Replay the fuzz corpus (and the seeds) through the fuzz entry point on stable, without
//! libFuzzer, so that CI catches a regression on any input the fuzzer once found interesting.

use std::path::Path;

#[test]
fn fuzz_corpus_replays_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["corpus/load", "seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            // A running fuzzer may replace corpus files while this reads them.
            let Ok(data) = std::fs::read(&p) else {
                continue;
            };
            plansite::fuzzing::run(&data);
            n += 1;
        }
    }
    assert!(n > 0, "no corpus found under fuzz/");
}
