//! `#[derive(Arenas)]`: a struct of bounded arenas with `alloc` dispatched by the value's type.
//!
//! The same phases as `ArenaAlloc`, in one module because each is a few lines: read the
//! `#[arenas(...)]` attribute and the fields (`Bundle::from_syn`), check what can be seen without
//! types (`check`: a struct, at least one field, no field type written twice, no field that is
//! plainly not an arena), then generate (`expand`, one named step per generated item), or emit
//! the errors next to a bundle that still has its whole API (so that a mistake is reported once,
//! not at every use).
//!
//! What needs types is left to the compiler, through the runtime's traits (see
//! `atomicarena::__private::{BoundedArena, Holds}` and the runtime's `bundle.rs`), with code
//! spanned on the field at fault:
//!
//! - a field that is not a bounded arena: `BoundedArena`'s message, on the field's type;
//! - a type no field stores: `Holds`'s message, where such a value is allocated;
//! - two fields storing one type though written differently (`Arena<u32, 4>` and `U32Arena`):
//!   a probe `Holds::<Elem, _>::arena(bundle)` per field is ambiguous (E0283), on the fields,
//!   with a note pointing at both (in a generic bundle, `Arena<T, 4>` next to `Arena<u32, 4>`
//!   is ambiguous only where a `u32` is allocated).

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, GenericParam, Ident, LitStr, Member, Path, Type};

use crate::ast::{default_krate, plain};
use crate::attr::did_you_mean;
use crate::ctxt::Ctxt;

/// The derive: read, check, generate.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let mut bundle = Bundle::from_syn(&cx, input);
    if let Some(bundle) = &mut bundle {
        check(&cx, bundle);
    }
    let error = cx.into_error().map(|e| e.to_compile_error());
    // After an error the bundle is still generated (from what could be read, without the
    // fields at fault), so that its uses add no errors of their own.
    let expanded = bundle.map(|bundle| expand(&bundle));
    quote! {
        #error
        #expanded
    }
}

/// The derive input, read.
struct Bundle<'a> {
    original: &'a DeriveInput,
    /// `#[arenas(crate = "...")]`, or `::atomicarena`.
    krate: Path,
    fields: Vec<Field<'a>>,
}

/// One field: one arena of the bundle.
struct Field<'a> {
    /// `self.#member`.
    member: Member,
    ty: &'a Type,
    /// Its position, the `K` of its `Idx<K>`.
    index: usize,
    /// What the checks found (the error is already reported when it is not `Arena`).
    state: FieldState,
}

/// What `check` found about a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldState {
    /// It may be an arena: the compiler decides (through `BoundedArena`).
    Arena,
    /// The same type is written on an earlier field (reported): the field gets no dispatch
    /// impls, so that the error is the derive's own and no conflict is reported after it.
    Duplicate,
    /// Plainly not an arena (a reference, a box, a number...; reported): the field takes no
    /// part in the generated code, which would only repeat the error.
    NotAnArena,
}

/// The options of `#[arenas(...)]`.
const OPTIONS: &[&str] = &["crate"];

impl<'a> Bundle<'a> {
    /// Reads the input; `None` (with the error recorded) when it is not a struct.
    fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let krate = read_options(cx, input);
        let fields = match &input.data {
            Data::Struct(data) => &data.fields,
            Data::Enum(data) => {
                not_a_struct(cx, input, &data.enum_token);
                return None;
            }
            Data::Union(data) => {
                not_a_struct(cx, input, &data.union_token);
                return None;
            }
        };
        Some(Bundle {
            original: input,
            krate: krate.unwrap_or_else(default_krate),
            fields: read_fields(cx, fields),
        })
    }
}

