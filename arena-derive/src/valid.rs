//! Checks that the options make sense together (thiserror's `valid.rs`).
//!
//! Every mistake is recorded in the context, on the token at fault, with the fix in the message;
//! checking goes on after a mistake so that all of them are reported in one build. What needs
//! types (a field without `Default`, a capacity too large for the type) cannot be seen here and
//! is left to compile-time checks in the generated code (`expand.rs`).

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Expr, ExprLit, Lit, UnOp};

use crate::ast::{Input, Kind, Shape};
use crate::ctxt::Ctxt;

/// Records every misuse in `input`.
pub(crate) fn check(cx: &Ctxt, input: &Input) {
    if let Shape::NotStruct(keyword) = &input.shape {
        cx.error_spanned_by(
            keyword,
            "`ArenaAlloc` can only be derived for a struct (named, tuple or unit): an arena \
             stores values of one struct type; wrap this type in a struct to store it",
        );
    }
    if input.arenas.is_empty() {
        cx.error_spanned_by(
            input.ident,
            format_args!(
                "`#[derive(ArenaAlloc)]` needs an attribute saying which arena to generate: add \
                 `#[arena(capacity = N)]` to `{}` (it generates `{}Arena`)",
                input.ident, input.ident
            ),
        );
    }

    let mut names = BTreeMap::new();
    for arena in &input.arenas {
        match &arena.capacity {
            // Already reported as a syntax error; the capacity may be in the part not read.
            None if arena.malformed => {}
            None => cx.error_spanned_by(
                &arena.tokens,
                "missing `capacity`: every arena has a fixed number of slots; write \
                 `#[arena(capacity = N)]`",
            ),
            Some(expr) => {
                if let Some(message) = capacity_problem(expr) {
                    cx.error_spanned_by(expr, message);
                }
            }
        }
        if let Some(second) = &arena.second_kind {
            cx.error_spanned_by(
                second,
                "an arena is either `ring` or `pool`, not both; for one arena of each kind, use \
                 two `#[arena(...)]` attributes with different `name`s",
            );
        }
        if let Some(no_drop) = &arena.no_drop {
            let (kind, why) = match arena.kind {
                Kind::Bounded => ("", ""),
                Kind::Ring => ("ring", "a ring drops every value it overwrites"),
                Kind::Pool => (
                    "pool",
                    "a pool keeps its values and drops them when it is dropped",
                ),
            };
            if arena.kind != Kind::Bounded {
                cx.error_spanned_by(
                    no_drop,
                    format_args!(
                        "`no_drop` applies to bounded arenas only, not to a `{kind}`: {why}; \
                         remove `no_drop`"
                    ),
                );
            }
        }
        if arena.name == *input.ident {
            cx.error_spanned_by(
                &arena.name,
                format_args!(
                    "the arena needs a name of its own: `{}` is the struct itself; try \
                     `name = {}Arena`",
                    input.ident, input.ident
                ),
            );
        } else if names.insert(arena.name.to_string(), ()).is_some() {
            let message = format!(
                "two `#[arena(...)]` attributes generate `{}`; give this one another name with \
                 `name = ...`",
                arena.name
            );
            if arena.name_given {
                cx.error_spanned_by(&arena.name, message);
            } else {
                cx.error_spanned_by(&arena.tokens, message);
            }
        }
    }

    if !input.has_pool() {
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
}

/// What is wrong with a capacity expression that can be seen without types, if anything.
///
/// A literal must be a nonzero integer (`usize` or unsuffixed); any other expression is left to
/// the compiler, with a generated `assert!` for "at least 1".
pub(crate) fn capacity_problem(expr: &Expr) -> Option<String> {
    const NOT_INTEGER: &str =
        "capacity must be an integer constant expression, e.g. `capacity = 1024`";
    match expr {
        Expr::Paren(e) => capacity_problem(&e.expr),
        Expr::Group(e) => capacity_problem(&e.expr),
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

/// Whether `expr` is a plain integer literal (no generated "at least 1" check needed).
pub(crate) fn is_int_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(e) => is_int_literal(&e.expr),
        Expr::Group(e) => is_int_literal(&e.expr),
        Expr::Lit(ExprLit {
            lit: Lit::Int(_), ..
        }) => true,
        _ => false,
    }
}

/// The capacity as written, for docs: `4096`, `4 * 1024`, `usize::MAX / 2`.
pub(crate) fn display_capacity(expr: &Expr) -> String {
    let text = expr.to_token_stream().to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ( ", "(")
        .replace(" )", ")")
}
