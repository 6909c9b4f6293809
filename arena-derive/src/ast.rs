//! A borrowed, typed view of the derive input (thiserror's `ast.rs`): the struct or enum, its
//! fields with their reset options, and one [`Arena`] per `#[arena(...)]` attribute with
//! defaults filled in.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::{
    Data, DeriveInput, Expr, Generics, Ident, Lifetime, Member, Meta, Path, Token,
    TraitBoundModifier, Type, TypeParamBound, WherePredicate,
};

use crate::attr::{self, FieldAttr};
use crate::ctxt::Ctxt;

/// The derive input.
pub(crate) struct Input<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) shape: Shape<'a>,
    /// The `packed` of `#[repr(packed)]` (or `packed(N)`), if any: fields may then be unaligned,
    /// so a pool's field-wise reset cannot take `&mut` to them.
    pub(crate) packed: Option<TokenStream>,
    /// One per `#[arena(...)]` attribute, in source order.
    pub(crate) arenas: Vec<Arena>,
    /// The type-level `#[arena(crate = "...")]`, or `::atomicarena`: the runtime for the
    /// fallback's stubs when there is no arena attribute.
    pub(crate) krate: Path,
}

/// What kind of item the derive is on.
pub(crate) enum Shape<'a> {
    /// A struct (named, tuple or unit), with its fields.
    Struct(Vec<Field<'a>>),
    /// An enum: every kind but `pool` (a field-wise reset needs fields); the `#[arena(...)]`
    /// attributes found on its variants and their fields, which do nothing there (reported).
    Enum(Vec<Misplaced>),
    /// A union: not supported; the `union` keyword, to point the error at it.
    Union(TokenStream),
}

/// An `#[arena(...)]` attribute where it means nothing: on an enum variant, or on a field of
/// one.
pub(crate) struct Misplaced {
    pub(crate) attr: TokenStream,
    /// `true` on a variant's field, `false` on the variant itself.
    pub(crate) on_field: bool,
}

/// One field of the struct.
pub(crate) struct Field<'a> {
    /// `self.#member`.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttr,
}

/// The runtime kinds (`no_drop` is a variant of `Bounded`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bounded,
    Ring,
    Pool,
    Scoped,
    /// `rounds`: a `Rounds` of the type, reused round after round (a `DroplessArena` per
    /// round, so `no_drop` is implied).
    Rounds,
}

/// One arena to generate, from one `#[arena(...)]` attribute.
pub(crate) struct Arena {
    /// The attribute, for errors about it as a whole.
    pub(crate) tokens: TokenStream,
    /// The generated struct's name: `name = ...`, or by kind `{Type}Arena`, `{Type}Ring`,
    /// `{Type}Pool`, `{Type}ScopedArena`, with the type's span.
    pub(crate) name: Ident,
    /// Whether `name` was written by the user (errors then point at it).
    pub(crate) name_given: bool,
    pub(crate) kind: Kind,
    /// The `ring`, `pool` or `scoped` keyword that chose the kind (the first, if two were
    /// given).
    pub(crate) kind_token: Option<Ident>,
    pub(crate) no_drop: Option<Ident>,
    /// The second of `ring`, `pool` and `scoped` that was given, when two were.
    pub(crate) second_kind: Option<Ident>,
    /// The third of them, when all three were given.
    pub(crate) third_kind: Option<Ident>,
    pub(crate) capacity: Option<Expr>,
    /// The option that gave the capacity with its value (`capacity = 64`, `ring = 64`), for
    /// errors.
    pub(crate) capacity_tokens: Option<TokenStream>,
    /// The `heap` keyword: the capacity is chosen at run time (`with_capacity(n)`), and the
    /// struct wraps the runtime's heap kind (`HeapArena<T>`...).
    pub(crate) heap: Option<Ident>,
    /// The runtime crate: `crate = "..."`, or `::atomicarena`.
    pub(crate) krate: Path,
    /// The attribute's syntax was broken (see `attr::ArenaAttr::malformed`).
    pub(crate) malformed: bool,
}

