//! initiative: status at `as_of`, progress against the expected, slip, milestones and the
//! history of updates.
//!
//! Only check-ins dated on or before `as_of` count (later ones are warned about by check).
//! `progress`, `confidence` and `forecast_end` are each taken from the latest update that gave
//! them, so an update that only changes the status does not erase the last known progress; a
//! `done` initiative that never reported progress counts 100 %.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{elapsed_share, ser};
use crate::model::{Date, Initiative, Plan, Status};

/// Where an initiative stands: a reported status, or `no-update` when it has started and
/// nobody has reported on it yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitiativeState {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    Cancelled,
    NoUpdate,
}

impl InitiativeState {
    pub const ALL: [InitiativeState; 7] = [
        InitiativeState::NotStarted,
        InitiativeState::OnTrack,
        InitiativeState::AtRisk,
        InitiativeState::OffTrack,
        InitiativeState::Done,
        InitiativeState::Cancelled,
        InitiativeState::NoUpdate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            InitiativeState::NoUpdate => "no-update",
            InitiativeState::NotStarted => "not-started",
            InitiativeState::OnTrack => "on-track",
            InitiativeState::AtRisk => "at-risk",
            InitiativeState::OffTrack => "off-track",
            InitiativeState::Done => "done",
            InitiativeState::Cancelled => "cancelled",
        }
    }
}

impl From<Status> for InitiativeState {
    fn from(s: Status) -> Self {
        match s {
            Status::NotStarted => InitiativeState::NotStarted,
            Status::OnTrack => InitiativeState::OnTrack,
            Status::AtRisk => InitiativeState::AtRisk,
            Status::OffTrack => InitiativeState::OffTrack,
            Status::Done => InitiativeState::Done,
            Status::Cancelled => InitiativeState::Cancelled,
        }
    }
}

/// One update of an initiative, as its check-in reported it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UpdatePoint {
    #[serde(serialize_with = "ser::date")]
    pub date: Date,
    pub state: InitiativeState,
    pub progress: Option<f64>,
    pub confidence: Option<f64>,
    #[serde(serialize_with = "ser::opt_date")]
    pub forecast_end: Option<Date>,
    pub note: Option<Arc<str>>,
    pub author: Option<Arc<str>>,
}

/// An initiative's status at `as_of`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitiativeStatus {
    pub state: InitiativeState,
    /// Date of the latest update used.
    #[serde(serialize_with = "ser::opt_date")]
    pub update_date: Option<Date>,
    /// Percent complete, from the latest update that gave it.
    pub progress: Option<f64>,
    /// 0–10, from the latest update that gave it.
    pub confidence: Option<f64>,
    #[serde(serialize_with = "ser::opt_date")]
    pub forecast_end: Option<Date>,
    /// forecast_end − end in days (positive: late).
    pub slip_days: Option<i64>,
    /// The elapsed share of its dates at `as_of`, 0–100.
    pub expected_progress: f64,
    /// The note of the latest update.
    pub note: Option<Arc<str>>,
}

/// A milestone, planned and (maybe) reached.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MilestoneFigures {
    pub title: String,
    #[serde(serialize_with = "ser::date")]
    pub date: Date,
    /// The `done` date of the first check-in (on or before `as_of`) that reported it.
    #[serde(serialize_with = "ser::opt_date")]
    pub reached: Option<Date>,
    /// reached − date in days (positive: late).
    pub slip_days: Option<i64>,
    /// Its date has passed (before `as_of`) and it was not reached.
    pub missed: bool,
}

/// Every derived figure of one initiative.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitiativeFigures {
    pub status: InitiativeStatus,
    /// The date of the check-in with the first `done` update, if any.
    #[serde(serialize_with = "ser::opt_date")]
    pub done_on: Option<Date>,
    pub milestones: Vec<MilestoneFigures>,
    /// Every update on or before `as_of`, in date order.
    pub history: Vec<UpdatePoint>,
}

