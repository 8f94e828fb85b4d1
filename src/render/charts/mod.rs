//! Every chart of the site, as deterministic, compact SVG strings (see `svg.rs` for the writer).
//!
//! The inputs are plain data structs owned by this module (the renderer maps the plan model onto
//! them), so charts can be tested without a plan. Amounts arrive as `f64` for geometry only: they
//! have been summed exactly upstream. Every function returns a complete `<svg>` string, never
//! panics on odd input (empty, one point, equal values, reversed or far-apart dates, negative or
//! non-finite numbers) and returns byte-identical output for identical input.
//!
//! Text is laid out with DejaVu Sans, which the theme ships in `static/fonts/`; the SVG names the
//! family [`FONT_FAMILY`], so a page that inlines the SVG and declares the same `@font-face` shows
//! exactly the glyphs that were measured here.

mod draw;
mod font;
mod legend;
mod scale;
mod svg;
mod time;
mod xy;

pub mod budget;
pub mod gantt;
pub mod history;
pub mod kpi;
pub mod load;
pub mod scatter;

pub use budget::{
    budget_bars, budget_by_period, BudgetBars, BudgetByPeriod, BudgetRow, PeriodAmounts,
};
pub use gantt::{gantt, GanttChart, GanttDependency, GanttOutput, GanttRow, Milestone};
pub use history::{
    budget_burn, progress_history, BudgetBurn, BurnMonth, ProgressHistory, ProgressPoint,
};
pub use kpi::{kpi_chart, Direction, KpiChart, KpiReading, KpiTarget};
pub use load::{resource_load, LoadMonth, ResourceLoad};
pub use scatter::{difficulty_impact, Scatter, ScatterPoint};

pub use font::{font_face_css, text_width, FONT_FAMILY, FONT_FILES};

/// The delivery status of an initiative, as charts show it: always by colour *and* by a marker
/// shape and a word, so that no reader depends on telling colours apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    Cancelled,
    NoUpdate,
}

impl Status {
    /// Every status, in legend order.
    pub const ALL: [Status; 7] = [
        Status::NotStarted,
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Done,
        Status::Cancelled,
        Status::NoUpdate,
    ];

    /// The word shown beside the marker.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "Not started",
            Status::OnTrack => "On track",
            Status::AtRisk => "At risk",
            Status::OffTrack => "Off track",
            Status::Done => "Done",
            Status::Cancelled => "Cancelled",
            Status::NoUpdate => "No update",
        }
    }
}