impl<'a> Input<'a> {
    /// Builds the view; reading errors go to `cx`, and what could be read is still returned.
    pub(crate) fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let shape = match &input.data {
            Data::Struct(data) => Shape::Struct(
                data.fields
                    .iter()
                    .enumerate()
                    .map(|(i, field)| Field {
                        member: match &field.ident {
                            Some(ident) => Member::Named(ident.clone()),
                            None => Member::Unnamed(i.into()),
                        },
                        ty: &field.ty,
                        attrs: attr::field_attr(cx, &field.attrs),
                    })
                    .collect(),
            ),
            Data::Enum(data) => Shape::Enum(misplaced(data)),
            Data::Union(data) => {
                let token = &data.union_token;
                Shape::Union(quote!(#token))
            }
        };
        let type_attrs = attr::struct_attrs(cx, &input.attrs);
        let type_krate = type_attrs.krate.map(|(path, _)| path);
        let arenas = type_attrs
            .arenas
            .into_iter()
            .map(|a| {
                let kind = if a.pool.is_some() {
                    Kind::Pool
                } else if a.ring.is_some() {
                    Kind::Ring
                } else if a.scoped.is_some() {
                    Kind::Scoped
                } else if a.rounds.is_some() {
                    Kind::Rounds
                } else {
                    Kind::Bounded
                };
                // The kind keyword that came first: the one given that is not `second_kind`
                // (which is the second one written, when two were given).
                let kind_token = [&a.pool, &a.ring, &a.scoped, &a.rounds]
                    .into_iter()
                    .flatten()
                    .find(|token| a.second_kind.as_ref() != Some(*token))
                    .cloned();
                let heap = a.heap.is_some();
                let no_drop = a.no_drop.is_some();
                Arena {
                    name_given: a.name.is_some(),
                    name: a
                        .name
                        .unwrap_or_else(|| default_name(&input.ident, kind, heap, no_drop)),
                    kind,
                    kind_token,
                    no_drop: a.no_drop,
                    second_kind: a.second_kind,
                    capacity: a.capacity,
                    capacity_tokens: a.capacity_tokens,
                    heap: a.heap,
                    krate: a
                        .krate
                        .map(|(path, _)| path)
                        .or_else(|| type_krate.as_ref().map(copy_path))
                        .unwrap_or_else(default_krate),
                    third_kind: a.third_kind,
                    tokens: a.tokens,
                    malformed: a.malformed,
                }
            })
            .collect();
        Input {
            original: input,
            ident: &input.ident,
            generics: &input.generics,
            shape,
            packed: packed(input),
            arenas,
            krate: type_krate.unwrap_or_else(default_krate),
        }
    }

    /// The fields, or none for an enum or union.
    pub(crate) fn fields(&self) -> &[Field<'a>] {
        match &self.shape {
            Shape::Struct(fields) => fields,
            Shape::Enum(_) | Shape::Union(_) => &[],
        }
    }

    /// Whether some attribute asks for a pool arena.
    pub(crate) fn has_pool(&self) -> bool {
        self.arenas.iter().any(|a| a.kind == Kind::Pool)
    }

    /// The last field's type and what it is, when it makes the type unsized as written: a
    /// slice, `str`, a trait object, or a type parameter declared `?Sized`.
    pub(crate) fn unsized_field(&self) -> Option<(&'a Type, &'static str)> {
        let last = self.fields().last()?;
        let kind = match last.ty {
            Type::Slice(_) => "a slice",
            Type::TraitObject(_) => "a trait object",
            Type::Path(path) if path.path.is_ident("str") => "`str`",
            Type::Path(path) if self.is_maybe_sized_param(&path.path) => {
                "a type parameter declared `?Sized`"
            }
            _ => return None,
        };
        Some((last.ty, kind))
    }

    /// Whether `path` is a type parameter with a `?Sized` bound (in `<...>` or in `where`).
    fn is_maybe_sized_param(&self, path: &Path) -> bool {
        let Some(name) = path.get_ident() else {
            return false;
        };
        let declared = self
            .generics
            .type_params()
            .filter(|param| param.ident == *name)
            .flat_map(|param| param.bounds.iter());
        let in_where = self
            .generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter())
            .filter_map(|pred| match pred {
                WherePredicate::Type(t)
                    if matches!(&t.bounded_ty, Type::Path(p) if p.path.is_ident(name)) =>
                {
                    Some(t.bounds.iter())
                }
                _ => None,
            })
            .flatten();
        declared.chain(in_where).any(|bound| {
            matches!(bound, TypeParamBound::Trait(t) if matches!(t.modifier, TraitBoundModifier::Maybe(_)))
        })
    }

    /// Whether the type has type or const parameters (lifetimes alone do not count: checks
    /// can then name the type with `'static` and run eagerly).
    pub(crate) fn has_type_or_const_params(&self) -> bool {
        self.generics.type_params().next().is_some()
            || self.generics.const_params().next().is_some()
    }
}