/// Figures for every initiative, by `InitiativeIx`.
pub fn initiatives(plan: &Plan) -> Vec<InitiativeFigures> {
    let as_of = plan.settings.as_of;
    let (updates, reached) = gather(plan);
    plan.initiatives
        .iter()
        .zip(updates)
        .zip(reached)
        .map(|((ini, history), reached)| figures(ini, history, &reached, as_of))
        .collect()
}

type Reached = BTreeMap<String, Date>;

/// Updates and reached milestones per initiative, from check-ins on or before `as_of`.
fn gather(plan: &Plan) -> (Vec<Vec<UpdatePoint>>, Vec<Reached>) {
    let n = plan.initiatives.len();
    let (mut updates, mut reached) = (vec![Vec::new(); n], vec![Reached::new(); n]);
    for c in plan
        .checkins
        .iter()
        .filter(|c| c.date <= plan.settings.as_of)
    {
        for u in &c.updates {
            if let Some(v) = updates.get_mut(u.initiative.to.ix()) {
                v.push(UpdatePoint {
                    date: c.date,
                    state: u.status.into(),
                    progress: u.progress,
                    confidence: u.confidence,
                    forecast_end: u.forecast_end,
                    note: u.note.clone(),
                    author: c.author.clone(),
                });
            }
        }
        for m in &c.milestones {
            if let Some(r) = reached.get_mut(m.initiative.to.ix()) {
                // Check-ins come in date order: the first report wins.
                r.entry(m.title.clone()).or_insert(m.done);
            }
        }
    }
    (updates, reached)
}

fn figures(
    ini: &Initiative,
    history: Vec<UpdatePoint>,
    reached: &Reached,
    as_of: Date,
) -> InitiativeFigures {
    InitiativeFigures {
        status: status(ini, &history, as_of),
        done_on: history
            .iter()
            .find(|u| u.state == InitiativeState::Done)
            .map(|u| u.date),
        milestones: milestones(ini, reached, as_of),
        history,
    }
}

/// The status at `as_of` from the updates on or before it (in date order).
pub fn status(ini: &Initiative, history: &[UpdatePoint], as_of: Date) -> InitiativeStatus {
    let latest = history.last();
    let state = match latest {
        Some(u) => u.state,
        None if as_of < ini.start => InitiativeState::NotStarted,
        None => InitiativeState::NoUpdate,
    };
    let progress = history.iter().rev().find_map(|u| u.progress);
    let progress = match (progress, state) {
        (None, InitiativeState::Done) => Some(100.0),
        (p, _) => p,
    };
    let forecast_end = history.iter().rev().find_map(|u| u.forecast_end);
    InitiativeStatus {
        state,
        update_date: latest.map(|u| u.date),
        progress,
        confidence: history.iter().rev().find_map(|u| u.confidence),
        forecast_end,
        slip_days: forecast_end.map(|f| (f - ini.end).num_days()),
        expected_progress: expected_progress(ini, as_of),
        note: latest.and_then(|u| u.note.clone()),
    }
}

/// The elapsed share of an initiative's dates at `at`, 0–100.
pub fn expected_progress(ini: &Initiative, at: Date) -> f64 {
    elapsed_share(ini.start, ini.end, at) * 100.0
}

