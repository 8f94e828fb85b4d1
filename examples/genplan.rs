//! A deterministic generator of synthetic plans, for benchmarks and profiling.
//!
//! ```text
//! cargo run --release --example genplan -- --scale small|enterprise|huge OUT [--hugo HUGO_OUT]
//! ```
//!
//! `enterprise` is a large organization: 40 departments nested up to three levels with teams,
//! 2,000 initiatives (allocations, milestones, tasks, cross-department dependencies), 400 KPIs,
//! 3,000 people, ~14,000 budget lines, objectives with key results, sixty monthly check-ins and an
//! appraisal. `small` is about a twentieth of that, `huge` five times it. The output is
//! byte-identical on every run (a fixed-seed splitmix64 drives every choice; no maps are iterated
//! in hash order) and passes `plansite check` without errors: allocations stay under capacity,
//! dependencies end before their dependents start (a DAG with positive slack), tasks and
//! milestones lie inside their initiative, check-ins never run past `as_of`, budget caps and
//! envelopes leave headroom, goal weights sum to 100.
//!
//! `--hugo DIR` writes the same Markdown bodies as a plain Hugo site (one page per Markdown file
//! of the plan, front matter with the title only, a minimal layout), so that the two generators
//! can be timed on the same prose.

// The `*r.pick(..)` derefs choose `&str` for the generic pick (clippy's fix breaks inference),
// and the index loops walk several parallel vectors at once.
#![allow(clippy::explicit_auto_deref, clippy::needless_range_loop)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64, seeded once.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Scales.

#[derive(Clone, Copy)]
struct Scale {
    departments: usize,
    initiatives: usize,
    kpis: usize,
    people: usize,
    /// Budget lines per department and quarter.
    lines_per_quarter: usize,
    /// Objectives per department and fiscal year.
    objectives_per_year: usize,
}