impl Arena {
    /// The arena an attribute-less `#[derive(ArenaAlloc)]` would most likely have meant: bounded,
    /// default name and crate, no capacity (for the fallback).
    pub(crate) fn implicit(ident: &Ident, krate: &Path) -> Self {
        Arena {
            tokens: TokenStream::new(),
            name: default_name(ident, Kind::Bounded, false, false),
            name_given: false,
            kind: Kind::Bounded,
            kind_token: None,
            no_drop: None,
            second_kind: None,
            third_kind: None,
            capacity: None,
            capacity_tokens: None,
            heap: None,
            krate: copy_path(krate),
            malformed: false,
        }
    }
}

/// The default name of the generated type, by kind: `{Type}Arena` (bounded, `no_drop`
/// included), `{Type}Ring`, `{Type}Pool`, `{Type}ScopedArena`, `{Type}Rounds`; so one type can
/// carry one attribute of each kind without `name = ...`. With `heap`, the runtime's heap
/// names: `{Type}HeapArena`, `{Type}HeapDroplessArena` (`no_drop`), `{Type}HeapRing`,
/// `{Type}HeapPool`, `{Type}HeapScopedArena`, `{Type}HeapRounds`; so an inline and a heap
/// arena of one kind can sit side by side too. Spanned on the type's name so that "go to
/// definition" lands on it. A raw identifier loses its `r#` (`r#Match` gives `MatchArena`).
pub(crate) fn default_name(ident: &Ident, kind: Kind, heap: bool, no_drop: bool) -> Ident {
    let suffix = match kind {
        Kind::Bounded if heap && no_drop => "DroplessArena",
        Kind::Bounded => "Arena",
        Kind::Ring => "Ring",
        Kind::Pool => "Pool",
        Kind::Scoped => "ScopedArena",
        Kind::Rounds => "Rounds",
    };
    let heap = if heap { "Heap" } else { "" };
    format_ident!("{}{}{}", ident.unraw(), heap, suffix, span = ident.span())
}

