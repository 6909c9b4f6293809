//! What a failed derive emits next to its errors (thiserror's `fallback.rs`).
//!
//! The user's code goes on naming `ParticleArena`, calling `ParticleArena::new()`, `alloc`,
//! `reset`... If the derive emitted only `compile_error!`, each of those uses would add an error
//! of its own ("cannot find type `ParticleArena`"), burying the real one. So next to the errors
//! it emits every arena the attributes asked for, with the real API: the same struct, the same
//! `Deref` to the runtime type of the requested kind, `new`, `new_boxed`, `CAPACITY`, `Default`
//! and `Debug` (for a `heap` attribute, `with_capacity`, `try_with_capacity` and `Debug`), but
//! no compile-time checks, and a placeholder capacity of 1 where the user's is
//! missing or malformed. A pool type also gets an empty `FieldReset` impl, so the pool's bounds
//! hold. An attribute with both `ring` and `pool` gets a bounded stub (either guess could be
//! wrong; the bounded API is the part the kinds share). Then the only errors the user sees are
//! the macro's own.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Arena, Input, Kind};
use crate::expand::{self, Mode};

/// The errors, and stubs for every arena that can be named.
pub(crate) fn expand(input: &Input, error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    if input.unsized_field().is_some() {
        // No arena of an unsized type can exist, not even a stub: naming one would repeat the
        // error (reported on the field) at every place the stub names the type.
        return errors;
    }
    let implicit;
    let arenas: Vec<&Arena> = if input.arenas.is_empty() {
        // No attribute at all: the user most likely uses the default name.
        implicit = Arena::implicit(input.ident, &input.krate);
        vec![&implicit]
    } else {
        input.arenas.iter().collect()
    };
    let mut names = BTreeSet::new();
    let stubs = arenas
        .into_iter()
        // A name equal to the struct's, or given twice, would only add a "defined multiple
        // times" error to the one already reported.
        .filter(|arena| arena.name != *input.ident && names.insert(arena.name.to_string()))
        // A `rounds` stub names the type with the round's lifetime only: with type parameters
        // (already reported) there is nothing it could name.
        .filter(|arena| !(arena.kind == Kind::Rounds && input.has_type_or_const_params()))
        .map(|arena| {
            // `ring` and `pool` both: either guess may be wrong; a bounded stub at least has the
            // API the kinds share (`alloc`, `len`, `reset`...).
            let kind = if arena.second_kind.is_some() {
                Kind::Bounded
            } else {
                arena.kind
            };
            expand::expand_arena(input, arena, kind, Mode::Stub)
        });
    let pool = input
        .arenas
        .iter()
        .find(|arena| arena.kind == Kind::Pool && arena.second_kind.is_none());
    let reset = pool.map(|arena| {
        let krate = &arena.krate;
        let ident = input.ident;
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::__private::FieldReset for #ident #ty_generics
            #where_clause
            {
                fn reset_fields(&mut self) {}
            }
        }
    });
    quote! {
        #errors
        #(#stubs)*
        #reset
    }
}
