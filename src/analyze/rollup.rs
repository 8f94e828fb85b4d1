//! rollup: key results, objectives and goals rolled up from KPIs and initiatives, each with
//! its inputs and arithmetic as explanation rows; and department health counts.
//!
//! - A key result's progress runs from the KPI's baseline to the key result's target, with the
//!   latest reading at `as_of`: `(value − baseline) / (target − baseline)`, clamped to 0–100 %.
//!   Without a baseline there is no start to measure from, so it falls back to the appraisal's
//!   ratio (`value / target` up, `target / value` down), also clamped.
//! - An objective's progress is the mean of its key results that have a reading.
//! - A goal's progress is the mean (equal weights: the format has no per-child `weight` yet) of
//!   its KPIs' attainment (the same formula against the target the KPI status uses at `as_of`)
//!   and its initiatives' progress. A KPI without data is left out; an initiative without
//!   reported progress counts 0 (it has not shown any); a cancelled one is left out.

use super::initiative::{InitiativeFigures, InitiativeState};
use super::kpi::{attainment, latest_at, KpiFigures, KpiState};
use super::{num, ser};
use crate::model::{Date, DeptIx, InitiativeIx, Kpi, KpiIx, Plan};

/// One line of a roll-up's explanation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub label: String,
    /// The percentage this row contributes (none when it is left out).
    pub value: Option<f64>,
    /// The inputs and arithmetic, as text.
    pub detail: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyResultProgress {
    #[serde(serialize_with = "ser::ix")]
    pub kpi: KpiIx,
    pub target: f64,
    pub baseline: Option<f64>,
    pub value: Option<f64>,
    #[serde(serialize_with = "ser::opt_date")]
    pub reading_date: Option<Date>,
    /// 0–100.
    pub progress: Option<f64>,
    pub row: Row,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ObjectiveProgress {
    pub key_results: Vec<KeyResultProgress>,
    /// 0–100; none when no key result has a reading.
    pub progress: Option<f64>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GoalProgress {
    /// The goal's KPIs: listed in its `kpis` or naming it as their `goal`.
    #[serde(serialize_with = "ser::ixs")]
    pub kpis: Vec<KpiIx>,
    /// Initiatives whose `goals` include it.
    #[serde(serialize_with = "ser::ixs")]
    pub initiatives: Vec<InitiativeIx>,
    pub progress: Option<f64>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StateCount {
    pub state: &'static str,
    pub count: usize,
}

/// A department's own initiatives and KPIs counted by status.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeptHealth {
    pub initiatives: Vec<StateCount>,
    pub kpis: Vec<StateCount>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rollups {
    /// By `ObjectiveIx`.
    pub objectives: Vec<ObjectiveProgress>,
    /// By `GoalIx`.
    pub goals: Vec<GoalProgress>,
    /// By `DeptIx`.
    pub departments: Vec<DeptHealth>,
}

pub fn rollups(plan: &Plan, kpis: &[KpiFigures], inis: &[InitiativeFigures]) -> Rollups {
    let as_of = plan.settings.as_of;
    Rollups {
        objectives: plan
            .objectives
            .iter()
            .map(|o| {
                let krs = o
                    .key_results
                    .iter()
                    .map(|kr| key_result(plan, kpis, kr.kpi.to, kr.target, as_of))
                    .collect();
                objective(krs)
            })
            .collect(),
        goals: goals(plan, kpis, inis),
        departments: health(plan, kpis, inis),
    }
}

/// Clamp a 0–1 share to 0–100 %.
fn pct(share: f64) -> f64 {
    (share * 100.0).clamp(0.0, 100.0)
}

/// A key result's progress toward `target` at `as_of`.
pub fn key_result(
    plan: &Plan,
    kpis: &[KpiFigures],
    k: KpiIx,
    target: f64,
    as_of: Date,
) -> KeyResultProgress {
    let kpi = plan.kpi(k);
    let reading = kpis.get(k.ix()).and_then(|f| latest_at(&f.readings, as_of));
    let baseline = kpi.baseline.as_ref().map(|b| b.value);
    let progress = reading.map(|r| pct(attainment(kpi.direction, baseline, target, r.value)));
    let detail = match (reading, progress) {
        (Some(r), Some(p)) => format!(
            "{} on {}: {} = {} %",
            num(r.value, 4),
            r.date,
            formula(kpi, baseline, target, r.value),
            num(p, 1)
        ),
        _ => "no reading on or before the status date: left out".into(),
    };
    KeyResultProgress {
        kpi: k,
        target,
        baseline,
        value: reading.map(|r| r.value),
        reading_date: reading.map(|r| r.date),
        progress,
        row: Row {
            label: kpi.name.clone(),
            value: progress,
            detail,
        },
    }
}

/// The arithmetic of `attainment`, as text.
fn formula(kpi: &Kpi, baseline: Option<f64>, target: f64, value: f64) -> String {
    let (v, t) = (num(value, 4), num(target, 4));
    match baseline {
        Some(b) => {
            let b = num(b, 4);
            format!("({v} − {b}) / ({t} − {b}), clamped to 0–100 %")
        }
        None if kpi.direction == crate::model::Direction::Up => {
            format!("{v} / {t} (no baseline), clamped to 0–100 %")
        }
        None => format!("{t} / {v} (no baseline, lower is better), clamped to 0–100 %"),
    }
}

/// The mean of the rows that have a value, with its arithmetic as a last row.
fn mean_row(rows: &[Row], what: &str) -> (Option<f64>, Row) {
    let vals: Vec<f64> = rows.iter().filter_map(|r| r.value).collect();
    if vals.is_empty() {
        let row = Row {
            label: "progress".into(),
            value: None,
            detail: format!("no {what} with data"),
        };
        return (None, row);
    }
    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
    let terms: Vec<String> = vals.iter().map(|v| num(*v, 1)).collect();
    let row = Row {
        label: "progress".into(),
        value: Some(mean),
        detail: format!(
            "mean of {} {what}: ({}) / {} = {} %",
            vals.len(),
            terms.join(" + "),
            vals.len(),
            num(mean, 1)
        ),
    };
    (Some(mean), row)
}

pub fn objective(key_results: Vec<KeyResultProgress>) -> ObjectiveProgress {
    let mut rows: Vec<Row> = key_results.iter().map(|k| k.row.clone()).collect();
    let (progress, last) = mean_row(&rows, "key results");
    rows.push(last);
    ObjectiveProgress {
        key_results,
        progress,
        rows,
    }
}

fn goals(plan: &Plan, kpis: &[KpiFigures], inis: &[InitiativeFigures]) -> Vec<GoalProgress> {
    let mut g_kpis: Vec<Vec<KpiIx>> = plan
        .goals
        .iter()
        .map(|g| g.kpis.iter().map(|r| r.to).collect())
        .collect();
    for (i, k) in plan.kpis.iter().enumerate() {
        if let Some(v) = k.goal.as_ref().and_then(|r| g_kpis.get_mut(r.to.ix())) {
            v.push(KpiIx::from(i));
        }
    }
    let mut g_inis: Vec<Vec<InitiativeIx>> = vec![Vec::new(); plan.goals.len()];
    for (i, ini) in plan.initiatives.iter().enumerate() {
        for r in &ini.goals {
            if let Some(v) = g_inis.get_mut(r.to.ix()) {
                v.push(InitiativeIx::from(i));
            }
        }
    }
    g_kpis
        .into_iter()
        .zip(g_inis)
        .map(|(mut ks, mut is)| {
            ks.sort();
            ks.dedup();
            is.sort();
            is.dedup();
            goal(plan, kpis, inis, ks, is)
        })
        .collect()
}

fn goal(
    plan: &Plan,
    kpis: &[KpiFigures],
    inis: &[InitiativeFigures],
    ks: Vec<KpiIx>,
    is: Vec<InitiativeIx>,
) -> GoalProgress {
    let mut rows: Vec<Row> = ks.iter().map(|&k| kpi_row(plan, kpis, k)).collect();
    rows.extend(is.iter().map(|&i| initiative_row(plan, inis, i)));
    let (progress, last) = mean_row(&rows, "KPIs and initiatives");
    rows.push(last);
    GoalProgress {
        kpis: ks,
        initiatives: is,
        progress,
        rows,
    }
}

/// A KPI's attainment at `as_of` against the target its status uses.
fn kpi_row(plan: &Plan, kpis: &[KpiFigures], k: KpiIx) -> Row {
    let kpi = plan.kpi(k);
    let label = format!("KPI {}", kpi.name);
    let s = kpis.get(k.ix()).map(|f| &f.status);
    let (Some(v), Some(t)) = (s.and_then(|s| s.value), s.and_then(|s| s.target)) else {
        return Row {
            label,
            value: None,
            detail: "no data (no reading or no target): left out".into(),
        };
    };
    let baseline = kpi.baseline.as_ref().map(|b| b.value);
    let p = pct(attainment(kpi.direction, baseline, t, v));
    Row {
        label,
        value: Some(p),
        detail: format!(
            "attainment {} = {} %",
            formula(kpi, baseline, t, v),
            num(p, 1)
        ),
    }
}

fn initiative_row(plan: &Plan, inis: &[InitiativeFigures], i: InitiativeIx) -> Row {
    let label = format!("initiative {}", plan.initiative(i).title);
    let Some(s) = inis.get(i.ix()).map(|f| &f.status) else {
        return Row {
            label,
            value: None,
            detail: "no figures".into(),
        };
    };
    let (value, detail) = match (s.state, s.progress) {
        (InitiativeState::Cancelled, _) => (None, "cancelled: left out".to_string()),
        (_, Some(p)) => (
            Some(p.clamp(0.0, 100.0)),
            format!("{}: reported {} %", s.state.as_str(), num(p, 1)),
        ),
        (st, None) => (
            Some(0.0),
            format!("{}: no progress reported, counts 0 %", st.as_str()),
        ),
    };
    Row {
        label,
        value,
        detail,
    }
}

fn health(plan: &Plan, kpis: &[KpiFigures], inis: &[InitiativeFigures]) -> Vec<DeptHealth> {
    let n = plan.departments.len();
    let mut ini_counts = vec![[0usize; 7]; n];
    let mut kpi_counts = vec![[0usize; 4]; n];
    for (ini, f) in plan.initiatives.iter().zip(inis) {
        if let Some(c) = ini_counts.get_mut(ini.department.ix()) {
            c[state_pos(&InitiativeState::ALL, f.status.state)] += 1;
        }
    }
    for (k, f) in plan.kpis.iter().zip(kpis) {
        if let Some(c) = k
            .department
            .and_then(|d: DeptIx| kpi_counts.get_mut(d.ix()))
        {
            c[state_pos(&KpiState::ALL, f.status.state)] += 1;
        }
    }
    ini_counts
        .into_iter()
        .zip(kpi_counts)
        .map(|(i, k)| DeptHealth {
            initiatives: counts(&InitiativeState::ALL, &i, |s| s.as_str()),
            kpis: counts(&KpiState::ALL, &k, |s| s.as_str()),
        })
        .collect()
}

pub(crate) fn state_pos<T: PartialEq>(all: &[T], s: T) -> usize {
    all.iter().position(|x| *x == s).unwrap_or(0)
}

pub(crate) fn counts<T: Copy>(
    all: &[T],
    n: &[usize],
    name: impl Fn(T) -> &'static str,
) -> Vec<StateCount> {
    all.iter()
        .zip(n)
        .map(|(&s, &count)| StateCount {
            state: name(s),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{dept, plan, plan_toml};
    use crate::analyze::{initiative, kpi};

    const PEOPLE: &str = "[[person]]\nid = \"ann\"\nname = \"Ann\"\n";
    const KPIS: &str = r#"
[[kpi]]
id = "uptime"
name = "Uptime"
direction = "up"
goal = "trust"
baseline = { value = 99.5 }
targets = [ { period = "2026", value = 99.9 } ]
[[kpi]]
id = "incidents"
name = "Incidents"
direction = "down"
targets = [ { period = "2026", value = 2 } ]
[[kpi]]
id = "nps"
name = "NPS"
direction = "up"
targets = [ { period = "2026", value = 50 } ]
"#;
    const OBJ: &str = "[[objective]]\nid = \"o1\"\ntitle = \"O\"\nperiod = \"2026\"\n\
        key_results = [ { kpi = \"uptime\", target = 99.9 }, { kpi = \"incidents\", target = 2 }, { kpi = \"nps\", target = 60 } ]\n";
    const CHECKIN: &str = "date = 2026-06-30\n\
        [[kpi]]\nid = \"uptime\"\nvalue = 99.7\n[[kpi]]\nid = \"incidents\"\nvalue = 5\n[[kpi]]\nid = \"a-kpi\"\nvalue = 12\n\
        [[initiative]]\nid = \"i1\"\nstatus = \"on-track\"\nprogress = 30\n\
        [[initiative]]\nid = \"i3\"\nstatus = \"cancelled\"\nprogress = 80\n";

    fn ini(goals: &str) -> String {
        format!("+++\ntitle = \"I\"\nowner = \"ann\"\nstart = 2026-01-01\nend = 2026-12-31\ngoals = [{goals}]\n+++\n")
    }

    fn fixture() -> (Plan, Rollups) {
        let goal = "+++\ntitle = \"Trust\"\nkpis = [\"nps\", \"uptime\"]\n+++\n";
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", PEOPLE),
            ("kpis.toml", KPIS),
            ("goals/trust.md", goal),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/a/objectives.toml", OBJ),
            (
                "departments/a/kpis.toml",
                "[[kpi]]\nid = \"a-kpi\"\nname = \"A\"\ndirection = \"up\"\ntargets = [ { period = \"2026\", value = 10 } ]\n",
            ),
            ("departments/a/initiatives/i1.md", &ini("\"trust\"")),
            ("departments/a/initiatives/i2.md", &ini("\"trust\"")),
            ("departments/a/initiatives/i3.md", &ini("\"trust\"")),
            ("progress/q2.toml", CHECKIN),
        ]);
        let k = kpi::kpis(&p, &[]);
        let i = initiative::initiatives(&p);
        let r = rollups(&p, &k, &i);
        (p, r)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn key_results_and_objective_mean() {
        let (_, r) = fixture();
        let o = &r.objectives[0];
        // (99.7 − 99.5) / (99.9 − 99.5) = 50 %; incidents, down without baseline: 2 / 5 = 40 %.
        assert!(close(o.key_results[0].progress, 50.0));
        assert!(close(o.key_results[1].progress, 40.0));
        assert_eq!(o.key_results[2].progress, None);
        assert!(close(o.progress, 45.0));
        assert_eq!(o.rows.len(), 4);
        assert_eq!(
            o.rows[3].detail,
            "mean of 2 key results: (50 + 40) / 2 = 45 %"
        );
        assert!(
            o.rows[0].detail.contains("(99.7 − 99.5) / (99.9 − 99.5)"),
            "{}",
            o.rows[0].detail
        );
    }

    #[test]
    fn key_result_progress_is_clamped() {
        let (p, _) = fixture();
        let k = kpi::kpis(&p, &[]);
        let uptime = p.index.kpis["uptime"];
        // Already past a target of 99.6: 0.2 / 0.1 = 200 % → 100 %.
        let kr = key_result(&p, &k, uptime, 99.6, p.settings.as_of);
        assert_eq!(kr.progress, Some(100.0));
        // Worse than the baseline is negative and clamps to 0 %.
        assert_eq!(pct(-0.5), 0.0);
        // Before any reading: no data.
        let before = "2026-01-01".parse().unwrap();
        assert_eq!(key_result(&p, &k, uptime, 99.9, before).progress, None);
    }

    #[test]
    fn goal_is_the_mean_of_kpis_and_initiatives() {
        let (p, r) = fixture();
        let g = &r.goals[0];
        let kpis: Vec<_> = g.kpis.iter().map(|k| p.kpi(*k).id.as_str()).collect();
        assert_eq!(kpis, ["nps", "uptime"]); // listed and linked, once each
        assert_eq!(g.initiatives.len(), 3);
        // uptime 50 %, i1 30 %, i2 no update 0 %; nps no data and i3 cancelled left out.
        assert!(close(g.progress, 80.0 / 3.0));
        assert_eq!(g.rows.len(), 6);
        assert_eq!(g.rows[0].value, None);
        assert_eq!(g.rows[4].value, None);
    }

    #[test]
    fn department_health_counts() {
        let (p, r) = fixture();
        let h = &r.departments[p.index.departments["a"].ix()];
        let get = |v: &[StateCount], s: &str| v.iter().find(|c| c.state == s).map(|c| c.count);
        assert_eq!(get(&h.initiatives, "on-track"), Some(1));
        assert_eq!(get(&h.initiatives, "no-update"), Some(1));
        assert_eq!(get(&h.initiatives, "cancelled"), Some(1));
        assert_eq!(get(&h.initiatives, "done"), Some(0));
        assert_eq!(get(&h.kpis, "on-track"), Some(1));
        assert_eq!(h.kpis.len(), 4);
    }
}
