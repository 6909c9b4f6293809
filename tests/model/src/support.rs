//! What the models share: planned panics and a drop log.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Once;

/// The payload of a panic that a model causes on purpose (in a constructor, `Clone`, iterator
/// or `reset_fields`). See [`quiet_planned_panics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned;

/// Panics with the [`Planned`] payload.
pub fn planned_panic() -> ! {
    panic::panic_any(Planned)
}

/// Installs (once per process) a panic hook that is silent for [`Planned`] panics and hands
/// every other panic to the hook that was installed before.
pub fn quiet_planned_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<Planned>().is_none() {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, returning `Err(())` if it panicked with [`Planned`]; any other panic (a failed
/// assertion) continues to unwind.
// `Result<R, ()>` mirrors `catch_unwind`: the error carries nothing but "it panicked as planned".
#[allow(clippy::result_unit_err)]
pub fn catch_planned<R>(f: impl FnOnce() -> R) -> Result<R, ()> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => Ok(r),
        Err(payload) if payload.downcast_ref::<Planned>().is_some() => Err(()),
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// Counts how often each value (by id) was dropped. Cloned handles share one log.
#[derive(Clone, Debug, Default)]
pub struct DropLog(Rc<RefCell<HashMap<u64, usize>>>);

impl DropLog {
    /// A new, empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// A value with this `id` and `payload` that records its drop here.
    pub fn track(&self, id: u64, payload: u32) -> Tracked {
        Tracked {
            id,
            payload,
            log: self.clone(),
        }
    }

    /// How often the value `id` was dropped.
    pub fn drops(&self, id: u64) -> usize {
        self.0.borrow().get(&id).copied().unwrap_or(0)
    }

    /// The total number of drops recorded.
    pub fn total(&self) -> usize {
        self.0.borrow().values().sum()
    }

    /// Panics if any value was dropped more than once.
    pub fn assert_none_twice(&self) {
        for (id, n) in self.0.borrow().iter() {
            assert!(*n <= 1, "value {id} dropped {n} times");
        }
    }
}

/// A value that records its drop in a [`DropLog`].
#[derive(Debug)]
pub struct Tracked {
    /// Unique per value within one run.
    pub id: u64,
    /// What the model compares.
    pub payload: u32,
    log: DropLog,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        *self.log.0.borrow_mut().entry(self.id).or_insert(0) += 1;
    }
}
