//! Rust types from the OpenAPI schemas of the operations the workflows call.
//!
//! For each operation step, the JSON request body and the success-response body become
//! types of the generated `types` module, with the types they need, and nothing else of
//! the description:
//!
//! - an object with `properties` is a struct: required members are plain fields, others
//!   `Option`s left out when `None`; `nullable` makes any type an `Option`;
//!   `additionalProperties` alongside `properties` is a flattened `BTreeMap` field, and
//!   an object with only `additionalProperties` is a `BTreeMap<String, T>`;
//! - a string `enum` is a Rust enum with the values as serde renames; in response types
//!   it has an `Other(String)` fallback, so a value the server adds later still decodes;
//! - `allOf` members are merged into one struct; `oneOf` / `anyOf` are enums, internally
//!   tagged when a `discriminator` names the members, untagged otherwise (with an
//!   `Other(Value)` fallback in response types);
//! - `int32` is `i32`, other integers `i64`; `float` is `f32`, other numbers `f64`;
//!   `date-time`, `uuid`, `byte` and other string formats stay `String`, so that
//!   generated code needs no date or UUID crate and a value the server formats slightly
//!   differently still decodes (and sends back unchanged);
//! - a `$ref` is a named type (named after the component), shared by everything that
//!   refers to it; a reference back to a type being built is boxed.
//!
//! Anything the schema does not describe (no `type`, `not`, free-form objects) stays a
//! `serde_json::Value`. Names are PascalCase, unique in the module, and given in the
//! order the workflows reach the schemas, so output is deterministic; the module lists
//! the types by name.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Discriminator, IntegerFormat, NumberFormat, ReferenceOr, Schema,
    SchemaKind, Type as OaType, VariantOrUnknownOrEmpty,
};

use crate::ir;
use crate::load::OpenApiSource;
use crate::naming::{pascal, snake, Scope};
use crate::openapi::OperationRef;

/// How deep schemas are followed before giving up with a `Value`.
const MAX_DEPTH: usize = 48;

/// The types generated so far, shared by every workflow of the document.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    types: Vec<ir::SchemaType>,
    /// Schema (by address) and the discriminator property left out of it → type name.
    memo: HashMap<(usize, Option<String>), String>,
    /// Types whose definition is being built: a reference to one of them is recursive.
    building: BTreeSet<String>,
    /// Types of components (reached through a `$ref`): described by their own schema only.
    components: BTreeSet<String>,
    scope: Scope,
    /// Operations whose request body types are still to be generated: the source's
    /// index in the document and the operation's JSON pointer.
    pub requests: Vec<(usize, String)>,
}

impl Registry {
    /// The generated types, by name.
    pub fn finish(mut self) -> Vec<ir::SchemaType> {
        self.types.sort_by(|a, b| a.name.cmp(&b.name));
        self.types
    }
}

