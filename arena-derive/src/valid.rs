//! Checks that the options make sense together (thiserror's `valid.rs`).
//!
//! Every mistake is recorded in the context, on the token at fault, with the fix in the message;
//! checking goes on after a mistake so that all of them are reported in one build. What needs
//! types (a field without `Default`, a capacity too large for the type) cannot be seen here and
//! is left to compile-time checks in the generated code (`expand.rs`).

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, ExprLit, Lit, UnOp};

use crate::ast::{plain, Arena, Input, Kind, Shape};
use crate::attr::ResetOption;
use crate::ctxt::Ctxt;

/// Records every misuse in `input`, one named check after the other.
pub(crate) fn check(cx: &Ctxt, input: &Input) {
    check_not_a_union(cx, input);
    check_has_an_attribute(cx, input);
    let mut names = BTreeSet::new();
    for arena in &input.arenas {
        check_capacity(cx, input, arena);
        check_pool_on_enum(cx, input, arena);
        check_one_kind(cx, arena);
        check_no_drop_kind(cx, arena);
        check_rounds_lifetime(cx, input, arena);
        check_name(cx, input, arena, &mut names);
    }
    check_misplaced_on_variants(cx, input);
    check_sized(cx, input);
    check_packed_pool_options(cx, input);
    check_field_options_need_a_pool(cx, input);
}

/// A union: the arena could not know which field to drop.
fn check_not_a_union(cx: &Ctxt, input: &Input) {
    if let Shape::Union(keyword) = &input.shape {
        cx.error_spanned_by(
            keyword,
            "`ArenaAlloc` can be derived for a struct or an enum, not a union (the arena could \
             not know which field to drop); wrap the union in a struct to store it",
        );
    }
}

/// No `#[arena(...)]` attribute: nothing says which arena to generate.
fn check_has_an_attribute(cx: &Ctxt, input: &Input) {
    if input.arenas.is_empty() {
        let ident = plain(input.ident);
        cx.error_spanned_by(
            input.ident,
            format_args!(
                "`#[derive(ArenaAlloc)]` needs an attribute saying which arena to generate: add \
                 `#[arena(capacity = N)]` to `{ident}` (it generates `{ident}Arena`)"
            ),
        );
    }
}

/// The capacity: given, a nonzero integer if a literal, and not naming `Self`; or, for a
/// `heap` arena, not given (it is `with_capacity`'s argument).
fn check_capacity(cx: &Ctxt, input: &Input, arena: &Arena) {
    let ident = plain(input.ident);
    if arena.heap.is_some() {
        if let Some(tokens) = &arena.capacity_tokens {
            // `ring = 64`: the fix is to drop `= 64`, keeping the kind.
            let option = tokens.clone().into_iter().next().map(|t| t.to_string());
            let remove = match option.as_deref() {
                Some(kind @ ("ring" | "pool" | "scoped" | "rounds")) => {
                    format!("write `{kind}` without `= ...`")
                }
                _ => "remove `capacity = ...`".to_owned(),
            };
            cx.error_spanned_by(
                tokens,
                format_args!(
                    "`heap` arenas take their capacity at run time (`with_capacity(n)`): \
                     {remove}, or remove `heap` for a compile-time capacity"
                ),
            );
        }
        return;
    }
    match &arena.capacity {
        // Already reported as a syntax error; the capacity may be in the part not read.
        None if arena.malformed => {}
        None => cx.error_spanned_by(
            &arena.tokens,
            "missing `capacity`: every arena has a fixed number of slots; write \
             `#[arena(capacity = N)]`, or `#[arena(heap)]` for a capacity chosen at run time \
             (`with_capacity(n)`)",
        ),
        Some(expr) => {
            if let Some(message) = capacity_problem(expr) {
                cx.error_spanned_by(expr, message);
            } else if let Some(self_token) = find_self(expr.to_token_stream()) {
                let suggestion =
                    syn::parse2::<Expr>(replace_self(expr.to_token_stream(), input.ident))
                        .map_or_else(|_| format!("{ident}::..."), |e| display_capacity(&e));
                cx.error_spanned_by(
                    self_token,
                    format_args!(
                        "the capacity cannot name `Self`: it is read outside of `{ident}`'s \
                         impls, where `Self` means nothing; use the type's name \
                         (`capacity = {suggestion}`) or a free constant"
                    ),
                );
            }
        }
    }
}

/// `pool` on an enum: a pool resets field by field.
fn check_pool_on_enum(cx: &Ctxt, input: &Input, arena: &Arena) {
    if let (Shape::Enum(_), Kind::Pool) = (&input.shape, arena.kind) {
        let message = "`pool` needs a struct: a pool resets its values field by field, and \
                       an enum has none to reset; use a bounded arena or a `ring`, or put \
                       the enum in a field of a struct and derive the pool for that";
        match &arena.kind_token {
            Some(pool) => cx.error_spanned_by(pool, message),
            None => cx.error_spanned_by(&arena.tokens, message),
        }
    }
}

