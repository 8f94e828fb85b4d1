//! Serialization helpers for model types that do not implement `Serialize` themselves (entity
//! indices; dates and months, from `model::iso`), so analysis structs can derive it.

use serde::Serializer;

pub use crate::model::iso::{date, month, opt_date};
use crate::model::{DeptIx, GoalIx, InitiativeIx, KpiIx, ObjectiveIx, PersonIx};

/// An entity index, written as its number.
pub trait Ix: Copy {
    fn raw(self) -> u32;
}
macro_rules! ix_impl {
    ($($t:ty),*) => {$(impl Ix for $t { fn raw(self) -> u32 { self.0 } })*};
}
ix_impl!(DeptIx, GoalIx, InitiativeIx, KpiIx, ObjectiveIx, PersonIx);

pub fn ix<S: Serializer, I: Ix>(i: &I, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(i.raw())
}

pub fn ixs<S: Serializer, I: Ix>(v: &[I], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|i| i.raw()))
}
