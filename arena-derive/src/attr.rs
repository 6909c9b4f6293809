//! Reading `#[arena(...)]` attributes into plain structs of `Option`s (thiserror's `attr.rs`).
//!
//! This phase only reads: it records syntax errors, unknown options (with a suggestion) and
//! options given twice, and keeps every token it read so later phases can point at it. Whether
//! the options make sense together is `valid.rs`'s business.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, LitStr, Meta, Path, Token};

use crate::ctxt::Ctxt;

/// The options of one struct-level `#[arena(...)]` attribute: one generated arena.
pub(crate) struct ArenaAttr {
    /// The whole attribute, for errors about it as a whole (a missing `capacity`).
    pub(crate) tokens: TokenStream,
    /// `capacity = EXPR`.
    pub(crate) capacity: Option<Expr>,
    /// The option that gave the capacity, as written (`capacity`, or a kind's `ring = N`) with
    /// its value: what the error of `heap` with a capacity points at.
    pub(crate) capacity_tokens: Option<TokenStream>,
    /// `name = Ident`.
    pub(crate) name: Option<Ident>,
    /// The `ring` keyword, if given.
    pub(crate) ring: Option<Ident>,
    /// The `pool` keyword, if given.
    pub(crate) pool: Option<Ident>,
    /// The `scoped` keyword, if given.
    pub(crate) scoped: Option<Ident>,
    /// The `rounds` keyword, if given.
    pub(crate) rounds: Option<Ident>,
    /// The `no_drop` keyword, if given.
    pub(crate) no_drop: Option<Ident>,
    /// The `heap` keyword, if given: the arena's capacity is chosen at run time.
    pub(crate) heap: Option<Ident>,
    /// The second of `ring`, `pool`, `scoped` and `rounds` that was given, when two were.
    pub(crate) second_kind: Option<Ident>,
    /// `crate = "path"`: the path, and the string it was read from (for errors).
    pub(crate) krate: Option<(Path, LitStr)>,
    /// The attribute's syntax was broken (already reported): options may be missing because
    /// they could not be read, so none is reported as missing.
    pub(crate) malformed: bool,
    /// The kind keyword whose value gave the capacity (`ring = 16`), if one did.
    pub(crate) capacity_from_kind: Option<String>,
    /// The third of `ring`, `pool`, `scoped` and `rounds`, when three were given.
    pub(crate) third_kind: Option<Ident>,
}

/// The struct-level attributes: one `ArenaAttr` per arena, and the type-level settings.
pub(crate) struct TypeAttrs {
    /// One per `#[arena(...)]` attribute that generates an arena, in source order.
    pub(crate) arenas: Vec<ArenaAttr>,
    /// `#[arena(crate = "path")]` on its own: the runtime's path for every arena of the type
    /// (an arena's own `crate = ...` overrides it).
    pub(crate) krate: Option<(Path, LitStr)>,
}

/// One field's reset option (pool arenas only).
pub(crate) enum ResetOption {
    /// `#[arena(clear)]`: call `.clear()`; the keyword token, to point method errors at it.
    Clear(Ident),
    /// `#[arena(reset = EXPR)]`: assign `EXPR`.
    Assign(Expr),
    /// `#[arena(reset_with = path)]`: call `path(&mut field)`.
    With(Expr),
    /// `#[arena(keep)]`: leave the field as it is.
    Keep,
    /// `#[arena(nested)]`: call `FieldReset::reset_fields(&mut field)`; the keyword token.
    Nested(Ident),
}

/// The `#[arena(...)]` attributes of one field.
#[derive(Default)]
pub(crate) struct FieldAttr {
    /// The option, and its name (for "this field already has `clear`").
    pub(crate) reset: Option<(ResetOption, String)>,
    /// Every `#[arena]` attribute on the field, for "field options need a pool arena".
    pub(crate) attrs: Vec<TokenStream>,
}

