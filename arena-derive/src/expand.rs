//! Building the generated code: one named struct per `#[arena(...)]` attribute, and the
//! field-wise `FieldReset` impl for pool types.
//!
//! Generated code names the runtime through one private `use #krate::__private as
//! __atomicarena_private_{Name};` per arena (so a runtime that is not at `#krate` is one error,
//! on that `use`), and `::core` only where the derive's own spans carry it, so it compiles
//! whatever the user's crate has in scope, in every edition. It calls the runtime's constructors
//! and checks rather than re-implementing them. What the macro cannot see (types) is checked by
//! the compiler in code spanned on the user's tokens: `const _: () = assert!(...)` for
//! capacities and drop glue, trait-bounded calls for the pool fields.
//!
//! One arena is built by [`expand_arena`] from named steps, one per generated item:
//! [`Gen::new`] (the capacity, evaluated once, in `CAPACITY`), [`Gen::checks`] (where the capacity,
//! the size and the drop glue are checked), [`Gen::arena_struct`], [`Gen::inherent_impl`]
//! (`CAPACITY`, `new`), [`Gen::new_boxed_impl`], [`Gen::deref_impls`], [`Gen::iteration_impl`],
//! [`Gen::bounded_arena_impl`], [`Gen::default_and_debug_impls`] and [`Gen::zeroable_impl`].
//! A `heap` arena (capacity chosen at run time) takes [`Gen::heap_constructors`]
//! (`with_capacity`, `try_with_capacity`) and [`Gen::debug_impl`] in place of the inherent
//! impl, `new_boxed`, `BoundedArena`, `Default` and `Zeroable`, which need a capacity known at
//! compile time; every other step is shared. The fallback (`fallback.rs`) calls the same steps
//! in [`Mode::Stub`].

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, GenericParam, Ident, Lifetime};

use crate::ast::{plain, Arena, Input, Kind};
use crate::attr::ResetOption;
use crate::valid;

/// Everything for a valid input: one arena per attribute, and one `FieldReset` impl per type,
/// however many pool attributes it has.
pub(crate) fn expand(input: &Input) -> TokenStream {
    let arenas = input
        .arenas
        .iter()
        .map(|arena| expand_arena(input, arena, arena.kind, Mode::Full));
    let reset = input
        .arenas
        .iter()
        .find(|arena| arena.kind == Kind::Pool)
        .map(|arena| {
            let alias = private_alias(input, arena);
            field_reset(input, &quote!(#alias))
        });
    quote! {
        #(#arenas)*
        #reset
    }
}

/// Whether to generate the real thing or a stub for the fallback.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Everything, compile-time checks included.
    Full,
    /// The same API with no checks, after macro errors: `capacity` is the one to use instead
    /// of the user's (which may be missing or malformed).
    Stub,
}

/// The named struct for one attribute, with its impls and checks.
///
/// `kind` is `arena.kind`, except for a fallback stub of an attribute that asked for two kinds.
/// In `Mode::Stub`, `arena.capacity` is used only if it is usable; otherwise 1.
pub(crate) fn expand_arena(input: &Input, arena: &Arena, kind: Kind, mode: Mode) -> TokenStream {
    let g = Gen::new(input, arena, kind, mode);
    let krate = &arena.krate;
    let alias = private_alias(input, arena);
    let arena_struct = g.arena_struct();
    let (eager, deferred) = g.checks();
    let deref = g.deref_impls();
    let iteration = g.iteration_impl();
    let for_lifetime = g.for_lifetime_impl();
    let (inherent, new_boxed, bounded, default_and_debug, zeroable);
    if g.heap {
        // A heap arena is built at run time: `with_capacity`, no `const fn new`, no
        // `CAPACITY`, no `Default`, no `Zeroable`, and no bundle field (`BoundedArena`).
        inherent = g.heap_constructors(&deferred);
        default_and_debug = g.debug_impl();
        (new_boxed, bounded, zeroable) = (TokenStream::new(), None, TokenStream::new());
    } else {
        inherent = g.inherent_impl(&deferred);
        new_boxed = g.new_boxed_impl(&deferred);
        bounded = g.bounded_arena_impl(&deferred);
        default_and_debug = g.default_and_debug_impls();
        zeroable = g.zeroable_impl();
    }
    quote! {
        #[doc(hidden)]
        use #krate::__private as #alias;

        #arena_struct

        #(#eager)*

        const _: () = {
            #inherent
            #new_boxed
            #deref
            #iteration
            #bounded
            #default_and_debug
            #zeroable
            #for_lifetime
        };
    }
}

/// What the steps of one arena share: the input, the arena, and the tokens every item uses.
pub(crate) struct Gen<'a> {
    input: &'a Input<'a>,
    arena: &'a Arena,
    kind: Kind,
    mode: Mode,
    /// `heap`: the struct wraps the runtime's heap kind, built by `with_capacity`.
    heap: bool,
    /// The arena's private alias of `#krate::__private`. Every path into the runtime goes
    /// through it: if the runtime is not at `#krate` (a renamed dependency without
    /// `crate = "..."`), its `use` is the one error, and rustc reports nothing for the paths
    /// through it.
    p: TokenStream,
    /// The capacity as generated code names it: the user's literal; `<Name>::CAPACITY` (the
    /// generated associated const, which holds the user's expression) for an expression on a
    /// type without type or const parameters; the expression itself otherwise (a generic
    /// const argument cannot name `Self`'s consts on stable Rust); or `1` in a stub whose
    /// capacity is missing or unusable.
    capacity: TokenStream,
    /// The user's capacity expression, when `CAPACITY` holds it and `capacity` names it.
    capacity_held: Option<TokenStream>,
    /// `no_drop`, when it applies (bounded arenas only).
    no_drop: Option<&'a Ident>,
    /// `Particle<'a, T>`: the element type.
    elem: TokenStream,
    /// `Arena`, `DroplessArena`, `Ring`, `Pool`, `ScopedArena` or `Rounds`, or with `heap`
    /// `HeapArena`, `HeapDroplessArena`...
    kind_path: Ident,
    /// `#p::Arena<Particle, { N }>` (or with `heap`, `#p::HeapArena<Particle>`): the runtime
    /// type the struct wraps.
    runtime: TokenStream,
    /// The rustdoc of the generated items.
    docs: Docs,
    /// No generics: those of a `rounds` type (see `generics`).
    no_generics: syn::Generics,
}

