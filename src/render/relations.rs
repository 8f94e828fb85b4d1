//! Reverse links between entities ("what serves this goal", "who depends on this initiative"),
//! built once in one pass over the plan so that no page scans the whole plan.

use crate::model::*;

#[derive(Default, Debug)]
pub struct Relations {
    pub dependents: Vec<Vec<InitiativeIx>>,
    pub goal_initiatives: Vec<Vec<InitiativeIx>>,
    pub goal_objectives: Vec<Vec<ObjectiveIx>>,
    /// The goal's own `kpis` plus KPIs whose `goal` names it, sorted, without repeats.
    pub goal_kpis: Vec<Vec<KpiIx>>,
    pub objective_initiatives: Vec<Vec<InitiativeIx>>,
    pub kpi_initiatives: Vec<Vec<InitiativeIx>>,
    pub kpi_objectives: Vec<Vec<ObjectiveIx>>,
    pub dept_initiatives: Vec<Vec<InitiativeIx>>,
    pub dept_kpis: Vec<Vec<KpiIx>>,
    pub dept_objectives: Vec<Vec<ObjectiveIx>>,
    pub dept_people: Vec<Vec<PersonIx>>,
    pub dept_collaborations: Vec<Vec<InitiativeIx>>,
    pub team_people: Vec<Vec<PersonIx>>,
    pub person_initiatives: Vec<Vec<InitiativeIx>>,
    pub person_kpis: Vec<Vec<KpiIx>>,
    pub person_goals: Vec<Vec<GoalIx>>,
    pub person_heads: Vec<Vec<DeptIx>>,
    pub person_leads: Vec<Vec<TeamIx>>,
    /// (initiative, task index) of tasks the person owns.
    pub person_tasks: Vec<Vec<(InitiativeIx, usize)>>,
    /// (initiative, allocation index) of the person's allocations.
    pub person_allocations: Vec<Vec<(InitiativeIx, usize)>>,
    /// Budget lines (indices into `plan.budget_lines`) naming the initiative.
    pub initiative_lines: Vec<Vec<usize>>,
    /// (check-in index, reading index) of the KPI's readings, in check-in order.
    pub kpi_readings: Vec<Vec<(usize, usize)>>,
}

fn table<T>(n: usize) -> Vec<Vec<T>> {
    (0..n).map(|_| Vec::new()).collect()
}

impl Relations {
    pub fn new(plan: &Plan) -> Relations {
        let (ng, np, nd, nk, no, ni) = (
            plan.goals.len(),
            plan.people.len(),
            plan.departments.len(),
            plan.kpis.len(),
            plan.objectives.len(),
            plan.initiatives.len(),
        );
        let mut r = Relations {
            dependents: table(ni),
            goal_initiatives: table(ng),
            goal_objectives: table(ng),
            goal_kpis: table(ng),
            objective_initiatives: table(no),
            kpi_initiatives: table(nk),
            kpi_objectives: table(nk),
            dept_initiatives: table(nd),
            dept_kpis: table(nd),
            dept_objectives: table(nd),
            dept_people: table(nd),
            dept_collaborations: table(nd),
            team_people: table(plan.teams.len()),
            person_initiatives: table(np),
            person_kpis: table(np),
            person_goals: table(np),
            person_heads: table(np),
            person_leads: table(np),
            person_tasks: table(np),
            person_allocations: table(np),
            initiative_lines: table(ni),
            kpi_readings: table(nk),
        };
        r.add_initiatives(plan);
        r.add_others(plan);
        for v in r.goal_kpis.iter_mut() {
            v.sort();
            v.dedup();
        }
        r
    }

    fn add_initiatives(&mut self, plan: &Plan) {
        for (i, init) in plan.initiatives.iter().enumerate() {
            let ix = InitiativeIx::from(i);
            for d in &init.depends_on {
                self.dependents[d.to.ix()].push(ix);
            }
            for g in &init.goals {
                self.goal_initiatives[g.to.ix()].push(ix);
            }
            for o in &init.objectives {
                self.objective_initiatives[o.to.ix()].push(ix);
            }
            for k in &init.kpis {
                self.kpi_initiatives[k.to.ix()].push(ix);
            }
            for c in &init.collaborators {
                self.dept_collaborations[c.to.ix()].push(ix);
            }
            self.dept_initiatives[init.department.ix()].push(ix);
            if let Some(o) = &init.owner {
                self.person_initiatives[o.to.ix()].push(ix);
            }
            for (t, task) in init.tasks.iter().enumerate() {
                if let Some(o) = &task.owner {
                    self.person_tasks[o.to.ix()].push((ix, t));
                }
            }
            for (a, alloc) in init.allocations.iter().enumerate() {
                self.person_allocations[alloc.person.to.ix()].push((ix, a));
            }
        }
    }

    fn add_others(&mut self, plan: &Plan) {
        for (g, goal) in plan.goals.iter().enumerate() {
            self.goal_kpis[g].extend(goal.kpis.iter().map(|k| k.to));
            if let Some(o) = &goal.owner {
                self.person_goals[o.to.ix()].push(GoalIx::from(g));
            }
        }
        for (k, kpi) in plan.kpis.iter().enumerate() {
            let ix = KpiIx::from(k);
            if let Some(g) = &kpi.goal {
                self.goal_kpis[g.to.ix()].push(ix);
            }
            if let Some(d) = kpi.department {
                self.dept_kpis[d.ix()].push(ix);
            }
            if let Some(o) = &kpi.owner {
                self.person_kpis[o.to.ix()].push(ix);
            }
        }
        for (o, obj) in plan.objectives.iter().enumerate() {
            let ix = ObjectiveIx::from(o);
            self.dept_objectives[obj.department.ix()].push(ix);
            for g in &obj.goals {
                self.goal_objectives[g.to.ix()].push(ix);
            }
            for kr in &obj.key_results {
                if !self.kpi_objectives[kr.kpi.to.ix()].contains(&ix) {
                    self.kpi_objectives[kr.kpi.to.ix()].push(ix);
                }
            }
        }
        for (p, person) in plan.people.iter().enumerate() {
            let ix = PersonIx::from(p);
            if let Some(d) = &person.department {
                self.dept_people[d.to.ix()].push(ix);
            }
            if let Some(t) = &person.team {
                self.team_people[t.to.ix()].push(ix);
            }
        }
        for (d, dept) in plan.departments.iter().enumerate() {
            if let Some(h) = &dept.head {
                self.person_heads[h.to.ix()].push(DeptIx::from(d));
            }
        }
        for (t, team) in plan.teams.iter().enumerate() {
            if let Some(l) = &team.lead {
                self.person_leads[l.to.ix()].push(TeamIx::from(t));
            }
        }
        for (l, line) in plan.budget_lines.iter().enumerate() {
            if let Some(i) = &line.initiative {
                self.initiative_lines[i.to.ix()].push(l);
            }
        }
        for (c, checkin) in plan.checkins.iter().enumerate() {
            for (r, reading) in checkin.readings.iter().enumerate() {
                self.kpi_readings[reading.kpi.to.ix()].push((c, r));
            }
        }
    }
}