/// Two or three of `ring`, `pool` and `scoped` in one attribute: one error, naming them.
fn check_one_kind(cx: &Ctxt, arena: &Arena) {
    // The keywords in a fixed order (`ring`, `pool`, `scoped`, `rounds`), whatever the order
    // they were written in.
    let order = |k: &str| {
        ["ring", "pool", "scoped", "rounds"]
            .iter()
            .position(|o| *o == k)
    };
    if let (Some(second), Some(third)) = (&arena.second_kind, &arena.third_kind) {
        let mut given: Vec<String> = [arena.kind_token.as_ref(), Some(second), Some(third)]
            .into_iter()
            .flatten()
            .map(ToString::to_string)
            .collect();
        given.sort_by_key(|k| order(k));
        let [a, b, c] = [0, 1, 2].map(|i| given.get(i).cloned().unwrap_or_default());
        cx.error_spanned_by(
            quote::quote!(#second #third),
            format_args!(
                "an arena has one kind, and this one is given three: `{a}`, `{b}` and `{c}`; \
                 keep one of them (or none, for a bounded arena)"
            ),
        );
    } else if let Some(second) = &arena.second_kind {
        let first = arena
            .kind_token
            .as_ref()
            .map_or_else(String::new, ToString::to_string);
        let second_str = second.to_string();
        let (a, b) = if order(&first) <= order(&second_str) {
            (first, second_str)
        } else {
            (second_str, first)
        };
        cx.error_spanned_by(
            second,
            format_args!(
                "an arena is either `{a}` or `{b}`, not both; for one arena of each kind, use \
                 two `#[arena(...)]` attributes with different `name`s"
            ),
        );
    }
}

/// `no_drop` on a ring, pool or scoped arena, which all drop their values.
fn check_no_drop_kind(cx: &Ctxt, arena: &Arena) {
    let Some(no_drop) = &arena.no_drop else {
        return;
    };
    let (kind, why) = match arena.kind {
        // A `Rounds` lends a `DroplessArena`: `no_drop` says what it is anyway.
        Kind::Bounded | Kind::Rounds => return,
        Kind::Ring => ("ring", "a ring drops every value it overwrites"),
        Kind::Pool => (
            "pool",
            "a pool keeps its values and drops them when it is dropped",
        ),
        Kind::Scoped => (
            "scoped",
            "a scoped arena drops the values of a segment when the segment's last scope leaves",
        ),
    };
    cx.error_spanned_by(
        no_drop,
        format_args!(
            "`no_drop` applies to bounded arenas only, not to a `{kind}`: {why}; remove \
             `no_drop`"
        ),
    );
}

/// `rounds` on a type that does not have exactly one parameter, a lifetime: the generated type
/// names the type for every round's lifetime (`type Of<'a> = Node<'a>`), so that lifetime must
/// be the type's only parameter. One error, on `rounds`.
fn check_rounds_lifetime(cx: &Ctxt, input: &Input, arena: &Arena) {
    if arena.kind != Kind::Rounds || arena.second_kind.is_some() {
        return;
    }
    let ident = plain(input.ident);
    let lifetimes: Vec<String> = input
        .generics
        .lifetimes()
        .map(|l| l.lifetime.to_string())
        .collect();
    let others: Vec<String> = input
        .generics
        .type_params()
        .map(|t| t.ident.to_string())
        .chain(input.generics.const_params().map(|c| c.ident.to_string()))
        .collect();
    let problem = if let Some(first) = others.first() {
        format!(
            "`rounds` needs a type whose only parameter is one lifetime, and `{ident}` has the \
             type or const parameter `{first}`: the generated type stands for `{ident}` in every \
             round, with the round's lifetime, and takes no other parameter; give the field a \
             concrete type, or drop `rounds` for a `no_drop` arena (not reusable)"
        )
    } else if lifetimes.is_empty() {
        format!(
            "`rounds` needs a type with one lifetime parameter (`{ident}<'a>`), the lifetime of \
             the values' borrows of each other, and `{ident}` has none: its values borrow \
             nothing from the arena, so a bounded arena does the job (`#[arena(capacity = N)]`, \
             emptied by `reset`); remove `rounds`"
        )
    } else if lifetimes.len() > 1 {
        format!(
            "`rounds` needs a type with exactly one lifetime parameter, the lifetime of a \
             round, and `{ident}` has {} ({}): refer to longer-lived data by index or make it \
             `'static`, so that one lifetime remains",
            lifetimes.len(),
            lifetimes
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        return;
    };
    match &arena.kind_token {
        Some(rounds) => cx.error_spanned_by(rounds, problem),
        None => cx.error_spanned_by(&arena.tokens, problem),
    }
}

/// The generated name: not the type's own, and not generated twice by this derive.
fn check_name(cx: &Ctxt, input: &Input, arena: &Arena, names: &mut BTreeSet<String>) {
    let ident = plain(input.ident);
    let name = plain(&arena.name);
    if name == ident {
        cx.error_spanned_by(
            &arena.name,
            format_args!(
                "the arena needs a name of its own: `{ident}` is the type itself; try \
                 `name = {ident}Arena`"
            ),
        );
    } else if !names.insert(name.clone()) {
        let message = format!(
            "two `#[arena(...)]` attributes generate `{name}`; give this one another name \
             with `name = ...`"
        );
        if arena.name_given {
            cx.error_spanned_by(&arena.name, message);
        } else {
            cx.error_spanned_by(&arena.tokens, message);
        }
    }
}

/// `#[arena(...)]` on an enum's variants or their fields, where it would do nothing.
fn check_misplaced_on_variants(cx: &Ctxt, input: &Input) {
    let Shape::Enum(misplaced) = &input.shape else {
        return;
    };
    for m in misplaced {
        let message = if m.on_field {
            "`#[arena(...)]` does nothing on a field of an enum variant: field options say \
             how a pool resets a struct's fields, and an enum cannot be a pool; remove it"
        } else {
            "`#[arena(...)]` does nothing on an enum variant: it goes on the type, \
             `#[arena(capacity = N)]` above `enum`, one attribute per arena to generate; \
             remove it"
        };
        cx.error_spanned_by(&m.attr, message);
    }
}

/// The field options that need a `&mut` to the field, on a `repr(packed)` pool type.
fn check_packed_pool_options(cx: &Ctxt, input: &Input) {
    if input.packed.is_none() || !input.has_pool() {
        return;
    }
    for field in input.fields() {
        let (option, token) = match field.attrs.reset.as_ref().map(|(option, _)| option) {
            Some(ResetOption::Clear(clear)) => ("clear", clear.to_token_stream()),
            Some(ResetOption::With(path)) => ("reset_with", path.to_token_stream()),
            Some(ResetOption::Nested(nested)) => ("nested", nested.to_token_stream()),
            _ => continue,
        };
        cx.error_spanned_by(
            token,
            format_args!(
                "`{option}` needs a `&mut` to the field, and a field of a `repr(packed)` \
                 type may be unaligned, so Rust gives none (E0793); reset it by assignment \
                 instead: `#[arena(reset = EXPR)]`, or no option for `Default::default()`"
            ),
        );
    }
}

/// Field options without a `pool` attribute: nothing would read them.
fn check_field_options_need_a_pool(cx: &Ctxt, input: &Input) {
    if input.has_pool() {
        return;
    }
    for field in input.fields() {
        for attr in &field.attrs.attrs {
            cx.error_spanned_by(
                attr,
                "field options apply to pool arenas only (they say how `reset` recycles the \
                 field); add `pool` to an `#[arena(...)]` attribute, or remove this attribute",
            );
        }
    }
}

/// An arena stores its values inline, in slots of one size: the type must be `Sized`. Only the
/// last field of a struct can make it unsized (`[u8]`, `str`, `dyn Trait`, or a type parameter
/// declared `?Sized`); that is reported once, on the field's type, instead of at every place the
/// generated code names the type.
fn check_sized(cx: &Ctxt, input: &Input) {
    if let Some((ty, kind)) = input.unsized_field() {
        let ident = plain(input.ident);
        cx.error_spanned_by(
            ty,
            format_args!(
                "an arena stores `{ident}` inline, in slots of one size, so `{ident}` must be \
                 `Sized`; its last field is {kind}, which has no size known at compile time: \
                 store it behind a pointer (`Box<...>`, `&'a ...`) or as an owned buffer \
                 (`Vec<...>`, `String`)"
            ),
        );
    }
}

/// What is wrong with a capacity expression that can be seen without types, if anything.
///
/// A literal must be a nonzero integer (`usize` or unsuffixed); any other expression is left to
/// the compiler, with a generated `assert!` for "at least 1".
pub(crate) fn capacity_problem(expr: &Expr) -> Option<String> {
    const NOT_INTEGER: &str =
        "capacity must be an integer constant expression, e.g. `capacity = 1024`";
    match strip_delimiters(expr) {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Int(int) => {
                if !matches!(int.suffix(), "" | "usize") {
                    return Some(format!(
                        "capacity is a `usize`: write `capacity = {}` (without the `{}` suffix)",
                        int.base10_digits(),
                        int.suffix()
                    ));
                }
                if int.base10_digits().bytes().all(|b| b == b'0') {
                    return Some("capacity must be at least 1".to_owned());
                }
                None
            }
            Lit::Str(s) => {
                let value = s.value();
                if !value.is_empty() && value.trim().bytes().all(|b| b.is_ascii_digit()) {
                    Some(format!(
                        "capacity must be an integer constant expression, not a string: write \
                         `capacity = {}`",
                        value.trim()
                    ))
                } else {
                    Some(NOT_INTEGER.to_owned())
                }
            }
            _ => Some(NOT_INTEGER.to_owned()),
        },
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
            Some("capacity must be at least 1 (it is a `usize`)".to_owned())
        }
        Expr::Array(_)
        | Expr::Tuple(_)
        | Expr::Range(_)
        | Expr::Closure(_)
        | Expr::Reference(_) => Some(NOT_INTEGER.to_owned()),
        _ => None,
    }
}