/// The schema of an operation's JSON body (request or response content).
fn json_schema(content: &IndexMap<String, openapiv3::MediaType>) -> Option<&ReferenceOr<Schema>> {
    content
        .iter()
        .find(|(ct, _)| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
        .and_then(|(_, media)| media.schema.as_ref())
}

/// The base of the names of an operation's body types: its `operationId`, else its
/// method and path.
fn operation_name(op: &OperationRef) -> String {
    match op.operation_id() {
        Some(id) => pascal(id),
        None => pascal(&format!("{} {}", op.method.to_ascii_lowercase(), op.path)),
    }
}

/// The type of a step's success-response body at `tokens` (all of it when empty),
/// generating the types it needs. `None` when the schema does not describe it.
pub(super) fn response_type(
    registry: &mut Registry,
    openapi: &OpenApiSource,
    op: &OperationRef,
    status: &str,
    tokens: &[String],
) -> Option<ir::Type> {
    let response = openapi.response(op, status)?;
    let root = json_schema(&response.content)?;
    let hint = format!("{}Response", operation_name(op));
    let mut lower = Lower {
        openapi,
        registry,
        open: true,
    };
    // The whole body first, so that the types inside it are named after it.
    let whole = lower.reference(root, &hint, 0);
    lower.describe(
        &whole,
        format!(
            "The body of a `{status}` response of {}.",
            describe_operation(op)
        ),
        true,
    );
    if tokens.is_empty() {
        return Some(whole);
    }
    let (target, optional) = follow(openapi, openapi.resolve_schema(root)?, tokens, 0)?;
    let hint = tokens.iter().fold(hint, |hint, t| hint + &pascal(t));
    let ty = lower.schema(target, &hint, None, 0);
    Some(match ty {
        ir::Type::Optional(_) | ir::Type::Json => ty,
        ty if optional => ir::Type::Optional(Box::new(ty)),
        ty => ty,
    })
}

/// Generates the type of an operation's JSON request body.
pub(super) fn request_type(registry: &mut Registry, openapi: &OpenApiSource, op: &OperationRef) {
    let Some(body) = openapi.request_body(op) else {
        return;
    };
    let Some(root) = json_schema(&body.content) else {
        return;
    };
    let hint = format!("{}Request", operation_name(op));
    let mut lower = Lower {
        openapi,
        registry,
        open: false,
    };
    let ty = lower.reference(root, &hint, 0);
    lower.describe(
        &ty,
        format!("The request body of {}.", describe_operation(op)),
        true,
    );
}

/// `` `getPet` (`GET /pets/{id}`) ``.
fn describe_operation(op: &OperationRef) -> String {
    match op.operation_id() {
        Some(id) => format!("`{id}` (`{} {}`)", op.method, op.path),
        None => format!("`{} {}`", op.method, op.path),
    }
}

/// Follows pointer tokens through `properties`, `items`, `additionalProperties` and
/// `allOf` members. The flag says whether an array element was crossed (it may be
/// missing).
fn follow<'a>(
    openapi: &'a OpenApiSource,
    schema: &'a Schema,
    tokens: &[String],
    depth: usize,
) -> Option<(&'a Schema, bool)> {
    let Some((first, rest)) = tokens.split_first() else {
        return Some((schema, false));
    };
    if depth > MAX_DEPTH {
        return None;
    }
    let (properties, additional, items, all_of) = match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(o)) => (
            Some(&o.properties),
            o.additional_properties.as_ref(),
            None,
            None,
        ),
        SchemaKind::Type(OaType::Array(a)) => (None, None, a.items.as_ref(), None),
        SchemaKind::AllOf { all_of } => (None, None, None, Some(all_of)),
        SchemaKind::Any(any) => (
            Some(&any.properties),
            any.additional_properties.as_ref(),
            any.items.as_ref(),
            Some(&any.all_of),
        ),
        _ => return None,
    };
    let next = |schema: &'a Schema, crossed: bool| {
        follow(openapi, schema, rest, depth + 1).map(|(s, o)| (s, o || crossed))
    };
    if let Some(property) = properties.and_then(|p| p.get(first.as_str())) {
        return next(openapi.resolve_boxed_schema(property)?, false);
    }
    if let Some(items) = items.filter(|_| first.parse::<usize>().is_ok()) {
        return next(openapi.resolve_boxed_schema(items)?, true);
    }
    if let Some(members) = all_of {
        return members
            .iter()
            .filter_map(|m| openapi.resolve_schema(m))
            .find_map(|m| follow(openapi, m, tokens, depth + 1));
    }
    match additional {
        Some(AdditionalProperties::Schema(extra)) => next(openapi.resolve_schema(extra)?, false),
        _ => None,
    }
}

/// The last segment of `#/components/schemas/Name`.
fn component_name(reference: &str) -> Option<String> {
    let last = reference.rsplit('/').next()?;
    (!last.is_empty()).then(|| {
        crate::openapi::percent_decode(&last.replace("~1", "/").replace("~0", "~")).into_owned()
    })
}

