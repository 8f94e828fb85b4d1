//! Render every chart with realistic sample data into one HTML page, to look at them as a reader
//! would: `cargo run --example charts_preview [out-dir]` (default /tmp/charts-preview).

use std::fs;
use std::path::PathBuf;

use chrono::{Datelike, Months, NaiveDate};
use plansite::render::charts::*;

/// A small deterministic generator, so the preview is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid sample date")
}

const DEPARTMENTS: [&str; 8] = [
    "Engineering",
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "People & Culture",
    "Operations and Supply Chain Management",
    "Legal",
];

const TOPICS: [&str; 12] = [
    "CRM rollout",
    "Platform v2",
    "Data warehouse migration",
    "Partner onboarding programme",
    "Pricing redesign",
    "Self-service portal",
    "Warehouse automation in the northern distribution centres",
    "Leadership academy",
    "ERP upgrade",
    "Security certification (ISO 27001)",
    "Brand refresh",
    "Churn early-warning model",
];

fn sample_gantt(rows: usize, groups: usize, seed: u64) -> GanttChart {
    let mut rng = Lcg(seed);
    let statuses = Status::ALL;
    let base = d(2026, 4, 1);
    let mut out = Vec::new();
    for i in 0..rows {
        let group = DEPARTMENTS[i % groups.min(DEPARTMENTS.len())];
        let group = if groups > DEPARTMENTS.len() {
            format!("{group} {}", i % groups / DEPARTMENTS.len() + 1)
        } else {
            group.to_string()
        };
        let start = base + Months::new(rng.below(24) as u32);
        let start = start + chrono::Days::new(rng.below(28));
        let end = start + Months::new(2 + rng.below(14) as u32);
        let status = statuses[rng.below(7) as usize];
        let forecast_end = (rng.below(5) == 0).then(|| end + Months::new(1 + rng.below(4) as u32));
        let milestones = (0..rng.below(3))
            .map(|k| Milestone {
                date: start + Months::new(1 + k as u32 * 2),
                title: format!("M{k}"),
                reached: start + Months::new(1 + k as u32 * 2) < d(2026, 9, 30),
            })
            .collect();
        out.push(GanttRow {
            id: format!("i{i}"),
            group,
            label: format!("{} {}", TOPICS[i % TOPICS.len()], i / TOPICS.len() + 1),
            start,
            end,
            forecast_end,
            status,
            critical: rng.below(6) == 0,
            milestones,
        });
    }
    let dependencies = (1..rows)
        .filter(|i| i % 4 == 0)
        .map(|i| GanttDependency {
            from: format!("i{}", i - 1 - (i % 3)),
            to: format!("i{i}"),
        })
        .collect();
    GanttChart {
        title: format!("Organization timeline — {rows} initiatives"),
        rows: out,
        dependencies,
        as_of: Some(d(2026, 9, 30)),
        fiscal_year_start: 4,
        width: 1400,
    }
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/charts-preview"));
    fs::create_dir_all(out.join("fonts")).expect("create the preview folder");
    for (file, _) in FONT_FILES {
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/static")
            .join(file);
        fs::copy(&src, out.join(file)).expect("copy the font");
    }
    let mut sections: Vec<(String, String)> = Vec::new();
    sections.push((
        "Gantt, 30 initiatives".into(),
        gantt(&sample_gantt(30, 7, 7)).svg,
    ));
    sections.push((
        "Gantt, 400 initiatives".into(),
        gantt(&sample_gantt(400, 40, 11)).svg,
    ));
    extra_sections(&mut sections);
    for (i, (_, svg)) in sections.iter().enumerate() {
        fs::write(out.join(format!("chart-{i:02}.svg")), svg).expect("write svg");
    }
    fs::write(out.join("index.html"), page(&sections, 0..sections.len())).expect("write page");
    for (i, _) in sections.iter().enumerate() {
        fs::write(
            out.join(format!("chart-{i:02}.html")),
            page(&sections, i..i + 1),
        )
        .expect("write page");
    }
    println!("wrote {} charts to {}", sections.len(), out.display());
}