/// `#[arenas(crate = "...")]`: the runtime's path, if given.
fn read_options(cx: &Ctxt, input: &DeriveInput) -> Option<Path> {
    let mut krate = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("arenas")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value = meta.value()?;
                if !value.peek(LitStr) {
                    let expr: Expr = value.parse()?;
                    cx.error_spanned_by(
                        &expr,
                        format_args!(
                            "`crate` takes a string: `crate = \"{}\"`",
                            expr.to_token_stream().to_string().replace(' ', "")
                        ),
                    );
                    return Ok(());
                }
                let lit: LitStr = value.parse()?;
                match lit.parse::<Path>() {
                    Ok(path) if krate.is_none() => krate = Some(path),
                    Ok(_) => cx.error_spanned_by(&meta.path, "duplicate `crate` option"),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        "`crate` takes the path of the atomicarena crate as a string, e.g. \
                         `crate = \"::atomicarena\"`",
                    ),
                }
                return Ok(());
            }
            let written = meta.path.to_token_stream().to_string().replace(' ', "");
            let message = match did_you_mean(&written, OPTIONS, &[]) {
                Some(best) => format!("unknown option `{written}`: did you mean `{best}`?"),
                None => format!(
                    "unknown option `{written}`; `#[arenas(...)]` takes `crate = \"...\"` only \
                     (the arenas are the struct's fields)"
                ),
            };
            cx.error_spanned_by(&meta.path, message);
            if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                meta.input.parse::<TokenStream>()?;
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    krate
}

/// The fields, each an arena; an `#[arenas]` attribute on one is reported.
fn read_fields<'a>(cx: &Ctxt, fields: &'a syn::Fields) -> Vec<Field<'a>> {
    for field in fields {
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("arenas")) {
            cx.error_spanned_by(
                attr,
                "`#[arenas(...)]` goes on the struct, not on a field: each field is an arena \
                 of its own type, with no options",
            );
        }
    }
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| Field {
            member: match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(index.into()),
            },
            ty: &field.ty,
            index,
            state: FieldState::Arena,
        })
        .collect()
}

fn not_a_struct(cx: &Ctxt, input: &DeriveInput, keyword: &dyn ToTokens) {
    cx.error_spanned_by(
        keyword,
        format_args!(
            "`Arenas` can be derived for a struct whose fields are bounded arenas, not for an enum \
             or a union; write `struct {} {{ ... }}` with one arena field per type",
            plain(&input.ident)
        ),
    );
}

/// Records what is wrong without types; marks the fields at fault.
fn check(cx: &Ctxt, bundle: &mut Bundle) {
    check_has_fields(cx, bundle);
    mark_non_arenas(cx, bundle);
    mark_duplicates(cx, bundle);
}

/// A bundle with no field stores nothing.
fn check_has_fields(cx: &Ctxt, bundle: &Bundle) {
    if bundle.fields.is_empty() {
        let ident = plain(&bundle.original.ident);
        cx.error_spanned_by(
            &bundle.original.ident,
            format_args!(
                "`{ident}` has no field: a bundle's fields are its arenas, one per type it stores \
                 (e.g. `exprs: ExprArena`, `spans: atomicarena::Arena<Span, 4096>`)"
            ),
        );
    }
}

/// Marks (and reports, once each, on the field) the fields whose type is plainly not an arena,
/// whatever the types mean: a reference, a pointer, a `Box`, `Rc` or `Arc`, a tuple, array or
/// slice, a primitive, a `String`, `Vec` or `Option`.
fn mark_non_arenas(cx: &Ctxt, bundle: &mut Bundle) {
    let ident = plain(&bundle.original.ident);
    for field in &mut bundle.fields {
        if let Some(message) = non_arena(field.ty, &ident) {
            cx.error_spanned_by(field.ty, message);
            field.state = FieldState::NotAnArena;
        }
    }
}

/// Why `ty` cannot be a bounded arena, if that shows in how it is written.
fn non_arena(ty: &Type, bundle: &str) -> Option<String> {
    let written = |ty: &dyn ToTokens| display_type(&ty.to_token_stream().to_string());
    match ty {
        Type::Reference(r) => Some(format!(
            "a field of a bundle is an arena, not a reference to one: write `{}` (the bundle owns \
             its arenas; share the bundle itself, `&{bundle}`)",
            written(&r.elem)
        )),
        Type::Ptr(_) => Some(format!(
            "a field of a bundle is an arena, not a pointer to one: write the arena's type \
             (`{}` is not a bounded arena)",
            written(ty)
        )),
        Type::Group(g) => non_arena(&g.elem, bundle),
        Type::Paren(p) => non_arena(&p.elem, bundle),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            let inner = match &last.arguments {
                syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
                    Some(written(&args.args))
                }
                _ => None,
            };
            if let Some(message) = heap_arena(&name, &last.arguments, &written(ty)) {
                return Some(message);
            }
            match (name.as_str(), inner) {
                ("Box" | "Rc" | "Arc", Some(inner)) => Some(format!(
                    "a bundle stores its arenas inline, not behind a `{name}`: write `{inner}`, \
                     and box the whole bundle with `{bundle}::new_boxed()` if it is large"
                )),
                (
                    "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
                    | "i128" | "isize" | "f32" | "f64" | "bool" | "char" | "str" | "String" | "Vec"
                    | "Option",
                    _,
                ) if path.path.segments.len() == 1 => Some(not_an_arena(&written(ty))),
                _ => None,
            }
        }
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) | Type::BareFn(_) | Type::Never(_) => {
            Some(not_an_arena(&written(ty)))
        }
        Type::TraitObject(_) | Type::ImplTrait(_) => Some(not_an_arena(&written(ty))),
        _ => None,
    }
}