fn scale(name: &str) -> Option<Scale> {
    Some(match name {
        "small" => Scale {
            departments: 6,
            initiatives: 100,
            kpis: 20,
            people: 150,
            lines_per_quarter: 4,
            objectives_per_year: 1,
        },
        "enterprise" => Scale {
            departments: 40,
            initiatives: 2_000,
            kpis: 400,
            people: 3_000,
            lines_per_quarter: 15,
            objectives_per_year: 2,
        },
        "huge" => Scale {
            departments: 200,
            initiatives: 10_000,
            kpis: 2_000,
            people: 15_000,
            lines_per_quarter: 15,
            objectives_per_year: 2,
        },
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Calendar. Fiscal years start in April; the horizon is FY2026..=FY2031, i.e. April 2025 to
// March 2031: month index 0 is April 2025, 71 is March 2031. Check-ins run monthly for five
// years (months 0..60) and `as_of` is the last of them.

const FY_START: i64 = 2026;
const FY_END: i64 = 2031;
const MONTHS: usize = ((FY_END - FY_START + 1) * 12) as usize;
const CHECKIN_MONTHS: usize = 60;
const AS_OF_MONTH: usize = CHECKIN_MONTHS - 1;

fn ym(m: usize) -> (i64, u32) {
    let t = 2025 * 12 + 3 + m as i64; // April 2025 = 2025*12 + 3 (months from 0)
    (t / 12, (t % 12) as u32 + 1)
}

fn days_in(y: i64, mo: u32) -> u32 {
    match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn date(m: usize, day: u32) -> String {
    let (y, mo) = ym(m);
    format!("{y:04}-{mo:02}-{:02}", day.min(days_in(y, mo)))
}

fn first(m: usize) -> String {
    date(m, 1)
}

fn last(m: usize) -> String {
    date(m, 31)
}

/// The fiscal year (e.g. 2027) of a month index.
fn fy_of(m: usize) -> i64 {
    FY_START + (m / 12) as i64
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

const DEPT_NAMES: &[&str] = &[
    "Sales",
    "Marketing",
    "Finance",
    "Human Resources",
    "Technology",
    "Operations",
    "Logistics",
    "Procurement",
    "Legal",
    "Customer Service",
    "Engineering",
    "Data",
    "Security",
    "Facilities",
    "Manufacturing",
    "Quality",
    "Research",
    "Product",
    "Strategy",
    "Communications",
    "Treasury",
    "Tax",
    "Controlling",
    "Internal Audit",
    "Risk",
    "Compliance",
    "Workplace",
    "Fleet",
    "Warehousing",
    "Transport",
    "Field Service",
    "Key Accounts",
    "E-commerce",
    "Pricing",
    "Category Management",
    "Supplier Quality",
    "Infrastructure",
    "Applications",
    "Analytics",
    "Learning",
    "Recruiting",
    "Payroll",
    "Sustainability",
    "Health and Safety",
    "Brand",
];
const REGIONS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Benelux",
    "Nordics",
    "Iberia",
    "Alps",
    "Baltics",
    "Balkans",
    "Islands",
    "Coast",
    "Highlands",
    "Lowlands",
    "Delta",
];
const TEAM_NAMES: &[&str] = &[
    "Planning",
    "Delivery",
    "Platform",
    "Excellence",
    "Analytics",
    "Partners",
    "Programs",
    "Service",
    "Projects",
    "Governance",
    "Enablement",
    "Change",
];
const FIRST: &[&str] = &[
    "Anna", "Ben", "Carla", "David", "Eva", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Katja",
    "Lukas", "Mara", "Nils", "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tara", "Udo", "Vera", "Wim",
    "Xenia", "Yusuf", "Zoe", "Amir", "Bianca", "Chen", "Dana", "Emil", "Fatima", "Gustav", "Hana",
    "Igor", "Julia", "Karim", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Rafael", "Sara", "Tomas",
    "Ulla", "Victor", "Wanda", "Yara", "Zeno", "Aiko", "Bruno", "Clara", "Dmitri", "Elena",
    "Farid", "Gina", "Henrik", "Isla", "Jan",
];
const LAST: &[&str] = &[
    "Jansen",
    "Martin",
    "Rossi",
    "Eriksen",
    "Dubois",
    "Novak",
    "Silva",
    "Larsen",
    "Cohen",
    "Carter",
    "Sharma",
    "Ferrari",
    "Muller",
    "Bakker",
    "Visser",
    "Smit",
    "Meyer",
    "Schulz",
    "Garcia",
    "Lopez",
    "Moreau",
    "Laurent",
    "Kowalski",
    "Nowak",
    "Horvat",
    "Popescu",
    "Ivanova",
    "Berg",
    "Lind",
    "Nielsen",
    "Hansen",
    "Virtanen",
    "Murphy",
    "Kelly",
    "Walsh",
    "Byrne",
    "Costa",
    "Santos",
    "Pereira",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Kruger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Schmitt",
    "Maier",
    "Fuchs",
    "Vogel",
    "Brandt",
    "Haas",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Winter",
    "Sommer",
];
const ROLES: &[&str] = &[
    "Analyst",
    "Specialist",
    "Manager",
    "Senior Manager",
    "Director",
    "Engineer",
    "Consultant",
    "Coordinator",
    "Team Lead",
    "Architect",
    "Planner",
    "Controller",
];

/// (name, unit, direction, kind, baseline low, baseline high, yearly change share)
type Metric = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
);
const METRICS: &[Metric] = &[
    ("Order fill rate", "%", "up", "level", 88.0, 94.0, 0.008),
    (
        "Net revenue",
        "M EUR",
        "up",
        "cumulative",
        20.0,
        200.0,
        0.05,
    ),
    ("Cost per order", "EUR", "down", "level", 5.0, 20.0, 0.04),
    ("Customer churn", "%", "down", "level", 6.0, 12.0, 0.06),
    (
        "Net promoter score",
        "points",
        "up",
        "level",
        15.0,
        35.0,
        0.08,
    ),
    (
        "Employee engagement",
        "points",
        "up",
        "level",
        55.0,
        72.0,
        0.03,
    ),
    (
        "Unplanned downtime",
        "hours",
        "down",
        "cumulative",
        150.0,
        400.0,
        0.07,
    ),
    (
        "Sev1 incidents",
        "count",
        "down",
        "cumulative",
        8.0,
        24.0,
        0.08,
    ),
    ("On-time delivery", "%", "up", "level", 84.0, 93.0, 0.01),
    (
        "Leads generated",
        "count",
        "up",
        "cumulative",
        1000.0,
        9000.0,
        0.07,
    ),
    (
        "Days sales outstanding",
        "days",
        "down",
        "level",
        35.0,
        60.0,
        0.04,
    ),
    ("Inventory turns", "turns", "up", "level", 4.0, 9.0, 0.05),
    (
        "Training hours per FTE",
        "hours",
        "up",
        "cumulative",
        12.0,
        40.0,
        0.06,
    ),
    ("Voluntary attrition", "%", "down", "level", 8.0, 15.0, 0.05),
    (
        "First contact resolution",
        "%",
        "up",
        "level",
        60.0,
        78.0,
        0.03,
    ),
    (
        "Carbon emissions",
        "t CO2e",
        "down",
        "cumulative",
        1000.0,
        8000.0,
        0.08,
    ),
    ("Forecast accuracy", "%", "up", "level", 70.0, 86.0, 0.02),
    ("Time to hire", "days", "down", "level", 30.0, 60.0, 0.05),
    ("Gross margin", "%", "up", "level", 24.0, 38.0, 0.02),
    ("Defect rate", "ppm", "down", "level", 200.0, 900.0, 0.08),
    ("Cycle time", "days", "down", "level", 6.0, 20.0, 0.05),
    (
        "Data quality score",
        "points",
        "up",
        "level",
        68.0,
        85.0,
        0.03,
    ),
    (
        "Supplier on-time rate",
        "%",
        "up",
        "level",
        80.0,
        91.0,
        0.015,
    ),
    (
        "Safety incidents",
        "count",
        "down",
        "cumulative",
        10.0,
        40.0,
        0.08,
    ),
];
const FREQUENCIES: &[&str] = &[
    "monthly",
    "monthly",
    "monthly",
    "quarterly",
    "quarterly",
    "yearly",
];

const GOALS: &[(&str, &str, u32)] = &[
    (
        "profitable-growth",
        "Grow revenue faster than the market, profitably",
        20,
    ),
    (
        "customer-loyalty",
        "Be the supplier customers recommend",
        15,
    ),
    (
        "digital-revenue",
        "Make digital channels the main way customers buy",
        15,
    ),
    (
        "operational-excellence",
        "Deliver every order right, on time, at lower cost",
        15,
    ),
    (
        "people-growth",
        "Grow our people before we grow headcount",
        10,
    ),
    (
        "data-driven",
        "Run the company on one trusted set of data",
        10,
    ),
    (
        "sustainable-operations",
        "Halve the carbon footprint of our operations",
        10,
    ),
    (
        "resilient-supply",
        "Keep supply flowing through any disruption",
        5,
    ),
];

const INIT_VERBS: &[&str] = &[
    "Consolidate",
    "Automate",
    "Redesign",
    "Migrate",
    "Standardise",
    "Pilot",
    "Roll out",
    "Modernise",
    "Streamline",
    "Outsource",
    "Insource",
    "Digitise",
    "Retire",
    "Harmonise",
];
const INIT_OBJECTS: &[&str] = &[
    "order intake",
    "supplier onboarding",
    "the returns process",
    "month-end close",
    "customer self-service",
    "warehouse slotting",
    "demand forecasting",
    "the pricing engine",
    "field service scheduling",
    "contract management",
    "travel and expenses",
    "the data platform",
    "identity and access",
    "the service desk",
    "route planning",
    "quality inspections",
    "product master data",
    "the intranet",
    "payroll processing",
    "talent reviews",
    "energy monitoring",
    "packaging",
    "the partner portal",
    "key account plans",
    "the ERP interfaces",
    "invoice matching",
    "credit management",
    "shift planning",
];
const SUBJECTS: &[&str] = &[
    "We",
    "The team",
    "The steering committee",
    "Each region",
    "Our customers",
    "The programme office",
    "Finance",
    "The business owners",
    "Every site",
    "The project lead",
];
const VERBS: &[&str] = &[
    "will consolidate",
    "must reduce",
    "plans to automate",
    "reviews",
    "will pilot",
    "expects to improve",
    "has agreed to standardise",
    "is going to retire",
    "measures",
    "will simplify",
    "needs to renegotiate",
    "wants to understand",
    "commits to publish",
    "will move",
    "has to replace",
    "can shorten",
];
const OBJECTS: &[&str] = &[
    "the order-to-cash process",
    "manual hand-offs between warehouse and sales",
    "the supplier base",
    "our legacy reporting",
    "first-time-right rates",
    "the cost of every order line",
    "lead times for spare parts",
    "the number of tools in use",
    "customer-specific price lists",
    "stock levels across the network",
    "the approval chain",
    "onboarding time for new hires",
    "the backlog of change requests",
    "service levels",
    "the quality of master data",
    "energy use per square metre",
    "open invoices past due",
    "the way we plan capacity",
    "interfaces to the ERP",
    "weekly performance reviews",
];
const TAILS: &[&str] = &[
    "before the peak season",
    "by the end of the fiscal year",
    "in two waves, starting with the largest sites",
    "without adding headcount",
    "so that every region works from the same numbers",
    "with the help of an external partner",
    "once the pilot has proven the benefits",
    "and report progress every month",
    "while keeping service levels stable",
    "within the approved envelope",
    "in close coordination with finance",
    "after the works council has been consulted",
    "for all customers above the threshold",
];
const CONNECTIVES: &[&str] = &[
    "In addition,",
    "At the same time,",
    "As a first step,",
    "In practice,",
    "Above all,",
    "For this reason,",
    "Meanwhile,",
    "In the second year,",
];
const RISKS: &[&str] = &[
    "Key people are pulled into day-to-day firefighting",
    "The vendor misses a release date",
    "Data quality in the legacy system is worse than assumed",
    "Adoption stays low because the old way still works",
    "Peak season overlaps with the go-live window",
    "Budget approval for the second phase is delayed",
    "Interfaces to neighbouring systems change late",
    "The business case depends on volumes that may not materialise",
];
const PHASES: &[&str] = &[
    "Discovery",
    "Design",
    "Build",
    "Pilot",
    "Rollout",
    "Stabilise",
    "Handover",
];
const CATEGORIES: &[&str] = &[
    "opex",
    "capex",
    "licenses",
    "contractors",
    "travel",
    "training",
    "marketing",
    "facilities",
];
const ITEMS: &[&str] = &[
    "Cloud hosting",
    "Software subscriptions",
    "External consultants",
    "Hardware refresh",
    "Conferences and travel",
    "Training programme",
    "Campaign media",
    "Office rent",
    "Maintenance contracts",
    "Temporary staff",
    "Legal advice",
    "Market research",
    "Tooling",
    "Spare parts",
    "Energy",
    "Insurance",
];
const MILESTONE_TITLES: &[&str] = &[
    "Business case approved",
    "Design signed off",
    "Vendor selected",
    "Pilot live",
    "First site live",
    "Half of the sites live",
    "All sites live",
    "Old system switched off",
    "Benefits review",
    "Handover to operations",
];
const TASK_VERBS: &[&str] = &[
    "Map",
    "Define",
    "Test",
    "Migrate",
    "Train users on",
    "Document",
    "Review",
    "Configure",
    "Clean up",
    "Measure",
];

fn kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Money in cents: an integer when whole, else an exact string.
fn money(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("\"{}.{:02}\"", cents / 100, (cents % 100).abs())
    }
}

/// FTE in hundredths as a TOML float.
fn fte(h: u32) -> String {
    if h.is_multiple_of(100) {
        format!("{}.0", h / 100)
    } else if h.is_multiple_of(10) {
        format!("{}.{}", h / 100, (h % 100) / 10)
    } else {
        format!("{}.{:02}", h / 100, h % 100)
    }
}

fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if decimals == 0 {
        s
    } else {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Prose.

fn sentence(r: &mut Rng, out: &mut String) {
    if r.chance(0.25) {
        out.push_str(*r.pick(CONNECTIVES));
        out.push(' ');
        let s = *r.pick(SUBJECTS);
        if s == "We" {
            out.push_str("we");
        } else {
            let mut c = s.chars();
            out.push(c.next().unwrap().to_ascii_lowercase());
            out.push_str(c.as_str());
        }
    } else {
        out.push_str(*r.pick(SUBJECTS));
    }
    out.push(' ');
    out.push_str(*r.pick(VERBS));
    out.push(' ');
    let obj = *r.pick(OBJECTS);
    if r.chance(0.15) {
        let _ = write!(out, "**{obj}**");
    } else {
        out.push_str(obj);
    }
    if r.chance(0.3) {
        let _ = write!(out, " by {}%", r.range(5, 40));
    }
    out.push(' ');
    out.push_str(*r.pick(TAILS));
    out.push('.');
}

fn paragraph(r: &mut Rng, out: &mut String, sentences: usize) {
    let mut col = 0;
    for i in 0..sentences {
        if i > 0 {
            // Wrap now and then, as authors do.
            if col > 300 {
                out.push('\n');
                col = 0;
            } else {
                out.push(' ');
            }
        }
        let start = out.len();
        sentence(r, out);
        col += out.len() - start;
    }
    out.push_str("\n\n");
}

fn bullets(r: &mut Rng, out: &mut String, n: usize, numbered: bool) {
    for i in 0..n {
        if numbered {
            let _ = write!(out, "{}. ", i + 1);
        } else {
            out.push_str("- ");
        }
        let mut s = String::new();
        sentence(r, &mut s);
        out.push_str(&s);
        out.push('\n');
    }
    out.push('\n');
}

fn phase_table(r: &mut Rng, out: &mut String, people: &[String], start: usize, end: usize) {
    out.push_str("| Phase | Window | Lead | Outcome |\n|---|---|---|---|\n");
    let n = r.range(3, 5) as usize;
    let span = (end - start + 1).max(1);
    for i in 0..n {
        let a = start + span * i / n;
        let b = (start + span * (i + 1) / n).saturating_sub(1).max(a);
        let (ya, ma) = ym(a);
        let (yb, mb) = ym(b);
        let lead = r.pick(people);
        let _ = writeln!(
            out,
            "| {} | {ya}-{ma:02} to {yb}-{mb:02} | {lead} | {} |",
            PHASES[i % PHASES.len()],
            cap_first(*r.pick(OBJECTS))
        );
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// The model being generated.

struct Dept {
    id: String,
    name: String,
    parent: Option<usize>,
    teams: Vec<(String, String)>,
    people: Vec<usize>,
    kpis: Vec<usize>,
    objectives: Vec<(String, i64)>, // (id, fiscal year)
}

struct Person {
    id: String,
    name: String,
    dept: usize,
    team: usize,
    capacity: u32, // hundredths
}

struct Kpi {
    id: String,
    name: String,
    metric: usize,
    dept: Option<usize>,
    owner: usize,
    goal: Option<usize>,
    frequency: &'static str,
    baseline: f64,
    targets: Vec<f64>, // per fiscal year FY_START..=FY_END
    tolerance: u32,
    decimals: usize,
}

struct Alloc {
    person: usize,
    fte: u32,
    from: usize,
    to: usize,
    whole: bool,
}

struct Task {
    title: String,
    owner: usize,
    start: usize,
    end: usize,
    fte: Option<u32>,
}

struct Initiative {
    id: String,
    title: String,
    dept: usize,
    owner: usize,
    team: usize,
    start: usize,
    end: usize,
    goals: Vec<usize>,
    objectives: Vec<String>,
    kpis: Vec<usize>,
    priority: &'static str,
    difficulty: i64,
    impact: i64,
    key: bool,
    depends_on: Vec<usize>,
    collaborators: Vec<usize>,
    allocations: Vec<Alloc>,
    milestones: Vec<(String, usize, u32)>, // (title, month, day)
    tasks: Vec<Task>,
    /// Months late (forecast end beyond `end`).
    slip: usize,
    /// The month it was cancelled, if it was.
    cancelled: Option<usize>,
    /// Budget lines naming it, in cents.
    lines_cents: i64,
    body: String,
}

struct Line {
    category: &'static str,
    item: String,
    initiative: Option<usize>,
    period: String,
    planned: i64,
    forecast: Option<i64>,
    actual: Option<i64>,
}

struct Gen {
    r: Rng,
    s: Scale,
    depts: Vec<Dept>,
    people: Vec<Person>,
    kpis: Vec<Kpi>,
    inits: Vec<Initiative>,
    lines: Vec<Vec<Line>>, // per department
    /// load[person][month] in hundredths of FTE
    load: Vec<[u32; MONTHS]>,
}

impl Gen {
    fn new(s: Scale) -> Gen {
        Gen {
            r: Rng(0x005E_ED0F_9A1A_2026),
            s,
            depts: vec![],
            people: vec![],
            kpis: vec![],
            inits: vec![],
            lines: vec![],
            load: vec![],
        }
    }

    fn departments(&mut self) {
        let n = self.s.departments;
        let tops = (n / 7).max(2);
        let level2_end = tops + (n - tops) * 3 / 5;
        let mut used = BTreeSet::new();
        for i in 0..n {
            let base = DEPT_NAMES[i % DEPT_NAMES.len()];
            let mut name = if i < DEPT_NAMES.len() {
                base.to_string()
            } else {
                format!(
                    "{base} {}",
                    REGIONS[(i / DEPT_NAMES.len() - 1) % REGIONS.len()]
                )
            };
            let mut k = 2;
            while !used.insert(kebab(&name)) {
                name = format!("{base} {k}");
                k += 1;
            }
            let parent = if i < tops {
                None
            } else if i < level2_end {
                Some(self.r.below(tops))
            } else {
                Some(tops + self.r.below(level2_end - tops))
            };
            let nteams = self.r.range(2, 4) as usize;
            let mut teams = vec![];
            let off = self.r.below(TEAM_NAMES.len());
            for t in 0..nteams {
                let tn = TEAM_NAMES[(off + t) % TEAM_NAMES.len()];
                teams.push((kebab(tn), format!("{} {tn}", name)));
            }
            self.depts.push(Dept {
                id: kebab(&name),
                name,
                parent,
                teams,
                people: vec![],
                kpis: vec![],
                objectives: vec![],
            });
        }
    }

    fn people(&mut self) {
        let mut used = BTreeSet::new();
        for i in 0..self.s.people {
            let f = FIRST[self.r.below(FIRST.len())];
            let l = LAST[self.r.below(LAST.len())];
            let mut name = format!("{f} {l}");
            let mut id = kebab(&name);
            let mut k = 2;
            while used.contains(&id) {
                id = format!("{}-{k}", kebab(&name));
                k += 1;
            }
            if k > 2 {
                name = format!("{f} {l} ({})", k - 1);
            }
            used.insert(id.clone());
            let dept = i % self.depts.len();
            let team = self.r.below(self.depts[dept].teams.len());
            let capacity = if self.r.chance(0.1) { 80 } else { 100 };
            self.depts[dept].people.push(i);
            self.people.push(Person {
                id,
                name,
                dept,
                team,
                capacity,
            });
            self.load.push([0; MONTHS]);
        }
    }

    fn kpis(&mut self) {
        let org = (self.s.kpis / 10).max(4);
        let per_dept = (self.s.kpis - org) / self.depts.len();
        let mut specs: Vec<(Option<usize>, usize, String, String)> = vec![];
        for k in 0..org {
            let m = k % METRICS.len();
            let scope = k / METRICS.len();
            let (id, name) = if scope == 0 {
                (
                    format!("group-{}", kebab(METRICS[m].0)),
                    format!("{} (group)", METRICS[m].0),
                )
            } else {
                let reg = REGIONS[(scope - 1) % REGIONS.len()];
                let suffix = if scope > REGIONS.len() {
                    format!("-{}", scope)
                } else {
                    String::new()
                };
                (
                    format!("{}{suffix}-{}", kebab(reg), kebab(METRICS[m].0)),
                    format!("{} ({reg})", METRICS[m].0),
                )
            };
            specs.push((None, m, id, name));
        }
        for d in 0..self.depts.len() {
            let off = self.r.below(METRICS.len());
            for j in 0..per_dept.min(METRICS.len()) {
                let m = (off + j * 5) % METRICS.len();
                let m = if j * 5 >= METRICS.len() {
                    (m + 1) % METRICS.len()
                } else {
                    m
                };
                let id = format!("{}-{}", self.depts[d].id, kebab(METRICS[m].0));
                let name = format!("{}: {}", self.depts[d].name, METRICS[m].0.to_lowercase());
                specs.push((Some(d), m, id, name));
            }
        }
        let mut seen = BTreeSet::new();
        for (dept, m, id, name) in specs {
            if !seen.insert(id.clone()) {
                continue;
            }
            let (_, unit, dir, kind, lo, hi, g) = METRICS[m];
            let decimals = if hi >= 500.0 { 0 } else { 1 };
            let base = lo + (hi - lo) * self.r.unit();
            let base = if kind == "cumulative" {
                base
            } else {
                round_to(base, decimals)
            };
            let mut targets = vec![];
            for y in 0..(FY_END - FY_START + 1) {
                let f = g * (y as f64 + 1.0);
                let mut t = if dir == "up" {
                    base * (1.0 + f)
                } else {
                    base * (1.0 - f).max(0.3)
                };
                if unit == "%" && dir == "up" {
                    t = t.min(99.5);
                }
                targets.push(round_to(t, decimals));
            }
            let owner = match dept {
                Some(d) => *self.r.pick(&self.depts[d].people),
                None => self.r.below(self.people.len()),
            };
            let idx = self.kpis.len();
            if let Some(d) = dept {
                self.depts[d].kpis.push(idx);
            }
            let goal = if dept.is_none() || self.r.chance(0.3) {
                Some(self.r.below(GOALS.len()))
            } else {
                None
            };
            let frequency = *self.r.pick(FREQUENCIES);
            let tolerance = self.r.range(5, 15) as u32;
            self.kpis.push(Kpi {
                id,
                name,
                metric: m,
                dept,
                owner,
                goal,
                frequency,
                baseline: if kind == "cumulative" { 0.0 } else { base },
                targets,
                tolerance,
                decimals,
            });
        }
    }

    fn objectives(&mut self) {
        for d in 0..self.depts.len() {
            for fy in FY_START..=FY_END {
                for k in 0..self.s.objectives_per_year {
                    let id = format!("{}-fy{}-{}", self.depts[d].id, fy % 100, k + 1);
                    self.depts[d].objectives.push((id, fy));
                }
            }
        }
    }

    /// Try to book `fte` for `person` over months `a..=b`; false when it would exceed capacity.
    fn book(&mut self, person: usize, fte: u32, a: usize, b: usize) -> bool {
        let cap = self.people[person].capacity;
        if self.load[person][a..=b].iter().any(|&l| l + fte > cap) {
            return false;
        }
        for l in &mut self.load[person][a..=b] {
            *l += fte;
        }
        true
    }

    fn initiatives(&mut self) {
        let n = self.s.initiatives;
        let nd = self.depts.len();
        let mut used = BTreeSet::new();
        for i in 0..n {
            let dept = i % nd;
            let verb = INIT_VERBS[self.r.below(INIT_VERBS.len())];
            let obj = INIT_OBJECTS[self.r.below(INIT_OBJECTS.len())];
            let title = format!("{verb} {obj} ({})", self.depts[dept].name);
            let mut id = kebab(&format!("{} {verb} {obj}", self.depts[dept].id));
            let mut k = 2;
            while used.contains(&id) {
                id = kebab(&format!("{} {verb} {obj} {k}", self.depts[dept].id));
                k += 1;
            }
            used.insert(id.clone());
            let title = if k > 2 {
                format!("{title}, wave {}", k - 1)
            } else {
                title
            };
            let dur = self.r.range(3, 18) as usize;
            let start = self.r.below(MONTHS - 3);
            let end = (start + dur - 1).min(MONTHS - 1);
            let dp = self.depts[dept].people.clone();
            let owner = *self.r.pick(&dp);
            let team = self.people[owner].team;
            let mut goals = vec![self.r.below(GOALS.len())];
            if self.r.chance(0.4) {
                let g = self.r.below(GOALS.len());
                if !goals.contains(&g) {
                    goals.push(g);
                }
            }
            let objectives: Vec<String> = self.depts[dept]
                .objectives
                .iter()
                .filter(|(_, fy)| *fy >= fy_of(start) && *fy <= fy_of(end))
                .map(|(id, _)| id.clone())
                .collect();
            let objectives = if objectives.is_empty() || self.r.chance(0.3) {
                vec![]
            } else {
                vec![self.r.pick(&objectives).clone()]
            };
            let mut kpis = vec![];
            if !self.depts[dept].kpis.is_empty() && self.r.chance(0.7) {
                kpis.push(*self.r.pick(&self.depts[dept].kpis));
            }
            let priority = *self
                .r
                .pick(&["critical", "high", "medium", "medium", "low"]);
            let difficulty = self.r.range(1, 5);
            let impact = self.r.range(1, 5);
            let key = self.r.chance(0.05);

            // Resources, within capacity.
            let mut allocations = vec![];
            let want = self.r.range(1, 4);
            for _ in 0..want {
                for _try in 0..8 {
                    let p = *self.r.pick(&dp);
                    if allocations.iter().any(|a: &Alloc| a.person == p) {
                        continue;
                    }
                    let f = *self.r.pick(&[10u32, 20, 25, 30, 40, 50]);
                    let whole = self.r.chance(0.7) || end - start < 2;
                    let (a, b) = if whole {
                        (start, end)
                    } else {
                        let a = start + self.r.below((end - start) / 2 + 1);
                        let b = a + self.r.below(end - a + 1);
                        (a, b)
                    };
                    if self.book(p, f, a, b) {
                        allocations.push(Alloc {
                            person: p,
                            fte: f,
                            from: a,
                            to: b,
                            whole,
                        });
                        break;
                    }
                }
            }
            let mut milestones = vec![];
            let nm = self.r.range(2, 4) as usize;
            let moff = self.r.below(MILESTONE_TITLES.len());
            for j in 0..nm {
                let m = start + (end - start) * (j + 1) / nm;
                let day = if j + 1 == nm {
                    31
                } else {
                    *self.r.pick(&[10u32, 15, 20, 28])
                };
                milestones.push((
                    MILESTONE_TITLES[(moff + j) % MILESTONE_TITLES.len()].to_string(),
                    m,
                    day,
                ));
            }
            let mut tasks = vec![];
            let nt = self.r.range(2, 6);
            for _ in 0..nt {
                let owner = *self.r.pick(&dp);
                let a = start + self.r.below(end - start + 1);
                let b = a + self.r.below((end - a + 1).min(4));
                let mut tf = None;
                if self.r.chance(0.3) {
                    let f = *self.r.pick(&[10u32, 20]);
                    if self.book(owner, f, a, b) {
                        tf = Some(f);
                    }
                }
                let title = format!("{} {}", self.r.pick(TASK_VERBS), self.r.pick(INIT_OBJECTS));
                tasks.push(Task {
                    title,
                    owner,
                    start: a,
                    end: b,
                    fte: tf,
                });
            }
            self.inits.push(Initiative {
                id,
                title,
                dept,
                owner,
                team,
                start,
                end,
                goals,
                objectives,
                kpis,
                priority,
                difficulty,
                impact,
                key,
                depends_on: vec![],
                collaborators: vec![],
                allocations,
                milestones,
                tasks,
                slip: 0,
                cancelled: None,
                lines_cents: 0,
                body: String::new(),
            });
        }

        // Dependencies: only on initiatives that end before this one starts (so the graph is a
        // DAG with positive slack), mostly in other departments.
        let mut by_end: Vec<usize> = (0..n).collect();
        by_end.sort_by_key(|&i| (self.inits[i].end, i));
        for i in 0..n {
            if !self.r.chance(0.35) {
                continue;
            }
            let s = self.inits[i].start;
            let avail = by_end.partition_point(|&j| self.inits[j].end < s);
            if avail == 0 {
                continue;
            }
            let k = self.r.range(1, 2);
            for _ in 0..k {
                // Prefer recent predecessors (the last two years before the start).
                let lo = avail.saturating_sub(avail.min(n / 3 + 1));
                let j = by_end[lo + self.r.below(avail - lo)];
                if !self.inits[i].depends_on.contains(&j) {
                    self.inits[i].depends_on.push(j);
                    let dj = self.inits[j].dept;
                    if dj != self.inits[i].dept && !self.inits[i].collaborators.contains(&dj) {
                        self.inits[i].collaborators.push(dj);
                    }
                }
            }
            let mut deps = std::mem::take(&mut self.inits[i].depends_on);
            deps.sort_by(|a, b| self.inits[*a].id.cmp(&self.inits[*b].id));
            self.inits[i].depends_on = deps;
            self.inits[i].collaborators.sort();
        }
        // Slips and cancellations, never beyond a dependent's start.
        let mut first_dependent_start = vec![usize::MAX; n];
        for i in 0..n {
            for &j in &self.inits[i].depends_on {
                first_dependent_start[j] = first_dependent_start[j].min(self.inits[i].start);
            }
        }
        for i in 0..n {
            let (s, e) = (self.inits[i].start, self.inits[i].end);
            if s > AS_OF_MONTH {
                continue;
            }
            if self.r.chance(0.02) && e > s + 1 {
                self.inits[i].cancelled = Some(s + 1 + self.r.below(e - s - 1));
            } else if self.r.chance(0.15) {
                let slip = self.r.range(1, 3) as usize;
                if e + slip < first_dependent_start[i] && e + slip < MONTHS {
                    self.inits[i].slip = slip;
                }
            }
        }
    }

    fn budget(&mut self) {
        let nd = self.depts.len();
        let quarters = MONTHS / 3;
        let mut inits_by_dept: Vec<Vec<usize>> = vec![vec![]; nd];
        for (i, init) in self.inits.iter().enumerate() {
            inits_by_dept[init.dept].push(i);
        }
        for d in 0..nd {
            let mut lines = vec![];
            let teams = self.depts[d].teams.clone();
            for q in 0..quarters {
                let fy = FY_START + (q / 4) as i64;
                let period = format!("FY{fy}-Q{}", q % 4 + 1);
                let ended = q * 3 + 2 <= AS_OF_MONTH;
                for k in 0..self.s.lines_per_quarter {
                    let (category, item, planned) = if k < teams.len().min(2) {
                        let amount = self.r.range(80_000, 600_000) * 100;
                        ("personnel", format!("{} staff", teams[k].1), amount)
                    } else {
                        let cents = self.r.range(2_000, 150_000) * 100
                            + if self.r.chance(0.3) {
                                self.r.range(1, 99)
                            } else {
                                0
                            };
                        (
                            *self.r.pick(CATEGORIES),
                            self.r.pick(ITEMS).to_string(),
                            cents,
                        )
                    };
                    let mut initiative = None;
                    if category != "personnel" && self.r.chance(0.25) {
                        let active: Vec<usize> = inits_by_dept[d]
                            .iter()
                            .copied()
                            .filter(|&i| {
                                self.inits[i].start <= q * 3 + 2 && self.inits[i].end >= q * 3
                            })
                            .collect();
                        if !active.is_empty() {
                            let i = *self.r.pick(&active);
                            self.inits[i].lines_cents += planned;
                            initiative = Some(i);
                        }
                    }
                    let actual = ended.then(|| planned * self.r.range(85, 112) / 100);
                    let forecast = (!ended && self.r.chance(0.3))
                        .then(|| planned * self.r.range(90, 115) / 100);
                    lines.push(Line {
                        category,
                        item,
                        initiative,
                        period: period.clone(),
                        planned,
                        forecast,
                        actual,
                    });
                }
            }
            // One annual capex line per fiscal year, spread over its months when charted.
            for fy in FY_START..=FY_END {
                let planned = self.r.range(50_000, 400_000) * 100;
                lines.push(Line {
                    category: "capex",
                    item: "Equipment replacement".into(),
                    initiative: None,
                    period: format!("FY{fy}"),
                    planned,
                    forecast: None,
                    actual: (((fy - FY_START) as usize + 1) * 12 - 1 <= AS_OF_MONTH)
                        .then_some(planned * 97 / 100),
                });
            }
            self.lines.push(lines);
        }
    }

    fn top_of(&self, mut d: usize) -> usize {
        while let Some(p) = self.depts[d].parent {
            d = p;
        }
        d
    }

    fn generate(&mut self) {
        self.departments();
        self.people();
        self.kpis();
        self.objectives();
        self.initiatives();
        self.budget();
        for i in 0..self.inits.len() {
            let body = self.initiative_body(i);
            self.inits[i].body = body;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Bodies.

    fn initiative_body(&mut self, i: usize) -> String {
        let mut b = String::new();
        let (start, end) = (self.inits[i].start, self.inits[i].end);
        let names: Vec<String> = self.depts[self.inits[i].dept]
            .people
            .iter()
            .take(12)
            .map(|&p| self.people[p].name.clone())
            .collect();
        b.push_str("## Why\n\n");
        let n = self.r.range(3, 5) as usize;
        paragraph(&mut self.r, &mut b, n);
        if self.r.chance(0.5) {
            let g = self.inits[i].goals[0];
            let _ = writeln!(
                b,
                "This initiative serves the goal [{}](../../../goals/{}.md).\n",
                GOALS[g].1, GOALS[g].0
            );
        }
        let n = self.r.range(2, 4) as usize;
        paragraph(&mut self.r, &mut b, n);
        b.push_str("## Approach\n\n");
        let n = self.r.range(3, 5) as usize;
        bullets(&mut self.r, &mut b, n, true);
        phase_table(&mut self.r, &mut b, &names, start, end);
        b.push_str("## Risks\n\n");
        let n = self.r.range(2, 4) as usize;
        let off = self.r.below(RISKS.len());
        for j in 0..n {
            let _ = writeln!(b, "- {}.", RISKS[(off + j) % RISKS.len()]);
        }
        b.push('\n');
        let n = self.r.range(2, 4) as usize;
        paragraph(&mut self.r, &mut b, n);
        b
    }

    fn department_body(&mut self, d: usize) -> String {
        let mut b = String::new();
        let names: Vec<String> = self.depts[d]
            .people
            .iter()
            .take(12)
            .map(|&p| self.people[p].name.clone())
            .collect();
        let _ = writeln!(b, "# {} plan\n", self.depts[d].name);
        let n = self.r.range(4, 6) as usize;
        paragraph(&mut self.r, &mut b, n);
        b.push_str("## Priorities\n\n");
        let n = self.r.range(3, 5) as usize;
        bullets(&mut self.r, &mut b, n, true);
        b.push_str("## Principles\n\n");
        let n = self.r.range(3, 4) as usize;
        bullets(&mut self.r, &mut b, n, false);
        b.push_str("## Roadmap\n\n");
        phase_table(&mut self.r, &mut b, &names, 0, MONTHS - 1);
        b.push_str("## Budget\n\n");
        let n = self.r.range(3, 5) as usize;
        paragraph(&mut self.r, &mut b, n);
        b
    }

    fn goal_body(&mut self) -> String {
        let mut b = String::from("## Why this goal\n\n");
        let n = self.r.range(3, 5) as usize;
        paragraph(&mut self.r, &mut b, n);
        b.push_str("## What success looks like\n\n");
        bullets(&mut self.r, &mut b, 3, false);
        let n = self.r.range(2, 3) as usize;
        paragraph(&mut self.r, &mut b, n);
        b
    }

    fn strategy_body(&mut self) -> String {
        let mut b = String::from("# Where we stand\n\n");
        for _ in 0..3 {
            let n = self.r.range(4, 6) as usize;
            paragraph(&mut self.r, &mut b, n);
        }
        b.push_str("## SWOT\n\n| | Helpful | Harmful |\n|---|---|---|\n");
        for row in ["Internal", "External"] {
            let _ = writeln!(
                b,
                "| {row} | {} | {} |",
                cap_first(*self.r.pick(OBJECTS)),
                cap_first(*self.r.pick(OBJECTS))
            );
        }
        b.push_str("\n# Our priorities\n\n");
        bullets(&mut self.r, &mut b, 6, true);
        for (_, title, _) in GOALS {
            let _ = writeln!(b, "## {title}\n");
            let n = self.r.range(3, 5) as usize;
            paragraph(&mut self.r, &mut b, n);
        }
        b.push_str("# How we will steer\n\n");
        let n = self.r.range(4, 6) as usize;
        paragraph(&mut self.r, &mut b, n);
        b
    }

    // -----------------------------------------------------------------------------------------
    // Writing.

    fn write(&mut self, out: &Path, hugo: Option<&Path>) -> std::io::Result<()> {
        let mut files: Vec<(String, String)> = vec![];
        let mut pages: Vec<(String, String, String)> = vec![]; // (path, title, body)

        files.push((
            "plan.toml".into(),
            format!(
                "# A synthetic plan written by examples/genplan.rs (scale: {} departments, {} initiatives).\n\
                 format_version = 1\n\
                 title = \"Contoso Group Operating Plan FY2026-FY2031\"\n\
                 organization = \"Contoso Group\"\n\
                 currency = \"EUR\"\n\
                 fiscal_year_start = 4\n\
                 horizon = {{ start = {FY_START}, end = {FY_END} }}\n\
                 as_of = {}\n\
                 language = \"en\"\n",
                self.s.departments,
                self.s.initiatives,
                last(AS_OF_MONTH)
            ),
        ));

        // strategy.md
        let title = "Contoso 2031: one group, one platform";
        let body = self.strategy_body();
        files.push((
            "strategy.md".into(),
            format!(
                "+++\ntitle = {}\nvision = \"Every customer gets what they need the next morning.\"\n\
                 mission = \"We make buying from us the easiest part of our customers' day.\"\n\
                 values = [\"Customers first\", \"Say what we do, do what we say\", \"Measure, then decide\"]\n+++\n\n{body}",
                quote(title)
            ),
        ));
        pages.push(("strategy.md".into(), title.into(), body));

        // goals
        for (g, (id, title, weight)) in GOALS.iter().enumerate() {
            let owner = self.people[(g * 7) % self.people.len()].id.clone();
            let kpis: Vec<String> = self
                .kpis
                .iter()
                .filter(|k| k.dept.is_none() && k.goal == Some(g))
                .take(3)
                .map(|k| quote(&k.id))
                .collect();
            let body = self.goal_body();
            let path = format!("goals/{id}.md");
            files.push((
                path.clone(),
                format!(
                    "+++\ntitle = {}\nowner = {}\nkpis = [{}]\nweight = {weight}\ntarget_year = {}\n+++\n\n{body}",
                    quote(title),
                    quote(&owner),
                    kpis.join(", "),
                    FY_END - (g as i64 % 3)
                ),
            ));
            pages.push((path, title.to_string(), body));
        }

        // people.toml
        let mut p = String::from(
            "# Everyone who appears in the plan. capacity is the FTE available for plan work.\n",
        );
        for person in &self.people {
            let d = &self.depts[person.dept];
            let _ = write!(
                p,
                "\n[[person]]\nid = {}\nname = {}\nrole = {}\ndepartment = {}\nteam = {}\n",
                quote(&person.id),
                quote(&person.name),
                quote(&format!(
                    "{} {}",
                    d.name,
                    ROLES[person.id.len() % ROLES.len()]
                )),
                quote(&d.id),
                quote(&d.teams[person.team].0)
            );
            if person.capacity != 100 {
                let _ = writeln!(p, "capacity = {}", fte(person.capacity));
            }
            let _ = writeln!(
                p,
                "email = {}",
                quote(&format!("{}@example.org", person.id))
            );
        }
        files.push(("people.toml".into(), p));

        // kpis
        let mut org = String::from("# Organization-wide KPIs.\n");
        let mut dept_kpis: Vec<String> =
            vec![String::from("# The department's KPIs.\n"); self.depts.len()];
        for k in &self.kpis {
            let (_, unit, dir, kind, ..) = METRICS[k.metric];
            let mut s = String::new();
            let _ = write!(
                s,
                "\n[[kpi]]\nid = {}\nname = {}\nunit = {}\ndirection = \"{dir}\"\nkind = \"{kind}\"\nowner = {}\n",
                quote(&k.id),
                quote(&k.name),
                quote(unit),
                quote(&self.people[k.owner].id)
            );
            if let Some(g) = k.goal {
                let _ = writeln!(s, "goal = \"{}\"", GOALS[g].0);
            }
            let _ = writeln!(
                s,
                "frequency = \"{}\"\nbaseline = {{ value = {}, date = 2025-03-31 }}\ntargets = [",
                k.frequency,
                num(k.baseline, k.decimals)
            );
            for (y, t) in k.targets.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  {{ period = \"FY{}\", value = {} }},",
                    FY_START + y as i64,
                    num(*t, k.decimals)
                );
            }
            let _ = writeln!(s, "]\ntolerance = {}", k.tolerance);
            match k.dept {
                Some(d) => dept_kpis[d].push_str(&s),
                None => org.push_str(&s),
            }
        }
        files.push(("kpis.toml".into(), org));

        // departments
        for d in 0..self.depts.len() {
            let dept = &self.depts[d];
            let dir = format!("departments/{}", dept.id);
            let head = self.people[dept.people[0]].id.clone();
            let mut fm = format!(
                "+++\nname = {}\nhead = {}\n",
                quote(&dept.name),
                quote(&head)
            );
            if let Some(p) = dept.parent {
                let _ = writeln!(fm, "parent = {}", quote(&self.depts[p].id));
            }
            let _ = writeln!(
                fm,
                "mission = {}",
                quote(&format!(
                    "{} that the rest of the group can rely on.",
                    dept.name
                ))
            );
            for (t, (tid, tname)) in dept.teams.iter().enumerate() {
                let lead = dept
                    .people
                    .iter()
                    .find(|&&p| self.people[p].team == t)
                    .map(|&p| self.people[p].id.clone());
                let _ = write!(
                    fm,
                    "\n[[team]]\nid = {}\nname = {}\n",
                    quote(tid),
                    quote(tname)
                );
                if let Some(l) = lead {
                    let _ = writeln!(fm, "lead = {}", quote(&l));
                }
            }
            fm.push_str("+++\n\n");
            let name = dept.name.clone();
            let body = self.department_body(d);
            files.push((format!("{dir}/department.md"), format!("{fm}{body}")));
            pages.push((format!("{dir}/department.md"), name, body));
            files.push((
                format!("{dir}/kpis.toml"),
                std::mem::take(&mut dept_kpis[d]),
            ));

            // objectives
            let dept = &self.depts[d];
            let mut o = String::from("# Team goals with key results.\n");
            for (k, (oid, fy)) in dept.objectives.iter().enumerate() {
                let _ = write!(
                    o,
                    "\n[[objective]]\nid = {}\ntitle = {}\n",
                    quote(oid),
                    quote(&format!(
                        "{} {} FY{fy}",
                        cap_first(OBJECTS[(k * 7 + d) % OBJECTS.len()]),
                        ["under control", "measurably better", "simpler"][k % 3]
                    ))
                );
                if k % 2 == 1 {
                    let _ = writeln!(o, "team = {}", quote(&dept.teams[k % dept.teams.len()].0));
                }
                let _ = writeln!(
                    o,
                    "period = \"FY{fy}\"\ngoals = [\"{}\"]",
                    GOALS[(k + d) % GOALS.len()].0
                );
                let mut krs = vec![];
                for j in 0..2.min(dept.kpis.len()) {
                    let kpi = &self.kpis[dept.kpis[(k + j * 3) % dept.kpis.len()]];
                    let t = kpi.targets[(fy - FY_START) as usize];
                    let s = format!(
                        "{{ kpi = {}, target = {} }}",
                        quote(&kpi.id),
                        num(t, kpi.decimals)
                    );
                    if !krs.contains(&s) {
                        krs.push(s);
                    }
                }
                let _ = writeln!(o, "key_results = [{}]", krs.join(", "));
            }
            files.push((format!("{dir}/objectives.toml"), o));

            // budget
            let mut b = String::from("# Budget lines by quarter over the horizon.\n");
            for line in &self.lines[d] {
                let _ = write!(
                    b,
                    "\n[[line]]\ncategory = \"{}\"\nitem = {}\n",
                    line.category,
                    quote(&line.item)
                );
                if let Some(i) = line.initiative {
                    let _ = writeln!(b, "initiative = {}", quote(&self.inits[i].id));
                }
                let _ = writeln!(
                    b,
                    "period = \"{}\"\nplanned = {}",
                    line.period,
                    money(line.planned)
                );
                if let Some(f) = line.forecast {
                    let _ = writeln!(b, "forecast = {}", money(f));
                }
                if let Some(a) = line.actual {
                    let _ = writeln!(b, "actual = {}", money(a));
                }
            }
            if dept.parent.is_none() {
                // Caps for the top unit: planned lines of it and all its descendants, with room.
                let mut per_fy = vec![0i64; (FY_END - FY_START + 1) as usize];
                for dd in 0..self.depts.len() {
                    if self.top_of(dd) != d {
                        continue;
                    }
                    for line in &self.lines[dd] {
                        let fy: i64 = line.period[2..6].parse().unwrap();
                        per_fy[(fy - FY_START) as usize] += line.planned;
                    }
                }
                b.push_str("\n[cap]\n");
                for (y, cents) in per_fy.iter().enumerate() {
                    let cap = (cents * 5 / 4 / 100 / 100_000 + 1) * 100_000;
                    let _ = writeln!(b, "\"FY{}\" = {cap}", FY_START + y as i64);
                }
            }
            files.push((format!("{dir}/budget.toml"), b));
        }

        // initiatives
        for i in 0..self.inits.len() {
            let init = &self.inits[i];
            let dept = &self.depts[init.dept];
            let mut s = format!(
                "+++\ntitle = {}\nowner = {}\nteam = {}\nstart = {}\nend = {}\n",
                quote(&init.title),
                quote(&self.people[init.owner].id),
                quote(&dept.teams[init.team].0),
                first(init.start),
                last(init.end)
            );
            let list = |v: Vec<String>| v.iter().map(|x| quote(x)).collect::<Vec<_>>().join(", ");
            let _ = writeln!(
                s,
                "goals = [{}]",
                list(init.goals.iter().map(|&g| GOALS[g].0.to_string()).collect())
            );
            if !init.objectives.is_empty() {
                let _ = writeln!(s, "objectives = [{}]", list(init.objectives.clone()));
            }
            if !init.kpis.is_empty() {
                let _ = writeln!(
                    s,
                    "kpis = [{}]",
                    list(init.kpis.iter().map(|&k| self.kpis[k].id.clone()).collect())
                );
            }
            let _ = writeln!(
                s,
                "priority = \"{}\"\ndifficulty = {}\nimpact = {}",
                init.priority, init.difficulty, init.impact
            );
            if init.key {
                s.push_str("key = true\n");
            }
            if !init.depends_on.is_empty() {
                let _ = writeln!(
                    s,
                    "depends_on = [{}]",
                    list(
                        init.depends_on
                            .iter()
                            .map(|&j| self.inits[j].id.clone())
                            .collect()
                    )
                );
            }
            if !init.collaborators.is_empty() {
                let _ = writeln!(
                    s,
                    "collaborators = [{}]",
                    list(
                        init.collaborators
                            .iter()
                            .map(|&d| self.depts[d].id.clone())
                            .collect()
                    )
                );
            }
            let envelope = if init.lines_cents > 0 {
                (init.lines_cents * 6 / 5 / 100 / 1000 + 1) * 1000
            } else {
                ((i as i64 * 7919) % 40 + 5) * 25_000
            };
            let _ = writeln!(s, "budget = {envelope}");
            for a in &init.allocations {
                let _ = write!(
                    s,
                    "\n[[allocation]]\nperson = {}\nfte = {}\n",
                    quote(&self.people[a.person].id),
                    fte(a.fte)
                );
                if !a.whole {
                    let _ = writeln!(s, "from = {}\nto = {}", first(a.from), last(a.to));
                }
            }
            for (t, m, day) in &init.milestones {
                let _ = write!(
                    s,
                    "\n[[milestone]]\ntitle = {}\ndate = {}\n",
                    quote(t),
                    date(*m, *day)
                );
            }
            for t in &init.tasks {
                let _ = write!(
                    s,
                    "\n[[task]]\ntitle = {}\nowner = {}\nstart = {}\nend = {}\n",
                    quote(&t.title),
                    quote(&self.people[t.owner].id),
                    first(t.start),
                    last(t.end)
                );
                if let Some(f) = t.fte {
                    let _ = writeln!(s, "fte = {}", fte(f));
                }
            }
            let _ = write!(s, "+++\n\n{}", init.body);
            let path = format!("departments/{}/initiatives/{}.md", dept.id, init.id);
            files.push((path.clone(), s));
            pages.push((path, init.title.clone(), init.body.clone()));
        }

        // check-ins
        for m in 0..CHECKIN_MONTHS {
            let files_entry = self.checkin(m);
            let (y, mo) = ym(m);
            files.push((format!("progress/{y:04}-{mo:02}.toml"), files_entry));
        }

        // appraisal
        files.push((
            "appraisal.toml".into(),
            "# How units and people are appraised for FY2029.\nperiod = \"FY2029\"\n\
             weights = { kpis = 50, initiatives = 30, budget = 20 }\n\n\
             [[band]]\nmin = 90\nrating = \"Exceeds\"\nconsequence = \"Bonus pool at 130% of target\"\n\n\
             [[band]]\nmin = 75\nrating = \"Meets\"\nconsequence = \"Bonus pool at target\"\n\n\
             [[band]]\nmin = 50\nrating = \"Partly meets\"\nconsequence = \"Bonus pool at 50% of target\"\n\n\
             [[band]]\nmin = 0\nrating = \"Below\"\nconsequence = \"Improvement plan with monthly review\"\n"
                .into(),
        ));

        prepare(out, "plan.toml")?;
        for (path, text) in &files {
            put(&out.join(path), text)?;
        }
        if let Some(h) = hugo {
            prepare(h, "hugo.toml")?;
            put(
                &h.join("hugo.toml"),
                "baseURL = \"/\"\ntitle = \"Contoso Group Operating Plan\"\n\
                 disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
            )?;
            let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n\
                        <body>\n<h1>{{ .Title }}</h1>\n{{ .Content }}\n</body>\n</html>\n";
            for l in ["single", "list", "index"] {
                put(&h.join(format!("layouts/_default/{l}.html")), page)?;
            }
            for (path, title, body) in &pages {
                put(
                    &h.join("content").join(path),
                    &format!("+++\ntitle = {}\n+++\n\n{body}", quote(title)),
                )?;
            }
        }
        let lines: usize = self.lines.iter().map(Vec::len).sum();
        eprintln!(
            "wrote {} files to {} ({} departments, {} people, {} initiatives, {} KPIs, {} budget lines, {} Markdown pages{})",
            files.len(),
            out.display(),
            self.depts.len(),
            self.people.len(),
            self.inits.len(),
            self.kpis.len(),
            lines,
            pages.len(),
            hugo.map(|h| format!("; Hugo site in {}", h.display())).unwrap_or_default()
        );
        Ok(())
    }

    fn checkin(&mut self, m: usize) -> String {
        let mut s = format!(
            "# Monthly check-in.\ndate = {}\nauthor = \"PMO\"\n",
            last(m)
        );
        let fy_idx = m / 12;
        let month_in_fy = m % 12;
        for k in 0..self.kpis.len() {
            let due = match self.kpis[k].frequency {
                "monthly" => true,
                "quarterly" => m % 3 == 2,
                _ => m % 12 == 11,
            };
            if !due {
                continue;
            }
            let kpi = &self.kpis[k];
            let (_, unit, dir, kind, ..) = METRICS[kpi.metric];
            let target = kpi.targets[fy_idx];
            let noise = 0.93 + self.r.unit() * 0.12;
            let mut v = if kind == "cumulative" {
                target * (month_in_fy as f64 + 1.0) / 12.0 * noise
            } else {
                let prev = if fy_idx == 0 {
                    kpi.baseline
                } else {
                    kpi.targets[fy_idx - 1]
                };
                let t = (month_in_fy as f64 + 1.0) / 12.0;
                let v = prev + (target - prev) * t;
                if dir == "up" {
                    v * (0.97 + (noise - 0.93) * 0.5)
                } else {
                    v * (1.03 - (noise - 0.93) * 0.5)
                }
            };
            if unit == "%" {
                v = v.min(100.0);
            }
            let _ = write!(
                s,
                "\n[[kpi]]\nid = {}\nvalue = {}\n",
                quote(&kpi.id),
                num(v, kpi.decimals)
            );
        }
        for i in 0..self.inits.len() {
            let init = &self.inits[i];
            let done_month = init.end + init.slip;
            if m < init.start || m > done_month {
                continue;
            }
            if let Some(c) = init.cancelled {
                if m > c {
                    continue;
                }
            }
            let span = (done_month - init.start + 1) as f64;
            let (status, progress) = if init.cancelled == Some(m) {
                ("cancelled", 100.0 * (m - init.start) as f64 / span)
            } else if m == done_month {
                ("done", 100.0)
            } else if init.slip > 0 && m + 3 >= init.end {
                (
                    if init.slip > 1 {
                        "off-track"
                    } else {
                        "at-risk"
                    },
                    100.0 * (m - init.start + 1) as f64 / span * 0.9,
                )
            } else {
                ("on-track", 100.0 * (m - init.start + 1) as f64 / span)
            };
            let progress = (progress as i64).clamp(0, 100);
            let confidence = match status {
                "on-track" | "done" => 8,
                "at-risk" => 6,
                "off-track" => 4,
                _ => 5,
            };
            let _ = write!(
                s,
                "\n[[initiative]]\nid = {}\nstatus = \"{status}\"\nprogress = {progress}\nconfidence = {confidence}\n",
                quote(&init.id)
            );
            if init.slip > 0 && m + 3 >= init.end && status != "done" {
                let _ = writeln!(
                    s,
                    "forecast_end = {}\nnote = \"Vendor delay; the plan moves {} month(s)\"",
                    last(done_month),
                    init.slip
                );
            }
        }
        for i in 0..self.inits.len() {
            let init = &self.inits[i];
            for (title, mm, day) in &init.milestones {
                let done = (mm + init.slip).min(init.end + init.slip);
                if done != m {
                    continue;
                }
                if let Some(c) = init.cancelled {
                    if done > c {
                        continue;
                    }
                }
                let _ = write!(
                    s,
                    "\n[[milestone]]\ninitiative = {}\ntitle = {}\ndone = {}\n",
                    quote(&init.id),
                    quote(title),
                    date(done, *day)
                );
            }
        }
        s
    }
}

fn round_to(v: f64, decimals: usize) -> f64 {
    let p = 10f64.powi(decimals as i32);
    (v * p).round() / p
}

/// Make `dir` ready: create it, or empty it when it holds an earlier output (`marker` present).
fn prepare(dir: &Path, marker: &str) -> std::io::Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        if dir.join(marker).exists() {
            fs::remove_dir_all(dir)?;
        } else {
            return Err(std::io::Error::other(format!(
                "{} exists, is not empty and holds no {marker}; refusing to overwrite it",
                dir.display()
            )));
        }
    }
    fs::create_dir_all(dir)
}

fn put(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    fs::write(path, text)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut scale_name = None;
    let mut out = None;
    let mut hugo = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => scale_name = args.next(),
            "--hugo" => hugo = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("usage: genplan --scale small|enterprise|huge OUT [--hugo HUGO_OUT]");
                return;
            }
            _ if out.is_none() && !a.starts_with('-') => out = Some(PathBuf::from(a)),
            _ => {
                eprintln!("genplan: unexpected argument `{a}`");
                std::process::exit(2);
            }
        }
    }
    let (Some(out), Some(s)) = (out, scale_name.as_deref().and_then(scale)) else {
        eprintln!("usage: genplan --scale small|enterprise|huge OUT [--hugo HUGO_OUT]");
        std::process::exit(2);
    };
    let mut g = Gen::new(s);
    g.generate();
    if let Err(e) = g.write(&out, hugo.as_deref()) {
        eprintln!("genplan: {e}");
        std::process::exit(2);
    }
}