/// The identifier as a user reads it: without the `r#` of a raw identifier.
pub(crate) fn plain(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// The `#[arena(...)]` attributes on an enum's variants and on their fields.
fn misplaced(data: &syn::DataEnum) -> Vec<Misplaced> {
    let arena_attrs = |attrs: &[syn::Attribute], on_field: bool| -> Vec<Misplaced> {
        attrs
            .iter()
            .filter(|attr| attr.path().is_ident("arena"))
            .map(|attr| Misplaced {
                attr: attr.to_token_stream(),
                on_field,
            })
            .collect()
    };
    data.variants
        .iter()
        .flat_map(|variant| {
            let mut found = arena_attrs(&variant.attrs, false);
            for field in &variant.fields {
                found.extend(arena_attrs(&field.attrs, true));
            }
            found
        })
        .collect()
}

/// The `packed` token of a `#[repr(..., packed, ...)]` or `#[repr(packed(N))]` attribute.
fn packed(input: &DeriveInput) -> Option<TokenStream> {
    input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("repr"))
        .filter_map(|attr| match &attr.meta {
            Meta::List(list) => list
                .parse_args_with(syn::punctuated::Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok(),
            _ => None,
        })
        .flatten()
        .find(|meta| meta.path().is_ident("packed"))
        .map(|meta| meta.path().to_token_stream())
}

/// `'base`, or `'base_`, `'base__`...: a lifetime that is not a parameter of `generics`, for a
/// generated impl that adds one (a type may have a lifetime named `'__atomicarena`).
pub(crate) fn fresh_lifetime(generics: &Generics, base: &str) -> Lifetime {
    let taken: Vec<String> = generics
        .lifetimes()
        .map(|l| l.lifetime.ident.to_string())
        .collect();
    let mut name = base.to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    Lifetime::new(&format!("'{name}"), Span::call_site())
}

/// `base`, or `base_`, `base__`...: an identifier that is not a type or const parameter of
/// `generics`, for a generated method that adds a type parameter.
pub(crate) fn fresh_ident(generics: &Generics, base: &str) -> Ident {
    let taken: Vec<String> = generics
        .type_params()
        .map(|t| t.ident.to_string())
        .chain(generics.const_params().map(|c| c.ident.to_string()))
        .collect();
    let mut name = base.to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    Ident::new(&name, Span::call_site())
}

/// A copy of `path` (syn's `Clone` impls are not enabled, to keep the derive's build small).
fn copy_path(path: &Path) -> Path {
    syn::parse_quote!(#path)
}

/// `::atomicarena`.
pub(crate) fn default_krate() -> Path {
    let ident = Ident::new("atomicarena", Span::call_site());
    syn::parse_quote!(::#ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(tokens: TokenStream) -> DeriveInput {
        syn::parse2(tokens).unwrap()
    }

    #[test]
    fn default_names_follow_the_kind_and_drop_r_hash() {
        let ident: Ident = syn::parse_quote!(r#Match);
        let name = |kind, heap, no_drop| default_name(&ident, kind, heap, no_drop).to_string();
        assert_eq!(name(Kind::Bounded, false, false), "MatchArena");
        assert_eq!(name(Kind::Bounded, false, true), "MatchArena");
        assert_eq!(name(Kind::Ring, false, false), "MatchRing");
        assert_eq!(name(Kind::Pool, false, false), "MatchPool");
        assert_eq!(name(Kind::Scoped, false, false), "MatchScopedArena");
        assert_eq!(name(Kind::Rounds, false, false), "MatchRounds");
        assert_eq!(name(Kind::Bounded, true, false), "MatchHeapArena");
        assert_eq!(name(Kind::Bounded, true, true), "MatchHeapDroplessArena");
        assert_eq!(name(Kind::Ring, true, false), "MatchHeapRing");
        assert_eq!(name(Kind::Pool, true, false), "MatchHeapPool");
        assert_eq!(name(Kind::Scoped, true, false), "MatchHeapScopedArena");
        assert_eq!(name(Kind::Rounds, true, false), "MatchHeapRounds");
        assert_eq!(plain(&ident), "Match");
    }

    #[test]
    fn packed_is_found_in_any_repr() {
        let packed = |tokens| packed(&input(tokens)).map(|t| t.to_string());
        assert_eq!(
            packed(quote!(
                #[repr(packed)]
                struct A;
            ))
            .as_deref(),
            Some("packed")
        );
        assert_eq!(
            packed(quote!(
                #[derive(Debug)]
                #[repr(C, packed(2))]
                struct A;
            ))
            .as_deref(),
            Some("packed")
        );
        assert_eq!(
            packed(quote!(
                #[repr(C, align(8))]
                struct A;
            )),
            None
        );
        assert_eq!(
            packed(quote!(
                struct A;
            )),
            None
        );
    }

    #[test]
    fn a_type_level_crate_applies_to_every_arena_and_kinds_take_a_capacity() {
        let cx = Ctxt::default();
        let derive = input(quote! {
            #[arena(crate = "arena2")]
            #[arena(capacity = 4)]
            #[arena(ring = 2)]
            #[arena(pool = N * 2, crate = "other")]
            struct S { a: u8 }
        });
        let view = Input::from_syn(&cx, &derive);
        let arenas: Vec<(String, String, String)> = view
            .arenas
            .iter()
            .map(|a| {
                (
                    a.name.to_string(),
                    a.capacity.to_token_stream().to_string(),
                    a.krate.to_token_stream().to_string(),
                )
            })
            .collect();
        assert_eq!(
            arenas,
            [
                ("SArena".into(), "4".into(), "arena2".into()),
                ("SRing".into(), "2".into(), "arena2".into()),
                ("SPool".into(), "N * 2".into(), "other".into()),
            ]
        );
        assert_eq!(view.krate.to_token_stream().to_string(), "arena2");
        assert!(cx.into_error().is_none());
    }

    #[test]
    fn the_capacity_given_twice_and_a_second_type_level_crate_are_one_error_each() {
        let cx = Ctxt::default();
        let derive = input(quote! {
            #[arena(crate = "a")]
            #[arena(crate = "b")]
            #[arena(ring = 2, capacity = 3)]
            #[arena(pool = 2, pool = 3)]
            struct S { a: u8 }
        });
        let _ = Input::from_syn(&cx, &derive);
        let messages: Vec<String> = cx
            .into_error()
            .unwrap()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("duplicate type-level"));
        assert!(messages[1].starts_with("the capacity is given twice: `ring = ...`"));
        assert!(messages[2].starts_with("duplicate `pool` option"));
    }

    #[test]
    fn enums_have_a_shape_and_kinds_their_keyword() {
        let cx = Ctxt::default();
        let derive = input(quote! {
            #[arena(capacity = 4)]
            #[arena(capacity = 2, pool, ring)]
            enum E { A, B(u8) }
        });
        let view = Input::from_syn(&cx, &derive);
        assert!(matches!(view.shape, Shape::Enum(_)));
        assert!(view.fields().is_empty());
        let names: Vec<String> = view.arenas.iter().map(|a| a.name.to_string()).collect();
        assert_eq!(names, ["EArena", "EPool"]);
        let second = &view.arenas[1];
        assert_eq!(second.kind_token.as_ref().unwrap().to_string(), "pool");
        assert_eq!(second.second_kind.as_ref().unwrap().to_string(), "ring");
        assert!(cx.into_error().is_none());
    }
}
