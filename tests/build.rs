//! `plansite build` on a small fixture plan: every kind of page exists and is linked, and the
//! budget figures match sums computed by hand below.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

fn build(name: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("plansite-build-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["build", "--quiet"])
        .arg(fixture())
        .arg("-o")
        .arg(&out)
        .status()
        .expect("run plansite");
    assert!(status.success(), "build failed: {status}");
    out
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The text of the table row whose first cell contains `label` (tags stripped, spaces folded).
fn row(html: &str, label: &str) -> String {
    for tr in html.split("<tr>").skip(1) {
        let tr = tr.split("</tr>").next().unwrap_or_default();
        let text = strip_tags(tr);
        if text.starts_with(label) {
            return text;
        }
    }
    panic!("no row starting with {label:?}");
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_kind_of_page_exists_and_is_linked() {
    let out = build("pages");
    let pages = [
        "index.html",
        "strategy.html",
        "goals/index.html",
        "goals/on-time.html",
        "departments/index.html",
        "departments/operations.html",
        "departments/logistics.html",
        "departments/sales.html",
        "initiatives/index.html",
        "initiatives/new-wms.html",
        "initiatives/warehouse-move.html",
        "initiatives/new-pricing.html",
        "objectives/ops-on-time.html",
        "kpis/index.html",
        "kpis/otd.html",
        "people/index.html",
        "people/ana.html",
        "people/bo.html",
        "people/cy.html",
        "timeline.html",
        "budget.html",
    ];
    for p in pages {
        assert!(out.join(p).is_file(), "missing page {p}");
    }
    let wms = read(&out, "initiatives/new-wms.html");
    for link in [
        "../people/ana.html",
        "../departments/operations.html",
        "../goals/on-time.html",
        "../objectives/ops-on-time.html",
        "../kpis/otd.html",
        "../initiatives/warehouse-move.html",
        "../departments/sales.html",
    ] {
        assert!(
            wms.contains(&format!("href=\"{link}\"")),
            "initiative page lacks a link to {link}"
        );
    }
    // Dependencies are shown in both directions.
    let moved = read(&out, "initiatives/warehouse-move.html");
    assert!(moved.contains("href=\"../initiatives/new-wms.html\""));
    // A Markdown link to a plan file becomes a link to its page.
    let strategy = read(&out, "strategy.html");
    assert!(
        strategy.contains("href=\"initiatives/warehouse-move.html\""),
        "{strategy}"
    );
    let logistics = read(&out, "departments/logistics.html");
    assert!(
        logistics.contains("href=\"../departments/operations.html\""),
        "breadcrumb to the parent"
    );
}

#[test]
fn budget_figures_match_hand_computed_sums() {
    let out = build("budget");
    let budget = read(&out, "budget.html");
    // Lines: operations 1000 (FY2027-Q1, actual 900) + 1200 (FY2027, forecast 1300);
    // logistics 3000 (2026-Q3, actual 3100) + 50.25 (2026-05); sales 600 (FY2027-H2, forecast 650).
    // Planned 5850.25. Forecast: ended periods take the actual (900, 3100), 2026-05 has none so
    // keeps its planned 50.25, others as written: 900 + 1300 + 3100 + 50.25 + 650 = 6000.25.
    assert_eq!(
        row(&budget, "Organization"),
        "Organization 5,850.25 6,000.25 4,000.00 150.00"
    );
    // Operations: own 2200; with logistics 5250.25; forecast 900 + 1300 + 3100 + 50.25 = 5350.25.
    assert_eq!(
        row(&budget, "Operations"),
        "Operations 2,200.00 5,250.25 5,350.25 4,000.00"
    );
    assert_eq!(row(&budget, "Sales"), "Sales 600.00 600.00 650.00 0.00");
    // By category: personnel 1000 + 600; opex 1200 + 50.25; capex 3000.
    assert!(row(&budget, "personnel").starts_with("personnel 1,600.00 1,550.00 900.00"));
    assert!(row(&budget, "opex").starts_with("opex 1,250.25 1,350.25 0.00"));
    assert!(row(&budget, "capex").starts_with("capex 3,000.00 3,100.00 3,100.00"));
    // By fiscal quarter (April start): the year line spreads 100 a month, the half-year line 100 a
    // month, the May line sits in Q1. Q1 = 1000 + 300 + 50.25; Q2 = 300 + 3000; Q3 = Q4 = 300 + 300.
    assert!(row(&budget, "FY2027-Q1").starts_with("FY2027-Q1 1,350.25"));
    assert!(row(&budget, "FY2027-Q2").starts_with("FY2027-Q2 3,300.00"));
    assert!(row(&budget, "FY2027-Q3").starts_with("FY2027-Q3 600.00"));
    assert!(row(&budget, "FY2027-Q4").starts_with("FY2027-Q4 600.00"));

    let ops = read(&out, "departments/operations.html");
    assert!(row(&ops, "Own lines").starts_with("Own lines 2,200.00"));
    assert!(row(&ops, "With all departments under it")
        .starts_with("With all departments under it 5,250.25"));
    // The cap holds the whole subtree's planned lines in FY2027: 5250.25 of 6000, 749.75 left.
    assert_eq!(row(&ops, "FY2027 "), "FY2027 6,000.00 5,250.25 749.75");
}

#[test]
fn a_broken_plan_writes_nothing_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("plansite-broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture(), &dir);
    std::fs::write(
        dir.join("goals/on-time.md"),
        "+++\ntitle = \"Deliver\"\nowner = \"nobody\"\n+++\n",
    )
    .unwrap();
    let out = dir.join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["build", "--quiet"])
        .arg(&dir)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(!out.exists(), "nothing is written for a plan with errors");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Page text with tags and inline charts removed and white space folded, for plain assertions.
fn text(out: &Path, page: &str) -> String {
    let html = read(out, page);
    let mut no_svg = String::new();
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<svg") {
        no_svg.push_str(&rest[..i]);
        rest = rest[i..].split_once("</svg>").map_or("", |(_, r)| r);
    }
    no_svg.push_str(rest);
    strip_tags(&no_svg)
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}

#[test]
fn analysis_pages_show_hand_computed_figures() {
    let out = build("analysis");
    for p in [
        "coordination.html",
        "resources.html",
        "focus.html",
        "checkins.html",
        "appraisal/index.html",
        "appraisal/department-operations.html",
        "appraisal/person-bo.html",
        "data/scores.csv",
    ] {
        assert!(out.join(p).is_file(), "missing {p}");
    }
    // Bo (capacity 0.5): allocation 0.5 April–August plus a 0.2 task April–May → 0.7 in April and May.
    assert!(text(&out, "resources.html").contains("Bo Logistics 2026-04 2026-05 0.70 FTE 0.50 FTE"));
    // new-wms starts 2026-04-01 and depends on warehouse-move ending 2026-08-31: slack −152 days.
    assert!(text(&out, "coordination.html").contains("New warehouse system Warehouse move -152 d"));
    // KPI otd: 86 against the FY2027 target 90 → gap (90 − 86) / 90 = 4.44 % ≤ tolerance 10 → at risk.
    assert!(text(&out, "kpis/otd.html").contains("gap 4.44 %, tolerance 10 → at risk"));
    // Key result: (86 − 80) / (90 − 80) = 60 %; the objective is the mean of its one key result.
    assert!(text(&out, "objectives/ops-on-time.html").contains("Progress 60.0%"));
    // Operations FY2027: KPIs 60; delivery 40 / 66.5 (183 of 275 days elapsed) = 0.601; budget
    // actual 900 ≤ planned 1000 → 1. Score 0.5 × 60 + 0.3 × 60.1 + 0.2 × 100 = 68.0 → "Below".
    // Logistics: warehouse-move done 30 days late → 0.9; capex 3100 against 3000 → 1 − 2 × 100/3000;
    // no KPIs, so weights re-spread 30:20 → 0.6 × 90 + 0.4 × 93.33 = 91.3 → "Meets".
    let scores = read(&out, "data/scores.csv");
    assert!(
        scores.contains("FY2027,department,operations,68.0,60.0,60.1,100.0,Below,Improvement plan"),
        "{scores}"
    );
    assert!(
        scores.contains("FY2027,department,logistics,91.3,,90.0,93.3,Meets,Standard review"),
        "{scores}"
    );
    // The check-in log links each check-in's page, and that page links what it reports on.
    let log = read(&out, "checkins.html");
    let page = log
        .split("href=\"checkins/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the log links a check-in page");
    assert!(
        read(&out, &format!("checkins/{page}")).contains("href=\"../initiatives/new-wms.html\"")
    );
}

#[test]
fn timings_name_every_phase_with_its_peak_memory() {
    let out = std::env::temp_dir().join(format!("plansite-timings-{}", std::process::id()));
    let res = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["build", "--timings", "-q"])
        .arg(fixture())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&out);
    assert!(res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    for phase in [
        "load",
        "parse, check, analyze",
        "render and write pages",
        "swap in",
    ] {
        let line = line_starting(&err, phase);
        assert!(line.contains(" ms"), "{line}");
        // Peak memory comes from /proc: Linux only.
        let procfs = Path::new("/proc/self/status").exists();
        assert_eq!(line.contains("peak memory so far"), procfs, "{line}");
    }
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("total")),
        "{err}"
    );
    // Then the parts, each with a time; the larger ones took a measurable share even of this
    // small plan (the rules or a few charts may round to 0.0 ms).
    let parts = err
        .split_once("time in each part")
        .unwrap_or_else(|| panic!("no parts in:\n{err}"))
        .1;
    for part in [
        "parse",
        "check: rules",
        "check: links and templates",
        "analyze",
        "render pages",
        "charts",
        "write pages",
        "data exports (JSON, CSV)",
    ] {
        let line = line_starting(parts, part);
        let ms: f64 = line.trim_start()[part.len()..]
            .trim()
            .trim_end_matches("ms")
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        let large = [
            "parse",
            "render pages",
            "write pages",
            "data exports (JSON, CSV)",
        ];
        assert!(ms > 0.0 || !large.contains(&part), "{line}");
    }
}