/// The first `Self` token in a capacity, if any: it cannot be resolved where the capacity is
/// used (the generated struct's field type, free `const` items), and rustc would report a
/// failed path and a cycle instead.
pub(crate) fn find_self(tokens: TokenStream) -> Option<proc_macro2::Ident> {
    tokens.into_iter().find_map(|tree| match tree {
        TokenTree::Ident(ident) if ident == "Self" => Some(ident),
        TokenTree::Group(group) => find_self(group.stream()),
        _ => None,
    })
}

/// `tokens` with every `Self` replaced by `ident` (for the suggestion of a fix).
fn replace_self(tokens: TokenStream, ident: &proc_macro2::Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(i) if i == "Self" => TokenTree::Ident(ident.clone()),
            TokenTree::Group(group) => {
                let mut new =
                    proc_macro2::Group::new(group.delimiter(), replace_self(group.stream(), ident));
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            other => other,
        })
        .collect()
}

/// The expression without its outer parentheses, invisible groups and braces around a lone
/// expression: `(N + 1)` is used as `N + 1` and `{ K * 2 }` as `K * 2`, so that no generated
/// position (`const CAPACITY: usize = ...;`, a const argument `{ ... }`) lints the user's
/// delimiters as unneeded (`unused_parens`, `unused_braces`). A block with statements is kept.
pub(crate) fn strip_delimiters(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(e) => strip_delimiters(&e.expr),
        Expr::Group(e) => strip_delimiters(&e.expr),
        Expr::Block(e) if e.attrs.is_empty() && e.label.is_none() => {
            match e.block.stmts.as_slice() {
                [syn::Stmt::Expr(inner, None)] => strip_delimiters(inner),
                _ => expr,
            }
        }
        _ => expr,
    }
}

