//! Exact capacity and true statistics (issue 16): no slot is ever stranded, and the statistics
//! count values, free slots and holes exactly, however threads mix singles, batches and
//! handles, concurrently or in turn.
//!
//! With nothing in flight, `len()` is the number of values handed out this round, and
//! `len() + remaining() + holes == N`, where holes come only from panics, lying iterators,
//! drains and forgotten handles (none here, so `len() + remaining() == N`).

use std::collections::HashSet;
use std::sync::Barrier;
use std::thread;

use atomicarena::{Arena, Pool};

/// An arena size with per-thread chunks (`stripes::MIN_CAPACITY`, which is 64 under Miri).
const STRIPED: usize = if cfg!(miri) { 256 } else { 4096 };

/// Runs `f` on a fresh thread and waits for it: "used from one thread at a time".
fn in_turn<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    thread::scope(|s| s.spawn(f).join().unwrap())
}

// ---- the reviewers' cases ------------------------------------------------------------------

/// 3 threads loop `{ alloc(x); alloc_slice_copy(&[y]) }` until `Full`: it used to strand up to
/// 88 % of the arena. Every slot must end up holding exactly one value, and the arena full.
#[test]
fn threads_mixing_singles_and_batches_fill_the_arena_exactly_stress() {
    const N: usize = if cfg!(miri) { 128 } else { 65_536 };
    const THREADS: usize = 3;
    let rounds = if cfg!(miri) { 1 } else { 20 };
    let mut arena = Arena::<u32, N>::new_boxed();
    for round in 0..rounds {
        let barrier = Barrier::new(THREADS);
        let made: usize = thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS as u32)
                .map(|t| {
                    let (arena, barrier) = (&*arena, &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        let mut made = 0;
                        let mut i = 0u32;
                        loop {
                            let v = (t << 24) | i;
                            if arena.alloc(v).is_err() {
                                break;
                            }
                            made += 1;
                            if arena.alloc_slice_copy(&[v | 1 << 23]).is_err() {
                                break;
                            }
                            made += 1;
                            i += 1;
                        }
                        made
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(made, N, "round {round}: every slot was handed out");
        assert_eq!(arena.len(), N, "round {round}: len counts the values");
        assert_eq!(arena.remaining(), 0, "round {round}");
        assert_eq!(arena.len() + arena.remaining(), N);
        let mut seen = HashSet::with_capacity(N);
        for v in arena.iter_mut() {
            assert!(seen.insert(*v), "round {round}: value {v:#x} twice");
        }
        assert_eq!(seen.len(), N, "round {round}: values read back");
        arena.reset();
    }
}

/// A helper thread allocates one value and is joined; then the main thread alone. Every
/// claim must behave as in an arena without per-thread chunks.
#[test]
fn a_joined_threads_tail_is_claimable_by_batches_handles_and_pools() {
    const N: usize = STRIPED;
    // A batch of all the rest.
    let arena = Arena::<u8, N>::new_boxed();
    in_turn(|| arena.alloc(1).unwrap());
    assert_eq!((arena.len(), arena.remaining()), (1, N - 1));
    assert!(arena.alloc_slice_copy(&[7; N - 1]).is_ok());
    assert_eq!((arena.len(), arena.remaining()), (N, 0));

    // Batches of one, to the last slot.
    let arena = Arena::<u8, N>::new_boxed();
    in_turn(|| arena.alloc(1).unwrap());
    for i in 1..N {
        assert!(arena.alloc_slice_copy(&[2]).is_ok(), "batch {i}");
    }
    assert!(arena.alloc_slice_copy(&[3]).is_err());
    assert_eq!((arena.len(), arena.remaining()), (N, 0));

    // A handle, to the last slot.
    let arena = Arena::<u8, N>::new_boxed();
    in_turn(|| arena.alloc(1).unwrap());
    let mut local = arena.local();
    for i in 1..N {
        assert!(local.alloc(2).is_ok(), "value {i}");
    }
    assert!(local.alloc(3).is_err());
    drop(local);
    assert_eq!((arena.len(), arena.remaining()), (N, 0));

    // A pool's handle, to the last slot.
    let pool = Pool::<u8, N>::new_boxed();
    in_turn(|| pool.take().map(|_| ()).unwrap());
    let mut local = pool.local();
    for i in 1..N {
        assert!(local.take().is_ok(), "take {i}");
    }
    assert!(local.take().is_err());
    drop(local);
    assert_eq!((pool.len(), pool.remaining()), (N, 0));
}

/// Threads used in turn, each mixing singles, batches and handles, hand out the same slots in
/// the same order as one thread doing all of it: the result of an arena without per-thread
/// chunks. Slots are compared by address.
#[test]
fn threads_in_turn_match_one_thread() {
    const N: usize = STRIPED;
    #[derive(Clone, Copy)]
    enum Step {
        Singles(usize),
        Batch(usize),
        Handle(usize, usize),
    }
    let plan = [
        Step::Singles(3),
        Step::Singles(2),
        Step::Batch(5),
        Step::Singles(9),
        Step::Handle(20, 8),
        Step::Singles(1),
        Step::Batch(N - 150),
        Step::Singles(30),
        Step::Handle(70, 16),
        Step::Batch(3),
        Step::Singles(100),
    ];
    // Returns, per step, the slot offsets handed out and whether the step hit `Full`.
    fn run(arena: &Arena<u32, N>, step: Step) -> (Vec<usize>, bool) {
        let base = {
            // The slot index of a reference: its distance from slot 0 (found as the lowest
            // address ever handed out is not known yet, so use the arena's address range).
            arena as *const Arena<u32, N> as usize
        };
        let off = |p: *const u32| (p as usize).wrapping_sub(base) / 4;
        let mut got = Vec::new();
        let mut full = false;
        match step {
            Step::Singles(k) => {
                for _ in 0..k {
                    match arena.alloc(0) {
                        Ok(r) => got.push(off(r)),
                        Err(_) => full = true,
                    }
                }
            }
            Step::Batch(k) => match arena.alloc_slice_copy(&vec![0; k]) {
                Ok(s) => got.extend((0..k).map(|i| off(&s[i]))),
                Err(_) => full = true,
            },
            Step::Handle(k, chunk) => {
                let mut l = arena.local_with_chunk(chunk);
                for _ in 0..k {
                    match l.alloc(0) {
                        Ok(r) => got.push(off(r)),
                        Err(_) => full = true,
                    }
                }
            }
        }
        (got, full)
    }
    let alone = Arena::<u32, N>::new_boxed();
    let expected: Vec<_> = plan.iter().map(|&s| run(&alone, s)).collect();
    let turns = Arena::<u32, N>::new_boxed();
    for (i, &step) in plan.iter().enumerate() {
        let got = in_turn(|| run(&turns, step));
        assert_eq!(got, expected[i], "step {i}");
        assert_eq!(turns.len(), alone_len(&expected[..=i]), "step {i}: len");
    }
    assert_eq!(turns.len() + turns.remaining(), N);
    fn alone_len(steps: &[(Vec<usize>, bool)]) -> usize {
        steps.iter().map(|(v, _)| v.len()).sum()
    }
}

/// Statistics count values, not the unused part of a handle's chunk (case 3).
#[test]
fn statistics_count_values_after_a_handle_and_a_single() {
    let arena: Arena<u32, 512> = Arena::new();
    {
        let mut l = arena.local();
        l.alloc(1).unwrap();
        arena.alloc(2).unwrap();
    }
    assert_eq!(arena.len(), 2);
    assert_eq!(arena.bytes_used(), 8);
    assert_eq!(arena.remaining(), 510);
    assert_eq!(arena.high_water(), 2);

    let pool: Pool<u32, 512> = Pool::new();
    {
        let mut l = pool.local();
        *l.take().unwrap() = 1;
        pool.alloc(2).unwrap();
    }
    assert_eq!(pool.len(), 2);
    assert_eq!(pool.bytes_used(), 8);
    assert_eq!(pool.remaining(), 510);
}

/// A read under `&mut` does not turn the threads' unused chunk tails into holes (case 4): after
/// 4 threads × 500 values and an `iter_mut` pass, a burst from 4 threads stores every free
/// slot.
#[test]
fn iter_mut_between_bursts_strands_nothing_threads() {
    const N: usize = if cfg!(miri) { 256 } else { 8192 };
    const THREADS: usize = 4;
    let per = if cfg!(miri) { 20 } else { 500 };
    let mut arena = Arena::<u64, N>::new_boxed();
    thread::scope(|s| {
        for t in 0..THREADS as u64 {
            let arena = &*arena;
            s.spawn(move || {
                for i in 0..per {
                    arena.alloc(t << 32 | i as u64).unwrap();
                }
            });
        }
    });
    assert_eq!(arena.iter_mut().count(), THREADS * per);
    assert_eq!(arena.len(), THREADS * per);
    assert_eq!(arena.remaining(), N - THREADS * per, "nothing stranded");
    let stored: usize = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS as u64)
            .map(|t| {
                let arena = &*arena;
                s.spawn(move || {
                    let mut n = 0;
                    while arena.alloc(1 << 63 | t << 32 | n as u64).is_ok() {
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(
        stored,
        N - THREADS * per,
        "the burst stores every free slot"
    );
    assert_eq!((arena.len(), arena.remaining()), (N, 0));
    let distinct: HashSet<u64> = arena.iter_mut().map(|v| *v).collect();
    assert_eq!(distinct.len(), N);
}

/// `get_mut`, `drain` and `fill_default` strand nothing either; `fill_default` fills the free
/// ranges left by threads.
#[test]
fn mut_operations_keep_free_slots_free_threads() {
    const N: usize = STRIPED;
    let mut arena = Arena::<u32, N>::new_boxed();
    thread::scope(|s| {
        for t in 0..3u32 {
            let arena = &*arena;
            s.spawn(move || {
                for i in 0..10 {
                    arena.alloc(t * 100 + i).unwrap();
                }
            });
        }
    });
    assert!(arena.get_mut(0).is_some());
    assert_eq!((arena.len(), arena.remaining()), (30, N - 30));
    let all = arena.fill_default();
    assert_eq!(all.len(), N);
    // The 30 values stay (one of them is 0, like the defaults) and every other slot is a default.
    assert_eq!(all.iter().filter(|&&v| v != 0).count(), 29);
    assert_eq!((arena.len(), arena.remaining()), (N, 0));
    let drained = arena.drain().count();
    assert_eq!(drained, N);
    assert_eq!(
        (arena.len(), arena.remaining(), arena.high_water()),
        (0, N, N)
    );
}

/// Handles that drop after another claim moved the cursor publish their tails; any claim can
/// take them, and the arena fills to exactly `N` with one value per slot (small arena: no
/// per-thread chunks, handles only).
#[test]
fn handle_tails_behind_other_claims_are_reused_threads() {
    const N: usize = if cfg!(miri) { 48 } else { 1024 };
    let rounds = if cfg!(miri) { 2 } else { 50 };
    let mut arena = Arena::<u32, N>::new_boxed();
    for round in 0..rounds {
        let made: usize = thread::scope(|s| {
            let hs: Vec<_> = (0..3u32)
                .map(|t| {
                    let arena = &*arena;
                    s.spawn(move || {
                        let mut made = 0;
                        'outer: loop {
                            let mut l = arena.local_with_chunk(7);
                            for _ in 0..3 {
                                if l.alloc(t << 20 | made as u32).is_err() {
                                    break 'outer;
                                }
                                made += 1;
                            }
                            drop(l);
                            if arena.alloc(t << 20 | made as u32).is_err() {
                                break;
                            }
                            made += 1;
                            if arena
                                .alloc_slice_copy(&[t << 20 | 1 << 19 | made as u32])
                                .is_err()
                            {
                                break;
                            }
                            made += 1;
                        }
                        made
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(made, N, "round {round}");
        assert_eq!((arena.len(), arena.remaining()), (N, 0), "round {round}");
        let distinct: HashSet<u32> = arena.iter_mut().map(|v| *v).collect();
        assert_eq!(distinct.len(), N, "round {round}");
        arena.reset();
    }
}
