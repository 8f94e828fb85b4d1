//! `Checker` (the warm check serve will use) gives exactly what a cold `check_loaded` gives,
//! after every step of a sequence of edits, renames, deletions and additions.

use std::collections::BTreeMap;
use std::path::Path;

use plansite::{check_loaded, load, Checker, Project};

type Files = BTreeMap<String, Vec<u8>>;

/// The initiative most steps edit.
const CRM: &str = "departments/sales/initiatives/crm-rollout.md";

fn example_plan() -> Files {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-plan");
    let mut files = Files::new();
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.expect("walk example-plan");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

fn loaded(files: &Files) -> plansite::Loaded {
    load::from_memory(files.iter().map(|(p, b)| (p.clone(), b.clone())).collect())
}

/// Everything a caller sees of a project, as text: paths, diagnostics, plan and analysis.
fn summary(p: &Project) -> String {
    let paths: Vec<&str> = p
        .loaded
        .sources
        .iter()
        .map(|(_, f)| f.path.as_str())
        .collect();
    let json = match (&p.plan, &p.analysis) {
        (Some(plan), Some(an)) => plansite::export::json(plan, an, false).expect("json"),
        _ => "no plan".to_string(),
    };
    format!("{paths:?}\n{:#?}\n{json}", p.diagnostics)
}

/// Check `files` warm and cold, assert the two agree, and return the warm result.
fn assert_same(checker: &mut Checker, files: &Files, step: &str) -> Project {
    let warm = checker.check(loaded(files));
    let cold = check_loaded(loaded(files));
    assert_eq!(
        warm.diagnostics, cold.diagnostics,
        "diagnostics differ after {step}"
    );
    assert!(
        summary(&warm) == summary(&cold),
        "results differ after {step}"
    );
    warm
}

fn edit(files: &mut Files, path: &str, f: impl FnOnce(String) -> String) {
    let text = String::from_utf8(files[path].clone()).expect("utf-8");
    files.insert(path.to_string(), f(text).into_bytes());
}

fn rename(files: &mut Files, from: &str, to: &str) {
    let bytes = files.remove(from).expect("file to rename");
    files.insert(to.to_string(), bytes);
}

#[test]
fn warm_checks_equal_cold_ones_through_edits() {
    let mut files = example_plan();
    let mut checker = Checker::new();
    assert_same(&mut checker, &files, "the first run");
    assert_same(&mut checker, &files, "a run with no change");
    let r = checker.reused();
    assert!(
        r.parsed > 40 && r.files == r.parsed,
        "every file reused: {r:?}"
    );
    assert!(
        r.bodies > 20 && r.bodies_reused == r.bodies,
        "every body reused: {r:?}"
    );
    assert!(r.findings, "rules and analysis reused: {r:?}");

    edit(&mut files, CRM, |t| {
        t + "\nSee [the missing page](nowhere.md).\n"
    });
    assert_same(&mut checker, &files, "a broken link added to a body");
    let r = checker.reused();
    assert_eq!(
        r.files + 1,
        r.parsed,
        "only the edited file parsed again: {r:?}"
    );
    assert_eq!(
        r.bodies_reused + 1,
        r.bodies,
        "only its body checked again: {r:?}"
    );
    assert!(
        r.findings,
        "a body edit keeps the rules and analysis: {r:?}"
    );

    edit(&mut files, CRM, |t| {
        t.replacen("+++\n", "+++\nunknown_field = 1\n", 1)
    });
    assert_same(&mut checker, &files, "an unknown front-matter field");
    assert!(
        !checker.reused().findings,
        "a front-matter edit runs them again"
    );

    rename(
        &mut files,
        CRM,
        "departments/sales/initiatives/crm-renamed.md",
    );
    assert_same(
        &mut checker,
        &files,
        "a renamed initiative (links to it break)",
    );

    files.remove("goals/data-driven.md");
    assert_same(&mut checker, &files, "a deleted goal");

    files.insert("departments/sales/notes.txt".into(), b"stray".to_vec());
    files.insert("goals/new-goal.md".into(), b"".to_vec());
    assert_same(&mut checker, &files, "a stray and an empty file added");

    edit(&mut files, "plan.toml", |t| {
        t.lines()
            .filter(|l| !l.starts_with("fiscal_year_start") && !l.starts_with("currency"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .replacen('\n', "\nfiscal_year_start = 7\ncurrency = \"JPY\"\n", 1)
    });
    assert_same(
        &mut checker,
        &files,
        "another fiscal year start and currency",
    );

    files = example_plan();
    assert_same(&mut checker, &files, "everything restored");

    files.remove("plan.toml");
    assert_same(&mut checker, &files, "plan.toml deleted");
    files = example_plan();
    assert_same(&mut checker, &files, "plan.toml back");
}

/// The rules and analysis kept for a body-only edit are those of the model just before it: a
/// run with no model in between (plan.toml gone) must not let older ones through.
#[test]
fn findings_are_never_older_than_the_last_model() {
    let mut files = example_plan();
    let mut checker = Checker::new();
    let settings = files["plan.toml"].clone();
    assert_same(&mut checker, &files, "the first run");

    files.remove("plan.toml");
    edit(&mut files, CRM, |t| {
        t.replace("budget = \"385000.00\"", "budget = \"9385000.00\"")
    });
    assert_same(&mut checker, &files, "plan.toml gone and a budget changed");

    files.insert("plan.toml".into(), settings);
    assert_same(&mut checker, &files, "plan.toml back");
    assert!(
        !checker.reused().findings,
        "no findings from before the budget change"
    );

    edit(&mut files, CRM, |t| t + "\nOne more line of prose.\n");
    assert_same(&mut checker, &files, "then a body edit");
    assert!(checker.reused().findings, "{:?}", checker.reused());

    edit(&mut files, CRM, |t| {
        t.replace("budget = \"9385000.00\"", "budget = \"385000.00\"")
    });
    assert_same(&mut checker, &files, "the budget changed back");
    assert!(!checker.reused().findings, "{:?}", checker.reused());
}

/// One named change to a plan's files.
type Change = fn(&mut Files);

fn data_to_top(f: &mut Files) {
    edit(f, "departments/data/department.md", |t| {
        t.replace("parent = \"technology\"\n", "")
    });
}

/// Every way a file's bytes or place can change outside a Markdown body runs the rules and the
/// analysis again: `plan.toml` alone (settings the reader does not use), the front matter's
/// place (a byte-order mark, the opening fence), and a stray file that shifts every later
/// file's id, even where no later file is a plan file.
#[test]
fn findings_are_dropped_for_every_change_outside_a_body() {
    let mut files = example_plan();
    let mut checker = Checker::new();
    assert_same(&mut checker, &files, "the first run");

    let steps: [(&str, Change); 4] = [
        ("as_of moved in plan.toml", |f| {
            edit(f, "plan.toml", |t| {
                t.replace("as_of = 2026-09-30", "as_of = 2026-12-31")
            })
        }),
        ("a byte-order mark before the front matter", |f| {
            edit(f, CRM, |t| format!("\u{feff}{t}"))
        }),
        ("trailing spaces after the opening fence", |f| {
            edit(f, CRM, |t| {
                t.trim_start_matches('\u{feff}')
                    .replacen("+++\n", "+++  \n", 1)
            })
        }),
        ("a stray file before plan.toml", |f| {
            f.insert("plan.md".into(), b"notes".to_vec());
        }),
    ];
    for (step, change) in steps {
        change(&mut files);
        assert_same(&mut checker, &files, step);
        assert!(
            !checker.reused().findings,
            "after {step}: {:?}",
            checker.reused()
        );
        edit(&mut files, CRM, |t| t + "\nMore prose.\n");
        assert_same(&mut checker, &files, &format!("a body edit after {step}"));
        assert!(
            checker.reused().findings,
            "after {step}: {:?}",
            checker.reused()
        );
    }

    // With no plan file sorting after plan.toml, only plan.toml's own id moves.
    files.retain(|path, _| path.as_str() < "plan.toml");
    files.remove("plan.md");
    files.insert("plan.toml".into(), example_plan()["plan.toml"].clone());
    assert_same(&mut checker, &files, "a plan with nothing after plan.toml");
    files.insert("plan.md".into(), b"notes".to_vec());
    assert_same(&mut checker, &files, "a stray plan.md added");
    assert!(!checker.reused().findings, "{:?}", checker.reused());
    files.remove("plan.md");
    assert_same(&mut checker, &files, "the stray plan.md removed");
    assert!(!checker.reused().findings, "{:?}", checker.reused());
}

/// Between rebuilds that run the analysis again, the budget is kept while what it is made from
/// (budget lines, caps, the department tree, initiatives' envelopes, the status date and
/// currency) is unchanged, and made again after any change of it; either way the result is a
/// cold run's.
#[test]
fn the_budget_is_kept_while_its_inputs_are_unchanged() {
    const SALES: &str = "departments/sales/budget.toml";
    let mut files = example_plan();
    let mut checker = Checker::new();
    assert_same(&mut checker, &files, "the first run");

    let steps: [(&str, Change, bool); 11] = [
        (
            "an initiative's title",
            |f| edit(f, CRM, |t| t.replace("CRM rollout", "CRM roll-out")),
            true,
        ),
        (
            "a line inserted in its front matter",
            |f| edit(f, CRM, |t| t.replacen("+++\n", "+++\n# moved down\n", 1)),
            true,
        ),
        (
            "an initiative's envelope",
            |f| edit(f, CRM, |t| t.replace("385000.00", "395000.00")),
            false,
        ),
        (
            "a budget line's amount",
            |f| {
                edit(f, SALES, |t| {
                    t.replacen("planned = 1380000", "planned = 1380001", 1)
                })
            },
            false,
        ),
        (
            "a comment at the end of a budget file",
            |f| edit(f, SALES, |t| format!("{t}\n# reviewed\n")),
            true,
        ),
        (
            "a cap's amount",
            |f| {
                edit(f, SALES, |t| {
                    t.replace("\"FY2027\" = 9500000", "\"FY2027\" = 9600000")
                })
            },
            false,
        ),
        (
            "a cap added",
            |f| edit(f, SALES, |t| format!("{t}\"FY2028\" = 9000000\n")),
            false,
        ),
        (
            "a department moved to the top of the tree",
            data_to_top,
            false,
        ),
        (
            "the status date",
            |f| {
                edit(f, "plan.toml", |t| {
                    t.replace("as_of = 2026-09-30", "as_of = 2026-12-31")
                })
            },
            false,
        ),
        (
            "a department added after the others",
            |f| {
                f.insert(
                    "departments/zz/department.md".into(),
                    b"+++\nname = \"ZZ\"\n+++\n".to_vec(),
                );
            },
            false,
        ),
        (
            "an initiative added after the others",
            |f| {
                f.insert(
                    "departments/zz/initiatives/zz-new.md".into(),
                    b"+++\ntitle = \"New\"\nowner = \"thomas-muller\"\nstart = 2026-04-01\nend = 2026-12-15\n+++\n".to_vec(),
                );
            },
            false,
        ),
    ];
    each_step(&mut checker, &mut files, &steps, |r| r.budget);
}

/// The same for the people's load: kept while the allocations and tasks with an FTE, the
/// people's capacities and departments and the department tree are unchanged, wherever their
/// text moved. W005 is let through so that its place, looked up in the new plan, is compared
/// with a cold run's.
#[test]
fn the_load_is_kept_while_its_inputs_are_unchanged() {
    const PLATFORM: &str = "departments/data/initiatives/data-platform.md";
    let mut files = example_plan();
    edit(&mut files, "plan.toml", |t| t.replace("\"W005\", ", ""));
    let mut checker = Checker::new();
    let first = assert_same(&mut checker, &files, "the first run");
    let over = first
        .diagnostics
        .iter()
        .find(|d| d.code.to_string() == "W005");
    let over = over.expect("kenji-mori is over capacity in the example plan");
    let before = first.loaded.sources.describe(over.loc.expect("a place"));
    assert!(before.starts_with(PLATFORM), "{before}");

    let steps: [(&str, Change, bool); 17] = [
        (
            "a line inserted above the largest allocation of an over-allocated month",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replacen("+++\n", "+++\n# moved down\n", 1)
                })
            },
            true,
        ),
        (
            "an initiative's title",
            |f| edit(f, CRM, |t| t.replace("CRM rollout", "CRM roll-out")),
            true,
        ),
        (
            "a budget line's amount",
            |f| {
                edit(f, "departments/sales/budget.toml", |t| {
                    t.replacen("planned = 1380000", "planned = 1380001", 1)
                })
            },
            true,
        ),
        (
            "an allocation's FTE",
            |f| edit(f, PLATFORM, |t| t.replacen("fte = 0.5", "fte = 0.6", 1)),
            false,
        ),
        (
            "an allocation's end",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace("to = 2027-03-31", "to = 2027-02-28")
                })
            },
            false,
        ),
        (
            "a task's title",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace("Ingestion pipelines for", "Ingestion of")
                })
            },
            false,
        ),
        (
            "a task's dates removed, so that it runs over its initiative's",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace(
                        "start = 2026-07-01\nend = 2026-09-30\nfte = 0.3",
                        "fte = 0.3",
                    )
                })
            },
            false,
        ),
        (
            "the end of that initiative, which the task now runs to",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace("end = 2027-03-31", "end = 2027-04-30")
                })
            },
            false,
        ),
        (
            "the owner of a task without an FTE",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace("owner = \"laura-visser\"", "owner = \"aisha-bello\"")
                })
            },
            true,
        ),
        (
            "the owner of a task with an FTE",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replacen(
                        "owner = \"kenji-mori\"\nfte",
                        "owner = \"aisha-bello\"\nfte",
                        1,
                    )
                })
            },
            false,
        ),
        (
            "an earlier allocation deleted, so that the later ones move up",
            |f| {
                edit(f, PLATFORM, |t| {
                    t.replace(
                        "[[allocation]]\nperson = \"aisha-bello\"\nfte = 0.2\n\n",
                        "",
                    )
                })
            },
            false,
        ),
        (
            "a person's capacity",
            |f| {
                edit(f, "people.toml", |t| {
                    t.replacen(
                        "team = \"data-platform\"\n",
                        "team = \"data-platform\"\ncapacity = 0.8\n",
                        1,
                    )
                })
            },
            false,
        ),
        (
            "that capacity set to 0",
            |f| {
                edit(f, "people.toml", |t| {
                    t.replace("capacity = 0.8", "capacity = 0.0")
                })
            },
            false,
        ),
        (
            "that capacity written as -0.0, which the load shows as written",
            |f| {
                edit(f, "people.toml", |t| {
                    t.replace("capacity = 0.0", "capacity = -0.0")
                })
            },
            false,
        ),
        (
            "a person moved to another department",
            |f| {
                edit(f, "people.toml", |t| {
                    t.replacen(
                        "department = \"logistics\"\nteam = \"transport\"",
                        "department = \"data\"\nteam = \"data-platform\"",
                        1,
                    )
                })
            },
            false,
        ),
        (
            "a department moved to the top of the tree",
            data_to_top,
            false,
        ),
        (
            "an initiative added after the others",
            |f| {
                f.insert(
                    "departments/data/initiatives/zz-new.md".into(),
                    b"+++\ntitle = \"New\"\nowner = \"thomas-muller\"\nstart = 2026-04-01\nend = 2026-12-15\n+++\n".to_vec(),
                );
            },
            false,
        ),
    ];
    each_step(&mut checker, &mut files, &steps, |r| r.load);
}

