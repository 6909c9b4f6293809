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

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{DeriveInput, Expr, GenericParam, Ident, Lifetime};

use crate::ast::{plain, Arena, Input, Kind};
use crate::attr::ResetOption;
use crate::ctxt::Ctxt;
use crate::{fallback, valid};

/// The whole derive: read, check, then generate (or fall back to stubs next to the errors).
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let input = Input::from_syn(&cx, input);
    valid::check(&cx, &input);
    match cx.into_error() {
        None => {
            let arenas = input
                .arenas
                .iter()
                .map(|arena| expand_arena(&input, arena, arena.kind, Mode::Full));
            // One `FieldReset` impl per type, however many pool attributes it has.
            let reset = input
                .arenas
                .iter()
                .find(|arena| arena.kind == Kind::Pool)
                .map(|arena| {
                    let alias = private_alias(arena);
                    field_reset(&input, &quote!(#alias))
                });
            quote! {
                #(#arenas)*
                #reset
            }
        }
        Some(error) => fallback::expand(&input, error),
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
    let krate = &arena.krate;
    // Every path into the runtime goes through one private `use` of `#krate::__private`: if the
    // runtime is not at `#krate` (a renamed dependency without `crate = "..."`), the `use` is
    // the one error, and rustc reports nothing for the paths through it.
    let alias = private_alias(arena);
    let p = quote!(#alias);
    let ident = input.ident;
    let vis = &input.original.vis;
    let generics = input.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &arena.name;
    // The `unsafe impl` is made only of tokens spanned at the call site, so that it reads as the
    // macro's code (which it is), not the user's: `#![forbid(unsafe_code)]` crates accept it.
    // The identifier is kept as it is (a raw `r#Match` stays raw), only its span changes.
    let mut name_call_site = name.clone();
    name_call_site.set_span(Span::call_site());

    // Without the user's outer parentheses: `(N + 1)` in `const CAPACITY: usize = (N + 1);`
    // would be linted as `unused_parens` on the user's tokens.
    let usable = |expr: &Expr| match mode {
        Mode::Full => true,
        Mode::Stub => {
            valid::capacity_problem(expr).is_none()
                && valid::find_self(expr.to_token_stream()).is_none()
        }
    };
    let capacity: TokenStream = match &arena.capacity {
        Some(expr) if usable(expr) => valid::strip_delimiters(expr).to_token_stream(),
        _ => quote!(1),
    };
    let no_drop = arena.no_drop.as_ref().filter(|_| kind == Kind::Bounded);

    let elem = quote!(#ident #ty_generics);
    let kind_path = runtime_kind(kind, no_drop.is_some());
    let runtime = quote!(#p::#kind_path<#elem, { #capacity }>);

    // Compile-time checks: eager `const _` items when the type can be named without its type and
    // const parameters; otherwise an associated const that every constructor evaluates. They
    // say the runtime's checks again, on the user's tokens and with the type's name; the
    // runtime's own (`Storage::CHECKS`, evaluated by its constructors) still run.
    let mut eager = Vec::new();
    let mut deferred = Vec::new();
    if mode == Mode::Full {
        let concrete = concrete_type(input);
        let name = plain(name);
        let ident = plain(ident);
        if let Some(expr) = &arena.capacity {
            let generic = mentions_params(expr, input);
            if !valid::is_int_literal(expr) {
                let message = format!(
                    "atomicarena: the capacity of `{name}` must be at least 1 (`capacity = {}`)",
                    valid::display_capacity(expr)
                );
                // Typed `usize` on its own line: `1 << 31` is then a `usize`, not an `i32`.
                let check = spanned_assert(expr, &p, quote!(__atomicarena_capacity > 0), &message);
                let check = quote! {
                    let __atomicarena_capacity: usize = #capacity;
                    #check
                };
                if generic {
                    deferred.push(check);
                } else {
                    eager.push(check);
                }
            }
            // Without type parameters, report an oversized arena here, on the capacity, before
            // rustc's "too big for the current architecture" (the runtime's own check is
            // post-monomorphization and so only fires once a constructor is used). The test is
            // the runtime's (`fits`), on the very runtime type the struct wraps.
            if let (Some(concrete), false) = (&concrete, generic) {
                let message = format!(
                    "atomicarena: `{name}` does not fit in memory: capacity × (size_of::<{ident}>() \
                     + bookkeeping) bytes exceeds isize::MAX; lower the capacity (or box the large \
                     fields of `{ident}`)"
                );
                let fits = quote!(#p::fits::<#p::#kind_path<#concrete, { #capacity }>>());
                eager.push(spanned_assert(expr, &p, fits, &message));
            }
        }
        if let Some(token) = no_drop {
            let message = format!(
                "atomicarena: `{name}` is `no_drop`, but `{ident}` has drop glue (a field owns \
                 memory or has a destructor), and a `no_drop` arena never drops its values: they \
                 would leak. Remove `no_drop`, or make the fields of `{ident}` free of drop glue \
                 (e.g. `&'a str` instead of `String`)"
            );
            let checked = concrete.clone().unwrap_or_else(|| elem.clone());
            let no_glue = quote!(!#p::core::mem::needs_drop::<#checked>());
            let check = spanned_assert(token, &p, no_glue, &message);
            if concrete.is_some() {
                eager.push(check);
            } else {
                deferred.push(check);
            }
        }
    }
    let eager = eager.iter().map(|check| quote!(const _: () = { #check };));
    let (checks_const, run_checks) = if deferred.is_empty() {
        (None, None)
    } else {
        (
            Some(quote! {
                #[doc(hidden)]
                const __ATOMICARENA_CHECKS: () = { #(#deferred)* };
            }),
            Some(quote!(let () = Self::__ATOMICARENA_CHECKS;)),
        )
    };

    let docs = Docs::new(input, arena, kind, &capacity);
    let struct_doc = docs.struct_doc();
    let capacity_doc = docs.capacity_doc();
    let new_doc = docs.new_doc();
    let new_boxed_doc = docs.new_boxed_doc();
    let name_str = plain(name);
    let where_predicates: Vec<_> = where_clause
        .map(|w| w.predicates.iter().collect())
        .unwrap_or_default();
    let iteration = into_iterator(input, name, kind, &runtime);
    let bounded = (kind == Kind::Bounded).then(|| {
        quote! {
            // What a field of a `#[derive(Arenas)]` bundle must be: forwarded to the runtime
            // type, with this type's own checks added to the runtime's.
            #[automatically_derived]
            impl #impl_generics #p::BoundedArena for #name #ty_generics #where_clause {
                type Elem = #elem;
                type Raw = <#runtime as #p::BoundedArena>::Raw;
                #[inline]
                fn checks() {
                    <#runtime as #p::BoundedArena>::checks();
                    #run_checks
                }
                #[inline]
                fn raw(&self) -> &Self::Raw {
                    #p::BoundedArena::raw(&self.inner)
                }
                #[inline]
                fn raw_mut(&mut self) -> &mut Self::Raw {
                    #p::BoundedArena::raw_mut(&mut self.inner)
                }
            }
        }
    });

    quote! {
        #[doc(hidden)]
        use #krate::__private as #alias;

        #[doc = #struct_doc]
        #[repr(transparent)]
        #vis struct #name #generics #where_clause {
            inner: #runtime,
        }

        #(#eager)*

        const _: () = {
            #[automatically_derived]
            impl #impl_generics #name #ty_generics #where_clause {
                #[doc = #capacity_doc]
                pub const CAPACITY: usize = #capacity;

                #checks_const

                #[doc = #new_doc]
                #[inline]
                pub const fn new() -> Self {
                    #run_checks
                    Self { inner: <#runtime>::new() }
                }
            }

            // The runtime's heap constructor for a wrapper: it evaluates the runtime's checks
            // (so an oversized arena is the runtime's message, not a layout error in `core`),
            // checks that `Self` has the layout of the runtime type, and builds it zeroed on
            // the heap (see the `Zeroable` impl below).
            #p::if_alloc! {
                #[automatically_derived]
                impl #impl_generics #name #ty_generics #where_clause {
                    #[doc = #new_boxed_doc]
                    pub fn new_boxed() -> #p::Box<Self> {
                        #run_checks
                        #p::new_boxed_as::<#runtime, Self>()
                    }
                }
            }

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

            #iteration

            #bounded

            #[automatically_derived]
            impl #impl_generics #p::core::default::Default for #name #ty_generics #where_clause {
                /// Same as `new()`.
                #[inline]
                fn default() -> Self {
                    Self::new()
                }
            }

            #[automatically_derived]
            impl #impl_generics #p::core::fmt::Debug for #name #ty_generics #where_clause {
                /// The runtime arena's `Debug`, under this type's name.
                fn fmt(&self, f: &mut #p::core::fmt::Formatter<'_>) -> #p::core::fmt::Result {
                    #p::fmt_renamed(f, #name_str, &**self)
                }
            }

            // SAFETY: the struct is `repr(transparent)` over its only field, and the `where`
            // clause makes the compiler prove that the field's type is `Zeroable`; so the
            // all-zero bytes are a valid value of the struct, and the same empty arena that
            // `new()` builds. This impl is what lets `new_boxed()` build the arena in place on the
            // heap. No `#[allow(unsafe_code)]`: an `unsafe impl` generated by a derive is not
            // linted in the user's crate, and an `allow` would be a hard error (E0453) in a
            // `#![forbid(unsafe_code)]` crate. Hidden: an implementation detail of `new_boxed`,
            // not something for the user's docs.
            #[automatically_derived]
            #[doc(hidden)]
            unsafe impl #impl_generics #p::Zeroable for #name_call_site #ty_generics
            where
                #runtime: #p::Zeroable,
                #(#where_predicates,)*
            {}
        };
    }
}

/// The name of the private `use` of the runtime's `__private` module for one arena:
/// `__atomicarena_private_ParticleArena` (unique, since the arena names are).
pub(crate) fn private_alias(arena: &Arena) -> Ident {
    format_ident!("__atomicarena_private_{}", plain(&arena.name))
}

/// The runtime type a kind wraps, under `__private`.
fn runtime_kind(kind: Kind, no_drop: bool) -> Ident {
    let name = match (kind, no_drop) {
        (Kind::Bounded, false) => "Arena",
        (Kind::Bounded, true) => "DroplessArena",
        (Kind::Ring, _) => "Ring",
        (Kind::Pool, _) => "Pool",
        (Kind::Scoped, _) => "ScopedArena",
    };
    Ident::new(name, Span::call_site())
}

/// `IntoIterator` for a reference to the generated type, forwarded to the same impl of the
/// runtime type: `for v in &mut arena` (bounded, `no_drop`) and `for (handle, v) in &ring`.
/// The item and iterator types are the runtime's, named through its `IntoIterator` impl.
/// A scoped arena has none (its values are reached through scopes only).
fn into_iterator(input: &Input, name: &Ident, kind: Kind, runtime: &TokenStream) -> TokenStream {
    if kind == Kind::Scoped {
        return TokenStream::new();
    }
    let lifetime = Lifetime::new("'__atomicarena", Span::call_site());
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
        Kind::Scoped => unreachable!("returned above"),
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
fn spanned_assert(
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
            generic: !input.generics.params.is_empty(),
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

    fn runtime(&self) -> &'static str {
        match self.kind {
            Kind::Bounded if self.no_drop => "DroplessArena",
            Kind::Bounded => "Arena",
            Kind::Ring => "Ring",
            Kind::Pool => "Pool",
            Kind::Scoped => "ScopedArena",
        }
    }

    fn struct_doc(&self) -> String {
        let Docs {
            ident, name, krate, ..
        } = self;
        let n = self.n();
        let runtime = self.runtime();
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
                 generated by `#[derive(ArenaAlloc)]`: two epochs of {n} slots each.\n\n\
                 [`scope`]({krate}::ScopedArena::scope) enters the current epoch, and \
                 [`Scope::alloc`]({krate}::Scope::alloc) stores a value there and returns a \
                 `&mut {ident}` that lives as long as the scope. When the last scope of an epoch \
                 leaves, the epoch is reset (its values dropped), so a `static` of this type \
                 serves requests or frames forever."
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
        let storage = if self.generic {
            format!(
                "The storage is inline, so a `{name}` with concrete type arguments can be a \
                 `static`"
            )
        } else {
            format!("The storage is inline: `static A: {name} = {name}::new();` needs no heap")
        };
        doc.push_str(&format!(
            "\n\n{storage}; `{name}::new_boxed()` builds a large one directly on the heap.\n\n\
             `{name}` dereferences to [`{krate}::{runtime}<{ident}, N>`]({krate}::{runtime}), \
             which has the whole API. It is a type of your crate: add `impl {name} {{ ... }}` \
             blocks and trait impls as you like."
        ));
        doc
    }

    fn capacity_doc(&self) -> String {
        format!(" The number of slots, {}.", self.n())
    }

    fn new_doc(&self) -> String {
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