/// The properties of an object schema, merged over `allOf`.
#[derive(Default)]
struct Members<'a> {
    properties: Vec<(&'a String, &'a ReferenceOr<Box<Schema>>)>,
    required: Vec<&'a String>,
    additional: Option<&'a AdditionalProperties>,
}

impl<'a> Members<'a> {
    fn add(
        &mut self,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
    ) {
        for (name, schema) in properties {
            match self.properties.iter_mut().find(|(n, _)| *n == name) {
                // A later member narrows an earlier one's property: keep the later.
                Some(existing) => existing.1 = schema,
                None => self.properties.push((name, schema)),
            }
        }
        self.required.extend(required);
        if additional.is_some() {
            self.additional = additional;
        }
    }

    /// Adds the members of another schema, as [`Members::add`].
    fn merge(&mut self, other: Members<'a>) {
        for (name, schema) in other.properties {
            match self.properties.iter_mut().find(|(n, _)| *n == name) {
                Some(existing) => existing.1 = schema,
                None => self.properties.push((name, schema)),
            }
        }
        self.required.extend(other.required);
        if other.additional.is_some() {
            self.additional = other.additional;
        }
    }
}

struct Lower<'a, 'r> {
    openapi: &'a OpenApiSource,
    registry: &'r mut Registry,
    /// Whether the types describe what a server sends (enums and unions get fallbacks).
    open: bool,
}