/// Why a runtime heap kind (`HeapArena<T>`, `ArenaIn<T, Heap>`...) cannot be a field: a bundle
/// is built by a `const fn new()` or zeroed on the heap, so its arenas are inline. A type that
/// `#[derive(ArenaAlloc)]` generated with `heap` has no such name: it is reported by the
/// compiler (it is not a `BoundedArena`).
fn heap_arena(name: &str, arguments: &syn::PathArguments, written: &str) -> Option<String> {
    let syn::PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    let elem = args
        .args
        .first()
        .map(|a| display_type(&a.to_token_stream().to_string()));
    let elem = elem.as_deref().unwrap_or("T");
    let inline = match name {
        "HeapArena" | "HeapDroplessArena" | "HeapRing" | "HeapPool" | "HeapScopedArena"
        | "HeapRounds"
            if args.args.len() == 1 =>
        {
            &name["Heap".len()..]
        }
        "ArenaIn" | "DroplessArenaIn" | "RingIn" | "PoolIn" | "ScopedArenaIn" | "RoundsIn"
            if args.args.len() == 2
                && matches!(&args.args[1], syn::GenericArgument::Type(Type::Path(p))
                    if p.path.segments.last().is_some_and(|s| s.ident == "Heap")) =>
        {
            &name[..name.len() - "In".len()]
        }
        _ => return None,
    };
    let inline = match inline {
        "Arena" | "DroplessArena" => format!("`atomicarena::{inline}<{elem}, N>`"),
        _ => format!("a bounded arena (`atomicarena::Arena<{elem}, N>`)"),
    };
    Some(format!(
        "`{written}` is a heap arena, with a capacity chosen at run time, and a \
         `#[derive(Arenas)]` bundle keeps its arenas inline, with capacities fixed at compile \
         time (it is built by `const fn new()` or zeroed by `new_boxed()`): write {inline} \
         instead, or keep the heap arena outside the bundle"
    ))
}

/// The message for a field type that is data, not an arena.
fn not_an_arena(ty: &str) -> String {
    format!(
        "`{ty}` is not a bounded arena, so it cannot be a field of a `#[derive(Arenas)]` bundle: \
         a bundle's fields are `atomicarena::Arena<T, N>`, `atomicarena::DroplessArena<T, N>`, \
         or types generated by `#[derive(ArenaAlloc)]` without `ring`, `pool` or `scoped`; keep \
         other data outside the bundle"
    )
}

/// A type as written, with rustc's spacing: `Arena<u32, 4>`, `&'a NameArena`.
fn display_type(tokens: &str) -> String {
    tokens
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" , ", ", ")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("& ", "&")
        .replace("' ", "'")
}

/// Marks the fields whose type is written exactly as an earlier field's, and reports them.
fn mark_duplicates(cx: &Ctxt, bundle: &mut Bundle) {
    let ident = plain(&bundle.original.ident);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for field in &mut bundle.fields {
        if field.state == FieldState::NotAnArena {
            continue;
        }
        let key = field.ty.to_token_stream().to_string();
        let name = member_name(&field.member);
        match seen.get(&key) {
            Some(first) => {
                cx.error_spanned_by(
                    field.ty,
                    format_args!(
                        "fields `{first}` and `{name}` of `{ident}` are both `{}`: a bundle sends \
                         each value to the one field that stores its type, so each type gets one \
                         arena; remove `{name}` (or give it another element type)",
                        key.replace(" < ", "<")
                            .replace(" >", ">")
                            .replace(" , ", ", ")
                            .replace(" :: ", "::")
                    ),
                );
                field.state = FieldState::Duplicate;
            }
            None => {
                seen.insert(key, name);
            }
        }
    }
}

