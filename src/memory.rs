//! Memory given back after a listing. The binary allocates with mimalloc (`main.rs`), whose
//! heaps are per thread: a page of instances is parsed on a runtime thread and dropped on the
//! main thread once applied, and a block freed by another thread is only reclaimed when its
//! own thread next collects. A runtime thread that goes idle after a listing would keep the
//! last pages' memory until the next one (measured at 100,000 instances: resident memory 10
//! to 25 % above its level after the load, varying from refresh to refresh). So once a burst
//! of results has been applied, the shell calls [`tidy`]: its own thread collects at once,
//! and each runtime thread on its next park ([`on_park`], the runtime's park hook).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped by each [`tidy`]; a thread collects when it parks and finds it changed.
static EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COLLECTED: Cell<u64> = const { Cell::new(0) };
}

fn collect() {
    // SAFETY: mi_collect takes no pointers; it frees what the calling thread's heap holds
    // unused and returns it to the system.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// A burst of API results has been applied (their garbage freed): collect here, and on every
/// runtime thread when it next parks (the caller wakes them).
pub fn tidy() {
    let epoch = EPOCH.fetch_add(1, Ordering::Relaxed) + 1;
    COLLECTED.with(|c| c.set(epoch));
    collect();
}

/// The runtime's park hook: collects once per [`tidy`] (a load and a compare otherwise).
pub fn on_park() {
    let epoch = EPOCH.load(Ordering::Relaxed);
    COLLECTED.with(|c| {
        if c.get() != epoch {
            c.set(epoch);
            collect();
        }
    });
}