impl<'a> Lower<'a, '_> {
    fn reference(&mut self, schema: &'a ReferenceOr<Schema>, hint: &str, depth: usize) -> ir::Type {
        let hint = match schema {
            ReferenceOr::Reference { reference } => {
                component_name(reference).unwrap_or_else(|| hint.to_owned())
            }
            ReferenceOr::Item(_) => hint.to_owned(),
        };
        let ty = match self.openapi.resolve_schema(schema) {
            Some(resolved) => self.schema(resolved, &hint, None, depth),
            None => ir::Type::Json,
        };
        self.note_component(matches!(schema, ReferenceOr::Reference { .. }), &ty);
        ty
    }

    fn boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        depth: usize,
    ) -> ir::Type {
        let hint = match schema {
            ReferenceOr::Reference { reference } => {
                component_name(reference).unwrap_or_else(|| hint.to_owned())
            }
            ReferenceOr::Item(_) => hint.to_owned(),
        };
        let ty = match self.openapi.resolve_boxed_schema(schema) {
            Some(resolved) => self.schema(resolved, &hint, None, depth),
            None => ir::Type::Json,
        };
        self.note_component(matches!(schema, ReferenceOr::Reference { .. }), &ty);
        ty
    }

    /// The type of `schema`, leaving the property `omit` out of a struct (the tag of a
    /// discriminated union it is a member of).
    fn schema(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        omit: Option<&str>,
        depth: usize,
    ) -> ir::Type {
        if depth > MAX_DEPTH {
            return ir::Type::Json;
        }
        let (ty, nullable) = self.kind(schema, hint, omit, depth);
        match ty {
            ir::Type::Json | ir::Type::Optional(_) => ty,
            ty if nullable || schema.schema_data.nullable => ir::Type::Optional(Box::new(ty)),
            ty => ty,
        }
    }

    /// The type of a schema, and whether its `enum` allows `null`.
    fn kind(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        omit: Option<&str>,
        depth: usize,
    ) -> (ir::Type, bool) {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                let nullable = s.enumeration.iter().any(Option::is_none);
                if values.is_empty() {
                    return (ir::Type::String, nullable);
                }
                let ty = self.named(schema, hint, None, |this, _| {
                    let mut scope = Scope::with_reserved(if this.open { &["Other"] } else { &[] });
                    ir::SchemaTypeKind::Enum {
                        values: values
                            .iter()
                            .map(|v| (scope.unique(pascal(v)), (*v).clone()))
                            .collect(),
                        open: this.open,
                    }
                });
                return (ty, nullable);
            }
            SchemaKind::Type(OaType::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => ir::Type::Int32,
                _ => ir::Type::Integer,
            },
            SchemaKind::Type(OaType::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => ir::Type::Float32,
                _ => ir::Type::Number,
            },
            SchemaKind::Type(OaType::Boolean(_)) => ir::Type::Boolean,
            SchemaKind::Type(OaType::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.boxed(items, &format!("{hint}Item"), depth + 1),
                    None => ir::Type::Json,
                };
                ir::Type::Array(Box::new(item))
            }
            SchemaKind::Type(OaType::Object(o)) => {
                let mut members = Members::default();
                members.add(&o.properties, &o.required, o.additional_properties.as_ref());
                self.object(schema, members, hint, omit, depth)
            }
            SchemaKind::OneOf { one_of } => self.union(schema, one_of, hint, omit, depth),
            SchemaKind::AnyOf { any_of } => self.union(schema, any_of, hint, omit, depth),
            SchemaKind::AllOf { all_of } => {
                self.all_of(schema, all_of, Members::default(), hint, omit, depth)
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() => {
                // Properties next to `allOf` are one more member.
                let mut own = Members::default();
                own.add(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                );
                self.all_of(schema, &any.all_of, own, hint, omit, depth)
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() => {
                self.union(schema, &any.one_of, hint, omit, depth)
            }
            SchemaKind::Any(any) if !any.any_of.is_empty() => {
                self.union(schema, &any.any_of, hint, omit, depth)
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty() || any.additional_properties.is_some() =>
            {
                let mut members = Members::default();
                members.add(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                );
                self.object(schema, members, hint, omit, depth)
            }
            _ => ir::Type::Json,
        };
        (ty, false)
    }

    /// A struct, a map or (free-form) a `Value`.
    fn object(
        &mut self,
        schema: &'a Schema,
        members: Members<'a>,
        hint: &str,
        omit: Option<&str>,
        depth: usize,
    ) -> ir::Type {
        if members.properties.is_empty() {
            return match members.additional {
                Some(AdditionalProperties::Schema(value)) => ir::Type::Map(Box::new(
                    self.reference(value, &format!("{hint}Value"), depth + 1),
                )),
                _ => ir::Type::Json,
            };
        }
        self.named(schema, hint, omit, |this, name| {
            let mut scope = Scope::default();
            let required = &members.required;
            let fields = members
                .properties
                .iter()
                .filter(|(property, _)| Some(property.as_str()) != omit)
                .map(|(property, property_schema)| {
                    let ty = this.boxed(
                        property_schema,
                        &format!("{name}{}", pascal(property)),
                        depth + 1,
                    );
                    let doc = match property_schema {
                        ReferenceOr::Item(s) => {
                            // An inline type is described by where it is.
                            this.describe(
                                &ty,
                                format!("The `{property}` member of [`{name}`]."),
                                false,
                            );
                            s.schema_data.description.clone()
                        }
                        ReferenceOr::Reference { .. } => None,
                    };
                    ir::Field {
                        name: (*property).clone(),
                        ident: scope.unique(snake(property)),
                        ty: this.box_cycle(ty),
                        required: required.contains(property),
                        doc,
                        constraints: Vec::new(),
                        secret: is_secret(property_schema),
                        default: None,
                    }
                })
                .collect::<Vec<_>>();
            let extra = match members.additional {
                Some(AdditionalProperties::Schema(value)) => {
                    Some(this.reference(value, &format!("{name}Value"), depth + 1))
                }
                Some(AdditionalProperties::Any(true)) => Some(ir::Type::Json),
                _ => None,
            };
            ir::SchemaTypeKind::Struct { fields, extra }
        })
    }

    /// `allOf`: one struct with every member's properties, or the only member.
    fn all_of(
        &mut self,
        schema: &'a Schema,
        all_of: &'a [ReferenceOr<Schema>],
        own: Members<'a>,
        hint: &str,
        omit: Option<&str>,
        depth: usize,
    ) -> ir::Type {
        if let [only] = all_of {
            if own.properties.is_empty() && own.additional.is_none() {
                return self.reference(only, hint, depth + 1);
            }
        }
        let mut members = Members::default();
        for member in all_of {
            let Some(member) = self.openapi.resolve_schema(member) else {
                return ir::Type::Json;
            };
            if !collect(self.openapi, member, &mut members, depth + 1) {
                return ir::Type::Json;
            }
        }
        members.merge(own);
        self.object(schema, members, hint, omit, depth)
    }

    /// `oneOf` / `anyOf`: an enum of the members.
    fn union(
        &mut self,
        schema: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        hint: &str,
        omit: Option<&str>,
        depth: usize,
    ) -> ir::Type {
        if let [only] = members {
            return self.reference(only, hint, depth + 1);
        }
        let discriminator = schema.schema_data.discriminator.as_ref().filter(|_| {
            members
                .iter()
                .all(|m| matches!(m, ReferenceOr::Reference { .. }))
        });
        self.named(schema, hint, omit, |this, name| {
            let mut scope = Scope::with_reserved(if this.open { &["Other"] } else { &[] });
            let mut tagged = discriminator.is_some();
            let variants = members
                .iter()
                .enumerate()
                .map(|(index, member)| {
                    let fallback = format!("{name}Variant{}", index + 1);
                    let (ty, tag) = match (member, discriminator) {
                        (ReferenceOr::Reference { reference }, Some(d)) => {
                            let component = component_name(reference).unwrap_or(fallback);
                            let ty = match this.openapi.resolve_schema(member) {
                                Some(resolved) => this.schema(
                                    resolved,
                                    &component,
                                    Some(&d.property_name),
                                    depth + 1,
                                ),
                                None => ir::Type::Json,
                            };
                            let tag = tag_value(d, reference, &component);
                            (ty, Some(tag))
                        }
                        _ => (this.reference(member, &fallback, depth + 1), None),
                    };
                    // Internally tagged variants must be structs.
                    tagged &= matches!(&ty, ir::Type::Schema(n)
                        if this.registry.types.iter().any(|t| &t.name == n
                            && matches!(t.kind, ir::SchemaTypeKind::Struct { .. }))
                        || this.registry.building.contains(n));
                    let ident = scope.unique(variant_name(&ty, index));
                    ir::Variant {
                        ident,
                        tag,
                        ty: this.box_cycle(ty),
                    }
                })
                .collect::<Vec<_>>();
            let variants = if tagged {
                variants
            } else {
                variants
                    .into_iter()
                    .map(|v| ir::Variant { tag: None, ..v })
                    .collect()
            };
            ir::SchemaTypeKind::Union {
                tag: discriminator
                    .filter(|_| tagged)
                    .map(|d| d.property_name.clone()),
                variants,
                open: this.open,
            }
        })
    }

    /// A named type for `schema`, built once.
    fn named(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        omit: Option<&str>,
        build: impl FnOnce(&mut Self, &str) -> ir::SchemaTypeKind,
    ) -> ir::Type {
        let key = (std::ptr::from_ref(schema) as usize, omit.map(str::to_owned));
        if let Some(name) = self.registry.memo.get(&key) {
            return ir::Type::Schema(name.clone());
        }
        let name = self.registry.scope.unique(pascal(hint));
        self.registry.memo.insert(key, name.clone());
        self.registry.building.insert(name.clone());
        let kind = build(self, &name);
        self.registry.building.remove(&name);
        let data = &schema.schema_data;
        let doc = match (&data.title, &data.description) {
            (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
            (Some(text), None) | (None, Some(text)) => Some(text.clone()),
            (None, None) => None,
        };
        self.registry.types.push(ir::SchemaType {
            name: name.clone(),
            doc,
            kind,
        });
        ir::Type::Schema(name)
    }

    /// Remembers that the type `ty` names was reached through a `$ref`.
    fn note_component(&mut self, is_reference: bool, ty: &ir::Type) {
        match ty {
            ir::Type::Schema(name) if is_reference => {
                self.registry.components.insert(name.clone());
            }
            ir::Type::Optional(inner) => self.note_component(is_reference, inner),
            _ => {}
        }
    }

    /// Gives the type `ty` names, if it has no description of its own, the doc `doc`.
    /// Components are only described this way when `components` is set (a whole body).
    fn describe(&mut self, ty: &ir::Type, doc: String, components: bool) {
        match ty {
            ir::Type::Schema(name) if components || !self.registry.components.contains(name) => {
                if let Some(def) = self.registry.types.iter_mut().find(|t| &t.name == name) {
                    def.doc.get_or_insert(doc);
                }
            }
            ir::Type::Optional(inner) => self.describe(inner, doc, components),
            ir::Type::Array(item) => {
                let doc = doc.strip_prefix("The ").unwrap_or(&doc);
                self.describe(item, format!("One element of the {doc}"), components);
            }
            _ => {}
        }
    }

    /// Boxes a direct reference to a type being built (a recursive one).
    fn box_cycle(&self, ty: ir::Type) -> ir::Type {
        match ty {
            ir::Type::Schema(ref name) if self.registry.building.contains(name) => {
                ir::Type::Boxed(Box::new(ty))
            }
            ir::Type::Optional(inner) => ir::Type::Optional(Box::new(self.box_cycle(*inner))),
            other => other,
        }
    }
}

/// Adds an `allOf` member's properties; `false` when it is not an object schema.
fn collect<'a>(
    openapi: &'a OpenApiSource,
    schema: &'a Schema,
    members: &mut Members<'a>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(o)) => {
            members.add(&o.properties, &o.required, o.additional_properties.as_ref());
            true
        }
        SchemaKind::AllOf { all_of } => all_of.iter().all(|m| {
            openapi
                .resolve_schema(m)
                .is_some_and(|m| collect(openapi, m, members, depth + 1))
        }),
        SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
            let nested = any.all_of.iter().all(|m| {
                openapi
                    .resolve_schema(m)
                    .is_some_and(|m| collect(openapi, m, members, depth + 1))
            });
            members.add(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
            );
            nested
                && (!any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || any.additional_properties.is_some())
        }
        _ => false,
    }
}

