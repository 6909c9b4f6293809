//! The first model-based test of the bounded arena (moved from `tests/arena.rs`).

// ---- model-based test ---------------------------------------------------------------------

mod model {
    use atomicarena::Arena;
    use proptest::collection::vec;
    use proptest::prelude::*;

    const N: usize = 12;

    #[derive(Debug, Clone)]
    enum Op {
        Alloc(u32),
        AllocSliceCopy(Vec<u32>),
        AllocIter(Vec<u32>),
        Reset,
        GetMut(usize, u32),
        Drain(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u32>().prop_map(Op::Alloc),
            3 => vec(any::<u32>(), 0..6).prop_map(Op::AllocSliceCopy),
            2 => vec(any::<u32>(), 0..6).prop_map(Op::AllocIter),
            1 => Just(Op::Reset),
            3 => (0..N + 2, any::<u32>()).prop_map(|(i, v)| Op::GetMut(i, v)),
            1 => (0..N + 1).prop_map(Op::Drain),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random operation sequences against a `Vec` model (no holes arise from these ops).
        #[test]
        #[cfg_attr(miri, ignore = "proptest is too slow under Miri")]
        fn arena_matches_vec_model(ops in vec(op(), 1..80)) {
            let mut arena: Arena<u32, N> = Arena::new();
            let mut model: Vec<u32> = Vec::new();
            let (mut failed, mut high) = (0usize, 0usize);
            for op in ops {
                match op {
                    Op::Alloc(v) => match arena.alloc(v) {
                        Ok(r) => {
                            prop_assert!(model.len() < N);
                            prop_assert_eq!(*r, v);
                            model.push(v);
                        }
                        Err(full) => {
                            prop_assert_eq!(model.len(), N);
                            prop_assert_eq!(full.into_inner(), v);
                            failed += 1;
                        }
                    },
                    Op::AllocSliceCopy(vs) | Op::AllocIter(vs) if vs.is_empty() => {
                        prop_assert!(arena.alloc_slice_copy(&vs).unwrap().is_empty());
                    }
                    Op::AllocSliceCopy(vs) => match arena.alloc_slice_copy(&vs) {
                        Ok(s) => {
                            prop_assert!(model.len() + vs.len() <= N);
                            prop_assert_eq!(&*s, &vs[..]);
                            model.extend(vs);
                        }
                        Err(_) => {
                            prop_assert!(model.len() + vs.len() > N);
                            failed += 1;
                        }
                    },
                    Op::AllocIter(vs) => match arena.alloc_iter(vs.clone()) {
                        Ok(s) => {
                            prop_assert!(model.len() + vs.len() <= N);
                            prop_assert_eq!(&*s, &vs[..]);
                            model.extend(vs);
                        }
                        Err(_) => {
                            prop_assert!(model.len() + vs.len() > N);
                            failed += 1;
                        }
                    },
                    Op::Reset => {
                        high = high.max(model.len());
                        arena.reset();
                        model.clear();
                    }
                    Op::GetMut(i, v) => {
                        match arena.get_mut(i) {
                            Some(r) => {
                                prop_assert_eq!(*r, model[i]);
                                *r = v;
                                model[i] = v;
                            }
                            None => prop_assert!(i >= model.len()),
                        }
                    }
                    Op::Drain(k) => {
                        high = high.max(model.len());
                        let mut drain = arena.drain();
                        let taken: Vec<u32> = drain.by_ref().take(k).collect();
                        drop(drain);
                        prop_assert_eq!(&taken[..], &model[..k.min(model.len())]);
                        model.clear();
                    }
                }
                prop_assert_eq!(arena.len(), model.len());
                prop_assert_eq!(arena.remaining(), N - model.len());
                prop_assert_eq!(arena.is_full(), model.len() == N);
                prop_assert_eq!(arena.bytes_used(), model.len() * 4);
                prop_assert_eq!(arena.failed_allocs(), failed);
                prop_assert_eq!(arena.high_water(), high.max(model.len()));
                prop_assert_eq!(arena.iter_mut().map(|v| *v).collect::<Vec<_>>(), model.clone());
            }
        }
    }
}
