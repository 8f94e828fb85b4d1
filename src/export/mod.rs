//! export: the resolved model and every computed figure, for other tools.
//!
//! JSON: one document, `{"format": 1, "plan": …, "analysis": …}` (schema in docs/export.md).
//! CSV: one file per table. Both are also written into the site under `data/`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Analysis;
use crate::model::iso::{date_text, month_text};
use crate::model::Plan;

/// The JSON export's version; bumped only when a field changes meaning or is removed.
pub const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: u32,
    plan: &'a Plan,
    analysis: &'a Analysis,
}

/// The whole plan and its analysis as JSON; `pretty` indents it for people reading it.
pub fn json(plan: &Plan, an: &Analysis, pretty: bool) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::with_capacity(1 << 20);
    write_json(plan, an, pretty, &mut bytes)?;
    // serde_json writes only UTF-8; the check costs a scan, never a copy.
    String::from_utf8(bytes).map_err(|e| serde_json::Error::io(std::io::Error::other(e)))
}

/// `json`, serialized straight into `w` (a file, a socket), so a caller writing it out needs no
/// 40 MB string for a large plan. Ends with a newline like `json`.
pub fn write_json(
    plan: &Plan,
    an: &Analysis,
    pretty: bool,
    w: impl std::io::Write,
) -> Result<(), serde_json::Error> {
    use std::io::Write;
    let doc = Document {
        format: FORMAT,
        plan,
        analysis: an,
    };
    // The serializer makes millions of writes of a few bytes; a buffer of a concrete type here
    // keeps them inlined even when `w` is a `&mut dyn Write` (as the site build passes it).
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    if pretty {
        serde_json::to_writer_pretty(&mut w, &doc)?;
    } else {
        serde_json::to_writer(&mut w, &doc)?;
    }
    w.write_all(b"\n").map_err(serde_json::Error::io)?;
    w.flush().map_err(serde_json::Error::io)
}

/// The names of the CSV files [`csv`] makes, so a site can list them before making them.
pub const CSV_FILES: [&str; 5] = [
    "allocations.csv",
    "budget-lines.csv",
    "initiatives.csv",
    "kpi-readings.csv",
    "scores.csv",
];

/// One CSV file per table: file name → bytes.
pub fn csv(plan: &Plan, an: &Analysis) -> Result<BTreeMap<String, Vec<u8>>, csv::Error> {
    let mut out = BTreeMap::new();
    out.insert(
        "budget-lines.csv".to_string(),
        table(budget_lines(plan, an))?,
    );
    out.insert("kpi-readings.csv".to_string(), table(kpi_readings(plan))?);
    out.insert("initiatives.csv".to_string(), table(initiatives(plan))?);
    out.insert("allocations.csv".to_string(), table(allocations(plan))?);
    out.insert("scores.csv".to_string(), table(scores(plan, an))?);
    Ok(out)
}

/// One row per scorecard: who, the score, its parts, the band and what it entails.
fn scores(plan: &Plan, an: &Analysis) -> Rows {
    use crate::analyze::appraisal::Subject;
    let header = vec![
        "period",
        "kind",
        "id",
        "score",
        "kpis",
        "initiatives",
        "budget",
        "rating",
        "consequence",
    ];
    let Some(a) = &an.appraisal else {
        return (header, Vec::new());
    };
    let rows = a
        .departments
        .iter()
        .chain(&a.people)
        .map(|s| {
            let (kind, id) = match s.subject {
                Subject::Department(d) => ("department", plan.department(d).id.clone()),
                Subject::Person(p) => ("person", plan.person(p).id.clone()),
            };
            let part = |name: &str| {
                s.components
                    .iter()
                    .find(|c| c.name == name)
                    .and_then(|c| c.score)
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_default()
            };
            vec![
                a.period.label.clone(),
                kind.to_string(),
                id,
                s.score.map(|v| format!("{v:.1}")).unwrap_or_default(),
                part("kpis"),
                part("initiatives"),
                part("budget"),
                opt(&s.rating),
                opt(&s.consequence),
            ]
        })
        .collect();
    (header, rows)
}

type Rows = (Vec<&'static str>, Vec<Vec<String>>);

fn table((header, rows): Rows) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn int(v: impl itoa::Integer) -> String {
    itoa::Buffer::new().format(v).to_string()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn budget_lines(plan: &Plan, an: &Analysis) -> Rows {
    let header = vec![
        "department",
        "category",
        "item",
        "initiative",
        "period",
        "first_month",
        "months",
        "planned",
        "forecast",
        "forecast_defaulted",
        "actual",
    ];
    let rows = plan
        .budget_lines
        .iter()
        .zip(&an.budget.lines)
        .map(|(l, f)| {
            vec![
                plan.department(l.department).id.clone(),
                l.category.clone(),
                opt(&l.item),
                l.initiative
                    .as_ref()
                    .map(|r| r.id.to_string())
                    .unwrap_or_default(),
                l.period.label.clone(),
                month_text(&l.period.start),
                int(l.period.len),
                l.planned.to_string(),
                f.forecast.to_string(),
                f.forecast_defaulted.to_string(),
                opt(&l.actual),
            ]
        })
        .collect();
    (header, rows)
}

fn kpi_readings(plan: &Plan) -> Rows {
    let header = vec!["date", "kpi", "value", "note"];
    let rows = plan
        .checkins
        .iter()
        .flat_map(|c| {
            c.readings.iter().map(move |r| {
                vec![
                    date_text(&c.date),
                    r.kpi.id.to_string(),
                    r.value.to_string(),
                    opt(&r.note),
                ]
            })
        })
        .collect();
    (header, rows)
}

fn initiatives(plan: &Plan) -> Rows {
    let header = vec![
        "id",
        "title",
        "department",
        "owner",
        "team",
        "start",
        "end",
        "priority",
        "difficulty",
        "impact",
        "key",
        "budget",
        "depends_on",
    ];
    let rows = plan
        .initiatives
        .iter()
        .map(|i| {
            vec![
                i.id.clone(),
                i.title.clone(),
                plan.department(i.department).id.clone(),
                i.owner
                    .as_ref()
                    .map(|r| r.id.to_string())
                    .unwrap_or_default(),
                i.team
                    .as_ref()
                    .map(|r| r.id.to_string())
                    .unwrap_or_default(),
                date_text(&i.start),
                date_text(&i.end),
                serde_plain(&i.priority),
                i.difficulty.to_string(),
                i.impact.to_string(),
                i.key.to_string(),
                opt(&i.budget),
                i.depends_on
                    .iter()
                    .map(|r| &*r.id)
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    (header, rows)
}

fn allocations(plan: &Plan) -> Rows {
    let header = vec!["initiative", "person", "fte", "from", "to"];
    let rows = plan
        .initiatives
        .iter()
        .flat_map(|i| {
            i.allocations.iter().map(move |a| {
                vec![
                    i.id.clone(),
                    a.person.id.to_string(),
                    a.fte.to_string(),
                    date_text(&a.from),
                    date_text(&a.to),
                ]
            })
        })
        .collect();
    (header, rows)
}

/// An enum's serde name (`"high"`), for CSV cells.
fn serde_plain<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
