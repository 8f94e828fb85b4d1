//! The typed model of a plan: one struct per entity of the plan format, references resolved
//! into indices. It owns no presentation.

pub mod digits;
pub mod iso;
pub mod money;
pub mod period;

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

pub use money::{Currency, Money};
pub use period::{Date, Grain, Month, Period};

use crate::diag::Loc;
use crate::load::FileId;

macro_rules! index_type {
    ($($name:ident),*) => {$(
        /// Index of an entity in its `Plan` vector.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        impl $name {
            pub fn ix(self) -> usize { self.0 as usize }
        }
        impl From<usize> for $name {
            fn from(i: usize) -> Self { $name(i as u32) }
        }
    )*};
}
index_type!(
    GoalIx,
    PersonIx,
    DeptIx,
    TeamIx,
    KpiIx,
    ObjectiveIx,
    InitiativeIx
);

/// A reference by id to another entity, with where it was written and what it resolved to.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref<I> {
    pub id: Arc<str>,
    pub loc: Loc,
    pub to: I,
}

/// In exports a reference is its id (the index is an implementation detail).
impl<I> serde::Serialize for Ref<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

/// In exports a body is its Markdown text.
impl serde::Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Markdown text with where it starts in its file (for diagnostics and link rewriting).
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub file: FileId,
    pub offset: usize,
    /// Shared: `serve` copies each unchanged file's parse into every new model, and the
    /// bodies are most of a plan's text.
    pub text: Arc<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    De,
    Fr,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
        }
    }
}

/// How `as_of` was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AsOfSource {
    Declared,
    LatestCheckIn,
    HorizonStart,
}

/// plan.toml: the organization and site settings.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Settings {
    pub format_version: i64,
    pub title: String,
    pub organization: String,
    pub currency: Currency,
    pub fiscal_year_start: u32,
    pub horizon_start: i32,
    pub horizon_end: i32,
    #[serde(serialize_with = "iso::date")]
    pub as_of: Date,
    pub as_of_source: AsOfSource,
    pub language: Language,
    pub theme: String,
    pub allow_raw_html: bool,
    pub base_url: String,
    pub check_allow: Vec<String>,
    #[serde(skip)]
    pub file: FileId,
}