/// `exprs`, or `0` for a tuple field.
fn member_name(member: &Member) -> String {
    match member {
        Member::Named(ident) => plain(ident),
        Member::Unnamed(index) => index.index.to_string(),
    }
}

/// What every generation step needs: the bundle, and the names it uses.
struct Gen<'a> {
    bundle: &'a Bundle<'a>,
    /// `__atomicarena`: inside the `const _` block, `use #krate::__private as __atomicarena;`.
    p: TokenStream,
    /// The bundle's name as a user reads it, for docs.
    name: String,
}

impl Gen<'_> {
    /// The fields that take part in the generated code (those plainly not an arena do not).
    fn arenas(&self) -> impl Iterator<Item = &Field<'_>> {
        self.bundle
            .fields
            .iter()
            .filter(|f| f.state != FieldState::NotAnArena)
    }

    /// The fields that get a dispatch impl (one per type).
    fn dispatched(&self) -> impl Iterator<Item = &Field<'_>> {
        self.bundle
            .fields
            .iter()
            .filter(|f| f.state == FieldState::Arena)
    }
}

/// The bundle's inherent API, `Default`, its `Zeroable` proof and the dispatch impls, in one
/// `const _` block that names the runtime once.
fn expand(bundle: &Bundle) -> TokenStream {
    let g = Gen {
        bundle,
        p: quote!(__atomicarena),
        name: plain(&bundle.original.ident),
    };
    let krate = &bundle.krate;
    let inherent = inherent_api(&g);
    let new_boxed = new_boxed(&g);
    let default = default_impl(&g);
    let zeroable = zeroable_impl(&g);
    let holds = holds_impls(&g);
    let probe = one_field_per_type_probe(&g);
    let field_checks = field_checks(&g);
    quote! {
        const _: () = {
            #[allow(unused_imports)]
            use #krate::__private as __atomicarena;

            #inherent
            #new_boxed
            #default
            #zeroable
            #holds
            #probe
            #field_checks
        };
    }
}

