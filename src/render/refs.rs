//! Small JSON views of entities, as templates receive them: every reference carries the
//! page it links to (`url`, relative to the site root; templates prefix it with `root`).

use std::sync::OnceLock;

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

/// Values built on first use, one per index, then cloned: each is built at most once per
/// build, and never when no page asks for it (`serve` renders only the pages a browser asks
/// for, so a rebuild after an edit builds none up front).
pub struct Memo(Vec<OnceLock<Value>>);

impl Memo {
    pub fn new(n: usize) -> Memo {
        Memo((0..n).map(|_| OnceLock::new()).collect())
    }

    /// The value at `i`, built by `make` the first time it is asked for. `make` must not ask
    /// this memo for the same index (say, a summary built from its parent's summary in a
    /// cycle): that would wait for itself forever instead of failing.
    pub fn get(&self, i: usize, make: impl FnOnce() -> Value) -> Value {
        match self.0.get(i) {
            Some(cell) => cell.get_or_init(make).clone(),
            None => make(),
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One [`Memo`] per kind of entity, indexed like the plan's vectors: the references below.
pub struct Memos {
    pub goals: Memo,
    pub people: Memo,
    pub depts: Memo,
    pub teams: Memo,
    pub kpis: Memo,
    pub objectives: Memo,
    pub initiatives: Memo,
}

impl Memos {
    pub fn new(plan: &Plan) -> Memos {
        Memos {
            goals: Memo::new(plan.goals.len()),
            people: Memo::new(plan.people.len()),
            depts: Memo::new(plan.departments.len()),
            teams: Memo::new(plan.teams.len()),
            kpis: Memo::new(plan.kpis.len()),
            objectives: Memo::new(plan.objectives.len()),
            initiatives: Memo::new(plan.initiatives.len()),
        }
    }
}

/// Every entity's reference, built once per build (on first use): a page that lists a thousand
/// initiatives clones a thousand small objects instead of formatting their URLs and copying
/// their titles again.
pub struct Refs<'a> {
    plan: &'a Plan,
    memos: Memos,
}

impl<'a> Refs<'a> {
    pub fn new(plan: &'a Plan) -> Refs<'a> {
        Refs {
            plan,
            memos: Memos::new(plan),
        }
    }
    pub fn goal(&self, g: GoalIx) -> Value {
        self.memos.goals.get(g.ix(), || goal(self.plan, g))
    }
    pub fn person(&self, p: PersonIx) -> Value {
        self.memos.people.get(p.ix(), || person(self.plan, p))
    }
    pub fn dept(&self, d: DeptIx) -> Value {
        self.memos.depts.get(d.ix(), || dept(self.plan, d))
    }
    pub fn team(&self, t: TeamIx) -> Value {
        self.memos.teams.get(t.ix(), || team(self.plan, t))
    }
    pub fn kpi(&self, k: KpiIx) -> Value {
        self.memos.kpis.get(k.ix(), || kpi(self.plan, k))
    }
    pub fn objective(&self, o: ObjectiveIx) -> Value {
        self.memos
            .objectives
            .get(o.ix(), || objective(self.plan, o))
    }
    pub fn initiative(&self, i: InitiativeIx) -> Value {
        self.memos
            .initiatives
            .get(i.ix(), || initiative(self.plan, i))
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rayon::prelude::*;

    use super::*;

    #[test]
    fn a_memo_builds_each_value_once_even_when_threads_race() {
        let memo = Memo::new(3);
        let built = AtomicUsize::new(0);
        let make = |i: usize| {
            built.fetch_add(1, Ordering::SeqCst);
            json!({ "i": i })
        };
        let got: Vec<Value> = (0..300)
            .into_par_iter()
            .map(|n| memo.get(n % 3, || make(n % 3)))
            .collect();
        assert_eq!(built.load(Ordering::SeqCst), 3);
        assert_eq!(got[4], json!({ "i": 1 }));
        assert_eq!(memo.len(), 3);
        // Out of range: built every time, never stored.
        assert_eq!(memo.get(7, || make(7)), json!({ "i": 7 }));
        assert_eq!(built.load(Ordering::SeqCst), 4);
    }
}