/// The options a struct attribute takes.
pub(crate) const STRUCT_OPTIONS: &[&str] = &[
    "capacity", "name", "ring", "pool", "scoped", "rounds", "no_drop", "heap", "crate",
];
/// The options a field attribute takes.
pub(crate) const FIELD_OPTIONS: &[&str] = &["clear", "reset", "reset_with", "keep", "nested"];

/// Reads every `#[arena(...)]` among a struct's attributes: one `ArenaAttr` per attribute that
/// generates an arena, and the type-level `#[arena(crate = "...")]` (an attribute with no
/// other option), which may be given once.
///
/// An attribute whose syntax is broken is still returned, with what could be read, so the
/// fallback can generate the arena it was meant to name.
pub(crate) fn struct_attrs(cx: &Ctxt, attrs: &[Attribute]) -> TypeAttrs {
    let mut out = TypeAttrs {
        arenas: Vec::new(),
        krate: None,
    };
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("arena")) {
        let arena = struct_attr(cx, attr);
        if !arena.generates_an_arena() {
            if let Some((path, lit)) = arena.krate {
                if out.krate.is_some() {
                    cx.error_spanned_by(
                        attr,
                        "duplicate type-level `#[arena(crate = \"...\")]`; give it once (it \
                         applies to every arena of the type)",
                    );
                } else {
                    out.krate = Some((path, lit));
                }
                continue;
            }
        }
        out.arenas.push(arena);
    }
    out
}

impl ArenaAttr {
    /// Whether the attribute says anything about an arena (rather than only `crate = ...`, a
    /// type-level setting). A malformed attribute counts as one: what it meant is unknown.
    fn generates_an_arena(&self) -> bool {
        self.malformed
            || self.capacity.is_some()
            || self.name.is_some()
            || self.ring.is_some()
            || self.pool.is_some()
            || self.scoped.is_some()
            || self.rounds.is_some()
            || self.no_drop.is_some()
            || self.heap.is_some()
            || self.krate.is_none()
    }
}