/// Whether `expr` is a plain integer literal (no generated "at least 1" check needed).
pub(crate) fn is_int_literal(expr: &Expr) -> bool {
    matches!(
        strip_delimiters(expr),
        Expr::Lit(ExprLit {
            lit: Lit::Int(_),
            ..
        })
    )
}

/// The capacity as written, for docs: `4096`, `4 * 1024`, `usize::MAX / 2`.
pub(crate) fn display_capacity(expr: &Expr) -> String {
    let text = expr.to_token_stream().to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ( ", "(")
        .replace(" )", ")")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn expr(tokens: TokenStream) -> Expr {
        syn::parse2(tokens).unwrap()
    }

    #[test]
    fn delimiters_are_stripped_but_not_statements() {
        let strip = |e: Expr| strip_delimiters(&e).to_token_stream().to_string();
        assert_eq!(strip(expr(quote!((N + 1)))), "N + 1");
        assert_eq!(strip(expr(quote!({ K * 2 }))), "K * 2");
        assert_eq!(strip(expr(quote!(({ (K) })))), "K");
        let block = quote!({
            let a = 2;
            a * 2
        });
        assert_eq!(
            strip(expr(block.clone())),
            expr(block).to_token_stream().to_string()
        );
        assert!(is_int_literal(&expr(quote!({ 4096 }))));
        assert!(!is_int_literal(&expr(quote!(N))));
        assert_eq!(
            capacity_problem(&expr(quote!({ 0 }))),
            Some("capacity must be at least 1".to_owned())
        );
        assert_eq!(capacity_problem(&expr(quote!({ K * 2 }))), None);
    }

    #[test]
    fn self_is_found_anywhere_in_the_capacity() {
        assert!(find_self(quote!(Self::CAP)).is_some());
        assert!(find_self(quote!({ 2 * (Self::CAP + 1) })).is_some());
        assert!(find_self(quote!(Job::CAP * 2)).is_none());
        // `self` (the module keyword) is not `Self`.
        assert!(find_self(quote!(self::CAP)).is_none());
        let job: proc_macro2::Ident = syn::parse_quote!(Job);
        let fixed: Expr = syn::parse2(replace_self(quote!({ Self::CAP * 2 }), &job)).unwrap();
        assert_eq!(display_capacity(&fixed), "{ Job::CAP * 2 }");
    }
}
