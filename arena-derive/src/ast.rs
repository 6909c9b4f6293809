//! A borrowed, typed view of the derive input (thiserror's `ast.rs`): the struct, its fields with
//! their reset options, and one [`Arena`] per `#[arena(...)]` attribute with defaults filled in.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Expr, Generics, Ident, Member, Path, Type};

use crate::attr::{self, FieldAttr};
use crate::ctxt::Ctxt;

/// The derive input.
pub(crate) struct Input<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) shape: Shape<'a>,
    /// One per `#[arena(...)]` attribute, in source order.
    pub(crate) arenas: Vec<Arena>,
}

/// What kind of item the derive is on.
pub(crate) enum Shape<'a> {
    /// A struct (named, tuple or unit), with its fields.
    Struct(Vec<Field<'a>>),
    /// An enum or a union: not supported; the keyword, to point the error at it.
    NotStruct(TokenStream),
}

/// One field of the struct.
pub(crate) struct Field<'a> {
    /// `self.#member`.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttr,
}

/// The three runtime kinds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bounded,
    Ring,
    Pool,
}

/// One arena to generate, from one `#[arena(...)]` attribute.
pub(crate) struct Arena {
    /// The attribute, for errors about it as a whole.
    pub(crate) tokens: TokenStream,
    /// The generated struct's name: `name = ...`, or `{Type}Arena` with the type's span.
    pub(crate) name: Ident,
    /// Whether `name` was written by the user (errors then point at it).
    pub(crate) name_given: bool,
    pub(crate) kind: Kind,
    pub(crate) no_drop: Option<Ident>,
    /// Whichever of `ring` and `pool` came second, when both were given.
    pub(crate) second_kind: Option<Ident>,
    pub(crate) capacity: Option<Expr>,
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
            Data::Enum(data) => {
                let token = &data.enum_token;
                Shape::NotStruct(quote!(#token))
            }
            Data::Union(data) => {
                let token = &data.union_token;
                Shape::NotStruct(quote!(#token))
            }
        };
        let arenas = attr::struct_attrs(cx, &input.attrs)
            .into_iter()
            .map(|a| {
                let kind = if a.pool.is_some() {
                    Kind::Pool
                } else if a.ring.is_some() {
                    Kind::Ring
                } else {
                    Kind::Bounded
                };
                Arena {
                    name_given: a.name.is_some(),
                    name: a.name.unwrap_or_else(|| default_name(&input.ident)),
                    kind,
                    no_drop: a.no_drop,
                    second_kind: a.second_kind,
                    capacity: a.capacity,
                    krate: a.krate.map_or_else(default_krate, |(path, _)| path),
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
            arenas,
        }
    }

    /// The fields, or none for an enum or union.
    pub(crate) fn fields(&self) -> &[Field<'a>] {
        match &self.shape {
            Shape::Struct(fields) => fields,
            Shape::NotStruct(_) => &[],
        }
    }

    /// Whether some attribute asks for a pool arena.
    pub(crate) fn has_pool(&self) -> bool {
        self.arenas.iter().any(|a| a.kind == Kind::Pool)
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
    pub(crate) fn implicit(ident: &Ident) -> Self {
        Arena {
            tokens: TokenStream::new(),
            name: default_name(ident),
            name_given: false,
            kind: Kind::Bounded,
            no_drop: None,
            second_kind: None,
            capacity: None,
            krate: default_krate(),
            malformed: false,
        }
    }
}

/// `{Type}Arena`, spanned on the type's name so that "go to definition" lands on the struct.
pub(crate) fn default_name(ident: &Ident) -> Ident {
    format_ident!("{}Arena", ident)
}

/// `::atomicarena`.
pub(crate) fn default_krate() -> Path {
    let ident = Ident::new("atomicarena", Span::call_site());
    syn::parse_quote!(::#ident)
}