fn milestones(ini: &Initiative, reached: &Reached, as_of: Date) -> Vec<MilestoneFigures> {
    ini.milestones
        .iter()
        .map(|m| {
            let r = reached.get(&m.title).copied();
            MilestoneFigures {
                title: m.title.clone(),
                date: m.date,
                reached: r,
                slip_days: r.map(|r| (r - m.date).num_days()),
                missed: r.is_none() && m.date < as_of,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, dept, plan, plan_toml};

    const PEOPLE: &str = "[[person]]\nid = \"ann\"\nname = \"Ann\"\n";

    fn ini(start: &str, end: &str, extra: &str) -> String {
        format!("+++\ntitle = \"I\"\nowner = \"ann\"\nstart = {start}\nend = {end}\n{extra}+++\n")
    }

    fn fixture() -> (Plan, Vec<InitiativeFigures>) {
        let ms = "[[milestone]]\ntitle = \"Beta\"\ndate = 2026-03-01\n\
                  [[milestone]]\ntitle = \"GA\"\ndate = 2026-05-01\n\
                  [[milestone]]\ntitle = \"Launch\"\ndate = 2026-09-01\n";
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", PEOPLE),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/a/initiatives/live.md", &ini("2026-01-01", "2026-12-31", ms)),
            ("departments/a/initiatives/future.md", &ini("2026-07-01", "2026-12-31", "")),
            ("departments/a/initiatives/silent.md", &ini("2026-02-01", "2026-08-31", "")),
            ("departments/a/initiatives/shipped.md", &ini("2026-01-01", "2026-03-31", "")),
            (
                "progress/a.toml",
                "date = 2026-03-31\n[[initiative]]\nid = \"live\"\nstatus = \"on-track\"\nprogress = 20\nconfidence = 8\n\
                 [[initiative]]\nid = \"shipped\"\nstatus = \"done\"\n\
                 [[milestone]]\ninitiative = \"live\"\ntitle = \"Beta\"\ndone = 2026-03-10\n",
            ),
            (
                "progress/b.toml",
                "date = 2026-06-30\n[[initiative]]\nid = \"live\"\nstatus = \"at-risk\"\nforecast_end = 2027-01-30\nnote = \"Vendor\"\n\
                 [[initiative]]\nid = \"shipped\"\nstatus = \"done\"\nprogress = 100\n",
            ),
            (
                "progress/c.toml",
                "date = 2026-07-15\n[[initiative]]\nid = \"live\"\nstatus = \"off-track\"\n",
            ),
        ]);
        let f = initiatives(&p);
        (p, f)
    }

    fn get<'a>(p: &Plan, f: &'a [InitiativeFigures], id: &str) -> &'a InitiativeFigures {
        &f[p.index.initiatives[id].ix()]
    }

    #[test]
    fn latest_update_with_carried_progress_and_slip() {
        let (p, f) = fixture();
        let s = &get(&p, &f, "live").status;
        // The 2026-07-15 check-in is after as_of and ignored.
        assert_eq!(s.state, InitiativeState::AtRisk);
        assert_eq!(s.update_date, Some(d("2026-06-30")));
        assert_eq!((s.progress, s.confidence), (Some(20.0), Some(8.0)));
        assert_eq!(s.forecast_end, Some(d("2027-01-30")));
        assert_eq!(s.slip_days, Some(30));
        assert_eq!(s.note.as_deref(), Some("Vendor"));
        // 181 of 365 days elapsed.
        assert!((s.expected_progress - 18100.0 / 365.0).abs() < 1e-9);
        assert_eq!(get(&p, &f, "live").history.len(), 2);
    }

    #[test]
    fn without_update_not_started_before_start_else_no_update() {
        let (p, f) = fixture();
        let s = &get(&p, &f, "future").status;
        assert_eq!(
            (s.state, s.expected_progress),
            (InitiativeState::NotStarted, 0.0)
        );
        assert_eq!(
            get(&p, &f, "silent").status.state,
            InitiativeState::NoUpdate
        );
        assert_eq!(get(&p, &f, "silent").status.progress, None);
    }

    #[test]
    fn done_date_is_the_first_done_check_in() {
        let (p, f) = fixture();
        let s = get(&p, &f, "shipped");
        assert_eq!(s.done_on, Some(d("2026-03-31")));
        assert_eq!(s.status.progress, Some(100.0));
        assert_eq!(s.status.expected_progress, 100.0);
    }

    #[test]
    fn milestones_reached_missed_and_ahead() {
        let (p, f) = fixture();
        let m = &get(&p, &f, "live").milestones;
        assert_eq!(
            (m[0].reached, m[0].slip_days, m[0].missed),
            (Some(d("2026-03-10")), Some(9), false)
        );
        assert_eq!((m[1].reached, m[1].missed), (None, true));
        assert_eq!((m[2].reached, m[2].missed), (None, false));
    }
}
