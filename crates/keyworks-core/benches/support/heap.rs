//! Peak heap of a benchmark's one described run: a global allocator that forwards to the
//! system's and keeps the high-water mark of live bytes. Shared (`#[path]`) by the benches of
//! the core, the reports and the upward sheet, so there is one copy of the only `unsafe` in them.
// Counting heap use needs `unsafe impl GlobalAlloc`; it only forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static HIGH_WATER: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            HIGH_WATER.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a measurement: the live bytes now, which `peak_mib` counts from.
pub fn start() -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    HIGH_WATER.store(base, Ordering::Relaxed);
    base
}

/// The most heap in use since `start` returned `base`, in MiB.
pub fn peak_mib(base: usize) -> f64 {
    (HIGH_WATER.load(Ordering::Relaxed) - base) as f64 / 1_048_576.0
}