/// Make each change in turn. After each, the warm check must equal a cold one and find no
/// error, the rules and analysis must have run again, and `part` must say whether the part
/// under test was kept as the step expects.
fn each_step(
    checker: &mut Checker,
    files: &mut Files,
    steps: &[(&str, Change, bool)],
    part: fn(plansite::Reused) -> bool,
) {
    for &(step, change, kept) in steps {
        change(files);
        let project = assert_same(checker, files, step);
        assert!(!project.has_errors(), "{step}: {:#?}", project.diagnostics);
        let r = checker.reused();
        assert!(!r.findings && part(r) == kept, "after {step}: {r:?}");
    }
}

/// The same for the KPIs' figures: kept while the KPIs' directions, kinds, frequencies,
/// baselines, targets and tolerances, every reading (date, KPI, value, note), the check-in dates
/// and the status date are unchanged.
#[test]
fn the_kpi_figures_are_kept_while_their_inputs_are_unchanged() {
    const APRIL: &str = "progress/2026-04-30.toml";
    let mut files = example_plan();
    let mut checker = Checker::new();
    assert_same(&mut checker, &files, "the first run");
    let steps: [(&str, Change, bool); 8] = [
        (
            "an initiative's title",
            |f| edit(f, CRM, |t| t.replace("CRM rollout", "CRM roll-out")),
            true,
        ),
        (
            "a KPI's name, and a line inserted above the KPIs",
            |f| {
                edit(f, "kpis.toml", |t| {
                    t.replace("Digital share of net revenue", "Digital share of revenue")
                        .replacen("[[kpi]]", "# reviewed\n[[kpi]]", 1)
                })
            },
            true,
        ),
        (
            "a KPI's target",
            |f| {
                edit(f, "kpis.toml", |t| {
                    t.replace("value = 15 }", "value = 16 }")
                })
            },
            false,
        ),
        (
            "a KPI's tolerance",
            |f| {
                edit(f, "kpis.toml", |t| {
                    t.replacen("tolerance = 10", "tolerance = 12", 1)
                })
            },
            false,
        ),
        (
            "a reading's value",
            |f| edit(f, APRIL, |t| t.replace("value = 12.4", "value = 12.5")),
            false,
        ),
        (
            "a note added to a reading",
            |f| {
                edit(f, APRIL, |t| {
                    t.replace("value = 12.5\n", "value = 12.5\nnote = \"late\"\n")
                })
            },
            false,
        ),
        (
            "a check-in added, which adds a point to every history",
            |f| {
                f.insert(
                    "progress/2026-10-31.toml".into(),
                    b"date = 2026-09-15\nauthor = \"PMO\"\n".to_vec(),
                );
            },
            false,
        ),
        (
            "the status date",
            |f| {
                edit(f, "plan.toml", |t| {
                    t.replace("as_of = 2026-09-30", "as_of = 2026-09-29")
                })
            },
            false,
        ),
    ];
    each_step(&mut checker, &mut files, &steps, |r| r.kpis);
}
