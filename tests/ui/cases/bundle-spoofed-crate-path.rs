// Issue 17: a `crate = "..."` path chosen to vouch for an `unsafe impl`, in safe code only. The
// module re-exports the runtime's real `Zeroable` and `new_boxed_bundle` next to a `BoundedArena`
// of its own, implemented for a field that holds a reference. Before the fix this compiled (the
// bundle's `unsafe impl Zeroable` was bounded on the look-alike `BoundedArena` only), and
// `Bundle::new_boxed()` built a null `&'static u64`: SIGSEGV natively, "encountered a null
// reference" under Miri. Now the impl is bounded on the real `Zeroable` (which `Evil` does not
// implement), and `new_boxed_bundle` (an `unsafe fn` now) evaluates the checks of the fields
// through the real `BoundedArena`. `new_boxed` exists only where its bounds (the real
// `Zeroable`) hold, so the one error is at its call. (A module with a look-alike `Fields` of
// its own gets no further: the body calls the real `new_boxed_bundle`, whose bounds are the
// real traits.)
#![forbid(unsafe_code)]

/// A bundle field holding a reference: all-zero bytes are not a valid value of it.
pub struct Evil(pub &'static u64);

impl Evil {
    pub const fn new() -> Self {
        Evil(&7)
    }
}

mod spoof {
    pub mod __private {
        // The runtime's real `Zeroable` and `new_boxed_bundle` (and harmless helpers)...
        pub use atomicarena::__private::{
            core, if_alloc, new_boxed_bundle, Box, FieldProblem, Fields, Full, Zeroable,
        };
        // ...next to this module's own `BoundedArena` (and the traits that use it).
        pub trait BoundedArena {
            type Elem;
            const PROBLEM: FieldProblem = FieldProblem::None;
            fn checks() {}
            fn raw(&self) -> &Self {
                self
            }
            fn raw_mut(&mut self) -> &mut Self {
                self
            }
        }
        pub trait RawArena {
            fn alloc<T>(&self, value: T) -> Result<&mut T, Full<T>> {
                unimplemented!("{}", core::mem::size_of_val(&value))
            }
            fn alloc_slice_copy<T: Copy>(&self, _: &[T]) -> Result<&mut [T], Full<()>> {
                unimplemented!()
            }
            fn len(&self) -> usize {
                0
            }
            fn bytes_used(&self) -> usize {
                0
            }
            fn reset(&mut self) {}
        }
        impl<T: ?Sized> RawArena for T {}
        pub struct Idx<const K: usize>;
        pub trait Holds<T, I> {
            type Arena: BoundedArena;
            fn arena(&self) -> &Self::Arena;
        }
        impl BoundedArena for crate::Evil {
            type Elem = u64;
        }
    }
}

#[derive(atomicarena::Arenas)]
#[arenas(crate = "crate::spoof")]
struct Bundle {
    evil: Evil,
}

fn main() {
    let b = Bundle::new_boxed();
    assert_eq!(*b.evil.0, 7); // before the fix: a read through a null reference
}
