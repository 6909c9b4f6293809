//! Reference models of `atomicarena`'s kinds, shared by the property tests (`tests/`, proptest)
//! and the fuzz targets (`../../fuzz`, libFuzzer through `arbitrary`).
//!
//! Each kind has a module with an operation type `Op` (`Debug + Clone + Arbitrary`) and
//! `run(ops: &[Op])`, which applies the operations one by one to the real type and to a plain
//! reference model and panics (with the step and what differed) at the first disagreement:
//! values read back, order where one is promised, drop counts and every statistic.
//!
//! Operations that make user code panic on purpose (a constructor, a `Clone`, an iterator)
//! panic with the payload [`support::Planned`]; [`support::quiet_planned_panics`] installs a
//! panic hook that stays silent for those and reports every other panic as usual.

pub mod arena;
pub mod pool;
pub mod ring;
pub mod scoped;
pub mod support;
