//! A reader over a spanned TOML tree that reports every problem instead of stopping at the first.
//!
//! serde derive stops at the first wrong field; plan authors want all of them in one run, each
//! with its place, and unknown fields as warnings with a suggestion. So fields are read one by one
//! through `Table`, which remembers which keys were asked for and reports the rest.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{codes, Code, Diagnostic, Loc, Span};
use crate::load::FileId;
use crate::model::{Date, Money, Period};

pub type Value<'i> = Spanned<DeValue<'i>>;

/// Where the TOML being read sits, and the list diagnostics go to.
pub struct Cx<'a> {
    pub file: FileId,
    /// Byte offset of the TOML text inside its file (non-zero in front matter).
    pub offset: usize,
    pub diags: &'a mut Vec<Diagnostic>,
    pub fiscal_year_start: u32,
    pub minor_units: u32,
}

impl Cx<'_> {
    pub fn loc(&self, r: Range<usize>) -> Loc {
        Loc::new(self.file, Span::new(r.start, r.end).shifted(self.offset))
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
    pub fn report(
        &mut self,
        code: Code,
        r: Range<usize>,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(code, self.loc(r), msg);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }
}

/// Parse TOML text, reporting every syntax error; `None` when nothing usable could be read.
pub fn parse_document<'i>(cx: &mut Cx, text: &'i str) -> Option<Spanned<DeTable<'i>>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let failed = !errors.is_empty();
    for e in errors {
        let r = e.span().unwrap_or(0..0);
        let r = if r.is_empty() {
            r.start..(r.start + 1).min(text.len().max(r.start))
        } else {
            r
        };
        cx.report(
            codes::TOML_SYNTAX,
            r,
            format!("TOML syntax: {}", e.message().trim()),
        )
        .help = Some(
            "see https://toml.io for the syntax; strings need quotes, dates are written 2026-04-01"
                .into(),
        );
    }
    // A document with syntax errors is not read further: half-read values would only add noise.
    (!failed).then_some(doc)
}

/// The keys a `Table` starts with room for.
const KNOWN: usize = 24;

/// A TOML table being read field by field.
pub struct Table<'t, 'i> {
    map: &'t DeTable<'i>,
    pub span: Range<usize>,
    /// What the table is, for messages ("initiative", "budget line").
    pub what: &'static str,
    known: Vec<&'static str>,
}

impl<'t, 'i> Table<'t, 'i> {
    pub fn new(map: &'t DeTable<'i>, span: Range<usize>, what: &'static str) -> Self {
        Table {
            map,
            span,
            what,
            // Room for the keys a table's reader asks for (up to ~20, for an initiative):
            // growing from empty reallocated it three or four times for each of ~100,000
            // tables of a large plan.
            known: Vec::with_capacity(KNOWN),
        }
    }

    /// Accept a key as known without reading it.
    pub fn allow(&mut self, key: &'static str) {
        self.known.push(key);
    }

    pub fn raw(&mut self, key: &'static str) -> Option<&'t Value<'i>> {
        self.known.push(key);
        self.map.get(key)
    }