/// The discriminator value of the member `reference`: its `mapping` key, else the
/// component's name.
fn tag_value(d: &Discriminator, reference: &str, component: &str) -> String {
    d.mapping
        .iter()
        .find(|(_, target)| *target == reference || target.as_str() == component)
        .map_or_else(|| component.to_owned(), |(value, _)| value.clone())
}

/// A variant's name from its type.
fn variant_name(ty: &ir::Type, index: usize) -> String {
    match ty {
        ir::Type::Schema(name) => name.clone(),
        ir::Type::String => "String".to_owned(),
        ir::Type::Integer | ir::Type::Int32 => "Integer".to_owned(),
        ir::Type::Number | ir::Type::Float32 => "Number".to_owned(),
        ir::Type::Boolean => "Boolean".to_owned(),
        ir::Type::Array(_) => "Array".to_owned(),
        ir::Type::Map(_) => "Map".to_owned(),
        ir::Type::Boxed(inner) | ir::Type::Optional(inner) => variant_name(inner, index),
        _ => format!("Variant{}", index + 1),
    }
}

/// Whether an inline property schema marks its value as a secret: `format: password` or
/// `writeOnly: true`.
fn is_secret(schema: &ReferenceOr<Box<openapiv3::Schema>>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => schema_is_secret(schema),
        ReferenceOr::Reference { .. } => false,
    }
}

/// Whether a schema marks its value as a secret: `format: password` or `writeOnly: true`.
pub(super) fn schema_is_secret(schema: &openapiv3::Schema) -> bool {
    let password = matches!(
        &schema.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(openapiv3::StringType {
            format: openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password),
            ..
        }))
    );
    password || schema.schema_data.write_only
}
