//! Diagnostics: what is wrong in a plan, where, and how to fix it.
//!
//! Every stage reports into one list; nothing stops at the first problem.

use std::fmt;

use crate::load::{FileId, Sources};

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start as usize + by, self.end as usize + by)
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A place in the plan: a file and a span in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

impl Loc {
    pub fn new(file: FileId, span: Span) -> Loc {
        Loc { file, span }
    }
    /// The whole file, for problems that have no narrower place.
    pub fn file(file: FileId) -> Loc {
        Loc {
            file,
            span: Span::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub loc: Option<Loc>,
    pub help: Option<String>,
    /// Other places that explain the problem (the first definition of a duplicate, a cycle's members).
    pub related: Vec<(Loc, String)>,
}

impl Diagnostic {
    pub fn new(code: Code, loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            loc: Some(loc),
            help: None,
            related: Vec::new(),
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn related(mut self, loc: Loc, label: impl Into<String>) -> Diagnostic {
        self.related.push((loc, label.into()));
        self
    }
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// A stable diagnostic code (`E001`, `W001`, …). The full list with examples is in docs/diagnostics.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub &'static str);

impl Code {
    pub fn severity(self) -> Severity {
        if self.0.starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Every code plansite emits, with a one-line summary (kept in step with docs/diagnostics.md).
pub mod codes {
    use super::Code;
    pub const TOML_SYNTAX: Code = Code("E001");
    pub const FRONT_MATTER: Code = Code("E002");
    pub const WRONG_TYPE: Code = Code("E003");
    pub const MISSING_FIELD: Code = Code("E004");
    pub const DUPLICATE_ID: Code = Code("E005");
    pub const UNKNOWN_REFERENCE: Code = Code("E006");
    pub const CYCLE: Code = Code("E007");
    pub const END_BEFORE_START: Code = Code("E008");
    pub const OUTSIDE_INITIATIVE: Code = Code("E009");
    pub const BAD_PERIOD: Code = Code("E010");
    pub const BAD_MONEY: Code = Code("E011");
    pub const CAP_EXCEEDED: Code = Code("E012");
    pub const APPRAISAL_WEIGHTS: Code = Code("E013");
    pub const BANDS_NOT_ZERO: Code = Code("E014");
    pub const DUPLICATE_READING: Code = Code("E015");
    pub const OUT_OF_RANGE: Code = Code("E016");
    pub const NOT_UTF8: Code = Code("E017");
    pub const BAD_VALUE: Code = Code("E018");
    pub const MISSING_DEPARTMENT_FILE: Code = Code("E019");
    pub const BROKEN_LINK: Code = Code("E020");
    pub const UNKNOWN_MILESTONE: Code = Code("E021");
    pub const TEMPLATE: Code = Code("E022");

    pub const UNKNOWN_FIELD: Code = Code("W001");
    pub const OUTSIDE_HORIZON: Code = Code("W002");
    pub const LATE_DEPENDENCY: Code = Code("W003");
    pub const GOAL_WEIGHTS: Code = Code("W004");
    pub const OVER_CAPACITY: Code = Code("W005");
    pub const CHECKIN_AFTER_AS_OF: Code = Code("W006");
    pub const KPI_NO_TARGETS: Code = Code("W007");
    pub const EMPTY_FILE: Code = Code("W008");
    pub const STRAY_FILE: Code = Code("W009");
    pub const FLOAT_MONEY: Code = Code("W010");
    pub const AS_OF_DEFAULTED: Code = Code("W011");
    pub const ENVELOPE_EXCEEDED: Code = Code("W012");
    pub const BAD_ALLOW: Code = Code("W013");
    pub const LEAD_OUTSIDE_DEPARTMENT: Code = Code("W014");

    /// (code, summary) for every code, in order; `plansite check --explain` and the docs use it.
    pub const ALL: &[(Code, &str)] = &[
        (TOML_SYNTAX, "TOML syntax error"),
        (
            FRONT_MATTER,
            "front matter missing or not closed with `+++`",
        ),
        (WRONG_TYPE, "a field has the wrong type"),
        (MISSING_FIELD, "a required field is missing"),
        (DUPLICATE_ID, "two entities of one kind share an id"),
        (
            UNKNOWN_REFERENCE,
            "a reference names an id that does not exist",
        ),
        (
            CYCLE,
            "a cycle in department nesting or initiative dependencies",
        ),
        (END_BEFORE_START, "an end date before its start date"),
        (
            OUTSIDE_INITIATIVE,
            "a task, milestone or allocation outside its initiative's dates",
        ),
        (BAD_PERIOD, "a period that does not parse"),
        (
            BAD_MONEY,
            "an amount of money that does not parse, or is too large",
        ),
        (CAP_EXCEEDED, "planned budget exceeds a cap"),
        (APPRAISAL_WEIGHTS, "appraisal weights do not sum to 100"),
        (BANDS_NOT_ZERO, "appraisal bands do not reach 0"),
        (DUPLICATE_READING, "two readings of one KPI on one date"),
        (
            OUT_OF_RANGE,
            "a percentage outside 0–100 or a confidence outside 0–10",
        ),
        (NOT_UTF8, "a file that is not UTF-8"),
        (BAD_VALUE, "a value that is not one of those allowed"),
        (
            MISSING_DEPARTMENT_FILE,
            "a department folder without department.md",
        ),
        (
            BROKEN_LINK,
            "a Markdown link to a plan file that does not exist",
        ),
        (
            UNKNOWN_MILESTONE,
            "a check-in names a milestone its initiative does not have",
        ),
        (TEMPLATE, "a template that does not parse or render"),
        (UNKNOWN_FIELD, "a field plansite does not know"),
        (
            OUTSIDE_HORIZON,
            "a date or period outside the plan's horizon",
        ),
        (
            LATE_DEPENDENCY,
            "a dependency that ends after its dependent starts",
        ),
        (GOAL_WEIGHTS, "goal weights do not sum to 100"),
        (OVER_CAPACITY, "a person allocated beyond capacity"),
        (CHECKIN_AFTER_AS_OF, "a check-in dated after `as_of`"),
        (KPI_NO_TARGETS, "a KPI without targets"),
        (EMPTY_FILE, "an empty file"),
        (STRAY_FILE, "a file in a place no plan kind lives"),
        (FLOAT_MONEY, "money written as a TOML float"),
        (
            AS_OF_DEFAULTED,
            "no `as_of` and no check-ins: the status date defaults to the horizon start",
        ),
        (
            ENVELOPE_EXCEEDED,
            "budget lines exceed their initiative's envelope",
        ),
        (
            BAD_ALLOW,
            "a `[check] allow` entry that is not a warning code",
        ),
        (
            LEAD_OUTSIDE_DEPARTMENT,
            "a team lead who belongs to another department",
        ),
    ];
}

/// Sort diagnostics by file, then position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic], sources: &Sources) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.loc
                .map(|l| (sources.path(l.file).to_string(), l.span.start, l.span.end))
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Remove exact repeats (same code, place and message) from a sorted list.
pub fn dedup(diags: &mut Vec<Diagnostic>) {
    diags.dedup_by(|a, b| a.code == b.code && a.loc == b.loc && a.message == b.message);
}