    /// Span of a key's name (for "missing" or "duplicate" messages that point at the key).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.map.get_key_value(key).map(|(k, _)| k.span())
    }

    /// Where to point when a required field is missing: the table's first line.
    fn head(&self) -> Range<usize> {
        self.span.start..self.span.start + 1
    }

    fn missing(&self, cx: &mut Cx, key: &str, hint: &str) {
        cx.report(
            codes::MISSING_FIELD,
            self.head(),
            format!("{} is missing the required field `{key}`", self.what),
        )
        .help = Some(format!("add `{key} = {hint}`"));
    }

    /// Report fields nobody asked for, with the nearest known name.
    pub fn finish(self, cx: &mut Cx) {
        for (k, _) in self.map.iter() {
            let name = k.get_ref().as_ref();
            if self.known.contains(&name) {
                continue;
            }
            let d = cx.report(
                codes::UNKNOWN_FIELD,
                k.span(),
                format!("unknown field `{name}` in {}", self.what),
            );
            d.help = Some(
                match crate::suggest::nearest(name, self.known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the fields of {} are: {}",
                        self.what,
                        quoted_list(&self.known)
                    ),
                },
            );
        }
    }

    pub fn req_str(&mut self, cx: &mut Cx, key: &'static str) -> Option<(String, Range<usize>)> {
        let r = self.opt_str(cx, key);
        if r.is_none() && self.key_span(key).is_none() {
            self.missing(cx, key, "\"…\"");
        }
        r
    }

    pub fn opt_str(&mut self, cx: &mut Cx, key: &'static str) -> Option<(String, Range<usize>)> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            other => {
                wrong_type(cx, v, key, "a string", other);
                None
            }
        }
    }

    pub fn str_or_default(&mut self, cx: &mut Cx, key: &'static str) -> Option<String> {
        self.opt_str(cx, key).map(|(s, _)| s)
    }

    pub fn opt_bool(&mut self, cx: &mut Cx, key: &'static str) -> Option<bool> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                wrong_type(cx, v, key, "true or false", other);
                None
            }
        }
    }

    pub fn opt_int(&mut self, cx: &mut Cx, key: &'static str) -> Option<(i64, Range<usize>)> {
        let v = self.raw(key)?;
        match int_of(v.get_ref()) {
            Some(i) => Some((i, v.span())),
            None => {
                wrong_type(cx, v, key, "a whole number", v.get_ref());
                None
            }
        }
    }

    pub fn req_int(&mut self, cx: &mut Cx, key: &'static str) -> Option<(i64, Range<usize>)> {
        if self.key_span(key).is_none() {
            self.raw(key);
            self.missing(cx, key, "1");
            return None;
        }
        self.opt_int(cx, key)
    }

    /// A number, integer or float.
    pub fn opt_num(&mut self, cx: &mut Cx, key: &'static str) -> Option<(f64, Range<usize>)> {
        let v = self.raw(key)?;
        match num_of(v.get_ref()) {
            Some(n) => Some((n, v.span())),
            None => {
                wrong_type(cx, v, key, "a number", v.get_ref());
                None
            }
        }
    }

    pub fn req_num(&mut self, cx: &mut Cx, key: &'static str) -> Option<(f64, Range<usize>)> {
        if self.key_span(key).is_none() {
            self.raw(key);
            self.missing(cx, key, "0");
            return None;
        }
        self.opt_num(cx, key)
    }

    /// A number that must lie in `lo..=hi` (percentages, confidence, scales).
    pub fn num_in(&mut self, cx: &mut Cx, key: &'static str, lo: f64, hi: f64) -> Option<f64> {
        let (n, r) = self.opt_num(cx, key)?;
        if n < lo || n > hi {
            cx.report(
                codes::OUT_OF_RANGE,
                r,
                format!("`{key}` is {n}, outside {lo}–{hi}"),
            )
            .help = Some(format!("write a number from {lo} to {hi}"));
            return None;
        }
        Some(n)
    }

    pub fn opt_date(&mut self, cx: &mut Cx, key: &'static str) -> Option<(Date, Range<usize>)> {
        let v = self.raw(key)?;
        date_of(cx, v, key)
    }

    pub fn req_date(&mut self, cx: &mut Cx, key: &'static str) -> Option<(Date, Range<usize>)> {
        if self.key_span(key).is_none() {
            self.raw(key);
            self.missing(cx, key, "2026-04-01");
            return None;
        }
        self.opt_date(cx, key)
    }

    pub fn opt_money(&mut self, cx: &mut Cx, key: &'static str) -> Option<(Money, Range<usize>)> {
        let v = self.raw(key)?;
        money_of(cx, v, key)
    }

    pub fn req_money(&mut self, cx: &mut Cx, key: &'static str) -> Option<(Money, Range<usize>)> {
        if self.key_span(key).is_none() {
            self.raw(key);
            self.missing(cx, key, "120000");
            return None;
        }
        self.opt_money(cx, key)
    }

    pub fn req_period(&mut self, cx: &mut Cx, key: &'static str) -> Option<(Period, Range<usize>)> {
        let (s, r) = self.req_str(cx, key)?;
        period_of(cx, &s, r)
    }

    /// A string that must be one of `choices`.
    pub fn opt_choice(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        choices: &[&str],
    ) -> Option<(String, Range<usize>)> {
        let (s, r) = self.opt_str(cx, key)?;
        if choices.contains(&s.as_str()) {
            return Some((s, r));
        }
        let help = match crate::suggest::nearest(&s, choices.iter().copied()) {
            Some(n) => format!(
                "did you mean `{n}`? `{key}` is one of {}",
                quoted_list(choices)
            ),
            None => format!("`{key}` is one of {}", quoted_list(choices)),
        };
        cx.report(codes::BAD_VALUE, r, format!("`{s}` is not a valid `{key}`"))
            .help = Some(help);
        None
    }

    /// An array of strings (ids); each element with its span.
    pub fn str_list(&mut self, cx: &mut Cx, key: &'static str) -> Vec<(String, Range<usize>)> {
        let Some(v) = self.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            wrong_type(cx, v, key, "an array of strings", v.get_ref());
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), item.span())),
                other => wrong_type(cx, item, key, "a string", other),
            }
        }
        out
    }

    /// An array of tables (`[[task]]` or `key = [ {…}, {…} ]`).
    pub fn tables(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        what: &'static str,
    ) -> Vec<Table<'t, 'i>> {
        let Some(v) = self.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            wrong_type(cx, v, key, "an array of tables", v.get_ref());
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(t, item.span(), what)),
                other => wrong_type(cx, item, key, "a table", other),
            }
        }
        out
    }

    /// A sub-table (`[cap]`, `horizon = { … }`).
    pub fn table(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        what: &'static str,
    ) -> Option<Table<'t, 'i>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), what)),
            other => {
                wrong_type(cx, v, key, "a table", other);
                None
            }
        }
    }

    /// All entries of the table, in key order, for free-form tables like `[cap]`.
    pub fn entries(&self) -> impl Iterator<Item = (&'t str, Range<usize>, &'t Value<'i>)> {
        self.map
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span(), v))
    }
}

pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub fn wrong_type(cx: &mut Cx, v: &Value, key: &str, expected: &str, got: &DeValue) {
    let help = match (expected, got) {
        (e, DeValue::String(_)) if e.contains("date") => {
            "write the date without quotes: 2026-04-01".to_string()
        }
        (e, DeValue::String(_)) if e.contains("number") => {
            "write the number without quotes".to_string()
        }
        (e, _) if e.contains("string") => format!("put the value of `{key}` in double quotes"),
        _ => format!("`{key}` takes {expected}"),
    };
    cx.report(
        codes::WRONG_TYPE,
        v.span(),
        format!("`{key}` should be {expected}, found {}", type_name(got)),
    )
    .help = Some(help);
}

pub fn int_of(v: &DeValue) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        _ => None,
    }
}

pub fn num_of(v: &DeValue) -> Option<f64> {
    match v {
        DeValue::Integer(_) => int_of(v).map(|i| i as f64),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite()),
        _ => None,
    }
}

pub fn date_of(cx: &mut Cx, v: &Value, key: &str) -> Option<(Date, Range<usize>)> {
    let DeValue::Datetime(dt) = v.get_ref() else {
        wrong_type(cx, v, key, "a date", v.get_ref());
        return None;
    };
    let date = dt.date.filter(|_| dt.time.is_none() && dt.offset.is_none());
    let Some(d) = date else {
        cx.report(
            codes::WRONG_TYPE,
            v.span(),
            format!("`{key}` should be a date without a time"),
        )
        .help = Some("write a local date such as 2026-04-01".into());
        return None;
    };
    match Date::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32) {
        Some(date) => Some((date, v.span())),
        None => {
            cx.report(
                codes::BAD_VALUE,
                v.span(),
                format!("{dt} is not a day of the calendar"),
            );
            None
        }
    }
}

pub fn money_of(cx: &mut Cx, v: &Value, key: &str) -> Option<(Money, Range<usize>)> {
    let (m, r) = any_money_of(cx, v, key)?;
    if m.abs() > Money::LIMIT {
        too_large(cx, r, key);
        return None;
    }
    Some((m, r))
}

fn too_large(cx: &mut Cx, r: Range<usize>, key: &str) {
    cx.report(
        codes::BAD_MONEY,
        r,
        format!("`{key}` is too large an amount: plansite adds amounts up exactly, and each may be at most a quintillion (10^18) in either direction"),
    )
    .help = Some("check the digits; a plan's amounts are far smaller".into());
}