fn struct_attr(cx: &Ctxt, attr: &Attribute) -> ArenaAttr {
    let mut out = ArenaAttr {
        tokens: attr.to_token_stream(),
        capacity: None,
        capacity_tokens: None,
        name: None,
        ring: None,
        pool: None,
        scoped: None,
        rounds: None,
        no_drop: None,
        heap: None,
        second_kind: None,
        krate: None,
        malformed: false,
        capacity_from_kind: None,
        third_kind: None,
    };
    if !matches!(attr.meta, Meta::List(_)) {
        cx.error_spanned_by(
            attr,
            "expected a list of options: `#[arena(capacity = N)]` (or `#[arena(heap)]` for a \
             capacity chosen at run time), with `name = ...`, `ring`, `pool`, `scoped`, \
             `rounds`, `no_drop` or `crate = \"...\"` as needed",
        );
        out.malformed = true;
        return out;
    }
    let result = attr.parse_nested_meta(|meta| {
        let written = option_name(&meta.path);
        let key = if STRUCT_OPTIONS.contains(&written.as_str()) {
            written
        } else {
            let (message, suggestion) = unknown_struct_option(&written);
            cx.error_spanned_by(&meta.path, message);
            match suggestion {
                // Read it as the option it most likely is, so that the fallback stub gets the
                // user's capacity or name and their uses of it add no errors.
                Some(best) => best.to_owned(),
                None => return skip_value(&meta),
            }
        };
        match key.as_str() {
            "capacity" => {
                if !meta.input.peek(Token![=]) {
                    return Err(meta.error(
                        "`capacity` takes a value: `capacity = N`, the number of slots (a \
                         `usize` constant expression)",
                    ));
                }
                let expr: Expr = meta.value()?.parse()?;
                if let Some(kind) = &out.capacity_from_kind {
                    cx.error_spanned_by(
                        &meta.path,
                        format_args!(
                            "the capacity is given twice: `{kind} = ...` gives it already; keep \
                             one of them"
                        ),
                    );
                } else {
                    if out.capacity.is_none() {
                        let path = &meta.path;
                        out.capacity_tokens = Some(quote::quote!(#path = #expr));
                    }
                    set_once(cx, &meta.path, &mut out.capacity, expr);
                }
            }
            "name" => {
                let value = meta.value()?;
                if value.peek(LitStr) {
                    let lit: LitStr = value.parse()?;
                    cx.error_spanned_by(
                        &lit,
                        format_args!(
                            "`name` takes an identifier, not a string: `name = {}`",
                            lit.value()
                        ),
                    );
                    // For the fallback stub: the name the user meant.
                    if let Ok(ident) = lit.parse::<Ident>() {
                        set_once(cx, &meta.path, &mut out.name, ident);
                    }
                } else {
                    let path: Path = value.call(Path::parse_mod_style)?;
                    match path.get_ident() {
                        Some(ident) => set_once(cx, &meta.path, &mut out.name, ident.clone()),
                        None => {
                            cx.error_spanned_by(
                                &path,
                                "`name` takes the identifier of the generated type, which is \
                                 defined next to the deriving type: `name = Store`, not a path",
                            );
                            // For the fallback stub: the last segment is what uses will name.
                            if let Some(last) = path.segments.last() {
                                set_once(cx, &meta.path, &mut out.name, last.ident.clone());
                            }
                        }
                    }
                }
            }
            "ring" | "pool" | "scoped" | "rounds" | "no_drop" => {
                let ident = path_ident(&meta.path);
                if key != "no_drop" && meta.input.peek(Token![=]) {
                    kind_capacity(cx, &meta, &key, &mut out)?;
                } else {
                    no_value(cx, &meta, &key)?;
                }
                let kinds = [&out.ring, &out.pool, &out.scoped, &out.rounds];
                let kind_given = kinds.iter().any(|kind| kind.is_some());
                let (slot, other) = match key.as_str() {
                    "ring" => (&mut out.ring, kind_given),
                    "pool" => (&mut out.pool, kind_given),
                    "scoped" => (&mut out.scoped, kind_given),
                    "rounds" => (&mut out.rounds, kind_given),
                    _ => (&mut out.no_drop, false),
                };
                if other && slot.is_none() {
                    if out.second_kind.is_none() {
                        out.second_kind = Some(ident.clone());
                    } else if out.third_kind.is_none() {
                        out.third_kind = Some(ident.clone());
                    }
                }
                set_once(cx, &meta.path, slot, ident);
            }
            "heap" => {
                no_value(cx, &meta, &key)?;
                set_once(cx, &meta.path, &mut out.heap, path_ident(&meta.path));
            }
            "crate" => {
                let value = meta.value()?;
                if value.peek(LitStr) {
                    let lit: LitStr = value.parse()?;
                    match lit.parse::<Path>() {
                        Ok(path) => set_once(cx, &meta.path, &mut out.krate, (path, lit)),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            "`crate` takes the path of the atomicarena crate as a string, e.g. \
                             `crate = \"::atomicarena\"`",
                        ),
                    }
                } else {
                    let expr: Expr = value.parse()?;
                    cx.error_spanned_by(
                        &expr,
                        format_args!(
                            "`crate` takes a string: `crate = \"{}\"`",
                            expr.to_token_stream().to_string().replace(' ', "")
                        ),
                    );
                }
            }
            _ => unreachable!("`key` is one of STRUCT_OPTIONS"),
        }
        Ok(())
    });
    if let Err(e) = result {
        cx.syn_error(e);
        out.malformed = true;
    }
    out
}

/// Reads the `#[arena(...)]` attributes of one field.
pub(crate) fn field_attr(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttr {
    let mut out = FieldAttr::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("arena")) {
        out.attrs.push(attr.to_token_stream());
        if !matches!(attr.meta, Meta::List(_)) {
            cx.error_spanned_by(
                attr,
                "expected a field option: `#[arena(clear)]`, `#[arena(reset = EXPR)]`, \
                 `#[arena(reset_with = path)]`, `#[arena(keep)]` or `#[arena(nested)]`",
            );
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let written = option_name(&meta.path);
            let key = if FIELD_OPTIONS.contains(&written.as_str()) {
                written
            } else {
                let (message, suggestion) = unknown_field_option(&written);
                cx.error_spanned_by(&meta.path, message);
                match suggestion {
                    Some(best) => best.to_owned(),
                    None => return skip_value(&meta),
                }
            };
            let option = match key.as_str() {
                "clear" => {
                    no_value(cx, &meta, &key)?;
                    ResetOption::Clear(path_ident(&meta.path))
                }
                "keep" => {
                    no_value(cx, &meta, &key)?;
                    ResetOption::Keep
                }
                "nested" => {
                    no_value(cx, &meta, &key)?;
                    ResetOption::Nested(path_ident(&meta.path))
                }
                "reset" => {
                    if !meta.input.peek(Token![=]) {
                        return Err(meta.error(
                            "`reset` takes the value to assign between rounds: \
                             `#[arena(reset = EXPR)]`; for `Default::default()`, give no option",
                        ));
                    }
                    ResetOption::Assign(meta.value()?.parse()?)
                }
                "reset_with" => {
                    if !meta.input.peek(Token![=]) {
                        return Err(meta.error(
                            "`reset_with` takes a function: `#[arena(reset_with = path)]`, \
                             called as `path(&mut field)`",
                        ));
                    }
                    let value = meta.value()?;
                    if value.peek(LitStr) {
                        let lit: LitStr = value.parse()?;
                        cx.error_spanned_by(
                            &lit,
                            format_args!(
                                "`reset_with` takes a path, not a string: `reset_with = {}`",
                                lit.value()
                            ),
                        );
                        return Ok(());
                    }
                    ResetOption::With(value.parse()?)
                }
                _ => unreachable!("`key` is one of FIELD_OPTIONS"),
            };
            match &out.reset {
                None => out.reset = Some((option, key)),
                Some((_, first)) if *first == key => {
                    cx.error_spanned_by(&meta.path, format_args!("duplicate `{key}` option"));
                }
                Some((_, first)) => cx.error_spanned_by(
                    &meta.path,
                    format_args!(
                        "a field takes one reset option, and this field already has `{first}`; \
                         keep one of `{first}` and `{key}`"
                    ),
                ),
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// The option's name as written (`crate` included; a multi-segment path joined with `::`).
fn option_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// The last identifier of an option path, with its span.
fn path_ident(path: &Path) -> Ident {
    match path.segments.last() {
        Some(seg) => seg.ident.clone(),
        None => Ident::new("arena", path.span()),
    }
}

/// Stores `value`, or reports the option as given twice (on the second occurrence).
fn set_once<T>(cx: &Ctxt, path: &Path, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        cx.error_spanned_by(
            path,
            format_args!("duplicate `{}` option; give it once", option_name(path)),
        );
    } else {
        *slot = Some(value);
    }
}

/// `ring = N` (likewise `pool`, `scoped`, `rounds`): the kind and its capacity in one option, so that
/// several attributes of different kinds do not each repeat `capacity = ...` (which clippy's
/// `duplicated_attributes` reads as one attribute given twice). `ring = true` is a flag given a
/// value: reported as such.
fn kind_capacity(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    out: &mut ArenaAttr,
) -> syn::Result<()> {
    let expr: Expr = meta.value()?.parse()?;
    if let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Bool(_),
        ..
    }) = &expr
    {
        cx.error_spanned_by(
            &meta.path,
            format_args!(
                "`{key}` takes no boolean: write `{key}` alone, or `{key} = N` for {} of `N` slots",
                match key {
                    "ring" => "a ring",
                    "pool" => "a pool",
                    "rounds" => "rounds",
                    _ => "a scoped arena",
                }
            ),
        );
    } else if out.capacity_from_kind.is_some() {
        // `ring = 4, ring = 8`: reported once, as a duplicate `ring`, by the caller.
    } else if out.capacity.is_some() {
        cx.error_spanned_by(
            &meta.path,
            format_args!(
                "the capacity is given twice: `capacity = ...` gives it already; keep one of \
                 them (`{key} = N` is short for `{key}, capacity = N`)"
            ),
        );
    } else {
        let path = &meta.path;
        out.capacity_tokens = Some(quote::quote!(#path = #expr));
        out.capacity = Some(expr);
        out.capacity_from_kind = Some(key.to_owned());
    }
    Ok(())
}

/// For a flag: reports and skips a value if one was given (`ring = true`).
fn no_value(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format_args!("`{key}` takes no value: write `{key}` alone"),
        );
        skip_value(meta)?;
    }
    Ok(())
}

/// Consumes `= EXPR` or `(...)` after an option that was already reported.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// The message for an unknown struct option, and the option it suggests, if any.
fn unknown_struct_option(key: &str) -> (String, Option<&'static str>) {
    if FIELD_OPTIONS.contains(&key) {
        let message = format!(
            "`{key}` is a field option: put `#[arena({key})]` on a field (pool arenas only)"
        );
        return (message, None);
    }
    if key == "bounded" {
        let message =
            "`bounded` is the default kind: remove it (or use `ring`, `pool` or `scoped`)";
        return (message.to_owned(), None);
    }
    let aliases = [
        ("cap", "capacity"),
        ("size", "capacity"),
        ("len", "capacity"),
    ];
    match did_you_mean(key, STRUCT_OPTIONS, &aliases) {
        Some(best) => (
            format!("unknown option `{key}`: did you mean `{best}`?"),
            Some(best),
        ),
        None => (
            format!(
                "unknown option `{key}`; expected one of {}",
                list(STRUCT_OPTIONS)
            ),
            None,
        ),
    }
}

/// The message for an unknown field option, and the option it suggests, if any.
fn unknown_field_option(key: &str) -> (String, Option<&'static str>) {
    if STRUCT_OPTIONS.contains(&key) {
        let message = format!(
            "`{key}` is an option of the arena, not of a field: put it in an `#[arena(...)]` \
             attribute on the struct"
        );
        return (message, None);
    }
    match did_you_mean(
        key,
        FIELD_OPTIONS,
        &[("default", "reset"), ("skip", "keep")],
    ) {
        Some(best) => (
            format!("unknown field option `{key}`: did you mean `{best}`?"),
            Some(best),
        ),
        None => (
            format!(
                "unknown field option `{key}`; expected one of {}",
                list(FIELD_OPTIONS)
            ),
            None,
        ),
    }
}

/// "`a`, `b` or `c`".
fn list(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("`{o}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The known option closest to `key` by edit distance (case-insensitive), if it is close
/// enough to be a typo, or the target of a known alias.
pub(crate) fn did_you_mean(
    key: &str,
    options: &[&'static str],
    aliases: &[(&str, &'static str)],
) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some((_, target)) = aliases.iter().find(|(alias, _)| *alias == lower) {
        return Some(target);
    }
    options
        .iter()
        .map(|option| (edit_distance(&lower, option), *option))
        .filter(|(distance, option)| *distance <= (option.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, option)| option)
}

/// Edit distance with adjacent transpositions (optimal string alignment), over chars: `claer`
/// is one edit from `clear`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("capacty", "capacity"), 1);
        assert_eq!(edit_distance("", "ring"), 4);
        assert_eq!(edit_distance("ring", "ring"), 0);
        assert_eq!(
            did_you_mean("capacty", STRUCT_OPTIONS, &[]),
            Some("capacity")
        );
        assert_eq!(
            did_you_mean("Capacity", STRUCT_OPTIONS, &[]),
            Some("capacity")
        );
        assert_eq!(did_you_mean("nodrop", STRUCT_OPTIONS, &[]), Some("no_drop"));
        assert_eq!(did_you_mean("rign", STRUCT_OPTIONS, &[]), Some("ring"));
        assert_eq!(did_you_mean("colour", STRUCT_OPTIONS, &[]), None);
        assert_eq!(
            did_you_mean("resetwith", FIELD_OPTIONS, &[]),
            Some("reset_with")
        );
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
