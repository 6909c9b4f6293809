//! The memory overhead of the shared path's per-thread chunks, as documented on `Arena`
//! ("Many threads"): a small arena carries no more than a pointer and never allocates; an
//! arena of 4,096 slots or more allocates one table of 1 KiB the first time a thread takes a
//! chunk, and nothing after that. Counted with a global allocator that counts the allocations
//! of the calling thread (the test harness allocates on its own threads meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use atomicarena::{Arena, DroplessArena, Pool};

struct Counting;

thread_local! {
    /// Allocations and bytes allocated by this thread (const-initialised, no destructor: safe
    /// to use from inside the allocator).
    static COUNT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Deallocations by this thread.
    static FREES: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| {
            let (n, b) = c.get();
            c.set((n + 1, b + layout.size()));
        });
        // SAFETY: the caller's contract is `GlobalAlloc::alloc`'s, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = FREES.try_with(|c| c.set(c.get() + 1));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes made by `f` on this thread.
fn counted(f: impl FnOnce()) -> (usize, usize) {
    let (a0, b0) = COUNT.with(Cell::get);
    f();
    let (a1, b1) = COUNT.with(Cell::get);
    (a1 - a0, b1 - b0)
}

#[test]
fn a_small_arena_is_as_small_as_its_slots_and_header_and_never_allocates() {
    // 16 marks + 16 values (144 bytes, padded to the header's 128-byte alignment), then the
    // 256-byte header: the padded cursor line, and the counters (the table pointer among them)
    // on the next. 512 bytes, as before the striped path (its cursor was already padded).
    assert!(
        std::mem::size_of::<Arena<u64, 16>>() <= 512,
        "{} bytes",
        std::mem::size_of::<Arena<u64, 16>>()
    );
    let arena: Arena<u64, 16> = Arena::new();
    let pool: Pool<u64, 16> = Pool::new();
    let (allocs, _) = counted(|| {
        for i in 0..8 {
            arena.alloc(i).unwrap();
            pool.alloc(i).unwrap();
        }
    });
    assert_eq!(allocs, 0, "a 16-slot arena allocates nothing");
}

/// Under Miri, where every access retags the whole slot array (8,192 slots and 1,000 allocations
/// took 209 s of Miri), 256 slots and 100 allocations: the striped path starts at 64 slots
/// there, and its chunks are `N / 32` = 8 slots, so the 100 allocations still refill the
/// thread's chunk a dozen times (1,000 allocations refill 16-slot chunks 62 times natively).
const LARGE: usize = if cfg!(miri) { 256 } else { 8192 };

#[test]
fn a_large_arena_allocates_one_small_table_once() {
    let arena = Arena::<u64, LARGE>::new_boxed();
    let (allocs, bytes) = counted(|| {
        arena.alloc(1).unwrap();
    });
    assert_eq!(
        allocs, 1,
        "the first striped allocation allocates the table"
    );
    assert!(bytes <= 1024, "the table is at most 1 KiB ({bytes} bytes)");
    let (allocs, _) = counted(|| {
        for i in 0..if cfg!(miri) { 100 } else { 1000 } {
            arena.alloc(i).unwrap();
        }
    });
    assert_eq!(allocs, 0, "later allocations allocate nothing");
}

/// Deallocations made by `f` on this thread.
fn frees(f: impl FnOnce()) -> usize {
    let f0 = FREES.with(Cell::get);
    f();
    FREES.with(Cell::get) - f0
}

#[test]
fn a_dropless_arena_frees_its_table_though_it_drops_no_value() {
    // `DroplessArena` has no destructor (that is its point), but its storage's own drop glue
    // frees the stripe table: dropping a boxed one frees the table and the box.
    let arena = DroplessArena::<u64, 8192>::new_boxed();
    let (allocs, _) = counted(|| {
        arena.alloc(1).unwrap();
    });
    assert_eq!(
        allocs, 1,
        "the first striped allocation allocates the table"
    );
    assert_eq!(frees(|| drop(arena)), 2, "the table and the box are freed");

    let arena = Arena::<u64, 8192>::new_boxed();
    arena.alloc(1).unwrap();
    assert_eq!(frees(|| drop(arena)), 2, "the same for an `Arena`");
}
