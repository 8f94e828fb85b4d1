//! W007: a KPI without targets can never be on or off track: its status is always "no data".

use crate::diag::{codes, Diagnostic};

use super::Ctx;

pub fn targets(cx: &mut Ctx) {
    for k in cx.plan.kpis.iter().filter(|k| k.targets.is_empty()) {
        let d = Diagnostic::new(
            codes::KPI_NO_TARGETS,
            k.loc,
            format!(
                "KPI `{}` has no targets, so its status is always \"no data\"",
                k.id
            ),
        )
        .help("add `targets = [ { period = \"2026\", value = … } ]`");
        cx.push(d);
    }
}
