//! Serialization helpers for model types that do not implement `Serialize` themselves
//! (dates, months and entity indices), so analysis structs can derive it.

use serde::Serializer;

use crate::model::{Date, DeptIx, GoalIx, InitiativeIx, KpiIx, Month, ObjectiveIx, PersonIx};

/// An entity index, written as its number.
pub trait Ix: Copy {
    fn raw(self) -> u32;
}
macro_rules! ix_impl {
    ($($t:ty),*) => {$(impl Ix for $t { fn raw(self) -> u32 { self.0 } })*};
}
ix_impl!(DeptIx, GoalIx, InitiativeIx, KpiIx, ObjectiveIx, PersonIx);

pub fn date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

pub fn opt_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// A month as `2026-04`.
pub fn month<S: Serializer>(m: &Month, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(m)
}

pub fn ix<S: Serializer, I: Ix>(i: &I, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(i.raw())
}

pub fn ixs<S: Serializer, I: Ix>(v: &[I], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|i| i.raw()))
}