fn any_money_of(cx: &mut Cx, v: &Value, key: &str) -> Option<(Money, Range<usize>)> {
    let r = v.span();
    match v.get_ref() {
        DeValue::Integer(_) => match int_of(v.get_ref()) {
            Some(i) => Some((Money::from_int(i), r)),
            None => {
                too_large(cx, r, key);
                None
            }
        },
        DeValue::String(s) => match Money::parse(s) {
            Some(m) => Some((m, r)),
            None => {
                cx.report(codes::BAD_MONEY, r, format!("`{s}` is not an amount of money"))
                    .help = Some("write digits with an optional decimal point, such as \"1250000.50\" or 1250000; no currency signs or thousands separators".into());
                None
            }
        },
        DeValue::Float(_) => {
            let f = num_of(v.get_ref())?;
            let Some(m) = Money::from_float(f, cx.minor_units) else {
                cx.report(
                    codes::BAD_MONEY,
                    r,
                    format!("`{key}` is not a finite amount"),
                );
                return None;
            };
            cx.report(
                codes::FLOAT_MONEY,
                r.clone(),
                format!(
                    "`{key}` is a float; it is read as {m} (rounded to the currency's minor unit)"
                ),
            )
            .help = Some(format!(
                "write money as a string to keep it exact: `{key} = \"{m}\"`"
            ));
            Some((m, r))
        }
        other => {
            wrong_type(
                cx,
                v,
                key,
                "an amount (an integer or a string such as \"1250.50\")",
                other,
            );
            None
        }
    }
}

pub fn period_of(cx: &mut Cx, s: &str, r: Range<usize>) -> Option<(Period, Range<usize>)> {
    match Period::parse(s, cx.fiscal_year_start) {
        Ok(p) => Some((p, r)),
        Err(msg) => {
            cx.report(codes::BAD_PERIOD, r, msg).help = Some(
                "periods are \"2026\", \"2026-H1\", \"2026-Q2\", \"2026-04\", \"FY2027\", \"FY2027-H2\" or \"FY2027-Q1\"".into(),
            );
            None
        }
    }
}

pub fn quoted_list(items: &[&str]) -> String {
    let mut v: Vec<&str> = items.to_vec();
    v.sort_unstable();
    v.dedup();
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, f: impl FnOnce(&mut Cx, &mut Table)) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut cx = Cx {
            file: FileId(0),
            offset: 0,
            diags: &mut diags,
            fiscal_year_start: 1,
            minor_units: 2,
        };
        if let Some(doc) = parse_document(&mut cx, text) {
            let mut t = Table::new(doc.get_ref(), doc.span(), "a test table");
            f(&mut cx, &mut t);
            t.finish(&mut cx);
        }
        diags
    }

    #[test]
    fn reports_every_problem_of_a_table() {
        let d = read(
            "title = 3\nstart = \"2026-01-01\"\nbudjet = 5\n",
            |cx, t| {
                assert!(t.req_str(cx, "title").is_none());
                assert!(t.req_date(cx, "start").is_none());
                assert!(t.opt_money(cx, "budget").is_none());
                assert!(t.req_str(cx, "owner").is_none());
            },
        );
        let codes: Vec<&str> = d.iter().map(|d| d.code.0).collect();
        assert_eq!(codes, ["E003", "E003", "E004", "W001"]);
        assert_eq!(d[3].help.as_deref(), Some("did you mean `budget`?"));
    }

    #[test]
    fn money_forms() {
        let d = read("a = 12\nb = \"1.50\"\nc = 0.125\nd = \"x\"\n", |cx, t| {
            assert_eq!(t.opt_money(cx, "a").unwrap().0, Money::from_int(12));
            assert_eq!(
                t.opt_money(cx, "b").unwrap().0,
                Money::parse("1.5").unwrap()
            );
            assert_eq!(
                t.opt_money(cx, "c").unwrap().0,
                Money::parse("0.13").unwrap()
            );
            assert!(t.opt_money(cx, "d").is_none());
        });
        let codes: Vec<&str> = d.iter().map(|d| d.code.0).collect();
        assert_eq!(codes, ["W010", "E011"]);
    }

    #[test]
    fn syntax_errors_have_places() {
        let d = read("a = \nb = 1\n", |_, _| {});
        assert_eq!(d[0].code, codes::TOML_SYNTAX);
        assert!(d[0].loc.is_some());
    }
}