fn page(sections: &[(String, String)], range: std::ops::Range<usize>) -> String {
    let faces = font_face_css("");
    let body: String = sections[range]
        .iter()
        .map(|(h, svg)| format!("<section><h2>{h}</h2>\n{svg}</section>\n"))
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>{faces}\
         body {{ font-family: 'DejaVu Sans', sans-serif; margin: 0; padding: 8px; background: #fff; }}\
         h2 {{ font-size: 14px; color: #888; margin: 8px 0; }} svg {{ display: block; }}</style></head>\
         <body>{body}</body></html>"
    )
}

fn extra_sections(sections: &mut Vec<(String, String)>) {
    let mut rng = Lcg(3);
    let rows: Vec<BudgetRow> = DEPARTMENTS
        .iter()
        .map(|name| {
            let planned = 200_000.0 + rng.below(1_800_000) as f64;
            let forecast = planned * (0.85 + rng.below(30) as f64 / 100.0);
            BudgetRow {
                label: name.to_string(),
                planned: Some(planned),
                forecast: Some(forecast),
                actual: Some(planned * rng.below(60) as f64 / 100.0),
            }
        })
        .collect();
    let bars = BudgetBars {
        title: "Budget by department, FY2027".into(),
        currency: "EUR".into(),
        rows,
        ..Default::default()
    };
    sections.push(("Budget by department".into(), budget_bars(&bars)));
    let periods = (0..8)
        .map(|q| {
            let planned = 900_000.0 + rng.below(400_000) as f64;
            PeriodAmounts {
                amounts: BudgetRow {
                    label: format!("FY{}-Q{}", 2027 + q / 4, q % 4 + 1),
                    planned: Some(planned),
                    forecast: Some(planned * (0.9 + rng.below(25) as f64 / 100.0)),
                    actual: (q < 2).then(|| planned * (0.8 + rng.below(30) as f64 / 100.0)),
                },
                cap: Some(1_250_000.0),
            }
        })
        .collect();
    let by_period = BudgetByPeriod {
        title: "Budget by quarter".into(),
        currency: "EUR".into(),
        periods,
        ..Default::default()
    };
    sections.push(("Budget by quarter".into(), budget_by_period(&by_period)));
    time_sections(sections, &mut rng);
}

fn time_sections(sections: &mut Vec<(String, String)>, rng: &mut Lcg) {
    let readings = (0..9)
        .map(|i| KpiReading {
            date: d(2025, 12, 31) + Months::new(i + 1),
            value: 99.5 + f64::from(i) * 0.04 + rng.below(10) as f64 / 100.0,
        })
        .map(|mut r| {
            r.date = r.date.with_day(28).unwrap_or(r.date);
            r
        })
        .collect();
    let kpi = KpiChart {
        title: "Platform uptime".into(),
        unit: "%".into(),
        direction: Direction::Up,
        readings,
        baseline: Some(KpiReading {
            date: d(2025, 12, 31),
            value: 99.5,
        }),
        targets: vec![
            KpiTarget {
                start: d(2026, 1, 1),
                end: d(2026, 12, 31),
                value: 99.9,
            },
            KpiTarget {
                start: d(2027, 1, 1),
                end: d(2027, 12, 31),
                value: 99.95,
            },
        ],
        as_of: Some(d(2026, 9, 30)),
        fiscal_year_start: 1,
        ..Default::default()
    };
    sections.push(("KPI".into(), kpi_chart(&kpi)));
    let statuses = [
        Status::OnTrack,
        Status::OnTrack,
        Status::AtRisk,
        Status::AtRisk,
        Status::OffTrack,
        Status::AtRisk,
    ];
    let history = ProgressHistory {
        title: "Platform v2: reported and expected progress".into(),
        start: d(2026, 4, 1),
        end: d(2027, 1, 31),
        checkins: statuses
            .iter()
            .enumerate()
            .map(|(i, &status)| ProgressPoint {
                date: d(2026, 4, 30) + Months::new(i as u32),
                progress: 4.0 + i as f64 * 7.5,
                status,
            })
            .collect(),
        as_of: Some(d(2026, 9, 30)),
        fiscal_year_start: 4,
        ..Default::default()
    };
    sections.push(("Status history".into(), progress_history(&history)));
    let burn = BudgetBurn {
        title: "Engineering: budget burn FY2027".into(),
        currency: "EUR".into(),
        months: (0..12)
            .map(|i| BurnMonth {
                month: d(2026, 4, 1) + Months::new(i),
                planned: 90_000.0 + rng.below(40_000) as f64,
                forecast: Some(95_000.0 + rng.below(40_000) as f64),
                actual: (i < 6).then(|| 85_000.0 + rng.below(50_000) as f64),
            })
            .collect(),
        cap: Some(1_400_000.0),
        as_of: Some(d(2026, 9, 30)),
        fiscal_year_start: 4,
        ..Default::default()
    };
    sections.push(("Budget burn".into(), budget_burn(&burn)));
    analysis_sections(sections, rng);
}

fn analysis_sections(sections: &mut Vec<(String, String)>, rng: &mut Lcg) {
    let load = ResourceLoad {
        title: "Bob Martin: load by month".into(),
        months: (0..18)
            .map(|i| LoadMonth {
                month: d(2026, 4, 1) + Months::new(i),
                load: 0.4 + rng.below(90) as f64 / 100.0,
                capacity: if i < 9 { 1.0 } else { 0.8 },
            })
            .collect(),
        fiscal_year_start: 4,
        ..Default::default()
    };
    sections.push(("Resource load".into(), resource_load(&load)));
    let points = (0..60)
        .map(|i| ScatterPoint {
            label: format!("{} {}", TOPICS[i % TOPICS.len()], i / TOPICS.len() + 1),
            difficulty: (1 + rng.below(5)) as f64,
            impact: (1 + rng.below(5)) as f64,
            budget: (rng.below(6) > 0).then(|| 20_000.0 + rng.below(900_000) as f64),
            status: Status::ALL[rng.below(7) as usize],
            key: rng.below(5) == 0,
        })
        .collect();
    let scatter = Scatter {
        title: "Difficulty and impact of 60 initiatives".into(),
        currency: "EUR".into(),
        points,
        ..Default::default()
    };
    sections.push(("Difficulty × impact".into(), difficulty_impact(&scatter)));
}
