//! Building the generated code: one named struct per `#[arena(...)]` attribute, and the
//! field-wise `FieldReset` impl for pool types.
//!
//! Generated code names everything absolutely, through `#krate::__private`, so it compiles
//! whatever the user's crate has in scope. What the macro cannot see (types) is checked by the
//! compiler in code spanned on the user's tokens: `const _: () = assert!(...)` for capacities and
//! drop glue, trait-bounded calls for the pool fields.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{DeriveInput, Expr, GenericParam, Ident, Lifetime, Path};

use crate::ast::{Arena, Input, Kind};
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
                .map(|arena| field_reset(&input, &arena.krate));
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
    let p = quote!(#krate::__private);
    let ident = input.ident;
    let vis = &input.original.vis;
    let generics = input.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &arena.name;
    // The `unsafe impl` is made only of tokens spanned at the call site, so that it reads as the
    // macro's code (which it is), not the user's: `#![forbid(unsafe_code)]` crates accept it.
    let name_call_site = Ident::new(&name.to_string(), Span::call_site());

    let capacity: TokenStream = match (&arena.capacity, mode) {
        (Some(expr), Mode::Full) => expr.to_token_stream(),
        (Some(expr), Mode::Stub) if valid::capacity_problem(expr).is_none() => {
            expr.to_token_stream()
        }
        _ => quote!(1),
    };
    let no_drop = arena.no_drop.as_ref().filter(|_| kind == Kind::Bounded);

    let elem = quote!(#ident #ty_generics);
    let runtime = match kind {
        Kind::Bounded => quote!(#p::Arena<#elem, { #capacity }>),
        Kind::Ring => quote!(#p::Ring<#elem, { #capacity }>),
        Kind::Pool => quote!(#p::Pool<#elem, { #capacity }>),
    };
    let (field_ty, new_field) = match no_drop {
        Some(_) => (
            quote!(#p::core::mem::ManuallyDrop<#runtime>),
            quote!(#p::core::mem::ManuallyDrop::new(<#runtime>::new())),
        ),
        None => (runtime.clone(), quote!(<#runtime>::new())),
    };

    // Compile-time checks: eager `const _` items when the type can be named without its type and
    // const parameters; otherwise an associated const that every constructor evaluates.
    let mut eager = Vec::new();
    let mut deferred = Vec::new();
    if mode == Mode::Full {
        let concrete = concrete_type(input);
        if let Some(expr) = &arena.capacity {
            if !valid::is_int_literal(expr) {
                let message = format!(
                    "atomicarena: the capacity of `{name}` must be at least 1 (`capacity = {}`)",
                    valid::display_capacity(expr)
                );
                let check = spanned_assert(expr, quote!((#expr) > 0), &message);
                if mentions_params(expr, input) {
                    deferred.push(check);
                } else {
                    eager.push(check);
                }
            }
            // Without type parameters, report an oversized arena here, on the capacity, before
            // rustc's "too big for the current architecture" (the runtime's own check is
            // post-monomorphization and so only fires once a constructor is used).
            if let (Some(concrete), false) = (&concrete, mentions_params(expr, input)) {
                let message = format!(
                    "atomicarena: `{name}` does not fit in memory: capacity × (size_of::<{ident}>() \
                     + 1) bytes exceeds isize::MAX; lower the capacity (or box the large fields \
                     of `{ident}`)"
                );
                let fits = quote!(#p::capacity_fits::<#concrete>(#expr));
                eager.push(spanned_assert(expr, fits, &message));
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
            let check = spanned_assert(token, no_glue, &message);
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
    let name_str = name.to_string();
    let where_predicates: Vec<_> = where_clause
        .map(|w| w.predicates.iter().collect())
        .unwrap_or_default();

    quote! {
        #[doc = #struct_doc]
        #[repr(transparent)]
        #vis struct #name #generics #where_clause {
            inner: #field_ty,
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
                    Self { inner: #new_field }
                }
            }

            // `new_boxed` takes the zeroed memory as `Self` (see the `Zeroable` impl below)
            // instead of going through the runtime's `new_boxed`, which would need a cast from
            // `Box<runtime>` to `Box<Self>`. It skips the runtime's `FITS` assertion, which is
            // only a friendlier message: a `Self` whose storage exceeds `isize::MAX` bytes has
            // no layout and does not compile at all, and the capacity checks run as above.
            #p::if_alloc! {
                #[automatically_derived]
                impl #impl_generics #name #ty_generics #where_clause {
                    #[doc = #new_boxed_doc]
                    pub fn new_boxed() -> #p::Box<Self> {
                        #run_checks
                        #p::new_boxed_zeroed()
                    }
                }
            }

            #[automatically_derived]
            impl #impl_generics #p::core::ops::Deref for #name #ty_generics #where_clause {
                type Target = #runtime;
                #[inline]
                fn deref(&self) -> &Self::Target {
                    &self.inner
                }
            }

            #[automatically_derived]
            impl #impl_generics #p::core::ops::DerefMut for #name #ty_generics #where_clause {
                #[inline]
                fn deref_mut(&mut self) -> &mut Self::Target {
                    &mut self.inner
                }
            }

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
            // `#![forbid(unsafe_code)]` crate.
            #[automatically_derived]
            unsafe impl #impl_generics #p::Zeroable for #name_call_site #ty_generics
            where
                #field_ty: #p::Zeroable,
                #(#where_predicates,)*
            {}
        };
    }
}

/// `assert!(cond, message);` whose failure the compiler reports on `at`, a user's tokens.
///
/// rustc reports a failed `const` evaluation at the call site of the `assert!` that panicked,
/// so the call is built from the user's spans: its path carries the span of the first token of
/// `at`, and its parentheses the span of the last one, so the call covers `at` from start to
/// end (`usize::MAX / 2`, not just `usize`). A path with the derive's span would be reported on
/// `#[derive(ArenaAlloc)]` instead; hence also `::core` rather than the runtime's re-export.
fn spanned_assert(at: &dyn ToTokens, cond: TokenStream, message: &str) -> TokenStream {
    let tokens = at.to_token_stream();
    let first = tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    let last = tokens.into_iter().last().map_or(first, |t| t.span());
    let mut args = Group::new(Delimiter::Parenthesis, quote!(#cond, #message));
    args.set_span(last);
    quote_spanned! {first=>
        ::core::assert! #args;
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
pub(crate) fn field_reset(input: &Input, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let statements = input.fields().iter().map(|field| {
        let member = &field.member;
        let ty = field.ty;
        match field.attrs.reset.as_ref().map(|(option, _)| option) {
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
            Some(ResetOption::Nested) => quote_spanned! {ty.span()=>
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
            ident: input.ident.to_string(),
            name: arena.name.to_string(),
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
            Kind::Bounded => "Arena",
            Kind::Ring => "Ring",
            Kind::Pool => "Pool",
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
                 `take` hands out the next slot (the recycled value, or `{ident}::default()` on \
                 first use); `reset` puts every used value back in its fresh state field by \
                 field (the derived [`FieldReset`]({krate}::FieldReset)) instead of dropping it."
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