impl Settings {
    /// The horizon as one span of months: first month of the first fiscal year to the last of the last.
    pub fn horizon(&self) -> Period {
        let start = period::fiscal_year(self.horizon_start, self.fiscal_year_start);
        let end = period::fiscal_year(self.horizon_end, self.fiscal_year_start).plus(12);
        Period {
            label: format!("{}–{}", self.horizon_start, self.horizon_end),
            grain: Grain::Year,
            fiscal: self.fiscal_year_start != 1,
            start,
            len: (end.0 - start.0).max(0) as u32,
        }
    }
    pub fn parse_period(&self, s: &str) -> Result<Period, String> {
        Period::parse(s, self.fiscal_year_start)
    }
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Strategy {
    pub title: String,
    pub vision: Option<String>,
    pub mission: Option<String>,
    pub values: Vec<String>,
    pub body: Body,
    pub restricted: bool,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub owner: Option<Ref<PersonIx>>,
    pub kpis: Vec<Ref<KpiIx>>,
    pub weight: Option<f64>,
    pub target_year: Option<i32>,
    pub body: Body,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub department: Option<Ref<DeptIx>>,
    pub team: Option<Ref<TeamIx>>,
    pub capacity: f64,
    pub email: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub head: Option<Ref<PersonIx>>,
    pub parent: Option<Ref<DeptIx>>,
    pub mission: Option<String>,
    pub teams: Vec<TeamIx>,
    pub body: Body,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
    /// Direct sub-departments, sorted by id (derived from `parent`).
    pub children: Vec<DeptIx>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub department: DeptIx,
    pub lead: Option<Ref<PersonIx>>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KpiKind {
    Level,
    Cumulative,
}

impl KpiKind {
    /// The name the plan and the page variables use (`serde`'s lowercase).
    pub fn as_str(self) -> &'static str {
        match self {
            KpiKind::Level => "level",
            KpiKind::Cumulative => "cumulative",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Frequency {
    /// The name the plan and the page variables use (`serde`'s lowercase).
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Yearly => "yearly",
        }
    }

    /// Length of one interval in days, for deciding when a reading is stale.
    pub fn days(self) -> i64 {
        match self {
            Frequency::Weekly => 7,
            Frequency::Monthly => 31,
            Frequency::Quarterly => 92,
            Frequency::Yearly => 366,
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Baseline {
    pub value: f64,
    #[serde(serialize_with = "iso::opt_date")]
    pub date: Option<Date>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Target {
    pub period: Period,
    pub value: f64,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Kpi {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    pub direction: Direction,
    pub kind: KpiKind,
    pub owner: Option<Ref<PersonIx>>,
    pub goal: Option<Ref<GoalIx>>,
    pub frequency: Option<Frequency>,
    pub baseline: Option<Baseline>,
    pub targets: Vec<Target>,
    /// Percent (default 10).
    pub tolerance: f64,
    /// `None` for organization-wide KPIs.
    pub department: Option<DeptIx>,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct KeyResult {
    pub kpi: Ref<KpiIx>,
    pub target: f64,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Objective {
    pub id: String,
    pub title: String,
    pub department: DeptIx,
    pub team: Option<Ref<TeamIx>>,
    pub period: Period,
    pub goals: Vec<Ref<GoalIx>>,
    pub key_results: Vec<KeyResult>,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BudgetLine {
    pub department: DeptIx,
    pub category: String,
    pub item: Option<String>,
    pub initiative: Option<Ref<InitiativeIx>>,
    pub period: Period,
    pub planned: Money,
    pub forecast: Option<Money>,
    pub actual: Option<Money>,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BudgetCap {
    pub department: DeptIx,
    pub period: Period,
    pub amount: Money,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

impl Priority {
    /// The name the plan and the page variables use (`serde`'s lowercase).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Allocation {
    pub person: Ref<PersonIx>,
    pub fte: f64,
    #[serde(serialize_with = "iso::date")]
    pub from: Date,
    #[serde(serialize_with = "iso::date")]
    pub to: Date,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Milestone {
    pub title: String,
    #[serde(serialize_with = "iso::date")]
    pub date: Date,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Task {
    pub title: String,
    pub owner: Option<Ref<PersonIx>>,
    #[serde(serialize_with = "iso::opt_date")]
    pub start: Option<Date>,
    #[serde(serialize_with = "iso::opt_date")]
    pub end: Option<Date>,
    pub fte: Option<f64>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Initiative {
    pub id: String,
    pub title: String,
    pub department: DeptIx,
    pub owner: Option<Ref<PersonIx>>,
    pub team: Option<Ref<TeamIx>>,
    #[serde(serialize_with = "iso::date")]
    pub start: Date,
    #[serde(serialize_with = "iso::date")]
    pub end: Date,
    pub goals: Vec<Ref<GoalIx>>,
    pub objectives: Vec<Ref<ObjectiveIx>>,
    pub kpis: Vec<Ref<KpiIx>>,
    pub priority: Priority,
    pub difficulty: u8,
    pub impact: u8,
    pub key: bool,
    pub depends_on: Vec<Ref<InitiativeIx>>,
    pub collaborators: Vec<Ref<DeptIx>>,
    pub budget: Option<Money>,
    pub allocations: Vec<Allocation>,
    pub milestones: Vec<Milestone>,
    pub tasks: Vec<Task>,
    pub body: Body,
    #[serde(skip)]
    pub loc: Loc,
    pub restricted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::NotStarted,
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Done,
        Status::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::OffTrack => "off-track",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Reading {
    pub kpi: Ref<KpiIx>,
    pub value: f64,
    /// Shared: the analysis copies each note into the history of its KPI or initiative.
    pub note: Option<Arc<str>>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct InitiativeUpdate {
    pub initiative: Ref<InitiativeIx>,
    pub status: Status,
    pub progress: Option<f64>,
    pub confidence: Option<f64>,
    #[serde(serialize_with = "iso::opt_date")]
    pub forecast_end: Option<Date>,
    pub note: Option<Arc<str>>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct MilestoneReached {
    pub initiative: Ref<InitiativeIx>,
    pub title: String,
    #[serde(serialize_with = "iso::date")]
    pub done: Date,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckIn {
    #[serde(serialize_with = "iso::date")]
    pub date: Date,
    /// Shared with every update of the check-in in the initiatives' histories.
    pub author: Option<Arc<str>>,
    pub readings: Vec<Reading>,
    pub updates: Vec<InitiativeUpdate>,
    pub milestones: Vec<MilestoneReached>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Weights {
    pub kpis: f64,
    pub initiatives: f64,
    pub budget: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Band {
    pub min: f64,
    pub rating: String,
    pub consequence: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Appraisal {
    pub period: Period,
    pub weights: Weights,
    /// Sorted by `min`, highest first.
    pub bands: Vec<Band>,
    #[serde(skip)]
    pub loc: Loc,
}

/// The whole plan. Every vector is sorted by id (or by file and position for entities
/// without one), so iteration order is deterministic.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Plan {
    pub settings: Settings,
    pub strategy: Option<Strategy>,
    pub goals: Vec<Goal>,
    pub people: Vec<Person>,
    pub departments: Vec<Department>,
    pub teams: Vec<Team>,
    pub kpis: Vec<Kpi>,
    pub objectives: Vec<Objective>,
    pub initiatives: Vec<Initiative>,
    pub budget_lines: Vec<BudgetLine>,
    pub caps: Vec<BudgetCap>,
    /// Sorted by date, then file.
    pub checkins: Vec<CheckIn>,
    pub appraisal: Option<Appraisal>,
    #[serde(skip)]
    pub index: Index,
}

/// Id → index maps, one per kind. Hashed with Fx rather than SipHash, here and in the other
/// maps keyed by the plan's own ids and paths (repeat checks, serve's per-file memory, the link
/// tables): the keys come from the plan's files, not from an adversary, and assembling the plan
/// looks up ~67,000 ids per build and per `serve` rebuild, where SipHash and rehashing were ~8 %
/// of a warm rebuild's instructions.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub goals: HashMap<String, GoalIx>,
    pub people: HashMap<String, PersonIx>,
    pub departments: HashMap<String, DeptIx>,
    /// Keyed by (department id, team id).
    pub teams: HashMap<(String, String), TeamIx>,
    pub kpis: HashMap<String, KpiIx>,
    pub objectives: HashMap<String, ObjectiveIx>,
    pub initiatives: HashMap<String, InitiativeIx>,
}

impl Plan {
    pub fn goal(&self, i: GoalIx) -> &Goal {
        &self.goals[i.ix()]
    }
    pub fn person(&self, i: PersonIx) -> &Person {
        &self.people[i.ix()]
    }
    pub fn department(&self, i: DeptIx) -> &Department {
        &self.departments[i.ix()]
    }
    pub fn team(&self, i: TeamIx) -> &Team {
        &self.teams[i.ix()]
    }
    pub fn kpi(&self, i: KpiIx) -> &Kpi {
        &self.kpis[i.ix()]
    }
    pub fn objective(&self, i: ObjectiveIx) -> &Objective {
        &self.objectives[i.ix()]
    }
    pub fn initiative(&self, i: InitiativeIx) -> &Initiative {
        &self.initiatives[i.ix()]
    }

    /// A department and all departments under it, the department first.
    pub fn subtree(&self, root: DeptIx) -> Vec<DeptIx> {
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            let d = out[i];
            out.extend(self.department(d).children.iter().copied());
            i += 1;
            // Cycles are refused by check, but never loop forever on a bad plan.
            if out.len() > self.departments.len() {
                break;
            }
        }
        out
    }

    /// Departments from the root down to `d` (for breadcrumbs).
    pub fn ancestors(&self, d: DeptIx) -> Vec<DeptIx> {
        let mut chain = vec![d];
        let mut cur = d;
        while let Some(p) = &self.department(cur).parent {
            if chain.contains(&p.to) || chain.len() > self.departments.len() {
                break;
            }
            chain.push(p.to);
            cur = p.to;
        }
        chain.reverse();
        chain
    }

    /// Top-level departments (no parent), sorted by id.
    pub fn roots(&self) -> Vec<DeptIx> {
        (0..self.departments.len())
            .map(DeptIx::from)
            .filter(|&d| self.department(d).parent.is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_priority_is_named_as_it_serializes() {
        for p in [
            Priority::Critical,
            Priority::High,
            Priority::Medium,
            Priority::Low,
        ] {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }

    #[test]
    fn kpi_kinds_and_frequencies_are_named_as_they_serialize() {
        for k in [KpiKind::Level, KpiKind::Cumulative] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for f in [
            Frequency::Weekly,
            Frequency::Monthly,
            Frequency::Quarterly,
            Frequency::Yearly,
        ] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
    }
}
