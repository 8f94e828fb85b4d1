//! The hot functions of a build, one by one, with criterion's statistics: the helpers that the
//! profiles of docs/performance.md ("Where the time goes now") find at the top, each on the
//! input it meets most often, and the whole parse and JSON export of the example plan.
//!
//! ```text
//! cargo bench --bench hot                 # all, ~1 minute
//! cargo bench --bench hot -- escape       # those whose name holds "escape"
//! ```
//!
//! Whole builds, their phases and the comparison with Hugo are `benches/phases.rs` and
//! `bench/run.sh`; these are for a change to one helper, measured before and after.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rustc_hash::{FxHashMap, FxHashSet};

use plansite::model::{digits, iso, Date, Money, Period};
use plansite::render::charts::load::{resource_load, LoadMonth, ResourceLoad};
use plansite::render::{html, markdown};

plansite::global_allocator!();

fn example_plan() -> plansite::Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-plan");
    plansite::load::load(&dir, None).expect("example-plan loads")
}

fn periods(c: &mut Criterion) {
    let labels = ["FY2027-Q3", "2026-04", "FY2028", "2027-H2", "2029"];
    c.bench_function("Period::parse, five forms", |b| {
        b.iter(|| {
            for l in labels {
                black_box(Period::parse(black_box(l), 4).ok());
            }
        })
    });
}

fn money(c: &mut Criterion) {
    let m = Money::parse("1250000.55").expect("an amount");
    for months in [12, 3] {
        c.bench_function(&format!("Money::spread over {months} months"), |b| {
            b.iter(|| black_box(black_box(m).spread(months, 2)))
        });
    }
    let amount = rust_decimal::Decimal::new(-123_456_789, 2);
    c.bench_function("digits::push_decimal, two places", |b| {
        let mut out = String::with_capacity(32);
        b.iter(|| {
            out.clear();
            digits::push_decimal(&mut out, black_box(amount), Some(2));
            black_box(&out);
        })
    });
    c.bench_function("digits::trimmed, an FTE", |b| {
        b.iter(|| black_box(digits::trimmed(black_box(0.4375), 2)))
    });
    let day = Date::from_ymd_opt(2027, 3, 31).expect("a date");
    c.bench_function("iso::date_text", |b| {
        b.iter(|| black_box(iso::date_text(black_box(&day))))
    });
}

fn escaping(c: &mut Criterion) {
    let mut group = c.benchmark_group("html::escape_into");
    let plain = "Consolidate the supplier base across the three northern regions";
    let marked = "R&D <pilot> for \"north\" & 'south' regions, phase 2 of 3 & more";
    for (name, text) in [("plain title", plain), ("title with specials", marked)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            let mut out = String::with_capacity(256);
            b.iter(|| {
                out.clear();
                html::escape_into(&mut out, black_box(text));
                black_box(&out);
            })
        });
    }
    group.finish();
}

fn markdown_body(c: &mut Criterion) {
    // The body as the build renders it: after the front matter, with its place in the file.
    let project = plansite::check_loaded(example_plan());
    let plan = project.plan.as_ref().expect("example-plan checks");
    let body = &plan
        .strategy
        .as_ref()
        .expect("example-plan has a strategy")
        .body;
    let (pages, files) = (FxHashMap::default(), FxHashSet::default());
    let links = markdown::Links {
        pages: &pages,
        files: &files,
        source: "strategy.md",
        root: "",
    };
    let mut group = c.benchmark_group("markdown::render");
    group.throughput(Throughput::Bytes(body.text.len() as u64));
    group.bench_function("the example plan's strategy", |b| {
        b.iter(|| black_box(markdown::render(black_box(body), &links, false)))
    });
    group.finish();
}

fn load_chart(c: &mut Criterion) {
    let months = (0..36)
        .map(|i| LoadMonth {
            month: Date::from_ymd_opt(2026 + i / 12, (i % 12) as u32 + 1, 1).expect("a month"),
            load: [0.4, 0.8, 1.2, 0.6][(i % 4) as usize],
            capacity: 1.0,
        })
        .collect();
    let chart = ResourceLoad {
        title: "Priya Kruger: load against capacity".into(),
        months,
        fiscal_year_start: 4,
        width: 1320,
        height: 300,
        ..ResourceLoad::default()
    };
    c.bench_function("charts::resource_load, 36 months", |b| {
        b.iter(|| black_box(resource_load(black_box(&chart))))
    });
}

fn whole_plan(c: &mut Criterion) {
    let loaded = example_plan();
    let mut group = c.benchmark_group("example-plan");
    group.measurement_time(Duration::from_secs(4));
    // On rayon's threads, as in a build: both cores of this machine.
    group.bench_function("parse (TOML, model, references)", |b| {
        b.iter(|| black_box(plansite::parse::parse(black_box(&loaded))))
    });
    let project = plansite::check_loaded(example_plan());
    let (Some(plan), Some(analysis)) = (project.plan.as_ref(), project.analysis.as_ref()) else {
        panic!("example-plan checks");
    };
    group.bench_function("JSON export", |b| {
        // One buffer for every iteration, as the build streams into one file: no page faults
        // of fresh memory in the timing.
        let mut out = Vec::with_capacity(1 << 20);
        b.iter(|| {
            out.clear();
            plansite::export::write_json(plan, analysis, false, &mut out)
        })
    });
    group.finish();
}

criterion_group! {
    name = hot;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = periods, money, escaping, markdown_body, load_chart, whole_plan
}
criterion_main!(hot);