impl<'a> Gen<'a> {
    fn new(input: &'a Input<'a>, arena: &'a Arena, kind: Kind, mode: Mode) -> Self {
        let alias = private_alias(input, arena);
        let p = quote!(#alias);
        // Without the user's outer parentheses: `(N + 1)` in `const CAPACITY: usize = (N + 1);`
        // would be linted as `unused_parens` on the user's tokens.
        let usable = |expr: &Expr| match mode {
            Mode::Full => true,
            Mode::Stub => {
                valid::capacity_problem(expr).is_none()
                    && valid::find_self(expr.to_token_stream()).is_none()
            }
        };
        let mut capacity: TokenStream = match &arena.capacity {
            Some(expr) if usable(expr) => valid::strip_delimiters(expr).to_token_stream(),
            _ => quote!(1),
        };
        // The capacity, evaluated once: in `CAPACITY`, named everywhere else as
        // `Name::<'static, ..>::CAPACITY`. A capacity that fails (an underflow, an unknown
        // name) is then one error, on the user's expression, not one per place the derive uses
        // it; rustdoc shows the user's expression on `CAPACITY`, and `{ Name::CAPACITY }` in the
        // runtime type.
        let heap = arena.heap.is_some();
        let mut capacity_held = None;
        if let Some(expr) = arena.capacity.as_ref().filter(|_| !heap) {
            if mode == Mode::Full
                && !valid::is_int_literal(expr)
                && !input.has_type_or_const_params()
            {
                capacity_held = Some(capacity);
                let mut name = arena.name.clone();
                name.set_span(Span::call_site());
                let lifetimes = input
                    .generics
                    .lifetimes()
                    .map(|_| Lifetime::new("'static", Span::call_site()));
                capacity = if input.generics.params.is_empty() || kind == Kind::Rounds {
                    quote!(#name::CAPACITY)
                } else {
                    quote!(#name::<#(#lifetimes),*>::CAPACITY)
                };
            }
        }
        // For `rounds`, the `rounds` token: a `Rounds` lends a `DroplessArena`.
        let no_drop = match kind {
            Kind::Bounded => arena.no_drop.as_ref(),
            Kind::Rounds => arena.kind_token.as_ref(),
            Kind::Ring | Kind::Pool | Kind::Scoped => None,
        };
        let ident = input.ident;
        let (_, ty_generics, _) = input.generics.split_for_impl();
        let elem = quote!(#ident #ty_generics);
        let kind_path = runtime_kind(kind, no_drop.is_some(), heap);
        // The generated type is the `ForLifetime` marker of its own `Rounds`.
        let first = if kind == Kind::Rounds {
            arena.name.to_token_stream()
        } else {
            elem.clone()
        };
        let runtime = if heap {
            quote!(#p::#kind_path<#first>)
        } else {
            quote!(#p::#kind_path<#first, { #capacity }>)
        };
        let docs = Docs::new(input, arena, kind, &capacity);
        Gen {
            input,
            arena,
            kind,
            mode,
            heap,
            p,
            capacity,
            capacity_held,
            no_drop,
            elem,
            kind_path,
            runtime,
            docs,
            no_generics: syn::Generics::default(),
        }
    }

    /// The generated type's generics: the input's, except for `rounds`, whose type stands for
    /// the input with any lifetime (the round's) and so has none.
    fn generics(&self) -> &syn::Generics {
        if self.kind == Kind::Rounds {
            &self.no_generics
        } else {
            self.input.generics
        }
    }

    /// The struct: `repr(transparent)` over the runtime type.
    fn arena_struct(&self) -> TokenStream {
        let vis = &self.input.original.vis;
        let generics = self.generics();
        let where_clause = &generics.where_clause;
        let name = &self.arena.name;
        let runtime = &self.runtime;
        let doc = self.docs.struct_doc();
        // The item's own tokens (not the field's type, which may hold the user's capacity) carry
        // the name's span: if another item of the module has this name (another derive's `name =
        // Store`, a type `BArena` next to `#[derive(ArenaAlloc)] struct B`), rustc's "defined
        // multiple times" then points at `name = ...` (or at the type, for a default name), not
        // at `#[derive(ArenaAlloc)]`.
        let at = name.span();
        let vis = respan(vis.to_token_stream(), at);
        let head = respan(quote!(#[doc = #doc] #[repr(transparent)]), at);
        let keyword = respan(quote!(struct), at);
        let mut body = Group::new(Delimiter::Brace, quote!(inner: #runtime,));
        body.set_span(at);
        quote! {
            #head
            #vis #keyword #name #generics #where_clause #body
        }
    }

    /// The compile-time checks, on the user's tokens, in the type's name: eager `const _` items
    /// when the type can be named without its type and const parameters (first), otherwise
    /// statements for an associated const that every constructor evaluates (second). They say
    /// the runtime's checks again (at least one slot, the storage fits in memory, no drop glue
    /// in a `no_drop` arena); the runtime's own (`Storage::CHECKS`, evaluated by its
    /// constructors) still run. None for a stub.
    fn checks(&self) -> (Vec<TokenStream>, Vec<TokenStream>) {
        let mut eager = Vec::new();
        let mut deferred = Vec::new();
        if self.mode == Mode::Stub {
            return (eager, deferred);
        }
        let concrete = concrete_type(self.input);
        // A `heap` arena has no capacity at compile time (`valid.rs` rejects one): its
        // runtime checks it in `with_capacity`.
        if let Some(expr) = self.arena.capacity.as_ref().filter(|_| !self.heap) {
            let generic = mentions_params(expr, self.input);
            if let Some(check) = self.capacity_at_least_one(expr) {
                if generic {
                    deferred.push(check);
                } else {
                    eager.push(check);
                }
            }
            if let (Some(concrete), false) = (&concrete, generic) {
                let exists = self.type_exists(concrete);
                let fits = self.fits_in_memory(expr, concrete);
                // In one item: if the type itself is too big, `fits` (which takes its size) is
                // not evaluated, and the one error is `type_exists`'s.
                eager.push(quote!(#exists #fits));
            }
        }
        if let Some(check) = self.no_drop_without_glue(concrete.as_ref()) {
            if concrete.is_some() {
                eager.push(check);
            } else {
                deferred.push(check);
            }
        }
        let eager = eager
            .into_iter()
            .map(|check| quote!(const _: () = { #check };))
            .collect();
        (eager, deferred)
    }

    /// "At least 1", for a capacity that is an expression (a literal was checked by the macro).
    fn capacity_at_least_one(&self, expr: &Expr) -> Option<TokenStream> {
        if valid::is_int_literal(expr) {
            return None;
        }
        let (p, capacity) = (&self.p, &self.capacity);
        let message = format!(
            "atomicarena: the capacity of `{}` must be at least 1 (`capacity = {}`)",
            plain(&self.arena.name),
            valid::display_capacity(expr)
        );
        // Typed `usize` on its own line: `1 << 31` is then a `usize`, not an `i32`.
        let check = spanned_assert(expr, p, quote!(__atomicarena_capacity > 0), &message);
        Some(quote! {
            let __atomicarena_capacity: usize = #capacity;
            #check
        })
    }

    /// A type too big to exist (`struct Huge([u8; usize::MAX / 2])`): rustc's "values of the
    /// type ... are too big for the target architecture", on the type's name. Without this, the
    /// first place that asks for the type's layout is `fits_in_memory`'s `size_of`, and rustc
    /// reports the error there, inside `core/src/mem`, with no line of the user's file. An
    /// empty array of the type, evaluated in the derive's own `const _` item spanned on the
    /// name, needs the type's layout and holds no value. Not emitted when every field is of a
    /// type that cannot be too big whatever its parameters ([`fixed_size`]): the macro sees it,
    /// and the check would cost every build a little for nothing.
    fn type_exists(&self, concrete: &TokenStream) -> Option<TokenStream> {
        let fields: Vec<&syn::Field> = match &self.input.original.data {
            syn::Data::Struct(data) => data.fields.iter().collect(),
            syn::Data::Enum(data) => data.variants.iter().flat_map(|v| &v.fields).collect(),
            syn::Data::Union(data) => data.fields.named.iter().collect(),
        };
        if fields.iter().all(|field| fixed_size(&field.ty)) {
            return None;
        }
        let empty = respan(quote!([]), self.input.ident.span());
        Some(quote!(let _: [#concrete; 0] = #empty;))
    }

    /// Without type parameters, an oversized arena is reported here, on the capacity, before
    /// rustc's "too big for the current architecture" (the runtime's own check is
    /// post-monomorphization and so only fires once a constructor is used). The test is the
    /// runtime's (`fits`), on the very runtime type the struct wraps.
    fn fits_in_memory(&self, expr: &Expr, concrete: &TokenStream) -> TokenStream {
        let (p, capacity, kind_path) = (&self.p, &self.capacity, &self.kind_path);
        let (name, ident) = (plain(&self.arena.name), plain(self.input.ident));
        let message = format!(
            "atomicarena: `{name}` does not fit in memory: capacity × (size_of::<{ident}>() \
             + bookkeeping) bytes exceeds isize::MAX; lower the capacity (or box the large \
             fields of `{ident}`)"
        );
        let fits = if self.kind == Kind::Rounds {
            let runtime = &self.runtime;
            quote!(#p::fits::<#runtime>())
        } else {
            quote!(#p::fits::<#p::#kind_path<#concrete, { #capacity }>>())
        };
        spanned_assert(expr, p, fits, &message)
    }

    /// `no_drop` on a type with drop glue, on the `no_drop` token.
    fn no_drop_without_glue(&self, concrete: Option<&TokenStream>) -> Option<TokenStream> {
        let token = self.no_drop?;
        let (name, ident) = (plain(&self.arena.name), plain(self.input.ident));
        let message = if self.kind == Kind::Rounds {
            format!(
                "atomicarena: `{name}` is `rounds`, but `{ident}` has drop glue (a field owns \
                 memory or has a destructor), and a round empties its arena without dropping \
                 the values: they would leak. Make the fields of `{ident}` free of drop glue \
                 (e.g. `&'a str` instead of `String`), or use a bounded arena (without \
                 `rounds`), which drops its values on `reset`"
            )
        } else {
            format!(
                "atomicarena: `{name}` is `no_drop`, but `{ident}` has drop glue (a field owns \
                 memory or has a destructor), and a `no_drop` arena never drops its values: \
                 they would leak. Remove `no_drop`, or make the fields of `{ident}` free of drop \
                 glue (e.g. `&'a str` instead of `String`)"
            )
        };
        let p = &self.p;
        let checked = concrete.unwrap_or(&self.elem);
        let no_glue = quote!(!#p::core::mem::needs_drop::<#checked>());
        Some(spanned_assert(token, p, no_glue, &message))
    }

    /// `let () = Self::__ATOMICARENA_CHECKS;`, when there are deferred checks.
    fn run_checks(deferred: &[TokenStream]) -> Option<TokenStream> {
        (!deferred.is_empty()).then(|| quote!(let () = Self::__ATOMICARENA_CHECKS;))
    }

    /// The associated const that holds the deferred checks (`run_checks` evaluates it), for
    /// the inline constructors and the heap ones alike.
    fn checks_const(deferred: &[TokenStream]) -> Option<TokenStream> {
        (!deferred.is_empty()).then(|| {
            quote! {
                #[doc(hidden)]
                const __ATOMICARENA_CHECKS: () = { #(#deferred)* };
            }
        })
    }

    /// `CAPACITY`, the deferred checks' associated const, and `const fn new()`.
    fn inherent_impl(&self, deferred: &[TokenStream]) -> TokenStream {
        let (name, runtime) = (&self.arena.name, &self.runtime);
        // The user's expression, if the rest of the generated code names `CAPACITY` for it.
        let capacity = self.capacity_held.as_ref().unwrap_or(&self.capacity);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let (capacity_doc, new_doc) = (self.docs.capacity_doc(), self.docs.new_doc());
        let checks_const = Self::checks_const(deferred);
        let run_checks = Self::run_checks(deferred);
        quote! {
            #[automatically_derived]
            impl #impl_generics #name #ty_generics #where_clause {
                #[doc = #capacity_doc]
                // A capacity that overflows fails to evaluate (E0080, on the expression):
                // rustc's lint would say it a second time.
                #[allow(arithmetic_overflow)]
                pub const CAPACITY: usize = #capacity;

                #checks_const

                #[doc = #new_doc]
                #[inline]
                pub const fn new() -> Self {
                    #run_checks
                    Self { inner: <#runtime>::new() }
                }
            }
        }
    }

    /// `heap` only: the deferred checks' associated const, `with_capacity` and
    /// `try_with_capacity`, the runtime heap kind's constructors for the wrapper.
    fn heap_constructors(&self, deferred: &[TokenStream]) -> TokenStream {
        let (p, name, runtime) = (&self.p, &self.arena.name, &self.runtime);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let (with_doc, try_doc) = (self.docs.with_capacity_doc(), self.docs.try_doc());
        let checks_const = Self::checks_const(deferred);
        let run_checks = Self::run_checks(deferred);
        quote! {
            #[automatically_derived]
            impl #impl_generics #name #ty_generics #where_clause {
                #checks_const

                #[doc = #with_doc]
                #[must_use]
                #[track_caller]
                #[inline]
                pub fn with_capacity(capacity: usize) -> Self {
                    #run_checks
                    Self { inner: <#runtime>::with_capacity(capacity) }
                }

                #[doc = #try_doc]
                #[inline]
                pub fn try_with_capacity(
                    capacity: usize,
                ) -> #p::core::result::Result<Self, #p::CapacityError> {
                    #run_checks
                    <#runtime>::try_with_capacity(capacity).map(|inner| Self { inner })
                }
            }
        }
    }

    /// `new_boxed()`, with the `alloc` feature: the runtime's heap constructor for a wrapper. It
    /// evaluates the runtime's checks (so an oversized arena is the runtime's message, not a
    /// layout error in `core`), checks that `Self` has the layout of the runtime type, and
    /// builds it zeroed on the heap (see `zeroable_impl`).
    fn new_boxed_impl(&self, deferred: &[TokenStream]) -> TokenStream {
        let (p, name, runtime) = (&self.p, &self.arena.name, &self.runtime);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let doc = self.docs.new_boxed_doc();
        let run_checks = Self::run_checks(deferred);
        quote! {
            #p::if_alloc! {
                #[automatically_derived]
                impl #impl_generics #name #ty_generics #where_clause {
                    #[doc = #doc]
                    pub fn new_boxed() -> #p::Box<Self> {
                        #run_checks
                        // SAFETY: `Self` is the `repr(transparent)` struct above, whose only
                        // field is of this very type (both written by the derive from the same
                        // tokens, whatever the runtime's path is).
                        unsafe { #p::new_boxed_as::<#runtime, Self>() }
                    }
                }
            }
        }
    }

    /// `Deref` and `DerefMut` to the runtime type: its whole API.
    fn deref_impls(&self) -> TokenStream {
        let (p, name, runtime) = (&self.p, &self.arena.name, &self.runtime);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::core::ops::Deref for #name #ty_generics #where_clause {
                type Target = #runtime;
                #[inline]
                fn deref(&self) -> &#runtime {
                    &self.inner
                }
            }

            #[automatically_derived]
            impl #impl_generics #p::core::ops::DerefMut for #name #ty_generics #where_clause {
                #[inline]
                fn deref_mut(&mut self) -> &mut #runtime {
                    &mut self.inner
                }
            }
        }
    }

    /// What a field of a `#[derive(Arenas)]` bundle must be (bounded kinds only): forwarded to
    /// the runtime type, with this type's own checks added to the runtime's.
    fn bounded_arena_impl(&self, deferred: &[TokenStream]) -> Option<TokenStream> {
        if self.kind != Kind::Bounded {
            return None;
        }
        let (p, name, runtime, elem) = (&self.p, &self.arena.name, &self.runtime, &self.elem);
        let capacity = &self.capacity;
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let run_checks = Self::run_checks(deferred);
        // The `Arena<T, N>` that both bounded kinds are underneath (`Arena`'s `Raw` is itself,
        // `DroplessArena`'s its inner `Arena`), named directly: no projection for the compiler
        // to normalize, and, if the runtime's path does not resolve (one error, on its `use`),
        // no qualified path through the unresolved trait, which would add "ambiguous associated
        // type" (E0223).
        let raw = quote!(#p::Arena<#elem, { #capacity }>);
        // What a bundle checks at `cargo check` for a field of this type: the trait's default
        // (none) for a type that checked itself where it is defined (the eager `const _`
        // items; a stub has an error of its own), else the runtime kind's checks (which are
        // the deferred ones).
        let problem = (self.mode == Mode::Full && concrete_type(self.input).is_none()).then(
            || quote!(const PROBLEM: #p::FieldProblem = <#runtime as #p::BoundedArena>::PROBLEM;),
        );
        Some(quote! {
            #[automatically_derived]
            impl #impl_generics #p::BoundedArena for #name #ty_generics #where_clause {
                type Elem = #elem;
                type Raw = #raw;
                #problem
                #[inline]
                fn checks() {
                    <#runtime as #p::BoundedArena>::checks();
                    #run_checks
                }
                #[inline]
                fn raw(&self) -> &#raw {
                    #p::BoundedArena::raw(&self.inner)
                }
                #[inline]
                fn raw_mut(&mut self) -> &mut #raw {
                    #p::BoundedArena::raw_mut(&mut self.inner)
                }
            }
        })
    }

    /// `Default` (`new()`) and `Debug` (the runtime's, under this type's name).
    fn default_and_debug_impls(&self) -> TokenStream {
        let (p, name) = (&self.p, &self.arena.name);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let debug = self.debug_impl();
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::core::default::Default for #name #ty_generics #where_clause {
                /// Same as `new()`.
                #[inline]
                fn default() -> Self {
                    Self::new()
                }
            }

            #debug
        }
    }

    /// `Debug`: the runtime's, under this type's name.
    fn debug_impl(&self) -> TokenStream {
        let (p, name) = (&self.p, &self.arena.name);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let name_str = plain(name);
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::core::fmt::Debug for #name #ty_generics #where_clause {
                /// The runtime arena's `Debug`, under this type's name.
                fn fmt(&self, f: &mut #p::core::fmt::Formatter<'_>) -> #p::core::fmt::Result {
                    #p::fmt_renamed(f, #name_str, &**self)
                }
            }
        }
    }

    /// `unsafe impl Zeroable`, bounded on `Zeroable` for the runtime type: what `new_boxed`
    /// relies on.
    fn zeroable_impl(&self) -> TokenStream {
        let (p, runtime) = (&self.p, &self.runtime);
        let (impl_generics, ty_generics, where_clause) = self.generics().split_for_impl();
        let where_predicates: Vec<_> = where_clause
            .map(|w| w.predicates.iter().collect())
            .unwrap_or_default();
        // The `unsafe impl` is made only of tokens spanned at the call site, so that it reads as
        // the macro's code (which it is), not the user's: `#![forbid(unsafe_code)]` crates
        // accept it. The identifier is kept as it is (a raw `r#Match` stays raw), only its span
        // changes.
        let mut name_call_site = self.arena.name.clone();
        name_call_site.set_span(Span::call_site());
        quote! {
            // SAFETY: the struct is `repr(transparent)` over its only field, and the `where`
            // clause makes the compiler prove that the field's type is `Zeroable` (the very
            // trait implemented here, through the same path, so a user-chosen `crate = "..."`
            // cannot vouch for it): the all-zero bytes are a valid value of the struct, and the
            // same empty arena that `new()` builds. This impl is what lets `new_boxed()` build
            // the arena in place on the heap. No `#[allow(unsafe_code)]`: an `unsafe impl`
            // generated by a derive is not linted in the user's crate, and an `allow` would be
            // a hard error (E0453) in a `#![forbid(unsafe_code)]` crate. Hidden: an
            // implementation detail of `new_boxed`, not something for the user's docs.
            #[automatically_derived]
            #[doc(hidden)]
            unsafe impl #impl_generics #p::Zeroable for #name_call_site #ty_generics
            where
                #runtime: #p::Zeroable,
                #(#where_predicates,)*
            {}
        }
    }

    /// `rounds` only: the generated type is the `ForLifetime` marker of the input type, `type
    /// Of<'a> = Node<'a>`, so that it can be the `F` of the `Rounds<F, N>` it wraps (no second
    /// generated name). In a stub (the input has another number of lifetimes, already an
    /// error), every lifetime of the input is the round's.
    fn for_lifetime_impl(&self) -> Option<TokenStream> {
        if self.kind != Kind::Rounds {
            return None;
        }
        let (p, name, ident) = (&self.p, &self.arena.name, self.input.ident);
        let mut lifetimes = self.input.generics.lifetimes();
        let round = match (lifetimes.next(), lifetimes.next()) {
            (Some(only), None) => only.lifetime.clone(),
            _ => Lifetime::new("'a", Span::call_site()),
        };
        let count = self.input.generics.lifetimes().count();
        let elem = if count == 0 {
            quote!(#ident)
        } else {
            let all = std::iter::repeat_n(&round, count);
            quote!(#ident<#(#all),*>)
        };
        let doc = format!(
            " `{}` is `{}<'_>` for any round's lifetime: the `F` of its own `Rounds<F, N>`.",
            plain(name),
            plain(ident)
        );
        Some(quote! {
            #[automatically_derived]
            #[doc = #doc]
            impl #p::ForLifetime for #name {
                type Of<#round> = #elem;
            }
        })
    }

    /// `IntoIterator` for a reference to the generated type, forwarded to the same impl of the
    /// runtime type: `for v in &mut arena` (bounded, `no_drop`) and `for (handle, v) in &ring`.
    /// The item and iterator types are the runtime's, named through its `IntoIterator` impl.
    /// A scoped arena has none (its values are reached through scopes only).
    fn iteration_impl(&self) -> TokenStream {
        into_iterator(self.input, &self.arena.name, self.kind, &self.runtime)
    }
}

/// The name of the private `use` of the runtime's `__private` module for one arena:
/// `__atomicarena_private_Particle_ParticleArena`. Unique in the module even when two derives
/// generate the same arena name (already an error, on the struct: see `arena_struct`), since
/// it names the deriving type too: the `use`s then add no error of their own.
pub(crate) fn private_alias(input: &Input, arena: &Arena) -> Ident {
    format_ident!(
        "__atomicarena_private_{}_{}",
        plain(input.ident),
        plain(&arena.name)
    )
}

/// The runtime type a kind wraps, under `__private`: `Arena`..., or with `heap` the heap kind,
/// `HeapArena`...
fn runtime_kind(kind: Kind, no_drop: bool, heap: bool) -> Ident {
    let name = match (kind, no_drop) {
        (Kind::Bounded, false) => "Arena",
        (Kind::Bounded, true) => "DroplessArena",
        (Kind::Ring, _) => "Ring",
        (Kind::Pool, _) => "Pool",
        (Kind::Scoped, _) => "ScopedArena",
        (Kind::Rounds, _) => "Rounds",
    };
    if heap {
        format_ident!("Heap{}", name)
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `IntoIterator` for a reference to the generated type, forwarded to the same impl of the
/// runtime type: `for v in &mut arena` (bounded, `no_drop`) and `for (handle, v) in &ring`.
/// The item and iterator types are the runtime's, named through its `IntoIterator` impl.
/// A scoped arena has none (its values are reached through scopes only).
fn into_iterator(input: &Input, name: &Ident, kind: Kind, runtime: &TokenStream) -> TokenStream {
    if matches!(kind, Kind::Scoped | Kind::Rounds) {
        return TokenStream::new();
    }
    // Not a lifetime of the type's own (a type may name one `'__atomicarena`).
    let lifetime = crate::ast::fresh_lifetime(input.generics, "__atomicarena");
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // `<'__atomicarena, ...the type's parameters...>`: the type's `<...>` with the lifetime
    // spliced in front (lifetimes come first).
    let params: Vec<TokenTree> = impl_generics.to_token_stream().into_iter().collect();
    let impl_generics = match params.len() {
        0 => quote!(<#lifetime>),
        n => {
            let inside = params[1..n - 1].iter();
            quote!(<#lifetime, #(#inside)*>)
        }
    };
    let (reference, inner) = match kind {
        // Through `Deref`, not the field: one place fewer that names the field, so a user item
        // with the generated name (already an error) adds one follow-on error fewer.
        Kind::Bounded | Kind::Pool => (quote!(&#lifetime mut), quote!(&mut **self)),
        Kind::Ring => (quote!(&#lifetime), quote!(&**self)),
        Kind::Scoped | Kind::Rounds => unreachable!("returned above"),
    };
    // `::core`, not the runtime's alias of it: if the runtime's path does not resolve (already
    // one error, on its `use`), a qualified path through an unresolved trait would add an
    // "ambiguous associated type" error of its own. Spanned at the call site, `::core` is read
    // in the derive's edition, so it resolves in edition 2015 crates too.
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::iter::IntoIterator for #reference #name #ty_generics
        #where_clause
        {
            type Item = <#reference #runtime as ::core::iter::IntoIterator>::Item;
            type IntoIter = <#reference #runtime as ::core::iter::IntoIterator>::IntoIter;
            #[inline]
            fn into_iter(self) -> Self::IntoIter {
                ::core::iter::IntoIterator::into_iter(#inner)
            }
        }
    }
}

/// `assert!(cond, message);` whose failure the compiler reports on `at`, a user's tokens.
///
/// rustc reports a failed `const` evaluation at the call site of the `assert!` that panicked,
/// so the call is built from the user's spans: its path carries the span of the first token of
/// `at`, and its parentheses the span of the last one, so the call covers `at` from start to
/// end (`usize::MAX / 2`, not just `usize`). A path with the derive's span would be reported on
/// `#[derive(ArenaAlloc)]` instead.
///
/// The path is the runtime's re-export, `#p::core::assert` (`p` is the arena's alias of
/// `#krate::__private`), not `::core::assert`: carrying the user's span, `::core` would be
/// resolved in the user's edition, and in edition 2015 it means "the item `core` at the crate
/// root", which does not exist; the runtime's path resolves wherever the rest of the generated
/// code does. The message is passed as an argument of `"{}"`, never as the format string itself:
/// it quotes the user's capacity, which may hold braces (`{ N }`), and in edition 2015 a lone
/// message is not a format string at all (so escaping would not do).
pub(crate) fn spanned_assert(
    at: &dyn ToTokens,
    p: &TokenStream,
    cond: TokenStream,
    message: &str,
) -> TokenStream {
    let tokens = at.to_token_stream();
    let first = tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    let last = tokens.into_iter().last().map_or(first, |t| t.span());
    let mut args = Group::new(Delimiter::Parenthesis, quote!(#cond, "{}", #message));
    args.set_span(last);
    let path = respan(quote!(#p::core::assert!), first);
    quote!(#path #args;)
}

/// `tokens` with every token (nested ones included) spanned at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut new = Group::new(group.delimiter(), respan(group.stream(), span));
                new.set_span(span);
                tree = TokenTree::Group(new);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// Whether a field of type `ty` is plainly of a small, fixed size whatever its parameters: a
/// primitive, a reference or pointer, a `fn` pointer, `String`, a `Vec`, `Box`, `Rc` or `Arc` of
/// anything, or a tuple or `Option` of such types. Read from the tokens: a user type named like
/// one of these (a huge `struct Vec`) is taken for the standard one, and is then reported by
/// `fits_in_memory`'s `size_of`, inside `core`, as before `type_exists` existed.
fn fixed_size(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(_) | syn::Type::Ptr(_) | syn::Type::BareFn(_) => true,
        syn::Type::Paren(inner) => fixed_size(&inner.elem),
        syn::Type::Group(inner) => fixed_size(&inner.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter().all(fixed_size),
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            let args: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => args
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        syn::GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            match last.ident.to_string().as_str() {
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
                | "i128" | "isize" | "f32" | "f64" | "bool" | "char" | "String" => args.is_empty(),
                "Vec" | "Box" | "Rc" | "Arc" => true,
                "Option" => args.iter().all(|ty| fixed_size(ty)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The struct's type with every lifetime set to `'static`, when it has no type or const
/// parameters; checks that need the type can then be free `const _` items, evaluated eagerly.
fn concrete_type(input: &Input) -> Option<TokenStream> {
    if input.has_type_or_const_params() {
        return None;
    }
    let ident = input.ident;
    let lifetimes: Vec<Lifetime> = input
        .generics
        .lifetimes()
        .map(|_| Lifetime::new("'static", Span::call_site()))
        .collect();
    Some(if lifetimes.is_empty() {
        quote!(#ident)
    } else {
        quote!(#ident<#(#lifetimes),*>)
    })
}

/// Whether `expr` names one of the struct's type or const parameters (then a check using it
/// must live in the generic impl).
fn mentions_params(expr: &Expr, input: &Input) -> bool {
    let params: Vec<&Ident> = input
        .generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(t) => Some(&t.ident),
            GenericParam::Const(c) => Some(&c.ident),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    fn walk(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => params.iter().any(|p| **p == ident),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(expr.to_token_stream(), &params)
}

/// `impl FieldReset for T`, one statement per field, each spanned on the user's tokens so a
/// type error lands on the field or option at fault.
///
/// `p` is the path of the runtime's `__private` module (a pool arena's alias of it).
pub(crate) fn field_reset(input: &Input, p: &TokenStream) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let statements = input.fields().iter().map(|field| {
        let member = &field.member;
        let ty = field.ty;
        match field.attrs.reset.as_ref().map(|(option, _)| option) {
            // A field of a `repr(packed)` type may be unaligned: no `&mut` to it (E0793), but an
            // assignment is fine (the old value is moved to an aligned place and dropped there).
            // The options that need a `&mut` were rejected by `valid.rs`.
            None if input.packed.is_some() => quote_spanned! {ty.span()=>
                self.#member = <#ty as #p::PoolFieldDefault>::pool_field_default();
            },
            // No option: `Default::default()`, through a helper whose bound carries the message
            // ("has no `Default`... give the field a reset option"), pointed at the field's type.
            None => quote_spanned! {ty.span()=>
                #p::reset_to_default::<#ty>(&mut self.#member);
            },
            // The user's own `clear` token is the method name: "no method named `clear`" then
            // points at `#[arena(clear)]`.
            Some(ResetOption::Clear(clear)) => quote_spanned! {clear.span()=>
                self.#member.#clear();
            },
            Some(ResetOption::Assign(expr)) => quote_spanned! {expr.span()=>
                self.#member = #expr;
            },
            Some(ResetOption::With(path)) => quote_spanned! {path.span()=>
                (#path)(&mut self.#member);
            },
            Some(ResetOption::Keep) => quote!(),
            // Through a helper whose bound says how to get `FieldReset`, on the field's type.
            Some(ResetOption::Nested(_)) => quote_spanned! {ty.span()=>
                #p::reset_nested::<#ty>(&mut self.#member);
            },
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::FieldReset for #ident #ty_generics #where_clause {
            // `reset_with = |v| …` is called in place, which is what the user wrote.
            #[allow(clippy::redundant_closure_call)]
            fn reset_fields(&mut self) {
                #(#statements)*
            }
        }
    }
}

/// The rustdoc of the generated items.
///
/// Prose only, no code blocks: a code block here would become a doctest of the user's crate.
struct Docs {
    /// `Particle`.
    ident: String,
    /// `ParticleArena`.
    name: String,
    /// `4096`, or the expression as written.
    capacity: String,
    /// Whether the capacity is a plain number (reads as "up to 4096").
    numeric: bool,
    /// `atomicarena` (the crate path for intra-doc links, without a leading `::`).
    krate: String,
    kind: Kind,
    no_drop: bool,
    /// `heap`: a capacity chosen at run time.
    heap: bool,
    /// Whether the type has generic parameters (then `static A: Name = ...` would not compile).
    generic: bool,
}

impl Docs {
    fn new(input: &Input, arena: &Arena, kind: Kind, capacity: &TokenStream) -> Self {
        let capacity = match &arena.capacity {
            Some(expr) => valid::display_capacity(expr),
            None => capacity.to_string(),
        };
        let krate = arena.krate.to_token_stream().to_string().replace(' ', "");
        Docs {
            ident: plain(input.ident),
            name: plain(&arena.name),
            numeric: capacity.bytes().all(|b| b.is_ascii_digit() || b == b'_'),
            capacity,
            krate: krate.trim_start_matches("::").to_owned(),
            kind,
            no_drop: arena.no_drop.is_some() && kind == Kind::Bounded,
            heap: arena.heap.is_some(),
            generic: !input.generics.params.is_empty() && kind != Kind::Rounds,
        }
    }

    /// "4096" or "`4 * 1024`".
    fn n(&self) -> String {
        if self.numeric {
            self.capacity.clone()
        } else {
            format!("`{}`", self.capacity)
        }
    }

    /// The runtime kind the struct wraps: `Arena`, or with `heap` `HeapArena`...
    fn runtime(&self) -> String {
        let kind = match self.kind {
            Kind::Bounded if self.no_drop => "DroplessArena",
            Kind::Bounded => "Arena",
            Kind::Ring => "Ring",
            Kind::Pool => "Pool",
            Kind::Scoped => "ScopedArena",
            Kind::Rounds => "Rounds",
        };
        if self.heap {
            format!("Heap{kind}")
        } else {
            kind.to_owned()
        }
    }

    fn struct_doc(&self) -> String {
        let Docs {
            ident, name, krate, ..
        } = self;
        let n = if self.heap {
            // Read in "up to {n}", "the latest {n}", "{n} slots".
            "`capacity`".to_owned()
        } else {
            self.n()
        };
        let runtime = self.runtime();
        let rounds_n = if self.heap { "" } else { ", N" };
        // The runtime type's first parameter: the element type, or for `rounds` this type.
        let elem = if self.kind == Kind::Rounds {
            name
        } else {
            ident
        };
        let mut doc = match self.kind {
            Kind::Bounded => format!(
                " A bounded, lock-free arena of up to {n} [`{ident}`]s, generated by \
                 `#[derive(ArenaAlloc)]`.\n\n\
                 Any number of threads can [`alloc`]({krate}::Arena::alloc) through a shared \
                 reference: each call claims one slot with one atomic operation and returns a \
                 `&mut {ident}` that nobody else can reach. When all slots are taken, `alloc` \
                 hands the value back in [`Full`]({krate}::Full). \
                 [`reset`]({krate}::Arena::reset) drops every value and takes `&mut self`, so no \
                 reference handed out before can outlive it."
            ),
            Kind::Ring => format!(
                " A lock-free ring of the latest {n} [`{ident}`]s, generated by \
                 `#[derive(ArenaAlloc)]`.\n\n\
                 `push` never fails for lack of room: it overwrites the oldest value and returns \
                 a generation-checked handle; `get(handle)` returns a read guard, or `None` once \
                 the value was overwritten."
            ),
            Kind::Pool => format!(
                " A lock-free pool of up to {n} [`{ident}`]s that are recycled between rounds, \
                 generated by `#[derive(ArenaAlloc)]`.\n\n\
                 `take` hands out the next slot (the recycled value, or on first use \
                 `{ident}::default()` reset field by field); `reset` puts every used value back in its fresh state field by \
                 field (the derived [`FieldReset`]({krate}::FieldReset)) instead of dropping it."
            ),
            Kind::Scoped => format!(
                " A lock-free arena of [`{ident}`]s that recycles itself without `&mut`, \
                 generated by `#[derive(ArenaAlloc)]`: {n} slots in segments.\n\n\
                 [`scope`]({krate}::ScopedArena::scope) enters a segment with room, and \
                 [`Scope::alloc`]({krate}::Scope::alloc) stores a value there and returns a \
                 `&mut {ident}` that lives as long as the scope. When the last scope of a segment \
                 leaves, the segment is reset (its values dropped), so a `static` of this type \
                 serves requests or frames forever."
            ),
            Kind::Rounds => format!(
                " A reusable arena of [`{ident}`]s that borrow each other, up to {n} per round, \
                 generated by `#[derive(ArenaAlloc)]`.\n\n\
                 [`round`]({krate}::Rounds::round) lends a \
                 [`DroplessArena`]({krate}::DroplessArena) of `{ident}<'a>` for one fresh \
                 lifetime `'a` to a closure, and empties it in O(1) when the closure returns or \
                 unwinds: nothing stored in the round can outlive it, and the next round starts \
                 with every slot free. [`round_local`]({krate}::Rounds::round_local) does the \
                 same for one thread, without atomic operations. The storage is allocated once.\n\n\
                 `{name}` is also the [`ForLifetime`]({krate}::ForLifetime) marker of \
                 `{ident}<'_>` (its `Of<'a>` is `{ident}<'a>`): it wraps a \
                 `{runtime}<{name}{rounds_n}>`."
            ),
        };
        if self.no_drop {
            doc.push_str(&format!(
                "\n\nThis arena is `no_drop`: it never drops its values, which is allowed \
                 because `{ident}` has no drop glue (nothing leaks). So a value may borrow another \
                 value of the same arena (graphs, trees), which the borrow checker rejects for an \
                 arena with a destructor."
            ));
        }
        let storage = if self.heap {
            format!(
                "The storage is on the heap, with a capacity chosen at run time: \
                 `{name}::with_capacity(capacity)` allocates it once (zeroed where that is the \
                 empty state, so untouched slots cost no page), and nothing is allocated \
                 afterwards; `{name}::try_with_capacity(capacity)` returns a \
                 [`CapacityError`]({krate}::CapacityError) instead of panicking. A `static` \
                 cannot hold one (it needs the heap): use the same attribute without `heap`, \
                 and with `capacity = N`, for that"
            )
        } else if self.kind == Kind::Rounds {
            // A round takes `&mut self`: a `static` would be of no use.
            "The storage is inline".to_owned()
        } else if self.generic {
            format!(
                "The storage is inline, so a `{name}` with concrete type arguments can be a \
                 `static`"
            )
        } else {
            format!("The storage is inline: `static A: {name} = {name}::new();` needs no heap")
        };
        let (boxed, params) = if self.heap {
            (".", "")
        } else {
            (
                "; `{name}::new_boxed()` builds a large one directly on the heap.",
                ", N",
            )
        };
        let boxed = boxed.replace("{name}", name);
        doc.push_str(&format!(
            "\n\n{storage}{boxed}\n\n\
             `{name}` dereferences to [`{krate}::{runtime}<{elem}{params}>`]({krate}::{runtime}), \
             which has the whole API. It is a type of your crate: add `impl {name} {{ ... }}` \
             blocks and trait impls as you like."
        ));
        doc
    }

    fn with_capacity_doc(&self) -> String {
        let runtime = self.runtime();
        format!(
            " Creates an empty `{name}` of `capacity` slots, allocated on the heap now and never \
             again.\n\n\
             # Panics\n\n\
             As [`{runtime}::with_capacity`]({krate}::{runtime}::with_capacity), whose message \
             it gives: when `capacity` is 0, or the storage does not fit in `isize::MAX` bytes; \
             an allocation failure calls `handle_alloc_error`, as `Vec` does. \
             `try_with_capacity` returns an error instead.",
            name = self.name,
            krate = self.krate,
        )
    }

    fn try_doc(&self) -> String {
        let runtime = self.runtime();
        format!(
            " Creates an empty `{name}` of `capacity` slots, or says why it cannot.\n\n\
             # Errors\n\n\
             As [`{runtime}::try_with_capacity`]({krate}::{runtime}::try_with_capacity): \
             [`CapacityError`]({krate}::CapacityError) `Zero`, `TooLarge` or `AllocFailed`; \
             nothing stays allocated then.",
            name = self.name,
            krate = self.krate,
        )
    }

    fn capacity_doc(&self) -> String {
        format!(" The number of slots, {}.", self.n())
    }

    fn new_doc(&self) -> String {
        if self.kind == Kind::Rounds {
            return format!(
                " Creates an empty `{}`: the storage of every round. A `const fn`.\n\n\
                 It is built where it is returned, which for a local variable is the stack; for \
                 large capacities prefer `new_boxed()`.",
                self.name
            );
        }
        format!(
            " Creates an empty `{}`. A `const fn`: the arena can be a `static`.\n\n\
             The arena is built where it is returned, which for a local variable is the stack; \
             for large capacities prefer a `static` or `new_boxed()`.",
            self.name
        )
    }

    fn new_boxed_doc(&self) -> String {
        format!(
            " Creates an empty `{}` directly on the heap, with no temporary on the stack, so \
             that capacities of millions of slots work on any thread.",
            self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::fixed_size;

    #[test]
    fn fixed_size_types_are_those_whose_size_does_not_depend_on_a_parameter() {
        let yes: [syn::Type; 7] = [
            syn::parse_quote!(u64),
            syn::parse_quote!(String),
            syn::parse_quote!(Vec<[u8; usize::MAX]>),
            syn::parse_quote!(&'a Node<'a>),
            syn::parse_quote!(Option<Box<Huge>>),
            syn::parse_quote!((u8, *const Huge, fn(Huge))),
            syn::parse_quote!(std::sync::Arc<Huge>),
        ];
        for ty in &yes {
            assert!(fixed_size(ty), "{}", quote::quote!(#ty));
        }
        let no: [syn::Type; 4] = [
            syn::parse_quote!([u8; 4]),
            syn::parse_quote!(Huge),
            syn::parse_quote!(Option<Huge>),
            syn::parse_quote!(T),
        ];
        for ty in &no {
            assert!(!fixed_size(ty), "{}", quote::quote!(#ty));
        }
    }
}