/// The first line of `text` that starts, after its indent, with `name`.
fn line_starting<'t>(text: &'t str, name: &str) -> &'t str {
    text.lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no `{name}` line in:\n{text}"))
}

/// `nav.html` and `footer.html` are rendered once per root and section and shared by the pages:
/// every page must still get the navigation of its own section and depth, and an override in
/// `templates/` must reach every page.
#[test]
fn the_shared_navigation_fits_each_page_and_can_be_overridden() {
    let out = build("nav");
    let current = |page: &str| {
        let html = read(&out, page);
        let marked: Vec<&str> = html
            .match_indices(" aria-current=\"page\"")
            .map(|(i, _)| html[..i].rsplit("href=\"").next().unwrap_or_default())
            .collect();
        marked.join(" ")
    };
    assert_eq!(current("index.html"), "index.html\"");
    assert_eq!(current("budget.html"), "budget.html\"");
    assert_eq!(current("goals/index.html"), "../goals/index.html\"");
    assert_eq!(
        current("initiatives/index.html"),
        "../initiatives/index.html\""
    );
    let person = std::fs::read_dir(out.join("people"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n != "index.html")
        .expect("a person page");
    assert_eq!(
        current(&format!("people/{person}")),
        "../people/index.html\""
    );
    assert_eq!(current("404.html"), "");
    assert!(read(&out, "goals/index.html").contains("<a href=\"../data/plan.json\">"));
    assert!(read(&out, "budget.html").contains("<a href=\"data/plan.json\">"));

    let dir = std::env::temp_dir().join(format!("plansite-nav-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture(), &dir);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/nav.html"),
        "<li><a href=\"{{ root }}wiki.html\">Wiki for {{ page.section }} &amp; co</a></li>",
    )
    .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["build", "--quiet"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let site = dir.join("public");
    assert!(
        read(&site, "budget.html").contains("<a href=\"wiki.html\">Wiki for budget &amp; co</a>")
    );
    assert!(read(&site, "goals/index.html")
        .contains("<a href=\"../wiki.html\">Wiki for goals &amp; co</a>"));
    assert!(!read(&site, "goals/index.html").contains("aria-current"));

    // The parts are shared by many pages, so they do not see a page's own variables.
    std::fs::write(dir.join("templates/nav.html"), "<li>{{ path }}</li>").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["build", "--quiet"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("E022") && stderr.contains("nav.html"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}
