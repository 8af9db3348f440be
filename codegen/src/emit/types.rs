//! Structs for workflow inputs and outputs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_lines, ident, EmitContext};
use crate::ir::{
    Constraint, DefaultValue, Field, Output, SchemaType, SchemaTypeKind, StructDef, Type,
};

/// The Rust type of a value.
pub(crate) fn rust_type(ctx: &EmitContext, ty: &Type) -> TokenStream {
    let root = &ctx.root;
    match ty {
        Type::String => quote!(::std::string::String),
        Type::Integer => quote!(i64),
        Type::Number => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::Array(item) => {
            let item = rust_type(ctx, item);
            quote!(::std::vec::Vec<#item>)
        }
        Type::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Type::Json => quote!(#root::serde_json::Value),
        Type::Optional(inner) => {
            let inner = rust_type(ctx, inner);
            quote!(::std::option::Option<#inner>)
        }
        Type::Int32 => quote!(i32),
        Type::Float32 => quote!(f32),
        Type::Map(value) => {
            let value = rust_type(ctx, value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        Type::Schema(name) => {
            let path = &ctx.types_path;
            let name = ident(name);
            quote!(#path #name)
        }
        Type::Boxed(inner) => {
            let inner = rust_type(ctx, inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

/// The `types` module: the types from the OpenAPI schemas, by name.
pub(crate) fn schema_types(ctx: &EmitContext, types: &[SchemaType]) -> TokenStream {
    if types.is_empty() {
        return TokenStream::new();
    }
    let inner = EmitContext {
        root: ctx.root.clone(),
        derives: ctx.derives.clone(),
        types_path: TokenStream::new(),
    };
    let items = types.iter().map(|t| schema_type(&inner, t));
    quote! {
        /// Types of the request and success-response bodies of the operations the
        /// workflows call, from their OpenAPI schemas.
        pub mod types {
            // Every body type is generated, though a crate may use only some; names and
            // sizes come from the schemas.
            #![allow(dead_code, clippy::enum_variant_names, clippy::large_enum_variant)]

            #(#items)*
        }
    }
}

pub(crate) fn schema_type(ctx: &EmitContext, def: &SchemaType) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_lines(def.doc.as_deref().unwrap_or(&format!("`{}`.", def.name)));
    let derives = derives(ctx);
    let root = &ctx.root;
    match &def.kind {
        SchemaTypeKind::Struct { fields, extra } => {
            // Field names are made unique once, for the fields and for a redacting `Debug`.
            let mut scope = crate::naming::Scope::default();
            let named: Vec<(syn::Ident, &Field)> = fields
                .iter()
                .map(|field| (ident(&scope.unique(field.ident.clone())), field))
                .collect();
            let extra_ident = extra
                .as_ref()
                .map(|_| ident(&scope.unique("additional_properties".to_owned())));
            let field_items = named.iter().map(|(field_ident, field)| {
                let serde_name = &field.name;
                let doc = field_doc(field.doc.as_deref().or(Some(&format!("`{serde_name}`."))), field.secret)
                    .map(|doc| doc_lines(&doc));
                let rename = (field_ident.to_string().trim_start_matches("r#") != serde_name)
                    .then(|| quote!(rename = #serde_name,));
                if field.required {
                    let ty = rust_type(ctx, &field.ty);
                    let attr = rename.map(|rename| quote!(#[serde(#rename)]));
                    quote! {
                        #doc
                        #attr
                        pub #field_ident: #ty,
                    }
                } else {
                    let ty = match &field.ty {
                        Type::Optional(_) => rust_type(ctx, &field.ty),
                        other => {
                            let inner = rust_type(ctx, other);
                            quote!(::std::option::Option<#inner>)
                        }
                    };
                    quote! {
                        #doc
                        #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
                        pub #field_ident: #ty,
                    }
                }
            });
            let fields: Vec<TokenStream> = field_items.collect();
            let extra = extra.as_ref().zip(extra_ident.as_ref()).map(|(value, field_ident)| {
                let value = rust_type(ctx, value);
                quote! {
                    /// The members the schema does not list (`additionalProperties`).
                    #[serde(flatten)]
                    pub #field_ident: ::std::collections::BTreeMap<::std::string::String, #value>,
                }
            });
            let secret = named.iter().any(|(_, f)| f.secret);
            let derives = derives_with(ctx, !secret, Derived::Not);
            let debug = secret.then(|| redacting_debug(&name, &named, extra_ident.as_ref()));
            quote! {
                #doc
                #derives
                pub struct #name {
                    #(#fields)*
                    #extra
                }
                #debug
            }
        }
        SchemaTypeKind::Enum { values, open } => {
            let variants = values.iter().map(|(variant, value)| {
                let variant = ident(variant);
                let doc = if value.is_empty() {
                    doc_lines("The empty string.")
                } else {
                    doc_lines(&format!("`{value}`"))
                };
                quote! {
                    #doc
                    #[serde(rename = #value)]
                    #variant,
                }
            });
            let other = open.then(|| {
                quote! {
                    /// A value the schema does not list (one the server added later).
                    #[serde(untagged)]
                    Other(::std::string::String),
                }
            });
            quote! {
                #doc
                #derives
                pub enum #name {
                    #(#variants)*
                    #other
                }
            }
        }
        SchemaTypeKind::Union {
            tag,
            variants,
            open,
        } => {
            let items = variants.iter().map(|v| {
                let variant = ident(&v.ident);
                let ty = rust_type(ctx, &v.ty);
                let doc = match &v.tag {
                    Some(tag) => doc_lines(&format!("The member whose tag is `{tag}`.")),
                    None => doc_lines(&format!("A `{}`.", v.ident)),
                };
                let rename = v.tag.as_ref().map(|tag| quote!(#[serde(rename = #tag)]));
                quote! {
                    #doc
                    #rename
                    #variant(#ty),
                }
            });
            let (attr, other) = match tag {
                Some(tag) => (
                    quote!(#[serde(tag = #tag)]),
                    open.then(|| {
                        quote! {
                            /// A member whose tag the schema does not list (its content
                            /// is dropped).
                            #[serde(other)]
                            Other,
                        }
                    }),
                ),
                None => (
                    quote!(#[serde(untagged)]),
                    open.then(|| {
                        quote! {
                            /// A value that matches no member.
                            Other(#root::serde_json::Value),
                        }
                    }),
                ),
            };
            quote! {
                #doc
                #derives
                #attr
                pub enum #name {
                    #(#items)*
                    #other
                }
            }
        }
    }
}

fn derives(ctx: &EmitContext) -> TokenStream {
    derives_with(ctx, true, Derived::Not)
}

/// Whether a generated type implements `Default`, and how.
#[derive(Clone, Copy, PartialEq)]
enum Derived {
    /// Not by us; a `Default` of the user's derives is kept.
    Not,
    /// Derived: every field is an `Option`.
    Derive,
    /// By a hand-written impl that fills the schema's defaults, so a `Default` of the
    /// user's derives is dropped.
    Impl,
}

/// The derives of a generated type; without `Debug` for a struct with secret fields, which
/// gets [`redacting_debug`] instead.
fn derives_with(ctx: &EmitContext, debug: bool, default: Derived) -> TokenStream {
    let root = &ctx.root;
    let serde_crate = format!("{}::__private::serde", root.to_string().replace(' ', ""));
    let extra = ctx
        .derives
        .iter()
        .filter(|d| default == Derived::Not || !is_default_path(d));
    let debug = debug.then(|| quote!(Debug,));
    let default = (default == Derived::Derive).then(|| quote!(Default,));
    quote! {
        #[derive(
            Clone,
            #debug
            #default
            PartialEq,
            #root::__private::serde::Serialize,
            #root::__private::serde::Deserialize
            #(, #extra)*
        )]
        #[serde(crate = #serde_crate)]
    }
}

fn is_default_path(path: &TokenStream) -> bool {
    path.clone()
        .into_iter()
        .last()
        .is_some_and(|last| last.to_string() == "Default")
}

/// A field's rustdoc: its description, and for a secret what the generated code does with it.
fn field_doc(doc: Option<&str>, secret: bool) -> Option<String> {
    const SECRET: &str = "A secret (`format: password` or `writeOnly`): `Debug` shows it as \
                          `***`, and runs keep it out of errors, hooks and logs.";
    match (doc, secret) {
        (Some(doc), true) => Some(format!("{doc}\n\n{SECRET}")),
        (None, true) => Some(SECRET.to_owned()),
        (doc, false) => doc.map(str::to_owned),
    }
}

/// `Debug` for a struct with secret fields (`format: password`, `writeOnly`): every field
/// as a derived `Debug` would show it, but the secret ones as `"***"`.
fn redacting_debug(
    name: &syn::Ident,
    fields: &[(syn::Ident, &Field)],
    extra: Option<&syn::Ident>,
) -> TokenStream {
    let type_name = name.to_string();
    let fields = fields.iter().map(|(ident, field)| {
        let label = ident.to_string().trim_start_matches("r#").to_owned();
        let optional = !field.plain() || matches!(field.ty, Type::Optional(_));
        match (field.secret, optional) {
            (false, _) => quote!(.field(#label, &self.#ident)),
            (true, false) => quote!(.field(#label, &"***")),
            (true, true) => quote!(.field(#label, &self.#ident.as_ref().map(|_| "***"))),
        }
    });
    let extra = extra.map(|ident| {
        let label = ident.to_string();
        quote!(.field(#label, &self.#ident))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    #extra
                    .finish()
            }
        }
    }
}

/// A struct for inputs: required fields are plain, and so are fields with a `default`
/// (filled when left out); others are `Option`s, left out when absent. It gets `Default`
/// when every required field has a default, else a builder when some field has one.
pub(crate) fn struct_def(ctx: &EmitContext, def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = def.doc.as_deref().map(doc_lines);
    let fields = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let ty = rust_type(ctx, &field.ty);
        let fallback = format!("`{}`.", field.name);
        let doc = field_doc(field.doc.as_deref().or(Some(&fallback)), field.secret);
        let doc = match &field.default {
            Some(default) => {
                let line = match field.required {
                    true => format!(
                        "Default: `{}` (for `Default` and the builder).",
                        default.json
                    ),
                    false => format!("Defaults to `{}` when left out.", default.json),
                };
                Some(doc.map_or(line.clone(), |doc| format!("{doc}\n\n{line}")))
            }
            None => doc,
        }
        .map(|doc| doc_lines(&doc));
        let serde_name = &field.name;
        let renamed = field_ident.to_string().trim_start_matches("r#") != serde_name;
        let rename = renamed.then(|| quote!(rename = #serde_name,));
        match (&field.default, field.required) {
            (_, true) => {
                let attr = rename.map(|rename| quote!(#[serde(#rename)]));
                quote! {
                    #doc
                    #attr
                    pub #field_ident: #ty,
                }
            }
            (Some(_), false) => {
                let path = format!("{}::{}", def.name, default_fn(field));
                quote! {
                    #doc
                    #[serde(#rename default = #path)]
                    pub #field_ident: #ty,
                }
            }
            (None, false) => quote! {
                #doc
                #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #field_ident: ::std::option::Option<#ty>,
            },
        }
    });
    let secret = def.fields.iter().any(|f| f.secret);
    let defaults = def.has_defaults();
    let defaultable = def.defaultable();
    let default = match (defaultable, defaults) {
        (false, _) => Derived::Not,
        (true, false) => Derived::Derive,
        (true, true) => Derived::Impl,
    };
    let derives = derives_with(ctx, !secret, default);
    let debug = secret.then(|| {
        let fields: Vec<_> = def.fields.iter().map(|f| (ident(&f.ident), f)).collect();
        redacting_debug(&name, &fields, None)
    });
    let default_fns = defaults.then(|| default_fns(ctx, def));
    let default_impl = (defaultable && defaults).then(|| default_impl(def));
    let builder = def
        .builder
        .as_deref()
        .map(|builder_name| builder(ctx, def, builder_name));
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
        #debug
        #default_fns
        #default_impl
        #builder
    }
}

/// The name of the function that gives a field's `default`.
fn default_fn(field: &Field) -> syn::Ident {
    quote::format_ident!("default_{}", field.ident.trim_start_matches("r#"))
}

/// One function per field with a `default`, for serde, `Default` and the builder.
fn default_fns(ctx: &EmitContext, def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let fns = def.fields.iter().filter_map(|field| {
        let default = field.default.as_ref()?;
        let function = default_fn(field);
        let ty = rust_type(ctx, &field.ty);
        let value = default_value(ctx, &default.value);
        Some(quote! {
            fn #function() -> #ty {
                #value
            }
        })
    });
    quote! {
        impl #name {
            #(#fns)*
        }
    }
}

/// `Default` for a struct whose every required field has a default.
fn default_impl(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let fields = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        match field.default {
            Some(_) => {
                let function = default_fn(field);
                quote!(#field_ident: Self::#function())
            }
            None => quote!(#field_ident: ::std::option::Option::None),
        }
    });
    quote! {
        impl ::std::default::Default for #name {
            /// Every field with a `default` in the schema gets it; the others are `None`.
            fn default() -> Self {
                Self {
                    #(#fields,)*
                }
            }
        }
    }
}

/// A builder for a struct with a required field that has no default: setters for every
/// field, and `build()`, which fills the defaults and fails on a missing required field.
fn builder(ctx: &EmitContext, def: &StructDef, builder_name: &str) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&def.name);
    let builder = ident(builder_name);
    let type_name = &def.name;
    let mut setters = crate::naming::Scope::with_reserved(&["build"]);
    let slots = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let ty = rust_type(ctx, &field.ty);
        quote!(#field_ident: ::std::option::Option<#ty>,)
    });
    let methods = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let setter = ident(&setters.unique(field.ident.clone()));
        let ty = rust_type(ctx, &field.ty);
        let doc = doc_lines(&format!(
            "Sets `{}`{}.",
            field.name,
            match (&field.default, field.required) {
                (Some(default), _) => format!(" (default `{}`)", default.json),
                (None, true) => " (required)".to_owned(),
                (None, false) => String::new(),
            }
        ));
        quote! {
            #doc
            pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#field_ident = ::std::option::Option::Some(value.into());
                self
            }
        }
    });
    let built = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let serde_name = &field.name;
        match (&field.default, field.required) {
            (Some(_), _) => {
                let function = default_fn(field);
                quote!(#field_ident: self.#field_ident.unwrap_or_else(#name::#function))
            }
            (None, true) => quote! {
                #field_ident: self.#field_ident.ok_or(#root::MissingField {
                    type_name: #type_name,
                    field: #serde_name,
                })?
            },
            (None, false) => quote!(#field_ident: self.#field_ident),
        }
    });
    let builder_doc = doc_lines(&format!(
        "Builds [`{type_name}`] field by field: `build()` fills each field left unset with \
         its `default`, or `None`, and fails on a required one."
    ));
    quote! {
        impl #name {
            /// Starts a builder, for setting only the fields without a useful default.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #builder_doc
        #[derive(Clone, Default)]
        #[must_use]
        pub struct #builder {
            #(#slots)*
        }

        impl #builder {
            #(#methods)*

            /// The value, with defaults filled in.
            ///
            /// # Errors
            ///
            /// A required field without a default was not set.
            pub fn build(self) -> ::std::result::Result<#name, #root::MissingField> {
                ::std::result::Result::Ok(#name {
                    #(#built,)*
                })
            }
        }

        impl ::std::convert::TryFrom<#builder> for #name {
            type Error = #root::MissingField;

            fn try_from(builder: #builder) -> ::std::result::Result<Self, Self::Error> {
                builder.build()
            }
        }
    }
}

/// A field's default as a Rust expression of its type.
fn default_value(ctx: &EmitContext, value: &DefaultValue) -> TokenStream {
    let root = &ctx.root;
    match value {
        DefaultValue::String(s) => quote!(::std::string::String::from(#s)),
        DefaultValue::Integer(n) => signed(*n < 0, Literal::u64_unsuffixed(n.unsigned_abs())),
        DefaultValue::Int32(n) => signed(*n < 0, Literal::u32_unsuffixed(n.unsigned_abs())),
        DefaultValue::Number(n) => signed(*n < 0.0, Literal::f64_unsuffixed(n.abs())),
        DefaultValue::Float32(n) => signed(*n < 0.0, Literal::f32_unsuffixed(n.abs())),
        DefaultValue::Boolean(b) => quote!(#b),
        DefaultValue::Array(items) => {
            let items = items.iter().map(|v| default_value(ctx, v));
            quote!(::std::vec![#(#items),*])
        }
        DefaultValue::Map(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = default_value(ctx, v);
                quote!((::std::string::String::from(#k), #v))
            });
            quote!(::std::collections::BTreeMap::from([#(#entries),*]))
        }
        DefaultValue::Variant { ty, variant } => {
            let (ty, variant) = (ident(ty), ident(variant));
            quote!(#ty::#variant)
        }
        DefaultValue::Struct { ty, fields } => {
            let ty = ident(ty);
            let fields = fields.iter().map(|(field, v)| {
                let (field, v) = (ident(field), default_value(ctx, v));
                quote!(#field: #v)
            });
            quote!(#ty { #(#fields),* })
        }
        DefaultValue::Json(value) => {
            let tokens = super::value::json_tokens(value);
            quote!(#root::__private::json!(#tokens))
        }
        DefaultValue::Some(inner) => {
            let inner = default_value(ctx, inner);
            quote!(::std::option::Option::Some(#inner))
        }
        DefaultValue::None => quote!(::std::option::Option::None),
    }
}

fn signed(negative: bool, literal: Literal) -> TokenStream {
    match negative {
        true => quote!(-#literal),
        false => quote!(#literal),
    }
}

/// The public outputs struct of a workflow.
pub(crate) fn outputs_struct(
    ctx: &EmitContext,
    name: &str,
    workflow_id: &str,
    outputs: &[Output],
) -> TokenStream {
    let name = ident(name);
    let doc = doc_lines(&format!("The outputs of the `{workflow_id}` workflow."));
    let fields = outputs.iter().map(|output| {
        let field_ident = ident(&output.ident);
        let ty = rust_type(ctx, &output.ty);
        let doc = doc_lines(&format!("`{}`", output.text));
        let serde_name = &output.name;
        let rename = (field_ident.to_string().trim_start_matches("r#") != serde_name)
            .then(|| quote!(#[serde(rename = #serde_name)]));
        quote! {
            #doc
            #rename
            pub #field_ident: #ty,
        }
    });
    let derives = derives(ctx);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

/// Whether the struct `name` (or one nested in it) has constraints to check.
fn needs_validation(defs: &[StructDef], name: &str, depth: usize) -> bool {
    let Some(def) = defs.iter().find(|d| d.name == name) else {
        return false;
    };
    depth < 16
        && (def.alternatives.is_some()
            || def.fields.iter().any(|f| {
                !f.constraints.is_empty()
                    || nested(&f.ty).is_some_and(|n| needs_validation(defs, n, depth + 1))
            }))
}

/// The struct a field holds, directly or in a `Vec`.
fn nested(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(name) => Some(name),
        Type::Array(item) | Type::Optional(item) => nested(item),
        _ => None,
    }
}

/// Whether the workflow's inputs struct has a `validate` to call before any request.
pub(crate) fn validates_inputs(defs: &[StructDef]) -> bool {
    defs.first()
        .is_some_and(|def| needs_validation(defs, &def.name, 0))
}

/// `validate` methods for the input structs that need one.
pub(crate) fn validations(ctx: &EmitContext, defs: &[StructDef]) -> TokenStream {
    let root = &ctx.root;
    let impls = defs
        .iter()
        .filter(|def| needs_validation(defs, &def.name, 0))
        .map(|def| {
            let name = ident(&def.name);
            let fields = def.fields.iter().map(|field| field_checks(defs, field));
            let alternatives = def.alternatives.as_ref().map(|alt| alternatives(def, alt));
            quote! {
                impl #name {
                    /// Checks the constraints of the inputs schema that the types cannot
                    /// express (lengths, patterns, ranges, allowed values, required
                    /// alternatives). The workflow function calls it before any request.
                    ///
                    /// # Errors
                    ///
                    /// The first constraint that does not hold, as a message.
                    pub fn validate(&self) -> ::std::result::Result<(), ::std::string::String> {
                        #(#fields)*
                        #alternatives
                        ::std::result::Result::Ok(())
                    }
                }
            }
        });
    let impls = quote!(#(#impls)*);
    let patterns = defs.iter().flat_map(|d| &d.fields).any(|f| {
        f.constraints
            .iter()
            .any(|c| matches!(c, Constraint::Pattern(_)))
    });
    if patterns {
        // Patterns need the runtime; keep the alias out of the user's namespace.
        quote!(const _: () = { use #root::__private as rt; #impls };)
    } else {
        impls
    }
}

fn field_checks(defs: &[StructDef], field: &crate::ir::Field) -> TokenStream {
    let access = ident(&field.ident);
    let name = &field.name;
    let mut checks = Vec::new();
    let base = match &field.ty {
        Type::Optional(inner) => inner.as_ref(),
        other => other,
    };
    let items = |n: u64| if n == 1 { "item" } else { "items" };
    let characters = |n: u64| if n == 1 { "character" } else { "characters" };
    for constraint in &field.constraints {
        let fail =
            |message: String| quote!(return ::std::result::Result::Err(#message.to_owned()););
        let count = |n: &u64| Literal::u64_unsuffixed(*n);
        checks.push(match constraint {
            Constraint::MinLength(n) => {
                let fail = fail(format!(
                    "`{name}` must be at least {n} {} long",
                    characters(*n)
                ));
                let n = count(n);
                quote!(if (value.chars().count() as u64) < #n { #fail })
            }
            Constraint::MaxLength(n) => {
                let fail = fail(format!(
                    "`{name}` must be at most {n} {} long",
                    characters(*n)
                ));
                let n = count(n);
                quote!(if (value.chars().count() as u64) > #n { #fail })
            }
            Constraint::MinItems(n) => {
                let fail = fail(format!("`{name}` must have at least {n} {}", items(*n)));
                let n = count(n);
                quote!(if (value.len() as u64) < #n { #fail })
            }
            Constraint::MaxItems(n) => {
                let fail = fail(format!("`{name}` must have at most {n} {}", items(*n)));
                let n = count(n);
                quote!(if (value.len() as u64) > #n { #fail })
            }
            Constraint::Pattern(pattern) => {
                let fail = fail(format!("`{name}` must match the pattern `{pattern}`"));
                quote! {{
                    static PATTERN: rt::Pattern = rt::Pattern::new(#pattern);
                    if !PATTERN.is_match(value)? { #fail }
                }}
            }
            Constraint::Minimum {
                value: min,
                exclusive,
            } => {
                let (op, words) = if *exclusive {
                    (quote!(<=), "greater than")
                } else {
                    (quote!(<), "at least")
                };
                let fail = fail(format!("`{name}` must be {words} {min}"));
                let number = number(base);
                let min = Literal::f64_unsuffixed(*min);
                quote!(if #number #op #min { #fail })
            }
            Constraint::Maximum {
                value: max,
                exclusive,
            } => {
                let (op, words) = if *exclusive {
                    (quote!(>=), "less than")
                } else {
                    (quote!(>), "at most")
                };
                let fail = fail(format!("`{name}` must be {words} {max}"));
                let number = number(base);
                let max = Literal::f64_unsuffixed(*max);
                quote!(if #number #op #max { #fail })
            }
        });
    }
    if nested(base).is_some_and(|n| needs_validation(defs, n, 1)) {
        let format = format!(
            "in `{}`: {{message}}",
            name.replace('{', "{{").replace('}', "}}")
        );
        checks.push(match base {
            Type::Array(_) => quote! {
                for item in value {
                    item.validate().map_err(|message| ::std::format!(#format))?;
                }
            },
            _ => quote!(value.validate().map_err(|message| ::std::format!(#format))?;),
        });
    }
    if checks.is_empty() {
        return TokenStream::new();
    }
    if field.plain() && !matches!(field.ty, Type::Optional(_)) {
        quote! {{
            let value = &self.#access;
            #(#checks)*
        }}
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &self.#access {
                #(#checks)*
            }
        }
    }
}

/// The value of a numeric field as `f64`.
fn number(ty: &Type) -> TokenStream {
    match ty {
        Type::Integer => quote!((*value as f64)),
        Type::Int32 | Type::Float32 => quote!(f64::from(*value)),
        _ => quote!(*value),
    }
}

fn alternatives(def: &StructDef, alt: &crate::ir::Alternatives) -> TokenStream {
    let present = |name: &str| -> TokenStream {
        match def.fields.iter().find(|f| f.name == name) {
            Some(field) if field.plain() && !matches!(field.ty, Type::Optional(_)) => quote!(true),
            Some(field) => {
                let access = ident(&field.ident);
                quote!(self.#access.is_some())
            }
            None => quote!(false),
        }
    };
    let sets = alt.sets.iter().map(|set| {
        let parts = set.iter().map(|name| present(name));
        quote!(#(#parts)&&*)
    });
    let described: Vec<String> = alt
        .sets
        .iter()
        .map(|set| {
            set.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    let (test, message) = if alt.exactly_one {
        (
            quote!(satisfied != 1),
            format!("exactly one of {} is required", described.join(" or ")),
        )
    } else {
        (
            quote!(satisfied == 0),
            format!("at least one of {} is required", described.join(" or ")),
        )
    };
    quote! {
        let satisfied = [#(#sets),*].iter().filter(|present| **present).count();
        if #test {
            return ::std::result::Result::Err(#message.to_owned());
        }
    }
}