/// `new`, `alloc`, `alloc_slice_copy`, `reset`, `len`, `is_empty`, `bytes_used`.
fn inherent_api(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let name = &g.name;

    // Each use of a field's type is spanned on it, so that "not a bounded arena" lands on the
    // field (and rustc reports it once: same place, same message).
    //
    // `new()` calls each field's inherent `const fn new()`, which every kind and generated type
    // has: a `const fn` cannot call a trait method on stable Rust, and an associated `const`
    // holding the empty arena would be evaluated where a generated type is defined (see
    // `BoundedArena::checks` in the runtime). A field already reported as not an arena is not
    // built (the build fails anyway, on that error).
    let new_fields = g.bundle.fields.iter().map(|f| {
        let (member, ty) = (&f.member, f.ty);
        if f.state == FieldState::NotAnArena {
            quote!(#member: #p::core::unreachable!())
        } else {
            quote_spanned!(ty.span()=> #member: <#ty>::new())
        }
    });
    let lens = g.arenas().map(|f| {
        let (member, ty) = (&f.member, f.ty);
        quote_spanned!(ty.span()=> #p::RawArena::len(<#ty as #p::BoundedArena>::raw(&self.#member)))
    });
    let bytes = g.arenas().map(|f| {
        let (member, ty) = (&f.member, f.ty);
        quote_spanned! {ty.span()=>
            #p::RawArena::bytes_used(<#ty as #p::BoundedArena>::raw(&self.#member))
        }
    });
    let resets = g.arenas().map(|f| {
        let (member, ty) = (&f.member, f.ty);
        quote_spanned! {ty.span()=>
            #p::RawArena::reset(<#ty as #p::BoundedArena>::raw_mut(&mut self.#member));
        }
    });
    // A field reported as not an arena is `unreachable!()` in `new()`; the build fails on the
    // report, and rustc would add a warning on the fields after it.
    let allow_unreachable = g
        .bundle
        .fields
        .iter()
        .any(|f| f.state == FieldState::NotAnArena)
        .then(|| quote!(#[allow(unreachable_code)]));
    // Names no parameter of the bundle has: a parameter named `__AtomicarenaT` gets a
    // `__AtomicarenaT_` next to it, not a collision.
    let t = crate::ast::fresh_ident(&input.generics, "__AtomicarenaT");
    let i = crate::ast::fresh_ident(&input.generics, "__AtomicarenaI");

    let new_doc = format!(
        " Creates an empty `{name}`: every field is its arena's `new()`. A `const fn`: the \
         bundle can be a `static`.\n\n It is built where it is returned (for a local variable, \
         the stack); for large arenas prefer a `static` or `new_boxed()`."
    );
    let alloc_doc = format!(
        " Stores `value` in the field of `{name}` that stores its type, from any thread, and \
         returns a `&mut` to it (the field's `alloc`).\n\n A type that no field stores does not \
         compile.\n\n # Errors\n\n `Err(Full(value))`, with the value handed back, when that \
         field has no slot left."
    );
    let slice_doc = format!(
        " Copies `src` into contiguous slots of the field of `{name}` that stores its element \
         type, all or nothing (the field's `alloc_slice_copy`).\n\n # Errors\n\n \
         `Err(Full(()))` when the field has not `src.len()` contiguous free slots; nothing is \
         taken then."
    );
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #new_doc]
            #[inline]
            #[must_use]
            #allow_unreachable
            pub const fn new() -> Self {
                Self { #(#new_fields,)* }
            }

            #[doc = #alloc_doc]
            #[inline]
            #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
            pub fn alloc<#t, #i>(
                &self,
                value: #t,
            ) -> #p::core::result::Result<&mut #t, #p::Full<#t>>
            where
                Self: #p::Holds<#t, #i>,
                // The index is a marker (`Idx<K>`): `'static` lets the field's type, a
                // projection through it, outlive the borrow of `self`.
                #i: 'static,
            {
                let arena = #p::Holds::<#t, #i>::arena(self);
                #p::RawArena::alloc(#p::BoundedArena::raw(arena), value)
            }

            #[doc = #slice_doc]
            #[inline]
            #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
            pub fn alloc_slice_copy<#t: #p::core::marker::Copy, #i>(
                &self,
                src: &[#t],
            ) -> #p::core::result::Result<&mut [#t], #p::Full<()>>
            where
                Self: #p::Holds<#t, #i>,
                // The index is a marker (`Idx<K>`): `'static` lets the field's type, a
                // projection through it, outlive the borrow of `self`.
                #i: 'static,
            {
                let arena = #p::Holds::<#t, #i>::arena(self);
                #p::RawArena::alloc_slice_copy(#p::BoundedArena::raw(arena), src)
            }

            /// Resets every field: drops their values (the `no_drop` ones have none to
            /// drop) and starts a new round. `&mut self`: no reference handed out before can
            /// outlive it.
            pub fn reset(&mut self) {
                #(#resets)*
            }

            /// The number of values in all the fields (a copied slice of 2 counts 2).
            #[must_use]
            pub fn len(&self) -> usize {
                0 #(+ #lens)*
            }

            /// `true` when no field holds a value.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Bytes of slot storage used this round, summed over the fields.
            #[must_use]
            pub fn bytes_used(&self) -> usize {
                0 #(+ #bytes)*
            }
        }
    }
}

/// `new_boxed()`, through the runtime's `new_boxed_bundle`, which evaluates the fields' checks.
fn new_boxed(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let name = &g.name;
    // `(F0, (F1, ()))`: the fields whose checks `new_boxed_bundle` evaluates.
    let field_list =
        g.arenas()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .fold(quote!(()), |rest, f| {
                let ty = f.ty;
                quote_spanned!(ty.span()=> (#ty, #rest))
            });
    let new_boxed_doc = format!(
        " Creates an empty `{name}` directly on the heap, with no temporary on the stack, so \
         that arenas of millions of slots work on any thread."
    );
    quote! {
        #p::if_alloc! {
            #[automatically_derived]
            impl #impl_generics #ident #ty_generics #where_clause {
                #[doc = #new_boxed_doc]
                #[must_use]
                // `for<'__z>` (see `zeroable_impl`): in a bundle with a field reported as not
                // an arena, `new_boxed` is left out instead of repeating that error here.
                pub fn new_boxed() -> #p::Box<Self>
                where
                    for<'__z> Self: #p::Zeroable,
                    for<'__z> #field_list: #p::Fields,
                {
                    // SAFETY: the list is the type of every field of `Self`, as the derive read
                    // them from the struct (whatever the runtime's path is); the function
                    // evaluates their compile-time checks, as their `new()` would.
                    unsafe { #p::new_boxed_bundle::<Self, #field_list>() }
                }
            }
        }
    }
}

/// `Default`: `new()`.
fn default_impl(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::core::default::Default for #ident #ty_generics #where_clause {
            /// Same as `new()`.
            #[inline]
            fn default() -> Self {
                Self::new()
            }
        }
    }
}

/// `unsafe impl Zeroable`, bounded on `Zeroable` for every field: what `new_boxed` relies on.
fn zeroable_impl(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let where_predicates: Vec<_> = where_clause
        .map(|w| w.predicates.iter().collect())
        .unwrap_or_default();
    // `Zeroable` first, the trait this `unsafe impl` implements, reached through the same path:
    // if the path re-exports the runtime's real `Zeroable` next to a look-alike `BoundedArena`,
    // the compiler still has to prove each field really `Zeroable`.
    //
    // Each bound is written `for<'__z>` (a lifetime it does not use): then a bound that does not
    // hold, in a bundle without type parameters, makes the impl not apply instead of being an
    // error of its own (a "trivially false" bound, E0277 at the derive); the field's error is
    // reported on the field, and `new_boxed` reports the missing `Zeroable` once.
    let field_bounds = g.arenas().map(|f| {
        let ty = f.ty;
        quote_spanned!(ty.span()=> for<'__z> #ty: #p::Zeroable + #p::BoundedArena)
    });
    // Spanned at the call site, so that the `unsafe impl` reads as the macro's code (accepted
    // in `#![forbid(unsafe_code)]` crates, like `ArenaAlloc`'s).
    let mut ident_call_site = input.ident.clone();
    ident_call_site.set_span(Span::call_site());
    quote! {
        // SAFETY: every field is `Zeroable`, the very trait implemented here (the `where`
        // clause makes the compiler prove it, through the same path, so a look-alike
        // `BoundedArena` under a user-chosen `crate = "..."` cannot vouch for a field): the
        // all-zero bytes are each field's empty arena, its `new()`. Padding may be anything.
        // So the all-zero bundle is valid and equal to `Self::new()` (each field's `new()`).
        // Hidden: the detail behind `new_boxed`.
        #[automatically_derived]
        #[doc(hidden)]
        unsafe impl #impl_generics #p::Zeroable for #ident_call_site #ty_generics
        where
            #(#field_bounds,)*
            #(#where_predicates,)*
        {}
    }
}

/// One `Holds<Elem, Idx<K>>` per field: the dispatch of `alloc` by type.
fn holds_impls(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let holds = g.dispatched().map(|f| {
        let (member, ty) = (&f.member, f.ty);
        let index = f.index;
        quote_spanned! {ty.span()=>
            #[automatically_derived]
            impl #impl_generics #p::Holds<<#ty as #p::BoundedArena>::Elem, #p::Idx<#index>>
                for #ident #ty_generics #where_clause
            {
                type Arena = #ty;
                #[inline]
                fn arena(&self) -> &#ty {
                    &self.#member
                }
            }
        }
    });
    quote!(#(#holds)*)
}

/// One field per type: for each field, the dispatch of its own element type must find one impl,
/// or rustc reports "type annotations needed" here, on the field, with a note naming the impls
/// of both fields. In a generic bundle the parameters are opaque here (`T` is not `u32`), so two
/// fields storing one type for some arguments only are reported where such a value is
/// allocated.
fn one_field_per_type_probe(g: &Gen) -> TokenStream {
    let p = &g.p;
    let input = g.bundle.original;
    let ident: &Ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let probes = g.dispatched().map(|f| {
        let ty = f.ty;
        quote_spanned! {ty.span()=>
            #p::Holds::<<#ty as #p::BoundedArena>::Elem, _>::arena(bundle);
        }
    });
    quote! {
        #[allow(dead_code, clippy::extra_unused_type_parameters)]
        fn __atomicarena_one_field_per_type #impl_generics (bundle: &#ident #ty_generics)
        #where_clause
        {
            #(#probes)*
        }
    }
}

/// The fields' compile-time checks (at least one slot, the storage fits in memory, no drop glue
/// in a `DroplessArena`), at `cargo check`: one `const _` item per field whose type does not
/// name the bundle's type or const parameters (its lifetimes are read as `'static`), asserting
/// the runtime's `BoundedArena::PROBLEM` for it, with the message on the field's type. The
/// constructors evaluate the same checks, but only when compiled (`cargo build`), and report
/// them in the runtime's source. A field whose type names a type parameter can only be checked
/// there (per instantiation).
fn field_checks(g: &Gen) -> TokenStream {
    let p = &g.p;
    let generics = &g.bundle.original.generics;
    let lifetimes: Vec<String> = generics
        .lifetimes()
        .map(|l| l.lifetime.ident.to_string())
        .collect();
    let params: Vec<String> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(t) => Some(t.ident.to_string()),
            GenericParam::Const(c) => Some(c.ident.to_string()),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    let checks = g.dispatched().filter_map(|f| {
        let ty = f.ty.to_token_stream();
        if names_any(&ty, &params) {
            return None;
        }
        let concrete = static_lifetimes(ty, &lifetimes);
        let field = member_name(&f.member);
        let written = display_type(&f.ty.to_token_stream().to_string());
        let bundle = &g.name;
        let problem = quote!(__atomicarena_problem);
        let check = |variant: &str, message: String| {
            let variant = Ident::new(variant, Span::call_site());
            let cond = quote!(!#p::core::matches!(#problem, #p::FieldProblem::#variant));
            crate::expand::spanned_assert(f.ty, p, cond, &message)
        };
        let no_slot = check(
            "NoSlot",
            format!(
                "atomicarena: the field `{field}` of `{bundle}` is an arena with no slot \
                 (`{written}`): give it a capacity of at least 1"
            ),
        );
        let too_big = check(
            "TooBig",
            format!(
                "atomicarena: the field `{field}` of `{bundle}` does not fit in memory \
                 (`{written}`): capacity × (size of a value + bookkeeping) bytes exceeds \
                 isize::MAX; lower its capacity"
            ),
        );
        let drop_glue = check(
            "DropGlue",
            format!(
                "atomicarena: the field `{field}` of `{bundle}` is a `DroplessArena` (a \
                 `no_drop` arena) of a type with drop glue (`{written}`), which never drops its \
                 values: they would leak. Use an `Arena`, or make the type free of drop glue"
            ),
        );
        Some(quote! {
            const _: () = {
                let #problem = <#concrete as #p::BoundedArena>::PROBLEM;
                #no_slot
                #too_big
                #drop_glue
            };
        })
    });
    quote!(#(#checks)*)
}

/// Whether `tokens` hold one of the identifiers `names` (a type or const parameter).
fn names_any(tokens: &TokenStream, names: &[String]) -> bool {
    !names.is_empty()
        && tokens.clone().into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => names.iter().any(|n| ident == n),
            TokenTree::Group(group) => names_any(&group.stream(), names),
            _ => false,
        })
}

/// `tokens` with the lifetimes `names` (the bundle's own) replaced by `'static`.
fn static_lifetimes(tokens: TokenStream, names: &[String]) -> TokenStream {
    let mut after_quote = false;
    tokens
        .into_iter()
        .map(|tree| {
            let tree = match tree {
                TokenTree::Group(group) => {
                    let mut new = proc_macro2::Group::new(
                        group.delimiter(),
                        static_lifetimes(group.stream(), names),
                    );
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                TokenTree::Ident(ident) if after_quote && names.iter().any(|n| ident == n) => {
                    TokenTree::Ident(Ident::new("static", ident.span()))
                }
                other => other,
            };
            after_quote = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '\'');
            tree
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundles_lifetimes_become_static_and_its_type_parameters_are_seen() {
        let ty: Type = syn::parse_quote!(Arena<(&'a str, &'b u8, &'static u16), 4>);
        let names = ["a".to_owned()];
        let replaced = static_lifetimes(ty.to_token_stream(), &names).to_string();
        assert_eq!(
            replaced,
            "Arena < (& 'static str , & 'b u8 , & 'static u16) , 4 >"
        );
        let params = ["T".to_owned()];
        let generic: Type = syn::parse_quote!(Arena<Vec<T>, 4>);
        assert!(names_any(&generic.to_token_stream(), &params));
        let plain: Type = syn::parse_quote!(Arena<Tree, 4>);
        assert!(!names_any(&plain.to_token_stream(), &params));
    }
}
