//! Small JSON views of entities, as templates receive them: every reference carries the
//! page it links to (`url`, relative to the site root; templates prefix it with `root`).

use serde_json::{json, Value};

use crate::model::*;

pub fn goal_url(g: &Goal) -> String {
    format!("goals/{}.html", g.id)
}
pub fn person_url(p: &Person) -> String {
    format!("people/{}.html", p.id)
}
pub fn dept_url(d: &Department) -> String {
    format!("departments/{}.html", d.id)
}
pub fn kpi_url(k: &Kpi) -> String {
    format!("kpis/{}.html", k.id)
}
pub fn objective_url(o: &Objective) -> String {
    format!("objectives/{}.html", o.id)
}
pub fn initiative_url(i: &Initiative) -> String {
    format!("initiatives/{}.html", i.id)
}

pub fn goal(plan: &Plan, g: GoalIx) -> Value {
    let g = plan.goal(g);
    json!({ "id": g.id, "title": g.title, "url": goal_url(g) })
}
pub fn person(plan: &Plan, p: PersonIx) -> Value {
    let p = plan.person(p);
    json!({ "id": p.id, "name": p.name, "role": p.role, "url": person_url(p) })
}
pub fn dept(plan: &Plan, d: DeptIx) -> Value {
    let d = plan.department(d);
    json!({ "id": d.id, "name": d.name, "url": dept_url(d) })
}
pub fn team(plan: &Plan, t: TeamIx) -> Value {
    let t = plan.team(t);
    let d = plan.department(t.department);
    json!({ "id": t.id, "name": t.name, "url": format!("{}#team-{}", dept_url(d), t.id), "department": d.name })
}
pub fn kpi(plan: &Plan, k: KpiIx) -> Value {
    let k = plan.kpi(k);
    json!({ "id": k.id, "name": k.name, "unit": k.unit, "url": kpi_url(k) })
}
pub fn objective(plan: &Plan, o: ObjectiveIx) -> Value {
    let o = plan.objective(o);
    json!({ "id": o.id, "title": o.title, "period": o.period, "url": objective_url(o) })
}
pub fn initiative(plan: &Plan, i: InitiativeIx) -> Value {
    let i = plan.initiative(i);
    json!({ "id": i.id, "title": i.title, "url": initiative_url(i) })
}

/// Every entity's reference, built once per build: a page that lists a thousand initiatives
/// clones a thousand small objects instead of formatting their URLs and copying their titles
/// again. Indexed like the plan's vectors.
#[derive(Default)]
pub struct Refs {
    goals: Vec<Value>,
    people: Vec<Value>,
    depts: Vec<Value>,
    teams: Vec<Value>,
    kpis: Vec<Value>,
    objectives: Vec<Value>,
    initiatives: Vec<Value>,
}

/// One value per index `0..n`.
fn each<I: From<usize>>(n: usize, f: impl Fn(I) -> Value) -> Vec<Value> {
    (0..n).map(|i| f(I::from(i))).collect()
}

impl Refs {
    pub fn new(plan: &Plan) -> Refs {
        Refs {
            goals: each(plan.goals.len(), |g| goal(plan, g)),
            people: each(plan.people.len(), |p| person(plan, p)),
            depts: each(plan.departments.len(), |d| dept(plan, d)),
            teams: each(plan.teams.len(), |t| team(plan, t)),
            kpis: each(plan.kpis.len(), |k| kpi(plan, k)),
            objectives: each(plan.objectives.len(), |o| objective(plan, o)),
            initiatives: each(plan.initiatives.len(), |i| initiative(plan, i)),
        }
    }
    pub fn goal(&self, g: GoalIx) -> Value {
        self.goals[g.ix()].clone()
    }
    pub fn person(&self, p: PersonIx) -> Value {
        self.people[p.ix()].clone()
    }
    pub fn dept(&self, d: DeptIx) -> Value {
        self.depts[d.ix()].clone()
    }
    pub fn team(&self, t: TeamIx) -> Value {
        self.teams[t.ix()].clone()
    }
    pub fn kpi(&self, k: KpiIx) -> Value {
        self.kpis[k.ix()].clone()
    }
    pub fn objective(&self, o: ObjectiveIx) -> Value {
        self.objectives[o.ix()].clone()
    }
    pub fn initiative(&self, i: InitiativeIx) -> Value {
        self.initiatives[i.ix()].clone()
    }
}

/// An object of the given fields. Unlike `json!`, which serializes every value it is given
/// again (a deep copy of a `Value`, of a chart's SVG string, of a whole list), this moves the
/// values in: use it for fields that are already `Value`s.
pub fn obj<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// `base` (an object, typically the scalar fields from `json!`) with `fields` moved in.
pub fn with<const N: usize>(mut base: Value, fields: [(&str, Value); N]) -> Value {
    if let Value::Object(m) = &mut base {
        m.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
    }
    base
}

pub fn opt<I: Copy>(r: &Option<Ref<I>>, f: impl Fn(I) -> Value) -> Value {
    r.as_ref().map_or(Value::Null, |r| f(r.to))
}

pub fn list<I: Copy>(items: impl IntoIterator<Item = I>, f: impl Fn(I) -> Value) -> Value {
    Value::Array(items.into_iter().map(f).collect())
}

pub fn refs<I: Copy>(rs: &[Ref<I>], f: impl Fn(I) -> Value) -> Value {
    list(rs.iter().map(|r| r.to), f)
}
